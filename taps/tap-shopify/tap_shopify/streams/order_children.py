"""The streams of an order's refunds, transactions and fulfillments (see order_activity)."""

from __future__ import annotations

from tap_shopify.streams.buffered import BufferedChildStream
from tap_shopify.streams.order_activity import (
    FULFILLMENT_SCHEMA,
    FULFILLMENTS,
    REFUND_SCHEMA,
    REFUNDS,
    TRANSACTION_SCHEMA,
    TRANSACTIONS,
)
from tap_shopify.streams.orders import OrdersStream


class RefundsStream(BufferedChildStream):
    name = REFUNDS
    parent_stream_type = OrdersStream
    primary_keys = ("shop", "id")
    schema = REFUND_SCHEMA


class TransactionsStream(BufferedChildStream):
    name = TRANSACTIONS
    parent_stream_type = OrdersStream
    primary_keys = ("shop", "id")
    schema = TRANSACTION_SCHEMA


class FulfillmentsStream(BufferedChildStream):
    name = FULFILLMENTS
    parent_stream_type = OrdersStream
    primary_keys = ("shop", "id")
    schema = FULFILLMENT_SCHEMA
