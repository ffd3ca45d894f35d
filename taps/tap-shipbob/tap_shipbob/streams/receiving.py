"""Warehouse receiving orders (WROs), their expected and received quantities, and their boxes.

The list filters on insert and completion dates only, never on change, and a WRO changes
status after it is inserted, so the stream is read whole every run (`Page`/`Limit`). Each WRO's
boxes are one request each (`/receiving/{id}/boxes`): read on the first run, then only for WROs
whose `last_updated_date` is on or after `boxes_until` (the previous run's start) less the lookback.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from tap_common.settings import parse_moment
from tap_common.values import dig

from tap_shipbob.client import ShipBobStream
from tap_shipbob.records import INT, LIST, TEXT, TIME, Occurrences, schema
from tap_shipbob.streams.base import ChildOf, PagedParent, api_time

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

PAGE = 250
ITEMS = "receiving_items"


class ReceivingOrdersStream(PagedParent):
    name = "receiving_orders"
    scope = "receiving_read"
    primary_keys = ("account_id", "id")
    schema = schema(
        ("id", INT),
        ("purchase_order_number", TEXT),
        ("status", TEXT),
        ("box_packaging_type", TEXT),
        ("package_type", TEXT),
        ("expected_arrival_date", TIME),
        ("insert_date", TIME),
        ("last_updated_date", TIME),
        ("fulfillment_center_id", INT),
        ("fulfillment_center_name", TEXT),
        ("status_history", LIST),
    )

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:  # noqa: ARG002
        saved = self.stream_state.get("boxes_until")
        window = self.incremental_window(saved)
        self._boxes_since = window.start if saved else None
        for page in self.pages("/receiving", {}, PAGE):
            yield from self.page_records(page, "/receiving")
        self.stream_state["boxes_until"] = api_time(window.end)

    _boxes_since: datetime | None = None

    def record_of(self, item: dict[str, Any]) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "id": item["id"],
            **{k: item.get(k) for k in ("purchase_order_number", "status", "box_packaging_type", "package_type")},
            **{k: item.get(k) for k in ("expected_arrival_date", "insert_date", "last_updated_date", "status_history")},
            "fulfillment_center_id": dig(item, "fulfillment_center", "id"),
            "fulfillment_center_name": dig(item, "fulfillment_center", "name"),
        }

    def buffer_children(self, item: dict[str, Any], record: dict[str, Any]) -> None:  # noqa: ARG002
        self.child_buffers.add(ITEMS, partial(self.items, item))

    def items(self, item: dict[str, Any]) -> list[dict[str, Any]]:
        seen = Occurrences()
        return [
            {
                "account_id": self.account_id,
                "receiving_order_id": item["id"],
                "inventory_id": q.get("inventory_id"),
                "occurrence": seen(q.get("inventory_id")),
                "sku": q.get("sku"),
                "expected_quantity": q.get("expected_quantity"),
                "received_quantity": q.get("received_quantity"),
                "stowed_quantity": q.get("stowed_quantity"),
            }
            for q in item.get("inventory_quantities") or []
        ]

    def generate_child_contexts(self, record: dict[str, Any], context: Context | None) -> Iterable[Context | None]:
        yield from super().generate_child_contexts(record, context)
        updated = record.get("last_updated_date")
        if self._boxes_since is None or not updated or parse_moment(updated) >= self._boxes_since:
            yield {"receiving_order_id": record["id"]}  # its boxes, one request


class ReceivingItemsStream(ChildOf):
    name = ITEMS
    parent_stream_type = ReceivingOrdersStream
    primary_keys = ("account_id", "receiving_order_id", "inventory_id", "occurrence")
    schema = schema(
        ("receiving_order_id", INT),
        ("inventory_id", INT),
        ("occurrence", INT),
        ("sku", TEXT),
        ("expected_quantity", INT),
        ("received_quantity", INT),
        ("stowed_quantity", INT),
    )

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        if context and "receiving_order_id" in context:
            return []  # that context is the boxes'
        return super().get_records(context)


class ReceivingBoxesStream(ShipBobStream):
    name = "receiving_boxes"
    scope = "receiving_read"
    parent_stream_type = ReceivingOrdersStream
    state_partitioning_keys: list[str] = []  # noqa: RUF012 - read whole each run; no state per WRO
    primary_keys = ("account_id", "receiving_order_id", "box_id")
    schema = schema(
        ("receiving_order_id", INT),
        ("box_id", INT),
        ("box_number", INT),
        ("box_status", TEXT),
        ("tracking_number", TEXT),
        ("arrived_date", TIME),
        ("received_date", TIME),
        ("counting_started_date", TIME),
        ("box_items", LIST),
    )

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        if not context or "receiving_order_id" not in context:
            return
        wro = context["receiving_order_id"]
        for box in self.get(f"/receiving/{wro}/boxes") or []:
            yield {
                "account_id": self.account_id,
                "receiving_order_id": wro,
                "box_id": box["box_id"],
                **{k: box.get(k) for k in ("box_number", "box_status", "tracking_number", "box_items")},
                **{k: box.get(k) for k in ("arrived_date", "received_date", "counting_started_date")},
            }
