"""The Singer SDK's standard tap tests, against the sandbox."""

from singer_sdk.testing import get_tap_test_class
from spapi_sandbox import tap_config
from tap_amazon_spapi.tap import TapAmazonSPAPI

TestTapAmazonSPAPI = get_tap_test_class(tap_class=TapAmazonSPAPI, config=tap_config())
