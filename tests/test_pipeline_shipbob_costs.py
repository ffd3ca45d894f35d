"""What fulfilment cost, per order and per SKU and day: Shopify and ShipBob into a real Postgres
(the embedded server), `dbt build`, and the marts checked against the sandbox's own invoices; an
invoice arriving after its shipments reaching the marts in an incremental run; the
reconciliations (every shipment matching a Shopify fulfillment) failing on a broken world."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import pytest

from conftest import ROOT, meltano, pipeline_env, query
from sandbox.faults import Fault, post_faults
from sandbox.server import Sandbox, SandboxOptions, running
from sandbox.shipbob.api import ShipBobAPI

pytestmark = pytest.mark.pipeline

SHOP = "stratus-demo.myshopify.com"
CENT = Decimal("0.01")
MARTS = ("orders", "sku_daily")


@pytest.fixture(scope="module")
def sandbox():
    world = Sandbox(SandboxOptions(shops=(SHOP,), shopify_orders=60, amazon_orders=5, days=40, time_scale=600))
    with running(world) as url:
        yield world, url


@pytest.fixture(scope="module")
def meltano_env(sandbox, warehouse, tmp_path_factory):
    return pipeline_env(sandbox[1], warehouse, tmp_path_factory.mktemp("meltano"), amazon_days=45)


def shipbob(world: Sandbox) -> ShipBobAPI:
    assert world.shipbob is not None
    return world.shipbob


@pytest.fixture(scope="module")
def built(sandbox, meltano_env):
    """Shopify and ShipBob loaded, every model built and every test passed, while ShipBob has not
    issued its newest shipping invoice yet; that invoice's id, and dbt's output."""
    world, _ = sandbox
    billing = shipbob(world).billing
    held = max((i for i, invoice in billing.invoices().items() if invoice.invoice_type == "Shipping"))
    billing.held.add(held)
    run = meltano(
        meltano_env, "run", "tap-shopify", "target-postgres", "tap-shipbob", "target-postgres", "dbt-postgres:build"
    )
    return held, run.stdout + run.stderr


def charges(world: Sandbox):
    """Every fee line ShipBob has issued, from the sandbox's billing."""
    billing = shipbob(world).billing
    for invoice in billing.issued().values():
        yield from billing.charges(invoice)


def order_costs(world: Sandbox) -> dict[str, Decimal]:
    """Fulfilment cost per Shopify order id, from the issued invoices."""
    api = shipbob(world)
    out: dict[str, Decimal] = defaultdict(Decimal)
    for charge in charges(world):
        if charge.order_id is not None:
            order = api.world.order(charge.order_id)
            assert order is not None
            out[order.reference_id] += charge.amount
    return dict(out)


def sku_day_costs(world: Sandbox) -> dict[tuple[str, str], Decimal]:
    """Fulfilment cost per (day, SKU): each shipment's and return's fee line spread over its SKUs
    by quantity, truncated to the cent, the leftover cents on the SKU of most units (then first)."""
    api = shipbob(world)
    out: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for charge in charges(world):
        if charge.reference_type == "Shipment":
            shipment = api.world.shipment(int(charge.reference_id))
            assert shipment is not None
            lines = shipment.lines
        elif charge.reference_type == "Return":
            found = api.world.return_(int(charge.reference_id))
            assert found is not None
            lines = found.lines
        else:
            continue
        units: dict[str, int] = defaultdict(int)
        for item, quantity in lines:
            units[item.sku] += quantity
        total = sum(units.values())
        shares = {sku: (charge.amount * q / total).quantize(CENT, rounding=ROUND_DOWN) for sku, q in units.items()}
        first = min(units, key=lambda sku: (-units[sku], sku))
        shares[first] += charge.amount - sum(shares.values())
        day = charge.charged.astimezone(UTC).strftime("%Y-%m-%d")
        for sku, share in shares.items():
            out[(day, sku)] += share
    return dict(out)


def warehouse_order_costs(warehouse) -> dict[str, tuple[Decimal | None, str | None]]:
    return {
        order_id: (cost, currency)
        for order_id, cost, currency in query(
            warehouse,
            "select order_id, fulfillment_cost, fulfillment_cost_currency from warehouse.orders"
            " where source = 'shopify' and account_id = %s",
            (SHOP,),
        )
    }


def warehouse_sku_day_costs(warehouse) -> dict[tuple[str, str], Decimal]:
    rows = query(
        warehouse,
        "select to_char(sales_date, 'YYYY-MM-DD'), sku, currency, fulfillment_cost from warehouse.sku_daily"
        " where fulfillment_cost is not null",
    )
    assert {currency for *_, currency, _ in rows} == {"USD"}
    return {(day, sku): cost for day, sku, _, cost in rows}


def expected_orders(world: Sandbox, order_ids) -> dict[str, tuple[Decimal | None, str | None]]:
    costs = order_costs(world)
    return {o: (costs[o], "USD") if o in costs else (None, None) for o in order_ids}


def invoiced_orders(world: Sandbox, invoice_id: int) -> set[str]:
    """The Shopify order ids with a fee line on an invoice."""
    api = shipbob(world)
    orders = (api.world.order(o) for o in api.billing.invoices()[invoice_id].order_ids)
    return {order.reference_id for order in orders if order is not None}


def fingerprints(warehouse, marts=MARTS):
    return {
        mart: query(
            warehouse, f"select count(*), md5(string_agg(t::text, '|' order by t::text)) from warehouse.{mart} t"
        )
        for mart in marts
    }


def test_orders_carry_what_fulfilling_them_cost_to_the_cent(built, sandbox, warehouse):
    world, _ = sandbox
    found = warehouse_order_costs(warehouse)
    assert found == expected_orders(world, found)
    [(kind,)] = query(
        warehouse,
        "select data_type from information_schema.columns"
        " where table_schema = 'warehouse' and table_name = 'orders' and column_name = 'fulfillment_cost'",
    )
    assert kind == "numeric"
    costs = [cost for cost, _ in found.values()]
    assert any(cost is None for cost in costs) and any(cost for cost in costs)
    # Amazon's orders are not fulfilled by ShipBob: no cost known.
    assert query(warehouse, "select count(fulfillment_cost) from warehouse.orders where source = 'amazon'") == [(0,)]
    # Orders shipped in the week of the invoice not issued yet have no cost known yet.
    held, _ = built
    assert any(found[o] == (None, None) for o in invoiced_orders(world, held))


def test_sku_daily_spreads_each_shipments_cost_over_its_skus_to_the_cent(built, sandbox, warehouse):
    world, _ = sandbox
    assert warehouse_sku_day_costs(warehouse) == sku_day_costs(world)
    # Per shipment, the SKU shares add back to its fee lines exactly, multi-SKU shipments included.
    rows = query(
        warehouse,
        "select s.reference_id, count(distinct s.sku), sum(s.amount),"
        " (select sum(c.amount) from warehouse.fulfillment_costs c"
        "   where c.reference_type = 'Shipment' and c.reference_id = s.reference_id)"
        " from intermediate.int_fulfillment_costs__allocated s where s.reference_type = 'Shipment'"
        " group by s.reference_id",
    )
    assert rows and any(skus > 1 for _, skus, _, _ in rows)
    assert [(shipment, shares) for shipment, _, shares, lines in rows if shares != lines] == []


def test_the_reconciliations_ran_and_passed_on_the_pipeline(built):
    _, output = built
    for test in (
        "shipbob_invoice_equals_transactions",
        "shipbob_shipments_match_shopify_fulfillments",
        "orders_fulfillment_cost_equals_fee_lines",
        "fulfillment_cost_allocations_equal_fee_lines",
    ):
        assert re.search(rf"PASS {test}\b", output), test


def test_source_freshness_checks_the_connected_sources_alone(built, meltano_env):
    # Amazon and FreeAgent were never loaded here: dbt's freshness query fails on their tables...
    every = meltano(meltano_env, "invoke", "dbt-postgres", "source", "freshness", check=False)
    assert every.returncode != 0
    assert re.search(r"ERROR.* freshness of amazon\.", every.stdout), every.stdout[-3000:]
    # ...unless the warehouse says which sources it loads.
    connected = meltano(
        meltano_env,
        "invoke",
        "dbt-postgres",
        "source",
        "freshness",
        "--vars",
        "{connected_sources: [shopify, shipbob]}",
    ).stdout
    assert re.search(r"PASS freshness of shipbob\.invoices", connected), connected[-3000:]
    assert re.search(r"PASS freshness of shopify\.orders", connected), connected[-3000:]
    assert not re.search(r"freshness of (amazon|freeagent)\.", connected), connected[-3000:]


def test_the_demos_fulfillment_cost_table_reads_the_marts(built, sandbox, warehouse):
    makefile = (ROOT / "Makefile").read_text()
    [sql] = re.findall(r"^export FULFILLMENT_COST := (.+)$", makefile, re.M)
    [(currency, invoices, shipping, returns, receiving, storage, total, orders, per_order)] = query(warehouse, sql)
    world, _ = sandbox
    issued = shipbob(world).billing.issued()
    assert (currency, invoices) == ("USD", len(issued))
    assert total == sum(invoice.amount for invoice in issued.values()) == shipping + returns + receiving + storage
    costs = order_costs(world)
    assert orders == len(costs) and per_order == (sum(costs.values()) / len(costs)).quantize(CENT, ROUND_HALF_UP)


def test_an_invoice_issued_after_its_shipments_reaches_the_marts_in_an_incremental_run(
    built, sandbox, meltano_env, warehouse
):
    """Everything loaded days ago, past the marts' lookback; a Shopify order edited now (the
    marts' newest load is now); then the held invoice is issued and read: the hourly run merges
    its cost into the orders (whose own rows are days old) and the days it charged."""
    world, _ = sandbox
    held, _ = built
    api = shipbob(world)
    for schema in ("raw_shopify", "raw_shipbob"):
        for (table,) in query(
            warehouse, "select table_name from information_schema.tables where table_schema = %s", (schema,)
        ):
            query(warehouse, f"update {schema}.{table} set _sdc_batched_at = _sdc_batched_at - interval '4 days'")
    meltano(meltano_env, "invoke", "dbt-postgres", "run", "--full-refresh")
    shop = world.shopify.shops[SHOP].data
    shop.touch_order(shop.live_orders()[2].legacy_id, datetime.now(UTC).replace(microsecond=0))
    meltano(meltano_env, "run", "tap-shopify", "target-postgres", "dbt-postgres:hourly")
    waiting = invoiced_orders(world, held)
    before = warehouse_order_costs(warehouse)

    api.billing.held.clear()
    assert any(before[o] != cost for o, cost in expected_orders(world, waiting).items())
    env = {**meltano_env, "TAP_SHIPBOB_LOOKBACK_WINDOW_DAYS": "14"}  # the invoice is dated days ago
    meltano(env, "run", "tap-shipbob", "target-postgres", "dbt-postgres:hourly")
    found = warehouse_order_costs(warehouse)
    assert found == expected_orders(world, found)
    assert warehouse_sku_day_costs(warehouse) == sku_day_costs(world)
    # Those orders' own rows were loaded before the window: their fee lines alone brought them in.
    [(window_start, newest_order_load)] = query(
        warehouse,
        "select (select max(_loaded_at) from warehouse.orders where source = 'shopify') - interval '2 hours',"
        " (select max(_loaded_at) from staging.stg_shopify__orders where order_id = any(%s))",
        (sorted(waiting),),
    )
    assert newest_order_load < window_start

    incremental = fingerprints(warehouse)
    meltano(meltano_env, "invoke", "dbt-postgres", "run", "--full-refresh")
    assert fingerprints(warehouse) == incremental


def test_a_shipment_a_unit_off_its_shopify_fulfillment_fails_the_reconciliation(built, sandbox, meltano_env, warehouse):
    reconcile = (
        "invoke",
        "dbt-postgres",
        "build",
        "--select",
        "shipments",
        "shipbob_shipments_match_shopify_fulfillments",
    )
    meltano(meltano_env, *reconcile)  # as served, every shipment matches
    world, url = sandbox
    post_faults(url, Fault("miscounted_shipments", "shipbob"))
    meltano(meltano_env, "run", "--full-refresh", "tap-shipbob", "target-postgres")
    # The hourly run checks the orders whose shipments were loaded in its window: this one.
    hourly = meltano(meltano_env, "invoke", "dbt-postgres:hourly", check=False)
    assert hourly.returncode != 0
    assert "Failure in test shipbob_shipments_match_shopify_fulfillments" in hourly.stdout, hourly.stdout[-3000:]
    failed = meltano(meltano_env, *reconcile, check=False)
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert re.search(r"Failure in test shipbob_shipments_match_shopify_fulfillments", output), output[-3000:]
    assert "Got 1 result" in output, output[-3000:]
    [miscounted] = shipbob(world).faults.status()["miscounted_shipment_ids"]
    shipment = shipbob(world).world.shipment(miscounted)
    assert shipment is not None
    [(loaded,)] = query(
        warehouse, "select sum(quantity) from raw_shipbob.shipment_products where shipment_id = %s", (miscounted,)
    )
    assert loaded == shipment.units + 1
