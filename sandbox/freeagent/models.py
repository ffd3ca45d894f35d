"""The books' records, as plain values; `render` turns them into FreeAgent's JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class Category:
    nominal_code: str
    description: str
    group: str  # admin_expenses | cost_of_sales | income | general
    tax_reporting_name: str
    allowable_for_tax: bool
    auto_sales_tax_rate: str


@dataclass
class Contact:
    id: int
    organisation_name: str
    first_name: str
    last_name: str
    email: str
    town: str
    postcode: str
    country: str
    is_supplier: bool
    created_at: datetime
    updated_at: datetime
    default_payment_terms_in_days: int = 30


@dataclass(frozen=True)
class Item:
    """An invoice, credit note or bill line."""

    description: str
    quantity: Decimal
    price: Decimal  # per unit, before sales tax
    category: str  # nominal code
    sales_tax_rate: Decimal

    @property
    def net(self) -> Decimal:
        return (self.quantity * self.price).quantize(Decimal("0.01"))

    @property
    def sales_tax(self) -> Decimal:
        return (self.net * self.sales_tax_rate / 100).quantize(Decimal("0.01"))


@dataclass
class Document:
    """An invoice, a credit note (negative) or a bill: who, when, what, and when it was paid."""

    kind: str  # invoice | credit_note | bill
    id: int
    contact_id: int
    reference: str
    dated_on: date
    due_on: date
    currency: str
    items: list[Item]
    created_at: datetime
    updated_at: datetime
    paid_on: date | None = None
    payment_id: int | None = None  # the bank transaction explanation that paid it

    @property
    def net_value(self) -> Decimal:
        return sum((i.net for i in self.items), Decimal("0.00"))

    @property
    def sales_tax_value(self) -> Decimal:
        return sum((i.sales_tax for i in self.items), Decimal("0.00"))

    @property
    def total_value(self) -> Decimal:
        return self.net_value + self.sales_tax_value


@dataclass
class BankAccount:
    id: int
    name: str
    currency: str
    is_primary: bool
    bank_name: str
    account_number: str
    sort_code: str
    iban: str
    bic: str
    opening_balance: Decimal
    created_at: datetime
    updated_at: datetime


@dataclass
class Explanation:
    id: int
    transaction_id: int
    bank_account_id: int
    type: str  # Payment | Invoice Receipt | Bill Payment
    dated_on: date
    gross_value: Decimal
    description: str
    category: str | None  # nominal code; None when it pays an invoice or bill
    paid_invoice: int | None = None
    paid_bill: int | None = None
    sales_tax_rate: Decimal = Decimal("0")


@dataclass
class BankTransaction:
    id: int
    bank_account_id: int
    dated_on: date
    amount: Decimal
    description: str
    fit_id: str
    created_at: datetime
    updated_at: datetime
    explanations: list[int] = field(default_factory=list)
    is_manual: bool = False
