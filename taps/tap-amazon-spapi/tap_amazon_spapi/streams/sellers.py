"""The marketplaces the seller takes part in (Sellers API)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import requests
from singer_sdk import typing as th

from tap_amazon_spapi.client import SPAPIStream
from tap_amazon_spapi.schemas import IDENTITY


def participation_record(entry: dict[str, Any]) -> dict[str, Any]:
    """One marketplace participation, flattened."""
    marketplace = entry.get("marketplace") or {}
    participation = entry.get("participation") or {}
    return {
        "marketplace_id": marketplace.get("id"),
        "name": marketplace.get("name"),
        "country_code": marketplace.get("countryCode"),
        "default_currency_code": marketplace.get("defaultCurrencyCode"),
        "default_language_code": marketplace.get("defaultLanguageCode"),
        "domain_name": marketplace.get("domainName"),
        "store_name": entry.get("storeName"),
        "is_participating": participation.get("isParticipating"),
        "has_suspended_listings": participation.get("hasSuspendedListings"),
    }


class MarketplaceParticipationsStream(SPAPIStream):
    name = "marketplace_participations"
    path = "/sellers/v1/marketplaceParticipations"
    primary_keys = ("selling_partner_id", "marketplace_id")
    operation = "getMarketplaceParticipations"
    role = "Selling Partner Insights"
    per_marketplace = False
    records_jsonpath = "$.payload[*]"

    schema = th.PropertiesList(
        *IDENTITY,
        th.Property("name", th.StringType),
        th.Property("country_code", th.StringType),
        th.Property("default_currency_code", th.StringType),
        th.Property("default_language_code", th.StringType),
        th.Property("domain_name", th.StringType),
        th.Property("store_name", th.StringType),
        th.Property("is_participating", th.BooleanType),
        th.Property("has_suspended_listings", th.BooleanType),
    ).to_dict()

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        for entry in super().parse_response(response):
            yield participation_record(entry)
