"""Faults armed on demand, so tests and demos can show a client surviving a bad day.

One registry per sandbox holds every armed fault, for every API. A fault names its API (or `*`,
every API) and kind, hits the next `count` events of that kind, optionally after letting `skip`
through, and may be limited (`where`) to events with given attributes, such as an Amazon
operation or report type. Every API answers the common kinds below; each API declares its own
kinds, filters and actions (kinds run once when armed) in a `FaultKinds`, with one line each.

Arm them over HTTP with `POST /_sandbox/faults` and a JSON object (or a list of them) such as
`{"api": "shopify", "kind": "http_error", "status": 502, "count": 3}` or
`{"api": "amazon", "kind": "throttle", "count": 5, "where": {"operation": ["getReport"]}}`;
`GET` shows the kinds, what is armed and what has fired, `DELETE` disarms everything. In-process:
`SandboxOptions(faults=(Fault(...), ...))` or `Sandbox.faults.arm(...)`.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Callable, Collection, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

ANY_API = "*"

#: Kinds every API answers, each in its own shape.
COMMON_KINDS: Mapping[str, str] = {
    "throttle": "the API's own rate limit refuses the request (Shopify: THROTTLED, its bucket drained; "
    "Amazon: 429 QuotaExceeded)",
    "http_error": "an HTTP error status (`status`, default 503) in the API's error shape",
    "reset": "the connection is closed without a response",
    "truncate": "the response body is cut in half (its Content-Length says so, as a proxy that lost the rest would)",
}
#: The common kinds the server itself applies to any request, before the API answers it.
TRANSPORT_KINDS = ("http_error", "reset", "truncate")


class FaultError(ValueError):
    """A fault description the sandbox cannot arm."""


@dataclass(frozen=True)
class FaultKinds:
    """What one API can be made to do wrong, beyond the common kinds."""

    api: str
    kinds: Mapping[str, str] = field(default_factory=dict)  # kind: what it does
    filters: Mapping[str, str] = field(default_factory=dict)  # event attribute a fault may be limited to
    actions: Mapping[str, str] = field(default_factory=dict)  # kind run once when armed (given `count`): what it does


@dataclass
class Fault:
    kind: str
    api: str = ANY_API
    count: int = 1
    skip: int = 0
    status: int = 503
    where: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def matches(self, api: str, kinds: Collection[str], attributes: Mapping[str, str | None]) -> bool:
        if self.api not in (api, ANY_API) or self.kind not in kinds:
            return False
        return all(attributes.get(name) in values for name, values in self.where.items())


_FIELDS = {"kind", "api", "count", "skip", "status", "where"}


class FaultPlan:
    """The sandbox's fault registry: declared kinds, armed faults (consumed in the order they were
    armed) and how often each kind fired; safe across server threads."""

    def __init__(self) -> None:
        self._declared: dict[str, FaultKinds] = {}
        self._actions: dict[tuple[str, str], Callable[[int], object]] = {}
        self._armed: list[Fault] = []
        self._fired: dict[str, dict[str, int]] = {}
        self._lock = threading.Lock()

    def declare(self, kinds: FaultKinds, actions: Mapping[str, Callable[[int], object]] | None = None) -> None:
        """Add an API's own kinds, and the functions behind its actions."""
        self._declared[kinds.api] = kinds
        for name, run in (actions or {}).items():
            self._actions[(kinds.api, name)] = run

    def kinds(self, api: str) -> dict[str, str]:
        """Every kind `api` answers, with what it does."""
        own = self._declared.get(api, FaultKinds(api))
        return {**COMMON_KINDS, **own.kinds, **own.actions}

    def parse(self, spec: Mapping[str, Any]) -> Fault:
        """A fault from its JSON shape; raises FaultError naming what is wrong."""
        if not isinstance(spec, Mapping):
            raise FaultError("expected a JSON object or a list of them")
        unknown = set(spec) - _FIELDS
        if unknown:
            raise FaultError(f"unknown fault fields: {', '.join(sorted(unknown))}; known: {', '.join(sorted(_FIELDS))}")
        if "kind" not in spec:
            raise FaultError("a fault needs a kind")
        where = spec.get("where", {})
        if not isinstance(where, Mapping) or not all(
            isinstance(v, list | tuple) and all(isinstance(x, str) for x in v) for v in where.values()
        ):
            raise FaultError('where: expected an object of attribute: [values], e.g. {"operation": ["getReport"]}')
        fields = {k: v for k, v in spec.items() if k != "where"}
        fault = Fault(**fields, where={name: tuple(values) for name, values in where.items()})
        self.check(fault)
        return fault

    def check(self, fault: Fault) -> None:
        """Raise FaultError if this registry cannot arm `fault`."""
        if not isinstance(fault.api, str):
            raise FaultError("api: expected an API name or '*'")
        known = COMMON_KINDS if fault.api == ANY_API else self.kinds(fault.api)
        if not isinstance(fault.kind, str) or fault.kind not in known:
            raise FaultError(
                f"kind: {fault.kind!r} is not a fault of api {fault.api!r}; expected one of {', '.join(known)}"
            )
        for name in ("count", "skip", "status"):
            value = getattr(fault, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise FaultError(f"{name}: expected a non-negative integer, got {value!r}")
        if fault.count < 1:
            raise FaultError("count: expected at least 1")
        if fault.kind == "http_error" and not 400 <= fault.status <= 599:
            raise FaultError(f"status: expected an HTTP error status, got {fault.status}")
        filters = self._declared[fault.api].filters if fault.api in self._declared else {}
        unknown = set(fault.where) - set(filters)
        if unknown:
            raise FaultError(
                f"where: {', '.join(sorted(unknown))} cannot limit faults of api {fault.api!r}; "
                f"expected {', '.join(filters) or 'none'}"
            )

    def arm(
        self,
        kind: str,
        api: str = ANY_API,
        *,
        count: int = 1,
        skip: int = 0,
        status: int = 503,
        where: Mapping[str, Collection[str]] | None = None,
    ) -> Fault:
        limits = {name: tuple(values) for name, values in (where or {}).items()}
        return self.arm_fault(Fault(kind, api, count=count, skip=skip, status=status, where=limits))

    def arm_spec(self, spec: Mapping[str, Any]) -> Fault:
        """Arm a fault given in its JSON shape (the control endpoint's)."""
        return self.arm_fault(self.parse(spec))

    def arm_fault(self, fault: Fault) -> Fault:
        """Arm a copy of `fault` (the registry counts it down; the caller's stays as given)."""
        self.check(fault)
        fault = replace(fault, where=dict(fault.where))
        action = self._actions.get((fault.api, fault.kind))
        if action is not None:  # an action happens now, once
            action(fault.count)
            self._count(fault.api, fault.kind)
            return fault
        with self._lock:
            self._armed.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def armed(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(f) for f in self._armed]

    def fired(self, api: str, kind: str) -> int:
        """How many events of `api` this kind has hit so far."""
        with self._lock:
            return self._fired.get(api, {}).get(kind, 0)

    def status(self) -> dict[str, Any]:
        """The control endpoint's answer: kinds and filters per API, armed faults, fired counts."""
        with self._lock:
            armed = [asdict(f) for f in self._armed]
            fired = {api: dict(kinds) for api, kinds in self._fired.items()}
        apis = sorted({*self._declared, *(f["api"] for f in armed if f["api"] != ANY_API)})
        return {
            "kinds": {ANY_API: dict(COMMON_KINDS), **{api: self.kinds(api) for api in apis}},
            "filters": {api: dict(self._declared[api].filters) for api in apis if api in self._declared},
            "armed": armed,
            "fired": fired,
        }

    def take(self, api: str, kinds: Collection[str] = tuple(COMMON_KINDS), **attributes: str | None) -> Fault | None:
        """The fault of one of `kinds` that hits this event of `api`, if one is due.

        `attributes` describe the event (operation="getReport", ...): a fault limited by `where`
        hits only events whose attributes hold one of its values.
        """
        with self._lock:
            for fault in self._armed:
                if not fault.matches(api, kinds, attributes):
                    continue
                if fault.skip:
                    fault.skip -= 1
                    return None
                fault.count -= 1
                if fault.count <= 0:
                    self._armed.remove(fault)
                self._count_locked(api, fault.kind)
                return fault
        return None

    def _count(self, api: str, kind: str) -> None:
        with self._lock:
            self._count_locked(api, kind)

    def _count_locked(self, api: str, kind: str) -> None:
        per_api = self._fired.setdefault(api, {})
        per_api[kind] = per_api.get(kind, 0) + 1


def post_faults(base_url: str, *faults: Fault) -> dict[str, Any]:
    """Arm faults in a running sandbox over its control endpoint; its answer."""
    request = urllib.request.Request(  # noqa: S310 - the sandbox's own control endpoint
        f"{base_url}/_sandbox/faults",
        data=json.dumps([asdict(f) for f in faults]).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the same
        answer: dict[str, Any] = json.load(response)
    return answer
