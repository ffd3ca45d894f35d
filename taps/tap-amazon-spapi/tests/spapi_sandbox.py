"""A sandbox selling partner for the tap's tests, served over real HTTP for the whole session, and helpers."""

from __future__ import annotations

import atexit
import io
from collections import defaultdict
from contextlib import ExitStack, redirect_stdout
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from singer_sdk.singerlib.json import deserialize_json
from tap_amazon_spapi.tap import TapAmazonSPAPI

from sandbox.amazon.data import OrderShapes
from sandbox.server import Sandbox, SandboxOptions, running

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


@dataclass
class Output:
    """What one sync wrote: records per stream and state messages, numbers as Decimal."""

    records: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    states: list[dict] = field(default_factory=list)
    schemas: dict[str, dict] = field(default_factory=dict)
    started_at: datetime | None = None

    @property
    def state(self) -> dict:
        return self.states[-1] if self.states else {}


def catalog_for(config, streams):
    """The discovered catalog with only `streams` selected."""
    catalog = TapAmazonSPAPI(config=config).catalog_dict
    for entry in catalog["streams"]:
        for meta in entry["metadata"]:
            if meta["breadcrumb"] == []:
                meta["metadata"]["selected"] = entry["tap_stream_id"] in streams
    return catalog


def sync(config, state=None, streams=None):
    """One in-process sync (of `streams` only, if given), its output parsed."""
    catalog = catalog_for(config, streams) if streams is not None else None
    tap = TapAmazonSPAPI(config=config, state=state, catalog=catalog)
    buffer = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # the message writer writes bytes
    with redirect_stdout(buffer):
        tap.sync_all()
    buffer.seek(0)
    out = Output(started_at=tap.started_at)
    for line in buffer.read().splitlines():
        message = deserialize_json(line)
        if message["type"] == "RECORD":
            out.records[message["stream"]].append(message["record"])
        elif message["type"] == "STATE":
            out.states.append(message["value"])
        elif message["type"] == "SCHEMA":
            out.schemas[message["stream"]] = message["schema"]
    return out


def calls(sandbox, operation=None):
    """The SP-API calls in the sandbox's request log (of one operation, if given)."""
    return [e for e in sandbox.requests() if e.get("api") == "amazon" and operation in (None, e.get("operation"))]
