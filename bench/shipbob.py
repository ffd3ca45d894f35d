"""tap-shipbob against the sandbox: its configuration for a sandbox clock running `time_scale`
times real time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sandbox.shipbob.ratelimit import WINDOW

RAW_SCHEMA = "raw_shipbob"  # tap-shipbob's load_schema in meltano.yml


def config(url: str, days: int, time_scale: float) -> dict[str, Any]:
    """The sandbox's access token, from `days` ago; the sliding window (a simulated minute) in the
    real seconds it lasts at this scale, so the tap paces as it would against the real API."""
    return {
        "access_token": "stratus-shipbob-sandbox-pat",
        "api_url": f"{url}/shipbob",
        "start_date": (datetime.now(UTC) - timedelta(days=days + 1)).strftime("%Y-%m-%dT00:00:00Z"),
        "rate_limit_window_seconds": WINDOW / time_scale,
    }
