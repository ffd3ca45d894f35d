"""A report document in the legacy Windows charset, naming none, through real Meltano and dbt: every
customer-returns document is served in Cp1252 with a bare `text/plain`. The buyers' comments,
accents and dashes included, reach staging exactly as written, the returns mart has every returned
item once, and `dbt build` passes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import meltano, pipeline_env, query
from sandbox.amazon.data import render
from sandbox.amazon.documents import _RETURN_REASONS
from sandbox.faults import Fault, post_faults
from sandbox.server import Sandbox, SandboxOptions, running

pytestmark = pytest.mark.pipeline

RETURNS = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
SELLER = "A2STRATUSDEMO01"


@pytest.fixture(scope="module")
def sandbox():
    world = Sandbox(SandboxOptions(amazon_orders=150, days=40, time_scale=600))
    with running(world) as url:
        yield world, url


@pytest.fixture(scope="module")
def run(sandbox, warehouse, tmp_path_factory):
    _, url = sandbox
    env = pipeline_env(url, warehouse, tmp_path_factory.mktemp("meltano"), amazon_days=45)
    post_faults(url, Fault("undeclared_charset_documents", "amazon", count=100, where={"report_type": (RETURNS,)}))
    result = meltano(env, "run", "tap-amazon-spapi", "target-postgres", "dbt-postgres:build")
    return result.stdout + result.stderr


def returned(world):
    """The returns the sandbox's seller has: (order, first line, comment) of each refunded FBA order."""
    for fact in world.amazon.world.seller.orders:
        if fact.refunded is not None and fact.channel == "AFN":
            comment = _RETURN_REASONS[fact.seed % len(_RETURN_REASONS)][3]
            yield fact, render(fact).lines[0], comment


def test_every_returns_document_was_served_without_a_charset_and_the_build_passes(run, sandbox):
    world, _ = sandbox
    fired = world.faults.fired("amazon", "undeclared_charset_documents")
    assert fired >= 1
    assert "ERROR=0" in run


def test_the_comments_reach_staging_exactly(run, sandbox, warehouse):
    world, _ = sandbox
    rows = query(warehouse, "select order_id, sku, customer_comments from staging.stg_amazon__customer_returns")
    expected = {(fact.order_id, line.item.sku, comment or None) for fact, line, comment in returned(world)}
    assert sorted(rows) == sorted(expected)
    # Both legacy characters the sandbox's comments carry: a Latin-1 letter and Cp1252's own dash.
    comments = {comment for _, _, comment in rows}
    assert {"Trop petit, déçu", "Zip broke after one use — disappointed"} <= comments


def test_the_returns_mart_has_each_returned_item_once(run, sandbox, warehouse):
    world, _ = sandbox
    rows = query(
        warehouse,
        "select account_id, order_id, sku, qty, returned_at, reason, disposition, fc from warehouse.returns"
        " where source = 'amazon'",
    )
    expected = [
        (
            f"{SELLER}:{fact.marketplace_id}",
            fact.order_id,
            line.item.sku,
            line.quantity,
            fact.refunded - timedelta(days=1),
            _RETURN_REASONS[fact.seed % len(_RETURN_REASONS)][1],
            _RETURN_REASONS[fact.seed % len(_RETURN_REASONS)][0],
            fact.fulfilment_centre,
        )
        for fact, line, _ in returned(world)
    ]
    assert expected and sorted(rows) == sorted(expected)
