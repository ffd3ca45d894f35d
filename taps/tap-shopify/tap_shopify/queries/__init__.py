"""GraphQL documents the tap sends, one `.graphql` file each, fragments included on load."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_SPREAD = re.compile(r"\.\.\.\s*([A-Z]\w*)")
_FRAGMENT_FILES = {
    "OrderFields": "order_fields",
    "LineItemFields": "line_item_fields",
    "RefundFields": "refund_fields",
    "RefundScalarFields": "refund_scalar_fields",
    "FulfillmentScalarFields": "fulfillment_scalar_fields",
    "RefundLineItemFields": "refund_line_item_fields",
    "RefundShippingLineFields": "refund_shipping_line_fields",
    "OrderAdjustmentFields": "order_adjustment_fields",
    "TransactionFields": "transaction_fields",
    "FulfillmentFields": "fulfillment_fields",
    "FulfillmentLineItemFields": "fulfillment_line_item_fields",
    "VariantFields": "variant_fields",
    "PayoutFields": "payout_fields",
}


def _read(name: str) -> str:
    return resources.files(__package__).joinpath(f"{name}.graphql").read_text(encoding="utf-8")


@cache
def load_query(name: str) -> str:
    """The document `name.graphql` followed by every fragment it spreads, transitively."""
    parts = [_read(name)]
    seen: set[str] = set()
    pending = _SPREAD.findall(parts[0])
    while pending:
        fragment = pending.pop()
        if fragment in seen:
            continue
        seen.add(fragment)
        text = _read(_FRAGMENT_FILES[fragment])
        parts.append(text)
        pending.extend(_SPREAD.findall(text))
    return "\n".join(parts)


def query_names() -> list[str]:
    """Every executable document (not fragment files) shipped with the tap."""
    fragments = set(_FRAGMENT_FILES.values())
    return sorted(
        p.name.removesuffix(".graphql")
        for p in resources.files(__package__).iterdir()
        if p.name.endswith(".graphql") and p.name.removesuffix(".graphql") not in fragments
    )
