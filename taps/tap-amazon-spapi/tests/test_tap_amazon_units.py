"""Pure parts: report formats, streaming decompression, token buckets, and Amazon's own examples."""

from __future__ import annotations

import gzip
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from tap_amazon_spapi.flatfile import (
    TruncatedDocument,
    charset_of,
    parse_amount,
    parse_date,
    text_lines,
    tsv_rows,
)
from tap_amazon_spapi.streams.finances import flatten_events, group_record
from tap_amazon_spapi.streams.orders import item_from_report, items_from_api, order_from_api, status_code
from tap_amazon_spapi.streams.sellers import participation_record
from tap_amazon_spapi.throttle import RATE_MARGIN, USAGE_PLANS, RateLimiter

MODELS = Path(__file__).resolve().parents[3] / "sandbox" / "amazon" / "models"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-01-01 00:00:00 UTC", "2023-01-01T00:00:00+00:00"),
        ("2023-01-01T00:00:00+00:00", "2023-01-01T00:00:00+00:00"),
        ("2023-01-01T01:30:00+01:00", "2023-01-01T00:30:00+00:00"),
        ("2023-01-01T00:00:00Z", "2023-01-01T00:00:00+00:00"),
        ("01.02.2023", "2023-02-01T00:00:00+00:00"),
        ("2023-01-01", "2023-01-01T00:00:00+00:00"),
        ("", None),
    ],
)
def test_every_report_date_format_becomes_utc(text, expected):
    assert parse_date(text) == expected


def test_an_unknown_date_is_reported_with_its_value():
    with pytest.raises(ValueError, match="'soon'"):
        parse_date("soon")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.34", Decimal("12.34")),
        ("-1,234.50", Decimal("-1234.50")),
        ("1.234,50", Decimal("1234.50")),
        ("3,10", Decimal("3.10")),
        ("", None),
    ],
)
def test_amounts_are_exact(text, expected):
    assert parse_amount(text) == expected


def chunks(data: bytes, size: int = 7):
    return (data[i : i + size] for i in range(0, len(data), size))


def test_a_gzip_latin1_document_is_decoded_while_streaming():
    text = "sku\tproduct-name\nSTR-1\tCrème brûlée\n\nSTR-2\tÜber\n"
    rows = list(tsv_rows(text_lines(chunks(gzip.compress(text.encode("latin-1"))), gzip=True, charset="iso-8859-1")))
    assert rows == [{"sku": "STR-1", "product-name": "Crème brûlée"}, {"sku": "STR-2", "product-name": "Über"}]


def test_a_truncated_gzip_document_is_detected():
    data = gzip.compress(("sku\tqty\n" + "A\t1\n" * 5000).encode())
    with pytest.raises(TruncatedDocument):
        list(tsv_rows(text_lines(chunks(data[: len(data) // 2], 512), gzip=True, charset="utf-8")))


def test_charset_comes_from_the_content_type():
    assert charset_of("text/plain; charset=ISO-8859-1") == "iso-8859-1"
    assert charset_of("text/plain") == "utf-8-sig"


def test_report_statuses_share_the_api_vocabulary():
    assert [status_code(s) for s in ("Shipped", "Shipping", "Cancelled", "SHIPPED")] == [
        "SHIPPED",
        "UNSHIPPED",
        "CANCELLED",
        "SHIPPED",
    ]
    item = item_from_report({"amazon-order-id": "1", "sku": "S", "item-price": "10.50", "quantity": "2"})
    assert item["item_price"] == Decimal("10.50") and item["quantity"] == 2


class FakeTime:
    def __init__(self):
        self.now = 0.0
        self.slept = 0.0

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds
        self.slept += seconds


def test_the_bucket_allows_the_burst_then_the_rate():
    time = FakeTime()
    limiter = RateLimiter(clock=time.clock, sleep=time.sleep)
    rate, burst = USAGE_PLANS["createReport"]
    for _ in range(burst):
        assert limiter.acquire("createReport") == 0
    limiter.acquire("createReport")
    assert time.slept == pytest.approx(1 / (rate * RATE_MARGIN))


def test_the_bucket_adopts_the_rate_amazon_reports_and_empties_on_429():
    time = FakeTime()
    limiter = RateLimiter(clock=time.clock, sleep=time.sleep)
    limiter.observe_limit("getReport", "10")
    assert limiter.bucket("getReport").rate == 10
    assert limiter.throttled("getReport") == pytest.approx(0.1 / RATE_MARGIN)
    limiter.acquire("getReport")
    assert time.slept == pytest.approx(0.1 / RATE_MARGIN)


def examples(model: str, path: str, method: str = "get") -> list[dict]:
    """The 200 bodies Amazon's model gives for an operation: its examples and static sandbox responses."""
    with gzip.open(MODELS / f"{model}.json.gz") as handle:
        spec = json.load(io.TextIOWrapper(handle), parse_float=Decimal)
    response = spec["paths"][path][method]["responses"]["200"]
    bodies = list((response.get("examples") or {}).values())
    bodies += [case["response"] for case in (response.get("x-amzn-api-sandbox") or {}).get("static", [])]
    return [b for b in bodies if isinstance(b, dict)]


def test_amazon_search_orders_examples_parse_into_orders_and_items():
    bodies = examples("orders_2026-01-01", "/orders/2026-01-01/orders")
    orders = [order for body in bodies for order in body.get("orders", [])]
    assert orders
    for order in orders:
        record = order_from_api(order)
        assert record["amazon_order_id"] and record["last_updated_date"].endswith("+00:00")
        for item in items_from_api(order, record):
            assert item["amazon_order_id"] == record["amazon_order_id"]
            assert item["proceeds_total"] is None or isinstance(item["proceeds_total"], Decimal)


def test_amazon_financial_events_examples_parse_into_typed_events():
    bodies = examples("financesV0", "/finances/v0/financialEvents")
    events = [e for b in bodies for e in flatten_events(b["payload"]["FinancialEvents"], ["ATVPDKIKX0DER"])]
    assert events
    assert all(e["event_type"].endswith("Event") and len(e["event_id"]) == 32 for e in events)
    assert any(isinstance(e["amount"], Decimal) for e in events)


def test_amazon_financial_event_group_examples_parse():
    bodies = examples("financesV0", "/finances/v0/financialEventGroups")
    groups = [group_record(g, ["ATVPDKIKX0DER"]) for b in bodies for g in b["payload"]["FinancialEventGroupList"]]
    assert groups and all(g["financial_event_group_id"] for g in groups)


def test_amazon_marketplace_participation_examples_parse():
    bodies = examples("sellers", "/sellers/v1/marketplaceParticipations")
    records = [participation_record(entry) for body in bodies for entry in body["payload"]]
    assert records and all(r["marketplace_id"] and r["default_currency_code"] for r in records)


def test_same_sku_items_are_numbered_by_order_item_id_on_the_api_path():
    order = {
        "orderItems": [
            {"orderItemId": "20", "quantityOrdered": 1, "product": {"sellerSku": "A"}},
            {"orderItemId": "5", "quantityOrdered": 1, "product": {"sellerSku": "B"}},
            {"orderItemId": "3", "quantityOrdered": 1, "product": {"sellerSku": "A"}},
        ]
    }
    record = {"amazon_order_id": "1", "order_status": "SHIPPED", "currency": "USD", "purchase_date": None}
    items = list(items_from_api(order, {**record, "last_updated_date": None}))
    assert [(i["sku"], i["sku_occurrence"], i["order_item_id"]) for i in items] == [
        ("A", 2, "20"),
        ("B", 1, "5"),
        ("A", 1, "3"),
    ]


def test_identical_financial_events_stay_two_records():
    fee = {
        "FeeReason": "Subscription",
        "FeeList": [{"FeeType": "Subscription", "FeeAmount": {"CurrencyCode": "USD", "CurrencyAmount": -39.99}}],
    }
    records = list(flatten_events({"ServiceFeeEventList": [fee, dict(fee)]}, ["ATVPDKIKX0DER"]))
    assert len({r["event_id"] for r in records}) == 2
    # The first keeps the id it always had, so a warehouse loaded before keeps its rows.
    alone = list(flatten_events({"ServiceFeeEventList": [fee]}, ["ATVPDKIKX0DER"]))
    assert records[0]["event_id"] == alone[0]["event_id"]
