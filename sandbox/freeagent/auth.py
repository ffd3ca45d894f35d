"""FreeAgent's OAuth 2 token endpoint (`POST /v2/token_endpoint`) for the refresh-token grant.

From dev.freeagent.com/docs/oauth and FreeAgent's token-lifecycle announcement (api-discuss #2033):
the client authenticates with HTTP Basic (client id and secret) or, as FreeAgent's Postman
collection sends it, `client_id`/`client_secret` in the form body; `grant_type=refresh_token` and
`refresh_token=...`. The answer is `{access_token, token_type: "bearer", expires_in: 3600,
refresh_token, refresh_token_expires_in}`: access tokens live one hour, and a refresh token comes
back on every refresh with its own lifetime.

Rotation: every refresh returns a NEW refresh token with a fresh lifetime. FreeAgent's pages do not
say that the one just used stops working, so by default it keeps working until its own lifetime
ends; `revoke_used=True` (`SandboxOptions.freeagent_single_use_refresh_tokens`) makes a used
refresh token fail at once, for clients that must prove they keep the newest one.

Lifetimes run on the client's clock (`SimClock.real_time()`: real seconds plus `advance` jumps),
as Amazon's LWA stand-in does, so `expires_in` means what a client's own clock says.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from dataclasses import dataclass
from urllib.parse import parse_qs

from sandbox.amazon.wire import json_response
from sandbox.clock import Clock
from sandbox.shopify.api import Response

CLIENT_ID = "stratus-freeagent-sandbox"
CLIENT_SECRET = "stratus-freeagent-secret"  # noqa: S105 - the sandbox's published demo credentials
REFRESH_TOKEN = "stratus-freeagent-refresh"  # noqa: S105
ACCESS_TOKEN_LIFETIME = 3600  # seconds, as FreeAgent states it
REFRESH_TOKEN_LIFETIME = 20 * 86400  # the sandbox's value; clients must read refresh_token_expires_in


@dataclass(frozen=True)
class Grant:
    client_id: str
    expires_at: float  # on the client's clock


class OAuth:
    def __init__(self, clock: Clock, *, revoke_used: bool = False) -> None:
        self.clock = clock
        self.revoke_used = revoke_used
        self._access: dict[str, Grant] = {}
        self._refresh: dict[str, Grant] = {REFRESH_TOKEN: Grant(CLIENT_ID, clock.now() + REFRESH_TOKEN_LIFETIME)}
        self._lock = threading.Lock()

    def exchange(self, headers: dict[str, str], body: bytes) -> Response:
        form = _form(headers, body)
        client_id, client_secret = _basic(headers.get("authorization")) or (
            form.get("client_id", ""),
            form.get("client_secret", ""),
        )
        if client_id != CLIENT_ID or client_secret != CLIENT_SECRET:
            return _oauth_error(401, "invalid_client", "Client authentication failed")
        if form.get("grant_type") != "refresh_token":
            return _oauth_error(400, "unsupported_grant_type", "Only the refresh_token grant is served by the sandbox")
        now = self.clock.now()
        with self._lock:
            grant = self._refresh.get(form.get("refresh_token", ""))
            if grant is None or grant.expires_at <= now:
                return _oauth_error(400, "invalid_grant", "The refresh token is invalid, expired or revoked")
            if self.revoke_used:
                del self._refresh[form["refresh_token"]]
            access = secrets.token_urlsafe(32)
            refresh = secrets.token_urlsafe(32)
            self._access[access] = Grant(client_id, now + ACCESS_TOKEN_LIFETIME)
            self._refresh[refresh] = Grant(client_id, now + REFRESH_TOKEN_LIFETIME)
        return json_response(
            200,
            {
                "access_token": access,
                "token_type": "bearer",
                "expires_in": ACCESS_TOKEN_LIFETIME,
                "refresh_token": refresh,
                "refresh_token_expires_in": REFRESH_TOKEN_LIFETIME,
            },
        )

    def check(self, authorization: str | None) -> tuple[Grant | None, str]:
        """The grant of a request's bearer token, or why there is none."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None, "No access token was given"
        with self._lock:
            grant = self._access.get(token.strip())
        if grant is None:
            return None, "Access token not recognised"
        if grant.expires_at <= self.clock.now():
            return None, "Access token has expired"
        return grant, ""

    def expire_all(self) -> int:
        """Expire every access token now (a fault: token expiry mid-sync)."""
        now = self.clock.now()
        with self._lock:
            for token, grant in self._access.items():
                self._access[token] = Grant(grant.client_id, now)
            return len(self._access)


def _form(headers: dict[str, str], body: bytes) -> dict[str, str]:
    """The request's parameters: a form body (as documented), or JSON."""
    text = body.decode("utf-8", "replace")
    if "json" in headers.get("content-type", "") and text.strip().startswith("{"):
        try:
            value = json.loads(text)
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
    return {k: v[0] for k, v in parse_qs(text).items()}


def _basic(authorization: str | None) -> tuple[str, str] | None:
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(encoded.strip()).decode().partition(":")
    except ValueError:
        return None
    return user, password


def _oauth_error(status: int, code: str, description: str) -> Response:
    return json_response(status, {"error": code, "error_description": description})
