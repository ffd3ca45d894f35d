"""Flat-file reports as a resumable state machine.

The stream's state holds `reports`: `done_until` per marketplace (data before it is loaded)
and `pending`, the windows of the current backfill, each with its marketplaces and the id of
the report requested for it. Ids are written to state the moment Amazon returns them, so a run that stops while a
report is in flight finds it again next time instead of requesting another. Several windows
are requested ahead while the oldest is processed, so createReport's slow refill overlaps
Amazon's processing. DONE reports are downloaded (the document URL is fetched just before
the download, streamed, gunzipped and decoded on the fly); CANCELLED means no data, so the
window is done; FATAL is requested again a few times and then stops the stream with one line
naming the report, keeping state so the next run retries it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import requests
import urllib3
from tap_common.progress import duration

from tap_amazon_spapi.client import SPAPIStream
from tap_amazon_spapi.errors import AmazonError
from tap_amazon_spapi.flatfile import (
    Decoder,
    TruncatedDocument,
    UnreadableValue,
    charset_of,
    legacy_charset,
    text_lines,
    tsv_rows,
)
from tap_amazon_spapi.issues import Document, DocumentRow
from tap_amazon_spapi.keys import Occurrences
from tap_amazon_spapi.marketplaces import marketplace_by_name

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

REPORTS = "/reports/2021-06-30"
FATAL_RETRIES = 2
DOWNLOAD_TRIES = 4
# Amazon rejects end times less than two minutes before its own clock; reports also lag a little
# behind. Half a minute more leaves room for a client clock ahead of Amazon's.
END_LAG = timedelta(minutes=2, seconds=30)
#: A shorter window is left for the next run rather than costing a report of its own.
MIN_WINDOW = timedelta(hours=1)
POLL_FIRST_S = 0.05
POLL_MAX_S = 15.0
T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def windows(start: datetime, end: datetime, days: int) -> list[tuple[datetime, datetime]]:
    """[start, end) cut into consecutive windows of at most `days`."""
    out = []
    step = timedelta(days=days)
    while start < end:
        stop = min(end, start + step)
        out.append((start, stop))
        start = stop
    return out


class ReportStream(SPAPIStream):
    """A stream read from one flat-file report type, window by window.

    Each marketplace has its own watermark (`done_until`). Marketplaces whose watermarks agree
    share each window's report when the report names every row's marketplace (a column), which
    divides the createReport calls by the number of marketplaces; otherwise each marketplace
    gets reports of its own.
    """

    report_type: ClassVar[str]
    #: The longest data window Amazon accepts for one report of this type.
    max_window_days: ClassVar[int] = 30
    #: Reports requested ahead of the one being processed.
    max_in_flight: ClassVar[int] = 15
    #: The column naming each row's marketplace; None when a report may serve one marketplace only.
    marketplace_column: ClassVar[str | None] = None
    operation = "createReport"
    path = f"{REPORTS}/reports"
    is_sorted = False
    per_marketplace = False
    #: Whether the report's document holds personal data (then read with a restricted token).
    restricted: ClassVar[bool] = False

    sleep: Callable[[float], None] = staticmethod(time.sleep)

    # -- the windows to read ---------------------------------------------------

    @property
    def marketplaces(self) -> list[str]:
        return list(self.config["marketplace_ids"])

    def report_state(self) -> dict[str, Any]:
        reports: dict[str, Any] = self.stream_state.setdefault("reports", {"done_until": {}, "pending": []})
        return reports

    def watermark(self, marketplace: str) -> datetime | None:
        done = self.report_state()["done_until"].get(marketplace)
        return parse_iso(done) if done else None

    def read_from(self, marketplace: str) -> datetime:
        """Where a new backfill of `marketplace` starts: its watermark less the lookback, or start_date."""
        done = self.watermark(marketplace)
        if done is None:
            return parse_iso(str(self.config["start_date"]))
        return done - timedelta(days=int(self.config.get("lookback_window_days") or 0))

    def read_until(self) -> datetime:
        return utc_now() - END_LAG

    def plan(self) -> list[dict[str, Any]]:
        """The windows to read: those pending from an interrupted run first, then new ones."""
        pending: list[dict[str, Any]] = self.report_state()["pending"]
        starts: dict[str, datetime] = {m: self.read_from(m) for m in self.marketplaces}
        for window in pending:
            for marketplace in window["marketplaces"]:
                starts[marketplace] = max(starts.get(marketplace, parse_iso(window["end"])), parse_iso(window["end"]))
        groups: dict[Any, list[str]] = {}
        for marketplace, start in starts.items():
            if marketplace in self.marketplaces:
                groups.setdefault(start if self.marketplace_column else marketplace, []).append(marketplace)
        until = self.read_until()
        for group in groups.values():
            for begin, end in windows(starts[group[0]], until, self.max_window_days):
                if end - begin < MIN_WINDOW:
                    break  # too little to be worth a report yet: the next run takes it
                pending.append(
                    {"marketplaces": group, "start": iso(begin), "end": iso(end), "report_id": None, "fatal": 0}
                )
        return pending

    # -- the state machine -----------------------------------------------------

    def plan_sync(self, context: Context | None) -> None:
        super().plan_sync(context)
        self.run.mode = "report"
        self.run.window_start = min(self.read_from(m) for m in self.marketplaces)
        self.run.window_end = self.read_until()

    def report_progress(self, report: dict[str, Any]) -> None:
        """Say, if it is time, the report waited on and how many windows are done."""
        self.progress.tick(
            lambda elapsed: (
                f"{self.name}: report {report.get('reportId')} {report.get('processingStatus')}, "
                f"windows {self.windows_done} of {self.windows_total} done, {self.run.records} records so far, "
                f"{duration(elapsed)} since the stream started"
            )
        )

    #: Windows of this run's plan, and those read to their end.
    windows_total = 0
    windows_done = 0

    def report_rows(self) -> Iterator[tuple[dict[str, Any], DocumentRow]]:
        """(window, row) for every row of every report of the plan, window by window, in order."""
        reports = self.report_state()
        pending = self.plan()
        self.windows_total, self.windows_done = len(pending), 0
        while pending:
            self.request_ahead(pending)
            head = pending[0]
            report = self.wait_for(head)
            status = report["processingStatus"]
            if status == "FATAL":
                head["fatal"] += 1
                if head["fatal"] > FATAL_RETRIES:
                    raise AmazonError(
                        f"{self.report_type} report {head['report_id']} for {','.join(head['marketplaces'])} "
                        f"({head['start']} to {head['end']}) failed (FATAL) {head['fatal']} times; "
                        "the next run requests it again"
                    )
                self.logger.warning(
                    "%s report %s came back FATAL; requesting it again", self.report_type, head["report_id"]
                )
                head["report_id"] = None
                self.save_state()
                continue
            if status == "DONE":
                for row in self.document_rows(report, head["marketplaces"]):
                    yield head, row
            else:  # CANCELLED: Amazon had no data for the window
                self.logger.info("%s report %s: no data (CANCELLED)", self.report_type, head["report_id"])
            pending.pop(0)
            self.windows_done += 1
            self.report_progress(report)
            for marketplace in head["marketplaces"]:
                reports["done_until"][marketplace] = head["end"]
            self.save_state()

    def row_marketplace(self, window: dict[str, Any], row: dict[str, str]) -> str | None:
        """The marketplace of one report row: its named column, or the window's only marketplace."""
        name = row.get(self.marketplace_column) if self.marketplace_column else None
        return marketplace_by_name(name, window["marketplaces"])

    def request_ahead(self, pending: list[dict[str, Any]]) -> None:
        """Request the head's report, and later windows' while createReport has tokens to spare."""
        for index, entry in enumerate(pending[: self.max_in_flight]):
            if entry["report_id"]:
                continue
            if index > 0 and not self.limiter.available("createReport"):
                return
            spec: dict[str, Any] = {
                "reportType": self.report_type,
                "marketplaceIds": entry["marketplaces"],
                "dataStartTime": entry["start"],
                "dataEndTime": entry["end"],
            }
            created = self.call("createReport", "POST", f"{REPORTS}/reports", json_body=spec)
            entry["report_id"] = str(created["reportId"])
            self.save_state()

    def wait_for(self, entry: dict[str, Any]) -> dict[str, Any]:
        """The report once it is DONE, CANCELLED or FATAL; polled at growing intervals."""
        interval = POLL_FIRST_S
        while True:
            report = self.call("getReport", "GET", f"{REPORTS}/reports/{entry['report_id']}")
            if report.get("processingStatus") in {"DONE", "CANCELLED", "FATAL"}:
                return report
            self.report_progress(report)
            self.sleep(min(interval, self.progress.due_in()))
            interval = min(POLL_MAX_S, interval * 1.5)

    def save_state(self) -> None:
        """Emit state now, so report ids survive an interruption."""
        self.state_manager.is_flushed = False
        self._write_state_message()

    # -- documents ----------------------------------------------------------------

    def document_rows(self, report: dict[str, Any], marketplaces: list[str]) -> Generator[DocumentRow, None, None]:
        """The rows of a report's document, streamed; a broken download resumes after the last row read."""
        document_id = report.get("reportDocumentId")
        if not document_id:
            return
        source = Document(self.name, "getReportDocument", self.report_type, str(report.get("reportId")), document_id)
        legacy = legacy_charset(marketplaces)
        read = 0
        for attempt in range(1, DOWNLOAD_TRIES + 1):
            # Fetched now, not earlier: the URL expires minutes after it is issued.
            document = self.call(
                "getReportDocument",
                "GET",
                f"{REPORTS}/documents/{document_id}",
                data_elements=[] if self.restricted and self.pii else None,
            )
            try:
                for index, row in enumerate(self.download(document, legacy)):
                    if index >= read:
                        read += 1
                        yield DocumentRow(row, source, read)
                return
            except (TruncatedDocument, EOFError, requests.RequestException, urllib3.exceptions.HTTPError) as exc:
                if attempt == DOWNLOAD_TRIES:
                    raise AmazonError(
                        f"report document {document_id} of {self.report_type} could not be read whole "
                        f"after {attempt} tries: {exc}"
                    ) from None
                self.logger.warning("report document %s broke off (%s); fetching it again", document_id, exc)
                self.sleep(min(30.0, 2.0**attempt))

    def download(self, document: dict[str, Any], legacy: str) -> Iterator[dict[str, str]]:
        # A presigned URL: no access token goes with it.
        with self.requests_session.get(str(document["url"]), stream=True, timeout=self.timeout) as response:
            if response.status_code >= 400:
                raise requests.HTTPError(f"HTTP {response.status_code} downloading the report document")
            gzipped = document.get("compressionAlgorithm") == "GZIP" or (
                response.headers.get("Content-Encoding", "").lower() == "gzip"
            )
            decoder = Decoder(charset_of(response.headers.get("Content-Type")), legacy)
            lines = text_lines(response.raw.stream(64 * 1024, decode_content=False), gzip=gzipped, decoder=decoder)
            yield from tsv_rows(lines)
            if decoder.switched:
                self.logger.info(
                    "report document %s names no charset and is not UTF-8: read as %s",
                    document.get("reportDocumentId"),
                    decoder.charset,
                )
                if decoder.saw_utf8:
                    self.logger.warning(
                        "report document %s mixes UTF-8 and %s text; its UTF-8 rows were read as UTF-8",
                        document.get("reportDocumentId"),
                        decoder.charset,
                    )

    def readable(self, row: DocumentRow, build: Callable[[DocumentRow], T], marketplace_id: str | None) -> T | None:
        """`build(row)`; None when a value cannot be read, the row then set aside in load_issues."""
        try:
            return build(row)
        except UnreadableValue as error:
            self._tap.issues.set_aside(self, row, error, marketplace_id)  # type: ignore[attr-defined]
            return None

    #: Rows of the document being read, numbered per natural key (see keys.Occurrences).
    occurrences: Occurrences

    def record_from(self, row: dict[str, str]) -> dict[str, Any] | None:
        """The record of one report row (None to skip it, with a warning said why)."""
        raise NotImplementedError

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:  # noqa: ARG002
        window_end = None
        for window, row in self.report_rows():
            if window["end"] != window_end:
                # Each window is one document: rows that share a natural key are numbered within it.
                window_end, self.occurrences = window["end"], Occurrences()
            marketplace = self.row_marketplace(window, row)
            record = self.readable(row, self.record_from, marketplace)
            if record is not None:
                record["marketplace_id"] = marketplace
                yield record
