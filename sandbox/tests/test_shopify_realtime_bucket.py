"""Real-time cost buckets: whatever the world's time scale, the bucket drains and restores in
real seconds, so a client that ignores cost is THROTTLED under load, and a client that paces
from `throttleStatus` (our tap) is not."""

from __future__ import annotations

from typing import Any

import requests
from singer_sdk.testing import SuiteConfig, TapTestRunner
from tap_shopify.tap import TapShopify

from sandbox.__main__ import _options, _parser

SHOP = "stratus-demo.myshopify.com"
# The world runs an hour a second; the bucket holds 1000 points and restores 100 a real second.
OPTIONS: dict[str, Any] = {
    "shopify_orders": 30,
    "time_scale": 3600,
    "bucket_size": 1000,
    "restore_rate": 100,
    "realtime_bucket": True,
}
# An expensive page: requested 2 + 25 x (1 + 2 + 2 + (2 + 10 x 3)) = 927 points of a 1000-point bucket.
EXPENSIVE = """{
  orders(first: 25) {
    nodes {
      id
      totalPriceSet { shopMoney { amount } }
      totalTaxSet { shopMoney { amount } }
      lineItems(first: 10) { nodes { id originalUnitPriceSet { shopMoney { amount } } } }
    }
  }
}"""


def hammer(base: str, times: int) -> list[dict[str, Any]]:
    """A naive client: the same expensive query again and again, cost ignored."""
    url = f"{base}/admin/api/2026-10/graphql.json"
    with requests.Session() as session:
        session.headers["X-Shopify-Access-Token"] = "shpat_sandbox"
        return [session.post(url, json={"query": EXPENSIVE}, timeout=30).json() for _ in range(times)]


def throttled(sandbox: Any) -> list[dict[str, Any]]:
    return [e for e in sandbox.requests() if e["api"] == "shopify" and e.get("throttled")]


def test_a_client_that_ignores_cost_is_throttled_as_shopify_throttles(sandbox_factory):
    sandbox, base = sandbox_factory(**OPTIONS)
    answers = hammer(base, 25)
    refused = [a for a in answers if a.get("errors") and a["errors"][0]["extensions"]["code"] == "THROTTLED"]
    assert refused and len(refused) == len(throttled(sandbox))
    answer = refused[0]
    assert "data" not in answer
    assert answer["errors"][0]["message"] == "Throttled"
    cost = answer["extensions"]["cost"]
    assert cost["actualQueryCost"] is None
    assert cost["throttleStatus"]["currentlyAvailable"] < cost["requestedQueryCost"] <= 1000
    # Restored in real seconds: the rate is the bucket's own, not multiplied by the time scale.
    assert cost["throttleStatus"] == {**cost["throttleStatus"], "maximumAvailable": 1000.0, "restoreRate": 100.0}


def test_at_a_fast_time_scale_the_same_client_is_never_throttled_without_real_time_buckets(sandbox_factory):
    """Why the mode exists: at the world's time scale the bucket refills an hour's worth a second."""
    sandbox, base = sandbox_factory(**{**OPTIONS, "realtime_bucket": False})
    answers = hammer(base, 25)
    assert all("errors" not in a for a in answers)
    assert not throttled(sandbox)
    assert answers[-1]["extensions"]["cost"]["throttleStatus"]["restoreRate"] == 100.0 * 3600


def test_the_tap_paces_itself_and_is_never_throttled_in_real_time(sandbox_factory):
    sandbox, base = sandbox_factory(**OPTIONS)
    config = {
        "shop": SHOP,
        "access_token": "shpat_sandbox",
        "api_url": f"{base}/shops/{{shop}}",
        "start_date": "2020-01-01T00:00:00Z",
        "bulk_mode": "never",
    }
    runner = TapTestRunner(TapShopify, config=config, suite_config=SuiteConfig(max_records_limit=None))
    runner.sync_all()
    assert len(runner.records["orders"]) == 30
    calls = [e for e in sandbox.requests() if e["api"] == "shopify"]
    assert not throttled(sandbox)
    # More than a bucketful went through: the tap waited for the bucket rather than being refused.
    assert sum(e.get("actual_cost", 0) for e in calls) > 1000


def test_the_mode_and_the_bucket_are_set_from_the_command_line():
    argv = ["serve", "--time-scale", "3600", "--realtime-bucket", "--shopify-bucket-size", "1000"]
    options = _options(_parser().parse_args([*argv, "--shopify-restore-rate", "100"]))
    assert (options.realtime_bucket, options.bucket_size, options.restore_rate, options.time_scale) == (
        True,
        1000.0,
        100.0,
        3600.0,
    )
    assert _options(_parser().parse_args(["serve"])).realtime_bucket is False
