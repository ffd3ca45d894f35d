"""The Singer SDK's standard tap tests, against the session's sandbox company."""

from freeagent_sandbox import tap_config
from singer_sdk.testing import get_tap_test_class
from tap_freeagent.tap import TapFreeAgent

TestTapFreeAgent = get_tap_test_class(tap_class=TapFreeAgent, config=tap_config())
