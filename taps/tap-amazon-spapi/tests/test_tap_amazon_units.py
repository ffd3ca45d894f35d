"""Pure parts: report formats, streaming decompression, token buckets, and Amazon's own examples."""

from __future__ import annotations

import gzip
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from tap_amazon_spapi.flatfile import (
    Decoder,
    TruncatedDocument,
    UnreadableValue,
    charset_of,
    legacy_charset,
    parse_amount,
    parse_bool,
    parse_date,
    parse_int,
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
        ("2023-01-01T01:30:00+0100", "2023-01-01T00:30:00+00:00"),
        ("2023-01-01T00:00:00.250Z", "2023-01-01T00:00:00.250000+00:00"),
        ("01.02.2023", "2023-02-01T00:00:00+00:00"),
        ("01.02.2023 10:15:00", "2023-02-01T10:15:00+00:00"),
        ("01.02.2023 10:15:00 UTC", "2023-02-01T10:15:00+00:00"),
        ("01.02.2023 10:15:00 +01:00", "2023-02-01T09:15:00+00:00"),
        ("01.07.2023 10:15:00 CEST", "2023-07-01T08:15:00+00:00"),
        ("2023-03-12 01:00:00 PST", "2023-03-12T09:00:00+00:00"),
        ("2023-07-04 17:00:00 PDT", "2023-07-05T00:00:00+00:00"),
        ("2023/07/04 09:00:00 JST", "2023-07-04T00:00:00+00:00"),
        ("2023-01-01", "2023-01-01T00:00:00+00:00"),
        ("", None),
    ],
)
def test_every_report_date_format_becomes_utc(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("soon", "unrecognised date 'soon'"),
        ("07/04/2023 5:00 PM", "unrecognised date"),
        ("31.02.2023", "impossible date"),
        ("2023-01-01 00:00:00 XYZ", "unknown time zone 'XYZ'"),
    ],
)
def test_an_unreadable_date_names_its_value_and_why(text, why):
    with pytest.raises(UnreadableValue, match=why) as raised:
        parse_date(text)
    assert raised.value.value == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.34", Decimal("12.34")),
        ("-1,234.50", Decimal("-1234.50")),
        ("1.234,50", Decimal("1234.50")),
        ("3,10", Decimal("3.10")),
        ("-0,5", Decimal("-0.5")),
        ("1 234,50", Decimal("1234.50")),
        ("1.234.567,89", Decimal("1234567.89")),
        ("1,234,567", Decimal("1234567")),
        ("1.234.567", Decimal("1234567")),
        ("+7.00", Decimal("7.00")),
        ("", None),
    ],
)
def test_amounts_are_exact(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["1,234", "12,345", "12a", "1.2.3,4,5", "USD 5"])
def test_an_ambiguous_or_unknown_amount_is_refused(text):
    with pytest.raises(UnreadableValue):
        parse_amount(text)


def test_whole_numbers_and_flags_are_read_exactly():
    assert [parse_int(t) for t in ("3", "3.0", "1,234", "")] == [3, 3, 1234, None]
    assert [parse_bool(t) for t in ("true", "No", "")] == [True, False, None]
    for bad in ("2.5", "two"):
        with pytest.raises(UnreadableValue):
            parse_int(bad)
    with pytest.raises(UnreadableValue):
        parse_bool("maybe")


def chunks(data: bytes, size: int = 7):
    return (data[i : i + size] for i in range(0, len(data), size))


def test_a_gzip_latin1_document_is_decoded_while_streaming():
    text = "sku\tproduct-name\nSTR-1\tCrème brûlée\n\nSTR-2\tÜber\n"
    data = gzip.compress(text.encode("latin-1"))
    rows = list(tsv_rows(text_lines(chunks(data), gzip=True, decoder=Decoder("iso-8859-1", "cp1252"))))
    assert rows == [{"sku": "STR-1", "product-name": "Crème brûlée"}, {"sku": "STR-2", "product-name": "Über"}]


CP1252_TEXT = "sku\tcomment\nA\tplain\nB\tTrop petit, déçu — 5 €\n"


@pytest.mark.parametrize("size", [1, 2, 7, 4096])
def test_an_undeclared_legacy_document_is_read_in_its_legacy_charset(size):
    decoder = Decoder(None, "cp1252")
    rows = list(tsv_rows(text_lines(chunks(CP1252_TEXT.encode("cp1252"), size), gzip=False, decoder=decoder)))
    assert rows[1]["comment"] == "Trop petit, déçu — 5 €"
    assert decoder.switched and decoder.charset == "cp1252" and not decoder.saw_utf8


@pytest.mark.parametrize("size", [1, 3, 4096])
def test_an_undeclared_utf8_document_stays_utf8_and_loses_its_bom(size):
    decoder = Decoder(None, "cp1252")
    data = ("\ufeff" + CP1252_TEXT).encode("utf-8")
    rows = list(tsv_rows(text_lines(chunks(data, size), gzip=False, decoder=decoder)))
    assert list(rows[0]) == ["sku", "comment"] and rows[1]["comment"] == "Trop petit, déçu — 5 €"
    assert not decoder.switched


def test_japanese_documents_fall_back_to_shift_jis():
    assert legacy_charset(["A1VC38T7YXB528"]) == "cp932" and legacy_charset(["A1PA6795UKMFR9"]) == "cp1252"
    data = "sku\ttitle\nJ-1\t傘 (青)\n".encode("cp932")
    rows = list(tsv_rows(text_lines(chunks(data, 3), gzip=False, decoder=Decoder(None, "cp932"))))
    assert rows == [{"sku": "J-1", "title": "傘 (青)"}]


def test_a_byte_no_character_stands_for_is_kept_not_replaced():
    rows = list(tsv_rows(text_lines([b"a\tb\n\x81x\ty\n"], gzip=False, decoder=Decoder(None, "cp1252"))))
    assert rows == [{"a": "\x81x", "b": "y"}]


def test_a_truncated_gzip_document_is_detected():
    data = gzip.compress(("sku\tqty\n" + "A\t1\n" * 5000).encode())
    with pytest.raises(TruncatedDocument):
        list(tsv_rows(text_lines(chunks(data[: len(data) // 2], 512), gzip=True, decoder=Decoder(None, "cp1252"))))


def test_charset_comes_from_the_content_type():
    assert charset_of("text/plain; charset=ISO-8859-1") == "iso-8859-1"
    assert charset_of("text/plain") is None


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
