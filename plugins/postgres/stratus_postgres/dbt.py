"""`stratus-dbt`: check dbt's warehouse settings, reach the warehouse, hold the build lock, run dbt.

Meltano passes the dbt-postgres settings as DBT_POSTGRES_* variables, which
transform/profiles/postgres/profiles.yml reads; a CA given as PEM text is written to a private
file whose path replaces it for dbt. Every command that reaches the warehouse is recorded in
raw_stratus.dbt_runs (dbt_runs.py), failed ones too, and ends with one summary line.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from stratus_postgres.connect import connect, exit_with, libpq_env, private_dir, root_cert_path
from stratus_postgres.dbt_runs import build_run, create_table, record, summary_line
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


# dbt's output is read line by line into Meltano's log: colour codes would show there raw.
NO_COLOURS = {"DBT_USE_COLORS": "false", "DBT_USE_COLORS_FILE": "false"}
# Lines of dbt's output kept to find the error of a run that left no run_results.json.
TAIL_LINES = 200


def run_dbt(argv: list[str], env: dict[str, str], tail: deque[str] | None = None) -> int:
    """dbt as a child process (the lock's session must outlive it); a stop request reaches it.

    With `tail`, dbt's output passes through this process and its last lines are kept."""
    env = {**NO_COLOURS, **env}
    dbt = [str(Path(sys.executable).parent / "dbt"), *argv]
    piped = subprocess.PIPE if tail is not None else None
    child = subprocess.Popen(dbt, env=env, stdout=piped, stderr=subprocess.STDOUT if piped else None, text=True)

    def forward(signum: int, _frame: FrameType | None) -> None:
        child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    if tail is not None and child.stdout is not None:
        with child.stdout:
            for line in child.stdout:
                sys.stdout.write(line)
                sys.stdout.flush()
                tail.append(line)
    return child.wait()


def first_line(exc: Exception) -> str:
    return next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)


def recorded(session: Any, argv: list[str], command: str, env: dict[str, str]) -> int:
    """Run dbt, then write its row to raw_stratus.dbt_runs and print its summary line."""
    try:
        create_table(session)
    except Exception as exc:  # the run matters more than its record; recording will say so again
        print(f"{PLUGIN}: could not create raw_stratus.dbt_runs: {first_line(exc)}", file=sys.stderr)
    started_at = datetime.now(UTC)
    tail: deque[str] = deque(maxlen=TAIL_LINES)
    code = run_dbt(argv, env, tail)
    run = build_run(
        plugin=os.environ.get("MELTANO_UTILITY_NAME") or PLUGIN,
        command=command,
        argv=argv,
        started_at=started_at,
        exit_code=code,
        output_tail=list(tail),
    )
    try:
        record(session, run)
    except Exception as exc:  # the run's own outcome matters more than its record
        print(f"{PLUGIN}: could not record the run in raw_stratus.dbt_runs: {first_line(exc)}", file=sys.stderr)
    print(summary_line(run), file=sys.stderr)
    return code


def run_checked(argv: list[str], command: str) -> int:
    connection = checked(Checker(PLUGIN, NAMES))
    with private_dir() as directory:
        root_cert = root_cert_path(connection, directory)
        env = {**os.environ, **libpq_env(connection, root_cert), "DBT_POSTGRES_SSLROOTCERT": root_cert or ""}
        session = connect(connection, root_cert, PLUGIN)
        try:
            session.autocommit = True
            if command not in WRITING:
                return recorded(session, argv, command, env)

            def waiting() -> None:
                print(f"{PLUGIN}: another dbt build of {connection.where} is running; waiting for it", file=sys.stderr)

            with build_lock(session, waiting):
                return recorded(session, argv, command, env)
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
