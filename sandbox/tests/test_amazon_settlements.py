"""Settlements and financial events: two views of the same money, exact to the cent."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from sandbox.server import Sandbox, SandboxOptions
from sandbox.tests.amazon_client import SPAPI, download, rows, validate

ANCHOR = datetime(2026, 6, 1, tzinfo=UTC)
SETTLEMENT = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"
SETTLEMENT_V1 = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"
#: The older layout's amount columns: every line carries its amount in exactly one of them.
V1_AMOUNTS = (
    "shipment-fee-amount",
    "order-fee-amount",
    "price-amount",
    "item-related-fee-amount",
    "misc-fee-amount",
    "other-fee-amount",
    "promotion-amount",
    "direct-payment-amount",
    "other-amount",
)


@pytest.fixture(params=[0.0, 0.5], ids=["no-reserves", "reserves"])
def amazon(sandbox_factory, request):
    sandbox, base = sandbox_factory(
        amazon_orders=500, shopify_orders=5, days=80, anchor=ANCHOR, time_scale=1, amazon_reserves=request.param
    )
    return sandbox, SPAPI(base).login()


def settlements(client, report_type=SETTLEMENT):
    reply = client.get("/reports/2021-06-30/reports", reportTypes=report_type, pageSize=100)
    assert reply.status == 200
    validate(reply, "reports_2021-06-30", "GetReportsResponse")
    return reply.json["reports"]


def settlement_document(client, report):
    reply = client.get(f"/reports/2021-06-30/documents/{report['reportDocumentId']}")
    assert reply.status == 200
    return rows(download(reply.json["url"])[1])


def event_amounts(events: dict[str, Any]) -> list[Decimal]:
    """Every amount in a FinancialEvents payload (charges, fees, promotions, withheld tax)."""
    out: list[Decimal] = []

    def walk(node):
        if isinstance(node, dict):
            if "CurrencyAmount" in node:
                out.append(node["CurrencyAmount"])
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(events)
    return out


def test_settlements_are_listed_every_fourteen_days_per_marketplace(amazon):
    _, client = amazon
    reports = settlements(client)
    assert reports and all(r["processingStatus"] == "DONE" for r in reports)
    by_market = Counter(r["marketplaceIds"][0] for r in reports)
    assert set(by_market) == {"ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"}
    for report in reports:
        start = datetime.fromisoformat(report["dataStartTime"])
        end = datetime.fromisoformat(report["dataEndTime"])
        assert end - start == timedelta(days=14)


def test_settlement_lines_sum_exactly_to_the_total(amazon):
    _, client = amazon
    checked = 0
    for report in settlements(client):
        header, records = settlement_document(client, report)
        summary, lines = records[0], records[1:]
        assert summary["settlement-id"] and summary["total-amount"]
        assert all(summary[c] == "" for c in header[6:])  # the summary row has only summary columns
        assert all(line["total-amount"] == "" and line["transaction-type"] for line in lines)
        total = sum((Decimal(line["amount"]) for line in lines), Decimal("0"))
        assert total == Decimal(summary["total-amount"])
        checked += bool(lines)
        kinds = {(line["transaction-type"], line["amount-type"]) for line in lines}
        assert ("Order", "ItemPrice") in kinds or not lines
    assert checked >= 4


def test_the_older_settlement_layout_carries_the_same_money_as_the_v2_layout(amazon):
    _, client = amazon
    v2 = {r["dataStartTime"] + r["marketplaceIds"][0]: r for r in settlements(client)}
    v1 = {r["dataStartTime"] + r["marketplaceIds"][0]: r for r in settlements(client, SETTLEMENT_V1)}
    assert v1.keys() == v2.keys() and v1
    assert {r["reportId"] for r in v1.values()}.isdisjoint(r["reportId"] for r in v2.values())
    for key in sorted(v1)[:6]:  # getReportDocument's burst is 15
        report = v1[key]
        assert report["reportType"] == SETTLEMENT_V1
        _, old = settlement_document(client, report)
        _, new = settlement_document(client, v2[key])
        assert old[0]["settlement-id"] == new[0]["settlement-id"]
        assert old[0]["total-amount"] == new[0]["total-amount"]
        assert len(old) == len(new)
        total = Decimal("0")
        for old_line, new_line in zip(old[1:], new[1:], strict=True):
            filled = [c for c in V1_AMOUNTS if old_line[c]]
            assert len(filled) == 1, old_line
            assert Decimal(old_line[filled[0]]) == Decimal(new_line["amount"])
            assert old_line["order-id"] == new_line["order-id"] and old_line["sku"] == new_line["sku"]
            total += Decimal(old_line[filled[0]])
        assert total == Decimal(old[0]["total-amount"])


def test_settlements_match_their_financial_event_groups(amazon):
    _, client = amazon
    groups = client.get("/finances/v0/financialEventGroups", MaxResultsPerPage=100)
    assert groups.status == 200
    # The model types CurrencyAmount as a number; amounts are exact decimals on the wire.
    parsed = json.loads(groups.raw, parse_float=Decimal)
    validate(groups, "financesV0", "ListFinancialEventGroupsResponse")
    by_total = {
        (g["FinancialEventGroupStart"], g["OriginalTotal"]["CurrencyCode"]): g
        for g in parsed["payload"]["FinancialEventGroupList"]
    }
    for report in settlements(client):
        _, records = settlement_document(client, report)
        summary, lines = records[0], records[1:]
        group = by_total[(report["dataStartTime"], summary["currency"])]
        assert group["ProcessingStatus"] == "Closed"
        assert group["OriginalTotal"]["CurrencyAmount"] == Decimal(summary["total-amount"])
        # Every event of the group, paged, adds up to the same total.
        amounts, token = [], None
        while True:
            params = {"NextToken": token} if token else {"MaxResultsPerPage": 25}
            reply = client.get(
                f"/finances/v0/financialEventGroups/{group['FinancialEventGroupId']}/financialEvents", **params
            )
            assert reply.status == 200
            validate(reply, "financesV0", "ListFinancialEventsResponse")
            payload = json.loads(reply.raw, parse_float=Decimal)["payload"]
            amounts += event_amounts(payload["FinancialEvents"])
            token = payload.get("NextToken")
            if not token:
                break
        assert sum(amounts, Decimal("0")) == Decimal(summary["total-amount"])
        assert len(amounts) == len(lines)


def test_financial_events_by_posted_date_include_refunds_and_fees(amazon):
    _, client = amazon
    reply = client.get(
        "/finances/v0/financialEvents",
        PostedAfter=(ANCHOR - timedelta(days=79)).isoformat(),
        PostedBefore=(ANCHOR - timedelta(hours=1)).isoformat(),
        MaxResultsPerPage=100,
    )
    assert reply.status == 200
    validate(reply, "financesV0", "ListFinancialEventsResponse")
    events = reply.json["payload"]["FinancialEvents"]
    assert events["ShipmentEventList"]
    assert "NextToken" in reply.json["payload"]
    shipment = events["ShipmentEventList"][0]
    fees = {f["FeeType"] for item in shipment["ShipmentItemList"] for f in item["ItemFeeList"]}
    assert "Commission" in fees
    # Refunds and service fees appear somewhere in the period.
    found: Counter[str] = Counter()
    token = reply.json["payload"]["NextToken"]
    found.update(k for k, v in events.items() if v)
    while token:
        page = client.get("/finances/v0/financialEvents", NextToken=token).json["payload"]
        found.update(k for k, v in page["FinancialEvents"].items() if v)
        token = page.get("NextToken")
    assert found["RefundEventList"] and found["ServiceFeeEventList"]


def test_financial_events_honour_the_documented_limits(amazon):
    _, client = amazon
    too_wide = client.get(
        "/finances/v0/financialEvents",
        PostedAfter=(ANCHOR - timedelta(days=200)).isoformat(),
        PostedBefore=(ANCHOR - timedelta(days=1)).isoformat(),
    )
    assert too_wide.status == 200
    assert not any(too_wide.json["payload"]["FinancialEvents"].values())  # over 180 days: empty
    assert client.get("/finances/v0/financialEvents", PostedBefore=ANCHOR.isoformat()).status == 400
    recent = client.get("/finances/v0/financialEvents", PostedAfter=ANCHOR.isoformat())
    assert recent.status == 400  # not two minutes before the request


def test_a_reserve_held_at_a_close_is_released_as_the_next_period_opens(sandbox_factory):
    _, base = sandbox_factory(amazon_orders=500, shopify_orders=5, days=80, anchor=ANCHOR, amazon_reserves=0.5)
    client = SPAPI(base).login()
    held: dict[tuple[str, str], Decimal] = {}  # (marketplace, period end) -> amount held
    released: dict[tuple[str, str], Decimal] = {}  # (marketplace, period start) -> amount released
    for report in settlements(client):
        _, records = settlement_document(client, report)
        market = report["marketplaceIds"][0]
        for line in records[1:]:
            if line["amount-description"] == "Current Reserve Amount":
                assert (line["transaction-type"], line["amount-type"]) == ("other-transaction", "other-transaction")
                held[(market, report["dataEndTime"])] = Decimal(line["amount"])
            elif line["amount-description"] == "Previous Reserve Amount Balance":
                released[(market, report["dataStartTime"])] = Decimal(line["amount"])
    assert held and all(amount < 0 for amount in held.values())
    # Every reserve released was held by the period before; the last one held may still be held.
    assert released and all(held[key] == -amount for key, amount in released.items())


@pytest.mark.parametrize("option", ["amazon_reserves", "shopify_test_orders"])
def test_a_share_out_of_range_is_refused_with_one_line_naming_it(option):
    options = SandboxOptions(amazon_orders=5, shopify_orders=5, days=5)
    setattr(options, option, 1.5)
    with pytest.raises(ValueError, match=rf"^{option}: must be a share between 0 and 1, got 1.5$"):
        Sandbox(options)
