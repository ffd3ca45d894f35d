"""Relay connections with Shopify's cursor semantics (first/after, last/before, reverse)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
MAX_PAGE_SIZE = 250


class ConnectionArgumentError(ValueError):
    """Arguments Shopify would refuse."""


def encode_cursor(key: tuple[Any, ...]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def decode_cursor(cursor: str) -> list[Any]:
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError) as exc:
        raise ConnectionArgumentError(f"Invalid cursor for current pagination sort: {cursor!r}") from exc
    if not isinstance(value, list):
        raise ConnectionArgumentError(f"Invalid cursor for current pagination sort: {cursor!r}")
    return value


def paginate(
    items: Sequence[T],
    key: Callable[[T], tuple[Any, ...]],
    render: Callable[[T], dict[str, Any]],
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    reverse: bool = False,
) -> dict[str, Any]:
    """One page of `items` (already filtered), ordered by `key`, as a connection object.

    Keys are tuples of JSON scalars (strings, numbers) so that cursors round-trip exactly.
    """
    if (first is None) == (last is None):
        raise ConnectionArgumentError("you must provide one of first or last")
    size = first if first is not None else last
    assert size is not None
    if size < 0 or size > MAX_PAGE_SIZE:
        raise ConnectionArgumentError(f"The page size must be between 0 and {MAX_PAGE_SIZE}")
    keyed = sorted(((list(key(i)), i) for i in items), key=lambda p: p[0], reverse=reverse)
    if after:
        mark = decode_cursor(after)
        keyed = [p for p in keyed if (p[0] < mark if reverse else p[0] > mark)]
    if before:
        mark = decode_cursor(before)
        keyed = [p for p in keyed if (p[0] > mark if reverse else p[0] < mark)]
    if first is not None:
        page, has_next, has_prev = keyed[:size], len(keyed) > size, bool(after)
    else:
        page, has_next, has_prev = keyed[-size:] if size else [], bool(before), len(keyed) > size
    edges = [{"cursor": encode_cursor(tuple(k)), "node": render(i)} for k, i in page]
    return {
        "edges": edges,
        "nodes": [e["node"] for e in edges],
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": has_prev,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def page_args(args: dict[str, Any]) -> dict[str, Any]:
    """The paging arguments of a connection field, as `paginate` takes them."""
    return {k: args.get(k) for k in ("first", "after", "last", "before")} | {"reverse": bool(args.get("reverse"))}
