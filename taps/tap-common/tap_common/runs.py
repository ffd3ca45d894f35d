"""The run ledger: what one run of a tap did, per stream and account, emitted as two Singer streams
at the end of every run (also a failed one) so the warehouse keeps a history of runs.

- `sync_runs`, key run_id: one row per run (outcome, error line, records, API calls and cost).
- `sync_streams`, key (run_id, stream, account_id): one row per stream and account read.

Figures are counted where they happen: records as the tap writes their RECORD messages, API calls
as each HTTP response arrives (retries included: every attempt is a call the API served), cost as
the API reports it charged (Shopify's `actualQueryCost`). A new run gets a new run_id, so a
re-run adds rows and never overwrites; nothing here touches state.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from singer_sdk import Stream
from singer_sdk import typing as th

SYNC_RUNS = "sync_runs"
SYNC_STREAMS = "sync_streams"
SUCCEEDED = "succeeded"
FAILED = "failed"
#: Meltano 4.4 hands a plugin no job, schedule or state id (only MELTANO_JOB_TRIGGER, cli or
#: schedule): a schedule that wants its runs named sets this in its `env:`.
JOB_VARIABLE = "STRATUS_JOB"


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def utc_now() -> datetime:
    return datetime.now(UTC)


def job_name(environ: dict[str, str] | os._Environ[str]) -> str | None:
    """The job or schedule the orchestrator says this run belongs to, if it says."""
    return environ.get(JOB_VARIABLE) or None


@dataclass
class StreamRun:
    """What one stream did for one account in this run."""

    stream: str
    account_id: str
    started_at: datetime
    mode: str | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    expected_records: int | None = None
    records: int = 0
    api_calls: int = 0
    api_cost: Decimal | None = None
    warnings: int = 0
    finished_at: datetime | None = None
    outcome: str | None = None
    error: str | None = None
    #: Whether its start line was logged.
    announced: bool = False

    @property
    def running(self) -> bool:
        return self.finished_at is None

    def add_cost(self, points: Decimal) -> None:
        self.api_cost = (self.api_cost or Decimal(0)) + points

    def seconds(self, now: datetime) -> float:
        return ((self.finished_at or now) - self.started_at).total_seconds()

    def record(self, run_id: str) -> dict[str, Any]:
        return {
            "run_id": run_id,
            "stream": self.stream,
            "account_id": self.account_id,
            "mode": self.mode,
            "window_start": iso(self.window_start),
            "window_end": iso(self.window_end),
            "expected_records": self.expected_records,
            "records": self.records,
            "api_calls": self.api_calls,
            "api_cost": self.api_cost,
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "outcome": self.outcome,
            "error": self.error,
        }


@dataclass
class Ledger:
    """One run of one tap: its id, its streams' figures, how it ended."""

    tap: str
    tap_version: str
    accounts: list[str]
    now: Callable[[], datetime] = utc_now
    run_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    job: str | None = field(default_factory=lambda: job_name(os.environ))
    started_at: datetime = field(init=False)
    finished_at: datetime | None = None
    outcome: str | None = None
    error: str | None = None
    streams: dict[tuple[str, str], StreamRun] = field(default_factory=dict)
    #: Calls made while no stream was reading (none today); they still count in the run's total.
    unattributed_calls: int = 0
    #: The streams now reading, innermost last: a call made for no stream in particular (a token
    #: exchange) and a warning count for the innermost.
    active: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.started_at = self.now()

    def entry(self, stream: str, account_id: str | None = None) -> StreamRun:
        """The stream's row for `account_id` (the tap's only account by default), made when first asked."""
        account = account_id if account_id is not None else (self.accounts[0] if self.accounts else "")
        key = (stream, account)
        if key not in self.streams:
            self.streams[key] = StreamRun(stream=stream, account_id=account, started_at=self.now())
        return self.streams[key]

    def name_account(self, account_id: str) -> None:
        """The run's one account, learnt during the run (ShipBob's user id, FreeAgent's company id):
        what was counted before it was known (under "") is that account's."""
        self.accounts = [account_id]
        for run in self.streams.values():
            if run.account_id == "":
                run.account_id = account_id
        self.streams = {(run.stream, run.account_id): run for run in self.streams.values()}

    def call(self) -> None:
        """One HTTP call made on behalf of whichever stream is reading (a token exchange)."""
        if self.active:
            self.entry(self.active[-1]).api_calls += 1
        else:
            self.unattributed_calls += 1

    def warned(self) -> None:
        """A warning was logged while the innermost active stream read."""
        if self.active:
            self.entry(self.active[-1]).warnings += 1

    @property
    def records(self) -> int:
        return sum(run.records for run in self.streams.values())

    @property
    def api_calls(self) -> int:
        return self.unattributed_calls + sum(run.api_calls for run in self.streams.values())

    @property
    def api_cost(self) -> Decimal | None:
        costs = [run.api_cost for run in self.streams.values() if run.api_cost is not None]
        return sum(costs, Decimal(0)) if costs else None

    def finish_stream(self, run: StreamRun, error: str | None = None) -> None:
        if run.running:
            run.finished_at = self.now()
            run.outcome = FAILED if error else SUCCEEDED
            run.error = error

    def finish(self, error: str | None = None) -> None:
        """Close the run (and any stream still open: a failure stops them all)."""
        for run in self.streams.values():
            self.finish_stream(run, error if run.running else None)
        self.finished_at = self.now()
        self.outcome = FAILED if error else SUCCEEDED
        self.error = error

    def run_record(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "tap": self.tap,
            "account_ids": list(self.accounts),
            "job": self.job,
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "outcome": self.outcome,
            "error": self.error,
            "records": self.records,
            "api_calls": self.api_calls,
            "api_cost": self.api_cost,
            "tap_version": self.tap_version,
        }

    def stream_records(self) -> Iterable[dict[str, Any]]:
        return (run.record(self.run_id) for run in self.streams.values())


def scrub(line: str, secrets: Iterable[str]) -> str:
    """`line` with every secret value in it replaced by ***."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            line = line.replace(secret, "***")
    return line


def _when(name: str, description: str) -> th.Property[Any]:
    return th.Property(name, th.DateTimeType, description=description)


SYNC_RUNS_SCHEMA = th.PropertiesList(
    th.Property("run_id", th.StringType, required=True, description="A uuid4 made when the tap started"),
    th.Property("tap", th.StringType, description="The tap's name, e.g. tap-shopify"),
    th.Property("account_ids", th.ArrayType(th.StringType), description="The accounts the run read"),
    th.Property("job", th.StringType, description="The job or schedule the orchestrator named, if it did"),
    _when("started_at", "When the tap started (UTC)"),
    _when("finished_at", "When the run ended, succeeded or failed (UTC)"),
    th.Property("outcome", th.StringType, description="succeeded or failed"),
    th.Property("error", th.StringType, description="The one line the run stopped with; null on success"),
    th.Property("records", th.IntegerType, description="Records the tap emitted, run records not counted"),
    th.Property("api_calls", th.IntegerType, description="HTTP responses the APIs sent, retries included"),
    th.Property("api_cost", th.NumberType, description="Cost points the API charged (Shopify); null elsewhere"),
    th.Property("tap_version", th.StringType),
).to_dict()

SYNC_STREAMS_SCHEMA = th.PropertiesList(
    th.Property("run_id", th.StringType, required=True),
    th.Property("stream", th.StringType, required=True),
    th.Property(
        "account_id",
        th.StringType,
        required=True,
        description="Shopify shop domain, Amazon seller id, ShipBob user id, FreeAgent company id",
    ),
    th.Property("mode", th.StringType, description="full_table, incremental, bulk, report, ..."),
    _when("window_start", "Start of the window read, if the stream reads one"),
    _when("window_end", "End of the window read, if the stream reads one"),
    th.Property("expected_records", th.IntegerType, description="Records the API said there were to read"),
    th.Property("records", th.IntegerType),
    th.Property("api_calls", th.IntegerType),
    th.Property("api_cost", th.NumberType),
    _when("started_at", "When the stream's first read began"),
    _when("finished_at", "When the stream's last read ended"),
    th.Property("outcome", th.StringType, description="succeeded or failed"),
    th.Property("error", th.StringType),
).to_dict()


class RunRecordStream(Stream):
    """A stream whose records the tap writes at the end of the run (see GuardedTap.close_run)."""

    def get_records(self, context: Any) -> Iterable[dict[str, Any]]:  # noqa: ARG002
        return []


class SyncRunsStream(RunRecordStream):
    """One row per run of the tap: outcome, error line, records, API calls and cost."""

    name = SYNC_RUNS
    primary_keys = ("run_id",)
    schema = SYNC_RUNS_SCHEMA


class SyncStreamsStream(RunRecordStream):
    """One row per stream and account of each run."""

    name = SYNC_STREAMS
    primary_keys = ("run_id", "stream", "account_id")
    schema = SYNC_STREAMS_SCHEMA


RUN_RECORD_STREAMS: tuple[type[RunRecordStream], ...] = (SyncRunsStream, SyncStreamsStream)
