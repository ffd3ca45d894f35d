"""tap-amazon-spapi: the configuration it takes and the streams it offers."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from typing import Any

from singer_sdk import Stream, Tap
from singer_sdk import typing as th
from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.exceptions import ConfigValidationError

from tap_amazon_spapi.auth import LWAAuthenticator
from tap_amazon_spapi.client import LWA_TOKEN_URL, REGION_HOSTS
from tap_amazon_spapi.errors import AmazonError
from tap_amazon_spapi.issues import IssueLog
from tap_amazon_spapi.streams import STREAM_TYPES
from tap_amazon_spapi.throttle import RateLimiter

MARKETPLACE_ID = re.compile(r"^[A-Z0-9]{9,16}$")
SELLER_ID = re.compile(r"^[A-Z0-9]{8,20}$")
MAX_LOOKBACK_DAYS = 90


def _url_problem(name: str, value: Any) -> str | None:
    if value and not str(value).startswith(("https://", "http://")):
        return f"{name}: expected an http(s) URL, got {value!r}"
    return None


def config_problems(config: dict[str, Any]) -> list[str]:
    """What is wrong with `config` beyond its JSON schema, one line per setting."""
    problems: list[str] = []
    client_id = str(config.get("lwa_client_id") or "")
    if client_id and not client_id.startswith("amzn1.application-oa2-client."):
        problems.append("lwa_client_id: expected the app's LWA client id, starting amzn1.application-oa2-client.")
    refresh = str(config.get("refresh_token") or "")
    if refresh and not refresh.startswith("Atzr|"):
        problems.append("refresh_token: expected an LWA refresh token, starting Atzr|")
    region = config.get("region") or "na"
    if region not in REGION_HOSTS:
        problems.append(f"region: expected one of {', '.join(REGION_HOSTS)}, got {region!r}")
    for name in ("api_url", "lwa_token_url"):
        problem = _url_problem(name, config.get(name))
        if problem:
            problems.append(problem)
    if config.get("use_amazon_sandbox") and config.get("api_url"):
        problems.append("use_amazon_sandbox: cannot be combined with api_url; set one or the other")
    marketplaces = config.get("marketplace_ids")
    if marketplaces is not None:
        bad = [m for m in marketplaces if not MARKETPLACE_ID.match(str(m))]
        if not marketplaces:
            problems.append("marketplace_ids: name at least one marketplace id, e.g. ATVPDKIKX0DER")
        elif bad:
            problems.append(f"marketplace_ids: {bad[0]!r} is not a marketplace id like ATVPDKIKX0DER")
    seller = config.get("selling_partner_id")
    if seller is not None and not SELLER_ID.match(str(seller)):
        problems.append(f"selling_partner_id: expected the seller's merchant token like A2EXAMPLE123, got {seller!r}")
    start = config.get("start_date")
    if start:
        try:
            moment = datetime.fromisoformat(str(start).replace("Z", "+00:00"))
            if (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) > datetime.now(UTC):
                problems.append(f"start_date: {start!r} is in the future")
        except ValueError:
            problems.append(f"start_date: expected an ISO 8601 date or timestamp, got {start!r}")
    lookback = config.get("lookback_window_days")
    if lookback is not None and not (isinstance(lookback, int) and 0 <= lookback <= MAX_LOOKBACK_DAYS):
        problems.append(f"lookback_window_days: expected a whole number of days from 0 to {MAX_LOOKBACK_DAYS}")
    return problems


class TapAmazonSPAPI(Tap):
    """Singer tap for the Amazon Selling Partner API."""

    name = "tap-amazon-spapi"
    # msgspec serialises Singer messages several times faster than the SDK's default JSON writer.
    message_writer_class = MsgSpecWriter

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
        problems = config_problems(dict(self.config))
        if problems:
            raise ConfigValidationError("Config validation failed", errors=problems)
        self.limiter = RateLimiter()
        self.issues = IssueLog()
        self.lwa = LWAAuthenticator(
            auth_endpoint=str(self.config.get("lwa_token_url") or LWA_TOKEN_URL),
            client_id=str(self.config.get("lwa_client_id") or ""),
            client_secret=str(self.config.get("lwa_client_secret") or ""),
            refresh_token=str(self.config.get("refresh_token") or ""),
        )

    def discover_streams(self) -> list[Stream]:
        return [stream_class(tap=self) for stream_class in STREAM_TYPES]


def main() -> None:
    """Console entry point: known failures end with one line, not a traceback."""
    try:
        TapAmazonSPAPI.cli()
    except AmazonError as exc:
        print(f"tap-amazon-spapi: {exc}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
