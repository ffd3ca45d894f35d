"""Reading API bodies: a nested value, None where any level is missing."""

from __future__ import annotations

from typing import Any


def dig(data: Any, *path: str) -> Any:
    """`data[path[0]][path[1]]...`, None where a level is missing or not an object."""
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data
