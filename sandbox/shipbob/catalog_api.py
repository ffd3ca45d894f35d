"""Products with their variants, inventory items, and inventory levels: in total, per fulfillment
centre and per lot. One product per catalog product, one variant and inventory item per SKU."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sandbox.amazon.wire import iso
from sandbox.catalog import CATALOG, CatalogItem
from sandbox.shopify.catalog_data import inventory_item_legacy_id

from .call import Call
from .pages import BadRequestError, NotFoundError, Query, cursor_walk, linked_page
from .stock import Level, Stock
from .world import (
    CURRENCY,
    FULFILLMENT_CENTERS,
    USER_ID,
    World,
    inventory_id,
    is_lot,
    product_id,
    variant_id,
)

PRODUCT_PARAMS = frozenset(
    {"PageSize", "SKU", "ProductId", "VariantId", "InventoryId", "LastUpdatedTimestamp", "SortBy", "SortOrder"}
)
INVENTORY_PARAMS = frozenset({"PageSize", "InventoryIds", "IsActive", "IsDigital", "SearchBy", "SortBy"})
LOCATION_PARAMS = INVENTORY_PARAMS | {"LocationId"}
LOT_PARAMS = INVENTORY_PARAMS | {"LocationId"}
_ENUM = {"id": 1, "name": "Restock"}


def _product_indexes() -> list[int]:
    return sorted({item.product_index for item in CATALOG})


def _variants(product_index: int) -> list[CatalogItem]:
    return [item for item in CATALOG if item.product_index == product_index]


def _totals(levels: Sequence[Level]) -> dict[str, int]:
    on_hand = sum(lv.on_hand for lv in levels)
    committed = sum(lv.committed for lv in levels)
    awaiting = sum(lv.awaiting for lv in levels)
    return {
        "on_hand_quantity": on_hand,
        "committed_quantity": committed,
        "fulfillable_quantity": on_hand - committed,
        "awaiting_quantity": awaiting,
        "internal_transfer_quantity": 0,
    }


def _sorted(records: list[dict[str, Any]], sort_by: str | None) -> list[dict[str, Any]]:
    """`SortBy`: comma separated field names, each ascending unless prefixed with '-'."""
    if not sort_by:
        return records
    for field in reversed([f.strip() for f in sort_by.split(",") if f.strip()]):
        name = field.lstrip("-")
        if not records or name not in records[0] or isinstance(records[0][name], list | dict):
            raise BadRequestError("SortBy", f"Cannot sort by '{name}'.")
        records = sorted(records, key=lambda r: (r[name] is None, r[name]), reverse=field.startswith("-"))
    return records


class CatalogAPI:
    def __init__(self, world: World, stock: Stock) -> None:
        self.world = world
        self.stock = stock
        created = world.anchor - timedelta(days=stock.days + 300)
        self.created = created.replace(hour=9, minute=0, second=0, microsecond=0)

    # -- products --------------------------------------------------------------------------

    def _updated(self, product_index: int) -> datetime:
        return self.created + timedelta(days=3 * product_index + 1, hours=product_index)

    def product_json(self, product_index: int) -> dict[str, Any]:
        first = _variants(product_index)[0]
        return {
            "id": product_id(product_index),
            "name": first.product_title,
            "type": "Regular",
            "user_id": USER_ID,
            "created_on": iso(self.created),
            "updated_on": iso(self._updated(product_index)),
            "taxonomy": {
                "id": None,
                "name": first.product_type,
                "parent_id": None,
                "parent_name": None,
                "path": first.product_type,
            },
            "variants": [self.variant_json(item) for item in _variants(product_index)],
        }

    def variant_json(self, item: CatalogItem) -> dict[str, Any]:
        on_hand = sum(self.stock.level(item, fc).on_hand for fc in FULFILLMENT_CENTERS)
        stores = [c for c in self.world.channels if c.shop_index is not None]
        return {
            "id": variant_id(item),
            "name": item.title,
            "sku": item.sku,
            "status": "Active",
            "created_on": iso(self.created),
            "updated_on": iso(self._updated(item.product_index)),
            "is_digital": False,
            "is_image_uploaded": False,
            "gtin": None,
            "upc": None,
            "inventory": {"inventory_id": inventory_id(item), "on_hand_qty": on_hand},
            "lot_information": {"is_lot": is_lot(item), "minimum_shelf_life_days": 90 if is_lot(item) else None},
            "dimension": {
                "length": Decimal("10.0"),
                "width": Decimal("8.0"),
                "height": Decimal("4.0"),
                "unit": "in",
                "is_locked": False,
                "source": "User",
            },
            "weight": {"weight": Decimal("12.0"), "unit": "oz"},
            "customs": {
                "country_code_of_origin": "US",
                "currency": CURRENCY,
                "description": item.product_title,
                "hs_tariff_code": None,
                "is321_eligible": False,
                "value": int(item.price),
            },
            "fulfillment_settings": {
                "dangerous_goods": False,
                "is_bpm_parcel": False,
                "is_case_pick": False,
                "msds_url": None,
                "requires_prop65": False,
                "serial_scan": {"is_enabled": False, "exact_character_length": None, "prefix": None, "suffix": None},
            },
            "packaging_material_type": {"id": 1, "name": "Box"},
            "packaging_requirement": {"id": 1, "name": "NoRequirements"},
            "return_preferences": {
                "primary_action": _ENUM,
                "backup_action": _ENUM,
                "instructions": None,
                "return_to_sender_primary_action": _ENUM,
                "return_to_sender_backup_action": _ENUM,
            },
            "associated_bundles": [],
            "bundle_definition": [],
            "merge_children": [],
            "reviews_pending": [],
            "barcodes": [],
            "channel_metadata": [
                {
                    "id": variant_id(item) * 10 + n,
                    "channel_id": channel.id,
                    "channel_name": channel.name,
                    "platform": "Shopify",
                    "platform_identifier": str(self.world.shopify_variant_id(item)),
                    "platform_inventory_item_id": str(inventory_item_legacy_id(item)),
                    "seller_sku": item.sku,
                    "price": item.price,
                    "currency": CURRENCY,
                    "is_inventory_sync_enabled": True,
                    "legacy_product_id": None,
                }
                for n, channel in enumerate(stores)
            ],
        }

    def list_products(self, call: Call) -> Any:
        q, offset, size, link = cursor_walk(call.query, call.endpoint, "PageSize")
        skus = q.words("SKU")
        product_ids, variant_ids, inventory_ids = q.ids("ProductId"), q.ids("VariantId"), q.ids("InventoryId")
        since = q.date("LastUpdatedTimestamp")

        def keep(index: int) -> bool:
            variants = _variants(index)
            return (
                (skus is None or any(v.sku in skus for v in variants))
                and (product_ids is None or product_id(index) in product_ids)
                and (variant_ids is None or any(variant_id(v) in variant_ids for v in variants))
                and (inventory_ids is None or any(inventory_id(v) in inventory_ids for v in variants))
                and (since is None or self._updated(index) >= since)
            )

        indexes = [i for i in _product_indexes() if keep(i)]
        sort_by = (q.text("SortBy") or "Id").lower()
        keys: dict[str, Callable[[int], Any]] = {"id": product_id, "name": lambda i: _variants(i)[0].product_title}
        if sort_by not in keys:
            raise BadRequestError("SortBy", "SortBy must be one of Id, Name.")
        order = (q.text("SortOrder") or "ASC").upper()
        if order not in ("ASC", "DESC"):
            raise BadRequestError("SortOrder", "SortOrder must be ASC or DESC.")
        indexes.sort(key=keys[sort_by], reverse=order == "DESC")
        return linked_page(indexes, offset, size, link, self.product_json)

    def get_product(self, call: Call) -> Any:
        return self.product_json(self._product_index(call))

    def product_variants(self, call: Call) -> Any:
        return [self.variant_json(item) for item in _variants(self._product_index(call))]

    @staticmethod
    def _product_index(call: Call) -> int:
        index = call.id(0, "productId") - product_id(0)
        if index not in _product_indexes():
            raise NotFoundError(f"Product {call.params[0]} not found")
        return index

    # -- inventory -------------------------------------------------------------------------

    @staticmethod
    def _item(call: Call) -> CatalogItem:
        wanted = call.id(0, "inventoryId")
        item = next((i for i in CATALOG if inventory_id(i) == wanted), None)
        if item is None:
            raise NotFoundError(f"Inventory {wanted} not found")
        return item

    def inventory_json(self, item: CatalogItem) -> dict[str, Any]:
        return {
            "inventory_id": inventory_id(item),
            "name": item.title,
            "sku": item.sku,
            "barcode": None,
            "is_case": False,
            "is_lot": is_lot(item),
            "user_id": USER_ID,
            "dimensions": {
                "length": Decimal("10.0"),
                "width": Decimal("8.0"),
                "height": Decimal("4.0"),
                "unit": "in",
                "is_locked": False,
                "validated": True,
            },
            "weight": {"value": Decimal("12.0"), "unit": "oz"},
            "variant": {
                "is_active": True,
                "is_bundle": False,
                "is_digital": False,
                "hazmat": {"is_hazmat": False, "validated": True},
            },
        }

    def level_json(self, item: CatalogItem) -> dict[str, Any]:
        totals = _totals([self.stock.level(item, fc) for fc in FULFILLMENT_CENTERS])
        return {
            "inventory_id": inventory_id(item),
            "name": item.title,
            "sku": item.sku,
            "total_on_hand_quantity": totals["on_hand_quantity"],
            "total_committed_quantity": totals["committed_quantity"],
            "total_fulfillable_quantity": totals["fulfillable_quantity"],
            "total_awaiting_quantity": totals["awaiting_quantity"],
            "total_internal_transfer_quantity": 0,
            "total_backordered_quantity": 0,
            "total_exception_quantity": 0,
            "total_sellable_quantity": totals["fulfillable_quantity"] + totals["awaiting_quantity"],
        }

    def locations_json(self, item: CatalogItem, location_id: int | None = None) -> dict[str, Any]:
        return {
            "inventory_id": inventory_id(item),
            "name": item.title,
            "sku": item.sku,
            "locations": [
                {"location_id": fc.id, "name": fc.name, **_totals([self.stock.level(item, fc)])}
                for fc in FULFILLMENT_CENTERS
                if location_id is None or fc.id == location_id
            ],
        }

    def lots_json(self, item: CatalogItem, location_id: int | None = None) -> dict[str, Any]:
        lots: dict[str, dict[str, Any]] = {}
        for lot in self.stock.lots(item):
            if location_id is not None and lot.centre.id != location_id:
                continue
            entry = lots.setdefault(
                lot.number, {"lot_number": lot.number, "lot_date": iso(lot.expires), "locations": []}
            )
            entry["locations"].append({"location_id": lot.centre.id, "name": lot.centre.name, **_totals([lot.level])})
        out = []
        for entry in lots.values():
            sums = {k: sum(loc[k] for loc in entry["locations"]) for k in _totals([])}
            out.append({**sums, **entry})
        return {"inventory_id": inventory_id(item), "name": item.title, "sku": item.sku, "lots": out}

    def _inventory_list(
        self, call: Call, render: Callable[[CatalogItem, Query], dict[str, Any]], *, lots_only: bool = False
    ) -> Any:
        q, offset, size, link = cursor_walk(call.query, call.endpoint, "PageSize")
        ids = q.ids("InventoryIds")
        search = (q.text("SearchBy") or "").lower()
        active, digital = q.boolean("IsActive"), q.boolean("IsDigital")
        items = [
            i
            for i in CATALOG
            if (ids is None or inventory_id(i) in ids)
            and (not search or search == str(inventory_id(i)) or search in i.title.lower() or search in i.sku.lower())
            and active is not False
            and digital is not True
            and (is_lot(i) or not lots_only)
        ]
        records = _sorted([render(i, q) for i in items], q.text("SortBy"))
        return linked_page(records, offset, size, link, lambda r: r)

    def list_inventory(self, call: Call) -> Any:
        return self._inventory_list(call, lambda i, _: self.inventory_json(i))

    def get_inventory(self, call: Call) -> Any:
        return self.inventory_json(self._item(call))

    def list_levels(self, call: Call) -> Any:
        return self._inventory_list(call, lambda i, _: self.level_json(i))

    def get_level(self, call: Call) -> Any:
        return self.level_json(self._item(call))

    def list_locations(self, call: Call) -> Any:
        return self._inventory_list(call, lambda i, q: self.locations_json(i, _location(q)))

    def get_locations(self, call: Call) -> Any:
        return self.locations_json(self._item(call))

    def list_lots(self, call: Call) -> Any:
        return self._inventory_list(call, lambda i, q: self.lots_json(i, _location(q)), lots_only=True)

    def get_lots(self, call: Call) -> Any:
        return self.lots_json(self._item(call))


def _location(query: Query) -> int | None:
    ids = query.ids("LocationId")
    return None if ids is None else next(iter(ids))
