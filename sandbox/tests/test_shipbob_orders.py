"""ShipBob orders over real HTTP: Page/Limit walks, last-update windows, shipments by order and id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sandbox.amazon.wire import iso
from sandbox.tests.shipbob_client import parse, serve

ANCHOR = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def served():
    with serve(shopify_orders=120, days=45, anchor=ANCHOR, amazon_orders=5) as served:
        yield served


def _ids(orders):
    return [o["id"] for o in orders]


def test_page_walks_see_every_order_once_in_either_sort_order(served):
    sandbox, client = served
    every = {k.id for k in sandbox.shipbob.world.order_keys()}
    newest = client.numbered("/order", "get-orders", limit=17)
    oldest = client.numbered("/order", "get-orders", limit=50, SortOrder="Oldest")
    assert len(newest) == len(set(_ids(newest))) == len(every)
    assert set(_ids(newest)) == set(_ids(oldest)) == every
    created = [o["created_date"] for o in oldest]
    assert created == sorted(created)
    assert [o["created_date"] for o in newest] == sorted(created, reverse=True)
    assert client.ok("/order", "get-orders", Page=10_000, Limit=50) == []


def test_last_update_windows_return_exactly_the_orders_changed_inside_them(served):
    sandbox, client = served
    keys = sandbox.shipbob.world.order_keys()
    start = ANCHOR - timedelta(days=20)
    for days in (1, 3, 7):
        end = start + timedelta(days=days)
        got = client.numbered(
            "/order", "get-orders", limit=25, LastUpdateStartDate=iso(start), LastUpdateEndDate=iso(end)
        )
        expected = {k.id for k in keys if start < k.updated < end}
        assert expected, "the window holds no change: the test would prove nothing"
        assert set(_ids(got)) == expected
        for order in got:  # what a client can see of the change: its shipments' last updates
            if order["status"] != "Cancelled":
                seen = max([order["created_date"], *(s["last_update_at"] for s in order["shipments"])])
                assert iso(start) < seen < iso(end)
        start = end
    # consecutive windows meeting at a boundary miss nothing that changed strictly inside them
    # ("later than" / "earlier than"); a change exactly at the boundary is in neither, so clients
    # overlap their windows by a lookback.
    boundary = keys[len(keys) // 2].updated
    before = client.numbered("/order", "get-orders", limit=250, LastUpdateEndDate=iso(boundary))
    after = client.numbered("/order", "get-orders", limit=250, LastUpdateStartDate=iso(boundary))
    at = {k.id for k in keys if k.updated == boundary}
    assert at and not at & set(_ids(before)) and not at & set(_ids(after))
    assert len(before) + len(after) + len(at) == len(keys)


def test_created_reference_and_tracking_filters(served):
    sandbox, client = served
    keys = sandbox.shipbob.world.order_keys()
    start, end = ANCHOR - timedelta(days=30), ANCHOR - timedelta(days=25)
    got = client.numbered("/order", "get-orders", limit=100, StartDate=iso(start), EndDate=iso(end))
    assert set(_ids(got)) == {k.id for k in keys if start < k.created < end}
    some = keys[:3]
    refs = {k.reference_id for k in some}
    by_ref = client.ok("/order", "get-orders", ReferenceIds=",".join(refs))
    # both sandbox shops number their orders alike: a reference is unique within a channel only
    assert set(_ids(by_ref)) == {k.id for k in keys if k.reference_id in refs}
    assert len({(o["channel"]["id"], o["reference_id"]) for o in by_ref}) == len(by_ref) > len(some)
    by_id = client.ok("/order", "get-orders", IDs=",".join(str(k.id) for k in some))
    assert set(_ids(by_id)) == {k.id for k in some}
    untracked = client.numbered("/order", "get-orders", limit=250, HasTracking="false")
    assert untracked and all(o["status"] == "Cancelled" and not o["shipments"] for o in untracked)
    bad = client.get("/order", LastUpdateStartDate="yesterday")
    assert bad.status == 400 and "LastUpdateStartDate" in parse(bad)


def test_channel_header_scopes_orders_to_the_channel(served):
    sandbox, client = served
    outlet = sandbox.shipbob.world.channels[2]
    reply = client.get("/order", headers={"shipbob_channel_id": str(outlet.id)}, Limit=250)
    assert reply.status == 200
    orders = parse(reply)
    assert orders and {o["channel"]["id"] for o in orders} == {outlet.id}
    other = client.ok("/order", "get-orders", Limit=1, SortOrder="Oldest")[0]
    if other["channel"]["id"] != outlet.id:
        hidden = client.get(f"/order/{other['id']}", headers={"shipbob_channel_id": str(outlet.id)})
        assert hidden.status == 404
    assert client.get("/order", headers={"shipbob_channel_id": "12345"}).status == 400


def test_shipments_agree_across_every_way_of_reading_them(served):
    _, client = served
    orders = [o for o in client.ok("/order", "get-orders", Limit=100) if len(o["shipments"]) > 1][:3]
    assert orders, "no order with several shipments"
    for order in orders:
        listed = client.ok(f"/order/{order['id']}/shipment", "get-all-shipments-for-order")
        assert listed == order["shipments"] == client.ok(f"/order/{order['id']}", "get-order")["shipments"]
        for shipment in listed:
            sid = shipment["id"]
            assert client.ok(f"/shipment/{sid}", "get-shipment") == shipment
            assert (
                client.ok(f"/order/{order['id']}/shipment/{sid}", "get-shipment-by-order-id-and-shipment-id")
                == shipment
            )
            timeline = client.ok(f"/shipment/{sid}/timeline", "get-shipment-timeline")
            assert [t["log_type_name"] for t in timeline][:4] == ["Created", "Picked", "Packed", "Shipped"]
            assert (
                timeline[3]["timestamp"] == shipment["actual_fulfillment_date"] == shipment["tracking"]["shipping_date"]
            )
            if shipment["delivery_date"]:
                assert timeline[-1] == {
                    **timeline[-1],
                    "log_type_name": "Delivered",
                    "timestamp": shipment["delivery_date"],
                }
            lines = client.ok(f"/shipment/{sid}:getLineItems", "get-shipment-line-items")
            assert sorted((line["product_variant"]["sku"], line["quantity"]) for line in lines) == sorted(
                (p["sku"], p["inventory_items"][0]["quantity"]) for p in shipment["products"]
            )
        other = next(o for o in client.ok("/order", "get-orders", Limit=5) if o["id"] != order["id"])
        assert client.get(f"/order/{other['id']}/shipment/{listed[0]['id']}").status == 404
