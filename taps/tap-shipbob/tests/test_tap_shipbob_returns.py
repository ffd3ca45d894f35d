"""Returns read incrementally, exactly: the first run reads the list whole; after the account's
clock moves on, the next run emits exactly the returns created or changed since (arrived,
completed, cancelled), each once, equal to what a whole read gives for them, in fewer calls."""

from __future__ import annotations

from datetime import timedelta

import pytest
from shipbob_sandbox import calls, sync, tap_config
from tap_shipbob.streams import returns as returns_module

from sandbox.server import present_anchor

STREAMS = {"returns", "return_items", "return_actions"}
OPEN = {"AwaitingArrival", "Arrived", "Processing"}
PAGE = 5  # small pages, so a whole read of this small account takes several calls, as a large one's does


@pytest.fixture
def account(sandbox_factory, monkeypatch):
    """An account (seed 9) with returns open, one of them cancelled within the next day, and
    returns not created yet; its clock runs at real speed, so nothing moves during a run."""
    monkeypatch.setattr(returns_module, "PAGE", PAGE)
    sandbox, url = sandbox_factory(
        seed=9, shopify_orders=300, amazon_orders=2, days=45, time_scale=1, anchor=present_anchor()
    )
    return sandbox, tap_config(url, time_scale=1, lookback_window_days=0)


def statuses(sandbox) -> dict[int, str | None]:
    """Each return created by now, with its status now."""
    now = sandbox.shipbob.now()
    return {r.id: r.status(now) for r in sandbox.shipbob.world.returns() if r.inserted <= now}


def synced(sandbox, config, state=None):
    """One run of the returns streams, the return listings it made, and the account's returns
    (the same before and after the run: none changed while it read)."""
    before, seen = statuses(sandbox), len(calls(sandbox))
    out = sync(config, state, STREAMS)
    made = [c for c in calls(sandbox)[seen:] if c["operation"] in ("get-return-orders", "get-return-order")]
    assert statuses(sandbox) == before
    return out, made, before


def by_return(records, key="return_id"):
    out: dict[int, list] = {}
    for r in records:
        out.setdefault(r[key], []).append(r)
    return out


def test_a_second_run_emits_exactly_the_returns_created_or_changed_since_the_first(account):
    sandbox, config = account
    first, first_calls, then = synced(sandbox, config)
    assert {r["id"]: r["status"] for r in first.records["returns"]} == then
    assert len(first_calls) == -(-len(then) // PAGE)  # whole, page by page
    bookmark = first.state["bookmarks"]["returns"]
    assert {int(i) for i in bookmark["open"]} == {i for i, s in then.items() if s in OPEN}

    sandbox.clock.advance(timedelta(days=2).total_seconds())
    second, second_calls, now = synced(sandbox, config, first.state)
    changed = {i: s for i, s in now.items() if then.get(i) != s}
    # The world moved on in every way the tap must follow.
    moves = {(then.get(i), s) for i, s in changed.items()}
    assert any(old is None for old, _ in moves), "a return created"
    assert any(old in OPEN and new == "Completed" for old, new in moves), "an open return completed"
    assert any(old in OPEN and new == "Cancelled" for old, new in moves), "an open return cancelled"
    assert any(old == new for old, new in {(then.get(i), now[i]) for i in now if now[i] in OPEN}), "one left open"

    emitted = [r["id"] for r in second.records["returns"]]
    assert len(emitted) == len(set(emitted))  # each once
    assert {r["id"]: r["status"] for r in second.records["returns"]} == changed
    assert {int(i) for i in second.state["bookmarks"]["returns"]["open"]} == {i for i, s in now.items() if s in OPEN}

    # What a whole read gives now, for those returns and their items and actions.
    whole, whole_calls, _ = synced(sandbox, config)
    assert len(second_calls) < len(whole_calls)
    wanted = set(changed)
    assert by_return(second.records["returns"], "id") == by_return(
        [r for r in whole.records["returns"] if r["id"] in wanted], "id"
    )
    for child in ("return_items", "return_actions"):
        got, full = by_return(second.records[child]), by_return(whole.records[child])
        assert got == {i: rows for i, rows in full.items() if i in wanted}, child
    assert set(by_return(second.records["return_items"])) == wanted
