"""Sellers: the marketplaces the selling partner participates in."""

from __future__ import annotations

from sandbox.shopify.api import Response

from .context import Call, World
from .data import STORE_NAME
from .wire import json_response


class SellersAPI:
    def __init__(self, world: World) -> None:
        self.world = world

    def marketplace_participations(self, _call: Call) -> Response:
        payload = [
            {
                "marketplace": {
                    "id": m.id,
                    "name": m.name,
                    "countryCode": m.country,
                    "defaultCurrencyCode": m.currency,
                    "defaultLanguageCode": m.language,
                    "domainName": m.domain,
                },
                "storeName": STORE_NAME,
                "participation": {"isParticipating": True, "hasSuspendedListings": False},
            }
            for m in self.world.seller.marketplaces
        ]
        return json_response(200, {"payload": payload})
