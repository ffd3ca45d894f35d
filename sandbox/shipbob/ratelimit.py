"""ShipBob's documented rate limit: 150 requests in any sliding minute, per user and application.

Counted across all endpoints in simulated time; `x-remaining-calls` says how many calls the window
still holds and, past it, `x-retry-after` how many real seconds (whole, rounded up) until the
oldest call leaves the window, so a client pacing by the headers is correct at any time scale.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass

from sandbox.clock import SimClock

LIMIT = 150
WINDOW = 60.0  # simulated seconds


@dataclass
class Decision:
    allowed: bool
    remaining: int  # calls left in the window after this one
    retry_after: int  # whole real seconds to wait (0 when allowed)


class SlidingWindow:
    def __init__(self, clock: SimClock, limit: int = LIMIT, window: float = WINDOW) -> None:
        self.clock = clock
        self.limit = limit
        self.window = window
        self._calls: dict[tuple[int, str], deque[float]] = {}
        self._lock = threading.Lock()

    def take(self, user_id: int, application: str) -> Decision:
        now = self.clock.now()
        with self._lock:
            calls = self._calls.setdefault((user_id, application), deque())
            while calls and calls[0] <= now - self.window:
                calls.popleft()
            if len(calls) >= self.limit:
                wait = (calls[0] + self.window - now) / self.clock.time_scale
                return Decision(False, 0, max(1, math.ceil(wait)))
            calls.append(now)
            return Decision(True, self.limit - len(calls), 0)
