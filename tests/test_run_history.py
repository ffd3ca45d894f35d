"""Run history and freshness in the warehouse, the run summary and the metrics endpoint: a real
`meltano run tap-shopify target-postgres dbt-postgres:build` into a fresh embedded warehouse,
checked against the raw tables, the sandbox's request log and dbt's own output."""

from __future__ import annotations

import re
import subprocess
import time
import urllib.error
import urllib.request
from decimal import Decimal

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import free_port, meltano, meltano_command, pipeline_env, query
from sandbox.server import Sandbox, SandboxOptions, running

pytestmark = pytest.mark.pipeline

SHOP = "stratus-demo.myshopify.com"
ORDERS = 60
# dbt's closing line, e.g. "Done. PASS=341 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=341".
DONE = re.compile(r"Done\. PASS=(\d+) WARN=(\d+) ERROR=(\d+) SKIP=(\d+)")


@pytest.fixture(scope="module")
def sandbox():
    world = Sandbox(SandboxOptions(shopify_orders=ORDERS, time_scale=500))
    with running(world) as url:
        yield world, url


@pytest.fixture(scope="module")
def meltano_env(sandbox, warehouse, tmp_path_factory):
    return pipeline_env(sandbox[1], warehouse, tmp_path_factory.mktemp("meltano"), amazon_days=30)


@pytest.fixture(scope="module")
def pipeline(meltano_env, sandbox):
    """One pipeline run; the sandbox's log then holds exactly the tap's requests."""
    world, _ = sandbox
    world.clear_log()
    result = meltano(meltano_env, "run", "tap-shopify", "target-postgres", "dbt-postgres:build")
    return result, world.requests()


def latest_dbt_run(warehouse, command):
    columns = (
        "run_id, command, args, outcome, error, exit_code, models_ok, models_error, models_skipped, tests_pass,"
        " tests_warn, tests_fail, tests_error, tests_skipped, hooks_ok, hooks_error, duration_s"
    )
    rows = query(
        warehouse,
        f"select {columns} from warehouse.dbt_runs where command = %s order by finished_at desc limit 1",
        (command,),
    )
    assert rows, f"no dbt {command} recorded"
    return dict(zip([c.strip() for c in columns.split(",")], rows[0], strict=True))


def test_dbt_build_recorded_as_dbt_counted_it(pipeline, warehouse):
    result, _ = pipeline
    output = result.stdout + result.stderr
    passed, warned, errored, skipped = map(int, DONE.findall(output)[-1])
    run = latest_dbt_run(warehouse, "build")
    assert run["outcome"] == "succeeded" and run["exit_code"] == 0 and run["error"] is None
    assert run["models_ok"] + run["tests_pass"] + run["hooks_ok"] == passed
    assert run["models_ok"] > 0 and run["tests_pass"] > 0 and run["hooks_ok"] > 0
    assert run["tests_warn"] == warned
    assert run["models_error"] + run["tests_fail"] + run["tests_error"] + run["hooks_error"] == errored == 0
    assert run["models_skipped"] + run["tests_skipped"] == skipped
    # The wrapper's closing line says the same, and dbt's lines reach Meltano's log without colour codes.
    assert f"models {run['models_ok']} built" in output
    assert f"tests {run['tests_pass']} passed, {run['tests_warn']} warned" in output
    assert "\x1b[" not in output
    # The same run is a transform row of the run history.
    assert query(
        warehouse, "select kind, plugin, outcome from warehouse.sync_runs where run_id = %s", (run["run_id"],)
    ) == [("transform", "dbt-postgres", "succeeded")]


def test_failed_dbt_run_recorded_with_its_error_and_no_secret(pipeline, meltano_env, warehouse):
    secret = "not-an-interval-s3cr3t"
    failed = meltano(
        meltano_env,
        "invoke",
        "dbt-postgres",
        "run",
        "--select",
        "orders",
        "--vars",
        f'{{"lookback_hours": "{secret}"}}',
        check=False,
    )
    assert failed.returncode != 0
    run = latest_dbt_run(warehouse, "run")
    assert run["outcome"] == "failed" and run["exit_code"] == failed.returncode
    assert run["error"].startswith("model.stratus.orders: ")
    assert run["models_error"] == 1 and run["models_ok"] == 0
    assert run["args"] == ["run", "--select", "orders", "--vars", "<hidden>"]
    assert not query(
        warehouse, "select 1 from raw_stratus.dbt_runs where array_to_string(args, ' ') like %s", (f"%{secret}%",)
    )
    assert query(warehouse, "select outcome, error from warehouse.sync_runs where run_id = %s", (run["run_id"],)) == [
        ("failed", run["error"])
    ]
    assert "dbt-postgres: run failed" in failed.stderr + failed.stdout


def test_dbt_run_that_stops_before_running_is_recorded(pipeline, meltano_env, warehouse):
    """A selector that does not exist: dbt stops before run_results.json; its first error line is kept."""
    failed = meltano(meltano_env, "invoke", "dbt-postgres", "build", "--selector", "no_such_selector", check=False)
    assert failed.returncode != 0
    run = latest_dbt_run(warehouse, "build")
    assert run["outcome"] == "failed"
    assert "no_such_selector" in run["error"]
    assert run["models_ok"] == run["tests_pass"] == 0


def test_extract_run_recorded_against_raw_tables_and_request_log(pipeline, warehouse):
    _, requests = pipeline
    runs = query(
        warehouse,
        "select run_id, plugin, source, account_ids, outcome, error, records, api_calls, api_cost, duration_s"
        " from warehouse.sync_runs where kind = 'extract'",
    )
    assert len(runs) == 1
    run_id, plugin, source, accounts, outcome, error, records, calls, cost, duration = runs[0]
    assert (plugin, source, accounts, outcome, error) == ("tap-shopify", "shopify", [SHOP], "succeeded", None)
    assert duration >= 0
    streams = dict(
        (row[0], row[1:])
        for row in query(
            warehouse,
            "select stream, records, api_calls, outcome, account_id from warehouse.sync_streams where run_id = %s",
            (run_id,),
        )
    )
    # Every stream's records are the rows it loaded (a first run reads each row once).
    for stream, (stream_records, _calls, stream_outcome, account) in streams.items():
        assert (stream_outcome, account) == ("succeeded", SHOP)
        (raw,) = query(warehouse, f'select count(*) from raw_shopify."{stream}"')[0]
        assert stream_records == raw, stream
    assert records == sum(s[0] for s in streams.values())
    # Every API call the tap made is in the sandbox's log, and the cost is Shopify's actual cost.
    shop_requests = [r for r in requests if r.get("api") == "shopify" and r.get("shop") == SHOP]
    assert calls == len(shop_requests)
    assert cost == sum(Decimal(str(r["actual_cost"])) for r in shop_requests if r.get("actual_cost") is not None)


def test_freshness_per_account_from_runs_and_data(pipeline, warehouse):
    rows = query(
        warehouse,
        "select source, account_id, last_run_outcome, last_success_at, newest_record_at, last_loaded_at,"
        " success_lag_s, record_lag_s from warehouse.source_freshness",
    )
    assert [r[:3] for r in rows] == [("shopify", SHOP, "succeeded")]  # Amazon never ran: no row, no error
    _, _, _, last_success, newest, loaded, success_lag, record_lag = rows[0]
    (finished,) = query(warehouse, "select max(finished_at) from warehouse.sync_runs where kind = 'extract'")[0]
    assert last_success == finished
    raw_newest, raw_loaded = query(
        warehouse,
        "select max(updated_at) at time zone 'UTC', max(_sdc_batched_at) at time zone 'UTC'"
        " from raw_shopify.orders where shop = %s and _sdc_deleted_at is null",
        (SHOP,),
    )[0]
    assert newest == raw_newest and loaded == raw_loaded
    assert success_lag >= 0 and record_lag >= 0


def test_summary_prints_each_extractor_and_dbt(pipeline, meltano_env, warehouse):
    printed = meltano(meltano_env, "invoke", "stratus-metrics", "summary").stdout
    records, calls = query(
        warehouse,
        "select records, api_calls from warehouse.sync_runs where kind = 'extract' and plugin = 'tap-shopify'",
    )[0]
    assert f"tap-shopify ({SHOP}): succeeded" in printed
    assert f"{records} records, {calls} calls" in printed
    for stream, stream_records in query(
        warehouse, "select stream, records from warehouse.sync_streams where plugin = 'tap-shopify'"
    ):
        assert re.search(rf"^{stream}\s+{re.escape(SHOP)}\s+{stream_records}\s", printed, re.M), stream
    latest = query(warehouse, "select command, outcome from warehouse.dbt_runs order by finished_at desc limit 1")[0]
    assert f"dbt-postgres {latest[0]}: {latest[1]}" in printed


def scrape(url):
    """The endpoint's text once it answers (the server starts after Meltano and a first connection)."""
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                return answer.read().decode()
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def metrics_samples(meltano_env):
    """One scrape of `stratus-metrics serve`: {(name, sorted labels): value}."""
    port = free_port()
    env = {**meltano_env, "STRATUS_METRICS_LISTEN_PORT": str(port)}
    server = subprocess.Popen(
        meltano_command("invoke", "stratus-metrics", "serve"), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        text = scrape(f"http://127.0.0.1:{port}/metrics")
    finally:
        server.terminate()
        server.wait(timeout=60)
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_endpoint_serves_history_and_freshness(pipeline, meltano_env, warehouse):
    samples = metrics_samples(meltano_env)
    assert samples[("stratus_up", ())] == 1
    for stream, records, calls in query(
        warehouse, "select stream, records, api_calls from warehouse.sync_streams where plugin = 'tap-shopify'"
    ):
        labels = (("account_id", SHOP), ("plugin", "tap-shopify"), ("source", "shopify"), ("stream", stream))
        assert samples[("stratus_sync_records_total", labels)] == records
        assert samples[("stratus_sync_api_calls_total", labels)] == calls
        assert samples[("stratus_sync_stream_errors_total", labels)] == 0
    extract = (("kind", "extract"), ("plugin", "tap-shopify"), ("source", "shopify"))
    assert samples[("stratus_sync_runs_total", (*extract[:1], ("outcome", "succeeded"), *extract[1:]))] == 1
    (duration,) = query(warehouse, "select duration_s from warehouse.sync_runs where kind = 'extract'")[0]
    assert samples[("stratus_sync_run_duration_seconds_sum", extract)] == pytest.approx(float(duration))
    failed_dbt = (("kind", "transform"), ("outcome", "failed"), ("plugin", "dbt-postgres"), ("source", ""))
    (failed_runs,) = query(warehouse, "select count(*) from warehouse.dbt_runs where outcome = 'failed'")[0]
    assert samples.get(("stratus_sync_runs_total", failed_dbt), 0) == failed_runs
    # Freshness: the last success exactly; the lag as of the scrape, so no more than it is now.
    last_success, lag = query(warehouse, "select last_success_at, success_lag_s from warehouse.source_freshness")[0]
    account = (("account_id", SHOP), ("source", "shopify"))
    assert samples[("stratus_source_last_success_timestamp_seconds", account)] == last_success.timestamp()
    assert 0 < samples[("stratus_source_freshness_lag_seconds", account)] <= float(lag)


def test_metrics_settings_checked_one_line_each(meltano_env):
    env = {**meltano_env, "STRATUS_METRICS_LISTEN_PORT": "90000", "STRATUS_METRICS_BIND": "no such host"}
    result = meltano(env, "invoke", "stratus-metrics", "serve", check=False)
    assert result.returncode == 2
    output = result.stdout + result.stderr
    assert "stratus-metrics: setting listen_port: must be a whole number from 1 to 65535, got '90000'" in output
    assert "stratus-metrics: setting bind: 'no such host'" in output
    assert "Traceback" not in output


def test_failed_extract_run_recorded(pipeline, sandbox, meltano_env, warehouse):
    """The token is refused part-way through a second run: the run and the stream it stopped in are
    recorded as failed with the tap's error line, without a dbt build after them, and freshness
    still dates the last success to the first run."""
    world, _ = sandbox
    (first_finished,) = query(warehouse, "select max(finished_at) from warehouse.sync_runs where kind = 'extract'")[0]
    world.clear_log()
    world.faults.arm("http_error", "shopify", count=1000, skip=3, status=401)
    try:
        failed = meltano(meltano_env, "run", "tap-shopify", "target-postgres", check=False)
    finally:
        world.faults.clear()
    assert failed.returncode != 0
    runs = query(
        warehouse,
        "select run_id, outcome, error, records, api_calls from warehouse.sync_runs"
        " where kind = 'extract' and finished_at > %s",
        (first_finished,),
    )
    assert len(runs) == 1
    run_id, outcome, error, records, calls = runs[0]
    assert outcome == "failed"
    assert "401" in error and "\n" not in error
    assert calls == len([r for r in world.requests() if r.get("api") == "shopify"])
    streams = query(
        warehouse, "select stream, outcome, error, records from warehouse.sync_streams where run_id = %s", (run_id,)
    )
    assert any(outcome == "failed" and error for _, outcome, error, _ in streams)
    assert records == sum(r for *_, r in streams)
    assert query(
        warehouse,
        "select last_run_outcome, last_success_at from warehouse.source_freshness where account_id = %s",
        (SHOP,),
    ) == [("failed", first_finished)]


def test_amazon_run_counts_for_each_marketplace_account(meltano_env, warehouse):
    """Amazon never ran before: its history shows once a dbt build follows its first load, and its
    run (named by the seller) dates the freshness of each `<seller>:<marketplace>` account."""
    assert not query(warehouse, "select 1 from warehouse.source_freshness where source = 'amazon'")
    meltano(meltano_env, "run", "tap-amazon-spapi", "target-postgres", "dbt-postgres:run")
    runs = query(
        warehouse,
        "select account_ids, outcome, finished_at, records from warehouse.sync_runs where source = 'amazon'",
    )
    assert len(runs) == 1
    accounts, outcome, finished, records = runs[0]
    assert outcome == "succeeded" and records > 0
    (seller,) = accounts
    data_accounts = {
        account
        for (account,) in query(
            warehouse,
            "select distinct selling_partner_id || ':' || coalesce(marketplace_id, 'NON_AMAZON') from raw_amazon.orders",
        )
    }
    assert data_accounts and all(account.startswith(f"{seller}:") for account in data_accounts)
    freshness = query(
        warehouse,
        "select account_id, last_run_outcome, last_success_at from warehouse.source_freshness where source = 'amazon'",
    )
    assert {row[0] for row in freshness} == data_accounts
    assert {row[1:] for row in freshness} == {("succeeded", finished)}
    printed = meltano(meltano_env, "invoke", "stratus-metrics", "summary").stdout
    assert f"tap-amazon-spapi ({seller}): succeeded" in printed


def test_freeagent_run_recorded_under_its_company(sandbox, meltano_env, warehouse):
    """FreeAgent never ran before: its first run shows in the run history under the company's id
    (learnt from the API during the run), with every call the sandbox served and the rows loaded,
    and the company's freshness dates its data by its newest bank transaction."""
    world, _ = sandbox
    assert not query(warehouse, "select 1 from warehouse.source_freshness where source = 'freeagent'")
    world.clear_log()
    # As the scheduler runs it: the schedule names its job to the tap (meltano.yml `env`).
    meltano(meltano_env, "schedule", "run", "freeagent-hourly")
    served = [r for r in world.requests() if r.get("api") == "freeagent"]
    runs = query(
        warehouse,
        "select run_id, job, plugin, account_ids, outcome, error, records, api_calls, api_cost, finished_at"
        " from warehouse.sync_runs where source = 'freeagent'",
    )
    assert len(runs) == 1
    run_id, job, plugin, accounts, outcome, error, records, calls, cost, finished = runs[0]
    [(company,)] = query(warehouse, "select distinct company_id from raw_freeagent.company")
    assert (job, plugin, accounts, outcome, error, cost) == (
        "freeagent-to-warehouse",
        "tap-freeagent",
        [company],
        "succeeded",
        None,
        None,
    )
    assert calls == len(served) > 0
    streams = {
        stream: (stream_records, stream_calls, account)
        for stream, stream_records, stream_calls, account in query(
            warehouse,
            "select stream, records, api_calls, account_id from warehouse.sync_streams where run_id = %s",
            (run_id,),
        )
    }
    assert len(streams) == 9
    for stream, (stream_records, _calls, account) in streams.items():
        assert account == company, stream
        (raw,) = query(warehouse, f'select count(*) from raw_freeagent."{stream}"')[0]
        assert stream_records == raw, stream
    assert records == sum(s[0] for s in streams.values())
    assert calls == sum(s[1] for s in streams.values())
    freshness = query(
        warehouse,
        "select account_id, last_run_outcome, last_success_at, newest_record_at, last_loaded_at"
        " from warehouse.source_freshness where source = 'freeagent'",
    )
    assert freshness == [
        (
            company,
            "succeeded",
            finished,
            *query(
                warehouse,
                "select max(updated_at) at time zone 'UTC', max(_sdc_batched_at) at time zone 'UTC'"
                " from raw_freeagent.bank_transactions",
            )[0],
        )
    ]
    printed = meltano(meltano_env, "invoke", "stratus-metrics", "summary").stdout
    assert f"tap-freeagent ({company}): succeeded" in printed
    assert f"{records} records, {calls} calls" in printed
    samples = metrics_samples(meltano_env)
    for stream, (stream_records, stream_calls, _) in streams.items():
        labels = (("account_id", company), ("plugin", "tap-freeagent"), ("source", "freeagent"), ("stream", stream))
        assert samples[("stratus_sync_records_total", labels)] == stream_records
        assert samples[("stratus_sync_api_calls_total", labels)] == stream_calls
    account = (("account_id", company), ("source", "freeagent"))
    assert samples[("stratus_source_last_success_timestamp_seconds", account)] == finished.timestamp()
