"""SP-API usage plans: one token bucket per operation, selling partner and application.

Each is the sandbox's one `TokenBucket`: `burst` tokens, restoring `rate` a simulated second.
Clients see rates per real second (`x-amzn-RateLimit-Limit`), so they pace correctly at any
time scale.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from sandbox.bucket import TokenBucket
from sandbox.clock import Clock

from .models import Operation


@dataclass
class Decision:
    allowed: bool
    limit: float  # requests per real second
    retry_after: float  # real seconds until one token is back (0 when allowed)


class UsagePlans:
    """Every bucket of one sandbox."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._buckets: dict[tuple[str, str, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def take(self, op: Operation, selling_partner_id: str, client_id: str) -> Decision:
        key = (selling_partner_id, client_id, op.name + op.path)
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = TokenBucket(self.clock, op.burst, op.rate)
        if bucket.take():
            return Decision(True, bucket.real_restore_rate, 0.0)
        return Decision(False, bucket.real_restore_rate, bucket.real_wait())

    def drain(self) -> None:
        """Empty every bucket (fault injection: the start of a 429 storm)."""
        with self._lock:
            buckets = list(self._buckets.values())
        for bucket in buckets:
            bucket.drain()


def rate_header(limit: float) -> str:
    """`x-amzn-RateLimit-Limit`: requests per second, as few digits as say it."""
    return f"{limit:.6g}"


def retry_after_header(seconds: float) -> str:
    """`Retry-After` is whole seconds; round up so a client that honours it is never early."""
    return str(max(1, math.ceil(seconds)))
