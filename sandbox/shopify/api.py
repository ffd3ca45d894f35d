"""The Admin GraphQL endpoint: auth, validation against the real schema, cost, execution."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
    validate,
)

from sandbox.bucket import TokenBucket
from sandbox.clock import Clock, SimClock
from sandbox.faults import FaultKinds
from sandbox.shopify import cost as costs
from sandbox.shopify import events
from sandbox.shopify.bulk import FAULT_KINDS as BULK_FAULT_KINDS
from sandbox.shopify.bulk import BulkOperations
from sandbox.shopify.connection import ConnectionArgumentError, page_args, paginate, paginate_sorted
from sandbox.shopify.data import OrderFact, ShopData, iso
from sandbox.shopify.defaults import ShopContext, execute
from sandbox.shopify.entities import ShopEntities, graphql_order
from sandbox.shopify.schema import available_versions, load_schema
from sandbox.shopify.scopes import access_errors, app_installation
from sandbox.shopify.search import Term, matches, parse_query
from sandbox.urls import client_base_url

#: What Shopify can be made to do wrong, beyond the common faults (see sandbox.faults).
FAULTS = FaultKinds(
    "shopify",
    kinds=BULK_FAULT_KINDS,
    filters={"shop": "the shop's domain", "root": "a bulk query's top-level field (bulk faults only)"},
)
DEFAULT_TOKEN = "shpat_sandbox"  # noqa: S105 - the sandbox's published demo token
ORDER_DATE_FIELDS = {"created_at", "updated_at", "processed_at"}


@dataclass
class Response:
    status: int
    body: dict[str, Any] | str
    headers: dict[str, str] = field(default_factory=dict)
    log: dict[str, Any] = field(default_factory=dict)


@dataclass
class Shop:
    """A shop the sandbox serves: its data, access token and rate-limit bucket."""

    data: ShopData
    token: str
    bucket: TokenBucket
    #: The access scopes the token was granted; None: all of them.
    scopes: frozenset[str] | None = None
    #: The sandbox's simulated time: the shop's present is its anchor plus the time simulated since.
    clock: SimClock | None = None
    entities: ShopEntities = field(init=False)

    def __post_init__(self) -> None:
        self.entities = ShopEntities(self.data, self.now)

    @property
    def context(self) -> ShopContext:
        return ShopContext(self.data.currency, self.data.domain, iso(self.data.created_at))

    def now(self) -> datetime:
        """The shop's present: its anchor when the sandbox started, then as simulated time runs, but
        never past the real clock (unless the anchor is): clients bound their reads by their own
        clock, and a present ahead of it would show them, say, a transaction paid out by a payout
        their window cannot yet include."""
        start = self.data.anchor or self.data.created_at
        if self.clock is None:
            return start
        return min(start + timedelta(seconds=self.clock.now()), max(start, datetime.now(UTC)))


def _order_sort_key(sort_key: str | None) -> Callable[[OrderFact], tuple[Any, ...]]:
    if sort_key == "UPDATED_AT":
        return lambda o: (iso(o.updated_at), o.legacy_id)
    if sort_key in ("CREATED_AT", "PROCESSED_AT"):
        return lambda o: (iso(o.created_at), o.legacy_id)
    if sort_key == "ORDER_NUMBER":
        return lambda o: (o.number, o.legacy_id)
    return lambda o: (o.legacy_id,)


def _order_dates(order: OrderFact) -> dict[str, datetime]:
    return {"created_at": order.created_at, "processed_at": order.created_at, "updated_at": order.updated_at}


class ShopifyAPI:
    """Serves `POST /admin/api/{version}/graphql.json` for each sandbox shop."""

    def __init__(
        self, clock: SimClock, bulk: BulkOperations | None = None, *, bucket_clock: Clock | None = None
    ) -> None:
        self.clock = clock
        # The cost buckets' clock: the world's simulated one, or (real-time buckets) its real-time
        # mode, so a client that ignores cost is THROTTLED as on Shopify.
        self.bucket_clock = bucket_clock or clock
        self.shops: dict[str, Shop] = {}
        self.bulk = bulk or BulkOperations(clock)
        self.bulk.faults.declare(FAULTS)

    def add_shop(
        self,
        data: ShopData,
        token: str = DEFAULT_TOKEN,
        *,
        maximum: float = 2000.0,
        restore_rate: float = 100.0,
        scopes: frozenset[str] | None = None,
    ) -> Shop:
        shop = Shop(
            data=data,
            token=token,
            bucket=TokenBucket(self.bucket_clock, maximum, restore_rate),
            scopes=scopes,
            clock=self.clock,
        )
        self.shops[data.domain] = shop
        return shop

    @property
    def default_shop(self) -> str:
        return next(iter(self.shops))

    def handle(
        self,
        shop_domain: str | None,
        version: str,
        headers: dict[str, str],
        body: bytes,
        *,
        storm: bool = False,
        base_url: str | None = None,
    ) -> Response:
        """Answer one request; in a `storm` the bucket is drained first, so it is THROTTLED."""
        domain = shop_domain or self.default_shop
        shop = self.shops.get(domain)
        if shop is None:
            return Response(404, {"errors": "Not Found"}, log={"shop": domain})
        token = headers.get("x-shopify-access-token")
        if token != shop.token:
            return Response(
                401,
                {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"},
                log={"shop": domain},
            )
        versions = available_versions()
        # Shopify serves the oldest supported version for unknown or retired ones.
        served = version if version in versions else versions[0]
        try:
            payload = json.loads(body or b"{}")
            query = payload["query"]
            variables = payload.get("variables") or {}
            operation_name = payload.get("operationName")
            if not isinstance(query, str) or not isinstance(variables, dict):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return Response(400, {"errors": {"query": "Required parameter missing or invalid"}}, log={"shop": domain})
        # Result URLs of bulk operations point back at this server, as the client reached it.
        request = _Request(served, load_schema(served), base_url or client_base_url(headers, "http"))
        result = self._run(shop, request, query, variables, operation_name, storm=storm)
        result.headers["X-Shopify-API-Version"] = served
        result.log["shop"] = domain
        result.log["operation"] = operation_name or _first_operation_name(_check(served, query).document)
        return result

    def _run(
        self,
        shop: Shop,
        request: _Request,
        query: str,
        variables: dict[str, Any],
        operation_name: str | None,
        *,
        storm: bool = False,
    ) -> Response:
        schema = request.schema
        checked = _check(request.version, query)
        if checked.document is None:
            return Response(200, {"errors": checked.errors}, log={"invalid": True} if checked.invalid else {})
        document = checked.document
        denied = access_errors(document, shop.scopes)
        if denied:
            return Response(200, {"errors": denied, "data": None}, log={"access_denied": True})
        try:
            requested = costs.requested_cost(schema, document, variables, operation_name)
        except costs.MissingPageSizeError as err:
            return Response(200, {"errors": [{"message": str(err), "extensions": {"code": "argumentError"}}]})
        if requested > costs.MAX_SINGLE_QUERY_COST:
            return _max_cost_exceeded(requested, costs.throttle_status(shop.bucket).as_dict())
        if storm:
            shop.bucket.drain()
        if storm or not shop.bucket.take(requested):
            cost = {
                "requestedQueryCost": requested,
                "actualQueryCost": None,
                "throttleStatus": costs.throttle_status(shop.bucket).as_dict(),
            }
            return Response(
                200,
                {
                    "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
                    "extensions": {"cost": cost},
                },
                log={"requested_cost": requested, "throttled": True},
            )
        search_warnings: list[dict[str, Any]] = []  # per request: the server is threaded
        result: ExecutionResult = execute(
            schema,
            document,
            self._root(shop, search_warnings, request),
            variables=variables,
            operation_name=operation_name,
            context=shop.context,
        )
        actual = costs.actual_cost(schema, document, variables, result.data, operation_name)
        shop.bucket.refund(max(0, requested - actual))
        body: dict[str, Any] = {}
        if result.errors:
            body["errors"] = [_error(e, "executionError") for e in result.errors]
        body["data"] = result.data
        extensions: dict[str, Any] = {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": actual,
                "throttleStatus": costs.throttle_status(shop.bucket).as_dict(),
            }
        }
        if search_warnings:
            extensions["search"] = search_warnings
        body["extensions"] = extensions
        top = costs.selected_fields(schema, document, costs.operation(document, operation_name).selection_set, None)
        fields = [f.name.value for f, _ in top]
        return Response(200, body, log={"requested_cost": requested, "actual_cost": actual, "fields": fields})

    def _root(self, shop: Shop, search_warnings: list[dict[str, Any]], request: _Request) -> dict[str, Any]:
        data = shop.data

        def order_terms(field: str, query: str | None) -> list[Term]:
            terms, warnings = parse_query(query, ORDER_DATE_FIELDS)
            if warnings:
                search_warnings.append({"path": [field], "query": query, "warnings": warnings})
            return terms

        def select_orders(field: str, query: str | None) -> list[OrderFact]:
            terms = order_terms(field, query)
            return [o for o in data.live_orders() if matches(terms, _order_dates(o))]

        def orders(_info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
            terms = order_terms("orders", args.get("query"))
            sort_key = args.get("sortKey") or "ID"
            keys, ordered = data.sorted_orders(sort_key, _order_sort_key(sort_key))
            # Sorted by update time, an updated_at lower limit is where the page walk starts.
            floors = [
                iso(t.value)
                for t in terms
                if t.field == "updated_at" and t.op in (">", ">=") and isinstance(t.value, datetime)
            ]
            try:
                return paginate_sorted(
                    keys,
                    ordered,
                    lambda o: graphql_order(data, o),
                    keep=lambda o: matches(terms, _order_dates(o)),
                    lower_bound=[max(floors)] if floors and sort_key == "UPDATED_AT" else None,
                    **page_args(args),
                )
            except ConnectionArgumentError as err:
                raise GraphQLError(str(err)) from err

        def order(_info: GraphQLResolveInfo, id: str) -> dict[str, Any] | None:  # noqa: A002 - GraphQL argument
            fact = data.order_by_gid(id)
            return None if fact is None else graphql_order(data, fact)

        def deletion_events(_info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
            terms, warnings = parse_query(args.get("query"), events.EVENT_DATE_FIELDS, events.EVENT_TEXT_FIELDS)
            if warnings:
                search_warnings.append({"path": ["events"], "query": args.get("query"), "warnings": warnings})
            by_id = args.get("sortKey") == "ID"
            try:
                return paginate(
                    events.select(data.deletions, terms),
                    (lambda d: (d.number,)) if by_id else (lambda d: (iso(d.at), d.number)),
                    events.render_event,
                    **page_args(args),
                )
            except ConnectionArgumentError as err:
                raise GraphQLError(str(err)) from err

        def orders_count(
            _info: GraphQLResolveInfo, query: str | None = None, limit: int | None = 10000, **_: Any
        ) -> dict[str, Any]:
            count = len(select_orders("ordersCount", query))
            if limit is not None and count > limit:
                return {"count": limit, "precision": "AT_LEAST"}
            return {"count": count, "precision": "EXACT"}

        def execute_bulk(document: DocumentNode, variables: dict[str, Any]) -> ExecutionResult:
            # A bulk query is accepted whatever it reads; a missing scope fails it as ACCESS_DENIED.
            denied = access_errors(document, shop.scopes)
            if denied:
                return ExecutionResult(None, [GraphQLError(e["message"], extensions=e["extensions"]) for e in denied])
            return execute(
                request.schema, document, self._root(shop, [], request), variables=variables, context=shop.context
            )

        bulk = self.bulk.resolvers(data.domain, request.version, request.schema, request.base_url, execute_bulk)

        def node(info: GraphQLResolveInfo, id: str) -> dict[str, Any] | None:  # noqa: A002 - GraphQL argument
            if id.startswith("gid://shopify/BulkOperation/"):
                return bulk["bulkOperation"](info, id)  # type: ignore[no-any-return]
            return shop.entities.node(id)

        return {
            "shop": data.shop_object,
            "orders": orders,
            "order": order,
            "ordersCount": orders_count,
            "events": deletion_events,
            "currentAppInstallation": app_installation(shop.scopes),
            "node": node,
            **bulk,
            **shop.entities.resolvers(search_warnings),
        }


@dataclass(frozen=True)
class _Request:
    """What a request's resolvers need to know beyond the shop: its API version and base URL."""

    version: str
    schema: GraphQLSchema
    base_url: str


@dataclass(frozen=True)
class _Checked:
    """A query text parsed and validated: its document, or the errors to answer with."""

    document: DocumentNode | None
    errors: list[dict[str, Any]]
    invalid: bool = False


@lru_cache(maxsize=256)
def _check(version: str, query: str) -> _Checked:
    """Parse and validate once per query text and version: clients send the same few queries on every page."""
    try:
        document = parse(query)
    except GraphQLError as err:
        return _Checked(None, [_error(err, "parseError")])
    problems = validate(load_schema(version), document)
    if problems:
        return _Checked(None, [_error(e, "validationError") for e in problems], invalid=True)
    return _Checked(document, [])


def _first_operation_name(document: DocumentNode | None) -> str | None:
    """The name of a document's first operation, so the request log can count calls per query."""
    for definition in document.definitions if document else ():
        if isinstance(definition, OperationDefinitionNode):
            return definition.name.value if definition.name else None
    return None


def _error(err: GraphQLError, code: str) -> dict[str, Any]:
    out: dict[str, Any] = {"message": err.message}
    if err.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in err.locations]
    if err.path:
        out["path"] = list(err.path)
    out["extensions"] = {"code": code}
    return out


def _max_cost_exceeded(requested: int, throttle_status: dict[str, float]) -> Response:
    """Shopify's refusal of a query over the single-query limit: nothing run, nothing charged."""
    message = (
        f"Query cost is {requested}, which exceeds the single query max cost limit ({costs.MAX_SINGLE_QUERY_COST}).\n\n"
        "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n"
    )
    extensions = {"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": costs.MAX_SINGLE_QUERY_COST}
    cost = {"requestedQueryCost": requested, "actualQueryCost": None, "throttleStatus": throttle_status}
    return Response(
        200,
        {"errors": [{"message": message, "extensions": extensions}], "extensions": {"cost": cost}},
        log={"requested_cost": requested, "max_cost_exceeded": True},
    )
