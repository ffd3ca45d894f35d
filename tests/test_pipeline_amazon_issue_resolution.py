"""When an API record set aside in load_issues counts as resolved, through real Meltano and dbt.

An API issue's key is a hash of the record as it came, so a corrected record never shares it:
the mart matches it by what names the record (SKU and marketplace for inventory; kind and
content for a financial event) read after the issue was last seen. A first run loads
everything cleanly; the second sets an inventory summary and a financial event aside and `dbt
build` warns (the copies the first run loaded are older than the issues, so they resolve
nothing); the third reads both cleanly again (inventory is read whole each run; the lookback
re-reads the event's window), the issues show as resolved and the warning is gone."""

from __future__ import annotations

import re

import pytest

from conftest import meltano, pipeline_env, query
from sandbox.faults import Fault, post_faults
from sandbox.server import Sandbox, SandboxOptions, running

pytestmark = pytest.mark.pipeline


def warned(output: str) -> bool:
    return bool(re.search(r"WARN \d+ load_issues_are_resolved|Warning in test load_issues_are_resolved", output))


RESOLUTION = (
    "select stream, is_resolved from warehouse.load_issues where operation <> 'getReportDocument' order by stream"
)


@pytest.fixture(scope="module")
def env(warehouse, tmp_path_factory):
    world = Sandbox(SandboxOptions(amazon_orders=60, days=20, time_scale=600))
    with running(world) as url:
        settings = pipeline_env(url, warehouse, tmp_path_factory.mktemp("meltano"), amazon_days=25)
        # Each run reads every event again, so the second sees the event the first set aside.
        yield url, {**settings, "TAP_AMAZON_SPAPI_LOOKBACK_WINDOW_DAYS": "30"}


def build(env: dict[str, str]) -> str:
    result = meltano(env, "run", "tap-amazon-spapi", "target-postgres", "dbt-postgres:build")
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def first(env, warehouse):
    url, settings = env
    build(settings)  # every record loaded once, cleanly
    post_faults(url, Fault("unreadable_inventory_quantities", "amazon"), Fault("unreadable_event_dates", "amazon"))
    return build(settings), query(warehouse, RESOLUTION)


@pytest.fixture(scope="module")
def second(first, env, warehouse):
    _, settings = env
    return build(settings), query(warehouse, RESOLUTION)


def test_records_set_aside_stay_open_though_older_copies_loaded_and_the_test_warns(first):
    output, issues = first
    assert issues == [("fba_inventory", False), ("financial_events", False)]
    assert warned(output) and "ERROR=0" in output


def test_a_clean_re_read_resolves_them_and_the_warning_is_gone(second):
    output, issues = second
    assert issues == [("fba_inventory", True), ("financial_events", True)]
    assert "load_issues_are_resolved" in output and not warned(output) and "ERROR=0" in output
