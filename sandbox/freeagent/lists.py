"""Each list endpoint's filters, as its documentation page gives them, and single-item reads.

- bank_accounts: `view` (standard_bank_accounts, credit_card_accounts, paypal_accounts);
- bank_transactions: `bank_account` (required), `from_date`/`to_date` (on `dated_on`),
  `updated_since`, `view` (all, unexplained, explained, manual, imported, marked_for_review),
  `last_uploaded`;
- bank_transaction_explanations: `bank_account` (required), `from_date`/`to_date`, `updated_since`
  (the explanation's transaction's `updated_at`: explanations carry no timestamp of their own);
- contacts: `view` (all, active, clients, suppliers, ...), `sort`, `updated_since`;
- invoices / credit_notes: `view`, `contact`, `updated_since`, `sort`, `nested_invoice_items` /
  `nested_credit_note_items` (items are left out of lists unless asked for; a single read has them);
- bills: `view` (all, open, overdue, open_or_overdue, paid), `contact`, `from_date`/`to_date`,
  `updated_since` (bill_items always included).
Lists come oldest first (by date, then id); `sort=updated_at`/`created_at` (a leading `-`: newest
first) reorders contacts, invoices and credit notes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from .books import CATEGORIES
from .models import BankTransaction, Contact, Document, Explanation
from .pages import BadRequestError, NotFoundError, Query, page, within
from .render import USER_ID, Renderer
from .world import World

PAGING = {"page", "per_page"}
TXN_VIEWS = ("all", "unexplained", "explained", "manual", "imported", "marked_for_review")
DOC_VIEWS = ("all", "open", "overdue", "open_or_overdue", "paid", "draft", "recent_open_or_overdue")


class Lister:
    def __init__(self, world: World, render: Renderer, query: Query) -> None:
        self.world = world
        self.render = render
        self.query = query

    def _account_id(self) -> int:
        text = self.query.text("bank_account")
        if text is None:
            raise BadRequestError("bank_account is required")
        ident = text.rstrip("/").rsplit("/", 1)[-1]
        if not ident.isdigit() or not any(a.id == int(ident) for a in self.world.accounts):
            raise NotFoundError(f"Bank account {text} not found")
        return int(ident)

    def _since(self, updated: datetime) -> bool:
        since = self.query.timestamp("updated_since")
        return since is None or updated >= since

    def _dated(self, value: date) -> bool:
        return within(value, self.query.date("from_date"), self.query.date("to_date"))

    def bank_accounts(self, endpoint: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
        view = self.query.text("view")
        accounts = [] if view in ("credit_card_accounts", "paypal_accounts") else self.world.accounts
        items, headers = page(accounts, self.query, endpoint)
        return [self.render.bank_account(a) for a in items], headers

    def _transactions(self) -> list[BankTransaction]:
        account = self._account_id()
        view = self.query.text("view") or "all"
        if view not in TXN_VIEWS:
            raise BadRequestError(f"view must be one of {', '.join(TXN_VIEWS)}")
        out = []
        for txn in self.world.transactions.values():
            if txn.bank_account_id != account or not self._dated(txn.dated_on) or not self._since(txn.updated_at):
                continue
            unexplained = self.world.unexplained(txn) != 0
            keep = {
                "all": True,
                "unexplained": unexplained,
                "explained": not unexplained,
                "manual": txn.is_manual,
                "imported": not txn.is_manual,
                "marked_for_review": False,
            }[view]
            if keep:
                out.append(txn)
        if self.query.flag("last_uploaded") and out:
            latest = max(t.created_at.date() for t in out)
            out = [t for t in out if t.created_at.date() == latest]
        return out

    def bank_transactions(self, endpoint: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
        items, headers = page(self._transactions(), self.query, endpoint)
        return [self.render.bank_transaction(t) for t in items], headers

    def explanations(self, endpoint: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
        account = self._account_id()
        chosen: list[Explanation] = []
        for e in self.world.explanations.values():
            txn = self.world.transactions[e.transaction_id]
            if e.bank_account_id == account and self._dated(e.dated_on) and self._since(txn.updated_at):
                chosen.append(e)
        items, headers = page(chosen, self.query, endpoint)
        return [self.render.explanation(e) for e in items], headers

    def _sorted(self, records: list[Any]) -> list[Any]:
        sort = self.query.text("sort")
        if sort is None:
            return records
        field = sort.lstrip("-")
        if field not in ("created_at", "updated_at"):
            raise BadRequestError("sort must be created_at or updated_at (a leading - for newest first)")
        return sorted(records, key=lambda r: (getattr(r, field), r.id), reverse=sort.startswith("-"))

    def contacts(self, endpoint: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
        view = self.query.text("view") or "all"
        pick: dict[str, Callable[[Contact], bool]] = {
            "all": lambda _c: True,
            "active": lambda _c: True,
            "clients": lambda c: not c.is_supplier,
            "suppliers": lambda c: c.is_supplier,
            "open_clients": lambda c: not c.is_supplier,
            "open_suppliers": lambda c: c.is_supplier,
            "hidden": lambda _c: False,
        }
        if view not in pick:
            raise BadRequestError(f"view must be one of {', '.join(pick)}")
        chosen = [c for c in self.world.books.contacts if pick[view](c) and self._since(c.updated_at)]
        items, headers = page(self._sorted(chosen), self.query, endpoint)
        return [self.render.contact(c) for c in items], headers

    def _documents(self, kind: str) -> list[Document]:
        view = self.query.text("view") or "all"
        contact = self.query.text("contact")
        contact_id = (
            int(contact.rstrip("/").rsplit("/", 1)[-1]) if contact and contact.rstrip("/")[-1:].isdigit() else None
        )
        if contact is not None and contact_id is None:
            raise BadRequestError(f"contact must be a contact URL, got '{contact}'")
        if view not in DOC_VIEWS and not (view.startswith("last_") and view.endswith("_months")):
            raise BadRequestError(f"view must be one of {', '.join(DOC_VIEWS)} or last_N_months")
        out = []
        for d in self.world.documents(kind):
            status = self.render.status(d)[0]
            keep = {
                "open": status == "Open",
                "overdue": status == "Overdue",
                "open_or_overdue": status in ("Open", "Overdue"),
                "recent_open_or_overdue": status in ("Open", "Overdue"),
                "paid": status == "Paid",
                "draft": False,
            }.get(view, True)
            if view.startswith("last_") and view.endswith("_months"):
                months = int(view[5:-7]) if view[5:-7].isdigit() else 0
                keep = (self.world.today() - d.dated_on).days <= months * 31
            wanted = contact_id is None or d.contact_id == contact_id
            if keep and wanted and self._since(d.updated_at) and (kind != "bill" or self._dated(d.dated_on)):
                out.append(d)
        return out

    def documents(
        self, kind: str, endpoint: str, nested_param: str | None
    ) -> tuple[list[dict[str, Any]], dict[str, str]]:
        records = self._documents(kind)
        if kind != "bill":
            records = self._sorted(records)
        items, headers = page(records, self.query, endpoint)
        nested = kind == "bill" or (nested_param is not None and self.query.flag(nested_param))
        return [self.render.document(d, nested=nested) for d in items], headers

    def users(self, endpoint: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
        items, headers = page([USER_ID], self.query, endpoint)
        return [self.render.user() for _ in items], headers

    def one(self, resource: str, ident: str) -> dict[str, Any]:
        """`GET /v2/<resource>/<id>`: the item under its singular name."""
        world, render = self.world, self.render
        if resource == "users" and ident in ("me", str(USER_ID)):
            return {"user": render.user()}
        if resource == "categories":
            found = next((c for c in CATEGORIES if c.nominal_code == ident), None)
            if found is None:
                raise NotFoundError(f"Category {ident} not found")
            return {"category": render.category(found)}
        if not ident.isdigit():
            raise NotFoundError(f"No {resource} {ident}")
        number = int(ident)
        if resource == "bank_accounts" and any(a.id == number for a in world.accounts):
            return {"bank_account": render.bank_account(next(a for a in world.accounts if a.id == number))}
        if resource == "bank_transactions" and number in world.transactions:
            return {"bank_transaction": render.bank_transaction(world.transactions[number])}
        if resource == "bank_transaction_explanations" and number in world.explanations:
            return {"bank_transaction_explanation": render.explanation(world.explanations[number])}
        if resource == "contacts":
            contact = next((c for c in world.books.contacts if c.id == number), None)
            if contact is not None:
                return {"contact": render.contact(contact)}
        kinds = {
            "invoices": ("invoice", "invoice"),
            "credit_notes": ("credit_note", "credit_note"),
            "bills": ("bill", "bill"),
        }
        if resource in kinds:
            kind, name = kinds[resource]
            document = next((d for d in world.documents(kind) if d.id == number), None)
            if document is not None:
                return {name: render.document(document, nested=True)}
        raise NotFoundError(f"No {resource} {ident}")


Build = Callable[[Lister, str], tuple[list[dict[str, Any]], dict[str, str]]]
_DATES = {"from_date", "to_date", "updated_since"}
LISTS: dict[str, tuple[str, set[str], Build]] = {
    "users": ("users", PAGING, Lister.users),
    "bank_accounts": ("bank_accounts", PAGING | {"view"}, Lister.bank_accounts),
    "bank_transactions": (
        "bank_transactions",
        PAGING | _DATES | {"bank_account", "view", "last_uploaded"},
        Lister.bank_transactions,
    ),
    "bank_transaction_explanations": (
        "bank_transaction_explanations",
        PAGING | _DATES | {"bank_account"},
        Lister.explanations,
    ),
    "contacts": ("contacts", PAGING | {"view", "sort", "updated_since"}, Lister.contacts),
    "invoices": (
        "invoices",
        PAGING | {"view", "contact", "updated_since", "sort", "nested_invoice_items"},
        lambda lister, endpoint: lister.documents("invoice", endpoint, "nested_invoice_items"),
    ),
    "credit_notes": (
        "credit_notes",
        PAGING | {"view", "contact", "updated_since", "sort", "nested_credit_note_items"},
        lambda lister, endpoint: lister.documents("credit_note", endpoint, "nested_credit_note_items"),
    ),
    "bills": (
        "bills",
        PAGING | _DATES | {"view", "contact"},
        lambda lister, endpoint: lister.documents("bill", endpoint, None),
    ),
}
