"""ShipBob into the warehouse: `meltano run tap-shipbob target-postgres` against the sandbox,
loading every stream into raw_shipbob in a real Postgres (the embedded server), and its runs in
the run history, freshness and summary, checked against the raw tables and the request log."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from conftest import meltano, pipeline_env, query
from sandbox.server import Sandbox, SandboxOptions, running

pytestmark = pytest.mark.pipeline

TABLES = {
    "channels",
    "fulfillment_centers",
    "transaction_fees",
    "orders",
    "order_products",
    "shipments",
    "shipment_products",
    "products",
    "variants",
    "inventory",
    "inventory_levels",
    "inventory_lot_levels",
    "receiving_orders",
    "receiving_items",
    "receiving_boxes",
    "returns",
    "return_items",
    "return_actions",
    "invoices",
    "invoice_transactions",
}
RUN_TABLES = {"sync_runs", "sync_streams"}
USER = "451207"  # the sandbox account's ShipBob user id, learnt by the tap (no account_id is set)


@pytest.fixture(scope="module")
def sandbox():
    world = Sandbox(SandboxOptions(shopify_orders=60, amazon_orders=10, days=40, time_scale=600))
    with running(world) as url:
        yield world, url


@pytest.fixture(scope="module")
def meltano_env(sandbox, warehouse, tmp_path_factory):
    return pipeline_env(sandbox[1], warehouse, tmp_path_factory.mktemp("meltano"), amazon_days=45)


@pytest.fixture(scope="module")
def loaded(sandbox, meltano_env):
    """The first run; the ShipBob requests it made, from the sandbox's log."""
    world, _ = sandbox
    world.clear_log()
    meltano(meltano_env, "run", "tap-shipbob", "target-postgres")
    return [entry for entry in world.requests() if entry.get("api") == "shipbob"]


def test_discovery_lists_the_streams(meltano_env):
    result = meltano(meltano_env, "invoke", "tap-shipbob", "--discover")
    assert {entry["tap_stream_id"] for entry in json.loads(result.stdout)["streams"]} == TABLES | RUN_TABLES


def test_every_stream_fills_its_raw_shipbob_table(loaded, warehouse):
    for table in TABLES:
        [(rows, accounts)] = query(warehouse, f"select count(*), count(distinct account_id) from raw_shipbob.{table}")
        assert rows > 0, table
        assert accounts == 1, table


def test_amounts_load_exact(loaded, warehouse):
    [(kind,)] = query(
        warehouse,
        "select data_type from information_schema.columns "
        "where table_schema = 'raw_shipbob' and table_name = 'invoice_transactions' and column_name = 'amount'",
    )
    assert kind == "numeric"


def test_a_second_run_adds_no_duplicate(loaded, meltano_env, warehouse):
    tables = ("orders", "shipments", "invoice_transactions", "inventory_levels")
    before = {t: query(warehouse, f"select count(*) from raw_shipbob.{t}")[0][0] for t in tables}
    meltano(meltano_env, "run", "tap-shipbob", "target-postgres")
    after = {t: query(warehouse, f"select count(*) from raw_shipbob.{t}")[0][0] for t in tables}
    assert after == before


def test_staging_models_build_and_their_key_tests_pass(loaded, meltano_env, warehouse):
    meltano(meltano_env, "invoke", "dbt-postgres", "build", "--select", "staging.shipbob")
    for table in TABLES:
        [(raw,)] = query(warehouse, f"select count(*) from raw_shipbob.{table}")
        [(staged,)] = query(warehouse, f"select count(*) from staging.stg_shipbob__{table}")
        assert staged == raw > 0, table
    [(unbalanced,)] = query(
        warehouse,
        "select count(*) from staging.stg_shipbob__invoices i "
        "where amount <> (select sum(amount) from staging.stg_shipbob__invoice_transactions t "
        "where t.account_id = i.account_id and t.invoice_id = i.invoice_id)",
    )
    assert unbalanced == 0


def test_the_first_run_is_in_the_run_history_as_the_raw_tables_and_request_log_say(loaded, meltano_env, warehouse):
    meltano(meltano_env, "invoke", "dbt-postgres:build")  # the whole project: ShipBob beside never-loaded sources
    runs = query(
        warehouse,
        "select run_id, plugin, account_ids, outcome, error, records, api_calls, api_cost"
        " from warehouse.sync_runs where source = 'shipbob' order by finished_at",
    )
    run_id, plugin, accounts, outcome, error, records, calls, cost = runs[0]
    assert (plugin, accounts, outcome, error, cost) == ("tap-shipbob", [USER], "succeeded", None, None)
    assert calls == len(loaded)
    streams = {
        row[0]: row[1:]
        for row in query(
            warehouse,
            "select stream, account_id, records, api_calls, outcome from warehouse.sync_streams where run_id = %s",
            (run_id,),
        )
    }
    assert set(streams) == TABLES
    for stream, (account, stream_records, _, stream_outcome) in streams.items():
        assert (account, stream_outcome) == (USER, "succeeded"), stream
        [(raw,)] = query(warehouse, f"select count(*) from raw_shipbob.{stream}")
        assert stream_records == raw, stream  # a first run reads each row once
    assert records == sum(s[1] for s in streams.values())
    assert sum(s[2] for s in streams.values()) == calls
    # Calls land on the stream that made them: one per invoice's fee lines, one per WRO's boxes.
    for stream, operation in (
        ("invoice_transactions", "get-transactions-by-invoice-id"),
        ("receiving_boxes", "get-warehouse-receiving-order-boxes"),
    ):
        assert streams[stream][2] == len([e for e in loaded if e["operation"] == operation]) > 0, stream
    # The raw run records are what the marts show.
    [(raw_runs,)] = query(warehouse, "select count(*) from raw_shipbob.sync_runs")
    assert raw_runs == len(runs)


def test_freshness_and_summary_name_the_shipbob_account(loaded, meltano_env, warehouse):
    # The views read the raw tables as they are: the build of the test above is enough.
    [(outcome, last_success, newest, loaded_at, record_lag)] = query(
        warehouse,
        "select last_run_outcome, last_success_at, newest_record_at, last_loaded_at, record_lag_s"
        " from warehouse.source_freshness where source = 'shipbob' and account_id = %s",
        (USER,),
    )
    [(finished,)] = query(warehouse, "select max(finished_at) from warehouse.sync_runs where source = 'shipbob'")
    assert (outcome, last_success) == ("succeeded", finished)
    raw_newest, raw_loaded = query(
        warehouse,
        "select max(last_update_at) at time zone 'UTC', max(_sdc_batched_at) at time zone 'UTC'"
        " from raw_shipbob.orders where account_id = %s",
        (USER,),
    )[0]
    assert (newest, loaded_at) == (raw_newest, raw_loaded) and record_lag >= 0
    printed = meltano(meltano_env, "invoke", "stratus-metrics", "summary").stdout
    [(run_id, records, calls)] = query(
        warehouse,
        "select run_id, records, api_calls from warehouse.sync_runs where source = 'shipbob'"
        " order by finished_at desc limit 1",
    )
    assert f"tap-shipbob ({USER}): succeeded" in printed
    assert f"{records} records, {calls} calls" in printed
    for stream, stream_records in query(
        warehouse, "select stream, records from warehouse.sync_streams where run_id = %s", (run_id,)
    ):
        assert re.search(rf"^{stream}\s+{USER}\s+{stream_records}\s", printed, re.M), stream


def test_fulfillment_costs_link_each_fee_line_to_its_shipment_and_channel_order(loaded, warehouse):
    # Built by the whole-project build above.
    [(lines, raw_lines)] = query(
        warehouse,
        "select (select count(*) from warehouse.fulfillment_costs), (select count(*) from raw_shipbob.invoice_transactions)",
    )
    assert lines == raw_lines > 0
    unlinked = query(
        warehouse,
        "select c.transaction_id from warehouse.fulfillment_costs c"
        " left join raw_shipbob.shipments s on s.account_id = c.account_id and s.id = c.shipment_id"
        " left join raw_shipbob.orders o on o.account_id = s.account_id and o.id = s.order_id"
        " left join raw_shipbob.channels ch on ch.account_id = o.account_id and ch.id = o.channel_id"
        " where c.reference_type = 'Shipment'"
        "   and (s.id is null or c.order_source <> 'shopify' or c.order_account_id <> ch.name"
        "        or c.order_id <> o.reference_id or c.order_key is null)",
    )
    assert unlinked == []
    [(shipment_lines, with_sku)] = query(
        warehouse,
        "select count(*), count(sku) from warehouse.fulfillment_costs where reference_type = 'Shipment'",
    )
    assert shipment_lines > with_sku > 0  # a shipment of one SKU names it; of several, none


def test_an_invoice_a_cent_off_fails_the_reconciliation(loaded, sandbox, meltano_env, warehouse):
    reconcile = (
        "invoke",
        "dbt-postgres",
        "build",
        "--select",
        "fulfillment_costs",
        "shipbob_invoice_equals_transactions",
    )
    meltano(meltano_env, *reconcile)  # balanced as served
    world, url = sandbox
    request = urllib.request.Request(
        f"{url}/_sandbox/faults",
        data=json.dumps({"api": "shipbob", "kind": "unbalanced_invoices", "count": 1}).encode(),
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request).close()
    meltano(meltano_env, "run", "--full-refresh", "tap-shipbob", "target-postgres")
    failed = meltano(meltano_env, *reconcile, check=False)
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert re.search(r"Failure in test shipbob_invoice_equals_transactions", output), output[-3000:]
    off = query(
        warehouse,
        "select i.invoice_id, i.amount - sum(t.amount) from raw_shipbob.invoices i"
        " join raw_shipbob.invoice_transactions t on t.account_id = i.account_id and t.invoice_id = i.invoice_id"
        " group by i.invoice_id, i.amount having i.amount <> sum(t.amount)",
    )
    assert [(invoice, str(diff)) for invoice, diff in off] == [
        (invoice, "0.01") for invoice in world.shipbob.faults.status()["unbalanced_invoice_ids"]
    ]
