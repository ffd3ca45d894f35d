"""Streams read incrementally with Shopify's search syntax on `updated_at`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tap_shopify.client import ShopifyStream

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


def updated_since(start: datetime | None) -> str | None:
    """An inclusive filter, so records sharing the bookmark's timestamp are read again, not lost."""
    return f"updated_at:>='{start.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}'" if start else None


class UpdatedAtStream(ShopifyStream):
    """Filters on `updated_at:>=` the bookmark (or start_date); the bookmark is `updated_at`.

    Streams that can also sort on UPDATED_AT set `is_sorted`, so the bookmark advances as
    pages arrive; the others keep it until the stream ends.
    """

    replication_key = "updated_at"

    def variables(self, context: Context | None, next_page_token: str | None) -> dict[str, Any]:
        variables = super().variables(context, next_page_token)
        variables["query"] = updated_since(self.get_starting_timestamp(context))
        return variables
