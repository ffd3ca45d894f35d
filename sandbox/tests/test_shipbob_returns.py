"""Returns follow the account's clock: listed once created, each status reached in turn with the
dates and history of the steps not reached yet null or absent, their charge shown (and billed)
only once completed, a few cancelled at no charge; the status and completion filters match what
each return is now. Every answer validates against the published description."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from sandbox.server import Sandbox
from sandbox.tests.shipbob_client import ShipBob, serve

ANCHOR = datetime(2026, 6, 1, tzinfo=UTC)
EVERYTHING = "2020-01-01T00:00:00Z"
STATUSES = ("AwaitingArrival", "Arrived", "Processing", "Completed", "Cancelled")


@pytest.fixture(scope="module")
def served():
    with serve(shopify_orders=150, days=15, anchor=ANCHOR, amazon_orders=2) as served:
        yield served


def now(sandbox: Sandbox) -> datetime:
    assert sandbox.shipbob is not None
    return sandbox.shipbob.now()


def listed(client: ShipBob, **params: Any) -> dict[int, dict[str, Any]]:
    return {r["id"]: r for r in client.items("/return", "get-return-orders", Limit=250, **params)}


def stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_every_status_filter_lists_exactly_the_returns_in_it(served):
    sandbox, client = served
    everything = listed(client)
    world = sandbox.shipbob.world
    assert set(everything) == {r.id for r in world.returns() if r.inserted <= now(sandbox)}
    assert set(everything) < {r.id for r in world.returns()}  # some are not created yet
    by_status = {status: listed(client, Status=status) for status in STATUSES}
    for status, found in by_status.items():
        assert {i for i, r in everything.items() if r["status"] == status} == set(found), status
    assert sum(map(len, by_status.values())) == len(everything)
    assert by_status["Completed"] and by_status["Cancelled"] and by_status["AwaitingArrival"]
    open_ = listed(client, Status="AwaitingArrival,Arrived,Processing")
    assert set(open_) == {i for i, r in everything.items() if r["status"] not in ("Completed", "Cancelled")}
    completed = listed(client, CompletedStartDate=EVERYTHING)
    assert set(completed) == set(by_status["Completed"])


def test_cancelled_returns_cost_nothing_and_are_never_billed(served):
    sandbox, client = served
    cancelled = listed(client, Status="Cancelled")
    assert cancelled
    for ret in cancelled.values():
        assert ret["cancelled_date"] and ret["arrived_date"] is None and ret["completed_date"] is None
        assert [h["status"] for h in ret["status_history"]] == ["AwaitingArrival", "Cancelled"]
        assert ret["transactions"] == [] and ret["invoice"]["amount"] is None
        assert all(i["action_taken"] == [] for i in ret["inventory"])
    billing = sandbox.shipbob.billing
    billed = {c.reference_id for inv in billing.invoices().values() for c in billing.charges(inv)}
    assert not billed & {str(i) for i in cancelled}
    # Every return billed was completed before its fee line.
    for inv in billing.invoices().values():
        for charge in billing.charges(inv):
            if charge.reference_type == "Return":
                ret = sandbox.shipbob.world.return_(int(charge.reference_id))
                assert ret is not None and ret.completed == charge.charged


def test_a_return_goes_through_each_status_as_the_clock_moves(served):
    sandbox, client = served
    start = now(sandbox)
    ret = min(
        (r for r in sandbox.shipbob.world.returns() if r.inserted > start and r.completed is not None),
        key=lambda r: r.inserted,
    )
    assert client.get(f"/return/{ret.id}").status == 404  # not created yet
    assert ret.id not in listed(client)
    steps = (
        ("AwaitingArrival", ret.inserted, ()),
        ("Arrived", ret.arrived, ("arrived_date",)),
        ("Processing", ret.processing, ("arrived_date", "processing_date")),
        ("Completed", ret.completed, ("arrived_date", "processing_date", "completed_date")),
    )
    for n, (status, at, dated) in enumerate(steps, start=1):
        assert at is not None
        sandbox.clock.advance((at - now(sandbox)).total_seconds() + 1)
        body = client.ok(f"/return/{ret.id}", "get-return-order")
        assert listed(client)[ret.id] == body
        assert body["status"] == status
        for date in ("arrived_date", "processing_date", "completed_date"):
            assert (body[date] is not None) == (date in dated), (status, date)
        assert body["cancelled_date"] is None
        assert [h["status"] for h in body["status_history"]] == [s for s, _, _ in steps[:n]]
        assert ret.id in listed(client, Status=status)
        since = listed(client, CompletedStartDate=stamp(start))
        assert (ret.id in since) == (status == "Completed")
        done = status == "Completed"
        assert all(len(i["action_taken"]) == int(done) for i in body["inventory"])
        if done:
            fee = Decimal("3.00") + Decimal("0.50") * (ret.units - 1)
            assert body["transactions"] == [{"amount": fee, "transaction_type": "Return Processed by Operations Fee"}]
            assert body["invoice"] == {"amount": fee, "currency_code": "USD"}
        else:
            assert body["transactions"] == [] and body["invoice"]["amount"] is None
    created = listed(client, StartDate=stamp(start))
    assert ret.id in created and all(r["insert_date"] >= stamp(start) for r in created.values())
