"""Schema pieces every stream shares."""

from collections.abc import Mapping
from typing import Any, ClassVar

from singer_sdk import typing as th

#: Every record names the seller and marketplace it came from.
IDENTITY = (
    th.Property("selling_partner_id", th.StringType, required=True),
    th.Property("marketplace_id", th.StringType),
)

#: An exact decimal amount (emitted as a JSON number from Decimal, never a float).
Money = th.DecimalType


class PersonalColumns:
    """A stream whose buyer and address columns are declared, and emitted, only when `pii` is true."""

    #: The schema with every column, personal ones included.
    full_schema: ClassVar[dict[str, Any]]
    #: The personal columns among them.
    personal_columns: ClassVar[tuple[str, ...]]
    config: Mapping[str, Any]
    _schema: dict[str, Any] | None

    @property
    def schema(self) -> dict[str, Any]:
        if self._schema is None:
            properties = self.full_schema["properties"]
            if not self.config.get("pii"):
                properties = {k: v for k, v in properties.items() if k not in self.personal_columns}
            self._schema = {**self.full_schema, "properties": properties}
        return self._schema

    def drop_personal(self, record: dict[str, Any]) -> dict[str, Any]:
        if not self.config.get("pii"):
            for column in self.personal_columns:
                record.pop(column, None)
        return record
