"""A sandbox shop for the tap's tests, served over real HTTP for the whole session."""

from __future__ import annotations

import atexit
from contextlib import ExitStack
from typing import Any

from sandbox.server import Sandbox, SandboxOptions, running

SHOP = "stratus-demo.myshopify.com"
_stack = ExitStack()
atexit.register(_stack.close)

# The SDK's standard tests are built at import time from a config, so the shared sandbox
# starts here rather than in a fixture. Time runs fast: pacing is exercised, not waited on.
SESSION_SANDBOX = Sandbox(SandboxOptions(shopify_orders=150, time_scale=500))
SESSION_URL = _stack.enter_context(running(SESSION_SANDBOX))


def tap_config(base_url: str = SESSION_URL, **overrides: Any) -> dict[str, Any]:
    return {
        "shop": SHOP,
        "access_token": "shpat_sandbox",
        "api_url": f"{base_url}/shops/{{shop}}",
        "start_date": "2020-01-01T00:00:00Z",
        **overrides,
    }
