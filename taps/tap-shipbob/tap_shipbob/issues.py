"""Records set aside: one holding a value that cannot be read (an amount no decimal reads) is kept
as it came in `load_issues`, with the path that listed it, its position and why, instead of
stopping its stream; every other record loads. The run ends with one line counting them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from singer_sdk import Stream
from tap_common.issues import LOAD_ISSUES, IssueLog, UnreadableValue, issue_key

from tap_shipbob.records import INT, OBJ, TEXT, TIME, schema

if TYPE_CHECKING:
    from tap_shipbob.client import ShipBobStream

WHERE = "select * from warehouse.load_issues where source = 'shipbob'"
#: Keys of a listed record naming a person; never kept in an issue (the streams do not keep them either).
PERSONAL = frozenset({"recipient", "customer_name", "email", "phone_number"})
T = TypeVar("T")


def readable(
    stream: ShipBobStream, items: Iterable[dict[str, Any]], build: Callable[[dict[str, Any]], T], path: str
) -> Iterator[T]:
    """The records built from the `items` listed at `path`; one that cannot be built is set aside."""
    for item in items:
        stream.listed[path] += 1
        try:
            record = build(item)
        except UnreadableValue as error:
            set_aside(stream, item, stream.listed[path], path, error)
            continue
        yield record


def set_aside(stream: ShipBobStream, item: dict[str, Any], number: int, path: str, error: UnreadableValue) -> None:
    """Keep `item`, the `number`-th record `stream` listed at `path` this run, in load_issues."""
    log: IssueLog = stream._tap.issues  # type: ignore[attr-defined]  # noqa: SLF001
    kept = {k: v for k, v in item.items() if k not in PERSONAL}
    account = stream.account_id
    issue = {
        "issue_id": issue_key(account, stream.name, kept, log.occurrence((stream.name, path), kept)),
        "account_id": account,
        "stream": stream.name,
        "operation": path,
        "row_number": number,
        "column_name": error.column,
        "raw_value": error.value,
        "reason": error.reason,
        "raw_row": kept,
        "seen_at": datetime.now(UTC).isoformat(),
    }
    if log.write(stream, issue):
        stream.logger.warning("%s record %s of %s set aside: %s", stream.name, number, path, error.reason)


class LoadIssuesStream(Stream):
    """Records of other streams set aside with the value that could not be read and why."""

    name = LOAD_ISSUES
    primary_keys = ("issue_id",)
    schema = schema(
        ("issue_id", TEXT),
        ("stream", TEXT),
        ("operation", TEXT),
        ("row_number", INT),
        ("column_name", TEXT),
        ("raw_value", TEXT),
        ("reason", TEXT),
        ("raw_row", OBJ),
        ("seen_at", TIME),
    )

    def get_records(self, context: Any) -> Iterable[dict[str, Any]]:  # noqa: ARG002
        return []  # written by the other streams as they read (set_aside)

    def log_sync_costs(self) -> None:
        """Called on every stream once every stream has synced: the run's last word, so the line
        counting the records set aside is said here, once."""
        super().log_sync_costs()
        summary = self._tap.issues.summary()  # type: ignore[attr-defined]
        if summary:
            self.logger.warning(summary)
