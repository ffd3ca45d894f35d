"""Stock at the two centres: inbound receiving orders (WROs) and what stands on the shelves.

Each centre receives a WRO every ten days (a few SKUs, one SKU per box). WROs older than two
weeks are completed; recent ones are arriving or being counted, and what they still expect is
the centres' awaiting quantity. On-hand stock per SKU and centre is drawn from the seed; lot-
tracked SKUs hold it in two lots.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from sandbox.catalog import CATALOG, CatalogItem

from .world import FULFILLMENT_CENTERS, FulfillmentCenter, is_lot

WRO_ID_BASE = 70_000
BOX_ID_BASE = 8_000_000
WRO_EVERY = timedelta(days=10)
SETTLE = timedelta(days=14)  # a WRO this old is completed


@dataclass(frozen=True)
class Box:
    id: int
    number: int
    item: CatalogItem
    quantity: int
    received: int
    tracking_number: str


@dataclass(frozen=True)
class ReceivingOrder:
    id: int
    centre: FulfillmentCenter
    inserted: datetime
    expected_arrival: datetime
    arrived: datetime | None
    completed: datetime | None
    boxes: tuple[Box, ...]

    @property
    def status(self) -> str:
        if self.completed is not None:
            return "Completed"
        return "Processing" if self.arrived is not None else "Awaiting"

    @property
    def last_updated(self) -> datetime:
        return self.completed or self.arrived or self.inserted

    @property
    def purchase_order_number(self) -> str:
        return f"PO-{self.id}"

    def history(self) -> list[tuple[str, datetime]]:
        steps = [("Awaiting", self.inserted)]
        if self.arrived is not None:
            steps += [("Arrived", self.arrived), ("Processing", self.arrived + timedelta(hours=3))]
        if self.completed is not None:
            steps.append(("Completed", self.completed))
        return steps


@dataclass(frozen=True)
class Level:
    """One SKU at one centre (or in one lot at one centre)."""

    on_hand: int
    committed: int
    awaiting: int

    @property
    def fulfillable(self) -> int:
        return self.on_hand - self.committed


@dataclass(frozen=True)
class Lot:
    number: str
    expires: datetime
    centre: FulfillmentCenter
    level: Level


class Stock:
    def __init__(self, seed: int, anchor: datetime, days: int) -> None:
        self.seed = seed
        self.anchor = anchor
        self.days = days

    @cached_property
    def receiving_orders(self) -> tuple[ReceivingOrder, ...]:
        """Every WRO, ids in the order they were created."""
        plans: list[tuple[datetime, FulfillmentCenter, random.Random]] = []
        start = self.anchor - timedelta(days=self.days + 20)
        for centre in FULFILLMENT_CENTERS:
            rng = random.Random(f"{self.seed}:shipbob:wro:{centre.id}")
            at = start + timedelta(hours=rng.randint(0, 200))
            while at <= self.anchor:
                plans.append((at.replace(microsecond=0), centre, random.Random(rng.getrandbits(48))))
                at += WRO_EVERY + timedelta(hours=rng.randint(-30, 30))
        out = []
        for n, (at, centre, rng) in enumerate(sorted(plans, key=lambda p: (p[0], p[1].id))):
            wro_id = WRO_ID_BASE + n
            arrival = at + timedelta(days=rng.randint(4, 9))
            done = arrival + timedelta(days=2) if at + SETTLE <= self.anchor else None
            boxes = tuple(
                Box(
                    id=BOX_ID_BASE + wro_id * 10 + i,
                    number=i + 1,
                    item=item,
                    quantity=(qty := rng.choice((48, 96, 144, 240))),
                    received=qty if done else 0,
                    tracking_number=f"1Z{wro_id:08d}{i:04d}",
                )
                for i, item in enumerate(rng.sample(CATALOG, k=rng.randint(2, 5)))
            )
            arrived = arrival if arrival <= self.anchor else None
            out.append(ReceivingOrder(wro_id, centre, at, arrival, arrived, done, boxes))
        return tuple(out)

    def receiving_order(self, wro_id: int) -> ReceivingOrder | None:
        return next((w for w in self.receiving_orders if w.id == wro_id), None)

    @cached_property
    def _awaiting(self) -> dict[tuple[str, int], int]:
        awaiting: dict[tuple[str, int], int] = {}
        for wro in self.receiving_orders:
            for box in wro.boxes:
                key = (box.item.sku, wro.centre.id)
                awaiting[key] = awaiting.get(key, 0) + box.quantity - box.received
        return awaiting

    def level(self, item: CatalogItem, centre: FulfillmentCenter) -> Level:
        rng = random.Random(f"{self.seed}:shipbob:stock:{item.sku}:{centre.id}")
        on_hand = rng.randint(0, 400)
        return Level(on_hand, min(on_hand, rng.choice((0, 0, 1, 2, 4))), self._awaiting.get((item.sku, centre.id), 0))

    def lots(self, item: CatalogItem) -> list[Lot]:
        """Lot-tracked SKUs hold each centre's stock in two lots, the older expiring first."""
        if not is_lot(item):
            return []
        out = []
        for centre in FULFILLMENT_CENTERS:
            level = self.level(item, centre)
            older = level.on_hand // 3
            for n, (on_hand, committed, awaiting) in enumerate(
                ((older, level.committed, 0), (level.on_hand - older, 0, level.awaiting))
            ):
                expires = self.anchor.replace(hour=0, minute=0, second=0) + timedelta(days=180 + 180 * n)
                out.append(
                    Lot(
                        f"L{CATALOG.index(item):03d}{n + 1}",  # the same lot at every centre
                        expires,
                        centre,
                        Level(on_hand, committed, awaiting),
                    )
                )
        return out

    def shipped_lot(self, item: CatalogItem, centre: FulfillmentCenter) -> Lot | None:
        """The lot a centre ships a lot-tracked SKU from: the one expiring first."""
        return next((lot for lot in self.lots(item) if lot.centre == centre), None)
