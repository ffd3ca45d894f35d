"""Building records: nested values read safely, exact amounts, and keys for repeated lines."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any

from singer_sdk import typing as th
from tap_common.issues import UnreadableValue

ACCOUNT = th.Property(
    "account_id", th.StringType, required=True, description="The ShipBob account (user id) the record came from"
)


def money(value: Any, column: str | None = None) -> Decimal | None:
    """An amount as an exact decimal (bodies are parsed with Decimal, never float). Raises
    UnreadableValue (naming `column`) for one no decimal reads: text like `12,34` (a decimal
    comma or a thousands separator, which could be read two ways), NaN or infinity, a list."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal | int | float | str):
        try:
            amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
        except InvalidOperation:
            amount = None
        if amount is not None and amount.is_finite():
            return amount
    text = value if isinstance(value, str) else str(value)
    raise UnreadableValue(text, f"{column or 'amount'}: {text!r} is not a decimal number", column)


class Occurrences:
    """Numbers repeated lines (the same SKU twice in one order) 1, 2, ... within their parent."""

    def __init__(self) -> None:
        self.seen: Counter[tuple[Any, ...]] = Counter()

    def __call__(self, *key: Any) -> int:
        self.seen[key] += 1
        return self.seen[key]


def schema(*columns: th.Property[Any] | tuple[str, Any]) -> dict[str, Any]:
    """A stream schema from properties, or (name, type) pairs for plain columns."""
    props = [c if isinstance(c, th.Property) else th.Property(c[0], c[1]) for c in columns]
    return th.PropertiesList(ACCOUNT, *props).to_dict()


TEXT, INT, BOOL, TIME, DEC = th.StringType, th.IntegerType, th.BooleanType, th.DateTimeType, th.DecimalType
DATE = th.DateType
LIST = th.CustomType({"type": ["array", "null"]})  # items as ShipBob sends them (one jsonb column)
OBJ = th.ObjectType(additional_properties=True)
IDS = th.ArrayType(th.IntegerType)
