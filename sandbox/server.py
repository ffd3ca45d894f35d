"""The sandbox's HTTP server: routes, a request log, and a small control API.

`/_sandbox/requests` returns the request log so tests and benchmarks can count calls,
query cost and simulated API time; `/_sandbox/health` answers when the server is up;
`/_sandbox/bulk-operation-outputs/…` serves bulk operation results behind pre-signed URLs and
`/_sandbox/faults` arms (POST), shows (GET) and disarms (DELETE) faults for every API.
"""

from __future__ import annotations

import json
import re
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sandbox.amazon.api import PREFIXES as AMAZON_PREFIXES
from sandbox.amazon.api import AmazonAPI
from sandbox.amazon.data import MARKETPLACES, OrderShapes
from sandbox.amazon.wire import Stream
from sandbox.clock import SimClock
from sandbox.faults import COMMON_KINDS, TRANSPORT_KINDS, Fault, FaultError, FaultPlan
from sandbox.freeagent.api import PREFIX as FREEAGENT_PREFIX
from sandbox.freeagent.api import FreeAgentAPI
from sandbox.shipbob.api import PREFIXES as SHIPBOB_PREFIXES
from sandbox.shipbob.api import ShipBobAPI
from sandbox.shopify.api import Response, ShopifyAPI
from sandbox.shopify.bulk import RESULT_PATH, BulkOperations
from sandbox.shopify.data import generate_shop
from sandbox.urls import client_base_url

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8787
_FAULT_PATH = "/_sandbox/faults"
_SHOPIFY_PATH = re.compile(r"^(?:/shops/(?P<shop>[^/]+))?/admin/api/(?P<version>[^/]+)/graphql\.json$")


def present_anchor() -> datetime:
    """An anchor at this second. The default anchor (today 00:00 UTC) ends a world's history at
    midnight, so late in the day its last day of changes is nearly empty; a test that needs those
    changes anchors here and sees the same world at any hour."""
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class SandboxOptions:
    """How big a world the sandbox generates, and how fast its time runs."""

    seed: int = 42
    shopify_orders: int = 400
    days: int = 90
    time_scale: float = 1.0
    anchor: datetime | None = None
    # One seller, two stores: the main store and an outlet, each its own shop.
    shops: tuple[str, ...] = ("stratus-demo.myshopify.com", "stratus-outlet.myshopify.com")
    # Shopify's cost bucket per app and shop: size in points, restore in points per second.
    bucket_size: float = 2000.0
    restore_rate: float = 100.0
    # Real-time buckets: they drain and restore in real seconds whatever `time_scale` says, so
    # load makes THROTTLED happen as it does on Shopify (at a fast time scale it never would).
    realtime_bucket: bool = False
    # Access scopes granted to the demo token; None grants them all.
    shopify_scopes: tuple[str, ...] | None = None
    # Share of each shop's orders that are test orders (`test: true`, paid through the test gateway).
    shopify_test_orders: float = 0.0
    # Bulk operations: simulated processing speed.
    bulk_objects_per_second: float = 500.0
    # Amazon: one selling partner's orders over the same `days`, in these marketplaces.
    amazon_orders: int = 300
    amazon_marketplaces: tuple[str, ...] = tuple(MARKETPLACES)
    # Orders a day that keep arriving (and then ship, cancel, refund) as simulated time passes.
    amazon_live_orders_per_day: float = 0.0
    # Shares of orders shaped as real sellers' data often is (same-SKU lines, ...).
    amazon_shapes: OrderShapes | None = None
    # Share of closed settlement periods that hold a reserve back (released in the next period).
    amazon_reserves: float = 0.0
    # ShipBob: the 3PL fulfilling the Shopify shops' orders from its two fulfillment centres.
    shipbob: bool = True
    # Read scopes granted to the sandbox's personal access token; None grants them all.
    shipbob_scopes: tuple[str, ...] | None = None
    # Calls a minute per user and application (ShipBob documents 150).
    shipbob_rate_limit: int = 150
    # FreeAgent: the seller's books, whose bank feed holds the Shopify payouts and Amazon settlements.
    freeagent: bool = True
    # A used refresh token stops working at once (FreeAgent's pages leave it valid until it expires).
    freeagent_single_use_refresh_tokens: bool = False
    # Faults armed from the start, for any API (see sandbox.faults).
    faults: tuple[Fault, ...] = ()


@dataclass
class Sandbox:
    """Everything one sandbox process serves."""

    options: SandboxOptions
    clock: SimClock = field(init=False)
    shopify: ShopifyAPI = field(init=False)
    amazon: AmazonAPI = field(init=False)
    shipbob: ShipBobAPI | None = field(init=False)
    freeagent: FreeAgentAPI | None = field(init=False)
    log: list[dict[str, Any]] = field(default_factory=list)
    faults: FaultPlan = field(default_factory=FaultPlan)
    _log_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.clock = SimClock(self.options.time_scale)
        bulk = BulkOperations(
            self.clock, self.faults, objects_per_second=self.options.bulk_objects_per_second, seed=self.options.seed
        )
        bucket_clock = self.clock.real_time() if self.options.realtime_bucket else self.clock
        self.shopify = ShopifyAPI(self.clock, bulk, bucket_clock=bucket_clock)
        for index, domain in enumerate(self.options.shops):
            self.shopify.add_shop(
                generate_shop(
                    domain=domain,
                    seed=self.options.seed + index,
                    orders=self.options.shopify_orders,
                    days=self.options.days,
                    anchor=self.options.anchor,
                    test_orders=self.options.shopify_test_orders,
                ),
                maximum=self.options.bucket_size,
                restore_rate=self.options.restore_rate,
                scopes=None if self.options.shopify_scopes is None else frozenset(self.options.shopify_scopes),
            )
        self.amazon = AmazonAPI(
            self.clock,
            seed=self.options.seed,
            orders=self.options.amazon_orders,
            days=self.options.days,
            anchor=self.options.anchor,
            marketplace_ids=self.options.amazon_marketplaces,
            faults=self.faults,
            live_orders_per_day=self.options.amazon_live_orders_per_day,
            shapes=self.options.amazon_shapes,
            reserves=self.options.amazon_reserves,
        )
        self.shipbob = None
        if self.options.shipbob:
            self.shipbob = ShipBobAPI(
                self.clock,
                [shop.data for shop in self.shopify.shops.values()],
                seed=self.options.seed,
                days=self.options.days,
                scopes=self.options.shipbob_scopes,
                rate_limit=self.options.shipbob_rate_limit,
            )
            self.shipbob.declare_faults(self.faults)
        self.freeagent = None
        if self.options.freeagent:
            self.freeagent = FreeAgentAPI(
                self.clock,
                self.shopify,
                self.amazon,
                seed=self.options.seed,
                days=self.options.days,
                anchor=self.options.anchor,
                single_use_refresh_tokens=self.options.freeagent_single_use_refresh_tokens,
            )
            self.freeagent.declare_faults(self.faults)
        for fault in self.options.faults:
            self.faults.arm_fault(fault)

    def record(self, entry: dict[str, Any]) -> None:
        with self._log_lock:
            self.log.append(entry)

    def requests(self) -> list[dict[str, Any]]:
        """A snapshot of the request log."""
        with self._log_lock:
            return list(self.log)

    def clear_log(self) -> None:
        with self._log_lock:
            self.log.clear()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, the client's delayed ACK
    # would hold the body back about 40 ms on every keep-alive request.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: the request log is the record."""

    def _send(self, response: Response | Stream, *, truncate: bool = False) -> None:
        if isinstance(response, Stream):
            if not truncate:
                self._stream(response)
                return
            raw = b"".join(response.chunks)  # cut below like any other body
        else:
            body = response.body if isinstance(response.body, str) else json.dumps(response.body)
            raw = body.encode()
        if truncate:
            raw = raw[: len(raw) // 2]
        self.send_response(response.status)
        if "Content-Type" not in response.headers:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)

    def _stream(self, response: Stream) -> None:
        """A body of unknown length, sent with chunked transfer encoding as it is produced."""
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for chunk in response.chunks:
            if chunk:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")

    def _reset(self) -> None:
        """Drop the connection with a TCP reset, as a crashed proxy would."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True

    def _faulted(
        self,
        fault: Fault | None,
        entry: dict[str, Any],
        respond: Callable[[], Response | Stream],
        injected: Callable[[Fault], Response] | None = None,
    ) -> None:
        """Answer one API request, through the fault armed for it if any.

        `injected` shapes an injected error (http_error, and throttle when given) the way
        that API shapes its own errors.
        """
        sandbox = self.server.sandbox
        started, real_start = sandbox.clock.now(), time.monotonic()
        entry["sim_start"] = started
        if fault is not None:
            entry["fault"] = fault.kind
        if fault is not None and fault.kind == "reset":
            sandbox.record({**entry, "status": None})
            self._reset()
            return
        response: Response | Stream
        if fault is not None and injected is not None and fault.kind in ("http_error", "throttle"):
            response = injected(fault)
        elif fault is not None and fault.kind == "http_error":
            response = Response(fault.status, {"errors": f"HTTP {fault.status} (injected fault)"})
        else:
            response = respond()
        timing = {"sim_end": sandbox.clock.now(), "real_ms": round((time.monotonic() - real_start) * 1000, 2)}
        if response.log.get("connection_reset"):  # an API's own reset fault (Amazon's per operation)
            sandbox.record({**entry, "status": None, **timing, **response.log})
            self._reset()
            return
        sandbox.record({**entry, "status": response.status, **timing, **response.log})
        self._send(response, truncate=fault is not None and fault.kind == "truncate")

    def _api(
        self,
        api: str,
        respond: Callable[[], Response | Stream],
        injected: Callable[[Fault], Response],
        kinds: tuple[str, ...] = tuple(COMMON_KINDS),
        **attributes: str | None,
    ) -> None:
        """One request to a REST API, through the fault armed for it if any."""
        sandbox = self.server.sandbox
        entry = {"api": api, "method": self.command, "path": self.path.split("?", 1)[0]}
        self._faulted(sandbox.faults.take(api, kinds, **attributes), entry, respond, injected)

    def _amazon(self, method: str) -> None:
        """Every Amazon request: LWA, SP-API operations and report documents."""
        amazon = self.server.sandbox.amazon
        body, headers, base_url = self._body(), self._headers(), self._base_url()
        op = amazon.find_operation(method, self.path)
        self._api(
            "amazon",
            lambda: amazon.handle(method, self.path, headers, body, base_url),
            lambda fault: amazon.injected_error(fault.status, method, self.path),
            TRANSPORT_KINDS,  # its throttle comes after the token check, from the API itself
            operation=op.name if op else None,
        )

    def _shipbob(self, method: str) -> None:
        """Every ShipBob request (only reads are served)."""
        shipbob = self.server.sandbox.shipbob
        assert shipbob is not None
        self._body()  # drained so the connection stays usable
        headers, base_url = self._headers(), self._base_url()
        self._api(
            "shipbob",
            lambda: shipbob.handle(method, self.path, headers, base_url),
            lambda fault: shipbob.injected_error(fault.kind, fault.status, method, self.path),
        )

    def _freeagent(self, method: str) -> None:
        """Every FreeAgent request: the token endpoint and the reads under /v2/."""
        freeagent = self.server.sandbox.freeagent
        assert freeagent is not None
        body, headers, base_url = self._body(), self._headers(), self._base_url()
        self._api(
            "freeagent",
            lambda: freeagent.handle(method, self.path, headers, body, base_url),
            lambda fault: freeagent.injected_error(fault.kind, fault.status),
        )

    def _is_freeagent(self) -> bool:
        return self.server.sandbox.freeagent is not None and self.path.startswith(FREEAGENT_PREFIX)

    def _is_shipbob(self) -> bool:
        return self.server.sandbox.shipbob is not None and self.path.startswith(SHIPBOB_PREFIXES)

    def _headers(self) -> dict[str, str]:
        return {k.lower(): v for k, v in self.headers.items()}

    def _base_url(self) -> str:
        scheme = "https" if isinstance(self.connection, ssl.SSLSocket) else "http"
        return client_base_url({k.lower(): v for k, v in self.headers.items()}, scheme)

    def _is_amazon(self) -> bool:
        return self.path.startswith(AMAZON_PREFIXES)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self) -> None:
        sandbox = self.server.sandbox
        if self._is_amazon():
            self._amazon("GET")
        elif self._is_shipbob():
            self._shipbob("GET")
        elif self._is_freeagent():
            self._freeagent("GET")
        elif self.path == "/_sandbox/health":
            health = {
                "ok": True,
                "shops": list(sandbox.shopify.shops),
                "amazon": sandbox.amazon.describe(self._base_url()),
                "shipbob": sandbox.shipbob.describe(self._base_url()) if sandbox.shipbob else None,
                "freeagent": sandbox.freeagent.describe(self._base_url()) if sandbox.freeagent else None,
            }
            self._send(Response(200, health))
        elif self.path == "/_sandbox/requests":
            log = {
                "requests": sandbox.requests(),
                "time_scale": sandbox.clock.time_scale,
                "realtime_bucket": sandbox.options.realtime_bucket,
            }
            self._send(Response(200, log))
        elif self.path == _FAULT_PATH:
            self._send(Response(200, sandbox.faults.status()))
        elif self.path.startswith(RESULT_PATH):
            self._send_bulk_result()
        else:
            self._send(Response(404, {"errors": "Not Found"}))

    def _send_bulk_result(self) -> None:
        """Stream a bulk operation's JSONL from disk, or refuse the URL as storage refuses it."""
        sandbox = self.server.sandbox
        answer = sandbox.shopify.bulk.download(self.path)
        sandbox.record(
            {"api": "shopify-bulk-result", "path": self.path, "status": answer.status, "sim_start": sandbox.clock.now()}
        )
        if answer.file is None:
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/xml; charset=UTF-8")
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)
            return
        self.send_response(200)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(answer.file.stat().st_size))
        self.end_headers()
        with answer.file.open("rb") as fh:
            while chunk := fh.read(64 * 1024):
                self.wfile.write(chunk)

    def do_DELETE(self) -> None:
        if self._is_amazon():
            self._amazon("DELETE")
        elif self._is_shipbob():
            self._shipbob("DELETE")
        elif self._is_freeagent():
            self._freeagent("DELETE")
        elif self.path == _FAULT_PATH:
            self.server.sandbox.faults.clear()
            self._send(Response(200, self.server.sandbox.faults.status()))
        else:
            self._send(Response(404, {"errors": "Not Found"}))

    def do_POST(self) -> None:
        sandbox = self.server.sandbox
        if self._is_amazon():
            self._amazon("POST")
            return
        if self._is_shipbob():
            self._shipbob("POST")
            return
        if self._is_freeagent():
            self._freeagent("POST")
            return
        body = self._body()
        match = _SHOPIFY_PATH.match(self.path)
        if match:
            self._shopify(match["shop"], match["version"], body)
        elif self.path == "/_sandbox/reset-log":
            sandbox.clear_log()
            self._send(Response(200, {"ok": True}))
        elif self.path == _FAULT_PATH:
            self._arm_faults(body)
        else:
            self._send(Response(404, {"errors": "Not Found"}))

    def _shopify(self, shop: str | None, version: str, body: bytes) -> None:
        sandbox = self.server.sandbox
        fault = sandbox.faults.take("shopify", shop=shop or sandbox.shopify.default_shop)
        storm = fault is not None and fault.kind == "throttle"
        headers = self._headers()

        def respond() -> Response:
            return sandbox.shopify.handle(shop, version, headers, body, storm=storm, base_url=self._base_url())

        self._faulted(fault, {"api": "shopify", "path": self.path}, respond)

    def _arm_faults(self, body: bytes) -> None:
        sandbox = self.server.sandbox
        try:
            spec = json.loads(body or b"{}")
            specs = spec if isinstance(spec, list) else [spec]
            faults = [sandbox.faults.parse(s) for s in specs]  # all or none: check every one first
        except (ValueError, FaultError) as exc:
            self._send(Response(400, {"errors": str(exc)}))
            return
        for fault in faults:
            sandbox.faults.arm_fault(fault)
        self._send(Response(200, sandbox.faults.status()))


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        super().__init__(address, _Handler)


def make_server(
    sandbox: Sandbox, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, tls: ssl.SSLContext | None = None
) -> _Server:
    """The sandbox's HTTP server; with `tls` (a server-side context), HTTPS instead."""
    server = _Server((host, port), sandbox)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    return server


@contextmanager
def running(
    sandbox: Sandbox, host: str = DEFAULT_HOST, port: int = 0, tls: ssl.SSLContext | None = None
) -> Iterator[str]:
    """Serve `sandbox` on a background thread; yields its base URL (port 0: any free port)."""
    server = make_server(sandbox, host, port, tls)
    thread = threading.Thread(target=server.serve_forever, name="sandbox", daemon=True)
    thread.start()
    try:
        yield f"{'https' if tls else 'http'}://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
