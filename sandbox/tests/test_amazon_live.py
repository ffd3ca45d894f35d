"""A live seller: orders keep arriving and changing as simulated time passes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sandbox.tests.amazon_client import SPAPI, US

ANCHOR = datetime(2026, 6, 1, tzinfo=UTC)
SEARCH = "/orders/2026-01-01/orders"


@pytest.fixture
def live(sandbox_factory):
    sandbox, base = sandbox_factory(
        amazon_orders=100, amazon_live_orders_per_day=48, shopify_orders=5, days=30, anchor=ANCHOR, time_scale=1
    )
    return sandbox, SPAPI(base).login()


def changed_since(client, after):
    """Every order changed since `after`, following the pages."""
    found: dict[str, dict[str, Any]] = {}
    params = {"lastUpdatedAfter": after.isoformat(), "includedData": "FULFILLMENT"}
    while True:
        reply = client.get(SEARCH, **params)
        assert reply.status == 200, reply.raw
        found |= {o["orderId"]: o for o in reply.json["orders"]}
        token = reply.json.get("pagination", {}).get("nextToken")
        if not token:
            return found
        params = {"paginationToken": token}


def test_new_orders_arrive_and_then_ship(live):
    sandbox, client = live
    timelines = sandbox.amazon.world.history.timelines
    assert changed_since(client, ANCHOR - timedelta(minutes=10)) == {}  # nothing new at the start

    sandbox.clock.advance(6 * 3600)
    client.login()  # the first token has expired meanwhile
    arrived = changed_since(client, ANCHOR)
    expected = {t.order_id for t in timelines if ANCHOR < t.purchased <= ANCHOR + timedelta(hours=6, minutes=-2)}
    assert expected <= set(arrived) and len(expected) >= 5  # every new order
    assert all(o["lastUpdatedTime"] >= "2026-06-01T00:00:00Z" for o in arrived.values())
    assert set(arrived) - expected  # and older orders that shipped or were cancelled since
    new_statuses = {arrived[i]["fulfillment"]["fulfillmentStatus"] for i in expected}
    assert new_statuses <= {"PENDING", "UNSHIPPED", "CANCELLED"}

    sandbox.clock.advance(3 * 86400)
    client.login()
    later = changed_since(client, ANCHOR + timedelta(hours=6))
    shipped = [i for i in expected if later.get(i, {}).get("fulfillment", {}).get("fulfillmentStatus") == "SHIPPED"]
    assert shipped  # the morning's orders have shipped since, so they changed again
    reply = client.get(
        "/finances/v0/financialEvents",
        PostedAfter=ANCHOR.isoformat(),
        PostedBefore=(ANCHOR + timedelta(days=3)).isoformat(),
    )
    posted = {e["AmazonOrderId"] for e in reply.json["payload"]["FinancialEvents"]["ShipmentEventList"]}
    assert set(shipped) & posted


def test_a_static_seller_does_not_change(sandbox_factory):
    sandbox, base = sandbox_factory(amazon_orders=100, shopify_orders=5, days=30, anchor=ANCHOR, time_scale=1)
    client = SPAPI(base).login()
    before = client.get(
        "/orders/v0/orders", LastUpdatedAfter=(ANCHOR - timedelta(days=2)).isoformat(), MarketplaceIds=US
    )
    sandbox.clock.advance(5 * 86400)
    client.login()
    after = client.get(
        "/orders/v0/orders", LastUpdatedAfter=(ANCHOR - timedelta(days=2)).isoformat(), MarketplaceIds=US
    )
    assert before.json["payload"]["Orders"] == after.json["payload"]["Orders"]
