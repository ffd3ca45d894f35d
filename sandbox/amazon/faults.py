"""AmazonFaults injected on demand: each counter says how many upcoming events go wrong."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, fields
from typing import Any

KINDS = (
    "throttle",
    "server_errors",
    "connection_resets",
    "fatal_reports",
    "cancelled_reports",
    "truncated_documents",
    "unbalanced_settlements",
    "undeclared_charset_documents",
    "unreadable_dates",
    "unreadable_event_dates",
    "unreadable_order_dates",
    "unreadable_inventory_quantities",
)


@dataclass
class AmazonFaultPlan:
    """How many of the next events fail, per kind (see KINDS)."""

    throttle: int = 0  # SP-API calls answered 429 QuotaExceeded whatever the bucket holds
    server_errors: int = 0  # SP-API calls answered 500/503
    connection_resets: int = 0  # SP-API calls whose connection is closed with no response
    fatal_reports: int = 0  # created reports that end FATAL
    cancelled_reports: int = 0  # created reports that end CANCELLED
    truncated_documents: int = 0  # report documents whose body stops half way
    unbalanced_settlements: int = 0  # settlement documents whose total is a cent off their lines
    undeclared_charset_documents: int = 0  # report documents in Cp1252 whose Content-Type names no charset
    unreadable_dates: int = 0  # report documents whose third row has a date in an unknown form
    unreadable_event_dates: int = 0  # listFinancialEvents pages whose first event is dated in an unknown form
    unreadable_order_dates: int = 0  # searchOrders pages whose first order is created at a date in an unknown form
    unreadable_inventory_quantities: int = 0  # getInventorySummaries pages whose first total quantity is not a number
    operations: tuple[str, ...] = ()  # limit the call faults (above) to these operations
    report_types: tuple[str, ...] = ()  # limit the document faults (above) to these report types


class AmazonFaults:
    """Thread-safe fault counters, fed by SandboxOptions and the control endpoint."""

    def __init__(self, plan: AmazonFaultPlan | None = None) -> None:
        self._plan = plan or AmazonFaultPlan()
        self._fired: dict[str, int] = dict.fromkeys(KINDS, 0)
        self._lock = threading.Lock()

    def add(self, changes: dict[str, Any]) -> None:
        """Add counts (and optionally replace the operation filter); raises ValueError on bad input."""
        known = {f.name for f in fields(AmazonFaultPlan)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {sorted(known)}")
        with self._lock:
            for kind, value in changes.items():
                if kind in ("operations", "report_types"):
                    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                        raise ValueError(f"{kind} must be a list of names")
                    setattr(self._plan, kind, tuple(value))
                elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise ValueError(f"{kind} must be a non-negative integer")
                else:
                    setattr(self._plan, kind, getattr(self._plan, kind) + value)

    def take(self, kind: str, operation: str | None = None, report_type: str | None = None) -> bool:
        """Consume one `kind` fault if one is pending (and applies to `operation` or `report_type`)."""
        with self._lock:
            if operation is not None and self._plan.operations and operation not in self._plan.operations:
                return False
            if report_type is not None and self._plan.report_types and report_type not in self._plan.report_types:
                return False
            pending: int = getattr(self._plan, kind)
            if pending <= 0:
                return False
            setattr(self._plan, kind, pending - 1)
            self._fired[kind] += 1
            return True

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {"pending": asdict(self._plan), "fired": dict(self._fired)}
