"""Run visibility through real Meltano into a real warehouse, for the demo shop: the default log is
short and says what each stream did, and every run (a failed one too) leaves its rows in
raw_shopify.sync_runs and raw_shopify.sync_streams, with figures that match the warehouse and the
sandbox's request log."""

from __future__ import annotations

import json
import re
import urllib.request
from decimal import Decimal

import pytest

from conftest import meltano, pipeline_env, query
from sandbox.server import Sandbox, SandboxOptions, running

pytestmark = pytest.mark.pipeline

SHOP = "stratus-demo.myshopify.com"
END_LINE = re.compile(r"\b(\w+): finished, (\d+) records, (\d+) API calls(?:, (\d+) cost points)?")
RUN_STREAMS = {"sync_runs", "sync_streams"}


@pytest.fixture(scope="module")
def sandbox():
    # The demo shop as `make demo` serves it; time runs fast so pacing is exercised, not waited on.
    world = Sandbox(SandboxOptions(time_scale=500))
    with running(world) as url:
        yield world, url


@pytest.fixture(scope="module")
def meltano_env(sandbox, warehouse, tmp_path_factory):
    return pipeline_env(sandbox[1], warehouse, tmp_path_factory.mktemp("meltano"), amazon_days=30)


def shop_requests(url: str) -> list[dict]:
    """The sandbox's request log over HTTP, this shop's entries."""
    with urllib.request.urlopen(f"{url}/_sandbox/requests") as response:
        log = json.load(response)["requests"]
    # An injected fault's entry names no shop: the path does.
    return [entry for entry in log if f"/shops/{SHOP}/" in entry.get("path", "")]


def arm(url: str, **fault: object) -> None:
    request = urllib.request.Request(
        f"{url}/_sandbox/faults", data=json.dumps(fault).encode(), headers={"Content-Type": "application/json"}
    )
    urllib.request.urlopen(request).close()


@pytest.fixture(scope="module")
def first_run(sandbox, meltano_env):
    world, url = sandbox
    world.clear_log()
    result = meltano(meltano_env, "run", "tap-shopify", "target-postgres")
    return result.stdout + result.stderr, shop_requests(url)


def raw_counts(warehouse) -> dict[str, int]:
    tables = query(
        warehouse,
        "select table_name from information_schema.tables where table_schema = 'raw_shopify'"
        " and table_name not in ('sync_runs', 'sync_streams')",
    )
    return {name: query(warehouse, f'select count(*) from raw_shopify."{name}"')[0][0] for (name,) in tables}


def test_the_default_log_is_short_and_says_what_each_stream_did(first_run, warehouse):
    log, requests = first_run
    lines = log.splitlines()
    assert len(lines) < 100, "\n".join(lines)
    assert "METRIC" not in log
    assert "Beginning sync" not in log  # child streams are not reported re-synced per parent page
    ended = {m[1]: m for m in END_LINE.finditer(log)}
    counts = raw_counts(warehouse)
    assert set(ended) == set(counts), log
    for stream, count in counts.items():
        assert int(ended[stream][2]) == count, stream
        assert f"{stream}: started, " in log
    assert sum(int(m[3]) for m in ended.values()) == len(requests)
    assert sum(int(m[4] or 0) for m in ended.values()) == sum(r["actual_cost"] or 0 for r in requests)
    assert re.search(r"orders: started, incremental, window 2020-01-01T00:00:00Z to \S+, \d+ records expected", log)
    # The summary table closes the tap's part of the log.
    assert re.search(r"stream +records +calls +seconds +warnings", log)


def test_the_run_rows_match_the_warehouse_and_the_request_log(first_run, warehouse):
    _, requests = first_run
    [run] = query(
        warehouse,
        "select run_id, tap, account_ids, outcome, error, records, api_calls, api_cost, started_at < finished_at"
        " from raw_shopify.sync_runs",
    )
    run_id, tap, accounts, outcome, error, records, calls, cost, ordered = run
    counts = raw_counts(warehouse)
    assert (tap, json.loads(accounts) if isinstance(accounts, str) else accounts) == ("tap-shopify", [SHOP])
    assert (outcome, error, ordered) == ("succeeded", None, True)
    assert records == sum(counts.values())
    assert calls == len(requests)
    assert Decimal(cost) == sum(Decimal(r["actual_cost"] or 0) for r in requests)
    rows = query(
        warehouse,
        "select stream, account_id, records, api_calls, api_cost, outcome from raw_shopify.sync_streams"
        " where run_id = %s",
        (run_id,),
    )
    assert {row[0]: row[2] for row in rows} == counts
    assert {row[1] for row in rows} == {SHOP} and {row[5] for row in rows} == {"succeeded"}
    assert sum(row[3] for row in rows) == len(requests)
    assert sum(Decimal(row[4] or 0) for row in rows) == Decimal(cost)


def test_a_rerun_adds_rows_and_leaves_the_bookmarks_to_the_data(first_run, meltano_env, warehouse, sandbox):
    # The SDK's own level variable brings its METRIC lines back into the log.
    result = meltano({**meltano_env, "TAP_SHOPIFY_LOGLEVEL": "INFO"}, "run", "tap-shopify", "target-postgres")
    assert re.search(r"tap-shopify\s+METRIC: ", result.stdout + result.stderr)
    runs = query(warehouse, "select run_id, outcome from raw_shopify.sync_runs")
    assert len(runs) == 2 and len({run_id for run_id, _ in runs}) == 2
    assert {outcome for _, outcome in runs} == {"succeeded"}
    state = meltano(meltano_env, "state", "get", "dev:tap-shopify-to-target-postgres").stdout
    bookmarks = json.loads(state)["singer_state"]["bookmarks"]
    assert RUN_STREAMS.isdisjoint(bookmarks) or all(not bookmarks[name] for name in RUN_STREAMS & set(bookmarks))


def test_a_run_that_fails_midway_still_writes_its_row_and_exits_non_zero(first_run, sandbox, meltano_env, warehouse):
    world, url = sandbox
    world.clear_log()
    # The token is refused after the run's first calls.
    arm(url, api="shopify", kind="http_error", status=401, skip=4, count=1)
    result = meltano(meltano_env, "run", "tap-shopify", "target-postgres", check=False)
    log = result.stdout + result.stderr
    assert result.returncode != 0
    line = f"Shopify rejected the access token for {SHOP} (HTTP 401): check the access_token setting"
    assert f"tap-shopify: {line}" in log
    assert "Traceback" not in log
    [(run_id, error, calls)] = query(
        warehouse, "select run_id, error, api_calls from raw_shopify.sync_runs where outcome = 'failed'"
    )
    assert error == line
    assert calls == len(shop_requests(url))
    failed = query(
        warehouse,
        "select stream, error from raw_shopify.sync_streams where run_id = %s and outcome = 'failed'",
        (run_id,),
    )
    assert failed and {error for _, error in failed} == {line}
