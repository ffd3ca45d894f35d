"""Records set aside: a record (or report row) holding a value that cannot be read is kept, as it
came, in the tap's `load_issues` stream instead of stopping its stream, and the run ends with one
line counting them. What each tap keeps about where the record came from is its own; the key, the
writing and the count are shared here.

An issue's key is a hash of the account, the stream, the record as it came and its occurrence
among identical records of one listing: the same record read again (a re-run, a lookback, a full
refresh) upserts the same issue, and two identical records of one listing stay two issues.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from singer_sdk import Stream

LOAD_ISSUES = "load_issues"


class UnreadableValue(ValueError):  # noqa: N818 - a value, like UnicodeDecodeError names its subject
    """A value that is no value of the type expected; names its text, why, and (when known) its column."""

    def __init__(self, value: str | None, reason: str, column: str | None = None) -> None:
        super().__init__(reason)
        self.value = value
        self.reason = reason
        self.column = column


def issue_key(account: str, stream: str, raw_row: dict[str, Any], occurrence: int) -> str:
    text = json.dumps([account, stream, raw_row, occurrence], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class IssueLog:
    """The records set aside during one run, written to the tap's `load_issues` stream as they happen."""

    def __init__(self, where: str) -> None:
        self.where = where  # how to see them, for the run's last line
        self.counts: Counter[str] = Counter()
        self._occurrences: Counter[tuple[Any, ...]] = Counter()
        self._schema_written = False

    def occurrence(self, listing: Any, raw_row: dict[str, Any]) -> int:
        """How many times this record has now been set aside within `listing` (1 the first time)."""
        seen = json.dumps(raw_row, sort_keys=True, default=str)  # records carry exact Decimals
        self._occurrences[(listing, seen)] += 1
        return self._occurrences[(listing, seen)]

    def write(self, stream: Stream, issue: dict[str, Any]) -> bool:
        """Emit `issue` (a `load_issues` record set aside from `stream`); False when that stream is
        not selected, so the issue is only in the log."""
        self.counts[str(issue["stream"])] += 1
        target = stream._tap.streams.get(LOAD_ISSUES)  # noqa: SLF001 - the tap's own streams
        if target is None or not target.selected:
            stream.logger.warning("record set aside (load_issues is not selected, so it is kept only here): %s", issue)
            return False
        if not self._schema_written:
            target._write_schema_message()  # noqa: SLF001 - records of one stream written from another
            self._schema_written = True
        target._write_record_message(issue)  # noqa: SLF001
        return True

    def summary(self) -> str | None:
        """The run's one line on records set aside; None when there were none."""
        total = sum(self.counts.values())
        if not total:
            return None
        per_stream = ", ".join(f"{name}: {count}" for name, count in sorted(self.counts.items()))
        noun = "row" if total == 1 else "rows"
        return f"{total} {noun} set aside with values that could not be read ({per_stream}): {self.where}"
