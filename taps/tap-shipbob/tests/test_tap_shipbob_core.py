"""The Singer SDK's standard tap tests, against the session's sandbox account."""

from shipbob_sandbox import tap_config
from singer_sdk.testing import get_tap_test_class
from tap_shipbob.tap import TapShipBob

TestTapShipBob = get_tap_test_class(tap_class=TapShipBob, config=tap_config())
