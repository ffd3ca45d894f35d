"""The sandbox as any SP-API client sees it: python-amazon-sp-api, unmodified, over HTTPS.

The library reaches Amazon at `https://<marketplace endpoint host>` and Login with Amazon at
`https://api.amazon.com/auth/o2/token`. Pointing it elsewhere takes only what it offers: the
client's `endpoint` attribute and the `auth_token_client_class` constructor argument (an access
token client whose `host` is the sandbox's). It insists on https (the Host header it sends is the
endpoint minus its first eight characters), so the sandbox serves TLS here with a certificate from a
throwaway CA, which the library is told to trust through its `verify` argument. Every operation the
tap uses is called, and every answer is checked against Amazon's models. The session's proxies point
at a dead port (see conftest), so a request that escaped to a real host would fail.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sp_api.api import FinancesV0, Inventories, OrdersV0, OrdersV20260101, Reports, Sellers, Tokens
from sp_api.auth import AccessTokenClient
from sp_api.auth import access_token_client as token_cache
from sp_api.base import ApiResponse, Client, Marketplaces
from tls_postgres import make_certificates

from sandbox.amazon.lwa import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, TOKEN_LIFETIME
from sandbox.amazon.models import load_model
from sandbox.server import Sandbox, SandboxOptions, running

US = Marketplaces.US.marketplace_id
TIME_SCALE = 60
SETTLEMENT = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"
ALL_ORDERS = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"


class Amazon:
    """The sandbox over TLS, and clients of the library aimed at it."""

    def __init__(self, sandbox: Sandbox, base: str, trust: ssl.SSLContext) -> None:
        self.sandbox = sandbox
        self.base = base
        self.trust = trust
        host = base.removeprefix("https://")
        # The library's own LWA client, with the sandbox as its host (its path is LWA's own).
        self.lwa = type("SandboxLWA", (AccessTokenClient,), {"host": host})

    def client(self, api: type[Client], **options: Any) -> Any:
        client = api(
            Marketplaces.US,
            refresh_token=REFRESH_TOKEN,
            credentials={"lwa_app_id": CLIENT_ID, "lwa_client_secret": CLIENT_SECRET},
            verify=self.trust,
            auth_token_client_class=self.lwa,
            **options,
        )
        client.endpoint = self.base
        return client

    def operations(self) -> list[str | None]:
        return [r.get("operation") for r in self.sandbox.requests() if r.get("api") == "amazon"]


@pytest.fixture(scope="module")
def amazon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Amazon]:
    certs = make_certificates(Path(tmp_path_factory.mktemp("tls")))
    serving = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    serving.load_cert_chain(certs.cert, certs.key)
    trust = ssl.create_default_context(cafile=str(certs.ca))
    sandbox = Sandbox(SandboxOptions(amazon_orders=150, shopify_orders=5, days=60, time_scale=TIME_SCALE))
    token_cache.cache.clear()  # the library's process-wide token cache: start as a fresh process would
    with running(sandbox, tls=serving) as base:
        assert base.startswith("https://")
        yield Amazon(sandbox, base, trust)
    token_cache.cache.clear()


def body(response: ApiResponse, *, wrapped: bool) -> dict[str, Any]:
    """The JSON body the library parsed, put back together (it splits off payload and paging)."""
    out: dict[str, Any] = {"payload": response.payload} if wrapped else dict(response.payload)
    if response.pagination is not None:
        out["pagination"] = response.pagination
    if not wrapped and response.next_token and "pagination" not in out:
        out.setdefault("nextToken", response.next_token)
    return out


def conforms(response: ApiResponse, model: str, definition: str, *, wrapped: bool = False) -> dict[str, Any]:
    """Check an answer against a definition of Amazon's published model; returns the body."""
    schema = {"$ref": f"#/definitions/{definition}", "definitions": load_model(model)["definitions"]}
    document = body(response, wrapped=wrapped)
    jsonschema.Draft4Validator(schema).validate(document)
    return document


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_every_operation_the_tap_uses_answers_as_amazons_models_say(amazon: Amazon) -> None:
    now = datetime.now(UTC)

    participations = amazon.client(Sellers).get_marketplace_participation()
    conforms(participations, "sellers", "GetMarketplaceParticipationsResponse", wrapped=True)
    assert US in {p["marketplace"]["id"] for p in participations.payload}

    orders_api = amazon.client(OrdersV20260101)
    search = orders_api.search_orders(
        lastUpdatedAfter=iso(now - timedelta(days=20)), marketplaceIds=US, maxResultsPerPage=20
    )
    found = conforms(search, "orders_2026-01-01", "SearchOrdersResponse")
    assert found["orders"] and search.next_token  # more than one page
    page_two = orders_api.search_orders(paginationToken=search.next_token)
    conforms(page_two, "orders_2026-01-01", "SearchOrdersResponse")
    assert {o["orderId"] for o in page_two.payload["orders"]}.isdisjoint(o["orderId"] for o in found["orders"])

    v0 = amazon.client(OrdersV0)
    orders = v0.get_orders(LastUpdatedAfter=iso(now - timedelta(days=20)), MarketplaceIds=[US])
    conforms(orders, "ordersV0", "GetOrdersResponse", wrapped=True)
    order_id = orders.payload["Orders"][0]["AmazonOrderId"]
    items = v0.get_order_items(order_id)
    conforms(items, "ordersV0", "GetOrderItemsResponse", wrapped=True)
    assert items.payload["AmazonOrderId"] == order_id and items.payload["OrderItems"]

    # Buyers' personal data, as the tap asks for it: a Restricted Data Token for searchOrders.
    path = "/orders/2026-01-01/orders"
    granted = amazon.client(Tokens).create_restricted_data_token(
        restrictedResources=[{"method": "GET", "path": path, "dataElements": ["buyerInfo", "shippingAddress"]}]
    )
    conforms(granted, "tokens_2021-03-01", "CreateRestrictedDataTokenResponse")
    assert granted.payload["expiresIn"] == TOKEN_LIFETIME
    restricted = amazon.client(OrdersV20260101, restricted_data_token=granted.payload["restrictedDataToken"])
    personal = restricted.search_orders(
        lastUpdatedAfter=iso(now - timedelta(days=20)), marketplaceIds=US, includedData="BUYER,RECIPIENT"
    )
    conforms(personal, "orders_2026-01-01", "SearchOrdersResponse")
    assert any("buyer" in o for o in personal.payload["orders"])

    inventory = amazon.client(Inventories).get_inventory_summary_marketplace(details=True, marketplaceIds=[US])
    conforms(inventory, "fbaInventory", "GetInventorySummariesResponse", wrapped=True)
    assert inventory.payload["inventorySummaries"]

    finances = amazon.client(FinancesV0)
    groups = finances.list_financial_event_groups(FinancialEventGroupStartedAfter=iso(now - timedelta(days=60)))
    conforms(groups, "financesV0", "ListFinancialEventGroupsResponse", wrapped=True)
    assert groups.payload["FinancialEventGroupList"]
    events = finances.list_financial_events(PostedAfter=iso(now - timedelta(days=10)))
    conforms(events, "financesV0", "ListFinancialEventsResponse", wrapped=True)
    assert events.payload["FinancialEvents"]["ShipmentEventList"]

    used = set(amazon.operations())
    assert {
        "getMarketplaceParticipations",
        "searchOrders",
        "getOrders",
        "getOrderItems",
        "createRestrictedDataToken",
        "getInventorySummaries",
        "listFinancialEventGroups",
        "listFinancialEvents",
    } <= used


def test_reports_from_request_to_downloaded_document(amazon: Amazon) -> None:
    reports = amazon.client(Reports)
    now = datetime.now(UTC)
    created = reports.create_report(
        reportType=ALL_ORDERS,
        marketplaceIds=[US],
        dataStartTime=iso(now - timedelta(days=20)),
        dataEndTime=iso(now - timedelta(days=1)),
    )
    conforms(created, "reports_2021-06-30", "CreateReportResponse")
    report_id = created.payload["reportId"]
    for _ in range(100):
        report = reports.get_report(report_id)
        conforms(report, "reports_2021-06-30", "Report")
        if report.payload["processingStatus"] in ("DONE", "CANCELLED", "FATAL"):
            break
        amazon.sandbox.clock.advance(10)
    assert report.payload["processingStatus"] == "DONE"
    document = reports.get_report_document(report.payload["reportDocumentId"], download=True)
    conforms(document, "reports_2021-06-30", "ReportDocument")  # the library adds the text beside it
    assert document.payload["url"].startswith(amazon.base + "/")  # the scheme and host the client used
    header = document.payload["document"].split("\n", 1)[0].split("\t")
    assert header[:3] == ["amazon-order-id", "merchant-order-id", "purchase-date"]

    listed = reports.get_reports(reportTypes=[SETTLEMENT], pageSize=100)
    conforms(listed, "reports_2021-06-30", "GetReportsResponse")
    settlement = listed.payload["reports"][0]
    text = reports.get_report_document(settlement["reportDocumentId"], download=True).payload["document"]
    assert text.split("\t", 1)[0] == "settlement-id"

    used = amazon.operations()
    assert {"createReport", "getReport", "getReports", "getReportDocument", "downloadReportDocument"} <= set(used)


def test_the_librarys_cached_token_outlives_a_simulated_hour(amazon: Amazon) -> None:
    """It keeps a token 3200 s of its own clock, whatever expires_in says: the sandbox must honour that."""
    sellers = amazon.client(Sellers)
    sellers.get_marketplace_participation()
    clock = amazon.sandbox.clock
    start = clock.now()
    clock.set_scale(200_000)  # over an hour of simulated time in a few real hundredths of a second
    try:
        time.sleep(0.05)
    finally:
        clock.set_scale(TIME_SCALE)
    assert clock.now() - start > TOKEN_LIFETIME
    again = amazon.client(Sellers).get_marketplace_participation()
    conforms(again, "sellers", "GetMarketplaceParticipationsResponse", wrapped=True)
    # One refresh-token exchange for the whole module: every client shared the cached token.
    assert amazon.operations().count("lwaToken") == 1
