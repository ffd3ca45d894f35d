"""The base stream: endpoints, auth, per-operation pacing, retries and errors, identity columns."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import requests
from singer_sdk.exceptions import RetriableAPIError
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.helpers.jsonpath import extract_jsonpath
from singer_sdk.streams import RESTStream
from tap_common.measured import MeasuredAPIStream
from tap_common.retry import ConnectionBudget, PacedRetries

from tap_amazon_spapi.errors import AmazonError
from tap_amazon_spapi.handover import BATCH_KEY, Outbox

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

    from tap_amazon_spapi.auth import LWAAuthenticator
    from tap_amazon_spapi.throttle import RateLimiter

RETRY_CAP_S = 120.0

REGION_HOSTS = {
    "na": "https://sellingpartnerapi-na.amazon.com",
    "eu": "https://sellingpartnerapi-eu.amazon.com",
    "fe": "https://sellingpartnerapi-fe.amazon.com",
}
SANDBOX_HOSTS = {region: host.replace("https://", "https://sandbox.") for region, host in REGION_HOSTS.items()}
LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"  # noqa: S105 - a URL, not a secret


def api_base(config: dict[str, Any]) -> str:
    """The SP-API endpoint the config points at: api_url, or the region's (sandbox) host."""
    if config.get("api_url"):
        return str(config["api_url"]).rstrip("/")
    hosts = SANDBOX_HOSTS if config.get("use_amazon_sandbox") else REGION_HOSTS
    return hosts[str(config.get("region") or "na")]


def error_message(response: requests.Response) -> str:
    """The first message of an SP-API error body, or the start of the body."""
    try:
        errors = response.json().get("errors") or []
        first = errors[0]
        return f"{first.get('code', '')}: {first.get('message', '')}".strip(": ")
    except (ValueError, AttributeError, IndexError, TypeError):
        return response.text[:200]


class SPAPIStream(MeasuredAPIStream, PacedRetries, RESTStream[Any]):
    """One resource read from the Selling Partner API, per marketplace."""

    #: The operationId whose usage plan paces this stream's own requests.
    operation: ClassVar[str]
    #: The developer-app role the stream's operations need, named when Amazon answers 403.
    role: ClassVar[str]
    #: Whether the stream is read per marketplace (a partition and bookmark each).
    per_marketplace: ClassVar[bool] = True
    #: The main path read (request metrics name it); extra calls name their own.
    path = ""
    # Records are built with JSON-ready values (ISO strings, Decimal, int, bool), so the SDK's
    # per-value conformance pass would change nothing.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_operation = self.operation
        self.unreachable = ConnectionBudget(hint="api_url (or region)")
        self._refreshed_after_403 = False
        self.outbox = Outbox()

    # -- endpoint, identity, partitions ---------------------------------------------

    @property
    def url_base(self) -> str:
        return api_base(dict(self.config))

    @property
    def authenticator(self) -> LWAAuthenticator:
        return self._tap.lwa  # type: ignore[attr-defined, no-any-return]

    @property
    def limiter(self) -> RateLimiter:
        return self._tap.limiter  # type: ignore[attr-defined, no-any-return]

    def progress_clock(self) -> Callable[[], float]:
        return self.limiter.clock

    @property
    def http_headers(self) -> dict[str, str]:
        return {"User-Agent": self.user_agent, "Accept": "application/json"}

    @property
    def selling_partner_id(self) -> str:
        return str(self.config["selling_partner_id"])

    @property
    def partitions(self) -> list[dict[str, Any]] | None:
        if not self.per_marketplace:
            return None
        return [{"marketplace_id": m} for m in self.config["marketplace_ids"]]

    def post_process(self, row: dict[str, Any], context: Context | None = None) -> dict[str, Any] | None:
        row["selling_partner_id"] = self.selling_partner_id
        if context and "marketplace_id" in context:
            row.setdefault("marketplace_id", context["marketplace_id"])
        row.setdefault("marketplace_id", None)
        return row

    @property
    def pii(self) -> bool:
        return bool(self.config.get("pii"))

    def generate_child_contexts(
        self,
        record: dict[str, Any],
        context: Context | None,  # noqa: ARG002 - the SDK's signature
    ) -> Iterable[dict[str, Any]]:
        batch = record.pop(BATCH_KEY, None)
        if batch is not None:
            yield {"marketplace_id": record.get("marketplace_id"), "batch": batch}

    @property
    def companions_selected(self) -> bool:
        return any(child.selected for child in self.child_streams)

    # -- pacing and retries ------------------------------------------------------

    def request_decorator(self, func: Any) -> Any:
        def paced(prepared_request: requests.PreparedRequest, context: Context | None) -> requests.Response:
            self.limiter.acquire(self.current_operation)
            response: requests.Response = func(prepared_request, context)
            return response

        return super().request_decorator(paced)

    def gave_up(self, exc: Exception) -> Exception:
        return AmazonError(
            f"{self.current_operation} kept failing for {self.name} ({self.failures} server or connection "
            f"errors in a row, the last: {exc}); try again later"
        )

    def validate_response(self, response: requests.Response) -> None:
        status = response.status_code
        operation = self.current_operation
        if status == 429:
            header = response.headers.get("Retry-After")
            self.limiter.observe_limit(operation, response.headers.get("x-amzn-RateLimit-Limit"))
            wait = self.limiter.throttled(operation)
            if header:
                with contextlib.suppress(ValueError):
                    wait = max(wait, float(header))
            self.retry_wait = min(RETRY_CAP_S, wait)
            raise RetriableAPIError(f"429 QuotaExceeded from {operation}", response)
        if status >= 500:
            raise RetriableAPIError(f"HTTP {status} from {operation}", response)
        if status in {401, 403}:
            if not self._refreshed_after_403:
                # Often an access token that expired early: one fresh token, one retry.
                self._refreshed_after_403 = True
                self.authenticator.invalidate()
                self.retry_wait = 0.0
                raise RetriableAPIError(f"HTTP {status} from {operation}; refreshing the access token", response)
            raise AmazonError(
                f"Amazon refused {operation} for {self.name} (HTTP {status}: {error_message(response)}): "
                f"the app probably lacks the {self.role} role, or the seller did not authorise it"
            )
        if status >= 400:
            raise AmazonError(f"{operation} failed for {self.name} (HTTP {status}): {error_message(response)}")
        self._refreshed_after_403 = False
        self.answered()
        self.limiter.observe_limit(operation, response.headers.get("x-amzn-RateLimit-Limit"))

    # -- extra calls -------------------------------------------------------------

    def call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: dict[str, Any] | None = None,
        context: Context | None = None,
        data_elements: list[str] | None = None,
    ) -> dict[str, Any]:
        """One request of `operation`, with this stream's auth, pacing, retries and checks.

        With `data_elements` (personal data, only when `pii` is on) the request carries a
        Restricted Data Token for exactly that path instead of the access token.
        """
        headers = dict(self.http_headers)
        if data_elements is not None:
            headers["x-amz-access-token"] = self.restricted_token(method, path, data_elements)
        prepared = self.build_prepared_request(
            method=method,
            url=f"{self.url_base}{path}",
            params=params or {},
            headers=headers,
            json=json_body,
        )
        self.current_operation = operation
        try:
            response = self.request_decorator(self._request)(prepared, context)
        finally:
            self.current_operation = self.operation
        return self.json_of(response)

    def restricted_token(self, method: str, path: str, data_elements: list[str]) -> str:
        """A Restricted Data Token for one path (createRestrictedDataToken)."""
        resource: dict[str, Any] = {"method": method, "path": path}
        if data_elements:
            resource["dataElements"] = data_elements
        body = self.call(
            "createRestrictedDataToken",
            "POST",
            "/tokens/2021-03-01/restrictedDataToken",
            json_body={"restrictedResources": [resource]},
        )
        token = str(body["restrictedDataToken"])
        self.authenticator.restricted.add(token)
        return token

    def json_of(self, response: requests.Response) -> dict[str, Any]:
        try:
            body = response.json(parse_float=Decimal)
        except ValueError as exc:
            raise AmazonError(
                f"{self.current_operation} returned a body that is not JSON for {self.name}: {response.text[:120]!r}"
            ) from exc
        if not isinstance(body, dict):
            raise AmazonError(f"{self.current_operation} returned unexpected JSON for {self.name}")
        return body

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        yield from extract_jsonpath(self.records_jsonpath, input=self.json_of(response))


class CompanionStream(SPAPIStream):
    """Records read by the parent stream in the same pass (items of orders, lines of settlements).

    The parent hands over a batch now and then; the SDK then syncs this stream with a context
    naming the batch, and the records come from the parent's outbox, never from a second read.
    """

    state_partitioning_keys: ClassVar[list[str]] = ["marketplace_id"]
    per_marketplace = False

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        if not context:
            return []
        parent = next(s for s in self._tap.streams.values() if isinstance(s, SPAPIStream) and self in s.child_streams)
        return parent.outbox.pop(context["batch"], [])

    def get_url(self, context: Context | None) -> str:  # pragma: no cover - never requests
        raise NotImplementedError
