"""A sandbox company for the tap's tests, served over real HTTP for the whole session, and helpers."""

from __future__ import annotations

import atexit
import io
import json
import urllib.request
from collections import defaultdict
from contextlib import ExitStack, redirect_stdout
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from singer_sdk.singerlib.json import deserialize_json
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


@dataclass
class Output:
    """What one sync wrote: records per stream and state messages, numbers as Decimal."""

    records: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    states: list[dict] = field(default_factory=list)
    tap: TapFreeAgent | None = None
    error: Exception | None = None

    @property
    def state(self) -> dict:
        return self.states[-1] if self.states else {}


def catalog_for(config, streams):
    """The discovered catalog with only `streams` selected."""
    catalog = TapFreeAgent(config=config).catalog_dict
    for entry in catalog["streams"]:
        for meta in entry["metadata"]:
            if meta["breadcrumb"] == []:
                meta["metadata"]["selected"] = entry["tap_stream_id"] in streams
    return catalog


def sync(config, state=None, streams=None, tap=None, allow_failure=False):
    """One in-process sync (of `streams` only, if given), its output parsed; with `allow_failure`,
    a sync that stops returns what it wrote before, and why it stopped in `error`."""
    catalog = catalog_for(config, streams) if streams is not None else None
    tap = tap or TapFreeAgent(config=config, state=state, catalog=catalog)
    buffer = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # the message writer writes bytes
    out = Output(tap=tap)
    try:
        with redirect_stdout(buffer):
            tap.sync_all()
    except Exception as exc:
        if not allow_failure:
            raise
        out.error = exc
    finally:
        buffer.seek(0)
        for line in buffer.read().splitlines():
            message = deserialize_json(line)
            if message["type"] == "RECORD":
                out.records[message["stream"]].append(message["record"])
            elif message["type"] == "STATE":
                out.states.append(message["value"])
    return out


def calls(sandbox, operation=None):
    """The FreeAgent calls in the sandbox's request log (of one operation, if given)."""
    return [e for e in sandbox.requests() if e.get("api") == "freeagent" and operation in (None, e.get("operation"))]


def post(base_url, path, body):
    request = urllib.request.Request(
        f"{base_url}{path}", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)
