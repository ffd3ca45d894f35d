"""Bad settings stop the tap with one line naming the setting."""

import json
import subprocess
import sys
from datetime import date

import pytest
from tap_shopify.tap import config_problems, version_age_warning

from .conftest import tap_config


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("shop", "my-store.com"),
        ("api_version", "2026-11"),
        ("start_date", "last tuesday"),
        ("api_url", "ftp://example"),
        ("payout_settle_days", -1),
        ("payout_settle_days", "ten"),
    ],
)
def test_each_bad_setting_is_named(setting, value):
    [problem] = config_problems({"shop": "ok.myshopify.com", setting: value})
    assert problem.startswith(f"{setting}: ")


def test_good_settings_have_no_problems():
    assert config_problems(tap_config()) == []


def test_old_api_version_warns():
    assert version_age_warning("2025-07", date(2026, 11, 23))
    assert version_age_warning("2026-01", date(2026, 11, 23)) is None


def run_tap(tmp_path, config):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    return subprocess.run(
        [sys.executable, "-m", "tap_shopify.tap", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_missing_access_token_is_named(tmp_path):
    config = tap_config()
    del config["access_token"]
    result = run_tap(tmp_path, config)
    assert result.returncode != 0
    assert "'access_token' is a required property" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_setting_stops_before_any_request(tmp_path):
    result = run_tap(tmp_path, tap_config(shop="not a shop"))
    assert result.returncode != 0
    assert "shop: expected a myshopify domain" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"access_token": "shpat_wrong"},
            "Shopify rejected the access token for stratus-demo.myshopify.com (HTTP 401): check the access_token setting",
        ),
        (
            {"shop": "nobody.myshopify.com"},
            "shop nobody.myshopify.com was not found (HTTP 404): check the shop setting (and api_url if set)",
        ),
    ],
)
def test_api_refusals_end_with_one_clear_line(tmp_path, overrides, message):
    result = run_tap(tmp_path, tap_config(**overrides))
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last == f"tap-shopify: {message}"
    assert "Traceback" not in result.stderr
    assert "shpat_wrong" not in result.stderr + result.stdout
