"""One dbt build at a time per warehouse: a Postgres session advisory lock held around the dbt process.

The lock is taken before dbt starts because dbt reads the warehouse's relations into a cache at
start; a build that started while another was creating relations acts on a stale cache
("relation already exists" / "does not exist"). Advisory locks are scoped to the database, so
every project and machine building this warehouse waits its turn. The session holds it: a run
that dies releases it with its connection.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

# A fixed signed 64-bit key: the same for every Stratus dbt build of a database.
BUILD_LOCK_KEY = int.from_bytes(hashlib.sha256(b"stratus:dbt-build").digest()[:8], "big", signed=True)


@contextmanager
def build_lock(connection: Any, on_wait: Callable[[], None], key: int = BUILD_LOCK_KEY) -> Iterator[None]:
    """Hold the build lock on this (autocommit) psycopg2 connection; on_wait runs once if it must wait."""
    with connection.cursor() as cursor:
        cursor.execute("select pg_try_advisory_lock(%s)", (key,))
        if not cursor.fetchone()[0]:
            on_wait()
            cursor.execute("select pg_advisory_lock(%s)", (key,))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("select pg_advisory_unlock(%s)", (key,))
