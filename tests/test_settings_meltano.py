"""A mistyped setting given to Meltano (here in the environment, as `.env` gives it) reaches the tap as
typed and stops the run with the tap's one line naming it: no traceback from Meltano or the tap."""

from __future__ import annotations

import os

import pytest

from conftest import meltano

pytestmark = pytest.mark.pipeline

CASES = [
    ("tap-shopify", "lookback_window_days", "ten", "expected a whole number of days of at least 0, got 'ten'"),
    ("tap-shopify", "bulk_mode", "sometimes", "expected one of auto, always, never, got 'sometimes'"),
    (
        "tap-amazon-spapi",
        "marketplace_ids",
        '["ATVPDKIKX0DER"',
        'expected a JSON array like ["ATVPDKIKX0DER"] or ids separated by commas, got \'["ATVPDKIKX0DER"\'',
    ),
    ("tap-amazon-spapi", "region", "us", "expected one of na, eu, fe, got 'us'"),
    ("tap-amazon-spapi", "pii", "maybe", "expected true or false, got 'maybe'"),
    ("tap-shipbob", "lookback_window_days", "a day", "expected a whole number of days from 0 to 90, got 'a day'"),
    ("tap-shipbob", "channel_id", "shopify", "expected a channel id (digits, from GET /channel), got 'shopify'"),
    ("tap-freeagent", "lookback_window_days", "ten", "expected a whole number of days from 0 to 30, got 'ten'"),
]


@pytest.mark.parametrize(("tap", "setting", "value", "expected"), CASES)
def test_a_mistyped_setting_through_meltano_ends_with_the_taps_one_line(tmp_path, tap, setting, value, expected):
    env = {
        **os.environ,
        "MELTANO_ENVIRONMENT": "dev",
        "MELTANO_DATABASE_URI": f"sqlite:///{tmp_path / 'meltano.db'}",
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
        f"{tap.upper().replace('-', '_')}_{setting.upper()}": value,
    }
    result = meltano(env, "invoke", tap, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    named = [line for line in output.splitlines() if f"{tap}: {setting}: " in line]
    assert len(named) == 1
    assert named[0].endswith(f"{tap}: {setting}: {expected}")
