"""The ShipBob stand-in's front door: routing by the description's paths, auth, the rate limit,
parameter checks, errors in each API family's shape.

Paths are the description's (`/2026-01/order`, ...) at the sandbox's root, as on ShipBob's own
hosts, and also under `/shipbob` so a client can be given a base URL of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sandbox.amazon.wire import json_response
from sandbox.clock import SimClock
from sandbox.faults import FaultPlan
from sandbox.shopify.api import Response
from sandbox.shopify.data import ShopData

from .auth import Tokens
from .billing import Billing
from .billing_api import INVOICE_PARAMS, TRANSACTION_PARAMS, BillingAPI
from .call import Call
from .catalog_api import INVENTORY_PARAMS, LOCATION_PARAMS, LOT_PARAMS, PRODUCT_PARAMS, CatalogAPI
from .faults import FAULTS, ShipBobFaults
from .orders_api import ORDER_PARAMS, OrdersAPI
from .pages import LINK_CURSOR, BadRequestError, NotFoundError, Query
from .ratelimit import LIMIT, SlidingWindow
from .returns_api import RETURN_PARAMS, ReturnsAPI
from .spec import VERSION, Operation, operation
from .stock import Stock
from .warehouse_api import CHANNEL_PARAMS, RECEIVING_PARAMS, WarehouseAPI
from .warehouse_api import LOCATION_PARAMS as NETWORK_LOCATION_PARAMS
from .world import FULFILLMENT_CENTERS, World

PREFIX = "/shipbob"
ROOT = f"/{VERSION}/"
PREFIXES = (PREFIX + "/", ROOT)
#: Error bodies: `map` is `{"Param": ["message"]}` (orders, channels, products), `problem` RFC 7807.
MAP, PROBLEM = "map", "problem"


@dataclass(frozen=True)
class Route:
    op: Operation
    scope: str
    handler: Callable[[Call], Any]
    params: frozenset[str]  # the query parameters the sandbox honours
    errors: str
    link_cursor: bool = False  # the endpoint's links carry a Cursor the spec does not list


class ShipBobAPI:
    """Serves one ShipBob account that fulfils the sandbox's Shopify shops."""

    def __init__(
        self,
        clock: SimClock,
        shops: list[ShopData],
        *,
        seed: int = 42,
        days: int = 90,
        scopes: tuple[str, ...] | None = None,
        rate_limit: int = LIMIT,
    ) -> None:
        if not isinstance(rate_limit, int) or isinstance(rate_limit, bool) or rate_limit <= 0:
            raise ValueError(f"shipbob_rate_limit: must be a positive number of calls a minute, got {rate_limit!r}")
        self.clock = clock
        self.world = World(shops, seed)
        self.stock = Stock(seed, self.world.anchor, days)
        self.billing = Billing(self.world, self.stock, seed)
        self.faults = ShipBobFaults(self.billing)
        self.tokens = Tokens(scopes)
        self.window = SlidingWindow(clock, rate_limit)
        orders = OrdersAPI(self.world, self.stock, self.faults)
        catalog = CatalogAPI(self.world, self.stock)
        warehouse = WarehouseAPI(self.world, self.stock)
        returns = ReturnsAPI(self.world, self.stock, self.now)
        billing = BillingAPI(self.billing, self.faults, self.now)
        none: frozenset[str] = frozenset()
        table: list[tuple[str, str, Callable[[Call], Any], frozenset[str], str, bool]] = [
            ("get-channels", "channels_read", warehouse.list_channels, CHANNEL_PARAMS, MAP, False),
            ("get-orders", "orders_read", orders.list_orders, ORDER_PARAMS, MAP, False),
            ("get-order", "orders_read", orders.get_order, none, MAP, False),
            ("get-all-shipments-for-order", "orders_read", orders.order_shipments, none, MAP, False),
            ("get-shipment-by-order-id-and-shipment-id", "orders_read", orders.order_shipment, none, MAP, False),
            ("get-shipment", "orders_read", orders.shipment, none, MAP, False),
            ("get-shipment-timeline", "orders_read", orders.timeline, none, MAP, False),
            (
                "get-shipment-status-timeline-by-order-id-and-shipment-id",
                "orders_read",
                orders.order_shipment_timeline,
                none,
                MAP,
                False,
            ),
            ("get-shipment-line-items", "orders_read", orders.line_items, none, PROBLEM, False),
            ("get-products", "products_read", catalog.list_products, PRODUCT_PARAMS, MAP, True),
            ("get-product", "products_read", catalog.get_product, none, MAP, False),
            ("get-product-variants", "products_read", catalog.product_variants, none, MAP, False),
            ("get-all-inventories", "inventory_read", catalog.list_inventory, INVENTORY_PARAMS, PROBLEM, True),
            ("get-inventory", "inventory_read", catalog.get_inventory, none, PROBLEM, False),
            ("get-all-inventory-levels", "inventory_read", catalog.list_levels, INVENTORY_PARAMS, PROBLEM, True),
            ("get-inventory-levels", "inventory_read", catalog.get_level, none, PROBLEM, False),
            (
                "get-all-inventory-levels-grouped-by-fulfillment-center",
                "inventory_read",
                catalog.list_locations,
                LOCATION_PARAMS,
                PROBLEM,
                True,
            ),
            (
                "get-inventory-levels-grouped-by-fulfillment-center",
                "inventory_read",
                catalog.get_locations,
                none,
                PROBLEM,
                False,
            ),
            ("get-all-inventory-levels-grouped-by-lot", "inventory_read", catalog.list_lots, LOT_PARAMS, PROBLEM, True),
            ("get-inventory-levels-grouped-by-lot", "inventory_read", catalog.get_lots, none, PROBLEM, False),
            ("get-fulfillment-centers", "receiving_read", warehouse.fulfillment_centers, none, PROBLEM, False),
            (
                "get-multiple-warehouse-receiving-orders",
                "receiving_read",
                warehouse.list_receiving,
                RECEIVING_PARAMS,
                PROBLEM,
                False,
            ),
            ("get-warehouse-receiving-order", "receiving_read", warehouse.get_receiving, none, PROBLEM, False),
            ("get-warehouse-receiving-order-boxes", "receiving_read", warehouse.boxes, none, PROBLEM, False),
            ("get-locations", "locations_read", warehouse.locations, NETWORK_LOCATION_PARAMS, PROBLEM, False),
            ("get-return-orders", "returns_read", returns.list_returns, RETURN_PARAMS, PROBLEM, False),
            ("get-return-order", "returns_read", returns.get_return, none, PROBLEM, False),
            ("get-invoices", "billing_read", billing.list_invoices, INVOICE_PARAMS, PROBLEM, False),
            (
                "get-transactions-by-invoice-id",
                "billing_read",
                billing.transactions,
                TRANSACTION_PARAMS,
                PROBLEM,
                False,
            ),
            ("get-transaction-fees", "billing_read", billing.transaction_fees, none, PROBLEM, False),
        ]
        self.routes = [Route(operation(n), scope, h, p, e, link) for n, scope, h, p, e, link in table]
        for route in self.routes:
            undocumented = route.params - route.op.query_parameters
            if undocumented:  # a sandbox bug: it must honour only what the description documents
                raise AssertionError(f"{route.op.name} honours undocumented {sorted(undocumented)}")
        # A literal segment wins over a placeholder (`/inventory-level/locations` over `/{inventoryId}`).
        self.routes.sort(key=lambda r: -r.op.literal_length)

    def now(self) -> datetime:
        """The account's present: the world's anchor plus the simulated time since the sandbox started."""
        return self.world.anchor + timedelta(seconds=self.clock.now())

    def describe(self, base_url: str) -> dict[str, Any]:
        return {
            "api_url": base_url + PREFIX,
            "api_version": VERSION,
            "channels": [{"id": c.id, "name": c.name} for c in self.world.channels],
            "fulfillment_centers": [{"id": fc.id, "name": fc.name} for fc in FULFILLMENT_CENTERS],
        }

    def route(self, method: str, path: str) -> tuple[Route, tuple[str, ...]] | None:
        path = path.removeprefix(PREFIX)
        for route in self.routes:
            match = route.op.pattern.match(path)
            if match and route.op.method == method:
                return route, match.groups()
        return None

    def declare_faults(self, plan: FaultPlan) -> None:
        """ShipBob's own kinds in the sandbox's fault registry."""
        plan.declare(
            FAULTS,
            {
                "unbalanced_invoices": self.faults.unbalance,
                "miscounted_shipments": self.faults.miscount,
                "unreadable_amounts": self.faults.garble,
            },
        )

    def injected_error(self, kind: str, status: int, method: str, target: str) -> Response:
        """An error armed through the sandbox-wide faults, in this API's shape."""
        found = self.route(method, urlsplit(target).path)
        style = found[0].errors if found else PROBLEM
        if kind == "throttle":
            response = _error(429, style, "", "Too many requests: the rate limit was exceeded.")
            response.headers.update({"x-retry-after": "1", "x-remaining-calls": "0"})
        else:
            response = _error(status, style, "", f"Injected {status} fault.")
        response.log["operation"] = found[0].op.name if found else None
        return response

    def handle(self, method: str, target: str, headers: dict[str, str], base_url: str) -> Response:
        url = urlsplit(target)
        found = self.route(method, url.path)
        if found is None:
            response = _error(404, PROBLEM, "", f"No operation {method} {url.path} in this sandbox")
            response.log["operation"] = None
            return response
        route, params = found
        response = self._answer(route, params, url.query, headers, base_url + url.path)
        response.log["operation"] = route.op.name
        return response

    def _answer(
        self, route: Route, params: tuple[str, ...], raw_query: str, headers: dict[str, str], endpoint: str
    ) -> Response:
        grant, reason = self.tokens.check(headers.get("authorization"))
        if grant is None:
            return _error(401, PROBLEM, "", reason)
        decision = self.window.take(grant.user_id, grant.application)
        limit_headers = {"x-remaining-calls": str(decision.remaining)}
        if not decision.allowed:
            response = _error(429, route.errors, "", "Too many requests: 150 calls a minute per user and application.")
            response.headers.update({**limit_headers, "x-retry-after": str(decision.retry_after)})
            response.log["throttled"] = True
            return response
        if route.scope not in grant.scopes:
            response = _error(403, PROBLEM, "", f"The access token lacks the scope {route.scope}.")
            response.headers.update(limit_headers)
            return response
        try:
            call = Call(params, self._query(route, raw_query), grant, self._channel(headers), endpoint)
            response = json_response(200, route.handler(call))
        except BadRequestError as err:
            response = _error(400, route.errors, err.param, str(err))
        except NotFoundError as err:
            response = _error(404, PROBLEM, "", str(err))
        except Exception as err:  # a sandbox bug: answer as the API would, and leave a trace in the log
            response = _error(500, PROBLEM, "", "An unexpected error occurred.")
            response.log["exception"] = repr(err)
        response.headers.update(limit_headers)
        return response

    def _query(self, route: Route, raw: str) -> Query:
        """The query by the description's spelling (names match case-insensitively, as ShipBob's do);
        a name the description does not list, or one the sandbox does not filter on, is refused."""
        documented = {name.lower(): name for name in route.op.query_parameters}
        if route.link_cursor:
            documented[LINK_CURSOR.lower()] = LINK_CURSOR
        values: dict[str, str] = {}
        for name, given in parse_qs(raw, keep_blank_values=True).items():
            spelled = documented.get(name.lower())
            if spelled is None:
                raise BadRequestError(name, f"{name} is not a parameter of {route.op.name}.")
            if spelled not in route.params and spelled != LINK_CURSOR:
                raise BadRequestError(name, f"The sandbox does not filter on {spelled}.")
            values[spelled] = ",".join(given)  # repeated (array) parameters read as a comma separated list
        return Query(values)

    def _channel(self, headers: dict[str, str]) -> int | None:
        text = headers.get("shipbob_channel_id")
        if text is None:
            return None
        if not text.strip().isdigit():
            raise BadRequestError("shipbob_channel_id", f"The value '{text}' is not valid for shipbob_channel_id.")
        channel_id = int(text)
        if channel_id not in {c.id for c in self.world.channels}:
            raise BadRequestError("shipbob_channel_id", f"Channel {channel_id} is not a channel of this account.")
        return channel_id


def _error(status: int, style: str, param: str, message: str) -> Response:
    if style == MAP:
        return json_response(status, {param or "Error": [message]})
    titles = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests"}
    return json_response(
        status,
        {
            "type": None,
            "title": titles.get(status, "Error"),
            "status": status,
            "detail": message,
        },
    )
