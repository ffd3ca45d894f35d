"""Shopify Payments: payouts and the balance transactions they pay out.

Neither has an `updated_at` nor a filter on one, and both change after creation (a
payout goes SCHEDULED → PAID; a transaction is assigned to a payout), so both are read
in full each run; they are few next to orders (a payout every few days, about one
transaction per payment). A shop without Shopify Payments has no account: no records.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import requests
from singer_sdk import typing as th

from tap_shopify.client import ShopifyStream, to_decimal
from tap_shopify.pagination import dig
from tap_shopify.streams.order_activity import MONEY

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


class PayoutsStream(ShopifyStream):
    name = "payouts"
    query_name = "payouts"
    result_path = ("shopifyPaymentsAccount", "payouts")
    primary_keys = ("shop", "id")
    replication_key = None

    schema = th.PropertiesList(
        th.Property("shop", th.StringType, required=True, description="The myshopify domain"),
        th.Property("id", th.StringType, required=True, description="Global ID of the payout"),
        th.Property("legacy_resource_id", th.IntegerType),
        th.Property("issued_at", th.DateTimeType),
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
                "issued_at": node.get("issuedAt"),
                "status": node.get("status"),
                "transaction_type": node.get("transactionType"),
                "external_trace_id": node.get("externalTraceId"),
                "net": _amount(node, "net"),
                "currency_code": dig(node, ("net", "currencyCode")),
                **{column: _amount(node, "summary", field) for column, field in SUMMARY_PARTS.items()},
            }


class BalanceTransactionsStream(ShopifyStream):
    name = "balance_transactions"
    query_name = "balance_transactions"
    result_path = ("shopifyPaymentsAccount", "balanceTransactions")
    primary_keys = ("shop", "id")
    replication_key = None

    schema = th.PropertiesList(
        th.Property("shop", th.StringType, required=True, description="The myshopify domain"),
        th.Property("id", th.StringType, required=True, description="Global ID of the balance transaction"),
        th.Property("type", th.StringType, description="CHARGE, REFUND, ADJUSTMENT, ..."),
        th.Property("test", th.BooleanType),
        th.Property("transaction_date", th.DateTimeType),
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
        th.Property("payout_status", th.StringType),
    ).to_dict()

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        for node in self.nodes(response):
            yield {
                "shop": self.shop,
                "id": node["id"],
                "type": node.get("type"),
                "test": node.get("test"),
                "transaction_date": node.get("transactionDate"),
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
