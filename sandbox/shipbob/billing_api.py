"""Invoices, each invoice's transactions, and the transaction fee names; cursor-linked pages."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from .billing import Billing, Charge, Invoice
from .call import Call
from .faults import ShipBobFaults
from .pages import BadRequestError, NotFoundError, cursor_walk, linked_page
from .spec import load_spec
from .world import CURRENCY

INVOICE_PARAMS = frozenset({"Cursor", "FromDate", "ToDate", "InvoiceTypes", "PageSize", "SortOrder"})
TRANSACTION_PARAMS = frozenset({"Cursor", "PageSize", "SortOrder"})
SORT_ORDERS = ("Ascending", "Descending")


def _day(at: datetime) -> str:
    return at.strftime("%Y-%m-%d")


def _sort_order(text: str | None) -> bool:
    """Whether to sort descending (the default)."""
    order = text or "Descending"
    if order not in SORT_ORDERS:
        raise BadRequestError("SortOrder", "SortOrder must be Ascending or Descending.")
    return order == "Descending"


class BillingAPI:
    def __init__(self, billing: Billing, faults: ShipBobFaults, now: Any) -> None:
        self.billing = billing
        self.faults = faults
        self.now = now  # () -> datetime: the account's present, for the documented date defaults

    def invoice_types(self) -> tuple[str, ...]:
        schema = load_spec()["components"]["schemas"]["202601InvoicesGetParametersInvoiceTypesSchemaItems"]
        return tuple(schema["enum"])

    def list_invoices(self, call: Call) -> Any:
        q, offset, size, link = cursor_walk(call.query, call.endpoint, "PageSize", default=100, maximum=1000)
        now: datetime = self.now()
        start = q.date("FromDate") or now - timedelta(days=30)
        end = q.date("ToDate") or now
        types = q.words("InvoiceTypes")
        if types is not None and not types <= set(self.invoice_types()):
            raise BadRequestError("InvoiceTypes", f"InvoiceTypes must be among {', '.join(self.invoice_types())}.")
        descending = _sort_order(q.text("SortOrder"))
        balances = self._running_balances()
        invoices = [
            inv
            for inv in self.billing.issued().values()
            if start <= inv.date <= end and (types is None or inv.invoice_type in types)
        ]
        if descending:
            invoices.reverse()
        return linked_page(invoices, offset, size, link, lambda inv: self.invoice_json(inv, balances[inv.id]))

    def _running_balances(self) -> dict[int, Decimal]:
        balance, out = Decimal("0.00"), {}
        for invoice in self.billing.issued().values():
            balance += self.faults.amount(invoice)
            out[invoice.id] = balance
        return out

    def invoice_json(self, invoice: Invoice, balance: Decimal) -> dict[str, Any]:
        return {
            "invoice_id": invoice.id,
            "invoice_date": _day(invoice.date),
            "invoice_type": invoice.invoice_type,
            "amount": self.faults.amount(invoice),
            "currency_code": CURRENCY,
            "running_balance": balance,
        }

    def transactions(self, call: Call) -> Any:
        invoice = self.billing.issued().get(call.id(0, "invoiceId"))
        if invoice is None:
            raise NotFoundError(f"Invoice {call.params[0]} not found")
        q, offset, size, link = cursor_walk(call.query, call.endpoint, "PageSize", default=100, maximum=1000)
        charges = self.billing.charges(invoice)
        if _sort_order(q.text("SortOrder")):
            charges.reverse()
        return linked_page(charges, offset, size, link, lambda c: self.transaction_json(c, invoice))

    def transaction_json(self, charge: Charge, invoice: Invoice) -> dict[str, Any]:
        details = {} if charge.order_id is None else {"OrderId": str(charge.order_id)}
        return {
            "transaction_id": charge.transaction_id,
            "amount": self.faults.charge_amount(charge),
            "currency_code": CURRENCY,
            "charge_date": _day(charge.charged),
            "invoice_id": invoice.id,
            "invoice_date": _day(invoice.date),
            "invoice_type": invoice.invoice_type,
            "invoiced_status": True,
            "reference_id": charge.reference_id,
            "reference_type": charge.reference_type,
            "transaction_fee": charge.fee,
            "transaction_type": "Charge",
            "fulfillment_center": charge.centre.name,
            "taxes": [],
            "additional_details": details,
        }

    @staticmethod
    def transaction_fees(_call: Call) -> Any:
        fees = load_spec()["components"]["schemas"]["BillingTransactionFeeModelV3FeeListItems"]["enum"]
        return {"fee_list": list(fees)}
