"""The base stream: FreeAgent's endpoint, bearer auth, Link-header paging, 429s, the company on every record."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import ParseResult, parse_qsl

import requests
from singer_sdk.exceptions import RetriableAPIError
from singer_sdk.helpers.jsonpath import extract_jsonpath
from singer_sdk.pagination import HeaderLinkPaginator
from singer_sdk.streams import RESTStream
from tap_common.measured import MeasuredAPIStream
from tap_common.retry import ConnectionBudget, PacedRetries

from tap_freeagent.errors import FreeAgentError
from tap_freeagent.refs import decimals, with_ids

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

    from tap_freeagent.auth import FreeAgentAuthenticator

PRODUCTION_URL = "https://api.freeagent.com/v2"
SANDBOX_URL = "https://api.sandbox.freeagent.com/v2"
PER_PAGE = 100  # FreeAgent's largest page


def error_message(response: requests.Response) -> str:
    """FreeAgent's error message (`{"errors": {"error": {"message": ...}}}`), or the body's start."""
    try:
        errors = response.json()["errors"]
        first = errors.get("error") if isinstance(errors, dict) else errors[0]
        return str(first.get("message") or first) if isinstance(first, dict) else str(first)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return response.text[:200]


class FreeAgentStream(MeasuredAPIStream, PacedRetries, RESTStream[Any]):
    """One FreeAgent list endpoint; every record carries `company_id` and ids beside its URL references.

    Its records, calls (token refreshes included) and window go to the run's ledger, under the
    company's id once the API has named it."""

    #: The key of the list in the response body (`{"invoices": [...]}`).
    collection: ClassVar[str]
    #: Amount attributes (decimal strings on the wire), emitted as exact decimals.
    amounts: ClassVar[tuple[str, ...]] = ()
    #: Whether the endpoint takes `updated_since` (the stream is then incremental on it).
    updated_since: ClassVar[bool] = False
    #: Whether the first run starts at start_date; reference lists (contacts) are read whole once.
    from_start_date: ClassVar[bool] = True
    #: Whether the endpoint is a paged list (`per_page`).
    paged: ClassVar[bool] = True
    #: Query parameters of every request of the stream.
    fixed_params: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._refreshed_after_401 = False
        self.unreachable = ConnectionBudget(hint="api_url")

    @property
    def records_jsonpath(self) -> str:
        return f"$.{self.collection}[*]"

    @property
    def url_base(self) -> str:
        return str(self.config.get("api_url") or PRODUCTION_URL).rstrip("/")

    @property
    def authenticator(self) -> FreeAgentAuthenticator:
        return self._tap.oauth  # type: ignore[attr-defined, no-any-return]

    @property
    def http_headers(self) -> dict[str, str]:
        return {"User-Agent": self.user_agent, "Accept": "application/json"}

    # -- paging and windows --------------------------------------------------------

    def get_new_paginator(self) -> HeaderLinkPaginator:
        return HeaderLinkPaginator()

    def get_url_params(self, context: Context | None, next_page_token: ParseResult | None) -> dict[str, Any]:
        if next_page_token is not None:
            # The next page's link keeps every parameter of the first request, page included.
            return dict(parse_qsl(next_page_token.query))
        params: dict[str, Any] = {**self.fixed_params, **self.context_params(context)}
        if self.paged:
            params["per_page"] = PER_PAGE
        start = self.window_start(context) if self.updated_since else None
        if start is not None:
            params["updated_since"] = start.strftime("%Y-%m-%dT%H:%M:%SZ")
        return params

    def plan_sync(self, context: Context | None) -> None:
        super().plan_sync(context)
        if not self.updated_since:
            return
        # A bank account's lists keep a bookmark per account: no one window to say for them.
        self.run.mode = "incremental"
        if self.parent_stream is None:
            # The SDK writes the starting value just after this hook; the window needs it now.
            self._write_starting_replication_value(context)
            self.run.window_start = self.window_start(context)

    def context_params(self, context: Context | None) -> dict[str, Any]:  # noqa: ARG002 - for subclasses
        return {}

    def window_start(self, context: Context | None) -> datetime | None:
        """Where this run reads from: the bookmark less the lookback, or start_date on the first run
        (None, everything, for a list read whole on its first run)."""
        bookmark = self.get_context_state(context).get("replication_key_value")
        if not self.from_start_date and bookmark is None:
            return None
        start = self.get_starting_timestamp(context)
        if start is None:
            raise FreeAgentError(f"{self.name}: no start_date and no bookmark; set start_date")
        if bookmark is not None:
            start -= timedelta(days=int(self.config.get("lookback_window_days", 1)))
        return start

    # -- records -------------------------------------------------------------------

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        self.paging_progress()
        yield from extract_jsonpath(self.records_jsonpath, input=self.json_of(response))

    def post_process(self, row: dict[str, Any], context: Context | None = None) -> dict[str, Any] | None:  # noqa: ARG002
        row["company_id"] = self.company_id
        return decimals(with_ids(row), self.amounts)

    @property
    def company_id(self) -> str:
        """The company the token reads (its id; every record carries it), asked once per run."""
        tap: Any = self._tap
        if tap.company is None:
            tap.company = self.call("/company").get("company") or {}
        company = tap.company
        ident = company.get("id") or company.get("subdomain")
        if ident is None:
            raise FreeAgentError("FreeAgent's company answer names no id or subdomain; cannot tag records")
        if not self.ledger.accounts:
            # What was counted before the company was named (its token exchange, this call) is its.
            self.ledger.name_account(str(ident))
        return str(ident)

    def call(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """One GET of `path` with this stream's auth, pacing, retries and checks."""
        prepared = self.build_prepared_request(
            method="GET", url=f"{self.url_base}{path}", params=params or {}, headers=self.http_headers
        )
        response = self.request_decorator(self._request)(prepared, None)
        return self.json_of(response)

    def json_of(self, response: requests.Response) -> dict[str, Any]:
        try:
            body = response.json(parse_float=Decimal)
        except ValueError as exc:
            raise FreeAgentError(
                f"FreeAgent returned a body that is not JSON for {self.name}: {response.text[:120]!r}"
            ) from exc
        if not isinstance(body, dict):
            raise FreeAgentError(f"FreeAgent returned unexpected JSON for {self.name}")
        return body

    # -- retries (tap_common.retry.PacedRetries) --------------------------------------

    def gave_up(self, exc: Exception) -> Exception:
        return FreeAgentError(
            f"FreeAgent kept failing for {self.name} ({self.failures} server or connection errors in a row, "
            f"the last: {exc}); try again later"
        )

    def validate_response(self, response: requests.Response) -> None:
        status = response.status_code
        if status == 429:
            wait = 1.0
            with contextlib.suppress(ValueError, TypeError):
                wait = max(wait, float(response.headers.get("Retry-After") or 1))
            self.retry_wait = min(self.retry_cap_s, wait)
            raise RetriableAPIError(f"429 from FreeAgent for {self.name}; waiting {self.retry_wait:.0f} s", response)
        if status >= 500:
            raise RetriableAPIError(f"HTTP {status} from FreeAgent for {self.name}", response)
        if status == 401 and not self._refreshed_after_401:
            # An access token that expired before its time: one fresh token, one retry.
            self._refreshed_after_401 = True
            self.authenticator.invalidate()
            self.retry_wait = 0.0
            raise RetriableAPIError(f"HTTP 401 from FreeAgent for {self.name}; refreshing the access token", response)
        if status in {401, 403}:
            raise FreeAgentError(
                f"FreeAgent refused {self.name} (HTTP {status}: {error_message(response)}): the authorising user "
                "needs an access level that reads it (Banking for bank data, Bills, Invoices, Contacts)"
            )
        if status >= 400:
            raise FreeAgentError(f"FreeAgent answered HTTP {status} for {self.name}: {error_message(response)}")
        self._refreshed_after_401 = False
        self.answered()
