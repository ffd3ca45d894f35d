"""Login with Amazon: the refresh-token exchange for short-lived SP-API access tokens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import requests
from singer_sdk.authenticators import OAuthAuthenticator
from singer_sdk.helpers._util import utc_now
from tap_common.retry import unreachable_reason

from tap_amazon_spapi.errors import AmazonError

# Refresh this long before the token's stated expiry, so no request carries a dying token.
REFRESH_MARGIN = timedelta(seconds=60)


class LWAAuthenticator(OAuthAuthenticator):
    """Exchanges the refresh token for an access token, sent as `x-amz-access-token`."""

    def __init__(self, *, auth_endpoint: str, client_id: str, client_secret: str, refresh_token: str) -> None:
        super().__init__(auth_endpoint=auth_endpoint, client_id=client_id, client_secret=client_secret)
        self._refresh_token = refresh_token
        self.refreshes = 0
        #: Told of each answer from the token endpoint: the run counts it as an API call.
        self.on_response: Callable[[], None] = lambda: None
        #: Restricted Data Tokens issued for single requests; such a request keeps its token.
        self.restricted: set[str] = set()

    @property
    def oauth_request_body(self) -> dict[str, Any]:
        return {
            "grant_type": "refresh_token",
            "refresh_token": self._refresh_token,
            "client_id": self._client_id,
            "client_secret": self._client_secret,
        }

    def is_token_valid(self) -> bool:
        if self.access_token is None or self.last_refreshed is None:
            return False
        if not self.expires_in:
            return True
        margin = min(REFRESH_MARGIN, timedelta(seconds=self.expires_in / 10))
        return utc_now() < self.last_refreshed + timedelta(seconds=self.expires_in) - margin

    def update_access_token(self) -> None:
        try:
            super().update_access_token()
        except RuntimeError as exc:  # the endpoint answered with an error
            self.on_response()
            raise AmazonError(
                f"Login with Amazon refused the refresh exchange ({exc}): check lwa_client_id, "
                "lwa_client_secret and refresh_token (and lwa_token_url if set)"
            ) from None
        except requests.RequestException as exc:
            raise AmazonError(
                f"could not reach the Login with Amazon token endpoint {self.auth_endpoint}: "
                f"{unreachable_reason(exc) or exc}; check lwa_token_url (if set) and the network"
            ) from None
        self.on_response()
        self.refreshes += 1

    def handle_error(self, *, content: str, status_code: int | None) -> None:
        """Never log the response: it may echo credentials."""

    def invalidate(self) -> None:
        """Forget the token, so the next request gets a fresh one."""
        self.access_token = None
        self.last_refreshed = None

    def authenticate_request(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if request.headers.get("x-amz-access-token") in self.restricted:
            return request
        if not self.is_token_valid():
            self.update_access_token()
        request.headers["x-amz-access-token"] = str(self.access_token)
        return request
