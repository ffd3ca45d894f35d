"""An incremental sync is priced by what changed: the changed orders' data plus a fixed cost, and
nothing unchanged is read or emitted again; what does change between syncs is picked up."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sandbox.catalog import CATALOG
from sandbox.shopify.catalog_data import LOCATIONS
from sandbox.shopify.data import LEGACY_ID_BASE, ORDER_NUMBER_BASE, gid

from .conftest import SHOP, tap_config
from .test_payments import DAY, last_state, settled_anchor
from .test_sync import sync

#: Queries that read orders and what belongs to them (the points of the changed orders' data).
ORDER_QUERIES = frozenset(
    {
        "Orders",
        "OrderLineItems",
        "RefundLineItems",
        "RefundShippingLines",
        "RefundOrderAdjustments",
        "FulfillmentLineItems",
        "RefundNodes",
        "FulfillmentNodes",
    }
)
ORDER_STREAMS = frozenset({"orders", "order_line_items", "refunds", "transactions", "fulfillments"})
#: Streams read every sync whatever changed: the shop (one object) and the run records.
ALWAYS = frozenset({"shop", "sync_runs", "sync_streams"})
#: What an hourly sync costs when nothing changed: ~20 calls. All but two find nothing (an empty
#: connection is 2 points, 3 under a parent object such as a location or the payments account): one
#: per stream, per deletion subject and per location for its levels, and the order count. The two
#: FIXED_READS: every location (2 + 2 points a location) and, for each payment stream, the statuses
#: of the payouts issued in the settle window (about 3 + 1 a payout). None of it grows with the
#: shop's history. It is 52 points on this shop (3 locations, 3 payouts in the window); the bound
#: leaves room for payouts the simulated clock may issue while the test runs.
FIXED_POINTS = 64
#: Calls whose answer must be empty when only orders changed: a node in it would be a re-read.
EMPTY_CALL_POINTS = 3
#: The two reads that find something every sync, as no search term selects only what changed: every
#: location (id and fields), and the status of each payout issued in the settle window (id and status).
FIXED_READS = frozenset({"Locations", "PayoutStatuses"})
CHANGED = 25


def shopify_calls(sandbox) -> list[dict]:
    return [e for e in sandbox.requests() if e.get("api") == "shopify"]


def points(calls: list[dict], names: frozenset[str] | None = None) -> int:
    return sum(e.get("actual_cost") or 0 for e in calls if names is None or e.get("operation") in names)


def data_records(runner) -> dict[str, list[dict]]:
    return {name: records for name, records in runner.records.items() if records and name not in ALWAYS}


def test_an_hourly_sync_costs_the_changed_orders_plus_a_constant(sandbox_factory):
    sandbox, url = sandbox_factory(shopify_orders=400, time_scale=500)
    config = tap_config(url, safety_lag_minutes=0)
    full = sync(config)
    assert len(full.records["inventory_levels"]) > 50 and full.records["payouts"]

    # An hour in which nothing changed: every call finds nothing, but the one read of the locations.
    sandbox.clear_log()
    idle = sync(config, state=last_state(full))
    idle_calls = shopify_calls(sandbox)
    assert data_records(idle) == {}
    rereads = [e for e in idle_calls if e["operation"] not in FIXED_READS and e["actual_cost"] > EMPTY_CALL_POINTS]
    assert rereads == [], rereads
    assert [e["operation"] for e in idle_calls].count("InventoryLevels") == len(LOCATIONS)
    fixed = points(idle_calls)
    assert fixed <= FIXED_POINTS, Counter({e["operation"]: e["actual_cost"] for e in idle_calls})

    # An hour in which some orders changed (a payment, a fulfilment).
    data = sandbox.shopify.shops[SHOP].data
    numbers = range(ORDER_NUMBER_BASE + 101, ORDER_NUMBER_BASE + 101 + CHANGED)
    changed_at = datetime.now(UTC)
    data.update_orders(numbers, changed_at)
    changed = {gid("Order", LEGACY_ID_BASE + n - ORDER_NUMBER_BASE) for n in numbers} - data.deleted_ids
    sandbox.clear_log()
    hourly = sync(config, state=last_state(idle))
    calls = shopify_calls(sandbox)

    # Exactly the changed orders and what belongs to them are emitted; nothing else is read again.
    emitted = data_records(hourly)
    assert set(emitted) <= ORDER_STREAMS
    assert sorted(r["id"] for r in emitted["orders"]) == sorted(changed)
    for stream in ORDER_STREAMS - {"orders"}:
        children = [r["id"] for r in full.records[stream] if r["order_id"] in changed]
        assert sorted(r["id"] for r in emitted.get(stream, [])) == sorted(children), stream
    others = [e for e in calls if e["operation"] not in ORDER_QUERIES | FIXED_READS]
    assert [e for e in others if e["actual_cost"] > EMPTY_CALL_POINTS] == []

    # The price of those orders' data: what a first sync reading only them spends on them.
    sandbox.clear_log()
    alone = sync(tap_config(url, safety_lag_minutes=0, start_date=changed_at.strftime("%Y-%m-%dT%H:%M:%SZ")))
    assert {r["id"] for r in alone.records["orders"]} == changed
    order_points = points(shopify_calls(sandbox), ORDER_QUERIES)
    assert points(calls) <= order_points + fixed, Counter(
        {name: points(calls, frozenset({name})) for name in {e["operation"] for e in calls}}
    )


def test_changed_levels_locations_and_payouts_are_picked_up(sandbox_factory):
    sandbox, url = sandbox_factory(shopify_orders=150, anchor=settled_anchor(), time_scale=100)
    config = tap_config(url, safety_lag_minutes=0)
    first = sync(config)
    scheduled = {r["id"] for r in first.records["payouts"] if r["status"] == "SCHEDULED"}
    assert scheduled

    catalog = sandbox.shopify.shops[SHOP].entities.catalog
    now = datetime.now(UTC)
    location = LOCATIONS[1]
    catalog.edit_location(location, now)
    level = catalog.set_available(CATALOG[0], LOCATIONS[0], 7, now)
    sandbox.clock.advance(1.3 * DAY)  # the scheduled payout reaches the bank
    second = sync(config, state=last_state(first))

    assert [r["id"] for r in second.records["locations"]] == [location.gid]
    [row] = second.records["inventory_levels"]
    assert (row["id"], row["location_id"], row["available"]) == (level.gid, LOCATIONS[0].gid, 7)
    assert row["on_hand"] == level.quantities["on_hand"]
    assert second.records["inventory_items"] == []
    moved = {r["id"]: r["status"] for r in second.records["payouts"] if r["id"] in scheduled}
    assert moved == dict.fromkeys(scheduled, "PAID")
    # Besides them, only payouts issued since the first sync.
    known = {r["id"] for r in first.records["payouts"]}
    assert {r["id"] for r in second.records["payouts"]} & known == scheduled
