"""Resolvers for everything the shop holds beyond the shop object and its order list:
order activity (refunds, transactions, fulfillments), customers, products and variants,
inventory, locations and Shopify Payments.

Objects are rendered from the shop's facts when a query reaches them; connections page
with Shopify's cursor rules and lists honour `first`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cached_property
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from sandbox.catalog import CATALOG
from sandbox.shopify.catalog_data import (
    LOCATIONS,
    PRODUCT_ID_BASE,
    Catalog,
    Location,
    build_catalog,
    variant_legacy_id,
)
from sandbox.shopify.connection import ConnectionArgumentError, page_args, paginate, paginate_sorted
from sandbox.shopify.data import LEGACY_ID_BASE, OrderFact, ShopData, gid, iso
from sandbox.shopify.fulfillment_orders import fulfillment_order
from sandbox.shopify.ledger import PAYOUT_ID_BASE, Ledger, build_ledger, customer_object
from sandbox.shopify.order_activity import render_order_activity
from sandbox.shopify.search import matches, parse_query

DATE_FIELDS = {"created_at", "updated_at"}
# Shopify Payments search fields (ShopifyPaymentsAccount.payouts / balanceTransactions `query`)
# and sort keys the sandbox honours; other documented fields get Shopify's "invalid field" warning.
PAYOUT_DATE_FIELDS = {"issued_at"}
PAYOUT_TEXT_FIELDS = frozenset({"status"})
PAYOUT_SORT_FIELDS = {"ID": "id", "ISSUED_AT": "issued_at", "STATUS": "status"}
BALANCE_DATE_FIELDS = {"processed_at", "payout_date"}
BALANCE_TEXT_FIELDS = frozenset({"payout_status", "transaction_type", "payments_transfer_id"})
# Sort keys whose order never moves with the shop's clock: these page from a sorted index.
STATIC_BALANCE_SORTS = frozenset({"id", "processed_at"})
BALANCE_SORT_FIELDS = {
    "ID": "id",
    "PROCESSED_AT": "processed_at",
    "PAYOUT_DATE": "payout_date",
    "PAYOUT_STATUS": "payout_status",
    "TRANSACTION_TYPE": "transaction_type",
}
Resolver = Callable[..., Any]


def connection(objects: Sequence[dict[str, Any]]) -> Resolver:
    """A connection field over objects already in their order."""
    indexed = list(enumerate(objects))

    def resolve(_info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _page(indexed, lambda p: (p[0],), lambda p: p[1], args)

    return resolve


def listing(objects: list[dict[str, Any]]) -> Resolver:
    """A list field that takes `first` (Order.refunds, Order.fulfillments, ...)."""

    def resolve(_info: GraphQLResolveInfo, first: int | None = None, **_args: Any) -> list[dict[str, Any]]:
        return objects if first is None else objects[:first]

    return resolve


def _page(
    items: Sequence[Any], key: Callable[[Any], tuple[Any, ...]], render: Resolver, args: dict[str, Any]
) -> dict[str, Any]:
    try:
        return paginate(items, key, render, **page_args(args))
    except ConnectionArgumentError as err:
        raise GraphQLError(str(err)) from err


def graphql_order(shop: ShopData, fact: OrderFact) -> dict[str, Any]:
    """An order with its lines, refunds, transactions and fulfillments as GraphQL fields."""
    order = render_order_activity(shop, fact)
    lines, fulfillments = order["lineItems"], order["fulfillments"]
    order["lineItems"] = connection(lines)
    for refund in order["refunds"]:
        for name in ("refundLineItems", "refundShippingLines", "orderAdjustments", "transactions"):
            refund[name] = connection(refund[name])
    for fulfillment in order["fulfillments"]:
        fulfillment["fulfillmentLineItems"] = connection(fulfillment["fulfillmentLineItems"])

    def fulfillment_orders(info: GraphQLResolveInfo | None, **args: Any) -> dict[str, Any]:
        # Built when asked for: most queries of an order never select its fulfillment orders.
        held = fulfillment_order(order, lines, fulfillments)
        held["lineItems"] = connection(held["lineItems"])
        held["fulfillments"] = connection(held["fulfillments"])
        return connection([held])(info, **args)  # type: ignore[no-any-return]

    order["fulfillmentOrders"] = fulfillment_orders
    for name in ("refunds", "transactions", "fulfillments"):
        order[name] = listing(order[name])
    return order


def _number(object_gid: str, kind: str) -> int | None:
    prefix = f"gid://shopify/{kind}/"
    tail = object_gid.removeprefix(prefix).split("?", 1)[0]
    return int(tail) if object_gid.startswith(prefix) and tail.isdigit() else None


class ShopEntities:
    """The entities of one shop, with the aggregates (ledger) built once and reused."""

    def __init__(self, data: ShopData, now: Callable[[], datetime] | None = None) -> None:
        self.data = data
        #: The shop's present: payouts are issued and paid as it moves on.
        self.now = now or (lambda: data.anchor or data.created_at)
        self._ledger: tuple[int, Ledger] | None = None
        self._lock = threading.Lock()

    @cached_property
    def catalog(self) -> Catalog:
        return build_catalog(self.data)

    @property
    def ledger(self) -> Ledger:
        # Edits move updated_at only, so the ledger holds until orders are added.
        with self._lock:
            if self._ledger is None or self._ledger[0] != len(self.data.orders):
                self._ledger = (len(self.data.orders), build_ledger(self.data))
            return self._ledger[1]

    def customer_count(self) -> int:
        return max(10, len(self.data.orders) // 3)  # as render_order draws customers

    def _child_of_order(self, object_gid: str, kind: str, field: str) -> dict[str, Any] | None:
        number = _number(object_gid, kind)
        fact = self.data.order_by_gid(f"gid://shopify/Order/{number // 10}") if number else None
        if fact is None:
            return None
        order = graphql_order(self.data, fact)
        return next((o for o in order[field](None) if o["id"] == object_gid), None)

    def _filtered(
        self,
        path: str,
        args: dict[str, Any],
        objects: list[dict[str, Any]],
        warnings: list[dict[str, Any]],
    ) -> list[dict[str, Any]]:
        terms, found = parse_query(args.get("query"), DATE_FIELDS)
        if found:
            warnings.append({"path": [path], "query": args.get("query"), "warnings": found})
        return [
            o
            for o in objects
            if matches(
                terms,
                {
                    "created_at": datetime.fromisoformat(o["createdAt"]),
                    "updated_at": datetime.fromisoformat(o["updatedAt"]),
                },
            )
        ]

    def _sorted_page(
        self, objects: list[dict[str, Any]], args: dict[str, Any], sort_fields: dict[str, str]
    ) -> dict[str, Any]:
        field = sort_fields.get(args.get("sortKey") or "ID")

        def key(o: dict[str, Any]) -> tuple[Any, ...]:
            number = int(o["legacyResourceId"])
            return (number,) if field is None else (o[field], number)

        return _page(objects, key, lambda o: o, args)

    def _searched_page(
        self,
        path: str,
        args: dict[str, Any],
        items: list[tuple[Any, dict[str, Any]]],
        fields: tuple[set[str], frozenset[str], dict[str, str]],
        *,
        render: Callable[[Any], dict[str, Any]],
        warnings: list[dict[str, Any]],
    ) -> dict[str, Any]:
        """A page of `items` (each with its search values) filtered by `query` and sorted by `sortKey`."""
        date_fields, text_fields, sort_fields = fields
        terms, found = parse_query(args.get("query"), date_fields, text_fields)
        if found:
            warnings.append({"path": [path], "query": args.get("query"), "warnings": found})
        sort_field = sort_fields.get(args.get("sortKey") or "ID", "id")

        def key(pair: tuple[Any, dict[str, Any]]) -> tuple[Any, ...]:
            value = pair[1][sort_field]
            value = iso(value) if isinstance(value, datetime) else "" if value is None else value
            return (value, pair[1]["id"])

        chosen = [pair for pair in items if matches(terms, pair[1])]
        return _page(chosen, key, lambda pair: render(pair[0]), args)

    # -- objects -----------------------------------------------------------------

    def location(self, location: Location, warnings: list[dict[str, Any]]) -> dict[str, Any]:
        obj = self.catalog.location_object(location)

        def inventory_levels(_info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
            levels = [self.catalog.level_object(lv) for lv in self.catalog.levels_at(location)]
            chosen = self._filtered("inventoryLevels", args, levels, warnings)
            return _page(chosen, lambda o: (o["id"],), lambda o: o, args)

        obj["inventoryLevels"] = inventory_levels
        return obj

    def product(self, product_index: int) -> dict[str, Any]:
        obj = self.catalog.product_object(product_index)
        variants = [self.variant(item) for item in self.catalog.items_of(product_index)]
        obj["variants"] = connection(variants)
        return obj

    def variant(self, item: Any) -> dict[str, Any]:
        obj = self.catalog.variant_object(item)
        obj["inventoryItem"] = self.inventory_item(item)
        return obj

    def inventory_item(self, item: Any) -> dict[str, Any]:
        obj = self.catalog.inventory_item_object(item)
        obj["inventoryLevels"] = connection([self.catalog.level_object(lv) for lv in self.catalog.levels_of_item(item)])
        return obj

    def customers(self) -> list[dict[str, Any]]:
        stats = self.ledger.customers
        everyone = (customer_object(self.data, n, stats.get(n)) for n in range(1, self.customer_count() + 1))
        return [c for c in everyone if c["id"] not in self.data.deleted_ids]

    # -- root fields -------------------------------------------------------------

    def resolvers(self, warnings: list[dict[str, Any]]) -> dict[str, Any]:
        data = self.data
        currency = data.currency

        def customers(_info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
            chosen = self._filtered("customers", args, self.customers(), warnings)
            return self._sorted_page(chosen, args, {"UPDATED_AT": "updatedAt", "CREATED_AT": "createdAt"})

        def products(_info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
            indexes = sorted({item.product_index for item in CATALOG})
            live = [p for p in map(self.product, indexes) if p["id"] not in data.deleted_ids]
            chosen = self._filtered("products", args, live, warnings)
            return self._sorted_page(
                chosen, args, {"UPDATED_AT": "updatedAt", "CREATED_AT": "createdAt", "TITLE": "title"}
            )

        def product(_info: GraphQLResolveInfo, id: str) -> dict[str, Any] | None:  # noqa: A002 - GraphQL argument
            number = _number(id, "Product")
            indexes = {item.product_index for item in CATALOG}
            index = None if number is None else number - PRODUCT_ID_BASE
            if index not in indexes or index is None or id in data.deleted_ids:
                return None
            return self.product(index)

        def product_variants(_info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
            live = [
                self.variant(item)
                for item in CATALOG
                if gid("Product", PRODUCT_ID_BASE + item.product_index) not in data.deleted_ids
            ]
            chosen = self._filtered("productVariants", args, live, warnings)
            return self._sorted_page(chosen, args, {"SKU": "sku", "TITLE": "title", "POSITION": "position"})

        def fulfillment_orders(_info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
            # Every order in the world is fulfilled or cancelled: its fulfillment order is closed.
            if not args.get("includeClosed"):
                return _page([], lambda o: (o,), lambda o: o, args)
            terms, found = parse_query(args.get("query"), DATE_FIELDS)
            if found:
                warnings.append({"path": ["fulfillmentOrders"], "query": args.get("query"), "warnings": found})
            keys, ordered = data.sorted_orders("ID", lambda o: (o.legacy_id,))
            try:
                return paginate_sorted(
                    keys,
                    ordered,
                    self.fulfillment_order_of,
                    keep=lambda fact: matches(terms, {"created_at": fact.created_at, "updated_at": fact.updated_at}),
                    **page_args(args),
                )
            except ConnectionArgumentError as err:
                raise GraphQLError(str(err)) from err

        def draft_orders(_info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
            return _page([], lambda o: (o,), lambda o: o, args)  # the shop has no draft orders

        def inventory_items(_info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
            chosen = self._filtered("inventoryItems", args, [self.inventory_item(i) for i in CATALOG], warnings)
            return self._sorted_page(chosen, args, {})

        def locations(_info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
            objects = [self.location(loc, warnings) for loc in LOCATIONS]
            return self._sorted_page(objects, args, {"NAME": "name"})

        def location(_info: GraphQLResolveInfo, id: str | None = None) -> dict[str, Any] | None:  # noqa: A002
            number = LOCATIONS[0].legacy_id if id is None else _number(id, "Location")
            return next((self.location(loc, warnings) for loc in LOCATIONS if loc.legacy_id == number), None)

        def payouts(_info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
            ledger, now = self.ledger, self.now()
            return self._searched_page(
                "payouts",
                args,
                [(p, ledger.payout_fields(p, now)) for p in ledger.issued(now)],
                (PAYOUT_DATE_FIELDS, PAYOUT_TEXT_FIELDS, PAYOUT_SORT_FIELDS),
                render=lambda p: ledger.payout_object(p, currency, now),
                warnings=warnings,
            )

        def balance_transactions(_info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
            ledger, now = self.ledger, self.now()
            sort_field = BALANCE_SORT_FIELDS.get(args.get("sortKey") or "ID", "id")
            if sort_field in STATIC_BALANCE_SORTS:
                # Tens of thousands of transactions: walk a sorted index from the cursor, filtering
                # and rendering only the page, as the orders connection does.
                terms, found = parse_query(args.get("query"), BALANCE_DATE_FIELDS, BALANCE_TEXT_FIELDS)
                if found:
                    warnings.append({"path": ["balanceTransactions"], "query": args.get("query"), "warnings": found})
                floors = [
                    iso(t.value)
                    for t in terms
                    if t.field == "processed_at" and t.op in (">", ">=") and isinstance(t.value, datetime)
                ]
                keys, ordered = ledger.sorted_balance(sort_field)
                try:
                    return paginate_sorted(
                        keys,
                        ordered,
                        lambda t: ledger.balance_object(t, currency, now),
                        keep=lambda t: matches(terms, ledger.balance_fields(t, now)),
                        lower_bound=[max(floors)] if floors and sort_field == "processed_at" else None,
                        **page_args(args),
                    )
                except ConnectionArgumentError as err:
                    raise GraphQLError(str(err)) from err
            return self._searched_page(
                "balanceTransactions",
                args,
                [(t, ledger.balance_fields(t, now)) for t in ledger.balance],
                (BALANCE_DATE_FIELDS, BALANCE_TEXT_FIELDS, BALANCE_SORT_FIELDS),
                render=lambda t: ledger.balance_object(t, currency, now),
                warnings=warnings,
            )

        account = {
            "__typename": "ShopifyPaymentsAccount",
            "id": f"gid://shopify/ShopifyPaymentsAccount/{LEGACY_ID_BASE // 1000}",
            "activated": True,
            "country": "US",
            "defaultCurrency": currency,
            "onboardable": False,
            "payouts": payouts,
            "balanceTransactions": balance_transactions,
        }

        return {
            "customers": customers,
            "products": products,
            "product": product,
            "productVariants": product_variants,
            "productVariant": lambda _info, id: self.product_variant(id),  # noqa: A006
            "fulfillmentOrder": lambda _info, id: self.fulfillment_order(id),  # noqa: A006
            "fulfillmentOrders": fulfillment_orders,
            "draftOrders": draft_orders,
            "inventoryItems": inventory_items,
            "locations": locations,
            "location": location,
            "refund": lambda _info, id: self._child_of_order(id, "Refund", "refunds"),  # noqa: A006
            "fulfillment": lambda _info, id: self._child_of_order(id, "Fulfillment", "fulfillments"),  # noqa: A006
            "shopifyPaymentsAccount": account,
            "nodes": lambda _info, ids: [self.node(i) for i in ids],
        }

    def fulfillment_order(self, object_gid: str) -> dict[str, Any] | None:
        """An order's fulfillment order, numbered as the order."""
        number = _number(object_gid, "FulfillmentOrder")
        fact = self.data.order_by_gid(f"gid://shopify/Order/{number}") if number else None
        return None if fact is None else self.fulfillment_order_of(fact)

    def fulfillment_order_of(self, fact: OrderFact) -> dict[str, Any]:
        return graphql_order(self.data, fact)["fulfillmentOrders"](None, first=1)["nodes"][0]  # type: ignore[no-any-return]

    def product_variant(self, object_gid: str) -> dict[str, Any] | None:
        number = _number(object_gid, "ProductVariant")
        item = next((i for i in CATALOG if variant_legacy_id(i) == number), None)
        variant = None if item is None else self.variant(item)
        return None if variant is None or {variant["id"], variant["product"]["id"]} & self.data.deleted_ids else variant

    def payout(self, object_gid: str) -> dict[str, Any] | None:
        """A payout issued by now, by global id."""
        number = _number(object_gid, "ShopifyPaymentsPayout")
        ledger, now = self.ledger, self.now()
        found = next((p for p in ledger.issued(now) if number == PAYOUT_ID_BASE + p.number), None)
        return None if found is None else ledger.payout_object(found, self.data.currency, now)

    def node(self, object_gid: str) -> dict[str, Any] | None:
        """An order, its refund, fulfillment or fulfillment order, a variant or a payout, by global id."""
        if object_gid.startswith("gid://shopify/FulfillmentOrder/"):
            return self.fulfillment_order(object_gid)
        if object_gid.startswith("gid://shopify/ProductVariant/"):
            return self.product_variant(object_gid)
        if object_gid.startswith("gid://shopify/ShopifyPaymentsPayout/"):
            return self.payout(object_gid)
        if object_gid.startswith("gid://shopify/Refund/"):
            return self._child_of_order(object_gid, "Refund", "refunds")
        if object_gid.startswith("gid://shopify/Fulfillment/"):
            return self._child_of_order(object_gid, "Fulfillment", "fulfillments")
        fact = self.data.order_by_gid(object_gid)
        return None if fact is None else graphql_order(self.data, fact)
