"""Return orders: the Shopify refunds whose lines came back, with their items, the action taken on
each, status history and what processing them cost. Paged by `Cursor` (a page number) and `Limit`.

A return is served as it stands at the account's present (`now`): not listed before it is created,
its status the last it has reached, the dates and history of later steps null or absent, and its
actions and charge (billed when it completes) shown once it is completed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sandbox.amazon.wire import iso

from .billing import charged, return_charges
from .call import Call
from .pages import BadRequestError, NotFoundError, linked_page, url, within
from .stock import Stock
from .world import COMPLETED, CURRENCY, Return, World, inventory_id, reached

RETURN_PARAMS = frozenset(
    {
        "Ids",
        "ReferenceIds",
        "Status",
        "FulfillmentCenterIds",
        "TrackingNumbers",
        "OriginalShipmentIds",
        "InventoryIds",
        "StartDate",
        "EndDate",
        "ReturnTypes",
        "ReturnActions",
        "StoreOrderIds",
        "CompletedStartDate",
        "CompletedEndDate",
        "Cursor",
        "Limit",
        "SortOrder",
    }
)
MERCHANT = "Stratus Outdoor Supply"


def _tracking(ret: Return) -> str:
    return f"RT{ret.id:010d}"


class ReturnsAPI:
    def __init__(self, world: World, stock: Stock, now: Callable[[], datetime]) -> None:
        self.world = world
        self.stock = stock
        self.now = now  # the account's present

    def list_returns(self, call: Call) -> Any:
        q = call.query
        ids, refs, statuses = q.ids("Ids"), q.words("ReferenceIds"), q.words("Status")
        centres, tracking = q.ids("FulfillmentCenterIds"), q.words("TrackingNumbers")
        shipments, inventory = q.ids("OriginalShipmentIds"), q.ids("InventoryIds")
        types, actions, stores = q.words("ReturnTypes"), q.words("ReturnActions"), q.words("StoreOrderIds")
        inserted = (q.date("StartDate"), q.date("EndDate"))
        completed = (q.date("CompletedStartDate"), q.date("CompletedEndDate"))
        order = q.text("SortOrder") or "Desc"
        if order not in ("Asc", "Desc"):
            raise BadRequestError("SortOrder", "SortOrder must be Asc or Desc.")
        page = q.integer("Cursor", 1, 1, 10**9)
        limit = q.integer("Limit", 50, 1, 250)
        now = self.now()
        found = [
            r
            for r in self.world.returns()
            if r.inserted <= now
            and (ids is None or r.id in ids)
            and (refs is None or r.reference_id in refs)
            and (statuses is None or r.status(now) in statuses)
            and (centres is None or r.shipment.centre.id in centres)
            and (tracking is None or _tracking(r) in tracking)
            and (shipments is None or r.shipment.id in shipments)
            and (inventory is None or any(inventory_id(i) in inventory for i, _ in r.lines))
            and (types is None or "Regular" in types)
            and (actions is None or "Restock" in actions)
            and (stores is None or r.store_order_id in stores)
            and (call.channel_id is None or self._channel(r) == call.channel_id)
            and within(r.inserted, *inserted)
            and within(reached(r.completed, now), *completed)
        ]
        found.sort(key=lambda r: (r.inserted, r.id), reverse=order == "Desc")

        def link(offset: int) -> str:
            return url(call.endpoint, {**q.values, "Cursor": offset // limit + 1, "Limit": limit})

        if (page - 1) * limit >= max(len(found), 1):
            raise BadRequestError("Cursor", "The page is past the last page.")
        return linked_page(found, (page - 1) * limit, limit, link, lambda r: self.return_json(r, now))

    def get_return(self, call: Call) -> Any:
        ret = self.world.return_(call.id(0, "id"))
        now = self.now()
        if ret is None or ret.inserted > now or (call.channel_id is not None and self._channel(ret) != call.channel_id):
            raise NotFoundError(f"Return {call.params[0]} not found")
        return self.return_json(ret, now)

    def _channel(self, ret: Return) -> int:
        order = self.world.order(ret.order_id)
        assert order is not None
        return order.channel_id

    def return_json(self, ret: Return, now: datetime) -> dict[str, Any]:
        channel = next(c for c in self.world.channels if c.id == self._channel(ret))
        status = ret.status(now)
        done = status == COMPLETED
        charges = return_charges(ret) if done else []

        def date(moment: datetime | None) -> str | None:
            return iso(at) if (at := reached(moment, now)) else None

        return {
            "id": ret.id,
            "reference_id": ret.reference_id,
            "store_order_id": ret.store_order_id,
            "original_shipment_id": ret.shipment.id,
            "shipment_tracking_number": ret.shipment.tracking_number,
            "tracking_number": _tracking(ret),
            "return_type": "Regular",
            "status": status,
            "insert_date": iso(ret.inserted),
            "awaiting_arrival_date": iso(ret.inserted),
            "arrived_date": date(ret.arrived),
            "processing_date": date(ret.processing),
            "completed_date": date(ret.completed),
            "cancelled_date": date(ret.cancelled),
            "customer_name": MERCHANT,
            "channel": {"id": channel.id, "name": channel.name},
            "fulfillment_center": {"id": ret.shipment.centre.id, "name": ret.shipment.centre.name},
            "inventory": [
                {
                    "id": inventory_id(item),
                    "name": item.title,
                    "sku": item.sku,
                    "quantity": quantity,
                    "barcodes": [],
                    "action_requested": {"action": "Restock", "action_type": "InventoryDefault", "instructions": None},
                    "action_taken": [
                        {
                            "action": "Restock",
                            "action_reason": "Item in sellable condition",
                            "image_url": None,
                            "quantity_processed": quantity,
                        }
                    ]
                    if done
                    else [],
                    "lot_information": {
                        "number": lot.number if (lot := self.stock.shipped_lot(item, ret.shipment.centre)) else None,
                        "expiration": iso(lot.expires) if lot else None,
                        "minimumShelfLife": 90 if lot else None,
                    },
                }
                for item, quantity in ret.lines
            ],
            "status_history": [{"status": step, "timestamp": iso(at)} for step, at in ret.history(now)],
            "invoice": {"amount": charged(charges), "currency_code": CURRENCY}
            if done
            else {"amount": None, "currency_code": None},
            "transactions": [{"amount": c.amount, "transaction_type": c.fee} for c in charges],
        }
