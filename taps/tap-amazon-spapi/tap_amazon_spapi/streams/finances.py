"""Financial event groups and financial events (Finances API v0)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import requests
from singer_sdk import typing as th
from singer_sdk.pagination import JSONPathPaginator

from tap_amazon_spapi.client import SPAPIStream
from tap_amazon_spapi.flatfile import UnreadableValue, api_decimal, parse_date
from tap_amazon_spapi.issues import set_aside_record
from tap_amazon_spapi.keys import Occurrences
from tap_amazon_spapi.marketplaces import MARKETPLACE_NAMES, marketplace_by_currency
from tap_amazon_spapi.reports import END_LAG, iso, parse_iso, utc_now, windows
from tap_amazon_spapi.schemas import IDENTITY, Money

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

FINANCES = "/finances/v0"
#: listFinancialEvents accepts at most 180 days between PostedAfter and PostedBefore.
EVENT_WINDOW_DAYS = 180
PAGE_SIZE = 100


def currency_amount(money: Any) -> tuple[Decimal | None, str | None]:
    if not isinstance(money, dict) or money.get("CurrencyAmount") in (None, ""):
        return None, None
    return api_decimal(money["CurrencyAmount"]), money.get("CurrencyCode")


def lookback_start(stream: SPAPIStream, context: Context | None) -> Any:
    start = stream.get_starting_timestamp(context) or parse_iso(str(stream.config["start_date"]))
    return start - timedelta(days=int(stream.config.get("lookback_window_days") or 0))


def group_record(group: dict[str, Any], configured: list[str]) -> dict[str, Any]:
    """One financial event group, its amounts exact and its marketplace where the currency tells."""
    original, original_currency = currency_amount(group.get("OriginalTotal"))
    converted, converted_currency = currency_amount(group.get("ConvertedTotal"))
    beginning, beginning_currency = currency_amount(group.get("BeginningBalance"))
    return {
        "financial_event_group_id": group.get("FinancialEventGroupId"),
        # Groups name no marketplace; their currency does when only one marketplace uses it.
        "marketplace_id": marketplace_by_currency(original_currency, configured),
        "processing_status": group.get("ProcessingStatus"),
        "fund_transfer_status": group.get("FundTransferStatus"),
        "original_total": original,
        "original_currency": original_currency,
        "converted_total": converted,
        "converted_currency": converted_currency,
        "beginning_balance": beginning,
        "beginning_balance_currency": beginning_currency,
        "fund_transfer_date": parse_date(group.get("FundTransferDate")),
        "trace_id": group.get("TraceId"),
        "account_tail": group.get("AccountTail"),
        "financial_event_group_start": parse_date(group.get("FinancialEventGroupStart")),
        "financial_event_group_end": parse_date(group.get("FinancialEventGroupEnd")),
    }


class FinancialEventGroupsStream(SPAPIStream):
    """Settlement periods (open and closed) with their totals."""

    name = "financial_event_groups"
    path = f"{FINANCES}/financialEventGroups"
    primary_keys = ("financial_event_group_id",)
    replication_key = "financial_event_group_start"
    is_sorted = False
    operation = "listFinancialEventGroups"
    role = "Finance and Accounting"
    per_marketplace = False
    records_jsonpath = "$.payload.FinancialEventGroupList[*]"

    schema = th.PropertiesList(
        th.Property("financial_event_group_id", th.StringType, required=True),
        *IDENTITY,
        th.Property("processing_status", th.StringType),
        th.Property("fund_transfer_status", th.StringType),
        th.Property("original_total", Money),
        th.Property("original_currency", th.StringType),
        th.Property("converted_total", Money),
        th.Property("converted_currency", th.StringType),
        th.Property("beginning_balance", Money),
        th.Property("beginning_balance_currency", th.StringType),
        th.Property("fund_transfer_date", th.DateTimeType),
        th.Property("trace_id", th.StringType),
        th.Property("account_tail", th.StringType),
        th.Property("financial_event_group_start", th.DateTimeType),
        th.Property("financial_event_group_end", th.DateTimeType),
    ).to_dict()

    def get_new_paginator(self) -> JSONPathPaginator:
        return JSONPathPaginator("$.payload.NextToken")

    def get_url_params(self, context: Context | None, next_page_token: Any | None) -> dict[str, Any]:
        if next_page_token:
            return {"NextToken": next_page_token}
        # Groups stay open for about 14 days and change meanwhile: the lookback reads them again.
        return {
            "MaxResultsPerPage": PAGE_SIZE,
            "FinancialEventGroupStartedAfter": iso(lookback_start(self, context)),
            "FinancialEventGroupStartedBefore": iso(utc_now() - END_LAG),
        }

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        configured = list(self.config["marketplace_ids"])
        for number, group in enumerate(super().parse_response(response), start=1):
            try:
                yield group_record(group, configured)
            except UnreadableValue as error:
                set_aside_record(self, group, number, error, None)


def amounts_in(value: Any) -> Iterator[tuple[Decimal, str | None]]:
    """Every CurrencyAmount inside an event, wherever it is nested."""
    if isinstance(value, dict):
        if "CurrencyAmount" in value:
            amount, currency = currency_amount(value)
            if amount is not None:
                yield amount, currency
            return
        for inner in value.values():
            yield from amounts_in(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from amounts_in(inner)


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))


def flatten_events(
    events: dict[str, Any], configured: list[str], occurrences: Occurrences | None = None
) -> Iterator[dict[str, Any]]:
    """One record per event of every `...EventList`, typed by the list it came from.

    Events have no id: each is keyed by the hash of its kind, its content and its occurrence
    among identical events of the same listing (`occurrences`, shared by the pages of one
    window), so two identical fees (a service fee has no date) stay two rows.
    """
    occurrences = occurrences or Occurrences()
    for kind, event in listed_events(events):
        yield event_record(kind, event, configured, occurrences)


def listed_events(events: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(kind, event) of every event of every `...EventList`, in a stable order."""
    for list_name, listed in sorted(events.items()):
        if not list_name.endswith("EventList") or not isinstance(listed, list):
            continue
        for event in listed:
            if isinstance(event, dict):
                yield list_name.removesuffix("List"), event


def event_record(kind: str, event: dict[str, Any], configured: list[str], occurrences: Occurrences) -> dict[str, Any]:
    """One event's record; raises UnreadableValue when a date or amount in it cannot be read."""
    content = f"{kind}|{canonical(event)}"
    # Counted before reading, so an event set aside keeps the numbers of the events after it.
    occurrence = occurrences.next(content)
    # The first of identical events keeps the id an event always had (hash of kind and content).
    identity = content if occurrence == 1 else f"{content}|{occurrence}"
    amounts = list(amounts_in(event))
    currencies = {currency for _, currency in amounts if currency}
    currency = currencies.pop() if len(currencies) == 1 else None
    marketplace_name = event.get("MarketplaceName")
    return {
        "event_id": hashlib.sha256(identity.encode()).hexdigest()[:32],
        "event_type": kind,
        "amazon_order_id": event.get("AmazonOrderId"),
        "seller_order_id": event.get("SellerOrderId"),
        "posted_date": parse_date(event.get("PostedDate")),
        "marketplace_name": marketplace_name,
        "marketplace_id": MARKETPLACE_NAMES.get(str(marketplace_name)) or marketplace_by_currency(currency, configured),
        "seller_sku": event.get("SellerSKU"),
        "amount": sum((a for a, _ in amounts), Decimal(0)) if amounts else None,
        "currency": currency,
        "event": event,
    }


class FinancialEventsStream(SPAPIStream):
    """listFinancialEvents flattened: one record per event, with its kind, order, date and amount."""

    name = "financial_events"
    path = f"{FINANCES}/financialEvents"
    primary_keys = ("event_id",)
    replication_key = "posted_date"
    is_sorted = False
    operation = "listFinancialEvents"
    role = "Finance and Accounting"
    per_marketplace = False

    schema = th.PropertiesList(
        th.Property("event_id", th.StringType, required=True),
        *IDENTITY,
        th.Property("event_type", th.StringType, description="e.g. ShipmentEvent, RefundEvent, ServiceFeeEvent"),
        th.Property("amazon_order_id", th.StringType),
        th.Property("seller_order_id", th.StringType),
        th.Property("posted_date", th.DateTimeType),
        th.Property("marketplace_name", th.StringType),
        th.Property("seller_sku", th.StringType),
        th.Property("amount", Money, description="Sum of every amount in the event (charges, fees, taxes)"),
        th.Property("currency", th.StringType),
        th.Property("event", th.ObjectType(), description="The event as the API returned it"),
    ).to_dict()

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        for start, end in windows(lookback_start(self, context), utc_now() - END_LAG, EVENT_WINDOW_DAYS):
            params: dict[str, Any] = {
                "PostedAfter": iso(start),
                "PostedBefore": iso(end),
                "MaxResultsPerPage": PAGE_SIZE,
            }
            occurrences, positions = Occurrences(), Occurrences()
            configured = list(self.config["marketplace_ids"])
            while True:
                body = self.call(self.operation, "GET", self.path, params=params, context=context)
                payload = body.get("payload") or {}
                for kind, event in listed_events(payload.get("FinancialEvents") or {}):
                    # The event's position in its kind's list, over this window's pages.
                    number = positions.next(kind)
                    try:
                        yield event_record(kind, event, configured, occurrences)
                    except UnreadableValue as error:
                        marketplace = MARKETPLACE_NAMES.get(str(event.get("MarketplaceName")))
                        set_aside_record(self, {"kind": kind, **event}, number, error, marketplace)
                token = payload.get("NextToken")
                if not token:
                    break
                params = {"NextToken": token}
