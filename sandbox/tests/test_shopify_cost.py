"""Shopify's calculated query cost as Shopify documents it: requested before, actual after, the
requested cost an upper bound of the actual one for every query, lists and `nodes(ids:)` included."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from graphql import (
    GraphQLField,
    GraphQLObjectType,
    Undefined,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
)
from tap_shopify.queries import load_query, query_names

from sandbox.server import Sandbox, SandboxOptions, running
from sandbox.shopify.schema import load_schema
from sandbox.tests.test_shopify_api import post

VERSION = "2026-10"
SHOP = "stratus-demo.myshopify.com"
UNKNOWN_ORDER = "gid://shopify/Order/1"


@pytest.fixture(scope="module")
def shop() -> Any:
    """A sandbox whose bucket never runs dry, so every answer carries its cost."""
    sandbox = Sandbox(SandboxOptions(shopify_orders=60, time_scale=1000, bucket_size=1e9, restore_rate=1e6))
    with running(sandbox) as base:
        yield sandbox, base


@pytest.fixture(scope="module")
def ids(shop: Any) -> dict[str, list[str]]:
    """Real ids of each kind the sandbox serves, to aim generated queries at."""
    sandbox, _ = shop
    data = sandbox.shopify.shops[SHOP]
    orders = [f"gid://shopify/Order/{o.legacy_id}" for o in data.data.live_orders()]
    _, body = post(
        shop[1],
        {
            "query": "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Order { refunds { id } fulfillments { id } } } }",
            "variables": {"ids": orders},
        },
    )
    nodes = body["data"]["nodes"]
    _, products = post(
        shop[1], {"query": "{ products(first: 50) { nodes { id } } locations(first: 5) { nodes { id } } }"}
    )
    return {
        "order": orders,
        "refund": [r["id"] for n in nodes for r in n["refunds"]],
        "fulfillment": [f["id"] for n in nodes for f in n["fulfillments"]],
        "product": [p["id"] for p in products["data"]["products"]["nodes"]],
        "location": [p["id"] for p in products["data"]["locations"]["nodes"]],
    }


def cost_of(base: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    _, body = post(base, {"query": query, "variables": variables or {}})
    assert "extensions" in body, body
    return body


# -- hand-written queries whose cost is known ---------------------------------------------------

NODES = """query($ids: [ID!]!) {
  nodes(ids: $ids) { id ... on Order { totalPriceSet { shopMoney { amount } } } }
}"""


def test_a_list_of_ids_costs_one_object_per_id(shop, ids):
    _, base = shop
    body = cost_of(base, NODES, {"ids": ids["order"][:7]})
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 7 * (1 + 2)  # each id: the node, MoneyBag, MoneyV2
    assert cost["actualQueryCost"] == 7 * 3
    # An id that finds nothing is requested but not charged.
    body = cost_of(base, NODES, {"ids": [*ids["order"][:2], UNKNOWN_ORDER]})
    assert (body["extensions"]["cost"]["requestedQueryCost"], body["extensions"]["cost"]["actualQueryCost"]) == (9, 6)


def test_nested_connections_multiply(shop):
    _, base = shop
    query = "{ orders(first: 10) { nodes { id lineItems(first: 5) { nodes { id } } } } }"
    assert cost_of(base, query)["extensions"]["cost"]["requestedQueryCost"] == 2 + 10 * (1 + 2 + 5 * 1)


def test_a_list_bounded_by_first_costs_that_many_objects(shop):
    _, base = shop
    query = "{ orders(first: 4) { nodes { refunds(first: 3) { id } } } }"
    body = cost_of(base, query)
    assert body["extensions"]["cost"]["requestedQueryCost"] == 2 + 4 * (1 + 3)
    refunds = sum(len(n["refunds"]) for n in body["data"]["orders"]["nodes"])
    assert body["extensions"]["cost"]["actualQueryCost"] == 2 + 4 + refunds


def test_an_interface_costs_its_dearest_possible_type(shop, ids):
    _, base = shop
    query = """query($ids: [ID!]!) { nodes(ids: $ids) {
      ... on Order { customer { id } }
      ... on Customer { defaultAddress { id } amountSpent { amount } }
    } }"""
    body = cost_of(base, query, {"ids": ids["order"][:2]})
    assert body["extensions"]["cost"]["requestedQueryCost"] == 2 * (1 + 2)  # a Customer would cost 2
    assert body["extensions"]["cost"]["actualQueryCost"] <= 2 * (1 + 1)  # an order costs at most 1


def test_reports_cost_as_shopify_shapes_it(shop):
    _, base = shop
    cost = cost_of(base, "{ shop { name } }")["extensions"]["cost"]
    assert set(cost) == {"requestedQueryCost", "actualQueryCost", "throttleStatus"}
    assert (cost["requestedQueryCost"], cost["actualQueryCost"]) == (1, 1)
    status = cost["throttleStatus"]
    assert set(status) == {"maximumAvailable", "currentlyAvailable", "restoreRate"}
    assert isinstance(status["maximumAvailable"], float) and isinstance(status["restoreRate"], float)
    assert isinstance(status["currentlyAvailable"], int)


def test_a_long_list_of_ids_is_refused_over_the_single_query_limit(shop, ids):
    """Priced as one object, 250 ids used to pass; each costs its selection, so they exceed 1000."""
    _, base = shop
    query = load_query("refund_nodes")
    many = (ids["refund"] * 250)[:250]
    _, body = post(base, {"query": query, "variables": {"ids": many}})
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert error["extensions"]["maxCost"] == 1000
    assert error["extensions"]["cost"] == 250 * 132 == body["extensions"]["cost"]["requestedQueryCost"]
    assert error["message"].startswith(
        f"Query cost is {250 * 132}, which exceeds the single query max cost limit (1000)."
    )
    assert body["extensions"]["cost"]["actualQueryCost"] is None
    assert set(body["extensions"]["cost"]["throttleStatus"]) == {
        "maximumAvailable",
        "currentlyAvailable",
        "restoreRate",
    }


def test_the_taps_follow_up_batches_cost_what_the_tap_counts(shop, ids):
    """The tap packs refunds into `nodes(ids:)` at 132 points an id: the sandbox agrees."""
    _, base = shop
    batch = ids["refund"][:7]
    assert len(batch) >= 3
    cost = cost_of(base, load_query("refund_nodes"), {"ids": batch})["extensions"]["cost"]
    assert cost["requestedQueryCost"] == len(batch) * 132
    assert cost["actualQueryCost"] <= cost["requestedQueryCost"]


# -- the property: requested >= actual for every query -------------------------------------------


def _variables(query: str, rng: random.Random, ids: dict[str, list[str]]) -> dict[str, Any]:
    """Values for a tap query's variables: page sizes small or large, ids of the kind its root wants."""
    root = re.search(r"\{\s*(\w+)", query)
    kind = root.group(1) if root else ""
    pool = ids.get(kind) or [i for group in ids.values() for i in group]
    out: dict[str, Any] = {}
    for name in re.findall(r"\$(\w+):", query.split("{", 1)[0]):
        if name in ("first", "lineItems"):
            out[name] = rng.choice([1, 2, 5, 10, 25])
        elif name == "id":
            out[name] = rng.choice([*pool, UNKNOWN_ORDER])
        elif name == "ids":
            out[name] = rng.sample(pool, min(len(pool), rng.randint(1, 6))) + [UNKNOWN_ORDER] * rng.randint(0, 1)
        elif name == "query" and kind == "events":
            out[name] = "subject_type:Order AND verb:destroy"
        elif name == "query" and "mutation" in query.split("{", 1)[0]:
            out[name] = load_query("orders_bulk")  # what the tap runs in bulk
    return out


def _args(field: GraphQLField, rng: random.Random) -> str | None:
    """Arguments for a generated field: a page size where it takes one; None when it needs more."""
    if any(is_non_null_type(a.type) and a.default_value is Undefined for a in field.args.values()):
        return None
    if "first" in field.args:
        return f"(first: {rng.randint(1, 4)})"
    return ""


def _selection(type_: Any, depth: int, rng: random.Random, alias: str = "") -> str:
    """A random valid selection on `type_`: some scalars, objects, lists and connections, and
    fragments on a few possible types where the type is abstract (their fields aliased apart,
    since sibling fragments may not select one name with two types)."""
    schema = load_schema(VERSION)
    parts = ["__typename"]
    if is_abstract_type(type_):
        possible = list(schema.get_possible_types(type_))
        for concrete in rng.sample(possible, min(2, len(possible))):
            parts.append(f"... on {concrete.name} {{ {_selection(concrete, depth, rng, concrete.name + '_')} }}")
        return " ".join(parts)
    assert isinstance(type_, GraphQLObjectType)
    fields = list(type_.fields.items())
    for field_name, field in rng.sample(fields, min(len(fields), rng.randint(2, 7))):
        named = get_named_type(field.type)
        args = _args(field, rng)
        name = f"{alias}{field_name}: {field_name}" if alias else field_name
        if args is None:
            continue
        if is_leaf_type(named):
            parts.append(name + args)
        elif depth >= 3:
            continue
        elif named.name.endswith("Connection") and "nodes" in named.fields:
            node_type = get_named_type(named.fields["nodes"].type)
            inner = _selection(node_type, depth + 1, rng)
            shape = f"nodes {{ {inner} }}" if rng.random() < 0.5 else f"edges {{ cursor node {{ {inner} }} }}"
            parts.append(f"{name}{args or '(first: 2)'} {{ pageInfo {{ hasNextPage }} {shape} }}")
        else:
            if is_list_type(get_nullable_type(field.type)) and rng.random() < 0.5:
                args = ""  # an unbounded list, too
            parts.append(f"{name}{args} {{ {_selection(named, depth + 1, rng)} }}")
    return " ".join(parts)


ROOTS = ("orders", "products", "customers", "locations", "inventoryItems", "nodes", "shop", "shopifyPaymentsAccount")


def _generated(rng: random.Random, ids: dict[str, list[str]]) -> tuple[str, dict[str, Any]]:
    schema = load_schema(VERSION)
    root = rng.choice(ROOTS)
    field = schema.query_type.fields[root]  # type: ignore[union-attr]
    named = get_named_type(field.type)
    if root == "nodes":
        pool = [i for group in ids.values() for i in group]
        variables = {"ids": rng.sample(pool, rng.randint(1, 8))}
        return f"query($ids: [ID!]!) {{ nodes(ids: $ids) {{ {_selection(named, 1, rng)} }} }}", variables
    if root.endswith("s") and root not in ("shop",) and "nodes" in named.fields:
        node_type = get_named_type(named.fields["nodes"].type)
        return f"{{ {root}(first: {rng.randint(1, 6)}) {{ nodes {{ {_selection(node_type, 1, rng)} }} }} }}", {}
    return f"{{ {root} {{ {_selection(named, 1, rng)} }} }}", {}


def _check(base: str, query: str, variables: dict[str, Any]) -> int:
    _, body = post(base, {"query": query, "variables": variables})
    assert "extensions" in body, (query, body)
    cost = body["extensions"]["cost"]
    if cost["actualQueryCost"] is None:  # refused over the single-query limit: requested says why
        assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
        assert cost["requestedQueryCost"] > 1000
        return 0
    assert 0 <= cost["actualQueryCost"] <= cost["requestedQueryCost"], (query, variables, cost)
    return 1


def test_requested_cost_bounds_actual_cost_for_the_taps_queries(shop, ids):
    _, base = shop
    rng = random.Random(13)
    answered = 0
    names = [n for n in query_names() if not n.endswith("_bulk")]  # bulk-only: run inside bulkOperationRunQuery
    for name in names:
        query = load_query(name)
        for _ in range(1 if name.startswith("bulk_operation_run") else 6):
            answered += _check(base, query, _variables(query, rng, ids))
    assert answered >= 5 * len(names)  # a few draws ask more than one query may


def test_requested_cost_bounds_actual_cost_for_generated_queries(shop, ids):
    _, base = shop
    rng = random.Random(2026)
    answered = sum(_check(base, *_generated(rng, ids)) for _ in range(150))
    assert answered >= 100
