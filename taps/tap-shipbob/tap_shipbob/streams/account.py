"""The account's channels, its fulfillment centres and the fee types billing uses."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from singer_sdk import typing as th

from tap_shipbob.client import ShipBobStream
from tap_shipbob.records import BOOL, INT, TEXT, schema

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


class ChannelsStream(ShipBobStream):
    name = "channels"
    scope = "channels_read"
    primary_keys = ("account_id", "id")
    schema = schema(("id", INT), ("name", TEXT), ("application_name", TEXT), ("scopes", th.ArrayType(th.StringType)))

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:  # noqa: ARG002
        for page in self.linked("/channel", {"RecordsPerPage": 250}):
            for c in page:
                yield {
                    "account_id": self.account_id,
                    "id": c["id"],
                    "name": c.get("name"),
                    "application_name": c.get("application_name"),
                    "scopes": c.get("scopes"),
                }


class FulfillmentCentersStream(ShipBobStream):
    name = "fulfillment_centers"
    scope = "receiving_read"
    primary_keys = ("account_id", "id")
    schema = schema(
        ("id", INT),
        ("name", TEXT),
        ("address1", TEXT),
        ("address2", TEXT),
        ("city", TEXT),
        ("state", TEXT),
        ("country", TEXT),
        ("zip_code", TEXT),
        ("phone_number", TEXT),
        ("email", TEXT),
        ("timezone", TEXT),
    )
    columns = (
        "name",
        "address1",
        "address2",
        "city",
        "state",
        "country",
        "zip_code",
        "phone_number",
        "email",
        "timezone",
    )

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:  # noqa: ARG002
        for fc in self.get("/fulfillment-center") or []:
            yield {"account_id": self.account_id, "id": fc["id"], **{k: fc.get(k) for k in self.columns}}


class TransactionFeesStream(ShipBobStream):
    name = "transaction_fees"
    scope = "billing_read"
    primary_keys = ("account_id", "fee")
    schema = schema(("fee", TEXT), ("is_listed", BOOL))

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:  # noqa: ARG002
        body = self.get("/transaction-fees") or {}
        for fee in dict.fromkeys(body.get("fee_list") or []):  # a name listed twice is one fee
            yield {"account_id": self.account_id, "fee": fee, "is_listed": True}
