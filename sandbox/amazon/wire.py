"""What goes over the wire: JSON with exact decimals, SP-API error bodies, timestamps."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sandbox.shopify.api import Response


def dumps(value: Any) -> str:
    """JSON where a Decimal is written as the number it is, digit for digit (never via float)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    return json.dumps(value)


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(status, dumps(body), dict(headers or {}))


def error(status: int, code: str, message: str, details: str = "") -> Response:
    """An SP-API error: `{"errors": [{"code", "message", "details"}]}`."""
    return json_response(status, {"errors": [{"code": code, "message": message, "details": details}]})


def iso(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    """An ISO 8601 timestamp; naive ones are UTC. Raises ValueError."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass
class Stream:
    """A response whose body is written chunk by chunk (report documents)."""

    status: int
    chunks: Iterator[bytes]
    headers: dict[str, str] = field(default_factory=dict)
    log: dict[str, Any] = field(default_factory=dict)
