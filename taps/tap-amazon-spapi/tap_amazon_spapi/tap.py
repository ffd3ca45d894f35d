"""tap-amazon-spapi: the configuration it takes and the streams it offers."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from singer_sdk import Stream
from singer_sdk import typing as th
from tap_common import settings
from tap_common.cli import run
from tap_common.settings import Checked, Parser
from tap_common.tap import GuardedTap

from tap_amazon_spapi.auth import LWAAuthenticator
from tap_amazon_spapi.client import LWA_TOKEN_URL, REGION_HOSTS
from tap_amazon_spapi.errors import AmazonError
from tap_amazon_spapi.issues import IssueLog
from tap_amazon_spapi.streams import STREAM_TYPES
from tap_amazon_spapi.throttle import RateLimiter

CLIENT_ID = re.compile(r"^amzn1\.application-oa2-client\.")
REFRESH_TOKEN = re.compile(r"^Atzr\|")
MARKETPLACE_ID = re.compile(r"^[A-Z0-9]{9,16}$")
SELLER_ID = re.compile(r"^[A-Z0-9]{8,20}$")
MAX_LOOKBACK_DAYS = 90


def setting_parsers(now: datetime) -> dict[str, Parser]:
    """How each setting is parsed and checked; a wrong one gets one line naming it."""
    return {
        "lwa_client_id": settings.text(
            pattern=CLIENT_ID, expected="the app's LWA client id, starting amzn1.application-oa2-client.", secret=True
        ),
        "lwa_client_secret": settings.text(expected="the app's LWA client secret", secret=True),
        "refresh_token": settings.text(
            pattern=REFRESH_TOKEN, expected="an LWA refresh token, starting Atzr|", secret=True
        ),
        "selling_partner_id": settings.text(
            pattern=SELLER_ID, expected="the seller's merchant token like A2EXAMPLE123"
        ),
        "marketplace_ids": settings.text_list(item=MARKETPLACE_ID, example="ATVPDKIKX0DER"),
        "start_date": settings.start_date(now),
        "region": settings.choice(*REGION_HOSTS),
        "lookback_window_days": settings.integer(minimum=0, maximum=MAX_LOOKBACK_DAYS, unit="days"),
        "pii": settings.boolean,
        "use_amazon_sandbox": settings.boolean,
        "api_url": settings.url,
        "lwa_token_url": settings.url,
    }


REQUIRED = {
    "lwa_client_id": "the SP-API app's LWA client id",
    "lwa_client_secret": "the SP-API app's LWA client secret",
    "refresh_token": "the seller's LWA refresh token for the app",
    "selling_partner_id": "the seller's merchant token (Seller Central, Account Info)",
    "marketplace_ids": 'the marketplaces to read, e.g. ["ATVPDKIKX0DER"]',
    "start_date": "the earliest date to read, e.g. 2024-01-01",
}


def check_config(config: dict[str, Any], *, complete: bool = False, now: datetime | None = None) -> Checked:
    """`config` parsed, and one line per wrong setting (and per missing one if `complete`)."""
    checked = settings.check(config, setting_parsers(now or datetime.now(UTC)), REQUIRED, complete=complete)
    if checked.config.get("use_amazon_sandbox") and checked.config.get("api_url"):
        checked.problems.append("use_amazon_sandbox: cannot be combined with api_url; set one or the other")
    return checked


def config_problems(config: dict[str, Any], *, complete: bool = False) -> list[str]:
    """What is wrong with `config`, one line per setting."""
    return check_config(config, complete=complete).problems


class TapAmazonSPAPI(GuardedTap):
    """Singer tap for the Amazon Selling Partner API.

    Its messages go through tap_common's CleaningWriter (msgspec, several times faster than the
    SDK's default JSON writer); `done_until` holds each report stream's per-marketplace watermarks.
    """

    name = "tap-amazon-spapi"
    bookmark_keys = frozenset({"replication_key_value", "done_until"})

    config_jsonschema = th.PropertiesList(
        th.Property(
            "lwa_client_id",
            th.StringType,
            required=True,
            secret=True,
            title="LWA client id",
            description="Login with Amazon client id of the SP-API app",
        ),
        th.Property(
            "lwa_client_secret",
            th.StringType,
            required=True,
            secret=True,
            title="LWA client secret",
            description="Login with Amazon client secret of the SP-API app",
        ),
        th.Property(
            "refresh_token",
            th.StringType,
            required=True,
            secret=True,
            title="Refresh token",
            description="The seller's LWA refresh token for the app (starts Atzr|)",
        ),
        th.Property(
            "selling_partner_id",
            th.StringType,
            required=True,
            title="Selling partner id",
            description="The seller's merchant token (Seller Central > Account info); "
            "the API does not return it, and every record carries it",
        ),
        th.Property(
            "marketplace_ids",
            th.ArrayType(th.StringType),
            required=True,
            title="Marketplace ids",
            description="Marketplaces to read, e.g. ATVPDKIKX0DER (US); each has its own bookmarks",
        ),
        th.Property(
            "start_date",
            th.DateTimeType,
            required=True,
            title="Start date",
            description="Earliest data to read on the first run",
        ),
        th.Property(
            "region",
            th.StringType,
            default="na",
            allowed_values=["na", "eu", "fe"],
            title="Region",
            description="SP-API region of the marketplaces: na, eu or fe",
        ),
        th.Property(
            "lookback_window_days",
            th.IntegerType,
            default=3,
            title="Lookback window (days)",
            description="Days re-read before each report bookmark, for late changes",
        ),
        th.Property(
            "pii",
            th.BooleanType,
            default=False,
            title="Personal data",
            description="Extract buyer names, emails, phones and addresses (through Restricted Data Tokens)",
        ),
        th.Property(
            "use_amazon_sandbox",
            th.BooleanType,
            default=False,
            title="Use Amazon's sandbox",
            description="Call Amazon's static sandbox hosts of the region instead of production",
        ),
        th.Property(
            "api_url",
            th.StringType,
            title="API URL",
            description="SP-API endpoint overriding the region's, e.g. a local stand-in",
        ),
        th.Property(
            "lwa_token_url",
            th.StringType,
            title="LWA token URL",
            description=f"Token endpoint of Login with Amazon, default {LWA_TOKEN_URL}",
        ),
    ).to_dict()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limiter = RateLimiter()
        self.issues = IssueLog()
        self.lwa = LWAAuthenticator(
            auth_endpoint=str(self.config.get("lwa_token_url") or LWA_TOKEN_URL),
            client_id=str(self.config.get("lwa_client_id") or ""),
            client_secret=str(self.config.get("lwa_client_secret") or ""),
            refresh_token=str(self.config.get("refresh_token") or ""),
        )
        self.lwa.on_response = self.ledger.call

    def checked_config(self, config: dict[str, Any], *, complete: bool) -> Checked:
        return check_config(config, complete=complete, now=self.started_at)

    def run_accounts(self) -> list[str]:
        return [str(self.config.get("selling_partner_id") or "")]

    def data_streams(self) -> list[Stream]:
        return [stream_class(tap=self) for stream_class in STREAM_TYPES]


def main() -> None:
    """Console entry point: known failures end with one line, not a traceback."""
    run(TapAmazonSPAPI, AmazonError)


if __name__ == "__main__":
    main()
