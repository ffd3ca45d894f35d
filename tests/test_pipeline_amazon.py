"""Amazon into the warehouse: `meltano run tap-amazon-spapi target-postgres` against the sandbox,
loading every stream into raw_amazon in a real Postgres (the embedded server)."""

from __future__ import annotations

import json

import pytest

from conftest import meltano, pipeline_env, query
from sandbox.server import Sandbox, SandboxOptions, running

pytestmark = pytest.mark.pipeline

ORDERS = 160
TABLES = (
    "marketplace_participations",
    "orders",
    "order_items",
    "fba_inventory",
    "settlements",
    "settlement_lines",
    "financial_event_groups",
    "financial_events",
    "customer_returns",
    "fba_shipments",
)


@pytest.fixture(scope="module")
def sandbox():
    world = Sandbox(SandboxOptions(amazon_orders=ORDERS, days=60, time_scale=600))
    with running(world) as url:
        yield world, url


@pytest.fixture(scope="module")
def meltano_env(sandbox, warehouse, tmp_path_factory):
    return pipeline_env(sandbox[1], warehouse, tmp_path_factory.mktemp("meltano"), amazon_days=65)


@pytest.fixture(scope="module")
def loaded(meltano_env):
    meltano(meltano_env, "run", "tap-amazon-spapi", "target-postgres")


def test_every_stream_fills_its_raw_amazon_table(loaded, warehouse):
    for table in TABLES:
        [(rows, sellers)] = query(
            warehouse, f"select count(*), count(distinct selling_partner_id) from raw_amazon.{table}"
        )
        assert rows > 0, table
        assert sellers == 1, table


def test_each_order_is_one_row_and_amounts_are_numeric(loaded, warehouse, sandbox):
    world, _ = sandbox
    [(orders, distinct)] = query(warehouse, "select count(*), count(distinct amazon_order_id) from raw_amazon.orders")
    assert orders == distinct == len(world.amazon.world.seller.orders)
    types = dict(
        query(
            warehouse,
            "select column_name, data_type from information_schema.columns"
            " where table_schema = 'raw_amazon' and table_name = 'order_items'",
        )
    )
    assert types["item_price"] == "numeric"


def test_settlement_lines_sum_to_totals_in_the_warehouse(loaded, warehouse):
    mismatched = query(
        warehouse,
        "select s.settlement_id from raw_amazon.settlements s"
        " join raw_amazon.settlement_lines l using (settlement_id)"
        " group by s.settlement_id, s.total_amount having sum(l.amount) <> s.total_amount",
    )
    assert mismatched == []


def test_a_second_run_adds_no_duplicate(loaded, meltano_env, warehouse):
    before = {t: query(warehouse, f"select count(*) from raw_amazon.{t}")[0][0] for t in ("orders", "order_items")}
    meltano(meltano_env, "run", "tap-amazon-spapi", "target-postgres")
    after = {t: query(warehouse, f"select count(*) from raw_amazon.{t}")[0][0] for t in ("orders", "order_items")}
    assert after == before


def test_discovery_lists_the_streams(meltano_env):
    result = meltano(meltano_env, "invoke", "tap-amazon-spapi", "--discover")
    # load_issues too: empty while every value can be read (test_pipeline_amazon_load_issues); and
    # the run records (test_run_records).
    streams = {entry["tap_stream_id"] for entry in json.loads(result.stdout)["streams"]}
    assert streams == {*TABLES, "load_issues", "sync_runs", "sync_streams"}


def test_a_shipment_carrying_two_orders_keeps_each_orders_items(loaded, meltano_env, warehouse):
    """Amazon's shipments report promises one row per (order, shipment, shipment item) and no more:
    a shipment can carry several orders. The shipments mart keeps every such row under its own key."""
    [(order_id, shipment_id, item_id)] = query(
        warehouse,
        "select amazon_order_id, shipment_id, shipment_item_id from raw_amazon.fba_shipments"
        " order by amazon_order_id, shipment_id, shipment_item_id limit 1",
    )
    [(other_order,)] = query(
        warehouse, "select min(amazon_order_id) from raw_amazon.orders where amazon_order_id <> %s", (order_id,)
    )
    # The same shipment and shipment item id, delivered for another order (as the loader would add it).
    columns = [
        name
        for (name,) in query(
            warehouse,
            "select column_name from information_schema.columns"
            " where table_schema = 'raw_amazon' and table_name = 'fba_shipments' order by ordinal_position",
        )
    ]
    listed = ", ".join(f'"{name}"' for name in columns)
    chosen = ", ".join("%s" if name == "amazon_order_id" else f'"{name}"' for name in columns)
    query(
        warehouse,
        f"insert into raw_amazon.fba_shipments ({listed}) select {chosen} from raw_amazon.fba_shipments"
        " where amazon_order_id = %s and shipment_id = %s and shipment_item_id = %s",
        (other_order, order_id, shipment_id, item_id),
    )
    meltano(meltano_env, "invoke", "dbt-postgres", "build")
    rows = query(
        warehouse,
        "select order_id, count(distinct shipment_item_key) from warehouse.shipments"
        " where source = 'amazon' and shipment_id = %s and shipment_item_id = %s group by order_id order by 1",
        (shipment_id, item_id),
    )
    assert rows == sorted([(order_id, 1), (other_order, 1)])
    [(keys, rows_total)] = query(
        warehouse, "select count(distinct shipment_item_key), count(*) from warehouse.shipments"
    )
    assert keys == rows_total
