"""target-postgres with a debug log that grows with the work and never shows a record.

The SDK's batch sinks log "Processed record: <context>" at debug after every record, and a batch
sink's context is the whole pending batch: the log grows with the square of the batch and prints
every record in clear text. The quiet sink drops that one message (record sinks already do).
"""

from __future__ import annotations

from typing import Any

from target_postgres.sinks import PostgresSink
from target_postgres.target import TargetPostgres


class QuietPostgresSink(PostgresSink):  # type: ignore[misc]
    def _after_process_record(self, context: dict[str, Any]) -> None:
        """Nothing to log per record; the SDK's metrics count records."""


class QuietTargetPostgres(TargetPostgres):  # type: ignore[misc]
    default_sink_class = QuietPostgresSink
