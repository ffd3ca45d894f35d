"""No bookmark is saved later than the moment the sync started, whatever Amazon's clock says."""

from spapi_sandbox import sync, tap_config
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
