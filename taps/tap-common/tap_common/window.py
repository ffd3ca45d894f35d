"""Incremental windows: the span one sync reads, cut into steps whose ends are saved as they finish.

A sync reads from the bookmark less a lookback (or from `start_date` on a first run) up to a
fixed end (the moment the sync started, less a lag). The span is cut into steps; after each
step the tap saves its end as the new watermark, so an interrupted sync resumes at the first
step it had not finished. Consecutive steps share their boundary, so filters strict at both
ends can be widened by a second (`overlap`) and nothing between two steps is lost.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Window:
    start: datetime | None
    end: datetime


def sync_window(
    *,
    bookmark: datetime | None,
    start_date: datetime | None,
    lookback: timedelta,
    end: datetime,
) -> Window:
    """`[bookmark - lookback, end]`, never before `start_date`; from `start_date` on a first run."""
    if bookmark is None:
        return Window(start=start_date, end=end)
    start = bookmark - lookback
    return Window(start=start if start_date is None else max(start, start_date), end=end)


def steps(window: Window, step: timedelta) -> Iterator[Window]:
    """`window` cut into consecutive spans of at most `step` (one span if it has no start)."""
    if window.start is None:
        yield window
        return
    start = window.start
    while start < window.end:
        end = min(start + step, window.end)
        yield Window(start, end)
        start = end
