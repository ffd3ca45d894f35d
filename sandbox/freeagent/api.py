"""The FreeAgent stand-in's front door: the token endpoint, the read endpoints under `/v2/`, bearer
auth, the rate limits, and errors in FreeAgent's shape.

Served (GET unless said): `POST /v2/token_endpoint`, `/v2/company`, `/v2/users` (+ `/me`, `/:id`),
`/v2/bank_accounts` (+ `/:id`), `/v2/bank_transactions?bank_account=` (+ `/:id`),
`/v2/bank_transaction_explanations?bank_account=` (+ `/:id`), `/v2/contacts` (+ `/:id`),
`/v2/invoices` (+ `/:id`), `/v2/credit_notes` (+ `/:id`), `/v2/bills` (+ `/:id`),
`/v2/categories` (+ `/:nominal_code`). Query parameters the sandbox does not model are ignored, as
FreeAgent ignores them, and named in the request log (`ignored_params`) so tests can see them.
"""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sandbox.amazon.api import AmazonAPI
from sandbox.clock import SimClock
from sandbox.faults import FaultKinds, FaultPlan
from sandbox.shopify.api import Response, ShopifyAPI

from .auth import CLIENT_ID, REFRESH_TOKEN, OAuth
from .books import CATEGORIES
from .channels import channel_payouts
from .lists import LISTS, Lister
from .pages import BadRequestError, NotFoundError, Query
from .ratelimit import PER_HOUR, PER_MINUTE, REFRESHES_PER_MINUTE, TEST_PER_MINUTE, FixedWindows
from .render import GROUP_KEYS, Renderer
from .wire import error, ok
from .world import World

PREFIX = "/v2/"
TOKEN_PATH = "/v2/token_endpoint"  # noqa: S105 - a path, not a secret
FAULTS = FaultKinds(
    "freeagent",
    actions={
        "expire_tokens": "every access token issued so far expires now (a refresh mid-sync)",
        "cent_off_deposits": "the `count` most recent plain payout deposits are served a cent over the payout",
    },
)
_ITEM = re.compile(r"^/v2/(?P<resource>[a-z_]+)/(?P<ident>[^/]+)$")


class FreeAgentAPI:
    """Serves one company's FreeAgent account, built from the sandbox's channels when first asked."""

    def __init__(
        self,
        clock: SimClock,
        shopify: ShopifyAPI,
        amazon: AmazonAPI | None,
        *,
        seed: int = 42,
        days: int = 90,
        anchor: datetime | None = None,
        single_use_refresh_tokens: bool = False,
    ) -> None:
        if not isinstance(single_use_refresh_tokens, bool):
            raise ValueError(
                f"freeagent_single_use_refresh_tokens: must be true or false, got {single_use_refresh_tokens!r}"
            )
        self.clock = clock
        self.oauth = OAuth(clock.real_time(), revoke_used=single_use_refresh_tokens)
        self.windows = FixedWindows(clock)
        self._sources = (shopify, amazon, seed, days, anchor)
        self._pending_cent_off = 0
        self._world: World | None = None
        self._lock = threading.Lock()

    @property
    def world(self) -> World:
        """The books, built on first use (reading every payout costs a pass over the orders)."""
        with self._lock:
            if self._world is None:
                shopify, amazon, seed, days, anchor = self._sources
                present = anchor or max(shop.now() for shop in shopify.shops.values())
                self._world = World(channel_payouts(shopify, amazon), seed, present, days)
                if self._pending_cent_off:
                    self._world.cent_off(self._pending_cent_off, present)
            return self._world

    def now(self) -> datetime:
        return self.world.present + timedelta(seconds=self.clock.now())

    def describe(self, base_url: str) -> dict[str, Any]:
        return {
            "api_url": base_url + "/v2",
            "token_url": base_url + TOKEN_PATH,
            "client_id": CLIENT_ID,
            "refresh_token": REFRESH_TOKEN,
        }

    def declare_faults(self, plan: FaultPlan) -> None:
        """FreeAgent's own kinds in the sandbox's fault registry."""
        plan.declare(
            FAULTS, {"expire_tokens": lambda _count: self.oauth.expire_all(), "cent_off_deposits": self.cent_off}
        )

    def cent_off(self, count: int) -> None:
        """Move the `count` most recent plain payout deposits a cent up (when the books are built, if not yet)."""
        with self._lock:
            if self._world is None:
                self._pending_cent_off += count
                return
        self._world.cent_off(count, self.now())

    def cent_off_ids(self) -> list[int]:
        """The bank transactions served a cent off (tests ask the world, never the API)."""
        return self.world.cent_off_ids()

    def injected_error(self, kind: str, status: int) -> Response:
        """An error armed through the sandbox-wide faults, in FreeAgent's shape."""
        if kind == "throttle":
            return error(429, "You must not exceed 120 requests per 60 seconds", {"Retry-After": "1"})
        return error(status, f"Injected {status} fault")

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes, base_url: str) -> Response:
        url = urlsplit(target)
        if url.path == TOKEN_PATH:
            return self._token(method, headers, body)
        grant, reason = self.oauth.check(headers.get("authorization"))
        if grant is None:
            response = error(401, reason)
            response.log["auth"] = reason
            return response
        limits = [
            (60, TEST_PER_MINUTE if headers.get("x-ratelimit-test", "").lower() == "true" else PER_MINUTE),
            (3600, PER_HOUR),
        ]
        decision = self.windows.take("user:" + grant.client_id, limits)
        if not decision.allowed:
            response = error(429, decision.message, {"Retry-After": str(decision.retry_after)})
            response.log["throttled"] = True
            return response
        if method != "GET":
            return error(405, "The sandbox serves reads only")
        query = Query.parse(url.query)
        try:
            response = self._read(url.path, query, base_url)
        except BadRequestError as err:
            response = error(400, str(err))
        except NotFoundError as err:
            response = error(404, str(err))
        return response

    def _token(self, method: str, headers: dict[str, str], body: bytes) -> Response:
        if method != "POST":
            return error(405, "Use POST")
        decision = self.windows.take("refresh", [(60, REFRESHES_PER_MINUTE)])
        if not decision.allowed:
            response = error(429, "Too many token refreshes", {"Retry-After": str(decision.retry_after)})
            response.log["throttled"] = True
            return response
        response = self.oauth.exchange(headers, body)
        response.log["operation"] = "token"
        return response

    def _read(self, path: str, query: Query, base_url: str) -> Response:
        render = Renderer(self.world, base_url)
        endpoint = base_url + path
        lister = Lister(self.world, render, query)
        resource = path.removeprefix(PREFIX)
        if resource == "company":
            return _logged(ok({"company": render.company()}), "company", query, set())
        if resource == "categories":
            groups: dict[str, list[dict[str, Any]]] = {key: [] for key in GROUP_KEYS.values()}
            for category in CATEGORIES:
                groups[GROUP_KEYS[category.group]].append(render.category(category))
            return _logged(ok(groups), "categories", query, set())
        if resource in LISTS:
            name, honoured, build = LISTS[resource]
            items, headers = build(lister, endpoint)
            return _logged(ok({name: items}, headers), resource, query, honoured)
        match = _ITEM.match(path)
        if match is None:
            raise NotFoundError(f"No resource at {path}")
        return _logged(ok(lister.one(match["resource"], match["ident"])), match["resource"] + "/:id", query, set())


def _logged(response: Response, operation: str, query: Query, honoured: set[str]) -> Response:
    response.log["operation"] = operation
    ignored = sorted(query.names() - honoured)
    if ignored:
        response.log["ignored_params"] = ignored
    return response
