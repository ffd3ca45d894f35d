"""Returns (cursor paging), the items returned and each action taken on them.

The list filters on creation and completion dates and on status, never on change, and a return
changes status after it is created. The first run reads the list whole; later runs, from
`done_until` (the previous run's start) less the lookback, read (a) the open returns, (b) those
created since and (c) those completed since, and (d) by id, those open at the previous run that
none of these listed (cancelled since). The state keeps each open return's id with a digest of
how it was read (`open`), so (d) is exact and an open return that has not changed is not emitted
again. Each return is emitted once a run; the bookmark moves only when the run read them all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from tap_common.values import dig

from tap_shipbob.records import DEC, INT, LIST, TEXT, TIME, Occurrences, money, schema
from tap_shipbob.streams.base import ChildOf, PagedParent, api_time

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

PAGE = 250
IDS_PER_CALL = 100  # ids a by-id read names (its URL stays short); each its own page
ITEMS, ACTIONS = "return_items", "return_actions"
DATES = ("insert_date", "awaiting_arrival_date", "arrived_date", "processing_date", "completed_date", "cancelled_date")
OPEN = ("AwaitingArrival", "Arrived", "Processing")
FINAL = frozenset({"Completed", "Cancelled"})


def is_open(item: dict[str, Any]) -> bool:
    """Not completed or cancelled (ShipBob also spells a status with spaces: `Awaiting Arrival`)."""
    return str(item.get("status") or "").replace(" ", "") not in FINAL


def digest(item: dict[str, Any]) -> str:
    """A fingerprint of the return as listed: any change to it changes this."""
    text = json.dumps(item, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


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

    def incremental(self) -> bool:
        """Whether a previous run read the list through (its bookmark and open returns are saved)."""
        return bool(self.stream_state.get("done_until")) and isinstance(self.stream_state.get("open"), dict)

    def plan_sync(self, context: Context | None) -> None:
        super().plan_sync(context)
        if self.incremental():
            window = self.incremental_window()
            self.run.mode = "incremental"
            self.run.window_start, self.run.window_end = window.start, window.end

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:  # noqa: ARG002
        state = self.stream_state
        window = self.incremental_window()
        incremental = self.incremental()
        known: dict[str, str] = dict(state["open"]) if incremental else {}
        seen: set[int] = set()
        still_open: dict[str, str] = {}
        reads: list[dict[str, Any]] = [{}]
        if incremental:
            since = api_time(window.start) if window.start else None
            reads = [{"Status": ",".join(OPEN)}, {"StartDate": since}, {"CompletedStartDate": since}]
        for params in reads:
            yield from self.changed({**params, "Limit": PAGE}, known, seen, still_open)
        gone = sorted(int(i) for i in known if int(i) not in seen)  # open last run, listed by none of the above
        for start in range(0, len(gone), IDS_PER_CALL):
            ids = ",".join(str(i) for i in gone[start : start + IDS_PER_CALL])
            yield from self.changed({"Ids": ids, "Limit": PAGE}, known, seen, still_open)
        state["done_until"] = api_time(window.end)
        state["open"] = still_open

    def changed(
        self, params: dict[str, Any], known: dict[str, str], seen: set[int], still_open: dict[str, str]
    ) -> Iterator[dict[str, Any]]:
        """The records of the returns listed with `params` not read yet this run, less the open ones
        unchanged since the last run; the open ones noted in `still_open`."""
        for page in self.linked("/return", params):
            fresh = []
            for item in page:
                if item["id"] in seen:
                    continue
                seen.add(item["id"])
                key, mark = str(item["id"]), digest(item)
                if is_open(item):
                    still_open[key] = mark
                if known.get(key) != mark:
                    fresh.append(item)
            yield from self.page_records(fresh, "/return")

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
