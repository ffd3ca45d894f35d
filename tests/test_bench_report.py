"""The bench's markdown table: each figure beside its target, with its verdict and details."""

from __future__ import annotations

from typing import Any

from bench import report


def results(**api_time: Any) -> dict[str, Any]:
    return {
        "measured_at": "2026-11-23 03:00 UTC",
        "machine": "2 CPUs",
        "conditions": "test",
        "load": {"shopify": {"records_per_s": 12_000, "ratio": 0.3}, "amazon": {}},
        "api_time": api_time,
        "notes": {"api_time.amazon_backfill_10k_orders_s": "reduced scale: 300 orders took 700 simulated s"},
    }


def row(markdown: str, label: str) -> str:
    return next(line for line in markdown.splitlines() if line.startswith(f"| {label} |"))


def test_each_figure_stands_beside_its_target_with_met_or_missed() -> None:
    table = report.markdown(results())
    label = "Shopify load, records/s (from the bulk result on)"
    assert row(table, label) == f"| {label} | 12,000 | ≥ 10,000 | met |"
    assert row(table, "Shopify load ÷ COPY ceiling").endswith("| 0.30 | ≥ 0.4 | **missed** |")


def test_the_busiest_stream_is_named_beside_its_calls() -> None:
    table = report.markdown(results(shopify_incremental_calls=41, shopify_incremental_busiest="BalanceTransactions"))
    assert "| 41 (BalanceTransactions) | ≤ 5 | **missed** |" in row(
        table, "Shopify incremental sync, calls of the busiest stream"
    )


def test_the_amazon_backfill_sits_beside_the_naive_path_and_a_missing_figure_gives_its_reason() -> None:
    line = row(report.markdown(results()), "Amazon two-year backfill of 10,000 orders, simulated s")
    assert "getOrders + getOrderItems: 19,940 s ≈ 5.5 h" in line
    assert line.endswith("| reduced scale: 300 orders took 700 simulated s |")


def test_the_hourly_cycle_at_ten_times_the_history_is_judged_against_one_times() -> None:
    label = "Hourly cycle at 10× the history (every source's sync and load, then the hourly dbt run), wall s"
    within = {**results(), "hourly": {"wall_s_1x": 40.0, "wall_s_10x": 47.9}}
    assert row(report.markdown(within), label).endswith("| 48 | ≤ 1.2 × at 1× | met |")
    beyond = {**results(), "hourly": {"wall_s_1x": 40.0, "wall_s_10x": 48.1}}
    assert row(report.markdown(beyond), label).endswith("| 48 | ≤ 1.2 × at 1× | **missed** |")
    assert row(report.markdown(results()), label).endswith("| — | ≤ 1.2 × at 1× | not measured |")
