"""The time window one incremental sync reads, and the search filter that selects it.

A sync reads `[start, end]` on its replication key, inclusive at both ends:

- `start` is the bookmark less `lookback_window_days` (or `start_date` on a first run), and
  inclusive, so records sharing the bookmark's timestamp are read again rather than lost;
- `end` is the moment the sync started less `safety_lag_minutes`: Shopify's search index
  trails its writes, so a record changed in the last moments may not be findable yet.
  Records changed while the sync runs fall after `end`, so paging is stable and nothing is
  read twice within a sync; the next sync picks them up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


def shopify_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Window:
    start: datetime | None
    end: datetime

    def search(self, field: str) -> str:
        """The Shopify search terms selecting this window on `field`."""
        terms = [f"{field}:>='{shopify_time(self.start)}'"] if self.start else []
        terms.append(f"{field}:<='{shopify_time(self.end)}'")
        return " AND ".join(terms)


def sync_window(
    *,
    bookmark: datetime | None,
    start_date: datetime | None,
    lookback_days: int,
    started_at: datetime,
    safety_lag_minutes: float,
) -> Window:
    end = started_at - timedelta(minutes=safety_lag_minutes)
    if bookmark is None:
        return Window(start=start_date, end=end)
    start = bookmark - timedelta(days=lookback_days)
    return Window(start=start if start_date is None else max(start, start_date), end=end)
