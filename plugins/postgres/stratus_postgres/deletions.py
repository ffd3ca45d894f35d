"""A record the source deleted marks the raw row it deletes; it does not replace it.

A tap's deletion record (a tombstone) carries only the key, the deletion time (`_sdc_deleted_at`)
and the replication key: the source no longer has the rest. target-postgres's upsert writes every
column of a record over the row of its key, so a tombstone would turn the row's last version into
nulls. Raw then no longer knows what was deleted: for a Shopify order, its day and amounts, which
an incremental mart needs to take the order's sales off the right day.

Here a tombstone whose key is already loaded only writes the `_sdc_*` columns (deletion time, batch
time, sequence) onto that row, which keeps the last version the source sent; a tombstone for a key
never loaded is inserted as it is. Live records are upserted as before, in the same transaction.
`hard_delete` is unchanged: it applies to ACTIVATE_VERSION messages, which remove rows outright.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy
from target_postgres.sinks import PostgresSink

DELETED_AT = "_sdc_deleted_at"
#: The loader's own columns (add_record_metadata): the only ones a tombstone writes onto a kept row.
METADATA_PREFIX = "_sdc_"


class DeletionMarkingSink(PostgresSink):  # type: ignore[misc]
    def upsert(
        self,
        from_table: sqlalchemy.Table,
        to_table: sqlalchemy.Table,
        schema: dict[str, Any],
        join_keys: Sequence[str],
        connection: sqlalchemy.engine.Connection,
    ) -> int | None:
        if not self.append_only and join_keys and DELETED_AT in from_table.columns:
            same_key = sqlalchemy.and_(*(from_table.columns[key] == to_table.columns[key] for key in join_keys))
            tombstone = from_table.columns[DELETED_AT].is_not(None)
            marks = {
                to_table.columns[column.name]: column
                for column in from_table.columns
                if column.name.startswith(METADATA_PREFIX) and column.name in to_table.columns
            }
            connection.execute(sqlalchemy.update(to_table).where(same_key, tombstone).values(marks))
            # Marked: out of the batch, so the upsert below neither inserts nor overwrites them.
            connection.execute(sqlalchemy.delete(from_table).where(same_key, tombstone))
        return super().upsert(from_table, to_table, schema, join_keys, connection)  # type: ignore[no-any-return]
