"""Every stream of the tap, in the order they sync."""

from tap_amazon_spapi.issues import LoadIssuesStream
from tap_amazon_spapi.streams.finances import FinancialEventGroupsStream, FinancialEventsStream
from tap_amazon_spapi.streams.fulfillment import CustomerReturnsStream, FbaShipmentsStream
from tap_amazon_spapi.streams.inventory import FbaInventoryStream
from tap_amazon_spapi.streams.orders import OrderItemsStream, OrdersStream
from tap_amazon_spapi.streams.sellers import MarketplaceParticipationsStream
from tap_amazon_spapi.streams.settlements import SettlementLinesStream, SettlementsStream

STREAM_TYPES = [
    MarketplaceParticipationsStream,
    OrdersStream,
    OrderItemsStream,
    FbaInventoryStream,
    SettlementsStream,
    SettlementLinesStream,
    FinancialEventGroupsStream,
    FinancialEventsStream,
    CustomerReturnsStream,
    FbaShipmentsStream,
    # Last: its own turn only declares it; rows are set aside into it as the others read.
    LoadIssuesStream,
]
