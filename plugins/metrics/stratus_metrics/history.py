"""Read the run history and freshness views the dbt project builds (warehouse.sync_runs, ...)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg2
import psycopg2.extras
from stratus_postgres.connect import connect, private_dir, root_cert_path

from stratus_metrics.settings import PLUGIN, Settings


class HistoryMissingError(Exception):
    """The warehouse has no run history views yet: dbt has not built the project there."""


@contextmanager
def warehouse(settings: Settings) -> Iterator[Any]:
    """A read-only autocommit connection (ConnectError, one line, when the warehouse is unreachable)."""
    with private_dir() as directory:
        root_cert = root_cert_path(settings.connection, Path(directory))
        session = connect(settings.connection, root_cert, PLUGIN)
        try:
            session.set_session(readonly=True, autocommit=True)
            yield session
        finally:
            session.close()


def rows(session: Any, query: str, params: tuple[Any, ...] | None = None) -> list[dict[str, Any]]:
    """The query's rows as dicts; HistoryMissingError when a history view does not exist."""
    try:
        with session.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cursor:
            cursor.execute(query, params)
            return [dict(row) for row in cursor.fetchall()]
    except psycopg2.errors.UndefinedTable as exc:
        raise HistoryMissingError(
            "the warehouse has no run history yet: build it with `meltano invoke dbt-postgres:build`"
        ) from exc
