"""The sandbox's one rate-limit bucket: Shopify's cost bucket and Amazon's usage plans alike.

A bucket holds up to `capacity` tokens (Shopify: cost points; Amazon: requests) and restores
`restore_rate` of them per second of its clock: the world's simulated clock, or its real-time
mode. Clients pace in real seconds, so what a bucket reports is per real second.
"""

from __future__ import annotations

import threading

from sandbox.clock import Clock


class TokenBucket:
    """One bucket; safe across server threads."""

    def __init__(self, clock: Clock, capacity: float, restore_rate: float) -> None:
        self.clock = clock
        self.capacity = capacity
        self.restore_rate = restore_rate
        self._available = float(capacity)
        self._at = clock.now()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self.clock.now()
        self._available = min(self.capacity, self._available + (now - self._at) * self.restore_rate)
        self._at = now

    @property
    def available(self) -> float:
        with self._lock:
            self._refill()
            return self._available

    @property
    def real_restore_rate(self) -> float:
        """Tokens restored per real second, whatever the clock's speed."""
        return self.restore_rate * self.clock.time_scale

    def take(self, tokens: float = 1.0) -> bool:
        """Take `tokens` if the bucket holds them; False means the request is throttled."""
        with self._lock:
            self._refill()
            if tokens > self._available:
                return False
            self._available -= tokens
            return True

    def real_wait(self, tokens: float = 1.0) -> float:
        """Real seconds until the bucket holds `tokens` again (0 if it does now)."""
        with self._lock:
            self._refill()
            return max(0.0, tokens - self._available) / self.real_restore_rate

    def refund(self, tokens: float) -> None:
        with self._lock:
            self._refill()
            self._available = min(self.capacity, self._available + tokens)

    def drain(self) -> None:
        """Empty the bucket (fault injection: the start of a throttle storm)."""
        with self._lock:
            self._refill()
            self._available = 0.0
