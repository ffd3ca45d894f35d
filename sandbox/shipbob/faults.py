"""ShipBob's own faults: invoices served a cent over the sum of their transactions, shipments
served with a unit more than was shipped, and fee lines whose amount no decimal reads.

The reconciliation tests of the warehouse must be seen failing; an unbalanced invoice stays
unbalanced on every call (its transactions do not change), and a miscounted shipment says the same
wrong quantity wherever it is served (its order, the shipment, its line items), so a sync that reads
it twice reads the same thing. Likewise a fee line served with an unreadable amount (`12,34`: a
decimal comma, which a reader could take for a thousands separator) is served so on every call, so
the tap must set it aside, never guess. Armed through the sandbox's one fault registry (sandbox.faults):
over HTTP with `POST /_sandbox/faults {"api": "shipbob", "kind": "unbalanced_invoices", "count": 1}`,
in-process with `SandboxOptions(faults=(Fault("unbalanced_invoices", "shipbob"),))`.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

from sandbox.catalog import CatalogItem
from sandbox.faults import FaultKinds

from .billing import Billing, Charge, Invoice
from .world import Shipment

CENT = Decimal("0.01")
FAULTS = FaultKinds(
    "shipbob",
    actions={
        "unbalanced_invoices": "the `count` most recent invoices are served a cent over their transactions",
        "miscounted_shipments": "the `count` most recently shipped shipments are served with one unit more of "
        "their first item than was shipped (and than the Shopify fulfillment says)",
        "unreadable_amounts": "the first `count` fee lines of the most recent invoices are served with an amount "
        "no decimal reads (a decimal comma, `12,34`), on every call",
    },
)


class ShipBobFaults:
    def __init__(self, billing: Billing) -> None:
        self.billing = billing
        self._pending = {"unbalanced_invoices": 0, "miscounted_shipments": 0, "unreadable_amounts": 0}
        self._unbalanced: set[int] = set()
        self._miscounted: set[int] = set()
        self._unreadable: set[str] = set()
        self._lock = threading.Lock()

    def unbalance(self, count: int) -> None:
        """Serve the `count` most recent invoices not yet unbalanced a cent over (from the next call)."""
        with self._lock:
            self._pending["unbalanced_invoices"] += count

    def miscount(self, count: int) -> None:
        """Serve the `count` most recently shipped shipments not yet miscounted a unit over (from the next call)."""
        with self._lock:
            self._pending["miscounted_shipments"] += count

    def garble(self, count: int) -> None:
        """Serve the first `count` fee lines not yet garbled, newest invoice first, unreadable (from the next call)."""
        with self._lock:
            self._pending["unreadable_amounts"] += count

    def _apply(self) -> None:
        """Pick the invoices, fee lines and shipments to get wrong, most recent first (built lazily,
        like the world)."""
        with self._lock:
            if self._pending["unbalanced_invoices"] or self._pending["unreadable_amounts"]:
                for invoice_id, invoice in reversed(list(self.billing.invoices().items())):
                    if self._pending["unbalanced_invoices"] and invoice_id not in self._unbalanced:
                        self._unbalanced.add(invoice_id)
                        self._pending["unbalanced_invoices"] -= 1
                    for charge in self.billing.charges(invoice) if self._pending["unreadable_amounts"] else ():
                        if self._pending["unreadable_amounts"] and charge.transaction_id not in self._unreadable:
                            self._unreadable.add(charge.transaction_id)
                            self._pending["unreadable_amounts"] -= 1
            if self._pending["miscounted_shipments"]:
                shipments = [s for key in self.billing.world.order_keys() for s in key.shipments]
                for shipment in sorted(shipments, key=lambda s: (s.shipped, s.id), reverse=True):
                    if self._pending["miscounted_shipments"] and shipment.id not in self._miscounted:
                        self._miscounted.add(shipment.id)
                        self._pending["miscounted_shipments"] -= 1

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

    def lines(self, shipment: Shipment) -> tuple[tuple[CatalogItem, int], ...]:
        """What the shipment says it holds: SKUs and quantities."""
        self._apply()
        if shipment.id not in self._miscounted:
            return shipment.lines
        (item, quantity), *rest = shipment.lines
        return ((item, quantity + 1), *rest)

    def status(self) -> dict[str, Any]:
        self._apply()
        return {
            "pending": dict(self._pending),
            "unbalanced_invoice_ids": sorted(self._unbalanced),
            "miscounted_shipment_ids": sorted(self._miscounted),
            "unreadable_transaction_ids": sorted(self._unreadable),
        }
