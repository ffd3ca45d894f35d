"""The sandbox's one clock, in two modes: simulated (hours in real seconds) and real time.

Every part that keeps time is handed a `Clock`: the world's simulated time (`SimClock`) or the
same clock's real-time mode (`SimClock.real_time()`), which runs at real speed but still takes
the simulated jumps (`advance`), so tests can age everything at once.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    """What a part that keeps time needs: seconds since the sandbox started, and their speed."""

    @property
    def time_scale(self) -> float:
        """Seconds of this clock per real second."""
        ...

    def now(self) -> float: ...


class SimClock:
    """A monotonic clock that runs `time_scale` simulated seconds per real second."""

    def __init__(self, time_scale: float = 1.0) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.time_scale = time_scale
        self._start = time.monotonic()
        self._real_start = self._start
        self._jumped = 0.0  # simulated seconds skipped by `advance`
        self._lock = threading.Lock()
        self._real_time = RealTime(self)

    def now(self) -> float:
        """Simulated seconds since the sandbox started."""
        return (time.monotonic() - self._start) * self.time_scale

    def real_now(self) -> float:
        """Real seconds since the sandbox started, plus the simulated jumps (see `RealTime`)."""
        return time.monotonic() - self._real_start + self._jumped

    def real_time(self) -> RealTime:
        """This clock in real-time mode (what clients and real-time buckets live by)."""
        return self._real_time

    def set_scale(self, time_scale: float) -> None:
        """Change the scale without making simulated time jump."""
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        with self._lock:
            elapsed = self.now()
            self.time_scale = time_scale
            self._start = time.monotonic() - elapsed / time_scale

    def advance(self, seconds: float) -> None:
        """Jump simulated time forward (tests and demos: expire tokens, finish reports)."""
        if seconds < 0:
            raise ValueError("simulated time only moves forward")
        with self._lock:
            self._start -= seconds / self.time_scale
            self._jumped += seconds


class RealTime:
    """A `SimClock` in real-time mode: real seconds since it started, plus its jumps.

    Clients time protocol lifetimes (an access token's `expires_in`) by their own clock, which the
    time scale does not speed up; a jump still ages them, so tests can expire them.
    """

    time_scale = 1.0

    def __init__(self, clock: SimClock) -> None:
        self._clock = clock

    def now(self) -> float:
        return self._clock.real_now()
