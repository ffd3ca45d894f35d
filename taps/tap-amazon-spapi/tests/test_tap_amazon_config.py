"""Bad settings stop the tap with one line naming the setting; refusals end with one clear line."""

import json
import subprocess
import sys

import pytest
from spapi_sandbox import catalog_for, tap_config
from tap_amazon_spapi.tap import config_problems


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("lwa_client_id", "my-client"),
        ("refresh_token", "not-a-token"),
        ("region", "us"),
        ("api_url", "ftp://example"),
        ("lwa_token_url", "example.com/token"),
        ("marketplace_ids", []),
        ("marketplace_ids", ["amazon.com"]),
        ("selling_partner_id", "seller one"),
        ("start_date", "last tuesday"),
        ("start_date", "2999-01-01T00:00:00Z"),
        ("lookback_window_days", 365),
        ("lookback_window_days", -1),
    ],
)
def test_each_bad_setting_is_named(setting, value):
    [problem] = config_problems(tap_config(**{setting: value}))
    assert problem.startswith(f"{setting}: ")


def test_amazon_sandbox_and_api_url_exclude_each_other():
    [problem] = config_problems(tap_config(use_amazon_sandbox=True))
    assert problem.startswith("use_amazon_sandbox: ")


def test_good_settings_have_no_problems():
    assert config_problems(tap_config()) == []
    assert config_problems(tap_config(region="eu", pii=True, lookback_window_days=0)) == []


def run_tap(tmp_path, config, *args):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    return subprocess.run(
        [sys.executable, "-m", "tap_amazon_spapi.tap", "--config", str(path), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_missing_refresh_token_is_named(tmp_path):
    config = tap_config()
    del config["refresh_token"]
    result = run_tap(tmp_path, config)
    assert result.returncode != 0
    assert "'refresh_token' is a required property" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_setting_stops_before_any_request(tmp_path):
    result = run_tap(tmp_path, tap_config(marketplace_ids=["US"]))
    assert result.returncode != 0
    assert "marketplace_ids: 'US' is not a marketplace id" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_refused_refresh_token_ends_with_one_line_and_no_secret(tmp_path):
    result = run_tap(tmp_path, tap_config(refresh_token="Atzr|revoked-token"))
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("tap-amazon-spapi: Login with Amazon refused the refresh exchange")
    assert "check lwa_client_id, lwa_client_secret and refresh_token" in last
    assert "Traceback" not in result.stderr
    assert "revoked-token" not in result.stderr + result.stdout
    assert "stratus-sandbox-secret" not in result.stderr + result.stdout


def test_a_refusal_that_a_fresh_token_does_not_cure_names_the_role(tmp_path, sandbox_factory):
    # Tokens from another sandbox's login are valid tokens that this API does not accept.
    sandbox, url = sandbox_factory(amazon_orders=20, days=10, time_scale=600)
    _, other = sandbox_factory(amazon_orders=20, days=10, time_scale=600)
    config = tap_config(url, lwa_token_url=f"{other}/lwa/auth/o2/token")
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog_for(config, {"fba_inventory"})))
    result = run_tap(tmp_path, config, "--catalog", str(path))
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("tap-amazon-spapi: Amazon refused getInventorySummaries for fba_inventory (HTTP 403")
    assert last.endswith("the app probably lacks the Amazon Fulfillment role, or the seller did not authorise it")
    assert [c["status"] for c in sandbox.requests() if c.get("operation") == "getInventorySummaries"] == [403, 403]
