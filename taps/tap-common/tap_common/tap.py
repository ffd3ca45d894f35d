"""The base of both taps: settings checked one line each, a fixed sync start, the cleaning writer,
and the run's ledger written as `sync_runs` and `sync_streams` at the end of every run."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, ClassVar

from singer_sdk import Stream, Tap

from tap_common.failures import failure_line
from tap_common.measured import MeasuredStream, describe_end
from tap_common.quiet import quiet_console
from tap_common.runs import RUN_RECORD_STREAMS, SYNC_RUNS, SYNC_STREAMS, Ledger, scrub
from tap_common.settings import Checked, SettingsError
from tap_common.summary import summary_lines
from tap_common.writer import CleaningWriter

RUN_RECORD_NAMES = frozenset({SYNC_RUNS, SYNC_STREAMS})


class WarningCounter(logging.Handler):
    """Counts each warning the tap logs against the stream reading at the time."""

    def __init__(self, ledger: Ledger) -> None:
        super().__init__(level=logging.WARNING)
        self.ledger = ledger

    def emit(self, record: logging.LogRecord) -> None:  # noqa: ARG002 - only counted
        self.ledger.warned()


class GuardedTap(Tap):
    """A Tap whose settings are parsed by `checked_config` before the SDK's schema sees them."""

    message_writer_class = CleaningWriter
    #: State keys holding bookmarks, none of which may be saved later than the sync's start.
    bookmark_keys: ClassVar[frozenset[str]] = frozenset({"replication_key_value"})
    #: Failures whose message is the whole story (set by cli.run); others are named by type.
    known_failures: ClassVar[tuple[type[BaseException], ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Every window of the sync ends relative to this one moment, and no bookmark passes it.
        self.started_at = datetime.now(UTC)
        quiet_console(self.name)
        super().__init__(*args, **kwargs)
        writer = self.message_writer
        if isinstance(writer, CleaningWriter):
            writer.bookmark_keys = self.bookmark_keys
            writer.bookmarks_until = self.started_at
        self.ledger = Ledger(tap=self.name, tap_version=str(self.plugin_version), accounts=self.run_accounts())
        self.ledger.started_at = self.started_at
        if isinstance(writer, CleaningWriter):
            writer.on_record = self.count_record

    def checked_config(self, config: dict[str, Any], *, complete: bool) -> Checked:
        """`config` parsed, and a line per wrong setting (and per missing one if `complete`)."""
        raise NotImplementedError

    def run_accounts(self) -> list[str]:
        """The accounts this run reads (the ids every record carries), for the run records."""
        raise NotImplementedError

    @property
    def account_id(self) -> str:
        return self.ledger.accounts[0] if self.ledger.accounts else ""

    def data_streams(self) -> list[Stream]:
        """The streams of the API's data."""
        raise NotImplementedError

    def discover_streams(self) -> list[Stream]:
        return [*self.data_streams(), *(stream_class(tap=self) for stream_class in RUN_RECORD_STREAMS)]

    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        # Discovery (raise_errors False) reads no setting, so it lets wrong ones pass: a run then
        # stops at the sync with the tap's own lines, where Meltano would print a traceback of its
        # own around a failed discovery (`meltano invoke`).
        checked = self.checked_config(dict(self._config), complete=raise_errors)
        self._config = checked.config
        if not raise_errors:
            return checked.problems
        if checked.problems:
            raise SettingsError(checked.problems)
        return super()._validate_config(raise_errors=raise_errors)

    # -- the run's ledger ------------------------------------------------------------

    def count_record(self, stream: str) -> None:
        if stream not in RUN_RECORD_NAMES:
            self.ledger.entry(stream).records += 1

    def sync_all(self) -> None:  # type: ignore[misc]  # final in the SDK; wrapped, not changed
        """Sync every selected stream, then write the run records, also when the sync fails."""
        counter = WarningCounter(self.ledger)
        logging.getLogger().addHandler(counter)  # the SDK's own warnings count too
        try:
            super().sync_all()
        except BaseException as exc:
            self.close_run(failure_line(exc, self.known_failures))
            raise
        finally:
            logging.getLogger().removeHandler(counter)
        self.close_run(None)

    def run_sync_dry_run(self, *args: Any, **kwargs: Any) -> bool:  # type: ignore[misc]  # final; wrapped
        """The SDK's test sync (`--test`, the standard tap tests) is a run too: it writes run records."""
        try:
            result = super().run_sync_dry_run(*args, **kwargs)
        except BaseException as exc:
            self.close_run(failure_line(exc, self.known_failures))
            raise
        self.close_run(None)
        return result

    def secret_values(self) -> list[str]:
        """The values of the settings the config schema marks secret, never to be written."""
        properties = self.config_jsonschema.get("properties", {})
        secret = [name for name, spec in properties.items() if spec.get("secret")]
        return [str(self.config[name]) for name in secret if self.config.get(name)]

    def close_run(self, error: str | None) -> None:
        """End the ledger, say how each open stream ended, and write the run records."""
        if error is not None:
            error = scrub(error, self.secret_values())
            for run in self.ledger.streams.values():
                if run.running and run.announced:
                    self.ledger.finish_stream(run, error)
                    self.logger.info(describe_end(run, run.seconds(self.ledger.now())))
        self.ledger.finish(error)
        for line in summary_lines(self.ledger, self.ledger.now()):
            self.logger.info(line)
        try:
            self.write_run_records()
        except (BrokenPipeError, OSError) as exc:  # the loader is gone: nothing more can reach it
            self.logger.warning("the run records could not be written: %s", exc)

    def write_run_records(self) -> None:
        rows = {SYNC_STREAMS: list(self.ledger.stream_records()), SYNC_RUNS: [self.ledger.run_record()]}
        for name, records in rows.items():
            stream = self.streams.get(name)
            if stream is None or not stream.selected:
                continue
            stream._write_schema_message()  # noqa: SLF001 - records written at the run's end, not by a sync
            for record in records:
                stream._write_record_message(record)  # noqa: SLF001


__all__ = ["GuardedTap", "MeasuredStream"]
