"""What a run says and records: a start and an end line per stream whose calls add up to the
sandbox's request log, progress lines for paged backfills (on a clock the test drives), and the
run records under the ShipBob user id, also when the tap learns it during the run."""

from __future__ import annotations

import contextlib
import io
import re

from shipbob_sandbox import calls, start_date, sync, tap_config
from tap_common import testing
from tap_common.progress import Progress
from tap_common.sliding_window import SlidingWindowLimiter
from tap_common.testing import FakeClock
from tap_shipbob.tap import TapShipBob

END_LINE = re.compile(r"\b(\w+): finished, (\d+) records, (\d+) API calls")
RUN_STREAMS = {"sync_runs", "sync_streams"}
USER = "451207"


def test_each_stream_starts_and_ends_with_a_line_whose_calls_add_up_to_the_request_log(sandbox_factory, tmp_path):
    sandbox, url = sandbox_factory(shopify_orders=40, amazon_orders=2, days=20, time_scale=600)
    since = start_date(25)
    result = testing.run_tap("tap_shipbob.tap", tmp_path, tap_config(url, start_date=since))
    assert result.returncode == 0, result.stderr
    log = result.stderr
    ended = {m[1]: m for m in END_LINE.finditer(log)}
    streams = {s.name for s in TapShipBob(config=tap_config(url)).data_streams()}
    assert set(ended) == streams, log
    assert all(f"{name}: started, " in log for name in streams)
    assert sum(int(m[3]) for m in ended.values()) == len(calls(sandbox))
    assert re.search(rf"orders: started, incremental, window {since} to \S+Z", log), log
    assert "products: started, incremental, window the beginning to " in log  # the first run reads the catalog
    assert "order_products: started, incremental with each orders record" in log
    assert re.search(r"stream +records +calls +seconds +warnings", log)


def test_the_run_records_carry_the_user_id_learnt_during_the_run_and_the_lookup_calls(sandbox_factory):
    sandbox, url = sandbox_factory(shopify_orders=20, amazon_orders=2, days=10, time_scale=600)
    learnt = sync(tap_config(url, start_date=start_date(12)), streams={"channels", *RUN_STREAMS})
    lookups = len(calls(sandbox))
    sandbox.clear_log()
    told = sync(tap_config(url, start_date=start_date(12), account_id=USER), streams={"channels", *RUN_STREAMS})
    assert len(calls(sandbox)) == lookups - 1  # set, the user id is not asked for
    for out, made in ((learnt, lookups), (told, lookups - 1)):
        [run] = out.records["sync_runs"]
        [row] = out.records["sync_streams"]
        assert run["account_ids"] == [USER] and row["account_id"] == USER
        # The lookup is the first stream's call: the stream's calls are the run's.
        assert (row["stream"], row["api_calls"], run["api_calls"]) == ("channels", made, made)
        assert {r["account_id"] for r in out.records["channels"]} == {USER}


def test_a_paged_backfill_says_its_records_and_calls_so_far(sandbox_factory):
    _, url = sandbox_factory(shopify_orders=400, amazon_orders=2, days=200, time_scale=600)
    config = tap_config(url, start_date=start_date(205))
    clock = FakeClock(step=10.0)  # every reading of the limiter's clock: ten seconds pass
    catalog = testing.catalog_for(TapShipBob, config, {"orders"})
    tap = TapShipBob(config=config, catalog=catalog)
    tap.limiter = SlidingWindowLimiter(window_s=0.1, clock=clock, sleep=clock.sleep)
    said: list[str] = []
    tap.streams["orders"]._progress = Progress(say=said.append, clock=clock)
    with contextlib.redirect_stdout(io.TextIOWrapper(io.BytesIO(), encoding="utf-8")):
        tap.sync_all()
    pattern = re.compile(r"^orders: (\d+) records so far, (\d+) API calls, .+ so far$")
    assert len(said) >= 2, said
    progress = [pattern.match(line) for line in said]
    assert all(progress), said
    records = [int(m[1]) for m in progress if m]
    assert records == sorted(records) and records[-1] <= tap.ledger.entry("orders").records
