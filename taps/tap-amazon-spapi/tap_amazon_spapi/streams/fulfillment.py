"""FBA customer returns and Amazon-fulfilled shipments, from their flat-file reports."""

from __future__ import annotations

from typing import Any, ClassVar

from singer_sdk import typing as th

from tap_amazon_spapi.flatfile import parse_amount, parse_date, parse_int
from tap_amazon_spapi.reports import ReportStream
from tap_amazon_spapi.schemas import IDENTITY, Money, PersonalColumns


def column(name: str) -> str:
    return name.replace("-", "_")


class CustomerReturnsStream(ReportStream):
    name = "customer_returns"
    primary_keys = ("order_id", "sku", "return_date", "license_plate_number", "row_occurrence")
    replication_key = "return_date"
    report_type = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
    max_window_days = 60
    role = "Amazon Fulfillment"

    TEXT = (
        "order-id",
        "sku",
        "asin",
        "fnsku",
        "product-name",
        "fulfillment-center-id",
        "detailed-disposition",
        "reason",
        "status",
        "customer-comments",
    )

    schema = th.PropertiesList(
        th.Property("order_id", th.StringType, required=True),
        th.Property("sku", th.StringType, required=True),
        th.Property("return_date", th.DateTimeType, required=True),
        th.Property("license_plate_number", th.StringType, required=True, description="Empty when Amazon gives none"),
        th.Property(
            "row_occurrence",
            th.IntegerType,
            required=True,
            description="1 for the document's first row with this order, SKU, date and license plate, 2 for the next "
            "(one returned package can be split by disposition)",
        ),
        *IDENTITY,
        *(th.Property(column(name), th.StringType) for name in TEXT if name not in {"order-id", "sku"}),
        th.Property("quantity", th.IntegerType),
    ).to_dict()

    def record_from(self, row: dict[str, str]) -> dict[str, Any] | None:
        if not row.get("order-id") or not row.get("return-date"):
            self.logger.warning("customer returns row without order-id or return-date skipped")
            return None
        record = {
            **{column(name): row.get(name) or None for name in self.TEXT},
            "sku": row.get("sku") or "",
            "return_date": parse_date(row.get("return-date")),
            "license_plate_number": row.get("license-plate-number") or "",
            "quantity": parse_int(row.get("quantity")),
        }
        natural = tuple(record[k] for k in ("order_id", "sku", "return_date", "license_plate_number"))
        record["row_occurrence"] = self.occurrences.next(natural)
        return record


class FbaShipmentsStream(PersonalColumns, ReportStream):
    name = "fba_shipments"
    primary_keys = ("amazon_order_id", "shipment_id", "shipment_item_id")
    replication_key = "reporting_date"
    report_type = "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL"
    max_window_days = 30
    role = "Amazon Fulfillment"
    restricted = True
    marketplace_column = "sales-channel"

    TEXT = (
        "amazon-order-id",
        "merchant-order-id",
        "shipment-id",
        "shipment-item-id",
        "amazon-order-item-id",
        "merchant-order-item-id",
        "sku",
        "product-name",
        "currency",
        "ship-service-level",
        "carrier",
        "tracking-number",
        "fulfillment-center-id",
        "fulfillment-channel",
        "sales-channel",
    )
    DATES = ("purchase-date", "payments-date", "shipment-date", "reporting-date", "estimated-arrival-date")
    AMOUNTS = (
        "item-price",
        "item-tax",
        "shipping-price",
        "shipping-tax",
        "gift-wrap-price",
        "gift-wrap-tax",
        "item-promotion-discount",
        "ship-promotion-discount",
    )
    #: Buyer and address columns: extracted only when `pii` is true.
    PERSONAL: ClassVar[tuple[str, ...]] = (
        "buyer-email",
        "buyer-name",
        "buyer-phone-number",
        "recipient-name",
        "ship-address-1",
        "ship-address-2",
        "ship-address-3",
        "ship-city",
        "ship-state",
        "ship-postal-code",
        "ship-country",
        "ship-phone-number",
        "bill-address-1",
        "bill-address-2",
        "bill-address-3",
        "bill-city",
        "bill-state",
        "bill-postal-code",
        "bill-country",
    )

    personal_columns = tuple(column(n) for n in PERSONAL)
    full_schema = th.PropertiesList(
        *(
            th.Property(column(n), th.StringType, required=n in {"amazon-order-id", "shipment-id", "shipment-item-id"})
            for n in TEXT
        ),
        *IDENTITY,
        *(th.Property(column(n), th.DateTimeType) for n in DATES),
        *(th.Property(column(n), Money) for n in AMOUNTS),
        th.Property("quantity_shipped", th.IntegerType),
        *(th.Property(column(n), th.StringType) for n in PERSONAL),
    ).to_dict()

    def record_from(self, row: dict[str, str]) -> dict[str, Any] | None:
        if not row.get("amazon-order-id") or not row.get("shipment-id"):
            self.logger.warning("shipments row without amazon-order-id or shipment-id skipped")
            return None
        record: dict[str, Any] = {column(n): row.get(n) or None for n in self.TEXT}
        record["shipment_item_id"] = row.get("shipment-item-id") or ""
        record.update({column(n): parse_date(row.get(n)) for n in self.DATES})
        record.update({column(n): parse_amount(row.get(n)) for n in self.AMOUNTS})
        record["quantity_shipped"] = parse_int(row.get("quantity-shipped"))
        if self.pii:
            record.update({column(n): row.get(n) or None for n in self.PERSONAL})
        return record
