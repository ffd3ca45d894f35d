"""Returns (cursor paging), the items returned and each action taken on them.

The list filters on creation and completion dates only, and a return changes status after it
is created, so the stream is read whole every run.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from tap_common.values import dig

from tap_shipbob.records import DEC, INT, LIST, TEXT, TIME, Occurrences, money, schema
from tap_shipbob.streams.base import ChildOf, PagedParent

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

PAGE = 250
ITEMS, ACTIONS = "return_items", "return_actions"
DATES = ("insert_date", "awaiting_arrival_date", "arrived_date", "processing_date", "completed_date", "cancelled_date")


class ReturnsStream(PagedParent):
    name = "returns"
    scope = "returns_read"
    primary_keys = ("account_id", "id")
    schema = schema(
        ("id", INT),
        ("reference_id", TEXT),
        ("store_order_id", TEXT),
        ("original_shipment_id", INT),
        ("shipment_tracking_number", TEXT),
        ("tracking_number", TEXT),
        ("return_type", TEXT),
        ("status", TEXT),
        *((d, TIME) for d in DATES),
        ("channel_id", INT),
        ("channel_name", TEXT),
        ("fulfillment_center_id", INT),
        ("fulfillment_center_name", TEXT),
        ("invoice_amount", DEC),
        ("invoice_currency_code", TEXT),
        ("transactions", LIST),
        ("status_history", LIST),
    )

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:  # noqa: ARG002
        for page in self.linked("/return", {"Limit": PAGE}):
            yield from self.page_records(page, "/return")

    def record_of(self, item: dict[str, Any]) -> dict[str, Any]:
        keys = ("reference_id", "store_order_id", "original_shipment_id", "shipment_tracking_number", "tracking_number")
        return {
            "account_id": self.account_id,
            "id": item["id"],
            **{k: item.get(k) for k in (*keys, "return_type", "status", *DATES, "status_history")},
            "channel_id": dig(item, "channel", "id"),
            "channel_name": dig(item, "channel", "name"),
            "fulfillment_center_id": dig(item, "fulfillment_center", "id"),
            "fulfillment_center_name": dig(item, "fulfillment_center", "name"),
            "invoice_amount": money(dig(item, "invoice", "amount"), "invoice.amount"),
            "invoice_currency_code": dig(item, "invoice", "currency_code"),
            "transactions": item.get("transactions"),
        }

    def buffer_children(self, item: dict[str, Any], record: dict[str, Any]) -> None:  # noqa: ARG002
        self.child_buffers.add(ITEMS, partial(self.items, item))
        self.child_buffers.add(ACTIONS, partial(self.actions, item))

    def items(self, item: dict[str, Any]) -> list[dict[str, Any]]:
        seen = Occurrences()
        return [
            {
                "account_id": self.account_id,
                "return_id": item["id"],
                "inventory_id": i.get("id"),
                "occurrence": seen(i.get("id")),
                "name": i.get("name"),
                "sku": i.get("sku"),
                "quantity": i.get("quantity"),
                "action_requested": dig(i, "action_requested", "action"),
                "action_requested_type": dig(i, "action_requested", "action_type"),
                "lot_number": dig(i, "lot_information", "number"),
                "lot_expiration": dig(i, "lot_information", "expiration"),
            }
            for i in item.get("inventory") or []
        ]

    def actions(self, item: dict[str, Any]) -> list[dict[str, Any]]:
        seen = Occurrences()
        rows = []
        for i in item.get("inventory") or []:
            occurrence = seen(i.get("id"))
            for n, a in enumerate(i.get("action_taken") or [], start=1):
                rows.append(
                    {
                        "account_id": self.account_id,
                        "return_id": item["id"],
                        "inventory_id": i.get("id"),
                        "item_occurrence": occurrence,
                        "action_number": n,
                        "action": a.get("action"),
                        "action_reason": a.get("action_reason"),
                        "quantity_processed": a.get("quantity_processed"),
                        "image_url": a.get("image_url"),
                    }
                )
        return rows


class ReturnItemsStream(ChildOf):
    name = ITEMS
    parent_stream_type = ReturnsStream
    primary_keys = ("account_id", "return_id", "inventory_id", "occurrence")
    schema = schema(
        ("return_id", INT),
        ("inventory_id", INT),
        ("occurrence", INT),
        ("name", TEXT),
        ("sku", TEXT),
        ("quantity", INT),
        ("action_requested", TEXT),
        ("action_requested_type", TEXT),
        ("lot_number", TEXT),
        ("lot_expiration", TIME),
    )


class ReturnActionsStream(ChildOf):
    name = ACTIONS
    parent_stream_type = ReturnsStream
    primary_keys = ("account_id", "return_id", "inventory_id", "item_occurrence", "action_number")
    schema = schema(
        ("return_id", INT),
        ("inventory_id", INT),
        ("item_occurrence", INT),
        ("action_number", INT),
        ("action", TEXT),
        ("action_reason", TEXT),
        ("quantity_processed", INT),
        ("image_url", TEXT),
    )
