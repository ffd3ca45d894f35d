"""Behaviour under ShipBob's rate limit and failures, against the sandbox's faults and request log."""

import copy
import datetime
import json
import subprocess
import sys
from collections import Counter

from shipbob_sandbox import arm, calls, catalog_for, start_date, sync, tap_config
from singer_sdk.singerlib.json import deserialize_json
from tap_common.settings import parse_moment

RUN_STREAMS = {"sync_runs", "sync_streams"}
ORDERS = {"orders", "order_products", "shipments", "shipment_products"}
WINDOW = 60.0  # ShipBob's sliding window, in (simulated) seconds


def world_orders(sandbox, until):
    return {k.id for k in sandbox.shipbob.world.order_keys() if k.updated < until}


def same(records):
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in records)


def test_a_429_with_x_retry_after_a_burst_of_5xx_a_reset_and_a_cut_body_end_with_every_record(sandbox_factory):
    sandbox, url = sandbox_factory(shopify_orders=80, amazon_orders=5, days=40, time_scale=600)
    config = tap_config(url, start_date=start_date(45))
    clean = sync(config)
    sandbox.clear_log()
    arm(url, kind="throttle", count=2, skip=3)
    arm(url, kind="http_error", status=503, count=3, skip=4)
    arm(url, kind="http_error", status=502, count=2, skip=4)
    arm(url, kind="reset", count=1, skip=3)
    arm(url, kind="truncate", count=1, skip=3)
    out = sync(config)
    log = calls(sandbox)
    statuses = Counter(c["status"] for c in log)
    assert (statuses[429], statuses[503], statuses[502]) == (2, 3, 2)
    assert {"reset", "truncate"} <= {c.get("fault") for c in log}
    assert set(out.records) == set(clean.records)
    data = set(clean.records) - RUN_STREAMS
    for stream in data:
        assert same(out.records[stream]) == same(clean.records[stream]), stream
    # The run records differ per run (ids, times): their figures are this run's.
    [run] = out.records["sync_runs"]
    rows = out.records["sync_streams"]
    assert (run["outcome"], run["account_ids"]) == ("succeeded", ["451207"])
    # Calls are the responses ShipBob sent: every request logged but the one reset without an answer.
    answered = [c for c in log if c.get("fault") != "reset"]
    assert len(answered) == len(log) - 1
    assert run["api_calls"] == sum(row["api_calls"] for row in rows) == len(answered)
    assert run["records"] == sum(len(out.records[stream]) for stream in data)
    assert {row["stream"]: row["records"] for row in rows} == {stream: len(out.records[stream]) for stream in data}
    assert {row["account_id"] for row in rows} == {"451207"}


def test_a_steady_sync_never_exceeds_the_sliding_window(sandbox_factory):
    # A window of 12 calls, so the full sync (about 50 calls) must wait for it several times.
    sandbox, url = sandbox_factory(shopify_orders=80, amazon_orders=5, days=40, time_scale=600, shipbob_rate_limit=12)
    out = sync(tap_config(url, start_date=start_date(45)))
    log = calls(sandbox)
    assert len(log) > 3 * 12
    assert [c for c in log if c["status"] == 429] == []
    starts = sorted(c["sim_start"] for c in log)
    busiest = max(sum(1 for t in starts if s <= t < s + WINDOW) for s in starts)
    assert busiest <= 12
    assert out.records["orders"]


def test_an_interrupted_sync_resumes_without_gaps_or_duplicates(sandbox_factory, tmp_path):
    sandbox, url = sandbox_factory(shopify_orders=150, amazon_orders=5, days=100, time_scale=600)
    config = tap_config(url, start_date=start_date(105), lookback_window_days=0)
    (tmp_path / "config.json").write_text(json.dumps(config))
    (tmp_path / "catalog.json").write_text(json.dumps(catalog_for(config, ORDERS)))
    tap = subprocess.Popen(
        [sys.executable, "-m", "tap_shipbob.tap", "--config", "config.json", "--catalog", "catalog.json"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    saved, first = None, set()
    assert tap.stdout is not None
    for line in tap.stdout:
        message = deserialize_json(line)
        if message["type"] == "RECORD" and message["stream"] == "orders":
            first.add(message["record"]["id"])
        if message["type"] == "STATE" and message["value"]["bookmarks"].get("orders", {}).get("done_until"):
            saved = message["value"]
            break
    tap.kill()
    tap.wait()
    assert saved is not None, "the tap never saved a step"
    done_until = parse_moment(saved["bookmarks"]["orders"]["done_until"])
    resumed_at = sandbox.clock.now()

    out = sync(config, state=copy.deepcopy(saved), streams=ORDERS)
    second = [o["id"] for o in out.records["orders"]]
    until = parse_moment(out.state["bookmarks"]["orders"]["done_until"])
    # No gap: the two runs together hold every order changed before the second run's end...
    assert first | set(second) == world_orders(sandbox, until)
    # ...and no duplicate: the resumed run re-read only orders changed in the last second of the saved step.
    keys = {k.id: k.updated for k in sandbox.shipbob.world.order_keys()}
    assert all(keys[i] >= done_until - datetime.timedelta(seconds=1) for i in first & set(second))
    assert len(second) == len(set(second))
    resumed = [c for c in calls(sandbox) if c["sim_start"] >= resumed_at and c["operation"] == "get-orders"]
    assert resumed  # the resumed run listed orders again, from its saved step on
