"""The 3PL's world: the sandbox Shopify shops' orders as ShipBob imported, fulfilled and returned them.

ShipBob's Shopify integration imports each live order (its `reference_id` is the Shopify order
id) into the channel of that store, and ships each Shopify fulfillment as one shipment from the
fulfillment centre standing at the Shopify location it names, with the same SKUs, quantities,
ship date and tracking number. Refunds whose lines Shopify restocked come back as returns to the
centre that shipped them. Everything is derived from the Shopify facts when asked for (a small
cache holds recent orders), so a large shop costs little memory.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache, partial
from typing import Any

from sandbox.catalog import CATALOG, CatalogItem
from sandbox.shopify.catalog_data import SHIPPING_LOCATIONS, variant_legacy_id
from sandbox.shopify.data import CENT, ORDER_NUMBER_BASE, OrderFact, ShopData, gid
from sandbox.shopify.order_activity import amount, render_order_activity

USER_ID = 451207
CURRENCY = "USD"
ORDER_ID_BASE = 180_000_000
SHIPMENT_ID_BASE = 400_000_000
RETURN_ID_BASE = 50_000_000
SHOP_SPAN = 5_000_000  # order numbers per shop: ids of different shops never meet
PRODUCT_ID_BASE = 600_000
VARIANT_ID_BASE = 700_000
INVENTORY_ID_BASE = 20_000_000
IMPORT_DELAY = timedelta(minutes=2)  # the integration imports an order this long after Shopify took it
LOT_PRODUCT_TYPES = frozenset({"Gear"})  # lot-tracked goods (fuel canisters, batteries)


@dataclass(frozen=True)
class FulfillmentCenter:
    id: int
    name: str  # ShipBob's convention: City (State Code)
    address1: str
    city: str
    state: str
    zip_code: str
    timezone: str
    shopify_location: int  # the Shopify location (index) standing for this centre


#: Exactly two centres: where the Shopify shops' shipping locations are.
FULFILLMENT_CENTERS: tuple[FulfillmentCenter, ...] = tuple(
    FulfillmentCenter(
        id=11 + i,
        name=f"{loc.city} ({loc.province_code})",
        address1=loc.address1,
        city=loc.city,
        state=loc.province_code,
        zip_code=loc.zip,
        timezone="Pacific Standard Time" if loc.province_code == "NV" else "Eastern Standard Time",
        shopify_location=loc.index,
    )
    for i, loc in enumerate(SHIPPING_LOCATIONS[:2])
)


def centre_at(location_gid: str) -> FulfillmentCenter:
    """The centre standing at the Shopify location a fulfillment names."""
    index = next(loc.index for loc in SHIPPING_LOCATIONS if loc.gid == location_gid)
    return next(fc for fc in FULFILLMENT_CENTERS if fc.shopify_location == index)


@dataclass(frozen=True)
class Channel:
    id: int
    name: str
    application_name: str
    scopes: tuple[str, ...]
    shop_index: int | None  # the Shopify store this channel imports from; None: the API's own channel


READ_SCOPES = (
    "channels_read",
    "orders_read",
    "fulfillments_read",
    "products_read",
    "inventory_read",
    "receiving_read",
    "returns_read",
    "billing_read",
    "locations_read",
)


def channels(shops: list[ShopData]) -> tuple[Channel, ...]:
    own = Channel(310_001, "Stratus API", "Personal Access Token", (*READ_SCOPES, "orders_write"), None)
    stores = (Channel(310_010 + i, shop.domain, "Shopify", ("orders_read",), i) for i, shop in enumerate(shops))
    return (own, *stores)


def inventory_id(item: CatalogItem) -> int:
    return INVENTORY_ID_BASE + CATALOG.index(item)


def variant_id(item: CatalogItem) -> int:
    return VARIANT_ID_BASE + item.product_index * 100 + item.variant_index


def product_id(product_index: int) -> int:
    return PRODUCT_ID_BASE + product_index


def is_lot(item: CatalogItem) -> bool:
    return item.product_type in LOT_PRODUCT_TYPES


BY_SKU = {item.sku: item for item in CATALOG}


@dataclass(frozen=True)
class Shipment:
    id: int
    order_id: int
    reference_id: str
    centre: FulfillmentCenter
    created: datetime
    shipped: datetime
    delivered: datetime | None
    lines: tuple[tuple[CatalogItem, int], ...]
    tracking_number: str
    carrier: str
    service: str

    @property
    def last_update(self) -> datetime:
        return self.delivered or self.shipped

    @property
    def units(self) -> int:
        return sum(q for _, q in self.lines)


#: A return's statuses, in the order it reaches them (the list filter's spelling).
AWAITING, ARRIVED, PROCESSING = "AwaitingArrival", "Arrived", "Processing"
COMPLETED, CANCELLED = "Completed", "Cancelled"
CANCEL_SHARE = 0.08  # returns the customer never sends back: cancelled before they arrive


@dataclass(frozen=True)
class Return:
    """A return and the moments it reaches each status; a step it never reaches is None (a
    cancelled return never arrives; one that arrives is never cancelled)."""

    id: int
    order_id: int
    store_order_id: str
    reference_id: str  # the Shopify refund it was created for (the merchant's RMA)
    shipment: Shipment
    inserted: datetime
    arrived: datetime | None
    processing: datetime | None
    completed: datetime | None
    cancelled: datetime | None
    lines: tuple[tuple[CatalogItem, int], ...]

    @property
    def units(self) -> int:
        return sum(q for _, q in self.lines)

    @property
    def steps(self) -> tuple[tuple[str, datetime], ...]:
        """The statuses it goes through and when, in order."""
        moments = (
            (AWAITING, self.inserted),
            (ARRIVED, self.arrived),
            (PROCESSING, self.processing),
            (COMPLETED, self.completed),
            (CANCELLED, self.cancelled),
        )
        return tuple((status, at) for status, at in moments if at is not None)

    def history(self, now: datetime) -> tuple[tuple[str, datetime], ...]:
        """The statuses reached by `now` (empty: not created yet)."""
        return tuple((status, at) for status, at in self.steps if at <= now)

    def status(self, now: datetime) -> str | None:
        reached = self.history(now)
        return reached[-1][0] if reached else None


def reached(moment: datetime | None, now: datetime) -> datetime | None:
    """`moment` if it has come by `now`."""
    return moment if moment is not None and moment <= now else None


@dataclass(frozen=True)
class Order:
    id: int
    channel_id: int
    reference_id: str  # the Shopify order id, as ShipBob's Shopify integration sets it
    order_number: str
    purchased: datetime
    created: datetime
    cancelled: bool
    total: Decimal
    lines: tuple[tuple[CatalogItem, int, Decimal], ...]  # item, quantity, unit price
    shipments: tuple[Shipment, ...]
    returns: tuple[Return, ...]
    updated: datetime
    recipient: tuple[str, str, str, str, str]  # name, address1, city, state, zip


@dataclass(frozen=True)
class OrderRef:
    """What an order is listed by, known from the Shopify facts alone (no rendering)."""

    id: int
    created: datetime
    reference_id: str
    channel_id: int


@dataclass(frozen=True)
class OrderKey(OrderRef):
    """An order's change times, shipments and returns: what last-update filters and billing need."""

    updated: datetime
    tracking_updated: datetime | None
    shipments: tuple[Shipment, ...]
    returns: tuple[Return, ...]


_CITIES = (
    ("Portland", "OR", "97205"),
    ("Austin", "TX", "78701"),
    ("Denver", "CO", "80202"),
    ("Chicago", "IL", "60601"),
    ("Atlanta", "GA", "30303"),
    ("Boston", "MA", "02108"),
)


class World:
    """The account's orders, derived from the Shopify shops on demand."""

    def __init__(self, shops: list[ShopData], seed: int) -> None:
        self.shops = shops
        self.seed = seed
        self.channels = channels(shops)
        anchors = [shop.anchor for shop in shops if shop.anchor is not None]
        if not anchors:
            raise ValueError("the ShipBob stand-in needs at least one Shopify shop to fulfil")
        self.anchor: datetime = max(anchors)
        self._keys: list[OrderKey] | None = None
        self._refs: list[OrderRef] | None = None
        self._lock = threading.Lock()
        self.order = lru_cache(maxsize=4096)(self._order)

    # -- ids -------------------------------------------------------------------------------

    def order_id(self, shop_index: int, fact: OrderFact) -> int:
        return ORDER_ID_BASE + shop_index * SHOP_SPAN + fact.number - ORDER_NUMBER_BASE

    def locate(self, order_id: int) -> tuple[int, OrderFact] | None:
        """The Shopify shop and order a ShipBob order id was imported from, if it was imported."""
        offset = order_id - ORDER_ID_BASE
        if offset <= 0:
            return None
        shop_index, n = divmod(offset, SHOP_SPAN)
        if shop_index >= len(self.shops) or not 1 <= n <= len(self.shops[shop_index].orders):
            return None
        shop = self.shops[shop_index]
        fact = shop.orders[n - 1]
        if gid("Order", fact.legacy_id) in shop.deleted_ids:
            return None  # test orders the merchant deleted were never sent to the 3PL
        return shop_index, fact

    # -- orders ----------------------------------------------------------------------------

    def _order(self, order_id: int) -> Order | None:
        found = self.locate(order_id)
        if found is None:
            return None
        shop_index, fact = found
        shop = self.shops[shop_index]
        activity = render_order_activity(shop, fact)
        reference = str(fact.legacy_id)
        created = fact.created_at + IMPORT_DELAY
        rng = random.Random(f"{self.seed}:shipbob:{order_id}")
        shipments = []
        by_line: dict[str, Shipment] = {}
        for index, fulfillment in enumerate(activity["fulfillments"]):
            shipped = datetime.fromisoformat(fulfillment["createdAt"])
            delivered = shipped + timedelta(days=rng.randint(2, 5), hours=rng.randint(0, 10))
            lines = tuple((BY_SKU[fl["lineItem"]["sku"]], fl["quantity"]) for fl in fulfillment["fulfillmentLineItems"])
            shipment = Shipment(
                id=SHIPMENT_ID_BASE + (order_id - ORDER_ID_BASE) * 4 + index,
                order_id=order_id,
                reference_id=reference,
                centre=centre_at(fulfillment["location"]["id"]),
                created=created,
                shipped=shipped,
                delivered=delivered if delivered <= self.anchor else None,
                lines=lines,
                tracking_number=fulfillment["trackingInfo"][0]["number"],
                carrier=fulfillment["trackingInfo"][0]["company"],
                service="Ground",
            )
            shipments.append(shipment)
            for fl in fulfillment["fulfillmentLineItems"]:
                by_line[fl["lineItem"]["id"]] = shipment
        returns = []
        for index, refund in enumerate(activity["refunds"]):
            restocked = [r for r in refund["refundLineItems"] if r["restocked"]]
            if not restocked:
                continue  # refunded without a return (damaged in transit): nothing comes back
            shipment = by_line[restocked[0]["lineItem"]["id"]]
            lines = tuple(
                (BY_SKU[r["lineItem"]["sku"]], r["quantity"])
                for r in restocked
                if by_line[r["lineItem"]["id"]] is shipment
            )
            returns.append(self._return(order_id, index, refund, shipment, lines))
        cancelled = activity["cancelledAt"] is not None
        updated = max(
            [created]
            + [s.last_update for s in shipments]
            + ([datetime.fromisoformat(activity["cancelledAt"])] if cancelled else [])
        )
        city = _CITIES[rng.randrange(len(_CITIES))]
        customer = activity["customer"]["id"].rsplit("/", 1)[1]
        return Order(
            id=order_id,
            channel_id=self.channels[1 + shop_index].id,
            reference_id=reference,
            order_number=activity["name"],
            purchased=fact.created_at,
            created=created,
            cancelled=cancelled,
            total=amount(activity["totalPriceSet"]),
            lines=tuple(
                (BY_SKU[li["sku"]], li["quantity"], amount(li["originalUnitPriceSet"]).quantize(CENT))
                for li in activity["lineItems"]
            ),
            shipments=tuple(shipments),
            returns=tuple(returns),
            updated=updated,
            recipient=(f"Customer {customer}", f"{rng.randint(10, 999)} Main Street", *city),
        )

    def _return(
        self,
        order_id: int,
        index: int,
        refund: dict[str, Any],
        shipment: Shipment,
        lines: tuple[tuple[CatalogItem, int], ...],
    ) -> Return:
        """The merchant refunds (and restocks) when the customer asks to send goods back; the
        customer ships them within two days (the return is created with the label), they arrive two
        to six days later and are processed within the day; a few are never sent (cancelled)."""
        return_id = RETURN_ID_BASE + (order_id - ORDER_ID_BASE) * 2 + index
        rng = random.Random(f"{self.seed}:shipbob:return:{return_id}")
        refunded = datetime.fromisoformat(refund["createdAt"])
        inserted = max(shipment.shipped + timedelta(hours=6), refunded + timedelta(minutes=rng.randint(30, 48 * 60)))
        made = partial(
            Return,
            id=return_id,
            order_id=order_id,
            store_order_id=shipment.reference_id,
            reference_id=refund["legacyResourceId"],
            shipment=shipment,
            inserted=inserted,
            lines=lines,
        )
        if rng.random() < CANCEL_SHARE:
            cancelled = inserted + timedelta(days=rng.randint(1, 4), minutes=rng.randint(0, 600))
            return made(arrived=None, processing=None, completed=None, cancelled=cancelled)
        arrived = inserted + timedelta(days=rng.randint(2, 6), minutes=rng.randint(0, 600))
        processing = arrived + timedelta(minutes=rng.randint(120, 20 * 60))
        completed = processing + timedelta(minutes=rng.randint(30, 8 * 60))
        return made(arrived=arrived, processing=processing, completed=completed, cancelled=None)

    def order_refs(self) -> list[OrderRef]:
        """Every imported order, ascending by id, from the Shopify facts alone; built once."""
        with self._lock:
            if self._refs is None:
                self._refs = [
                    OrderRef(
                        self.order_id(shop_index, fact),
                        fact.created_at + IMPORT_DELAY,
                        str(fact.legacy_id),
                        self.channels[1 + shop_index].id,
                    )
                    for shop_index, shop in enumerate(self.shops)
                    for fact in shop.live_orders()
                ]
            return self._refs

    def order_keys(self) -> list[OrderKey]:
        """Every order with its change times, shipments and returns, ascending by id: one pass over
        every order, made once, on first use (the refs need none)."""
        refs = self.order_refs()
        with self._lock:
            if self._keys is None:
                keys = []
                for ref in refs:
                    order = self._order(ref.id)
                    if order is None:
                        continue  # deleted in Shopify since the refs were listed
                    tracked = [s.last_update for s in order.shipments]
                    keys.append(
                        OrderKey(
                            ref.id,
                            ref.created,
                            ref.reference_id,
                            ref.channel_id,
                            order.updated,
                            max(tracked) if tracked else None,
                            order.shipments,
                            order.returns,
                        )
                    )
                self._keys = keys
            return self._keys

    def returns(self) -> Iterator[Return]:
        for key in self.order_keys():
            yield from key.returns

    def shipment(self, shipment_id: int) -> Shipment | None:
        order_id = ORDER_ID_BASE + (shipment_id - SHIPMENT_ID_BASE) // 4
        order = self.order(order_id) if shipment_id >= SHIPMENT_ID_BASE else None
        return next((s for s in order.shipments if s.id == shipment_id), None) if order else None

    def return_(self, return_id: int) -> Return | None:
        order_id = ORDER_ID_BASE + (return_id - RETURN_ID_BASE) // 2
        order = self.order(order_id) if return_id >= RETURN_ID_BASE else None
        return next((r for r in order.returns if r.id == return_id), None) if order else None

    def shopify_variant_id(self, item: CatalogItem) -> int:
        return variant_legacy_id(item)
