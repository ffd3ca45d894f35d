"""Bad settings stop the tap with one line naming the setting; refusals end with one clear line."""

import json

import pytest
from spapi_sandbox import catalog_for, tap_config
from tap_amazon_spapi.tap import check_config, config_problems
from tap_common.testing import WRONG_START_DATES, setting_line, told
from tap_common.testing import run_tap as tap_cli


def test_amazon_sandbox_and_api_url_exclude_each_other():
    [problem] = config_problems(tap_config(use_amazon_sandbox=True))
    assert problem.startswith("use_amazon_sandbox: ")


def test_good_settings_have_no_problems():
    assert config_problems(tap_config()) == []
    assert config_problems(tap_config(region="eu", pii=True, lookback_window_days=0)) == []


def run_tap(tmp_path, config, *args):
    return tap_cli("tap_amazon_spapi.tap", tmp_path, config, *args)


HIDDEN = "a value that is hidden because it is secret"
WRONG = [
    ("lwa_client_id", None, "lwa_client_id: missing; set it to the SP-API app's LWA client id"),
    (
        "lwa_client_id",
        "my-client",
        f"lwa_client_id: expected the app's LWA client id, starting amzn1.application-oa2-client., got {HIDDEN}",
    ),
    ("lwa_client_secret", None, "lwa_client_secret: missing; set it to the SP-API app's LWA client secret"),
    ("lwa_client_secret", ["s"], f"lwa_client_secret: expected the app's LWA client secret, got {HIDDEN}"),
    ("refresh_token", None, "refresh_token: missing; set it to the seller's LWA refresh token for the app"),
    ("refresh_token", "not-a-token", f"refresh_token: expected an LWA refresh token, starting Atzr|, got {HIDDEN}"),
    (
        "selling_partner_id",
        None,
        "selling_partner_id: missing; set it to the seller's merchant token (Seller Central, Account Info)",
    ),
    (
        "selling_partner_id",
        "seller one",
        "selling_partner_id: expected the seller's merchant token like A2EXAMPLE123, got 'seller one'",
    ),
    ("marketplace_ids", None, 'marketplace_ids: missing; set it to the marketplaces to read, e.g. ["ATVPDKIKX0DER"]'),
    ("marketplace_ids", [], "marketplace_ids: name at least one, e.g. ATVPDKIKX0DER"),
    ("marketplace_ids", ["amazon.com"], "marketplace_ids: 'amazon.com' is not an id like ATVPDKIKX0DER"),
    (
        "marketplace_ids",
        '["ATVPDKIKX0DER"',
        'marketplace_ids: expected a JSON array like ["ATVPDKIKX0DER"] or ids separated by commas, '
        "got '[\"ATVPDKIKX0DER\"'",
    ),
    ("marketplace_ids", "US", "marketplace_ids: 'US' is not an id like ATVPDKIKX0DER"),
    ("start_date", None, "start_date: missing; set it to the earliest date to read, e.g. 2024-01-01"),
    *WRONG_START_DATES,
    ("region", "us", "region: expected one of na, eu, fe, got 'us'"),
    ("region", "NA", "region: expected one of na, eu, fe, got 'NA'"),
    ("lookback_window_days", 365, "lookback_window_days: expected a whole number of days from 0 to 90, got 365"),
    ("lookback_window_days", -1, "lookback_window_days: expected a whole number of days from 0 to 90, got -1"),
    (
        "lookback_window_days",
        "three",
        "lookback_window_days: expected a whole number of days from 0 to 90, got 'three'",
    ),
    ("pii", "maybe", "pii: expected true or false, got 'maybe'"),
    ("pii", 2, "pii: expected true or false, got 2"),
    ("use_amazon_sandbox", "sometimes", "use_amazon_sandbox: expected true or false, got 'sometimes'"),
    ("use_amazon_sandbox", True, "use_amazon_sandbox: cannot be combined with api_url; set one or the other"),
    ("api_url", "ftp://example", "api_url: expected an http(s) URL, got 'ftp://example'"),
    ("lwa_token_url", "example.com/token", "lwa_token_url: expected an http(s) URL, got 'example.com/token'"),
]


@pytest.mark.parametrize(("setting", "value", "line"), WRONG)
def test_each_wrong_or_missing_setting_stops_with_one_line_naming_it(tmp_path, setting, value, line):
    config = tap_config(**{setting: value})
    if value is None:
        del config[setting]
    result = run_tap(tmp_path, config)
    assert result.returncode == 1
    assert told(result.stderr) == [setting_line("tap-amazon-spapi", line)]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    for secret in ("stratus-sandbox-secret", "Atzr|stratus-sandbox", "not-a-token", "my-client"):
        assert secret not in result.stderr


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ('["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"]', ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"]),
        ("ATVPDKIKX0DER, A2EUQ1WTGCTBG2", ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"]),
        (["ATVPDKIKX0DER"], ["ATVPDKIKX0DER"]),
    ],
)
def test_marketplace_ids_are_read_from_a_list_json_or_commas(value, parsed):
    assert check_config(tap_config(marketplace_ids=value)).config["marketplace_ids"] == parsed


def test_settings_given_as_strings_are_parsed():
    # What Meltano passes for a setting read from the environment or .env.
    checked = check_config(tap_config(lookback_window_days="7", pii="true", use_amazon_sandbox="false", api_url=""))
    assert checked.problems == []
    assert (checked.config["lookback_window_days"], checked.config["pii"]) == (7, True)
    assert checked.config["use_amazon_sandbox"] is False
    assert "api_url" not in checked.config


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
