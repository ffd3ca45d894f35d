"""A bad day at Shopify: throttle storms, 5xx bursts, dropped connections, cut bodies,
and a token without a scope. Every sync either completes with every record or stops
with one clear line."""

from __future__ import annotations

import pytest
from tap_common.testing import closed_port, told

from .conftest import SHOP, tap_config
from .test_config import run_tap
from .test_sync import expected_orders, live, sync

ORDERS = 120


@pytest.fixture
def shop(sandbox_factory):
    return sandbox_factory(shopify_orders=ORDERS, time_scale=200, bucket_size=1000, restore_rate=50)


def faulted(sandbox):
    return [e for e in sandbox.requests() if e.get("fault")]


def assert_complete(sandbox, runner):
    assert {r["id"] for r in live(runner.records["orders"])} == set(expected_orders(sandbox))
    lines = runner.records["order_line_items"]
    assert len(lines) == len({li["id"] for li in lines})
    assert len(lines) == sum(len(o["lineItems"]) for o in expected_orders(sandbox).values())


def test_a_throttle_storm_is_waited_out_with_every_record(shop):
    sandbox, url = shop
    sandbox.faults.arm("throttle", "shopify", count=6, skip=3)
    runner = sync(tap_config(url))
    assert_complete(sandbox, runner)
    throttled = [e for e in sandbox.requests() if e.get("throttled")]
    assert len(throttled) >= 6  # each storm request found the bucket empty, and was retried


@pytest.mark.parametrize(
    ("kind", "status"),
    [("http_error", 503), ("http_error", 502), ("http_error", 500), ("reset", 0), ("truncate", 0)],
)
def test_a_burst_of_failures_is_retried_with_every_record(shop, kind, status):
    sandbox, url = shop
    sandbox.faults.arm(kind, "shopify", count=3, skip=2, status=status or 503)
    runner = sync(tap_config(url))
    assert len(faulted(sandbox)) == 3
    assert_complete(sandbox, runner)


def test_a_missing_access_scope_ends_with_one_line(sandbox_factory, tmp_path):
    _, url = sandbox_factory(shopify_orders=10, shopify_scopes=("read_products",))
    result = run_tap(tmp_path, tap_config(url))
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last == (
        # The first orders request is the count that chooses between bulk and paged reads.
        f"tap-shopify: access denied reading orders from {SHOP}: Access denied for ordersCount field. "
        "Required access: `read_orders` access scope. (grant the app that access scope)"
    )
    assert "Traceback" not in result.stderr


def test_an_unreachable_api_stops_with_one_line_naming_the_url(tmp_path):
    # Nothing listens on the port: connection refused on every try, for the retry budget (~30 s).
    url = f"http://127.0.0.1:{closed_port()}"
    result = run_tap(tmp_path, tap_config(url))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = told(result.stderr)
    assert lines[-1] == (
        f"tap-shopify: could not reach {url}/shops/{SHOP}/admin/api/2026-10/graphql.json: Connection refused "
        f"(tried 7 times in 30 s); check the shop setting (and api_url if set) and the network"
    )
    # Before it: a warning per retry, and the SDK's note of the stream that stopped.
    assert all(" | WARNING " in line and "could not reach" in line for line in lines[:-2])
    assert lines[-2].endswith("An unhandled error occurred while syncing 'orders'")
