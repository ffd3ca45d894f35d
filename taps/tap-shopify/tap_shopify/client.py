"""The base stream: endpoint, auth, cost-based pacing, retries, errors and paging."""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import requests
from singer_sdk import typing as th
from singer_sdk.authenticators import APIKeyAuthenticator
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.streams import GraphQLStream
from tap_common.measured import MeasuredAPIStream
from tap_common.retry import ConnectionBudget, ReachableStream

from tap_shopify.pagination import ConnectionPaginator, dig
from tap_shopify.queries import load_query
from tap_shopify.throttle import MAX_SINGLE_QUERY_COST
from tap_shopify.window import Window, shopify_time, sync_window

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context
    from singer_sdk.streams.rest import HTTPRequest, PageContext

    from tap_shopify.throttle import CostThrottle

RETRY_CAP_S = 60.0
#: State key: ids of the records already emitted at the bookmark's exact timestamp.
IDS_AT_BOOKMARK = "ids_at_bookmark"
#: State key: deletion events are read up to this time (they need no lookback).
DELETIONS_READ_TO = "deletions_read_to"
EVENTS_PAGE = 250


def deleted_at_property(kind: str) -> th.Property[Any]:
    """The column target-postgres reads as a row's deletion mark."""
    return th.Property(
        "_sdc_deleted_at",
        th.DateTimeType,
        description=f"When the {kind} was deleted in Shopify (from its destroy event); other fields are then empty",
    )


class ShopifyError(FatalAPIError):
    """A failure the user must act on; its message is one line naming what to check."""


def legacy_id(node: dict[str, Any]) -> int | None:
    """The numeric id (REST API, admin URLs) of a node that asked for `legacyResourceId`."""
    value = node.get("legacyResourceId")
    return int(value) if value else None


def to_decimal(value: Any) -> Decimal | None:
    """An amount given as a Decimal or Money scalar (JSON string or number), exactly."""
    return None if value is None else Decimal(str(value))


def money(bag: dict[str, Any] | None) -> Decimal | None:
    """The shop-currency amount of a MoneyBag, exactly."""
    return to_decimal(dig(bag or {}, ("shopMoney", "amount")))


class ShopifyStream(MeasuredAPIStream, ReachableStream, GraphQLStream[str | None]):
    """One resource read through the Admin GraphQL API."""

    query_name: ClassVar[str]
    #: Where the result sits under `data`, e.g. ("orders",).
    result_path: ClassVar[tuple[str, ...]]
    #: Whether the result is a connection to page through, or a single object.
    paginated: ClassVar[bool] = True
    initial_page_size: ClassVar[int] = 10
    #: The Shopify search field and node field matching the replication key.
    search_field: ClassVar[str] = "updated_at"
    node_field: ClassVar[str] = "updatedAt"
    #: EventSubjectType whose `destroy` events become deleted rows of this stream.
    deletion_subject: ClassVar[str | None] = None
    # State is written once per page, after the page's children (see prepare_request),
    # never mid-page: a state between an order and its buffered children would skip them.
    STATE_MSG_FREQUENCY = 10**12
    # Records are built field by field with JSON-ready values (strings, Decimal, int, bool), so the
    # SDK's per-value conformance pass would change nothing and cost ~15% of the tap's CPU.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.page_size = self.initial_page_size
        self._last: tuple[requests.Response, dict[str, Any]] | None = None
        self._retry_wait: float | None = None
        self._failures = 0
        self.unreachable = ConnectionBudget(hint="the shop setting (and api_url if set)")
        # Requested cost expected of the next query, per query name; learnt from responses.
        self.expected_costs: dict[str, float] = {}
        self.current_query = self.query_name
        self.pacing = {"waited_s": 0.0, "throttled": 0.0}
        self._windows: dict[str, Window] = {}
        # Records emitted by an interrupted run at the bookmark's timestamp: (timestamp, ids).
        self._repeats: tuple[str | None, frozenset[str]] = (None, frozenset())
        #: Set while records older than the window are read again (a payout whose status moved).
        self.out_of_order = False

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

    # -- the incremental window and its state ------------------------------------

    def window(self, context: Context | None) -> Window:
        """This sync's window, fixed when first asked so that paging sees one window."""
        key = json.dumps(context or {}, sort_keys=True, default=str)
        if key not in self._windows:
            state = self.get_context_state(context)
            bookmark = state.get("replication_key_value")
            start_date = self.config.get("start_date")
            self._windows[key] = sync_window(
                bookmark=parse_time(bookmark) if bookmark else None,
                start_date=parse_time(start_date) if start_date else None,
                lookback_days=self.lookback_days(),
                started_at=self._tap.started_at,  # type: ignore[attr-defined]
                safety_lag_minutes=float(self.config.get("safety_lag_minutes", 5)),
            )
            start = self._windows[key].start
            if bookmark and start is not None and shopify_time(start) < str(bookmark):
                # A lookback re-reads from before the bookmark: progress restarts there.
                state["replication_key_value"] = shopify_time(start)
                state.pop(IDS_AT_BOOKMARK, None)
            self._repeats = (state.get("replication_key_value"), frozenset(state.get(IDS_AT_BOOKMARK) or ()))
        return self._windows[key]

    def plan_sync(self, context: Context | None) -> None:
        super().plan_sync(context)
        # One window for the whole stream; a stream read per partition (location) has one each.
        if self.replication_key and self.parent_stream is None and not self.state_partitioning_keys:
            window = self.window(context)
            self.run.window_start, self.run.window_end = window.start, window.end

    def lookback_days(self) -> int:
        """Days before the bookmark each sync reads again."""
        return int(self.config.get("lookback_window_days") or 0)

    def is_repeat(self, node: dict[str, Any]) -> bool:
        """Whether an interrupted run already emitted this very version of the record."""
        at, ids = self._repeats
        return bool(ids) and node.get("id") in ids and normal_time(node.get(self.node_field)) == at

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        if self.replication_key:
            self.window(context)
            # Deletions first: they are bookmarked by the window, not by their own timestamps,
            # so an interruption after them re-reads them rather than skipping any.
            yield from self.tombstones(context)
        yield from super().get_records(context)
        if self.replication_key:
            self.close_window(context)

    def tombstones(self, context: Context | None) -> Iterator[dict[str, Any]]:
        """Rows for records deleted in the window, read from Shopify's `destroy` events."""
        if not self.deletion_subject or self.replication_key is None:
            return
        window = self.window(context)
        state = self.get_context_state(context)
        read_to = state.get(DELETIONS_READ_TO)
        if read_to and window.start is not None and shopify_time(window.start) < read_to:
            # An earlier or interrupted run already read deletions up to there.
            window = Window(start=parse_time(read_to), end=window.end)
        query = f"action:destroy AND subject_type:{self.deletion_subject} AND " + window.search("created_at")
        for event in self.all_pages("deletion_events", {"first": EVENTS_PAGE, "query": query}, ("events",)):
            if event.get("subjectType") == self.deletion_subject and event.get("subjectId"):
                deleted_at = event["createdAt"]
                yield {
                    "shop": self.shop,
                    "id": event["subjectId"],
                    self.replication_key: deleted_at,
                    "_sdc_deleted_at": deleted_at,
                }
        state[DELETIONS_READ_TO] = shopify_time(window.end)

    def _increment_stream_state(self, latest_record: dict[str, Any], *, context: Context | None = None) -> None:
        # A deleted row carries its deletion time, and a row read again its old time, not a place
        # in the window: neither moves the bookmark (the window's end covers them once the sync completes).
        if latest_record.get("_sdc_deleted_at") or self.out_of_order:
            return
        state = self.get_context_state(context)
        previous = state.get("replication_key_value")
        super()._increment_stream_state(latest_record, context=context)
        if self.replication_key and self.is_sorted:  # an unsorted read resumes from its old bookmark
            current = state.get("replication_key_value")
            ids = (state.get(IDS_AT_BOOKMARK) or []) if current == previous else []
            state[IDS_AT_BOOKMARK] = [*ids, latest_record["id"]]

    def close_window(self, context: Context | None) -> None:
        """The window was read to its end: the next sync starts there, whatever the records' times.

        An unsorted stream's progress markers (the newest record read) would otherwise become its
        bookmark and that record be read again by every sync."""
        state = self.get_context_state(context)
        end = shopify_time(self.window(context).end)
        state.pop("progress_markers", None)
        if str(state.get("replication_key_value") or "") < end:
            state["replication_key"] = self.replication_key
            state["replication_key_value"] = end
            state.pop(IDS_AT_BOOKMARK, None)

    # -- requests --------------------------------------------------------------

    def get_http_request(self, *, page: PageContext[str | None]) -> HTTPRequest:
        if page.next_page_token is not None:
            # The previous page and its children are fully emitted: a safe point to resume from.
            self._write_state_message()
            self.paging_progress(self.rate_limit_time_left())
        return super().get_http_request(page=page)

    def progress_clock(self) -> Callable[[], float]:
        return self.throttle.clock

    def rate_limit_time_left(self) -> float | None:
        """Seconds the cost bucket's restore rate alone needs for the records still expected,
        at the cost per record charged so far."""
        run, rate = self.run, self.throttle.restore_rate
        if run.expected_records is None or not run.records or run.api_cost is None or not rate:
            return None
        remaining = max(0, run.expected_records - run.records)
        return float(run.api_cost) / run.records * remaining / rate

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
        unreachable_wait = self.unreachable.next_wait(exc)
        if unreachable_wait is not None:
            return unreachable_wait
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
        self.count_cost((cost or {}).get("actualQueryCost"))
        errors = payload.get("errors")
        if not errors:
            self.throttle.observe(cost)
            self._failures = 0
            self.unreachable.reset()
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
        if costs:  # the stream's end line says what was charged; this says how it was paced
            self.logger.debug(
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
        if not self.paginated:
            return [found]
        return [node for node in found.get("nodes") or [] if not self.is_repeat(node)]

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

    def all_pages(self, name: str, variables: dict[str, Any], path: tuple[str, ...]) -> Iterator[dict[str, Any]]:
        """Every node of the connection at `data.<path>` of the query `name`, page after page."""
        after = None
        while True:
            found = dig(self.post_request_json(name, {**variables, "after": after}), ("data", *path)) or {}
            yield from found.get("nodes") or []
            info = found.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return
            after = info.get("endCursor")


def parse_time(value: Any) -> datetime:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def normal_time(value: Any) -> str | None:
    """A timestamp as the state stores it, for exact comparison."""
    return None if value is None else shopify_time(parse_time(value))
