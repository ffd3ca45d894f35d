"""Bulk query operations in the sandbox: Shopify's rules, lifecycle, limits, results and faults."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from sandbox.shopify.bulk import concurrency_limit

from .test_shopify_api import post

RUN = """
mutation($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}
"""
POLL = """
query($id: ID!) {
  node(id: $id) {
    ... on BulkOperation { id status errorCode objectCount rootObjectCount fileSize url partialDataUrl }
  }
}
"""
ORDERS_WITH_LINES = "{ orders { edges { node { id updatedAt lineItems { edges { node { id sku } } } } } } }"


def run(base, query):
    _, body = post(base, {"query": RUN, "variables": {"query": query}})
    return body["data"]["bulkOperationRunQuery"]


def wait(base, operation_id, until=("COMPLETED", "FAILED", "CANCELED", "EXPIRED")):
    seen: list[str] = []
    for _ in range(400):
        _, body = post(base, {"query": POLL, "variables": {"id": operation_id}})
        node = body["data"]["node"]
        if not seen or seen[-1] != node["status"]:
            seen.append(node["status"])
        if node["status"] in until:
            return node, seen
        time.sleep(0.01)
    raise AssertionError(f"bulk operation stuck: {seen}")


def download(url):
    with urllib.request.urlopen(url) as response:
        return [json.loads(line) for line in response]


@pytest.fixture
def shop(sandbox_factory):
    return sandbox_factory(shopify_orders=120, time_scale=200)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("{ orders { edges { node { id } } } ", "Invalid bulk query"),
        ("{ orders { edges { node { idd } } } }", "Invalid bulk query"),
        ("{ shop { name } }", "at least one connection"),
        ('{ nodes(ids: ["gid://shopify/Order/1"]) { id } }', "node and nodes"),
        ("{ orders { nodes { id } } shop { id } }", "exactly one top-level field"),
        ("query($q: String) { orders(query: $q) { nodes { id } } }", "cannot use variables"),
        ("{ orders { nodes { lineItems { nodes { id } } } } }", "must select id"),
        (
            "{ products { nodes { id variants { nodes { id inventoryItem { inventoryLevels { nodes { id } } } } } } } }",
            "nested more than 2 levels",
        ),
        (
            "{ orders { nodes { id a: lineItems { nodes { id } } b: lineItems { nodes { id } } "
            "c: lineItems { nodes { id } } d: lineItems { nodes { id } } e: lineItems { nodes { id } } } } }",
            "more than 5 connections",
        ),
    ],
)
def test_bulk_rules_are_user_errors(shop, query, message):
    _, base = shop
    result = run(base, query)
    assert result["bulkOperation"] is None
    [error] = result["userErrors"]
    assert message in error["message"]
    assert error["code"] == "INVALID" and error["field"] == ["query"]


def test_an_operation_runs_to_completion_with_jsonl_like_shopify(sandbox_factory):
    # Simulated time runs at real speed here, so the early states are seen however busy the machine.
    sandbox, base = sandbox_factory(shopify_orders=120, time_scale=1)
    started = run(base, ORDERS_WITH_LINES)
    assert started["userErrors"] == [] and started["bulkOperation"]["status"] in ("CREATED", "RUNNING")
    done, seen = wait(base, started["bulkOperation"]["id"])
    assert seen[-1] == "COMPLETED" and seen[0] in ("CREATED", "RUNNING")
    lines = download(done["url"])
    orders = [line for line in lines if "__parentId" not in line]
    children = [line for line in lines if "__parentId" in line]
    assert len(orders) == len(sandbox.shopify.shops["stratus-demo.myshopify.com"].data.live_orders())
    assert len(orders) == int(done["rootObjectCount"])
    assert len(lines) == int(done["objectCount"])
    assert int(done["fileSize"]) == sum(len(json.dumps(line, separators=(",", ":"))) + 1 for line in lines)
    assert all("lineItems" not in order for order in orders)  # nested nodes are lines of their own
    ids = {o["id"] for o in orders}
    assert children and all(c["__parentId"] in ids for c in children)
    position = {line["id"]: n for n, line in enumerate(lines)}
    assert any(position[c["__parentId"]] > position[c["id"]] for c in children)  # no order promised
    # Another run of the same query holds the same lines, in another order.
    again, _ = wait(base, run(base, ORDERS_WITH_LINES)["bulkOperation"]["id"])
    rerun = download(again["url"])
    assert rerun != lines and sorted(rerun, key=lambda line: line["id"]) == sorted(lines, key=lambda line: line["id"])
    log = sandbox.requests()
    assert [e["fields"] for e in log if e.get("fields") == ["bulkOperationRunQuery"]]
    assert [e for e in log if e["api"] == "shopify-bulk-result" and e["status"] == 200]


def test_search_filter_and_current_operation(shop):
    sandbox, base = shop
    facts = sorted(sandbox.shopify.shops["stratus-demo.myshopify.com"].data.orders, key=lambda o: o.updated_at)
    stamp = facts[100].updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    search = json.dumps(f"updated_at:>='{stamp}'")
    started = run(base, "{ orders(query: " + search + ") { nodes { id } } }")
    done, _ = wait(base, started["bulkOperation"]["id"])
    assert len(download(done["url"])) == sum(1 for f in facts if f.updated_at >= facts[100].updated_at)
    _, body = post(base, {"query": "{ currentBulkOperation { id status } ordersCount(limit: 50) { count precision } }"})
    assert body["data"]["currentBulkOperation"]["id"] == started["bulkOperation"]["id"]
    assert body["data"]["ordersCount"] == {"count": 50, "precision": "AT_LEAST"}


def test_concurrent_operations_are_limited_as_the_version_documents(sandbox_factory):
    _, base = sandbox_factory(shopify_orders=50, time_scale=1, bulk_objects_per_second=1)
    limit = concurrency_limit("2026-10")
    assert limit == 5 and concurrency_limit("2025-10") == 1
    for _ in range(limit):
        assert run(base, "{ orders { nodes { id } } }")["userErrors"] == []
    [error] = run(base, "{ orders { nodes { id } } }")["userErrors"]
    assert error["code"] == "LIMIT_REACHED"


def test_cancel_mutation(sandbox_factory):
    _, base = sandbox_factory(shopify_orders=50, time_scale=20, bulk_objects_per_second=1)
    started = run(base, "{ orders { nodes { id } } }")["bulkOperation"]
    _, body = post(
        base,
        {
            "query": "mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }",
            "variables": {"id": started["id"]},
        },
    )
    assert body["data"]["bulkOperationCancel"]["bulkOperation"]["status"] == "CANCELING"
    done, _ = wait(base, started["id"])
    assert done["status"] == "CANCELED" and done["url"] is None


def test_a_failed_operation_offers_partial_data(sandbox_factory):
    _, base = sandbox_factory(shopify_orders=600, time_scale=500, bulk_faults=("FAILED:TIMEOUT",))
    done, _ = wait(base, run(base, "{ orders { nodes { id } } }")["bulkOperation"]["id"])
    assert done["status"] == "FAILED" and done["errorCode"] == "TIMEOUT" and done["url"] is None
    partial = download(done["partialDataUrl"])
    assert 0 < len(partial) < 600


def test_faults_armed_over_http_and_expired_urls_are_refused(shop):
    _, base = shop
    request = urllib.request.Request(
        base + "/_sandbox/shopify/bulk-faults", data=json.dumps({"fault": "EXPIRED"}).encode(), method="POST"
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    started = run(base, "{ orders { nodes { id } } }")["bulkOperation"]
    done, _ = wait(base, started["id"])
    assert done["status"] == "EXPIRED" and done["url"] is None
    bad = urllib.request.Request(
        base + "/_sandbox/shopify/bulk-faults", data=json.dumps({"fault": "MELTDOWN"}).encode(), method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(bad)
    assert refused.value.code == 400


def test_a_result_url_expires(sandbox_factory):
    sandbox, base = sandbox_factory(shopify_orders=30, time_scale=500)
    done, _ = wait(base, run(base, "{ orders { nodes { id } } }")["bulkOperation"]["id"])
    assert download(done["url"])
    sandbox.shopify.bulk.result_ttl_s = 0.0  # a week passes
    with pytest.raises(urllib.error.HTTPError) as expired:
        urllib.request.urlopen(done["url"])
    assert expired.value.code == 403
    _, body = post(base, {"query": POLL, "variables": {"id": done["id"]}})
    assert body["data"]["node"]["status"] == "EXPIRED"
