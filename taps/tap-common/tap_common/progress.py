"""Progress of long work, said at most every `every_s` seconds of a clock passed in (the throttles'
own clock, so tests advance it without sleeping).

Work that lasts ticks it at each step (a page, a poll, a window): a line is logged when `every_s`
has passed since the last one. Pollers wait no longer than `due_in()` between polls, so a line
comes every `every_s` (plus one poll's time) while an operation or report is being prepared.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

PROGRESS_EVERY_S = 30.0


@dataclass
class Progress:
    """Says `describe(elapsed seconds)` when `every_s` seconds of `clock` have passed since it last spoke."""

    say: Callable[[str], None]
    clock: Callable[[], float] = time.monotonic
    every_s: float = PROGRESS_EVERY_S
    began: float | None = None
    last: float | None = None

    def start(self) -> None:
        """Work begins now (a tick starts it too)."""
        if self.began is None:
            self.began = self.last = self.clock()

    def elapsed(self) -> float:
        return 0.0 if self.began is None else self.clock() - self.began

    def due_in(self) -> float:
        """Seconds until the next line is due: a wait between steps should not be longer."""
        if self.last is None:
            return self.every_s
        return max(0.0, self.every_s - (self.clock() - self.last))

    def tick(self, describe: Callable[[float], str]) -> bool:
        """One step done: speak if it is time; whether it spoke."""
        now = self.clock()
        if self.began is None or self.last is None:
            self.began = self.last = now
            return False
        if now - self.last < self.every_s:
            return False
        self.last = now
        self.say(describe(now - self.began))
        return True


def time_left(done: int, expected: int | None, elapsed_s: float, *, limit_s: float | None = None) -> float | None:
    """Seconds left for `expected - done` more items: at the rate seen so far, and never less than
    `limit_s` (what the API's rate limit alone needs for the rest); None when nothing says."""
    if expected is None or done <= 0 or elapsed_s <= 0:
        return limit_s
    remaining = max(0, expected - done)
    observed = remaining / (done / elapsed_s)
    return max(observed, limit_s or 0.0)


def duration(seconds: float | None) -> str:
    """`seconds` for a person: 45 s, 3 min, 2 h 05 min."""
    if seconds is None:
        return "unknown"
    whole = math.ceil(seconds)
    if whole < 90:
        return f"{whole} s"
    minutes = math.ceil(whole / 60)
    if minutes < 90:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"
