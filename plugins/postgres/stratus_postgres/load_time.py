"""`_sdc_batched_at` is the moment a batch is written, not the moment its records arrived.

The SDK stamps each record as it is received, but writes it only when its batch drains: when the
batch is full, at the end of the run, or at the first record after five minutes. A tap that goes
quiet (a Shopify bulk operation, an Amazon report being generated) can hold a stamped record
unwritten for as long as it waits. The incremental marts read the raw rows loaded after their
newest row less `lookback_hours`; that lookback has to outlast the longest wait between stamp and
commit, or a row committed late with an early stamp is missed.

Stamped here just before the batch's transaction, a row commits within one write of its stamp, so
the lookback needs only to outlast a write (transform/dbt_project.yml).
"""

from __future__ import annotations

import datetime
from typing import Any

from target_postgres.sinks import PostgresSink

BATCHED_AT = "_sdc_batched_at"


class DrainTimeSink(PostgresSink):  # type: ignore[misc]
    def process_batch(self, context: dict[str, Any]) -> None:
        now = datetime.datetime.now(tz=datetime.UTC).isoformat()
        for record in context.get("records", ()):
            if BATCHED_AT in record:
                record[BATCHED_AT] = now
        super().process_batch(context)
