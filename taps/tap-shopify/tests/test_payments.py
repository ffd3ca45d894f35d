"""Payouts and balance transactions sync incrementally and pick up their status changes."""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sandbox.shopify.ledger import PAYOUT_EVERY_DAYS

from .conftest import SHOP, tap_config
from .test_sync import sync

PAYMENT_QUERIES = ("Payouts", "PayoutStatuses", "BalanceTransactions")
DAY = 86400.0


def calls_by_operation(url: str) -> Counter[str]:
    """Shopify calls per GraphQL operation, from the sandbox's request log."""
    with urllib.request.urlopen(f"{url}/_sandbox/requests", timeout=10) as response:
        log = json.load(response)["requests"]
    return Counter(e.get("operation") for e in log if e.get("api") == "shopify")


def reset_log(url: str) -> None:
    request = urllib.request.Request(f"{url}/_sandbox/reset-log", data=b"{}", method="POST")
    urllib.request.urlopen(request, timeout=10).close()


def last_state(runner) -> dict:
    return runner.state_messages[-1]["value"]


def settled_anchor() -> datetime:
    """One day into a payout period that closed at least a day before now, so that its payout (and
    the next one) fall before the tap's window end as the sandbox clock is moved on."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    period = timedelta(days=PAYOUT_EVERY_DAYS)
    boundary = epoch + period * ((datetime.now(UTC) - timedelta(days=4) - epoch) // period)
    return boundary + timedelta(days=1)


def expected_payments(sandbox) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """What the sandbox holds now: payouts (status, net) and transactions (payout, status, net) by id."""
    shop = sandbox.shopify.shops[SHOP]
    ledger, now = shop.entities.ledger, shop.now()
    payouts = {}
    for payout in ledger.issued(now):
        obj = ledger.payout_object(payout, "USD", now)
        payouts[obj["id"]] = (obj["status"], Decimal(obj["net"]["amount"]))
    transactions = {}
    for txn in ledger.balance:
        obj = ledger.balance_object(txn, "USD", now)
        paid_by = obj["associatedPayout"]
        transactions[obj["id"]] = (paid_by["id"], paid_by["status"], Decimal(obj["net"]["amount"]))
    return payouts, transactions


def synced_payments(*runners) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """The rows a loader holds after these syncs, upserted on (shop, id) in order."""
    payouts: dict[str, tuple] = {}
    transactions: dict[str, tuple] = {}
    for runner in runners:
        for r in runner.records["payouts"]:
            assert r["shop"] == SHOP
            payouts[r["id"]] = (r["status"], r["net"])
        for r in runner.records["balance_transactions"]:
            assert r["shop"] == SHOP
            transactions[r["id"]] = (r["payout_id"], r["payout_status"], r["net"])
    return payouts, transactions


def test_an_incremental_sync_reads_payments_in_a_call_or_two(sandbox_factory):
    _, url = sandbox_factory(shopify_orders=400, time_scale=500)
    config = tap_config(url, safety_lag_minutes=0)
    full = sync(config)
    before = calls_by_operation(url)
    assert len(full.records["balance_transactions"]) > 300  # a full read pages through them
    reset_log(url)
    again = sync(config, state=last_state(full))
    after = calls_by_operation(url)
    assert before["BalanceTransactions"] > 2, before
    assert all(1 <= after[q] <= 2 for q in PAYMENT_QUERIES), after
    # None new, and no payout moved: neither payouts nor transactions are read again.
    assert again.records["payouts"] == []
    assert again.records["balance_transactions"] == []
    assert after["PayoutNodes"] == 0
    bookmarks = last_state(again)["bookmarks"]
    assert bookmarks["payouts"]["replication_key"] == "issued_at"
    assert bookmarks["payouts"]["payout_statuses"]
    assert bookmarks["balance_transactions"]["replication_key"] == "transaction_date"
    assert bookmarks["balance_transactions"]["payout_statuses"]


def test_payout_status_changes_are_re_emitted_and_upserts_equal_a_clean_sync(sandbox_factory):
    sandbox, url = sandbox_factory(shopify_orders=150, anchor=settled_anchor(), time_scale=100)
    config = tap_config(url, safety_lag_minutes=0)
    first = sync(config)
    held = synced_payments(first)
    assert held == expected_payments(sandbox)
    scheduled = {pid for pid, (status, _) in held[0].items() if status == "SCHEDULED"}
    pending = {tid for tid, (payout, status, _) in held[1].items() if status == "PENDING" and payout is None}
    assert scheduled and pending

    sandbox.clock.advance(1.3 * DAY)  # the scheduled payout reaches the bank
    second = sync(config, state=last_state(first))
    paid_now = {r["id"]: r["status"] for r in second.records["payouts"] if r["id"] in scheduled}
    assert paid_now == dict.fromkeys(scheduled, "PAID")
    moved = [r for r in second.records["balance_transactions"] if r["payout_id"] in scheduled]
    assert moved and all(r["payout_status"] == "PAID" for r in moved)

    sandbox.clock.advance(0.8 * DAY)  # the open period closes: its payout takes the pending transactions
    third = sync(config, state=last_state(second))
    taken = {r["id"]: r for r in third.records["balance_transactions"] if r["id"] in pending}
    assert set(taken) == pending
    assert all(r["payout_id"] and r["payout_status"] == "SCHEDULED" for r in taken.values())
    assert {r["payout_id"] for r in taken.values()} <= {r["id"] for r in third.records["payouts"]}

    clean = sync(config)
    assert synced_payments(first, second, third) == synced_payments(clean) == expected_payments(sandbox)
