"""Ordinary Amazon orders that real sellers have and the sandbox's default data lacks, through
Meltano, the loader and `dbt build` (every test green): cancelled orders whose report rows carry
no currency, Multi-Channel Fulfillment orders of a seller with two marketplaces, and searchOrders
items without proceeds. Each order's mart row is asserted to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import meltano, pipeline_env, query
from sandbox.amazon.data import OrderShapes, render
from sandbox.server import Sandbox, SandboxOptions, running

pytestmark = pytest.mark.pipeline

SELLER = "A2STRATUSDEMO01"


@pytest.fixture(scope="module")
def sandbox():
    shapes = OrderShapes(unpriced_cancellations=1.0, multi_channel=0.2, no_proceeds=0.5)
    world = Sandbox(SandboxOptions(amazon_orders=150, days=10, time_scale=600, amazon_shapes=shapes))
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
