"""Fulfillment orders, agreeing with an order's fulfillments.

In the sandbox's world each order ships every line from one location, so it has one fulfillment
order: at that location, with all its lines and the fulfillments made from it. Fulfilled orders'
are CLOSED, cancelled orders' CANCELLED (at the first shipping location, nothing fulfilled).
"""

from __future__ import annotations

from typing import Any

from sandbox.shopify.catalog_data import LOCATIONS, SHIPPING_LOCATIONS
from sandbox.shopify.data import gid


def fulfillment_order(
    order: dict[str, Any], lines: list[dict[str, Any]], fulfillments: list[dict[str, Any]]
) -> dict[str, Any]:
    """The order's fulfillment order (its id numbered as the order's), its lines and fulfillments as lists."""
    number = int(order["legacyResourceId"])
    cancelled = order["cancelledAt"] is not None
    location_gid = fulfillments[0]["location"]["id"] if fulfillments else SHIPPING_LOCATIONS[0].gid
    location = next(loc for loc in LOCATIONS if loc.gid == location_gid)
    updated = fulfillments[-1]["createdAt"] if fulfillments else order["cancelledAt"] or order["createdAt"]
    held_lines = [
        {
            "__typename": "FulfillmentOrderLineItem",
            "id": gid("FulfillmentOrderLineItem", int(li["id"].rsplit("/", 1)[-1])),
            "totalQuantity": li["quantity"],
            "remainingQuantity": 0,  # every line was fulfilled, or the order cancelled
            "sku": li["sku"],
            "productTitle": li["title"],
            "variantTitle": li["variantTitle"],
            "requiresShipping": li["requiresShipping"],
            "originalUnitPriceSet": li["originalUnitPriceSet"],
            "lineItem": li,
            "variant": li["variant"],
        }
        for li in lines
    ]
    return {
        "__typename": "FulfillmentOrder",
        "id": gid("FulfillmentOrder", number),
        "orderId": order["id"],
        "orderName": order["name"],
        "order": {"__typename": "Order", "id": order["id"], "name": order["name"]},
        "status": "CANCELLED" if cancelled else "CLOSED",
        "requestStatus": "UNSUBMITTED",
        "createdAt": order["createdAt"],
        "updatedAt": updated,
        "fulfillAt": order["createdAt"],
        "assignedLocation": {
            "__typename": "FulfillmentOrderAssignedLocation",
            "name": location.name,
            "address1": location.address1,
            "city": location.city,
            "province": location.province_code,
            "zip": location.zip,
            "countryCode": "US",
            "location": {"__typename": "Location", "id": location.gid, "name": location.name},
        },
        "lineItems": held_lines,
        "fulfillments": fulfillments,
    }
