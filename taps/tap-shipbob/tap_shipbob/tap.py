"""tap-shipbob: the configuration it takes and the streams it offers."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from singer_sdk import Stream
from singer_sdk import typing as th
from tap_common import settings
from tap_common.cli import run
from tap_common.issues import IssueLog
from tap_common.settings import Checked, Parser
from tap_common.sliding_window import SlidingWindowLimiter
from tap_common.tap import GuardedTap

from tap_shipbob.client import DEFAULT_VERSION, PRODUCTION_URL, SANDBOX_URL, ShipBobStream
from tap_shipbob.errors import ShipBobError
from tap_shipbob.issues import WHERE, LoadIssuesStream
from tap_shipbob.streams import STREAM_TYPES

VERSION = re.compile(r"^\d{4}-\d{2}$")
DIGITS = re.compile(r"^\d+$")
MAX_LOOKBACK_DAYS = 90


def setting_parsers(now: datetime) -> dict[str, Parser]:
    """How each setting is parsed and checked; a wrong one gets one line naming it."""
    return {
        "access_token": settings.text(expected="a ShipBob personal access token or OAuth access token", secret=True),
        "api_version": settings.text(pattern=VERSION, expected="an API version like 2026-01"),
        "start_date": settings.start_date(now),
        "api_url": settings.url,
        "channel_id": settings.text(pattern=DIGITS, expected="a channel id (digits, from GET /channel)"),
        "account_id": settings.text(pattern=DIGITS, expected="the ShipBob user id, digits only"),
        "lookback_window_days": settings.integer(minimum=0, maximum=MAX_LOOKBACK_DAYS, unit="days"),
        "rate_limit_window_seconds": settings.number(minimum=0.001, unit="seconds"),
    }


REQUIRED = {
    "access_token": "a ShipBob personal access token (ShipBob dashboard, Integrations > API Tokens)",
    "start_date": "the earliest date to read, e.g. 2024-01-01",
}


def check_config(config: dict[str, Any], *, complete: bool = False, now: datetime | None = None) -> Checked:
    """`config` parsed, and one line per wrong setting (and per missing one if `complete`)."""
    return settings.check(config, setting_parsers(now or datetime.now(UTC)), REQUIRED, complete=complete)


class TapShipBob(GuardedTap):
    """Singer tap for ShipBob's Developer API."""

    name = "tap-shipbob"
    bookmark_keys = frozenset({"replication_key_value", "done_until", "boxes_until"})

    config_jsonschema = th.PropertiesList(
        th.Property(
            "access_token",
            th.StringType,
            required=True,
            secret=True,
            title="Access token",
            description="Personal access token (or an OAuth access token) with the read scopes of the selected streams",
        ),
        th.Property(
            "api_version",
            th.StringType,
            default=DEFAULT_VERSION,
            title="API version",
            description="ShipBob API version",
        ),
        th.Property(
            "start_date",
            th.DateTimeType,
            required=True,
            title="Start date",
            description="Earliest data read on the first run",
        ),
        th.Property(
            "api_url",
            th.StringType,
            default=PRODUCTION_URL,
            title="API URL",
            description=f"{PRODUCTION_URL} (production), {SANDBOX_URL} (ShipBob's sandbox) or a local stand-in",
        ),
        th.Property(
            "channel_id",
            th.StringType,
            title="Channel id",
            description="Sent as shipbob_channel_id to read one channel's orders only; unset reads every channel",
        ),
        th.Property(
            "account_id",
            th.StringType,
            title="Account id",
            description="The ShipBob user id every record carries; "
            "unset, read from the account's first inventory item or product",
        ),
        th.Property(
            "lookback_window_days",
            th.IntegerType,
            default=1,
            title="Lookback window (days)",
            description="Days re-read before the orders', invoices' and returns' bookmarks",
        ),
        th.Property(
            "rate_limit_window_seconds",
            th.NumberType,
            default=60,
            title="Rate limit window (seconds)",
            description="Length of ShipBob's sliding rate-limit window (a minute); "
            "a stand-in running faster than real time has a shorter one",
        ),
    ).to_dict()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limiter = SlidingWindowLimiter(window_s=float(self.config.get("rate_limit_window_seconds") or 60))
        self.issues = IssueLog(WHERE)

    def checked_config(self, config: dict[str, Any], *, complete: bool) -> Checked:
        return check_config(config, complete=complete, now=self.started_at)

    def data_streams(self) -> list[Stream]:
        return [stream_class(tap=self) for stream_class in STREAM_TYPES]

    def discover_streams(self) -> list[Stream]:
        """The API's streams, the run records, and the records set aside (written by the others)."""
        return [*super().discover_streams(), LoadIssuesStream(tap=self)]

    def run_accounts(self) -> list[str]:
        configured = self.config.get("account_id")
        return [str(configured)] if configured else []

    def user_account(self, stream: ShipBobStream) -> str:
        """The ShipBob user the token belongs to: the setting, else the user id of the account's
        first inventory item (or product), asked once a run by the first stream read (its calls
        count as that stream's). The run's ledger is then that account's."""
        if not self.ledger.accounts:
            for path in ("/inventory", "/product"):
                body = stream.get(path, {"PageSize": 1})
                items = body.get("items") if isinstance(body, dict) else None
                if items and items[0].get("user_id") is not None:
                    self.ledger.name_account(str(items[0]["user_id"]))
                    break
            else:
                raise ShipBobError(
                    "account_id: the account has no inventory or product to read its user id from; "
                    "set account_id to the ShipBob user id"
                )
        return self.account_id


def main() -> None:
    """Console entry point: known failures end with one line, not a traceback."""
    run(TapShipBob, ShipBobError)


if __name__ == "__main__":
    main()
