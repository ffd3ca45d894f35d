"""The tap's streams, one module per resource family."""

from tap_shopify.streams.orders import OrderLineItemsStream, OrdersStream
from tap_shopify.streams.shop import ShopStream

STREAM_TYPES = [ShopStream, OrdersStream, OrderLineItemsStream]

__all__ = ["STREAM_TYPES", "OrderLineItemsStream", "OrdersStream", "ShopStream"]
