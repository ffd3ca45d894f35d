"""Nested connections read inline with their parent, completed when they overflow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tap_shopify.pagination import dig

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
    (variables id/first/after; the connection at `data.<path>`) only if there is more."""
    connection = connection or {}
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
