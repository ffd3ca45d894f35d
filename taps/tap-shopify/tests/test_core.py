"""The Singer SDK's standard tap tests, against the sandbox."""

from singer_sdk.testing import get_tap_test_class
from tap_shopify.tap import TapShopify

from .conftest import tap_config

TestTapShopify = get_tap_test_class(tap_class=TapShopify, config=tap_config())
