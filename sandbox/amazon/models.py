"""Amazon's published SP-API models, shipped with the sandbox as data.

The usage plans (rate and burst per operation) are read from the operations' own
descriptions, so the sandbox enforces exactly what the models document.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_NAMES = (
    "orders_2026-01-01",
    "ordersV0",
    "reports_2021-06-30",
    "financesV0",
    "fbaInventory",
    "sellers",
    "tokens_2021-03-01",
)
_USAGE_PLAN = re.compile(
    r"\|\s*Rate \(requests per second\)\s*\|\s*Burst\s*\|\s*\n\|[-\s|]+\|\s*\n\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|"
)


@dataclass(frozen=True)
class Operation:
    """One SP-API operation: where it lives and its documented usage plan."""

    model: str
    name: str
    method: str
    path: str  # the spec's template, e.g. /orders/v0/orders/{orderId}/orderItems
    rate: float  # requests per second, restored continuously
    burst: int

    @cached_property
    def query_parameters(self) -> dict[str, dict[str, Any]]:
        """The operation's query parameters as its model declares them, by name."""
        item = load_model(self.model)["paths"][self.path]
        declared = [*item.get("parameters", []), *item[self.method.lower()].get("parameters", [])]
        return {p["name"]: p for p in declared if p.get("in") == "query"}

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        parts = ("([^/]+)" if part.startswith("{") else re.escape(part) for part in self.path.split("/"))
        return re.compile("^" + "/".join(parts) + "$")


@cache
def load_model(name: str) -> dict[str, Any]:
    with gzip.open(MODEL_DIR / f"{name}.json.gz", "rt", encoding="utf-8") as fh:
        model: dict[str, Any] = json.load(fh)
    return model


@cache
def operations() -> tuple[Operation, ...]:
    """Every operation with a usage plan, across the shipped models."""
    out = []
    for model_name in MODEL_NAMES:
        for path, methods in load_model(model_name)["paths"].items():
            for method, op in methods.items():
                if not isinstance(op, dict) or "operationId" not in op:
                    continue
                plan = _USAGE_PLAN.search(op.get("description", ""))
                if plan is None:
                    continue
                out.append(
                    Operation(
                        model=model_name,
                        name=op["operationId"],
                        method=method.upper(),
                        path=path,
                        rate=float(plan[1]),
                        burst=int(plan[2]),
                    )
                )
    return tuple(out)


def operation(model: str, name: str) -> Operation:
    for op in operations():
        if op.model == model and op.name == name:
            return op
    raise KeyError(f"{model}:{name} has no usage plan in the shipped models")
