"""One row per dbt invocation in `raw_stratus.dbt_runs`, read from dbt's own `run_results.json`.

dbt writes `target/run_results.json` at the end of every command that runs nodes: the invocation
id, each node's status, message, timing and adapter response. The counts here are those statuses
as dbt reported them. A command that stopped before running anything (a parse error, a lost
connection) leaves no new file: its row says failed, with the first error line dbt printed.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DDL = """
create schema if not exists raw_stratus;
create table if not exists raw_stratus.dbt_runs (
    invocation_id   text primary key,
    plugin          text not null,
    command         text not null,
    args            text[] not null,
    selector        text,
    dbt_version     text,
    started_at      timestamptz not null,
    finished_at     timestamptz not null,
    elapsed_s       numeric,
    exit_code       integer not null,
    outcome         text not null,
    error           text,
    models_ok       integer not null default 0,
    models_error    integer not null default 0,
    models_skipped  integer not null default 0,
    tests_pass      integer not null default 0,
    tests_warn      integer not null default 0,
    tests_fail      integer not null default 0,
    tests_error     integer not null default 0,
    tests_skipped   integer not null default 0,
    seeds_ok        integer not null default 0,
    seeds_error     integer not null default 0,
    snapshots_ok    integer not null default 0,
    snapshots_error integer not null default 0,
    hooks_ok        integer not null default 0,
    hooks_error     integer not null default 0,
    rows_affected   bigint,
    recorded_at     timestamptz not null default now()
);
-- Added after the first release: a table made before gains them.
alter table raw_stratus.dbt_runs add column if not exists hooks_ok integer not null default 0;
alter table raw_stratus.dbt_runs add column if not exists hooks_error integer not null default 0;
"""

# Flags whose value may carry a secret (vars can hold anything); recorded as "<hidden>".
HIDDEN_VALUES = {"--vars"}
SELECTING = ("--selector", "--select", "-s")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# dbt's console lines start with the time: "18:40:01  Compilation Error in ..."
CLOCK = re.compile(r"^\d\d:\d\d:\d\d(\.\d+)?\s+")


@dataclass
class DbtRun:
    invocation_id: str
    plugin: str
    command: str
    args: list[str]
    selector: str | None
    dbt_version: str | None
    started_at: datetime
    finished_at: datetime
    elapsed_s: float | None
    exit_code: int
    outcome: str
    error: str | None
    models_ok: int = 0
    models_error: int = 0
    models_skipped: int = 0
    tests_pass: int = 0
    tests_warn: int = 0
    tests_fail: int = 0
    tests_error: int = 0
    tests_skipped: int = 0
    seeds_ok: int = 0
    seeds_error: int = 0
    snapshots_ok: int = 0
    snapshots_error: int = 0
    # The project's on-run-start/-end hooks (dbt counts them in its PASS and ERROR).
    hooks_ok: int = 0
    hooks_error: int = 0
    rows_affected: int | None = None


def safe_args(argv: Sequence[str]) -> list[str]:
    """The command line with the values of secret-bearing flags hidden."""
    out: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            out.append("<hidden>")
            hide_next = False
        elif arg in HIDDEN_VALUES:
            out.append(arg)
            hide_next = True
        elif arg.split("=", 1)[0] in HIDDEN_VALUES:
            out.append(arg.split("=", 1)[0] + "=<hidden>")
        else:
            out.append(arg)
    return out


def selector_of(argv: Sequence[str]) -> str | None:
    """What the command selected: `--selector NAME` or the `--select` arguments, as given."""
    for i, arg in enumerate(argv):
        if arg in SELECTING and i + 1 < len(argv):
            return f"{'selector' if arg == '--selector' else 'select'}:{argv[i + 1]}"
    return None


def results_path() -> Path:
    project = Path(os.environ.get("DBT_PROJECT_DIR") or Path.cwd())
    return project / os.environ.get("DBT_TARGET_PATH", "target") / "run_results.json"


def read_results(path: Path, since: datetime) -> dict[str, Any] | None:
    """run_results.json if this invocation wrote it (newer than its start), else None."""
    try:
        if path.stat().st_mtime < since.timestamp():
            return None
        data: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data


def one_line(text: str | None, limit: int = 500) -> str | None:
    if not text:
        return None
    lines = [CLOCK.sub("", ANSI.sub("", line)).strip() for line in text.splitlines()]
    first = next((line for line in lines if line), "")
    return first[:limit] or None


def error_in_output(lines: Sequence[str]) -> str | None:
    """The first line of dbt's output that names an error, with the next line when it is only a
    heading ("Runtime Error", "Encountered an error:")."""
    clean = [line for line in (one_line(raw) for raw in lines) if line]
    for i, line in enumerate(clean):
        if re.search(r"\b(Error|error:|ERROR)\b", line) and not line.startswith("Done."):
            heading = line.rstrip(":").endswith(("Error", "error"))
            return f"{line.rstrip(':')}: {clean[i + 1]}"[:500] if heading and i + 1 < len(clean) else line
    return None


def counts(results: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Node statuses per kind, as dbt reported them, and the rows the adapter said it changed."""
    tally: Counter[str] = Counter()
    rows = 0
    for result in results:
        kind = str(result.get("unique_id", "")).split(".", 1)[0]
        status = str(result.get("status", ""))
        tally[f"{kind}:{status}"] += 1
        affected = (result.get("adapter_response") or {}).get("rows_affected")
        # A test's adapter response counts the rows its query returned, not rows changed.
        if kind in ("model", "seed", "snapshot") and isinstance(affected, int) and affected > 0:
            rows += affected
    tests = ("test", "unit_test")
    return {
        "models_ok": tally["model:success"],
        "models_error": tally["model:error"],
        "models_skipped": tally["model:skipped"],
        "tests_pass": sum(tally[f"{k}:pass"] for k in tests),
        "tests_warn": sum(tally[f"{k}:warn"] for k in tests),
        "tests_fail": sum(tally[f"{k}:fail"] for k in tests),
        "tests_error": sum(tally[f"{k}:error"] for k in tests),
        "tests_skipped": sum(tally[f"{k}:skipped"] for k in tests),
        "seeds_ok": tally["seed:success"],
        "seeds_error": tally["seed:error"],
        "snapshots_ok": tally["snapshot:success"],
        "snapshots_error": tally["snapshot:error"],
        "hooks_ok": tally["operation:success"],
        "hooks_error": tally["operation:error"],
        "rows_affected": rows,
    }


def first_failure(results: Sequence[dict[str, Any]]) -> str | None:
    """The first node that errored or failed, with dbt's message for it."""
    for result in results:
        if result.get("status") in ("error", "fail"):
            message = one_line(result.get("message")) or str(result.get("status"))
            return f"{result.get('unique_id')}: {message}"[:500]
    return None


def build_run(
    *,
    plugin: str,
    command: str,
    argv: Sequence[str],
    started_at: datetime,
    exit_code: int,
    output_tail: Sequence[str],
) -> DbtRun:
    finished_at = datetime.now(UTC)
    data = read_results(results_path(), started_at)
    results: list[dict[str, Any]] = list(data.get("results") or []) if data else []
    metadata = (data or {}).get("metadata") or {}
    error = first_failure(results) if exit_code else None
    if exit_code and not error:
        error = error_in_output(output_tail) or f"dbt exited with code {exit_code}"
    elapsed = (data or {}).get("elapsed_time")
    run = DbtRun(
        invocation_id=str(metadata.get("invocation_id") or uuid.uuid4()),
        plugin=plugin,
        command=command,
        args=safe_args(argv),
        selector=selector_of(argv),
        dbt_version=metadata.get("dbt_version"),
        started_at=started_at,
        finished_at=finished_at,
        elapsed_s=float(elapsed) if isinstance(elapsed, int | float) else None,
        exit_code=exit_code,
        outcome="succeeded" if exit_code == 0 else "failed",
        error=error,
    )
    if data:
        for name, value in counts(results).items():
            setattr(run, name, value)
    return run


def create_table(connection: Any) -> None:
    """Create raw_stratus.dbt_runs if missing, before dbt starts: the models reading it then
    see a table, never the stand-in of a source not loaded yet."""
    with connection.cursor() as cursor:
        cursor.execute(DDL)


def record(connection: Any, run: DbtRun) -> None:
    """Insert the run (creating the table first if needed) on an autocommit psycopg2 connection."""
    row = asdict(run)
    columns = ", ".join(row)
    values = ", ".join(f"%({name})s" for name in row)
    with connection.cursor() as cursor:
        cursor.execute(DDL)
        cursor.execute(
            f"insert into raw_stratus.dbt_runs ({columns}) values ({values}) on conflict (invocation_id) do nothing",  # noqa: S608 - column names are the dataclass's
            row,
        )


def summary_line(run: DbtRun) -> str:
    """One line at the end of a dbt command: what it built and tested, from run_results.json."""
    took = f"{run.elapsed_s:.1f} s" if run.elapsed_s is not None else "no results"
    parts = [f"{run.plugin}: {run.command} {run.outcome} ({took})"]
    if run.models_ok or run.models_error or run.models_skipped:
        parts.append(f"models {run.models_ok} built, {run.models_error} errored, {run.models_skipped} skipped")
    tested = run.tests_pass + run.tests_warn + run.tests_fail + run.tests_error
    if tested:
        failed = f"{run.tests_fail} failed, {run.tests_error} errored"
        parts.append(f"tests {run.tests_pass} passed, {run.tests_warn} warned, {failed}")
    if run.seeds_ok or run.seeds_error:
        parts.append(f"seeds {run.seeds_ok} loaded, {run.seeds_error} errored")
    if run.snapshots_ok or run.snapshots_error:
        parts.append(f"snapshots {run.snapshots_ok} taken, {run.snapshots_error} errored")
    if run.hooks_error:
        parts.append(f"hooks {run.hooks_error} errored")
    if run.error:
        parts.append(f"error: {run.error}")
    return "; ".join(parts)
