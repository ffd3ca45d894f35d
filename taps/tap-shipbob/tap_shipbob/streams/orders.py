"""Orders (incremental on ShipBob's last update), their products, shipments and shipped items.

Orders are listed by `LastUpdateStartDate`/`LastUpdateEndDate` (both strict) in steps of
STEP, oldest first, with `Page`/`Limit`. Each step's end is saved as `done_until` when the step
is out, so an interrupted run resumes at the first unfinished step; a step starts a second
before its start, so an order changed exactly on a boundary is in both steps, never in none.
Shipments, their tracking, centre and status come inside each order.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from tap_common.settings import parse_moment
from tap_common.values import dig
from tap_common.window import steps

from tap_shipbob.records import BOOL, DEC, IDS, INT, LIST, OBJ, TEXT, TIME, Occurrences, money, schema
from tap_shipbob.streams.base import ChildOf, PagedParent, api_time

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

STEP = timedelta(days=30)
PAGE = 250
EDGE = timedelta(seconds=1)
ORDER_PRODUCTS, SHIPMENTS, SHIPMENT_PRODUCTS = "order_products", "shipments", "shipment_products"


class OrdersStream(PagedParent):
    name = "orders"
    scope = "orders_read"
    primary_keys = ("account_id", "id")
    replication_key = "last_update_at"
    is_sorted = False  # listed by creation; the watermark is `done_until`, saved per step
    schema = schema(
        ("id", INT),
        ("channel_id", INT),
        ("channel_name", TEXT),
        ("reference_id", TEXT),
        ("order_number", TEXT),
        ("status", TEXT),
        ("type", TEXT),
        ("created_date", TIME),
        ("purchase_date", TIME),
        ("last_update_at", TIME),
        ("shipping_method", TEXT),
        ("total_price", DEC),
        ("currency", TEXT),
        ("gift_message", TEXT),
        ("tags", LIST),
        ("shipping_terms", OBJ),
        ("shipment_ids", IDS),
    )

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:  # noqa: ARG002
        state = self.stream_state
        window = self.incremental_window()
        for step in steps(window, STEP):
            params = {
                "LastUpdateStartDate": api_time(step.start - EDGE) if step.start else None,
                "LastUpdateEndDate": api_time(step.end + EDGE),
                "SortOrder": "Oldest",
            }
            for page in self.pages("/order", params, PAGE):
                yield from self.page_records(page, "/order")
            state["done_until"] = api_time(step.end)
            self._write_state_message()

    def record_of(self, item: dict[str, Any]) -> dict[str, Any]:
        shipments = item.get("shipments") or []
        changes = [item.get("created_date")] + [
            s.get(k) for s in shipments for k in ("last_update_at", "last_tracking_update_at")
        ]
        return {
            "account_id": self.account_id,
            "id": item["id"],
            "channel_id": dig(item, "channel", "id"),
            "channel_name": dig(item, "channel", "name"),
            "reference_id": item.get("reference_id"),
            "order_number": item.get("order_number"),
            "status": item.get("status"),
            "type": item.get("type"),
            "created_date": item.get("created_date"),
            "purchase_date": item.get("purchase_date"),
            "last_update_at": max((c for c in changes if c), key=parse_moment, default=None),
            "shipping_method": item.get("shipping_method"),
            "total_price": money(dig(item, "financials", "total_price"), "financials.total_price"),
            "currency": None,  # the API states no currency for orders: the channel order has it
            "gift_message": item.get("gift_message"),
            "tags": item.get("tags"),
            "shipping_terms": item.get("shipping_terms"),
            "shipment_ids": [s.get("id") for s in shipments],
        }

    def buffer_children(self, item: dict[str, Any], record: dict[str, Any]) -> None:
        self.child_buffers.add(ORDER_PRODUCTS, partial(self.order_products, item))
        self.child_buffers.add(SHIPMENTS, partial(self.shipments, item, record))
        self.child_buffers.add(SHIPMENT_PRODUCTS, partial(self.shipment_products, item))

    def order_products(self, item: dict[str, Any]) -> list[dict[str, Any]]:
        seen = Occurrences()
        return [
            {
                "account_id": self.account_id,
                "order_id": item["id"],
                "product_id": p.get("id"),
                "occurrence": seen(p.get("id")),
                "reference_id": p.get("reference_id"),
                "sku": p.get("sku"),
                "quantity": p.get("quantity"),
                "unit_price": money(p.get("unit_price")),
                "external_line_id": p.get("external_line_id"),
                "gtin": p.get("gtin"),
                "upc": p.get("upc"),
                "quantity_unit_of_measure_code": p.get("quantity_unit_of_measure_code"),
            }
            for p in item.get("products") or []
        ]

    def shipments(self, item: dict[str, Any], order: dict[str, Any]) -> list[dict[str, Any]]:
        rows = []
        for s in item.get("shipments") or []:
            tracking = s.get("tracking") or {}
            measurements = s.get("measurements") or {}
            rows.append(
                {
                    "account_id": self.account_id,
                    "id": s["id"],
                    "order_id": s.get("order_id", item["id"]),
                    "channel_id": order["channel_id"],
                    "reference_id": s.get("reference_id"),
                    "status": s.get("status"),
                    "status_details": s.get("status_details"),
                    "created_date": s.get("created_date"),
                    "last_update_at": s.get("last_update_at"),
                    "last_tracking_update_at": s.get("last_tracking_update_at"),
                    "actual_fulfillment_date": s.get("actual_fulfillment_date"),
                    "estimated_fulfillment_date": s.get("estimated_fulfillment_date"),
                    "estimated_fulfillment_date_status": s.get("estimated_fulfillment_date_status"),
                    "delivery_date": s.get("delivery_date"),
                    "location_id": dig(s, "location", "id"),
                    "location_name": dig(s, "location", "name"),
                    "carrier": tracking.get("carrier"),
                    "carrier_service": tracking.get("carrier_service"),
                    "tracking_number": tracking.get("tracking_number"),
                    "tracking_url": tracking.get("tracking_url"),
                    "shipping_date": tracking.get("shipping_date"),
                    "bol": tracking.get("bol"),
                    "pro_number": tracking.get("pro_number"),
                    "scac": tracking.get("scac"),
                    "ship_option": s.get("ship_option"),
                    "is_tracking_uploaded": s.get("is_tracking_uploaded"),
                    "require_signature": s.get("require_signature"),
                    "invoice_amount": money(s.get("invoice_amount")),
                    "invoice_currency_code": s.get("invoice_currency_code"),
                    "insurance_value": money(s.get("insurance_value")),
                    "package_material_type": s.get("package_material_type"),
                    "depth_in": money(measurements.get("depth_in")),
                    "length_in": money(measurements.get("length_in")),
                    "width_in": money(measurements.get("width_in")),
                    "total_weight_oz": money(measurements.get("total_weight_oz")),
                }
            )
        return rows

    def shipment_products(self, item: dict[str, Any]) -> list[dict[str, Any]]:
        rows = []
        for s in item.get("shipments") or []:
            seen = Occurrences()
            for p in s.get("products") or []:
                for inv in p.get("inventory_items") or []:
                    rows.append(
                        {
                            "account_id": self.account_id,
                            "shipment_id": s["id"],
                            "order_id": item["id"],
                            "product_id": p.get("id"),
                            "inventory_id": inv.get("id"),
                            "occurrence": seen(p.get("id"), inv.get("id")),
                            "reference_id": p.get("reference_id"),
                            "sku": p.get("sku"),
                            "name": p.get("name"),
                            "inventory_name": inv.get("name"),
                            "quantity": inv.get("quantity"),
                            "quantity_committed": inv.get("quantity_committed"),
                            "lot": inv.get("lot"),
                            "expiration_date": inv.get("expiration_date"),
                            "is_dangerous_goods": inv.get("is_dangerous_goods"),
                            "serial_numbers": inv.get("serial_numbers"),
                        }
                    )
        return rows


class OrderProductsStream(ChildOf):
    name = ORDER_PRODUCTS
    parent_stream_type = OrdersStream
    primary_keys = ("account_id", "order_id", "product_id", "occurrence")
    schema = schema(
        ("order_id", INT),
        ("product_id", INT),
        ("occurrence", INT),
        ("reference_id", TEXT),
        ("sku", TEXT),
        ("quantity", INT),
        ("unit_price", DEC),
        ("external_line_id", INT),
        ("gtin", TEXT),
        ("upc", TEXT),
        ("quantity_unit_of_measure_code", TEXT),
    )


class ShipmentsStream(ChildOf):
    name = SHIPMENTS
    parent_stream_type = OrdersStream
    primary_keys = ("account_id", "id")
    schema = schema(
        ("id", INT),
        ("order_id", INT),
        ("channel_id", INT),
        ("reference_id", TEXT),
        ("status", TEXT),
        ("status_details", LIST),
        ("created_date", TIME),
        ("last_update_at", TIME),
        ("last_tracking_update_at", TIME),
        ("actual_fulfillment_date", TIME),
        ("estimated_fulfillment_date", TIME),
        ("estimated_fulfillment_date_status", TEXT),
        ("delivery_date", TIME),
        ("location_id", INT),
        ("location_name", TEXT),
        ("carrier", TEXT),
        ("carrier_service", TEXT),
        ("tracking_number", TEXT),
        ("tracking_url", TEXT),
        ("shipping_date", TIME),
        ("bol", TEXT),
        ("pro_number", TEXT),
        ("scac", TEXT),
        ("ship_option", TEXT),
        ("is_tracking_uploaded", BOOL),
        ("require_signature", BOOL),
        ("invoice_amount", DEC),
        ("invoice_currency_code", TEXT),
        ("insurance_value", DEC),
        ("package_material_type", TEXT),
        ("depth_in", DEC),
        ("length_in", DEC),
        ("width_in", DEC),
        ("total_weight_oz", DEC),
    )


class ShipmentProductsStream(ChildOf):
    name = SHIPMENT_PRODUCTS
    parent_stream_type = OrdersStream
    primary_keys = ("account_id", "shipment_id", "product_id", "inventory_id", "occurrence")
    schema = schema(
        ("shipment_id", INT),
        ("order_id", INT),
        ("product_id", INT),
        ("inventory_id", INT),
        ("occurrence", INT),
        ("reference_id", TEXT),
        ("sku", TEXT),
        ("name", TEXT),
        ("inventory_name", TEXT),
        ("quantity", INT),
        ("quantity_committed", INT),
        ("lot", TEXT),
        ("expiration_date", TIME),
        ("is_dangerous_goods", BOOL),
        ("serial_numbers", LIST),
    )
