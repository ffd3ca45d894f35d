"""The Shopify stand-in answers like Shopify: schema validation, auth, paging, filters, cost."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from decimal import Decimal
from typing import Any

import pytest

from sandbox.shopify.data import generate_shop, render_order

ORDERS = """
query($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id updatedAt totalPriceSet { shopMoney { amount } } } }
  }
}
"""


def post(
    base: str, body: dict[str, Any], token: str | None = "shpat_sandbox", path: str = "/admin/api/2026-10/graphql.json"
) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["X-Shopify-Access-Token"] = token
    return post_json(base + path, body, headers)


def post_json(url: str, body: Any, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """POST `body` as JSON; the status and parsed JSON answer, errors included."""
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers or {})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as err:
        return err.code, json.load(err)


@pytest.fixture
def shop(sandbox_factory):
    return sandbox_factory(shopify_orders=120, time_scale=1000)


def test_rejects_a_query_the_real_schema_rejects(shop):
    _, base = shop
    status, body = post(base, {"query": "{ orders(first: 2) { nodes { id totalPriceUSD } } }"})
    assert status == 200
    assert "data" not in body
    [error] = body["errors"]
    assert "totalPriceUSD" in error["message"]
    assert error["extensions"]["code"] == "validationError"
    assert error["locations"][0]["line"] == 1


def test_rejects_an_argument_of_the_wrong_type(shop):
    _, base = shop
    _, body = post(base, {"query": '{ orders(first: "ten") { nodes { id } } }'})
    assert body["errors"] and "Int" in body["errors"][0]["message"]


def test_accepts_a_valid_query_and_reports_its_cost(shop):
    _, base = shop
    status, body = post(base, {"query": ORDERS, "variables": {"first": 5}})
    assert status == 200 and "errors" not in body
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 2 + 5 * (1 + 2)  # connection + 5 × (order + MoneyBag + MoneyV2)
    assert cost["actualQueryCost"] <= cost["requestedQueryCost"]
    assert set(cost["throttleStatus"]) == {"maximumAvailable", "currentlyAvailable", "restoreRate"}


@pytest.mark.parametrize(("token", "status"), [(None, 401), ("shpat_wrong", 401)])
def test_requires_the_access_token(shop, token, status):
    _, base = shop
    got, body = post(base, {"query": ORDERS, "variables": {"first": 1}}, token=token)
    assert got == status
    assert "Invalid API key or access token" in body["errors"]


def test_unknown_shop_is_not_found(shop):
    _, base = shop
    status, _ = post(
        base, {"query": "{ shop { name } }"}, path="/shops/nope.myshopify.com/admin/api/2026-10/graphql.json"
    )
    assert status == 404


def test_pages_through_every_order_in_update_order(shop):
    sandbox, base = shop
    seen: list[tuple[str, str]] = []
    after = None
    while True:
        _, body = post(base, {"query": ORDERS, "variables": {"first": 25, "after": after}})
        page = body["data"]["orders"]
        seen += [(e["node"]["updatedAt"], e["node"]["id"]) for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert (
        len(seen)
        == len({i for _, i in seen})
        == len(sandbox.shopify.shops["stratus-demo.myshopify.com"].data.live_orders())
    )
    assert seen == sorted(seen)


def test_updated_at_filter_is_inclusive(shop):
    sandbox, base = shop
    facts = sandbox.shopify.shops["stratus-demo.myshopify.com"].data.live_orders()
    pivot = sorted(facts, key=lambda o: o.updated_at)[60]
    stamp = pivot.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    _, body = post(base, {"query": ORDERS, "variables": {"first": 250, "query": f"updated_at:>='{stamp}'"}})
    nodes = [e["node"] for e in body["data"]["orders"]["edges"]]
    assert f"gid://shopify/Order/{pivot.legacy_id}" in {n["id"] for n in nodes}
    assert all(n["updatedAt"] >= stamp for n in nodes)
    assert len(nodes) == sum(1 for f in facts if f.updated_at >= pivot.updated_at)


def test_refuses_a_query_over_the_single_query_cost_limit(shop):
    _, base = shop
    query = "{ orders(first: 100) { nodes { id lineItems(first: 100) { nodes { id } } } } }"
    _, body = post(base, {"query": query})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert error["extensions"]["cost"] > 1000


def test_throttles_when_the_bucket_is_empty(shop):
    sandbox, base = shop
    sandbox.clock.set_scale(0.001)  # freeze refills for the test
    sandbox.shopify.shops["stratus-demo.myshopify.com"].bucket.drain()
    _, body = post(base, {"query": ORDERS, "variables": {"first": 5}})
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert (
        body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"]
        < body["extensions"]["cost"]["requestedQueryCost"]
    )


def test_unknown_api_version_is_served_by_the_oldest_supported(shop):
    _, base = shop
    request = urllib.request.Request(
        base + "/admin/api/2023-01/graphql.json",
        data=json.dumps({"query": "{ shop { name } }"}).encode(),
        headers={"X-Shopify-Access-Token": "shpat_sandbox", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        assert response.headers["X-Shopify-API-Version"] == "2026-01"


def test_request_log_records_every_call(shop):
    _, base = shop
    post(base, {"query": ORDERS, "variables": {"first": 3}})
    post(base, {"query": "{ nope }"})
    with urllib.request.urlopen(base + "/_sandbox/requests") as response:
        log = json.load(response)["requests"]
    assert [entry["status"] for entry in log] == [200, 200]
    assert log[0]["requested_cost"] == 11 and log[1]["invalid"] is True


def test_generated_shop_is_deterministic():
    a = generate_shop(seed=7, orders=30)
    b = generate_shop(seed=7, orders=30)
    c = generate_shop(seed=8, orders=30)
    assert [render_order(a, o) for o in a.orders] == [render_order(b, o) for o in b.orders]
    assert [o.seed for o in a.orders] != [o.seed for o in c.orders]


def test_every_order_reconciles_to_the_cent():
    shop = generate_shop(orders=300)
    for fact in shop.orders:
        order = render_order(shop, fact)
        amount = lambda bag: Decimal(bag["shopMoney"]["amount"])  # noqa: E731
        lines = order["lineItems"]
        assert amount(order["subtotalPriceSet"]) == sum(amount(li["discountedTotalSet"]) for li in lines)
        assert amount(order["totalTaxSet"]) == sum(amount(t["priceSet"]) for li in lines for t in li["taxLines"])
        assert amount(order["totalDiscountsSet"]) == sum(amount(li["totalDiscountSet"]) for li in lines)
        assert amount(order["totalPriceSet"]) == (
            amount(order["subtotalPriceSet"]) + amount(order["totalShippingPriceSet"]) + amount(order["totalTaxSet"])
        )
