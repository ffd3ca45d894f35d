"""One routed request as an endpoint sees it."""

from __future__ import annotations

from dataclasses import dataclass

from .auth import Grant
from .pages import BadRequestError, Query


@dataclass
class Call:
    params: tuple[str, ...]  # the path template's placeholders, in order
    query: Query
    grant: Grant
    channel_id: int | None  # the `shipbob_channel_id` header, when sent
    endpoint: str  # scheme://host/prefix/path of this request, without its query: links start here

    def id(self, index: int, name: str) -> int:
        """A numeric path parameter; ShipBob answers 400 for one that is not a number."""
        text = self.params[index]
        if not text.isdigit():
            raise BadRequestError(name, f"The value '{text}' is not valid.")
        return int(text)
