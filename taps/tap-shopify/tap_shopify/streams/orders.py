"""Orders and their line items, read together from one paged query.

Line items come inside each order (no request per order). The orders stream buffers a
page's lines and the `order_line_items` stream drains that buffer once per page, so an
order and its lines are always emitted together, and again whenever the order changes.
The child context is only the page number: contexts appear in logs and metrics.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, ClassVar

import requests
from singer_sdk import typing as th
from singer_sdk.helpers.types import Context

from tap_shopify import fulfillment_lines
from tap_shopify.bulk import BulkStream, Companion, NodeStore, concurrency_limit
from tap_shopify.client import deleted_at_property, legacy_id, money, to_decimal
from tap_shopify.pagination import dig
from tap_shopify.streams.buffered import BufferedChildStream, PageBuffers
from tap_shopify.streams.order_activity import FULFILLMENTS, buffer_order_children, fill_unread_children
from tap_shopify.window import shopify_time

LINE_ITEMS_PER_ORDER = 5  # inline in the orders query (cost grows with it); more are fetched per order
LINE_ITEMS_PAGE = 50

MONEY = th.NumberType

ORDER_SCHEMA = th.PropertiesList(
    th.Property("shop", th.StringType, required=True, description="The myshopify domain the order belongs to"),
    th.Property("id", th.StringType, required=True, description="Global ID of the order"),
    th.Property("legacy_resource_id", th.IntegerType, description="Numeric ID (REST API, admin URLs)"),
    th.Property("name", th.StringType, description="Order name shown to the merchant, e.g. #1001"),
    th.Property("created_at", th.DateTimeType),
    th.Property("processed_at", th.DateTimeType),
    th.Property("updated_at", th.DateTimeType, required=True),
    th.Property("cancelled_at", th.DateTimeType),
    th.Property("cancel_reason", th.StringType),
    th.Property("closed_at", th.DateTimeType),
    th.Property("test", th.BooleanType),
    th.Property("currency_code", th.StringType, description="Shop currency; every amount below is in it"),
    th.Property("presentment_currency_code", th.StringType, description="Currency the customer paid in"),
    th.Property("taxes_included", th.BooleanType),
    th.Property("source_name", th.StringType),
    th.Property("tags", th.ArrayType(th.StringType)),
    th.Property("discount_codes", th.ArrayType(th.StringType)),
    th.Property("display_financial_status", th.StringType),
    th.Property("display_fulfillment_status", th.StringType),
    th.Property("subtotal_line_items_quantity", th.IntegerType),
    th.Property("customer_id", th.StringType),
    th.Property("subtotal_price", MONEY, description="Line items after discounts, before shipping and tax"),
    th.Property("total_discounts", MONEY),
    th.Property("total_shipping_price", MONEY),
    th.Property("total_tax", MONEY),
    th.Property("total_price", MONEY),
    th.Property("current_total_price", MONEY, description="Total after edits, refunds and cancellation"),
    th.Property("total_refunded", MONEY),
    deleted_at_property("order"),
).to_dict()

LINE_ITEM_SCHEMA = th.PropertiesList(
    th.Property("shop", th.StringType, required=True),
    th.Property("id", th.StringType, required=True, description="Global ID of the line item"),
    th.Property("order_id", th.StringType, required=True),
    th.Property("order_updated_at", th.DateTimeType, description="updated_at of the order when read"),
    th.Property("sku", th.StringType),
    th.Property("name", th.StringType),
    th.Property("title", th.StringType),
    th.Property("variant_title", th.StringType),
    th.Property("vendor", th.StringType),
    th.Property("quantity", th.IntegerType),
    th.Property("current_quantity", th.IntegerType, description="Quantity after removals and refunds"),
    th.Property("requires_shipping", th.BooleanType),
    th.Property("taxable", th.BooleanType),
    th.Property("currency_code", th.StringType),
    th.Property("original_unit_price", MONEY),
    th.Property("original_total", MONEY),
    th.Property("total_discount", MONEY),
    th.Property("discounted_total", MONEY),
    th.Property("tax", MONEY, description="Sum of the line's tax lines"),
    th.Property(
        "tax_lines",
        th.ArrayType(
            th.ObjectType(
                th.Property("title", th.StringType),
                th.Property("rate", th.NumberType),
                th.Property("amount", MONEY),
            )
        ),
    ),
    th.Property("variant_id", th.StringType),
    th.Property("product_id", th.StringType),
).to_dict()


class OrdersStream(BulkStream):
    name = "orders"
    query_name = "orders"
    bulk_query_name = "orders_bulk"
    bulk_count_query_name = "orders_count"
    bulk_children: ClassVar[dict[str, dict[str, str]]] = {"Order": {"LineItem": "lineItems"}}
    result_path = ("orders",)
    primary_keys = ("shop", "id")
    replication_key = "updated_at"
    is_sorted = True  # sortKey: UPDATED_AT, so the bookmark advances safely mid-stream
    schema = ORDER_SCHEMA
    initial_page_size = 5
    deletion_subject = "ORDER"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._page_lines: list[dict[str, Any]] = []
        self.child_buffers = PageBuffers(self._tap)  # refunds, transactions, fulfillments
        self._page_done = False
        self._page_number = 0
        self._shipped: fulfillment_lines.ShippedLines | None = None  # from a bulk read of fulfillment orders

    def variables(self, context: Context | None, next_page_token: str | None) -> dict[str, Any]:
        variables = super().variables(context, next_page_token)
        variables["lineItems"] = LINE_ITEMS_PER_ORDER
        variables["query"] = self.search_filter(context)
        return variables

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        yield from self.records_from_nodes(list(self.nodes(response)))

    def bulk_companions(self, context: Context | None) -> list[Companion]:
        """Fulfillment orders beside the orders, for the lines of orders with a single fulfillment: where
        the API version runs two bulk queries at once and fulfillments are selected. The window's start
        bounds them (one updated before it that an order in the window needs is not read, and that
        order keeps its follow-up)."""
        version = str(self.config.get("api_version") or "2026-10")
        if concurrency_limit(version) < 2 or not self.child_buffers.wants(FULFILLMENTS):
            return []
        start = self.window(context).start
        return [
            Companion(
                key=fulfillment_lines.COMPANION_KEY,
                query_name=fulfillment_lines.QUERY_NAME,
                search=f"updated_at:>='{shopify_time(start)}'" if start else "",
                children=fulfillment_lines.CHILDREN,
            )
        ]

    def use_companion(self, companion: Companion, store: NodeStore | None) -> None:
        if companion.key != fulfillment_lines.COMPANION_KEY:
            return
        self._shipped = None
        if store is not None:
            self._shipped = fulfillment_lines.ShippedLines()
            self._shipped.load(store.roots())
            self.logger.info("%s: fulfillment orders read for %d orders", self.name, len(self._shipped))

    def records_from_nodes(self, nodes: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
        """Orders of one page (or bulk batch); their line items are buffered for the child stream."""
        if self._shipped is not None:
            self._shipped.fill(nodes)  # bulk batches: the fulfillments' lines that fulfillment orders make exact
        fill_unread_children(self, self.child_buffers, nodes)  # bulk batches: refunds' and fulfillments' connections
        for index, node in enumerate(nodes):
            order = self.order_record(node)
            self._page_lines.extend(self.line_item_records(node, order))
            buffer_order_children(self, self.child_buffers, node, order)
            self._page_done = index == len(nodes) - 1
            yield order

    def generate_child_contexts(self, record: dict[str, Any], context: Context | None) -> Iterable[Context | None]:  # noqa: ARG002
        if self._page_done and (self._page_lines or self.child_buffers.pending()):
            self._page_done = False
            self._page_number += 1
            yield {"orders_page": self._page_number}

    def take_page_lines(self) -> list[dict[str, Any]]:
        """Hand over the buffered line items of the page just read."""
        lines, self._page_lines = self._page_lines, []
        return lines

    def order_record(self, node: dict[str, Any]) -> dict[str, Any]:
        return {
            "shop": self.shop,
            "id": node["id"],
            "legacy_resource_id": legacy_id(node),
            "name": node.get("name"),
            "created_at": node.get("createdAt"),
            "processed_at": node.get("processedAt"),
            "updated_at": node["updatedAt"],
            "cancelled_at": node.get("cancelledAt"),
            "cancel_reason": node.get("cancelReason"),
            "closed_at": node.get("closedAt"),
            "test": node.get("test"),
            "currency_code": node.get("currencyCode"),
            "presentment_currency_code": node.get("presentmentCurrencyCode"),
            "taxes_included": node.get("taxesIncluded"),
            "source_name": node.get("sourceName"),
            "tags": node.get("tags") or [],
            "discount_codes": node.get("discountCodes") or [],
            "display_financial_status": node.get("displayFinancialStatus"),
            "display_fulfillment_status": node.get("displayFulfillmentStatus"),
            "subtotal_line_items_quantity": node.get("subtotalLineItemsQuantity"),
            "customer_id": dig(node, ("customer", "id")),
            "subtotal_price": money(node.get("subtotalPriceSet")),
            "total_discounts": money(node.get("totalDiscountsSet")),
            "total_shipping_price": money(node.get("totalShippingPriceSet")),
            "total_tax": money(node.get("totalTaxSet")),
            "total_price": money(node.get("totalPriceSet")),
            "current_total_price": money(node.get("currentTotalPriceSet")),
            "total_refunded": money(node.get("totalRefundedSet")),
        }

    def line_item_records(self, node: dict[str, Any], order: dict[str, Any]) -> list[dict[str, Any]]:
        connection = node.get("lineItems") or {}
        lines = list(connection.get("nodes") or [])
        info = connection.get("pageInfo") or {}
        while info.get("hasNextPage"):
            # An order with more lines than the inline page: fetch the rest of this order only.
            payload = self.post_request_json(
                "order_line_items",
                {"id": node["id"], "first": LINE_ITEMS_PAGE, "after": info.get("endCursor")},
            )
            more = dig(payload, ("data", "order", "lineItems")) or {}
            lines.extend(more.get("nodes") or [])
            info = more.get("pageInfo") or {}
        return [self.line_item_record(line, order) for line in lines]

    def line_item_record(self, line: dict[str, Any], order: dict[str, Any]) -> dict[str, Any]:
        tax_lines = [
            {"title": t.get("title"), "rate": to_decimal(t.get("rate")), "amount": money(t.get("priceSet"))}
            for t in line.get("taxLines") or []
        ]
        return {
            "shop": self.shop,
            "id": line["id"],
            "order_id": order["id"],
            "order_updated_at": order["updated_at"],
            "sku": line.get("sku"),
            "name": line.get("name"),
            "title": line.get("title"),
            "variant_title": line.get("variantTitle"),
            "vendor": line.get("vendor"),
            "quantity": line.get("quantity"),
            "current_quantity": line.get("currentQuantity"),
            "requires_shipping": line.get("requiresShipping"),
            "taxable": line.get("taxable"),
            "currency_code": order["currency_code"],
            "original_unit_price": money(line.get("originalUnitPriceSet")),
            "original_total": money(line.get("originalTotalSet")),
            "total_discount": money(line.get("totalDiscountSet")),
            "discounted_total": money(line.get("discountedTotalSet")),
            "tax": sum((t["amount"] or Decimal(0) for t in tax_lines), Decimal("0.00")),
            "tax_lines": tax_lines,
            "variant_id": dig(line, ("variant", "id")),
            "product_id": dig(line, ("product", "id")),
        }


class OrderLineItemsStream(BufferedChildStream):
    """Line items of the orders read in this sync; no requests of its own."""

    name = "order_line_items"
    parent_stream_type = OrdersStream
    primary_keys = ("shop", "id")
    schema = LINE_ITEM_SCHEMA

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:  # noqa: ARG002
        orders = self._tap.streams[OrdersStream.name]
        assert isinstance(orders, OrdersStream)
        yield from orders.take_page_lines()
