"""Pacing from Shopify's calculated query cost.

Every GraphQL response reports `extensions.cost`: the requested and actual cost of the
query and the bucket's `throttleStatus` (maximumAvailable, currentlyAvailable,
restoreRate). The tap waits before a request until the bucket can hold its requested
cost, so a steady sync is never THROTTLED, and sizes pages so one query stays within the
single-query limit. Nothing about the shop's plan is assumed: all comes from responses.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Shopify refuses any single query whose requested cost exceeds this, on every plan.
MAX_SINGLE_QUERY_COST = 1000
MAX_PAGE_SIZE = 250


@dataclass
class CostThrottle:
    """The tap's model of one shop's leaky bucket, shared by all streams of the tap."""

    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    maximum: float | None = None
    available: float | None = None
    restore_rate: float | None = None
    observed_at: float = 0.0
    #: Points added to each wait's target, so rounding in reports never leaves us short.
    margin: float = 1.0

    def estimate(self) -> float | None:
        """Points available now, by the last report and the restore rate since."""
        if self.available is None or self.restore_rate is None or self.maximum is None:
            return None
        return min(self.maximum, self.available + (self.clock() - self.observed_at) * self.restore_rate)

    def wait_time(self, cost: float) -> float:
        """Seconds to wait until the bucket holds `cost` points."""
        available = self.estimate()
        if available is None or self.restore_rate is None or self.restore_rate <= 0 or available >= cost + self.margin:
            return 0.0
        return (cost + self.margin - available) / self.restore_rate

    def before_request(self, expected_cost: float | None) -> float:
        """Wait until the bucket can hold a query expected to cost `expected_cost`; seconds waited."""
        cost = expected_cost or 0
        if self.maximum is not None:
            cost = min(cost, self.maximum)
        wait = self.wait_time(cost)
        if wait > 0:
            self.sleep(wait)
        return wait

    def observe(self, cost: dict[str, Any] | None) -> None:
        """Record `extensions.cost` of a response."""
        if not cost:
            return
        status = cost.get("throttleStatus") or {}
        if status:
            self.maximum = float(status["maximumAvailable"])
            self.available = float(status["currentlyAvailable"])
            self.restore_rate = float(status["restoreRate"])
            self.observed_at = self.clock()

    def throttled_wait(self, cost: dict[str, Any] | None) -> float:
        """Seconds to wait after a THROTTLED response, from what it reports."""
        self.observe(cost)
        requested = float((cost or {}).get("requestedQueryCost") or 0)
        wait = self.wait_time(requested)
        return wait if wait > 0 else 1.0

    def page_size(self, per_node: float) -> int:
        """Largest page whose requested cost stays within one query and the bucket."""
        budget = MAX_SINGLE_QUERY_COST if self.maximum is None else min(MAX_SINGLE_QUERY_COST, self.maximum)
        return max(1, min(MAX_PAGE_SIZE, math.floor((budget - 2) / per_node)))
