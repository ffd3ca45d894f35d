"""Bad settings stop the tap with one line naming the setting; a refused token ends with one line
naming the token or the missing scope."""

import json

import pytest
from shipbob_sandbox import catalog_for, tap_config
from tap_common.testing import WRONG_START_DATES, closed_port, setting_line, told
from tap_common.testing import run_tap as tap_cli
from tap_shipbob.tap import check_config

HIDDEN = "a value that is hidden because it is secret"
WRONG = [
    (
        "access_token",
        None,
        "access_token: missing; set it to a ShipBob personal access token (ShipBob dashboard, Integrations > API Tokens)",
    ),
    (
        "access_token",
        12345,
        f"access_token: expected a ShipBob personal access token or OAuth access token, got {HIDDEN}",
    ),
    ("start_date", None, "start_date: missing; set it to the earliest date to read, e.g. 2024-01-01"),
    *WRONG_START_DATES,
    ("api_version", "2026-1", "api_version: expected an API version like 2026-01, got '2026-1'"),
    ("api_url", "api.shipbob.com", "api_url: expected an http(s) URL, got 'api.shipbob.com'"),
    (
        "channel_id",
        "main",
        "channel_id: expected a channel id (digits, from GET /channel), got 'main'",
    ),
    ("account_id", "user-1", "account_id: expected the ShipBob user id, digits only, got 'user-1'"),
    (
        "lookback_window_days",
        "91",
        "lookback_window_days: expected a whole number of days from 0 to 90, got '91'",
    ),
    (
        "rate_limit_window_seconds",
        "a minute",
        "rate_limit_window_seconds: expected a number of seconds of at least 0.001, got 'a minute'",
    ),
]


def run_tap(tmp_path, config, *args):
    return tap_cli("tap_shipbob.tap", tmp_path, config, *args)


def test_good_settings_have_no_problems():
    assert check_config(tap_config(), complete=True).problems == []
    assert check_config(tap_config(channel_id="310010", lookback_window_days="0"), complete=True).problems == []


@pytest.mark.parametrize(("name", "value", "line"), WRONG)
def test_a_wrong_setting_is_one_line_naming_it(tmp_path, name, value, line):
    config = tap_config()
    if value is None:
        config.pop(name)
    else:
        config[name] = value
    result = run_tap(tmp_path, config)
    assert result.returncode == 1
    assert told(result.stderr) == [setting_line("tap-shipbob", line)]
    assert result.stdout == ""


def test_a_refused_token_is_one_line_naming_it(tmp_path):
    result = run_tap(tmp_path, tap_config(access_token="not-the-token"))
    assert result.returncode == 1
    line = told(result.stderr)[-1]
    assert "Traceback" not in result.stderr
    assert line.startswith("tap-shipbob: access_token: ShipBob refused it (HTTP 401")
    assert "not-the-token" not in result.stderr


def test_a_missing_scope_is_one_line_naming_it(tmp_path, sandbox_factory):
    scopes = ("channels_read", "orders_read", "products_read", "inventory_read", "receiving_read", "returns_read")
    _, url = sandbox_factory(shopify_orders=10, amazon_orders=5, days=10, time_scale=600, shipbob_scopes=scopes)
    config = tap_config(url)
    (tmp_path / "catalog.json").write_text(json.dumps(catalog_for(config, {"channels", "invoices"})))
    result = run_tap(tmp_path, config, "--catalog", str(tmp_path / "catalog.json"))
    assert result.returncode == 1
    line = told(result.stderr)[-1]
    assert "Traceback" not in result.stderr
    assert line.startswith("tap-shipbob: access_token: lacks the billing_read scope that invoices needs (HTTP 403")


def test_an_unreachable_api_is_one_line_naming_the_url(tmp_path):
    result = run_tap(tmp_path, tap_config(f"http://127.0.0.1:{closed_port()}"))
    assert result.returncode == 1
    line = told(result.stderr)[-1]
    assert "Traceback" not in result.stderr
    assert line.startswith("tap-shipbob: could not reach http://127.0.0.1:")
