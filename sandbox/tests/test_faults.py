"""Faults are armed over HTTP, hit exactly the requests they name, and then stop."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request

import pytest

from sandbox.faults import FaultError, FaultPlan
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
    [
        {"kind": "meteor"},
        {"kind": "http_error", "status": 200},
        {"kind": "reset", "count": -1},
        {"when": "now"},
        {"kind": ["reset"]},
        {"api": ["shopify"], "kind": "reset"},
        {"kind": "reset", "where": {"shop": ["x"]}},
    ],
)
def test_a_bad_fault_is_refused_with_a_reason(shop, spec):
    _, base = shop
    status, body = arm(base, spec)
    assert status == 400 and body["errors"]


def control(base, method):
    request = urllib.request.Request(f"{base}/_sandbox/faults", method=method)
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def test_one_endpoint_shows_every_apis_kinds_what_is_armed_and_what_fired(shop):
    _, base = shop
    arm(base, [{"api": "shopify", "kind": "http_error", "count": 2}, {"api": "amazon", "kind": "fatal_reports"}])
    post(base, QUERY)
    status = control(base, "GET")
    assert {"throttle", "http_error", "reset", "truncate", "bulk_timeout"} <= set(status["kinds"]["shopify"])
    assert {"throttle", "fatal_reports", "expire_tokens"} <= set(status["kinds"]["amazon"])
    assert all(isinstance(line, str) and line for kinds in status["kinds"].values() for line in kinds.values())
    assert status["filters"]["amazon"].keys() == {"operation", "report_type"}
    assert [(f["api"], f["kind"], f["count"]) for f in status["armed"]] == [
        ("shopify", "http_error", 1),
        ("amazon", "fatal_reports", 1),
    ]
    assert status["fired"] == {"shopify": {"http_error": 1}}
    assert control(base, "DELETE")["armed"] == []
    assert post(base, QUERY)[0] == 200


def test_a_list_with_one_bad_fault_arms_none(shop):
    _, base = shop
    status, body = arm(base, [{"api": "shopify", "kind": "reset"}, {"api": "shopify", "kind": "meteor"}])
    assert status == 400 and "meteor" in body["errors"]
    assert control(base, "GET")["armed"] == []


def test_a_fault_limited_to_one_shop_leaves_the_other_alone(shop):
    _, base = shop
    arm(base, {"api": "shopify", "kind": "http_error", "where": {"shop": ["stratus-outlet.myshopify.com"]}})
    assert post(base, QUERY)[0] == 200  # the default shop
    outlet = "/shops/stratus-outlet.myshopify.com/admin/api/2026-10/graphql.json"
    assert post(base, QUERY, path=outlet)[0] == 503


def test_an_api_without_a_declaration_of_its_own_answers_the_common_kinds():
    faults = FaultPlan()
    faults.arm("throttle", "another-api", count=1, skip=1)
    assert faults.take("another-api") is None  # skipped
    assert faults.take("shopify") is None  # another API's fault
    taken = faults.take("another-api")
    assert taken is not None and taken.kind == "throttle"
    assert faults.fired("another-api", "throttle") == 1
    with pytest.raises(FaultError, match="fatal_reports"):
        faults.arm("fatal_reports", "another-api")
    with pytest.raises(FaultError, match="where"):
        faults.arm("reset", "another-api", where={"operation": ["x"]})
