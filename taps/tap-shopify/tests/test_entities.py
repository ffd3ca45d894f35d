"""Every stream beyond orders, synced over HTTP from a sandbox shop and checked against
the sandbox's own facts: counts, links between entities, and money to the cent."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from singer_sdk.testing import SuiteConfig
from tap_shopify.tap import TapShopify

from sandbox.catalog import CATALOG
from sandbox.shopify.catalog_data import LOCATIONS
from sandbox.shopify.order_activity import amount, render_order_activity

from .conftest import SHOP, tap_config
from .test_sync import ExactRunner

ORDERS = 150
ORDER_CHILDREN = ("order_line_items", "refunds", "transactions", "fulfillments")


def sync(config, state=None):
    runner = ExactRunner(TapShopify, config=config, state=state, suite_config=SuiteConfig(max_records_limit=None))
    runner.sync_all()
    return runner


@pytest.fixture
def shop(sandbox_factory):
    sandbox, url = sandbox_factory(shopify_orders=ORDERS, time_scale=500)
    return sandbox.shopify.shops[SHOP], url


@pytest.fixture
def synced(shop):
    world, url = shop
    issued_before = len(world.entities.ledger.issued(world.now()))
    runner = sync(tap_config(url))
    # Payouts are issued as the sandbox's clock runs: the sync saw those issued before it, perhaps more.
    assert issued_before <= len(runner.records["payouts"]) <= len(world.entities.ledger.issued(world.now()))
    return world, url, runner


def rendered(world):
    return [render_order_activity(world.data, fact) for fact in world.data.live_orders()]


def test_every_stream_syncs_what_the_shop_holds(synced):
    world, _, runner = synced
    orders = rendered(world)
    ledger = world.entities.ledger
    expected = {
        "orders": ORDERS,
        "refunds": sum(len(o["refunds"]) for o in orders),
        "transactions": sum(len(o["transactions"]) for o in orders),
        "fulfillments": sum(len(o["fulfillments"]) for o in orders),
        "customers": world.entities.customer_count(),
        "products": len({item.product_index for item in CATALOG}),
        "product_variants": len(CATALOG),
        "inventory_items": len(CATALOG),
        "inventory_levels": len(world.entities.catalog.levels),
        "locations": len(LOCATIONS),
        "payouts": len(runner.records["payouts"]),  # checked against the clock in `synced`
        "balance_transactions": len(ledger.balance),
    }
    got = {name: len(runner.records[name]) for name in expected}
    assert got == expected
    assert min(got.values()) > 0
    for name in expected:
        records = runner.records[name]
        assert all(r["shop"] == SHOP for r in records), name
        assert len({r["id"] for r in records}) == len(records), name


def test_refunds_reconcile_and_match_the_shop(synced):
    world, _, runner = synced
    expected = {r["id"]: r for o in rendered(world) for r in o["refunds"]}
    refund_txns = {(t["order_id"], t["amount"]) for t in runner.records["transactions"] if t["kind"] == "REFUND"}
    assert any(len(r["refund_line_items"]) > 2 for r in runner.records["refunds"])  # read past the inline page
    for refund in runner.records["refunds"]:
        source = expected[refund["id"]]
        assert len(refund["refund_line_items"]) == len(source["refundLineItems"])
        assert refund["total_refunded"] == amount(source["totalRefundedSet"])
        lines = refund["refund_line_items"]
        assert refund["refunded_subtotal"] == sum(li["subtotal"] for li in lines)
        assert refund["refunded_tax"] == sum(li["total_tax"] for li in lines)
        assert refund["total_refunded"] == (
            refund["refunded_subtotal"]
            + refund["refunded_tax"]
            + refund["refunded_shipping"]
            + refund["order_adjustments_amount"]
        )
        assert all(li["restock_type"] in ("RETURN", "NO_RESTOCK") for li in lines)
        assert (refund["order_id"], refund["total_refunded"]) in refund_txns
    orders = {o["id"]: o for o in live(runner.records["orders"])}
    refunded: dict[str, Decimal] = defaultdict(Decimal)
    for refund in runner.records["refunds"]:
        refunded[refund["order_id"]] += refund["total_refunded"]
    for order_id, total in refunded.items():
        assert orders[order_id]["total_refunded"] == total


def live(records):
    return [r for r in records if not r.get("_sdc_deleted_at")]


def test_payments_and_fulfillments_match_their_orders(synced):
    _, _, runner = synced
    orders = {o["id"]: o for o in live(runner.records["orders"])}
    lines = defaultdict(int)
    for line in runner.records["order_line_items"]:
        lines[line["order_id"]] += line["quantity"]
    shipped = defaultdict(int)
    for fulfillment in runner.records["fulfillments"]:
        shipped[fulfillment["order_id"]] += sum(li["quantity"] for li in fulfillment["fulfillment_line_items"])
    assert any(len(f["fulfillment_line_items"]) > 4 for f in runner.records["fulfillments"])  # past the inline page
    for order_id, order in orders.items():
        captured = [
            t["amount"]
            for t in runner.records["transactions"]
            if t["order_id"] == order_id and t["kind"] in ("SALE", "CAPTURE")
        ]
        if order["cancelled_at"]:
            assert captured == [] and shipped[order_id] == 0
        else:
            assert captured == [order["total_price"]]
            assert shipped[order_id] == lines[order_id]


def test_payouts_are_the_sum_of_their_balance_transactions(synced):
    _, _, runner = synced
    by_payout: dict[str, Decimal] = defaultdict(Decimal)
    for txn in runner.records["balance_transactions"]:
        assert txn["net"] == txn["amount"] - txn["fee"]
        if txn["payout_id"]:
            by_payout[txn["payout_id"]] += txn["net"]
    payouts = {p["id"]: p["net"] for p in runner.records["payouts"]}
    assert payouts == dict(by_payout)
    # Deleting an order does not undo its payment: compare the orders still there.
    live_orders = {o["id"] for o in live(runner.records["orders"])}
    charges = sum(
        t["amount"]
        for t in runner.records["balance_transactions"]
        if t["type"] == "CHARGE" and t["order_id"] in live_orders
    )
    captured = sum(t["amount"] for t in runner.records["transactions"] if t["kind"] in ("SALE", "CAPTURE"))
    assert charges == captured


def test_inventory_links_variants_items_and_locations(synced):
    _, _, runner = synced
    items = {i["id"] for i in runner.records["inventory_items"]}
    variants = runner.records["product_variants"]
    assert {v["inventory_item_id"] for v in variants} == items
    assert {v["sku"] for v in variants} == {item.sku for item in CATALOG}
    locations = {loc["id"] for loc in runner.records["locations"]}
    for level in runner.records["inventory_levels"]:
        assert level["location_id"] in locations and level["inventory_item_id"] in items
        unavailable = ("committed", "reserved", "damaged", "safety_stock", "quality_control")
        assert level["on_hand"] == level["available"] + sum(level[n] for n in unavailable)
    per_item = defaultdict(int)
    for level in runner.records["inventory_levels"]:
        per_item[level["inventory_item_id"]] += 1
    assert min(per_item.values()) >= 2


def test_an_order_changed_between_syncs_brings_its_children_again(shop):
    world, url = shop
    # The sandbox's search index never trails its writes: no safety lag needed.
    config = tap_config(url, safety_lag_minutes=0)
    first = sync(config)
    state = first.state_messages[-1]["value"]
    bookmark = state["bookmarks"]["orders"]["replication_key_value"]
    target = next(
        o for o in rendered(world) if o["refunds"] and len(o["fulfillments"]) > 1 and o["updatedAt"] < bookmark
    )
    world.data.touch_order(int(target["legacyResourceId"]), datetime.now(UTC).replace(microsecond=0))

    second = sync(config, state=state)
    reread = {o["id"] for o in second.records["orders"]}
    assert target["id"] in reread
    assert all(o["updated_at"] >= bookmark for o in second.records["orders"])
    for name in ORDER_CHILDREN:
        before = {r["id"]: r for r in first.records[name] if r["order_id"] == target["id"]}
        after = {r["id"]: r for r in second.records[name] if r["order_id"] == target["id"]}
        assert before, name
        assert set(after) == set(before), name
        for record_id, record in after.items():
            assert {k: v for k, v in record.items() if k != "order_updated_at"} == {
                k: v for k, v in before[record_id].items() if k != "order_updated_at"
            }
        # Only the children of re-read orders come again.
        assert {r["order_id"] for r in second.records[name]} <= reread, name


def test_incremental_streams_resume_inclusively(synced):
    _, url, first = synced
    pivots = {
        name: sorted(r["updated_at"] for r in first.records[name])[-5]
        for name in ("customers", "products", "inventory_items")
    }
    state = {
        "bookmarks": {
            name: {"replication_key": "updated_at", "replication_key_value": pivot} for name, pivot in pivots.items()
        }
    }
    second = sync(tap_config(url), state=state)
    for name, pivot in pivots.items():
        again = sorted(r["updated_at"] for r in second.records[name])
        assert pivot in again, name  # the record at the bookmark is read again, never skipped
        assert again == sorted(r["updated_at"] for r in first.records[name] if r["updated_at"] >= pivot), name
    partitions = first.state_messages[-1]["value"]["bookmarks"]["inventory_levels"]["partitions"]
    assert {p["context"]["location_id"] for p in partitions} == {loc.gid for loc in LOCATIONS}
