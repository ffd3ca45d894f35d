"""The two hourly jobs fired at the same moment (as their schedules do) both succeed and leave the
marts a single run gives: every dbt build holds a Postgres advisory lock on the warehouse."""

from __future__ import annotations

import subprocess

import pytest

from conftest import ROOT, meltano, meltano_command, pipeline_env, query
from sandbox.server import Sandbox, SandboxOptions, running

pytestmark = pytest.mark.pipeline

WAITING = "another dbt build of 127.0.0.1:"


@pytest.fixture(scope="module")
def meltano_env(warehouse, tmp_path_factory):
    world = Sandbox(SandboxOptions(shopify_orders=60, amazon_orders=40, days=20, time_scale=600))
    with running(world) as url:
        env = pipeline_env(url, warehouse, tmp_path_factory.mktemp("meltano"), amazon_days=25)
        # Meltano's system database exists before any schedule fires (`meltano install` makes it);
        # two processes creating it at once would both migrate it.
        meltano(env, "state", "list")
        yield env


def at_once(env: dict[str, str], *commands: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """Start every command before waiting for any."""
    started = [
        (
            command,
            subprocess.Popen(
                meltano_command(*command),
                cwd=ROOT,
                env=env,
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            ),
        )
        for command in commands
    ]
    results = []
    for command, process in started:
        output, _ = process.communicate(timeout=900)
        results.append(subprocess.CompletedProcess(command, process.returncode, output, ""))
    return results


def marts(warehouse) -> dict[str, tuple[int, str]]:
    """Each mart table's row count and a digest of its rows.

    The warehouse's views (sync_runs, sync_streams, dbt_runs, source_freshness) are the run
    history, read when queried: every build adds its own record and their lags use now(), so
    they differ after any further run by design; every table a build leaves is compared."""
    tables = query(
        warehouse,
        "select table_name from information_schema.tables where table_schema = 'warehouse' and table_type = 'BASE TABLE'",
    )
    return {
        name: query(
            warehouse,
            f"select count(*), md5(coalesce(string_agg(t::text, '|' order by t::text), '')) from warehouse.{name} t",
        )[0]
        for (name,) in tables
    }


def test_both_hourly_jobs_at_once_succeed_with_the_marts_of_one_run(meltano_env, warehouse):
    shopify, amazon = at_once(meltano_env, ["run", "shopify-to-warehouse"], ["run", "amazon-to-warehouse"])
    assert shopify.returncode == 0, shopify.stdout[-4000:]
    assert amazon.returncode == 0, amazon.stdout[-4000:]
    together = marts(warehouse)
    assert together["orders"][0] > 0
    assert dict(query(warehouse, "select source, count(*) > 0 from warehouse.orders group by source")) == {
        "shopify": True,
        "amazon": True,
    }
    # Each channel's loaded tables reach the marts (a raw table taken for not loaded yet would not).
    assert dict(query(warehouse, "select source, count(*) > 0 from warehouse.shipments group by source")) == {
        "shopify": True,
        "amazon": True,
    }
    assert together["customers"][0] > 0
    meltano(meltano_env, "run", "dbt-postgres:hourly")
    assert marts(warehouse) == together


def test_two_builds_of_an_empty_warehouse_at_once_take_turns(meltano_env, warehouse):
    before = marts(warehouse)
    query(warehouse, "drop schema warehouse, intermediate, staging cascade")
    first, second = at_once(meltano_env, ["run", "dbt-postgres:hourly"], ["run", "dbt-postgres:hourly"])
    assert first.returncode == 0, first.stdout[-4000:]
    assert second.returncode == 0, second.stdout[-4000:]
    # One build started while the other held the lock, said so once, and waited for it.
    assert sum(result.stdout.count(WAITING) for result in (first, second)) == 1
    assert marts(warehouse) == before
