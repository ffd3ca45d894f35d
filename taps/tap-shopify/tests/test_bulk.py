"""Bulk operations end to end against the sandbox: same records as paged reads, faults, resume."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.request
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from singer_sdk.singerlib.json import deserialize_json
from singer_sdk.testing import SuiteConfig, TapTestRunner
from tap_shopify.bulk import BulkUnavailableError, NodeStore, jsonl_lines
from tap_shopify.client import ShopifyError
from tap_shopify.queries import load_query
from tap_shopify.streams import OrdersStream
from tap_shopify.tap import TapShopify

from sandbox.faults import Fault
from sandbox.shopify.data import render_order

from .conftest import SHOP, tap_config

ORDERS = 150


class UnlimitedRunner(TapTestRunner):
    """Reads every record (the SDK's test runner stops at 150 per stream by default), amounts as Decimal."""

    def __init__(self, config, state=None, tap_class=TapShopify) -> None:
        super().__init__(tap_class, config=config, state=state, suite_config=SuiteConfig(max_records_limit=None))

    @staticmethod
    def _clean_sync_output(raw_records: str) -> list[dict]:
        return [deserialize_json(line) for line in raw_records.strip().split("\n") if line]


def sync(config, state=None) -> UnlimitedRunner:
    runner = UnlimitedRunner(config, state)
    runner.sync_all()
    return runner


def live(records):
    return [r for r in records if not r.get("_sdc_deleted_at")]


def by_id(records):
    return sorted(records, key=lambda r: r["id"])


def calls(sandbox, field):
    return [e for e in sandbox.requests() if field in (e.get("fields") or [])]


def operations(sandbox, root="orders"):
    """The shop's bulk operations whose query's top-level field is `root` (orders, fulfillmentOrders)."""
    return [o for o in sandbox.shopify.bulk.operations(SHOP) if o.query.split("{", 2)[1].split("(")[0].strip() == root]


def expected_line_count(served):
    data = served.shopify.shops[SHOP].data
    return sum(len(render_order(data, fact)["lineItems"]) for fact in data.live_orders())


@pytest.fixture
def shop(sandbox_factory):
    return sandbox_factory(shopify_orders=ORDERS, time_scale=500)


def test_bulk_and_paged_syncs_emit_identical_records(shop):
    sandbox, url = shop
    bulk = sync(tap_config(url, bulk_mode="always"))
    assert len(operations(sandbox)) == 1
    # Beside it, fulfillment orders: the lines of fulfillments whose fulfillment order has no other.
    assert len(operations(sandbox, "fulfillmentOrders")) == 1
    assert not calls(sandbox, "orders")  # no paged reads
    # Refunds' and fulfillments' connections, which a bulk query cannot nest in a list, come
    # many objects a request (a refund's overflow past one page aside).
    assert not calls(sandbox, "fulfillment")
    assert 0 < len(calls(sandbox, "nodes")) <= len(bulk.records["fulfillments"]) / 10
    paged = sync(tap_config(url, bulk_mode="never"))
    assert len(operations(sandbox)) == 1
    for stream in ("orders", "order_line_items", "refunds", "transactions", "fulfillments"):
        assert by_id(bulk.records[stream]) == by_id(paged.records[stream]), stream
    assert bulk.records["refunds"] and bulk.records["fulfillments"]
    assert len(bulk.records["orders"]) == ORDERS
    assert len(bulk.records["order_line_items"]) == expected_line_count(sandbox)
    # Orders come out in updated_at order on both paths (after the deletions), as the bookmark needs.
    assert [r["updated_at"] for r in live(bulk.records["orders"])] == sorted(
        r["updated_at"] for r in live(paged.records["orders"])
    )


def test_deselected_refunds_and_fulfillments_cost_no_follow_up_calls(shop, tmp_path):
    sandbox, url = shop
    config = tap_config(url, bulk_mode="always")
    everything = sync(config)
    assert calls(sandbox, "nodes"), "a full selection reads refunds' and fulfillments' connections"
    catalog = TapShopify(config=config).catalog_dict
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            if metadata["breadcrumb"] == []:
                metadata["metadata"]["selected"] = entry["tap_stream_id"] in ("orders", "order_line_items")
    (tmp_path / "config.json").write_text(json.dumps(config))
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    sandbox.clear_log()
    tap = [sys.executable, "-m", "tap_shopify.tap", "--config", str(tmp_path / "config.json")]
    out = subprocess.run(
        [*tap, "--catalog", str(tmp_path / "catalog.json")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    records: dict[str, list[dict]] = {}
    for message in map(deserialize_json, out.splitlines()):
        if message["type"] == "RECORD":
            records.setdefault(message["stream"], []).append(message["record"])
    assert len(calls(sandbox, "bulkOperationRunQuery")) == 1  # no fulfillment orders: fulfillments are not read
    assert not calls(sandbox, "nodes"), sorted({e.get("operation") for e in calls(sandbox, "nodes")})
    assert set(records) == {"orders", "order_line_items"}
    for stream in ("orders", "order_line_items"):
        assert by_id(records[stream]) == by_id(everything.records[stream]), stream


def test_out_of_order_jsonl_is_reassembled(shop):
    sandbox, url = shop
    runner = sync(tap_config(url, bulk_mode="always"))
    # The orders' result is read first, then the fulfillment orders'.
    download, _ = [e for e in sandbox.requests() if e["api"] == "shopify-bulk-result"]
    with urllib.request.urlopen(url + download["path"]) as response:
        lines = [json.loads(line) for line in response]
    position = {line["id"]: n for n, line in enumerate(lines)}
    children = [line for line in lines if "__parentId" in line]
    assert any(position[c["__parentId"]] > n for n, c in enumerate(lines) if "__parentId" in c), (
        "no child before parent"
    )
    lines_by_order: dict[str, set[str]] = {}
    for child in children:
        lines_by_order.setdefault(child["__parentId"], set()).add(child["id"])
    emitted: dict[str, set[str]] = {}
    for record in runner.records["order_line_items"]:
        emitted.setdefault(record["order_id"], set()).add(record["id"])
    assert emitted == lines_by_order


def test_node_store_rebuilds_nesting_from_parent_ids_in_any_order(tmp_path):
    lines = [
        {"id": "gid://shopify/Variant/11", "__parentId": "gid://shopify/Product/1"},
        {"id": "gid://shopify/Level/111", "__parentId": "gid://shopify/Variant/11"},
        {"id": "gid://shopify/Product/2", "updatedAt": "2026-01-01T00:00:00Z"},
        {"id": "gid://shopify/Variant/12", "__parentId": "gid://shopify/Product/1"},
        {"id": "gid://shopify/Product/1", "updatedAt": "2026-02-01T00:00:00Z"},
    ]
    children = {"Product": {"Variant": "variants"}, "Variant": {"Level": "levels"}}
    store = NodeStore(str(tmp_path), children, "updatedAt")
    store.load((json.dumps(line).encode(), line) for line in lines)
    roots = list(store.roots())
    store.close()
    assert [r["id"] for r in roots] == ["gid://shopify/Product/2", "gid://shopify/Product/1"]  # sorted by updatedAt
    assert roots[0]["variants"]["nodes"] == []
    variants = roots[1]["variants"]["nodes"]
    assert [v["id"] for v in variants] == ["gid://shopify/Variant/11", "gid://shopify/Variant/12"]
    assert [level["id"] for level in variants[0]["levels"]["nodes"]] == ["gid://shopify/Level/111"]
    assert all("__parentId" not in v for v in variants)


def test_auto_mode_uses_bulk_only_above_the_threshold(shop):
    sandbox, url = shop
    to_read = len(sandbox.shopify.shops[SHOP].data.live_orders())
    small = sync(tap_config(url, bulk_mode="auto", bulk_threshold=to_read))
    assert not calls(sandbox, "bulkOperationRunQuery") and calls(sandbox, "ordersCount")
    large = sync(tap_config(url, bulk_mode="auto", bulk_threshold=to_read - 1))
    assert len(operations(sandbox)) == 1
    assert by_id(small.records["order_line_items"]) == by_id(large.records["order_line_items"])


@pytest.mark.parametrize("fault", ["bulk_failed", "bulk_timeout", "bulk_canceled", "bulk_expired"])
def test_a_failed_canceled_or_expired_operation_is_run_again(sandbox_factory, fault):
    sandbox, url = sandbox_factory(shopify_orders=ORDERS, time_scale=500, faults=(Fault(fault, "shopify"),))
    runner = sync(tap_config(url, bulk_mode="always"))
    assert len(operations(sandbox)) == 2
    assert not calls(sandbox, "orders")
    assert len(runner.records["orders"]) == ORDERS
    assert len(runner.records["order_line_items"]) == expected_line_count(sandbox)
    assert "bulk_operation" not in runner.state_messages[-1]["value"]["bookmarks"]["orders"]


def test_repeated_failures_fall_back_to_paged_reads(sandbox_factory):
    sandbox, url = sandbox_factory(
        shopify_orders=ORDERS,
        time_scale=500,
        faults=(
            Fault("bulk_timeout", "shopify", where={"root": ("orders",)}),
            Fault("bulk_failed", "shopify", where={"root": ("orders",)}),
        ),
    )
    runner = sync(tap_config(url, bulk_mode="always"))
    assert len(operations(sandbox)) == 2
    assert calls(sandbox, "orders")
    assert len(runner.records["orders"]) == ORDERS
    assert len(runner.records["order_line_items"]) == expected_line_count(sandbox)


def test_access_denied_stops_with_one_line(sandbox_factory):
    _, url = sandbox_factory(shopify_orders=20, time_scale=500, faults=(Fault("bulk_access_denied", "shopify"),))
    with pytest.raises(ShopifyError, match=r"^access denied reading orders .* \(grant the app that access scope\)$"):
        sync(tap_config(url, bulk_mode="always"))


def test_an_interrupted_bulk_sync_resumes_the_same_operation(sandbox_factory, tmp_path):
    # Slow enough that the tap is still polling when it is stopped.
    sandbox, url = sandbox_factory(shopify_orders=ORDERS, time_scale=5, bulk_objects_per_second=50)
    config = tmp_path / "config.json"
    config.write_text(json.dumps(tap_config(url, bulk_mode="always")))
    tap = subprocess.Popen(
        [sys.executable, "-u", "-m", "tap_shopify.tap", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    state = None
    try:
        assert tap.stdout is not None
        for raw in tap.stdout:
            message = json.loads(raw)
            early = message["type"] == "RECORD" and message["stream"] != "shop"
            assert not early or message["record"].get("_sdc_deleted_at"), "records before the operation ended"
            if message["type"] == "STATE" and "bulk_operation" in json.dumps(message["value"]):
                state = message["value"]
                break
    finally:
        tap.kill()
        tap.wait()
    assert state is not None
    operation = state["bookmarks"]["orders"]["bulk_operation"]["id"]
    assert len(operations(sandbox)) == 1
    job = state["bookmarks"]["orders"]["bulk_operation"]
    # As if the run had started earlier (yet after the last change): the new run's window ends later.
    last_change = max(f.updated_at for f in sandbox.shopify.shops[SHOP].data.live_orders())
    job["window_end"] = (last_change + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    sandbox.clock.set_scale(500)
    resumed = sync(tap_config(url, bulk_mode="always"), state=state)
    # The bookmark stops where the resumed operation's query stopped: later changes are the next run's.
    assert resumed.state_messages[-1]["value"]["bookmarks"]["orders"]["replication_key_value"] == job["window_end"]
    assert len(operations(sandbox)) == 1  # the same operation, not a new one
    assert calls(sandbox, "bulkOperation")  # it polled the operation from state
    assert len(live(resumed.records["orders"])) == len(sandbox.shopify.shops[SHOP].data.live_orders())
    assert len(resumed.records["order_line_items"]) == expected_line_count(sandbox)
    assert "bulk_operation" not in resumed.state_messages[-1]["value"]["bookmarks"]["orders"]
    assert operation.startswith("gid://shopify/BulkOperation/")


def test_jsonl_is_parsed_while_it_is_still_arriving():
    """The first line is handed over before the server sends the rest: nothing waits for the whole body."""
    first_seen = threading.Event()

    class Slow(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for n in range(3):
                line = json.dumps({"id": f"gid://shopify/Order/{n}"}).encode() + b"\n"
                self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                self.wfile.flush()
                if n == 0:
                    first_seen.wait(timeout=10)
            self.wfile.write(b"0\r\n\r\n")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with requests.get(f"http://127.0.0.1:{server.server_address[1]}/r.jsonl", stream=True, timeout=30) as response:
            lines = jsonl_lines(response, "gid://shopify/BulkOperation/1")
            assert next(lines)[1]["id"] == "gid://shopify/Order/0"
            assert not first_seen.is_set()  # the server is still holding the rest back
            first_seen.set()
            assert [line["id"] for _, line in lines] == ["gid://shopify/Order/1", "gid://shopify/Order/2"]
    finally:
        server.shutdown()
        server.server_close()


def test_a_resumed_operation_skips_what_was_emitted_before_the_interruption(shop):
    sandbox, url = shop
    first = sync(tap_config(url, bulk_mode="always"))
    orders = first.records["orders"]
    operation = run_operation_for(url)
    # As if a run had emitted (and bookmarked) the first half of this operation's result, then stopped.
    bookmark = orders[len(orders) // 2]["updated_at"]
    state = {"bookmarks": {"orders": {"replication_key": "updated_at", "replication_key_value": bookmark}}}
    state["bookmarks"]["orders"]["bulk_operation"] = {"id": operation}
    resumed = sync(tap_config(url, bulk_mode="always"), state=state)
    assert len(operations(sandbox)) == 2  # the first sync's and ours; none by the resumed run
    assert sorted(r["updated_at"] for r in resumed.records["orders"]) == sorted(
        r["updated_at"] for r in orders if r["updated_at"] >= bookmark
    )


def run_operation_for(url):
    """Start a bulk query of every order as the tap would, over HTTP; returns its id."""
    query = load_query("orders_bulk").replace('"__SEARCH__"', '""')
    body = json.dumps({"query": load_query("bulk_operation_run_query"), "variables": {"query": query}}).encode()
    request = urllib.request.Request(
        f"{url}/admin/api/2026-10/graphql.json",
        data=body,
        headers={"X-Shopify-Access-Token": "shpat_sandbox", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)["data"]["bulkOperationRunQuery"]["bulkOperation"]["id"]


class OrdersAgain(OrdersStream):
    """A second bulk-capable stream, to show operations of several streams run at once."""

    name = "orders_again"

    def bulk_companions(self, context):  # noqa: ARG002
        return []  # the orders stream's fulfillment orders serve both


class TapWithTwoBulkStreams(TapShopify):
    def discover_streams(self):
        return [*super().discover_streams(), OrdersAgain(tap=self)]


def test_bulk_operations_of_several_streams_run_at_once(shop):
    sandbox, url = shop
    runner = TapTestRunner(
        TapWithTwoBulkStreams,
        config=tap_config(url, bulk_mode="always"),
        suite_config=SuiteConfig(max_records_limit=None),
    )
    runner.sync_all()
    log = sandbox.requests()
    started = [n for n, e in enumerate(log) if "bulkOperationRunQuery" in (e.get("fields") or [])]
    downloads = [n for n, e in enumerate(log) if e["api"] == "shopify-bulk-result"]
    assert len(started) == 3 and len(downloads) == 3  # orders_again's, then orders' and its fulfillment orders'
    assert started[1] < downloads[0]  # the second operation was running before the first result was read
    assert len(runner.records["orders_again"]) == len(runner.records["orders"]) == ORDERS


def test_an_expired_result_url_is_reported_as_expired(shop, tmp_path):
    sandbox, url = shop
    tap = TapShopify(config=tap_config(url, bulk_mode="always"))
    stream = tap.streams["orders"]
    operation_id = stream.start_operation(None)
    finished = stream.wait_for(operation_id)
    assert finished.status == "COMPLETED" and finished.url
    sandbox.shopify.bulk.result_ttl_s = 0.0  # a week passes
    store = NodeStore(str(tmp_path), {}, None)
    try:
        with pytest.raises(BulkUnavailableError, match=r"could not be fetched \(HTTP 400: expired\)"):
            stream.download_into(store, finished)
    finally:
        store.close()


def test_a_token_without_the_scope_stops_with_one_line(sandbox_factory):
    _, url = sandbox_factory(shopify_orders=20, time_scale=500, shopify_scopes=("read_products", "read_customers"))
    with pytest.raises(ShopifyError, match=r"^access denied reading orders .* \(grant the app that access scope\)$"):
        sync(tap_config(url, bulk_mode="always"))
