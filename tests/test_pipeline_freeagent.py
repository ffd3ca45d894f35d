"""FreeAgent into the warehouse and the channels' money reconciled to the bank: Meltano runs every
tap against one sandbox into a real Postgres, dbt builds payout_deposits, and the mart is compared
with what the sandbox's world planted (`world.fates`, never the API's answers)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from conftest import meltano, pipeline_env, query
from sandbox.server import Sandbox, SandboxOptions, running

pytestmark = pytest.mark.pipeline

STREAMS = {
    "company",
    "categories",
    "bank_accounts",
    "bank_transactions",
    "bank_transaction_explanations",
    "contacts",
    "invoices",
    "credit_notes",
    "bills",
}
RUN_RECORDS = {"sync_runs", "sync_streams"}
EVERY_TAP = (
    "run",
    "tap-shopify",
    "target-postgres",
    "tap-shopify--outlet",
    "target-postgres",
    "tap-amazon-spapi",
    "target-postgres",
    "tap-freeagent",
    "target-postgres",
    "dbt-postgres:build",
)
WINDOW_DAYS = 7  # the dbt project's payout_deposit_window_days


@pytest.fixture(scope="module")
def sandbox():
    world = Sandbox(SandboxOptions(shopify_orders=200, amazon_orders=150, days=75, time_scale=600, shipbob=False))
    with running(world) as url:
        yield world, url


@pytest.fixture(scope="module")
def meltano_env(sandbox, warehouse, tmp_path_factory):
    return pipeline_env(sandbox[1], warehouse, tmp_path_factory.mktemp("meltano"), amazon_days=80)


@pytest.fixture(scope="module")
def built(sandbox, meltano_env):
    world, _ = sandbox
    meltano(meltano_env, *EVERY_TAP)
    return [e for e in world.requests() if e.get("api") == "freeagent"]


def freeagent_world(sandbox):
    return sandbox[0].freeagent.world


def test_discovery_lists_the_streams(meltano_env):
    result = meltano(meltano_env, "invoke", "tap-freeagent", "--discover")
    assert {entry["tap_stream_id"] for entry in json.loads(result.stdout)["streams"]} == STREAMS | RUN_RECORDS


def test_every_stream_fills_its_raw_freeagent_table_tagged_with_the_company(built, warehouse):
    for table in STREAMS:
        [(rows, companies)] = query(
            warehouse, f"select count(*), count(distinct company_id) from raw_freeagent.{table}"
        )
        assert rows > 0, table
        assert companies == 1, table


def test_credit_notes_and_their_lines_staged_with_exact_values(built, sandbox, warehouse):
    world = freeagent_world(sandbox)
    expected = {
        str(note.id): (note.reference, note.net_value, note.sales_tax_value, note.total_value)
        for note in world.books.credit_notes
    }
    assert expected and all(total < 0 for *_, total in expected.values())
    staged = {
        row[0]: row[1:]
        for row in query(
            warehouse,
            "select credit_note_id, reference, net_value, sales_tax_value, total_value"
            " from staging.stg_freeagent__credit_notes",
        )
    }
    assert staged == expected
    # Their lines, unnested: each note's quantities and prices as the world wrote them.
    lines = {}
    for note_id, quantity, price in query(
        warehouse,
        "select credit_note_id, quantity, price from staging.stg_freeagent__credit_note_items order by position",
    ):
        lines.setdefault(note_id, []).append((quantity, price))
    assert lines == {
        str(note.id): [(item.quantity, item.price) for item in note.items] for note in world.books.credit_notes
    }


def expected_status(fate, feed_through):
    """What payout_deposits must say of a payout, from what the world did with it."""
    payout = fate.payout
    overdue = payout.sent_on + timedelta(days=WINDOW_DAYS) <= feed_through
    return {
        "deposited": ("matched", "exact"),
        "combined": ("matched", "combined"),
        "same_amount": ("ambiguous", "exact"),
        "reversed": ("missing", "reversed"),
        "missing": ("missing" if overdue else "in_transit", None),
        "other_account": ("missing" if overdue else "in_transit", None),
        "in_transit": ("in_transit", None),
    }[fate.case]


def account_of(payout):
    return f"A2STRATUSDEMO01:{payout.source}" if payout.channel == "amazon" else payout.source


def test_payout_deposits_flags_exactly_the_planted_cases(built, sandbox, warehouse):
    world = freeagent_world(sandbox)
    planted = world.planted()
    assert all(planted[case] for case in planted), {case: len(f) for case, f in planted.items()}
    feed_through = max(t.dated_on for t in world.transactions.values())
    rows = {
        (source, account, settlement): (status, rule, ids)
        for source, account, settlement, status, rule, ids in query(
            warehouse,
            "select source, account_id, settlement_id, status, match_rule, bank_transaction_ids"
            " from warehouse.payout_deposits where row_type = 'payout' and status <> 'nothing_to_deposit'",
        )
    }
    expected = {}
    for fate in world.fates:
        payout = fate.payout
        key = (payout.channel, account_of(payout), payout.payout_id)
        expected[key] = expected_status(fate, feed_through)
        status, _rule, ids = rows.get(key, (None, None, None))
        if status == "matched":
            assert ids.split(",") == [str(i) for i in sorted(set(fate.transaction_ids))], key
        if fate.case == "same_amount":
            assert set(ids.split(",")) == {str(fate.entries[0].id), str(fate.decoy.id)}
    assert {key: value[:2] for key, value in rows.items()} == expected


def test_every_matched_payout_agrees_with_its_deposit_to_the_cent(built, warehouse, sandbox):
    world = freeagent_world(sandbox)
    for source, account, settlement, amount, deposit, difference, rule in query(
        warehouse,
        "select source, account_id, settlement_id, payout_amount, deposit_amount, difference, match_rule"
        " from warehouse.payout_deposits where status = 'matched'",
    ):
        assert difference == 0, (source, account, settlement)
        if rule == "exact":
            assert deposit == amount
    # The money that landed elsewhere is a deposit no channel explains: the payout converted into
    # the GBP account, never the decoy (a candidate of its ambiguous payout) nor any matched deposit.
    unexplained = {
        int(ids)
        for (ids,) in query(
            warehouse, "select bank_transaction_ids from warehouse.payout_deposits where row_type = 'deposit'"
        )
    }
    [converted] = world.planted()["other_account"]
    assert converted.entries[0].id in unexplained
    assert world.planted()["same_amount"][0].decoy.id not in unexplained


def test_an_incremental_run_reads_only_the_window(built, sandbox, meltano_env, warehouse):
    world, _ = sandbox
    before = len(world.requests())
    rows_before = query(warehouse, "select count(*) from raw_freeagent.bank_transactions")
    meltano(meltano_env, "run", "tap-freeagent", "target-postgres")
    incremental = [e for e in world.requests()[before:] if e.get("api") == "freeagent"]
    full = [e for e in built if e.get("api") == "freeagent"]
    print("full sync calls:", len(full), sorted({e.get("operation") for e in full}))
    print("incremental sync calls:", len(incremental))
    assert query(warehouse, "select count(*) from raw_freeagent.bank_transactions") == rows_before
    # One token refresh, one call per list (company, categories, bank accounts, contacts, invoices,
    # credit notes, bills) and two per bank account: nothing is paged through again.
    accounts = len(freeagent_world(sandbox).accounts)
    assert len(incremental) == 1 + 7 + 2 * accounts
    assert not [e for e in incremental if e.get("status") != 200]


def test_a_deposit_a_cent_off_fails_the_reconciliation_test(built, sandbox, meltano_env, warehouse):
    """Every payout and deposit loaded days ago, past the lookback; a deposit a cent off its payout
    is read now: the hourly run checks that payout (its deposit loaded in the window) and fails,
    as the full build does."""
    world, url = sandbox
    for schema in ("raw_shopify", "raw_amazon", "raw_freeagent"):
        for (table,) in query(
            warehouse, "select table_name from information_schema.tables where table_schema = %s", (schema,)
        ):
            query(warehouse, f"update {schema}.{table} set _sdc_batched_at = _sdc_batched_at - interval '4 days'")
    meltano(meltano_env, "invoke", "dbt-postgres", "build", "--full-refresh")
    world.faults.arm("cent_off_deposits", "freeagent")
    [moved] = world.freeagent.cent_off_ids()
    meltano(meltano_env, "run", "tap-freeagent", "target-postgres")
    hourly = meltano(meltano_env, "invoke", "dbt-postgres:hourly", check=False)
    assert hourly.returncode != 0
    assert "Failure in test payout_deposits_agree_to_the_cent" in hourly.stdout, hourly.stdout[-3000:]
    # Only that payout was within the window: every other payout was loaded days before it.
    [(in_window, payouts)] = query(
        warehouse,
        "select count(*) filter (where _loaded_at > (select max(_loaded_at) from warehouse.payout_deposits)"
        " - interval '2 hours'), count(*) from warehouse.payout_deposits where row_type = 'payout'",
    )
    assert 1 <= in_window < payouts
    result = meltano(meltano_env, "invoke", "dbt-postgres", "build", "--select", "+payout_deposits+", check=False)
    assert result.returncode != 0
    failures = [line for line in result.stdout.splitlines() if "FAIL" in line]
    assert any("payout_deposits_agree_to_the_cent" in line for line in failures), failures
    del moved, url
