"""Money Amazon posts for the seller: shipments, refunds and service fees, and the
14-day settlements they are paid out in.

Financial events and settlement reports are two views of the same postings, so a
settlement's lines always sum to its total and match the events of its group.

Reserves: when a period closes, Amazon may hold part of its balance back (a `Current Reserve
Amount` line, negative, the period's last) and releases it at the start of the next period (a
`Previous Reserve Amount Balance` line, positive). Both are postings like any other, so every
settlement still sums to its total; money held in one settlement is paid in the next.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cached_property

from .data import MARKETPLACES, Line, OrderFact, RenderedOrder, SellerData, money, render

SETTLEMENT_EPOCH = datetime(2020, 1, 3, tzinfo=UTC)
SETTLEMENT_DAYS = 14
SETTLEMENT_DELAY = timedelta(hours=6)  # the report appears this long after the period ends
DEPOSIT_DELAY = timedelta(days=2)
REFUND_COMMISSION_RATE = Decimal("0.20")  # Amazon keeps this share of the refunded commission
SUBSCRIPTION_FEE = Decimal("39.99")
RESERVE_RATE = Decimal("0.15")  # of a closing period's balance, when a reserve is held
RESERVE = "other-transaction"  # a reserve line's transaction type and amount type
RESERVE_HELD = "Current Reserve Amount"
RESERVE_RELEASED = "Previous Reserve Amount Balance"


@dataclass(frozen=True)
class Posting:
    """One financial event: an order's shipment, a refund, or a service fee."""

    posted: datetime
    kind: str  # Order, Refund, ServiceFee or other-transaction (a reserve): settlement transaction types
    marketplace_id: str
    order: OrderFact | None
    fee_number: int = 0  # a service fee's number; a reserve's period number
    reserve: Decimal = Decimal("0.00")  # a reserve's amount: negative held, positive released

    @property
    def key(self) -> str:
        ref = self.order.order_id if self.order else str(self.fee_number)
        return f"{self.posted.isoformat()}|{self.kind}|{self.marketplace_id}|{ref}"

    @property
    def shipment_id(self) -> str:
        return "D" + _digest(self.key)[:8].upper()

    @property
    def adjustment_id(self) -> str:
        return "amzn1.adj." + _digest(self.key)[:12]


@dataclass(frozen=True)
class Amount:
    """One settlement line's amount: what it is for and the order item it belongs to."""

    amount_type: str  # ItemPrice, ItemFees, Promotion, ItemWithheldTax, other-transaction
    description: str  # Principal, Tax, Shipping, Commission, FBAPerUnitFulfillmentFee, ...
    amount: Decimal
    line: Line | None = None
    promotion_id: str = ""


@dataclass(frozen=True)
class Period:
    """One settlement period of one marketplace: [start, end)."""

    number: int
    marketplace_id: str

    @property
    def start(self) -> datetime:
        return SETTLEMENT_EPOCH + timedelta(days=SETTLEMENT_DAYS * self.number)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=SETTLEMENT_DAYS)

    @property
    def generated(self) -> datetime:
        return self.end + SETTLEMENT_DELAY

    @property
    def deposit(self) -> datetime:
        return self.end + DEPOSIT_DELAY

    @property
    def settlement_id(self) -> str:
        return str(10_000_000_000 + self.number * 10 + list(MARKETPLACES).index(self.marketplace_id))

    @property
    def group_id(self) -> str:
        raw = hashlib.sha256(f"group:{self.marketplace_id}:{self.number}".encode()).digest()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")[:43]

    @staticmethod
    def containing(moment: datetime, marketplace_id: str) -> Period:
        return Period((moment - SETTLEMENT_EPOCH) // timedelta(days=SETTLEMENT_DAYS), marketplace_id)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _nonzero(amounts: list[Amount]) -> list[Amount]:
    return [a for a in amounts if a.amount != 0]


def _shipment_amounts(order: RenderedOrder) -> list[Amount]:
    out = []
    afn = order.fact.channel == "AFN"
    for line in order.lines:
        promo_id = line.promotion_ids[0] if line.promotion_ids else ""
        ship_promo_id = line.promotion_ids[-1] if line.shipping_promotion else ""
        out += [
            Amount("ItemPrice", "Principal", line.principal, line),
            Amount("ItemPrice", "Tax", line.tax, line),
            Amount("ItemPrice", "Shipping", line.shipping, line),
            Amount("ItemPrice", "ShippingTax", line.shipping_tax, line),
            Amount("Promotion", "Principal", -line.promotion, line, promo_id),
            Amount("Promotion", "Shipping", -line.shipping_promotion, line, ship_promo_id),
            Amount("ItemWithheldTax", "MarketplaceFacilitatorTax-Principal", -line.tax, line),
            Amount("ItemWithheldTax", "MarketplaceFacilitatorTax-Shipping", -line.shipping_tax, line),
            Amount("ItemFees", "Commission", -line.commission, line),
            Amount("ItemFees", "FBAPerUnitFulfillmentFee", -line.fba_fee, line),
            Amount("ItemFees", "ShippingChargeback", -line.shipping if afn else Decimal("0.00"), line),
        ]
    return _nonzero(out)


def _refund_amounts(order: RenderedOrder) -> list[Amount]:
    line = order.lines[0]  # the buyer returns the first item
    promo_id = line.promotion_ids[0] if line.promotion_ids else ""
    kept = money(line.commission * REFUND_COMMISSION_RATE)
    return _nonzero(
        [
            Amount("ItemPrice", "Principal", -line.principal, line),
            Amount("ItemPrice", "Tax", -line.tax, line),
            Amount("Promotion", "Principal", line.promotion, line, promo_id),
            Amount("ItemWithheldTax", "MarketplaceFacilitatorTax-Principal", line.tax, line),
            Amount("ItemFees", "Commission", line.commission, line),
            Amount("ItemFees", "RefundCommission", -kept, line),
        ]
    )


def _fee_amounts(posting: Posting) -> list[Amount]:
    market = MARKETPLACES[posting.marketplace_id]
    storage = money(Decimal(20 + int(_digest(posting.key)[:4], 16) % 6000) / 100)
    amounts = [Amount("other-transaction", "FBAStorageFee", -storage)]
    if market.country == "US":
        amounts.append(Amount("other-transaction", "Subscription", -SUBSCRIPTION_FEE))
    return amounts


def amounts(posting: Posting) -> list[Amount]:
    """Every amount of one posting (refunds and fees with their signs)."""
    if posting.kind == RESERVE:
        return [Amount(RESERVE, RESERVE_HELD if posting.reserve < 0 else RESERVE_RELEASED, posting.reserve)]
    if posting.kind == "ServiceFee":
        return _fee_amounts(posting)
    assert posting.order is not None
    order = render(posting.order)
    return _shipment_amounts(order) if posting.kind == "Order" else _refund_amounts(order)


def total(postings: list[Posting]) -> Decimal:
    return sum((a.amount for p in postings for a in amounts(p)), Decimal("0.00"))


class Ledger:
    """All postings of a seller, in posting order, with settlement periods over them."""

    def __init__(self, seller: SellerData, reserves: float = 0.0) -> None:
        self.seller = seller
        self.reserves = reserves  # the share of closed periods that hold a reserve
        self._totals: dict[Period, Decimal] = {}
        self._lock = threading.Lock()

    @cached_property
    def postings(self) -> list[Posting]:
        out = []
        for order in self.seller.orders:
            if order.shipped:
                out.append(Posting(order.shipped, "Order", order.marketplace_id, order))
            if order.refunded:
                out.append(Posting(order.refunded, "Refund", order.marketplace_id, order))
        for market in self.seller.marketplaces:
            moment, number = self.seller.start + timedelta(days=1), 1
            while moment <= self.seller.anchor:
                out.append(Posting(moment, "ServiceFee", market.id, None, number))
                moment, number = moment + timedelta(days=30), number + 1
        out += self._reserve_postings(out)
        out.sort(key=lambda p: (p.posted, p.key))
        return out

    def _reserve_postings(self, postings: list[Posting]) -> list[Posting]:
        """For a `reserves` share of the periods closed by now (drawn per period, so the same
        periods on every run): a reserve held at its close and released as the next one opens."""
        balances: dict[Period, Decimal] = {}
        for posting in postings:
            period = Period.containing(posting.posted, posting.marketplace_id)
            balances[period] = balances.get(period, Decimal("0.00")) + sum(
                (a.amount for a in amounts(posting)), Decimal("0.00")
            )
        out = []
        for period, balance in balances.items():
            held = money(max(balance, Decimal(0)) * RESERVE_RATE)
            market, number = period.marketplace_id, period.number
            draw = int(_digest(f"reserve:{self.seller.selling_partner_id}:{market}:{number}")[:8], 16)
            if period.end > self.seller.anchor or held == 0 or draw / 0x1_0000_0000 >= self.reserves:
                continue
            out.append(Posting(period.end - timedelta(seconds=1), RESERVE, market, None, number, -held))
            out.append(Posting(period.end, RESERVE, market, None, number, held))
        return out

    @cached_property
    def _posted_keys(self) -> list[datetime]:
        return [p.posted for p in self.postings]

    def posted_between(self, after: datetime, before: datetime) -> list[Posting]:
        """Postings in [after, before)."""
        lo = bisect.bisect_left(self._posted_keys, after)
        hi = bisect.bisect_left(self._posted_keys, before)
        return self.postings[lo:hi]

    def in_period(self, period: Period) -> list[Posting]:
        return [p for p in self.posted_between(period.start, period.end) if p.marketplace_id == period.marketplace_id]

    def period_total(self, period: Period) -> Decimal:
        with self._lock:
            cached = self._totals.get(period)
        if cached is None:
            cached = total(self.in_period(period))
            with self._lock:
                self._totals[period] = cached
        return cached

    def periods(self, until: datetime) -> Iterator[Period]:
        """Every period, per marketplace, from the seller's first order up to the one containing `until`."""
        for market in self.seller.marketplaces:
            first = Period.containing(self.seller.start, market.id).number
            last = Period.containing(until, market.id).number
            for number in range(first, last + 1):
                yield Period(number, market.id)

    def period_by_group(self, group_id: str, until: datetime) -> Period | None:
        return next((p for p in self.periods(until) if p.group_id == group_id), None)
