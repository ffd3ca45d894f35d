"""ShipBob's published OpenAPI description (API version 2026-01), shipped with the sandbox as data.

Routes, their path templates and the query parameters each one accepts come from it, so the
stand-in answers exactly the paths and parameters ShipBob documents.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

VERSION = "2026-01"
SPEC_DIR = Path(__file__).resolve().parent / "openapi"
SPEC_FILE = SPEC_DIR / f"shipbob_{VERSION}.openapi.json.gz"


@cache
def load_spec() -> dict[str, Any]:
    with gzip.open(SPEC_FILE, "rt", encoding="utf-8") as fh:
        spec: dict[str, Any] = json.load(fh)
    return spec


@dataclass(frozen=True)
class Operation:
    """One documented operation: its id, method, path template and parameters."""

    name: str  # the spec's operationId, e.g. get-orders
    method: str
    path: str  # the spec's template, e.g. /2026-01/order/{orderId}/shipment

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        # `{id}` stops at '/' and ':' (custom methods such as `/shipment/{shipmentId}:getLineItems`).
        parts = re.split(r"(\{[^}]+\})", self.path)
        regex = "".join("([^/:]+)" if p.startswith("{") else re.escape(p) for p in parts)
        return re.compile("^" + regex + "$")

    @cached_property
    def literal_length(self) -> int:
        """Characters outside placeholders: a literal route wins over a templated one that also matches."""
        return len(re.sub(r"\{[^}]+\}", "", self.path))

    @cached_property
    def parameters(self) -> tuple[dict[str, Any], ...]:
        return tuple(load_spec()["paths"][self.path][self.method.lower()].get("parameters", ()))

    @cached_property
    def query_parameters(self) -> frozenset[str]:
        return frozenset(p["name"] for p in self.parameters if p["in"] == "query")

    @cached_property
    def response_schema(self) -> dict[str, Any] | None:
        """The `$ref` schema of the 200 answer, if the spec gives one."""
        responses = load_spec()["paths"][self.path][self.method.lower()]["responses"]
        schema = responses.get("200", {}).get("content", {}).get("application/json", {}).get("schema")
        return schema if isinstance(schema, dict) else None


@cache
def operation(name: str) -> Operation:
    for path, methods in load_spec()["paths"].items():
        for method, op in methods.items():
            if isinstance(op, dict) and op.get("operationId") == name:
                return Operation(name, method.upper(), path)
    raise KeyError(f"{name} is not an operation of ShipBob's {VERSION} description")
