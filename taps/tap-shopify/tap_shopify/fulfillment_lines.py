"""Which lines an order's fulfillment shipped, from a bulk read of fulfillment orders.

A bulk query cannot reach a fulfillment's own line items (a connection in the order's list of
fulfillments), so a bulk sync used to ask for them afterwards, a few fulfillments a request. A
fulfillment order (the lines an order ships from one location) can be read in bulk with its lines:
of each, `totalQuantity - remainingQuantity` has been fulfilled. Where the order has one
fulfillment in all, that fulfillment shipped every such unit, from all the order's fulfillment
orders together.

That is only exact under conditions, checked per order read:

- the order lists exactly one fulfillment (a cancelled one counts: its units went back to remaining),
  and it succeeded;
- the units fulfilled across the order's fulfillment orders that were read add up to that
  fulfillment's `totalQuantity` (a fulfillment order not read, one changed between the two reads,
  or units held by anything else would break the sum).

An order failing them keeps the follow-up read of its fulfillments' own line items. Lines come out
as the follow-up reads them (line item id, sku, quantity); a fulfillment's own line item ids are
not on this path, so the shipped line's key is (fulfillment, line item): see the README.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from tap_shopify.pagination import dig

COMPANION_KEY = "fulfillment_orders"
QUERY_NAME = "fulfillment_orders_bulk"
CHILDREN = {"FulfillmentOrder": {"FulfillmentOrderLineItem": "lineItems"}}
SUCCESS = "SUCCESS"


class ShippedLines:
    """Per order id: the units its fulfillment orders no longer have remaining, as fulfillment line nodes."""

    def __init__(self) -> None:
        self._found: dict[str, bytes] = {}

    def __len__(self) -> int:
        return len(self._found)

    def load(self, fulfillment_orders: Iterable[dict[str, Any]]) -> None:
        for held in fulfillment_orders:
            order_id = held.get("orderId")
            if not order_id:
                continue
            lines = [
                {"quantity": fulfilled, "lineItem": li.get("lineItem")}
                for li in dig(held, ("lineItems", "nodes")) or []
                if (fulfilled := int(li.get("totalQuantity") or 0) - int(li.get("remainingQuantity") or 0)) > 0
            ]
            earlier = msgspec.json.decode(self._found[order_id]) if order_id in self._found else []
            self._found[order_id] = msgspec.json.encode(earlier + lines)

    def lines_of(self, order: dict[str, Any]) -> list[dict[str, Any]] | None:
        """The lines of the order's one fulfillment (as its `fulfillmentLineItems` nodes), or None unless exact."""
        fulfillments = order.get("fulfillments") or []
        if len(fulfillments) != 1 or order["id"] not in self._found:
            return None
        only = fulfillments[0]
        lines: list[dict[str, Any]] = msgspec.json.decode(self._found[order["id"]])
        total = only.get("totalQuantity")
        if only.get("status") != SUCCESS or total is None or sum(line["quantity"] for line in lines) != total:
            return None
        return lines

    def fill(self, orders: Iterable[dict[str, Any]]) -> None:
        """Give each order's fulfillment the lines this read makes exact; the rest stay unread."""
        for order in orders:
            fulfillments = order.get("fulfillments") or []
            if len(fulfillments) != 1 or "fulfillmentLineItems" in fulfillments[0]:
                continue
            lines = self.lines_of(order)
            if lines is not None:
                fulfillments[0]["fulfillmentLineItems"] = {"nodes": lines, "pageInfo": {"hasNextPage": False}}
