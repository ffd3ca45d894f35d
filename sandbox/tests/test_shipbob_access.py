"""Who may call, how often, and what a bad day looks like: auth, the sliding-window rate limit with
its headers, the sandbox-wide faults, and the request log."""

from __future__ import annotations

import http.client
import json
import urllib.error
from datetime import UTC, datetime

import pytest

from sandbox.tests.amazon_client import http as raw_http
from sandbox.tests.shipbob_client import ShipBob, parse

ANCHOR = datetime(2026, 6, 1, tzinfo=UTC)
SMALL = {"shopify_orders": 20, "days": 20, "anchor": ANCHOR, "amazon_orders": 5}


def test_a_missing_or_unknown_token_is_401(sandbox_factory):
    _, base = sandbox_factory(**SMALL)
    for token in ("", "not-the-token"):
        reply = ShipBob(base, token=token).get("/order")
        assert reply.status == 401
        assert "token" in parse(reply)["detail"].lower() or "authorization" in parse(reply)["detail"].lower()
    reply = raw_http("GET", base + "/2026-01/order", headers={"Authorization": "Basic abc"})
    assert reply.status == 401


def test_a_missing_scope_is_403_naming_it(sandbox_factory):
    _, base = sandbox_factory(**SMALL, shipbob_scopes=("orders_read", "channels_read"))
    client = ShipBob(base)
    assert client.get("/order").status == 200
    reply = client.get("/invoices")
    assert reply.status == 403 and "billing_read" in parse(reply)["detail"]
    channels = client.ok("/channel", "get-channels")["items"]
    assert channels[0]["scopes"]  # the channels list the scopes there are
    with pytest.raises(ValueError, match="shipbob_scopes"):
        sandbox_factory(**SMALL, shipbob_scopes=("everything",))
    with pytest.raises(ValueError, match="shipbob_rate_limit"):
        sandbox_factory(**SMALL, shipbob_rate_limit=0)


def test_every_answer_counts_down_the_window_and_the_151st_call_in_a_minute_is_429(sandbox_factory):
    # simulated time runs at a hundredth of real time, so the burst fits in the minute however slow the machine
    sandbox, base = sandbox_factory(**SMALL, time_scale=0.01)
    client = ShipBob(base)
    remaining = []
    paths = ["/order", "/channel", "/fulfillment-center", "/inventory-level", "/invoices"]
    for n in range(150):  # across all endpoints: one window per user and application
        reply = client.get(paths[n % len(paths)])
        assert reply.status == 200, reply.raw
        remaining.append(int(reply.headers["x-remaining-calls"]))
    assert remaining == list(range(149, -1, -1))
    refused = client.get("/return")
    assert refused.status == 429
    assert refused.headers["x-remaining-calls"] == "0"
    wait = int(refused.headers["x-retry-after"])  # real seconds: a simulated minute is 6000 of them here
    assert 5000 <= wait <= 6000
    sandbox.clock.advance(61)  # the minute slides past every call
    again = client.get("/return")
    assert again.status == 200 and again.headers["x-remaining-calls"] == "149"
    log = [e for e in sandbox.requests() if e["api"] == "shipbob"]
    assert len(log) == 152 and sum(1 for e in log if e.get("throttled")) == 1
    assert {e["operation"] for e in log} >= {"get-orders", "get-invoices", "get-return-orders"}


def test_the_window_slides_rather_than_resets(sandbox_factory):
    sandbox, base = sandbox_factory(**SMALL, time_scale=0.01, shipbob_rate_limit=4)
    client = ShipBob(base)
    for _ in range(2):
        assert client.get("/channel").status == 200
    sandbox.clock.advance(40)
    for _ in range(2):
        assert client.get("/channel").status == 200
    assert client.get("/channel").status == 429
    sandbox.clock.advance(21)  # the first two calls left the window, the last two have not
    assert [client.get("/channel").status for _ in range(3)] == [200, 200, 429]


def test_an_armed_throttle_is_a_429_with_the_documented_headers(sandbox_factory):
    sandbox, base = sandbox_factory(**SMALL)
    sandbox.faults.arm("throttle", "shipbob", count=2)
    client = ShipBob(base)
    replies = [client.get("/order") for _ in range(3)]
    assert [r.status for r in replies] == [429, 429, 200]
    assert replies[0].headers["x-retry-after"] == "1" and replies[0].headers["x-remaining-calls"] == "0"


def test_a_burst_of_5xx_then_every_order(sandbox_factory):
    sandbox, base = sandbox_factory(**SMALL)
    reply = raw_http(
        "POST",
        base + "/_sandbox/faults",
        json.dumps({"api": "shipbob", "kind": "http_error", "status": 503, "count": 3}).encode(),
    )
    assert reply.status == 200
    client = ShipBob(base)
    assert [client.get("/order").status for _ in range(3)] == [503, 503, 503]
    assert len(client.numbered("/order", "get-orders", limit=10)) == len(sandbox.shipbob.world.order_keys())


def test_reset_and_truncate(sandbox_factory):
    sandbox, base = sandbox_factory(**SMALL)
    client = ShipBob(base)
    sandbox.faults.arm("reset", "shipbob")
    with pytest.raises((urllib.error.URLError, ConnectionError, http.client.HTTPException)):
        client.get("/order")
    sandbox.faults.arm("truncate", "shipbob")
    cut = client.get("/order", Limit=5)
    assert cut.status == 200
    with pytest.raises(json.JSONDecodeError):
        parse(cut)
    assert client.get("/order", Limit=5).status == 200
    faults = [e.get("fault") for e in sandbox.requests() if e["api"] == "shipbob"]
    assert faults[:2] == ["reset", "truncate"]


def test_faults_for_other_apis_leave_shipbob_alone(sandbox_factory):
    sandbox, base = sandbox_factory(**SMALL)
    sandbox.faults.arm("http_error", "amazon", count=5)
    assert ShipBob(base).get("/channel").status == 200


def test_shipbob_can_be_turned_off(sandbox_factory):
    sandbox, base = sandbox_factory(**SMALL, shipbob=False)
    assert sandbox.shipbob is None
    assert ShipBob(base).get("/order").status == 404
    health = json.loads(raw_http("GET", base + "/_sandbox/health").raw)
    assert health["shipbob"] is None
