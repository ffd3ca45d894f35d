"""A short retry budget for an API that cannot be reached at all.

Throttling (429) and server errors (5xx) are paced by the API's own headers and may take
minutes; a refused connection, a name that does not resolve or a connect timeout says nothing
will change soon. Those are retried for `budget_s` seconds in all, then the run stops with one
line naming the URL.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import requests
from urllib3.exceptions import NewConnectionError

if TYPE_CHECKING:
    from backoff.types import Details
    from singer_sdk.streams import RESTStream

    _Stream = RESTStream[Any]
else:
    _Stream = object

#: Seconds to establish a connection (a silent host), and to wait for a response once connected.
CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 300
UNREACHABLE_BUDGET_S = 30.0


class UnreachableError(Exception):
    """The API could not be reached within the budget; the message is one line naming the URL."""


def unreachable_reason(exc: BaseException) -> str | None:
    """Why no connection could be made (e.g. 'Connection refused'), or None if one was made."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connection timed out"
    if not isinstance(exc, requests.exceptions.ConnectionError):
        return None
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # urllib3's MaxRetryError wraps the cause
    if not isinstance(reason, NewConnectionError):
        return None
    cause = reason.__cause__ or reason.__context__
    return str(getattr(cause, "strerror", None) or cause or reason)


def retry_note(details: Mapping[str, Any]) -> str | None:
    """A short line for a retry after a failed connection (the SDK logs its arguments instead)."""
    exc = details.get("exception")
    reason = unreachable_reason(exc) if isinstance(exc, BaseException) else None
    if reason is None:
        return None
    where = getattr(getattr(exc, "request", None), "url", None) or "the API"
    return f"could not reach {where} ({reason}); trying again in {details.get('wait') or 0:.1f} s"


class ConnectionBudget:
    """Waits between attempts to reach an API, until `budget_s` have passed since the first failure."""

    def __init__(
        self, hint: str, budget_s: float = UNREACHABLE_BUDGET_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.hint = hint
        self.budget_s = budget_s
        self.clock = clock
        self.first_failure: float | None = None
        self.failures = 0

    def reset(self) -> None:
        """The API answered: a later failure gets a whole budget again."""
        self.first_failure = None
        self.failures = 0

    def next_wait(self, exc: BaseException) -> float | None:
        """Seconds to wait before trying again, None if `exc` is not a failure to connect.

        Raises UnreachableError once the budget is spent.
        """
        reason = unreachable_reason(exc)
        if reason is None:
            return None
        now = self.clock()
        if self.first_failure is None:
            self.first_failure = now
        self.failures += 1
        left = self.budget_s - (now - self.first_failure)
        if left <= 0:
            request = getattr(exc, "request", None)
            where = getattr(request, "url", None) or "the API"
            raise UnreachableError(
                f"could not reach {where}: {reason} (tried {self.failures} times in {self.budget_s:.0f} s); "
                f"check {self.hint} and the network"
            )
        return min(left, 0.5 * 2.0 ** (self.failures - 1))


class ReachableStream(_Stream):
    """Mixed into a tap's base stream: a connect timeout, and one short line per connect retry.

    The stream keeps a ConnectionBudget as `unreachable` and asks it first in its wait generator.
    """

    unreachable: ConnectionBudget

    @property
    def timeout(self) -> tuple[int, int]:  # type: ignore[override]  # requests takes (connect, read)
        return (CONNECT_TIMEOUT_S, READ_TIMEOUT_S)

    def backoff_handler(self, details: Details) -> None:
        note = retry_note(details)
        if note:
            self.logger.warning(note)
        else:
            super().backoff_handler(details)


class PacedRetries(ReachableStream):
    """Retry waits for a tap's base stream: the API's own word first, then the connection budget,
    then growing waits for server errors.

    `validate_response` sets `retry_wait` from the API's headers (a 429's wait) before raising;
    connection failures go to the ConnectionBudget; other failures wait 0.5 s, 1 s, 2 s, ... up to
    `retry_cap_s`, and the `max_failures + 1`-th in a row raises `gave_up(exc)`. `answered()` after
    a good response starts the count again. Refusals are waited out up to `max_tries` times.
    """

    max_tries: ClassVar[int] = 60
    max_failures: ClassVar[int] = 8
    retry_cap_s: ClassVar[float] = 120.0
    retry_wait: float | None = None
    failures: int = 0

    def backoff_wait_generator(self) -> Generator[float, None, None]:
        return self.backoff_runtime(value=self.next_wait)

    def backoff_max_tries(self) -> int:
        return self.max_tries

    def backoff_jitter(self, value: float) -> float:
        return value  # waits come from the API's headers and the budget, not guesses

    def next_wait(self, exc: Exception) -> float:
        if self.retry_wait is not None:
            wait, self.retry_wait = self.retry_wait, None
            return wait
        unreachable_wait = self.unreachable.next_wait(exc)
        if unreachable_wait is not None:
            return unreachable_wait
        self.failures += 1
        if self.failures > self.max_failures:
            raise self.gave_up(exc)
        return min(self.retry_cap_s, 0.5 * 2.0 ** (self.failures - 1))

    def gave_up(self, exc: Exception) -> Exception:
        """The one-line error ending the stream after too many failures in a row."""
        return RuntimeError(f"{self.failures} server or connection errors in a row, the last: {exc}")

    def answered(self) -> None:
        """A good response: failures and the connection budget start again."""
        self.failures = 0
        self.unreachable.reset()
