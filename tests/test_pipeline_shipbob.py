"""ShipBob into the warehouse: `meltano run tap-shipbob target-postgres` against the sandbox,
loading every stream into raw_shipbob in a real Postgres (the embedded server)."""

from __future__ import annotations

import json

import pytest

from conftest import meltano, pipeline_env, query
from sandbox.server import Sandbox, SandboxOptions, running

pytestmark = pytest.mark.pipeline

TABLES = {
    "channels",
    "fulfillment_centers",
    "transaction_fees",
    "orders",
    "order_products",
    "shipments",
    "shipment_products",
    "products",
    "variants",
    "inventory",
    "inventory_levels",
    "inventory_lot_levels",
    "receiving_orders",
    "receiving_items",
    "receiving_boxes",
    "returns",
    "return_items",
    "return_actions",
    "invoices",
    "invoice_transactions",
}


@pytest.fixture(scope="module")
def sandbox():
    world = Sandbox(SandboxOptions(shopify_orders=60, amazon_orders=10, days=40, time_scale=600))
    with running(world) as url:
        yield world, url


@pytest.fixture(scope="module")
def meltano_env(sandbox, warehouse, tmp_path_factory):
    return pipeline_env(sandbox[1], warehouse, tmp_path_factory.mktemp("meltano"), amazon_days=45)


@pytest.fixture(scope="module")
def loaded(meltano_env):
    meltano(meltano_env, "run", "tap-shipbob", "target-postgres")


def test_discovery_lists_the_streams(meltano_env):
    result = meltano(meltano_env, "invoke", "tap-shipbob", "--discover")
    assert {entry["tap_stream_id"] for entry in json.loads(result.stdout)["streams"]} == TABLES


def test_every_stream_fills_its_raw_shipbob_table(loaded, warehouse):
    for table in TABLES:
        [(rows, accounts)] = query(warehouse, f"select count(*), count(distinct account_id) from raw_shipbob.{table}")
        assert rows > 0, table
        assert accounts == 1, table


def test_amounts_load_exact(loaded, warehouse):
    [(kind,)] = query(
        warehouse,
        "select data_type from information_schema.columns "
        "where table_schema = 'raw_shipbob' and table_name = 'invoice_transactions' and column_name = 'amount'",
    )
    assert kind == "numeric"


def test_a_second_run_adds_no_duplicate(loaded, meltano_env, warehouse):
    tables = ("orders", "shipments", "invoice_transactions", "inventory_levels")
    before = {t: query(warehouse, f"select count(*) from raw_shipbob.{t}")[0][0] for t in tables}
    meltano(meltano_env, "run", "tap-shipbob", "target-postgres")
    after = {t: query(warehouse, f"select count(*) from raw_shipbob.{t}")[0][0] for t in tables}
    assert after == before


def test_staging_models_build_and_their_key_tests_pass(loaded, meltano_env, warehouse):
    meltano(meltano_env, "invoke", "dbt-postgres", "build", "--select", "staging.shipbob")
    for table in TABLES:
        [(raw,)] = query(warehouse, f"select count(*) from raw_shipbob.{table}")
        [(staged,)] = query(warehouse, f"select count(*) from staging.stg_shipbob__{table}")
        assert staged == raw > 0, table
    [(unbalanced,)] = query(
        warehouse,
        "select count(*) from staging.stg_shipbob__invoices i "
        "where amount <> (select sum(amount) from staging.stg_shipbob__invoice_transactions t "
        "where t.account_id = i.account_id and t.invoice_id = i.invoice_id)",
    )
    assert unbalanced == 0
