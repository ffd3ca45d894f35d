"""FreeAgent's OAuth 2 refresh-token grant: short-lived access tokens, and a refresh token that rotates.

Every refresh answers a new access token (`expires_in`, an hour) and a new refresh token
(`refresh_token_expires_in`). FreeAgent's pages do not promise that the refresh token just used
keeps working, so the tap treats each new one as the only good one: it refreshes only when the
access token is about to expire (or the API refuses it), always with the newest refresh token it
holds, and keeps that one in memory for the rest of the run. With `refresh_token_file` set it also
reads the newest token from that file at start and writes every rotated one to it (replaced
atomically, readable by its owner only), so the next run starts from the newest token even if
FreeAgent makes refresh tokens single-use.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests
from singer_sdk.authenticators import OAuthAuthenticator
from singer_sdk.helpers._util import utc_now
from tap_common.retry import CONNECT_TIMEOUT_S, unreachable_reason

from tap_freeagent.errors import FreeAgentError

# Refresh this long before the token's stated expiry, so no request carries a dying token.
REFRESH_MARGIN = timedelta(seconds=60)
#: Token refreshes are rate limited too (429 with Retry-After): waited out as often as a list request's.
REFRESH_TRIES = 60
RETRY_CAP_S = 120.0


def read_token_file(path: Path) -> str | None:
    """The refresh token saved in `path`, or None when there is no file (yet) or it is empty."""
    try:
        token = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return token or None


def write_token_file(path: Path, token: str) -> None:
    """Replace `path` with `token` at once (never half written), readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(token + "\n")
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


class FreeAgentAuthenticator(OAuthAuthenticator):
    """Bearer access tokens from the refresh-token grant, keeping the newest refresh token."""

    def __init__(
        self,
        *,
        auth_endpoint: str,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        token_file: Path | None = None,
    ) -> None:
        super().__init__(auth_endpoint=auth_endpoint, client_id=client_id, client_secret=client_secret)
        self.token_file = token_file
        saved = read_token_file(token_file) if token_file is not None else None
        self.refresh_token = saved or refresh_token
        self.refreshes = 0
        #: Told of each answer from the token endpoint (a 429 too): the run counts it as an API call.
        self.on_response: Callable[[], None] = lambda: None

    @property
    def oauth_request_body(self) -> dict[str, Any]:
        return {"grant_type": "refresh_token", "refresh_token": self.refresh_token}

    def is_token_valid(self) -> bool:
        if self.access_token is None or self.last_refreshed is None:
            return False
        if not self.expires_in:
            return True
        margin = min(REFRESH_MARGIN, timedelta(seconds=self.expires_in / 10))
        return utc_now() < self.last_refreshed + timedelta(seconds=self.expires_in) - margin

    def invalidate(self) -> None:
        """Forget the access token (the API refused it), so the next request gets a fresh one."""
        self.access_token = None
        self.last_refreshed = None

    def update_access_token(self) -> None:
        for _ in range(REFRESH_TRIES):
            requested_at = utc_now()
            response = self._post()
            self.on_response()
            if response.status_code == 429:
                time.sleep(min(RETRY_CAP_S, float(response.headers.get("Retry-After") or 1)))
                continue
            if response.status_code >= 400:
                raise FreeAgentError(
                    f"FreeAgent refused the refresh-token exchange (HTTP {response.status_code}"
                    f"{self._error_code(response)}): check client_id, client_secret and refresh_token; a refresh "
                    "token already used by another run, or older than its lifetime, needs a new authorisation"
                    + (f" (the newest token is kept in {self.token_file})" if self.token_file else "")
                )
            self._take(response.json(), requested_at)
            return
        raise FreeAgentError("FreeAgent kept answering 429 to the token refresh; try again in a minute")

    def _post(self) -> requests.Response:
        try:
            return requests.post(
                self.auth_endpoint,
                data=self.oauth_request_body,
                auth=(self.client_id or "", self.client_secret or ""),
                headers={"Accept": "application/json"},
                timeout=(CONNECT_TIMEOUT_S, 60),
            )
        except requests.RequestException as exc:
            raise FreeAgentError(
                f"could not reach FreeAgent's token endpoint {self.auth_endpoint}: "
                f"{unreachable_reason(exc) or type(exc).__name__}; check api_url and the network"
            ) from None

    @staticmethod
    def _error_code(response: requests.Response) -> str:
        with contextlib.suppress(ValueError, AttributeError):
            code = response.json().get("error")
            if isinstance(code, str):
                return f" {code}"
        return ""

    def _take(self, body: dict[str, Any], requested_at: Any) -> None:
        self.access_token = body["access_token"]
        self.expires_in = int(body["expires_in"]) if body.get("expires_in") else None
        self.last_refreshed = requested_at
        self.refreshes += 1
        rotated = body.get("refresh_token")
        if isinstance(rotated, str) and rotated and rotated != self.refresh_token:
            self.refresh_token = rotated
            if self.token_file is not None:
                write_token_file(self.token_file, rotated)

    def handle_error(self, *, content: str, status_code: int | None) -> None:
        """Never log the response: it may echo credentials."""

    def authenticate_request(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if not self.is_token_valid():
            self.update_access_token()
        request.headers["Authorization"] = f"Bearer {self.access_token}"
        return request
