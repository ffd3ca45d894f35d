"""Shopify Payments: payouts and the balance transactions they pay out.

Neither has an `updated_at`, and both change after creation: a transaction is PENDING
until a payout takes it (SCHEDULED), and the payout is PAID when the bank has it. Each is
bookmarked on the time it happened (payouts `issued_at`, transactions `processed_at`), and
a sync reads those since the bookmark; then the statuses of the payouts issued in the
`payout_settle_days` before it (one cheap call), and reads again only what belongs to a
payout that is new or whose status moved since the statuses kept in state: the payout
itself by id, and its transactions. Nothing unchanged is read twice.

A shop without Shopify Payments has no account: no records.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import requests
from singer_sdk import typing as th

from tap_shopify.client import legacy_id, to_decimal
from tap_shopify.pagination import dig
from tap_shopify.streams.incremental import UpdatedAtStream
from tap_shopify.streams.order_activity import MONEY
from tap_shopify.window import Window

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

#: Default of `payout_settle_days`: a transaction's payout is sent 2-3 business days after it is
#: processed (daily schedule, by country) and banks take 1-3 business days more; over a weekend
#: or holiday that is up to about 10 calendar days until PAID.
PAYOUT_SETTLE_DAYS = 10
#: State key of both streams: the status of each payout in the settle window, as last read.
PAYOUT_STATUSES = "payout_statuses"
STATUS_PAGE = 250
#: Payouts read again per `nodes(ids:)` request: about 15 points each, well within a query's limit.
PAYOUT_NODES_PAGE = 50
PAYOUT_GID = "gid://shopify/ShopifyPaymentsPayout/{}"

SUMMARY_PARTS = {
    "charges_gross": "chargesGross",
    "charges_fee": "chargesFee",
    "refunds_gross": "refundsFeeGross",
    "refunds_fee": "refundsFee",
    "adjustments_gross": "adjustmentsGross",
    "adjustments_fee": "adjustmentsFee",
    "reserved_funds_gross": "reservedFundsGross",
    "reserved_funds_fee": "reservedFundsFee",
    "retried_payouts_gross": "retriedPayoutsGross",
    "retried_payouts_fee": "retriedPayoutsFee",
    "advance_gross": "advanceGross",
    "advance_fees": "advanceFees",
}


def _amount(node: dict[str, Any], *path: str) -> Any:
    return to_decimal(dig(node, (*path, "amount")))


def settle_days(config: Any) -> int:
    settle = config.get("payout_settle_days")
    return PAYOUT_SETTLE_DAYS if settle is None else int(settle)


class MovedPayoutsStream(UpdatedAtStream):
    """Reads its window, then again what belongs to the payouts whose status moved (`reread`)."""

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        state = self.get_context_state(context)
        first_run = not state.get("replication_key_value")
        window = self.window(context)
        # Statuses first: a record read after them is at least as new as they are. They cover
        # the settle window before the bookmark (a first run: before its end, where the next starts).
        since = window.end if first_run or window.start is None else window.start
        statuses = self.payout_statuses(Window(since - timedelta(days=settle_days(self.config)), window.end))
        yield from super().get_records(context)  # since the bookmark
        if not first_run:  # a first run has just read everything
            seen = state.get(PAYOUT_STATUSES) or {}
            moved = [legacy_id for legacy_id, status in statuses.items() if seen.get(legacy_id) != status]
            self.out_of_order = True  # older than the window: they do not move the bookmark
            try:
                yield from self.reread(moved)
            finally:
                self.out_of_order = False
        state[PAYOUT_STATUSES] = statuses

    def reread(self, payout_legacy_ids: list[str]) -> Iterator[dict[str, Any]]:
        """What belongs to these payouts, read again."""
        raise NotImplementedError

    def payout_statuses(self, issued: Window) -> dict[str, str]:
        """Status of each payout issued in the window, by legacy id."""
        variables = {"first": STATUS_PAGE, "query": issued.search("issued_at")}
        payouts = self.all_pages("payout_statuses", variables, PayoutsStream.result_path)
        return {str(node["legacyResourceId"]): str(node["status"]) for node in payouts}


class PayoutsStream(MovedPayoutsStream):
    """Bookmarked on `issued_at`; payouts whose status moved are read again by id."""

    name = "payouts"
    query_name = "payouts"
    result_path = ("shopifyPaymentsAccount", "payouts")
    primary_keys = ("shop", "id")
    replication_key = "issued_at"
    search_field = "issued_at"  # payouts(query: "issued_at:>=…", sortKey: ISSUED_AT)
    node_field = "issuedAt"
    is_sorted = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read: set[str] = set()  # legacy ids read in this sync's window

    schema = th.PropertiesList(
        th.Property("shop", th.StringType, required=True, description="The myshopify domain"),
        th.Property("id", th.StringType, required=True, description="Global ID of the payout"),
        th.Property("legacy_resource_id", th.IntegerType),
        th.Property("issued_at", th.DateTimeType, required=True),
        th.Property("status", th.StringType, description="SCHEDULED, PAID, FAILED, CANCELED"),
        th.Property("transaction_type", th.StringType, description="DEPOSIT (to the bank) or WITHDRAWAL"),
        th.Property("external_trace_id", th.StringType),
        th.Property("net", MONEY, description="Sum of the nets of the payout's balance transactions"),
        th.Property("currency_code", th.StringType),
        *(th.Property(column, MONEY) for column in SUMMARY_PARTS),
    ).to_dict()

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        for node in self.nodes(response):
            self._read.add(str(node["legacyResourceId"]))
            yield self.record(node)

    def reread(self, payout_legacy_ids: list[str]) -> Iterator[dict[str, Any]]:
        unread = [PAYOUT_GID.format(i) for i in payout_legacy_ids if i not in self._read]
        for start in range(0, len(unread), PAYOUT_NODES_PAGE):
            payload = self.post_request_json("payout_nodes", {"ids": unread[start : start + PAYOUT_NODES_PAGE]})
            yield from (self.record(node) for node in dig(payload, ("data", "nodes")) or [] if node)

    def record(self, node: dict[str, Any]) -> dict[str, Any]:
        return {
            "shop": self.shop,
            "id": node["id"],
            "legacy_resource_id": legacy_id(node),
            "issued_at": node["issuedAt"],
            "status": node.get("status"),
            "transaction_type": node.get("transactionType"),
            "external_trace_id": node.get("externalTraceId"),
            "net": _amount(node, "net"),
            "currency_code": dig(node, ("net", "currencyCode")),
            **{column: _amount(node, "summary", field) for column, field in SUMMARY_PARTS.items()},
        }


class BalanceTransactionsStream(MovedPayoutsStream):
    """Bookmarked on `processed_at`; re-reads the transactions of the payouts that moved."""

    name = "balance_transactions"
    query_name = "balance_transactions"
    result_path = ("shopifyPaymentsAccount", "balanceTransactions")
    primary_keys = ("shop", "id")
    replication_key = "transaction_date"
    search_field = "processed_at"  # balanceTransactions(query: "processed_at:>=…", sortKey: PROCESSED_AT)
    node_field = "transactionDate"
    is_sorted = True

    schema = th.PropertiesList(
        th.Property("shop", th.StringType, required=True, description="The myshopify domain"),
        th.Property("id", th.StringType, required=True, description="Global ID of the balance transaction"),
        th.Property("type", th.StringType, description="CHARGE, REFUND, ADJUSTMENT, ..."),
        th.Property("test", th.BooleanType),
        th.Property("transaction_date", th.DateTimeType, required=True, description="When it was processed"),
        th.Property("amount", MONEY),
        th.Property("fee", MONEY),
        th.Property("net", MONEY, description="amount - fee"),
        th.Property("currency_code", th.StringType),
        th.Property("source_type", th.StringType),
        th.Property("source_id", th.StringType),
        th.Property("source_order_transaction_id", th.StringType, description="Legacy id of the order transaction"),
        th.Property("adjustment_reason", th.StringType),
        th.Property("order_id", th.StringType),
        th.Property("order_name", th.StringType),
        th.Property("payout_id", th.StringType, description="The payout that pays it out; null until assigned"),
        th.Property("payout_status", th.StringType, description="PENDING until a payout takes it, then its payout's"),
    ).to_dict()

    def reread(self, payout_legacy_ids: list[str]) -> Iterator[dict[str, Any]]:
        """Every transaction of these payouts, again: their status or payout changed."""
        for payout_legacy_id in payout_legacy_ids:
            variables = {"first": self.page_size, "query": f"payments_transfer_id:{payout_legacy_id}"}
            yield from map(self.record, self.all_pages(self.query_name, variables, self.result_path))

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        return map(self.record, self.nodes(response))

    def record(self, node: dict[str, Any]) -> dict[str, Any]:
        return {
            "shop": self.shop,
            "id": node["id"],
            "type": node.get("type"),
            "test": node.get("test"),
            "transaction_date": node["transactionDate"],
            "amount": _amount(node, "amount"),
            "fee": _amount(node, "fee"),
            "net": _amount(node, "net"),
            "currency_code": dig(node, ("amount", "currencyCode")),
            "source_type": node.get("sourceType"),
            "source_id": _text(node.get("sourceId")),
            "source_order_transaction_id": _text(node.get("sourceOrderTransactionId")),
            "adjustment_reason": node.get("adjustmentReason"),
            "order_id": dig(node, ("associatedOrder", "id")),
            "order_name": dig(node, ("associatedOrder", "name")),
            "payout_id": dig(node, ("associatedPayout", "id")),
            "payout_status": dig(node, ("associatedPayout", "status")),
        }


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
