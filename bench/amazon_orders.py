"""Backfill and incremental sync of Amazon orders with items against the sandbox, in simulated time.

    .venv/bin/python -m bench.amazon_orders [--orders 10000] [--days 730] [--time-scale 20]

Prints the simulated API time of a two-year backfill (first request to last answer, in the
sandbox's clock, which runs `time-scale` times faster than real time and so also counts the
tap's own processing, scaled), then waits one simulated hour while the live seller keeps
selling, and prints the calls per operation of the incremental run that reads that hour.
"""

from __future__ import annotations

import argparse
import io
import json
import time
from collections import Counter
from contextlib import redirect_stdout
from datetime import UTC, datetime, timedelta
from typing import Any

from tap_amazon_spapi.tap import TapAmazonSPAPI

from sandbox.server import Sandbox, SandboxOptions, running

STREAMS = {"orders", "order_items"}


def config(url: str, days: int) -> dict[str, Any]:
    return {
        "lwa_client_id": "amzn1.application-oa2-client.stratussandbox",
        "lwa_client_secret": "stratus-sandbox-secret",
        "refresh_token": "Atzr|stratus-sandbox",
        "selling_partner_id": "A2STRATUSDEMO01",
        "marketplace_ids": ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"],
        "start_date": (datetime.now(UTC) - timedelta(days=days + 1)).strftime("%Y-%m-%dT00:00:00Z"),
        "api_url": f"{url}/sp-api",
        "lwa_token_url": f"{url}/lwa/auth/o2/token",
    }


def run(settings: dict[str, Any], state: dict[str, Any] | None) -> tuple[Counter[str], dict[str, Any]]:
    catalog = TapAmazonSPAPI(config=settings).catalog_dict
    for entry in catalog["streams"]:
        for meta in entry["metadata"]:
            if meta["breadcrumb"] == []:
                meta["metadata"]["selected"] = entry["tap_stream_id"] in STREAMS
    out = io.StringIO()
    with redirect_stdout(out):
        TapAmazonSPAPI(config=settings, state=state, catalog=catalog).sync_all()
    records: Counter[str] = Counter()
    last_state: dict[str, Any] = {}
    for line in out.getvalue().splitlines():
        message = json.loads(line)
        if message["type"] == "RECORD":
            records[message["stream"]] += 1
        elif message["type"] == "STATE":
            last_state = message["value"]
    return records, last_state


def summary(sandbox: Sandbox) -> tuple[float, Counter[str], int]:
    log = [e for e in sandbox.requests() if e.get("api") == "amazon"]
    span = max(e["sim_end"] for e in log) - min(e["sim_start"] for e in log)
    return span, Counter(str(e.get("operation")) for e in log), sum(1 for e in log if e["status"] == 429)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--time-scale", type=float, default=20.0)
    parser.add_argument("--live-orders-per-day", type=float, default=48.0)
    args = parser.parse_args()
    sandbox = Sandbox(
        SandboxOptions(
            amazon_orders=args.orders,
            days=args.days,
            time_scale=args.time_scale,
            amazon_live_orders_per_day=args.live_orders_per_day,
        )
    )
    with running(sandbox) as url:
        settings = config(url, args.days)
        records, state = run(settings, None)
        span, calls, throttled = summary(sandbox)
        print(f"backfill: {records['orders']} orders, {records['order_items']} items")
        print(f"  simulated API time {span / 60:.1f} min; {throttled} refused (429); calls {dict(calls)}")
        hour_from = sandbox.clock.now()
        while sandbox.clock.now() - hour_from < 3600:
            time.sleep(0.5)
        sandbox.clear_log()
        records, _ = run(settings, state)
        span, calls, throttled = summary(sandbox)
        print(f"incremental after one simulated hour: {records['orders']} orders, {records['order_items']} items")
        print(f"  simulated API time {span / 60:.1f} min; {throttled} refused (429); calls {dict(calls)}")


if __name__ == "__main__":
    main()
