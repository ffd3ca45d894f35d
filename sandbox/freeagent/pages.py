"""Reading a list request and paging its answer as FreeAgent does (dev.freeagent.com/docs/introduction).

Lists are paged: `page` (from 1) and `per_page` (25 by default, at most 100: a larger value is
served as 100). The pages around the one served are in the `Link` header (`rel` prev, next,
first, last, the links keeping the request's own parameters), and `X-Total-Count` says how many
items the whole list holds; the body carries the items only. A page past the end is empty.
Date filters (`from_date`, `to_date`, inclusive) take `YYYY-MM-DD`; `updated_since` takes an
ISO 8601 timestamp and keeps what was updated at or after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar
from urllib.parse import parse_qsl, urlencode

from sandbox.amazon.wire import parse_iso

T = TypeVar("T")
DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100


class BadRequestError(ValueError):
    pass


class NotFoundError(LookupError):
    pass


@dataclass
class Query:
    pairs: list[tuple[str, str]]

    @classmethod
    def parse(cls, raw: str) -> Query:
        return cls(parse_qsl(raw, keep_blank_values=True))

    def text(self, name: str) -> str | None:
        values = [v for k, v in self.pairs if k == name and v != ""]
        return values[-1] if values else None

    def names(self) -> set[str]:
        return {k for k, _ in self.pairs}

    def date(self, name: str) -> date | None:
        text = self.text(name)
        if text is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise BadRequestError(f"{name} must be a date in YYYY-MM-DD format, got '{text}'") from None

    def timestamp(self, name: str) -> datetime | None:
        text = self.text(name)
        if text is None:
            return None
        try:
            return parse_iso(text if "T" in text else text + "T00:00:00Z")
        except ValueError:
            raise BadRequestError(f"{name} must be an ISO 8601 timestamp, got '{text}'") from None

    def flag(self, name: str) -> bool:
        return (self.text(name) or "").lower() == "true"

    def number(self, name: str, default: int) -> int:
        text = self.text(name)
        if text is None:
            return default
        try:
            return int(text)
        except ValueError:
            raise BadRequestError(f"{name} must be a whole number, got '{text}'") from None


def within(value: date, low: date | None, high: date | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def page(items: Sequence[T], query: Query, endpoint: str) -> tuple[list[T], dict[str, str]]:
    """The requested page of `items`, and the `Link` and `X-Total-Count` headers that go with it."""
    number = max(1, query.number("page", 1))
    size = min(MAX_PER_PAGE, max(1, query.number("per_page", DEFAULT_PER_PAGE)))
    last = max(1, -(-len(items) // size))
    kept = [(k, v) for k, v in query.pairs if k not in ("page", "per_page")]

    def link(to: int) -> str:
        return f"{endpoint}?{urlencode([*kept, ('page', str(to)), ('per_page', str(size))])}"

    rels = []
    if number > 1:
        rels += [(link(min(number - 1, last)), "prev"), (link(1), "first")]
    if number < last:
        rels += [(link(number + 1), "next"), (link(last), "last")]
    headers = {"X-Total-Count": str(len(items))}
    if rels:
        headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for url, rel in rels)
    return list(items[(number - 1) * size : number * size]), headers
