"""The Singer SDK's standard tap tests, against the sandbox."""

from singer_sdk.testing import get_tap_test_class
from tap_amazon_spapi.tap import TapAmazonSPAPI

from .conftest import tap_config

TestTapAmazonSPAPI = get_tap_test_class(tap_class=TapAmazonSPAPI, config=tap_config())
