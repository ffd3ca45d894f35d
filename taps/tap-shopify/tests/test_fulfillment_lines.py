"""Fulfillments' lines from a bulk read of fulfillment orders, and the follow-ups where that is not exact."""

from __future__ import annotations

from typing import ClassVar

import pytest
from tap_shopify.fulfillment_lines import ShippedLines
from tap_shopify.tap import TapShopify

from sandbox.faults import Fault
from sandbox.shopify.scopes import REQUIRED_SCOPES

from .conftest import tap_config
from .test_bulk import ORDERS, UnlimitedRunner, by_id, operations

ORDER = "gid://shopify/Order/1"


def held(lines, order=ORDER, number=1):
    """A fulfillment order as the bulk result rebuilds it: (totalQuantity, remainingQuantity) per line."""
    return {
        "id": f"gid://shopify/FulfillmentOrder/{number}",
        "orderId": order,
        "lineItems": {
            "nodes": [
                {
                    "id": f"gid://shopify/FulfillmentOrderLineItem/{number}{n}",
                    "totalQuantity": total,
                    "remainingQuantity": remaining,
                    "lineItem": {"id": f"gid://shopify/LineItem/{number}{n}", "sku": f"SKU-{number}{n}"},
                }
                for n, (total, remaining) in enumerate(lines, start=1)
            ]
        },
    }


def fulfillment(number, total, status="SUCCESS"):
    return {"id": f"gid://shopify/Fulfillment/{number}", "status": status, "totalQuantity": total}


def shipped(fulfillment_orders, fulfillments, order=ORDER):
    lines = ShippedLines()
    lines.load(fulfillment_orders)
    return lines.lines_of({"id": order, "fulfillments": fulfillments})


def test_an_orders_only_fulfillment_shipped_what_its_fulfillment_orders_no_longer_have_remaining():
    lines = shipped([held([(3, 0), (4, 2), (1, 1)]), held([(2, 0)], number=2)], [fulfillment(10, 7)])
    assert lines == [
        {"quantity": 3, "lineItem": {"id": "gid://shopify/LineItem/11", "sku": "SKU-11"}},
        {"quantity": 2, "lineItem": {"id": "gid://shopify/LineItem/12", "sku": "SKU-12"}},
        {"quantity": 2, "lineItem": {"id": "gid://shopify/LineItem/21", "sku": "SKU-21"}},
    ]


@pytest.mark.parametrize(
    ("case", "fulfillment_orders", "fulfillments", "order"),
    [
        ("two fulfillments", [held([(2, 0), (1, 0)])], [fulfillment(10, 2), fulfillment(11, 1)], ORDER),
        ("one of them cancelled", [held([(2, 0)])], [fulfillment(10, 2), fulfillment(11, 2, "CANCELLED")], ORDER),
        ("cancelled", [held([(2, 2)])], [fulfillment(10, 2, status="CANCELLED")], ORDER),
        ("a fulfillment order not read", [held([(2, 0)])], [fulfillment(10, 3)], ORDER),
        ("more fulfilled than shipped", [held([(2, 0), (1, 0)])], [fulfillment(10, 2)], ORDER),
        ("no total", [held([(2, 0)])], [fulfillment(10, None)], ORDER),
        ("no fulfillment order", [held([(2, 0)], order="gid://shopify/Order/2")], [fulfillment(10, 2)], ORDER),
    ],
)
def test_anything_short_of_exact_is_left_to_the_follow_up(case, fulfillment_orders, fulfillments, order):
    assert shipped(fulfillment_orders, fulfillments, order) is None, case


class SpyingTap(TapShopify):
    """The ordinary tap, noting which ids its orders stream asks `fulfillment_nodes` for."""

    asked: ClassVar[list[str]] = []

    def discover_streams(self):
        streams = super().discover_streams()
        orders = next(s for s in streams if s.name == "orders")
        post = orders.post_request_json

        def noting(name, variables):
            if name == "fulfillment_nodes":
                SpyingTap.asked.extend(variables["ids"])
            return post(name, variables)

        orders.post_request_json = noting
        return streams


def spied_sync(config):
    SpyingTap.asked = []
    runner = UnlimitedRunner(config, tap_class=SpyingTap)
    runner.sync_all()
    return runner, list(SpyingTap.asked)


def several_fulfillments(records):
    """Fulfillment ids of orders with two or more: their fulfillment orders say not which lines went with which."""
    per_order: dict[str, list[str]] = {}
    for record in records["fulfillments"]:
        per_order.setdefault(record["order_id"], []).append(record["id"])
    return {f for ids in per_order.values() if len(ids) > 1 for f in ids}


def test_follow_ups_are_asked_exactly_for_orders_with_several_fulfillments(shop):
    sandbox, url = shop
    bulk, asked = spied_sync(tap_config(url, bulk_mode="always"))
    assert len(operations(sandbox, "fulfillmentOrders")) == 1
    expected = several_fulfillments(bulk.records)
    assert expected and len(expected) < len(bulk.records["fulfillments"])
    assert sorted(asked) == sorted(expected)
    # The data holds both shapes, and orders with several refunds too.
    refunds_per_order: dict[str, int] = {}
    for record in bulk.records["refunds"]:
        refunds_per_order[record["order_id"]] = refunds_per_order.get(record["order_id"], 0) + 1
    assert max(refunds_per_order.values()) >= 2


def test_without_fulfillment_orders_every_fulfillment_is_followed_up_and_nothing_changes(sandbox_factory):
    sandbox, url = sandbox_factory(
        shopify_orders=ORDERS,
        time_scale=500,
        faults=(Fault("bulk_failed", "shopify", where={"root": ("fulfillmentOrders",)}),),
    )
    bulk, asked = spied_sync(tap_config(url, bulk_mode="always"))
    assert [op.error_code for op in operations(sandbox, "fulfillmentOrders")] == ["INTERNAL_SERVER_ERROR"]
    assert len(operations(sandbox)) == 1  # the orders' own operation is not run again
    assert sorted(asked) == sorted(r["id"] for r in bulk.records["fulfillments"])
    paged = UnlimitedRunner(tap_config(url, bulk_mode="never"))
    paged.sync_all()
    assert by_id(bulk.records["fulfillments"]) == by_id(paged.records["fulfillments"])


@pytest.fixture
def shop(sandbox_factory):
    return sandbox_factory(shopify_orders=ORDERS, time_scale=500)


def test_a_token_without_fulfillment_order_scopes_reads_every_fulfillment_by_follow_ups(sandbox_factory):
    granted = tuple(sorted(set(REQUIRED_SCOPES.values()) - {"read_merchant_managed_fulfillment_orders"}))
    sandbox, url = sandbox_factory(shopify_orders=40, time_scale=500, shopify_scopes=granted)
    bulk, asked = spied_sync(tap_config(url, bulk_mode="always"))
    assert [op.error_code for op in operations(sandbox, "fulfillmentOrders")] == ["ACCESS_DENIED"]
    assert bulk.records["fulfillments"]
    assert sorted(asked) == sorted(r["id"] for r in bulk.records["fulfillments"])
