"""Faults armed on demand, so tests and demos can show a client surviving a bad day.

A fault is armed for one API (or every API) and hits the next `count` requests to it,
optionally after letting `skip` requests through first:

- `throttle`: the API's own rate limit refuses the request (Shopify: the cost bucket is
  drained first, so THROTTLED comes with a true throttleStatus; others: HTTP 429);
- `http_error`: an HTTP error status (default 503) with a small JSON body;
- `reset`: the connection is closed without a response;
- `truncate`: the response body is cut in half (its Content-Length says so, as a proxy
  that lost the rest would).

Arm them over HTTP with `POST /_sandbox/faults` and a JSON body such as
`{"api": "shopify", "kind": "http_error", "status": 502, "count": 3}`, or in-process with
`Sandbox.faults.arm(...)`.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

KINDS = ("throttle", "http_error", "reset", "truncate")
ANY_API = "*"


class FaultError(ValueError):
    """A fault description the sandbox cannot arm."""


@dataclass
class Fault:
    kind: str
    api: str = ANY_API
    count: int = 1
    skip: int = 0
    status: int = 503

    @classmethod
    def parse(cls, spec: dict[str, Any]) -> Fault:
        unknown = set(spec) - {"kind", "api", "count", "skip", "status"}
        if unknown:
            raise FaultError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        try:
            fault = cls(**spec)
        except TypeError as exc:
            raise FaultError(f"a fault needs a kind, one of {', '.join(KINDS)}") from exc
        if fault.kind not in KINDS:
            raise FaultError(f"kind: expected one of {', '.join(KINDS)}, got {fault.kind!r}")
        for name in ("count", "skip", "status"):
            if not isinstance(getattr(fault, name), int) or getattr(fault, name) < 0:
                raise FaultError(f"{name}: expected a non-negative integer")
        if fault.kind == "http_error" and not 400 <= fault.status <= 599:
            raise FaultError(f"status: expected an HTTP error status, got {fault.status}")
        return fault


class FaultPlan:
    """Armed faults, consumed in the order they were armed; safe across server threads."""

    def __init__(self) -> None:
        self._armed: list[Fault] = []
        self._lock = threading.Lock()

    def arm(self, kind: str, api: str = ANY_API, *, count: int = 1, skip: int = 0, status: int = 503) -> Fault:
        fault = Fault.parse({"kind": kind, "api": api, "count": count, "skip": skip, "status": status})
        with self._lock:
            self._armed.append(fault)
        return fault

    def arm_spec(self, spec: dict[str, Any]) -> Fault:
        fault = Fault.parse(spec)
        with self._lock:
            self._armed.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def armed(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(f) for f in self._armed]

    def take(self, api: str) -> Fault | None:
        """The fault that hits this request to `api`, if one is due."""
        with self._lock:
            for fault in self._armed:
                if fault.api not in (api, ANY_API):
                    continue
                if fault.skip:
                    fault.skip -= 1
                    return None
                fault.count -= 1
                if fault.count <= 0:
                    self._armed.remove(fault)
                return fault
        return None
