"""FBA inventory now, per marketplace (getInventorySummaries with details)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlparse

import requests
from singer_sdk import typing as th
from singer_sdk.pagination import JSONPathPaginator
from tap_common.values import dig

from tap_amazon_spapi.client import SPAPIStream
from tap_amazon_spapi.flatfile import UnreadableValue, api_int, parse_date
from tap_amazon_spapi.issues import set_aside_record
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
        marketplace = parse_qs(urlparse(response.request.url or "").query).get("granularityId", [None])[0]
        for number, summary in enumerate(super().parse_response(response), start=1):
            try:
                yield summary_record(summary)
            except UnreadableValue as error:
                set_aside_record(self, summary, number, error, marketplace)


def summary_record(summary: dict[str, Any]) -> dict[str, Any]:
    """One inventory summary; raises UnreadableValue when a quantity or date in it cannot be read."""
    details = summary.get("inventoryDetails") or {}
    return {
        "seller_sku": summary.get("sellerSku"),
        "asin": summary.get("asin"),
        "fn_sku": summary.get("fnSku"),
        "product_name": summary.get("productName"),
        "condition": summary.get("condition"),
        "total_quantity": api_int(summary.get("totalQuantity")),
        "fulfillable_quantity": api_int(details.get("fulfillableQuantity")),
        "inbound_working_quantity": api_int(details.get("inboundWorkingQuantity")),
        "inbound_shipped_quantity": api_int(details.get("inboundShippedQuantity")),
        "inbound_receiving_quantity": api_int(details.get("inboundReceivingQuantity")),
        "reserved_quantity": api_int(dig(details, "reservedQuantity", "totalReservedQuantity")),
        "researching_quantity": api_int(dig(details, "researchingQuantity", "totalResearchingQuantity")),
        "unfulfillable_quantity": api_int(dig(details, "unfulfillableQuantity", "totalUnfulfillableQuantity")),
        "last_updated_time": parse_date(summary.get("lastUpdatedTime")),
    }
