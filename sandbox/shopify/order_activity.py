"""What happens to an order after it is placed: payment, fulfilments and refunds.

Everything follows from the order's seed and its rendered lines, laid out in time between
its creation and the end of its activity, so it is the same on every run and needs no
storage. Amounts reconcile to the cent:

- a payment (SALE, or AUTHORIZATION then CAPTURE) for the order total; a cancelled order
  has its authorization VOIDed instead, and no fulfilment or refund;
- fulfilments cover every line (several for larger orders), from a shipping location;
- partial refunds: refunded lines (with restock type) + their tax + shipping refunds
  + order adjustments (negative: what the merchant kept, e.g. a restocking fee) equal the
  refund's total, which equals its REFUND transaction.
"""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal
from typing import Any

from sandbox.shopify.catalog_data import SHIPPING_LOCATIONS, Location
from sandbox.shopify.data import CENT, OrderFact, ShopData, _bag, gid, iso, render_order

REFUND_SHARE = 0.12  # of orders that were not cancelled
RESTOCKING_FEE = Decimal("0.10")
BULK_RETURN_LINES = 6  # lines in a wholesale order's second refund


def amount(bag: dict[str, Any]) -> Decimal:
    return Decimal(bag["shopMoney"]["amount"])


def _at(fact: OrderFact, fraction: float) -> datetime:
    return fact.created_at + (fact.activity_end - fact.created_at) * fraction


def _share(value: Decimal, part: int, whole: int) -> Decimal:
    return value if part == whole else (value * part / whole).quantize(CENT)


def _location_ref(location: Location) -> dict[str, Any]:
    return {"__typename": "Location", "id": location.gid, "name": location.name}


class _Builder:
    def __init__(self, shop: ShopData, fact: OrderFact, order: dict[str, Any]) -> None:
        self.shop = shop
        self.fact = fact
        self.order = order
        self.cur = shop.currency
        self.rng = random.Random(f"{fact.seed}:activity")
        self.lines: list[dict[str, Any]] = order["lineItems"]
        self.transactions: list[dict[str, Any]] = []

    def transaction(
        self, kind: str, value: Decimal, at: datetime, parent: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        legacy = self.fact.legacy_id * 10 + len(self.transactions)
        txn = {
            "__typename": "OrderTransaction",
            "id": gid("OrderTransaction", legacy),
            "kind": kind,
            "status": "SUCCESS",
            # A test order is paid through the test gateway: no money reaches Shopify Payments.
            "gateway": "bogus" if self.fact.test else "shopify_payments",
            "formattedGateway": "Bogus Gateway" if self.fact.test else "Shopify Payments",
            "test": self.fact.test,
            "amountSet": _bag(value, self.cur),
            "createdAt": iso(at),
            "processedAt": iso(at),
            "paymentId": f"r{legacy:x}",
            "authorizationExpiresAt": None,
            "parentTransaction": None if parent is None else {"__typename": "OrderTransaction", "id": parent["id"]},
            "order": {"__typename": "Order", "id": self.order["id"]},
        }
        self.transactions.append(txn)
        return txn

    def fulfillments(self) -> list[dict[str, Any]]:
        count = 1 if len(self.lines) == 1 else (3 if len(self.lines) >= 10 else self.rng.choice((1, 1, 2)))
        location = self.rng.choice(SHIPPING_LOCATIONS)
        groups = [self.lines[i::count] for i in range(count)]
        out = []
        for index, group in enumerate(groups):
            legacy = self.fact.legacy_id * 10 + index
            at = _at(self.fact, 0.2 + 0.3 * index / count)
            out.append(
                {
                    "__typename": "Fulfillment",
                    "id": gid("Fulfillment", legacy),
                    "legacyResourceId": str(legacy),
                    "name": f"{self.order['name']}-F{index + 1}",
                    "status": "SUCCESS",
                    "displayStatus": "DELIVERED" if at < _at(self.fact, 1.0) else "FULFILLED",
                    "requiresShipping": True,
                    "totalQuantity": sum(li["quantity"] for li in group),
                    "location": _location_ref(location),
                    "trackingInfo": [
                        {
                            "__typename": "FulfillmentTrackingInfo",
                            "company": "UPS",
                            "number": f"1Z{legacy:012d}",
                            "url": None,
                        }
                    ],
                    "fulfillmentLineItems": [
                        {
                            "__typename": "FulfillmentLineItem",
                            "id": gid("FulfillmentLineItem", legacy * 100 + j),
                            "quantity": li["quantity"],
                            "lineItem": {"__typename": "LineItem", "id": li["id"], "sku": li["sku"]},
                            "originalTotalSet": li["originalTotalSet"],
                            "discountedTotalSet": li["discountedTotalSet"],
                        }
                        for j, li in enumerate(group)
                    ],
                    "createdAt": iso(at),
                    "updatedAt": iso(at),
                    "deliveredAt": None,
                    "inTransitAt": iso(at),
                }
            )
        return out

    def refund_plans(self) -> list[list[tuple[dict[str, Any], int]]]:
        """Which lines (and how many of each) each refund returns."""
        wholesale = len(self.lines) >= 10
        if not wholesale and self.rng.random() >= REFUND_SHARE:
            return []
        first = self.rng.choice(self.lines)
        plans = [[(first, self.rng.randint(1, first["quantity"]))]]
        if wholesale:
            others = [li for li in self.lines if li is not first][:BULK_RETURN_LINES]
            plans.append([(li, li["quantity"]) for li in others])
        return plans

    def refund(
        self, index: int, plan: list[tuple[dict[str, Any], int]], at: datetime, payment: dict[str, Any]
    ) -> dict[str, Any]:
        legacy = self.fact.legacy_id * 10 + index
        restock = self.rng.random() < 0.7
        location = SHIPPING_LOCATIONS[0]
        refund_lines = []
        for j, (li, qty) in enumerate(plan):
            subtotal = _share(amount(li["discountedTotalSet"]), qty, li["quantity"])
            tax = _share(sum((amount(t["priceSet"]) for t in li["taxLines"]), Decimal(0)), qty, li["quantity"])
            refund_lines.append(
                {
                    "__typename": "RefundLineItem",
                    "id": gid("RefundLineItem", legacy * 100 + j),
                    "lineItem": {"__typename": "LineItem", "id": li["id"], "sku": li["sku"]},
                    "quantity": qty,
                    "restockType": "RETURN" if restock else "NO_RESTOCK",
                    "restocked": restock,
                    "location": _location_ref(location) if restock else None,
                    "priceSet": li["originalUnitPriceSet"],
                    "subtotalSet": _bag(subtotal, self.cur),
                    "totalTaxSet": _bag(tax, self.cur),
                }
            )
            li["currentQuantity"] -= qty
        lines_total = sum((amount(r["subtotalSet"]) + amount(r["totalTaxSet"]) for r in refund_lines), Decimal(0))
        shipping = amount(self.order["totalShippingPriceSet"])
        shipping_lines: list[dict[str, Any]] = []
        if index == 0 and shipping > 0 and self.rng.random() < 0.3:
            shipping_lines.append(
                {
                    "__typename": "RefundShippingLine",
                    "id": gid("RefundShippingLine", legacy * 10),
                    "subtotalAmountSet": _bag(shipping, self.cur),
                    "taxAmountSet": _bag(Decimal("0.00"), self.cur),
                }
            )
        adjustments: list[dict[str, Any]] = []
        if restock and self.rng.random() < 0.3:
            fee = (sum((amount(r["subtotalSet"]) for r in refund_lines), Decimal(0)) * RESTOCKING_FEE).quantize(CENT)
            adjustments.append(
                {
                    "__typename": "OrderAdjustment",
                    "id": gid("OrderAdjustment", legacy * 10),
                    "reason": "RESTOCK",
                    "amountSet": _bag(-fee, self.cur),
                    "taxAmountSet": _bag(Decimal("0.00"), self.cur),
                }
            )
        total = (
            lines_total
            + sum((amount(s["subtotalAmountSet"]) + amount(s["taxAmountSet"]) for s in shipping_lines), Decimal(0))
            + sum((amount(a["amountSet"]) for a in adjustments), Decimal(0))
        )
        txn = self.transaction("REFUND", total, at, parent=payment)
        return {
            "__typename": "Refund",
            "id": gid("Refund", legacy),
            "legacyResourceId": str(legacy),
            "note": "Returned by customer" if restock else "Damaged in transit",
            "createdAt": iso(at),
            "processedAt": iso(at),
            "updatedAt": iso(at),
            "totalRefundedSet": _bag(total, self.cur),
            "refundLineItems": refund_lines,
            "refundShippingLines": shipping_lines,
            "orderAdjustments": adjustments,
            "transactions": [txn],
            "order": {"__typename": "Order", "id": self.order["id"]},
        }


def render_order_activity(shop: ShopData, fact: OrderFact) -> dict[str, Any]:
    """The order with its `transactions`, `fulfillments` and `refunds` (plain lists) and the
    totals, statuses and line quantities those refunds change."""
    order = render_order(shop, fact)
    build = _Builder(shop, fact, order)
    total = amount(order["totalPriceSet"])
    placed = fact.created_at
    if order["cancelledAt"]:
        auth = build.transaction("AUTHORIZATION", total, placed)
        build.transaction("VOID", total, _at(fact, 1.0), parent=auth)
        order.update(transactions=build.transactions, fulfillments=[], refunds=[])
        return _payments(order, Decimal(0), Decimal(0), shop.currency)
    fulfillments = build.fulfillments()
    if build.rng.random() < 0.3:
        auth = build.transaction("AUTHORIZATION", total, placed)
        payment = build.transaction("CAPTURE", total, datetime.fromisoformat(fulfillments[0]["createdAt"]), auth)
    else:
        payment = build.transaction("SALE", total, placed)
    plans = build.refund_plans()
    refunds = [
        build.refund(index, plan, _at(fact, 1.0 if index == len(plans) - 1 else 0.75), payment)
        for index, plan in enumerate(plans)
    ]
    refunded = sum((amount(r["totalRefundedSet"]) for r in refunds), Decimal(0))
    if refunds:
        order["displayFinancialStatus"] = "REFUNDED" if refunded == total else "PARTIALLY_REFUNDED"
        order["totalRefundedSet"] = _bag(refunded, shop.currency)
        order["currentTotalPriceSet"] = _bag(total - refunded, shop.currency)
    order.update(transactions=build.transactions, fulfillments=fulfillments, refunds=refunds)
    return _payments(order, total, refunded, shop.currency)


def _payments(order: dict[str, Any], received: Decimal, refunded: Decimal, currency: str) -> dict[str, Any]:
    """What the order's transactions add up to: received, refunded, net and still owed."""
    order["totalReceivedSet"] = _bag(received, currency)
    order["netPaymentSet"] = _bag(received - refunded, currency)
    order["totalOutstandingSet"] = _bag(Decimal(0), currency)
    return order
