"""A minimal FreeAgent client for the sandbox tests: real HTTP, the token endpoint, Link-header paging,
exact decimals, and each resource's attribute set as FreeAgent's documentation pages give it
(FreeAgent publishes no machine-readable schema, so the documented names are written out here).
"""

from __future__ import annotations

import base64
import json
import re
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sandbox.freeagent.auth import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
from sandbox.server import Sandbox, SandboxOptions, running
from sandbox.tests.amazon_client import Reply, http

_COMMON = {"url", "created_at", "updated_at"}
#: What invoices and credit notes both carry.
_DOCUMENT = {
    "status",
    "long_status",
    "contact",
    "contact_name",
    "project",
    "reference",
    "dated_on",
    "due_on",
    "payment_terms_in_days",
    "currency",
    "exchange_rate",
    "net_value",
    "sales_tax_value",
    "second_sales_tax_value",
    "total_value",
    "due_value",
    "comments",
    "ec_status",
    "involves_sales_tax",
    "omit_header",
    "always_show_bic_and_iban",
    "show_project_name",
    "bank_account",
    "refunded_value",
}
_ADDRESS = {"address1", "address2", "address3", "town", "region", "postcode", "country"}
#: Every attribute each resource's page documents (dev.freeagent.com/docs/<page>).
DOCUMENTED: dict[str, set[str]] = {
    "company": _ADDRESS
    | {
        "url",
        "id",
        "name",
        "subdomain",
        "type",
        "currency",
        "mileage_units",
        "company_start_date",
        "trading_start_date",
        "first_accounting_year_end",
        "annual_accounting_periods",
        "freeagent_start_date",
        "company_registration_number",
        "contact_email",
        "contact_phone",
        "website",
        "business_type",
        "business_category",
        "short_date_format",
        "sales_tax_name",
        "sales_tax_registration_number",
        "sales_tax_effective_date",
        "sales_tax_rates",
        "sales_tax_registration_status",
        "sales_tax_is_value_added",
        "cis_enabled",
        "locked_attributes",
    },
    "users": _COMMON
    | {
        "first_name",
        "last_name",
        "email",
        "role",
        "permission_level",
        "opening_mileage",
        "ni_number",
        "unique_tax_reference",
        "send_invitation",
        "hidden",
    },
    "bank_accounts": _COMMON
    | {
        "type",
        "name",
        "currency",
        "is_personal",
        "is_primary",
        "status",
        "bank_name",
        "opening_balance",
        "bank_code",
        "current_balance",
        "latest_activity_date",
        "bank_guess_enabled",
        "account_number",
        "sort_code",
        "secondary_sort_code",
        "iban",
        "bic",
    },
    "bank_transactions": _COMMON
    | {
        "amount",
        "bank_account",
        "dated_on",
        "description",
        "full_description",
        "uploaded_at",
        "unexplained_amount",
        "is_manual",
        "transaction_id",
        "matching_transactions_count",
        "bank_transaction_explanations",
    },
    "bank_transaction_explanations": {
        "url",
        "bank_account",
        "bank_transaction",
        "type",
        "ec_status",
        "place_of_supply",
        "dated_on",
        "gross_value",
        "sales_tax_rate",
        "second_sales_tax_rate",
        "sales_tax_value",
        "second_sales_tax_value",
        "sales_tax_status",
        "second_sales_tax_status",
        "description",
        "category",
        "cheque_number",
        "attachment",
        "marked_for_review",
        "is_money_in",
        "is_money_out",
        "is_money_paid_to_user",
        "is_locked",
        "locked_attributes",
        "is_deletable",
        "paid_invoice",
        "paid_bill",
        "paid_user",
        "transfer_bank_account",
        "foreign_currency_value",
        "project",
        "rebill_type",
        "rebill_factor",
        "receipt_reference",
        "stock_item",
        "stock_altering_quantity",
        "asset_life_years",
        "disposed_asset",
        "property",
    },
    "contacts": _COMMON
    | _ADDRESS
    | {
        "first_name",
        "last_name",
        "organisation_name",
        "active_projects_count",
        "direct_debit_mandate_state",
        "email",
        "billing_email",
        "phone_number",
        "mobile",
        "uses_contact_invoice_sequence",
        "contact_name_on_invoices",
        "charge_sales_tax",
        "sales_tax_registration_number",
        "status",
        "default_payment_terms_in_days",
        "locale",
    },
    "invoices": _COMMON
    | _DOCUMENT
    | {
        "property",
        "include_timeslips",
        "include_expenses",
        "include_estimates",
        "cis_rate",
        "cis_deduction_rate",
        "cis_deduction",
        "paid_value",
        "paid_on",
        "written_off_date",
        "discount_percent",
        "discount_value",
        "po_reference",
        "send_new_invoice_emails",
        "send_reminder_emails",
        "send_thank_you_emails",
        "payment_methods",
        "client_contact_name",
        "recurring_invoice",
        "is_interim_uk_vat",
        "invoice_items",
    },
    "credit_notes": _COMMON | _DOCUMENT | {"credit_note_items"},
    "bills": _COMMON
    | {
        "contact",
        "contact_name",
        "reference",
        "dated_on",
        "due_on",
        "paid_on",
        "status",
        "long_status",
        "currency",
        "input_total_values_inc_tax",
        "total_value",
        "due_value",
        "native_due_value",
        "net_value",
        "paid_value",
        "exchange_rate",
        "sales_tax_value",
        "second_sales_tax_value",
        "ec_status",
        "comments",
        "project",
        "rebill_type",
        "rebill_factor",
        "rebill_to_project",
        "recurring",
        "recurring_end_date",
        "attachment",
        "is_locked",
        "locked_attributes",
        "locked_reason",
        "bill_items",
    },
    "items": {
        "url",
        "position",
        "item_type",
        "description",
        "quantity",
        "price",
        "sales_tax_rate",
        "category",
        "second_sales_tax_rate",
        "sales_tax_status",
        "stock_item",
        "project",
        "bill",
        "total_value_ex_tax",
        "total_value",
        "sales_tax_value",
        "unit",
    },
    "categories": {
        "url",
        "description",
        "nominal_code",
        "allowable_for_tax",
        "tax_reporting_name",
        "auto_sales_tax_rate",
    },
}
#: Attributes every record of the resource must carry (a tap keys on them).
CORE = {
    "bank_accounts": {"url", "name", "currency", "opening_balance", "updated_at"},
    "bank_transactions": {"url", "amount", "bank_account", "dated_on", "unexplained_amount", "updated_at"},
    "bank_transaction_explanations": {"url", "bank_transaction", "bank_account", "type", "dated_on", "gross_value"},
    "contacts": {"url", "organisation_name", "updated_at"},
    "invoices": {"url", "contact", "reference", "dated_on", "status", "currency", "total_value", "updated_at"},
    "credit_notes": {"url", "contact", "reference", "dated_on", "status", "currency", "total_value", "updated_at"},
    "bills": {"url", "contact", "reference", "dated_on", "status", "currency", "total_value", "bill_items"},
    "users": {"url", "email"},
}
AMOUNT_FIELDS = {
    "amount",
    "unexplained_amount",
    "gross_value",
    "opening_balance",
    "current_balance",
    "net_value",
    "sales_tax_value",
    "total_value",
    "due_value",
    "paid_value",
    "native_due_value",
    "price",
    "quantity",
    "total_value_ex_tax",
    "sales_tax_rate",
    "exchange_rate",
}
_AMOUNT = re.compile(r"^-?\d+\.\d+$")
_LINK = re.compile(r'<([^>]+)>; rel="(\w+)"')


def parse(reply: Reply) -> Any:
    return json.loads(reply.raw, parse_float=Decimal)


def links(reply: Reply) -> dict[str, str]:
    return {rel: url for url, rel in _LINK.findall(reply.headers.get("link", ""))}


def check_record(resource: str, record: dict[str, Any], base: str) -> None:
    """A record carries only documented attributes, its core ones, exact decimal strings and URL references."""
    extra = set(record) - DOCUMENTED[resource]
    assert not extra, f"{resource}: undocumented attributes {sorted(extra)}"
    missing = CORE.get(resource, set()) - set(record)
    assert not missing, f"{resource}: missing {sorted(missing)}"
    for name, value in record.items():
        if name in AMOUNT_FIELDS:
            assert isinstance(value, str) and _AMOUNT.match(value), f"{resource}.{name} = {value!r}"
        if name in ("url", "bank_account", "bank_transaction", "contact", "category", "paid_bill", "paid_invoice"):
            assert value.startswith(base + "/v2/"), f"{resource}.{name} = {value!r}"
    for key in ("invoice_items", "credit_note_items", "bill_items"):
        for item in record.get(key, []):
            assert not set(item) - DOCUMENTED["items"], sorted(set(item) - DOCUMENTED["items"])
    for explanation in record.get("bank_transaction_explanations", []):
        check_record("bank_transaction_explanations", explanation, base)


def token_request(base: str, *, basic: bool = True, **form: str) -> Reply:
    fields = {"grant_type": "refresh_token", "refresh_token": REFRESH_TOKEN}
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if basic:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    else:
        fields |= {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    fields |= form
    return http("POST", base + "/v2/token_endpoint", urllib.parse.urlencode(fields).encode(), headers)


@dataclass
class FreeAgent:
    base: str
    token: str = ""
    refresh_token: str = REFRESH_TOKEN
    calls: list[str] = field(default_factory=list)

    def login(self) -> FreeAgent:
        reply = token_request(self.base, refresh_token=self.refresh_token)
        assert reply.status == 200, reply.raw
        self.token, self.refresh_token = reply.json["access_token"], reply.json["refresh_token"]
        return self

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Reply:
        self.calls.append(url)
        auth = {"Authorization": f"Bearer {self.token}", "Accept": "application/json", "User-Agent": "stratus-tests"}
        return http("GET", url, None, auth | (headers or {}))

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> Reply:
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        return self.fetch(f"{self.base}/v2/{path}" + (f"?{query}" if query else ""), headers)

    def ok(self, path: str, **params: Any) -> Any:
        reply = self.get(path, **params)
        assert reply.status == 200, (path, reply.status, reply.raw[:300])
        return parse(reply)

    def every(self, resource: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of a list, following `rel="next"` links as given; each record checked."""
        reply = self.get(resource, **params)
        items: list[dict[str, Any]] = []
        total = int(reply.headers["x-total-count"])
        while True:
            assert reply.status == 200, reply.raw[:300]
            for record in parse(reply)[resource]:
                check_record(resource, record, self.base)
                items.append(record)
            nxt = links(reply).get("next")
            if nxt is None:
                break
            reply = self.fetch(nxt)
            assert len(items) <= total, "the links never end"
        assert len(items) == total
        return items

    def account_urls(self) -> dict[str, str]:
        return {a["currency"]: a["url"] for a in self.ok("bank_accounts")["bank_accounts"]}


@contextmanager
def serve(**options: Any) -> Iterator[tuple[Sandbox, FreeAgent]]:
    """A sandbox on a free port for a whole test module, and a logged-in client of its FreeAgent."""
    sandbox = Sandbox(SandboxOptions(**options))
    with running(sandbox) as base:
        yield sandbox, FreeAgent(base).login()


def ident(url: str) -> int:
    return int(url.rstrip("/").rsplit("/", 1)[-1])
