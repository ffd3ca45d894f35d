"""ShipBob's own faults: invoices served a cent over the sum of their transactions, and shipments
served with a unit more than was shipped.

The reconciliation tests of the warehouse must be seen failing; an unbalanced invoice stays
unbalanced on every call (its transactions do not change), and a miscounted shipment says the same
wrong quantity wherever it is served (its order, the shipment, its line items), so a sync that reads
it twice reads the same thing. Armed through the sandbox's one fault registry (sandbox.faults):
over HTTP with `POST /_sandbox/faults {"api": "shipbob", "kind": "unbalanced_invoices", "count": 1}`,
in-process with `SandboxOptions(faults=(Fault("unbalanced_invoices", "shipbob"),))`.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

from sandbox.catalog import CatalogItem
from sandbox.faults import FaultKinds

from .billing import Billing, Invoice
from .world import Shipment

CENT = Decimal("0.01")
FAULTS = FaultKinds(
    "shipbob",
    actions={
        "unbalanced_invoices": "the `count` most recent invoices are served a cent over their transactions",
        "miscounted_shipments": "the `count` most recently shipped shipments are served with one unit more of "
        "their first item than was shipped (and than the Shopify fulfillment says)",
    },
)


class ShipBobFaults:
    def __init__(self, billing: Billing) -> None:
        self.billing = billing
        self._pending = {"unbalanced_invoices": 0, "miscounted_shipments": 0}
        self._unbalanced: set[int] = set()
        self._miscounted: set[int] = set()
        self._lock = threading.Lock()

    def unbalance(self, count: int) -> None:
        """Serve the `count` most recent invoices not yet unbalanced a cent over (from the next call)."""
        with self._lock:
            self._pending["unbalanced_invoices"] += count

    def miscount(self, count: int) -> None:
        """Serve the `count` most recently shipped shipments not yet miscounted a unit over (from the next call)."""
        with self._lock:
            self._pending["miscounted_shipments"] += count

    def _apply(self) -> None:
        """Pick the invoices and shipments to get wrong, most recent first (built lazily, like the world)."""
        with self._lock:
            if self._pending["unbalanced_invoices"]:
                for invoice_id in reversed(list(self.billing.invoices())):
                    if self._pending["unbalanced_invoices"] and invoice_id not in self._unbalanced:
                        self._unbalanced.add(invoice_id)
                        self._pending["unbalanced_invoices"] -= 1
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
        }
