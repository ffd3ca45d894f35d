"""Faults are armed over HTTP, hit exactly the requests they name, and then stop."""

from __future__ import annotations

import http.client
import json
import urllib.error

import pytest

from sandbox.tests.test_shopify_api import post, post_json

QUERY = {"query": "{ shop { name } }"}


def arm(base, spec):
    return post_json(f"{base}/_sandbox/faults", spec)


@pytest.fixture
def shop(sandbox_factory):
    return sandbox_factory(shopify_orders=5)


def test_an_http_error_burst_hits_the_next_requests_only(shop):
    sandbox, base = shop
    assert arm(base, {"api": "shopify", "kind": "http_error", "status": 502, "count": 2, "skip": 1})[0] == 200
    statuses = [post(base, QUERY)[0] for _ in range(5)]
    assert statuses == [200, 502, 502, 200, 200]
    assert [e.get("fault") for e in sandbox.requests()] == [None, "http_error", "http_error", None, None]


def test_a_throttle_fault_drains_the_bucket(shop):
    _, base = shop
    arm(base, {"api": "shopify", "kind": "throttle"})
    _, body = post(base, QUERY)
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] < 10


def test_reset_and_truncate_break_the_response(shop):
    _, base = shop
    arm(base, [{"kind": "reset"}, {"kind": "truncate"}])
    with pytest.raises((ConnectionError, http.client.HTTPException, urllib.error.URLError)):
        post(base, QUERY)
    with pytest.raises(json.JSONDecodeError):
        post(base, QUERY)
    assert post(base, QUERY)[0] == 200


@pytest.mark.parametrize(
    "spec",
    [{"kind": "meteor"}, {"kind": "http_error", "status": 200}, {"kind": "reset", "count": -1}, {"when": "now"}],
)
def test_a_bad_fault_is_refused_with_a_reason(shop, spec):
    _, base = shop
    status, body = arm(base, spec)
    assert status == 400 and body["errors"]
