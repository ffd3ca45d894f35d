"""Behaviour of real syncs against the sandbox: completeness, exactness, bookmarks, pacing."""

from __future__ import annotations

from decimal import Decimal

from singer_sdk.singerlib.json import deserialize_json
from singer_sdk.testing import SuiteConfig, TapTestRunner
from tap_shopify.tap import TapShopify

from sandbox.shopify.data import render_order

from .conftest import SESSION_SANDBOX, SHOP, tap_config


class ExactRunner(TapTestRunner):
    """Parses the tap's output as a loader does: JSON numbers as Decimal."""

    @staticmethod
    def _clean_sync_output(raw_records: str) -> list[dict]:
        return [deserialize_json(line) for line in raw_records.strip().split("\n") if line]


def sync(config, state=None):
    # No record limit: the SDK's test runner stops at 150 records by default.
    runner = ExactRunner(TapShopify, config=config, state=state, suite_config=SuiteConfig(max_records_limit=None))
    runner.sync_all()
    return runner


def expected_orders(sandbox):
    data = sandbox.shopify.shops[SHOP].data
    return {f"gid://shopify/Order/{f.legacy_id}": render_order(data, f) for f in data.live_orders()}


def live(records):
    return [r for r in records if not r.get("_sdc_deleted_at")]


def test_full_sync_emits_every_order_and_line_exactly():
    runner = sync(tap_config())
    expected = expected_orders(SESSION_SANDBOX)
    orders = {r["id"]: r for r in live(runner.records["orders"])}
    lines = runner.records["order_line_items"]
    assert set(orders) == set(expected)
    assert len(lines) == len({li["id"] for li in lines}) == sum(len(o["lineItems"]) for o in expected.values())
    assert any(len(o["lineItems"]) > 10 for o in expected.values())  # wholesale orders need a second request
    for order_id, order in orders.items():
        assert order["shop"] == SHOP
        assert isinstance(order["total_price"], Decimal)
        assert order["total_price"] == Decimal(expected[order_id]["totalPriceSet"]["shopMoney"]["amount"])
    by_order: dict[str, Decimal] = {}
    for line in lines:
        assert line["order_id"] in orders and line["shop"] == SHOP
        by_order[line["order_id"]] = by_order.get(line["order_id"], Decimal(0)) + line["discounted_total"] + line["tax"]
    for order_id, order in orders.items():
        assert by_order[order_id] == order["total_price"] - order["total_shipping_price"]


def test_steady_sync_paces_itself_and_is_never_throttled(sandbox_factory):
    sandbox, url = sandbox_factory(shopify_orders=150, time_scale=40, bucket_size=1000, restore_rate=50)
    runner = sync(tap_config(url))
    assert len(runner.records["orders"]) == 150
    calls = [e for e in sandbox.log if e["api"] == "shopify"]
    assert not [e for e in calls if e.get("throttled")]
    # The bucket was the limit: the tap waited for it rather than being refused.
    spent = sum(e.get("actual_cost", 0) for e in calls)
    assert spent > 1000


def test_a_drained_bucket_is_waited_out_and_every_record_arrives(sandbox_factory):
    sandbox, url = sandbox_factory(shopify_orders=60, time_scale=40, bucket_size=1000, restore_rate=50)
    sandbox.faults.arm("throttle", "shopify", count=1)  # the first query finds the bucket drained
    # Paged reads: the first request is an expensive page, refused until the tap has seen the bucket.
    runner = sync(tap_config(url, bulk_mode="never"))
    assert len(runner.records["orders"]) == 60
    throttled = [e for e in sandbox.log if e.get("throttled")]
    assert len(throttled) == 1  # once, before the tap had seen the bucket; then it paced
