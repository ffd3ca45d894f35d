"""The Singer SDK's standard tap tests, against the sandbox."""

from singer_sdk.testing import SuiteConfig, get_tap_test_class
from spapi_sandbox import tap_config
from tap_amazon_spapi.tap import TapAmazonSPAPI

# load_issues is empty while every value can be read (test_tap_amazon_load_issues fills it).
TestTapAmazonSPAPI = get_tap_test_class(
    tap_class=TapAmazonSPAPI,
    config=tap_config(),
    suite_config=SuiteConfig(ignore_no_records_for_streams=["load_issues"]),
)
