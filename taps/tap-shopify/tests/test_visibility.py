"""What a long run says while it works: progress lines timed by the throttle's clock (advanced here
without sleeping), against the sandbox over real HTTP."""

from __future__ import annotations

import contextlib
import io
import itertools
import logging
import re

from singer_sdk.metrics import METRICS_LOGGER_NAME
from tap_common.progress import Progress, duration, time_left
from tap_common.quiet import QuietFilter
from tap_common.runs import scrub
from tap_common.testing import FakeClock
from tap_shopify.bulk import POLL_CAP_STEPS
from tap_shopify.throttle import CostThrottle

from .conftest import tap_config
from .test_bulk import UnlimitedRunner


def test_progress_speaks_once_every_interval_and_says_when_it_is_due():
    clock, said = FakeClock(), []
    progress = Progress(say=said.append, clock=clock)
    assert not progress.tick(lambda s: f"{s:.0f}")  # the first step starts the clock
    clock.sleep(29)
    assert not progress.tick(lambda s: f"{s:.0f}") and progress.due_in() == 1
    clock.sleep(1)
    assert progress.tick(lambda s: f"{s:.0f}") and said == ["30"]
    assert progress.due_in() == 30


def test_time_left_takes_the_slower_of_the_rate_seen_and_the_rate_limit():
    assert time_left(100, 400, 50.0) == 150.0  # 2 records/s, 300 to go
    assert time_left(100, 400, 50.0, limit_s=600.0) == 600.0
    assert time_left(0, 400, 50.0) is None and time_left(10, None, 5.0) is None
    assert [duration(s) for s in (44.2, 150, 7500)] == ["45 s", "3 min", "2 h 05 min"]


def run_with_clock(config, clock: FakeClock, stream: str) -> tuple[UnlimitedRunner, list[tuple[float, str]]]:
    """Sync in-process with the throttle on `clock`; the progress lines of `stream` with their times."""
    runner = UnlimitedRunner(config)
    tap = runner.new_tap()
    tap.throttle = CostThrottle(clock=clock, sleep=clock.sleep)
    said: list[tuple[float, str]] = []
    tap.streams[stream]._progress = Progress(say=lambda line: said.append((clock.now, line)), clock=clock)
    with contextlib.redirect_stdout(io.TextIOWrapper(io.BytesIO(), encoding="utf-8")):
        tap.run_sync_dry_run(dry_run_record_limit=None)
    return runner, said


def test_a_bulk_operation_says_its_status_and_objects_every_30_seconds(sandbox_factory):
    # The sandbox builds the result at 100 objects a second of its time (real time here): several
    # seconds for these orders, in which the tap polls, its clock moving only by the waits it takes.
    _, url = sandbox_factory(shopify_orders=40, time_scale=1, bulk_objects_per_second=100)
    clock = FakeClock()
    _, said = run_with_clock(tap_config(url, bulk_mode="always"), clock, "orders")
    assert len(said) >= 2, said
    pattern = re.compile(
        r"^orders: bulk operation (gid://shopify/BulkOperation/\d+) (CREATED|RUNNING), (\d+) objects so far"
    )
    objects: dict[str, list[int]] = {}  # per operation: the orders' own, then the fulfillment orders'
    for _, line in said:
        match = pattern.match(line)
        assert match, line
        objects.setdefault(match[1], []).append(int(match[3]))
    assert all(counts == sorted(counts) for counts in objects.values()), objects
    gaps = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(said)]
    assert all(30 <= gap < 31 for gap in gaps), gaps


def test_a_paged_backfill_says_records_of_expected_and_time_left(sandbox_factory):
    sandbox, url = sandbox_factory(shopify_orders=150, time_scale=500)
    clock = FakeClock(step=2.0)  # every reading of the clock: two seconds pass
    _, said = run_with_clock(tap_config(url, bulk_mode="never"), clock, "orders")
    expected = len(sandbox.shopify.shops["stratus-demo.myshopify.com"].data.live_orders())
    assert said
    pattern = re.compile(
        rf"^orders: (\d+) of {expected} records so far, \d+ API calls, \d+ cost points, about .+ left$"
    )
    done = []
    for _, line in said:
        match = pattern.match(line)
        assert match, line
        done.append(int(match[1]))
    assert done == sorted(done) and done[-1] < expected


def record(name: str, msg: str, level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, None, None)


def test_the_default_log_drops_the_sdks_chatter_and_keeps_metrics_only_when_asked():
    quiet, asked = QuietFilter(metrics=False), QuietFilter(metrics=True)
    metric = record(METRICS_LOGGER_NAME, "METRIC: %s")
    assert not quiet.filter(metric) and asked.filter(metric)
    assert not quiet.filter(record("tap-shopify.orders", "Beginning sync of '%s' in %s mode with context keys: %s"))
    assert quiet.filter(record("tap-shopify.orders", "orders: started, incremental"))
    unsorted = "Stream is assumed to be unsorted, progress is not resumable if interrupted"
    assert quiet.filter(record("singer_sdk", unsorted, logging.WARNING))
    assert not quiet.filter(record("singer_sdk", unsorted, logging.WARNING))  # said once
    assert quiet.filter(record("tap-shopify", "anything else", logging.WARNING))


def test_an_error_line_never_carries_a_secret_value():
    line = "stopped: HTTPError: 500 for https://x.test/?token=shpat_0123456789"
    assert scrub(line, ["shpat_0123456789", ""]) == "stopped: HTTPError: 500 for https://x.test/?token=***"


def test_the_poll_interval_stops_at_its_cap_however_long_an_operation_runs():
    # Hours of polling once overflowed the geometric growth (1.5 ** 1751) and stopped the sync.
    tap = UnlimitedRunner(tap_config("http://127.0.0.1:9")).new_tap()
    stream = tap.streams["orders"]
    capped = stream.poll_interval(POLL_CAP_STEPS)
    assert stream.poll_interval(0) < capped
    assert stream.poll_interval(100_000) == capped == stream.poll_interval(POLL_CAP_STEPS + 1)
