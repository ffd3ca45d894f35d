"""Token buckets per SP-API operation, shared by every stream of the tap.

Each operation has a usage plan (a rate in requests per second and a burst). The tap
starts each bucket full at the plan in the API's models, lowers or raises the rate to
what `x-amzn-RateLimit-Limit` reports for this seller, and waits for a token before every
request, so a steady sync is never refused. A 429 empties the bucket.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# operationId -> (rate per second, burst), from the usage plans in the OpenAPI models.
USAGE_PLANS: dict[str, tuple[float, int]] = {
    "getMarketplaceParticipations": (0.016, 15),
    "searchOrders": (0.0056, 20),
    "getInventorySummaries": (2.0, 2),
    "listFinancialEventGroups": (0.5, 30),
    "listFinancialEvents": (0.5, 30),
    "getReports": (0.0222, 10),
    "createReport": (0.0167, 15),
    "getReport": (2.0, 15),
    "getReportDocument": (0.0167, 15),
    "createRestrictedDataToken": (1.0, 10),
}


#: The share of the stated rate the tap counts on, so clock skew never makes it early.
RATE_MARGIN = 0.97


@dataclass
class TokenBucket:
    """One operation's bucket: `burst` tokens, refilled at `rate` per second."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    tokens: float = field(init=False)
    updated: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = self.burst
        self.updated = self.clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate * RATE_MARGIN)
        self.updated = now

    def wait_time(self) -> float:
        """Seconds until one token is available."""
        self._refill()
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / (self.rate * RATE_MARGIN)

    def take(self) -> None:
        self._refill()
        self.tokens -= 1

    def empty(self) -> None:
        self._refill()
        self.tokens = min(self.tokens, 0.0)


@dataclass
class RateLimiter:
    """The buckets of every operation; `acquire` blocks until the operation may be called."""

    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    buckets: dict[str, TokenBucket] = field(default_factory=dict)
    waited_s: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def bucket(self, operation: str) -> TokenBucket:
        if operation not in self.buckets:
            rate, burst = USAGE_PLANS.get(operation, (1.0, 1))
            self.buckets[operation] = TokenBucket(rate, burst, self.clock)
        return self.buckets[operation]

    def available(self, operation: str) -> bool:
        """Whether a call of `operation` may go now without waiting."""
        with self._lock:
            return self.bucket(operation).wait_time() == 0

    def acquire(self, operation: str) -> float:
        """Wait for a token of `operation` and take it; the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                bucket = self.bucket(operation)
                wait = bucket.wait_time()
                if wait <= 0:
                    bucket.take()
                    self.waited_s += waited
                    return waited
            self.sleep(wait)
            waited += wait

    def observe_limit(self, operation: str, header: str | None) -> None:
        """Adopt the rate `x-amzn-RateLimit-Limit` reports for this seller and operation."""
        if not header:
            return
        try:
            rate = float(header)
        except ValueError:
            return
        if rate > 0:
            with self._lock:
                self.bucket(operation).rate = rate

    def throttled(self, operation: str) -> float:
        """Empty the bucket after a 429; the seconds until its next token."""
        with self._lock:
            bucket = self.bucket(operation)
            bucket.empty()
            return bucket.wait_time()
