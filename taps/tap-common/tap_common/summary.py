"""The tap's own summary at the end of every run: one line on the run, then a short table."""

from __future__ import annotations

from datetime import datetime

from tap_common.runs import Ledger


def summary_lines(ledger: Ledger, now: datetime) -> list[str]:
    """The run's line and one row per stream: records, API calls, seconds, warnings."""
    seconds = ((ledger.finished_at or now) - ledger.started_at).total_seconds()
    cost = f", {ledger.api_cost} cost points" if ledger.api_cost is not None else ""
    head = (
        f"{ledger.tap} run {ledger.run_id} {ledger.outcome or 'running'}: {ledger.records} records, "
        f"{ledger.api_calls} API calls{cost}, {seconds:.1f} s"
    )
    runs = list(ledger.streams.values())
    width = max([len("stream"), *(len(run.stream) for run in runs)])
    lines = [head, f"{'stream':<{width}}  {'records':>8}  {'calls':>6}  {'seconds':>8}  {'warnings':>8}"]
    lines += [
        f"{run.stream:<{width}}  {run.records:>8}  {run.api_calls:>6}  {run.seconds(now):>8.1f}  {run.warnings:>8}"
        for run in runs
    ]
    return lines
