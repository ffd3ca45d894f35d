"""The account and its network: channels, fulfillment centres, locations, and receiving orders (WROs)
with their boxes."""

from __future__ import annotations

from typing import Any

from sandbox.amazon.wire import iso

from .call import Call
from .pages import NotFoundError, cursor_walk, linked_page, page_of, within
from .stock import ReceivingOrder, Stock
from .world import FULFILLMENT_CENTERS, FulfillmentCenter, World, inventory_id

CHANNEL_PARAMS = frozenset({"RecordsPerPage", "Cursor"})
LOCATION_PARAMS = frozenset({"IncludeInactive", "ReceivingEnabled", "AccessGranted"})
RECEIVING_PARAMS = frozenset(
    {
        "Page",
        "Limit",
        "IDs",
        "Statuses",
        "InsertStartDate",
        "InsertEndDate",
        "FulfillmentCenterIds",
        "PurchaseOrderNumbers",
        "CompletedStartDate",
        "CompletedEndDate",
    }
)


def centre_json(fc: FulfillmentCenter) -> dict[str, Any]:
    return {"id": fc.id, **_address(fc), "timezone": fc.timezone}


def _address(fc: FulfillmentCenter) -> dict[str, Any]:
    return {
        "name": fc.name,
        "address1": fc.address1,
        "address2": None,
        "city": fc.city,
        "state": fc.state,
        "country": "US",
        "zip_code": fc.zip_code,
        "phone_number": None,
        "email": None,
    }


class WarehouseAPI:
    def __init__(self, world: World, stock: Stock) -> None:
        self.world = world
        self.stock = stock

    def list_channels(self, call: Call) -> Any:
        _, offset, size, link = cursor_walk(call.query, call.endpoint, "RecordsPerPage")
        page = linked_page(
            self.world.channels,
            offset,
            size,
            link,
            lambda c: {"id": c.id, "name": c.name, "application_name": c.application_name, "scopes": list(c.scopes)},
        )
        return {"items": page["items"], "next": page["next"], "prev": page["prev"]}  # no first/last here

    def fulfillment_centers(self, _call: Call) -> Any:
        return [centre_json(fc) for fc in FULFILLMENT_CENTERS]

    def locations(self, call: Call) -> Any:
        for name in LOCATION_PARAMS:
            call.query.boolean(name)  # every centre is active, receiving and granted: filters keep all
        return [
            {
                "id": fc.id,
                "name": fc.name,
                "abbreviation": f"{fc.city[:3].upper()}{n + 1}",
                "access_granted": True,
                "attributes": [],
                "is_active": True,
                "is_receiving_enabled": True,
                "is_shipping_enabled": True,
                "region": {"id": 1 + n, "name": "West" if fc.state == "NV" else "East"},
                "services": [
                    {
                        "service_type": service,
                        "enabled": True,
                        "address": _address(fc),
                    }
                    for service in ("Receiving", "Returns")
                ],
                "timezone": fc.timezone,
            }
            for n, fc in enumerate(FULFILLMENT_CENTERS)
        ]

    # -- receiving -------------------------------------------------------------------------

    def list_receiving(self, call: Call) -> Any:
        q = call.query
        ids, statuses = q.ids("IDs"), q.words("Statuses")
        centres, numbers = q.ids("FulfillmentCenterIds"), q.words("PurchaseOrderNumbers")
        inserted = (q.date("InsertStartDate"), q.date("InsertEndDate"))
        completed = (q.date("CompletedStartDate"), q.date("CompletedEndDate"))
        wros = [
            w
            for w in self.stock.receiving_orders
            if (ids is None or w.id in ids)
            and (statuses is None or w.status in statuses)
            and (centres is None or w.centre.id in centres)
            and (numbers is None or w.purchase_order_number in numbers)
            and within(w.inserted, *inserted)
            and within(w.completed, *completed)
        ]
        return [self.receiving_json(w) for w in page_of(wros, q)]

    def _wro(self, call: Call) -> ReceivingOrder:
        wro = self.stock.receiving_order(call.id(0, "id"))
        if wro is None:
            raise NotFoundError(f"Receiving order {call.params[0]} not found")
        return wro

    def get_receiving(self, call: Call) -> Any:
        return self.receiving_json(self._wro(call))

    def receiving_json(self, wro: ReceivingOrder) -> dict[str, Any]:
        return {
            "id": wro.id,
            "purchase_order_number": wro.purchase_order_number,
            "status": wro.status,
            "box_packaging_type": "OneSkuPerBox",
            "package_type": "Package",
            "box_labels_uri": None,
            "expected_arrival_date": iso(wro.expected_arrival),
            "insert_date": iso(wro.inserted),
            "last_updated_date": iso(wro.last_updated),
            "external_sync_timestamp": None,
            "fulfillment_center": centre_json(wro.centre),
            "inventory_quantities": [
                {
                    "inventory_id": inventory_id(box.item),
                    "sku": box.item.sku,
                    "expected_quantity": box.quantity,
                    "received_quantity": box.received,
                    "stowed_quantity": box.received,
                }
                for box in wro.boxes
            ],
            "status_history": [
                {"id": n + 1, "status": status, "timestamp": iso(at)} for n, (status, at) in enumerate(wro.history())
            ],
        }

    def boxes(self, call: Call) -> Any:
        wro = self._wro(call)
        out = []
        for box in wro.boxes:
            lot = self.stock.shipped_lot(box.item, wro.centre)
            out.append(
                {
                    "box_id": box.id,
                    "box_number": box.number,
                    "box_status": "Completed" if wro.completed else ("Arrived" if wro.arrived else "Awaiting"),
                    "tracking_number": box.tracking_number,
                    "arrived_date": iso(wro.arrived) if wro.arrived else None,
                    "received_date": iso(wro.completed) if wro.completed else None,
                    "counting_started_date": iso(wro.arrived) if wro.completed and wro.arrived else None,
                    "box_items": [
                        {
                            "inventory_id": inventory_id(box.item),
                            "quantity": box.quantity,
                            "received_quantity": box.received,
                            "stowed_quantity": box.received,
                            "lot_number": lot.number if lot else None,
                            "lot_date": iso(lot.expires) if lot else None,
                        }
                    ],
                }
            )
        return out
