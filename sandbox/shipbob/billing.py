"""What ShipBob charges: a fee line per shipment, return, receiving order and week of storage,
gathered into weekly invoices, one per invoice type, whose amount is exactly the sum of its lines.

A week runs Monday 00:00 to Monday 00:00 UTC; its invoices are dated the Monday it ends, once
that day has come. Lines of the running week are not invoiced yet, so no invoice lists them.
Amounts are Decimals throughout.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from .stock import ReceivingOrder, Stock
from .world import FULFILLMENT_CENTERS, FulfillmentCenter, Return, Shipment, World

INVOICE_ID_BASE = 3_000_000
EPOCH = datetime(2020, 1, 6, tzinfo=UTC)  # a Monday: week numbers count from it
WEEK = timedelta(days=7)
CENT = Decimal("0.01")
#: Invoice types in the order their ids are numbered within a week.
INVOICE_TYPES = ("Shipping", "Return", "Inbound Fee", "WarehouseStorage")


@dataclass(frozen=True)
class Charge:
    """One fee line (a transaction in ShipBob's billing API)."""

    transaction_id: str
    fee: str  # one of the spec's transaction fee names
    amount: Decimal
    charged: datetime
    reference_id: str
    reference_type: str  # Shipment, Return, WRO or FC
    invoice_type: str
    centre: FulfillmentCenter
    order_id: int | None = None  # the order a shipment's or return's line is for


def week_of(at: datetime) -> int:
    return (at - EPOCH) // WEEK


def week_start(week: int) -> datetime:
    return EPOCH + week * WEEK


def shipment_charges(shipment: Shipment) -> list[Charge]:
    def charge(prefix: str, fee: str, amount: Decimal) -> Charge:
        return Charge(
            f"{prefix}{shipment.id}",
            fee,
            amount,
            shipment.shipped,
            str(shipment.id),
            "Shipment",
            "Shipping",
            shipment.centre,
            shipment.order_id,
        )

    base = Decimal("4.80") + Decimal("0.45") * (shipment.units - 1) + Decimal("0.15") * (shipment.id % 7)
    out = [charge("S", "Shipping", base)]
    if shipment.units > 1:
        out.append(charge("P", "Per Pick Fee", (Decimal("0.25") * (shipment.units - 1)).quantize(CENT)))
    return out


def return_charges(ret: Return) -> list[Charge]:
    """Processing a return is charged when it completes; a cancelled one costs nothing."""
    if ret.completed is None:
        return []
    fee = Decimal("3.00") + Decimal("0.50") * (ret.units - 1)
    return [
        Charge(
            f"R{ret.id}",
            "Return Processed by Operations Fee",
            fee,
            ret.completed,
            str(ret.id),
            "Return",
            "Return",
            ret.shipment.centre,
            ret.order_id,
        )
    ]


def receiving_charges(wro: ReceivingOrder) -> list[Charge]:
    if wro.completed is None:
        return []
    fee = Decimal("35.00") + Decimal("2.50") * len(wro.boxes)
    return [
        Charge(f"W{wro.id}", "WRO Receiving Fee", fee, wro.completed, str(wro.id), "WRO", "Inbound Fee", wro.centre)
    ]


def storage_charges(seed: int, week: int) -> list[Charge]:
    end = week_start(week + 1) - timedelta(seconds=1)
    out = []
    for centre in FULFILLMENT_CENTERS:
        rng = random.Random(f"{seed}:shipbob:storage:{centre.id}:{week}")
        fee = Decimal(rng.randint(3500, 9000)) / 100
        out.append(
            Charge(
                f"B{centre.id}-{week}", "Warehousing Fee", fee, end, str(centre.id), "FC", "WarehouseStorage", centre
            )
        )
    return out


def charged(charges: Iterable[Charge]) -> Decimal:
    return sum((c.amount for c in charges), Decimal("0.00"))


@dataclass
class Invoice:
    id: int
    invoice_type: str
    week: int
    amount: Decimal  # the sum of its lines, to the cent
    order_ids: list[int] = field(default_factory=list)  # orders whose lines it holds (shipping, returns)

    @property
    def date(self) -> datetime:
        return week_start(self.week + 1)


class Billing:
    """Every invoice of the account, built on first use from one pass over the orders."""

    def __init__(self, world: World, stock: Stock, seed: int) -> None:
        self.world = world
        self.stock = stock
        self.seed = seed
        self._invoices: dict[int, Invoice] | None = None
        self._lock = threading.Lock()
        # Invoices not issued yet (tests: an invoice that arrives after the runs that loaded its
        # shipments); the API serves them once they leave this set.
        self.held: set[int] = set()

    def _invoice_id(self, week: int, invoice_type: str) -> int:
        return INVOICE_ID_BASE + week * 10 + INVOICE_TYPES.index(invoice_type)

    def invoices(self) -> dict[int, Invoice]:
        """Invoices by id, in ascending date (and id) order."""
        with self._lock:
            if self._invoices is None:
                self._invoices = self._build()
            return self._invoices

    def _build(self) -> dict[int, Invoice]:
        last_week = week_of(self.world.anchor) - 1  # the last week that has ended
        invoices: dict[int, Invoice] = {}

        def add(charges: Iterable[Charge], order_id: int | None = None) -> None:
            for charge in charges:
                week = week_of(charge.charged)
                if week > last_week:
                    continue
                invoice_id = self._invoice_id(week, charge.invoice_type)
                invoice = invoices.setdefault(
                    invoice_id, Invoice(invoice_id, charge.invoice_type, week, Decimal("0.00"))
                )
                invoice.amount += charge.amount
                if order_id is not None and (not invoice.order_ids or invoice.order_ids[-1] != order_id):
                    invoice.order_ids.append(order_id)

        for key in self.world.order_keys():
            for shipment in key.shipments:
                add(shipment_charges(shipment), key.id)
            for ret in key.returns:
                add(return_charges(ret), key.id)
        for wro in self.stock.receiving_orders:
            add(receiving_charges(wro))
        first_week = week_of(self.world.anchor - timedelta(days=self.stock.days))
        for week in range(first_week, last_week + 1):
            add(storage_charges(self.seed, week))
        return dict(sorted(invoices.items(), key=lambda kv: (kv[1].date, kv[0])))

    def issued(self) -> dict[int, Invoice]:
        """The invoices the API serves: every one not held back."""
        return {i: invoice for i, invoice in self.invoices().items() if i not in self.held}

    def charges(self, invoice: Invoice) -> list[Charge]:
        """The invoice's lines, oldest first."""
        lines: list[Charge] = []
        if invoice.invoice_type in ("Shipping", "Return"):
            for order_id in invoice.order_ids:
                order = self.world.order(order_id)
                assert order is not None
                if invoice.invoice_type == "Shipping":
                    lines += [c for s in order.shipments for c in shipment_charges(s)]
                else:
                    lines += [c for r in order.returns for c in return_charges(r)]
        elif invoice.invoice_type == "Inbound Fee":
            lines = [c for w in self.stock.receiving_orders for c in receiving_charges(w)]
        else:
            lines = storage_charges(self.seed, invoice.week)
        mine = [c for c in lines if week_of(c.charged) == invoice.week]
        return sorted(mine, key=lambda c: (c.charged, c.transaction_id))
