"""`stratus-dbt`: check dbt's warehouse settings, reach the warehouse, hold the build lock, run dbt.

Meltano passes the dbt-postgres settings as DBT_POSTGRES_* variables, which
transform/profiles/postgres/profiles.yml reads; a CA given as PEM text is written to a private
file whose path replaces it for dbt.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType

from stratus_postgres.connect import connect, exit_with, libpq_env, private_dir, root_cert_path
from stratus_postgres.lock import build_lock
from stratus_postgres.settings import Checker, Connection

PLUGIN = "dbt-postgres"
NAMES = {"database": "dbname", "ssl_mode": "sslmode", "ssl_root_cert": "sslrootcert"}
SETTINGS = ("host", "port", "user", "password", "dbname", "sslmode", "sslrootcert", "schema")
# Commands that never touch the warehouse, and those that change it (run one at a time).
OFFLINE = {"deps", "clean", "parse", "ls", "list", "init", "help", "--version", "-v", "--help", "-h"}
WRITING = {"build", "run", "test", "seed", "snapshot", "run-operation", "retry", "clone"}


def subcommand(argv: list[str]) -> str:
    words = [arg for arg in argv if not arg.startswith("-")]
    if not words:
        return next((arg for arg in argv if arg in OFFLINE), "help")
    return "docs serve" if words[:2] == ["docs", "serve"] else words[0]


def checked(checker: Checker) -> Connection:
    config = {name: os.environ.get(f"DBT_POSTGRES_{name.upper()}") for name in SETTINGS}
    project_root = Path(os.environ.get("MELTANO_PROJECT_ROOT") or Path.cwd())
    connection = checker.connection(config, project_root)
    checker.text(config, "schema")
    for name, env, marker in (
        ("profiles_dir", "DBT_PROFILES_DIR", "profiles.yml"),
        ("project_dir", "DBT_PROJECT_DIR", "dbt_project.yml"),
    ):
        directory = os.environ.get(env)
        if directory and not (Path(directory) / marker).is_file():
            checker.problem(name, f"{directory!r} holds no {marker}")
    checker.raise_any()
    return connection


def run_dbt(argv: list[str], env: dict[str, str]) -> int:
    """dbt as a child process (the lock's session must outlive it); a stop request reaches it."""
    child = subprocess.Popen([str(Path(sys.executable).parent / "dbt"), *argv], env=env)

    def forward(signum: int, _frame: FrameType | None) -> None:
        child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    return child.wait()


def run_checked(argv: list[str], command: str) -> int:
    connection = checked(Checker(PLUGIN, NAMES))
    with private_dir() as directory:
        root_cert = root_cert_path(connection, directory)
        env = {**os.environ, **libpq_env(connection, root_cert), "DBT_POSTGRES_SSLROOTCERT": root_cert or ""}
        session = connect(connection, root_cert, PLUGIN)
        try:
            if command not in WRITING:
                session.close()
                return run_dbt(argv, env)
            session.autocommit = True

            def waiting() -> None:
                print(f"{PLUGIN}: another dbt build of {connection.where} is running; waiting for it", file=sys.stderr)

            with build_lock(session, waiting):
                return run_dbt(argv, env)
        finally:
            session.close()


def main() -> None:
    argv = sys.argv[1:]
    command = subcommand(argv)
    if command in OFFLINE or command == "docs serve":
        sys.exit(run_dbt(argv, dict(os.environ)))
    exit_with(lambda: run_checked(argv, command))


if __name__ == "__main__":
    main()
