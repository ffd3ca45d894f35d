"""tap-shopify: the configuration it takes and the streams it offers."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from singer_sdk import Stream
from singer_sdk import typing as th
from tap_common import settings
from tap_common.cli import run
from tap_common.settings import Checked, Parser, WrongSettingError
from tap_common.tap import GuardedTap

from tap_shopify.bulk import BULK_PROPERTIES, BULK_SETTINGS
from tap_shopify.client import DELETIONS_READ_TO, ShopifyError
from tap_shopify.streams import STREAM_TYPES
from tap_shopify.streams.payments import PAYOUT_SETTLE_DAYS
from tap_shopify.throttle import CostThrottle

DEFAULT_API_VERSION = "2026-10"
SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
API_VERSION = re.compile(r"^(\d{4})-(01|04|07|10)$")


def _shop(name: str, value: Any) -> str:
    if not isinstance(value, str) or not SHOP_DOMAIN.match(value.lower()):
        raise WrongSettingError(f"{name}: expected a myshopify domain like 'my-store.myshopify.com', got {value!r}")
    return value


def _api_version(name: str, value: Any) -> str:
    if value != "unstable" and not (isinstance(value, str) and API_VERSION.match(value)):
        raise WrongSettingError(f"{name}: expected a release like '2026-10' (YYYY-01/04/07/10), got {value!r}")
    return str(value)


def setting_parsers(now: datetime) -> dict[str, Parser]:
    """How each setting is parsed and checked; a wrong one gets one line naming it."""
    return {
        "shop": _shop,
        "access_token": settings.text(expected="the Admin API access token (shpat_...)", secret=True),
        "api_version": _api_version,
        "start_date": settings.start_date(now),
        "lookback_window_days": settings.integer(minimum=0, unit="days"),
        "safety_lag_minutes": settings.number(minimum=0, unit="minutes"),
        "payout_settle_days": settings.integer(minimum=0, unit="days"),
        "api_url": settings.url,
        **BULK_SETTINGS,
    }


REQUIRED = {
    "shop": "the store's myshopify domain, e.g. my-store.myshopify.com",
    "access_token": "the Admin API access token of the store's custom app",
}


def check_config(config: dict[str, Any], *, complete: bool = False, now: datetime | None = None) -> Checked:
    """`config` parsed, and one line per wrong setting (and per missing one if `complete`)."""
    return settings.check(config, setting_parsers(now or datetime.now(UTC)), REQUIRED, complete=complete)


def config_problems(config: dict[str, Any], *, complete: bool = False) -> list[str]:
    """What is wrong with `config`, one line per setting."""
    return check_config(config, complete=complete).problems


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


class TapShopify(GuardedTap):
    """Singer tap for the Shopify Admin GraphQL API.

    Its messages go through tap_common's CleaningWriter: msgspec serialises them several times
    faster than the SDK's default JSON writer (Decimal amounts stay exact JSON numbers).
    """

    name = "tap-shopify"
    bookmark_keys = frozenset({"replication_key_value", DELETIONS_READ_TO})

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
            description="Days before the bookmark whose payouts may still change: their statuses are read again, "
            "and any payout whose status moved is read again with its balance transactions; raise it for weekly "
            "or monthly payouts",
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
        self.throttle = CostThrottle()
        warning = version_age_warning(
            str(self.config.get("api_version") or DEFAULT_API_VERSION), datetime.now(UTC).date()
        )
        if warning:
            self.logger.warning(warning)

    def checked_config(self, config: dict[str, Any], *, complete: bool) -> Checked:
        return check_config(config, complete=complete, now=self.started_at)

    def run_accounts(self) -> list[str]:
        return [str(self.config.get("shop") or "").lower()]

    def data_streams(self) -> list[Stream]:
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
    run(TapShopify, ShopifyError)


if __name__ == "__main__":
    main()
