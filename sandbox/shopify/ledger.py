"""What the shop's orders add up to: customers' order history and Shopify Payments.

One pass over the orders (rendered with their activity) gives each customer's order
count and spend, and the Shopify Payments balance transactions: a CHARGE (less its
processing fee) for each captured payment, a REFUND for each refund, and now and then an
ADJUSTMENT. Transactions are paid out every few days; a payout's net is exactly the sum
of its transactions' nets. Only small tuples are kept, so the pass stays cheap.

Payouts move with the shop's clock (`now`), as Shopify's do: a transaction is PENDING until
its period closes and its payout is issued (SCHEDULED), and the payout is PAID a couple of
days later. IN_TRANSIT is deprecated in the schema ("Use SCHEDULED instead"), so it is never served.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sandbox.shopify.catalog_data import money_v2
from sandbox.shopify.connection import sorted_index
from sandbox.shopify.data import CENT, ShopData, gid, iso
from sandbox.shopify.order_activity import amount, render_order_activity

FEE_RATE = Decimal("0.029")
FEE_FLAT = Decimal("0.30")
PAYOUT_EVERY_DAYS = 3
PAYOUT_SETTLES_DAYS = 2  # a payout is PAID this long after it is issued
ADJUSTMENT_EVERY = 5  # every fifth payout period carries an adjustment
ADJUSTMENT_AMOUNT = Decimal("-15.00")
BALANCE_ID_BASE = 80_000_000
PAYOUT_ID_BASE = 70_000_000


@dataclass(slots=True)
class CustomerStats:
    orders: int = 0
    spent: Decimal = Decimal("0.00")
    last_order_id: str | None = None
    first_order_at: datetime | None = None
    last_order_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class BalanceTransaction:
    number: int
    kind: str  # CHARGE | REFUND | ADJUSTMENT
    at: datetime
    amount: Decimal
    fee: Decimal
    order_id: str | None
    order_name: str | None
    source_transaction: int | None
    payout: int  # index into Ledger.payouts: the payout of its period, issued when the period closes

    @property
    def net(self) -> Decimal:
        return self.amount - self.fee


@dataclass(frozen=True)
class Payout:
    number: int
    issued_at: datetime
    transactions: tuple[int, ...]  # balance transaction numbers

    def status(self, now: datetime) -> str:
        return "PAID" if now >= self.issued_at + timedelta(days=PAYOUT_SETTLES_DAYS) else "SCHEDULED"


@dataclass
class Ledger:
    customers: dict[int, CustomerStats] = field(default_factory=dict)
    balance: list[BalanceTransaction] = field(default_factory=list)
    payouts: list[Payout] = field(default_factory=list)

    _balance_sorted: dict[str, tuple[list[list[Any]], list[BalanceTransaction]]] = field(
        default_factory=dict, repr=False
    )

    def sorted_balance(self, sort_field: str) -> tuple[list[list[Any]], list[BalanceTransaction]]:
        """Balance transactions in ascending (`sort_field`, id) order, with their cursor keys, for the
        sort keys that do not move with time (`id`, `processed_at`); built once per ledger."""
        if sort_field not in self._balance_sorted:

            def key(txn: BalanceTransaction) -> list[Any]:
                return [txn.number if sort_field == "id" else iso(txn.at), txn.number]

            self._balance_sorted[sort_field] = sorted_index(self.balance, key)
        return self._balance_sorted[sort_field]

    def net_of(self, payout: Payout) -> Decimal:
        return sum((self.balance[n].net for n in payout.transactions), Decimal("0.00"))

    def issued(self, now: datetime) -> list[Payout]:
        """The payouts issued by `now` (payouts are numbered in issue order)."""
        return self.payouts[: bisect.bisect_right([p.issued_at for p in self.payouts], now)]

    def payout_of(self, txn: BalanceTransaction, now: datetime) -> Payout | None:
        """The payout that pays `txn` out, once it has been issued."""
        payout = self.payouts[txn.payout]
        return payout if payout.issued_at <= now else None

    def payout_status(self, txn: BalanceTransaction, now: datetime) -> str:
        payout = self.payout_of(txn, now)
        return "PENDING" if payout is None else payout.status(now)

    # -- searching -------------------------------------------------------------

    def payout_fields(self, payout: Payout, now: datetime) -> dict[str, Any]:
        """A payout's values for `payouts(query:)` terms and sort keys."""
        return {"id": payout.number, "issued_at": payout.issued_at, "status": payout.status(now)}

    def balance_fields(self, txn: BalanceTransaction, now: datetime) -> dict[str, Any]:
        """A balance transaction's values for `balanceTransactions(query:)` terms and sort keys."""
        payout = self.payout_of(txn, now)
        return {
            "id": txn.number,
            "processed_at": txn.at,
            "payout_date": None if payout is None else payout.issued_at,
            "payout_status": self.payout_status(txn, now),
            "transaction_type": txn.kind,
            # The payout's legacy id: Shopify calls a payout a transfer in its search fields.
            "payments_transfer_id": None if payout is None else str(PAYOUT_ID_BASE + payout.number),
        }

    # -- rendering -------------------------------------------------------------

    def balance_object(self, txn: BalanceTransaction, currency: str, now: datetime) -> dict[str, Any]:
        payout = self.payout_of(txn, now)
        source = {"CHARGE": "CHARGE", "REFUND": "REFUND", "ADJUSTMENT": "ADJUSTMENT"}[txn.kind]
        return {
            "__typename": "ShopifyPaymentsBalanceTransaction",
            "id": gid("ShopifyPaymentsBalanceTransaction", BALANCE_ID_BASE + txn.number),
            "type": txn.kind,
            "test": False,
            "transactionDate": iso(txn.at),
            "amount": money_v2(txn.amount, currency),
            "fee": money_v2(txn.fee, currency),
            "net": money_v2(txn.net, currency),
            "sourceType": source,
            "sourceId": str(txn.source_transaction or BALANCE_ID_BASE + txn.number),
            "sourceOrderTransactionId": None if txn.source_transaction is None else str(txn.source_transaction),
            "adjustmentReason": "dispute_fee" if txn.kind == "ADJUSTMENT" else None,
            "adjustmentsOrders": [],
            "associatedOrder": None
            if txn.order_id is None
            else {"__typename": "ShopifyPaymentsAssociatedOrder", "id": txn.order_id, "name": txn.order_name},
            "associatedPayout": {
                "__typename": "ShopifyPaymentsBalanceTransactionAssociatedPayout",
                "id": None if payout is None else gid("ShopifyPaymentsPayout", PAYOUT_ID_BASE + payout.number),
                "status": self.payout_status(txn, now),
            },
        }

    def payout_object(self, payout: Payout, currency: str, now: datetime) -> dict[str, Any]:
        txns = [self.balance[n] for n in payout.transactions]
        net = self.net_of(payout)

        def part(kind: str, value: str) -> dict[str, Any]:
            chosen = [t for t in txns if t.kind == kind]
            total = sum((t.amount if value == "gross" else t.fee for t in chosen), Decimal("0.00"))
            return money_v2(total, currency)

        zero = money_v2(Decimal("0.00"), currency)
        return {
            "__typename": "ShopifyPaymentsPayout",
            "id": gid("ShopifyPaymentsPayout", PAYOUT_ID_BASE + payout.number),
            "legacyResourceId": str(PAYOUT_ID_BASE + payout.number),
            "issuedAt": iso(payout.issued_at),
            "status": payout.status(now),
            "transactionType": "DEPOSIT" if net >= 0 else "WITHDRAWAL",
            "net": money_v2(net, currency),
            "externalTraceId": f"TRACE{PAYOUT_ID_BASE + payout.number}",
            "summary": {
                "__typename": "ShopifyPaymentsPayoutSummary",
                "chargesGross": part("CHARGE", "gross"),
                "chargesFee": part("CHARGE", "fee"),
                "refundsFeeGross": part("REFUND", "gross"),
                "refundsFee": part("REFUND", "fee"),
                "adjustmentsGross": part("ADJUSTMENT", "gross"),
                "adjustmentsFee": part("ADJUSTMENT", "fee"),
                "advanceGross": zero,
                "advanceFees": zero,
                "reservedFundsGross": zero,
                "reservedFundsFee": zero,
                "retriedPayoutsGross": zero,
                "retriedPayoutsFee": zero,
                "usdcRebateCreditAmount": zero,
            },
        }


def processing_fee(charge: Decimal) -> Decimal:
    return (charge * FEE_RATE + FEE_FLAT).quantize(CENT)


CUSTOMER_ID_BASE = 900_000  # as render_order numbers customers


def _customer_number(order: dict[str, Any]) -> int:
    return int(order["customer"]["id"].rsplit("/", 1)[1]) - CUSTOMER_ID_BASE


def build_ledger(shop: ShopData) -> Ledger:
    """Scan every order once: the transactions processed up to the shop's `anchor`, each in the
    payout of its period (issued when the period closes, which may be after the anchor)."""
    ledger = Ledger()
    anchor = shop.anchor or max((f.activity_end for f in shop.orders), default=shop.created_at)
    moves: list[tuple[datetime, str, Decimal, Decimal, str | None, str | None, int | None]] = []
    for fact in shop.orders:
        order = render_order_activity(shop, fact)
        stats = ledger.customers.setdefault(_customer_number(order), CustomerStats())
        stats.orders += 1
        if stats.first_order_at is None or fact.created_at < stats.first_order_at:
            stats.first_order_at = fact.created_at
        if stats.last_order_at is None or fact.created_at >= stats.last_order_at:
            stats.last_order_at, stats.last_order_id = fact.created_at, order["id"]
        stats.spent += amount(order["currentTotalPriceSet"])
        for txn in order["transactions"]:
            if txn["test"]:
                continue  # test payments never reach the Shopify Payments balance
            at = datetime.fromisoformat(txn["processedAt"])
            value = amount(txn["amountSet"])
            legacy = int(txn["id"].rsplit("/", 1)[1])
            if txn["kind"] in ("SALE", "CAPTURE"):
                moves.append((at, "CHARGE", value, processing_fee(value), order["id"], order["name"], legacy))
            elif txn["kind"] == "REFUND":
                moves.append((at, "REFUND", -value, Decimal("0.00"), order["id"], order["name"], legacy))
    moves = sorted(m for m in moves if m[0] <= anchor)
    if not moves:
        return ledger
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    period = timedelta(days=PAYOUT_EVERY_DAYS)
    first_start = epoch + period * ((moves[0][0] - epoch) // period)
    # Every ADJUSTMENT_EVERY-th period carries an adjustment at its midpoint.
    start = first_start
    while start + period <= anchor:
        if ((start - epoch) // period) % ADJUSTMENT_EVERY == 0:
            moves.append((start + period / 2, "ADJUSTMENT", ADJUSTMENT_AMOUNT, Decimal("0.00"), None, None, None))
        start += period
    moves.sort()
    payout_of_period: dict[datetime, int] = {}
    members: dict[int, list[int]] = {}
    for number, (at, kind, value, fee, order_id, order_name, source) in enumerate(moves):
        period_start = epoch + period * ((at - epoch) // period)
        payout = payout_of_period.setdefault(period_start, len(payout_of_period))
        members.setdefault(payout, []).append(number)
        ledger.balance.append(BalanceTransaction(number, kind, at, value, fee, order_id, order_name, source, payout))
    for period_start, index in sorted(payout_of_period.items(), key=lambda p: p[1]):
        ledger.payouts.append(Payout(index, period_start + period, tuple(members[index])))
    return ledger


def customer_object(shop: ShopData, number: int, stats: CustomerStats | None) -> dict[str, Any]:
    """A customer as a merchant sees it; names and emails are synthetic."""
    legacy = CUSTOMER_ID_BASE + number
    first_names = ("Alex", "Sam", "Jordan", "Riley", "Casey", "Morgan", "Taylor", "Jamie", "Drew", "Quinn")
    last_names = ("Example", "Sample", "Testwood", "Placeholder", "Demo", "Fictive", "Mockford")
    first = first_names[number % len(first_names)]
    last = last_names[(number // len(first_names)) % len(last_names)]
    stats = stats or CustomerStats()
    # Signed up a few days before the first order (or during the shop's first year).
    created = (
        stats.first_order_at - timedelta(days=number % 7 + 1)
        if stats.first_order_at
        else shop.created_at + timedelta(days=number % 365)
    )
    updated = stats.last_order_at or created  # placing an order updates the customer
    return {
        "__typename": "Customer",
        "id": gid("Customer", legacy),
        "legacyResourceId": str(legacy),
        "firstName": first,
        "lastName": last,
        "displayName": f"{first} {last}",
        "defaultEmailAddress": {
            "__typename": "CustomerEmailAddress",
            "emailAddress": f"customer{number}@example.com",
        },
        "state": "ENABLED" if number % 3 else "DISABLED",
        "verifiedEmail": True,
        "taxExempt": number % 50 == 0,
        "locale": "en",
        "tags": ["wholesale"] if number % 40 == 0 else [],
        "numberOfOrders": str(stats.orders),
        "amountSpent": money_v2(stats.spent, shop.currency),
        "lastOrder": None if stats.last_order_id is None else {"__typename": "Order", "id": stats.last_order_id},
        "createdAt": iso(created),
        "updatedAt": iso(updated),
    }
