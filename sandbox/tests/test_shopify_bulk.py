"""Bulk query operations in the sandbox: Shopify's rules, lifecycle, limits, results and faults."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime

import pytest
from graphql import ExecutionResult

from sandbox.faults import Fault
from sandbox.shopify.bulk import BulkQueryError, concurrency_limit
from sandbox.shopify.schema import load_schema

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
    assert started["userErrors"] == [] and started["bulkOperation"]["status"] == "CREATED"
    done, seen = wait(base, started["bulkOperation"]["id"])
    assert seen[-1] == "COMPLETED"
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


@pytest.mark.parametrize("version", ["2026-01", "2026-10"])
def test_five_bulk_queries_run_at_once_from_2026_01_and_a_sixth_is_refused(sandbox_factory, version):
    sandbox, base = sandbox_factory(shopify_orders=50, time_scale=1, bulk_objects_per_second=1)
    path = f"/admin/api/{version}/graphql.json"
    assert concurrency_limit(version) == 5
    started = []
    for _ in range(5):
        _, body = post(base, {"query": RUN, "variables": {"query": "{ orders { nodes { id } } }"}}, path=path)
        assert body["data"]["bulkOperationRunQuery"]["userErrors"] == []
        started.append(body["data"]["bulkOperationRunQuery"]["bulkOperation"]["id"])
    _, body = post(base, {"query": RUN, "variables": {"query": "{ orders { nodes { id } } }"}}, path=path)
    refused = body["data"]["bulkOperationRunQuery"]
    assert refused["bulkOperation"] is None
    assert refused["userErrors"] == [
        {
            "field": None,
            "message": "Bulk operations limit reached: 5 bulk query operations are already running. "
            "Please try again later.",
            "code": "LIMIT_REACHED",
        }
    ]
    # The limit is per shop: the outlet still has its own five.
    outlet = f"/shops/stratus-outlet.myshopify.com{path}"
    _, body = post(base, {"query": RUN, "variables": {"query": "{ orders { nodes { id } } }"}}, path=outlet)
    assert body["data"]["bulkOperationRunQuery"]["userErrors"] == []
    # Once one of the five ends, a sixth may start.
    sandbox.clock.advance(3600)
    wait(base, started[0])
    _, body = post(base, {"query": RUN, "variables": {"query": "{ orders { nodes { id } } }"}}, path=path)
    assert body["data"]["bulkOperationRunQuery"]["userErrors"] == []


def test_before_2026_01_one_bulk_query_at_a_time(sandbox_factory):
    # The sandbox serves only 2026 versions, so the rule of older ones is checked on the operations themselves.
    sandbox, _ = sandbox_factory(shopify_orders=20, time_scale=1, bulk_objects_per_second=1)
    bulk, schema = sandbox.shopify.bulk, load_schema("2026-01")
    assert concurrency_limit("2025-10") == 1

    def nothing(_document, _variables):
        return ExecutionResult({"orders": {"nodes": []}}, None)

    first = bulk.run_query("stratus-demo.myshopify.com", "2025-10", schema, "{ orders { nodes { id } } }", nothing)
    with pytest.raises(BulkQueryError) as refused:
        bulk.run_query("stratus-demo.myshopify.com", "2025-10", schema, "{ orders { nodes { id } } }", nothing)
    assert refused.value.args == (
        f"A bulk query operation for this app and shop is already in progress: {first.gid}.",
        "OPERATION_IN_PROGRESS",
    )
    assert bulk.run_query("stratus-outlet.myshopify.com", "2025-10", schema, "{ orders { nodes { id } } }", nothing)


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
    _, base = sandbox_factory(shopify_orders=600, time_scale=500, faults=(Fault("bulk_timeout", "shopify"),))
    done, _ = wait(base, run(base, "{ orders { nodes { id } } }")["bulkOperation"]["id"])
    assert done["status"] == "FAILED" and done["errorCode"] == "TIMEOUT" and done["url"] is None
    partial = download(done["partialDataUrl"])
    assert 0 < len(partial) < 600


def test_faults_armed_over_http_and_expired_urls_are_refused(shop):
    _, base = shop
    request = urllib.request.Request(
        base + "/_sandbox/faults", data=json.dumps({"api": "shopify", "kind": "bulk_expired"}).encode(), method="POST"
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    started = run(base, "{ orders { nodes { id } } }")["bulkOperation"]
    done, _ = wait(base, started["id"])
    assert done["status"] == "EXPIRED" and done["url"] is None
    bad = urllib.request.Request(
        base + "/_sandbox/faults", data=json.dumps({"api": "shopify", "kind": "bulk_meltdown"}).encode(), method="POST"
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
    assert expired.value.code == 400 and b"<Code>ExpiredToken</Code>" in expired.value.read()
    _, body = post(base, {"query": POLL, "variables": {"id": done["id"]}})
    assert body["data"]["node"]["status"] == "EXPIRED"


STAMPED = """
query($id: ID!) {
  bulkOperation(id: $id) { id status objectCount rootObjectCount createdAt completedAt url }
}
"""


def poll(base, operation_id):
    _, body = post(base, {"query": STAMPED, "variables": {"id": operation_id}})
    return body["data"]["bulkOperation"]


def stamp(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def test_created_then_running_with_a_growing_count_then_completed(sandbox_factory):
    # Real-speed time that the test moves on itself, so each phase is seen however busy the machine.
    sandbox, base = sandbox_factory(shopify_orders=60, time_scale=1, bulk_objects_per_second=1)
    bulk = sandbox.shopify.bulk
    bulk.startup_s = 3600.0  # CREATED for a simulated hour; the test moves the clock itself
    before = datetime.now(UTC).replace(microsecond=0)
    started = run(base, "{ orders { nodes { id } } }")["bulkOperation"]
    assert started["status"] == "CREATED"
    created = poll(base, started["id"])
    assert created["status"] == "CREATED" and created["objectCount"] == "0" and created["completedAt"] is None
    assert before <= stamp(created["createdAt"]) <= datetime.now(UTC)
    op = bulk.find("stratus-demo.myshopify.com", started["id"])
    while op.finished_at is None:  # the file is written in the background; its objects count as processed later
        time.sleep(0.01)
    total = op.written
    sandbox.clock.advance(op.starts_at - sandbox.clock.now() + 5)
    counts = []
    for _ in range(3):
        running = poll(base, started["id"])
        assert running["status"] == "RUNNING" and running["url"] is None
        counts.append(int(running["objectCount"]))
        sandbox.clock.advance(5)
    assert counts == sorted(set(counts)) and counts[0] > 0 and counts[-1] < total
    sandbox.clock.advance(total)
    done = poll(base, started["id"])
    assert done["status"] == "COMPLETED" and int(done["objectCount"]) == total == int(done["rootObjectCount"])
    # Simulated hours passed in a moment of real time: the stamps stay in the real past, in order.
    assert stamp(done["createdAt"]) <= stamp(done["completedAt"]) <= datetime.now(UTC)
    assert poll(base, started["id"])["completedAt"] == done["completedAt"]


def test_the_answer_to_the_mutation_says_created_at_any_time_scale(sandbox_factory):
    _, base = sandbox_factory(shopify_orders=30, time_scale=100000)
    started = run(base, "{ orders { nodes { id } } }")["bulkOperation"]
    assert started["status"] == "CREATED"
    done, _ = wait(base, started["id"])
    assert done["status"] == "COMPLETED"
    finished = poll(base, started["id"])
    assert stamp(finished["createdAt"]) <= stamp(finished["completedAt"]) <= datetime.now(UTC)


RUN_GROUPED = """
mutation($query: String!, $group: Boolean!) {
  bulkOperationRunQuery(query: $query, groupObjects: $group) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}
"""


def run_grouped(base, query, group):
    _, body = post(base, {"query": RUN_GROUPED, "variables": {"query": query, "group": group}})
    return body["data"]["bulkOperationRunQuery"]["bulkOperation"]["id"]


def test_group_objects_puts_children_right_after_their_parent(shop):
    _, base = shop
    grouped, _ = wait(base, run_grouped(base, ORDERS_WITH_LINES, True))
    lines = download(grouped["url"])
    parent = None
    for line in lines:
        if "__parentId" in line:
            assert line["__parentId"] == parent  # each child follows its own parent, before the next parent
        else:
            parent = line["id"]
    assert any("__parentId" in line for line in lines)
    # Ungrouped (the default since 2026-01), the same lines in no promised order.
    ungrouped, _ = wait(base, run_grouped(base, ORDERS_WITH_LINES, False))
    loose = download(ungrouped["url"])
    position = {line["id"]: n for n, line in enumerate(loose)}
    assert any(position[line["__parentId"]] > n for n, line in enumerate(loose) if "__parentId" in line)
    assert sorted(loose, key=lambda line: line["id"]) == sorted(lines, key=lambda line: line["id"])


def test_a_missing_scope_fails_the_operation_as_access_denied(sandbox_factory):
    _, base = sandbox_factory(shopify_orders=30, time_scale=500, shopify_scopes=("read_products",))
    started = run(base, "{ orders { nodes { id } } }")
    assert started["userErrors"] == [] and started["bulkOperation"]["status"] == "CREATED"
    done, _ = wait(base, started["bulkOperation"]["id"])
    assert done["status"] == "FAILED" and done["errorCode"] == "ACCESS_DENIED"
    assert done["url"] is None and done["partialDataUrl"] is None and done["objectCount"] == "0"


@pytest.mark.parametrize(("kind", "code"), [("bulk_failed", "INTERNAL_SERVER_ERROR"), ("bulk_timeout", "TIMEOUT")])
def test_a_failure_after_some_data_offers_it_at_a_partial_data_url(sandbox_factory, kind, code):
    _, base = sandbox_factory(shopify_orders=600, time_scale=500, faults=(Fault(kind, "shopify"),))
    done, _ = wait(base, run(base, "{ orders { nodes { id } } }")["bulkOperation"]["id"])
    assert done["status"] == "FAILED" and done["errorCode"] == code and done["url"] is None
    partial = download(done["partialDataUrl"])
    assert len(partial) == int(done["objectCount"]) and 0 < len(partial) < 600
    assert urllib.parse.urlsplit(done["partialDataUrl"]).path.endswith("-partial")


def test_result_urls_are_pre_signed_storage_urls(shop):
    _, base = shop
    before = time.time()
    done, _ = wait(base, run(base, "{ orders { nodes { id } } }")["bulkOperation"]["id"])
    url = urllib.parse.urlsplit(done["url"])
    assert url.path.startswith("/_sandbox/bulk-operation-outputs/") and url.path.endswith("-final")
    params = dict(urllib.parse.parse_qsl(url.query))
    assert set(params) == {
        "GoogleAccessId",
        "Expires",
        "Signature",
        "response-content-disposition",
        "response-content-type",
    }
    assert int(params["Expires"]) > before and params["response-content-type"] == "application/jsonl"
    number = done["id"].rsplit("/", 1)[1]
    with urllib.request.urlopen(done["url"]) as response:
        assert response.headers["Content-Type"] == "application/jsonl"
        assert f'filename="bulk-{number}.jsonl"' in response.headers["Content-Disposition"]
        assert len(response.read().splitlines()) == int(done["objectCount"])
    # No credentials go with the URL: change any part of it and storage refuses it.
    tampered = done["url"].replace("Expires=", "Expires=9")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(tampered)
    assert refused.value.code == 403 and b"<Code>SignatureDoesNotMatch</Code>" in refused.value.read()
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(base + "/_sandbox/bulk-operation-outputs/nothing-final?" + url.query)
    assert missing.value.code == 404


FULFILLMENT_ORDERS = (
    "{ fulfillmentOrders(includeClosed: true) { edges { node { id orderId status"
    " lineItems { edges { node { id totalQuantity remainingQuantity lineItem { id } } } }"
    " fulfillments { edges { node { id totalQuantity } } } } } } }"
)
ORDERS_WITH_FULFILLMENTS = "{ orders { edges { node { id lineItems { edges { node { id quantity } } } fulfillments { id totalQuantity } } } } }"


def test_a_fault_aimed_at_one_root_spares_the_operation_beside_it(sandbox_factory):
    _, base = sandbox_factory(
        shopify_orders=60,
        time_scale=500,
        faults=(Fault("bulk_failed", "shopify", where={"root": ("fulfillmentOrders",)}),),
    )
    orders = run(base, ORDERS_WITH_LINES)["bulkOperation"]["id"]
    held = run(base, FULFILLMENT_ORDERS)["bulkOperation"]["id"]  # two at once: 2026-10 allows five
    assert wait(base, orders)[0]["status"] == "COMPLETED"
    assert wait(base, held)[0]["status"] == "FAILED"


def test_fulfillment_orders_in_bulk_agree_with_the_orders_fulfillments(sandbox_factory):
    _, base = sandbox_factory(shopify_orders=60, time_scale=500)
    held_op = run(base, FULFILLMENT_ORDERS)["bulkOperation"]["id"]
    orders_op = run(base, ORDERS_WITH_FULFILLMENTS)["bulkOperation"]["id"]
    held_lines = download(wait(base, held_op)[0]["url"])
    order_lines = download(wait(base, orders_op)[0]["url"])
    orders = {line["id"]: line for line in order_lines if "__parentId" not in line}
    held = {line["id"]: line for line in held_lines if "__parentId" not in line}
    assert {h["orderId"] for h in held.values()} == set(orders)  # every order fulfilled or cancelled: one each
    several = 0
    for fo_id, fo in held.items():
        order = orders[fo["orderId"]]
        ordered = {li["id"]: li["quantity"] for li in order_lines if li.get("__parentId") == order["id"]}
        lines = [
            li for li in held_lines if li.get("__parentId") == fo_id and "totalQuantity" in li and "lineItem" in li
        ]
        fulfillments = [f for f in held_lines if f.get("__parentId") == fo_id and "lineItem" not in f]
        assert {li["lineItem"]["id"]: li["totalQuantity"] for li in lines} == ordered
        assert sorted(f["id"] for f in fulfillments) == sorted(f["id"] for f in order["fulfillments"])
        if fo["status"] != "CANCELLED":  # a cancelled order's lines were never shipped
            shipped = sum(li["totalQuantity"] - li["remainingQuantity"] for li in lines)
            assert shipped == sum(f["totalQuantity"] for f in order["fulfillments"])
        several += len(fulfillments) > 1
    assert several  # some fulfillment orders hold several fulfillments
