"""How FreeAgent writes values and errors (dev.freeagent.com/docs/introduction and each resource page).

- Amounts are decimal strings written as FreeAgent's examples write them: the exact value with at
  least one decimal digit (`"-730.0"`, `"12.5"`, `"1234.56"`), never through a float.
- Dates are `YYYY-MM-DD`; timestamps are UTC with milliseconds (`2011-07-28T11:25:11.000Z`).
- Errors are `{"errors": {"error": {"message": ...}}}`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sandbox.amazon.wire import json_response
from sandbox.shopify.api import Response

CENT = Decimal("0.01")


def amount(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." in text else text + ".0"


def day(value: date) -> str:
    return value.isoformat()


def stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return json_response(status, {"errors": {"error": {"message": message}}}, headers)


def ok(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return json_response(200, body, headers)
