"""A sandbox selling partner for the tap's tests, served over real HTTP for the whole session, and helpers."""

from __future__ import annotations

import atexit
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

from tap_amazon_spapi.tap import TapAmazonSPAPI
from tap_common import testing

from sandbox.amazon.data import OrderShapes
from sandbox.server import Sandbox, SandboxOptions, present_anchor, running

SELLER = "A2STRATUSDEMO01"
MARKETPLACES = ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"]
DAYS = 90
_stack = ExitStack()
atexit.register(_stack.close)


# The SDK's standard tests are built at import time from a config, so the shared sandbox
# starts here rather than in a fixture. Time runs fast: pacing is exercised, not waited on.
# A tenth of its orders carry two lines of one SKU, as real sellers' orders do.
def standard_options(**overrides: Any) -> SandboxOptions:
    """The seller the tap's tests read, with any faults or shapes a test adds."""
    options: dict[str, Any] = {
        "amazon_orders": 240,
        "days": DAYS,
        "time_scale": 600,
        "amazon_shapes": OrderShapes(split_lines=0.1),
        "anchor": present_anchor(),  # the last day's changes (read through searchOrders) at any hour
    }
    return SandboxOptions(**{**options, **overrides})


SESSION_SANDBOX = Sandbox(standard_options())
SESSION_URL = _stack.enter_context(running(SESSION_SANDBOX))


def start_date(days: int = DAYS + 5) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT00:00:00Z")


def tap_config(base_url: str = SESSION_URL, **overrides: Any) -> dict[str, Any]:
    return {
        "lwa_client_id": "amzn1.application-oa2-client.stratussandbox",
        "lwa_client_secret": "stratus-sandbox-secret",
        "refresh_token": "Atzr|stratus-sandbox",
        "selling_partner_id": SELLER,
        "marketplace_ids": MARKETPLACES,
        "start_date": start_date(),
        "api_url": f"{base_url}/sp-api",
        "lwa_token_url": f"{base_url}/lwa/auth/o2/token",
        **overrides,
    }


def catalog_for(config, streams):
    """The discovered catalog with only `streams` selected."""
    return testing.catalog_for(TapAmazonSPAPI, config, streams)


def sync(config, state=None, streams=None):
    """One in-process sync (of `streams` only, if given), its output parsed."""
    return testing.sync(TapAmazonSPAPI, config, state, streams)


def calls(sandbox, operation=None):
    """The SP-API calls in the sandbox's request log (of one operation, if given)."""
    return [e for e in sandbox.requests() if e.get("api") == "amazon" and operation in (None, e.get("operation"))]
