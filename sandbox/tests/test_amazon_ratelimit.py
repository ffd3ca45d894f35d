"""Usage plans: read from the models, enforced per operation, reported in headers."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from sandbox.amazon.models import MODEL_DIR, MODEL_NAMES, operation
from sandbox.tests.amazon_client import SPAPI, US

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "specs" / "amazon-sp-api"


@pytest.mark.parametrize(
    ("model", "name", "rate", "burst"),
    [
        ("orders_2026-01-01", "searchOrders", 0.0056, 20),
        ("ordersV0", "getOrders", 0.0167, 20),
        ("ordersV0", "getOrderItems", 0.5, 30),
        ("reports_2021-06-30", "createReport", 0.0167, 15),
        ("reports_2021-06-30", "getReport", 2.0, 15),
        ("financesV0", "listFinancialEvents", 0.5, 30),
        ("fbaInventory", "getInventorySummaries", 2.0, 2),
    ],
)
def test_usage_plans_come_from_the_models(model, name, rate, burst):
    op = operation(model, name)
    assert (op.rate, op.burst) == (rate, burst)


@pytest.mark.parametrize("name", [*MODEL_NAMES, "REPORTS"])
def test_shipped_models_are_amazons_published_ones(name):
    if not REFERENCE.is_dir():
        pytest.skip(f"reference specs not beside the repository ({REFERENCE})")
    if name == "REPORTS":
        assert (MODEL_DIR / "REPORTS.md").read_text() == (REFERENCE / "REPORTS.md").read_text()
        return
    with gzip.open(MODEL_DIR / f"{name}.json.gz", "rt", encoding="utf-8") as fh:
        assert json.load(fh) == json.loads((REFERENCE / f"{name}.json").read_text())


def test_burst_exhaustion_gets_429_quota_exceeded(sandbox_factory):
    _, base = sandbox_factory(amazon_orders=20, shopify_orders=5, time_scale=1)
    client = SPAPI(base).login()
    path, params = (
        "/fba/inventory/v1/summaries",
        {
            "granularityType": "Marketplace",
            "granularityId": US,
            "marketplaceIds": US,
        },
    )
    first = [client.get(path, **params) for _ in range(2)]  # burst 2
    assert [r.status for r in first] == [200, 200]
    assert all(r.headers["x-amzn-ratelimit-limit"] == "2" for r in first)
    throttled = client.get(path, **params)
    assert throttled.status == 429
    assert throttled.json["errors"][0]["code"] == "QuotaExceeded"
    assert throttled.headers["x-amzn-ratelimit-limit"] == "2"
    assert int(throttled.headers["retry-after"]) >= 1
    # Buckets are per operation: another operation still has its burst.
    assert client.get("/sellers/v1/marketplaceParticipations").status == 200


def test_bucket_restores_at_the_documented_rate_in_simulated_time(sandbox_factory):
    sandbox, base = sandbox_factory(amazon_orders=20, shopify_orders=5, time_scale=1)
    client = SPAPI(base).login()
    path = "/sellers/v1/marketplaceParticipations"
    statuses = [client.get(path).status for _ in range(16)]  # burst 15
    assert statuses == [200] * 15 + [429]
    sandbox.clock.advance(1 / 0.016)  # one token back at 0.016 per second
    assert client.get(path).status == 200
    assert client.get(path).status == 429


def test_rate_header_is_in_real_seconds_at_any_time_scale(sandbox_factory):
    _, base = sandbox_factory(amazon_orders=20, shopify_orders=5, time_scale=100)
    reply = SPAPI(base).login().get("/sellers/v1/marketplaceParticipations")
    assert reply.headers["x-amzn-ratelimit-limit"] == "1.6"


def test_every_call_is_in_the_request_log(sandbox_factory):
    sandbox, base = sandbox_factory(amazon_orders=20, shopify_orders=5)
    client = SPAPI(base).login()
    client.get("/sellers/v1/marketplaceParticipations")
    client.get("/reports/2021-06-30/reports/unknown")
    log = [e for e in sandbox.requests() if e["api"] == "amazon"]
    assert [(e["operation"], e["status"]) for e in log] == [
        ("lwaToken", 200),
        ("getMarketplaceParticipations", 200),
        ("getReport", 404),
    ]
    assert all(e["sim_end"] >= e["sim_start"] for e in log)
