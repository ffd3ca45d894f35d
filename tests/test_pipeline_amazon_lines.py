"""Amazon order lines as real sellers' orders carry them, through Meltano, the loader and dbt:
two lines of one order with one SKU (a split quantity at the same price) on the report path and
on the searchOrders path, and the same lines re-read by the other path, each line one row and
every order's total exact to the cent."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta

import pytest

from conftest import meltano, pipeline_env, query
from sandbox.amazon.data import OrderShapes, render
from sandbox.server import Sandbox, SandboxOptions, present_anchor, running

pytestmark = pytest.mark.pipeline

PIPELINE = ("run", "tap-amazon-spapi", "target-postgres", "dbt-postgres:build")
TIME_SCALE = 600
STILL = 1e-9  # simulated time all but stopped: no order arrives or changes while the marts are checked


def run_pipeline(world, env) -> None:
    """One pipeline run with the seller live, then the seller's world held still as the run left it."""
    world.clock.set_scale(TIME_SCALE)
    meltano(env, *PIPELINE)
    world.clock.set_scale(STILL)


@pytest.fixture(scope="module")
def sandbox():
    # A live seller (orders keep changing as simulated time passes); half its orders repeat a SKU.
    world = Sandbox(
        SandboxOptions(
            amazon_orders=80,
            days=12,
            time_scale=TIME_SCALE,
            amazon_live_orders_per_day=2.0,
            amazon_shapes=OrderShapes(split_lines=0.5),
            anchor=present_anchor(),  # both paths hold same-SKU orders at any hour
        )
    )
    with running(world) as url:
        yield world, url


@pytest.fixture(scope="module")
def meltano_env(sandbox, warehouse, tmp_path_factory):
    return pipeline_env(sandbox[1], warehouse, tmp_path_factory.mktemp("meltano"), amazon_days=14)


@pytest.fixture(scope="module")
def first_run(sandbox, meltano_env):
    run_pipeline(sandbox[0], meltano_env)


def orders_read(world, env) -> list:
    """Each order as the run read it: the seller as of where searchOrders' window ended for its
    marketplace (Amazon's lastUpdatedBefore, kept as the orders stream's watermark).

    Not the seller as the run left it: the run goes on (the rest of the tap, the loader, dbt)
    after that window ends, while the live seller keeps taking and changing orders, at
    TIME_SCALE times real speed, the more the slower the machine; those changes are the next
    run's to read."""
    state = json.loads(meltano(env, "state", "get", "dev:tap-amazon-spapi-to-target-postgres").stdout)
    read_until = state["singer_state"]["bookmarks"]["orders"]["reports"]["done_until"]
    history = world.amazon.world.history
    views = {market: history.view(datetime.fromisoformat(moment)) for market, moment in read_until.items()}
    return [fact for market, seller in views.items() for fact in seller.orders if fact.marketplace_id == market]


def split_orders(orders) -> dict[str, int]:
    """The priced orders with two lines of one SKU, and how many lines each has."""
    return {
        fact.order_id: len(render(fact).lines)
        for fact in orders
        if "split_lines" in fact.shapes and fact.status != "Pending"
    }


def assert_orders_exact(orders, warehouse) -> None:
    """Every priced order's total and line count in the marts are the sandbox's, to the cent."""
    expected = {fact.order_id: render(fact) for fact in orders if fact.status != "Pending"}
    totals = dict(query(warehouse, "select order_id, total from warehouse.orders where source = 'amazon'"))
    assert {oid: totals.get(oid) for oid in expected} == {oid: o.total for oid, o in expected.items()}
    lines = Counter(
        oid for (oid,) in query(warehouse, "select order_id from warehouse.order_items where source = 'amazon'")
    )
    assert {oid: lines[oid] for oid in expected} == {oid: len(o.lines) for oid, o in expected.items()}
    gross = dict(
        query(warehouse, "select order_id, sum(gross) from warehouse.order_items where source = 'amazon' group by 1")
    )
    assert {oid: gross.get(oid) for oid in expected} == {
        oid: sum(li.principal for li in o.lines) for oid, o in expected.items()
    }


def test_same_sku_lines_are_two_rows_on_both_paths_and_totals_are_exact(first_run, sandbox, meltano_env, warehouse):
    world, _ = sandbox
    orders = orders_read(world, meltano_env)
    split = split_orders(orders)
    rows = query(
        warehouse,
        "select amazon_order_id, source, count(*), count(distinct sku) from raw_amazon.order_items group by 1, 2",
    )
    by_path = {source for oid, source, lines, skus in rows if oid in split and lines > skus}
    assert by_path == {"report", "api"}
    assert all(lines == split[oid] for oid, _, lines, _ in rows if oid in split)
    assert_orders_exact(orders, warehouse)


def test_lines_read_again_by_the_api_stay_one_row_each(first_run, sandbox, meltano_env, warehouse):
    world, _ = sandbox
    before = dict(query(warehouse, "select amazon_order_id, source from raw_amazon.orders"))
    # Three simulated days on: orders the report delivered ship or are cancelled, and the API reads them.
    world.clock.advance(timedelta(days=3).total_seconds())
    run_pipeline(world, meltano_env)
    after = dict(query(warehouse, "select amazon_order_id, source from raw_amazon.orders"))
    moved = {oid for oid, source in before.items() if source == "report" and after[oid] == "api"}
    orders = orders_read(world, meltano_env)
    split = split_orders(orders)
    assert moved & set(split), "no order with same-SKU lines was read again by the API"
    lines = dict(query(warehouse, "select amazon_order_id, count(*) from raw_amazon.order_items group by 1"))
    assert {oid: lines[oid] for oid in moved & set(split)} == {oid: split[oid] for oid in moved & set(split)}
    assert_orders_exact(orders, warehouse)
