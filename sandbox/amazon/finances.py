"""Finances v0: financial event groups (one per settlement period) and their events."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sandbox.shopify.api import Response

from .context import Call, InvalidInputError, NotFoundError, World, decode_token, encode_token
from .data import MARKETPLACES
from .ledger import RESERVE, Amount, Period, Posting, amounts
from .wire import iso, json_response

MAX_SPAN = timedelta(days=180)  # wider ranges return nothing, as documented
MIN_AGE = timedelta(minutes=2)
CHARGE_TYPES = {"Principal": "Principal", "Tax": "Tax", "Shipping": "ShippingCharge", "ShippingTax": "ShippingTax"}


def _currency(amount: Decimal, currency: str) -> dict[str, Any]:
    return {"CurrencyCode": currency, "CurrencyAmount": amount}


def _item(posting: Posting, group: list[Amount], currency: str) -> dict[str, Any]:
    line = group[0].line
    assert line is not None
    refund = posting.kind == "Refund"
    charges = [
        {"ChargeType": CHARGE_TYPES[a.description], "ChargeAmount": _currency(a.amount, currency)}
        for a in group
        if a.amount_type == "ItemPrice"
    ]
    fees = [
        {"FeeType": a.description, "FeeAmount": _currency(a.amount, currency)}
        for a in group
        if a.amount_type == "ItemFees"
    ]
    promotions = [
        {
            "PromotionType": "PromotionMetaDataDefinitionValue",
            "PromotionId": a.promotion_id,
            "PromotionAmount": _currency(a.amount, currency),
        }
        for a in group
        if a.amount_type == "Promotion"
    ]
    withheld = [
        {"ChargeType": a.description, "ChargeAmount": _currency(a.amount, currency)}
        for a in group
        if a.amount_type == "ItemWithheldTax"
    ]
    item: dict[str, Any] = {
        "SellerSKU": line.item.sku,
        "OrderItemId": line.order_item_id,
        "QuantityShipped": line.quantity,
    }
    suffix = "AdjustmentList" if refund else "List"
    if refund:
        item["OrderAdjustmentItemId"] = hashlib.sha256((posting.key + line.order_item_id).encode()).hexdigest()[:14]
    item[f"ItemCharge{suffix}"] = charges
    item[f"ItemFee{suffix}"] = fees
    item["ItemTaxWithheldList"] = (
        [{"TaxCollectionModel": "MarketplaceFacilitator", "TaxesWithheld": withheld}] if withheld else []
    )
    item["PromotionAdjustmentList" if refund else "PromotionList"] = promotions
    return item


def event(posting: Posting) -> tuple[str, dict[str, Any]]:
    """A posting as Finances v0 shows it: (the list it belongs to, the event)."""
    market = MARKETPLACES[posting.marketplace_id]
    parts = amounts(posting)
    if posting.kind == RESERVE:
        # Held at a period's close, released at the next one's start: one adjustment each.
        return "AdjustmentEventList", {
            "AdjustmentType": "ReserveEvent",
            "PostedDate": iso(posting.posted),
            "AdjustmentAmount": _currency(posting.reserve, market.currency),
            "AdjustmentItemList": [],
        }
    if posting.kind == "ServiceFee":
        return "ServiceFeeEventList", {
            "FeeReason": "MonthlyCharges",
            "FeeDescription": "Monthly account and storage charges",
            "FeeList": [{"FeeType": a.description, "FeeAmount": _currency(a.amount, market.currency)} for a in parts],
        }
    order = posting.order
    assert order is not None
    by_line: dict[str, list[Amount]] = defaultdict(list)
    for amount in parts:
        assert amount.line is not None
        by_line[amount.line.order_item_id].append(amount)
    items = [_item(posting, group, market.currency) for group in by_line.values()]
    out: dict[str, Any] = {
        "AmazonOrderId": order.order_id,
        "SellerOrderId": order.seller_order_id,
        "MarketplaceName": market.name,
        "PostedDate": iso(posting.posted),
    }
    if posting.kind == "Refund":
        out["ShipmentItemAdjustmentList"] = items
        return "RefundEventList", out
    out["ShipmentItemList"] = items
    return "ShipmentEventList", out


def events_page(postings: list[Posting]) -> dict[str, list[dict[str, Any]]]:
    lists: dict[str, list[dict[str, Any]]] = {
        "ShipmentEventList": [],
        "RefundEventList": [],
        "ServiceFeeEventList": [],
        "AdjustmentEventList": [],
        "ChargebackEventList": [],
        "GuaranteeClaimEventList": [],
    }
    for posting in postings:
        name, value = event(posting)
        lists[name].append(value)
    return lists


def _an_unknown_date(events: dict[str, list[dict[str, Any]]]) -> None:
    """The page's first dated event gets its date in a form the API never uses (day/month/year)."""
    event = next((e for listed in events.values() for e in listed if "PostedDate" in e), None)
    if event is not None:
        posted = datetime.fromisoformat(event["PostedDate"].replace("Z", "+00:00"))
        event["PostedDate"] = posted.strftime("%d/%m/%Y %H:%M")


class FinancesAPI:
    def __init__(self, world: World) -> None:
        self.world = world

    def _group(self, period: Period) -> dict[str, Any]:
        now = self.world.now()
        currency = MARKETPLACES[period.marketplace_id].currency
        total = self.world.ledger.period_total(period)
        closed = period.end <= now
        out: dict[str, Any] = {
            "FinancialEventGroupId": period.group_id,
            "ProcessingStatus": "Closed" if closed else "Open",
            "FundTransferStatus": ("Succeeded" if period.deposit <= now else "Initiated") if closed else "Unknown",
            "OriginalTotal": _currency(total, currency),
            "ConvertedTotal": _currency(total, currency),
            "BeginningBalance": _currency(Decimal("0.00"), currency),
            "FinancialEventGroupStart": iso(period.start),
        }
        if closed:
            out |= {
                "FinancialEventGroupEnd": iso(period.end),
                "FundTransferDate": iso(period.deposit),
                "TraceId": f"STRATUS{period.settlement_id}",
                "AccountTail": "042",
            }
        return out

    def list_groups(self, call: Call) -> Response:
        token = call.one("NextToken")
        if token:
            state = decode_token(token, "NextToken")
        else:
            after = call.time("FinancialEventGroupStartedAfter")
            before = call.time("FinancialEventGroupStartedBefore")
            latest = self.world.now() - MIN_AGE
            if (after and after > latest) or (before and before > latest):
                raise InvalidInputError("Dates must be more than two minutes before the time of the request")
            if after and before and before <= after:
                raise InvalidInputError(
                    "FinancialEventGroupStartedBefore must be after FinancialEventGroupStartedAfter"
                )
            state = {
                "after": after.isoformat() if after else None,
                "before": before.isoformat() if before else None,
                "size": call.integer("MaxResultsPerPage", 10, 1, 100),
                "offset": 0,
            }
        after = datetime.fromisoformat(state["after"]) if state["after"] else None
        before = datetime.fromisoformat(state["before"]) if state["before"] else None
        periods = sorted(self.world.ledger.periods(self.world.now()), key=lambda p: (p.start, p.marketplace_id))
        if after and before and before - after > MAX_SPAN:
            periods = []
        periods = [p for p in periods if (not after or p.start >= after) and (not before or p.start < before)]
        offset, size = int(state["offset"]), int(state["size"])
        payload: dict[str, Any] = {"FinancialEventGroupList": [self._group(p) for p in periods[offset : offset + size]]}
        if offset + size < len(periods):
            payload["NextToken"] = encode_token(state | {"offset": offset + size})
        return json_response(200, {"payload": payload})

    def _events(self, call: Call, select: dict[str, Any]) -> Response:
        """One page of events: `select` says which postings; it travels in the NextToken."""
        token = call.one("NextToken")
        state = decode_token(token, "NextToken") if token else select
        postings = self._postings(state)
        offset, size = int(state.get("offset", 0)), int(state["size"])
        payload: dict[str, Any] = {"FinancialEvents": events_page(postings[offset : offset + size])}
        if self.world.fault("unreadable_event_dates", operation=call.operation.name):
            _an_unknown_date(payload["FinancialEvents"])
        if offset + size < len(postings):
            payload["NextToken"] = encode_token(state | {"offset": offset + size})
        return json_response(200, {"payload": payload})

    def _postings(self, state: dict[str, Any]) -> list[Posting]:
        ledger = self.world.ledger
        if state.get("group"):
            period = ledger.period_by_group(state["group"], self.world.now())
            if period is None:
                raise NotFoundError(f"Financial event group {state['group']} not found")
            postings = ledger.in_period(period)
        elif state.get("order"):
            order = self.world.seller.by_id.get(state["order"])
            if order is None:
                raise NotFoundError(f"Order {state['order']} not found")
            postings = [p for p in ledger.posted_between(order.purchased, self.world.now()) if p.order is order]
        else:
            postings = ledger.posted_between(
                datetime.fromisoformat(state["after"]), datetime.fromisoformat(state["before"])
            )
        if state.get("group") and state.get("after"):
            low, high = datetime.fromisoformat(state["after"]), datetime.fromisoformat(state["before"])
            postings = [p for p in postings if low <= p.posted < high]
        return postings

    def _posted_range(self, call: Call, required: bool) -> dict[str, Any]:
        after, before = call.time("PostedAfter"), call.time("PostedBefore")
        latest = self.world.now() - MIN_AGE
        if after is None:
            if required or before is not None:
                raise InvalidInputError("PostedAfter is required")
            return {}
        before = before or latest
        if after > latest or before > latest:
            raise InvalidInputError("PostedAfter and PostedBefore must be more than two minutes before the request")
        if before <= after:
            raise InvalidInputError("PostedBefore must be later than PostedAfter")
        if before - after > MAX_SPAN:
            before = after  # documented: more than 180 days apart gives an empty response
        return {"after": after.isoformat(), "before": before.isoformat()}

    def list_events(self, call: Call) -> Response:
        select: dict[str, Any] = {"size": call.integer("MaxResultsPerPage", 100, 1, 100)}
        if not call.one("NextToken"):
            select |= self._posted_range(call, required=True)
        return self._events(call, select)

    def list_events_by_group(self, call: Call) -> Response:
        select = {"size": call.integer("MaxResultsPerPage", 100, 1, 100), "group": call.path_params[0]}
        if not call.one("NextToken"):
            select |= self._posted_range(call, required=False)
        return self._events(call, select)

    def list_events_by_order(self, call: Call) -> Response:
        select = {"size": call.integer("MaxResultsPerPage", 100, 1, 100), "order": call.path_params[0]}
        return self._events(call, select)
