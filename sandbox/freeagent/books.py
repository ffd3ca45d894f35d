"""The seller's ordinary business in GBP: suppliers' bills, wholesale invoices, credit notes, bank fees.

A UK limited company sells through its Shopify shops and on Amazon, and also wholesales to a few
shops it invoices. Each month suppliers bill it (VAT at 20%), it pays them from the GBP current
account near the due date, its wholesale customers pay their invoices some weeks later, and the
bank charges a fee. Everything is drawn from the seed, so the same seed gives the same books.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from .calendar import business_day_on_or_after
from .models import Category, Contact, Document, Item

NATIVE = "GBP"
VAT = Decimal("20")

CATEGORIES = (
    Category("001", "Sales", "income", "Sales", False, "Standard rate"),
    Category("051", "Interest Received", "income", "Interest", False, "Exempt"),
    Category("101", "Cost of Sales", "cost_of_sales", "Cost of sales", True, "Standard rate"),
    Category("103", "Materials", "cost_of_sales", "Cost of sales", True, "Standard rate"),
    Category("251", "Rent", "admin_expenses", "Premises costs", True, "Exempt"),
    Category("269", "Computer Software", "admin_expenses", "General administrative expenses", True, "Standard rate"),
    Category(
        "292",
        "Accountancy Fees",
        "admin_expenses",
        "Accountancy, legal and other professional fees",
        True,
        "Standard rate",
    ),
    Category("358", "Postage", "admin_expenses", "General administrative expenses", True, "Zero rate"),
    Category(
        "363", "Bank/Finance Charges", "admin_expenses", "Bank, credit card and other financial charges", True, "Exempt"
    ),
    Category("750", "Bank Account", "general", "Cash at bank and in hand", False, "Outside of the scope of VAT"),
    Category("796", "Trade Debtors", "general", "Trade debtors", False, "Outside of the scope of VAT"),
    Category("813", "Trade Creditors", "general", "Trade creditors", False, "Outside of the scope of VAT"),
)

# Suppliers: name, category, monthly net range (pence), day of month billed, payment terms.
SUPPLIERS = (
    ("Northern Packaging Ltd", "103", (18_000, 64_000), 3, 30),
    ("Pennine Storage Ltd", "251", (95_000, 95_000), 1, 14),
    ("Ledger & Co Accountants", "292", (42_000, 42_000), 25, 30),
    ("CloudTools Ltd", "269", (4_900, 12_900), 12, 14),
    ("Parcel Network Ltd", "358", (23_000, 88_000), 28, 14),
)
CUSTOMERS = (
    ("Dalesway Outdoors Ltd", "Amy", "Hartley", "Skipton", "BD23 1AA"),
    ("Harbour Adventure Co", "Tom", "Fenwick", "Whitby", "YO21 1AA"),
    ("Summit Supplies Ltd", "Priya", "Shah", "Keswick", "CA12 4AA"),
)
WHOLESALE_LINES = (
    ("Trail tent 2P (case of 4)", Decimal("310.00")),
    ("Down sleeping bag (case of 6)", Decimal("420.00")),
    ("Insulated bottle (case of 24)", Decimal("168.00")),
    ("Headtorch 300lm (case of 12)", Decimal("144.00")),
)


@dataclass
class Payment:
    """Money that moved through the GBP account because of a document (or a bank fee)."""

    dated_on: date
    amount: Decimal
    description: str
    kind: str  # Invoice Receipt | Bill Payment | Payment
    document: Document | None
    category: str | None


@dataclass
class Books:
    contacts: list[Contact]
    invoices: list[Document]
    credit_notes: list[Document]
    bills: list[Document]
    payments: list[Payment]


def _at(day: date, rng: random.Random, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), UTC) + timedelta(minutes=rng.randrange(0, 480))


def _months(start: date, end: date) -> list[date]:
    first, out = start.replace(day=1), []
    while first < end:
        out.append(first)
        first = (first + timedelta(days=32)).replace(day=1)
    return out


def build_books(seed: int, start: date, present: datetime) -> Books:
    rng = random.Random(f"{seed}:freeagent:books")
    today = present.date()
    created = datetime.combine(start - timedelta(days=30), time(10), UTC)
    contacts: list[Contact] = []
    for number, (name, *_rest) in enumerate(SUPPLIERS, 1):
        contacts.append(
            Contact(
                number,
                name,
                "",
                "",
                f"accounts{number}@supplier.example",
                "Leeds",
                "LS1 1AA",
                "United Kingdom",
                True,
                created,
                created,
            )
        )
    for number, (name, first, last, town, postcode) in enumerate(CUSTOMERS, len(SUPPLIERS) + 1):
        contacts.append(
            Contact(
                number,
                name,
                first,
                last,
                f"{first.lower()}@customer.example",
                town,
                postcode,
                "United Kingdom",
                False,
                created,
                created,
            )
        )
    books = Books(contacts, [], [], [], [])
    for month in _months(start, today):
        _bank_fee(books, rng, month, today)
        for supplier_index, (_name, category, (low, high), bill_day, terms) in enumerate(SUPPLIERS):
            dated = month.replace(day=bill_day)
            _bill(
                books, rng, contacts[supplier_index], category, (low, high), dated=dated, terms=terms, present=present
            )
        for _ in range(2):
            customer = contacts[len(SUPPLIERS) + rng.randrange(len(CUSTOMERS))]
            _invoice(books, rng, customer, month + timedelta(days=rng.randrange(0, 27)), present)
    for number, invoice in enumerate(books.invoices[2::5], 1):
        _credit_note(books, rng, number, invoice, present)
    return books


def _bank_fee(books: Books, rng: random.Random, month: date, today: date) -> None:
    day = business_day_on_or_after(month)
    if day >= today:
        return
    fee = Decimal(rng.randrange(750, 1500)) / 100
    books.payments.append(Payment(day, -fee, "ACCOUNT FEE", "Payment", None, "363"))


def _bill(
    books: Books,
    rng: random.Random,
    supplier: Contact,
    category: str,
    pence: tuple[int, int],
    *,
    dated: date,
    terms: int,
    present: datetime,
) -> None:
    if dated >= present.date():
        return
    number = len(books.bills) + 1
    net = Decimal(rng.randrange(pence[0], pence[1] + 1)) / 100
    rate = Decimal("0") if category == "358" else VAT
    items = [Item(f"{supplier.organisation_name} services, {dated:%B %Y}", Decimal("1"), net, category, rate)]
    made = _at(dated, rng)
    bill = Document(
        "bill",
        number,
        supplier.id,
        f"{supplier.organisation_name[:3].upper()}-{dated:%y%m}",
        dated,
        dated + timedelta(days=terms),
        NATIVE,
        items,
        made,
        made,
    )
    books.bills.append(bill)
    paid = business_day_on_or_after(bill.due_on - timedelta(days=rng.randrange(0, 4)))
    if paid < present.date():
        books.payments.append(
            Payment(
                paid,
                -bill.total_value,
                f"{supplier.organisation_name.upper()} {bill.reference}",
                "Bill Payment",
                bill,
                None,
            )
        )


def _invoice(books: Books, rng: random.Random, customer: Contact, dated: date, present: datetime) -> None:
    if dated >= present.date():
        return
    number = len(books.invoices) + 1
    lines = rng.sample(WHOLESALE_LINES, rng.randrange(1, 4))
    items = [Item(text, Decimal(rng.randrange(1, 6)), price, "001", VAT) for text, price in lines]
    made = _at(dated, rng)
    invoice = Document(
        "invoice",
        number,
        customer.id,
        f"INV-{number:04d}",
        dated,
        dated + timedelta(days=30),
        NATIVE,
        items,
        made,
        made,
    )
    books.invoices.append(invoice)
    paid = business_day_on_or_after(dated + timedelta(days=rng.randrange(18, 45)))
    if paid < present.date():
        books.payments.append(
            Payment(
                paid,
                invoice.total_value,
                f"{customer.organisation_name.upper()} {invoice.reference}",
                "Invoice Receipt",
                invoice,
                None,
            )
        )


def _credit_note(books: Books, rng: random.Random, number: int, invoice: Document, present: datetime) -> None:
    dated = invoice.dated_on + timedelta(days=rng.randrange(3, 20))
    if dated >= present.date():
        return
    line = invoice.items[0]
    items = [Item(f"Returned: {line.description}", Decimal("-1"), line.price, "001", VAT)]
    made = _at(dated, rng)
    books.credit_notes.append(
        Document("credit_note", number, invoice.contact_id, f"CN-{number:04d}", dated, dated, NATIVE, items, made, made)
    )
