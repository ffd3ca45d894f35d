"""Reports 2021-06-30: create, poll, cancel, list, and download documents.

A report's status is a function of simulated time: IN_QUEUE, then IN_PROGRESS for a
time that grows with its row count, then DONE (CANCELLED when it has no rows, FATAL or
CANCELLED on demand). Settlement reports appear on their own every 14 days, in both layouts.
A report type Amazon has but the sandbox does not serve is accepted and ends FATAL; a type
Amazon does not have is refused with InvalidInput.
Documents are fetched through signed URLs that expire after five simulated minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sandbox.shopify.api import Response

from .context import Call, InvalidInputError, NotFoundError, Snapshot, World, decode_token, encode_token, marketplaces
from .data import MARKETPLACES
from .documents import REPORT_TYPES, SETTLEMENT, SETTLEMENT_V1, Row, Window, gzip_document
from .ledger import Period
from .wire import Stream, iso, json_response, parse_iso

DOCUMENT_URL_LIFETIME = 300.0  # simulated seconds
RETENTION = timedelta(days=90)
#: Every report type Amazon documents (one a line), served or not.
AMAZON_REPORT_TYPES = frozenset((Path(__file__).parent / "report_types.txt").read_text().split())
#: Settlement layouts: the report id and document id each is published under.
_SETTLEMENT_IDS = {SETTLEMENT: (900_000_000, "settlement"), SETTLEMENT_V1: (800_000_000, "settlement-flat")}


@dataclass
class Job:
    """One report and its timeline in simulated seconds."""

    report_id: str
    report_type: str
    window: Window
    created: float
    queued_for: float
    processing_for: float
    outcome: str  # DONE, CANCELLED or FATAL once processing ends
    rows: int
    document_id: str | None
    snapshot: Snapshot
    cancelled_at: float | None = None

    def status(self, now: float) -> str:
        if self.cancelled_at is not None:
            return "CANCELLED"
        if now < self.created + self.queued_for:
            return "IN_QUEUE"
        if now < self.created + self.queued_for + self.processing_for:
            return "IN_PROGRESS"
        return self.outcome


class ReportsAPI:
    def __init__(self, world: World) -> None:
        self.world = world
        self._jobs: dict[str, Job] = {}
        self._documents: dict[str, Job] = {}
        self._settlements: set[Period] = set()
        self._secret = secrets.token_bytes(16)
        self._lock = threading.Lock()
        self._sequence = 50_000

    # -- helpers -------------------------------------------------------------------------

    def _next_id(self) -> str:
        with self._lock:
            self._sequence += 1
            return str(self._sequence * 1000 + 17)

    def _add(self, job: Job) -> None:
        with self._lock:
            self._jobs[job.report_id] = job
            if job.document_id:
                self._documents[job.document_id] = job

    def _publish_settlements(self) -> None:
        """Amazon's own schedule: a settlement report for every period that has closed."""
        now = self.world.now()
        for period in self.world.ledger.periods(now):
            if period.generated > now or period in self._settlements:
                continue
            with self._lock:
                if period in self._settlements:
                    continue
                self._settlements.add(period)
            window = Window((period.marketplace_id,), period.start, period.end, period)
            snapshot = self.world.snapshot()
            for report_type, (base, name) in _SETTLEMENT_IDS.items():
                job = Job(
                    report_id=str(base + int(period.settlement_id) % 100_000_000),
                    report_type=report_type,
                    window=window,
                    created=self.world.sim(period.generated),
                    queued_for=0.0,
                    processing_for=600.0,
                    outcome="DONE",
                    rows=1,
                    document_id=f"amzn1.spdoc.1.4.na.{name}.{period.settlement_id}",
                    snapshot=snapshot,
                )
                self._add(job)

    def _job(self, report_id: str) -> Job:
        self._publish_settlements()
        with self._lock:
            job = self._jobs.get(report_id)
        if job is None:
            raise NotFoundError(f"Report {report_id} not found")
        return job

    def _report(self, job: Job) -> dict[str, Any]:
        now = self.world.clock.now()
        status = job.status(now)
        out: dict[str, Any] = {
            "reportId": job.report_id,
            "reportType": job.report_type,
            "dataStartTime": iso(job.window.start),
            "dataEndTime": iso(job.window.end),
            "marketplaceIds": list(job.window.marketplace_ids),
            "createdTime": iso(self.world.wall(job.created)),
            "processingStatus": status,
        }
        if status != "IN_QUEUE" and job.cancelled_at is None:
            out["processingStartTime"] = iso(self.world.wall(job.created + job.queued_for))
        if status in ("DONE", "FATAL") or (status == "CANCELLED" and job.cancelled_at is None):
            out["processingEndTime"] = iso(self.world.wall(job.created + job.queued_for + job.processing_for))
        if status == "DONE" and job.document_id:
            out["reportDocumentId"] = job.document_id
        return out

    # -- operations ------------------------------------------------------------------------

    def create_report(self, call: Call) -> Response:
        spec = call.json_body()
        report_type = spec.get("reportType")
        if not isinstance(report_type, str) or report_type not in AMAZON_REPORT_TYPES:
            raise InvalidInputError(f"Invalid reportType {report_type!r}")
        kind = REPORT_TYPES.get(report_type)
        if kind is not None and not kind.requestable:
            raise InvalidInputError(f"{kind.name} cannot be requested: Amazon generates it on its own schedule")
        ids = spec.get("marketplaceIds")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            raise InvalidInputError("marketplaceIds is required")
        markets = marketplaces(self.world, ids, "marketplaceIds")
        now = self.world.now()
        max_days = kind.max_days if kind else 366
        end = _time(spec, "dataEndTime") or now
        start = _time(spec, "dataStartTime") or end - timedelta(days=max_days)
        if start > end:
            raise InvalidInputError("dataStartTime must be before dataEndTime")
        if kind is not None and end - start > timedelta(days=max_days):
            raise InvalidInputError(f"{kind.name} covers at most {max_days} days per request")
        window = Window(tuple(m.id for m in markets), start, min(end, now))
        snapshot = self.world.snapshot()  # the report shows the data as it is when requested
        rows = sum(1 for _ in kind.rows(snapshot, window)) if kind else 0
        report_id = self._next_id()
        digest = int(hashlib.sha256(report_id.encode()).hexdigest()[:8], 16)
        outcome = "DONE" if rows else "CANCELLED"
        # A type Amazon has whose data this sandbox does not model fails as Amazon's reports can.
        if kind is None or self.world.fault("fatal_reports", report_type=report_type):
            outcome = "FATAL"
        elif self.world.fault("cancelled_reports", report_type=report_type):
            outcome = "CANCELLED"
        job = Job(
            report_id=report_id,
            report_type=report_type,
            window=window,
            created=self.world.clock.now(),
            queued_for=15.0 + digest % 45,  # simulated seconds
            processing_for=min(900.0, 20.0 + rows * 0.05),
            outcome=outcome,
            rows=rows,
            document_id=f"amzn1.spdoc.1.4.na.{secrets.token_hex(16)}" if outcome == "DONE" else None,
            snapshot=snapshot,
        )
        self._add(job)
        return json_response(202, {"reportId": report_id})

    def get_report(self, call: Call) -> Response:
        return json_response(200, self._report(self._job(call.path_params[0])))

    def cancel_report(self, call: Call) -> Response:
        job = self._job(call.path_params[0])
        now = self.world.clock.now()
        status = job.status(now)
        if status != "IN_QUEUE":
            raise InvalidInputError(f"Report {job.report_id} is {status}; only IN_QUEUE reports can be cancelled")
        job.cancelled_at = now
        return Response(200, "")

    def get_reports(self, call: Call) -> Response:
        token = call.one("nextToken")
        if token:
            if set(call.query) - {"nextToken"}:
                raise InvalidInputError("nextToken must be the only parameter")
            state = decode_token(token, "nextToken")
        else:
            types = call.many("reportTypes")  # 1 to 10 of them, as the model says
            if not types:
                raise InvalidInputError("Either reportTypes or nextToken is required")
            statuses = call.many("processingStatuses")
            ids = call.many("marketplaceIds")
            now = self.world.now()
            since = call.time("createdSince") or now - RETENTION
            until = call.time("createdUntil") or now
            state = {
                "types": types,
                "statuses": statuses,
                "markets": ids,
                "since": max(since, now - RETENTION).isoformat(),
                "until": until.isoformat(),
                "size": call.integer("pageSize", 10, 1, 100),
                "offset": 0,
            }
        self._publish_settlements()
        since, until = datetime.fromisoformat(state["since"]), datetime.fromisoformat(state["until"])
        with self._lock:
            jobs = list(self._jobs.values())
        sim_now = self.world.clock.now()
        found = [
            j
            for j in jobs
            if j.report_type in state["types"]
            and (not state["statuses"] or j.status(sim_now) in state["statuses"])
            and (not state["markets"] or set(state["markets"]) & set(j.window.marketplace_ids))
            and since <= self.world.wall(j.created) <= until
        ]
        found.sort(key=lambda j: (-j.created, j.report_id))
        offset, size = int(state["offset"]), int(state["size"])
        body: dict[str, Any] = {"reports": [self._report(j) for j in found[offset : offset + size]]}
        if offset + size < len(found):
            body["nextToken"] = encode_token(state | {"offset": offset + size})
        return json_response(200, body)

    def get_report_document(self, call: Call) -> Response:
        document_id = call.path_params[0]
        self._publish_settlements()
        with self._lock:
            job = self._documents.get(document_id)
        if job is None or job.status(self.world.clock.now()) != "DONE":
            raise NotFoundError(f"Report document {document_id} not found")
        issued = self.world.clock.now()
        query = f"X-Amz-Date={issued:.3f}&X-Amz-Expires={int(DOCUMENT_URL_LIFETIME)}"
        if call.one("enableContentEncodingUrlHeader") == "true":
            query += "&content-encoding=gzip"
        url = f"{call.base_url}/sp-api-documents/{document_id}?{query}&X-Amz-Signature={self._sign(document_id, query)}"
        return json_response(200, {"reportDocumentId": document_id, "url": url, "compressionAlgorithm": "GZIP"})

    # -- documents -------------------------------------------------------------------------

    def _sign(self, document_id: str, query: str) -> str:
        return hmac.new(self._secret, f"{document_id}?{query}".encode(), hashlib.sha256).hexdigest()

    def download(self, document_id: str, query: dict[str, list[str]]) -> Response | Stream:
        """GET of a signed document URL: S3-style errors, else the gzip body streamed."""
        log = {"operation": "downloadReportDocument"}
        issued = (query.get("X-Amz-Date") or [""])[0]
        signed = f"X-Amz-Date={issued}&X-Amz-Expires={int(DOCUMENT_URL_LIFETIME)}"
        if "content-encoding" in query:
            signed += "&content-encoding=gzip"
        signature = (query.get("X-Amz-Signature") or [""])[0]
        with self._lock:
            job = self._documents.get(document_id)
        if job is None or not hmac.compare_digest(signature, self._sign(document_id, signed)):
            return _s3_error(403, "AccessDenied", "Access Denied", log)
        if self.world.clock.now() > float(issued) + DOCUMENT_URL_LIFETIME:
            return _s3_error(403, "AccessDenied", "Request has expired", log)
        kind = REPORT_TYPES[job.report_type]
        charset = MARKETPLACES[job.window.marketplace_ids[0]].charset
        content_type = f"text/plain; charset={charset}"
        if self.world.fault("undeclared_charset_documents", report_type=job.report_type):
            # An older document: the marketplace's legacy Windows encoding, and no charset said.
            charset, content_type = "cp1252", "text/plain"
        truncate = self.world.fault("truncated_documents", report_type=job.report_type)
        rows = kind.rows(job.snapshot, job.window)
        if job.report_type in _SETTLEMENT_IDS and self.world.fault(
            "unbalanced_settlements", report_type=job.report_type
        ):
            rows = _a_cent_off(rows, kind.columns)
        if self.world.fault("unreadable_dates", report_type=job.report_type):
            rows = _an_unknown_date(rows, kind.columns)
        headers = {"Content-Type": content_type}
        if "content-encoding" in query:
            headers["Content-Encoding"] = "gzip"
        else:
            headers["Content-Disposition"] = f'attachment; filename="{document_id}.txt.gz"'
        chunks = gzip_document(kind.columns, rows, charset, truncate_after=job.rows // 2 if truncate else None)
        return Stream(200, chunks, headers, log | {"truncated": truncate, "rows": job.rows})


def _a_cent_off(rows: Iterator[Row], columns: tuple[str, ...]) -> Iterator[Row]:
    """A settlement whose summary total no longer equals the sum of its lines."""
    summary = next(rows)
    column = columns.index("total-amount")
    yield [*summary[:column], str(Decimal(summary[column]) + Decimal("0.01")), *summary[column + 1 :]]
    yield from rows


#: A date form no report uses: month/day/year is read day/month in Europe, so it cannot be read.
UNKNOWN_DATE_FORM = "%m/%d/%Y %I:%M %p"


def _an_unknown_date(rows: Iterator[Row], columns: tuple[str, ...]) -> Iterator[Row]:
    """The third row's first date written in a form no report uses (a line, in a settlement)."""
    dates = [i for i, name in enumerate(columns) if name.endswith("date")]
    for number, row in enumerate(rows):
        filled = [i for i in dates if row[i]]
        if number != 2 or not filled:
            yield row
            continue
        text = row[filled[0]]
        if "." in text:  # dd.mm.yyyy becomes dd/mm/yyyy
            text = text.replace(".", "/")
        else:
            text = parse_iso(text.replace(" UTC", "+00:00")).strftime(UNKNOWN_DATE_FORM)
        yield [*row[: filled[0]], text, *row[filled[0] + 1 :]]


def _time(spec: dict[str, Any], name: str) -> datetime | None:
    value = spec.get(name)
    if value is None:
        return None
    try:
        return parse_iso(str(value))
    except ValueError:
        raise InvalidInputError(f"{name} is not an ISO 8601 date-time: {value!r}") from None


def _s3_error(status: int, code: str, message: str, log: dict[str, Any]) -> Response:
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>'
    return Response(status, body, {"Content-Type": "application/xml"}, log)
