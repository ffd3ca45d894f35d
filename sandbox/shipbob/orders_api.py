"""Orders and their shipments: the list (Page/Limit, last-update and tracking filters), one order,
shipments per order or by id, their status timeline and line items."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sandbox.amazon.wire import iso

from .billing import charged, shipment_charges
from .call import Call
from .faults import ShipBobFaults
from .pages import BadRequestError, NotFoundError, page_of
from .stock import Stock
from .world import CURRENCY, Order, OrderKey, OrderRef, Shipment, World, inventory_id, is_lot, variant_id

#: The query parameters of `get-orders` the sandbox filters on (every one the spec lists).
ORDER_PARAMS = frozenset(
    {
        "Page",
        "Limit",
        "IDs",
        "ReferenceIds",
        "StartDate",
        "EndDate",
        "SortOrder",
        "HasTracking",
        "LastUpdateStartDate",
        "LastUpdateEndDate",
        "IsTrackingUploaded",
        "LastTrackingUpdateStartDate",
        "LastTrackingUpdateEndDate",
    }
)
SORT_ORDERS = ("Newest", "Oldest")


def _between(value: datetime | None, start: datetime | None, end: datetime | None) -> bool:
    """ShipBob's date filters: later than the start, earlier than the end (both strict)."""
    if value is None:
        return start is None and end is None
    return (start is None or value > start) and (end is None or value < end)


class OrdersAPI:
    def __init__(self, world: World, stock: Stock, faults: ShipBobFaults) -> None:
        self.world = world
        self.stock = stock
        self.faults = faults  # a miscounted shipment says so wherever it is served

    # -- endpoints -------------------------------------------------------------------------

    def list_orders(self, call: Call) -> Any:
        q = call.query
        ids, refs = q.ids("IDs"), q.words("ReferenceIds")
        created = (q.date("StartDate"), q.date("EndDate"))
        updated = (q.date("LastUpdateStartDate"), q.date("LastUpdateEndDate"))
        tracked = (q.date("LastTrackingUpdateStartDate"), q.date("LastTrackingUpdateEndDate"))
        has_tracking = q.boolean("HasTracking")
        uploaded = q.boolean("IsTrackingUploaded")
        sort = (q.text("SortOrder") or "Newest").capitalize()
        if sort not in SORT_ORDERS:
            raise BadRequestError("SortOrder", f"SortOrder must be one of {', '.join(SORT_ORDERS)}.")

        def keep(ref: OrderRef) -> bool:
            return (
                (ids is None or ref.id in ids)
                and (refs is None or ref.reference_id in refs)
                and (call.channel_id is None or ref.channel_id == call.channel_id)
                and _between(ref.created, *created)
            )

        def changed(key: OrderKey) -> bool:
            tracking = key.tracking_updated is not None
            return (
                _between(key.updated, *updated)
                and (tracked == (None, None) or (tracking and _between(key.tracking_updated, *tracked)))
                and (has_tracking is None or tracking == has_tracking)
                and (uploaded is None or tracking == uploaded)
            )

        # Change filters need every order's shipments (one pass, made once); the rest, only Shopify's facts.
        by_change = (*updated, *tracked) != (None,) * 4 or has_tracking is not None or uploaded is not None
        found: list[OrderRef] = (
            [k for k in self.world.order_keys() if keep(k) and changed(k)]
            if by_change
            else [r for r in self.world.order_refs() if keep(r)]
        )
        keys = sorted(
            found,
            key=lambda k: (k.created, k.id),
            reverse=sort == "Newest",
        )
        return [self.order_json(self._order(k.id)) for k in page_of(keys, q)]

    def get_order(self, call: Call) -> Any:
        return self.order_json(self._order(call.id(0, "orderId"), call.channel_id))

    def order_shipments(self, call: Call) -> Any:
        order = self._order(call.id(0, "orderId"), call.channel_id)
        return [self.shipment_json(s) for s in order.shipments]

    def order_shipment(self, call: Call) -> Any:
        return self.shipment_json(self._shipment(call, order_index=0, shipment_index=1))

    def shipment(self, call: Call) -> Any:
        return self.shipment_json(self._shipment(call, order_index=None, shipment_index=0))

    def timeline(self, call: Call) -> Any:
        return self.timeline_json(self._shipment(call, order_index=None, shipment_index=0))

    def order_shipment_timeline(self, call: Call) -> Any:
        return self.timeline_json(self._shipment(call, order_index=0, shipment_index=1))

    def line_items(self, call: Call) -> Any:
        shipment = self._shipment(call, order_index=None, shipment_index=0)
        out = []
        for item, quantity in self.faults.lines(shipment):
            line: dict[str, Any] = {
                "inventory_id": inventory_id(item),
                "quantity": quantity,
                "committed_quantity": quantity,
                "is_hazmat": False,
                "is_lot": is_lot(item),
                "product_variant": {"id": variant_id(item), "name": item.title, "sku": item.sku},
                "serial_numbers": [],
            }
            lot = self.stock.shipped_lot(item, shipment.centre)
            if lot is not None:
                line["lot"] = {
                    "lot_number": lot.number,
                    "lot_date": iso(lot.expires),
                    "selection_method": "ShipbobChooses",
                }
            out.append(line)
        return out

    # -- lookups ---------------------------------------------------------------------------

    def _order(self, order_id: int, channel_id: int | None = None) -> Order:
        order = self.world.order(order_id)
        if order is None or (channel_id is not None and order.channel_id != channel_id):
            raise NotFoundError(f"Order {order_id} not found")
        return order

    def _shipment(self, call: Call, *, order_index: int | None, shipment_index: int) -> Shipment:
        shipment_id = call.id(shipment_index, "shipmentId")
        shipment = self.world.shipment(shipment_id)
        if shipment is None or (order_index is not None and shipment.order_id != call.id(order_index, "orderId")):
            raise NotFoundError(f"Shipment {shipment_id} not found")
        if call.channel_id is not None:
            self._order(shipment.order_id, call.channel_id)
        return shipment

    # -- shapes ----------------------------------------------------------------------------

    def order_json(self, order: Order) -> dict[str, Any]:
        channel = next(c for c in self.world.channels if c.id == order.channel_id)
        if order.cancelled:
            status = "Cancelled"
        elif order.shipments:
            status = "Fulfilled"  # every Shopify fulfillment has shipped
        else:
            status = "Processing"
        return {
            "id": order.id,
            "created_date": iso(order.created),
            "purchase_date": iso(order.purchased),
            "reference_id": order.reference_id,
            "order_number": order.order_number,
            "status": status,
            "type": "DTC",
            "channel": {"id": channel.id, "name": channel.name},
            "shipping_method": "Standard",
            "recipient": {
                "name": order.recipient[0],
                "address": self._address(order),
                "email": None,
                "phone_number": None,
            },
            "products": [
                {
                    "id": variant_id(item),
                    "reference_id": str(self.world.shopify_variant_id(item)),
                    "quantity": quantity,
                    "sku": item.sku,
                    "unit_price": price,
                    "external_line_id": n + 1,
                    "gtin": None,
                    "upc": None,
                    "quantity_unit_of_measure_code": "EA",
                }
                for n, (item, quantity, price) in enumerate(order.lines)
            ],
            "tags": [],
            "shipments": [self.shipment_json(s, order) for s in order.shipments],
            "gift_message": None,
            "shipping_terms": {"carrier_type": "Parcel", "payment_term": "Prepaid"},
            "financials": {"total_price": order.total},
        }

    @staticmethod
    def _address(order: Order) -> dict[str, Any]:
        _, street, city, state, zip_code = order.recipient
        return {
            "address1": street,
            "address2": None,
            "company_name": None,
            "city": city,
            "state": state,
            "country": "US",
            "zip_code": zip_code,
        }

    def shipment_json(self, shipment: Shipment, order: Order | None = None) -> dict[str, Any]:
        order = order or self.world.order(shipment.order_id)
        assert order is not None
        promised = shipment.created + timedelta(days=2)
        lines = self.faults.lines(shipment)
        weight = sum(q for _, q in lines) * 12
        return {
            "id": shipment.id,
            "order_id": shipment.order_id,
            "reference_id": shipment.reference_id,
            "recipient": {
                "name": order.recipient[0],
                "full_name": order.recipient[0],
                "address": self._address(order),
                "email": None,
                "phone_number": None,
            },
            "created_date": iso(shipment.created),
            "last_update_at": iso(shipment.last_update),
            "last_tracking_update_at": iso(shipment.last_update),
            "status": "Completed",
            "status_details": [],
            "location": {"id": shipment.centre.id, "name": shipment.centre.name},
            "invoice_amount": charged(shipment_charges(shipment)),
            "invoice_currency_code": CURRENCY,
            "insurance_value": None,
            "ship_option": "Standard",
            "tracking": {
                "carrier": shipment.carrier,
                "carrier_service": shipment.service,
                "tracking_number": shipment.tracking_number,
                "tracking_url": None,
                "shipping_date": iso(shipment.shipped),
                "bol": None,
                "pro_number": None,
                "scac": None,
            },
            "products": [
                {
                    "id": variant_id(item),
                    "reference_id": str(self.world.shopify_variant_id(item)),
                    "name": item.title,
                    "sku": item.sku,
                    "inventory_items": [
                        {
                            "id": inventory_id(item),
                            "name": item.title,
                            "quantity": quantity,
                            "quantity_committed": quantity,
                            "lot": lot.number if (lot := self.stock.shipped_lot(item, shipment.centre)) else None,
                            "expiration_date": iso(lot.expires) if lot else None,
                            "is_dangerous_goods": False,
                            "serial_numbers": [],
                        }
                    ],
                }
                for item, quantity in lines
            ],
            "parent_cartons": [],
            "measurements": {"depth_in": 6, "length_in": 14, "width_in": 10, "total_weight_oz": weight},
            "require_signature": False,
            "gift_message": None,
            "package_material_type": "Box",
            "estimated_fulfillment_date": iso(promised),
            "estimated_fulfillment_date_status": "FulfilledOnTime" if shipment.shipped <= promised else "FulfilledLate",
            "actual_fulfillment_date": iso(shipment.shipped),
            "delivery_date": iso(shipment.delivered) if shipment.delivered else None,
            "is_tracking_uploaded": True,
        }

    @staticmethod
    def timeline_json(shipment: Shipment) -> list[dict[str, Any]]:
        steps = [
            (1, "Created", "Shipment created", shipment.created),
            (2, "Picked", "Items picked", max(shipment.created, shipment.shipped - timedelta(hours=3))),
            (3, "Packed", "Items packed", max(shipment.created, shipment.shipped - timedelta(hours=1))),
            (4, "Shipped", "Handed to the carrier", shipment.shipped),
        ]
        if shipment.delivered:
            steps.append((5, "Delivered", "Delivered to the recipient", shipment.delivered))
        return [
            {"log_type_id": i, "log_type_name": name, "log_type_text": text, "metadata": None, "timestamp": iso(at)}
            for i, name, text, at in steps
        ]
