"""The base stream: endpoint and version, the token, pacing by the sliding window, retries,
errors as one line, exact amounts, and the account every record carries."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import requests
from singer_sdk.exceptions import RetriableAPIError
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.streams import RESTStream
from tap_common.measured import MeasuredAPIStream
from tap_common.retry import ConnectionBudget, PacedRetries
from tap_common.settings import parse_moment
from tap_common.window import Window, sync_window

from tap_shipbob.errors import ShipBobError

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context
    from tap_common.sliding_window import SlidingWindowLimiter

PRODUCTION_URL = "https://api.shipbob.com"
SANDBOX_URL = "https://sandbox-api.shipbob.com"
DEFAULT_VERSION = "2026-01"
RETRY_CAP_S = 120.0


def error_message(response: requests.Response) -> str:
    """ShipBob's message: `detail` of a problem body, the first message of a `{Param: [..]}` map."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        if body.get("detail") or body.get("title"):
            return str(body.get("detail") or body.get("title"))
        for value in body.values():
            if isinstance(value, list) and value:
                return str(value[0])
    return response.text[:200]


class ShipBobStream(MeasuredAPIStream, PacedRetries, RESTStream[Any]):
    """One ShipBob resource; subclasses read it in `get_records` with `get` and the pagers below.
    Its calls count in the run's ledger (`MeasuredAPIStream`), under the ShipBob user id."""

    #: The read scope the stream's endpoints need, named when ShipBob answers 403.
    scope: ClassVar[str]
    path = ""
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE  # records are built JSON-ready

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unreachable = ConnectionBudget(hint="api_url")
        self.listed: Counter[str] = Counter()  # records listed this run per path: a set-aside one's position
        self._body: Any = None  # the parsed body of the response just validated

    # -- endpoint, auth, identity -----------------------------------------------------

    @property
    def url_base(self) -> str:
        base = str(self.config.get("api_url") or PRODUCTION_URL).rstrip("/")
        return f"{base}/{self.config.get('api_version') or DEFAULT_VERSION}"

    @property
    def http_headers(self) -> dict[str, str]:
        headers = {
            "User-Agent": self.user_agent,
            "Accept": "application/json",
            "Authorization": f"Bearer {self.config.get('access_token', '')}",
        }
        if self.config.get("channel_id"):
            headers["shipbob_channel_id"] = str(self.config["channel_id"])
        return headers

    @property
    def limiter(self) -> SlidingWindowLimiter:
        return self._tap.limiter  # type: ignore[attr-defined, no-any-return]

    def progress_clock(self) -> Callable[[], float]:
        return self.limiter.clock

    def plan_sync(self, context: Context | None) -> None:
        # The account every record and ledger row carries: known before the first record.
        self._tap.user_account(self)  # type: ignore[attr-defined]
        super().plan_sync(context)
        if self.replication_key and self.parent_stream is None:
            window = self.planned_window()
            if window is not None:
                self.run.window_start, self.run.window_end = window.start, window.end

    def planned_window(self) -> Window | None:
        """The window this run reads, for the start line and the run records (None: the whole)."""
        return self.incremental_window()

    def incremental_window(self, saved: str | None = None) -> Window:
        """From `saved` (by default the state's `done_until`) less the lookback, or from `start_date`,
        to the run's start."""
        done = saved if saved is not None else self.stream_state.get("done_until")
        return sync_window(
            bookmark=parse_moment(done) if done else None,
            start_date=parse_moment(self.config["start_date"]),
            lookback=timedelta(days=int(self.config.get("lookback_window_days", 1))),
            end=self._tap.started_at,  # type: ignore[attr-defined]
        )

    # -- requests ---------------------------------------------------------------------

    def get(self, path_or_url: str, params: dict[str, Any] | None = None, context: Context | None = None) -> Any:
        """One GET (a path under the version, or a link ShipBob returned), paced and retried; its JSON."""
        url = path_or_url if "://" in path_or_url else f"{self.url_base}{path_or_url}"
        prepared = self.build_prepared_request(
            method="GET",
            url=url,
            params={k: v for k, v in (params or {}).items() if v is not None},
            headers=self.http_headers,
        )
        self.request_decorator(self._request)(prepared, context)
        body, self._body = self._body, None
        return body

    def pages(self, path: str, params: dict[str, Any], limit: int) -> Iterator[list[dict[str, Any]]]:
        """`Page`/`Limit` paging (orders, receiving): a page shorter than `Limit` is the last."""
        page = 1
        while True:
            items = self.get(path, {**params, "Page": page, "Limit": limit})
            if not isinstance(items, list):
                raise ShipBobError(f"{self.name}: expected a list from {path}, got {type(items).__name__}")
            yield items
            self.paging_progress()
            if len(items) < limit:
                return
            page += 1

    def linked(self, path: str, params: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        """Cursor paging by links (channels, products, inventory, returns, billing): `next` followed as is."""
        target: str | None = path
        query: dict[str, Any] | None = params
        while target:
            body = self.get(target, query)
            if not isinstance(body, dict):
                raise ShipBobError(f"{self.name}: expected a page with items from {path}, got {type(body).__name__}")
            yield list(body.get("items") or [])
            self.paging_progress()
            target, query = body.get("next"), None

    def request_decorator(self, func: Any) -> Any:
        def paced(prepared_request: requests.PreparedRequest, context: Context | None) -> requests.Response:
            self.limiter.acquire()
            response: requests.Response = func(prepared_request, context)
            return response

        return super().request_decorator(paced)

    def gave_up(self, exc: Exception) -> Exception:
        return ShipBobError(
            f"{self.name}: ShipBob kept failing ({self.failures} server or connection errors in a row, "
            f"the last: {exc}); try again later"
        )

    def validate_response(self, response: requests.Response) -> None:
        self.limiter.observe(response.headers.get("x-remaining-calls"))  # every answer, refusals too
        status = response.status_code
        where = response.request.path_url.split("?")[0] if response.request else self.name
        if status == 429:
            wait = 1.0
            with contextlib.suppress(TypeError, ValueError):
                wait = float(response.headers.get("x-retry-after") or 1)
            self.retry_wait = min(RETRY_CAP_S, max(wait, 0.0))
            raise RetriableAPIError(f"429 from {where}: waiting {wait:g} s as x-retry-after says", response)
        if status >= 500:
            raise RetriableAPIError(f"HTTP {status} from {where}", response)
        if status == 401:
            raise ShipBobError(
                f"access_token: ShipBob refused it (HTTP 401: {error_message(response)}); "
                "set a valid personal access token or OAuth access token"
            )
        if status == 403:
            raise ShipBobError(
                f"access_token: lacks the {self.scope} scope that {self.name} needs "
                f"(HTTP 403: {error_message(response)}); grant it, or deselect the stream"
            )
        if status >= 400:
            raise ShipBobError(f"{self.name}: {where} failed (HTTP {status}): {error_message(response)}")
        try:  # parsed here, so a body cut short is retried like a server error
            self._body = response.json(parse_float=Decimal)
        except ValueError as exc:
            raise RetriableAPIError(
                f"{where} answered with a body that is not JSON (cut short?): {response.text[:80]!r}", response
            ) from exc
        self.answered()

    def get_url(self, context: Context | None) -> str:  # pragma: no cover - streams read with `get`
        raise NotImplementedError
