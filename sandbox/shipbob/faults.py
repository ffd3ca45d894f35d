"""ShipBob's own faults: invoices served a cent over the sum of their transactions, and fee lines
whose amount no decimal reads.

The reconciliation tests of the warehouse must be seen failing; an unbalanced invoice stays
unbalanced on every call (its transactions do not change), so a sync that reads it twice reads
the same thing. Likewise a fee line served with an unreadable amount (`12,34`: a decimal comma,
which a reader could take for a thousands separator) is served so on every call, so the tap
must set it aside, never guess. Armed through the sandbox's one fault registry (sandbox.faults):
over HTTP with `POST /_sandbox/faults {"api": "shipbob", "kind": "unbalanced_invoices", "count": 1}`,
in-process with `SandboxOptions(faults=(Fault("unbalanced_invoices", "shipbob"),))`.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

from sandbox.faults import FaultKinds

from .billing import Billing, Charge, Invoice

CENT = Decimal("0.01")
FAULTS = FaultKinds(
    "shipbob",
    actions={
        "unbalanced_invoices": "the `count` most recent invoices are served a cent over their transactions",
        "unreadable_amounts": "the first `count` fee lines of the most recent invoices are served with an amount "
        "no decimal reads (a decimal comma, `12,34`), on every call",
    },
)


class ShipBobFaults:
    def __init__(self, billing: Billing) -> None:
        self.billing = billing
        self._pending = 0
        self._unbalanced: set[int] = set()
        self._pending_unreadable = 0
        self._unreadable: set[str] = set()
        self._lock = threading.Lock()

    def unbalance(self, count: int) -> None:
        """Serve the `count` most recent invoices not yet unbalanced a cent over (from the next call)."""
        with self._lock:
            self._pending += count

    def garble(self, count: int) -> None:
        """Serve the first `count` fee lines not yet garbled, newest invoice first, unreadable (from the next call)."""
        with self._lock:
            self._pending_unreadable += count

    def _apply(self) -> None:
        """Unbalance the most recent invoices not yet unbalanced, garble the fee lines asked for
        (built lazily, like the invoices)."""
        with self._lock:
            if not self._pending and not self._pending_unreadable:
                return
            for invoice_id, invoice in reversed(list(self.billing.invoices().items())):
                if self._pending and invoice_id not in self._unbalanced:
                    self._unbalanced.add(invoice_id)
                    self._pending -= 1
                for charge in self.billing.charges(invoice) if self._pending_unreadable else ():
                    if self._pending_unreadable and charge.transaction_id not in self._unreadable:
                        self._unreadable.add(charge.transaction_id)
                        self._pending_unreadable -= 1

    def amount(self, invoice: Invoice) -> Decimal:
        """What the invoice says it totals."""
        self._apply()
        return invoice.amount + (CENT if invoice.id in self._unbalanced else 0)

    def charge_amount(self, charge: Charge) -> Decimal | str:
        """What the fee line says it amounts to: the amount, or text no decimal reads."""
        self._apply()
        if charge.transaction_id in self._unreadable:
            return f"{charge.amount:.2f}".replace(".", ",")
        return charge.amount

    def status(self) -> dict[str, Any]:
        self._apply()
        return {
            "pending": {"unbalanced_invoices": self._pending, "unreadable_amounts": self._pending_unreadable},
            "unbalanced_invoice_ids": sorted(self._unbalanced),
            "unreadable_transaction_ids": sorted(self._unreadable),
        }
