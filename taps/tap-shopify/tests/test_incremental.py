"""Gap-free incremental syncs: the window, its inclusive start, resumption and deletions."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from tap_common.tap import RUN_RECORD_NAMES
from tap_shopify.window import shopify_time, sync_window

from sandbox.shopify.data import gid

from .conftest import SESSION_SANDBOX, SHOP, tap_config
from .test_sync import expected_orders, live, sync

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_window_starts_at_the_bookmark_less_the_lookback_and_ends_before_now():
    bookmark = datetime(2026, 11, 20, tzinfo=UTC)
    window = sync_window(bookmark=bookmark, start_date=None, lookback_days=2, started_at=NOW, safety_lag_minutes=5)
    assert window.start == datetime(2026, 11, 18, tzinfo=UTC)
    assert window.end == NOW - timedelta(minutes=5)
    assert window.search("updated_at") == "updated_at:>='2026-11-18T00:00:00Z' AND updated_at:<='2026-11-23T11:55:00Z'"


def test_window_never_reaches_before_the_start_date():
    window = sync_window(
        bookmark=datetime(2026, 1, 2, tzinfo=UTC),
        start_date=datetime(2026, 1, 1, tzinfo=UTC),
        lookback_days=30,
        started_at=NOW,
        safety_lag_minutes=0,
    )
    assert window.start == datetime(2026, 1, 1, tzinfo=UTC)


def order_times():
    return sorted(o["updatedAt"] for o in expected_orders(SESSION_SANDBOX).values())


def test_the_safety_lag_holds_back_recent_changes_for_the_next_run():
    times = order_times()
    cut = datetime.fromisoformat(times[-20].replace("Z", "+00:00"))
    lag = (datetime.now(UTC) - cut).total_seconds() / 60
    first = sync(tap_config(safety_lag_minutes=lag))
    bookmark = first.state_messages[-1]["value"]["bookmarks"]["orders"]["replication_key_value"]
    held_back = [t for t in times if t > bookmark]
    assert 0 < len(held_back) <= 20
    assert sorted(r["updated_at"] for r in live(first.records["orders"])) == [t for t in times if t <= bookmark]
    # The next run, with no lag, reads the held-back changes: together, every order once.
    second = sync(tap_config(safety_lag_minutes=0), state=first.state_messages[-1]["value"])
    first_ids = [r["id"] for r in live(first.records["orders"])]
    second_ids = [r["id"] for r in live(second.records["orders"])]
    assert sorted(first_ids + second_ids) == sorted(expected_orders(SESSION_SANDBOX))


def resume_state(bookmark: str, ids: list[str]) -> dict:
    return {
        "bookmarks": {
            "orders": {"replication_key": "updated_at", "replication_key_value": bookmark, "ids_at_bookmark": ids}
        }
    }


def test_records_at_the_bookmark_are_read_again_unless_already_emitted():
    orders = sorted(expected_orders(SESSION_SANDBOX).values(), key=lambda o: o["updatedAt"])
    pivot = orders[100]
    at_pivot = [o["id"] for o in orders if o["updatedAt"] == pivot["updatedAt"]]
    later = {o["id"] for o in orders if o["updatedAt"] > pivot["updatedAt"]}

    fresh = sync(tap_config(), state=resume_state(pivot["updatedAt"], []))
    assert {r["id"] for r in live(fresh.records["orders"])} == later | set(at_pivot)

    resumed = sync(tap_config(), state=resume_state(pivot["updatedAt"], at_pivot))
    assert {r["id"] for r in live(resumed.records["orders"])} == later


def test_lookback_window_rereads_days_before_the_bookmark():
    orders = sorted(expected_orders(SESSION_SANDBOX).values(), key=lambda o: o["updatedAt"])
    bookmark = orders[120]["updatedAt"]
    floor = shopify_time(datetime.fromisoformat(bookmark.replace("Z", "+00:00")) - timedelta(days=3))
    runner = sync(tap_config(lookback_window_days=3), state=resume_state(bookmark, []))
    assert {r["id"] for r in live(runner.records["orders"])} == {o["id"] for o in orders if o["updatedAt"] >= floor}


def test_deleted_orders_arrive_as_deleted_rows(sandbox_factory):
    sandbox, url = sandbox_factory(shopify_orders=200, time_scale=500)
    data = sandbox.shopify.shops[SHOP].data
    first = sync(tap_config(url, safety_lag_minutes=0))
    deleted = {r["id"]: r for r in first.records["orders"] if r.get("_sdc_deleted_at")}
    assert set(deleted) == {d.subject_id for d in data.deletions} and deleted
    assert all(r["updated_at"] == r["_sdc_deleted_at"] for r in deleted.values())

    victim = data.live_orders()[10]
    data.delete("ORDER", gid("Order", victim.legacy_id), datetime.now(UTC))
    second = sync(tap_config(url, safety_lag_minutes=0), state=first.state_messages[-1]["value"])
    [row] = [r for r in second.records["orders"] if r.get("_sdc_deleted_at")]
    assert row["id"] == gid("Order", victim.legacy_id) and row["shop"] == SHOP
    assert not [r for r in second.records["order_line_items"] if r["order_id"] == row["id"]]


def run_until_state(config_path, state_path, stop_after_states: int | None):
    """Run the tap as a process; kill it once it has written `stop_after_states` states."""
    args = [sys.executable, "-m", "tap_shopify.tap", "--config", str(config_path)]
    if state_path:
        args += ["--state", str(state_path)]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    received, states = [], []
    for line in process.stdout:
        message = json.loads(line)
        if message["type"] == "RECORD":
            received.append(message)
        elif message["type"] == "STATE":
            states.append(message["value"])
            if stop_after_states and len(states) == stop_after_states:
                process.kill()  # whatever it wrote after this state never reaches the loader
                break
    process.wait(timeout=60)
    return received, states


def test_an_interrupted_sync_resumes_without_gaps_or_duplicates(sandbox_factory, tmp_path):
    _, url = sandbox_factory(shopify_orders=400, time_scale=2000)
    config = tmp_path / "config.json"
    config.write_text(json.dumps(tap_config(url)))

    clean, _ = run_until_state(config, None, None)
    first, states = run_until_state(config, None, 3)
    assert states[-1]["bookmarks"]["orders"]["ids_at_bookmark"]  # a mid-sync state, not the final one
    state = tmp_path / "state.json"
    state.write_text(json.dumps(states[-1]))
    second, _ = run_until_state(config, state, None)

    def keyed(messages):
        # The run records (sync_runs, sync_streams) are new rows every run, not data read twice.
        data = [m for m in messages if m["stream"] not in RUN_RECORD_NAMES]
        return [(m["stream"], m["record"]["id"], m["record"].get("updated_at")) for m in data]

    assert len(first) < len(clean)
    assert sorted(keyed(first) + keyed(second)) == sorted(keyed(clean))


@pytest.mark.parametrize(("stream", "subject"), [("products", "PRODUCT"), ("customers", "CUSTOMER")])
def test_deleted_products_and_customers_arrive_as_deleted_rows(sandbox_factory, stream, subject):
    sandbox, url = sandbox_factory(shopify_orders=60, time_scale=500)
    data = sandbox.shopify.shops[SHOP].data
    first = sync(tap_config(url, safety_lag_minutes=0, bulk_mode="never"))
    victim = first.records[stream][3]["id"]
    data.delete(subject, victim, datetime.now(UTC))
    second = sync(tap_config(url, safety_lag_minutes=0, bulk_mode="never"), state=first.state_messages[-1]["value"])
    [row] = [r for r in second.records[stream] if r.get("_sdc_deleted_at")]
    assert row["id"] == victim and row["shop"] == SHOP
    third = sync(tap_config(url, safety_lag_minutes=0, bulk_mode="never"))
    assert victim not in {r["id"] for r in live(third.records[stream])}


def test_a_bookmark_ahead_of_the_sync_start_is_saved_as_the_sync_start():
    # A bookmark from a clock ahead of ours must not make every later run skip what it missed:
    # what the tap saves is never later than the moment its sync started.
    ahead = {
        "bookmarks": {"orders": {"replication_key": "updated_at", "replication_key_value": "2999-01-01T00:00:00Z"}}
    }
    runner = sync(tap_config(), state=ahead)
    finished = datetime.now(UTC)
    saved = [m["value"]["bookmarks"]["orders"]["replication_key_value"] for m in runner.state_messages]
    assert saved
    assert max(datetime.fromisoformat(value.replace("Z", "+00:00")) for value in saved) <= finished
