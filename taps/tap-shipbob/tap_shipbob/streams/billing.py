"""Invoices (incremental on invoice date) and every fee line of each invoice.

`/invoices` filters on invoice date (`FromDate`/`ToDate`; unset, ShipBob reads only the last
month) and pages by cursor links. An invoice, once issued, does not change, so a run reads
from `done_until` less the lookback; each invoice's transactions (`/invoices/{id}/transactions`,
cursor links) are read with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from tap_shipbob.client import ShipBobStream
from tap_shipbob.issues import readable
from tap_shipbob.records import BOOL, DATE, DEC, INT, LIST, OBJ, TEXT, money, schema
from tap_shipbob.streams.base import api_time

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

PAGE = 1000


class InvoicesStream(ShipBobStream):
    name = "invoices"
    scope = "billing_read"
    primary_keys = ("account_id", "invoice_id")
    replication_key = "invoice_date"
    is_sorted = False
    schema = schema(
        ("invoice_id", INT),
        ("invoice_date", DATE),
        ("invoice_type", TEXT),
        ("amount", DEC),
        ("currency_code", TEXT),
        ("running_balance", DEC),
    )

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:  # noqa: ARG002
        state = self.stream_state
        window = self.incremental_window()
        params = {
            "FromDate": api_time(window.start) if window.start else None,
            "ToDate": api_time(window.end),
            "PageSize": PAGE,
            "SortOrder": "Ascending",
        }
        for page in self.linked("/invoices", params):
            yield from readable(self, page, self.record_of, "/invoices")
        state["done_until"] = api_time(window.end)

    def record_of(self, i: dict[str, Any]) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "invoice_id": i["invoice_id"],
            "invoice_date": i.get("invoice_date"),
            "invoice_type": i.get("invoice_type"),
            "amount": money(i.get("amount"), "amount"),
            "currency_code": i.get("currency_code"),
            "running_balance": money(i.get("running_balance"), "running_balance"),
        }

    def generate_child_contexts(
        self,
        record: dict[str, Any],
        context: Context | None,  # noqa: ARG002 - the SDK's signature
    ) -> Iterable[dict[str, Any] | None]:
        yield {"invoice_id": record["invoice_id"]}


class InvoiceTransactionsStream(ShipBobStream):
    """Every fee line of an invoice, with the shipment, order, WRO or return it charges for."""

    name = "invoice_transactions"
    scope = "billing_read"
    parent_stream_type = InvoicesStream
    state_partitioning_keys: list[str] = []  # noqa: RUF012 - the invoices' watermark covers these
    primary_keys = ("account_id", "invoice_id", "transaction_id")
    schema = schema(
        ("invoice_id", INT),
        ("transaction_id", TEXT),
        ("amount", DEC),
        ("currency_code", TEXT),
        ("charge_date", DATE),
        ("invoice_date", DATE),
        ("invoice_type", TEXT),
        ("invoiced_status", BOOL),
        ("reference_id", TEXT),
        ("reference_type", TEXT),
        ("transaction_fee", TEXT),
        ("transaction_type", TEXT),
        ("fulfillment_center", TEXT),
        ("taxes", LIST),
        ("additional_details", OBJ),
    )
    columns = (
        "transaction_id", "currency_code", "charge_date", "invoice_date", "invoice_type", "invoiced_status",
        "reference_id", "reference_type", "transaction_fee", "transaction_type", "fulfillment_center",
        "taxes", "additional_details",
    )  # fmt: skip

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        if not context:
            return
        invoice = context["invoice_id"]
        path = f"/invoices/{invoice}/transactions"

        def record_of(t: dict[str, Any]) -> dict[str, Any]:
            return {
                "account_id": self.account_id,
                "invoice_id": t.get("invoice_id") or invoice,
                "amount": money(t.get("amount"), "amount"),
                **{k: t.get(k) for k in self.columns},
            }

        for page in self.linked(path, {"PageSize": PAGE, "SortOrder": "Ascending"}):
            yield from readable(self, page, record_of, path)
