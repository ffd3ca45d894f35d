"""Products and their variants, inventory items, and stock per fulfillment centre and per lot."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from tap_common.values import dig
from tap_common.window import Window

from tap_shipbob.client import ShipBobStream
from tap_shipbob.records import BOOL, DEC, IDS, INT, LIST, OBJ, TEXT, TIME, money, schema
from tap_shipbob.streams.base import ChildOf, PagedParent, api_time

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

PAGE = 250
VARIANTS = "variants"
QUANTITIES = (
    "on_hand_quantity",
    "committed_quantity",
    "fulfillable_quantity",
    "awaiting_quantity",
    "internal_transfer_quantity",
)


class ProductsStream(PagedParent):
    """Products with their variants; after the first run (the whole catalog, whatever `start_date`),
    only those updated since `done_until` less the lookback (`LastUpdatedTimestamp`)."""

    name = "products"
    scope = "products_read"
    primary_keys = ("account_id", "id")
    replication_key = "updated_on"
    is_sorted = False  # listed by id; the watermark is `done_until`
    schema = schema(
        ("id", INT),
        ("name", TEXT),
        ("type", TEXT),
        ("user_id", INT),
        ("created_on", TIME),
        ("updated_on", TIME),
        ("taxonomy", OBJ),
        ("variant_ids", IDS),
    )

    def planned_window(self) -> Window:
        window = self.incremental_window()
        return window if self.stream_state.get("done_until") else Window(start=None, end=window.end)

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:  # noqa: ARG002
        window = self.planned_window()
        since = api_time(window.start) if window.start else None
        for page in self.linked("/product", {"PageSize": PAGE, "LastUpdatedTimestamp": since}):
            yield from self.page_records(page, "/product")
        self.stream_state["done_until"] = api_time(window.end)

    def record_of(self, item: dict[str, Any]) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "id": item["id"],
            "name": item.get("name"),
            "type": item.get("type"),
            "user_id": item.get("user_id"),
            "created_on": item.get("created_on"),
            "updated_on": item.get("updated_on"),
            "taxonomy": item.get("taxonomy"),
            "variant_ids": [v.get("id") for v in item.get("variants") or []],
        }

    def buffer_children(self, item: dict[str, Any], record: dict[str, Any]) -> None:  # noqa: ARG002
        self.child_buffers.add(VARIANTS, partial(self.variants, item))

    def variants(self, item: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {
                "account_id": self.account_id,
                "id": v["id"],
                "product_id": item["id"],
                "name": v.get("name"),
                "sku": v.get("sku"),
                "status": v.get("status"),
                "created_on": v.get("created_on"),
                "updated_on": v.get("updated_on"),
                "is_digital": v.get("is_digital"),
                "gtin": v.get("gtin"),
                "upc": v.get("upc"),
                "inventory_id": dig(v, "inventory", "inventory_id"),
                "is_lot": dig(v, "lot_information", "is_lot"),
                "weight": money(dig(v, "weight", "weight")),
                "weight_unit": dig(v, "weight", "unit"),
                "customs_value": money(dig(v, "customs", "value")),
                "customs_currency": dig(v, "customs", "currency"),
                "country_code_of_origin": dig(v, "customs", "country_code_of_origin"),
                "hs_tariff_code": dig(v, "customs", "hs_tariff_code"),
                "dimension": v.get("dimension"),
                "channel_metadata": v.get("channel_metadata"),
            }
            for v in item.get("variants") or []
        ]


class VariantsStream(ChildOf):
    name = VARIANTS
    parent_stream_type = ProductsStream
    primary_keys = ("account_id", "id")
    schema = schema(
        ("id", INT),
        ("product_id", INT),
        ("name", TEXT),
        ("sku", TEXT),
        ("status", TEXT),
        ("created_on", TIME),
        ("updated_on", TIME),
        ("is_digital", BOOL),
        ("gtin", TEXT),
        ("upc", TEXT),
        ("inventory_id", INT),
        ("is_lot", BOOL),
        ("weight", DEC),
        ("weight_unit", TEXT),
        ("customs_value", DEC),
        ("customs_currency", TEXT),
        ("country_code_of_origin", TEXT),
        ("hs_tariff_code", TEXT),
        ("dimension", OBJ),
        ("channel_metadata", LIST),
    )


class InventoryStream(ShipBobStream):
    name = "inventory"
    scope = "inventory_read"
    primary_keys = ("account_id", "inventory_id")
    schema = schema(
        ("inventory_id", INT),
        ("name", TEXT),
        ("sku", TEXT),
        ("barcode", TEXT),
        ("is_case", BOOL),
        ("is_lot", BOOL),
        ("user_id", INT),
        ("is_active", BOOL),
        ("is_bundle", BOOL),
        ("is_digital", BOOL),
        ("dimensions", OBJ),
        ("weight", OBJ),
    )

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:  # noqa: ARG002
        for page in self.linked("/inventory", {"PageSize": PAGE}):
            for i in page:
                yield {
                    "account_id": self.account_id,
                    "inventory_id": i["inventory_id"],
                    **{
                        k: i.get(k)
                        for k in ("name", "sku", "barcode", "is_case", "is_lot", "user_id", "dimensions", "weight")
                    },
                    "is_active": dig(i, "variant", "is_active"),
                    "is_bundle": dig(i, "variant", "is_bundle"),
                    "is_digital": dig(i, "variant", "is_digital"),
                }


def _quantities(row: dict[str, Any]) -> dict[str, Any]:
    return {q: row.get(q) for q in QUANTITIES}


QUANTITY_COLUMNS = tuple((q, INT) for q in QUANTITIES)


class InventoryLevelsStream(ShipBobStream):
    """Stock of each inventory item in each fulfillment centre (one row per item and centre)."""

    name = "inventory_levels"
    scope = "inventory_read"
    primary_keys = ("account_id", "inventory_id", "location_id")
    schema = schema(
        ("inventory_id", INT),
        ("location_id", INT),
        ("location_name", TEXT),
        ("sku", TEXT),
        ("name", TEXT),
        *QUANTITY_COLUMNS,
    )

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:  # noqa: ARG002
        for page in self.linked("/inventory-level/locations", {"PageSize": PAGE}):
            for item in page:
                for loc in item.get("locations") or []:
                    yield {
                        "account_id": self.account_id,
                        "inventory_id": item["inventory_id"],
                        "location_id": loc["location_id"],
                        "location_name": loc.get("name"),
                        "sku": item.get("sku"),
                        "name": item.get("name"),
                        **_quantities(loc),
                    }


class InventoryLotLevelsStream(ShipBobStream):
    """Stock of each lot of an item in each fulfillment centre (accounts with lot-tracked items)."""

    name = "inventory_lot_levels"
    scope = "inventory_read"
    primary_keys = ("account_id", "inventory_id", "lot_number", "location_id")
    schema = schema(
        ("inventory_id", INT),
        ("lot_number", TEXT),
        ("lot_date", TIME),
        ("location_id", INT),
        ("location_name", TEXT),
        ("sku", TEXT),
        *QUANTITY_COLUMNS,
    )

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:  # noqa: ARG002
        for page in self.linked("/inventory-level/lots", {"PageSize": PAGE}):
            for item in page:
                for lot in item.get("lots") or []:
                    for loc in lot.get("locations") or []:
                        yield {
                            "account_id": self.account_id,
                            "inventory_id": item["inventory_id"],
                            "lot_number": lot.get("lot_number") or "",
                            "lot_date": lot.get("lot_date"),
                            "location_id": loc["location_id"],
                            "location_name": loc.get("name"),
                            "sku": item.get("sku"),
                            **_quantities(loc),
                        }
