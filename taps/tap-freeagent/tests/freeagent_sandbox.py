"""A sandbox company for the tap's tests, served over real HTTP for the whole session, and helpers."""

from __future__ import annotations

import atexit
import json
import urllib.request
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

from tap_common.testing import sync as sync_in_process
from tap_freeagent.tap import TapFreeAgent

from sandbox.server import Sandbox, SandboxOptions, running

DAYS = 60
_stack = ExitStack()
atexit.register(_stack.close)


def standard_options(**overrides: Any) -> SandboxOptions:
    """A small world (the books follow the channels' payouts); time runs fast, limits still apply."""
    options: dict[str, Any] = {
        "shopify_orders": 120,
        "amazon_orders": 120,
        "days": DAYS,
        "time_scale": 600,
        "shipbob": False,
    }
    return SandboxOptions(**{**options, **overrides})


# The SDK's standard tests are built at import time from a config, so the shared sandbox starts here.
SESSION_SANDBOX = Sandbox(standard_options())
SESSION_URL = _stack.enter_context(running(SESSION_SANDBOX))


def start_date(days: int = DAYS + 30) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT00:00:00Z")


def tap_config(base_url: str = SESSION_URL, **overrides: Any) -> dict[str, Any]:
    return {
        "client_id": "stratus-freeagent-sandbox",
        "client_secret": "stratus-freeagent-secret",
        "refresh_token": "stratus-freeagent-refresh",
        "api_url": f"{base_url}/v2",
        "start_date": start_date(),
        **overrides,
    }


def sync(config, state=None, streams=None, tap=None, allow_failure=False):
    """One in-process sync (of `streams` only, if given), its output parsed; with `allow_failure`,
    a sync that stops returns what it wrote before, and why it stopped in `error`."""
    return sync_in_process(TapFreeAgent, config, state, streams, tap=tap, allow_failure=allow_failure)


def calls(sandbox, operation=None):
    """The FreeAgent calls in the sandbox's request log (of one operation, if given)."""
    return [e for e in sandbox.requests() if e.get("api") == "freeagent" and operation in (None, e.get("operation"))]


def post(base_url, path, body):
    request = urllib.request.Request(
        f"{base_url}{path}", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)
