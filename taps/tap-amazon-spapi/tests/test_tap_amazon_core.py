"""The Singer SDK's standard tap tests, against a sandbox of their own.

Every settlement document of that sandbox has one row with a date in an unknown form, so
load_issues has records for the standard record tests too, like every other stream."""

import atexit
from contextlib import ExitStack

from singer_sdk.testing import get_tap_test_class
from spapi_sandbox import standard_options, tap_config
from tap_amazon_spapi.tap import TapAmazonSPAPI

from sandbox.faults import Fault
from sandbox.server import Sandbox, running

_stack = ExitStack()
atexit.register(_stack.close)
_url = _stack.enter_context(
    running(
        Sandbox(
            standard_options(
                faults=(
                    Fault(
                        "unreadable_dates",
                        "amazon",
                        count=10_000,
                        where={"report_type": ("GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2",)},
                    ),
                )
            )
        )
    )
)

TestTapAmazonSPAPI = get_tap_test_class(tap_class=TapAmazonSPAPI, config=tap_config(_url))
