"""The Singer SDK's standard tap tests, against a sandbox account of their own.

The newest invoice's first two fee lines are served with an amount no decimal reads, so
load_issues has records for the standard record tests too, like every other stream."""

import atexit
from contextlib import ExitStack

from shipbob_sandbox import standard_options, tap_config
from singer_sdk.testing import get_tap_test_class
from tap_shipbob.tap import TapShipBob

from sandbox.faults import Fault
from sandbox.server import Sandbox, running

_stack = ExitStack()
atexit.register(_stack.close)
_url = _stack.enter_context(
    running(Sandbox(standard_options(faults=(Fault("unreadable_amounts", "shipbob", count=2),))))
)

TestTapShipBob = get_tap_test_class(tap_class=TapShipBob, config=tap_config(_url))
