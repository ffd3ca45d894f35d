"""FreeAgent names every resource by URL; records keep the URL and carry the id it ends in."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

#: Attributes whose value is a reference to another resource (a URL), reduced to `<name>_id`.
REFERENCES = (
    "bank_account",
    "bank_transaction",
    "category",
    "contact",
    "paid_invoice",
    "paid_bill",
    "bill",
    "invoice",
    "credit_note",
    "user",
    "project",
    "paid_user",
    "rebill_to_project",
)


def last_segment(url: Any) -> str | None:
    """The id a resource URL ends in (`.../v2/bank_accounts/7` -> "7"), None for no URL."""
    if not isinstance(url, str) or not url:
        return None
    return url.rstrip("/").rsplit("/", 1)[-1]


def with_ids(record: dict[str, Any]) -> dict[str, Any]:
    """`record` with `id` from its own `url` and `<reference>_id` beside each reference it holds."""
    if "url" in record:
        record["id"] = last_segment(record["url"])
    for name in REFERENCES:
        if name in record:
            record[f"{name}_id"] = last_segment(record[name])
    return record


def decimals(record: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """`record` with the amounts in `names` (decimal strings on the wire) as exact Decimals."""
    for name in names:
        value = record.get(name)
        if isinstance(value, str) and value.strip():
            try:
                record[name] = Decimal(value)
            except InvalidOperation:
                raise ValueError(f"{name} is not a decimal amount: {value!r}") from None
        elif value == "":
            record[name] = None
    return record
