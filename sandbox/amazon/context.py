"""What every SP-API operation handler is given: the seller's world and the call."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sandbox.clock import SimClock
from sandbox.faults import FaultPlan

from .data import Marketplace, SellerData, SellerHistory
from .ledger import Ledger
from .lwa import Grant
from .models import Operation
from .wire import parse_iso


class InvalidInputError(ValueError):
    """The request's parameters are missing or invalid: a 400 InvalidInput."""


class NotFoundError(LookupError):
    """The addressed resource does not exist: a 404 NotFound."""


@dataclass(frozen=True)
class Snapshot:
    """The seller and its ledger as the API saw them at one moment (what a report is made from)."""

    seller: SellerData
    ledger: Ledger
    history_anchor: datetime


class World:
    """One sandbox's Amazon side: the seller's history, seen at the current simulated time."""

    def __init__(
        self, clock: SimClock, history: SellerHistory, faults: FaultPlan, wall_start: datetime, reserves: float = 0.0
    ) -> None:
        if not isinstance(reserves, int | float) or not 0 <= reserves <= 1:
            raise ValueError(f"amazon_reserves: must be a share between 0 and 1, got {reserves!r}")
        self.clock = clock
        self.reserves = reserves  # the share of settlements that hold a reserve (see ledger)
        self.history = history
        self.faults = faults
        self.wall_start = wall_start  # the simulated wall time when the sandbox started
        self._lock = threading.Lock()
        self._moment: datetime | None = None
        self._seller = history.view(history.anchor)
        self._ledger = Ledger(self._seller, reserves)

    def fault(self, kind: str, **attributes: str | None) -> bool:
        """Whether an armed Amazon fault of `kind` hits this event (and is used up by it)."""
        return self.faults.take("amazon", (kind,), **attributes) is not None

    def _refresh(self) -> None:
        """Live sellers change as simulated time passes: re-read them once a simulated minute."""
        if not self.history.live:
            return
        moment = self.now().replace(second=0, microsecond=0)
        with self._lock:
            if moment != self._moment:
                self._moment = moment
                self._seller = self.history.view(moment)
                self._ledger = Ledger(self._seller, self.reserves)

    def snapshot(self) -> Snapshot:
        self._refresh()
        with self._lock:
            return Snapshot(self._seller, self._ledger, self.history.anchor)

    @property
    def seller(self) -> SellerData:
        self._refresh()
        return self._seller

    @property
    def ledger(self) -> Ledger:
        self._refresh()
        return self._ledger

    def now(self) -> datetime:
        return self.wall(self.clock.now())

    def wall(self, sim_seconds: float) -> datetime:
        return self.wall_start + timedelta(seconds=sim_seconds)

    def sim(self, moment: datetime) -> float:
        return (moment - self.wall_start).total_seconds()


@dataclass
class Call:
    """One authorised SP-API request."""

    operation: Operation
    path_params: tuple[str, ...]
    query: dict[str, list[str]]
    body: bytes
    grant: Grant
    base_url: str

    def one(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def many(self, name: str) -> list[str]:
        """An array parameter, given repeated or comma-separated, held to the model's item count and values."""
        values = [v for raw in self.query.get(name, []) for v in raw.split(",") if v]
        declared = self.operation.query_parameters.get(name, {})
        if name not in self.query or declared.get("type") != "array":
            return values
        low, high = declared.get("minItems", 0), declared.get("maxItems")
        if len(values) < low or (high is not None and len(values) > high):
            bounds = f"{low} to {high}" if high is not None else f"at least {low}"
            raise InvalidInputError(f"{name} takes {bounds} values, got {len(values)}")
        allowed = declared.get("items", {}).get("enum")
        bad = [v for v in values if allowed and v not in allowed]
        if bad:
            raise InvalidInputError(f"Invalid {name} {bad}; expected values among {', '.join(allowed)}")
        return values

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        raw = self.one(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise InvalidInputError(f"{name} must be an integer, got {raw!r}") from None
        if not low <= value <= high:
            raise InvalidInputError(f"{name} must be between {low} and {high}, got {value}")
        return value

    def time(self, name: str) -> datetime | None:
        raw = self.one(name)
        if raw is None:
            return None
        try:
            return parse_iso(raw)
        except ValueError:
            raise InvalidInputError(f"{name} is not an ISO 8601 date-time: {raw!r}") from None

    def json_body(self) -> dict[str, Any]:
        try:
            body = json.loads(self.body or b"{}")
        except ValueError:
            raise InvalidInputError("The request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise InvalidInputError("The request body must be a JSON object")
        return body

    @property
    def restricted(self) -> bool:
        """Whether the call was made with a Restricted Data Token (personal data allowed)."""
        return bool(self.grant.restricted_paths)


def marketplaces(world: World, ids: list[str], name: str) -> list[Marketplace]:
    """The seller's marketplaces among `ids`; any other id is invalid input."""
    out = []
    for marketplace_id in ids:
        market = world.seller.marketplace(marketplace_id)
        if market is None:
            raise InvalidInputError(f"{name}: the seller does not participate in marketplace {marketplace_id}")
        out.append(market)
    return out


_TOKEN_KEY = secrets.token_bytes(16)  # paging tokens are opaque and cannot be forged


def _token_mac(payload: str) -> str:
    return hmac.new(_TOKEN_KEY, payload.encode(), hashlib.sha256).hexdigest()[:16]


def encode_token(state: dict[str, Any]) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode()
    return f"{payload}.{_token_mac(payload)}"


def decode_token(token: str, name: str) -> dict[str, Any]:
    payload, _, mac = token.partition(".")
    if not hmac.compare_digest(mac, _token_mac(payload)):
        raise InvalidInputError(f"Invalid {name}")
    state: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload.encode()))
    return state
