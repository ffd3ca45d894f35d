"""A deterministic, seeded Amazon seller: marketplaces, orders and their items.

Like the Shopify shop, orders are kept as small facts and rendered on demand from a
per-order seed, so 100,000 orders cost little memory. The seller lists the shared
catalog's SKUs (same ASINs) on every marketplace it sells in.
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cached_property
from typing import Any

from sandbox.catalog import CATALOG, CatalogItem

CENT = Decimal("0.01")
SELLING_PARTNER_ID = "A2STRATUSDEMO01"
STORE_NAME = "Stratus Outdoor Supply"
COMMISSION_RATE = Decimal("0.15")
FREE_SHIPPING_OVER = Decimal("35.00")
SHIPPING_FEE = Decimal("5.99")
PROMO_RATE = Decimal("0.10")
BUSINESS_PRICE_FACTOR = Decimal("0.92")  # Amazon Business price: 8% below the list price
# FBA per-unit fulfilment fee by product type (in the marketplace's currency).
FBA_FEES = {
    "Socks": Decimal("3.22"),
    "Headwear": Decimal("3.86"),
    "Apparel": Decimal("4.75"),
    "Drinkware": Decimal("5.40"),
    "Gear": Decimal("5.40"),
    "Bags": Decimal("7.17"),
}
FULFILMENT_CENTRES = {"US": ("PHX6", "ONT8", "BFI4", "CMH1"), "CA": ("YYZ4", "YVR2")}
ORDER_ID_PREFIX = {"US": "11", "CA": "70"}


@dataclass(frozen=True)
class OrderShapes:
    """Shares of orders (each 0 to 1) shaped as real sellers' data often is. Which orders get a
    shape is drawn from its own seeded stream, so every other fact of the history is unchanged."""

    # The first line's SKU comes again as the order's last line, at the same price (a split
    # quantity, or a second line for a promotion): two order items with one SKU.
    split_lines: float = 0.0
    # Cancelled orders whose report rows carry no currency and no amounts.
    unpriced_cancellations: float = 0.0
    # Multi-Channel Fulfillment orders: sold elsewhere, fulfilled by Amazon; their sales channel
    # is `Non-Amazon` and they name no marketplace.
    multi_channel: float = 0.0
    # Orders whose searchOrders items (and order) carry no proceeds, optional in the model.
    no_proceeds: float = 0.0
    # Replacement orders: Amazon sends the buyer a free unit in place of one of an earlier order
    # of the same marketplace (the replaced order); every amount is zero.
    replacements: float = 0.0
    # Amazon Business orders at a business price (BUSINESS_PRICE), below the list price.
    business_prices: float = 0.0
    # Orders given away by a promotion that covers every item and the shipping: a total of zero.
    zero_value: float = 0.0
    # Orders whose payment takes days to be authorised (verified or invoiced payments): Pending,
    # with no price on the report or the API, for SLOW_PAYMENT_DELAY, and shipped after it.
    slow_payments: float = 0.0

    NAMES = ("split_lines", "unpriced_cancellations", "multi_channel", "no_proceeds")
    # Added later, and drawn from a stream of their own, so the orders given the first four stay the same.
    LATER = ("replacements", "business_prices", "zero_value", "slow_payments")

    def __post_init__(self) -> None:
        for name in (*self.NAMES, *self.LATER):
            share = getattr(self, name)
            if not isinstance(share, int | float) or not 0 <= share <= 1:
                raise ValueError(f"amazon_shapes.{name}: must be a share between 0 and 1, got {share!r}")

    def draw(self, rng: random.Random, later: random.Random) -> frozenset[str]:
        """The shapes of one order."""
        first = [name for name in self.NAMES if rng.random() < getattr(self, name)]
        return frozenset(first + [name for name in self.LATER if later.random() < getattr(self, name)])


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class Marketplace:
    id: str
    name: str
    country: str
    currency: str
    language: str
    domain: str
    tax_rate: Decimal
    price_factor: Decimal
    # Charset of this marketplace's report documents: CA stands in for the older
    # ISO-8859-1 documents some marketplaces still serve.
    charset: str

    def price(self, item: CatalogItem) -> Decimal:
        return money(item.price * self.price_factor)


MARKETPLACES: dict[str, Marketplace] = {
    m.id: m
    for m in (
        Marketplace(
            "ATVPDKIKX0DER",
            "Amazon.com",
            "US",
            "USD",
            "en_US",
            "www.amazon.com",
            Decimal("0.0825"),
            Decimal(1),
            "UTF-8",
        ),
        Marketplace(
            "A2EUQ1WTGCTBG2",
            "Amazon.ca",
            "CA",
            "CAD",
            "en_CA",
            "www.amazon.ca",
            Decimal("0.13"),
            Decimal("1.36"),
            "ISO-8859-1",
        ),
    )
}

_BUYERS = (
    "Avery Chen",
    "Zoë Brontë",
    "José Núñez",
    "Priya Raman",
    "François Lefèvre",
    "Sam O'Neill",
    "Mia Schröder",
    "Liam Walsh",
)
_PLACES = {
    "US": (("Seattle", "WA", "98101"), ("Denver", "CO", "80202"), ("Austin", "TX", "78701"), ("Boston", "MA", "02108")),
    "CA": (("Toronto", "ON", "M5V 2T6"), ("Montréal", "QC", "H2Y 1C6"), ("Vancouver", "BC", "V6B 1A1")),
}


@dataclass(frozen=True)
class Buyer:
    name: str
    email: str
    phone: str
    address_line: str
    city: str
    state: str
    postal_code: str
    country: str


@dataclass(frozen=True)
class OrderFact:
    """The few facts an order is rendered from; its items follow from `seed`."""

    index: int
    order_id: str
    marketplace_id: str
    channel: str  # AFN (fulfilled by Amazon) or MFN (by the seller)
    purchased: datetime
    updated: datetime
    status: str  # Orders v0 OrderStatus: Pending, Unshipped, Shipped, Canceled
    shipped: datetime | None
    refunded: datetime | None
    seed: int
    shapes: frozenset[str] = frozenset()  # see OrderShapes
    replaced_order_id: str | None = None  # a replacement order's replaced order

    @property
    def seller_order_id(self) -> str:
        return f"STR-{self.index:07d}"

    @property
    def fulfilment_centre(self) -> str:
        centres = FULFILMENT_CENTRES[MARKETPLACES[self.marketplace_id].country]
        return centres[self.seed % len(centres)]


@dataclass(frozen=True)
class Line:
    """One order item with every amount it carries (all exact, in the order's currency)."""

    order_item_id: str
    item: CatalogItem
    quantity: int
    unit_price: Decimal
    principal: Decimal
    tax: Decimal
    shipping: Decimal
    shipping_tax: Decimal
    promotion: Decimal  # item promotion discount (positive)
    shipping_promotion: Decimal
    promotion_ids: tuple[str, ...]
    commission: Decimal  # Amazon's referral fee (positive; charged as a negative amount)
    fba_fee: Decimal  # zero for merchant-fulfilled
    price_designation: str | None = None  # BUSINESS_PRICE when sold at the business price

    @property
    def total(self) -> Decimal:
        return self.principal + self.tax + self.shipping + self.shipping_tax - self.promotion - self.shipping_promotion


@dataclass(frozen=True)
class RenderedOrder:
    fact: OrderFact
    marketplace: Marketplace
    lines: tuple[Line, ...]
    buyer: Buyer
    business: bool

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal("0.00"))


def _order_id(country: str, rng: random.Random) -> str:
    return (
        f"{ORDER_ID_PREFIX[country]}{rng.randint(1, 4)}-{rng.randint(0, 9_999_999):07d}-{rng.randint(0, 9_999_999):07d}"
    )


def fnsku(item: CatalogItem) -> str:
    return "X00" + hashlib.sha256(("fnsku:" + item.sku).encode()).hexdigest().upper()[:7]


@dataclass
class SellerData:
    """One selling partner: its marketplaces and orders (sorted by purchase time)."""

    selling_partner_id: str
    marketplaces: tuple[Marketplace, ...]
    anchor: datetime
    start: datetime
    orders: list[OrderFact] = field(default_factory=list)

    @cached_property
    def by_id(self) -> dict[str, OrderFact]:
        return {o.order_id: o for o in self.orders}

    @cached_property
    def by_update(self) -> list[OrderFact]:
        return sorted(self.orders, key=lambda o: (o.updated, o.order_id))

    @cached_property
    def _update_keys(self) -> list[datetime]:
        return [o.updated for o in self.by_update]

    def updated_between(self, after: datetime, before: datetime | None) -> list[OrderFact]:
        """Orders last updated in [after, before], oldest change first."""
        lo = bisect.bisect_left(self._update_keys, after)
        hi = len(self.by_update) if before is None else bisect.bisect_right(self._update_keys, before)
        return self.by_update[lo:hi]

    @cached_property
    def _purchase_keys(self) -> list[datetime]:
        return [o.purchased for o in self.orders]

    def created_between(self, after: datetime, before: datetime | None) -> list[OrderFact]:
        """Orders purchased in [after, before], oldest first."""
        keys = self._purchase_keys
        lo = bisect.bisect_left(keys, after)
        hi = len(self.orders) if before is None else bisect.bisect_right(keys, before)
        return self.orders[lo:hi]

    def marketplace(self, marketplace_id: str) -> Marketplace | None:
        return next((m for m in self.marketplaces if m.id == marketplace_id), None)


PAYMENT_DELAY = timedelta(minutes=30)  # Pending until payment is authorised, then Unshipped
SLOW_PAYMENT_DELAY = timedelta(days=3)  # the same, for the slow_payments shape


@dataclass(frozen=True)
class Timeline:
    """Everything that will happen to one order; `at` says what has happened by a moment."""

    index: int
    order_id: str
    marketplace_id: str
    channel: str
    purchased: datetime
    cancel_at: datetime | None
    ship_at: datetime | None
    refund_at: datetime | None
    seed: int
    shapes: frozenset[str] = frozenset()
    replaced_order_id: str | None = None

    @property
    def payment_delay(self) -> timedelta:
        return SLOW_PAYMENT_DELAY if "slow_payments" in self.shapes else PAYMENT_DELAY

    def at(self, moment: datetime) -> OrderFact | None:
        """The order as the API shows it at `moment` (None before it is placed)."""
        if self.purchased > moment:
            return None
        shipped = refunded = None
        if self.cancel_at is not None and self.cancel_at <= moment:
            status, updated = "Canceled", self.cancel_at
        elif self.ship_at is not None and self.ship_at <= moment:
            status, updated, shipped = "Shipped", self.ship_at, self.ship_at
            if self.refund_at is not None and self.refund_at <= moment:
                refunded = self.refund_at
        elif moment - self.purchased < self.payment_delay:
            status, updated = "Pending", self.purchased
        else:
            status, updated = "Unshipped", self.purchased + self.payment_delay
        return OrderFact(
            index=self.index,
            order_id=self.order_id,
            marketplace_id=self.marketplace_id,
            channel=self.channel,
            purchased=self.purchased,
            updated=updated,
            status=status,
            shipped=shipped,
            refunded=refunded,
            seed=self.seed,
            shapes=self.shapes,
            replaced_order_id=self.replaced_order_id,
        )


@dataclass
class SellerHistory:
    """A seller's orders over time: the history before `anchor` and, when `live`, the orders
    that keep arriving (and changing) after it as simulated time passes."""

    selling_partner_id: str
    marketplaces: tuple[Marketplace, ...]
    anchor: datetime
    start: datetime
    timelines: list[Timeline]
    live: bool

    def view(self, moment: datetime) -> SellerData:
        """The seller as the API shows it at `moment`."""
        seller = SellerData(self.selling_partner_id, self.marketplaces, moment, self.start)
        for timeline in self.timelines:
            fact = timeline.at(moment)
            if fact is None:
                break  # timelines are in purchase order
            seller.orders.append(fact)
        return seller


def _second(ts: datetime) -> datetime:
    return ts.replace(microsecond=0)


def _timed_shapes(
    shapes: frozenset[str], last_order: str | None, ship_at: datetime | None, refund_at: datetime | None
) -> tuple[frozenset[str], str | None, datetime | None, datetime | None]:
    """An order's shapes, the order it replaces (`last_order`, its marketplace's latest so far)
    and its shipment and refund times as its shapes change them."""
    replaced = last_order if "replacements" in shapes else None
    if replaced is None or shapes & {"zero_value", "business_prices"}:
        shapes, replaced = shapes - {"replacements"}, None  # nothing to replace, or sold
    else:
        refund_at = None  # nothing was paid, so nothing is refunded
    if "slow_payments" in shapes and ship_at is not None:
        # Shipped once paid; a refund comes as long after the shipment as it would have.
        ship_at += SLOW_PAYMENT_DELAY
        refund_at = refund_at + SLOW_PAYMENT_DELAY if refund_at is not None else None
    return shapes, replaced, ship_at, refund_at


def generate_history(
    *,
    seed: int = 42,
    orders: int = 300,
    days: int = 90,
    anchor: datetime | None = None,
    marketplace_ids: tuple[str, ...] = tuple(MARKETPLACES),
    live_orders_per_day: float = 0.0,
    live_days: int = 30,
    shapes: OrderShapes | None = None,
) -> SellerHistory:
    """`orders` placed in the `days` before `anchor` (default: today 00:00 UTC), and with
    `live_orders_per_day` more placed over the `live_days` after it."""
    if anchor is None:
        anchor = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if orders < 0:
        raise ValueError(f"amazon_orders: must not be negative, got {orders}")
    if live_orders_per_day < 0:
        raise ValueError(f"amazon_live_orders_per_day: must not be negative, got {live_orders_per_day}")
    if not marketplace_ids:
        raise ValueError("amazon_marketplaces: name at least one marketplace")
    unknown = [m for m in marketplace_ids if m not in MARKETPLACES]
    if unknown:
        raise ValueError(f"amazon_marketplaces: unknown marketplace ids {unknown}; known: {sorted(MARKETPLACES)}")
    rng = random.Random(f"{seed}:{SELLING_PARTNER_ID}")
    markets = tuple(MARKETPLACES[m] for m in marketplace_ids)
    weights = [4 if m.country == "US" else 1 for m in markets]
    start = anchor - timedelta(days=days)
    span = (anchor - start).total_seconds()
    purchases = sorted(start + timedelta(seconds=int(rng.uniform(0, span))) for _ in range(orders))
    live_span = timedelta(days=live_days).total_seconds()
    live_count = round(live_orders_per_day * live_days)
    live_rng = random.Random(f"{seed}:{SELLING_PARTNER_ID}:live")  # the history is the same with or without
    purchases += sorted(anchor + timedelta(seconds=1 + int(live_rng.uniform(0, live_span))) for _ in range(live_count))
    shapes = shapes or OrderShapes()
    shape_rng = random.Random(f"{seed}:{SELLING_PARTNER_ID}:shapes")
    later_rng = random.Random(f"{seed}:{SELLING_PARTNER_ID}:shapes:later")
    last_order: dict[str, str] = {}  # each marketplace's latest order so far: what a replacement replaces
    timelines = []
    seen: set[str] = set()
    for index, purchased in enumerate(purchases, start=1):
        market = rng.choices(markets, weights)[0]
        order_id = _order_id(market.country, rng)
        while order_id in seen:
            order_id = _order_id(market.country, rng)
        seen.add(order_id)
        channel = "AFN" if rng.random() < 0.65 else "MFN"
        cancel_at = ship_at = refund_at = None
        if rng.random() < 0.04:
            cancel_at = _second(purchased + timedelta(minutes=rng.uniform(10, 1440)))
        else:
            ship_at = _second(purchased + timedelta(hours=rng.uniform(4, 60)))
            refund_delay = timedelta(days=rng.uniform(3, 25))
            if rng.random() < 0.07:
                refund_at = _second(ship_at + refund_delay)
        order_seed = rng.getrandbits(48)
        order_shapes = shapes.draw(shape_rng, later_rng)
        order_shapes, replaced, ship_at, refund_at = _timed_shapes(
            order_shapes, last_order.get(market.id), ship_at, refund_at
        )
        last_order[market.id] = order_id
        timelines.append(
            Timeline(
                index,
                order_id,
                market.id,
                channel,
                purchased,
                cancel_at,
                ship_at,
                refund_at,
                order_seed,
                order_shapes,
                replaced,
            )
        )
    return SellerHistory(SELLING_PARTNER_ID, markets, anchor, start, timelines, live=live_count > 0)


def generate_seller(**options: Any) -> SellerData:
    """The seller as of its anchor (see generate_history for the options)."""
    history = generate_history(**options)
    return history.view(history.anchor)


def render(fact: OrderFact) -> RenderedOrder:
    """An order's items and amounts, the same every time."""
    rng = random.Random(fact.seed)
    market = MARKETPLACES[fact.marketplace_id]
    count = rng.choice((1, 1, 1, 1, 2, 2, 3))
    picks = rng.sample(CATALOG, k=count)
    quantities = [rng.choice((1, 1, 1, 2, 3)) for _ in picks]
    principals = [market.price(item) * qty for item, qty in zip(picks, quantities, strict=True)]
    promoted = rng.random() < 0.15
    shipping = Decimal("0.00") if sum(principals) >= FREE_SHIPPING_OVER else SHIPPING_FEE
    free_shipping = shipping > 0 and rng.random() < 0.3
    # The shapes that change prices are applied after every draw, so the order's other facts stay the same.
    replacement = fact.replaced_order_id is not None
    given_away = "zero_value" in fact.shapes
    business_price = "business_prices" in fact.shapes
    if replacement:
        shipping = Decimal("0.00")
    lines = []
    for number, (item, qty, list_principal) in enumerate(zip(picks, quantities, principals, strict=True)):
        unit_price, principal = market.price(item), list_principal
        if replacement:
            unit_price = principal = Decimal("0.00")
        elif business_price:
            unit_price = money(unit_price * BUSINESS_PRICE_FACTOR)
            principal = unit_price * qty
        promo = principal if given_away else money(principal * PROMO_RATE) if promoted else Decimal("0.00")
        ship = shipping if number == 0 else Decimal("0.00")  # Amazon puts the order's shipping on one item
        ship_promo = ship if free_shipping or given_away else Decimal("0.00")
        ids = []
        if given_away:
            ids.append(f"PLM-STRATUS100-{market.country}")
        elif promoted:
            ids.append(f"PLM-STRATUS10-{market.country}")
        if ship_promo:
            ids.append(f"Free Shipping {market.country}")
        lines.append(
            Line(
                order_item_id=f"{fact.index * 100 + number:014d}",
                item=item,
                quantity=qty,
                unit_price=unit_price,
                principal=principal,
                tax=money((principal - promo) * market.tax_rate),
                shipping=ship,
                shipping_tax=money((ship - ship_promo) * market.tax_rate),
                promotion=promo,
                shipping_promotion=ship_promo,
                promotion_ids=tuple(ids),
                commission=money((principal - promo) * COMMISSION_RATE),
                # A replacement is Amazon's to send: the seller pays no fulfilment fee for it.
                fba_fee=FBA_FEES[item.product_type] * qty
                if fact.channel == "AFN" and not replacement
                else Decimal("0.00"),
                price_designation="BUSINESS_PRICE" if business_price else None,
            )
        )
    if "split_lines" in fact.shapes:
        first = lines[0]
        lines.append(
            dataclasses.replace(
                first,
                order_item_id=f"{fact.index * 100 + len(lines):014d}",
                shipping=Decimal("0.00"),
                shipping_tax=Decimal("0.00"),
                shipping_promotion=Decimal("0.00"),
                promotion_ids=tuple(p for p in first.promotion_ids if not p.startswith("Free Shipping")),
            )
        )
    name = rng.choice(_BUYERS)
    city, state, postal = rng.choice(_PLACES[market.country])
    buyer = Buyer(
        name=name,
        email=f"{hashlib.sha256(fact.order_id.encode()).hexdigest()[:16]}@marketplace.{market.domain.removeprefix('www.')}",
        phone=f"+1 555-01{rng.randint(0, 99):02d}",
        address_line=f"{rng.randint(1, 999)} {rng.choice(('Pine', 'Cedar', 'Main', 'Rue Laurier'))} St",
        city=city,
        state=state,
        postal_code=postal,
        country=market.country,
    )
    business = rng.random() < 0.05 or business_price
    return RenderedOrder(fact, market, tuple(lines), buyer, business=business)
