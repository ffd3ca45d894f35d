"""Locations, inventory items, and inventory levels per location.

Inventory levels are read per location (`location.inventoryLevels`, filtered on
`updated_at`), because a stock change moves the level's `updatedAt` but not its item's:
reading levels through their items would miss them. Neither connection can sort on
UPDATED_AT, so their bookmarks are kept until each stream (or location) is done.

`locations` takes no `updated_at` search term: every sync reads the few locations in one
call (it needs their ids for the levels anyway) and emits only those changed since the
bookmark.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import requests
from singer_sdk import typing as th
from singer_sdk.helpers.types import Context

from tap_shopify.client import ShopifyStream, legacy_id, normal_time, to_decimal
from tap_shopify.pagination import dig
from tap_shopify.streams.incremental import UpdatedAtStream
from tap_shopify.streams.order_activity import MONEY
from tap_shopify.window import shopify_time

# Shopify's named inventory states; on_hand = available + committed + reserved + damaged
# + safety_stock + quality_control. `incoming` is on its way, not on hand.
QUANTITY_NAMES = (
    "available",
    "on_hand",
    "committed",
    "incoming",
    "reserved",
    "damaged",
    "safety_stock",
    "quality_control",
)


class LocationsStream(ShopifyStream):
    """Every location, active or not: all read, those changed in the window emitted."""

    name = "locations"
    query_name = "locations"
    result_path = ("locations",)
    primary_keys = ("shop", "id")
    replication_key = "updated_at"
    is_sorted = False  # LocationSortKeys has no UPDATED_AT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ids: list[str] | None = None  # every location's id, once read in this sync

    def location_ids(self) -> list[str]:
        """Every location's id: from this sync's read of the locations, or read now."""
        if self._ids is None:
            self._ids = [
                node["id"] for node in self.all_pages(self.query_name, self.variables(None, None), self.result_path)
            ]
        return self._ids

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        ids: list[str] = []
        for record in super().get_records(context):
            ids.append(record["id"])
            if self.changed(record, context):
                yield record
        self._ids = ids

    def changed(self, record: dict[str, Any], context: Context | None) -> bool:
        """Whether the location changed in this sync's window (the search cannot tell)."""
        start, updated = self.window(context).start, normal_time(record.get("updated_at"))
        return start is None or updated is None or updated >= shopify_time(start)

    schema = th.PropertiesList(
        th.Property("shop", th.StringType, required=True, description="The myshopify domain"),
        th.Property("id", th.StringType, required=True, description="Global ID of the location"),
        th.Property("legacy_resource_id", th.IntegerType),
        th.Property("name", th.StringType),
        th.Property("is_active", th.BooleanType),
        th.Property("fulfills_online_orders", th.BooleanType),
        th.Property("ships_inventory", th.BooleanType),
        th.Property("has_active_inventory", th.BooleanType),
        th.Property("deactivated_at", th.DateTimeType),
        th.Property("address1", th.StringType),
        th.Property("address2", th.StringType),
        th.Property("city", th.StringType),
        th.Property("province_code", th.StringType),
        th.Property("country_code", th.StringType),
        th.Property("zip", th.StringType),
        th.Property("created_at", th.DateTimeType),
        th.Property("updated_at", th.DateTimeType),
    ).to_dict()

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        for node in self.nodes(response):
            address = node.get("address") or {}
            yield {
                "shop": self.shop,
                "id": node["id"],
                "legacy_resource_id": legacy_id(node),
                "name": node.get("name"),
                "is_active": node.get("isActive"),
                "fulfills_online_orders": node.get("fulfillsOnlineOrders"),
                "ships_inventory": node.get("shipsInventory"),
                "has_active_inventory": node.get("hasActiveInventory"),
                "deactivated_at": node.get("deactivatedAt"),
                "address1": address.get("address1"),
                "address2": address.get("address2"),
                "city": address.get("city"),
                "province_code": address.get("provinceCode"),
                "country_code": address.get("countryCode"),
                "zip": address.get("zip"),
                "created_at": node.get("createdAt"),
                "updated_at": node.get("updatedAt"),
            }


class InventoryLevelsStream(UpdatedAtStream):
    """Stock of each inventory item at one location, one column per quantity name."""

    name = "inventory_levels"
    query_name = "inventory_levels"
    result_path = ("location", "inventoryLevels")
    state_partitioning_keys: ClassVar[list[str]] = ["location_id"]
    primary_keys = ("shop", "id")
    is_sorted = False

    schema = th.PropertiesList(
        th.Property("shop", th.StringType, required=True, description="The myshopify domain"),
        th.Property("id", th.StringType, required=True, description="Global ID of the inventory level"),
        th.Property("location_id", th.StringType, required=True),
        th.Property("inventory_item_id", th.StringType, required=True),
        th.Property("sku", th.StringType),
        *(th.Property(name, th.IntegerType) for name in QUANTITY_NAMES),
        th.Property("created_at", th.DateTimeType),
        th.Property("updated_at", th.DateTimeType, required=True),
    ).to_dict()

    @property
    def partitions(self) -> list[dict[str, Any]]:
        # Every location, changed or not: a level changes without its location.
        locations = self._tap.streams[LocationsStream.name]
        assert isinstance(locations, LocationsStream)
        return [{"location_id": location_id} for location_id in locations.location_ids()]

    def variables(self, context: Context | None, next_page_token: str | None) -> dict[str, Any]:
        assert context is not None
        return {**super().variables(context, next_page_token), "id": context["location_id"]}

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        for node in self.nodes(response):
            quantities = {q.get("name"): q.get("quantity") for q in node.get("quantities") or []}
            yield {
                "shop": self.shop,
                "id": node["id"],
                "location_id": None,  # from the context, in post_process
                "inventory_item_id": dig(node, ("item", "id")),
                "sku": dig(node, ("item", "sku")),
                **{name: quantities.get(name) for name in QUANTITY_NAMES},
                "created_at": node.get("createdAt"),
                "updated_at": node["updatedAt"],
            }

    def post_process(self, row: dict[str, Any], context: Context | None = None) -> dict[str, Any]:
        if context is not None:
            row["location_id"] = context["location_id"]
        return row


class InventoryItemsStream(UpdatedAtStream):
    name = "inventory_items"
    query_name = "inventory_items"
    result_path = ("inventoryItems",)
    primary_keys = ("shop", "id")
    is_sorted = False  # inventoryItems has no sortKey

    schema = th.PropertiesList(
        th.Property("shop", th.StringType, required=True, description="The myshopify domain"),
        th.Property("id", th.StringType, required=True, description="Global ID of the inventory item"),
        th.Property("legacy_resource_id", th.IntegerType),
        th.Property("sku", th.StringType),
        th.Property("tracked", th.BooleanType),
        th.Property("requires_shipping", th.BooleanType),
        th.Property("country_code_of_origin", th.StringType),
        th.Property("harmonized_system_code", th.StringType),
        th.Property("unit_cost", MONEY),
        th.Property("unit_cost_currency", th.StringType),
        th.Property("created_at", th.DateTimeType),
        th.Property("updated_at", th.DateTimeType, required=True),
    ).to_dict()

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        for node in self.nodes(response):
            yield {
                "shop": self.shop,
                "id": node["id"],
                "legacy_resource_id": legacy_id(node),
                "sku": node.get("sku"),
                "tracked": node.get("tracked"),
                "requires_shipping": node.get("requiresShipping"),
                "country_code_of_origin": node.get("countryCodeOfOrigin"),
                "harmonized_system_code": node.get("harmonizedSystemCode"),
                "unit_cost": to_decimal(dig(node, ("unitCost", "amount"))),
                "unit_cost_currency": dig(node, ("unitCost", "currencyCode")),
                "created_at": node.get("createdAt"),
                "updated_at": node["updatedAt"],
            }
