"""Tokens API: Restricted Data Tokens, the only way to see buyers' personal data."""

from __future__ import annotations

from sandbox.shopify.api import Response

from .context import Call, InvalidInputError, World
from .lwa import TOKEN_LIFETIME, LoginWithAmazon
from .wire import json_response


class TokensAPI:
    def __init__(self, world: World, lwa: LoginWithAmazon) -> None:
        self.world = world
        self.lwa = lwa

    def create_restricted_data_token(self, call: Call) -> Response:
        body = call.json_body()
        resources = body.get("restrictedResources")
        if not isinstance(resources, list) or not resources:
            raise InvalidInputError("restrictedResources is required")
        paths = []
        for resource in resources:
            if not isinstance(resource, dict) or resource.get("method") not in ("GET", "PUT", "POST", "DELETE"):
                raise InvalidInputError("Each restricted resource needs a method (GET, PUT, POST or DELETE)")
            path = resource.get("path")
            if not isinstance(path, str) or not path.startswith("/"):
                raise InvalidInputError("Each restricted resource needs a path")
            paths.append(path)
        token = self.lwa.issue(call.grant.client_id, prefix="Atz.sprdt|", restricted_paths=tuple(paths))
        return json_response(200, {"restrictedDataToken": token, "expiresIn": TOKEN_LIFETIME})
