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
