"""SP-API usage plans: one token bucket per operation, selling partner and application.

A bucket holds `burst` tokens and restores `rate` tokens per simulated second. Clients
see rates per real second (`x-amzn-RateLimit-Limit`), so they pace correctly at any
time scale.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from sandbox.clock import SimClock

from .models import Operation


@dataclass
class Decision:
    allowed: bool
    limit: float  # requests per real second
    retry_after: float  # real seconds until one token is back (0 when allowed)


class _Bucket:
    def __init__(self, burst: int, at: float) -> None:
        self.tokens = float(burst)
        self.at = at


class UsagePlans:
    """Every bucket of one sandbox."""

    def __init__(self, clock: SimClock) -> None:
        self.clock = clock
        self._buckets: dict[tuple[str, str, str], _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, op: Operation, selling_partner_id: str, client_id: str) -> Decision:
        now = self.clock.now()
        scale = self.clock.time_scale
        with self._lock:
            bucket = self._buckets.setdefault(
                (selling_partner_id, client_id, op.name + op.path), _Bucket(op.burst, now)
            )
            bucket.tokens = min(op.burst, bucket.tokens + (now - bucket.at) * op.rate)
            bucket.at = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return Decision(True, op.rate * scale, 0.0)
            wait = (1 - bucket.tokens) / op.rate / scale
        return Decision(False, op.rate * scale, wait)

    def drain(self) -> None:
        """Empty every bucket (fault injection: the start of a 429 storm)."""
        now = self.clock.now()
        with self._lock:
            for bucket in self._buckets.values():
                bucket.tokens = 0.0
                bucket.at = now


def rate_header(limit: float) -> str:
    """`x-amzn-RateLimit-Limit`: requests per second, as few digits as say it."""
    return f"{limit:.6g}"


def retry_after_header(seconds: float) -> str:
    """`Retry-After` is whole seconds; round up so a client that honours it is never early."""
    return str(max(1, math.ceil(seconds)))
