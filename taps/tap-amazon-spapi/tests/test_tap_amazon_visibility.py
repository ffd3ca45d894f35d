"""What a report backfill says while it works: each report's status and the windows done, every
30 s of the rate limiter's clock (advanced here without sleeping), over real HTTP; and the run's
records, with the figures the sandbox's request log holds."""

from __future__ import annotations

import io
import itertools
import json
import re
import urllib.request
from contextlib import redirect_stdout

from singer_sdk.singerlib.json import deserialize_json
from spapi_sandbox import SELLER, catalog_for, standard_options, tap_config
from tap_amazon_spapi.tap import TapAmazonSPAPI
from tap_common.progress import Progress
from tap_common.testing import FakeClock

from sandbox.server import Sandbox, running


def test_reports_say_their_status_and_windows_done_every_30_seconds():
    # Time in the sandbox runs slowly enough that each report waits in its queue for a second or two
    # of real time, while the tap polls (paced by its rate limiter, in real time) and its progress
    # clock moves only by the waits between polls, which it does not sleep.
    with running(Sandbox(standard_options(time_scale=40))) as url:
        config = tap_config(url)
        tap = TapAmazonSPAPI(config=config, catalog=catalog_for(config, {"orders", "order_items"}))
        clock = FakeClock()
        orders = tap.streams["orders"]
        orders.sleep = clock.sleep  # type: ignore[method-assign]
        said: list[tuple[float, str]] = []
        orders._progress = Progress(say=lambda line: said.append((clock.now, line)), clock=clock)
        with redirect_stdout(io.TextIOWrapper(io.BytesIO(), encoding="utf-8")):
            tap.sync_all()
    assert len(said) >= 2, said
    pattern = re.compile(
        r"^orders: report \S+ (IN_QUEUE|IN_PROGRESS|DONE|CANCELLED), windows (\d+) of (\d+) done, \d+ records so far"
    )
    done = []
    for _, line in said:
        match = pattern.match(line)
        assert match, line
        done.append((int(match[2]), int(match[3])))
    assert [d for d, _ in done] == sorted(d for d, _ in done)
    assert len({total for _, total in done}) == 1 and all(d <= total for d, total in done)
    gaps = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(said)]
    assert all(gap >= 30 for gap in gaps), gaps


def test_a_run_writes_its_rows_with_the_calls_the_sandbox_served():
    with running(Sandbox(standard_options())) as url:
        config = tap_config(url)
        tap = TapAmazonSPAPI(
            config=config, catalog=catalog_for(config, {"orders", "order_items", "sync_runs", "sync_streams"})
        )
        buffer = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        with redirect_stdout(buffer):
            tap.sync_all()
        served = tap.ledger
        with urllib.request.urlopen(f"{url}/_sandbox/requests") as response:
            log = json.load(response)["requests"]
    buffer.seek(0)
    records: dict[str, list[dict]] = {}
    for line in buffer.read().splitlines():
        message = deserialize_json(line)
        if message["type"] == "RECORD":
            records.setdefault(message["stream"], []).append(message["record"])
    [run] = records["sync_runs"]
    assert (run["tap"], run["account_ids"], run["outcome"], run["error"]) == (
        "tap-amazon-spapi",
        [SELLER],
        "succeeded",
        None,
    )
    assert run["api_cost"] is None  # Amazon charges no cost points
    assert run["api_calls"] == len(log) == served.api_calls
    streams = {row["stream"]: row for row in records["sync_streams"]}
    assert {name: row["records"] for name, row in streams.items()} == {
        name: len(records[name]) for name in ("orders", "order_items")
    }
    assert (
        streams["orders"]["mode"] == "report" and streams["orders"]["window_start"] and streams["orders"]["window_end"]
    )
    assert {row["account_id"] for row in streams.values()} == {SELLER}
