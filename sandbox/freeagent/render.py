"""Each resource as FreeAgent's JSON; the attribute sets are those on FreeAgent's documentation pages.

| resource | page (dev.freeagent.com/docs/...) |
|---|---|
| company | `company` |
| users | `users` |
| bank_accounts | `bank_accounts` (StandardBankAccount attributes) |
| bank_transactions | `bank_transactions` (explanations embedded, as in its response example) |
| bank_transaction_explanations | `bank_transaction_explanations` |
| contacts | `contacts` |
| invoices (+ invoice_items) | `invoices` |
| credit_notes (+ credit_note_items) | `credit_notes` |
| bills (+ bill_items) | `bills` (the bill_items schema of 2021) |
| categories | `categories` (grouped by kind) |

References between resources are URLs under the client's base URL (`<base>/v2/<resource>/<id>`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .books import NATIVE
from .models import BankAccount, BankTransaction, Category, Contact, Document, Explanation, Item
from .wire import amount, day, stamp
from .world import World

COMPANY_ID = 9_301
USER_ID = 1
GROUP_KEYS = {
    "admin_expenses": "admin_expenses_categories",
    "cost_of_sales": "cost_of_sales_categories",
    "income": "income_categories",
    "general": "general_categories",
}
ITEM_KEYS = {"invoice": "invoice_items", "credit_note": "credit_note_items", "bill": "bill_items"}


class Renderer:
    def __init__(self, world: World, base: str) -> None:
        self.world = world
        self.v2 = base + "/v2"

    def url(self, resource: str, ident: int | str) -> str:
        return f"{self.v2}/{resource}/{ident}"

    def company(self) -> dict[str, Any]:
        start = self.world.start
        return {
            "url": f"{self.v2}/company",
            "id": COMPANY_ID,
            "name": "Stratus Outdoor Supply Ltd",
            "subdomain": "stratus-outdoor",
            "type": "UkLimitedCompany",
            "currency": NATIVE,
            "mileage_units": "miles",
            "company_start_date": day(start.replace(year=start.year - 2)),
            "trading_start_date": day(start.replace(year=start.year - 2)),
            "first_accounting_year_end": day(start.replace(year=start.year - 1)),
            "freeagent_start_date": day(start),
            "address1": "Unit 4, Mill Yard",
            "town": "Kendal",
            "region": "Cumbria",
            "postcode": "LA9 4AA",
            "country": "United Kingdom",
            "company_registration_number": "12345678",
            "contact_email": "accounts@stratus.example",
            "contact_phone": "01539 000000",
            "website": "https://stratus.example",
            "business_type": "Outdoor equipment retailer",
            "business_category": "Retail",
            "short_date_format": "dd mm yy",
            "sales_tax_name": "VAT",
            "sales_tax_registration_status": "Registered",
            "sales_tax_registration_number": "GB123456789",
            "sales_tax_effective_date": day(start.replace(year=start.year - 2)),
            "sales_tax_is_value_added": True,
        }

    def user(self) -> dict[str, Any]:
        created = stamp(self.world.accounts[0].created_at)
        return {
            "url": self.url("users", USER_ID),
            "first_name": "Morgan",
            "last_name": "Example",
            "email": "morgan@stratus.example",
            "role": "Director",
            "permission_level": 8,
            "opening_mileage": 0,
            "created_at": created,
            "updated_at": created,
        }

    def bank_account(self, account: BankAccount) -> dict[str, Any]:
        balance = account.opening_balance + sum(
            (t.amount for t in self.world.transactions.values() if t.bank_account_id == account.id), Decimal("0.00")
        )
        latest = max(
            (t.dated_on for t in self.world.transactions.values() if t.bank_account_id == account.id), default=None
        )
        return {
            "url": self.url("bank_accounts", account.id),
            "type": "StandardBankAccount",
            "name": account.name,
            "currency": account.currency,
            "is_personal": False,
            "is_primary": account.is_primary,
            "status": "active",
            "bank_name": account.bank_name,
            "opening_balance": amount(account.opening_balance),
            "bank_code": "generic",
            "current_balance": amount(balance),
            "latest_activity_date": day(latest) if latest else None,
            "created_at": stamp(account.created_at),
            "updated_at": stamp(account.updated_at),
            "bank_guess_enabled": True,
            "account_number": account.account_number,
            "sort_code": account.sort_code,
            "iban": account.iban,
            "bic": account.bic,
        }

    def explanation(self, e: Explanation) -> dict[str, Any]:
        out: dict[str, Any] = {
            "url": self.url("bank_transaction_explanations", e.id),
            "bank_transaction": self.url("bank_transactions", e.transaction_id),
            "bank_account": self.url("bank_accounts", e.bank_account_id),
            "type": e.type,
            "ec_status": "UK/Non-EC",
            "dated_on": day(e.dated_on),
            "gross_value": amount(e.gross_value),
            "sales_tax_rate": amount(e.sales_tax_rate),
            "sales_tax_value": "0.0",
            "sales_tax_status": "OUT_OF_SCOPE" if e.category is None else "EXEMPT",
            "description": e.description,
            "marked_for_review": False,
            "is_money_in": e.gross_value > 0,
            "is_money_out": e.gross_value < 0,
            "is_money_paid_to_user": False,
            "is_locked": False,
            "is_deletable": True,
        }
        if e.category is not None:
            out["category"] = self.url("categories", e.category)
        if e.paid_invoice is not None:
            out["paid_invoice"] = self.url("invoices", e.paid_invoice)
        if e.paid_bill is not None:
            out["paid_bill"] = self.url("bills", e.paid_bill)
        return out

    def bank_transaction(self, t: BankTransaction) -> dict[str, Any]:
        unexplained = self.world.unexplained(t)
        kind = "Credit" if t.amount > 0 else "Debit"
        return {
            "url": self.url("bank_transactions", t.id),
            "amount": amount(t.amount),
            "bank_account": self.url("bank_accounts", t.bank_account_id),
            "dated_on": day(t.dated_on),
            "description": t.description,
            "full_description": f"{t.description}/{kind}/{amount(t.amount)}",
            "uploaded_at": stamp(t.created_at),
            "unexplained_amount": amount(unexplained),
            "is_manual": t.is_manual,
            "transaction_id": t.fit_id,
            "created_at": stamp(t.created_at),
            "updated_at": stamp(t.updated_at),
            "matching_transactions_count": 0,
            "bank_transaction_explanations": [self.explanation(self.world.explanations[e]) for e in t.explanations],
        }

    def contact(self, c: Contact) -> dict[str, Any]:
        out: dict[str, Any] = {
            "url": self.url("contacts", c.id),
            "organisation_name": c.organisation_name,
            "active_projects_count": 0,
            "created_at": stamp(c.created_at),
            "updated_at": stamp(c.updated_at),
            "email": c.email,
            "billing_email": c.email,
            "phone_number": "",
            "address1": "1 High Street",
            "town": c.town,
            "postcode": c.postcode,
            "country": c.country,
            "contact_name_on_invoices": bool(c.first_name),
            "locale": "en",
            "uses_contact_invoice_sequence": False,
            "charge_sales_tax": "Auto",
            "status": "Active",
            "default_payment_terms_in_days": c.default_payment_terms_in_days,
        }
        if c.first_name:
            out |= {"first_name": c.first_name, "last_name": c.last_name}
        return out

    def status(self, d: Document) -> tuple[str, str]:
        today = self.world.today()
        if d.total_value == 0:
            return "Zero Value", "Zero Value"
        if d.kind == "credit_note":
            return "Open", "Open"
        if d.paid_on is not None:
            return ("Paid", f"Paid on {d.paid_on:%d %b %y}")
        due_in = (d.due_on - today).days
        if due_in < 0:
            return "Overdue", f"Overdue – due {-due_in} days ago"
        return "Open", f"Open – due in {due_in} days"

    def item(self, d: Document, position: int, i: Item) -> dict[str, Any]:
        out: dict[str, Any] = {
            "url": self.url(ITEM_KEYS[d.kind], d.id * 100 + position),
            "position": position,
            "description": i.description,
            "category": self.url("categories", i.category),
            "sales_tax_rate": amount(i.sales_tax_rate),
        }
        if d.kind == "bill":
            out |= {
                "bill": self.url("bills", d.id),
                "total_value_ex_tax": amount(i.net),
                "total_value": amount(i.net + i.sales_tax),
                "sales_tax_value": amount(i.sales_tax),
                "unit": "no_unit",
                "quantity": amount(i.quantity),
            }
        else:
            out |= {"item_type": "Products", "quantity": amount(i.quantity), "price": amount(i.price)}
        return out

    def document(self, d: Document, *, nested: bool) -> dict[str, Any]:
        status, long_status = self.status(d)
        resource = {"invoice": "invoices", "credit_note": "credit_notes", "bill": "bills"}[d.kind]
        paid = d.total_value if d.paid_on else Decimal("0.00")
        out: dict[str, Any] = {
            "url": self.url(resource, d.id),
            "contact": self.url("contacts", d.contact_id),
            "contact_name": self._contact_name(d.contact_id),
            "reference": d.reference,
            "dated_on": day(d.dated_on),
            "due_on": day(d.due_on),
            "status": status,
            "long_status": long_status,
            "currency": d.currency,
            "exchange_rate": "1.0",
            "net_value": amount(d.net_value),
            "sales_tax_value": amount(d.sales_tax_value),
            "total_value": amount(d.total_value),
            "due_value": amount(d.total_value - paid),
            "created_at": stamp(d.created_at),
            "updated_at": stamp(d.updated_at),
        }
        if d.kind == "bill":
            out |= {"input_total_values_inc_tax": False, "native_due_value": amount(d.total_value - paid)}
            if d.paid_on:
                out["paid_on"] = day(d.paid_on)
            out["bill_items"] = [self.item(d, n, i) for n, i in enumerate(d.items, 1)]
            return out
        out |= {
            "payment_terms_in_days": (d.due_on - d.dated_on).days,
            "involves_sales_tax": True,
            "ec_status": "UK/Non-EC",
            "omit_header": False,
            "always_show_bic_and_iban": False,
            "show_project_name": False,
        }
        if d.kind == "invoice":
            out |= {
                "paid_value": amount(paid),
                "send_new_invoice_emails": False,
                "send_reminder_emails": False,
                "send_thank_you_emails": False,
            }
            if d.paid_on:
                out["paid_on"] = day(d.paid_on)
        if nested:
            out[ITEM_KEYS[d.kind]] = [self.item(d, n, i) for n, i in enumerate(d.items, 1)]
        return out

    def _contact_name(self, contact_id: int) -> str:
        contact = next(c for c in self.world.books.contacts if c.id == contact_id)
        return contact.organisation_name

    def category(self, c: Category) -> dict[str, Any]:
        return {
            "url": self.url("categories", c.nominal_code),
            "description": c.description,
            "nominal_code": c.nominal_code,
            "allowable_for_tax": c.allowable_for_tax,
            "tax_reporting_name": c.tax_reporting_name,
            "auto_sales_tax_rate": c.auto_sales_tax_rate,
        }
