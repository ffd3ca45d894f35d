"""Shopify Payments: payouts and the balance transactions they pay out.

Neither has an `updated_at`, and both change after creation: a transaction is PENDING
until a payout takes it (SCHEDULED), and the payout is PAID when the bank has it. So each
is bookmarked on the time it happened (payouts `issued_at`, transactions `processed_at`),
and every sync reads `payout_settle_days` before the bookmark again, re-emitting the
records whose payout may have moved since. A shop without Shopify Payments has no
account: no records.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import requests
from singer_sdk import typing as th

from tap_shopify.client import to_decimal
from tap_shopify.pagination import dig
from tap_shopify.streams.incremental import UpdatedAtStream
from tap_shopify.streams.order_activity import MONEY

#: Default of `payout_settle_days`: a transaction's payout is sent 2-3 business days after it is
#: processed (daily schedule, by country) and banks take 1-3 business days more; over a weekend
#: or holiday that is up to about 10 calendar days until PAID.
PAYOUT_SETTLE_DAYS = 10

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


class SettlingStream(UpdatedAtStream):
    """Bookmarked on when the record happened; each sync reads the settle window again."""

    is_sorted = True  # sorted on the search field, so the bookmark advances page by page

    def lookback_days(self) -> int:
        settle = self.config.get("payout_settle_days")
        return max(super().lookback_days(), PAYOUT_SETTLE_DAYS if settle is None else int(settle))


class PayoutsStream(SettlingStream):
    name = "payouts"
    query_name = "payouts"
    result_path = ("shopifyPaymentsAccount", "payouts")
    primary_keys = ("shop", "id")
    replication_key = "issued_at"
    search_field = "issued_at"  # payouts(query: "issued_at:>=…", sortKey: ISSUED_AT)
    node_field = "issuedAt"

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
            yield {
                "shop": self.shop,
                "id": node["id"],
                "legacy_resource_id": int(node["legacyResourceId"]) if node.get("legacyResourceId") else None,
                "issued_at": node["issuedAt"],
                "status": node.get("status"),
                "transaction_type": node.get("transactionType"),
                "external_trace_id": node.get("externalTraceId"),
                "net": _amount(node, "net"),
                "currency_code": dig(node, ("net", "currencyCode")),
                **{column: _amount(node, "summary", field) for column, field in SUMMARY_PARTS.items()},
            }


class BalanceTransactionsStream(SettlingStream):
    name = "balance_transactions"
    query_name = "balance_transactions"
    result_path = ("shopifyPaymentsAccount", "balanceTransactions")
    primary_keys = ("shop", "id")
    replication_key = "transaction_date"
    search_field = "processed_at"  # balanceTransactions(query: "processed_at:>=…", sortKey: PROCESSED_AT)
    node_field = "transactionDate"

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

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        for node in self.nodes(response):
            yield {
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
