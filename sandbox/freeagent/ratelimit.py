"""FreeAgent's rate limits, per user: 120 requests a minute and 3,600 an hour, counted in windows
that reset at the top of each minute and hour; 15 token refreshes a minute. Past a limit the
answer is 429 until the window resets, with `Retry-After` in whole (real) seconds.

Sources: FreeAgent's announcements on api-discuss (rate limits, #744; the sandbox's test header,
#780: `X-RateLimit-Test: true` lowers the per-minute limit to 5). Windows run on the sandbox's
simulated clock; `Retry-After` is converted to real seconds so a client waiting it out is right at
any time scale.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from sandbox.clock import SimClock

PER_MINUTE = 120
PER_HOUR = 3600
TEST_PER_MINUTE = 5
REFRESHES_PER_MINUTE = 15


@dataclass
class Decision:
    allowed: bool
    retry_after: int  # whole real seconds until the window that refused resets (0 when allowed)
    message: str = ""


class FixedWindows:
    """Counts calls per key in fixed simulated-time windows (`limits`: (window seconds, calls))."""

    def __init__(self, clock: SimClock) -> None:
        self.clock = clock
        self._counts: dict[tuple[str, int, int], int] = {}
        self._lock = threading.Lock()

    def take(self, key: str, limits: list[tuple[int, int]]) -> Decision:
        now = self.clock.now()
        with self._lock:
            for window, limit in limits:
                slot = int(now // window)
                if self._counts.get((key, window, slot), 0) >= limit:
                    wait = ((slot + 1) * window - now) / self.clock.time_scale
                    unit = "60 seconds" if window == 60 else "hour"
                    return Decision(False, max(1, math.ceil(wait)), f"You must not exceed {limit} requests per {unit}")
            for window, _limit in limits:
                slot = int(now // window)
                self._counts[(key, window, slot)] = self._counts.get((key, window, slot), 0) + 1
            if len(self._counts) > 1000:  # windows gone by count for nothing
                self._counts = {k: n for k, n in self._counts.items() if k[2] >= int(now // k[1])}
            return Decision(True, 0)
