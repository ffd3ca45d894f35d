"""Who is calling: the sandbox account's personal access token and the scopes it was granted.

ShipBob authenticates with `Authorization: Bearer <token>`; a missing or unknown token is 401.
The description names no scope per operation, so the sandbox checks the read scope of each
endpoint family (the names its channels list) and answers 403 naming a scope the token lacks.
"""

from __future__ import annotations

from dataclasses import dataclass

from .world import READ_SCOPES, USER_ID

PAT = "stratus-shipbob-sandbox-pat"
APPLICATION = "personal-access-token"


@dataclass(frozen=True)
class Grant:
    user_id: int
    application: str
    scopes: frozenset[str]


class Tokens:
    def __init__(self, scopes: tuple[str, ...] | None = None) -> None:
        granted = frozenset(READ_SCOPES if scopes is None else scopes)
        unknown = granted - set(READ_SCOPES)
        if unknown:
            raise ValueError(f"shipbob_scopes: unknown scopes {', '.join(sorted(unknown))}")
        self.grant = Grant(USER_ID, APPLICATION, granted)

    def check(self, authorization: str | None) -> tuple[Grant | None, str]:
        """The grant a request's Authorization header carries, or why it carries none."""
        if not authorization:
            return None, "Authorization header is missing"
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None, "Authorization must be a Bearer token"
        if token.strip() != PAT:
            return None, "The access token is invalid or has been revoked"
        return self.grant, ""
