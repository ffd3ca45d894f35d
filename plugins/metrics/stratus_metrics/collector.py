"""Prometheus metrics read from the warehouse at every scrape (a custom Collector).

Counters are totals over the run history kept in the warehouse, so they survive restarts of
this server and of Prometheus; gauges describe the latest run of each plugin, account and
stream, and how far behind each source and account is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric, SummaryMetricFamily
from prometheus_client.registry import Collector
from stratus_postgres.connect import ConnectError

from stratus_metrics.history import HistoryMissingError, rows, warehouse
from stratus_metrics.settings import Settings

STREAMS = ["plugin", "source", "account_id", "stream"]
RUNS = ["kind", "plugin", "source"]
LAST_RUN = ["kind", "plugin", "source", "accounts"]
ACCOUNT = ["source", "account_id"]

STREAM_TOTALS = """
    select plugin, source, account_id, stream,
           count(*) filter (where outcome <> 'succeeded') as errors,
           coalesce(sum(records), 0) as records, coalesce(sum(api_calls), 0) as api_calls,
           sum(api_cost) as api_cost
    from warehouse.sync_streams
    group by 1, 2, 3, 4
"""
STREAM_LATEST = """
    select distinct on (plugin, source, account_id, stream)
           plugin, source, account_id, stream, records, duration_s, outcome
    from warehouse.sync_streams
    order by plugin, source, account_id, stream, finished_at desc
"""
RUN_TOTALS = """
    select kind, plugin, coalesce(source, '') as source, outcome,
           count(*) as runs, coalesce(sum(duration_s), 0) as duration_s
    from warehouse.sync_runs
    group by 1, 2, 3, 4
"""
RUN_LATEST = """
    select distinct on (kind, plugin, source, accounts)
           kind, plugin, source, accounts, finished_at, duration_s, records, outcome
    from (
        select *, coalesce(array_to_string(account_ids, ','), '') as accounts
        from warehouse.sync_runs
    ) as runs
    order by kind, plugin, source, accounts, finished_at desc
"""
FRESHNESS = "select * from warehouse.source_freshness"
DBT_LATEST = """
    select distinct on (command) *
    from warehouse.dbt_runs
    order by command, finished_at desc
"""


def number(value: Any) -> float:
    """A float for the exposition format (money stays exact in the warehouse; this is a gauge)."""
    return float(value) if isinstance(value, int | float | Decimal) else 0.0


def labels(row: dict[str, Any], names: Iterable[str]) -> list[str]:
    return ["" if row.get(name) is None else str(row[name]) for name in names]


def epoch(value: Any) -> float | None:
    return value.timestamp() if value is not None else None


class HistoryCollector(Collector):
    """Reads the run history views on every collect(); nothing is cached between scrapes."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("stratus_up", "1 when the warehouse and its run history could be read at this scrape.")
        try:
            with warehouse(self.settings) as session:
                families = list(self.families(session))
        except (ConnectError, HistoryMissingError):
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def families(self, session: Any) -> Iterator[Metric]:
        yield from self.stream_families(rows(session, STREAM_TOTALS), rows(session, STREAM_LATEST))
        yield from self.run_families(rows(session, RUN_TOTALS), rows(session, RUN_LATEST))
        yield from self.freshness_families(rows(session, FRESHNESS))
        yield from self.dbt_families(rows(session, DBT_LATEST))

    @staticmethod
    def stream_families(totals: list[dict[str, Any]], latest: list[dict[str, Any]]) -> Iterator[Metric]:
        records = CounterMetricFamily("stratus_sync_records", "Records extracted, all runs.", labels=STREAMS)
        calls = CounterMetricFamily("stratus_sync_api_calls", "API requests made, all runs.", labels=STREAMS)
        cost = CounterMetricFamily(
            "stratus_sync_api_cost", "API cost points spent (Shopify), all runs.", labels=STREAMS
        )
        errors = CounterMetricFamily("stratus_sync_stream_errors", "Stream syncs that failed.", labels=STREAMS)
        for row in totals:
            key = labels(row, STREAMS)
            records.add_metric(key, number(row["records"]))
            calls.add_metric(key, number(row["api_calls"]))
            errors.add_metric(key, number(row["errors"]))
            if row["api_cost"] is not None:
                cost.add_metric(key, number(row["api_cost"]))
        last_records = GaugeMetricFamily(
            "stratus_sync_stream_last_records", "Records of the stream's latest sync.", labels=STREAMS
        )
        last_duration = GaugeMetricFamily(
            "stratus_sync_stream_last_duration_seconds", "Duration of the stream's latest sync.", labels=STREAMS
        )
        for row in latest:
            key = labels(row, STREAMS)
            last_records.add_metric(key, number(row["records"]))
            last_duration.add_metric(key, number(row["duration_s"]))
        yield from (records, calls, cost, errors, last_records, last_duration)

    @staticmethod
    def run_families(totals: list[dict[str, Any]], latest: list[dict[str, Any]]) -> Iterator[Metric]:
        runs = CounterMetricFamily("stratus_sync_runs", "Runs by outcome.", labels=[*RUNS, "outcome"])
        failures = CounterMetricFamily("stratus_sync_run_errors", "Runs that failed.", labels=RUNS)
        duration = SummaryMetricFamily("stratus_sync_run_duration_seconds", "Run durations.", labels=RUNS)
        per_plugin: dict[tuple[str, ...], list[float]] = {}
        for row in totals:
            key = labels(row, RUNS)
            runs.add_metric([*key, row["outcome"]], number(row["runs"]))
            count_sum = per_plugin.setdefault(tuple(key), [0.0, 0.0, 0.0])
            count_sum[0] += number(row["runs"])
            count_sum[1] += number(row["duration_s"])
            if row["outcome"] != "succeeded":
                count_sum[2] += number(row["runs"])
        for plugin, (count, total, failed) in per_plugin.items():
            duration.add_metric(list(plugin), count_value=int(count), sum_value=total)
            failures.add_metric(list(plugin), failed)
        success = GaugeMetricFamily(
            "stratus_sync_last_run_success", "1 when the latest run succeeded.", labels=LAST_RUN
        )
        finished = GaugeMetricFamily(
            "stratus_sync_last_run_timestamp_seconds", "When the latest run ended (Unix time).", labels=LAST_RUN
        )
        last_duration = GaugeMetricFamily(
            "stratus_sync_last_run_duration_seconds", "Duration of the latest run.", labels=LAST_RUN
        )
        for row in latest:
            key = labels(row, LAST_RUN)
            success.add_metric(key, 1 if row["outcome"] == "succeeded" else 0)
            if (at := epoch(row["finished_at"])) is not None:
                finished.add_metric(key, at)
            last_duration.add_metric(key, number(row["duration_s"]))
        yield from (runs, failures, duration, success, finished, last_duration)

    @staticmethod
    def freshness_families(freshness: list[dict[str, Any]]) -> Iterator[Metric]:
        lag = GaugeMetricFamily(
            "stratus_source_freshness_lag_seconds",
            "Seconds since the last successful run read the account.",
            labels=ACCOUNT,
        )
        record_lag = GaugeMetricFamily(
            "stratus_source_record_lag_seconds",
            "Seconds since the newest record (order updated_at) loaded.",
            labels=ACCOUNT,
        )
        last_success = GaugeMetricFamily(
            "stratus_source_last_success_timestamp_seconds",
            "When the last successful run ended (Unix time).",
            labels=ACCOUNT,
        )
        for row in freshness:
            key = labels(row, ACCOUNT)
            if row["success_lag_s"] is not None:
                lag.add_metric(key, number(row["success_lag_s"]))
            if row["record_lag_s"] is not None:
                record_lag.add_metric(key, number(row["record_lag_s"]))
            if (at := epoch(row["last_success_at"])) is not None:
                last_success.add_metric(key, at)
        yield from (lag, record_lag, last_success)

    @staticmethod
    def dbt_families(latest: list[dict[str, Any]]) -> Iterator[Metric]:
        nodes = GaugeMetricFamily(
            "stratus_dbt_last_run_nodes",
            "Nodes of the latest dbt command by kind and status (run_results.json).",
            labels=["command", "kind", "status"],
        )
        success = GaugeMetricFamily(
            "stratus_dbt_last_run_success", "1 when the latest dbt command succeeded.", labels=["command"]
        )
        for row in latest:
            command = row["command"]
            success.add_metric([command], 1 if row["outcome"] == "succeeded" else 0)
            for column, kind, status in (
                ("models_ok", "model", "success"),
                ("models_error", "model", "error"),
                ("models_skipped", "model", "skipped"),
                ("tests_pass", "test", "pass"),
                ("tests_warn", "test", "warn"),
                ("tests_fail", "test", "fail"),
                ("tests_error", "test", "error"),
            ):
                nodes.add_metric([command, kind, status], number(row[column]))
        yield from (nodes, success)
