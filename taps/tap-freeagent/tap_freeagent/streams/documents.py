"""Contacts and the documents between them and the company: invoices, credit notes and bills, with their items."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from singer_sdk import typing as th

from tap_freeagent.client import FreeAgentStream
from tap_freeagent.refs import decimals, with_ids
from tap_freeagent.schemas import COMPANY, TIMESTAMPS, Money, identity, reference

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

DOCUMENT_AMOUNTS = ("net_value", "sales_tax_value", "total_value", "due_value", "paid_value", "exchange_rate")
ITEM_AMOUNTS = ("quantity", "price", "sales_tax_rate", "total_value_ex_tax", "total_value", "sales_tax_value")


def item_schema(parent: str) -> th.ArrayType[Any]:
    """A document's lines, kept nested: they change only with their document (its updated_at)."""
    return th.ArrayType(
        th.ObjectType(
            th.Property("url", th.StringType),
            th.Property("id", th.StringType),
            th.Property("position", th.IntegerType),
            th.Property("description", th.StringType),
            th.Property("item_type", th.StringType),
            th.Property("unit", th.StringType),
            th.Property("quantity", Money),
            th.Property("price", Money),
            th.Property("sales_tax_rate", Money),
            th.Property("sales_tax_value", Money),
            th.Property("total_value_ex_tax", Money),
            th.Property("total_value", Money),
            *reference("category", "category"),
            *([reference("bill", "bill")[0], reference("bill", "bill")[1]] if parent == "bill" else []),
        )
    )


class IncrementalStream(FreeAgentStream):
    """A company-wide list, incremental on `updated_since`; key (company_id, id), the id ending its URL."""

    primary_keys: ClassVar[list[str]] = ["company_id", "id"]
    replication_key = "updated_at"
    updated_since = True
    is_sorted = False  # lists come by date: the bookmark moves at the stream's end
    #: The attribute holding the document's lines, if any.
    items_key: ClassVar[str | None] = None

    def post_process(self, row: dict[str, Any], context: Context | None = None) -> dict[str, Any] | None:
        if self.items_key:
            row[self.items_key] = [
                decimals(with_ids(dict(item)), ITEM_AMOUNTS) for item in row.get(self.items_key) or []
            ]
        return super().post_process(row, context)


class ContactsStream(IncrementalStream):
    """`GET /contacts?view=all`: customers and suppliers (no personal columns beyond names).

    A contact made before start_date is still one that documents after it name, so the first run
    reads them all; later runs only what changed.
    """

    name = "contacts"
    path = "/contacts"
    collection = "contacts"
    from_start_date = False
    fixed_params: ClassVar[dict[str, str]] = {"view": "all"}

    schema = th.PropertiesList(
        *identity("contact"),
        th.Property("organisation_name", th.StringType),
        th.Property("first_name", th.StringType),
        th.Property("last_name", th.StringType),
        th.Property("country", th.StringType),
        th.Property("status", th.StringType),
        th.Property("charge_sales_tax", th.StringType),
        th.Property("default_payment_terms_in_days", th.IntegerType),
        *TIMESTAMPS,
    ).to_dict()


def document_schema(kind: str, items_key: str, *extra: th.Property[Any]) -> dict[str, Any]:
    return th.PropertiesList(
        COMPANY,
        *identity(kind)[1:],
        *reference("contact", "contact"),
        th.Property("contact_name", th.StringType),
        th.Property("reference", th.StringType),
        th.Property("dated_on", th.DateType),
        th.Property("due_on", th.DateType),
        th.Property("status", th.StringType),
        th.Property("long_status", th.StringType),
        th.Property("currency", th.StringType),
        th.Property("exchange_rate", Money),
        th.Property("net_value", Money),
        th.Property("sales_tax_value", Money),
        th.Property("total_value", Money),
        th.Property("due_value", Money),
        *extra,
        th.Property(items_key, item_schema(kind)),
        *TIMESTAMPS,
    ).to_dict()


class InvoicesStream(IncrementalStream):
    """`GET /invoices?view=all&nested_invoice_items=true`: sales invoices with their lines."""

    name = "invoices"
    path = "/invoices"
    collection = "invoices"
    items_key = "invoice_items"
    amounts = DOCUMENT_AMOUNTS
    fixed_params: ClassVar[dict[str, str]] = {"view": "all", "nested_invoice_items": "true"}
    schema = document_schema(
        "invoice",
        "invoice_items",
        th.Property("paid_value", Money),
        th.Property("paid_on", th.DateType),
        th.Property("payment_terms_in_days", th.IntegerType),
    )


class CreditNotesStream(IncrementalStream):
    """`GET /credit_notes?view=all&nested_credit_note_items=true`: credit notes with their lines."""

    name = "credit_notes"
    path = "/credit_notes"
    collection = "credit_notes"
    items_key = "credit_note_items"
    amounts = DOCUMENT_AMOUNTS
    fixed_params: ClassVar[dict[str, str]] = {"view": "all", "nested_credit_note_items": "true"}
    schema = document_schema("credit_note", "credit_note_items")


class BillsStream(IncrementalStream):
    """`GET /bills?view=all`: suppliers' bills, their bill_items always included."""

    name = "bills"
    path = "/bills"
    collection = "bills"
    items_key = "bill_items"
    amounts = (*DOCUMENT_AMOUNTS, "native_due_value")
    fixed_params: ClassVar[dict[str, str]] = {"view": "all"}
    schema = document_schema(
        "bill",
        "bill_items",
        th.Property("paid_on", th.DateType),
        th.Property("native_due_value", Money),
    )
