"""Every field of every type reachable from the roots a seller's data needs is answered, by the
schema's rules: queries generated from the real schema (each type reached by its shortest path,
every field of it selected, connections with `first: 2`, each query under the single-query cost
limit) run over HTTP against the sandbox for each shipped API version with no execution error."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    parse,
)

from sandbox.server import Sandbox, SandboxOptions, running
from sandbox.shopify import cost
from sandbox.shopify.schema import available_versions, load_schema
from sandbox.tests import test_shopify_bulk as bulk
from sandbox.tests.test_shopify_api import post

ROOTS = (
    "orders",
    "draftOrders",
    "customers",
    "products",
    "productVariants",
    "inventoryItems",
    "locations",
    "fulfillmentOrders",
    "returns",
    "shopifyPaymentsAccount",
    "events",
    "currentAppInstallation",
    "shop",
)
#: Fields followed from a root to the type a query covers (a connection and its `nodes` are two).
MAX_DEPTH = 6
SCALAR_LITERALS = {"Int": "2", "Float": "1.0", "Boolean": "false", "ID": '"gid://shopify/Order/1"'}


def _literal(type_: GraphQLInputType) -> str:
    """A value of an argument's type: the first of an enum, one of a list, an input's required fields."""
    if isinstance(type_, GraphQLNonNull):
        return _literal(type_.of_type)
    if isinstance(type_, GraphQLList):
        return f"[{_literal(type_.of_type)}]"
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        required = [f"{n}: {_literal(f.type)}" for n, f in type_.fields.items() if _required(f)]
        return "{" + ", ".join(required) + "}"
    name = get_named_type(type_).name
    if name == "DateTime":
        return '"2026-01-01T00:00:00Z"'
    return SCALAR_LITERALS.get(name, '"x"')


def _required(arg: GraphQLArgument | GraphQLInputField) -> bool:
    return isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined


def _call(name: str, field: GraphQLField) -> str:
    """The field with its required arguments, and a page size where it takes one."""
    args: dict[str, GraphQLArgument] = field.args
    given = [f"{n}: {_literal(a.type)}" for n, a in args.items() if _required(a)]
    if "first" in args and not _required(args["first"]):
        given.append("first: 2")
    if "includeClosed" in args:  # the world's fulfillment orders are all closed
        given.append("includeClosed: true")
    return f"{name}({', '.join(given)})" if given else name


@dataclass(frozen=True)
class Target:
    """A type reached from a root: the selections that lead to it, outermost first."""

    type_: GraphQLObjectType
    path: tuple[str, ...]

    def query(self, fields: list[str]) -> str:
        body = " ".join(fields)
        for step in reversed(self.path):
            body = f"{step} {{ {body} }}"
        return f"{{ {body} }}"


def targets(schema: GraphQLSchema) -> Iterator[Target]:
    """Every object type reachable from the roots within MAX_DEPTH fields, by its shortest path."""
    seen: set[str] = set()
    queue: deque[tuple[GraphQLNamedType, tuple[str, ...], int]] = deque()
    for root in ROOTS:
        if root in schema.query_type.fields:  # type: ignore[union-attr]
            field = schema.query_type.fields[root]  # type: ignore[union-attr]
            queue.append((get_named_type(field.type), (_call(root, field),), 1))
    while queue:
        type_, path, depth = queue.popleft()
        if is_abstract_type(type_):
            for concrete in schema.get_possible_types(type_):  # type: ignore[arg-type]
                queue.append((concrete, (*path, f"... on {concrete.name}"), depth))
            continue
        if not isinstance(type_, GraphQLObjectType) or type_.name in seen:
            continue
        seen.add(type_.name)
        yield Target(type_, path)
        if depth >= MAX_DEPTH:
            continue
        for name, field in type_.fields.items():
            inner = get_named_type(field.type)
            if not is_leaf_type(inner):
                queue.append((inner, (*path, _call(name, field)), depth + 1))


def selections(type_: GraphQLObjectType) -> list[str]:
    """Each field of the type: a leaf as is, an object by its typename (its own fields are another target's)."""
    out = []
    for name, field in type_.fields.items():
        call = _call(name, field)
        out.append(call if is_leaf_type(get_named_type(field.type)) else f"{call} {{ __typename }}")
    return out


def queries(schema: GraphQLSchema) -> Iterator[tuple[Target, str]]:
    """Queries covering every field of every target, as many per target as the cost limit needs."""
    for target in targets(schema):
        yield from _within_limit(schema, target, selections(target.type_))


def _within_limit(schema: GraphQLSchema, target: Target, fields: list[str]) -> Iterator[tuple[Target, str]]:
    """One query for the fields, or halves of them until each is under the single-query cost limit."""
    query = target.query(fields)
    if len(fields) > 1 and cost.requested_cost(schema, parse(query), {}, None) > cost.MAX_SINGLE_QUERY_COST:
        half = len(fields) // 2
        yield from _within_limit(schema, target, fields[:half])
        yield from _within_limit(schema, target, fields[half:])
    else:
        yield target, query


@pytest.fixture(scope="module")
def shop() -> Iterator[str]:
    # A bucket no query set drains: the test is about answers, not pacing.
    sandbox = Sandbox(SandboxOptions(shopify_orders=40, time_scale=1000, bucket_size=10_000_000.0))
    with running(sandbox) as base:
        yield base


@pytest.mark.parametrize("version", available_versions())
def test_every_field_of_every_served_root_is_answered(shop: str, version: str) -> None:
    schema = load_schema(version)
    failures: list[str] = []
    covered = 0
    for target, query in queries(schema):
        status, body = post(shop, {"query": query}, path=f"/admin/api/{version}/graphql.json")
        covered += 1
        if status != 200 or body.get("errors") or body.get("data") is None:
            errors = body.get("errors") if isinstance(body, dict) else body
            failures.append(f"{target.type_.name} via {' > '.join(target.path)}: {str(errors)[:300]}")
            continue
        cost = body["extensions"]["cost"]
        if cost["actualQueryCost"] > cost["requestedQueryCost"]:  # Shopify: requested is the upper bound
            failures.append(f"{target.type_.name} via {' > '.join(target.path)}: cost {cost}")
    assert covered > len(ROOTS)
    assert not failures, f"{len(failures)} of {covered} queries failed:\n" + "\n".join(failures[:40])


CONSISTENCY = """
{
  orders(first: 5, sortKey: ID) {
    nodes {
      name
      totalTaxSet { shopMoney { amount currencyCode } }
      taxLines { priceSet { shopMoney { amount } presentmentMoney { amount currencyCode } } }
      totalReceivedSet { shopMoney { amount } }
      totalRefundedSet { shopMoney { amount } }
      netPaymentSet { shopMoney { amount } presentmentMoney { amount currencyCode } }
      additionalFees { id }
      lineItems(first: 10) { nodes { id quantity duties { id } } }
      fulfillments(first: 3) { id location { id } }
      fulfillmentOrders(first: 1) {
        nodes {
          id
          status
          orderName
          assignedLocation { location { id } }
          lineItems(first: 10) { nodes { totalQuantity lineItem { id } } }
          fulfillments(first: 3) { nodes { id } }
        }
      }
    }
  }
  fulfillmentOrders(first: 5, includeClosed: true) { nodes { id orderName } }
  draftOrders(first: 5) { nodes { id } pageInfo { hasNextPage } }
  productVariants(first: 5) { nodes { id sku } }
  locations(first: 5) { nodes { address { address1 city zip formatted } } }
}
"""


def _amount(bag: dict[str, Any]) -> Decimal:
    return Decimal(bag["shopMoney"]["amount"])


def test_fields_the_world_knows_agree_with_it(shop: str) -> None:
    status, body = post(shop, {"query": CONSISTENCY})
    assert status == 200 and "errors" not in body, body.get("errors")
    data = body["data"]
    orders = data["orders"]["nodes"]
    assert len(orders) == 5
    for order in orders:
        currency = order["totalTaxSet"]["shopMoney"]["currencyCode"]
        assert sum((_amount(t["priceSet"]) for t in order["taxLines"]), Decimal(0)) == _amount(order["totalTaxSet"])
        assert all(t["priceSet"]["presentmentMoney"]["currencyCode"] == currency for t in order["taxLines"])
        net = _amount(order["totalReceivedSet"]) - _amount(order["totalRefundedSet"])
        assert _amount(order["netPaymentSet"]) == net
        assert order["netPaymentSet"]["presentmentMoney"]["currencyCode"] == currency
        assert order["additionalFees"] == []
        assert all(line["duties"] == [] for line in order["lineItems"]["nodes"])
        # One fulfillment order, at the location the fulfillments left from, holding every line.
        [held] = order["fulfillmentOrders"]["nodes"]
        assert held["orderName"] == order["name"]
        assert {f["id"] for f in order["fulfillments"]} == {f["id"] for f in held["fulfillments"]["nodes"]}
        assert {f["location"]["id"] for f in order["fulfillments"]} <= {held["assignedLocation"]["location"]["id"]}
        lines = {li["id"]: li["quantity"] for li in order["lineItems"]["nodes"]}
        assert {li["lineItem"]["id"]: li["totalQuantity"] for li in held["lineItems"]["nodes"]} == lines
        assert held["status"] == ("CLOSED" if order["fulfillments"] else "CANCELLED")
    assert [f["orderName"] for f in data["fulfillmentOrders"]["nodes"]] == [o["name"] for o in orders[:5]]
    assert data["draftOrders"] == {"nodes": [], "pageInfo": {"hasNextPage": False}}
    first_held, variant = data["fulfillmentOrders"]["nodes"][0], data["productVariants"]["nodes"][0]
    ids = [first_held["id"], variant["id"]]
    by_id = """query($ids: [ID!]!, $held: ID!, $variant: ID!) {
      fulfillmentOrder(id: $held) { orderName } productVariant(id: $variant) { sku }
      nodes(ids: $ids) { id } }"""
    _, body = post(shop, {"query": by_id, "variables": {"ids": ids, "held": ids[0], "variant": ids[1]}})
    assert body["data"]["fulfillmentOrder"]["orderName"] == first_held["orderName"]
    assert body["data"]["productVariant"]["sku"] == variant["sku"]
    assert [n["id"] for n in body["data"]["nodes"]] == ids
    assert len(data["productVariants"]["nodes"]) == 5
    for location in data["locations"]["nodes"]:
        address = location["address"]
        assert address["formatted"][0] == address["address1"]
        assert address["city"] in address["formatted"][1] and address["zip"] in address["formatted"][1]


def test_the_app_installation_lists_the_token_s_scopes(sandbox_factory: Any) -> None:
    granted = ("read_orders", "read_products")
    _, base = sandbox_factory(shopify_orders=5, shopify_scopes=granted)
    _, body = post(base, {"query": "{ currentAppInstallation { accessScopes { handle } } }"})
    assert [s["handle"] for s in body["data"]["currentAppInstallation"]["accessScopes"]] == list(granted)
    _, body = post(base, {"query": "{ draftOrders(first: 1) { nodes { id } } }"})
    assert body["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"


BULK_ORDERS = """
{ orders { edges { node { id netPaymentSet { shopMoney { amount } } additionalFees { id } taxLines { title }
  lineItems { edges { node { id duties { id } } } }
  fulfillmentOrders { edges { node { id status orderId } } } } } } }
"""


def test_a_bulk_operation_over_fields_the_world_does_not_hold_completes(sandbox_factory: Any) -> None:
    _, base = sandbox_factory(shopify_orders=30, time_scale=200)
    started = bulk.run(base, BULK_ORDERS)
    assert started["userErrors"] == []
    done, _ = bulk.wait(base, started["bulkOperation"]["id"])
    assert done["status"] == "COMPLETED", done
    lines = bulk.download(done["url"])
    orders = [line for line in lines if line["id"].startswith("gid://shopify/Order/")]
    held = [line for line in lines if line["id"].startswith("gid://shopify/FulfillmentOrder/")]
    assert len(orders) == 30 and len(held) == 30
    assert all(o["additionalFees"] == [] for o in orders)
    assert {h["__parentId"] for h in held} == {o["id"] for o in orders} == {h["orderId"] for h in held}
