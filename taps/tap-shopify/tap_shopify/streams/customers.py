"""Customers: who buys, how often and for how much. No names, emails or addresses:
personal data stays in Shopify unless the project opts in."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import requests
from singer_sdk import typing as th

from tap_shopify.client import deleted_at_property, legacy_id, to_decimal
from tap_shopify.pagination import dig
from tap_shopify.streams.incremental import UpdatedAtStream
from tap_shopify.streams.order_activity import MONEY


class CustomersStream(UpdatedAtStream):
    name = "customers"
    query_name = "customers"
    result_path = ("customers",)
    primary_keys = ("shop", "id")
    is_sorted = True  # sortKey: UPDATED_AT
    deletion_subject = "CUSTOMER"

    schema = th.PropertiesList(
        th.Property("shop", th.StringType, required=True, description="The myshopify domain"),
        th.Property("id", th.StringType, required=True, description="Global ID of the customer"),
        th.Property("legacy_resource_id", th.IntegerType),
        th.Property("state", th.StringType, description="Account state: ENABLED, DISABLED, INVITED, DECLINED"),
        th.Property("verified_email", th.BooleanType),
        th.Property("tax_exempt", th.BooleanType),
        th.Property("locale", th.StringType),
        th.Property("tags", th.ArrayType(th.StringType)),
        th.Property("number_of_orders", th.IntegerType),
        th.Property("amount_spent", MONEY),
        th.Property("amount_spent_currency", th.StringType),
        th.Property("last_order_id", th.StringType),
        th.Property("created_at", th.DateTimeType),
        th.Property("updated_at", th.DateTimeType, required=True),
        deleted_at_property("customer"),
    ).to_dict()

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        for node in self.nodes(response):
            yield {
                "shop": self.shop,
                "id": node["id"],
                "legacy_resource_id": legacy_id(node),
                "state": node.get("state"),
                "verified_email": node.get("verifiedEmail"),
                "tax_exempt": node.get("taxExempt"),
                "locale": node.get("locale"),
                "tags": node.get("tags") or [],
                "number_of_orders": int(node["numberOfOrders"]) if node.get("numberOfOrders") is not None else None,
                "amount_spent": to_decimal(dig(node, ("amountSpent", "amount"))),
                "amount_spent_currency": dig(node, ("amountSpent", "currencyCode")),
                "last_order_id": dig(node, ("lastOrder", "id")),
                "created_at": node.get("createdAt"),
                "updated_at": node["updatedAt"],
            }
