"""Real syncs against the sandbox: completeness, exact amounts, identity, both order paths."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal

from spapi_sandbox import MARKETPLACES, SELLER, SESSION_SANDBOX, calls, start_date, sync, tap_config
from tap_amazon_spapi.reports import parse_iso, utc_now, windows
from tap_common.tap import RUN_RECORD_NAMES

from sandbox.amazon.data import render

STREAMS = {
    "marketplace_participations",
    "orders",
    "order_items",
    "fba_inventory",
    "settlements",
    "settlement_lines",
    "financial_event_groups",
    "financial_events",
    "customer_returns",
    "fba_shipments",
}


def sandbox_orders(sandbox):
    return {fact.order_id: render(fact) for fact in sandbox.amazon.world.seller.orders}


def test_full_sync_fills_every_stream_and_names_seller_and_marketplace():
    out = sync(tap_config())
    assert set(out.records) == STREAMS | RUN_RECORD_NAMES
    for name, records in out.records.items():
        assert records, name
        if name in RUN_RECORD_NAMES:
            continue  # the run's own rows: account in account_id(s)
        for record in records:
            assert record["selling_partner_id"] == SELLER, name
            assert record["marketplace_id"] in MARKETPLACES, (name, record)


def test_every_order_and_item_arrives_once_with_exact_amounts():
    out = sync(tap_config(), streams={"orders", "order_items"})
    expected = sandbox_orders(SESSION_SANDBOX)
    orders = out.records["orders"]
    # Each order once, though both paths ran: the report up to a day ago, the API after.
    assert sorted(o["amazon_order_id"] for o in orders) == sorted(expected)
    items = out.records["order_items"]
    keys = [(i["amazon_order_id"], i["sku"], i["sku_occurrence"]) for i in items]
    assert len(keys) == len(set(keys))
    # Every line once, two lines of one SKU included (each its own occurrence).
    lines = {
        (order_id, line.item.sku, 1 + [li.item.sku for li in o.lines[:n]].count(line.item.sku)): line
        for order_id, o in expected.items()
        for n, line in enumerate(o.lines)
    }
    assert set(keys) == set(lines)
    assert any(occurrence == 2 for _, _, occurrence in keys)
    for item in items:
        line = lines[(item["amazon_order_id"], item["sku"], item["sku_occurrence"])]
        if item["source"] == "api":
            assert item["order_item_id"] == line.order_item_id
        assert isinstance(item["item_price"], Decimal)
        assert item["item_price"] == line.principal
        assert item["quantity"] == line.quantity
        if item["source"] == "report":
            assert item["item_tax"] == line.tax
    by_marketplace = {o["amazon_order_id"]: o["marketplace_id"] for o in orders}
    assert all(by_marketplace[oid] == o.fact.marketplace_id for oid, o in expected.items())


def test_recent_orders_come_from_the_api_with_its_richer_fields():
    out = sync(tap_config(), streams={"orders", "order_items"})
    sources = {o["source"] for o in out.records["orders"]}
    assert sources == {"report", "api"}
    for order in out.records["orders"]:
        assert (order["order_total"] is not None) == (order["source"] == "api")
    api_items = [i for i in out.records["order_items"] if i["source"] == "api"]
    assert api_items and all(i["order_item_id"] and i["proceeds_total"] is not None for i in api_items)


def test_settlement_lines_sum_to_their_settlement_total():
    out = sync(tap_config(), streams={"settlements", "settlement_lines"})
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in out.records["settlement_lines"]:
        totals[line["settlement_id"]] += line["amount"] or Decimal(0)
    settlements = out.records["settlements"]
    assert settlements
    for settlement in settlements:
        assert totals[settlement["settlement_id"]] == settlement["total_amount"], settlement["settlement_id"]
    numbers = [(li["settlement_id"], li["line_number"]) for li in out.records["settlement_lines"]]
    assert len(numbers) == len(set(numbers))


def test_financial_events_are_typed_with_order_date_and_amount():
    out = sync(tap_config(), streams={"financial_events", "financial_event_groups"})
    events = out.records["financial_events"]
    assert {"ShipmentEvent", "RefundEvent"} <= {e["event_type"] for e in events}
    shipments = [e for e in events if e["event_type"] == "ShipmentEvent"]
    assert all(e["amazon_order_id"] and e["posted_date"] and isinstance(e["amount"], Decimal) for e in shipments)
    assert len({e["event_id"] for e in events}) == len(events)
    assert out.records["financial_event_groups"]


def test_incremental_run_reads_only_recent_changes_in_a_handful_of_calls(sandbox_factory):
    sandbox, url = sandbox_factory(amazon_orders=150, days=90, time_scale=600)
    config = tap_config(url)
    first = sync(config, streams={"orders", "order_items"})
    sandbox.clear_log()
    second = sync(config, state=first.state, streams={"orders", "order_items"})
    made = calls(sandbox)
    assert not [c for c in made if c["operation"] in {"createReport", "getReport", "getReportDocument"}]
    assert len([c for c in made if c["operation"] == "searchOrders"]) <= 2 * len(MARKETPLACES)
    assert len(second.records["orders"]) < len(first.records["orders"])


def test_marketplaces_share_each_orders_report_and_keep_their_own_watermarks(sandbox_factory):
    sandbox, url = sandbox_factory(amazon_orders=150, days=90, time_scale=600)
    config = tap_config(url)
    out = sync(config, streams={"orders", "order_items"})
    reports = out.state["bookmarks"]["orders"]["reports"]
    assert reports["pending"] == []
    assert set(reports["done_until"]) == set(MARKETPLACES)
    # One report per 30-day window serves both marketplaces: half the createReport calls.
    days = windows(parse_iso(config["start_date"]), utc_now() - timedelta(days=1), 30)
    assert len(calls(sandbox, "createReport")) == len(days)
    marketplaces = {o["marketplace_id"] for o in out.records["orders"] if o["source"] == "report"}
    assert marketplaces == set(MARKETPLACES)


def test_a_new_marketplace_is_backfilled_from_the_start_date(sandbox_factory):
    sandbox, url = sandbox_factory(amazon_orders=150, days=90, time_scale=600)
    first = sync(tap_config(url, marketplace_ids=MARKETPLACES[:1]), streams={"orders", "order_items"})
    assert {o["marketplace_id"] for o in first.records["orders"]} == {MARKETPLACES[0]}
    sandbox.clear_log()
    second = sync(tap_config(url), state=first.state, streams={"orders", "order_items"})
    fresh = {f.order_id for f in sandbox.amazon.world.seller.orders if f.marketplace_id == MARKETPLACES[1]}
    assert fresh <= {o["amazon_order_id"] for o in second.records["orders"]}
    assert calls(sandbox, "createReport")


def test_an_hour_of_new_orders_takes_one_call_and_no_report(sandbox_factory):
    # A live seller at 3600x: about one simulated hour of new and changed orders per real second.
    sandbox, url = sandbox_factory(amazon_orders=100, days=60, time_scale=3600, amazon_live_orders_per_day=240)
    config = tap_config(url, start_date=start_date(62))
    first = sync(config, streams={"orders", "order_items"})
    before = sandbox.clock.now()
    while sandbox.clock.now() - before < 3600:
        time.sleep(0.1)
    sandbox.clear_log()
    second = sync(config, state=first.state, streams={"orders", "order_items"})
    made = Counter(c["operation"] for c in calls(sandbox))
    assert made["searchOrders"] == 1
    assert not made["createReport"]
    new = {o["amazon_order_id"] for o in second.records["orders"]}
    assert new and all(o["source"] == "api" for o in second.records["orders"])
    assert new - {o["amazon_order_id"] for o in first.records["orders"]}  # orders placed meanwhile
    assert {i["amazon_order_id"] for i in second.records["order_items"]} == new
