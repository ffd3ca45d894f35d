"""Relay connections with Shopify's cursor semantics (first/after, last/before, reverse)."""

from __future__ import annotations

import base64
import bisect
import json
from collections.abc import Callable, Iterable, Sequence
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
    keys, ordered = sorted_index(items, key)
    return paginate_sorted(
        keys,
        ordered,
        render,
        first=first,
        after=after,
        last=last,
        before=before,
        reverse=reverse,
    )


def sorted_index(items: Iterable[T], key: Callable[[T], Sequence[Any]]) -> tuple[list[list[Any]], list[T]]:
    """`items` in ascending `key` order, with their keys as lists (the cursor form), for `paginate_sorted`."""
    pairs = sorted(((list(key(i)), i) for i in items), key=lambda p: p[0])
    return [k for k, _ in pairs], [i for _, i in pairs]


def paginate_sorted(
    keys: Sequence[list[Any]],
    items: Sequence[T],
    render: Callable[[T], dict[str, Any]],
    *,
    keep: Callable[[T], bool] = lambda _item: True,
    lower_bound: list[Any] | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    reverse: bool = False,
) -> dict[str, Any]:
    """`paginate` over `items` already sorted ascending by `keys`: cursors are found by bisection and
    only the page is filtered (`keep`) and rendered, so a page costs little however many items there are.

    `lower_bound` (optional) is a key no kept item sorts below; it skips what the filter would drop.
    """
    if (first is None) == (last is None):
        raise ConnectionArgumentError("you must provide one of first or last")
    size = first if first is not None else last
    assert size is not None
    if size < 0 or size > MAX_PAGE_SIZE:
        raise ConnectionArgumentError(f"The page size must be between 0 and {MAX_PAGE_SIZE}")
    lo, hi = 0, len(keys)
    try:
        if lower_bound is not None:
            lo = bisect.bisect_left(keys, lower_bound)
        # In reverse order `after` means "sorts below the cursor", `before` "sorts above it".
        above, below = (before, after) if reverse else (after, before)
        if above:
            lo = max(lo, bisect.bisect_right(keys, decode_cursor(above)))
        if below:
            hi = min(hi, bisect.bisect_left(keys, decode_cursor(below)))
    except TypeError as exc:
        raise ConnectionArgumentError("Invalid cursor for current pagination sort") from exc
    ascending = range(lo, hi)
    # Walk from the end the page is taken from, one past the page size to learn whether more follow.
    from_start = first is not None
    walk = ascending if from_start != reverse else reversed(ascending)
    picked: list[int] = []
    for index in walk:
        if keep(items[index]):
            picked.append(index)
            if len(picked) > size:
                break
    more = len(picked) > size
    picked = picked[:size]
    if from_start:
        has_next, has_prev = more, bool(after)
    else:
        picked.reverse()
        has_next, has_prev = bool(before), more
    edges = [{"cursor": encode_cursor(tuple(keys[i])), "node": render(items[i])} for i in picked]
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
