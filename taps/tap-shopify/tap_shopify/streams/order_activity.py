"""Records of refunds, transactions and fulfillments, read inside the orders query.

They change only through their order, whose `updatedAt` moves with them, so each is
emitted again whenever its order is re-read. A refund carries its refund line items
(with restock type), shipping refunds and order adjustments as nested arrays: they have
no life of their own outside the refund, and the refund's summary columns
(`refunded_subtotal + refunded_tax + refunded_shipping + order_adjustments_amount =
total_refunded`) make it reconcilable without unnesting.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from singer_sdk import typing as th

from tap_shopify.client import ShopifyStream, legacy_id, money
from tap_shopify.pagination import dig
from tap_shopify.streams.nested import all_nodes, fill_unread

if TYPE_CHECKING:
    from collections.abc import Iterable

    from tap_shopify.streams.buffered import PageBuffers

ZERO = Decimal("0.00")
MONEY = th.NumberType
REFUNDS, TRANSACTIONS, FULFILLMENTS = "refunds", "transactions", "fulfillments"

_ORDER_LINK = (
    th.Property("shop", th.StringType, required=True, description="The myshopify domain"),
    th.Property("id", th.StringType, required=True, description="Global ID"),
    th.Property("order_id", th.StringType, required=True),
    th.Property("order_updated_at", th.DateTimeType, description="updated_at of the order when read"),
    th.Property("currency_code", th.StringType, description="Shop currency of every amount"),
)

REFUND_SCHEMA = th.PropertiesList(
    *_ORDER_LINK,
    th.Property("legacy_resource_id", th.IntegerType),
    th.Property("note", th.StringType),
    th.Property("created_at", th.DateTimeType),
    th.Property("processed_at", th.DateTimeType),
    th.Property("updated_at", th.DateTimeType),
    th.Property("total_refunded", MONEY, description="Money returned to the customer"),
    th.Property("refunded_subtotal", MONEY, description="Refunded lines, after discounts, before tax"),
    th.Property("refunded_tax", MONEY, description="Tax of the refunded lines"),
    th.Property("refunded_shipping", MONEY, description="Shipping refunded, with its tax"),
    th.Property("order_adjustments_amount", MONEY, description="Sum of order adjustments (negative: kept)"),
    th.Property(
        "refund_line_items",
        th.ArrayType(
            th.ObjectType(
                th.Property("id", th.StringType),
                th.Property("line_item_id", th.StringType),
                th.Property("sku", th.StringType),
                th.Property("quantity", th.IntegerType),
                th.Property("restock_type", th.StringType, description="RETURN, CANCEL, NO_RESTOCK, ..."),
                th.Property("restocked", th.BooleanType),
                th.Property("location_id", th.StringType, description="Where the items were restocked"),
                th.Property("unit_price", MONEY),
                th.Property("subtotal", MONEY),
                th.Property("total_tax", MONEY),
            )
        ),
    ),
    th.Property(
        "shipping_refunds",
        th.ArrayType(
            th.ObjectType(
                th.Property("id", th.StringType),
                th.Property("subtotal", MONEY),
                th.Property("tax", MONEY),
            )
        ),
    ),
    th.Property(
        "order_adjustments",
        th.ArrayType(
            th.ObjectType(
                th.Property("id", th.StringType),
                th.Property("reason", th.StringType),
                th.Property("amount", MONEY),
                th.Property("tax_amount", MONEY),
            )
        ),
    ),
).to_dict()

TRANSACTION_SCHEMA = th.PropertiesList(
    *_ORDER_LINK,
    th.Property("kind", th.StringType, description="SALE, AUTHORIZATION, CAPTURE, REFUND, VOID, ..."),
    th.Property("status", th.StringType),
    th.Property("gateway", th.StringType),
    th.Property("test", th.BooleanType),
    th.Property("error_code", th.StringType),
    th.Property("payment_id", th.StringType),
    th.Property("amount", MONEY),
    th.Property("parent_transaction_id", th.StringType),
    th.Property("created_at", th.DateTimeType),
    th.Property("processed_at", th.DateTimeType),
).to_dict()

FULFILLMENT_SCHEMA = th.PropertiesList(
    *_ORDER_LINK,
    th.Property("legacy_resource_id", th.IntegerType),
    th.Property("name", th.StringType),
    th.Property("status", th.StringType),
    th.Property("display_status", th.StringType),
    th.Property("total_quantity", th.IntegerType),
    th.Property("location_id", th.StringType),
    th.Property("tracking_company", th.StringType),
    th.Property("tracking_numbers", th.ArrayType(th.StringType)),
    th.Property("created_at", th.DateTimeType),
    th.Property("updated_at", th.DateTimeType),
    th.Property("in_transit_at", th.DateTimeType),
    th.Property("delivered_at", th.DateTimeType),
    th.Property(
        "fulfillment_line_items",
        th.ArrayType(
            th.ObjectType(
                th.Property("line_item_id", th.StringType, description="With the fulfillment id, the key"),
                th.Property("sku", th.StringType),
                th.Property("quantity", th.IntegerType),
            )
        ),
    ),
).to_dict()


def _link(stream: ShopifyStream, node: dict[str, Any], order: dict[str, Any]) -> dict[str, Any]:
    return {
        "shop": stream.shop,
        "id": node["id"],
        "order_id": order["id"],
        "order_updated_at": order["updated_at"],
        "currency_code": order["currency_code"],
    }


def _sum(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v or ZERO for v in values), ZERO)


def refund_record(stream: ShopifyStream, node: dict[str, Any], order: dict[str, Any]) -> dict[str, Any]:
    def rest(field: str, query: str) -> list[dict[str, Any]]:
        return all_nodes(stream, node.get(field), query, node["id"], ("refund", field))

    lines = [
        {
            "id": li.get("id"),
            "line_item_id": dig(li, ("lineItem", "id")),
            "sku": dig(li, ("lineItem", "sku")),
            "quantity": li.get("quantity"),
            "restock_type": li.get("restockType"),
            "restocked": li.get("restocked"),
            "location_id": dig(li, ("location", "id")),
            "unit_price": money(li.get("priceSet")),
            "subtotal": money(li.get("subtotalSet")),
            "total_tax": money(li.get("totalTaxSet")),
        }
        for li in rest("refundLineItems", "refund_line_items")
    ]
    shipping = [
        {"id": s.get("id"), "subtotal": money(s.get("subtotalAmountSet")), "tax": money(s.get("taxAmountSet"))}
        for s in rest("refundShippingLines", "refund_shipping_lines")
    ]
    adjustments = [
        {
            "id": a.get("id"),
            "reason": a.get("reason"),
            "amount": money(a.get("amountSet")),
            "tax_amount": money(a.get("taxAmountSet")),
        }
        for a in rest("orderAdjustments", "refund_order_adjustments")
    ]
    return {
        **_link(stream, node, order),
        "legacy_resource_id": legacy_id(node),
        "note": node.get("note"),
        "created_at": node.get("createdAt"),
        "processed_at": node.get("processedAt"),
        "updated_at": node.get("updatedAt"),
        "total_refunded": money(node.get("totalRefundedSet")),
        "refunded_subtotal": _sum(li["subtotal"] for li in lines),
        "refunded_tax": _sum(li["total_tax"] for li in lines),
        "refunded_shipping": _sum(s["subtotal"] for s in shipping) + _sum(s["tax"] for s in shipping),
        "order_adjustments_amount": _sum(a["amount"] for a in adjustments),
        "refund_line_items": lines,
        "shipping_refunds": shipping,
        "order_adjustments": adjustments,
    }


def transaction_record(stream: ShopifyStream, node: dict[str, Any], order: dict[str, Any]) -> dict[str, Any]:
    return {
        **_link(stream, node, order),
        "kind": node.get("kind"),
        "status": node.get("status"),
        "gateway": node.get("gateway"),
        "test": node.get("test"),
        "error_code": node.get("errorCode"),
        "payment_id": node.get("paymentId"),
        "amount": money(node.get("amountSet")),
        "parent_transaction_id": dig(node, ("parentTransaction", "id")),
        "created_at": node.get("createdAt"),
        "processed_at": node.get("processedAt"),
    }


def fulfillment_record(stream: ShopifyStream, node: dict[str, Any], order: dict[str, Any]) -> dict[str, Any]:
    tracking = node.get("trackingInfo") or []
    lines = all_nodes(
        stream,
        node.get("fulfillmentLineItems"),
        "fulfillment_line_items",
        node["id"],
        ("fulfillment", "fulfillmentLineItems"),
    )
    return {
        **_link(stream, node, order),
        "legacy_resource_id": legacy_id(node),
        "name": node.get("name"),
        "status": node.get("status"),
        "display_status": node.get("displayStatus"),
        "total_quantity": node.get("totalQuantity"),
        "location_id": dig(node, ("location", "id")),
        "tracking_company": next((t.get("company") for t in tracking if t.get("company")), None),
        "tracking_numbers": [t["number"] for t in tracking if t.get("number")],
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
        "in_transit_at": node.get("inTransitAt"),
        "delivered_at": node.get("deliveredAt"),
        "fulfillment_line_items": shipped_lines(lines),
    }


def shipped_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A fulfillment's lines, one per line item (keyed so with the fulfillment), in line item order:
    the bulk path reads them from fulfillment orders, which know line items but not the
    fulfillment's own line ids, in no set order. Should a fulfillment ever list one line item
    twice, its quantities are added up."""
    out: dict[str | None, dict[str, Any]] = {}
    for li in lines:
        line_item_id = dig(li, ("lineItem", "id"))
        if line_item_id in out:
            out[line_item_id]["quantity"] = (out[line_item_id]["quantity"] or 0) + (li.get("quantity") or 0)
            continue
        out[line_item_id] = {
            "line_item_id": line_item_id,
            "sku": dig(li, ("lineItem", "sku")),
            "quantity": li.get("quantity"),
        }
    return sorted(out.values(), key=lambda line: _gid_order(line["line_item_id"]))


def _gid_order(value: str | None) -> tuple[int, str]:
    """Global ids of one type in their numbers' order (a longer number is a larger one)."""
    text = value or ""
    return (len(text), text)


REFUND_CONNECTIONS = ("refundLineItems", "refundShippingLines", "orderAdjustments")
# Requested cost of one id in refund_nodes / fulfillment_nodes (connection 2 + first x node).
REFUND_NODE_COST = 1 + (2 + 10 * 9) + (2 + 2 * 5) + (2 + 5 * 5)
FULFILLMENT_NODE_COST = 1 + (2 + 20 * 2)


def fill_unread_children(stream: ShopifyStream, buffers: PageBuffers, nodes: list[dict[str, Any]]) -> None:
    """Give refunds and fulfillments that came without their connections (bulk) those
    connections, a batch of objects a request; only for selected streams, since the calls
    cost quota."""
    if buffers.wants(REFUNDS):
        refunds = [r for n in nodes for r in n.get("refunds") or []]
        fill_unread(stream, refunds, REFUND_CONNECTIONS, "refund_nodes", REFUND_NODE_COST)
    if buffers.wants(FULFILLMENTS):
        fulfillments = [f for n in nodes for f in n.get("fulfillments") or []]
        fill_unread(stream, fulfillments, ("fulfillmentLineItems",), "fulfillment_nodes", FULFILLMENT_NODE_COST)


def buffer_order_children(
    stream: ShopifyStream, buffers: PageBuffers, node: dict[str, Any], order: dict[str, Any]
) -> None:
    """Hold the order's refunds, transactions and fulfillments until its page is done."""
    buffers.add(REFUNDS, lambda: [refund_record(stream, r, order) for r in node.get("refunds") or []])
    buffers.add(TRANSACTIONS, lambda: [transaction_record(stream, t, order) for t in node.get("transactions") or []])
    buffers.add(FULFILLMENTS, lambda: [fulfillment_record(stream, f, order) for f in node.get("fulfillments") or []])
