"""Login with Amazon: refresh-token exchange for short-lived access tokens.

Tokens live `TOKEN_LIFETIME` seconds and `expires_in` says so, as Amazon does, whatever the time
scale: clients cache tokens by their own clock (some for a fixed 3200 s, ignoring `expires_in`), so
the lifetime runs on the clock's real-time mode (real seconds, plus simulated jumps), never scaled.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from urllib.parse import parse_qs

from sandbox.clock import Clock
from sandbox.shopify.api import Response

from .wire import json_response

CLIENT_ID = "amzn1.application-oa2-client.stratussandbox"
CLIENT_SECRET = "stratus-sandbox-secret"  # noqa: S105 - the sandbox's published demo credentials
REFRESH_TOKEN = "Atzr|stratus-sandbox"  # noqa: S105
TOKEN_LIFETIME = 3600  # seconds on the client's clock, as Amazon states it


@dataclass(frozen=True)
class Grant:
    """Who an access token speaks for, and until when (simulated seconds)."""

    client_id: str
    selling_partner_id: str
    expires_at: float  # on the real-time clock
    restricted_paths: tuple[str, ...] = ()  # set for Restricted Data Tokens


def _lwa_error(status: int, code: str, description: str) -> Response:
    return json_response(status, {"error": code, "error_description": description})


class LoginWithAmazon:
    """Issues and checks access tokens for one selling partner's authorisation."""

    def __init__(self, clock: Clock, selling_partner_id: str) -> None:
        self.clock = clock
        self.selling_partner_id = selling_partner_id
        self._tokens: dict[str, Grant] = {}
        self._lock = threading.Lock()

    def exchange(self, body: bytes) -> Response:
        """`POST /auth/o2/token` with a form-encoded refresh-token grant."""
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        if form.get("grant_type") != "refresh_token":
            return _lwa_error(400, "unsupported_grant_type", "The authorization grant type is not supported")
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return _lwa_error(401, "invalid_client", "Client authentication failed")
        if form.get("refresh_token") != REFRESH_TOKEN:
            return _lwa_error(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token")
        token = self.issue(CLIENT_ID, prefix="Atza|")
        return json_response(
            200,
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": TOKEN_LIFETIME,
                "refresh_token": REFRESH_TOKEN,
            },
        )

    def issue(self, client_id: str, *, prefix: str, restricted_paths: tuple[str, ...] = ()) -> str:
        token = prefix + secrets.token_urlsafe(24)
        grant = Grant(client_id, self.selling_partner_id, self.clock.now() + TOKEN_LIFETIME, restricted_paths)
        with self._lock:
            self._tokens[token] = grant
        return token

    def check(self, token: str | None) -> tuple[Grant | None, str]:
        """The token's grant, or None and why it was refused."""
        if not token:
            return None, "Access to requested resource is denied."
        with self._lock:
            grant = self._tokens.get(token)
        if grant is None:
            return None, "Access to requested resource is denied."
        if grant.expires_at <= self.clock.now():
            return None, "The access token you provided has expired."
        return grant, ""

    def expire_all(self) -> int:
        """Expire every issued token now (fault injection: token expiry mid-sync)."""
        now = self.clock.now()
        with self._lock:
            for token, grant in self._tokens.items():
                self._tokens[token] = Grant(grant.client_id, grant.selling_partner_id, now, grant.restricted_paths)
            return len(self._tokens)
