"""The results as JSON, and as a markdown table that sets each figure beside its target."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The naive Amazon path: getOrders pages (100 orders each, 0.0167 requests/s after a burst of 20) and
# getOrderItems once per order (0.5 requests/s after a burst of 30). Each operation has its own bucket,
# so the pages are read while the item calls wait: getOrderItems alone sets the time, about 5.5 hours.
NAIVE_AMAZON_BACKFILL_S = round((10_000 - 30) / 0.5)


@dataclass(frozen=True)
class Target:
    """A key of the results, what it must reach, and how to read it."""

    key: str
    label: str
    wanted: str
    met: Callable[[dict[str, Any]], bool | None]
    # A key whose value is shown beside the figure (e.g. which stream made the most calls).
    detail: str | None = None


def get(results: dict[str, Any], dotted: str) -> Any:
    value: Any = results
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _at_least(key: str, floor: float) -> Callable[[dict[str, Any]], bool | None]:
    return lambda r: None if get(r, key) is None else get(r, key) >= floor


def _at_most(key: str, ceiling: float) -> Callable[[dict[str, Any]], bool | None]:
    return lambda r: None if get(r, key) is None else get(r, key) <= ceiling


def _ratio_at_most(key: str, base: str, factor: float) -> Callable[[dict[str, Any]], bool | None]:
    def met(r: dict[str, Any]) -> bool | None:
        a, b = get(r, key), get(r, base)
        return None if a is None or b is None else a <= factor * b

    return met


TARGETS = [
    Target(
        "load.shopify.records_per_s",
        "Shopify load, records/s (from the bulk result on)",
        "≥ 10,000",
        _at_least("load.shopify.records_per_s", 10_000),
    ),
    Target("load.shopify.ratio", "Shopify load ÷ COPY ceiling", "≥ 0.4", _at_least("load.shopify.ratio", 0.4)),
    Target(
        "load.amazon.records_per_s",
        "Amazon load, records/s",
        "≥ 10,000",
        _at_least("load.amazon.records_per_s", 10_000),
    ),
    Target("load.amazon.ratio", "Amazon load ÷ COPY ceiling", "≥ 0.4", _at_least("load.amazon.ratio", 0.4)),
    Target(
        "load.shopify.end_to_end_records_per_s",
        "Shopify load, records/s, counting the wait for the bulk result",
        "(context: that wait is API time)",
        lambda _r: None,
    ),
    Target(
        "load.shopify.target_only_records_per_s",
        "Shopify records into target-postgres alone (from a file), records/s",
        "(context: the loader's own pace)",
        lambda _r: None,
    ),
    Target(
        "load.shopify.target_only_ratio",
        "target-postgres alone ÷ COPY ceiling",
        "(context: ≥ 0.4 would be the loader's share)",
        lambda _r: None,
    ),
    Target(
        "tap_only.shopify.records_per_s",
        "Shopify tap to /dev/null, records/s (from the bulk result on)",
        "(context)",
        lambda _r: None,
    ),
    Target("tap_only.amazon.records_per_s", "Amazon tap to /dev/null, records/s", "(context)", lambda _r: None),
    Target(
        "memory.tap_peak_rss_mb_10x",
        "Tap peak RSS at 10×, MB",
        "≤ 1.25 × at 1×",
        _ratio_at_most("memory.tap_peak_rss_mb_10x", "memory.tap_peak_rss_mb_1x", 1.25),
    ),
    Target(
        "memory.target_peak_rss_mb_10x",
        "Target peak RSS at 10×, MB",
        "≤ 1.25 × at 1×",
        _ratio_at_most("memory.target_peak_rss_mb_10x", "memory.target_peak_rss_mb_1x", 1.25),
    ),
    Target(
        "api_time.shopify_backfill_100k_orders_s",
        "Shopify backfill of 100,000 orders, simulated s",
        # Standard plan (100 points/s): the refunds' and fulfillments' follow-up points alone bound
        # it near 5,100 s under Shopify's rules, so the target is issue 17's, not the old 600.
        "≤ 6,500 (Standard plan)",
        _at_most("api_time.shopify_backfill_100k_orders_s", 6_500),
    ),
    Target(
        "api_time.shopify_incremental_calls",
        "Shopify incremental sync, calls of the busiest stream",
        "≤ 5",
        _at_most("api_time.shopify_incremental_calls", 5),
        "api_time.shopify_incremental_busiest",
    ),
    Target(
        "api_time.amazon_backfill_10k_orders_s",
        "Amazon two-year backfill of 10,000 orders, simulated s",
        f"≤ 900 (naive path, getOrders + getOrderItems: {NAIVE_AMAZON_BACKFILL_S:,} s ≈ "
        f"{NAIVE_AMAZON_BACKFILL_S / 3600:.1f} h)",
        _at_most("api_time.amazon_backfill_10k_orders_s", 900),
    ),
    Target(
        "api_time.amazon_incremental_1h_calls",
        "Amazon incremental sync of one hour, calls of the busiest stream",
        "≤ 5",
        _at_most("api_time.amazon_incremental_1h_calls", 5),
        "api_time.amazon_incremental_busiest",
    ),
    Target(
        "hourly.wall_s_10x",
        "Hourly cycle at 10× the history (every source's sync and load, then the hourly dbt run), wall s",
        "≤ 1.2 × at 1×",
        _ratio_at_most("hourly.wall_s_10x", "hourly.wall_s_1x", 1.2),
    ),
    Target("hourly.wall_s_1x", "Hourly cycle at 1× the history, wall s", "(context)", lambda _r: None),
    Target(
        "dbt.hourly_s_10x",
        "Hourly dbt run at 10× the history, s (dbt's elapsed time)",
        "(context: ≤ 1.2 × at 1× would cost what changed)",
        lambda _r: None,
    ),
    Target("dbt.hourly_s_1x", "Hourly dbt run at 1× the history, s", "(context)", lambda _r: None),
    Target(
        "api_time.shipbob_full_sync.api_s",
        "ShipBob full sync of every stream (the 3PL of the 1× shop), simulated s (calls)",
        "(context: 150 calls a sliding minute)",
        lambda _r: None,
        "api_time.shipbob_full_sync.calls",
    ),
    Target(
        "api_time.shipbob_incremental_sync.api_s",
        "ShipBob incremental sync a simulated hour later, simulated s (calls)",
        "(context)",
        lambda _r: None,
        "api_time.shipbob_incremental_sync.calls",
    ),
    Target(
        "dbt.incremental_s_10x",
        "dbt incremental run at 10×, s",
        "≤ full build ÷ 5",
        _ratio_at_most("dbt.incremental_s_10x", "dbt.full_build_s_10x", 0.2),
    ),
    Target(
        "dbt.incremental_models_node_s_10x",
        "dbt incremental run at 10×: its models' execution time, summed, s",
        "(context: nodes run 4 at a time)",
        lambda _r: None,
    ),
    Target(
        "dbt.incremental_tests_node_s_10x",
        "dbt incremental run at 10×: its tests' execution time, summed, s",
        "(context: nodes run 4 at a time)",
        lambda _r: None,
    ),
]


def _figure(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 10 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def markdown(results: dict[str, Any]) -> str:
    notes: dict[str, str] = results.get("notes", {})
    lines = [
        "# Benchmark results",
        "",
        f"Measured {results['measured_at']} on {results['machine']}. {results['conditions']}",
        "",
        "| figure | measured | target | verdict |",
        "| --- | ---: | --- | --- |",
    ]
    for target in TARGETS:
        value = get(results, target.key)
        met = target.met(results)
        if value is None:
            verdict = notes.get(target.key) or "not measured"
        else:
            verdict = "—" if met is None else ("met" if met else "**missed**")
        figure = _figure(value)
        if target.detail and get(results, target.detail) is not None:
            figure += f" ({get(results, target.detail)})"
        lines.append(f"| {target.label} | {figure} | {target.wanted} | {verdict} |")
    lines += ["", "## All figures", "", "```json", json.dumps(_figures(results), indent=2), "```", ""]
    if notes:
        lines += ["## Notes", ""] + [f"- **{k}**: {v}" for k, v in notes.items()] + [""]
    return "\n".join(lines)


def _figures(results: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in results.items() if k not in ("notes", "measured_at", "machine", "conditions")}


def write(results: dict[str, Any], directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    (directory / "latest.md").write_text(markdown(results))
