"""Bad settings stop the tap with one line naming the setting; a secret's value is never shown."""

import pytest
from freeagent_sandbox import tap_config
from tap_common.testing import WRONG_START_DATES, setting_line, told
from tap_common.testing import run_tap as tap_cli
from tap_freeagent.tap import config_problems

HIDDEN = "a value that is hidden because it is secret"
WRONG = [
    (
        "client_id",
        None,
        "client_id: missing; set it to the OAuth identifier of the app (FreeAgent Developer Dashboard)",
    ),
    ("client_id", 42, f"client_id: expected the app's OAuth identifier (FreeAgent Developer Dashboard), got {HIDDEN}"),
    ("client_secret", None, "client_secret: missing; set it to the OAuth secret of the app"),
    ("client_secret", ["s"], f"client_secret: expected the app's OAuth secret, got {HIDDEN}"),
    (
        "refresh_token",
        None,
        "refresh_token: missing; set it to the refresh token issued when the company authorised the app",
    ),
    (
        "refresh_token",
        7,
        f"refresh_token: expected the refresh token issued when the company authorised the app, got {HIDDEN}",
    ),
    ("start_date", None, "start_date: missing; set it to the earliest update to read, e.g. 2024-01-01"),
    *WRONG_START_DATES,
    ("api_url", "ftp://example", "api_url: expected an http(s) URL, got 'ftp://example'"),
    (
        "api_url",
        "https://api.freeagent.com",
        "api_url: expected FreeAgent's API root ending in /v2, e.g. https://api.freeagent.com/v2, "
        "got 'https://api.freeagent.com'",
    ),
    ("lookback_window_days", 90, "lookback_window_days: expected a whole number of days from 0 to 30, got 90"),
    ("lookback_window_days", "one", "lookback_window_days: expected a whole number of days from 0 to 30, got 'one'"),
    ("refresh_token_file", 3, "refresh_token_file: expected a file path, got 3"),
]


def test_good_settings_have_no_problems():
    assert config_problems(tap_config(), complete=True) == []
    assert config_problems(tap_config(lookback_window_days="0", refresh_token_file="x/token"), complete=True) == []


@pytest.mark.parametrize(("setting", "value", "line"), WRONG)
def test_each_wrong_or_missing_setting_stops_with_one_line_naming_it(tmp_path, setting, value, line):
    config = tap_config(**{setting: value})
    if value is None:
        del config[setting]
    result = tap_cli("tap_freeagent.tap", tmp_path, config)
    assert result.returncode == 1
    assert told(result.stderr) == [setting_line("tap-freeagent", line)]
    assert "stratus-freeagent-secret" not in result.stderr
    assert result.stdout == ""


def test_a_refused_refresh_token_is_one_line_and_no_secret(tmp_path):
    result = tap_cli("tap_freeagent.tap", tmp_path, tap_config(refresh_token="not-the-token"))
    assert result.returncode == 1
    line = result.stderr.strip().splitlines()[-1]
    assert "Traceback" not in result.stderr
    assert line.startswith("tap-freeagent: FreeAgent refused the refresh-token exchange (HTTP 400 invalid_grant)")
    assert "not-the-token" not in result.stderr
