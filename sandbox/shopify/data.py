"""A deterministic, seeded Shopify shop.

Orders are kept as small facts (ids, timestamps, a per-order seed) and rendered into
GraphQL-shaped objects only when a page asks for them, so a shop of 100,000 orders
costs little memory. The same seed, size and anchor always give the same shop.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from sandbox.catalog import CATALOG, CatalogItem
from sandbox.shopify.connection import sorted_index
from sandbox.shopify.events import Deletion

CENT = Decimal("0.01")
TAX_RATE = Decimal("0.0825")
FREE_SHIPPING_OVER = Decimal("75.00")
SHIPPING_FEE = Decimal("6.95")
DISCOUNT_CODE = "WELCOME10"
DISCOUNT_RATE = Decimal("0.10")
WHOLESALE_LINES = 14
LEGACY_ID_BASE = 5_000_000_000  # order n has legacy id LEGACY_ID_BASE + n
ORDER_NUMBER_BASE = 1000  # and number ORDER_NUMBER_BASE + n, shown as its name '#1001'
DELETED_EVERY = 89  # every 89th order is a test order the merchant later deleted


def money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_EVEN))


def iso(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


@dataclass(frozen=True)
class OrderFact:
    """The few facts an order is rendered from; everything else follows from `seed`."""

    number: int
    legacy_id: int
    created_at: datetime
    updated_at: datetime
    seed: int
    #: When the order's own activity (payment, fulfilment, refunds) ended; later edits
    #: move `updated_at` only. None: it ended at `updated_at`.
    activity_until: datetime | None = None
    #: A test order (`test: true`): paid through the test gateway, so no money moves.
    test: bool = False

    @property
    def activity_end(self) -> datetime:
        return self.activity_until or self.updated_at


@dataclass
class ShopData:
    """One shop: its settings and its orders, sortable by update time."""

    domain: str
    name: str
    currency: str
    timezone: str
    created_at: datetime
    orders: list[OrderFact] = field(default_factory=list)
    deletions: list[Deletion] = field(default_factory=list)
    deleted_ids: set[str] = field(default_factory=set)
    #: "Now" for the shop (nothing happens after it) and the seed it was generated from.
    anchor: datetime | None = None
    seed: int = 0

    def touch_order(self, legacy_id: int, at: datetime) -> OrderFact:
        """Edit an order at `at` (a note, a tag): its `updated_at` moves, its history does not."""
        index = legacy_id - LEGACY_ID_BASE - 1
        fact = self.orders[index]
        self.orders[index] = replace(fact, updated_at=at, activity_until=fact.activity_end)
        self._sorted.clear()
        return self.orders[index]

    # Live orders sorted by each sort key asked for so far: (keys, orders). Dropped when orders change.
    _sorted: dict[str, tuple[list[list[Any]], list[OrderFact]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def sorted_orders(
        self, name: str, key: Callable[[OrderFact], tuple[Any, ...]]
    ) -> tuple[list[list[Any]], list[OrderFact]]:
        """The live orders in ascending `key` order, with their keys; built once per sort `name`."""
        if name not in self._sorted:
            self._sorted[name] = sorted_index(self.live_orders(), key)
        return self._sorted[name]

    def update_orders(self, numbers: Iterable[int], at: datetime) -> None:
        """Mark the orders numbered `numbers` as changed at `at` (a payment, a fulfilment)."""
        for number in numbers:
            self.touch_order(LEGACY_ID_BASE + number - ORDER_NUMBER_BASE, at.replace(microsecond=0))

    def order_by_gid(self, order_gid: str) -> OrderFact | None:
        kind, _, number = order_gid.removeprefix("gid://shopify/").partition("/")
        if kind != "Order" or not number.isdigit() or order_gid in self.deleted_ids:
            return None
        index = int(number) - LEGACY_ID_BASE - 1
        return self.orders[index] if 0 <= index < len(self.orders) else None

    def live_orders(self) -> list[OrderFact]:
        """The orders Shopify still has: deleted ones are gone from every query."""
        return [o for o in self.orders if gid("Order", o.legacy_id) not in self.deleted_ids]

    def delete(self, subject_type: str, subject_id: str, at: datetime) -> Deletion:
        """Delete a resource; only its `destroy` event remains."""
        deletion = Deletion(len(self.deletions) + 1, subject_type, subject_id, at.replace(microsecond=0))
        self.deletions.append(deletion)
        self.deleted_ids.add(subject_id)
        self._sorted.clear()
        return deletion

    @property
    def shop_object(self) -> dict[str, Any]:
        return {
            "__typename": "Shop",
            "id": gid("Shop", 1000 + sum(map(ord, self.domain))),
            "name": self.name,
            "myshopifyDomain": self.domain,
            "email": f"owner@{self.domain}",
            "contactEmail": f"hello@{self.domain}",
            "currencyCode": self.currency,
            "ianaTimezone": self.timezone,
            "timezoneAbbreviation": "UTC",
            "timezoneOffsetMinutes": 0,
            "taxesIncluded": False,
            "createdAt": iso(self.created_at),
            "updatedAt": iso(self.created_at),
            "plan": {
                "__typename": "ShopPlan",
                "publicDisplayName": "Basic",
                "partnerDevelopment": False,
                "shopifyPlus": False,
            },
        }


def generate_shop(
    *,
    domain: str = "stratus-demo.myshopify.com",
    seed: int = 42,
    orders: int = 400,
    days: int = 90,
    anchor: datetime | None = None,
    test_orders: float = 0.0,
) -> ShopData:
    """Build a shop whose orders fall in the `days` before `anchor` (default: today 00:00 UTC),
    a `test_orders` share of them test orders."""
    if not isinstance(test_orders, int | float) or not 0 <= test_orders <= 1:
        raise ValueError(f"shopify_test_orders: must be a share between 0 and 1, got {test_orders!r}")
    if anchor is None:
        anchor = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    rng = random.Random(f"{seed}:{domain}")
    span = timedelta(days=days).total_seconds()
    shop = ShopData(
        domain=domain,
        name="Stratus Outdoor Supply",
        currency="USD",
        timezone="UTC",
        created_at=anchor - timedelta(days=days + 365),
        anchor=anchor,
        seed=seed,
    )
    # Which orders are test orders is drawn from its own stream: every other fact is the same.
    test_rng = random.Random(f"{seed}:{domain}:test")
    for number in range(1, orders + 1):
        created = anchor - timedelta(seconds=span) + timedelta(seconds=rng.uniform(0, span))
        created = created.replace(microsecond=0)
        # Most orders change again within days (payment, fulfilment); never after the anchor, and
        # spread before it rather than piled on it, as a real shop's recent changes are.
        room = max(60.0, min(4 * 86400.0, (anchor - created).total_seconds()))
        updated = min(created + timedelta(seconds=rng.uniform(60, room)), anchor)
        updated = updated.replace(microsecond=0)
        shop.orders.append(
            OrderFact(
                number=ORDER_NUMBER_BASE + number,
                legacy_id=LEGACY_ID_BASE + number,
                created_at=created,
                updated_at=updated,
                seed=rng.getrandbits(48),
                test=test_rng.random() < test_orders,
            )
        )
    for fact in sorted(shop.orders[DELETED_EVERY - 1 :: DELETED_EVERY], key=lambda o: o.updated_at):
        shop.delete("ORDER", gid("Order", fact.legacy_id), min(fact.updated_at + timedelta(days=1), anchor))
    return shop


def _bag(amount: Decimal, currency: str) -> dict[str, Any]:
    m = {"amount": money(amount), "currencyCode": currency}
    return {"shopMoney": m, "presentmentMoney": dict(m)}


def _tax_line(amount: Decimal, currency: str) -> dict[str, Any]:
    return {
        "__typename": "TaxLine",
        "title": "Sales Tax",
        "rate": float(TAX_RATE),
        "ratePercentage": float(TAX_RATE * 100),
        "priceSet": _bag(amount, currency),
    }


def _allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `total` over `weights` in cents so the parts sum exactly to it."""
    whole = sum(weights)
    if whole == 0:
        return [Decimal("0.00") for _ in weights]
    parts = [(total * w / whole).quantize(CENT, rounding=ROUND_HALF_EVEN) for w in weights]
    parts[-1] += total - sum(parts)
    return parts


def render_order(shop: ShopData, fact: OrderFact) -> dict[str, Any]:
    """Render one order as the Admin API's `Order` object."""
    rng = random.Random(fact.seed)
    cur = shop.currency
    # Every 97th order is a wholesale order with more lines than one page of line items.
    lines = WHOLESALE_LINES if fact.number % 97 == 0 else rng.choice((1, 1, 1, 2, 2, 3, 4))
    picks: list[CatalogItem] = rng.sample(CATALOG, k=lines)
    quantities = [rng.choice((1, 1, 1, 2, 3)) for _ in picks]
    gross_lines = [item.price * q for item, q in zip(picks, quantities, strict=True)]
    subtotal_gross = sum(gross_lines, Decimal("0"))
    discounted = rng.random() < 0.2
    discount_total = (subtotal_gross * DISCOUNT_RATE).quantize(CENT) if discounted else Decimal("0.00")
    line_discounts = _allocate(discount_total, gross_lines)
    line_taxes = [
        ((g - d) * TAX_RATE).quantize(CENT, rounding=ROUND_HALF_EVEN)
        for g, d in zip(gross_lines, line_discounts, strict=True)
    ]
    subtotal = subtotal_gross - discount_total
    shipping = Decimal("0.00") if subtotal >= FREE_SHIPPING_OVER else SHIPPING_FEE
    tax = sum(line_taxes, Decimal("0"))
    total = subtotal + shipping + tax
    cancelled = rng.random() < 0.04
    customer_number = rng.randint(1, max(10, len(shop.orders) // 3))

    line_items = []
    for index, (item, qty, gross, disc, line_tax) in enumerate(
        zip(picks, quantities, gross_lines, line_discounts, line_taxes, strict=True)
    ):
        line_id = fact.legacy_id * 100 + index  # room for up to 100 lines per order
        line_items.append(
            {
                "__typename": "LineItem",
                "id": gid("LineItem", line_id),
                "sku": item.sku,
                "name": item.title,
                "title": item.product_title,
                "variantTitle": item.option,
                "vendor": "Stratus Outdoor Supply",
                "quantity": qty,
                "currentQuantity": 0 if cancelled else qty,
                "requiresShipping": True,
                "taxable": True,
                "originalUnitPriceSet": _bag(item.price, cur),
                "originalTotalSet": _bag(gross, cur),
                "totalDiscountSet": _bag(disc, cur),
                "discountedTotalSet": _bag(gross - disc, cur),
                "taxLines": [_tax_line(line_tax, cur)],
                "variant": {
                    "__typename": "ProductVariant",
                    "id": gid("ProductVariant", 40_000_000 + item.product_index * 100 + item.variant_index),
                },
                "product": {"__typename": "Product", "id": gid("Product", 7_000_000 + item.product_index)},
            }
        )

    return {
        "__typename": "Order",
        "id": gid("Order", fact.legacy_id),
        "legacyResourceId": str(fact.legacy_id),
        "name": f"#{fact.number}",
        "createdAt": iso(fact.created_at),
        "processedAt": iso(fact.created_at),
        "updatedAt": iso(fact.updated_at),
        "cancelledAt": iso(fact.activity_end) if cancelled else None,
        "cancelReason": "CUSTOMER" if cancelled else None,
        "closedAt": None,
        "test": fact.test,
        "currencyCode": cur,
        "presentmentCurrencyCode": cur,
        "taxesIncluded": False,
        "sourceName": "web",
        "tags": [],
        "discountCodes": [DISCOUNT_CODE] if discounted else [],
        "displayFinancialStatus": "VOIDED" if cancelled else "PAID",
        "displayFulfillmentStatus": "UNFULFILLED" if cancelled else "FULFILLED",
        "customer": {"__typename": "Customer", "id": gid("Customer", 900_000 + customer_number)},
        "subtotalLineItemsQuantity": sum(quantities),
        "subtotalPriceSet": _bag(subtotal, cur),
        "totalDiscountsSet": _bag(discount_total, cur),
        "totalShippingPriceSet": _bag(shipping, cur),
        "totalTaxSet": _bag(tax, cur),
        # One rate applies to every line, so the order's tax line is the sum of its lines'.
        "taxLines": [_tax_line(tax, cur)] if tax else [],
        "totalPriceSet": _bag(total, cur),
        "currentTotalPriceSet": _bag(Decimal("0.00") if cancelled else total, cur),
        "totalRefundedSet": _bag(Decimal("0.00"), cur),
        "lineItems": line_items,
    }
