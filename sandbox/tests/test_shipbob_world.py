"""The 3PL agrees with the Shopify shops it fulfils and with itself: shipments are the Shopify
fulfillments, returns the restocked refunds, stock adds up across centres and lots, and every
invoice is exactly the sum of its transactions (unless a fault says otherwise)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from sandbox.faults import Fault
from sandbox.shopify.data import gid
from sandbox.shopify.order_activity import render_order_activity
from sandbox.tests.amazon_client import http
from sandbox.tests.shipbob_client import ShipBob, parse, serve

ANCHOR = datetime(2026, 6, 1, tzinfo=UTC)
EVERYTHING = "2020-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def served():
    with serve(shopify_orders=150, days=60, anchor=ANCHOR, amazon_orders=5) as served:
        yield served


def _shopify(sandbox):
    """Each ShipBob channel's Shopify shop data, by channel id."""
    shops = list(sandbox.shopify.shops.values())
    return {c.id: shops[c.shop_index].data for c in sandbox.shipbob.world.channels if c.shop_index is not None}


def test_every_shipment_is_a_shopify_fulfillment_of_its_order(served):
    sandbox, client = served
    shops = _shopify(sandbox)
    orders = client.numbered("/order", "get-orders", limit=250)
    centres = {fc["id"]: fc for fc in client.ok("/fulfillment-center", "get-fulfillment-centers")}
    assert len(centres) == 2
    seen_centres, shipments = set(), 0
    for order in orders:
        shop = shops[order["channel"]["id"]]
        fact = shop.order_by_gid(gid("Order", int(order["reference_id"])))
        assert fact is not None, f"ShipBob order {order['id']} has no live Shopify order"
        shopify = render_order_activity(shop, fact)
        assert order["order_number"] == shopify["name"]
        fulfillments = {f["trackingInfo"][0]["number"]: f for f in shopify["fulfillments"]}
        assert len(order["shipments"]) == len(fulfillments)
        assert (order["status"] == "Cancelled") == (shopify["cancelledAt"] is not None)
        for shipment in order["shipments"]:
            fulfillment = fulfillments[shipment["tracking"]["tracking_number"]]
            shipped = Counter({(p["sku"]): p["inventory_items"][0]["quantity"] for p in shipment["products"]})
            fulfilled = Counter({fl["lineItem"]["sku"]: fl["quantity"] for fl in fulfillment["fulfillmentLineItems"]})
            assert shipped == fulfilled
            assert datetime.fromisoformat(shipment["actual_fulfillment_date"]) == datetime.fromisoformat(
                fulfillment["createdAt"]
            )
            assert centres[shipment["location"]["id"]]["address1"] in {"100 Granite Way", "25 Harbor Road"}
            seen_centres.add(shipment["location"]["id"])
            shipments += 1
        ordered: Counter[str] = Counter()
        for line in order["products"]:
            ordered[line["sku"]] += line["quantity"]
        if order["status"] != "Cancelled":  # the shipments together ship the whole order
            all_shipped: Counter[str] = Counter()
            for shipment in order["shipments"]:
                for p in shipment["products"]:
                    all_shipped[p["sku"]] += p["inventory_items"][0]["quantity"]
            assert all_shipped == ordered
    assert seen_centres == set(centres) and shipments > len(orders) / 2
    # every live Shopify order was imported, and only those
    live = sum(len(shop.live_orders()) for shop in shops.values())
    assert len(orders) == live


def test_returns_are_the_restocked_refunds(served):
    sandbox, client = served
    shops = _shopify(sandbox)
    returns = client.items("/return", "get-return-orders", Limit=50)
    assert returns
    for ret in returns:
        shop = shops[ret["channel"]["id"]]
        shopify = render_order_activity(shop, shop.order_by_gid(gid("Order", int(ret["store_order_id"]))))
        refund = next(r for r in shopify["refunds"] if r["legacyResourceId"] == ret["reference_id"])
        restocked = {r["lineItem"]["sku"]: r["quantity"] for r in refund["refundLineItems"] if r["restocked"]}
        assert {i["sku"]: i["quantity"] for i in ret["inventory"]}.items() <= restocked.items()
        done = ret["status"] == "Completed"  # processed: its actions taken and its charge known
        processed = [[a["quantity_processed"] for a in i["action_taken"]] for i in ret["inventory"]]
        assert processed == [[i["quantity"]] if done else [] for i in ret["inventory"]]
        shipment = client.ok(f"/shipment/{ret['original_shipment_id']}", "get-shipment")
        assert ret["fulfillment_center"]["id"] == shipment["location"]["id"]
        assert (
            shipment["actual_fulfillment_date"] <= ret["insert_date"] <= (ret["completed_date"] or ret["insert_date"])
        )
        charged = sum((t["amount"] for t in ret["transactions"]), Decimal(0))
        assert ret["invoice"]["amount"] == (charged if done else None)
    assert {r["status"] for r in returns} >= {"Completed", "Cancelled"}
    # filters: dates are inclusive, ids and centres narrow
    first = returns[-1]
    same_day = client.items(
        "/return", "get-return-orders", StartDate=first["insert_date"], EndDate=first["insert_date"]
    )
    assert first["id"] in {r["id"] for r in same_day}
    centre = first["fulfillment_center"]["id"]
    at_centre = client.items("/return", "get-return-orders", FulfillmentCenterIds=str(centre), Limit=250)
    assert {r["fulfillment_center"]["id"] for r in at_centre} == {centre}


def test_stock_adds_up_across_centres_and_lots(served):
    _, client = served
    totals = {i["inventory_id"]: i for i in client.items("/inventory-level", "get-all-inventory-levels")}
    by_centre = client.items("/inventory-level/locations", "get-all-inventory-levels-grouped-by-fulfillment-center")
    assert len(totals) == len(by_centre) == 30
    for item in by_centre:
        assert len(item["locations"]) == 2
        total = totals[item["inventory_id"]]
        assert sum(loc["on_hand_quantity"] for loc in item["locations"]) == total["total_on_hand_quantity"]
        assert sum(loc["awaiting_quantity"] for loc in item["locations"]) == total["total_awaiting_quantity"]
        assert (
            total["total_fulfillable_quantity"] == total["total_on_hand_quantity"] - total["total_committed_quantity"]
        )
    lots = client.items("/inventory-level/lots", "get-all-inventory-levels-grouped-by-lot")
    assert lots
    for item in lots:
        assert (
            sum(lot["on_hand_quantity"] for lot in item["lots"])
            == totals[item["inventory_id"]]["total_on_hand_quantity"]
        )
    # what receiving still expects is what the centres await
    awaiting: Counter[int] = Counter()
    for wro in client.numbered("/receiving", "get-multiple-warehouse-receiving-orders", limit=50):
        for line in wro["inventory_quantities"]:
            awaiting[line["inventory_id"]] += line["expected_quantity"] - line["received_quantity"]
        boxes = client.ok(f"/receiving/{wro['id']}/boxes", "get-warehouse-receiving-order-boxes")
        assert sum(b["box_items"][0]["quantity"] for b in boxes) == sum(
            q["expected_quantity"] for q in wro["inventory_quantities"]
        )
    assert {k: v for k, v in awaiting.items() if v} == {
        k: v["total_awaiting_quantity"] for k, v in totals.items() if v["total_awaiting_quantity"]
    }


def _invoice_sums(client):
    out = {}
    for invoice in client.items("/invoices", "get-invoices", FromDate=EVERYTHING, PageSize=10):
        lines = client.items(
            f"/invoices/{invoice['invoice_id']}/transactions", "get-transactions-by-invoice-id", PageSize=40
        )
        assert lines and {t["invoice_id"] for t in lines} == {invoice["invoice_id"]}
        assert len({t["transaction_id"] for t in lines}) == len(lines)
        out[invoice["invoice_id"]] = (invoice["amount"], sum((t["amount"] for t in lines), Decimal("0")))
    return out


def test_every_invoice_is_the_sum_of_its_transactions(served):
    _, client = served
    sums = _invoice_sums(client)
    assert len(sums) > 20
    assert all(isinstance(amount, Decimal) for amount, _ in sums.values())
    off = {i: (a, s) for i, (a, s) in sums.items() if a != s}
    assert not off
    invoices = client.items("/invoices", "get-invoices", FromDate=EVERYTHING, SortOrder="Ascending")
    assert {i["invoice_type"] for i in invoices} == {"Shipping", "Return", "Inbound Fee", "WarehouseStorage"}
    dates = [i["invoice_date"] for i in invoices]
    assert dates == sorted(dates) and all(datetime.fromisoformat(d).weekday() == 0 for d in dates)  # weekly, on Mondays
    balance = Decimal(0)
    for invoice in invoices:
        balance += invoice["amount"]
        assert invoice["running_balance"] == balance


def test_shipping_lines_name_the_shipments_and_orders_they_charge(served):
    _, client = served
    invoice = next(
        i for i in client.items("/invoices", "get-invoices", FromDate=EVERYTHING) if i["invoice_type"] == "Shipping"
    )
    lines = client.items(f"/invoices/{invoice['invoice_id']}/transactions", "get-transactions-by-invoice-id")
    charged = Decimal(0)
    for line in lines[:10]:
        assert line["reference_type"] == "Shipment"
        shipment = client.ok(f"/shipment/{line['reference_id']}", "get-shipment")
        assert str(shipment["order_id"]) == line["additional_details"]["OrderId"]
        charged += line["amount"]
    assert charged > 0


def test_an_unbalanced_invoice_is_a_cent_over_its_transactions(sandbox_factory):
    sandbox, base = sandbox_factory(
        shopify_orders=40, days=30, anchor=ANCHOR, amazon_orders=5, faults=(Fault("unbalanced_invoices", "shipbob"),)
    )
    client = ShipBob(base)
    sums = _invoice_sums(client)
    off = {i: a - s for i, (a, s) in sums.items() if a != s}
    assert list(off.values()) == [Decimal("0.01")]
    # armed on a running sandbox: one more, and the first stays as it was
    reply = http("POST", base + "/_sandbox/faults", b'{"api": "shipbob", "kind": "unbalanced_invoices"}')
    assert reply.status == 200
    assert parse(reply)["fired"]["shipbob"] == {"unbalanced_invoices": 2}
    assert sandbox.shipbob is not None and len(sandbox.shipbob.faults.status()["unbalanced_invoice_ids"]) == 2
    again = {i: a - s for i, (a, s) in _invoice_sums(client).items() if a != s}
    assert len(again) == 2 and set(off) < set(again)
    assert http("POST", base + "/_sandbox/faults", b'{"api": "shipbob", "kind": "unbalanced"}').status == 400


def _units(lines: Iterable[tuple[str, int]]) -> Counter[str]:
    out: Counter[str] = Counter()
    for sku, quantity in lines:
        out[sku] += quantity
    return out


def test_a_miscounted_shipment_says_a_unit_more_wherever_it_is_served(sandbox_factory):
    sandbox, base = sandbox_factory(
        shopify_orders=40, days=30, anchor=ANCHOR, amazon_orders=5, faults=(Fault("miscounted_shipments", "shipbob"),)
    )
    client = ShipBob(base)
    assert sandbox.shipbob is not None
    [shipment_id] = sandbox.shipbob.faults.status()["miscounted_shipment_ids"]
    shipment = sandbox.shipbob.world.shipment(shipment_id)
    assert shipment is not None
    newest = max((s for k in sandbox.shipbob.world.order_keys() for s in k.shipments), key=lambda s: (s.shipped, s.id))
    assert shipment == newest
    shipped = _units((item.sku, quantity) for item, quantity in shipment.lines)

    def said(products: list[dict[str, Any]]) -> Counter[str]:
        return _units((p["sku"], i["quantity"]) for p in products for i in p["inventory_items"])

    served = said(client.ok(f"/shipment/{shipment_id}", "get-shipment")["products"])
    shipments = client.ok(f"/order/{shipment.order_id}", "get-order")["shipments"]
    in_order = said(next(s for s in shipments if s["id"] == shipment_id)["products"])
    lines = client.ok(f"/shipment/{shipment_id}:getLineItems", "get-shipment-line-items")
    as_lines = _units((line["product_variant"]["sku"], line["quantity"]) for line in lines)
    assert served == in_order == as_lines
    assert sum(served.values()) == sum(shipped.values()) + 1 and set(served) == set(shipped)
    # every other shipment as shipped
    other = next(s for k in sandbox.shipbob.world.order_keys() for s in k.shipments if s.id != shipment_id)
    assert said(client.ok(f"/shipment/{other.id}", "get-shipment")["products"]) == _units(
        (item.sku, quantity) for item, quantity in other.lines
    )


def test_a_held_invoice_is_served_once_released(sandbox_factory):
    sandbox, base = sandbox_factory(shopify_orders=40, days=30, anchor=ANCHOR, amazon_orders=5)
    client = ShipBob(base)
    assert sandbox.shipbob is not None
    billing = sandbox.shipbob.billing
    newest = max(billing.invoices())
    billing.held.add(newest)
    assert newest not in set(_invoice_sums(client))
    assert client.get(f"/invoices/{newest}/transactions").status == 404
    billing.held.clear()
    assert newest in set(_invoice_sums(client))


def test_the_world_is_the_same_for_the_same_seed(sandbox_factory):
    answers = []
    for _ in range(2):
        _, base = sandbox_factory(shopify_orders=30, days=20, anchor=ANCHOR, amazon_orders=5)
        client = ShipBob(base)
        answers.append(
            (
                client.numbered("/order", "get-orders", limit=250),
                client.items("/inventory-level/locations", "get-all-inventory-levels-grouped-by-fulfillment-center"),
                client.items("/invoices", "get-invoices", FromDate=EVERYTHING),
            )
        )
    assert answers[0] == answers[1]
