"""ShipBob into the warehouse: `meltano run tap-shipbob target-postgres` against the sandbox,
loading every stream into raw_shipbob in a real Postgres (the embedded server), and its runs in
the run history, freshness and summary, checked against the raw tables and the request log."""

from __future__ import annotations

import hashlib
import json
import re
import urllib.request

import pytest

from conftest import meltano, pipeline_env, query
from sandbox.catalog import CATALOG
from sandbox.server import Sandbox, SandboxOptions, running
from sandbox.shipbob.world import FULFILLMENT_CENTERS, inventory_id

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
ISSUES = "load_issues"  # filled only when a record is set aside
USER = "451207"  # the sandbox account's ShipBob user id, learnt by the tap (no account_id is set)


def md5_of(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # the marts' surrogate keys are md5


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
    assert {entry["tap_stream_id"] for entry in json.loads(result.stdout)["streams"]} == TABLES | RUN_TABLES | {ISSUES}


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
    meltano(
        meltano_env,
        "invoke",
        "dbt-postgres",
        "build",
        "--select",
        "staging.shipbob",
        "--indirect-selection",
        "cautious",
    )
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


def test_shipments_gain_shipbobs_shipped_items_linked_to_their_shopify_orders(loaded, warehouse):
    # Built by the whole-project build above.
    [(rows, raw)] = query(
        warehouse,
        "select (select count(*) from warehouse.shipments where source = 'shipbob'),"
        " (select count(*) from raw_shipbob.shipment_products)",
    )
    assert rows == raw > 0
    wrong = query(
        warehouse,
        "select m.shipment_id, m.shipment_item_id from warehouse.shipments m"
        " join raw_shipbob.shipments s on s.account_id = m.account_id and cast(s.id as text) = m.shipment_id"
        " join raw_shipbob.orders o on o.account_id = s.account_id and o.id = s.order_id"
        " join raw_shipbob.channels ch on ch.account_id = o.account_id and ch.id = o.channel_id"
        " where m.source = 'shipbob' and (m.order_source <> 'shopify' or m.order_account_id <> ch.name"
        "   or m.order_id <> o.reference_id or m.carrier is distinct from s.carrier"
        "   or m.tracking_number is distinct from s.tracking_number or m.fc is distinct from s.location_name"
        "   or m.order_key <> md5('shopify|' || ch.name || '|' || o.reference_id))",
    )
    assert wrong == []
    [(unjoined,)] = query(
        warehouse,
        "select count(*) from warehouse.shipments m where m.source = 'shipbob' and not exists ("
        " select 1 from raw_shipbob.shipments s where s.account_id = m.account_id and cast(s.id as text) = m.shipment_id)",
    )
    assert unjoined == 0


def test_inventory_holds_the_sandbox_stock_per_centre_and_sku(loaded, sandbox, warehouse):
    # Built by the whole-project build above.
    world, _ = sandbox
    stock = world.shipbob.stock
    expected = {}
    for item in CATALOG:
        for centre in FULFILLMENT_CENTERS:
            level = stock.level(item, centre)
            expected[(str(centre.id), centre.name, item.sku)] = (
                level.on_hand,
                level.fulfillable,
                level.committed,
                level.awaiting,
                0,
            )
    rows = query(
        warehouse,
        "select location_id, fc, sku, on_hand, available, reserved, inbound, unfulfillable, account_id,"
        " inventory_key = md5('shipbob|' || account_id || '|' || location_id || '|' || sku)"
        " from warehouse.inventory where source = 'shipbob'",
    )
    assert {r[:3]: r[3:8] for r in rows} == expected
    assert len(rows) == len(expected)
    assert {(r[8], r[9]) for r in rows} == {(USER, True)}
    # Lot-tracked SKUs: the centre's figures are their lots summed, each lot counted once.
    lots = query(
        warehouse,
        "select cast(l.location_id as text), l.sku, sum(l.on_hand_quantity), min(i.on_hand)"
        " from raw_shipbob.inventory_lot_levels l join warehouse.inventory i on i.source = 'shipbob'"
        "  and i.location_id = cast(l.location_id as text) and i.sku = l.sku group by 1, 2",
    )
    assert lots and all(summed == on_hand for _, _, summed, on_hand in lots)
    # Today's snapshot holds the same rows.
    [(missing,)] = query(
        warehouse,
        "select count(*) from warehouse.inventory i where i.source = 'shipbob' and not exists ("
        " select 1 from warehouse.inventory_snapshots s where s.inventory_key = i.inventory_key"
        " and s.snapshot_date = cast(now() at time zone 'UTC' as date) and s.on_hand = i.on_hand"
        " and s.available = i.available and s.source = 'shipbob')",
    )
    assert missing == 0


def test_returns_hold_the_sandbox_returns_linked_to_their_shopify_orders(loaded, sandbox, warehouse):
    # Built by the whole-project build above. The sandbox's clock ran on while the runs read, so
    # each return is checked as it stood when last read (its status in the raw table): arrived
    # once it arrived, its action once completed; every return created before the runs is there.
    world, _ = sandbox
    api = world.shipbob
    shops = {channel.id: channel.name for channel in api.world.channels}
    read = dict(query(warehouse, "select id, status from raw_shipbob.returns"))
    returns = {ret.id: ret for ret in api.world.returns()}
    assert set(read) <= set(returns)
    assert {i for i, ret in returns.items() if ret.inserted <= api.world.anchor} <= set(read)
    assert {"Completed", "Cancelled"} <= set(read.values())

    def reached(ret, moment, *statuses):
        return moment.replace(microsecond=0) if read[ret.id] in statuses else None  # served to the second

    expected = sorted(
        (
            f"{ret.id}/{inventory_id(item)}/{[i for i, _ in ret.lines[:n]].count(item)}",
            ret.store_order_id,
            shops[api.world.order(ret.order_id).channel_id],
            item.sku,
            quantity,
            reached(ret, ret.arrived, "Arrived", "Processing", "Completed"),
            ret.shipment.centre.name,
            "Restock" if read[ret.id] == "Completed" else None,
        )
        for ret in (returns[i] for i in read if read[i] != "Cancelled")  # a cancelled one brought nothing back
        for n, (item, quantity) in enumerate(ret.lines, start=1)
    )
    rows = query(
        warehouse,
        "select return_id, order_id, order_account_id, sku, qty, returned_at, fc, disposition"
        " from warehouse.returns where source = 'shipbob' and account_id = %s"
        " and order_source = 'shopify'"
        " and order_key = md5('shopify|' || order_account_id || '|' || order_id)",
        (USER,),
    )
    assert expected and sorted(rows) == expected
    [(all_rows,)] = query(warehouse, "select count(*) from warehouse.returns where source = 'shipbob'")
    assert all_rows == len(expected)
    # Each links to an order the warehouse holds: the Shopify order the return's shipment fulfilled.
    [(unlinked,)] = query(
        warehouse,
        "select count(*) from warehouse.returns r where r.source = 'shipbob' and not exists ("
        " select 1 from warehouse.shipments s where s.source = 'shipbob' and s.order_key = r.order_key)",
    )
    assert unlinked == 0


def test_accounts_list_the_shipbob_account(loaded, warehouse):
    # Built by the whole-project build above.
    rows = query(
        warehouse,
        "select account_key, account_name, selling_partner_id, marketplace_id, currency, timezone"
        " from warehouse.accounts where source = 'shipbob'",
    )
    assert rows == [(md5_of(f"shipbob|{USER}"), f"ShipBob user {USER}", None, None, "USD", "UTC")]


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


def test_a_fee_line_that_cannot_be_read_is_set_aside_into_load_issues(loaded, sandbox, meltano_env, warehouse):
    world, url = sandbox
    before = dict(query(warehouse, "select transaction_id, amount from raw_shipbob.invoice_transactions"))
    request = urllib.request.Request(
        f"{url}/_sandbox/faults",
        data=json.dumps({"api": "shipbob", "kind": "unreadable_amounts", "count": 1}).encode(),
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request).close()
    [garbled] = world.shipbob.faults.status()["unreadable_transaction_ids"]
    meltano(meltano_env, "run", "--full-refresh", "tap-shipbob", "target-postgres")
    meltano(meltano_env, "invoke", "dbt-postgres", "build", "--select", "load_issues", "stg_shipbob__load_issues")
    rows = query(
        warehouse,
        "select account_id, stream, column_name, raw_value, raw_row ->> 'transaction_id', is_resolved"
        " from warehouse.load_issues where source = 'shipbob'",
    )
    text = f"{before[garbled]:.2f}".replace(".", ",")
    # Not resolved: the fee line loaded before is older than the read that could not read it.
    assert rows == [(USER, "invoice_transactions", "amount", text, garbled, False)]
    # Nothing already loaded is lost: the earlier read of that line stays, every other line is read again.
    after = dict(query(warehouse, "select transaction_id, amount from raw_shipbob.invoice_transactions"))
    assert after == before
