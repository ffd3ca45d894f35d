"""Amazon's faults on demand: 429 storms, 5xx bursts, token expiry mid-sync, FATAL/CANCELLED reports,
truncated documents; from SandboxOptions or the sandbox's one fault endpoint."""

from __future__ import annotations

import gzip
import http.client as http_client
import json
import zlib
from datetime import UTC, datetime, timedelta

import pytest

from sandbox.faults import Fault, post_faults
from sandbox.tests.amazon_client import SPAPI, US, create, fetch_document, http, poll_until_final
from sandbox.tests.test_amazon_reports import ALL_ORDERS

ANCHOR = datetime(2026, 6, 1, tzinfo=UTC)
PARTICIPATIONS = "/sellers/v1/marketplaceParticipations"


def inject(base, kind, count=1, **where):
    """Arm one Amazon fault, limited to events whose attributes hold the given values."""
    return post_faults(base, Fault(kind, "amazon", count=count, where=where))


@pytest.fixture
def amazon(sandbox_factory):
    sandbox, base = sandbox_factory(amazon_orders=200, shopify_orders=5, days=40, anchor=ANCHOR, time_scale=1)
    return sandbox, base, SPAPI(base).login()


def test_a_429_storm_throttles_the_next_calls_then_clears(amazon):
    _, base, client = amazon
    inject(base, "throttle", 3)
    statuses = [client.get(PARTICIPATIONS).status for _ in range(4)]
    assert statuses == [429, 429, 429, 200]
    assert http("GET", base + "/_sandbox/faults").json["fired"]["amazon"]["throttle"] == 3


def test_a_storm_can_target_one_operation(amazon):
    _, base, client = amazon
    inject(base, "throttle", operation=["getReport"])
    assert client.get(PARTICIPATIONS).status == 200
    reply = client.get("/reports/2021-06-30/reports/123")
    assert reply.status == 429
    assert reply.json["errors"][0]["code"] == "QuotaExceeded"


def test_server_errors_alternate_500_and_503(amazon):
    _, base, client = amazon
    inject(base, "server_errors", 2)
    replies = [client.get(PARTICIPATIONS) for _ in range(3)]
    assert [r.status for r in replies] == [500, 503, 200]
    assert replies[0].json["errors"][0]["code"] == "InternalFailure"


def test_token_expiry_mid_sync(amazon):
    _, base, client = amazon
    assert client.get(PARTICIPATIONS).status == 200
    inject(base, "expire_tokens")
    reply = client.get(PARTICIPATIONS)
    assert reply.status == 403
    assert "expired" in reply.json["errors"][0]["message"]
    assert client.login().get(PARTICIPATIONS).status == 200


@pytest.mark.parametrize(("kind", "status"), [("fatal_reports", "FATAL"), ("cancelled_reports", "CANCELLED")])
def test_reports_end_fatal_or_cancelled_on_demand(amazon, kind, status):
    sandbox, base, client = amazon
    inject(base, kind)
    report_id = create(client, ALL_ORDERS, ANCHOR - timedelta(days=10), ANCHOR - timedelta(days=1))
    seen, report = poll_until_final(sandbox, client, report_id)
    assert seen[-1] == status
    assert "reportDocumentId" not in report
    again = create(client, ALL_ORDERS, ANCHOR - timedelta(days=10), ANCHOR - timedelta(days=1))
    assert poll_until_final(sandbox, client, again)[0][-1] == "DONE"


def test_truncated_document_fails_to_decompress(amazon):
    sandbox, base, client = amazon
    report_id = create(client, ALL_ORDERS, ANCHOR - timedelta(days=25), ANCHOR - timedelta(days=1))
    _, report = poll_until_final(sandbox, client, report_id)
    inject(base, "truncated_documents")
    cut = http("GET", fetch_document(client, report))
    assert cut.status == 200
    with pytest.raises((EOFError, zlib.error)):
        gzip.decompress(cut.raw)
    whole = http("GET", fetch_document(client, report))
    assert len(gzip.decompress(whole.raw).decode().splitlines()) > 1 + report_rows(cut.raw)


RETURNS = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"


def test_an_undeclared_charset_document_is_cp1252_without_a_charset(amazon):
    sandbox, base, client = amazon
    report_id = create(client, RETURNS, ANCHOR - timedelta(days=40), ANCHOR - timedelta(days=1))
    _, report = poll_until_final(sandbox, client, report_id)
    inject(base, "undeclared_charset_documents", report_type=[ALL_ORDERS])
    declared = http("GET", fetch_document(client, report))  # another report type: untouched
    assert "charset=UTF-8" in declared.headers["content-type"]
    inject(base, "undeclared_charset_documents", report_type=[RETURNS])
    bare = http("GET", fetch_document(client, report))
    assert bare.headers["content-type"] == "text/plain"
    text = gzip.decompress(bare.raw)
    with pytest.raises(UnicodeDecodeError):
        text.decode("utf-8")
    assert "— disappointed" in text.decode("cp1252") or "déçu" in text.decode("cp1252")


def test_an_unreadable_date_rewrites_the_third_rows_first_date(amazon):
    sandbox, base, client = amazon
    report_id = create(client, ALL_ORDERS, ANCHOR - timedelta(days=25), ANCHOR - timedelta(days=1))
    _, report = poll_until_final(sandbox, client, report_id)
    inject(base, "unreadable_dates")
    odd = gzip.decompress(http("GET", fetch_document(client, report)).raw).decode().splitlines()
    plain = gzip.decompress(http("GET", fetch_document(client, report)).raw).decode().splitlines()
    changed = [(a, b) for a, b in zip(odd, plain, strict=True) if a != b]
    assert len(changed) == 1 and changed[0][0] == odd[3]  # the header, then the third row
    date = odd[3].split("\t")[2]  # purchase-date
    assert datetime.strptime(date, "%m/%d/%Y %I:%M %p")


def report_rows(partial: bytes) -> int:
    """Rows in the readable part of a truncated gzip body."""
    text = zlib.decompressobj(31).decompress(partial).decode("utf-8", "replace")
    return len(text.splitlines()) - 1


def test_faults_from_sandbox_options(sandbox_factory):
    _, base = sandbox_factory(amazon_orders=20, shopify_orders=5, faults=(Fault("server_errors", "amazon"),))
    client = SPAPI(base).login()  # LWA itself is not faulted
    assert client.get(PARTICIPATIONS).status == 500
    assert client.get(PARTICIPATIONS).status == 200


@pytest.mark.parametrize(
    ("spec", "named"),
    [
        ({"api": "amazon", "kind": "meteor_strike"}, "meteor_strike"),
        ({"api": "amazon", "kind": "throttle", "count": -1}, "count"),
        ({"api": "amazon", "kind": "throttle", "where": {"marketplace": ["US"]}}, "marketplace"),
        ({"api": "amazon", "kind": "fatal_reports", "where": {"report_type": "GET_X"}}, "where"),
        ({"api": "shopify", "kind": "fatal_reports"}, "fatal_reports"),
    ],
)
def test_control_endpoint_rejects_unknown_faults(amazon, spec, named):
    _, base, _ = amazon
    reply = http("POST", base + "/_sandbox/faults", json.dumps(spec).encode())
    assert reply.status == 400
    assert named in reply.json["errors"]


def test_request_log_marks_throttled_calls(amazon):
    sandbox, base, client = amazon
    inject(base, "throttle")
    client.get(PARTICIPATIONS, marketplaceIds=US)
    [entry] = [e for e in sandbox.requests() if e.get("operation") == "getMarketplaceParticipations"]
    assert entry["status"] == 429 and entry["throttled"] is True


def test_connection_reset_drops_the_call_without_an_answer(amazon):
    sandbox, base, client = amazon
    inject(base, "connection_resets")
    with pytest.raises((ConnectionError, http_client.RemoteDisconnected)):
        client.get(PARTICIPATIONS)
    assert client.get(PARTICIPATIONS).status == 200
    resets = [e for e in sandbox.requests() if e.get("connection_reset")]
    assert [e["operation"] for e in resets] == ["getMarketplaceParticipations"]


def arm(base, **spec):
    reply = http("POST", base + "/_sandbox/faults", json.dumps(spec).encode())
    assert reply.status == 200, reply.raw


def test_sandbox_wide_faults_answer_in_sp_api_shape(amazon):
    sandbox, base, client = amazon
    arm(base, api="amazon", kind="http_error", status=503)
    arm(base, api="amazon", kind="throttle")
    unavailable = client.get(PARTICIPATIONS)
    assert unavailable.status == 503
    assert unavailable.json["errors"][0]["code"] == "ServiceUnavailable"
    throttled = client.get(PARTICIPATIONS)
    assert throttled.status == 429
    assert throttled.json["errors"][0]["code"] == "QuotaExceeded"
    assert throttled.headers["x-amzn-ratelimit-limit"] == "0.016"
    assert client.get(PARTICIPATIONS).status == 200
    faulted = [(e["operation"], e["fault"]) for e in sandbox.requests() if "fault" in e]
    assert faulted == [("getMarketplaceParticipations", "http_error"), ("getMarketplaceParticipations", "throttle")]


def test_sandbox_wide_truncation_cuts_a_report_document(amazon):
    sandbox, base, client = amazon
    report_id = create(client, ALL_ORDERS, ANCHOR - timedelta(days=25), ANCHOR - timedelta(days=1))
    _, report = poll_until_final(sandbox, client, report_id)
    url = fetch_document(client, report)
    arm(base, api="amazon", kind="truncate")
    cut = http("GET", url)
    assert cut.status == 200
    with pytest.raises((EOFError, zlib.error)):
        gzip.decompress(cut.raw)
