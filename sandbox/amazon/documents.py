"""Flat-file report documents: the rows of each report type (columns per REPORTS.md),
rendered lazily and gzip-compressed while they are sent.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sandbox.catalog import CATALOG

from .context import Snapshot
from .data import MARKETPLACES, Marketplace, fnsku, render
from .inventory import summary
from .ledger import RESERVE, Amount, Period, Posting, amounts

Row = list[str]


def space_utc(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%d %H:%M:%S UTC")


def with_offset(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def dotted(ts: datetime) -> str:
    return ts.strftime("%d.%m.%Y")


def _cols(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in text.split(","))


SETTLEMENT_COLUMNS = _cols(
    "settlement-id, settlement-start-date, settlement-end-date, deposit-date, total-amount, currency, "
    "transaction-type, order-id, merchant-order-id, adjustment-id, shipment-id, marketplace-name, amount-type, "
    "amount-description, amount, fulfillment-id, posted-date, posted-date-time, order-item-code, "
    "merchant-order-item-id, merchant-adjustment-item-id, sku, quantity-purchased, promotion-id"
)
# The older settlement layout: one row per amount too, each amount in the column pair for its kind.
SETTLEMENT_V1_COLUMNS = _cols(
    "settlement-id, settlement-start-date, settlement-end-date, deposit-date, total-amount, currency, "
    "transaction-type, order-id, merchant-order-id, adjustment-id, shipment-id, marketplace-name, "
    "shipment-fee-type, shipment-fee-amount, order-fee-type, order-fee-amount, fulfillment-id, posted-date, "
    "order-item-code, merchant-order-item-id, merchant-adjustment-item-id, sku, quantity-purchased, price-type, "
    "price-amount, item-related-fee-type, item-related-fee-amount, misc-fee-amount, other-fee-amount, "
    "other-fee-reason-description, promotion-id, promotion-type, promotion-amount, direct-payment-type, "
    "direct-payment-amount, other-amount"
)
ALL_ORDERS_COLUMNS = _cols(
    "amazon-order-id, merchant-order-id, purchase-date, last-updated-date, order-status, fulfillment-channel, "
    "sales-channel, order-channel, ship-service-level, product-name, sku, asin, item-status, quantity, currency, "
    "item-price, item-tax, shipping-price, shipping-tax, gift-wrap-price, gift-wrap-tax, item-promotion-discount, "
    "ship-promotion-discount, ship-city, ship-state, ship-postal-code, ship-country, promotion-ids, "
    "is-business-order, purchase-order-number, price-designation"
)
RETURNS_COLUMNS = _cols(
    "return-date, order-id, sku, asin, fnsku, product-name, quantity, fulfillment-center-id, detailed-disposition, "
    "reason, status, license-plate-number, customer-comments"
)
SHIPMENTS_COLUMNS = _cols(
    "amazon-order-id, merchant-order-id, shipment-id, shipment-item-id, amazon-order-item-id, "
    "merchant-order-item-id, purchase-date, payments-date, shipment-date, reporting-date, buyer-email, buyer-name, "
    "buyer-phone-number, sku, product-name, quantity-shipped, currency, item-price, item-tax, shipping-price, "
    "shipping-tax, gift-wrap-price, gift-wrap-tax, ship-service-level, recipient-name, ship-address-1, "
    "ship-address-2, ship-address-3, ship-city, ship-state, ship-postal-code, ship-country, ship-phone-number, "
    "bill-address-1, bill-address-2, bill-address-3, bill-city, bill-state, bill-postal-code, bill-country, "
    "item-promotion-discount, ship-promotion-discount, carrier, tracking-number, estimated-arrival-date, "
    "fulfillment-center-id, fulfillment-channel, sales-channel"
)
INVENTORY_COLUMNS = _cols(
    "sku, fnsku, asin, product-name, condition, your-price, mfn-listing-exists, mfn-fulfillable-quantity, "
    "afn-listing-exists, afn-warehouse-quantity, afn-fulfillable-quantity, afn-unsellable-quantity, "
    "afn-reserved-quantity, afn-total-quantity, per-unit-volume, afn-inbound-working-quantity, "
    "afn-inbound-shipped-quantity, afn-inbound-receiving-quantity, afn-researching-quantity, "
    "afn-reserved-future-supply, afn-future-supply-buyable"
)

# The flat-file order status for each Orders API status.
ORDER_STATUS = {"Pending": "Pending", "Unshipped": "Shipping", "Shipped": "Shipped", "Canceled": "Cancelled"}
ITEM_STATUS = {"Pending": "Unshipped", "Unshipped": "Unshipped", "Shipped": "Shipped", "Canceled": "Cancelled"}
_RETURN_REASONS = (
    ("SELLABLE", "UNWANTED_ITEM", "Unit returned to inventory", ""),
    ("SELLABLE", "APPAREL_TOO_SMALL", "Unit returned to inventory", "Trop petit, déçu"),
    ("CUSTOMER_DAMAGED", "DAMAGED_BY_CARRIER", "Reimbursed", "Box was crushed"),
    ("DEFECTIVE", "DEFECTIVE", "Unit returned to inventory", "Zip broke after one use — disappointed"),
)


@dataclass(frozen=True)
class Window:
    """What one report covers."""

    marketplace_ids: tuple[str, ...]
    start: datetime
    end: datetime
    period: Period | None = None  # settlement reports only


def all_orders_rows(world: Snapshot, window: Window) -> Iterator[Row]:
    for fact in world.seller.updated_between(window.start, window.end):
        if fact.marketplace_id not in window.marketplace_ids:
            continue
        order = render(fact)
        unpriced = fact.status == "Canceled" and "unpriced_cancellations" in fact.shapes
        priced = fact.status != "Pending" and not unpriced
        for li in order.lines:

            def amount(value: object, priced: bool = priced) -> str:
                return str(value) if priced else ""

            yield [
                fact.order_id,
                fact.seller_order_id if fact.channel == "MFN" else "",
                with_offset(fact.purchased),
                with_offset(fact.updated),
                ORDER_STATUS[fact.status],
                "Amazon" if fact.channel == "AFN" else "Merchant",
                "Non-Amazon" if "multi_channel" in fact.shapes else order.marketplace.name,
                "",
                "Expedited" if fact.channel == "AFN" else "Standard",
                li.item.title,
                li.item.sku,
                li.item.asin,
                ITEM_STATUS[fact.status],
                str(li.quantity),
                order.marketplace.currency if priced else "",
                amount(li.principal),
                amount(li.tax),
                amount(li.shipping),
                amount(li.shipping_tax),
                "",
                "",
                amount(-li.promotion),
                amount(-li.shipping_promotion),
                order.buyer.city,
                order.buyer.state,
                order.buyer.postal_code,
                order.buyer.country,
                ",".join(li.promotion_ids),
                "true" if order.business else "false",
                "",
                "BusinessPrice" if li.price_designation else "",
            ]


def returns_rows(world: Snapshot, window: Window) -> Iterator[Row]:
    for fact in world.seller.orders:
        if fact.refunded is None or fact.channel != "AFN" or fact.marketplace_id not in window.marketplace_ids:
            continue
        returned = fact.refunded - timedelta(days=1)
        if not window.start <= returned <= window.end:
            continue
        line = render(fact).lines[0]
        disposition, reason, status, comment = _RETURN_REASONS[fact.seed % len(_RETURN_REASONS)]
        yield [
            with_offset(returned),
            fact.order_id,
            line.item.sku,
            line.item.asin,
            fnsku(line.item),
            line.item.title,
            str(line.quantity),
            fact.fulfilment_centre,
            disposition,
            reason,
            status,
            f"LPN{fact.seed % 10**10:010d}",
            comment,
        ]


def shipments_rows(world: Snapshot, window: Window) -> Iterator[Row]:
    for fact in world.seller.orders:
        if fact.shipped is None or fact.channel != "AFN" or fact.marketplace_id not in window.marketplace_ids:
            continue
        if not window.start <= fact.shipped <= window.end:
            continue
        order = render(fact)
        buyer = order.buyer
        for number, li in enumerate(order.lines):
            yield [
                fact.order_id,
                "",
                "D" + f"{fact.seed % 10**8:08d}",
                "D" + f"{fact.seed % 10**8:08d}{number}",
                li.order_item_id,
                "",
                with_offset(fact.purchased),
                with_offset(fact.purchased + timedelta(minutes=5)),
                with_offset(fact.shipped),
                with_offset(fact.shipped + timedelta(hours=2)),
                buyer.email,
                buyer.name,
                buyer.phone,
                li.item.sku,
                li.item.title,
                str(li.quantity),
                order.marketplace.currency,
                str(li.principal),
                str(li.tax),
                str(li.shipping),
                str(li.shipping_tax),
                "",
                "",
                "Expedited",
                buyer.name,
                buyer.address_line,
                "",
                "",
                buyer.city,
                buyer.state,
                buyer.postal_code,
                buyer.country,
                buyer.phone,
                buyer.address_line,
                "",
                "",
                buyer.city,
                buyer.state,
                buyer.postal_code,
                buyer.country,
                str(-li.promotion),
                str(-li.shipping_promotion),
                "AMZN_US" if buyer.country == "US" else "AMZN_CA",
                f"TBA{fact.seed % 10**12:012d}",
                with_offset(fact.shipped + timedelta(days=2)),
                fact.fulfilment_centre,
                "Amazon",
                order.marketplace.name.lower(),
            ]


def inventory_rows(world: Snapshot, window: Window) -> Iterator[Row]:
    """Current FBA inventory, one row per SKU: the same numbers as getInventorySummaries."""
    market = MARKETPLACES[window.marketplace_ids[0]]
    for item in CATALOG:
        stock = summary(world.history_anchor, market, item, details=True)
        details = stock["inventoryDetails"]
        unsellable = details["unfulfillableQuantity"]["totalUnfulfillableQuantity"]
        reserved = details["reservedQuantity"]["totalReservedQuantity"]
        warehouse = details["fulfillableQuantity"] + unsellable + reserved
        yield [
            item.sku,
            stock["fnSku"],
            item.asin,
            item.title,
            "New",
            str(market.price(item)),
            "No",
            "",
            "Yes",
            str(warehouse),
            str(details["fulfillableQuantity"]),
            str(unsellable),
            str(reserved),
            str(stock["totalQuantity"]),
            "0.05",
            str(details["inboundWorkingQuantity"]),
            str(details["inboundShippedQuantity"]),
            str(details["inboundReceivingQuantity"]),
            str(details["researchingQuantity"]["totalResearchingQuantity"]),
            "0",
            "0",
        ]


@dataclass(frozen=True)
class _SettlementLine:
    """One amount of one posting, with what both settlement layouts say about it."""

    posting: Posting
    amount: Amount
    posted_date: str  # the marketplace's date form


def _settlement(world: Snapshot, window: Window, columns: tuple[str, ...]) -> tuple[Row, Iterator[_SettlementLine]]:
    """The summary row (the rest of its columns empty) and the period's lines, in posting order."""
    period = window.period
    assert period is not None
    market: Marketplace = MARKETPLACES[period.marketplace_id]
    posted_date = dotted if market.charset == "ISO-8859-1" else (lambda ts: ts.strftime("%Y-%m-%d"))
    summary = [
        period.settlement_id,
        space_utc(period.start),
        space_utc(period.end),
        space_utc(period.deposit),
        str(world.ledger.period_total(period)),
        market.currency,
    ]
    lines = (
        _SettlementLine(posting, amount, posted_date(posting.posted))
        for posting in world.ledger.in_period(period)
        for amount in amounts(posting)
    )
    return summary + [""] * (len(columns) - len(summary)), lines


def _common(period: Period, item: _SettlementLine) -> Row:
    """settlement-id through marketplace-name: the columns both layouts open a line with."""
    order, posting = item.posting.order, item.posting
    return [
        period.settlement_id,
        "",
        "",
        "",
        "",
        "",
        posting.kind,
        order.order_id if order else "",
        order.seller_order_id if order and order.channel == "MFN" else "",
        posting.adjustment_id if posting.kind == "Refund" else "",
        posting.shipment_id if posting.kind == "Order" else "",
        MARKETPLACES[period.marketplace_id].name,
    ]


def _quantity(item: _SettlementLine) -> str:
    line = item.amount.line
    refund = item.posting.kind == "Refund"
    return str(line.quantity) if line and item.amount.description == "Principal" and not refund else ""


def settlement_rows(world: Snapshot, window: Window) -> Iterator[Row]:
    """The summary row, then one row per amount of every posting in the period."""
    summary, lines = _settlement(world, window, SETTLEMENT_COLUMNS)
    period = window.period
    assert period is not None
    yield summary
    for item in lines:
        amount, line, order = item.amount, item.amount.line, item.posting.order
        yield [
            *_common(period, item),
            amount.amount_type,
            amount.description,
            str(amount.amount),
            order.channel if order else "",
            item.posted_date,
            space_utc(item.posting.posted),
            line.order_item_id if line else "",
            "",
            "",
            line.item.sku if line else "",
            _quantity(item),
            amount.promotion_id,
        ]


# Older layout: which (type, amount) column pair carries an amount of each kind.
_V1_PAIRS = {
    "ItemPrice": ("price-type", "price-amount"),
    "ItemFees": ("item-related-fee-type", "item-related-fee-amount"),
    "ItemWithheldTax": ("item-related-fee-type", "item-related-fee-amount"),
    "Promotion": ("promotion-type", "promotion-amount"),
    "other-transaction": ("other-fee-reason-description", "other-fee-amount"),  # service fees
}


def settlement_v1_rows(world: Snapshot, window: Window) -> Iterator[Row]:
    """The older layout: the same summary row and lines, amounts spread over typed columns."""
    summary, lines = _settlement(world, window, SETTLEMENT_V1_COLUMNS)
    period = window.period
    assert period is not None
    yield summary
    at = {name: i for i, name in enumerate(SETTLEMENT_V1_COLUMNS)}
    for item in lines:
        amount, line, order = item.amount, item.amount.line, item.posting.order
        row = _common(period, item)
        row += [""] * (len(SETTLEMENT_V1_COLUMNS) - len(row))
        row[at["fulfillment-id"]] = order.channel if order else ""
        row[at["posted-date"]] = item.posted_date
        row[at["order-item-code"]] = line.order_item_id if line else ""
        row[at["sku"]] = line.item.sku if line else ""
        row[at["quantity-purchased"]] = _quantity(item)
        if item.posting.kind == RESERVE:  # a reserve held or released: no typed column for it
            row[at["other-amount"]] = str(amount.amount)
        else:
            kind, value = _V1_PAIRS[amount.amount_type]
            row[at[kind]], row[at[value]] = amount.description, str(amount.amount)
        if amount.promotion_id:
            row[at["promotion-id"]] = amount.promotion_id
        yield row


@dataclass(frozen=True)
class ReportType:
    name: str
    columns: tuple[str, ...]
    rows: Callable[[Snapshot, Window], Iterator[Row]]
    max_days: int  # longest data window one request may ask for
    requestable: bool = True  # False: Amazon generates it on its own schedule


SETTLEMENT = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"
SETTLEMENT_V1 = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"
REPORT_TYPES = {
    t.name: t
    for t in (
        ReportType("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL", ALL_ORDERS_COLUMNS, all_orders_rows, 30),
        ReportType("GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA", RETURNS_COLUMNS, returns_rows, 60),
        ReportType("GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL", SHIPMENTS_COLUMNS, shipments_rows, 30),
        # A snapshot: the data window is ignored, so any window is accepted.
        ReportType("GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA", INVENTORY_COLUMNS, inventory_rows, 36500),
        ReportType(SETTLEMENT, SETTLEMENT_COLUMNS, settlement_rows, 14, requestable=False),
        ReportType(SETTLEMENT_V1, SETTLEMENT_V1_COLUMNS, settlement_v1_rows, 14, requestable=False),
    )
}


def gzip_document(
    columns: tuple[str, ...], rows: Iterator[Row], charset: str, *, truncate_after: int | None = None
) -> Iterator[bytes]:
    """Tab-separated text in `charset`, gzip-compressed in pieces as rows are produced.

    With `truncate_after`, the stream stops after that many rows without the gzip trailer,
    as a document cut off in transit would.
    """
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: gzip container
    pending: list[bytes] = ["\t".join(columns).encode(charset) + b"\n"]
    size = 0
    for count, row in enumerate(rows):
        if truncate_after is not None and count >= truncate_after:
            yield compressor.compress(b"".join(pending)) + compressor.flush(zlib.Z_SYNC_FLUSH)
            return
        encoded = ("\t".join(row) + "\n").encode(charset, "replace")
        pending.append(encoded)
        size += len(encoded)
        if size >= 64 * 1024:
            chunk = compressor.compress(b"".join(pending))
            pending, size = [], 0
            if chunk:
                yield chunk
    yield compressor.compress(b"".join(pending)) + compressor.flush()
