"""Which lines each fulfillment shipped, from a bulk read of fulfillment orders.

A bulk query cannot reach a fulfillment's own line items (a connection in the order's list of
fulfillments), so a bulk sync used to ask for them afterwards, a few fulfillments a request. A
fulfillment order (the lines an order ships from one location) can be read in bulk with its lines
and its fulfillments; where it has exactly one fulfillment, that fulfillment shipped, of each of its
lines, the quantity no longer remaining: `totalQuantity - remainingQuantity`.

That is only exact under conditions, checked per fulfillment of each order read:

- the fulfillment belongs to one fulfillment order, of the same order, and that fulfillment order
  has no other fulfillment (with two or more, nothing says which lines went with which);
- both reads saw it succeed (a cancelled fulfillment gives its quantities back to the order);
- the quantities shipped add up to the fulfillment's `totalQuantity` in both reads.

A fulfillment failing any of them keeps the follow-up read of its own line items. Lines come out as
the follow-up reads them (line item id, sku, quantity); a fulfillment's own line item ids are not
on this path, so the shipped line's key is (fulfillment, line item): see the README.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from tap_shopify.pagination import dig

COMPANION_KEY = "fulfillment_orders"
QUERY_NAME = "fulfillment_orders_bulk"
CHILDREN = {"FulfillmentOrder": {"FulfillmentOrderLineItem": "lineItems", "Fulfillment": "fulfillments"}}
SUCCESS = "SUCCESS"


class ShippedLines:
    """Per fulfillment id: its order, status, total quantity and shipped lines, where one fulfillment
    order holds it alone; None where the fulfillment orders leave its lines ambiguous."""

    def __init__(self) -> None:
        self._found: dict[str, bytes | None] = {}

    def __len__(self) -> int:
        return len(self._found)

    def load(self, fulfillment_orders: Iterable[dict[str, Any]]) -> None:
        for held in fulfillment_orders:
            fulfillments = dig(held, ("fulfillments", "nodes")) or []
            for fulfillment in fulfillments:
                known = fulfillment["id"] in self._found
                if known or len(fulfillments) != 1:
                    self._found[fulfillment["id"]] = None  # in two fulfillment orders, or sharing one
                    continue
                lines = [
                    {"quantity": shipped, "lineItem": li.get("lineItem")}
                    for li in dig(held, ("lineItems", "nodes")) or []
                    if (shipped := int(li.get("totalQuantity") or 0) - int(li.get("remainingQuantity") or 0)) > 0
                ]
                self._found[fulfillment["id"]] = msgspec.json.encode(
                    {
                        "order": held.get("orderId"),
                        "status": fulfillment.get("status"),
                        "total": fulfillment.get("totalQuantity"),
                        "lines": lines,
                    }
                )

    def lines_of(self, fulfillment: dict[str, Any], order_id: str) -> list[dict[str, Any]] | None:
        """The fulfillment's shipped lines (as its `fulfillmentLineItems` nodes), or None unless exact."""
        body = self._found.get(fulfillment["id"])
        if body is None:
            return None
        seen: dict[str, Any] = msgspec.json.decode(body)
        total = fulfillment.get("totalQuantity")
        lines: list[dict[str, Any]] = seen["lines"]
        if (
            seen["order"] != order_id
            or seen["status"] != SUCCESS
            or fulfillment.get("status") != SUCCESS
            or total is None
            or seen["total"] != total
            or sum(line["quantity"] for line in lines) != total
        ):
            return None
        return lines

    def fill(self, orders: Iterable[dict[str, Any]]) -> None:
        """Give each order's fulfillments the lines this read makes exact; the rest stay unread."""
        for order in orders:
            for fulfillment in order.get("fulfillments") or []:
                if "fulfillmentLineItems" in fulfillment:
                    continue
                lines = self.lines_of(fulfillment, order["id"])
                if lines is not None:
                    fulfillment["fulfillmentLineItems"] = {"nodes": lines, "pageInfo": {"hasNextPage": False}}
