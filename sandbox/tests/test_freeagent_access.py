"""FreeAgent's OAuth and limits over real HTTP: expiring access tokens, rotating refresh tokens,
429 with Retry-After at the documented limits, injected faults in FreeAgent's shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from sandbox.__main__ import _options, _parser
from sandbox.freeagent.auth import ACCESS_TOKEN_LIFETIME, CLIENT_ID, REFRESH_TOKEN
from sandbox.freeagent.ratelimit import PER_HOUR, PER_MINUTE, REFRESHES_PER_MINUTE
from sandbox.server import Sandbox, SandboxOptions
from sandbox.tests.amazon_client import http
from sandbox.tests.freeagent_client import FreeAgent, parse, serve, token_request

ANCHOR = datetime(2026, 6, 1, tzinfo=UTC)
USER_KEY = "user:" + CLIENT_ID
SMALL: dict[str, Any] = {"shopify_orders": 30, "amazon_orders": 20, "days": 30, "anchor": ANCHOR, "shipbob": False}


@pytest.fixture
def served():
    with serve(**SMALL) as served:
        yield served


def test_token_endpoint_takes_basic_auth_or_body_credentials(served):
    _, client = served
    for basic in (True, False):
        reply = token_request(client.base, basic=basic)
        assert reply.status == 200, reply.raw
        body = reply.json
        assert body["token_type"] == "bearer" and body["expires_in"] == ACCESS_TOKEN_LIFETIME
        assert body["refresh_token"] != REFRESH_TOKEN and body["refresh_token_expires_in"] > 0
    wrong = token_request(client.base, basic=False, client_secret="nope")
    assert wrong.status == 401 and wrong.json["error"] == "invalid_client"
    stale = token_request(client.base, refresh_token="never-issued")
    assert stale.status == 400 and stale.json["error"] == "invalid_grant"
    code = token_request(client.base, grant_type="authorization_code")
    assert code.status == 400 and code.json["error"] == "unsupported_grant_type"


def test_access_tokens_expire_on_the_clients_clock(served):
    sandbox, client = served
    assert client.get("company").status == 200
    sandbox.clock.advance(ACCESS_TOKEN_LIFETIME - 5)
    assert client.get("company").status == 200
    sandbox.clock.advance(10)
    expired = client.get("company")
    assert expired.status == 401
    assert parse(expired) == {"errors": {"error": {"message": "Access token has expired"}}}
    client.login()  # with the refresh token the last refresh returned
    assert client.get("company").status == 200
    assert FreeAgent(client.base, token="made-up").get("company").status == 401
    assert http("GET", client.base + "/v2/company").status == 401


def test_each_refresh_rotates_the_refresh_token():
    with serve(**SMALL) as (_, client):
        first = client.refresh_token
        client.login()
        assert client.refresh_token != first
        # FreeAgent's pages do not say a used refresh token stops working: it lasts its lifetime.
        assert token_request(client.base, refresh_token=first).status == 200
    with serve(**SMALL, freeagent_single_use_refresh_tokens=True) as (_, client):
        used = client.refresh_token
        assert token_request(client.base, refresh_token=REFRESH_TOKEN).json["error"] == "invalid_grant"
        client.login()
        again = token_request(client.base, refresh_token=used)
        assert again.status == 400 and again.json["error"] == "invalid_grant"
        assert client.get("company").status == 200


def test_expire_tokens_fault_forces_a_refresh_mid_sync(served):
    _, client = served
    reply = http(
        "POST", client.base + "/_sandbox/faults", json.dumps({"api": "freeagent", "kind": "expire_tokens"}).encode()
    )
    assert reply.status == 200
    assert client.get("contacts").status == 401
    client.login()
    assert client.get("contacts").status == 200


def test_rate_limit_per_minute_answers_429_with_retry_after(served):
    sandbox, client = served
    sandbox.clock.advance(60 - sandbox.clock.now() % 60)  # the top of a minute
    statuses = [client.get("company").status for _ in range(PER_MINUTE)]
    assert set(statuses) == {200}
    throttled = client.get("company")
    assert throttled.status == 429
    assert 1 <= int(throttled.headers["retry-after"]) <= 60
    assert "120" in parse(throttled)["errors"]["error"]["message"]
    sandbox.clock.advance(int(throttled.headers["retry-after"]))
    assert client.get("company").status == 200
    assert any(e.get("throttled") for e in sandbox.requests() if e["api"] == "freeagent")


def test_the_rate_limit_test_header_lowers_the_limit_to_five(served):
    sandbox, client = served
    sandbox.clock.advance(60 - sandbox.clock.now() % 60)
    test = {"X-RateLimit-Test": "true"}
    assert [client.get("company", headers=test).status for _ in range(5)] == [200] * 5
    reply = client.get("company", headers=test)
    assert reply.status == 429 and int(reply.headers["retry-after"]) >= 1


def test_sandbox_faults_hit_freeagent_in_its_shape(served):
    sandbox, client = served
    sandbox.faults.arm("http_error", "freeagent", status=502)
    failed = client.get("company")
    assert failed.status == 502 and "message" in parse(failed)["errors"]["error"]
    sandbox.faults.arm("throttle", "freeagent")
    throttled = client.get("company")
    assert throttled.status == 429 and throttled.headers["retry-after"] == "1"
    assert client.get("company").status == 200
    entries = [e for e in sandbox.requests() if e["api"] == "freeagent"]
    assert [e["status"] for e in entries[-3:]] == [502, 429, 200]
    assert entries[-1]["path"] == "/v2/company" and entries[-1]["operation"] == "company"


def test_unmodelled_parameters_are_ignored_and_logged(served):
    sandbox, client = served
    assert client.get("contacts", colour="blue").status == 200
    assert sandbox.requests()[-1]["ignored_params"] == ["colour"]


def test_the_hourly_limit_holds_until_the_top_of_the_hour(served):
    sandbox, client = served
    clock, windows = sandbox.clock, sandbox.freeagent.windows
    clock.advance(3600 - clock.now() % 3600)  # the top of an hour
    for _minute in range(PER_HOUR // PER_MINUTE):  # a client at the per-minute limit for half an hour
        for _ in range(PER_MINUTE):
            assert windows.take(USER_KEY, [(60, PER_MINUTE), (3600, PER_HOUR)]).allowed
        clock.advance(60)
    client.login()  # the token endpoint is limited apart from the API
    reply = client.get("company")
    assert reply.status == 429 and "3600" in parse(reply)["errors"]["error"]["message"]
    wait = int(reply.headers["retry-after"])
    assert 1500 < wait <= 1800  # until the top of the hour, not of the minute
    clock.advance(wait)
    client.login()
    assert client.get("company").status == 200


def test_token_refreshes_are_limited_to_fifteen_a_minute(served):
    sandbox, client = served
    sandbox.clock.advance(60 - sandbox.clock.now() % 60)
    for _ in range(REFRESHES_PER_MINUTE):
        client.login()
    reply = token_request(client.base, refresh_token=client.refresh_token)
    assert reply.status == 429 and int(reply.headers["retry-after"]) >= 1


def test_freeagent_options_are_checked_with_one_line_naming_them():
    with pytest.raises(ValueError, match=r"^freeagent_single_use_refresh_tokens: must be true or false"):
        Sandbox(SandboxOptions(**SMALL, freeagent_single_use_refresh_tokens="yes"))  # type: ignore[arg-type]
    assert Sandbox(SandboxOptions(**SMALL, freeagent=False)).freeagent is None


def test_python_m_sandbox_serves_freeagent_unless_told_not_to():
    assert _options(_parser().parse_args(["serve"])).freeagent is True
    assert _options(_parser().parse_args(["start", "--no-freeagent"])).freeagent is False
