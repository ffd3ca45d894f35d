"""Products and their variants, read together from one paged query.

Variants come inside each product, like line items inside orders: held per page and
handed to `product_variants`, so a changed product brings its variants again (a variant
edit moves its product's `updatedAt`). ProductVariantSortKeys has no UPDATED_AT, which
is why variants are not a query of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

import requests
from singer_sdk import typing as th
from singer_sdk.helpers.types import Context

from tap_shopify.client import deleted_at_property, legacy_id, to_decimal
from tap_shopify.pagination import dig
from tap_shopify.streams.buffered import BufferedChildStream, PageBuffers
from tap_shopify.streams.incremental import UpdatedAtStream
from tap_shopify.streams.nested import all_nodes
from tap_shopify.streams.order_activity import MONEY

VARIANTS = "product_variants"


class ProductsStream(UpdatedAtStream):
    name = "products"
    query_name = "products"
    result_path = ("products",)
    primary_keys = ("shop", "id")
    is_sorted = True  # sortKey: UPDATED_AT
    deletion_subject = "PRODUCT"

    schema = th.PropertiesList(
        th.Property("shop", th.StringType, required=True, description="The myshopify domain"),
        th.Property("id", th.StringType, required=True, description="Global ID of the product"),
        th.Property("legacy_resource_id", th.IntegerType),
        th.Property("title", th.StringType),
        th.Property("handle", th.StringType),
        th.Property("product_type", th.StringType),
        th.Property("vendor", th.StringType),
        th.Property("status", th.StringType, description="ACTIVE, ARCHIVED, DRAFT, UNLISTED"),
        th.Property("tags", th.ArrayType(th.StringType)),
        th.Property("total_inventory", th.IntegerType, description="Available units over all variants and locations"),
        th.Property("tracks_inventory", th.BooleanType),
        th.Property("created_at", th.DateTimeType),
        th.Property("published_at", th.DateTimeType),
        th.Property("updated_at", th.DateTimeType, required=True),
        deleted_at_property("product"),
    ).to_dict()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child_buffers = PageBuffers(self._tap)
        self._page_done = False
        self._page_number = 0

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        nodes = list(self.nodes(response))
        for index, node in enumerate(nodes):
            product = self.product_record(node)
            self.child_buffers.add(VARIANTS, partial(self.variant_records, node, product))
            self._page_done = index == len(nodes) - 1
            yield product

    def generate_child_contexts(self, record: dict[str, Any], context: Context | None) -> Iterable[Context | None]:  # noqa: ARG002
        # Variants are handed over once per page (after its last product), not per product.
        if self._page_done and self.child_buffers.pending():
            self._page_done = False
            self._page_number += 1
            yield {"products_page": self._page_number}

    def product_record(self, node: dict[str, Any]) -> dict[str, Any]:
        return {
            "shop": self.shop,
            "id": node["id"],
            "legacy_resource_id": legacy_id(node),
            "title": node.get("title"),
            "handle": node.get("handle"),
            "product_type": node.get("productType"),
            "vendor": node.get("vendor"),
            "status": node.get("status"),
            "tags": node.get("tags") or [],
            "total_inventory": node.get("totalInventory"),
            "tracks_inventory": node.get("tracksInventory"),
            "created_at": node.get("createdAt"),
            "published_at": node.get("publishedAt"),
            "updated_at": node["updatedAt"],
        }

    def variant_records(self, node: dict[str, Any], product: dict[str, Any]) -> list[dict[str, Any]]:
        variants = all_nodes(self, node.get("variants"), "product_variants", node["id"], ("product", "variants"))
        return [
            {
                "shop": self.shop,
                "id": v["id"],
                "product_id": product["id"],
                "product_updated_at": product["updated_at"],
                "legacy_resource_id": legacy_id(v),
                "sku": v.get("sku"),
                "title": v.get("title"),
                "display_name": v.get("displayName"),
                "position": v.get("position"),
                "price": to_decimal(v.get("price")),
                "compare_at_price": to_decimal(v.get("compareAtPrice")),
                "barcode": v.get("barcode"),
                "taxable": v.get("taxable"),
                "available_for_sale": v.get("availableForSale"),
                "inventory_policy": v.get("inventoryPolicy"),
                "inventory_quantity": v.get("inventoryQuantity"),
                "options": [{"name": o.get("name"), "value": o.get("value")} for o in v.get("selectedOptions") or []],
                "inventory_item_id": dig(v, ("inventoryItem", "id")),
                "created_at": v.get("createdAt"),
                "updated_at": v.get("updatedAt"),
            }
            for v in variants
        ]


class ProductVariantsStream(BufferedChildStream):
    """Variants of the products read in this sync; no requests of their own but overflow."""

    name = VARIANTS
    parent_stream_type = ProductsStream
    primary_keys = ("shop", "id")

    schema = th.PropertiesList(
        th.Property("shop", th.StringType, required=True, description="The myshopify domain"),
        th.Property("id", th.StringType, required=True, description="Global ID of the variant"),
        th.Property("product_id", th.StringType, required=True),
        th.Property("product_updated_at", th.DateTimeType, description="updated_at of the product when read"),
        th.Property("legacy_resource_id", th.IntegerType),
        th.Property("sku", th.StringType, description="The SKU shared with other channels"),
        th.Property("title", th.StringType),
        th.Property("display_name", th.StringType),
        th.Property("position", th.IntegerType),
        th.Property("price", MONEY),
        th.Property("compare_at_price", MONEY),
        th.Property("barcode", th.StringType),
        th.Property("taxable", th.BooleanType),
        th.Property("available_for_sale", th.BooleanType),
        th.Property("inventory_policy", th.StringType),
        th.Property("inventory_quantity", th.IntegerType),
        th.Property(
            "options",
            th.ArrayType(th.ObjectType(th.Property("name", th.StringType), th.Property("value", th.StringType))),
        ),
        th.Property("inventory_item_id", th.StringType),
        th.Property("created_at", th.DateTimeType),
        th.Property("updated_at", th.DateTimeType),
    ).to_dict()
