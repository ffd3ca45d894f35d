"""Handing records read by a parent stream to its companion stream, in batches.

Items arrive with their orders and settlement lines with their settlement, so they are read
once, by the parent. The parent holds back its latest record; when enough companion records
have gathered (or the parent's read ends), the held record carries a batch id, the SDK syncs
the companion stream with that batch, and the companion emits it. A batch may also be a lazy
iterator (the rest of a settlement document), read while the parent waits.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

BATCH_KEY = "_companion_batch"
BATCH_SIZE = 1000


class Outbox:
    """Batches waiting for the companion stream, by id."""

    def __init__(self) -> None:
        self.batches: dict[int, Iterable[dict[str, Any]]] = {}
        self._ids = itertools.count()

    def attach(self, record: dict[str, Any], rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
        """Make `record` carry `rows` to the companion stream."""
        batch = next(self._ids)
        self.batches[batch] = rows
        record[BATCH_KEY] = batch
        return record

    def pop(self, batch: int, default: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
        return self.batches.pop(batch, default)


class Handover:
    """Holds the parent's latest record back until companion rows can ride along with it."""

    def __init__(self, outbox: Outbox, *, enabled: bool, size: int = BATCH_SIZE) -> None:
        self.outbox = outbox
        self.enabled = enabled
        self.size = size
        self.rows: list[dict[str, Any]] = []
        self.held: dict[str, Any] | None = None

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        if self.enabled:
            self.rows.extend(rows)

    def push(self, record: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Hold `record`; release the previous one, with the gathered rows if there are enough."""
        if self.held is not None:
            if len(self.rows) >= self.size:
                self.outbox.attach(self.held, self.rows)
                self.rows = []
            yield self.held
        self.held = record

    def close(self) -> Iterator[dict[str, Any]]:
        """Release the held record with every row still gathered."""
        if self.held is not None:
            if self.rows:
                self.outbox.attach(self.held, self.rows)
            yield self.held
        self.held, self.rows = None, []
