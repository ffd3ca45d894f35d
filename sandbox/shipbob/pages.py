"""Reading a request's query and paging an answer, the ways ShipBob's endpoints document.

- `Page`/`Limit` (orders, receiving): a plain JSON array; a page shorter than `Limit` is the last.
- cursor links (channels, products, inventory, returns, billing): `{items, first, last, next, prev}`
  where each link is a URL to follow as is. Where the endpoint documents `Cursor`, the links use
  it; products and inventory document none, so their links carry a `Cursor` the sandbox issued
  (the one parameter accepted beyond the spec's, and only inside those links).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from sandbox.amazon.wire import parse_iso

T = TypeVar("T")
LINK_CURSOR = "Cursor"


class BadRequestError(ValueError):
    """A query the endpoint refuses; `param` names the parameter at fault."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param


class NotFoundError(LookupError):
    pass


@dataclass
class Query:
    """One request's query parameters, by the spec's spelling."""

    values: dict[str, str]

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if value not in (None, "") else None

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        text = self.text(name)
        if text is None:
            return default
        try:
            value = int(text)
        except ValueError:
            raise BadRequestError(name, f"The value '{text}' is not valid for {name}.") from None
        if not low <= value <= high:
            raise BadRequestError(name, f"{name} must be between {low} and {high}.")
        return value

    def date(self, name: str) -> datetime | None:
        text = self.text(name)
        if text is None:
            return None
        try:
            return parse_iso(text)
        except ValueError:
            raise BadRequestError(name, f"The value '{text}' is not valid for {name}.") from None

    def boolean(self, name: str) -> bool | None:
        text = self.text(name)
        if text is None:
            return None
        if text.lower() not in ("true", "false"):
            raise BadRequestError(name, f"The value '{text}' is not valid for {name}.")
        return text.lower() == "true"

    def ids(self, name: str) -> set[int] | None:
        text = self.text(name)
        if text is None:
            return None
        try:
            return {int(part) for part in text.split(",") if part.strip()}
        except ValueError:
            raise BadRequestError(name, f"{name} must be a comma separated list of ids.") from None

    def words(self, name: str) -> set[str] | None:
        text = self.text(name)
        return None if text is None else {part.strip() for part in text.split(",") if part.strip()}


def within(value: datetime | None, start: datetime | None, end: datetime | None) -> bool:
    """A range that includes both ends (receiving's earliest/latest, returns' on or after/before)."""
    if start is None and end is None:
        return True
    return value is not None and (start is None or value >= start) and (end is None or value <= end)


def page_of(items: Sequence[T], query: Query, *, default: int = 50, maximum: int = 250) -> list[T]:
    """`Page` (from 1) of `Limit` items."""
    page = query.integer("Page", 1, 1, 10**9)
    limit = query.integer("Limit", default, 1, maximum)
    return list(items[(page - 1) * limit : page * limit])


def encode_cursor(state: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(state, sort_keys=True).encode()).decode().rstrip("=")


def decode_cursor(token: str) -> dict[str, Any]:
    try:
        state = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise BadRequestError(LINK_CURSOR, "The cursor is not valid.") from None
    if not isinstance(state, dict) or not isinstance(state.get("o"), int) or not isinstance(state.get("n"), int):
        raise BadRequestError(LINK_CURSOR, "The cursor is not valid.")
    return state


def linked_page(
    items: Sequence[T],
    offset: int,
    size: int,
    link: Callable[[int], str],
    render: Callable[[T], dict[str, Any]],
) -> dict[str, Any]:
    """`{items, first, last, next, prev}` for the `size` items from `offset`; a link is null
    where it would point at the page itself or past either end."""
    if offset < 0 or (offset > 0 and offset >= len(items)):
        raise BadRequestError(LINK_CURSOR, "The cursor is past the last page.")
    last = max(0, (len(items) - 1) // size * size)
    return {
        "items": [render(item) for item in items[offset : offset + size]],
        "first": link(0) if offset > 0 else None,
        "last": link(last) if offset < last else None,
        "next": link(offset + size) if offset + size < len(items) else None,
        "prev": link(max(0, offset - size)) if offset > 0 else None,
    }


def url(base: str, params: dict[str, Any]) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{base}?{query}" if query else base


def cursor_walk(
    query: Query, endpoint: str, size_param: str, *, default: int = 50, maximum: int = 250
) -> tuple[Query, int, int, Callable[[int], str]]:
    """The filters, offset and page size of a cursor-linked list, and how to link to an offset.

    A `Cursor` the sandbox issued carries the filters and page size it was made with and, as
    ShipBob documents for its billing cursors, overrides any other parameter sent beside it.
    """
    token = query.text(LINK_CURSOR)
    if token is not None:
        state = decode_cursor(token)
        filters = Query({str(k): str(v) for k, v in dict(state.get("f") or {}).items()})
        offset, size = state["o"], state["n"]
    else:
        filters, offset = query, 0
        size = query.integer(size_param, default, 1, maximum)
    kept = {k: v for k, v in filters.values.items() if k not in (LINK_CURSOR, size_param)}

    def link(to: int) -> str:
        return url(endpoint, {LINK_CURSOR: encode_cursor({"o": to, "n": size, "f": kept})})

    return filters, offset, size, link
