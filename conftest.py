"""Fixtures shared by every test suite: sandboxes served over real HTTP on free ports, and the
seal that keeps the suite off the developer's `.env`, shell credentials, Meltano run directory
and temporary directories."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping
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


# -- the seal ----------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent
MELTANO = ROOT / ".venv" / "bin" / "meltano"

# What a developer may have exported for their own runs (credentials, hosts, Meltano's, dbt's,
# libpq's and the warehouse utility's configuration): none of it may reach a test.
PRIVATE_PREFIXES = (
    "TAP_",
    "TARGET_",
    "SHOPIFY_",
    "AMAZON_",
    "SHIPBOB_",
    "FREEAGENT_",
    "WAREHOUSE_",
    "DBT_",
    "MELTANO_",
    "PG",
    "STRATUS_",
)
PROXIES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
# Bound and never listened on, for the whole session: a request through the proxy is refused at
# once, so nothing can resolve or reach a real vendor host. The sandboxes are on loopback,
# which NO_PROXY exempts.
_DEAD_PORT = socket.socket()
_DEAD_PORT.bind(("127.0.0.1", 0))
DEAD_PROXY = f"http://127.0.0.1:{_DEAD_PORT.getsockname()[1]}"
# Plugin virtualenvs shared with the project's `.meltano`; everything else there (run/, the
# system database) is the session's own.
SHARED_MELTANO_DIRS = ("extractors", "loaders", "utilities")


def sealed_environ(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` without the developer's settings, with every proxy pointing at a dead port."""
    env = {
        k: v
        for k, v in environ.items()
        if not k.upper().startswith(PRIVATE_PREFIXES) and k.upper() not in (*PROXIES, "NO_PROXY")
    }
    for name in PROXIES:
        env[name] = env[name.lower()] = DEAD_PROXY
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["MELTANO_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    return env


class Session:
    """The session's own directory: pytest's basetemp, Meltano's system directory, an empty .env,
    dbt's target and log directories. Under pytest-xdist every worker shares the controller's
    directory and has Meltano and dbt directories of its own (`worker`: gw0, gw1; "" serially)."""

    dir: Path
    meltano_dir: Path
    env_file: Path
    dbt_dir: Path
    worker: str = ""
    exitstatus: int | None = None


PASSED = (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED)


def meltano_sys_dir(path: Path, project_sys_dir: Path) -> Path:
    """A Meltano system directory whose plugin venvs are the project's and whose run/ is private."""
    path.mkdir()
    for name in SHARED_MELTANO_DIRS:
        if (project_sys_dir / name).is_dir():
            (path / name).symlink_to(project_sys_dir / name, target_is_directory=True)
    return path


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    worker = getattr(config, "workerinput", None)
    if worker is None:
        # A fresh directory per session: pytest's shared per-user basetemp keeps only the newest
        # three sessions, so two runs at once would delete each other's warehouses.
        Session.dir = Path(tempfile.mkdtemp(prefix="stratus-test-"))
        if config.option.basetemp is None:
            config.option.basetemp = str(Session.dir / "tmp")
        Session.env_file = Session.dir / "empty.env"
        Session.env_file.touch()
    else:
        # An xdist worker: the controller's directory (xdist gives it a basetemp inside it).
        Session.dir = Path(worker["stratus_session_dir"])
        Session.worker = str(worker["workerid"])
        Session.env_file = Session.dir / "empty.env"
    suffix = f"-{Session.worker}" if Session.worker else ""
    Session.meltano_dir = meltano_sys_dir(Session.dir / f"meltano{suffix}", ROOT / ".meltano")
    Session.dbt_dir = Session.dir / f"dbt{suffix}"
    # Sealed here, before any test module imports, so in-process taps and every subprocess
    # (taps, Meltano, dbt) see the same clean environment.
    sealed = sealed_environ(os.environ)
    os.environ.clear()
    os.environ.update(sealed)
    os.environ["MELTANO_SYS_DIR_ROOT"] = str(Session.meltano_dir)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist's controller tells each worker the session's directory."""
    node.workerinput["stratus_session_dir"] = str(Session.dir)


def pytest_sessionfinish(exitstatus: int) -> None:
    Session.exitstatus = exitstatus


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if Session.exitstatus not in PASSED:
        terminalreporter.write_line(f"test files kept in {Session.dir}")


def pytest_unconfigure() -> None:
    """Remove the session's directory when the run passed; keep it to look into otherwise (a
    worker leaves that to the controller, which knows how every worker fared)."""
    if Session.exitstatus in PASSED and not Session.worker:
        shutil.rmtree(Session.dir, ignore_errors=True)


@pytest.fixture
def sandbox_factory() -> Iterator[Callable[..., tuple[Sandbox, str]]]:
    """Start sandboxes (each on its own port) for one test; they stop when it ends."""
    with ExitStack() as stack:

        def start(**options: Any) -> tuple[Sandbox, str]:
            sandbox = Sandbox(SandboxOptions(**options))
            return sandbox, stack.enter_context(running(sandbox))

        yield start


# -- pipeline tests: real Meltano into a real embedded Postgres ---------------------------


@pytest.fixture(scope="session")
def warehouse_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data directory of a new warehouse, initialised once and stopped: initdb takes seconds,
    a copy a fraction of one."""
    template = Warehouse(data_dir=tmp_path_factory.mktemp("warehouse-template"), port=free_port())
    template.start()
    template.stop()
    template.log_file.unlink(missing_ok=True)
    return template.data_dir


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, warehouse_template: Path) -> Iterator[Warehouse]:
    """A fresh embedded warehouse, on its own port and data directory, per test module."""
    data_dir = tmp_path_factory.mktemp("warehouse")
    # `cp -a` keeps the files' owner: the server's own system user when the suite runs as root.
    subprocess.run(["cp", "-a", f"{warehouse_template}/.", str(data_dir)], check=True)
    server = Warehouse(data_dir=data_dir, port=free_port())
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
        "TAP_SHIPBOB_API_URL": f"{sandbox_url}/shipbob",
        "TAP_SHIPBOB_START_DATE": start,
        "TAP_FREEAGENT_API_URL": f"{sandbox_url}/v2",
        "TARGET_POSTGRES_PORT": str(warehouse.port),
        "DBT_POSTGRES_PORT": str(warehouse.port),
        "STRATUS_METRICS_PORT": str(warehouse.port),
        "TARGET_JSONL_DESTINATION_PATH": str(state_dir / "jsonl"),
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
        # dbt's manifest, partial-parse cache, compiled SQL and logs: the session's (the worker's
        # under xdist), never the checkout's transform/target, which another run may be using.
        "DBT_TARGET_PATH": str(Session.dbt_dir / "target"),
        "DBT_LOG_PATH": str(Session.dbt_dir / "logs"),
    }


def meltano_command(*args: str, read_dotenv: bool = False) -> list[str]:
    """The command line of a test's Meltano: an empty env file stands in for the developer's `.env`."""
    return [str(MELTANO), *([] if read_dotenv else ["--env-file", str(Session.env_file)]), *args]


def meltano(
    env: dict[str, str],
    *args: str,
    check: bool = True,
    cwd: Path = ROOT,
    read_dotenv: bool = False,
    stdin: str = "",
) -> subprocess.CompletedProcess[str]:
    """Run Meltano in the project, sealed (`read_dotenv` only for a test that shows what that
    stops, in a scratch project), with `stdin` as its input (a loader reads its Singer messages there)."""
    result = subprocess.run(
        meltano_command(*args, read_dotenv=read_dotenv),
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
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
