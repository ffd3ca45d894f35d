"""Orders: searchOrders paging and filters, the deprecated v0 path, shapes per the models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from sandbox.tests.amazon_client import CA, SPAPI, US, validate

ANCHOR = datetime(2026, 6, 1, tzinfo=UTC)
SEARCH = "/orders/2026-01-01/orders"


@pytest.fixture
def amazon(sandbox_factory):
    sandbox, base = sandbox_factory(amazon_orders=250, shopify_orders=5, days=60, anchor=ANCHOR, time_scale=1)
    return sandbox, SPAPI(base).login()


def _search_all(client, **params):
    pages, token = [], None
    while True:
        query = {"paginationToken": token} if token else params
        reply = client.get(SEARCH, **query)
        assert reply.status == 200, reply.raw
        validate(reply, "orders_2026-01-01", "SearchOrdersResponse")
        pages.append(reply.json)
        token = reply.json.get("pagination", {}).get("nextToken")
        if not token:
            return pages


def test_search_orders_pages_through_every_order_once(amazon):
    sandbox, client = amazon
    pages = _search_all(client, createdAfter="2026-01-01T00:00:00Z", maxResultsPerPage=40)
    ids = [o["orderId"] for page in pages for o in page["orders"]]
    assert len(pages) == 7  # 250 orders, 40 a page
    assert len(ids) == len(set(ids)) == 250
    assert set(ids) == {o.order_id for o in sandbox.amazon.world.seller.orders}
    assert all(o["orderItems"] for page in pages for o in page["orders"])  # items inline


def test_search_by_last_update_is_ordered_and_bounded(amazon):
    sandbox, client = amazon
    after = ANCHOR - timedelta(days=7)
    pages = _search_all(client, lastUpdatedAfter=after.isoformat(), maxResultsPerPage=100)
    orders = [o for page in pages for o in page["orders"]]
    expected = [o for o in sandbox.amazon.world.seller.orders if o.updated >= after]
    assert len(orders) == len(expected) > 0
    stamps = [o["lastUpdatedTime"] for o in orders]
    assert stamps == sorted(stamps)
    assert "lastUpdatedBefore" in pages[0]


def test_search_filters_by_marketplace_and_fulfilment(amazon):
    sandbox, client = amazon
    pages = _search_all(
        client,
        createdAfter="2026-01-01T00:00:00Z",
        marketplaceIds=[CA],
        fulfilledBy="AMAZON",
        includedData="FULFILLMENT",
    )
    orders = [o for page in pages for o in page["orders"]]
    expected = [o for o in sandbox.amazon.world.seller.orders if o.marketplace_id == CA and o.channel == "AFN"]
    assert len(orders) == len(expected) > 0
    assert {o["salesChannel"]["marketplaceId"] for o in orders} == {CA}
    assert {o["fulfillment"]["fulfilledBy"] for o in orders} == {"AMAZON"}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"createdAfter": "2026-01-01T00:00:00Z", "lastUpdatedAfter": "2026-01-01T00:00:00Z"},
        {"createdAfter": "yesterday"},
        {"createdAfter": "2026-01-01T00:00:00Z", "maxResultsPerPage": 101},
        {"createdAfter": "2026-01-01T00:00:00Z", "marketplaceIds": "A1PA6795UKMFR9"},
        {"createdAfter": ANCHOR.isoformat()},  # not two minutes before the request
        {"paginationToken": "e30.0123456789abcdef"},  # a forged token
    ],
)
def test_search_rejects_invalid_parameters(amazon, params):
    _, client = amazon
    reply = client.get(SEARCH, **params)
    assert reply.status == 400
    assert reply.json["errors"][0]["code"] == "InvalidInput"


def test_proceeds_add_up_to_the_v0_amounts(amazon):
    sandbox, client = amazon
    fact = next(o for o in sandbox.amazon.world.seller.orders if o.status == "Shipped")
    reply = client.get(f"{SEARCH}/{fact.order_id}", includedData="PROCEEDS")
    validate(reply, "orders_2026-01-01", "GetOrderResponse")
    searched = reply.json["order"]
    v0 = client.get(f"/orders/v0/orders/{fact.order_id}")
    items = client.get(f"/orders/v0/orders/{fact.order_id}/orderItems")
    validate(v0, "ordersV0", "GetOrderResponse")
    validate(items, "ordersV0", "GetOrderItemsResponse")
    total = Decimal(searched["proceeds"]["grandTotal"]["amount"])
    assert total == Decimal(v0.json["payload"]["OrderTotal"]["Amount"])
    v0_sum = sum(
        Decimal(i[k]["Amount"]) * (-1 if "Discount" in k else 1)
        for i in items.json["payload"]["OrderItems"]
        for k in ("ItemPrice", "ItemTax", "ShippingPrice", "ShippingTax", "PromotionDiscount", "ShippingDiscount")
    )
    assert v0_sum == total
    item_sum = sum(Decimal(i["proceeds"]["proceedsTotal"]["amount"]) for i in searched["orderItems"])
    assert item_sum == total


def test_v0_get_orders_pages_with_next_token(amazon):
    _, client = amazon
    first = client.get(
        "/orders/v0/orders", CreatedAfter="2026-01-01T00:00:00Z", MarketplaceIds=US, MaxResultsPerPage=50
    )
    assert first.status == 200
    validate(first, "ordersV0", "GetOrdersResponse")
    token = first.json["payload"]["NextToken"]
    second = client.get("/orders/v0/orders", NextToken=token)
    assert second.status == 200
    ids = [o["AmazonOrderId"] for r in (first, second) for o in r.json["payload"]["Orders"]]
    assert len(set(ids)) == 100
    assert {o["MarketplaceId"] for r in (first, second) for o in r.json["payload"]["Orders"]} == {US}
    assert client.get("/orders/v0/orders", CreatedAfter="2026-01-01T00:00:00Z").status == 400  # MarketplaceIds


def test_orders_have_every_status_and_updates_after_creation(amazon):
    sandbox, _ = amazon
    orders = sandbox.amazon.world.seller.orders
    assert {o.status for o in orders} >= {"Shipped", "Canceled", "Unshipped"}
    assert {o.channel for o in orders} == {"AFN", "MFN"}
    assert all(o.updated >= o.purchased for o in orders)
    assert sum(o.updated > o.purchased for o in orders) > len(orders) * 0.9


def test_unknown_order_is_not_found(amazon):
    _, client = amazon
    reply = client.get("/orders/v0/orders/111-0000000-0000000/orderItems")
    assert reply.status == 404
    assert reply.json["errors"][0]["code"] == "NotFound"


def test_fba_inventory_summaries_with_details(amazon):
    _, client = amazon
    reply = client.get(
        "/fba/inventory/v1/summaries",
        granularityType="Marketplace",
        granularityId=US,
        marketplaceIds=US,
        details="true",
    )
    assert reply.status == 200
    validate(reply, "fbaInventory", "GetInventorySummariesResponse")
    summaries = reply.json["payload"]["inventorySummaries"]
    assert len(summaries) == 30  # every catalog SKU
    for summary in summaries:
        details = summary["inventoryDetails"]
        parts = (
            details["fulfillableQuantity"]
            + details["inboundWorkingQuantity"]
            + details["inboundShippedQuantity"]
            + details["inboundReceivingQuantity"]
            + details["reservedQuantity"]["totalReservedQuantity"]
            + details["researchingQuantity"]["totalResearchingQuantity"]
            + details["unfulfillableQuantity"]["totalUnfulfillableQuantity"]
        )
        assert summary["totalQuantity"] == parts
