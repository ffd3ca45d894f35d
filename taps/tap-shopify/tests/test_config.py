"""Bad settings stop the tap with one line naming the setting."""

from datetime import date

import pytest
from tap_common.testing import WRONG_START_DATES, setting_line, told
from tap_common.testing import run_tap as tap_cli
from tap_shopify.tap import check_config, config_problems, version_age_warning

from .conftest import tap_config


def test_good_settings_have_no_problems():
    assert config_problems(tap_config()) == []


def test_old_api_version_warns():
    assert version_age_warning("2025-07", date(2026, 11, 23))
    assert version_age_warning("2026-01", date(2026, 11, 23)) is None


def run_tap(tmp_path, config):
    return tap_cli("tap_shopify.tap", tmp_path, config)


WRONG = [
    ("shop", None, "shop: missing; set it to the store's myshopify domain, e.g. my-store.myshopify.com"),
    ("shop", "my-store.com", "shop: expected a myshopify domain like 'my-store.myshopify.com', got 'my-store.com'"),
    ("shop", 42, "shop: expected a myshopify domain like 'my-store.myshopify.com', got 42"),
    ("access_token", None, "access_token: missing; set it to the Admin API access token of the store's custom app"),
    ("access_token", "", "access_token: missing; set it to the Admin API access token of the store's custom app"),
    (
        "access_token",
        12345,
        "access_token: expected the Admin API access token (shpat_...), got a value that is hidden because it is secret",
    ),
    ("api_version", "2026-11", "api_version: expected a release like '2026-10' (YYYY-01/04/07/10), got '2026-11'"),
    ("api_version", "latest", "api_version: expected a release like '2026-10' (YYYY-01/04/07/10), got 'latest'"),
    *WRONG_START_DATES,
    ("lookback_window_days", "ten", "lookback_window_days: expected a whole number of days of at least 0, got 'ten'"),
    ("lookback_window_days", -1, "lookback_window_days: expected a whole number of days of at least 0, got -1"),
    ("lookback_window_days", 1.5, "lookback_window_days: expected a whole number of days of at least 0, got 1.5"),
    ("safety_lag_minutes", "soon", "safety_lag_minutes: expected a number of minutes of at least 0, got 'soon'"),
    ("safety_lag_minutes", -5, "safety_lag_minutes: expected a number of minutes of at least 0, got -5"),
    ("payout_settle_days", "ten", "payout_settle_days: expected a whole number of days of at least 0, got 'ten'"),
    ("payout_settle_days", -1, "payout_settle_days: expected a whole number of days of at least 0, got -1"),
    ("api_url", "ftp://example", "api_url: expected an http(s) URL, got 'ftp://example'"),
    ("api_url", "127.0.0.1:8787", "api_url: expected an http(s) URL, got '127.0.0.1:8787'"),
    ("bulk_mode", "sometimes", "bulk_mode: expected one of auto, always, never, got 'sometimes'"),
    ("bulk_mode", "AUTO", "bulk_mode: expected one of auto, always, never, got 'AUTO'"),
    ("bulk_threshold", "many", "bulk_threshold: expected a whole number of records of at least 0, got 'many'"),
    ("bulk_threshold", -1, "bulk_threshold: expected a whole number of records of at least 0, got -1"),
]


@pytest.mark.parametrize(("setting", "value", "line"), WRONG)
def test_each_wrong_or_missing_setting_stops_with_one_line_naming_it(tmp_path, setting, value, line):
    config = tap_config(**{setting: value})
    if value is None:
        del config[setting]
    result = run_tap(tmp_path, config)
    assert result.returncode == 1
    assert told(result.stderr) == [setting_line("tap-shopify", line)]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_settings_given_as_strings_are_parsed(tmp_path):
    # What Meltano passes for a setting read from the environment or .env.
    checked = check_config(
        tap_config(lookback_window_days="2", safety_lag_minutes="0.5", payout_settle_days="14", bulk_threshold="0")
    )
    assert checked.problems == []
    assert [checked.config[k] for k in ("lookback_window_days", "safety_lag_minutes", "payout_settle_days")] == [
        2,
        0.5,
        14,
    ]
    assert checked.config["bulk_threshold"] == 0


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
