"""Settlement reserves through Meltano, the loader and `dbt build` (every test green): a reserve
held when a period closes and released in the next settlement is a reserve, never a fee, and
each settlement's split (gross, refunds, fees, reserves, transfers, other) is the sandbox
ledger's to the cent and adds up to the amount deposited."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import meltano, pipeline_env, query
from sandbox.amazon.ledger import RESERVE, amounts
from sandbox.server import Sandbox, SandboxOptions, running

pytestmark = pytest.mark.pipeline

ZERO = Decimal("0.00")


@pytest.fixture(scope="module")
def sandbox():
    world = Sandbox(SandboxOptions(amazon_orders=120, days=40, time_scale=600, amazon_reserves=1.0))
    with running(world) as url:
        yield world, url


@pytest.fixture(scope="module")
def built(sandbox, warehouse, tmp_path_factory):
    env = pipeline_env(sandbox[1], warehouse, tmp_path_factory.mktemp("meltano"), amazon_days=45)
    meltano(env, "run", "tap-amazon-spapi", "target-postgres", "dbt-postgres:build")


def expected_split(ledger, period) -> dict[str, Decimal]:
    """The settlement's split, read from the sandbox's own postings (not from the warehouse)."""
    split = dict.fromkeys(("gross", "refunds", "fees", "reserves", "transfers", "other"), ZERO)
    for posting in ledger.in_period(period):
        for part in amounts(posting):
            if posting.kind == RESERVE:
                column = "reserves"
            elif part.amount_type == "ItemFees" or posting.kind == "ServiceFee":
                column = "fees"
            else:
                column = {"Order": "gross", "Refund": "refunds"}[posting.kind]
            split[column] += part.amount
    return split


def test_each_settlement_splits_to_the_cent_with_reserves_apart_from_fees(built, sandbox, warehouse):
    world, _ = sandbox
    ledger = world.amazon.world.ledger
    periods = {p.settlement_id: p for p in ledger.periods(world.amazon.world.now())}
    rows = query(
        warehouse,
        "select settlement_id, gross, refunds, fees, reserves, transfers, other, net from warehouse.settlements"
        " where source = 'amazon'",
    )
    assert len(rows) >= 2
    for settlement_id, gross, refunds, fees, reserves, transfers, other, net in rows:
        period = periods[settlement_id]
        split = dict(gross=gross, refunds=refunds, fees=fees, reserves=reserves, transfers=transfers, other=other)
        assert split == expected_split(ledger, period), settlement_id
        assert net == ledger.period_total(period) == sum(split.values())
    # Reserves were held and released, and every reserve line is a reserve, none a fee.
    lines = query(
        warehouse,
        "select description, category, count(*) from warehouse.settlement_lines where source = 'amazon'"
        " and description like '%Reserve Amount%' group by 1, 2 order by 1",
    )
    assert [(description, category) for description, category, _ in lines] == [
        ("other-transaction: Current Reserve Amount", "reserve"),
        ("other-transaction: Previous Reserve Amount Balance", "reserve"),
    ]
    assert any(reserves != 0 for _, _, _, _, reserves, *_ in rows)
