"""Fixtures shared by every test suite: sandboxes served over real HTTP on free ports."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from stratus_warehouse import Warehouse

from sandbox.server import Sandbox, SandboxOptions, running


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def sandbox_factory() -> Iterator[Callable[..., tuple[Sandbox, str]]]:
    """Start sandboxes (each on its own port) for one test; they stop when it ends."""
    with ExitStack() as stack:

        def start(**options: Any) -> tuple[Sandbox, str]:
            sandbox = Sandbox(SandboxOptions(**options))
            return sandbox, stack.enter_context(running(sandbox))

        yield start


# -- pipeline tests: real Meltano into a real embedded Postgres ---------------------------

ROOT = Path(__file__).resolve().parent
MELTANO = ROOT / ".venv" / "bin" / "meltano"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    """A fresh embedded warehouse, on its own port and data directory, per test module."""
    server = Warehouse(data_dir=tmp_path_factory.mktemp("warehouse"), port=free_port())
    server.start()
    yield server
    server.destroy()


def pipeline_env(sandbox_url: str, warehouse: Warehouse, state_dir: Path, amazon_days: int) -> dict[str, str]:
    """The dev environment, aimed at one test's sandbox, warehouse and Meltano system database."""
    start = (datetime.now(UTC) - timedelta(days=amazon_days)).strftime("%Y-%m-%dT00:00:00Z")
    return {
        **os.environ,
        "MELTANO_ENVIRONMENT": "dev",
        "MELTANO_DATABASE_URI": f"sqlite:///{state_dir / 'meltano.db'}",
        "TAP_SHOPIFY_API_URL": f"{sandbox_url}/shops/{{shop}}",
        # The sandbox's search index never trails its writes; changes made by a test count at once.
        "TAP_SHOPIFY_SAFETY_LAG_MINUTES": "0",
        "TAP_AMAZON_SPAPI_API_URL": f"{sandbox_url}/sp-api",
        "TAP_AMAZON_SPAPI_LWA_TOKEN_URL": f"{sandbox_url}/lwa/auth/o2/token",
        "TAP_AMAZON_SPAPI_START_DATE": start,
        "TARGET_POSTGRES_PORT": str(warehouse.port),
        "DBT_POSTGRES_PORT": str(warehouse.port),
        "TARGET_JSONL_DESTINATION_PATH": str(state_dir / "jsonl"),
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def meltano(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(MELTANO), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"meltano {' '.join(args)} exited {result.returncode}:\n{result.stdout[-4000:]}{result.stderr[-2000:]}"
        )
    return result


def query(warehouse: Warehouse, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    with psycopg.connect(warehouse.url(), autocommit=True) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else []
