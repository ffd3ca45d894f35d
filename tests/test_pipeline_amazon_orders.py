"""Ordinary Amazon orders that real sellers have and the sandbox's default data lacks, through
Meltano, the loader and `dbt build` (every test green): cancelled orders whose report rows carry
no currency, Multi-Channel Fulfillment orders of a seller with two marketplaces, searchOrders
items without proceeds, replacement orders, business orders at a business price, orders given
away (zero value) and orders pending payment for days, in two marketplaces and two currencies.
Each order's mart row is asserted to the cent."""

from __future__ import annotations

from collections import Counter
from datetime import UTC
from decimal import Decimal

import pytest

from conftest import meltano, pipeline_env, query
from sandbox.amazon.data import OrderShapes, render
from sandbox.server import Sandbox, SandboxOptions, present_anchor, running

pytestmark = pytest.mark.pipeline

SELLER = "A2STRATUSDEMO01"


@pytest.fixture(scope="module")
def sandbox():
    shapes = OrderShapes(
        unpriced_cancellations=1.0,
        multi_channel=0.2,
        no_proceeds=0.5,
        replacements=0.1,
        business_prices=0.1,
        zero_value=0.1,
        slow_payments=0.2,
    )
    world = Sandbox(
        SandboxOptions(amazon_orders=150, days=10, time_scale=600, amazon_shapes=shapes, anchor=present_anchor())
    )
    with running(world) as url:
        yield world, url


@pytest.fixture(scope="module")
def built(sandbox, warehouse, tmp_path_factory):
    env = pipeline_env(sandbox[1], warehouse, tmp_path_factory.mktemp("meltano"), amazon_days=12)
    meltano(env, "run", "tap-amazon-spapi", "target-postgres", "dbt-postgres:build")


def expected_row(fact, path: str) -> tuple[str, str, Decimal, bool]:
    """(account, currency, total, total_derived) the marts must show for one order."""
    order = render(fact)
    mcf = "multi_channel" in fact.shapes
    account = f"{SELLER}:{'NON_AMAZON' if mcf else fact.marketplace_id}"
    if path == "report":
        unpriced = fact.status == "Pending" or (fact.status == "Canceled" and "unpriced_cancellations" in fact.shapes)
        currency = "XXX" if unpriced and mcf else order.marketplace.currency
        return account, currency, Decimal("0.00") if unpriced else order.total, False
    if fact.status == "Pending" or "no_proceeds" in fact.shapes:
        return account, order.marketplace.currency, sum((li.principal for li in order.lines), Decimal("0.00")), True
    return account, order.marketplace.currency, order.total, False


def expected_flags(fact, path: str) -> tuple[bool, str | None, bool]:
    """(is_replacement, replaced_order_id, is_business): only searchOrders says an order replaces another."""
    replaced = fact.replaced_order_id if path == "api" else None
    return replaced is not None, replaced, render(fact).business


def is_sale(fact, path: str) -> bool:
    """Whether an order counts in daily_sales and sku_daily (the rule in the orders mart's docs)."""
    return fact.status != "Canceled" and not expected_flags(fact, path)[0]


def test_every_order_builds_green_with_a_defined_account_currency_and_exact_total(built, sandbox, warehouse):
    world, _ = sandbox
    paths = dict(query(warehouse, "select amazon_order_id, source from raw_amazon.orders"))
    facts = world.amazon.world.seller.orders
    expected = {fact.order_id: expected_row(fact, paths[fact.order_id]) for fact in facts}
    rows = {
        oid: (account, currency, total, derived)
        for oid, account, currency, total, derived in query(
            warehouse,
            "select order_id, account_id, currency, total, total_derived from warehouse.orders where source = 'amazon'",
        )
    }
    assert rows == expected
    # Every shape reached the marts by the path that shows it.
    cancelled = [f for f in facts if f.status == "Canceled" and paths[f.order_id] == "report"]
    assert cancelled and all(rows[f.order_id][2] == 0 for f in cancelled)
    assert any(rows[f.order_id][0].endswith(":NON_AMAZON") for f in facts)
    assert any(rows[f.order_id][3] for f in facts if f.status != "Pending")
    [(accounts,)] = query(
        warehouse,
        "select count(*) from warehouse.accounts where account_id = %s and currency = 'XXX'",
        (f"{SELLER}:NON_AMAZON",),
    )
    assert accounts == 1


def test_an_item_without_proceeds_gets_no_invented_discount(built, warehouse):
    rows = query(
        warehouse,
        "select gross, discount, shipping, tax, total, price * qty from warehouse.order_items"
        " where source = 'amazon' and total_derived",
    )
    assert rows and all(
        discount == shipping == tax == 0 and total == gross == priced
        for gross, discount, shipping, tax, total, priced in rows
    )


def test_replacement_business_zero_value_and_pending_orders_are_flagged_to_the_cent(built, sandbox, warehouse):
    world, _ = sandbox
    paths = dict(query(warehouse, "select amazon_order_id, source from raw_amazon.orders"))
    facts = world.amazon.world.seller.orders
    rows = {
        oid: (replacement, replaced, business)
        for oid, replacement, replaced, business in query(
            warehouse,
            "select order_id, is_replacement, replaced_order_id, is_business from warehouse.orders"
            " where source = 'amazon'",
        )
    }
    assert rows == {f.order_id: expected_flags(f, paths[f.order_id]) for f in facts}
    # Every shape is there, replacements by both paths (the report cannot say, searchOrders does).
    replacements = [f for f in facts if f.replaced_order_id]
    assert {paths[f.order_id] for f in replacements} == {"report", "api"}
    assert all(f.replaced_order_id in paths and render(f).total == 0 for f in replacements)
    assert any("zero_value" in f.shapes and f.status == "Shipped" for f in facts)
    pending = [f for f in facts if f.status == "Pending"]
    assert {paths[f.order_id] for f in pending} == {"report", "api"}
    # A business price reaches the line, designated, at the price the buyer paid.
    lines = {
        (oid, sku): (price, designation)
        for oid, sku, price, designation in query(
            warehouse,
            "select order_id, sku, price, price_designation from warehouse.order_items where source = 'amazon'",
        )
    }
    business = [f for f in facts if "business_prices" in f.shapes and f.status in ("Unshipped", "Shipped")]
    assert business
    for fact in business:
        for li in render(fact).lines:
            assert lines[fact.order_id, li.item.sku] == (li.unit_price, "BUSINESS_PRICE")
    designated = {f.order_id for f in facts if "business_prices" in f.shapes}
    assert {oid for (oid, _), (_, d) in lines.items() if d == "BUSINESS_PRICE"} == designated
    assert all(d is None for (oid, _), (_, d) in lines.items() if oid not in designated)


def test_daily_sales_count_units_once_in_each_currency(built, sandbox, warehouse):
    """A replacement's units are the replaced order's, sold once; the two marketplaces keep their currencies."""
    world, _ = sandbox
    paths = dict(query(warehouse, "select amazon_order_id, source from raw_amazon.orders"))
    expected: Counter[tuple[object, str, str]] = Counter()
    for fact in world.amazon.world.seller.orders:
        if is_sale(fact, paths[fact.order_id]):
            account, currency, _, _ = expected_row(fact, paths[fact.order_id])
            units = sum(li.quantity for li in render(fact).lines)
            expected[fact.purchased.astimezone(UTC).date(), account, currency] += units
    rows = query(
        warehouse, "select sales_date, account_id, currency, units from warehouse.daily_sales where source = 'amazon'"
    )
    assert {(day, account, currency): units for day, account, currency, units in rows} == dict(expected)
    [(sku_units,)] = query(warehouse, "select coalesce(sum(amazon_units), 0) from warehouse.sku_daily")
    assert sku_units == sum(expected.values())
    currencies = {
        account: currency
        for account, currency in query(
            warehouse, "select account_id, currency from warehouse.accounts where source = 'amazon'"
        )
    }
    assert currencies == {
        f"{SELLER}:ATVPDKIKX0DER": "USD",
        f"{SELLER}:A2EUQ1WTGCTBG2": "CAD",
        f"{SELLER}:NON_AMAZON": "XXX",
    }
    # Sales in both marketplaces' currencies; XXX only for an MCF order not priced yet.
    assert {currency for _, _, currency, _ in rows} - {"XXX"} == {"USD", "CAD"}
    assert {account for _, account, currency, _ in rows if currency == "XXX"} <= {f"{SELLER}:NON_AMAZON"}


def test_every_line_is_in_its_orders_currency_pending_report_lines_included(built, sandbox, warehouse):
    world, _ = sandbox
    paths = dict(query(warehouse, "select amazon_order_id, source from raw_amazon.orders"))
    currencies = {
        oid: expected_row(f, paths[oid])[1] for f in world.amazon.world.seller.orders if (oid := f.order_id) in paths
    }
    lines = query(warehouse, "select order_id, currency from warehouse.order_items where source = 'amazon'")
    assert lines and all(currency == currencies[oid] for oid, currency in lines)
    # Pending orders' report lines name no currency; the mart takes the order's.
    pending = {f.order_id for f in world.amazon.world.seller.orders if f.status == "Pending"}
    unpriced = [
        oid for (oid,) in query(warehouse, "select amazon_order_id from raw_amazon.order_items where currency is null")
    ]
    assert set(unpriced) & pending and {oid for oid, _ in lines} >= set(unpriced)
