"""The COPY ceiling: the tap's records parsed in Python and COPYed straight into Postgres.

It reads a file of the tap's Singer messages and copies each stream's records into a table
shaped like the loader's (`create table ... (like raw.<stream>)`), with no batching, typing
or merging: what the same server takes when Python feeds it as simply as it can.
"""

from __future__ import annotations

import json
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

SCHEMA = "bench_ceiling"


def _cell(value: Any, data_type: str) -> Any:
    # The loader stores objects as jsonb and arrays as Postgres arrays (of jsonb when of objects).
    if value is None:
        return None
    if data_type == "ARRAY":
        return [Jsonb(v) if isinstance(v, dict | list) else v for v in value]
    if data_type == "jsonb":
        return Jsonb(value)
    return value


def _columns(conn: psycopg.Connection[Any], stream: str) -> dict[str, str]:
    """Column name to data type, without the loader's own _sdc_ columns."""
    found = conn.execute(
        "select column_name, data_type from information_schema.columns where table_schema = %s"
        " and table_name = %s and column_name not like '\\_sdc\\_%%' order by ordinal_position",
        (SCHEMA, stream),
    ).fetchall()
    return dict(found)


def copy_ceiling(url: str, singer_file: Path, source_schema: str, streams: list[str]) -> tuple[int, float]:
    """Rows copied and seconds taken, for `streams` of `singer_file`, into copies of `source_schema` tables.

    One pass over the file, one COPY per stream, each on its own connection, all open together.
    """
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(SCHEMA)))
        admin.execute(sql.SQL("create schema {}").format(sql.Identifier(SCHEMA)))
        for stream in streams:
            table = sql.Identifier(SCHEMA, stream)
            admin.execute(sql.SQL("create table {} (like {})").format(table, sql.Identifier(source_schema, stream)))
        columns = {stream: _columns(admin, stream) for stream in streams}
        rows = 0
        started = time.monotonic()
        with ExitStack() as stack:
            copies = {}
            for stream in streams:
                conn = stack.enter_context(psycopg.connect(url))
                statement = sql.SQL("copy {} ({}) from stdin").format(
                    sql.Identifier(SCHEMA, stream), sql.SQL(", ").join(map(sql.Identifier, columns[stream]))
                )
                copies[stream] = stack.enter_context(stack.enter_context(conn.cursor()).copy(statement))
            with singer_file.open("rb") as fh:
                for line in fh:
                    message = json.loads(line)
                    copy = copies.get(message.get("stream")) if message.get("type") == "RECORD" else None
                    if copy is not None:
                        record = message["record"]
                        copy.write_row([_cell(record.get(c), t) for c, t in columns[message["stream"]].items()])
                        rows += 1
        # Leaving the stack ended each COPY and committed each connection.
        seconds = time.monotonic() - started
        admin.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(SCHEMA)))
    return rows, seconds
