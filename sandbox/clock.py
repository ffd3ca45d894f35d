"""Simulated time: the sandbox can run simulated hours in real seconds."""

from __future__ import annotations

import threading
import time


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

    def now(self) -> float:
        """Simulated seconds since the sandbox started."""
        return (time.monotonic() - self._start) * self.time_scale

    def client_now(self) -> float:
        """Seconds a client has lived through since the sandbox started: real seconds, plus jumps.

        Clients time protocol lifetimes (an access token's `expires_in`) by their own clock, which
        the time scale does not speed up; a jump (`advance`) still ages them, so tests can expire them.
        """
        return time.monotonic() - self._real_start + self._jumped

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
