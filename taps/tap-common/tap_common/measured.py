"""Mixed into a tap's base stream: its work counted in the tap's run ledger (`runs.Ledger`), and
one log line when the stream starts and one when it ends.

A child stream is synced again for every parent record (or page); only its first sync starts
it, and it ends with its parent, so the log says "started" and "finished" once per stream.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import requests

from tap_common.progress import Progress, duration, time_left
from tap_common.runs import FAILED, Ledger, StreamRun, iso

if TYPE_CHECKING:
    from singer_sdk import Stream
    from singer_sdk.helpers.types import Context
    from singer_sdk.streams import RESTStream

    _Stream = Stream
    _RESTStream = RESTStream[Any]
else:
    _Stream = _RESTStream = object


def _second(moment: datetime | None) -> str | None:
    return iso(moment.replace(microsecond=0)) if moment else None


def describe_start(run: StreamRun, parent: str | None) -> str:
    """The stream's start line: mode, window, records the API expects."""
    parts = [f"{run.stream}: started, {run.mode or 'full_table'}"]
    if parent:
        parts[0] += f" with each {parent} record"
    if run.window_start or run.window_end:
        parts.append(f"window {_second(run.window_start) or 'the beginning'} to {_second(run.window_end) or 'now'}")
    if run.expected_records is not None:
        parts.append(f"{run.expected_records} records expected")
    return ", ".join(parts)


def describe_end(run: StreamRun, seconds: float) -> str:
    """The stream's end line: records, API calls, cost, duration (and the error if it failed)."""
    figures = [f"{run.records} records", f"{run.api_calls} API calls"]
    if run.api_cost is not None:
        figures.append(f"{run.api_cost} cost points")
    figures.append(f"{seconds:.1f} s")
    if run.warnings:
        figures.append(f"{run.warnings} warning" + ("" if run.warnings == 1 else "s"))
    if run.outcome == FAILED:
        return f"{run.stream}: failed after " + ", ".join(figures) + f": {run.error}"
    return f"{run.stream}: finished, " + ", ".join(figures)


def describe_progress(run: StreamRun, elapsed_s: float, limit_s: float | None = None) -> str:
    """A paged read's progress: records so far of those expected, calls, and the time left."""
    expected = f" of {run.expected_records}" if run.expected_records is not None else ""
    cost = f", {run.api_cost} cost points" if run.api_cost is not None else ""
    line = f"{run.stream}: {run.records}{expected} records so far, {run.api_calls} API calls{cost}"
    left = time_left(run.records, run.expected_records, elapsed_s, limit_s=limit_s)
    return line + (f", about {duration(left)} left" if left is not None else f", {duration(elapsed_s)} so far")


class MeasuredStream(_Stream):
    """A stream whose records, calls and cost go to the tap's ledger, with a start and an end line."""

    @property
    def ledger(self) -> Ledger:
        return self._tap.ledger  # type: ignore[attr-defined, no-any-return]

    @property
    def account_id(self) -> str:
        """The account this stream reads (Shopify shop, Amazon seller)."""
        return str(self._tap.account_id)  # type: ignore[attr-defined]

    @property
    def run(self) -> StreamRun:
        return self.ledger.entry(self.name, self.account_id)

    def progress_clock(self) -> Callable[[], float]:
        """The clock progress is timed by: the tap's throttle's, so tests can advance it."""
        return time.monotonic

    @property
    def progress(self) -> Progress:
        """Says how this stream's long work is going, every 30 s of `progress_clock`."""
        found: Progress | None = getattr(self, "_progress", None)
        if found is None:
            found = self._progress = Progress(say=self.logger.info, clock=self.progress_clock())
        return found

    def paging_progress(self, limit_s: float | None = None) -> None:
        """One more page read: say how far the stream is, if it is time."""
        self.progress.tick(lambda elapsed: describe_progress(self.run, elapsed, limit_s))

    @property
    def parent_stream(self) -> MeasuredStream | None:
        """The stream this one is read with, if it is a child stream."""
        kind = self.parent_stream_type
        found = [s for s in self._tap.streams.values() if kind is not None and isinstance(s, kind)]
        return found[0] if found and isinstance(found[0], MeasuredStream) else None

    def plan_sync(self, context: Context | None) -> None:  # noqa: ARG002 - a hook for the taps
        """Fill in `self.run`'s mode, window and expected records before its start line."""
        parent = self.parent_stream
        self.run.mode = parent.run.mode if parent else ("incremental" if self.replication_key else "full_table")

    # -- counting ------------------------------------------------------------------

    def count_call(self) -> None:
        """One HTTP response the API sent this stream (a retry is one more)."""
        self.run.api_calls += 1

    def count_cost(self, points: Decimal | int | float | str | None) -> None:
        """Cost the API says it charged for one call."""
        if points is not None:
            self.run.add_cost(Decimal(str(points)))

    # -- start and end ---------------------------------------------------------------

    def _sync_records(
        self, context: Context | None = None, *, write_messages: bool = True
    ) -> Generator[dict[Any, Any], Any, Any]:
        self.announce(context)
        self.ledger.active.append(self.name)
        try:
            yield from super()._sync_records(context, write_messages=write_messages)
        finally:
            self.ledger.active.pop()
        if self.parent_stream_type is None:
            self.finish_run(None)

    def announce(self, context: Context | None) -> None:
        """Log the start line once, and those of the child streams read with this one."""
        run = self.run
        if run.announced:
            return
        run.started_at = self.ledger.now()
        self.plan_sync(context)
        run.announced = True
        self.progress.start()
        parent = self.parent_stream
        self.logger.info(describe_start(run, parent.name if parent else None))
        for child in self.child_streams:
            if isinstance(child, MeasuredStream) and child.selected:
                child.announce(None)

    def finish_run(self, error: str | None) -> None:
        """This stream and its child streams are done: close their rows and say so."""
        for stream in (self, *self.descendent_streams):
            if isinstance(stream, MeasuredStream):
                run = stream.ledger.streams.get((stream.name, stream.account_id))
                if run is not None and run.running and run.announced:
                    self.ledger.finish_stream(run, error)
                    stream.logger.info(describe_end(run, run.seconds(self.ledger.now())))


class MeasuredAPIStream(MeasuredStream, _RESTStream):
    """A MeasuredStream that makes its own HTTP calls: each response counts as one."""

    @property
    def requests_session(self) -> requests.Session:
        session = super().requests_session
        if self._count_response not in session.hooks["response"]:
            session.hooks["response"].append(self._count_response)
        return session

    def _count_response(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:  # noqa: ARG002
        self.count_call()

    def build_prepared_request(self, *args: Any, **kwargs: Any) -> requests.PreparedRequest:
        # Preparing applies auth, which may call a token endpoint first: that call is this stream's.
        self.ledger.active.append(self.name)
        try:
            return super().build_prepared_request(*args, **kwargs)
        finally:
            self.ledger.active.pop()
