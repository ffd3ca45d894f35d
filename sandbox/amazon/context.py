"""What every SP-API operation handler is given: the seller's world and the call."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sandbox.clock import SimClock

from .data import Marketplace, SellerData
from .faults import AmazonFaults
from .ledger import Ledger
from .lwa import Grant
from .models import Operation
from .wire import parse_iso


class InvalidInputError(ValueError):
    """The request's parameters are missing or invalid: a 400 InvalidInput."""


class NotFoundError(LookupError):
    """The addressed resource does not exist: a 404 NotFound."""


@dataclass
class World:
    """One sandbox's Amazon side: the seller's data, its ledger and simulated wall time."""

    clock: SimClock
    seller: SellerData
    ledger: Ledger
    faults: AmazonFaults
    wall_start: datetime  # the simulated wall time when the sandbox started

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
        """An array parameter, given repeated or comma-separated."""
        return [v for raw in self.query.get(name, []) for v in raw.split(",") if v]

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
