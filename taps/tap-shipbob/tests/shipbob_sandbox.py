"""A sandbox ShipBob account for the tap's tests, served over real HTTP for the whole session, and helpers."""

from __future__ import annotations

import atexit
import json
import urllib.request
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

from tap_common import testing
from tap_shipbob.tap import TapShipBob

from sandbox.server import Sandbox, SandboxOptions, running

PAT = "stratus-shipbob-sandbox-pat"
DAYS = 60
TIME_SCALE = 600
_stack = ExitStack()
atexit.register(_stack.close)


def standard_options(**overrides: Any) -> SandboxOptions:
    """The account the tap's tests read (ShipBob fulfils the Shopify shops' orders), with any changes a test makes."""
    options: dict[str, Any] = {"shopify_orders": 120, "amazon_orders": 10, "days": DAYS, "time_scale": TIME_SCALE}
    return SandboxOptions(**{**options, **overrides})


# The SDK's standard tests are built at import time from a config, so the shared sandbox starts here.
SESSION_SANDBOX = Sandbox(standard_options())
SESSION_URL = _stack.enter_context(running(SESSION_SANDBOX))


def start_date(days: int = DAYS + 5) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT00:00:00Z")


def tap_config(base_url: str = SESSION_URL, time_scale: float = TIME_SCALE, **overrides: Any) -> dict[str, Any]:
    return {
        "access_token": PAT,
        "start_date": start_date(),
        "api_url": f"{base_url}/shipbob",
        # The sandbox's minute passes `time_scale` times faster than ours.
        "rate_limit_window_seconds": 60 / time_scale,
        **overrides,
    }


def catalog_for(config, streams):
    """The discovered catalog with only `streams` selected."""
    return testing.catalog_for(TapShipBob, config, streams)


def sync(config, state=None, streams=None):
    """One in-process sync (of `streams` only, if given), its output parsed."""
    return testing.sync(TapShipBob, config, state, streams)


def calls(sandbox):
    """The ShipBob calls in the sandbox's request log."""
    return [e for e in sandbox.requests() if e.get("api") == "shipbob"]


def arm(base_url, **fault):
    """Arm a sandbox-wide fault for ShipBob (kinds: sandbox/faults.py)."""
    request = urllib.request.Request(
        f"{base_url}/_sandbox/faults",
        data=json.dumps({"api": "shipbob", **fault}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)
