"""Parents that hand their nested lines to child streams once a page, and the timestamps they share."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from tap_common.children import BufferedChildStream, PageBuffers

from tap_shipbob.client import ShipBobStream
from tap_shipbob.issues import readable

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


def api_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class PagedParent(ShipBobStream):
    """A stream whose records bring their children's rows; the rows go to the children once a page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child_buffers = PageBuffers(self._tap)
        self._page_done = False
        self._page_number = 0

    def page_records(self, page: list[dict[str, Any]], path: str) -> Iterator[dict[str, Any]]:
        """The records of a page listed at `path` (one that cannot be read set aside, its children
        with it), the last one marked so the page's children are handed over after it."""
        kept = list(readable(self, page, lambda item: (item, self.record_of(item)), path))
        for index, (item, record) in enumerate(kept):
            self.buffer_children(item, record)
            self._page_done = index == len(kept) - 1
            yield record

    def record_of(self, item: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def buffer_children(self, item: dict[str, Any], record: dict[str, Any]) -> None:
        """Hold the rows of `item`'s child streams (`self.child_buffers.add`)."""

    def generate_child_contexts(self, record: dict[str, Any], context: Context | None) -> Iterable[Context | None]:  # noqa: ARG002
        if self._page_done and self.child_buffers.pending():
            self._page_done = False
            self._page_number += 1
            yield {f"{self.name}_page": self._page_number}


class ChildOf(BufferedChildStream):
    """Rows a PagedParent read for this stream."""

    scope: ClassVar[str] = ""
