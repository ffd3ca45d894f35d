"""Child streams whose records arrive inside their parent's pages.

A parent (orders, products, ...) reads its children in the same query, holds them until the
page is done, then hands each child stream its share. No request per parent, and a
parent re-read after a change brings its children with it. Only selected children are
held, so a deselected child costs no memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from singer_sdk import Stream
from singer_sdk.helpers.conform import TypeConformanceLevel

from tap_common.measured import MeasuredStream

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context
    from singer_sdk.tap_base import Tap


class PageBuffers:
    """Records of child streams read within one page of the parent."""

    def __init__(self, tap: Tap) -> None:
        self._tap = tap
        self._records: dict[str, list[dict[str, Any]]] = {}

    def wants(self, stream_name: str) -> bool:
        """Whether `stream_name` is selected: a deselected child is neither read nor held."""
        return self._tap.streams[stream_name].selected

    def add(self, stream_name: str, records: Callable[[], Iterable[dict[str, Any]]]) -> None:
        """Hold `records()` for `stream_name`, if that stream is selected."""
        if self.wants(stream_name):
            self._records.setdefault(stream_name, []).extend(records())

    def pending(self) -> bool:
        return any(self._records.values())

    def take(self, stream_name: str) -> list[dict[str, Any]]:
        return self._records.pop(stream_name, [])


class BufferedChildStream(MeasuredStream, Stream):
    """Records its parent read for it; no requests of its own."""

    state_partitioning_keys: ClassVar[list[str]] = []  # the parent's bookmark covers these rows
    replication_key = None
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE  # built JSON-ready by the parent

    def _write_state_message(self) -> None:
        """The parent writes state once a page and all its children are out."""

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:  # noqa: ARG002
        parent = next(s for s in self._tap.streams.values() if isinstance(s, self.parent_stream_type or ()))
        buffers: PageBuffers = parent.child_buffers  # type: ignore[attr-defined]
        yield from buffers.take(self.name)
