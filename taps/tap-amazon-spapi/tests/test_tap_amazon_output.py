"""What the tap writes: no bookmark later than the sync's start, whatever Amazon's clock says;
no text Postgres cannot store."""

import json

from singer_sdk.singerlib.messages import RecordMessage
from spapi_sandbox import sync, tap_config
from tap_amazon_spapi.tap import TapAmazonSPAPI
from tap_common.settings import parse_moment


def bookmarks(state, keys=frozenset({"replication_key_value", "done_until"})):
    """Every timestamp a state holds under a bookmark key, at any depth."""
    if isinstance(state, dict):
        for key, value in state.items():
            if key in keys:
                yield from (value.values() if isinstance(value, dict) else [value])
            else:
                yield from bookmarks(value, keys)
    elif isinstance(state, list):
        for item in state:
            yield from bookmarks(item, keys)


def test_bookmarks_stop_at_the_sync_start_though_amazons_clock_is_ahead():
    # The session sandbox's clock runs 600 times faster than ours: the window Amazon states it
    # searched (lastUpdatedBefore) and its report times are hours ahead of the sync's start.
    out = sync(tap_config(), streams={"orders", "settlements"})
    saved = [value for state in out.states for value in bookmarks(state)]
    assert saved, "the sync saved no bookmark"
    assert out.records["orders"]
    assert max(parse_moment(value) for value in saved) <= out.started_at


def test_nul_is_removed_and_a_lone_surrogate_replaced_as_records_are_written():
    writer = TapAmazonSPAPI(config=tap_config()).message_writer
    record = {"amazon_order_id": "1", "title": "Merino\x00 Socks \ud800 Deluxe", "n": 2}
    line = writer.format_message(RecordMessage(stream="orders", record=record))
    assert json.loads(line)["record"] == {"amazon_order_id": "1", "title": "Merino Socks \ufffd Deluxe", "n": 2}
    clean = writer.format_message(RecordMessage(stream="orders", record={"title": "plain \\u0000 text"}))
    assert json.loads(clean)["record"]["title"] == "plain \\u0000 text"  # an escaped backslash is kept as is
