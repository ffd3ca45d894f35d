"""The sandbox shop's entities are consistent with each other, to the cent."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from sandbox.catalog import CATALOG
from sandbox.shopify.catalog_data import LOCATIONS, UNAVAILABLE, build_catalog
from sandbox.shopify.data import generate_shop
from sandbox.shopify.entities import ShopEntities
from sandbox.shopify.ledger import PAYOUT_SETTLES_DAYS, build_ledger, processing_fee
from sandbox.shopify.order_activity import amount, render_order_activity

SHOP = generate_shop(orders=400)
ORDERS = [render_order_activity(SHOP, fact) for fact in SHOP.orders]


def total(bags):
    return sum((amount(b) for b in bags), Decimal("0.00"))


def test_refunds_reconcile_and_match_their_transactions():
    refunds = [r for o in ORDERS for r in o["refunds"]]
    assert len(refunds) > 20
    assert any(li["restockType"] == "RETURN" for r in refunds for li in r["refundLineItems"])
    assert any(li["restockType"] == "NO_RESTOCK" for r in refunds for li in r["refundLineItems"])
    assert any(r["orderAdjustments"] for r in refunds) and any(r["refundShippingLines"] for r in refunds)
    for order in ORDERS:
        lines = {li["id"]: li for li in order["lineItems"]}
        refunded: Counter[str] = Counter()
        for refund in order["refunds"]:
            parts = (
                total(li["subtotalSet"] for li in refund["refundLineItems"])
                + total(li["totalTaxSet"] for li in refund["refundLineItems"])
                + total(s["subtotalAmountSet"] for s in refund["refundShippingLines"])
                + total(s["taxAmountSet"] for s in refund["refundShippingLines"])
                + total(a["amountSet"] for a in refund["orderAdjustments"])
            )
            assert amount(refund["totalRefundedSet"]) == parts
            [txn] = refund["transactions"]
            assert txn["kind"] == "REFUND" and amount(txn["amountSet"]) == parts
            for li in refund["refundLineItems"]:
                refunded[li["lineItem"]["id"]] += li["quantity"]
        for line_id, qty in refunded.items():
            assert lines[line_id]["currentQuantity"] == lines[line_id]["quantity"] - qty >= 0
        refund_total = total(r["totalRefundedSet"] for r in order["refunds"])
        assert amount(order["totalRefundedSet"]) == refund_total
        assert amount(order["currentTotalPriceSet"]) == (
            0 if order["cancelledAt"] else amount(order["totalPriceSet"]) - refund_total
        )


def test_payments_match_the_order_and_fulfillments_cover_every_line():
    assert any(len(o["fulfillments"]) > 1 for o in ORDERS)
    for order in ORDERS:
        kinds = [t["kind"] for t in order["transactions"]]
        if order["cancelledAt"]:
            assert kinds == ["AUTHORIZATION", "VOID"] and not order["fulfillments"]
            continue
        captured = [t for t in order["transactions"] if t["kind"] in ("SALE", "CAPTURE")]
        assert len(captured) == 1 and amount(captured[0]["amountSet"]) == amount(order["totalPriceSet"])
        shipped: Counter[str] = Counter()
        for fulfillment in order["fulfillments"]:
            for fli in fulfillment["fulfillmentLineItems"]:
                shipped[fli["lineItem"]["id"]] += fli["quantity"]
        assert shipped == Counter({li["id"]: li["quantity"] for li in order["lineItems"]})
        for txn in order["transactions"]:
            assert order["createdAt"] <= txn["processedAt"] <= order["updatedAt"]


def test_payouts_are_the_sum_of_their_balance_transactions():
    ledger = build_ledger(SHOP)
    now = SHOP.anchor
    assert now is not None
    assert len(ledger.issued(now)) >= 20
    assert {t.kind for t in ledger.balance} == {"CHARGE", "REFUND", "ADJUSTMENT"}
    paid_out: set[int] = set()
    for payout in ledger.issued(now):
        obj = ledger.payout_object(payout, "USD", now)
        nets = [
            Decimal(ledger.balance_object(ledger.balance[n], "USD", now)["net"]["amount"]) for n in payout.transactions
        ]
        assert Decimal(obj["net"]["amount"]) == sum(nets)
        paid_out.update(payout.transactions)
    charges = [t for t in ledger.balance if t.kind == "CHARGE"]
    captured = [t for o in ORDERS for t in o["transactions"] if t["kind"] in ("SALE", "CAPTURE")]
    assert len(charges) == len(captured)
    assert all(t.fee == processing_fee(t.amount) for t in charges)
    pending = [t for t in ledger.balance if t.number not in paid_out]
    assert all(ledger.payout_status(t, now) == "PENDING" for t in pending)


def test_payouts_are_issued_then_paid_as_the_shop_clock_moves():
    ledger = build_ledger(SHOP)
    assert SHOP.anchor is not None
    last = ledger.payouts[-1]  # the period still open at the anchor
    assert last.issued_at > SHOP.anchor and last not in ledger.issued(SHOP.anchor)
    txn = ledger.balance[last.transactions[0]]
    before, issued, paid = (
        last.issued_at - timedelta(seconds=1),
        last.issued_at,
        last.issued_at + timedelta(days=PAYOUT_SETTLES_DAYS),
    )
    assert [ledger.payout_status(txn, t) for t in (before, issued, paid)] == ["PENDING", "SCHEDULED", "PAID"]
    assert ledger.balance_object(txn, "USD", before)["associatedPayout"]["id"] is None
    assert (
        ledger.balance_object(txn, "USD", issued)["associatedPayout"]["id"]
        == ledger.payout_object(last, "USD", issued)["id"]
    )
    assert [last.status(t) for t in (issued, paid)] == ["SCHEDULED", "PAID"]
    assert ledger.issued(issued)[-1] == last


def test_customers_are_the_buyers_of_the_orders():
    entities = ShopEntities(SHOP)
    customers = {c["id"]: c for c in entities.customers()}
    by_customer = Counter(o["customer"]["id"] for o in ORDERS)
    assert set(by_customer) <= set(customers)
    for customer_id, count in by_customer.items():
        assert int(customers[customer_id]["numberOfOrders"]) == count


def test_inventory_covers_every_variant_at_several_locations():
    catalog = build_catalog(SHOP)
    per_sku = Counter(level.item.sku for level in catalog.levels)
    assert set(per_sku) == {item.sku for item in CATALOG}
    assert min(per_sku.values()) >= 2 and max(per_sku.values()) == len(LOCATIONS)
    for level in catalog.levels:
        q = level.quantities
        assert q["on_hand"] == q["available"] + sum(q[n] for n in UNAVAILABLE)


def test_touching_an_order_moves_updated_at_but_not_its_history():
    shop = generate_shop(orders=100)
    fact = next(f for f in shop.orders if render_order_activity(shop, f)["refunds"])
    before = render_order_activity(shop, fact)
    assert shop.anchor is not None
    later = shop.anchor.replace(hour=12)
    touched = shop.touch_order(fact.legacy_id, later)
    after = render_order_activity(shop, touched)
    assert after["updatedAt"] == f"{later.date().isoformat()}T12:00:00Z"
    assert {k: v for k, v in after.items() if k != "updatedAt"} == {k: v for k, v in before.items() if k != "updatedAt"}
