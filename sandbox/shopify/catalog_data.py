"""The shop's locations, products, variants, inventory items and inventory levels.

All of it follows from the shared SKU catalog (`sandbox.catalog`) and the shop's seed,
so it is the same on every run and small enough to build whole. Ids match the ones
order line items already point at (product 7_000_000 + p, variant 40_000_000 + 100p + v).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sandbox.catalog import CATALOG, CatalogItem
from sandbox.shopify.data import ShopData, gid, iso, money

PRODUCT_ID_BASE = 7_000_000
VARIANT_ID_BASE = 40_000_000
INVENTORY_ITEM_ID_BASE = 45_000_000
LOCATION_ID_BASE = 60_000_000
UNIT_COST_SHARE = Decimal("0.40")
# Shopify's named quantities; on_hand = available + the unavailable ones (not incoming).
UNAVAILABLE = ("committed", "reserved", "damaged", "safety_stock", "quality_control")
QUANTITY_NAMES = ("available", "on_hand", "incoming", *UNAVAILABLE)


@dataclass(frozen=True)
class Location:
    index: int
    name: str
    address1: str
    city: str
    province_code: str
    zip: str
    ships: bool
    #: Product types stocked here; None: everything.
    stocks: frozenset[str] | None

    @property
    def legacy_id(self) -> int:
        return LOCATION_ID_BASE + self.index

    @property
    def gid(self) -> str:
        return gid("Location", self.legacy_id)


LOCATIONS: tuple[Location, ...] = (
    Location(0, "Main Warehouse", "100 Granite Way", "Reno", "NV", "89502", True, None),
    Location(1, "East Fulfillment Center", "25 Harbor Road", "Newark", "NJ", "07114", True, None),
    Location(
        2, "Flagship Store", "8 Alpine Street", "Boulder", "CO", "80302", False, frozenset({"Apparel", "Headwear"})
    ),
)
SHIPPING_LOCATIONS = tuple(loc for loc in LOCATIONS if loc.ships)


def money_v2(value: Decimal, currency: str) -> dict[str, Any]:
    return {"__typename": "MoneyV2", "amount": money(value), "currencyCode": currency}


def variant_legacy_id(item: CatalogItem) -> int:
    return VARIANT_ID_BASE + item.product_index * 100 + item.variant_index


def inventory_item_legacy_id(item: CatalogItem) -> int:
    return INVENTORY_ITEM_ID_BASE + item.product_index * 100 + item.variant_index


def option_name(item: CatalogItem) -> str:
    if item.option == "Standard":
        return "Title"
    return "Size" if item.product_type in ("Socks", "Apparel") else "Color"


@dataclass(frozen=True)
class Level:
    """Stock of one inventory item at one location."""

    item: CatalogItem
    location: Location
    quantities: dict[str, int]
    created_at: datetime
    updated_at: datetime

    @property
    def gid(self) -> str:
        item_id = inventory_item_legacy_id(self.item)
        return f"gid://shopify/InventoryLevel/{item_id * 10 + self.location.index}?inventory_item_id={item_id}"


@dataclass
class Catalog:
    """Products, variants, inventory and locations of one shop, with their timestamps."""

    shop: ShopData
    levels: list[Level]
    variant_times: dict[str, tuple[datetime, datetime]]  # sku -> (created, updated)
    product_times: dict[int, tuple[datetime, datetime]]  # product index -> (created, updated)
    #: Titles set on purpose (product index -> title), e.g. text a warehouse cannot store as is.
    titles: dict[int, str] = field(default_factory=dict)
    #: Locations edited since they were set up (location index -> when).
    location_edits: dict[int, datetime] = field(default_factory=dict)

    def edit_location(self, location: Location, at: datetime) -> None:
        """The merchant edits a location (its name, its address): its `updatedAt` moves."""
        self.location_edits[location.index] = at.replace(microsecond=0)

    def set_available(self, item: CatalogItem, location: Location, available: int, at: datetime) -> Level:
        """A stock change of one item at one location: its level's quantities and `updatedAt` move,
        not its item's or its location's."""
        index = next(i for i, lv in enumerate(self.levels) if lv.item.sku == item.sku and lv.location == location)
        old = self.levels[index]
        quantities = {**old.quantities, "available": available}
        quantities["on_hand"] = available + sum(quantities[n] for n in UNAVAILABLE)
        self.levels[index] = Level(item, location, quantities, old.created_at, at.replace(microsecond=0))
        return self.levels[index]

    def items_of(self, product_index: int) -> list[CatalogItem]:
        return [i for i in CATALOG if i.product_index == product_index]

    def levels_of_item(self, item: CatalogItem) -> list[Level]:
        return [lv for lv in self.levels if lv.item.sku == item.sku]

    def levels_at(self, location: Location) -> list[Level]:
        return [lv for lv in self.levels if lv.location.index == location.index]

    # -- rendering ------------------------------------------------------------

    def location_object(self, location: Location) -> dict[str, Any]:
        created = self.shop.created_at + timedelta(days=location.index * 30)
        return {
            "__typename": "Location",
            "id": location.gid,
            "legacyResourceId": str(location.legacy_id),
            "name": location.name,
            "isActive": True,
            "fulfillsOnlineOrders": location.ships,
            "shipsInventory": location.ships,
            "hasActiveInventory": True,
            "isFulfillmentService": False,
            "deactivatedAt": None,
            "address": {
                "__typename": "LocationAddress",
                "address1": location.address1,
                "city": location.city,
                "provinceCode": location.province_code,
                "countryCode": "US",
                "country": "United States",
                "zip": location.zip,
                "formatted": [
                    location.address1,
                    f"{location.city} {location.province_code} {location.zip}",
                    "United States",
                ],
            },
            "createdAt": iso(created),
            "updatedAt": iso(self.location_edits.get(location.index, created)),
        }

    def level_object(self, level: Level) -> dict[str, Any]:
        def quantities(_info: Any, names: list[str]) -> list[dict[str, Any]]:
            return [
                {
                    "__typename": "InventoryQuantity",
                    "id": f"gid://shopify/InventoryQuantity/{inventory_item_legacy_id(level.item)}-"
                    f"{level.location.index}-{name}",
                    "name": name,
                    "quantity": level.quantities[name],
                    "updatedAt": iso(level.updated_at),
                }
                for name in names
                if name in level.quantities
            ]

        return {
            "__typename": "InventoryLevel",
            "id": level.gid,
            "isActive": True,
            "canDeactivate": False,
            "item": {"__typename": "InventoryItem", "id": gid("InventoryItem", inventory_item_legacy_id(level.item))},
            "location": self.location_object(level.location),
            "quantities": quantities,
            "createdAt": iso(level.created_at),
            "updatedAt": iso(level.updated_at),
        }

    def variant_object(self, item: CatalogItem) -> dict[str, Any]:
        created, updated = self.variant_times[item.sku]
        stock = sum(lv.quantities["available"] for lv in self.levels_of_item(item))
        return {
            "__typename": "ProductVariant",
            "id": gid("ProductVariant", variant_legacy_id(item)),
            "legacyResourceId": str(variant_legacy_id(item)),
            "sku": item.sku,
            "title": item.option,
            "displayName": item.title,
            "position": item.variant_index + 1,
            "price": money(item.price),
            "compareAtPrice": None,
            "barcode": _barcode(item.sku),
            "taxable": True,
            "availableForSale": stock > 0,
            "inventoryPolicy": "DENY",
            "inventoryQuantity": stock,
            "selectedOptions": [{"__typename": "SelectedOption", "name": option_name(item), "value": item.option}],
            "product": {"__typename": "Product", "id": gid("Product", PRODUCT_ID_BASE + item.product_index)},
            "inventoryItem": self.inventory_item_object(item),
            "createdAt": iso(created),
            "updatedAt": iso(updated),
        }

    def inventory_item_object(self, item: CatalogItem) -> dict[str, Any]:
        created, updated = self.variant_times[item.sku]
        cost = (item.price * UNIT_COST_SHARE).quantize(Decimal("0.01"))
        return {
            "__typename": "InventoryItem",
            "id": gid("InventoryItem", inventory_item_legacy_id(item)),
            "legacyResourceId": str(inventory_item_legacy_id(item)),
            "sku": item.sku,
            "tracked": True,
            "requiresShipping": True,
            "countryCodeOfOrigin": "US",
            "harmonizedSystemCode": "6115950000" if item.product_type == "Socks" else None,
            "unitCost": money_v2(cost, self.shop.currency),
            "variant": {"__typename": "ProductVariant", "id": gid("ProductVariant", variant_legacy_id(item))},
            "createdAt": iso(created),
            "updatedAt": iso(updated),
        }

    def product_object(self, product_index: int) -> dict[str, Any]:
        items = self.items_of(product_index)
        first = items[0]
        created, updated = self.product_times[product_index]
        prices = [i.price for i in items]
        total = sum(lv.quantities["available"] for i in items for lv in self.levels_of_item(i))
        return {
            "__typename": "Product",
            "id": gid("Product", PRODUCT_ID_BASE + product_index),
            "legacyResourceId": str(PRODUCT_ID_BASE + product_index),
            "title": self.titles.get(product_index, first.product_title),
            "handle": first.product_handle,
            "productType": first.product_type,
            "vendor": "Stratus Outdoor Supply",
            "status": "ACTIVE",
            "tags": [first.product_type.lower()],
            "totalInventory": total,
            "tracksInventory": True,
            "hasOnlyDefaultVariant": len(items) == 1 and first.option == "Standard",
            "priceRangeV2": {
                "__typename": "ProductPriceRangeV2",
                "minVariantPrice": money_v2(min(prices), self.shop.currency),
                "maxVariantPrice": money_v2(max(prices), self.shop.currency),
            },
            "createdAt": iso(created),
            "publishedAt": iso(created),
            "updatedAt": iso(updated),
        }


def _barcode(sku: str) -> str:
    return str(int(hashlib.sha256(sku.encode()).hexdigest()[:12], 16) % 10**12).zfill(12)


def build_catalog(shop: ShopData) -> Catalog:
    """Timestamps and stock for every catalog item, from the shop's seed."""
    rng = random.Random(f"{shop.seed}:{shop.domain}:catalog")
    # The catalog was set up in the shop's first year and edited through it.
    opened = shop.created_at
    settled = opened + timedelta(days=365)
    variant_times: dict[str, tuple[datetime, datetime]] = {}
    product_times: dict[int, tuple[datetime, datetime]] = {}
    levels: list[Level] = []
    for item in CATALOG:
        created = opened + timedelta(days=3 * item.product_index, minutes=item.variant_index)
        updated = created + timedelta(seconds=int(rng.uniform(86400, (settled - created).total_seconds())))
        variant_times[item.sku] = (created, updated)
        p_created, p_updated = product_times.get(item.product_index, (created, created))
        # A variant edit is a product edit too.
        product_times[item.product_index] = (min(p_created, created), max(p_updated, updated))
        for location in LOCATIONS:
            if location.stocks is not None and item.product_type not in location.stocks:
                continue
            quantities = {
                "available": rng.randint(0, 240) if location.ships else rng.randint(0, 30),
                "incoming": rng.choice((0, 0, 0, 48, 96)),
                "committed": rng.randint(0, 12),
                "reserved": rng.choice((0, 0, 2)),
                "damaged": rng.choice((0, 0, 0, 1)),
                "safety_stock": 5 if location.ships else 0,
                "quality_control": 0,
            }
            quantities["on_hand"] = quantities["available"] + sum(quantities[n] for n in UNAVAILABLE)
            level_updated = max(updated, settled - timedelta(seconds=int(rng.uniform(0, 30 * 86400))))
            levels.append(Level(item, location, quantities, created, level_updated))
    return Catalog(shop=shop, levels=levels, variant_times=variant_times, product_times=product_times)
