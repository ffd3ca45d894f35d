"""Pacing under a sliding-window rate limit that an API reports only as calls left.

Some APIs (ShipBob: 150 calls in any minute per user and application) say on every response
how many calls the window still holds (`remaining`) and, once it is spent, how long to wait.
The limiter keeps the moments its own calls were answered; the limit is what the API reports
plus the calls still in the window. Before a call it waits, if the window is full, until the
oldest call leaves it. A call is dated when its answer arrives (never earlier than the API
counted it), so the wait is never short. Calls made by other clients of the same account show
as fewer `remaining` than expected; the limiter then counts phantom calls in their place.
The limit is learnt from the younger half of the window only, since the API's clock and ours
disagree on when an old call leaves it.
The clock and the sleep are passed in, so tests can drive time.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class SlidingWindowLimiter:
    """One account's window: `acquire` before a call, `observe` its answer's `remaining`."""

    window_s: float = 60.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    limit: int | None = None
    waited_s: float = 0.0
    calls: deque[float] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _prune(self, now: float) -> None:
        while self.calls and self.calls[0] <= now - self.window_s:
            self.calls.popleft()

    def wait_time(self) -> float:
        """Seconds until the window holds room for one more call."""
        now = self.clock()
        self._prune(now)
        if self.limit is None or len(self.calls) < self.limit:
            return 0.0
        return max(0.0, self.calls[len(self.calls) - self.limit] + self.window_s - now)

    def acquire(self) -> float:
        """Wait until a call may go; the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                wait = self.wait_time()
                if wait <= 0:
                    self.waited_s += waited
                    return waited
            self.sleep(wait)
            waited += wait

    def observe(self, remaining: str | int | None) -> None:
        """Date the call just answered and adopt what the API says is left in the window."""
        with self._lock:
            now = self.clock()
            self.calls.append(now)
            self._prune(now)
            try:
                left = int(remaining) if remaining is not None else None
            except ValueError:
                left = None
            if left is None or left < 0:
                return
            # The API dated our calls earlier than we did, so it may already have let out an old
            # one we still hold: only calls from the younger half of the window (well clear of
            # that skew) count towards the limit the answer implies, or it would be overstated.
            young = sum(1 for moment in self.calls if moment > now - self.window_s / 2)
            implied = left + young
            if self.limit is None or implied > self.limit:
                self.limit = implied
            # Fewer left than our own calls explain: others use the account too; count theirs.
            for _ in range(self.limit - left - len(self.calls)):
                self.calls.append(now)  # dated now (later than they were made) keeps the order
