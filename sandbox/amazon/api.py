"""The SP-API stand-in's front door: LWA, routing by the models' paths, auth, usage plans, faults.

URL layout under the sandbox's base URL:
  POST /lwa/auth/o2/token           Login with Amazon token exchange
  /sp-api/<model path>              every served SP-API operation, paths exactly as in the models
  GET /sp-api-documents/<id>        report documents behind short-lived signed URLs
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from sandbox.clock import SimClock
from sandbox.faults import FaultKinds, FaultPlan
from sandbox.shopify.api import Response

from .context import Call, InvalidInputError, NotFoundError, World
from .data import MARKETPLACES, OrderShapes, generate_history
from .finances import FinancesAPI
from .inventory import InventoryAPI
from .lwa import CLIENT_ID, LoginWithAmazon
from .models import Operation, operation
from .orders import OrdersAPI
from .ratelimit import UsagePlans, rate_header, retry_after_header
from .reports import ReportsAPI
from .sellers import SellersAPI
from .tokens import TokensAPI
from .wire import Stream, error

LWA_PATH = "/lwa/auth/o2/token"
#: Where Login with Amazon itself answers: a client that only lets its LWA host be changed lands here.
LWA_NATIVE_PATH = "/auth/o2/token"
API_PREFIX = "/sp-api"
#: The served APIs' own roots, so a client that only lets its endpoint host be changed reaches them.
API_ROOTS = ("/orders/", "/reports/", "/finances/", "/fba/inventory/", "/sellers/", "/tokens/")
DOCUMENT_PREFIX = "/sp-api-documents/"
PREFIXES = (LWA_PATH, LWA_NATIVE_PATH, API_PREFIX + "/", DOCUMENT_PREFIX, *API_ROOTS)

Handler = Callable[[Call], Response]

#: What Amazon can be made to do wrong, beyond the common faults (see sandbox.faults).
FAULTS = FaultKinds(
    "amazon",
    kinds={
        "server_errors": "SP-API calls answered 500 and 503, alternately",
        "connection_resets": "SP-API calls whose connection is closed, after their token is checked",
        "fatal_reports": "created reports that end FATAL",
        "cancelled_reports": "created reports that end CANCELLED",
        "truncated_documents": "report documents whose body stops half way",
        "unbalanced_settlements": "settlement documents whose total is a cent off their lines",
        "undeclared_charset_documents": "report documents in Cp1252 whose Content-Type names no charset",
        "unreadable_dates": "report documents whose third row has a date in an unknown form",
        "unreadable_event_dates": "listFinancialEvents pages whose first event is dated in an unknown form",
        "unreadable_order_dates": "searchOrders pages whose first order is created at a date in an unknown form",
        "unreadable_inventory_quantities": "getInventorySummaries pages whose first total quantity is not a number",
    },
    filters={
        "operation": "the SP-API operation called (calls, and the pages they answer)",
        "report_type": "the report's type (reports and their documents)",
    },
    actions={
        "expire_tokens": "every access token issued so far expires now",
        "drain_buckets": "every usage-plan bucket is emptied now (the start of a 429 storm)",
    },
)
_ERROR_CODES = {
    400: "InvalidInput",
    403: "Unauthorized",
    404: "NotFound",
    429: "QuotaExceeded",
    503: "ServiceUnavailable",
}


class AmazonAPI:
    """Serves one selling partner's SP-API for the sandbox."""

    def __init__(
        self,
        clock: SimClock,
        *,
        seed: int = 42,
        orders: int = 300,
        days: int = 90,
        anchor: datetime | None = None,
        marketplace_ids: tuple[str, ...] = tuple(MARKETPLACES),
        faults: FaultPlan | None = None,
        live_orders_per_day: float = 0.0,
        shapes: OrderShapes | None = None,
        reserves: float = 0.0,
    ) -> None:
        history = generate_history(
            seed=seed,
            orders=orders,
            days=days,
            anchor=anchor,
            marketplace_ids=marketplace_ids,
            live_orders_per_day=live_orders_per_day,
            shapes=shapes,
        )
        # Simulated wall time starts now (or at a fixed anchor), after every historic order.
        wall_start = anchor or datetime.now(UTC).replace(microsecond=0)
        self.faults = faults or FaultPlan()
        self.world = World(clock, history, self.faults, wall_start, reserves)
        self.lwa = LoginWithAmazon(clock.real_time(), history.selling_partner_id)
        self.plans = UsagePlans(clock)
        self.faults.declare(
            FAULTS,
            {"expire_tokens": lambda _count: self.lwa.expire_all(), "drain_buckets": lambda _count: self.plans.drain()},
        )
        orders_api = OrdersAPI(self.world)
        self.reports = ReportsAPI(self.world)
        finances = FinancesAPI(self.world)
        inventory = InventoryAPI(self.world)
        sellers = SellersAPI(self.world)
        tokens = TokensAPI(self.world, self.lwa)
        self.routes: list[tuple[Operation, Handler]] = [
            (operation("orders_2026-01-01", "searchOrders"), orders_api.search_orders),
            (operation("orders_2026-01-01", "getOrder"), orders_api.get_order),
            (operation("ordersV0", "getOrders"), orders_api.get_orders),
            (operation("ordersV0", "getOrderItems"), orders_api.get_order_items),
            (operation("ordersV0", "getOrder"), orders_api.get_order_v0),
            (operation("reports_2021-06-30", "createReport"), self.reports.create_report),
            (operation("reports_2021-06-30", "getReports"), self.reports.get_reports),
            (operation("reports_2021-06-30", "getReport"), self.reports.get_report),
            (operation("reports_2021-06-30", "cancelReport"), self.reports.cancel_report),
            (operation("reports_2021-06-30", "getReportDocument"), self.reports.get_report_document),
            (operation("financesV0", "listFinancialEventGroups"), finances.list_groups),
            (operation("financesV0", "listFinancialEventsByGroupId"), finances.list_events_by_group),
            (operation("financesV0", "listFinancialEventsByOrderId"), finances.list_events_by_order),
            (operation("financesV0", "listFinancialEvents"), finances.list_events),
            (operation("fbaInventory", "getInventorySummaries"), inventory.summaries),
            (operation("sellers", "getMarketplaceParticipations"), sellers.marketplace_participations),
            (operation("tokens_2021-03-01", "createRestrictedDataToken"), tokens.create_restricted_data_token),
        ]

    def describe(self, base_url: str) -> dict[str, object]:
        """What a client needs to connect (shown by health and `python -m sandbox status`)."""
        return {
            "lwa_token_url": base_url + LWA_PATH,
            "api_url": base_url + API_PREFIX,
            "selling_partner_id": self.world.seller.selling_partner_id,
            "marketplace_ids": [m.id for m in self.world.seller.marketplaces],
            "orders": len(self.world.seller.orders),
            "client_id": CLIENT_ID,
        }

    def find_operation(self, method: str, target: str) -> Operation | None:
        """The SP-API operation a request calls, if it calls one."""
        path = urlsplit(target).path.removeprefix(API_PREFIX)
        return next((op for op, _ in self.routes if op.method == method and op.pattern.match(path)), None)

    def injected_error(self, status: int, method: str, target: str) -> Response:
        """An armed `http_error`, shaped as SP-API shapes its own errors."""
        op = self.find_operation(method, target)
        response = error(status, _ERROR_CODES.get(status, "InternalFailure"), f"Injected {status} fault.")
        response.headers["x-amzn-RequestId"] = str(uuid.uuid4())
        if op is not None:
            response.headers["x-amzn-RateLimit-Limit"] = rate_header(op.rate * self.world.clock.time_scale)
        response.log["operation"] = op.name if op else None
        return response

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes, base_url: str
    ) -> Response | Stream:
        """Answer one request; the result's `log` names the operation for the request log.

        `base_url` is how the client reached the sandbox (see `sandbox.urls`): document URLs use it.
        """
        url = urlsplit(target)
        query = parse_qs(url.query, keep_blank_values=True)
        if url.path in (LWA_PATH, LWA_NATIVE_PATH) and method == "POST":
            response = self.lwa.exchange(body)
            response.log["operation"] = "lwaToken"
            return response
        if url.path.startswith(DOCUMENT_PREFIX):
            return self.reports.download(url.path.removeprefix(DOCUMENT_PREFIX), query)
        path = url.path.removeprefix(API_PREFIX)
        for op, handler in self.routes:
            match = op.pattern.match(path)
            if match and op.method == method:
                return self._call(
                    op, handler, params=match.groups(), query=query, headers=headers, body=body, base_url=base_url
                )
        response = error(404, "NotFound", f"No operation {method} {path} in this sandbox")
        response.log["operation"] = None
        return response

    def _call(
        self,
        op: Operation,
        handler: Handler,
        *,
        params: tuple[str, ...],
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
        base_url: str,
    ) -> Response:
        request_id = str(uuid.uuid4())
        response = self._answer(op, handler, params=params, query=query, headers=headers, body=body, base_url=base_url)
        response.headers["x-amzn-RequestId"] = request_id
        response.headers.setdefault("x-amzn-RateLimit-Limit", rate_header(op.rate * self.world.clock.time_scale))
        response.log["operation"] = op.name
        return response

    def _answer(
        self,
        op: Operation,
        handler: Handler,
        *,
        params: tuple[str, ...],
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
        base_url: str,
    ) -> Response:
        grant, reason = self.lwa.check(headers.get("x-amz-access-token"))
        if grant is None:
            return error(403, "Unauthorized", reason)
        if grant.restricted_paths and not any(_covers(p, op, params) for p in grant.restricted_paths):
            return error(403, "Unauthorized", "Access to requested resource is denied.", "RDT does not cover this path")
        if self.world.fault("connection_resets", operation=op.name):
            return Response(0, "", log={"connection_reset": True})  # the server drops the connection
        if self.world.fault("server_errors", operation=op.name):
            if self.faults.fired("amazon", "server_errors") % 2:
                return error(500, "InternalFailure", "We encountered an internal error. Please try again.")
            return error(503, "ServiceUnavailable", "Service temporarily unavailable. Please try again.")
        decision = self.plans.take(op, grant.selling_partner_id, grant.client_id)
        injected = decision.allowed and self.world.fault("throttle", operation=op.name)
        if not decision.allowed or injected:
            response = error(429, "QuotaExceeded", "You exceeded your quota for the requested resource.")
            response.headers["x-amzn-RateLimit-Limit"] = rate_header(decision.limit)
            response.headers["Retry-After"] = retry_after_header(decision.retry_after or 1 / decision.limit)
            response.log["throttled"] = True
            if injected:
                response.log["fault"] = "throttle"
            return response
        call = Call(op, params, query, body, grant, base_url)
        try:
            response = handler(call)
        except InvalidInputError as err:
            response = error(400, "InvalidInput", str(err))
        except NotFoundError as err:
            response = error(404, "NotFound", str(err))
        except Exception as err:  # a sandbox bug: answer as SP-API would, and leave a trace in the log
            response = error(500, "InternalFailure", "We encountered an internal error. Please try again.")
            response.log["exception"] = repr(err)
        response.headers["x-amzn-RateLimit-Limit"] = rate_header(decision.limit)
        return response


def _covers(restricted_path: str, op: Operation, params: tuple[str, ...]) -> bool:
    """Whether an RDT's restricted resource path names this call (template or concrete ids)."""
    concrete = op.path
    for value in params:
        concrete = concrete.replace(concrete[concrete.index("{") : concrete.index("}") + 1], value, 1)
    return restricted_path in (op.path, concrete)
