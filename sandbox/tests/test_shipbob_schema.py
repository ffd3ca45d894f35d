"""Every ShipBob endpoint the sandbox serves answers, on every page, what the published description
(OpenAPI 3.1, version 2026-01) documents; it honours only the parameters the description lists."""

from __future__ import annotations

import gzip
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from sandbox.shipbob.api import ShipBobAPI
from sandbox.shipbob.pages import LINK_CURSOR
from sandbox.shipbob.spec import SPEC_FILE, load_spec
from sandbox.tests.shipbob_client import parse, serve, validate

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "specs" / "shipbob" / "shipbob_2026-01.openapi.json"
ANCHOR_DAYS = 60


@pytest.fixture(scope="module")
def served():
    with serve(shopify_orders=150, days=ANCHOR_DAYS, amazon_orders=5) as served:
        yield served


def test_shipped_description_is_shipbobs_published_one():
    if not REFERENCE.is_file():
        pytest.skip(f"reference specs not beside the repository ({REFERENCE})")
    assert gzip.decompress(SPEC_FILE.read_bytes()) == REFERENCE.read_bytes()


def test_every_list_validates_on_every_page(served):
    sandbox, client = served
    orders = client.numbered("/order", "get-orders", limit=40)
    assert len(orders) == len(sandbox.shipbob.world.order_keys()) > 250
    receiving = client.numbered("/receiving", "get-multiple-warehouse-receiving-orders", limit=5)
    assert receiving
    cursor_lists: dict[str, tuple[str, dict[str, Any]]] = {
        "/channel": ("get-channels", {"RecordsPerPage": 2}),
        "/product": ("get-products", {"PageSize": 5}),
        "/inventory": ("get-all-inventories", {"PageSize": 7}),
        "/inventory-level": ("get-all-inventory-levels", {"PageSize": 7}),
        "/inventory-level/locations": ("get-all-inventory-levels-grouped-by-fulfillment-center", {"PageSize": 7}),
        "/inventory-level/lots": ("get-all-inventory-levels-grouped-by-lot", {"PageSize": 1}),
        "/return": ("get-return-orders", {"Limit": 7}),
        "/invoices": ("get-invoices", {"PageSize": 5, "FromDate": "2020-01-01T00:00:00Z"}),
    }
    for path, (name, params) in cursor_lists.items():
        pages = client.pages(path, name, **params)
        assert len(pages) > 1, path
        assert all(page["items"] for page in pages), path


def test_every_single_resource_validates(served):
    _, client = served
    order = client.ok("/order", "get-orders", Limit=50)[0]
    shipped = next(o for o in client.ok("/order", "get-orders", Limit=50) if o["shipments"])
    shipment = shipped["shipments"][0]
    oid, sid = shipped["id"], shipment["id"]
    client.ok(f"/order/{order['id']}", "get-order")
    client.ok(f"/order/{oid}/shipment", "get-all-shipments-for-order")
    client.ok(f"/order/{oid}/shipment/{sid}", "get-shipment-by-order-id-and-shipment-id")
    client.ok(f"/shipment/{sid}", "get-shipment")
    client.ok(f"/shipment/{sid}/timeline", "get-shipment-timeline")
    client.ok(f"/order/{oid}/shipment/{sid}/timeline", "get-shipment-status-timeline-by-order-id-and-shipment-id")
    client.ok(f"/shipment/{sid}:getLineItems", "get-shipment-line-items")
    product = client.ok("/product", "get-products")["items"][0]
    client.ok(f"/product/{product['id']}", "get-product")
    client.ok(f"/product/{product['id']}/variants", "get-product-variants")
    lot_item = client.ok("/inventory-level/lots", "get-all-inventory-levels-grouped-by-lot")["items"][0]
    for inventory_id in (product["variants"][0]["inventory"]["inventory_id"], lot_item["inventory_id"]):
        client.ok(f"/inventory/{inventory_id}", "get-inventory")
        client.ok(f"/inventory-level/{inventory_id}", "get-inventory-levels")
        client.ok(f"/inventory-level/{inventory_id}/locations", "get-inventory-levels-grouped-by-fulfillment-center")
        client.ok(f"/inventory-level/{inventory_id}/lots", "get-inventory-levels-grouped-by-lot")
    client.ok("/fulfillment-center", "get-fulfillment-centers")
    client.ok("/location", "get-locations")
    wro = client.ok("/receiving", "get-multiple-warehouse-receiving-orders")[0]
    client.ok(f"/receiving/{wro['id']}", "get-warehouse-receiving-order")
    client.ok(f"/receiving/{wro['id']}/boxes", "get-warehouse-receiving-order-boxes")
    ret = client.ok("/return", "get-return-orders")["items"][0]
    client.ok(f"/return/{ret['id']}", "get-return-order")
    invoice = client.ok("/invoices", "get-invoices")["items"][0]
    pages = client.pages(f"/invoices/{invoice['invoice_id']}/transactions", "get-transactions-by-invoice-id")
    assert pages[0]["items"]
    fees = client.ok("/transaction-fees", "get-transaction-fees")
    assert "Shipping" in fees["fee_list"]


@pytest.mark.parametrize(
    ("path", "name", "status"),
    [
        ("/order?Limit=abc", "get-orders", 400),
        ("/order/999", "get-order", 404),
        ("/order/abc", "get-order", 400),
        ("/channel?RecordsPerPage=0", "get-channels", 400),
        ("/inventory-level?PageSize=x", "get-all-inventory-levels", 400),
        ("/inventory/1", "get-inventory", 404),
        ("/return?SortOrder=Sideways", "get-return-orders", 400),
        ("/return/1", "get-return-order", 404),
        ("/invoices?PageSize=5000", "get-invoices", 400),
        ("/invoices/1/transactions", "get-transactions-by-invoice-id", 404),
        ("/receiving/1", "get-warehouse-receiving-order", 404),
        ("/product/1", "get-product", 404),
    ],
)
def test_errors_validate_where_the_description_gives_their_shape(served, path, name, status):
    _, client = served
    target, _, query = path.partition("?")
    reply = client.get(target, **dict(urllib.parse.parse_qsl(query)))
    assert reply.status == status, reply.raw
    validate(parse(reply), name, status)


def test_the_sandbox_honours_only_documented_parameters(served):
    sandbox, client = served
    api: ShipBobAPI = sandbox.shipbob
    served_names = {route.op.name for route in api.routes}
    for route in api.routes:
        assert route.params <= route.op.query_parameters, route.op.name
        # The one exception: products' and inventory's next links carry a cursor the spec does not list.
        assert not route.link_cursor or LINK_CURSOR not in route.op.query_parameters
        assert route.op.method == "GET"
    assert {
        "get-channels",
        "get-fulfillment-centers",
        "get-orders",
        "get-all-shipments-for-order",
        "get-shipment",
        "get-products",
        "get-product-variants",
        "get-all-inventories",
        "get-all-inventory-levels-grouped-by-fulfillment-center",
        "get-all-inventory-levels-grouped-by-lot",
        "get-multiple-warehouse-receiving-orders",
        "get-warehouse-receiving-order-boxes",
        "get-return-orders",
        "get-invoices",
        "get-transactions-by-invoice-id",
        "get-transaction-fees",
    } <= served_names
    reply = client.get("/order", Colour="blue")
    assert reply.status == 400 and "Colour" in reply.raw.decode()
    reply = client.get("/receiving", ExternalSync="true")  # documented, not modelled: refused, never ignored
    assert reply.status == 400 and "ExternalSync" in reply.raw.decode()
    assert client.get("/order", limit="3").status == 200  # names match case-insensitively
    assert client.get("/order", Cursor="x").status == 400  # a link cursor only where the links carry one


def test_only_documented_paths_are_served(served):
    _, client = served
    spec_paths = load_spec()["paths"]
    assert client.get("/shipments").status == 404
    assert "/2026-01/shipment" not in spec_paths
    reply = client.fetch(client.base + "/2025-07/order")
    assert reply.status == 404
