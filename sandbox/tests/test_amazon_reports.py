"""Reports: lifecycle over simulated time, gzip documents behind expiring URLs, REPORTS.md columns."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from sandbox.amazon.models import MODEL_DIR
from sandbox.tests.amazon_client import (
    CA,
    REPORTS,
    SPAPI,
    US,
    create,
    download,
    fetch_document,
    http,
    poll_until_final,
    rows,
    validate,
)

ANCHOR = datetime(2026, 6, 1, tzinfo=UTC)
ALL_ORDERS = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"
RETURNS = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
SHIPMENTS = "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL"


def documented_columns(report_type: str) -> list[str]:
    """The columns REPORTS.md lists for a report type."""
    text = (MODEL_DIR / "REPORTS.md").read_text()
    section = re.split(rf"^## {report_type}\b(?!_)", text, maxsplit=1, flags=re.MULTILINE)[1]
    listing = section.split("Columns:", 1)[1].split(".\n", 1)[0]
    return [c.strip() for c in re.sub(r"\s+", " ", listing).split(",")]


@pytest.fixture
def amazon(sandbox_factory):
    sandbox, base = sandbox_factory(amazon_orders=400, shopify_orders=5, days=60, anchor=ANCHOR, time_scale=1)
    return sandbox, SPAPI(base).login()


def test_orders_report_goes_through_its_lifecycle_to_a_gzip_document(amazon):
    sandbox, client = amazon
    start, end = ANCHOR - timedelta(days=20), ANCHOR - timedelta(days=1)
    report_id = create(client, ALL_ORDERS, start, end)
    seen, report = poll_until_final(sandbox, client, report_id)
    assert seen == ["IN_QUEUE", "IN_PROGRESS", "DONE"]
    assert report["processingStartTime"] <= report["processingEndTime"]
    reply, text = download(fetch_document(client, report))
    assert reply.headers["content-type"] == "text/plain; charset=UTF-8"
    header, records = rows(text)
    assert header == documented_columns(ALL_ORDERS)
    expected = {
        o.order_id for o in sandbox.amazon.world.seller.orders if o.marketplace_id == US and start <= o.updated <= end
    }
    assert {r["amazon-order-id"] for r in records} == expected
    for record in records:
        updated = datetime.fromisoformat(record["last-updated-date"])
        assert start <= updated <= end
        if record["order-status"] != "Pending":
            Decimal(record["item-price"])  # exact decimal strings


def test_document_url_expires_after_five_simulated_minutes(amazon):
    sandbox, client = amazon
    report_id = create(client, ALL_ORDERS, ANCHOR - timedelta(days=5), ANCHOR - timedelta(days=1))
    _, report = poll_until_final(sandbox, client, report_id)
    url = fetch_document(client, report)
    sandbox.clock.advance(301)
    reply = http("GET", url)
    assert reply.status == 403
    assert b"Request has expired" in reply.raw
    assert http("GET", url.replace("X-Amz-Signature=", "X-Amz-Signature=0")).status == 403
    download(fetch_document(client, report))  # a fresh URL works


def test_document_url_uses_the_scheme_and_host_the_client_used(amazon):
    sandbox, client = amazon
    report_id = create(client, ALL_ORDERS, ANCHOR - timedelta(days=5), ANCHOR - timedelta(days=1))
    _, report = poll_until_final(sandbox, client, report_id)
    path = f"/reports/2021-06-30/documents/{report['reportDocumentId']}"
    direct = client.get(path).json["url"]
    assert direct.startswith(client.base + "/sp-api-documents/")
    proxied = client.call("GET", path, headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "spapi.test:8443"})
    assert proxied.status == 200
    url = proxied.json["url"]
    assert url.startswith("https://spapi.test:8443/sp-api-documents/")
    # Behind the proxy the same signed path and query are what the sandbox serves.
    assert download(client.base + url.removeprefix("https://spapi.test:8443"))[0].status == 200
    renamed = client.call("GET", path, headers={"Host": "sandbox.internal:9000"}).json["url"]
    assert renamed.startswith("http://sandbox.internal:9000/sp-api-documents/")


def test_report_with_no_data_is_cancelled_without_a_document(amazon):
    sandbox, client = amazon
    report_id = create(client, ALL_ORDERS, datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 20, tzinfo=UTC))
    seen, report = poll_until_final(sandbox, client, report_id)
    assert seen[-1] == "CANCELLED"
    assert "reportDocumentId" not in report


def test_queued_report_can_be_cancelled_but_not_a_finished_one(amazon):
    sandbox, client = amazon
    report_id = create(client, RETURNS, ANCHOR - timedelta(days=50), ANCHOR - timedelta(days=1))
    assert client.call("DELETE", f"{REPORTS}/{report_id}").status == 200
    assert client.get(f"{REPORTS}/{report_id}").json["processingStatus"] == "CANCELLED"
    other = create(client, RETURNS, ANCHOR - timedelta(days=50), ANCHOR - timedelta(days=1))
    poll_until_final(sandbox, client, other)
    reply = client.call("DELETE", f"{REPORTS}/{other}")
    assert reply.status == 400


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (
            {
                "reportType": ALL_ORDERS,
                "marketplaceIds": [US],
                "dataStartTime": "2026-01-01T00:00:00Z",
                "dataEndTime": "2026-03-01T00:00:00Z",
            },
            "at most 30 days",
        ),
        ({"reportType": "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2", "marketplaceIds": [US]}, "cannot be requested"),
        ({"reportType": "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE", "marketplaceIds": [US]}, "cannot be requested"),
        ({"reportType": "GET_NOT_A_REPORT", "marketplaceIds": [US]}, "Invalid reportType"),
        ({"reportType": ALL_ORDERS}, "marketplaceIds"),
    ],
)
def test_create_report_rejects_what_amazon_rejects(amazon, body, fragment):
    _, client = amazon
    reply = client.call("POST", REPORTS, body=body)
    assert reply.status == 400
    assert fragment in reply.json["errors"][0]["message"]


def test_a_report_type_amazon_has_but_the_sandbox_does_not_model_is_accepted_then_fatal(amazon):
    sandbox, client = amazon
    report_id = create(client, "GET_MERCHANT_LISTINGS_ALL_DATA", ANCHOR - timedelta(days=5), ANCHOR - timedelta(days=1))
    seen, report = poll_until_final(sandbox, client, report_id)
    assert seen == ["IN_QUEUE", "IN_PROGRESS", "FATAL"]
    assert report["reportType"] == "GET_MERCHANT_LISTINGS_ALL_DATA"
    assert "reportDocumentId" not in report
    listed = client.get(REPORTS, reportTypes="GET_MERCHANT_LISTINGS_ALL_DATA")
    validate(listed, "reports_2021-06-30", "GetReportsResponse")
    assert [r["processingStatus"] for r in listed.json["reports"]] == ["FATAL"]


def test_every_report_type_in_reports_md_is_served_with_its_columns(amazon):
    """Settlements are published by Amazon; the others are requested. Each follows REPORTS.md."""
    sandbox, client = amazon
    documented = re.findall(r"^## (GET_\w+)", (MODEL_DIR / "REPORTS.md").read_text(), re.MULTILINE)
    assert len(documented) == 6
    for report_type in documented:
        if "SETTLEMENT" in report_type:
            reports = client.get(REPORTS, reportTypes=report_type, pageSize=100).json["reports"]
            report = next(r for r in reports if r["processingStatus"] == "DONE")
        else:
            report_id = create(client, report_type, ANCHOR - timedelta(days=29), ANCHOR - timedelta(days=1))
            _, report = poll_until_final(sandbox, client, report_id)
        assert report["reportType"] == report_type
        header, _ = rows(download(fetch_document(client, report))[1])
        assert header == documented_columns(report_type), report_type


def test_returns_and_shipments_reports_follow_reports_md(amazon):
    sandbox, client = amazon
    for report_type, days in ((RETURNS, 59), (SHIPMENTS, 29)):
        report_id = create(client, report_type, ANCHOR - timedelta(days=days), ANCHOR - timedelta(minutes=5))
        _, report = poll_until_final(sandbox, client, report_id)
        assert report["processingStatus"] == "DONE", report_type
        _, text = download(fetch_document(client, report))
        header, records = rows(text)
        assert header == documented_columns(report_type)
        assert records
    assert all(r["buyer-email"] and r["recipient-name"] for r in records)  # personal columns present


def test_canadian_documents_are_latin_1_as_their_content_type_says(amazon):
    sandbox, client = amazon
    report_id = create(client, SHIPMENTS, ANCHOR - timedelta(days=29), ANCHOR - timedelta(minutes=5), (CA,))
    _, report = poll_until_final(sandbox, client, report_id)
    reply, text = download(fetch_document(client, report))
    assert reply.headers["content-type"] == "text/plain; charset=ISO-8859-1"
    assert any("é" in line or "ë" in line or "ö" in line or "ú" in line for line in text.split("\n"))


def test_get_reports_lists_created_reports_and_pages(amazon):
    _, client = amazon
    created = [create(client, RETURNS, ANCHOR - timedelta(days=10 + i), ANCHOR - timedelta(days=i)) for i in range(3)]
    first = client.get(REPORTS, reportTypes=RETURNS, pageSize=2)
    assert first.status == 200
    validate(first, "reports_2021-06-30", "GetReportsResponse")
    token = first.json["nextToken"]
    assert client.get(REPORTS, nextToken=token, pageSize=2).status == 400  # the token must be alone
    second = client.get(REPORTS, nextToken=token)
    listed = [r["reportId"] for r in first.json["reports"] + second.json["reports"]]
    assert sorted(listed) == sorted(created)
    assert client.get(REPORTS).status == 400  # reportTypes or nextToken


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "Either reportTypes or nextToken is required"),
        ({"reportTypes": ""}, "reportTypes takes 1 to 10 values, got 0"),
        ({"reportTypes": ",".join([RETURNS] * 11)}, "reportTypes takes 1 to 10 values, got 11"),
        ({"reportTypes": RETURNS, "processingStatuses": "DONE,LOST"}, "Invalid processingStatuses ['LOST']"),
        ({"reportTypes": RETURNS, "marketplaceIds": ",".join([US] * 11)}, "marketplaceIds takes 1 to 10 values"),
    ],
)
def test_get_reports_holds_its_arrays_to_the_model(amazon, query, message):
    _, client = amazon
    reply = client.get(REPORTS, **query)
    assert reply.status == 400
    validate(reply, "reports_2021-06-30", "ErrorList")
    assert reply.json["errors"][0]["code"] == "InvalidInput"
    assert reply.json["errors"][0]["message"].startswith(message)


def test_inventory_report_agrees_with_inventory_summaries(amazon):
    sandbox, client = amazon
    report_type = "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA"
    report_id = create(client, report_type, ANCHOR - timedelta(days=1), ANCHOR - timedelta(minutes=5))
    _, report = poll_until_final(sandbox, client, report_id)
    _, text = download(fetch_document(client, report))
    header, records = rows(text)
    assert header == documented_columns(report_type)
    summaries = client.get(
        "/fba/inventory/v1/summaries", granularityType="Marketplace", granularityId=US, marketplaceIds=US
    ).json["payload"]["inventorySummaries"]
    assert {r["sku"]: int(r["afn-total-quantity"]) for r in records} == {
        s["sellerSku"]: s["totalQuantity"] for s in summaries
    }
