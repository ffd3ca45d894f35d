"""Orders and their items: the flat-file report for backfills, searchOrders for recent changes.

Both paths emit the same records under the same keys (order: amazon_order_id; item:
amazon_order_id + sku + sku_occurrence, see the README's "Keys"), so a loader that upserts keeps
one row each. Windows older than
RECENT come from GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL (minutes for years of
orders); the last RECENT of changes, and every later incremental run, come from searchOrders,
whose records carry what the report lacks (order item ids, totals, proceeds, programs).
`done_until` in the partition's state is the watermark of both paths.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from singer_sdk import typing as th
from tap_common.values import dig

from tap_amazon_spapi.client import CompanionStream
from tap_amazon_spapi.flatfile import (
    UnreadableValue,
    api_decimal,
    api_int,
    parse_amount,
    parse_bool,
    parse_date,
    parse_int,
)
from tap_amazon_spapi.handover import Handover
from tap_amazon_spapi.issues import set_aside_record
from tap_amazon_spapi.keys import Occurrences, rank_by_id
from tap_amazon_spapi.reports import END_LAG, ReportStream, iso, parse_iso, utc_now
from tap_amazon_spapi.schemas import IDENTITY, Money, PersonalColumns

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

ORDERS_PATH = "/orders/2026-01-01/orders"
#: Changes newer than this come from searchOrders; older ones from the report.
RECENT = timedelta(days=1)
PAGE_SIZE = 100
INCLUDED = ["PROCEEDS", "FULFILLMENT", "PROMOTION", "CANCELLATION"]
PERSONAL_INCLUDED = ["BUYER", "RECIPIENT"]
#: The parts of a searchOrders order that hold personal data (asked for only when pii is on).
API_PERSONAL = ("buyer", "recipient")
ORDER_PERSONAL = ("buyer_name", "buyer_email", "ship_city", "ship_state", "ship_postal_code", "ship_country")


# Flat-file statuses that the Orders API names differently.
_REPORT_STATUSES = {"SHIPPING": "UNSHIPPED", "CANCELED": "CANCELLED"}


def status_code(text: str | None) -> str | None:
    """One vocabulary for both paths: `Shipped`, `Shipping`, `SHIPPED` -> `SHIPPED`, `UNSHIPPED`."""
    if not text or not text.strip():
        return None
    code = text.strip().upper().replace(" ", "_")
    return _REPORT_STATUSES.get(code, code)


def designation(text: str | None) -> str | None:
    """`BusinessPrice` (report) or `BUSINESS_PRICE` (API) -> `BUSINESS_PRICE`."""
    value = (text or "").strip()
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", value).upper() or None


def channel(text: str | None) -> str | None:
    """`Amazon`/`AFN`/`AMAZON` -> `AMAZON`; `Merchant`/`MFN`/`MERCHANT` -> `MERCHANT`."""
    value = (text or "").strip().upper()
    return {"AFN": "AMAZON", "MFN": "MERCHANT"}.get(value, value or None)


def amount(money: Any) -> Decimal | None:
    return api_decimal(dig(money, "amount"))


# -- the report path -------------------------------------------------------------


def order_from_report(row: dict[str, str]) -> dict[str, Any]:
    return {
        "amazon_order_id": row.get("amazon-order-id"),
        "merchant_order_id": row.get("merchant-order-id") or None,
        "purchase_date": parse_date(row.get("purchase-date")),
        "last_updated_date": parse_date(row.get("last-updated-date")),
        "order_status": status_code(row.get("order-status")),
        "fulfillment_channel": channel(row.get("fulfillment-channel")),
        "sales_channel": row.get("sales-channel") or None,
        "ship_service_level": row.get("ship-service-level") or None,
        "currency": row.get("currency") or None,
        "order_total": None,
        "is_business_order": parse_bool(row.get("is-business-order")),
        # The report has no column for replacements: only searchOrders says (associatedOrders).
        "is_replacement_order": None,
        "replaced_order_id": None,
        "purchase_order_number": row.get("purchase-order-number") or None,
        "programs": None,
        "buyer_name": None,
        "buyer_email": None,
        "ship_city": row.get("ship-city") or None,
        "ship_state": row.get("ship-state") or None,
        "ship_postal_code": row.get("ship-postal-code") or None,
        "ship_country": row.get("ship-country") or None,
        "source": "report",
    }


def order_and_item_from_report(row: dict[str, str], occurrence: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The order and the item of one orders-report row."""
    return order_from_report(row), item_from_report(row, occurrence)


def item_from_report(row: dict[str, str], occurrence: int = 1) -> dict[str, Any]:
    """One report row's item; `occurrence` numbers the rows of its SKU within its order (from 1)."""
    return {
        "amazon_order_id": row.get("amazon-order-id"),
        "sku": row.get("sku"),
        "sku_occurrence": occurrence,
        "order_item_id": None,
        "asin": row.get("asin") or None,
        "product_name": row.get("product-name") or None,
        "item_status": status_code(row.get("item-status")),
        "quantity": parse_int(row.get("quantity")),
        "currency": row.get("currency") or None,
        "unit_price": None,
        "price_designation": designation(row.get("price-designation")),
        "item_price": parse_amount(row.get("item-price")),
        "item_tax": parse_amount(row.get("item-tax")),
        "shipping_price": parse_amount(row.get("shipping-price")),
        "shipping_tax": parse_amount(row.get("shipping-tax")),
        "gift_wrap_price": parse_amount(row.get("gift-wrap-price")),
        "gift_wrap_tax": parse_amount(row.get("gift-wrap-tax")),
        "item_promotion_discount": parse_amount(row.get("item-promotion-discount")),
        "ship_promotion_discount": parse_amount(row.get("ship-promotion-discount")),
        **dict.fromkeys(_SUBTOTALS.values()),
        "proceeds_total": None,
        "promotion_ids": row.get("promotion-ids") or None,
        "purchase_date": parse_date(row.get("purchase-date")),
        "last_updated_date": parse_date(row.get("last-updated-date")),
        "source": "report",
    }


# -- the API path ------------------------------------------------------------------

# Proceeds breakdown types -> their subtotal columns.
_SUBTOTALS = {
    "ITEM": "proceeds_item",
    "SHIPPING": "proceeds_shipping",
    "GIFT_WRAP": "proceeds_gift_wrap",
    "TAX": "proceeds_tax",
    "DISCOUNT": "proceeds_discount",
}
# (type, detailed subtype) -> the report's column, filled only when Amazon details it.
_DETAILED = {
    ("TAX", "ITEM"): "item_tax",
    ("TAX", "SHIPPING"): "shipping_tax",
    ("TAX", "GIFT_WRAP"): "gift_wrap_tax",
    ("DISCOUNT", "ITEM"): "item_promotion_discount",
    ("DISCOUNT", "SHIPPING"): "ship_promotion_discount",
}
PROCEEDS_COLUMNS = (*_SUBTOTALS.values(), *_DETAILED.values(), "shipping_price", "gift_wrap_price")


def proceeds_columns(item: dict[str, Any]) -> dict[str, Decimal | None]:
    """An item's proceeds: each breakdown's subtotal, and the report's columns where detailed.

    Subtotals are Amazon's own aggregates (ITEM may be net of discounts), so they keep their
    own columns rather than pretend to be the report's gross figures.
    """
    out: dict[str, Decimal | None] = dict.fromkeys(PROCEEDS_COLUMNS)
    for breakdown in dig(item, "proceeds", "breakdowns") or []:
        kind = breakdown.get("type")
        if kind in _SUBTOTALS:
            out[_SUBTOTALS[kind]] = amount(breakdown.get("subtotal"))
        for detail in breakdown.get("detailedBreakdowns") or []:
            column = _DETAILED.get((kind, detail.get("subtype")))
            if column:
                out[column] = amount(detail.get("value"))
    return out


def order_from_api(order: dict[str, Any]) -> dict[str, Any]:
    aliases = {a.get("aliasType"): a.get("aliasId") for a in order.get("orderAliases") or []}
    programs = order.get("programs") or []
    address = dig(order, "recipient", "deliveryAddress") or {}
    total = dig(order, "proceeds", "grandTotal")
    replaced = next(
        (
            a.get("orderId")
            for a in order.get("associatedOrders") or []
            if a.get("associationType") == "REPLACEMENT_ORIGINAL_ID"
        ),
        None,
    )
    return {
        "amazon_order_id": order["orderId"],
        "merchant_order_id": aliases.get("SELLER_ORDER_ID"),
        "purchase_date": parse_date(order.get("createdTime")),
        "last_updated_date": parse_date(order.get("lastUpdatedTime")),
        "order_status": status_code(dig(order, "fulfillment", "fulfillmentStatus")),
        "fulfillment_channel": channel(dig(order, "fulfillment", "fulfilledBy")),
        "sales_channel": dig(order, "salesChannel", "marketplaceName"),
        "ship_service_level": dig(order, "fulfillment", "fulfillmentServiceLevel"),
        "currency": dig(total, "currencyCode"),
        "order_total": amount(total),
        "is_business_order": "AMAZON_BUSINESS" in programs,
        "is_replacement_order": replaced is not None,
        "replaced_order_id": replaced,
        "purchase_order_number": dig(order, "buyer", "buyerPurchaseOrderNumber"),
        "programs": programs,
        "buyer_name": dig(order, "buyer", "buyerName"),
        "buyer_email": dig(order, "buyer", "buyerEmail"),
        "ship_city": address.get("city"),
        "ship_state": address.get("stateOrRegion"),
        "ship_postal_code": address.get("postalCode"),
        "ship_country": address.get("countryCode"),
        "source": "api",
    }


def items_from_api(order: dict[str, Any], record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    items = order.get("orderItems") or []
    # Same-SKU items are numbered by their order item id, unique within the order.
    occurrences = rank_by_id([(dig(i, "product", "sellerSku"), str(i.get("orderItemId") or "")) for i in items])
    for item, occurrence in zip(items, occurrences, strict=True):
        product = item.get("product") or {}
        unit = dig(product, "price", "unitPrice")
        unit_price = amount(unit)
        quantity = api_int(item.get("quantityOrdered"))
        total = dig(item, "proceeds", "proceedsTotal")
        yield {
            "amazon_order_id": record["amazon_order_id"],
            "sku": product.get("sellerSku"),
            "sku_occurrence": occurrence,
            "order_item_id": item.get("orderItemId"),
            "asin": product.get("asin"),
            "product_name": product.get("title"),
            "item_status": record["order_status"],
            "quantity": quantity,
            "currency": dig(total, "currencyCode") or dig(unit, "currencyCode") or record["currency"],
            "unit_price": unit_price,
            "price_designation": designation(dig(product, "price", "priceDesignation")),
            # The report's item-price is the line's gross price: unit price times quantity.
            "item_price": None if unit_price is None or quantity is None else unit_price * quantity,
            **proceeds_columns(item),
            "proceeds_total": amount(total),
            "promotion_ids": ",".join(
                p["promotionId"] for p in dig(item, "promotion", "breakdowns") or [] if p.get("promotionId")
            )
            or None,
            "purchase_date": record["purchase_date"],
            "last_updated_date": record["last_updated_date"],
            "source": "api",
        }


class OrdersStream(PersonalColumns, ReportStream):
    """Orders, per marketplace; their items go to order_items in the same pass."""

    name = "orders"
    primary_keys = ("amazon_order_id",)
    replication_key = "last_updated_date"
    report_type = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"
    max_window_days = 30
    role = "Inventory and Order Tracking"
    personal_columns = ORDER_PERSONAL

    full_schema: ClassVar[dict[str, Any]] = th.PropertiesList(
        th.Property("amazon_order_id", th.StringType, required=True),
        *IDENTITY,
        th.Property("merchant_order_id", th.StringType),
        th.Property("purchase_date", th.DateTimeType),
        th.Property("last_updated_date", th.DateTimeType),
        th.Property("order_status", th.StringType),
        th.Property("fulfillment_channel", th.StringType),
        th.Property("sales_channel", th.StringType),
        th.Property("ship_service_level", th.StringType),
        th.Property("currency", th.StringType),
        th.Property("order_total", Money),
        th.Property("is_business_order", th.BooleanType),
        th.Property(
            "is_replacement_order",
            th.BooleanType,
            description="searchOrders only (associatedOrders REPLACEMENT_ORIGINAL_ID); null from the report",
        ),
        th.Property("replaced_order_id", th.StringType, description="The order a replacement order replaces"),
        th.Property("purchase_order_number", th.StringType),
        th.Property("programs", th.ArrayType(th.StringType)),
        th.Property("buyer_name", th.StringType),
        th.Property("buyer_email", th.StringType),
        th.Property("ship_city", th.StringType),
        th.Property("ship_state", th.StringType),
        th.Property("ship_postal_code", th.StringType),
        th.Property("ship_country", th.StringType),
        th.Property("source", th.StringType, description="report or api: the path the record came by"),
    ).to_dict()

    marketplace_column = "sales-channel"

    def read_from(self, marketplace: str) -> datetime:
        # Rows are selected by last update, so a change is never missed: no lookback needed.
        done = self.watermark(marketplace)
        return done if done else parse_iso(str(self.config["start_date"]))

    def read_until(self) -> datetime:
        return utc_now() - RECENT

    def post_process(self, row: dict[str, Any], context: Context | None = None) -> dict[str, Any] | None:
        return super().post_process(self.drop_personal(row), context)

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:  # noqa: ARG002
        handover = Handover(self.outbox, enabled=self.companions_selected)
        stale = [m for m in self.marketplaces if (self.watermark(m) or utc_now()) < utc_now() - RECENT]
        unstarted = [m for m in self.marketplaces if self.watermark(m) is None]
        if self.report_state()["pending"] or stale or unstarted:
            yield from self.from_reports(handover)
        yield from self.from_api(handover)

    def from_reports(self, handover: Handover) -> Iterator[dict[str, Any]]:
        seen: set[str] = set()
        occurrences = Occurrences()
        window_end = None
        for window, row in self.report_rows():
            if window["end"] != window_end:
                window_end, seen, occurrences = window["end"], set(), Occurrences()
                yield from handover.close()
            order_id = row.get("amazon-order-id")
            if not order_id:
                self.logger.warning("orders report row without amazon-order-id skipped: %s", sorted(row)[:5])
                continue
            marketplace = self.row_marketplace(window, row)
            # Counted before reading, so a row set aside keeps the numbers of the rows after it.
            occurrence = occurrences.next((order_id, row.get("sku")))
            read = self.readable(row, partial(order_and_item_from_report, occurrence=occurrence), marketplace)
            if read is None:
                continue  # set aside in load_issues
            order, item = read
            handover.add([{**item, "marketplace_id": marketplace}])
            if order_id not in seen:
                seen.add(order_id)
                yield from handover.push({**order, "marketplace_id": marketplace})
        yield from handover.close()

    def from_api(self, handover: Handover) -> Iterator[dict[str, Any]]:
        """Changes since each marketplace's watermark; marketplaces at the same watermark share calls."""
        groups: dict[datetime, list[str]] = {}
        for marketplace in self.marketplaces:
            done = self.watermark(marketplace)
            start = done or parse_iso(str(self.config["start_date"]))
            groups.setdefault(start, []).append(marketplace)
        for start, group in groups.items():
            ended = yield from self.search_orders(start, group, handover)
            for marketplace in group:
                self.report_state()["done_until"][marketplace] = ended
            self.save_state()

    def search_orders(
        self, start: datetime, marketplaces: list[str], handover: Handover
    ) -> Generator[dict[str, Any], None, str]:
        """Orders changed since `start`; returns where Amazon's window ended.

        lastUpdatedBefore is left to Amazon (two minutes before its own clock) and read back from
        the response, so the next call starts exactly there whatever the local clock says: no
        gap, no overlap, and no lookback needed (lastUpdated catches every change).
        """
        params: dict[str, Any] = {
            "lastUpdatedAfter": iso(start),
            "marketplaceIds": ",".join(marketplaces),
            "maxResultsPerPage": PAGE_SIZE,
            "includedData": ",".join(INCLUDED + (PERSONAL_INCLUDED if self.pii else [])),
        }
        ended: str | None = None
        number = 0
        while True:
            page = self.call(
                "searchOrders",
                "GET",
                ORDERS_PATH,
                params=params,
                data_elements=["buyerInfo", "shippingAddress"] if self.pii else None,
            )
            if ended is None:
                stated = page.get("lastUpdatedBefore")
                ended = iso(parse_iso(stated) if stated else utc_now() - END_LAG)
            for order in page.get("orders") or []:
                number += 1  # the order's position in this listing, pages included
                marketplace = dig(order, "salesChannel", "marketplaceId") or (
                    marketplaces[0] if len(marketplaces) == 1 else None
                )
                try:
                    record = {**order_from_api(order), "marketplace_id": marketplace}
                    items = [{**item, "marketplace_id": marketplace} for item in items_from_api(order, record)]
                except UnreadableValue as error:
                    # Set aside whole, with its items: they are part of the record as it came.
                    kept = order if self.pii else {k: v for k, v in order.items() if k not in API_PERSONAL}
                    set_aside_record(self, kept, number, error, marketplace, operation="searchOrders")
                    continue
                handover.add(items)
                yield from handover.push(record)
            token = dig(page, "pagination", "nextToken")
            if not token:
                break
            params = {"paginationToken": token}
        yield from handover.close()
        return ended or iso(utc_now() - END_LAG)


class OrderItemsStream(CompanionStream):
    """One record per order line, from the orders report or searchOrders."""

    name = "order_items"
    parent_stream_type = OrdersStream
    primary_keys = ("amazon_order_id", "sku", "sku_occurrence")
    operation = "searchOrders"
    role = OrdersStream.role

    schema = th.PropertiesList(
        th.Property("amazon_order_id", th.StringType, required=True),
        th.Property("sku", th.StringType, required=True),
        th.Property(
            "sku_occurrence",
            th.IntegerType,
            required=True,
            description="1 for the order's first line of this SKU, 2 for its second (report: in row order; "
            "API: by order item id)",
        ),
        *IDENTITY,
        th.Property("order_item_id", th.StringType),
        th.Property("asin", th.StringType),
        th.Property("product_name", th.StringType),
        th.Property("item_status", th.StringType),
        th.Property("quantity", th.IntegerType),
        th.Property("currency", th.StringType),
        th.Property("unit_price", Money),
        th.Property("price_designation", th.StringType, description="BUSINESS_PRICE: sold at an Amazon Business price"),
        th.Property("item_price", Money),
        th.Property("item_tax", Money),
        th.Property("shipping_price", Money),
        th.Property("shipping_tax", Money),
        th.Property("gift_wrap_price", Money),
        th.Property("gift_wrap_tax", Money),
        th.Property("item_promotion_discount", Money),
        th.Property("ship_promotion_discount", Money),
        *(th.Property(name, Money, description="Proceeds subtotal (API only)") for name in _SUBTOTALS.values()),
        th.Property("proceeds_total", Money),
        th.Property("promotion_ids", th.StringType),
        th.Property("purchase_date", th.DateTimeType),
        th.Property("last_updated_date", th.DateTimeType),
        th.Property("source", th.StringType),
    ).to_dict()
