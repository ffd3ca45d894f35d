"""tap-amazon-spapi against the sandbox: its configuration, the streams the bench selects, and what
the sandbox's request log says about a run (simulated API time, calls per operation)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import api_log
from sandbox.server import Sandbox

# Orders with their items and the settlement lines (with their summaries): what `load.amazon` counts.
LOAD_STREAMS = ("orders", "order_items", "settlements", "settlement_lines")
# The two-year backfill and the hourly sync read orders with their items.
ORDER_STREAMS = ("orders", "order_items")
RAW_SCHEMA = "raw_amazon"  # tap-amazon-spapi's load_schema in meltano.yml
DAYS = 730  # a two-year backfill


def config(url: str, days: int = DAYS) -> dict[str, Any]:
    """The sandbox's demo credentials and two marketplaces, from `days` ago."""
    return {
        "lwa_client_id": "amzn1.application-oa2-client.stratussandbox",
        "lwa_client_secret": "stratus-sandbox-secret",
        "refresh_token": "Atzr|stratus-sandbox",
        "selling_partner_id": "A2STRATUSDEMO01",
        "marketplace_ids": ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"],
        "start_date": (datetime.now(UTC) - timedelta(days=days + 1)).strftime("%Y-%m-%dT00:00:00Z"),
        "api_url": f"{url}/sp-api",
        "lwa_token_url": f"{url}/lwa/auth/o2/token",
    }


def select(catalog: dict[str, Any], streams: tuple[str, ...]) -> dict[str, Any]:
    """The discovered catalog with only `streams` selected."""
    for entry in catalog["streams"]:
        for meta in entry["metadata"]:
            if meta["breadcrumb"] == []:
                meta["metadata"]["selected"] = entry["tap_stream_id"] in streams
    return catalog


def write_catalog(discovered: str, streams: tuple[str, ...], path: Path) -> Path:
    path.write_text(json.dumps(select(json.loads(discovered), streams)))
    return path


def api_summary(sandbox: Sandbox) -> tuple[float, Counter[str], int]:
    """Simulated seconds from the first Amazon request to the last answer, calls per operation, and 429s."""
    return api_log.api_summary(sandbox, "amazon")
