"""The shop itself: name, currency and timezone of the account."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import requests
from singer_sdk import typing as th

from tap_shopify.client import ShopifyStream
from tap_shopify.pagination import dig


class ShopStream(ShopifyStream):
    name = "shop"
    query_name = "shop"
    result_path = ("shop",)
    paginated = False
    primary_keys = ("shop",)
    replication_key = None

    schema = th.PropertiesList(
        th.Property("shop", th.StringType, required=True, description="The myshopify domain"),
        th.Property("id", th.StringType, required=True, description="Global ID of the shop"),
        th.Property("name", th.StringType),
        th.Property("currency_code", th.StringType, description="Currency of the shop's amounts (ISO 4217)"),
        th.Property("iana_timezone", th.StringType),
        th.Property("taxes_included", th.BooleanType),
        th.Property("plan_display_name", th.StringType),
        th.Property("shopify_plus", th.BooleanType),
        th.Property("created_at", th.DateTimeType),
        th.Property("updated_at", th.DateTimeType),
    ).to_dict()

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        for node in self.nodes(response):
            yield {
                "shop": self.shop,
                "id": node["id"],
                "name": node.get("name"),
                "currency_code": node.get("currencyCode"),
                "iana_timezone": node.get("ianaTimezone"),
                "taxes_included": node.get("taxesIncluded"),
                "plan_display_name": dig(node, ("plan", "publicDisplayName")),
                "shopify_plus": dig(node, ("plan", "shopifyPlus")),
                "created_at": node.get("createdAt"),
                "updated_at": node.get("updatedAt"),
            }
