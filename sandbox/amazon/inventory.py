"""FBA inventory: getInventorySummaries per marketplace, with fulfilment-centre detail."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sandbox.catalog import CATALOG, CatalogItem
from sandbox.shopify.api import Response

from .context import Call, InvalidInputError, World, decode_token, encode_token, marketplaces
from .data import Marketplace, fnsku
from .wire import iso, json_response, parse_iso

PAGE_SIZE = 50


def summary(anchor: datetime, market: Marketplace, item: CatalogItem, details: bool) -> dict[str, Any]:
    """One SKU's FBA inventory in one marketplace, as getInventorySummaries shows it."""
    rng = random.Random(f"inventory:{market.id}:{item.sku}")
    fulfillable = rng.choice((0, 3, 12, 40, 85, 140, 260))
    inbound = [rng.choice((0, 0, 24, 48)) for _ in range(3)]
    reserved = {
        "pendingCustomerOrderQuantity": rng.randint(0, 6),
        "pendingTransshipmentQuantity": rng.choice((0, 0, 4)),
        "fcProcessingQuantity": rng.randint(0, 3),
    }
    unfulfillable = {
        "customerDamagedQuantity": rng.choice((0, 0, 1)),
        "warehouseDamagedQuantity": rng.choice((0, 0, 0, 2)),
        "distributorDamagedQuantity": 0,
        "carrierDamagedQuantity": rng.choice((0, 0, 1)),
        "defectiveQuantity": rng.choice((0, 0, 1)),
        "expiredQuantity": 0,
    }
    researching = rng.choice((0, 0, 0, 1))
    total = fulfillable + sum(inbound) + sum(reserved.values()) + sum(unfulfillable.values()) + researching
    out: dict[str, Any] = {
        "asin": item.asin,
        "fnSku": fnsku(item),
        "sellerSku": item.sku,
        "condition": "NewItem",
        "lastUpdatedTime": iso(anchor - timedelta(hours=rng.randint(1, 24 * 20))),
        "productName": item.title,
        "totalQuantity": total,
    }
    if details:
        out["inventoryDetails"] = {
            "fulfillableQuantity": fulfillable,
            "inboundWorkingQuantity": inbound[0],
            "inboundShippedQuantity": inbound[1],
            "inboundReceivingQuantity": inbound[2],
            "reservedQuantity": {"totalReservedQuantity": sum(reserved.values()), **reserved},
            "researchingQuantity": {
                "totalResearchingQuantity": researching,
                "researchingQuantityBreakdown": [
                    {"name": "researchingQuantityInShortTerm", "quantity": researching},
                    {"name": "researchingQuantityInMidTerm", "quantity": 0},
                    {"name": "researchingQuantityInLongTerm", "quantity": 0},
                ],
            },
            "unfulfillableQuantity": {
                "totalUnfulfillableQuantity": sum(unfulfillable.values()),
                **unfulfillable,
            },
        }
    return out


class InventoryAPI:
    def __init__(self, world: World) -> None:
        self.world = world

    def summaries(self, call: Call) -> Response:
        token = call.one("nextToken")
        if token:
            state = decode_token(token, "nextToken")
        else:
            if call.one("granularityType") != "Marketplace":
                raise InvalidInputError("granularityType must be Marketplace")
            ids = call.many("marketplaceIds")
            if len(ids) != 1:
                raise InvalidInputError("marketplaceIds must name exactly one marketplace")
            [market] = marketplaces(self.world, ids, "marketplaceIds")
            if call.one("granularityId") != market.id:
                raise InvalidInputError("granularityId must be the marketplace id")
            since = call.time("startDateTime")
            skus = set(call.many("sellerSkus")) | ({call.one("sellerSku")} - {None})
            state = {
                "market": market.id,
                "details": call.one("details") == "true",
                "since": since.isoformat() if since else None,
                "skus": sorted(s for s in skus if s),
                "offset": 0,
            }
        market = marketplaces(self.world, [state["market"]], "marketplaceIds")[0]
        anchor = self.world.history.anchor
        rows = [summary(anchor, market, item, bool(state["details"])) for item in CATALOG]
        if state["skus"]:
            rows = [r for r in rows if r["sellerSku"] in state["skus"]]
        if state["since"]:
            rows = [r for r in rows if r["lastUpdatedTime"] >= iso(parse_iso(state["since"]))]
        offset = int(state["offset"])
        shown = rows[offset : offset + PAGE_SIZE]
        if shown and self.world.fault("unreadable_inventory_quantities", operation=call.operation.name):
            shown[0] = shown[0] | {"totalQuantity": f"{shown[0]['totalQuantity']} units"}  # text, not a number
        body: dict[str, Any] = {
            "payload": {
                "granularity": {"granularityType": "Marketplace", "granularityId": market.id},
                "inventorySummaries": shown,
            }
        }
        if offset + PAGE_SIZE < len(rows):
            body["pagination"] = {"nextToken": encode_token(state | {"offset": offset + PAGE_SIZE})}
        return json_response(200, body)
