"""Bank days: money sent on one day reaches the account some business days later (weekends skipped)."""

from __future__ import annotations

from datetime import date, timedelta


def add_business_days(start: date, days: int) -> date:
    """The `days`-th business day after `start` (money sent on a Saturday counts from Monday)."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def business_day_on_or_after(when: date) -> date:
    while when.weekday() >= 5:
        when += timedelta(days=1)
    return when
