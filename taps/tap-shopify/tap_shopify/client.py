"""The base stream: endpoint, auth, cost-based pacing, retries, errors and paging."""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import requests
from singer_sdk.authenticators import APIKeyAuthenticator
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from singer_sdk.streams import GraphQLStream

from tap_shopify.pagination import ConnectionPaginator, dig
from tap_shopify.queries import load_query
from tap_shopify.throttle import MAX_SINGLE_QUERY_COST

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

    from tap_shopify.throttle import CostThrottle

RETRY_CAP_S = 60.0


class ShopifyError(FatalAPIError):
    """A failure the user must act on; its message is one line naming what to check."""


def to_decimal(value: Any) -> Decimal | None:
    """An amount given as a Decimal or Money scalar (JSON string or number), exactly."""
    return None if value is None else Decimal(str(value))


def money(bag: dict[str, Any] | None) -> Decimal | None:
    """The shop-currency amount of a MoneyBag, exactly."""
    return to_decimal(dig(bag or {}, ("shopMoney", "amount")))


class ShopifyStream(GraphQLStream[str | None]):
    """One resource read through the Admin GraphQL API."""

    query_name: ClassVar[str]
    #: Where the result sits under `data`, e.g. ("orders",).
    result_path: ClassVar[tuple[str, ...]]
    #: Whether the result is a connection to page through, or a single object.
    paginated: ClassVar[bool] = True
    initial_page_size: ClassVar[int] = 10

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.page_size = self.initial_page_size
        self._last: tuple[requests.Response, dict[str, Any]] | None = None
        self._retry_wait: float | None = None
        self._failures = 0
        # Requested cost expected of the next query, per query name; learnt from responses.
        self.expected_costs: dict[str, float] = {}
        self.current_query = self.query_name
        self.pacing = {"waited_s": 0.0, "throttled": 0.0}

    # -- endpoint and auth -------------------------------------------------

    @property
    def shop(self) -> str:
        return str(self.config["shop"]).lower()

    @property
    def throttle(self) -> CostThrottle:
        return self._tap.throttle  # type: ignore[attr-defined, no-any-return]

    @property
    def url_base(self) -> str:
        base = str(self.config.get("api_url") or "https://{shop}").rstrip("/").replace("{shop}", self.shop)
        return f"{base}/admin/api/{self.config['api_version']}/graphql.json"

    @property
    def authenticator(self) -> APIKeyAuthenticator:
        return APIKeyAuthenticator(key="X-Shopify-Access-Token", value=self.config["access_token"], location="header")

    @property
    def http_headers(self) -> dict[str, str]:
        return {"User-Agent": self.user_agent, "Accept": "application/json"}

    @property
    def query(self) -> str:
        return load_query(self.query_name)

    # -- requests --------------------------------------------------------------

    def variables(self, context: Context | None, next_page_token: str | None) -> dict[str, Any]:  # noqa: ARG002
        """GraphQL variables of the next request."""
        return {"first": self.page_size, "after": next_page_token} if self.paginated else {}

    def get_url_params(self, context: Context | None, next_page_token: str | None) -> dict[str, Any]:  # noqa: ARG002
        return {}  # GraphQL takes everything in the body

    def prepare_request_payload(self, context: Context | None, next_page_token: str | None) -> dict[str, Any]:
        return {"query": self.query, "variables": self.variables(context, next_page_token)}

    def request_decorator(self, func: Callable[..., requests.Response]) -> Callable[..., requests.Response]:
        def paced(prepared_request: requests.PreparedRequest, context: Context | None) -> requests.Response:
            # A query not yet seen is assumed to cost the most a single query may.
            waited = self.throttle.before_request(self.expected_costs.get(self.current_query, MAX_SINGLE_QUERY_COST))
            self.pacing["waited_s"] += waited
            return func(prepared_request, context)

        return super().request_decorator(paced)

    def backoff_wait_generator(self) -> Generator[float, None, None]:
        return self.backoff_runtime(value=self._retry_after)

    def backoff_max_tries(self) -> int:
        return 10

    def backoff_jitter(self, value: float) -> float:
        return value  # waits come from Shopify's own figures, not guesses

    def _retry_after(self, exc: Exception) -> float:
        if self._retry_wait is not None:
            wait, self._retry_wait = self._retry_wait, None
            return wait
        self._failures += 1
        response = getattr(exc, "response", None)
        header = response.headers.get("Retry-After") if response is not None else None
        if header:
            try:
                return min(RETRY_CAP_S, float(header))
            except ValueError:
                pass
        return min(RETRY_CAP_S, 0.5 * 2.0 ** (self._failures - 1))

    def payload(self, response: requests.Response) -> dict[str, Any]:
        """The response's JSON, parsed once."""
        if self._last is not None and self._last[0] is response:
            return self._last[1]
        try:
            parsed = response.json()
        except (ValueError, requests.exceptions.JSONDecodeError) as exc:
            raise RetriableAPIError(
                f"Shopify returned a body that is not JSON for {self.name} (truncated?)", response
            ) from exc
        if not isinstance(parsed, dict):
            raise RetriableAPIError(f"Shopify returned unexpected JSON for {self.name}", response)
        self._last = (response, parsed)
        return parsed

    def validate_response(self, response: requests.Response) -> None:
        status = response.status_code
        if status == 401:
            raise ShopifyError(
                f"Shopify rejected the access token for {self.shop} (HTTP 401): check the access_token setting"
            )
        if status == 402:
            raise ShopifyError(f"shop {self.shop} is frozen (HTTP 402 Payment Required)")
        if status == 403:
            raise ShopifyError(f"access to {self.shop} was refused (HTTP 403): check the app's access scopes")
        if status == 404:
            raise ShopifyError(
                f"shop {self.shop} was not found (HTTP 404): check the shop setting (and api_url if set)"
            )
        if status == 423:
            raise ShopifyError(f"shop {self.shop} is locked (HTTP 423)")
        if status == 429 or status >= 500:
            raise RetriableAPIError(f"HTTP {status} from Shopify for {self.name}", response)
        if status >= 400:
            raise ShopifyError(f"Shopify refused the {self.query_name} query (HTTP {status}): {response.text[:200]}")
        payload = self.payload(response)
        cost = dig(payload, ("extensions", "cost"))
        errors = payload.get("errors")
        if not errors:
            self.throttle.observe(cost)
            self._failures = 0
            return
        self._raise_for_errors(errors, cost, response)

    def _raise_for_errors(self, errors: Any, cost: dict[str, Any] | None, response: requests.Response) -> None:
        listed = errors if isinstance(errors, list) else [{"message": str(errors)}]
        codes = {dig(e, ("extensions", "code")) for e in listed if isinstance(e, dict)}
        first = str(listed[0].get("message", listed[0])) if listed else "unknown error"
        if "THROTTLED" in codes:
            self.pacing["throttled"] += 1
            self._retry_wait = self.throttle.throttled_wait(cost)
            raise RetriableAPIError(f"THROTTLED by Shopify for {self.name}", response)
        if "INTERNAL_SERVER_ERROR" in codes:
            raise RetriableAPIError(f"Shopify internal error for {self.name}: {first}", response)
        if "ACCESS_DENIED" in codes:
            raise ShopifyError(
                f"access denied reading {self.name} from {self.shop}: {first} (grant the app that access scope)"
            )
        raise ShopifyError(f"Shopify rejected the {self.query_name} query for {self.shop}: {first}")

    def calculate_sync_cost(
        self,
        request: requests.PreparedRequest,  # noqa: ARG002 - the SDK's signature
        response: requests.Response,
        context: Context | None,  # noqa: ARG002
    ) -> dict[str, int]:
        cost = dig(self.payload(response), ("extensions", "cost")) or {}
        return {
            "requested_query_cost": int(cost.get("requestedQueryCost") or 0),
            "actual_query_cost": int(cost.get("actualQueryCost") or 0),
        }

    def log_sync_costs(self) -> None:
        costs = dict(self._sync_costs)
        if costs:
            self.log(
                "Shopify query cost of %s: requested %d, actual %d points; waited %.1f s for the bucket; "
                "throttled %d times",
                self.name,
                costs.get("requested_query_cost", 0),
                costs.get("actual_query_cost", 0),
                self.pacing["waited_s"],
                self.pacing["throttled"],
            )

    # -- responses ---------------------------------------------------------------

    def get_new_paginator(self) -> ConnectionPaginator | None:
        return ConnectionPaginator(self.payload, self.result_path) if self.paginated else None

    def nodes(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        """The objects a response carries, and the page size for the next request."""
        payload = self.payload(response)
        requested = dig(payload, ("extensions", "cost", "requestedQueryCost"))
        if requested is not None:
            if self.paginated:
                per_node = max(1.0, (int(requested) - 2) / max(1, self.page_size))
                self.page_size = self.throttle.page_size(per_node)
                self.expected_costs[self.query_name] = 2 + per_node * self.page_size
            else:
                self.expected_costs[self.query_name] = float(requested)
        found = dig(payload, ("data", *self.result_path))
        if found is None:
            return []
        return (found.get("nodes") or []) if self.paginated else [found]

    def post_request_json(self, name: str, variables: dict[str, Any]) -> dict[str, Any]:
        """One extra request of the query `name`, with this stream's auth, pacing, retries and checks."""
        prepared = self.build_prepared_request(
            method="POST",
            url=self.url_base,
            headers=self.http_headers,
            data=json.dumps({"query": load_query(name), "variables": variables}),
        )
        prepared.headers["Content-Type"] = "application/json"
        self.current_query = name
        try:
            response = self.request_decorator(self._request)(prepared, None)
        finally:
            self.current_query = self.query_name
        payload = self.payload(response)
        requested = dig(payload, ("extensions", "cost", "requestedQueryCost"))
        if requested is not None:
            self.expected_costs[name] = float(requested)
        return payload
