"""The base URL a client reached the sandbox by, for URLs the sandbox hands back to it."""

from __future__ import annotations

from collections.abc import Mapping


def client_base_url(headers: Mapping[str, str], scheme: str) -> str:
    """`scheme://host` as the client sees it: a proxy's `X-Forwarded-Proto`/`-Host` win.

    `headers` are lower-cased; `scheme` is how this server was reached (http, or https over TLS).
    """
    proto = _first(headers.get("x-forwarded-proto")) or scheme
    host = _first(headers.get("x-forwarded-host")) or headers.get("host") or "localhost"
    return f"{proto.lower()}://{host}"


def _first(value: str | None) -> str:
    """The client-side value of a header proxies may have appended to (`a, b`)."""
    return (value or "").split(",")[0].strip()
