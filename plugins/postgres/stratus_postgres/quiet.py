"""target-postgres with a short default log, and a debug log that grows with the work and never
shows a record.

- Default level: the loader's METRIC lines (one per batch and stream) and its per-batch
  "Inserting with SQL" lines stay out of the console. They come back at debug level
  (`meltano --log-level debug`), and the METRIC lines also when the SDK's own level variable is set
  (`TARGET_POSTGRES_LOGLEVEL=INFO`, or `LOGLEVEL`), from which the SDK sets its metrics logger's
  level; the taps follow the same rule (tap_common.quiet). The reader's closing line, which counts
  the records it received, stays.
- Debug level: the SDK's batch sinks log "Processed record: <context>" after every record, and a
  batch sink's context is the whole pending batch: the log grows with the square of the batch and
  prints every record in clear text. The quiet sink drops that one message (record sinks already do).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from singer_sdk.metrics import METRICS_LOGGER_NAME
from target_postgres.target import TargetPostgres

from stratus_postgres.deletions import DeletionMarkingSink
from stratus_postgres.load_time import DrainTimeSink

#: The loader's format strings repeated per batch or per run with nothing to act on.
CHATTER = frozenset({"Inserting with SQL: %s", "Skipping parse of env var settings..."})


class ShortLog(logging.Filter):
    """Below WARNING, drops the loader's per-batch lines (and METRIC lines unless `metrics`)."""

    def __init__(self, *, metrics: bool) -> None:
        super().__init__()
        self.metrics = metrics

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        if record.name == METRICS_LOGGER_NAME:
            return self.metrics
        return str(record.msg) not in CHATTER


# The loader's own sinks, each one job: tombstones mark rows (upsert), batches are stamped when
# written (process_batch).
class QuietPostgresSink(DeletionMarkingSink, DrainTimeSink):
    def _after_process_record(self, context: dict[str, Any]) -> None:
        """Nothing to log per record; the SDK's metrics count records."""


class QuietTargetPostgres(TargetPostgres):  # type: ignore[misc]
    default_sink_class = QuietPostgresSink

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        root = logging.getLogger()
        if root.getEffectiveLevel() > logging.DEBUG:
            short = ShortLog(metrics=bool(os.environ.get("TARGET_POSTGRES_LOGLEVEL") or os.environ.get("LOGLEVEL")))
            for handler in root.handlers:
                handler.addFilter(short)
        super().__init__(*args, **kwargs)
