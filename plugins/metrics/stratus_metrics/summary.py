"""A short text summary of the latest runs: one table per extractor, one line for dbt."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from stratus_metrics.history import rows

# The latest run of each extractor and account set, oldest first (the order they ran in).
LATEST_EXTRACTS = """
    select * from (
        select distinct on (plugin, account_ids) *
        from warehouse.sync_runs
        where kind = 'extract'
        order by plugin, account_ids, finished_at desc
    ) as latest
    order by finished_at
"""
STREAMS = """
    select stream, account_id, mode, records, expected_records, api_calls, api_cost, duration_s, outcome, error
    from warehouse.sync_streams
    where run_id = %s
    order by stream, account_id
"""
LATEST_DBT = "select * from warehouse.dbt_runs order by finished_at desc limit 1"
SET_ASIDE = """
    select count(*) filter (where not is_resolved) as unresolved
    from warehouse.load_issues
"""


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.1f}" if value != value.to_integral_value() else str(value.to_integral_value())
    return str(value)


def table(columns: Sequence[str], body: Sequence[Sequence[Any]]) -> str:
    """An aligned text table; numbers right-aligned."""
    cells = [[text(v) for v in row] for row in body]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    numeric = [all(isinstance(row[i], int | Decimal) or row[i] is None for row in body) for i in range(len(columns))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            (v.rjust(w) if num else v.ljust(w)) for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    return "\n".join([line(columns), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def warnings(stream: dict[str, Any]) -> str:
    """What a reader should look at for one stream: its error, or fewer records than the API announced."""
    if stream["outcome"] != "succeeded":
        return f"{stream['outcome']}: {stream['error'] or 'no error line'}"
    expected, records = stream["expected_records"], stream["records"]
    if expected is not None and records is not None and records < expected:
        return f"{records} of {expected} expected"
    return ""


def extract_section(session: Any, run: dict[str, Any]) -> str:
    accounts = ", ".join(run["account_ids"] or [])
    cost = f", cost {text(run['api_cost'])}" if run["api_cost"] is not None else ""
    head = (
        f"{run['plugin']} ({accounts}): {run['outcome']} in {text(run['duration_s'])} s, "
        f"{text(run['records'])} records, {text(run['api_calls'])} calls{cost}"
    )
    if run["error"]:
        head += f"\n  error: {run['error']}"
    streams = rows(session, STREAMS, (run["run_id"],))
    body = [(s["stream"], s["account_id"], s["records"], s["api_calls"], s["duration_s"], warnings(s)) for s in streams]
    return f"{head}\n{table(['stream', 'account', 'records', 'calls', 'seconds', 'warnings'], body)}"


def dbt_section(session: Any) -> str:
    latest = rows(session, LATEST_DBT)
    if not latest:
        return "dbt: no run recorded yet"
    run = latest[0]
    line = (
        f"{run['plugin']} {run['command']}: {run['outcome']} in {text(run['duration_s'])} s; "
        f"models {run['models_ok']} built, {run['models_error']} errored, {run['models_skipped']} skipped; "
        f"tests {run['tests_pass']} passed, {run['tests_warn']} warned, {run['tests_fail']} failed, "
        f"{run['tests_error']} errored"
    )
    set_aside = rows(session, SET_ASIDE)
    if set_aside:
        line += f"; rows set aside (warehouse.load_issues): {set_aside[0]['unresolved']}"
    if run["error"]:
        line += f"\n  error: {run['error']}"
    return line


def summary(session: Any) -> str:
    runs = rows(session, LATEST_EXTRACTS)
    parts = [extract_section(session, run) for run in runs] or ["extractors: no run recorded yet"]
    parts.append(dbt_section(session))
    return "\n\n".join(parts)
