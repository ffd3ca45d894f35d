"""Nested connections read inline with their parent, completed when they overflow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tap_shopify.pagination import dig
from tap_shopify.throttle import MAX_SINGLE_QUERY_COST

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tap_shopify.client import ShopifyStream

FOLLOW_UP_PAGE = 50


def all_nodes(
    stream: ShopifyStream,
    connection: dict[str, Any] | None,
    query_name: str,
    owner_id: str,
    path: Sequence[str],
) -> list[dict[str, Any]]:
    """Every node of a nested connection: the inline page, then the rest with `query_name`
    (variables id/first/after; the connection at `data.<path>`) only if there is more.

    A connection not read inline at all (None: a bulk query cannot nest a connection in a
    list) is read whole with `query_name`."""
    if connection is None:
        connection = {"nodes": [], "pageInfo": {"hasNextPage": True, "endCursor": None}}
    nodes = list(connection.get("nodes") or [])
    info = connection.get("pageInfo") or {}
    while info.get("hasNextPage"):
        payload = stream.post_request_json(
            query_name, {"id": owner_id, "first": FOLLOW_UP_PAGE, "after": info.get("endCursor")}
        )
        more = dig(payload, ("data", *path)) or {}
        nodes.extend(more.get("nodes") or [])
        info = more.get("pageInfo") or {}
    return nodes


def fill_unread(
    stream: ShopifyStream, objects: list[dict[str, Any]], fields: Sequence[str], query_name: str, per_object: int
) -> None:
    """Read the `fields` connections of `objects` that came without them (a bulk query cannot
    nest a connection in a list), many objects a request with `nodes(ids:)`; what overflows
    one page is read later by `all_nodes`. `per_object` is the query's requested cost per id,
    counted in full so that a request stays within the single-query limit."""
    missing = [o for o in objects if any(f not in o for f in fields)]
    chunk = max(1, (MAX_SINGLE_QUERY_COST - 2) // per_object)
    for start in range(0, len(missing), chunk):
        batch = {o["id"]: o for o in missing[start : start + chunk]}
        payload = stream.post_request_json(query_name, {"ids": list(batch)})
        for found in dig(payload, ("data", "nodes")) or []:
            if found and found.get("id") in batch:
                batch[found["id"]].update({f: found.get(f) for f in fields})
