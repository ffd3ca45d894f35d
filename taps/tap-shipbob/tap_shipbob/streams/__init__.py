"""Every stream the tap offers, parents before their children."""

from __future__ import annotations

from tap_shipbob.streams.account import ChannelsStream, FulfillmentCentersStream, TransactionFeesStream
from tap_shipbob.streams.billing import InvoicesStream, InvoiceTransactionsStream
from tap_shipbob.streams.catalog import (
    InventoryLevelsStream,
    InventoryLotLevelsStream,
    InventoryStream,
    ProductsStream,
    VariantsStream,
)
from tap_shipbob.streams.orders import OrderProductsStream, OrdersStream, ShipmentProductsStream, ShipmentsStream
from tap_shipbob.streams.receiving import ReceivingBoxesStream, ReceivingItemsStream, ReceivingOrdersStream
from tap_shipbob.streams.returns import ReturnActionsStream, ReturnItemsStream, ReturnsStream

STREAM_TYPES = [
    ChannelsStream,
    FulfillmentCentersStream,
    TransactionFeesStream,
    OrdersStream,
    OrderProductsStream,
    ShipmentsStream,
    ShipmentProductsStream,
    ProductsStream,
    VariantsStream,
    InventoryStream,
    InventoryLevelsStream,
    InventoryLotLevelsStream,
    ReceivingOrdersStream,
    ReceivingItemsStream,
    ReceivingBoxesStream,
    ReturnsStream,
    ReturnItemsStream,
    ReturnActionsStream,
    InvoicesStream,
    InvoiceTransactionsStream,
]
