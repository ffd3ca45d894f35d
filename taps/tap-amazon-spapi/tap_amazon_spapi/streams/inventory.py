"""FBA inventory now, per marketplace (getInventorySummaries with details)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import requests
from singer_sdk import typing as th
from singer_sdk.pagination import JSONPathPaginator

from tap_amazon_spapi.client import SPAPIStream
from tap_amazon_spapi.flatfile import parse_date
from tap_amazon_spapi.schemas import IDENTITY

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


class FbaInventoryStream(SPAPIStream):
    name = "fba_inventory"
    path = "/fba/inventory/v1/summaries"
    primary_keys = ("selling_partner_id", "marketplace_id", "seller_sku")
    operation = "getInventorySummaries"
    role = "Amazon Fulfillment"
    records_jsonpath = "$.payload.inventorySummaries[*]"

    schema = th.PropertiesList(
        th.Property("seller_sku", th.StringType, required=True),
        *IDENTITY,
        th.Property("asin", th.StringType),
        th.Property("fn_sku", th.StringType),
        th.Property("product_name", th.StringType),
        th.Property("condition", th.StringType),
        th.Property("total_quantity", th.IntegerType),
        th.Property("fulfillable_quantity", th.IntegerType),
        th.Property("inbound_working_quantity", th.IntegerType),
        th.Property("inbound_shipped_quantity", th.IntegerType),
        th.Property("inbound_receiving_quantity", th.IntegerType),
        th.Property("reserved_quantity", th.IntegerType),
        th.Property("researching_quantity", th.IntegerType),
        th.Property("unfulfillable_quantity", th.IntegerType),
        th.Property("last_updated_time", th.DateTimeType),
    ).to_dict()

    def get_new_paginator(self) -> JSONPathPaginator:
        return JSONPathPaginator("$.pagination.nextToken")

    def get_url_params(self, context: Context | None, next_page_token: Any | None) -> dict[str, Any]:
        marketplace = context["marketplace_id"] if context else self.config["marketplace_ids"][0]
        params: dict[str, Any] = {
            "details": "true",
            "granularityType": "Marketplace",
            "granularityId": marketplace,
            "marketplaceIds": marketplace,
        }
        if next_page_token:
            params["nextToken"] = next_page_token
        return params

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        for summary in super().parse_response(response):
            details = summary.get("inventoryDetails") or {}
            yield {
                "seller_sku": summary.get("sellerSku"),
                "asin": summary.get("asin"),
                "fn_sku": summary.get("fnSku"),
                "product_name": summary.get("productName"),
                "condition": summary.get("condition"),
                "total_quantity": summary.get("totalQuantity"),
                "fulfillable_quantity": details.get("fulfillableQuantity"),
                "inbound_working_quantity": details.get("inboundWorkingQuantity"),
                "inbound_shipped_quantity": details.get("inboundShippedQuantity"),
                "inbound_receiving_quantity": details.get("inboundReceivingQuantity"),
                "reserved_quantity": (details.get("reservedQuantity") or {}).get("totalReservedQuantity"),
                "researching_quantity": (details.get("researchingQuantity") or {}).get("totalResearchingQuantity"),
                "unfulfillable_quantity": (details.get("unfulfillableQuantity") or {}).get(
                    "totalUnfulfillableQuantity"
                ),
                "last_updated_time": parse_date(summary.get("lastUpdatedTime")),
            }
