"""The whole pipeline: `meltano run tap-shopify target-postgres dbt-postgres:build` into a real
Postgres (the embedded server, on its own port and data directory), then the marts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import meltano, pipeline_env, query
from sandbox.server import Sandbox, SandboxOptions, running
from sandbox.shopify.data import render_order

pytestmark = pytest.mark.pipeline

SHOP = "stratus-demo.myshopify.com"
ORDERS = 180
STREAMS = (
    "shop",
    "orders",
    "order_line_items",
    "refunds",
    "transactions",
    "fulfillments",
    "customers",
    "products",
    "product_variants",
    "inventory_items",
    "inventory_levels",
    "locations",
    "payouts",
    "balance_transactions",
)


@pytest.fixture(scope="module")
def sandbox():
    world = Sandbox(SandboxOptions(shopify_orders=ORDERS, time_scale=500))
    with running(world) as url:
        yield world, url


@pytest.fixture(scope="module")
def meltano_env(sandbox, warehouse, tmp_path_factory):
    return pipeline_env(sandbox[1], warehouse, tmp_path_factory.mktemp("meltano"), amazon_days=3650)


def mart_counts(warehouse):
    return query(
        warehouse,
        "select (select count(*) from warehouse.orders), (select count(distinct order_key) from warehouse.orders),"
        " (select count(*) from warehouse.order_items), (select count(distinct order_item_key) from warehouse.order_items),"
        " (select sum(total) from warehouse.orders), (select count(*) from raw_shopify.orders)",
    )[0]


@pytest.fixture(scope="module")
def built(meltano_env, warehouse):
    meltano(meltano_env, "run", "tap-shopify", "target-postgres", "dbt-postgres:build")
    return mart_counts(warehouse)


def test_marts_hold_every_sandbox_order_once_and_to_the_cent(built, sandbox):
    world, _ = sandbox
    data = world.shopify.shops[SHOP].data
    rendered = [render_order(data, fact) for fact in data.live_orders()]
    orders, distinct_orders, items, distinct_items, revenue, raw_orders = built
    assert orders == distinct_orders == len(rendered) == ORDERS - len(data.deletions)
    assert raw_orders == ORDERS  # deleted orders are kept in the raw table, marked deleted
    assert items == distinct_items == sum(len(o["lineItems"]) for o in rendered)
    assert revenue == sum(Decimal(o["totalPriceSet"]["shopMoney"]["amount"]) for o in rendered)


def test_raw_shopify_holds_rows_for_every_stream(built, warehouse, sandbox):
    world, _ = sandbox
    ledger = world.shopify.shops[SHOP].entities.ledger
    counts = {
        name: query(warehouse, f"select count(*) from raw_shopify.{name} where shop = '{SHOP}'")[0][0]
        for name in STREAMS
    }
    assert all(counts[name] > 0 for name in STREAMS), counts
    assert counts["balance_transactions"] == len(ledger.balance)
    # Payouts reconcile in the warehouse too: each equals the sum of its transactions.
    mismatched = query(
        warehouse,
        "select p.id from raw_shopify.payouts p join raw_shopify.balance_transactions b on b.payout_id = p.id"
        " group by p.id, p.net having p.net <> sum(b.net)",
    )
    assert mismatched == []
    types = dict(
        query(
            warehouse,
            "select column_name, data_type from information_schema.columns"
            " where table_schema = 'raw_shopify' and table_name = 'refunds'",
        )
    )
    assert types["total_refunded"] == "numeric" and types["refund_line_items"] == "ARRAY"  # of jsonb


def test_mart_columns_are_typed_for_the_warehouse(built, warehouse):
    types = dict(
        query(
            warehouse,
            "select column_name, data_type from information_schema.columns"
            " where table_schema = 'warehouse' and table_name = 'orders'",
        )
    )
    assert types["total"] == "numeric"
    assert types["purchase_date"] == "timestamp with time zone"
    assert {"source", "account_id", "order_id", "status", "customer_id", "currency", "marketplace_id"} <= set(types)
    item_types = dict(
        query(
            warehouse,
            "select column_name, data_type from information_schema.columns where table_schema = 'warehouse' and table_name = 'order_items'",
        )
    )
    assert {"order_id", "sku", "asin", "qty", "price", "tax", "fee_estimate"} <= set(item_types)
    assert query(warehouse, "select distinct source, account_id from warehouse.orders") == [("shopify", SHOP)]


def test_a_second_run_changes_no_mart(built, meltano_env, warehouse):
    meltano(meltano_env, "run", "tap-shopify", "target-postgres", "dbt-postgres:build")
    assert mart_counts(warehouse) == built


def test_discovery_lists_the_streams(meltano_env):
    result = meltano(meltano_env, "invoke", "tap-shopify", "--discover")
    streams = {entry["tap_stream_id"] for entry in json.loads(result.stdout)["streams"]}
    assert streams == {*STREAMS, "sync_runs", "sync_streams"}  # the run records (test_run_records)


def test_tap_dumps_json_lines(built, meltano_env):
    meltano(meltano_env, "el", "tap-shopify", "target-jsonl", "--full-refresh", "--state-id", "tap-shopify-dump")
    dump = Path(meltano_env["TARGET_JSONL_DESTINATION_PATH"])
    lines = (dump / "orders.jsonl").read_text().splitlines()
    assert len(lines) == ORDERS
    assert json.loads(lines[0])["shop"] == SHOP


def prod_env(meltano_env, **variables):
    """The prod environment with only `variables` set: none of the dev test's plugin overrides."""
    env = {k: v for k, v in meltano_env.items() if not k.startswith(("TAP_", "TARGET_", "DBT_"))}
    return {**env, "MELTANO_ENVIRONMENT": "prod", **variables}


def test_prod_run_with_nothing_set_names_the_missing_variable(meltano_env):
    result = meltano(prod_env(meltano_env), "run", "tap-shopify", "target-postgres", check=False)
    assert result.returncode != 0
    assert "Environment variable 'SHOPIFY_SHOP' referenced but not set" in result.stderr
    assert "Traceback" not in result.stderr
    # Once Shopify's are set, the warehouse's are named in turn.
    shopify = {
        "SHOPIFY_SHOP": "my-store.myshopify.com",
        "SHOPIFY_ACCESS_TOKEN": "shpat_x",
        "SHOPIFY_START_DATE": "2024-01-01",
    }
    result = meltano(prod_env(meltano_env, **shopify), "run", "tap-shopify", "target-postgres", check=False)
    assert result.returncode != 0
    assert "Environment variable 'WAREHOUSE_HOST' referenced but not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_prod_with_an_empty_access_token_stops_with_one_line_naming_it(meltano_env):
    # As in a .env copied from .env.example and not filled in: set, but empty.
    env = prod_env(
        meltano_env, SHOPIFY_SHOP="my-store.myshopify.com", SHOPIFY_ACCESS_TOKEN="", SHOPIFY_START_DATE="2024-01-01"
    )
    result = meltano(env, "invoke", "tap-shopify", check=False)
    assert result.returncode != 0
    assert "tap-shopify: access_token: missing" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_deleted_order_is_marked_in_raw_and_leaves_the_marts(built, sandbox, meltano_env, warehouse):
    world, _ = sandbox
    data = world.shopify.shops[SHOP].data
    victim = data.live_orders()[0]
    victim_id = f"gid://shopify/Order/{victim.legacy_id}"
    assert query(warehouse, f"select count(*) from warehouse.orders where order_id = '{victim.legacy_id}'") == [(1,)]
    data.delete("ORDER", victim_id, datetime.now(UTC))
    meltano(meltano_env, "run", "tap-shopify", "target-postgres", "dbt-postgres:build")
    [(deleted_at, created_at, total)] = query(
        warehouse, "select _sdc_deleted_at, created_at, total_price from raw_shopify.orders where id = %s", (victim_id,)
    )
    # Marked deleted, and the raw row keeps the order's last version.
    assert deleted_at is not None and created_at is not None and total is not None
    for mart in ("orders", "order_items"):
        assert query(warehouse, f"select count(*) from warehouse.{mart} where order_id = '{victim.legacy_id}'") == [
            (0,)
        ]


def test_a_second_store_inherits_the_tap_and_keeps_its_own_state(built, meltano_env, warehouse):
    outlet = "stratus-outlet.myshopify.com"
    meltano(meltano_env, "run", "tap-shopify--outlet", "target-postgres", "dbt-postgres:build")
    shops = dict(query(warehouse, "select shop, count(*) from raw_shopify.orders group by shop"))
    assert set(shops) == {SHOP, outlet}
    accounts = {a for (a,) in query(warehouse, "select distinct account_id from warehouse.orders")}
    assert accounts == {SHOP, outlet}
    states = meltano(meltano_env, "state", "list").stdout.split()
    assert "dev:tap-shopify-to-target-postgres" in states
    assert "dev:tap-shopify--outlet-to-target-postgres" in states
