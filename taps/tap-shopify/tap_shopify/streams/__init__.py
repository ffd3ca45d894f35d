"""The tap's streams, one module per resource family."""

from singer_sdk import Stream

from tap_shopify.streams.customers import CustomersStream
from tap_shopify.streams.inventory import InventoryItemsStream, InventoryLevelsStream, LocationsStream
from tap_shopify.streams.order_children import FulfillmentsStream, RefundsStream, TransactionsStream
from tap_shopify.streams.orders import OrderLineItemsStream, OrdersStream
from tap_shopify.streams.payments import BalanceTransactionsStream, PayoutsStream
from tap_shopify.streams.products import ProductsStream, ProductVariantsStream
from tap_shopify.streams.shop import ShopStream

# Synced in this order: orders (and what is read with them) first, the rest after.
STREAM_TYPES: list[type[Stream]] = [
    OrdersStream,
    OrderLineItemsStream,
    RefundsStream,
    TransactionsStream,
    FulfillmentsStream,
    ShopStream,
    CustomersStream,
    ProductsStream,
    ProductVariantsStream,
    InventoryItemsStream,
    LocationsStream,
    InventoryLevelsStream,
    PayoutsStream,
    BalanceTransactionsStream,
]

__all__ = [
    "STREAM_TYPES",
    "BalanceTransactionsStream",
    "CustomersStream",
    "FulfillmentsStream",
    "InventoryItemsStream",
    "InventoryLevelsStream",
    "LocationsStream",
    "OrderLineItemsStream",
    "OrdersStream",
    "PayoutsStream",
    "ProductVariantsStream",
    "ProductsStream",
    "RefundsStream",
    "ShopStream",
    "TransactionsStream",
]
