"""Rows set aside: a report row (or an API record) with a value that cannot be read is kept, as
it came, in the `load_issues` stream instead of stopping its stream; the run ends with one line
counting them.

An issue's key is a hash of the stream, the row as it came and its occurrence among identical
rows of the same document: the same row read again (a re-run, a lookback, a report requested
again after a full refresh) upserts the same issue, and two identical rows of one document
stay two issues.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from singer_sdk import typing as th
from tap_common import issues
from tap_common.issues import UnreadableValue, issue_key

from tap_amazon_spapi.client import SPAPIStream
from tap_amazon_spapi.schemas import IDENTITY

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

WHERE = "select * from warehouse.load_issues"


@dataclass(frozen=True)
class Document:
    """Where rows come from: one report document, or one API operation."""

    stream: str
    operation: str
    report_type: str | None = None
    report_id: str | None = None
    document_id: str | None = None


class DocumentRow(dict[str, Any]):
    """One data row of a document, keyed by column, knowing its document and position (from 1,
    the header not counted: row N is line N + 1 of the file). An API record is a row of its
    operation's response: its position counts the records of its list in one listing, pages included."""

    def __init__(self, cells: dict[str, Any], document: Document, number: int) -> None:
        super().__init__(cells)
        self.document = document
        self.number = number


def set_aside_record(
    stream: SPAPIStream,
    record: dict[str, Any],
    number: int,
    error: UnreadableValue,
    marketplace_id: str | None,
    *,
    operation: str | None = None,
) -> None:
    """Keep an API record that cannot be read in load_issues (source: `operation`, by default
    the stream's own)."""
    row = DocumentRow(record, Document(stream.name, operation or stream.operation), number)
    stream._tap.issues.set_aside(stream, row, error, marketplace_id)  # type: ignore[attr-defined]  # noqa: SLF001


class IssueLog(issues.IssueLog):
    """The rows set aside during one run; emitted to `load_issues` as they happen."""

    def __init__(self) -> None:
        super().__init__(WHERE)

    def set_aside(
        self, stream: SPAPIStream, row: DocumentRow, error: UnreadableValue, marketplace_id: str | None
    ) -> None:
        """Keep `row` (its personal columns dropped unless `pii`) with why it could not be read."""
        personal = set(getattr(stream, "personal_columns", ()))
        kept = {k: v for k, v in row.items() if stream.pii or k.replace("-", "_") not in personal}
        # The parsers see only the text; the row tells which column held it.
        column = next(
            (k for k, v in row.items() if isinstance(v, str) and error.value is not None and v == error.value.strip()),
            None,
        )
        document = row.document
        record = {
            "issue_id": issue_key(
                stream.selling_partner_id, document.stream, kept, self.occurrence(document.document_id, kept)
            ),
            "selling_partner_id": stream.selling_partner_id,
            "marketplace_id": marketplace_id,
            "stream": document.stream,
            "operation": document.operation,
            "report_type": document.report_type,
            "report_id": document.report_id,
            "document_id": document.document_id,
            "row_number": row.number,
            "column_name": column,
            "raw_value": error.value,
            "reason": error.reason,
            "raw_row": kept,
            "seen_at": datetime.now(UTC).isoformat(),
        }
        if not self.write(stream, record):
            return
        stream.logger.warning(
            "%s row %s of %s set aside: %s",
            document.stream,
            row.number,
            document.document_id or document.operation,
            error.reason,
        )


class LoadIssuesStream(SPAPIStream):
    """Rows of other streams set aside with the value that could not be read and why."""

    name = "load_issues"
    primary_keys = ("issue_id",)
    operation = "getReportDocument"
    role = "the role of the stream the row was meant for"
    per_marketplace = False

    schema = th.PropertiesList(
        th.Property(
            "issue_id",
            th.StringType,
            required=True,
            description="Hash of seller, stream, the row as it came and its occurrence among identical rows",
        ),
        *IDENTITY,
        th.Property("stream", th.StringType, description="The stream the row was meant for"),
        th.Property("operation", th.StringType, description="The call that returned the row"),
        th.Property("report_type", th.StringType),
        th.Property("report_id", th.StringType),
        th.Property("document_id", th.StringType),
        th.Property(
            "row_number",
            th.IntegerType,
            description="Data row position from 1 (file line number - 1); for an API record, its position in its "
            "list of the call's listing (e.g. the n-th ShipmentEvent of a listFinancialEvents window, pages included)",
        ),
        th.Property("column_name", th.StringType, description="The first column that could not be read"),
        th.Property("raw_value", th.StringType),
        th.Property("reason", th.StringType),
        th.Property("raw_row", th.ObjectType(), description="The row as it came, column by column"),
        th.Property("seen_at", th.DateTimeType, description="When the row was last read"),
    ).to_dict()

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:  # noqa: ARG002
        return []  # written by the other streams as they read (IssueLog.set_aside)

    def log_sync_costs(self) -> None:
        """The SDK calls this on every stream, selected or not, once every stream has synced:
        the run's last word, so the line counting the rows set aside is said here, once."""
        super().log_sync_costs()
        summary = self._tap.issues.summary()  # type: ignore[attr-defined]
        if summary:
            self.logger.warning(summary)
