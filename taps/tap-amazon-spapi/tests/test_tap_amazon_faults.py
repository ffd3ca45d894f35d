"""Behaviour under Amazon's limits and failures, against the sandbox's fault injection."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from datetime import timedelta

from singer_sdk.singerlib.json import deserialize_json
from spapi_sandbox import MARKETPLACES, calls, catalog_for, start_date, sync, tap_config
from tap_amazon_spapi.reports import parse_iso, utc_now
from tap_amazon_spapi.tap import TapAmazonSPAPI
from tap_common.testing import closed_port, run_tap, told

from sandbox.faults import Fault, post_faults

ORDERS = {"orders", "order_items"}


def order_ids(out):
    return {o["amazon_order_id"] for o in out.records["orders"]}


def expected_ids(sandbox):
    return {fact.order_id for fact in sandbox.amazon.world.seller.orders}


def test_an_interrupted_run_resumes_the_same_report(sandbox_factory, tmp_path):
    sandbox, url = sandbox_factory(amazon_orders=150, days=90, time_scale=20)
    config = tap_config(url)
    (tmp_path / "config.json").write_text(json.dumps(config))
    (tmp_path / "catalog.json").write_text(json.dumps(catalog_for(config, ORDERS)))
    tap = subprocess.Popen(
        [sys.executable, "-m", "tap_amazon_spapi.tap", "--config", "config.json", "--catalog", "catalog.json"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    saved = None
    assert tap.stdout is not None
    for line in tap.stdout:
        message = deserialize_json(line)
        reports = message.get("value", {}).get("bookmarks", {}).get("orders", {}).get("reports", {})
        ids = [w["report_id"] for w in reports.get("pending", []) if w["report_id"]]
        if message["type"] == "STATE" and ids:
            saved, in_flight = message["value"], ids
            break
    tap.kill()
    tap.wait()
    assert saved is not None, "the tap never saved a report id"
    # A call the killed tap had in flight is logged when the server finishes it, possibly after
    # this point: only calls started from now on are the resumed run's.
    resumed_at = sandbox.clock.now()
    sandbox.clear_log()

    windows = saved["bookmarks"]["orders"]["reports"]["pending"]
    unrequested = len([w for w in windows if not w["report_id"]])
    out = sync(config, state=copy.deepcopy(saved), streams=ORDERS)

    def resumed(operation):
        return [c for c in calls(sandbox, operation) if c["sim_start"] >= resumed_at]

    polled = {c["path"].rsplit("/", 1)[-1] for c in resumed("getReport")}
    assert set(in_flight) <= polled  # the saved reports were picked up again...
    # ...and reports were requested only for the windows that had none yet.
    assert len(resumed("createReport")) == unrequested
    assert order_ids(out) == expected_ids(sandbox)


def test_a_steady_backfill_waits_for_tokens_and_is_never_refused(sandbox_factory):
    # Over 18 months of windows: more createReport calls than the burst, so the bucket must pace them.
    sandbox, url = sandbox_factory(amazon_orders=200, days=600, time_scale=300)
    out = sync(tap_config(url, start_date=start_date(600)), streams=ORDERS)
    assert order_ids(out) == expected_ids(sandbox)
    assert len(calls(sandbox, "createReport")) > 15
    assert not [c for c in calls(sandbox) if c["status"] == 429]


def test_a_429_storm_is_waited_out_and_every_record_arrives(sandbox_factory):
    sandbox, url = sandbox_factory(amazon_orders=120, days=90, time_scale=600)
    post_faults(url, Fault("throttle", "amazon", count=25), Fault("drain_buckets", "amazon"))
    out = sync(tap_config(url), streams=ORDERS | {"fba_inventory"})
    assert order_ids(out) == expected_ids(sandbox)
    assert out.records["fba_inventory"]
    assert len([c for c in calls(sandbox) if c["status"] == 429]) >= 25


def test_a_burst_of_server_errors_and_connection_resets_is_retried(sandbox_factory):
    sandbox, url = sandbox_factory(amazon_orders=120, days=90, time_scale=600)
    post_faults(url, Fault("server_errors", "amazon", count=3), Fault("connection_resets", "amazon", count=2))
    out = sync(tap_config(url), streams=ORDERS | {"financial_events"})
    assert order_ids(out) == expected_ids(sandbox)
    assert out.records["financial_events"]
    assert len([c for c in calls(sandbox) if (c["status"] or 0) >= 500]) == 3
    assert len([c for c in calls(sandbox) if c.get("connection_reset")]) == 2


def test_a_token_that_expires_mid_sync_is_refreshed_once(sandbox_factory):
    sandbox, url = sandbox_factory(amazon_orders=60, days=30, time_scale=600)
    tap = TapAmazonSPAPI(config=tap_config(url))
    assert list(tap.streams["marketplace_participations"].get_records(None))
    post_faults(url, Fault("expire_tokens", "amazon"))
    inventory = list(tap.streams["fba_inventory"].get_records({"marketplace_id": MARKETPLACES[0]}))
    assert inventory
    assert tap.lwa.refreshes == 2
    statuses = [c["status"] for c in calls(sandbox, "getInventorySummaries")]
    assert statuses[0] == 403 and statuses[-1] == 200


def test_a_fatal_report_is_requested_again_and_every_record_arrives(sandbox_factory):
    sandbox, url = sandbox_factory(amazon_orders=120, days=90, time_scale=600)
    baseline = len(TapAmazonSPAPI(config=tap_config(url)).streams["orders"].plan())
    post_faults(url, Fault("fatal_reports", "amazon"))
    out = sync(tap_config(url), streams=ORDERS)
    assert order_ids(out) == expected_ids(sandbox)
    assert len(calls(sandbox, "createReport")) == baseline + 1


def test_a_report_that_keeps_failing_stops_with_one_line(sandbox_factory, tmp_path):
    _, url = sandbox_factory(amazon_orders=60, days=30, time_scale=600)
    post_faults(url, Fault("fatal_reports", "amazon", count=50))
    config = tap_config(url, start_date=start_date(20))
    (tmp_path / "config.json").write_text(json.dumps(config))
    (tmp_path / "catalog.json").write_text(json.dumps(catalog_for(config, {"customer_returns"})))
    result = subprocess.run(
        [sys.executable, "-m", "tap_amazon_spapi.tap", "--config", "config.json", "--catalog", "catalog.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("tap-amazon-spapi: GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA report ")
    assert "failed (FATAL) 3 times; the next run requests it again" in last
    assert "Traceback" not in result.stderr


def test_a_cancelled_report_means_no_data_and_the_window_advances(sandbox_factory):
    _, clean_url = sandbox_factory(amazon_orders=150, days=90, time_scale=600)
    full = sync(tap_config(clean_url, marketplace_ids=MARKETPLACES[:1]), streams={"customer_returns"})
    _, url = sandbox_factory(amazon_orders=150, days=90, time_scale=600)
    post_faults(url, Fault("cancelled_reports", "amazon"))
    out = sync(tap_config(url, marketplace_ids=MARKETPLACES[:1]), streams={"customer_returns"})
    assert 0 < len(out.records["customer_returns"]) < len(full.records["customer_returns"])
    reports = out.state["bookmarks"]["customer_returns"]["reports"]
    assert reports["pending"] == []
    assert utc_now() - parse_iso(reports["done_until"][MARKETPLACES[0]]) < timedelta(minutes=5)


def test_a_truncated_document_is_fetched_again_and_read_once(sandbox_factory):
    sandbox, url = sandbox_factory(amazon_orders=120, days=90, time_scale=600)
    post_faults(url, Fault("truncated_documents", "amazon"))
    out = sync(tap_config(url), streams=ORDERS)
    assert order_ids(out) == expected_ids(sandbox)
    keys = [(i["amazon_order_id"], i["sku"], i["sku_occurrence"]) for i in out.records["order_items"]]
    assert len(keys) == len(set(keys))


def run_cli(tmp_path, config, *args):
    return run_tap("tap_amazon_spapi.tap", tmp_path, config, *args)


def test_an_unreachable_token_endpoint_stops_at_once_with_one_line(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/lwa/auth/o2/token"
    result = run_cli(tmp_path, tap_config(lwa_token_url=url))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert told(result.stderr)[-1] == (
        f"tap-amazon-spapi: could not reach the Login with Amazon token endpoint {url}: Connection refused; "
        "check lwa_token_url (if set) and the network"
    )


def test_an_unreachable_api_stops_with_one_line_naming_the_url(tmp_path):
    # The token comes from the sandbox; nothing listens where the API should be (~30 s of retries).
    api = f"http://127.0.0.1:{closed_port()}/sp-api"
    config = tap_config(api_url=api)
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog_for(config, {"fba_inventory"})))
    result = run_cli(tmp_path, config, "--catalog", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    last = told(result.stderr)[-1]
    assert last.startswith(f"tap-amazon-spapi: could not reach {api}/fba/inventory/v1/summaries?")
    assert last.endswith(": Connection refused (tried 7 times in 30 s); check api_url (or region) and the network")
