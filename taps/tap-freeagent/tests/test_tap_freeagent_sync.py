"""Syncs against the sandbox company over real HTTP: tokens expiring and rotating mid-sync, a 429
storm, an interrupted sync resuming, paging, incremental windows, exact amounts and ids."""

from __future__ import annotations

from decimal import Decimal

import pytest
from freeagent_sandbox import SESSION_SANDBOX, calls, post, standard_options, sync, tap_config
from tap_common.tap import RUN_RECORD_NAMES
from tap_freeagent import client
from tap_freeagent.streams.banking import BankTransactionsStream
from tap_freeagent.tap import TapFreeAgent

from sandbox.server import Sandbox, running

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


def keys(out, stream):
    return [(r["company_id"], r.get("id", r.get("nominal_code"))) for r in out.records[stream]]


@pytest.fixture(scope="module")
def full():
    """One full sync of the session's sandbox, and the calls it made."""
    before = len(calls(SESSION_SANDBOX))
    out = sync(tap_config())
    return out, calls(SESSION_SANDBOX)[before:]


def test_every_stream_has_records_with_company_and_ids(full):
    out, _ = full
    assert set(out.records) == STREAMS | RUN_RECORD_NAMES
    for stream in STREAMS:
        assert all(r["company_id"] == "9301" for r in out.records[stream]), stream
        assert len(set(keys(out, stream))) == len(keys(out, stream)), f"{stream}: a key twice"
    txn = out.records["bank_transactions"][0]
    assert txn["bank_account"].endswith(f"/v2/bank_accounts/{txn['bank_account_id']}")
    assert txn["url"].endswith(f"/v2/bank_transactions/{txn['id']}")
    bill = out.records["bills"][0]
    assert bill["bill_items"] and all(item["category_id"] for item in bill["bill_items"])


def test_amounts_are_exact_decimals_with_their_currency(full):
    out, _ = full
    world = SESSION_SANDBOX.freeagent.world
    by_id = {r["id"]: r for r in out.records["bank_transactions"]}
    accounts = {str(a.id): a.currency for a in world.accounts}
    for number, txn in world.transactions.items():
        record = by_id[str(number)]
        assert isinstance(record["amount"], Decimal)
        assert record["amount"] == txn.amount
        assert record["currency"] == accounts[str(txn.bank_account_id)]


def test_every_account_is_read_each_with_its_own_bookmark(full):
    out, log = full
    world = SESSION_SANDBOX.freeagent.world
    assert len(world.accounts) >= 3  # GBP plus the channels' USD and CAD
    partitions = out.state["bookmarks"]["bank_transactions"]["partitions"]
    assert sorted(p["context"]["bank_account_id"] for p in partitions) == sorted(str(a.id) for a in world.accounts)
    assert {e["path"] for e in log} >= {"/v2/bank_transactions", "/v2/bank_transaction_explanations"}
    assert not [e for e in log if e.get("status") != 200]


def test_lists_are_paged_through_link_headers(full, monkeypatch):
    # Pages of ten, so every list of the small world spans several: the Link header's `next` leads on.
    out, _ = full
    monkeypatch.setattr(client, "PER_PAGE", 10)
    before = len(calls(SESSION_SANDBOX))
    paged = sync(tap_config(), streams={"bank_accounts", "bank_transactions", "bills"})
    log = calls(SESSION_SANDBOX)[before:]
    for stream in ("bank_transactions", "bills"):
        assert sorted(keys(paged, stream)) == sorted(keys(out, stream)), stream
    pages = [e for e in log if e["path"] == "/v2/bank_transactions"]
    assert len(pages) >= len(out.records["bank_transactions"]) // 10


def test_incremental_run_reads_only_the_window(full):
    out, _ = full
    before = len(calls(SESSION_SANDBOX))
    again = sync(tap_config(), state=out.state)
    log = calls(SESSION_SANDBOX)[before:]
    # Each incremental list asked from its bookmark less the lookback, and got less than the full read.
    windows = [e for e in log if e["path"] in ("/v2/bank_transactions", "/v2/invoices", "/v2/bills")]
    assert windows
    assert len(again.records["bank_transactions"]) < len(out.records["bank_transactions"])
    assert len(again.records["bills"]) < len(out.records["bills"])


def test_access_token_expiring_mid_sync_is_refreshed_and_the_rotated_refresh_token_used(monkeypatch):
    with running(Sandbox(standard_options(freeagent_single_use_refresh_tokens=True))) as url:
        expired = []
        original = BankTransactionsStream.post_process

        def expire_once(self, row, context=None):
            if not expired:
                expired.append(post(url, "/_sandbox/faults", {"api": "freeagent", "kind": "expire_tokens"}))
            return original(self, row, context)

        monkeypatch.setattr(BankTransactionsStream, "post_process", expire_once)
        tap = TapFreeAgent(config=tap_config(url))
        first_token = tap.oauth.refresh_token
        out = sync(tap_config(url), tap=tap)
        assert expired
        # Two refreshes: the second with the rotated token (the first is single-use and now refused).
        assert tap.oauth.refreshes == 2
        assert tap.oauth.refresh_token != first_token
        assert len(out.records["bank_transactions"]) > 0
        assert set(out.records) == STREAMS | RUN_RECORD_NAMES


def test_single_use_refresh_tokens_persist_in_the_token_file(tmp_path):
    token_file = tmp_path / "secrets" / "freeagent-refresh-token"
    with running(Sandbox(standard_options(freeagent_single_use_refresh_tokens=True))) as url:
        config = tap_config(url, refresh_token_file=str(token_file))
        first = sync(config, streams={"company"})
        saved = token_file.read_text().strip()
        assert saved and saved != "stratus-freeagent-refresh"
        assert oct(token_file.stat().st_mode & 0o777) == "0o600"
        # The next run starts from the file's token (the configured one is spent) and rotates it again.
        second = sync(config, streams={"company"})
        assert token_file.read_text().strip() != saved
        assert first.records["company"] == second.records["company"]
        # Without the file, the spent token is refused.
        with pytest.raises(Exception, match="refused the refresh-token exchange"):
            sync(tap_config(url), streams={"company"})


def test_a_429_storm_is_waited_out_and_nothing_is_lost():
    sandbox = Sandbox(standard_options())
    with running(sandbox) as url:
        calm = sync(tap_config(url))  # the books are built on the first request, then stay as they are
        before = len(calls(sandbox))
        post(url, "/_sandbox/faults", {"api": "freeagent", "kind": "throttle", "count": 6})
        stormy = sync(tap_config(url))
    assert sum(1 for e in calls(sandbox)[before:] if e.get("status") == 429) == 6
    for stream in STREAMS:
        assert sorted(keys(stormy, stream)) == sorted(keys(calm, stream)), stream


class StopMidwayError(Exception):
    pass


def test_an_interrupted_sync_resumes_without_gaps_or_duplicates(full, monkeypatch):
    out, _ = full
    original = BankTransactionsStream.post_process
    seen = []

    def stop_midway(self, row, context=None):
        seen.append(row)
        if len(seen) == 30:  # within the second account's transactions or later
            raise StopMidwayError
        return original(self, row, context)

    monkeypatch.setattr(BankTransactionsStream, "post_process", stop_midway)
    partial = sync(tap_config(), allow_failure=True)
    assert isinstance(partial.error, StopMidwayError)
    monkeypatch.setattr(BankTransactionsStream, "post_process", original)
    done = partial.state["bookmarks"]["bank_transactions"].get("partitions", [])
    before = len(calls(SESSION_SANDBOX))
    resumed = sync(tap_config(), state=partial.state)
    log = calls(SESSION_SANDBOX)[before:]
    # No gaps: what the two runs wrote together is everything a clean run writes.
    for stream in STREAMS:
        together = set(keys(partial, stream)) | set(keys(resumed, stream))
        assert together == set(keys(out, stream)), stream
        # No duplicates within a run; across runs the loader upserts on the key.
        assert len(set(keys(resumed, stream))) == len(keys(resumed, stream)), stream
    # An account finished before the interruption resumes from its bookmark, not from start_date.
    finished = {p["context"]["bank_account_id"] for p in done if p.get("replication_key_value")}
    assert finished, "the interruption came before any account was done"
    windows = [e for e in log if e["path"] == "/v2/bank_transactions"]
    assert len(windows) == len(SESSION_SANDBOX.freeagent.world.accounts)
