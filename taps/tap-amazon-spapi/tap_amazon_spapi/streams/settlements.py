"""Settlement reports: one record per settlement (the summary row) and one per line.

Amazon generates these on its own schedule (about every 14 days); they are listed with
getReports, never requested. Each document's first row is the summary, every later row a line.
The lines have no id of their own: a document never changes, so the settlement id and the
line's position in it make a stable key.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from singer_sdk import typing as th

from tap_amazon_spapi.client import CompanionStream
from tap_amazon_spapi.flatfile import UnreadableValue, parse_amount, parse_date, parse_int
from tap_amazon_spapi.issues import DocumentRow
from tap_amazon_spapi.reports import REPORTS, ReportStream, iso, parse_iso, utc_now
from tap_amazon_spapi.schemas import IDENTITY, Money

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

SETTLEMENT_REPORT = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"
#: Amazon keeps reports this long; asking for older ones is refused.
RETENTION = timedelta(days=89)

LINE_TEXT = (
    "transaction-type",
    "order-id",
    "merchant-order-id",
    "adjustment-id",
    "shipment-id",
    "marketplace-name",
    "amount-type",
    "amount-description",
    "fulfillment-id",
    "order-item-code",
    "merchant-order-item-id",
    "merchant-adjustment-item-id",
    "sku",
    "promotion-id",
)


def column(name: str) -> str:
    return name.replace("-", "_")


def settlement_from(row: dict[str, str], report: dict[str, Any]) -> dict[str, Any]:
    return {
        "settlement_id": row.get("settlement-id"),
        "settlement_start_date": parse_date(row.get("settlement-start-date")),
        "settlement_end_date": parse_date(row.get("settlement-end-date")),
        "deposit_date": parse_date(row.get("deposit-date")),
        "total_amount": parse_amount(row.get("total-amount")),
        "currency": row.get("currency") or None,
        "report_id": report.get("reportId"),
        "report_created_time": parse_date(report.get("createdTime")),
    }


def line_from(row: dict[str, str], settlement: dict[str, Any], number: int) -> dict[str, Any]:
    return {
        "settlement_id": settlement["settlement_id"],
        "line_number": number,
        "currency": settlement["currency"],
        **{column(name): row.get(name) or None for name in LINE_TEXT},
        "amount": parse_amount(row.get("amount")),
        "quantity_purchased": parse_int(row.get("quantity-purchased")),
        "posted_date": parse_date(row.get("posted-date")),
        "posted_date_time": parse_date(row.get("posted-date-time")),
    }


class SettlementsStream(ReportStream):
    name = "settlements"
    primary_keys = ("settlement_id",)
    replication_key = "report_created_time"
    report_type = SETTLEMENT_REPORT
    operation = "getReports"
    role = "Finance and Accounting"
    per_marketplace = True

    schema = th.PropertiesList(
        th.Property("settlement_id", th.StringType, required=True),
        *IDENTITY,
        th.Property("settlement_start_date", th.DateTimeType),
        th.Property("settlement_end_date", th.DateTimeType),
        th.Property("deposit_date", th.DateTimeType),
        th.Property("total_amount", Money),
        th.Property("currency", th.StringType),
        th.Property("report_id", th.StringType),
        th.Property("report_created_time", th.DateTimeType),
    ).to_dict()

    def settlement_reports(self, context: Context | None) -> list[dict[str, Any]]:
        """The DONE settlement reports created since the bookmark (less the lookback), oldest first."""
        since = self.get_starting_timestamp(context) or parse_iso(str(self.config["start_date"]))
        since -= timedelta(days=int(self.config.get("lookback_window_days") or 0))
        params: dict[str, Any] = {
            "reportTypes": self.report_type,
            "processingStatuses": "DONE",
            "createdSince": iso(max(since, utc_now() - RETENTION)),
            "pageSize": 100,
        }
        if context:
            params["marketplaceIds"] = context["marketplace_id"]
        found: list[dict[str, Any]] = []
        while True:
            body = self.call("getReports", "GET", f"{REPORTS}/reports", params=params)
            found.extend(body.get("reports") or [])
            if not body.get("nextToken"):
                break
            params = {"nextToken": body["nextToken"]}
        return sorted(found, key=lambda report: str(report.get("createdTime")))

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        for report in self.settlement_reports(context):
            marketplace = context["marketplace_id"] if context else None
            rows = self.document_rows(report, report.get("marketplaceIds") or self.marketplaces)
            summary = next(rows, None)
            if summary is None:
                self.logger.warning("settlement report %s has an empty document", report.get("reportId"))
                continue
            settlement = self.readable(summary, partial(settlement_from, report=report), marketplace)
            if settlement is None:
                # Lines hang on their summary: without it the whole settlement is set aside,
                # each line with the summary's reason, and loads once the summary can be read.
                self.set_aside_lines(rows, summary, marketplace)
                continue
            if self.companions_selected:
                # The lines are read from the same open document while this record waits.
                self.outbox.attach(settlement, self.lines(rows, settlement, marketplace))
            yield settlement
            rows.close()

    def lines(
        self, rows: Iterator[DocumentRow], settlement: dict[str, Any], marketplace: str | None
    ) -> Iterator[dict[str, Any]]:
        for row in rows:
            # A line's number is its position, whether or not the rows before it could be read.
            line = self.readable(row, lambda r: line_from(r, settlement, r.number - 1), marketplace)
            if line is not None:
                yield line

    def set_aside_lines(self, rows: Iterator[DocumentRow], summary: DocumentRow, marketplace: str | None) -> None:
        try:
            settlement_from(summary, {})
        except UnreadableValue as error:
            reason = f"its settlement's summary (row 1) could not be read: {error.reason}"
            for row in rows:
                self._tap.issues.set_aside(self, row, UnreadableValue(None, reason), marketplace)  # type: ignore[attr-defined]


class SettlementLinesStream(CompanionStream):
    name = "settlement_lines"
    parent_stream_type = SettlementsStream
    primary_keys = ("settlement_id", "line_number")
    operation = "getReportDocument"
    role = SettlementsStream.role

    schema = th.PropertiesList(
        th.Property("settlement_id", th.StringType, required=True),
        th.Property("line_number", th.IntegerType, required=True, description="Position in the document, from 1"),
        *IDENTITY,
        *(th.Property(column(name), th.StringType) for name in LINE_TEXT),
        th.Property("amount", Money),
        th.Property("currency", th.StringType),
        th.Property("quantity_purchased", th.IntegerType),
        th.Property("posted_date", th.DateTimeType),
        th.Property("posted_date_time", th.DateTimeType),
    ).to_dict()
