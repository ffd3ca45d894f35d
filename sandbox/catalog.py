"""One SKU catalog, sold on every channel the sandbox serves.

A seller lists the same physical goods on Shopify and on Amazon; the warehouse links
them by SKU. Both API stand-ins draw their products from this module.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

_PRODUCTS: tuple[tuple[str, str, str, Decimal, tuple[str, ...]], ...] = (
    # (handle, title, product type, base price, variant options)
    ("trail-runner", "Trail Runner Sock", "Socks", Decimal("14.00"), ("S", "M", "L")),
    ("merino-crew", "Merino Crew Sock", "Socks", Decimal("19.50"), ("S", "M", "L")),
    ("daypack-20", "Daypack 20L", "Bags", Decimal("79.00"), ("Black", "Olive")),
    ("roll-top-30", "Roll-Top Pack 30L", "Bags", Decimal("129.00"), ("Black", "Sand")),
    ("bottle-750", "Insulated Bottle 750ml", "Drinkware", Decimal("32.00"), ("Steel", "Blue", "Red")),
    ("mug-camp", "Enamel Camp Mug", "Drinkware", Decimal("16.50"), ("White", "Green")),
    ("beanie-rib", "Ribbed Beanie", "Headwear", Decimal("24.00"), ("Grey", "Navy", "Rust")),
    ("cap-5panel", "Five-Panel Cap", "Headwear", Decimal("29.00"), ("Black", "Tan")),
    ("headlamp-300", "Headlamp 300lm", "Gear", Decimal("44.95"), ("Standard",)),
    ("stove-mini", "Mini Gas Stove", "Gear", Decimal("59.99"), ("Standard",)),
    ("tee-organic", "Organic Tee", "Apparel", Decimal("34.00"), ("S", "M", "L", "XL")),
    ("hoodie-fleece", "Fleece Hoodie", "Apparel", Decimal("89.00"), ("S", "M", "L", "XL")),
)


@dataclass(frozen=True)
class CatalogItem:
    """One sellable SKU: a product variant on Shopify, a seller SKU on Amazon."""

    sku: str
    asin: str
    product_handle: str
    product_title: str
    product_type: str
    option: str
    price: Decimal
    product_index: int
    variant_index: int

    @property
    def title(self) -> str:
        return f"{self.product_title} - {self.option}"


def _asin(sku: str) -> str:
    digest = hashlib.sha256(sku.encode()).hexdigest().upper()
    return "B0" + digest[:8]


def _build() -> tuple[CatalogItem, ...]:
    items = []
    for p_index, (handle, title, ptype, price, options) in enumerate(_PRODUCTS):
        for v_index, option in enumerate(options):
            sku = f"STR-{handle.upper()}-{option.upper().replace(' ', '')}"
            items.append(
                CatalogItem(
                    sku=sku,
                    asin=_asin(sku),
                    product_handle=handle,
                    product_title=title,
                    product_type=ptype,
                    option=option,
                    price=price,
                    product_index=p_index,
                    variant_index=v_index,
                )
            )
    return tuple(items)


CATALOG: tuple[CatalogItem, ...] = _build()
