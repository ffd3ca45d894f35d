"""Streams read incrementally with Shopify's search syntax on a timestamp (`updated_at` by default)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tap_shopify.client import ShopifyStream

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


class UpdatedAtStream(ShopifyStream):
    """Reads this sync's window on `search_field` (see `tap_shopify.window`); bookmark `replication_key`.

    Streams that can also sort on that field set `is_sorted`, so the bookmark advances as
    pages arrive; the others keep it until the stream (or partition) ends.
    """

    replication_key = "updated_at"

    def variables(self, context: Context | None, next_page_token: str | None) -> dict[str, Any]:
        variables = super().variables(context, next_page_token)
        variables["query"] = self.window(context).search(self.search_field)
        return variables
