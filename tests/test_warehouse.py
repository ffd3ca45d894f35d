"""The warehouse marts: both taps into a real Postgres (the embedded server), then `dbt build`
with every data test, against the sandbox's own facts; the reconciliation tests catching a
settlement that does not add up; incremental runs giving the same marts as a full rebuild."""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from stratus_warehouse.cli import summary

from conftest import meltano, pipeline_env, query
from sandbox.amazon.data import render
from sandbox.server import Sandbox, SandboxOptions, running
from sandbox.shopify.data import LEGACY_ID_BASE, OrderFact, gid, render_order
from sandbox.shopify.ledger import PAYOUT_ID_BASE
from sandbox.shopify.order_activity import render_order_activity

pytestmark = pytest.mark.pipeline

SHOP = "stratus-demo.myshopify.com"
SELLER = "A2STRATUSDEMO01"
DAYS = 45
PIPELINE = ("run", "tap-shopify", "target-postgres", "tap-amazon-spapi", "target-postgres", "dbt-postgres:build")
# What the hourly jobs run (meltano.yml): the marts and their tests, not the staging views.
HOURLY = ("run", "shopify-to-warehouse", "amazon-to-warehouse")
MARTS = (
    "accounts",
    "orders",
    "order_items",
    "customers",
    "products",
    "variants",
    "skus",
    "inventory",
    "inventory_snapshots",
    "settlements",
    "settlement_lines",
    "returns",
    "shipments",
    "daily_sales",
    "sku_daily",
)
# Everything but the snapshot history, which a full rebuild deliberately keeps.
REBUILT_MARTS = tuple(m for m in MARTS if m != "inventory_snapshots")


@pytest.fixture(scope="module")
def sandbox():
    world = Sandbox(SandboxOptions(shopify_orders=90, amazon_orders=90, days=DAYS, time_scale=600))
    with running(world) as url:
        yield world, url


@pytest.fixture(scope="module")
def meltano_env(sandbox, warehouse, tmp_path_factory):
    return pipeline_env(sandbox[1], warehouse, tmp_path_factory.mktemp("meltano"), amazon_days=DAYS + 5)


def fingerprints(warehouse, marts):
    """Row count and md5 of the ordered rows of each mart."""
    return {
        mart: query(
            warehouse,
            f"select count(*), md5(coalesce(string_agg(t::text, '|' order by t::text), '')) from warehouse.{mart} as t",
        )[0]
        for mart in marts
    }


@pytest.fixture(scope="module")
def built(meltano_env):
    """Both taps, then `dbt build`: every model and every data test (error severity) passes."""
    return meltano(meltano_env, *PIPELINE)


def test_every_mart_is_built_and_typed(built, warehouse):
    for mart in MARTS:
        [(rows,)] = query(warehouse, f"select count(*) from warehouse.{mart}")
        assert rows > 0, mart
    types = dict(
        query(
            warehouse,
            "select table_name || '.' || column_name, data_type from information_schema.columns"
            " where table_schema = 'warehouse'",
        )
    )
    for column in (
        "orders.total",
        "order_items.price",
        "settlements.net",
        "settlement_lines.amount",
        "daily_sales.net",
    ):
        assert types[column] == "numeric", column
    for column in ("orders.purchase_date", "settlements.deposit_date", "inventory.updated_at", "shipments.shipped_at"):
        assert types[column] == "timestamp with time zone", column
    accounts = set(query(warehouse, "select source, account_id from warehouse.accounts"))
    assert accounts == {
        ("shopify", SHOP),
        ("amazon", f"{SELLER}:ATVPDKIKX0DER"),
        ("amazon", f"{SELLER}:A2EUQ1WTGCTBG2"),
    }


def test_orders_hold_the_sandbox_orders_to_the_cent(built, sandbox, warehouse):
    world, _ = sandbox
    shop = world.shopify.shops[SHOP].data
    shopify = [render_order(shop, fact) for fact in shop.live_orders()]
    [(count, revenue)] = query(warehouse, "select count(*), sum(total) from warehouse.orders where source = 'shopify'")
    assert count == len(shopify)
    assert revenue == sum(Decimal(o["totalPriceSet"]["shopMoney"]["amount"]) for o in shopify)

    amazon: dict[str, Decimal] = defaultdict(Decimal)
    for fact in world.amazon.world.seller.orders:
        order = render(fact)
        amazon[order.marketplace.currency] += order.total
    rows = dict(
        query(warehouse, "select currency, sum(total) from warehouse.orders where source = 'amazon' group by 1")
    )
    assert rows == dict(amazon)
    [(amazon_orders,)] = query(warehouse, "select count(*) from warehouse.orders where source = 'amazon'")
    assert amazon_orders == len(world.amazon.world.seller.orders)


def test_settlements_match_the_sandbox_ledgers_to_the_cent(built, sandbox, warehouse):
    world, _ = sandbox
    ledger = world.amazon.world.ledger
    expected = {
        period.settlement_id: ledger.period_total(period) for period in ledger.periods(world.amazon.world.now())
    }
    rows = dict(query(warehouse, "select settlement_id, net from warehouse.settlements where source = 'amazon'"))
    assert rows and set(rows) <= set(expected)
    assert all(rows[sid] == expected[sid] for sid in rows)

    shop = world.shopify.shops[SHOP]
    payouts = shop.entities.ledger
    shopify = dict(query(warehouse, "select settlement_id, net from warehouse.settlements where source = 'shopify'"))
    # Payouts are issued as the sandbox's clock runs: every one issued when it started, perhaps more.
    expected = {str(PAYOUT_ID_BASE + p.number): payouts.net_of(p) for p in payouts.issued(shop.now())}
    at_start = {str(PAYOUT_ID_BASE + p.number) for p in payouts.issued(shop.data.anchor)}
    assert at_start <= set(shopify) <= set(expected)
    assert all(shopify[pid] == expected[pid] for pid in shopify)
    [(unreconciled,)] = query(warehouse, "select count(*) from warehouse.settlements where net <> lines_total")
    assert unreconciled == 0


def test_sources_are_fresh_and_docs_generate(built, meltano_env):
    # The sources this warehouse loaded: dbt's freshness errors on a source never loaded (ShipBob here).
    freshness = meltano(
        meltano_env, "invoke", "dbt-postgres", "source", "freshness", "--select", "source:shopify", "source:amazon"
    )
    for table in ("freshness of amazon.orders", "freshness of amazon.settlements", "freshness of shopify.payouts"):
        assert any(table in line and "PASS" in line for line in freshness.stdout.splitlines()), table
    meltano(meltano_env, "invoke", "dbt-postgres", "docs", "generate")
    catalog = (Path(meltano_env["DBT_TARGET_PATH"]) / "catalog.json").read_text()
    for mart in MARTS:
        assert f'"model.stratus.{mart}"' in catalog, mart


def test_summary_shows_revenue_per_day_per_channel_and_reconciled_settlements(built, warehouse):
    text = summary(warehouse.url())
    assert "Revenue per day and channel" in text
    assert "| shopify " in text and "| amazon " in text
    assert "Settlements" in text
    [(settlements,)] = query(warehouse, "select count(*) from warehouse.settlements")
    assert f"{settlements} of {settlements} settlements reconciled" in text


def test_a_settlement_that_does_not_add_up_fails_the_reconciliation_test(built, sandbox, meltano_env, warehouse):
    """The sandbox serves one settlement report whose total is a cent off its lines; a full
    re-read of Amazon loads it, and dbt's reconciliation test fails on it. A clean re-read
    puts it right."""
    world, _ = sandbox
    world.faults.arm("unbalanced_settlements", "amazon")
    meltano(meltano_env, "run", "--full-refresh", "tap-amazon-spapi", "target-postgres")
    assert world.faults.fired("amazon", "unbalanced_settlements") == 1
    # The hourly run checks the settlements loaded in its window: this one, the hour it is loaded.
    hourly = meltano(meltano_env, "invoke", "dbt-postgres:hourly", check=False)
    assert hourly.returncode != 0
    assert "Failure in test settlement_total_equals_lines" in hourly.stdout, hourly.stdout[-3000:]
    result = meltano(meltano_env, "invoke", "dbt-postgres", "build", check=False)
    assert result.returncode != 0
    failures = [line for line in result.stdout.splitlines() if "FAIL" in line]
    assert any("settlement_total_equals_lines" in line for line in failures), failures
    meltano(meltano_env, "run", "--full-refresh", "tap-amazon-spapi", "target-postgres")
    meltano(meltano_env, "invoke", "dbt-postgres", "build")


def refunded_order(shop, number: int, at: datetime) -> OrderFact:
    """A new order, placed and refunded within the last hours, whose seed gives it a refund."""
    rng = random.Random(number)
    while True:
        fact = OrderFact(
            number=1000 + number,
            legacy_id=LEGACY_ID_BASE + number,
            created_at=at - timedelta(hours=3),
            updated_at=at,
            seed=rng.getrandbits(48),
        )
        order = render_order_activity(shop, fact)
        if order["refunds"] and not order["cancelledAt"]:
            return fact


def test_an_incremental_run_gives_the_marts_a_full_rebuild_gives(built, sandbox, meltano_env, warehouse):
    world, _ = sandbox
    shop = world.shopify.shops[SHOP].data
    # After the first run's bookmarks: changes the next run must pick up.
    now = datetime.now(UTC).replace(microsecond=0)
    # New orders, one of them refunded; an order edited; an order deleted.
    first_new = len(shop.orders) + 1
    shop.orders.append(refunded_order(shop, first_new, now))
    for number in range(first_new + 1, first_new + 4):
        shop.orders.append(
            replace(shop.orders[-1], number=1000 + number, legacy_id=LEGACY_ID_BASE + number, seed=number)
        )
    edited = shop.live_orders()[1]
    shop.touch_order(edited.legacy_id, now)
    # The order deleted is shipped and the only Shopify sale of its day: its shipment rows and its
    # day's daily_sales row must go, as a rebuild would not give them.
    [(victim_id, victim_day)] = query(
        warehouse,
        "select min(o.order_id), o.sales_date from (select order_id, cast(purchase_date at time zone 'UTC' as date)"
        " as sales_date from warehouse.orders where source = 'shopify' and order_id <> %s"
        " and not is_cancelled and not is_test and not is_replacement) as o"
        " where exists (select 1 from warehouse.shipments as s where s.source = 'shopify' and s.order_id = o.order_id)"
        " group by o.sales_date having count(*) = 1 order by o.sales_date limit 1",
        (str(edited.legacy_id),),
    )
    victim_rows = (
        "select (select count(*) from warehouse.shipments where source = 'shopify' and order_id = %s),"
        " (select count(*) from warehouse.daily_sales where source = 'shopify' and sales_date = %s)"
    )
    [(shipped, day_rows)] = query(warehouse, victim_rows, (victim_id, victim_day))
    assert shipped > 0 and day_rows == 1
    victim = next(o for o in shop.live_orders() if str(o.legacy_id) == victim_id)
    shop.delete("ORDER", gid("Order", victim.legacy_id), now)
    before = fingerprints(warehouse, REBUILT_MARTS)
    [(snapshots,)] = query(warehouse, "select count(*) from warehouse.inventory_snapshots")

    meltano(meltano_env, *HOURLY)
    incremental = fingerprints(warehouse, REBUILT_MARTS)
    new_ids = [str(LEGACY_ID_BASE + n) for n in range(first_new, first_new + 4)]
    assert query(warehouse, "select count(*) from warehouse.orders where order_id = any(%s)", (new_ids,)) == [(4,)]
    [(refunded,)] = query(warehouse, "select refunded from warehouse.orders where order_id = %s", (new_ids[0],))
    assert refunded > 0
    assert query(warehouse, "select count(*) from warehouse.orders where order_id = %s", (str(victim.legacy_id),)) == [
        (0,)
    ]
    assert query(warehouse, victim_rows, (victim_id, victim_day)) == [(0, 0)]
    [(updated_at,)] = query(
        warehouse, "select updated_at from warehouse.orders where order_id = %s", (str(edited.legacy_id),)
    )
    assert updated_at == now
    assert incremental["orders"] != before["orders"] and incremental["daily_sales"] != before["daily_sales"]

    meltano(meltano_env, "invoke", "dbt-postgres", "build", "--full-refresh")
    assert fingerprints(warehouse, REBUILT_MARTS) == incremental
    # The snapshot history survives a full rebuild.
    assert query(warehouse, "select count(*) from warehouse.inventory_snapshots") == [(snapshots,)]


def test_hourly_runs_past_the_lookback_give_the_marts_a_full_rebuild_gives(built, sandbox, meltano_env, warehouse):
    """Everything loaded days ago, past the marts' 2-hour lookback (as after a backfill): the
    first hourly run moves the marts' newest load to now, the second recomputes only the orders
    changed since (an old order edited, an old order deleted, a new order refunded), and the marts
    equal a full rebuild's."""
    world, _ = sandbox
    shop = world.shopify.shops[SHOP].data
    for schema in ("raw_shopify", "raw_amazon"):
        tables = query(warehouse, "select table_name from information_schema.tables where table_schema = %s", (schema,))
        for (table,) in tables:
            query(warehouse, f"update {schema}.{table} set _sdc_batched_at = _sdc_batched_at - interval '4 days'")
    meltano(meltano_env, "invoke", "dbt-postgres", "build", "--full-refresh")

    # An hour with nothing loaded: the hourly tests read none of the rows loaded days ago. Their
    # window starts before the mart's previous read (the build's), not before its newest row, which
    # would take in the last load whole.
    meltano(meltano_env, "invoke", "dbt-postgres", "build", "--selector", "hourly")
    results = json.loads((Path(meltano_env["DBT_TARGET_PATH"]) / "run_results.json").read_text())["results"]
    [tested] = [r["compiled_code"] for r in results if ".not_null_settlement_lines_account_id." in r["unique_id"]]
    window = re.search(r"from \((select \* from .*?)\) dbt_subquery", tested, re.DOTALL)
    assert window, tested
    assert query(warehouse, "select count(*) from warehouse.settlement_lines")[0][0] > 0
    assert query(warehouse, f"select count(*) from ({window.group(1)}) as tested")[0][0] == 0

    now = datetime.now(UTC).replace(microsecond=0)
    shop.touch_order(shop.live_orders()[3].legacy_id, now)
    meltano(meltano_env, *HOURLY)
    # The settlements loaded days ago are not read again: a mart's window starts from when it last
    # read (the full build), not from its newest row, which no settlement since has moved on.
    compiled = ran_model(meltano_env, "settlement_lines")["compiled_code"]
    bounds = [datetime.fromisoformat(b) for b in re.findall(r"cast\('([0-9-]+ [0-9:.]+)' as timestamp\)", compiled)]
    assert bounds and all(b > now.replace(tzinfo=None) - timedelta(hours=3) for b in bounds), compiled

    now = datetime.now(UTC).replace(microsecond=0)
    old = shop.live_orders()[4]
    shop.touch_order(old.legacy_id, now)
    # Its sales leave its day in daily_sales, a day no other change touches: the day is found from
    # the raw row the deletion kept.
    deleted = next(
        o
        for o in shop.live_orders()
        if abs((o.created_at - old.created_at).days) > 2 and o.created_at < now - timedelta(days=3)
    )
    shop.delete("ORDER", gid("Order", deleted.legacy_id), now)
    new = refunded_order(shop, len(shop.orders) + 1, now)
    shop.orders.append(new)
    meltano(meltano_env, *HOURLY)
    hourly = fingerprints(warehouse, REBUILT_MARTS)
    [(updated_at,)] = query(
        warehouse, "select updated_at from warehouse.orders where order_id = %s", (str(old.legacy_id),)
    )
    assert updated_at == now
    [(refunded,)] = query(warehouse, "select refunded from warehouse.orders where order_id = %s", (str(new.legacy_id),))
    assert refunded > 0
    assert query(warehouse, "select count(*) from warehouse.orders where order_id = %s", (str(deleted.legacy_id),)) == [
        (0,)
    ]
    # The second run's window started after every row loaded days ago: it read the changes alone.
    [(window_start, aged)] = query(
        warehouse,
        "select max(_loaded_at) - interval '2 hours', max(_loaded_at) filter "
        "(where _loaded_at < now() at time zone 'UTC' - interval '3 days') from warehouse.orders where source = 'shopify'",
    )
    assert aged is not None and window_start > aged

    meltano(meltano_env, "invoke", "dbt-postgres", "build", "--full-refresh")
    assert fingerprints(warehouse, REBUILT_MARTS) == hourly

    # More orders changed than changed_orders_limit (as after a backfill): the incremental run
    # recomputes every order and merges it, and gives the rows a full rebuild gives.
    for schema in ("raw_shopify", "raw_amazon"):
        query(warehouse, f"update {schema}.orders set _sdc_batched_at = now() at time zone 'UTC'")
    order_marts = ("orders", "order_items")
    meltano(
        meltano_env, "invoke", "dbt-postgres", "run", "--select", *order_marts, "--vars", "{changed_orders_limit: 1}"
    )
    every_order = fingerprints(warehouse, order_marts)
    results = json.loads((Path(meltano_env["DBT_TARGET_PATH"]) / "run_results.json").read_text())["results"]
    for result in results:  # both took the path over every order, not the changed ids
        assert "changed_orders" not in result["compiled_code"], result["unique_id"]
    assert every_order != {mart: hourly[mart] for mart in order_marts}  # the run did merge the new load times
    meltano(meltano_env, "invoke", "dbt-postgres", "run", "--select", *order_marts, "--full-refresh")
    assert fingerprints(warehouse, order_marts) == every_order


def bad_order_row(warehouse, loaded_at: str) -> None:
    """A row in the orders mart with no order id, loaded at `loaded_at` (SQL)."""
    query(
        warehouse,
        "create temp table bad as select * from warehouse.orders limit 1;"
        f" update bad set order_key = 'bad-row', order_id = null, _loaded_at = {loaded_at};"
        " insert into warehouse.orders select * from bad",
    )


def test_the_hourly_run_tests_the_rows_of_its_window_and_the_daily_build_every_row(built, meltano_env, warehouse):
    """The hourly run's tests of an incremental mart read the rows loaded within its lookback
    window: a bad row there fails it; the same row loaded days before is left to the daily build."""
    failure = "Failure in test not_null_orders_order_id"
    try:
        bad_order_row(warehouse, "now()")
        hourly = meltano(meltano_env, "invoke", "dbt-postgres:hourly", check=False)
        assert hourly.returncode != 0 and failure in hourly.stdout + hourly.stderr

        query(warehouse, "delete from warehouse.orders where order_key = 'bad-row'")
        bad_order_row(warehouse, "now() - interval '10 days'")
        hourly = meltano(meltano_env, "invoke", "dbt-postgres:hourly", check=False)
        assert failure not in hourly.stdout + hourly.stderr
        daily = meltano(meltano_env, "invoke", "dbt-postgres:build", check=False)
        assert daily.returncode != 0 and failure in daily.stdout + daily.stderr
    finally:
        query(warehouse, "delete from warehouse.orders where order_key = 'bad-row'")


def ran_node(meltano_env, unique_id: str) -> dict:
    """dbt's result for a node in its last command (run_results.json): status, compiled SQL."""
    results = json.loads((Path(meltano_env["DBT_TARGET_PATH"]) / "run_results.json").read_text())["results"]
    [result] = [r for r in results if r["unique_id"] == unique_id]
    return result


def ran_test(meltano_env, test: str) -> dict:
    return ran_node(meltano_env, f"test.stratus.{test}")


def ran_model(meltano_env, model: str) -> dict:
    return ran_node(meltano_env, f"model.stratus.{model}")


def test_the_hourly_reconciliations_check_the_orders_of_their_window_and_the_daily_build_every_order(
    built, meltano_env, warehouse
):
    """An order a cent off its items + shipping + tax - discounts: loaded now, the hourly run's
    order_total_reconciles fails on it; loaded days before the window, the hourly run does not
    read it (the test passes, its SQL filtered to the window) and the daily build fails on it."""
    failure = "Failure in test order_total_reconciles"
    try:
        for loaded_at in ("now()", "now() - interval '10 days'"):
            query(
                warehouse,
                "create temp table bad as select * from warehouse.orders where source = 'shopify' limit 1;"
                " update bad set order_key = 'bad-total', order_id = 'bad-total',"
                f" total = shipping + tax - discounts + 0.01, _loaded_at = {loaded_at};"
                " delete from warehouse.orders where order_key = 'bad-total';"
                " insert into warehouse.orders select * from bad",
            )
            hourly = meltano(meltano_env, "invoke", "dbt-postgres:hourly", check=False)
            ran = ran_test(meltano_env, "order_total_reconciles")
            # The hourly SQL reads the orders touched in the window of each mart it compares: from
            # the mart's previous read, or its newest row before it has one.
            for mart in ("orders", "order_items"):
                window = (
                    rf"_loaded_at > coalesce\(\(select previous_read_at from \S+ where model = '{mart}'\)"
                    rf" - interval '2 hours', \(select max\(_loaded_at\) from \S+\.\"{mart}\"\) - interval '2 hours'\)"
                )
                assert re.search(window, ran["compiled_code"]), ran["compiled_code"]
            if loaded_at == "now()":
                assert hourly.returncode != 0 and failure in hourly.stdout, hourly.stdout[-3000:]
            else:
                assert ran["status"] == "pass", hourly.stdout[-3000:]
        daily = meltano(meltano_env, "invoke", "dbt-postgres:build", check=False)
        assert daily.returncode != 0 and failure in daily.stdout, daily.stdout[-3000:]
        assert "_loaded_at >" not in ran_test(meltano_env, "order_total_reconciles")["compiled_code"]
    finally:
        query(warehouse, "delete from warehouse.orders where order_key = 'bad-total'")


def test_a_settlement_loaded_before_the_window_is_left_to_the_daily_build(built, meltano_env, warehouse):
    """A settlement whose header and lines were all loaded days before the window, one line a cent
    off: the hourly run's settlement_total_equals_lines does not read it, the daily build fails on it.
    A settlement is compared whole: while any of it is in the window, every line of it is read."""
    [(settlement_id, key)] = query(
        warehouse,
        "select settlement_id, settlement_key from warehouse.settlements where source = 'amazon'"
        " order by settlement_id limit 1",
    )
    failure = "Failure in test settlement_total_equals_lines"
    aged = "_sdc_batched_at = _sdc_batched_at - interval '10 days' where settlement_id = %s"
    query(warehouse, f"update raw_amazon.settlements set {aged}", (settlement_id,))
    query(warehouse, f"update raw_amazon.settlement_lines set {aged}", (settlement_id,))
    query(
        warehouse,
        "update warehouse.settlement_lines set _loaded_at = _loaded_at - interval '10 days' where settlement_key = %s",
        (key,),
    )
    off_a_cent = "update warehouse.settlement_lines set amount = amount + %s where settlement_line_key ="
    off_a_cent += " (select min(settlement_line_key) from warehouse.settlement_lines where settlement_key = %s)"
    try:
        query(warehouse, off_a_cent, (Decimal("0.01"), key))
        hourly = meltano(meltano_env, "invoke", "dbt-postgres:hourly", check=False)
        assert ran_test(meltano_env, "settlement_total_equals_lines")["status"] == "pass", hourly.stdout[-3000:]
        daily = meltano(meltano_env, "invoke", "dbt-postgres:build", check=False)
        assert daily.returncode != 0 and failure in daily.stdout, daily.stdout[-3000:]
        # One of its lines loaded now (re-delivered): the hourly run reads the whole settlement.
        query(
            warehouse,
            "update warehouse.settlement_lines set _loaded_at = now() where settlement_line_key ="
            " (select max(settlement_line_key) from warehouse.settlement_lines where settlement_key = %s)",
            (key,),
        )
        hourly = meltano(meltano_env, "invoke", "dbt-postgres:hourly", check=False)
        assert hourly.returncode != 0 and failure in hourly.stdout, hourly.stdout[-3000:]
    finally:
        query(warehouse, off_a_cent, (Decimal("-0.01"), key))
