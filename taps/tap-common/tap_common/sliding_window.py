"""Pacing under a sliding-window rate limit that an API reports only as calls left.

Some APIs (ShipBob: 150 calls in any minute per user and application) say on every response
how many calls the window still holds (`remaining`) and, once it is spent, how long to wait.
The API dates a call somewhere between the moment it was sent and the moment its answer
arrived, so the limiter keeps both and uses each where it errs on the safe side:
- pacing dates a call by its answer (never earlier than the API did), so a wait is never short;
- the limit is what the API reports left plus our calls *sent* within the window, which the API
  surely still holds, so it is never overstated, however long an answer took to arrive (a
  stalled process once turned "the younger half of the window" into a limit one too high).
Calls made by other clients of the same account show as fewer `remaining` than expected; the
limiter then counts phantom calls in their place.
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
    calls: deque[float] = field(default_factory=deque)  # answer moments of the calls in the window
    sent: deque[float] = field(default_factory=deque)  # send moments of the answered calls in the window
    pending: deque[float] = field(default_factory=deque)  # send moments of calls not answered yet
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _prune(self, now: float) -> None:
        for moments in (self.calls, self.sent, self.pending):
            while moments and moments[0] <= now - self.window_s:
                moments.popleft()

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
                    self.pending.append(self.clock())
                    self.waited_s += waited
                    return waited
            self.sleep(wait)
            waited += wait

    def observe(self, remaining: str | int | None) -> None:
        """Date the call just answered and adopt what the API says is left in the window."""
        with self._lock:
            now = self.clock()
            self.calls.append(now)
            # The oldest call in flight: this one, or one sent earlier (a call that never got an
            # answer, another thread's), which only makes the limit below smaller. None left:
            # it was sent before the window, and the API may no longer hold it.
            if self.pending:
                self.sent.append(self.pending.popleft())
            self._prune(now)
            try:
                left = int(remaining) if remaining is not None else None
            except ValueError:
                left = None
            if left is None or left < 0:
                return
            implied = left + len(self.sent)
            if self.limit is None or implied > self.limit:
                self.limit = implied
            # Fewer left than our own calls explain: others use the account too; count theirs.
            for _ in range(self.limit - left - len(self.calls)):
                self.calls.append(now)  # dated now (later than they were made) keeps the order
