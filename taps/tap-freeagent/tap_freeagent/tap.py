"""tap-freeagent: the configuration it takes and the streams it offers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from singer_sdk import Stream
from singer_sdk import typing as th
from tap_common import settings
from tap_common.cli import run
from tap_common.settings import Checked, Parser
from tap_common.tap import GuardedTap

from tap_freeagent.auth import FreeAgentAuthenticator
from tap_freeagent.client import PRODUCTION_URL, SANDBOX_URL
from tap_freeagent.errors import FreeAgentError
from tap_freeagent.streams import STREAM_TYPES

MAX_LOOKBACK_DAYS = 30


def setting_parsers(now: datetime) -> dict[str, Parser]:
    """How each setting is parsed and checked; a wrong one gets one line naming it."""
    return {
        "client_id": settings.text(expected="the app's OAuth identifier (FreeAgent Developer Dashboard)", secret=True),
        "client_secret": settings.text(expected="the app's OAuth secret", secret=True),
        "refresh_token": settings.text(
            expected="the refresh token issued when the company authorised the app", secret=True
        ),
        "refresh_token_file": settings.text(expected="a file path"),
        "api_url": settings.url,
        "start_date": settings.start_date(now),
        "lookback_window_days": settings.integer(minimum=0, maximum=MAX_LOOKBACK_DAYS, unit="days"),
    }


REQUIRED = {
    "client_id": "the OAuth identifier of the app (FreeAgent Developer Dashboard)",
    "client_secret": "the OAuth secret of the app",
    "refresh_token": "the refresh token issued when the company authorised the app",
    "start_date": "the earliest update to read, e.g. 2024-01-01",
}


def check_config(config: dict[str, Any], *, complete: bool = False, now: datetime | None = None) -> Checked:
    """`config` parsed, and one line per wrong setting (and per missing one if `complete`)."""
    checked = settings.check(config, setting_parsers(now or datetime.now(UTC)), REQUIRED, complete=complete)
    api_url = checked.config.get("api_url")
    if api_url and not str(api_url).rstrip("/").endswith("/v2"):
        checked.problems.append(
            f"api_url: expected FreeAgent's API root ending in /v2, e.g. {PRODUCTION_URL}, got {api_url!r}"
        )
        checked.config.pop("api_url")
    return checked


def config_problems(config: dict[str, Any], *, complete: bool = False) -> list[str]:
    """What is wrong with `config`, one line per setting."""
    return check_config(config, complete=complete).problems


class TapFreeAgent(GuardedTap):
    """Singer tap for the FreeAgent API v2; every record carries its company's id."""

    name = "tap-freeagent"

    config_jsonschema = th.PropertiesList(
        th.Property(
            "client_id",
            th.StringType,
            required=True,
            secret=True,
            title="OAuth identifier",
            description="The app's OAuth identifier (FreeAgent Developer Dashboard)",
        ),
        th.Property(
            "client_secret",
            th.StringType,
            required=True,
            secret=True,
            title="OAuth secret",
            description="The app's OAuth secret",
        ),
        th.Property(
            "refresh_token",
            th.StringType,
            required=True,
            secret=True,
            title="Refresh token",
            description="Refresh token issued when the company authorised the app; each refresh rotates it",
        ),
        th.Property(
            "refresh_token_file",
            th.StringType,
            title="Refresh token file",
            description="File holding the newest refresh token: read at start (it wins over "
            "refresh_token) and rewritten with every rotated token",
        ),
        th.Property(
            "api_url",
            th.StringType,
            default=PRODUCTION_URL,
            title="API URL",
            description=f"FreeAgent's API root: {PRODUCTION_URL}, or the sandbox {SANDBOX_URL}",
        ),
        th.Property(
            "start_date",
            th.DateTimeType,
            required=True,
            title="Start date",
            description="Earliest update read on the first run",
        ),
        th.Property(
            "lookback_window_days",
            th.IntegerType,
            default=1,
            title="Lookback window (days)",
            description="Days re-read before each bookmark, for late changes",
        ),
    ).to_dict()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The company answer, read once per run (every record carries its id).
        self.company: dict[str, Any] | None = None
        token_file = self.config.get("refresh_token_file")
        self.oauth = FreeAgentAuthenticator(
            auth_endpoint=f"{str(self.config.get('api_url') or PRODUCTION_URL).rstrip('/')}/token_endpoint",
            client_id=str(self.config.get("client_id") or ""),
            client_secret=str(self.config.get("client_secret") or ""),
            refresh_token=str(self.config.get("refresh_token") or ""),
            token_file=Path(str(token_file)) if token_file else None,
        )
        self.oauth.on_response = self.ledger.call

    def checked_config(self, config: dict[str, Any], *, complete: bool) -> Checked:
        return check_config(config, complete=complete, now=self.started_at)

    def data_streams(self) -> list[Stream]:
        return [stream_class(tap=self) for stream_class in STREAM_TYPES]

    def run_accounts(self) -> list[str]:
        return []  # the company is known once the API has named it: `FreeAgentStream.company_id`


def main() -> None:
    """Console entry point: known failures end with one line, not a traceback."""
    run(TapFreeAgent, FreeAgentError)


if __name__ == "__main__":
    main()
