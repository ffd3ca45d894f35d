"""Shopify test orders (`test: true`) through Meltano, the loader and `dbt build` (every test
green): kept and flagged in the marts that carry orders, and no sales: daily_sales and sku_daily
equal the sandbox's other orders to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import meltano, pipeline_env, query
from sandbox.server import Sandbox, SandboxOptions, running
from sandbox.shopify.order_activity import amount, render_order_activity

pytestmark = pytest.mark.pipeline

SHOP = "stratus-demo.myshopify.com"


@pytest.fixture(scope="module")
def sandbox():
    world = Sandbox(SandboxOptions(shopify_orders=120, days=20, time_scale=500, shopify_test_orders=0.15))
    with running(world) as url:
        yield world, url


@pytest.fixture(scope="module")
def built(sandbox, warehouse, tmp_path_factory):
    env = pipeline_env(sandbox[1], warehouse, tmp_path_factory.mktemp("meltano"), amazon_days=3650)
    meltano(env, "run", "tap-shopify", "target-postgres", "dbt-postgres:build")


@pytest.fixture(scope="module")
def orders(sandbox):
    """Every live order of the shop, rendered with its refunds."""
    data = sandbox[0].shopify.shops[SHOP].data
    return [(fact, render_order_activity(data, fact)) for fact in data.live_orders()]


def test_test_orders_are_in_the_marts_flagged(built, orders, warehouse):
    tests = {str(fact.legacy_id) for fact, _ in orders if fact.test}
    assert tests and len(tests) < len(orders)
    flagged = dict(query(warehouse, "select order_id, is_test from warehouse.orders where source = 'shopify'"))
    assert flagged == {str(fact.legacy_id): fact.test for fact, _ in orders}
    items = query(
        warehouse, "select order_id, bool_and(is_test), bool_or(is_test) from warehouse.order_items group by 1"
    )
    assert {oid for oid, every, some in items if some} == tests
    assert all(every == some for _, every, some in items)
    # A test order's payment went through the test gateway: it is in no payout.
    [(paid,)] = query(
        warehouse,
        "select count(*) from warehouse.settlement_lines lines join warehouse.orders using (order_key)"
        " where orders.is_test",
    )
    assert paid == 0


def test_sales_figures_are_the_other_orders_to_the_cent(built, orders, warehouse):
    sales = [o for fact, o in orders if not fact.test and not o["cancelledAt"]]
    gross = sum((amount(o["subtotalPriceSet"]) + amount(o["totalDiscountsSet"]) for o in sales), Decimal(0))
    discounts = sum((amount(o["totalDiscountsSet"]) for o in sales), Decimal(0))
    refunds = sum((amount(o["totalRefundedSet"]) for o in sales), Decimal(0))
    lines = [li for o in sales for li in o["lineItems"]]
    [daily] = query(
        warehouse,
        "select sum(orders), sum(units), sum(gross), sum(discounts), sum(refunds), sum(net)"
        " from warehouse.daily_sales where source = 'shopify'",
    )
    assert daily == (
        len(sales),
        sum(li["quantity"] for li in lines),
        gross,
        discounts,
        refunds,
        gross - discounts - refunds,
    )
    [sku_daily] = query(warehouse, "select sum(shopify_units), sum(shopify_revenue) from warehouse.sku_daily")
    assert sku_daily == (
        sum(li["quantity"] for li in lines),
        sum((amount(li["discountedTotalSet"]) for li in lines), Decimal(0)),
    )
    # With the test orders, the figures would be larger: they were really left out.
    [(test_net,)] = query(warehouse, "select sum(net_sales) from warehouse.orders where is_test and not is_cancelled")
    assert test_net > 0
