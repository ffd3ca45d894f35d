"""Relay cursor pagination over a GraphQL connection."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import requests
from singer_sdk.pagination import BaseAPIPaginator


def dig(payload: dict[str, Any], path: Sequence[str]) -> Any:
    """The value at `path` under `payload`, or None where a step is missing."""
    node: Any = payload
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


class ConnectionPaginator(BaseAPIPaginator[str | None]):
    """Follows `pageInfo.endCursor` while `pageInfo.hasNextPage` is true."""

    def __init__(self, payload: Callable[[requests.Response], dict[str, Any]], connection_path: Sequence[str]) -> None:
        super().__init__(None)
        self._payload = payload
        self._path = ("data", *connection_path, "pageInfo")

    def get_next(self, response: requests.Response) -> str | None:
        info = dig(self._payload(response), self._path) or {}
        return info.get("endCursor") if info.get("hasNextPage") else None
