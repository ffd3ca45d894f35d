"""tap-shopify: the configuration it takes and the streams it offers."""

from __future__ import annotations

import re
import sys
from datetime import UTC, date, datetime, timedelta
from typing import Any

from singer_sdk import Stream, Tap
from singer_sdk import typing as th
from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.exceptions import ConfigValidationError

from tap_shopify.bulk import BULK_PROPERTIES, bulk_config_problems
from tap_shopify.client import ShopifyError
from tap_shopify.streams import STREAM_TYPES
from tap_shopify.streams.payments import PAYOUT_SETTLE_DAYS
from tap_shopify.throttle import CostThrottle

DEFAULT_API_VERSION = "2026-10"
SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
API_VERSION = re.compile(r"^(\d{4})-(01|04|07|10)$")


def config_problems(config: dict[str, Any]) -> list[str]:
    """What is wrong with `config` beyond its JSON schema, one line per setting."""
    problems = []
    shop = str(config.get("shop") or "").lower()
    if shop and not SHOP_DOMAIN.match(shop):
        problems.append(f"shop: expected a myshopify domain like 'my-store.myshopify.com', got {shop!r}")
    version = str(config.get("api_version") or DEFAULT_API_VERSION)
    if version != "unstable" and not API_VERSION.match(version):
        problems.append(f"api_version: expected a release like '2026-10' (YYYY-01/04/07/10), got {version!r}")
    start = config.get("start_date")
    if start:
        try:
            datetime.fromisoformat(str(start))
        except ValueError:
            problems.append(f"start_date: expected an ISO 8601 date or timestamp, got {start!r}")
    for name in ("lookback_window_days", "safety_lag_minutes", "payout_settle_days"):
        value = config.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float) or value < 0):
            problems.append(f"{name}: expected a number of {name.rsplit('_', 1)[1]} of at least 0, got {value!r}")
    api_url = str(config.get("api_url") or "")
    if api_url and not api_url.startswith(("https://", "http://")):
        problems.append(f"api_url: expected an http(s) URL, got {api_url!r}")
    return problems + bulk_config_problems(config)


def version_age_warning(version: str, today: date) -> str | None:
    """A warning if `version` was released more than twelve months before `today`."""
    match = API_VERSION.match(version)
    if not match:
        return None
    released = date(int(match[1]), int(match[2]), 1)
    if today - released > timedelta(days=365):
        return (
            f"api_version {version} is more than twelve months old; Shopify retires versions after "
            "about a year, so move to a newer one"
        )
    return None


class TapShopify(Tap):
    """Singer tap for the Shopify Admin GraphQL API."""

    name = "tap-shopify"
    # msgspec serialises Singer messages several times faster than the SDK's default JSON writer
    # (Decimal amounts stay exact JSON numbers); serialising is a large share of the tap's CPU.
    message_writer_class = MsgSpecWriter

    config_jsonschema = th.PropertiesList(
        th.Property(
            "shop",
            th.StringType,
            required=True,
            title="Shop",
            description="The myshopify domain, e.g. my-store.myshopify.com",
        ),
        th.Property(
            "access_token",
            th.StringType,
            required=True,
            secret=True,
            title="Access token",
            description=(
                "Admin API access token of a custom app with read_orders, read_customers, read_products, "
                "read_inventory, read_locations and read_shopify_payments_payouts"
            ),
        ),
        th.Property(
            "api_version",
            th.StringType,
            default=DEFAULT_API_VERSION,
            title="API version",
            description="Admin API version; one older than twelve months gets a warning",
        ),
        th.Property(
            "start_date",
            th.DateTimeType,
            title="Start date",
            description="Earliest updated_at to read on the first run",
        ),
        th.Property(
            "lookback_window_days",
            th.IntegerType,
            default=0,
            title="Lookback window (days)",
            description="Re-read this many days before the bookmark on every run, to catch late changes",
        ),
        th.Property(
            "safety_lag_minutes",
            th.NumberType,
            default=5,
            title="Safety lag (minutes)",
            description="Read only changes older than this, since Shopify's search index trails its writes; "
            "newer ones are read by the next run",
        ),
        th.Property(
            "payout_settle_days",
            th.IntegerType,
            default=PAYOUT_SETTLE_DAYS,
            title="Payout settle window (days)",
            description="Days before the bookmark whose payouts may still change: their payouts are read again, "
            "and the balance transactions of any whose status moved; raise it for weekly or monthly payouts",
        ),
        th.Property(
            "api_url",
            th.StringType,
            title="API URL",
            description="Base URL of the Admin API, default https://{shop}; {shop} is replaced by the shop domain",
        ),
        *BULK_PROPERTIES,
    ).to_dict()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        problems = config_problems(dict(self.config)) if self.config.get("shop") else []
        if problems:
            raise ConfigValidationError("Config validation failed", errors=problems)
        self.throttle = CostThrottle()
        # Every stream's window ends relative to this one moment.
        self.started_at = datetime.now(UTC)
        warning = version_age_warning(
            str(self.config.get("api_version") or DEFAULT_API_VERSION), datetime.now(UTC).date()
        )
        if warning:
            self.logger.warning(warning)

    def discover_streams(self) -> list[Stream]:
        return [stream_class(tap=self) for stream_class in STREAM_TYPES]

    @property
    def streams(self) -> dict[str, Stream]:
        # The SDK orders streams by name; sync them in STREAM_TYPES order instead.
        found = super().streams
        rank = {stream_type: index for index, stream_type in enumerate(STREAM_TYPES)}
        ordered = dict(sorted(found.items(), key=lambda item: rank.get(type(item[1]), len(rank))))
        if list(ordered) != list(found):
            self._streams = ordered
        return ordered


def main() -> None:
    """Console entry point: known failures end with one line, not a traceback."""
    try:
        TapShopify.cli()
    except ShopifyError as exc:
        print(f"tap-shopify: {exc}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
