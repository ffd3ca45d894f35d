"""Relay paging over pre-sorted items agrees with sorting and filtering everything per page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sandbox.shopify.connection import ConnectionArgumentError, encode_cursor, paginate_sorted
from sandbox.shopify.data import generate_shop

KEYS = [[f"2026-01-{d:02d}", n] for d in range(1, 11) for n in (1, 2)]
ITEMS = list(range(len(KEYS)))


def ids(page):
    return [n["i"] for n in page["nodes"]]


def render(i):
    return {"i": i}


def reference(keep, *, first=None, after=None, last=None, before=None, reverse=False):
    """The page as the simple definition gives it: sort, filter, cut at the cursors, take."""
    pairs = sorted(((k, i) for k, i in zip(KEYS, ITEMS, strict=True) if keep(i)), reverse=reverse)
    if after:
        mark = KEYS[after]
        pairs = [p for p in pairs if (p[0] < mark if reverse else p[0] > mark)]
    if before:
        mark = KEYS[before]
        pairs = [p for p in pairs if (p[0] > mark if reverse else p[0] < mark)]
    page = pairs[:first] if first is not None else pairs[-last:] if last else []
    return [i for _, i in page], len(pairs) > (first if first is not None else last)


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize(
    "args",
    [{"first": 3}, {"first": 3, "after": 5}, {"last": 4}, {"last": 4, "before": 12}, {"first": 0}, {"first": 50}],
)
def test_pages_match_the_simple_definition(args, reverse):
    def keep(i):
        return i % 3 != 0

    def cursor(name):
        return encode_cursor(tuple(KEYS[args[name]])) if name in args else None

    page = paginate_sorted(
        KEYS,
        ITEMS,
        render,
        keep=keep,
        reverse=reverse,
        first=args.get("first"),
        last=args.get("last"),
        after=cursor("after"),
        before=cursor("before"),
    )
    expected, more = reference(keep, reverse=reverse, **args)
    assert ids(page) == expected
    if "first" in args:
        assert page["pageInfo"]["hasNextPage"] == more
    else:
        assert page["pageInfo"]["hasPreviousPage"] == more


def test_lower_bound_skips_only_what_the_filter_drops():
    page = paginate_sorted(
        KEYS, ITEMS, render, keep=lambda i: KEYS[i] >= ["2026-01-04"], lower_bound=["2026-01-04"], first=2
    )
    assert ids(page) == [6, 7]
    assert page["pageInfo"]["hasNextPage"]


def test_a_cursor_of_another_sort_is_refused():
    with pytest.raises(ConnectionArgumentError):
        paginate_sorted(KEYS, ITEMS, render, first=2, after=encode_cursor((1, 2)))


def test_updated_orders_move_to_the_end_of_the_update_order():
    shop = generate_shop(orders=50, anchor=datetime(2026, 3, 1, tzinfo=UTC))

    def by_update(o):
        return (o.updated_at.isoformat(), o.legacy_id)

    keys, _ = shop.sorted_orders("UPDATED_AT", by_update)
    later = datetime(2026, 3, 2, 12, 0, 0, 500, tzinfo=UTC)
    shop.update_orders([1007, 1003], later)
    keys, ordered = shop.sorted_orders("UPDATED_AT", by_update)
    assert keys == sorted(keys)
    assert [o.number for o in ordered[-2:]] == [1003, 1007]
    assert ordered[-1].updated_at == later.replace(microsecond=0)
