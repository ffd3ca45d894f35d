"""ShipBob's own faults: invoices served a cent over the sum of their transactions.

The reconciliation tests of the warehouse must be seen failing; an unbalanced invoice stays
unbalanced on every call (its transactions do not change), so a sync that reads it twice reads
the same thing. Armed through the sandbox's one fault registry (sandbox.faults): over HTTP with
`POST /_sandbox/faults {"api": "shipbob", "kind": "unbalanced_invoices", "count": 1}`, in-process
with `SandboxOptions(faults=(Fault("unbalanced_invoices", "shipbob"),))`.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

from sandbox.faults import FaultKinds

from .billing import Billing, Invoice

CENT = Decimal("0.01")
FAULTS = FaultKinds(
    "shipbob",
    actions={"unbalanced_invoices": "the `count` most recent invoices are served a cent over their transactions"},
)


class ShipBobFaults:
    def __init__(self, billing: Billing) -> None:
        self.billing = billing
        self._pending = 0
        self._unbalanced: set[int] = set()
        self._lock = threading.Lock()

    def unbalance(self, count: int) -> None:
        """Serve the `count` most recent invoices not yet unbalanced a cent over (from the next call)."""
        with self._lock:
            self._pending += count

    def _apply(self) -> None:
        """Unbalance the most recent invoices not yet unbalanced (built lazily, like the invoices)."""
        with self._lock:
            if not self._pending:
                return
            for invoice_id in reversed(list(self.billing.invoices())):
                if self._pending and invoice_id not in self._unbalanced:
                    self._unbalanced.add(invoice_id)
                    self._pending -= 1

    def amount(self, invoice: Invoice) -> Decimal:
        """What the invoice says it totals."""
        self._apply()
        return invoice.amount + (CENT if invoice.id in self._unbalanced else 0)

    def status(self) -> dict[str, Any]:
        self._apply()
        return {"pending": {"unbalanced_invoices": self._pending}, "unbalanced_invoice_ids": sorted(self._unbalanced)}
