"""`python -m bench`: measure the Shopify pipeline at 1× and 10× and the Amazon pipeline (a two-year
backfill and an hourly sync), and write bench/results/latest.{json,md}.

Each stage gets its own sandbox world (served on a free port in this process) and its own fresh
embedded warehouse; Meltano keeps its state in a scratch directory, never the project's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from subprocess import PIPE
from typing import Any

import psutil
import psycopg
from psycopg import sql
from stratus_warehouse import Warehouse

from bench import amazon, api_log, ceiling, procs, report, shipbob
from sandbox.server import Sandbox, SandboxOptions, running
from sandbox.shopify.data import ORDER_NUMBER_BASE

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
# The loader as Meltano runs it: the wrapper that checks and types the settings, then loads in-process.
LOADER = "stratus-target-postgres"
TARGET = ROOT / ".meltano" / "loaders" / "target-postgres" / "venv" / "bin" / LOADER
SHOP = "stratus-demo.myshopify.com"
RAW_SCHEMA = "raw_shopify"  # tap-shopify's load_schema in meltano.yml
# Fast enough that the cost bucket (100,000 points a real second) hardly paces a throughput run,
# slow enough that a bulk result URL (valid a simulated week) lives ten real minutes.
UNPACED_TIME_SCALE = 1_000.0
# For the API-time runs: slow enough that the tap's own work between calls stays small in simulated
# time, fast enough that a bulk operation of 100,000 orders runs in about half a minute. The 10×
# Shopify load runs at this scale until the bulk result's download starts (the bulk read waits on the
# sandbox's generation, not the clock), then at UNPACED_TIME_SCALE: one run gives both figures.
PACED_TIME_SCALE = 20.0
# The backfill stage's scale until its bulk results are read: slow enough that the sandbox building
# 100,000 orders' results (two operations, on a shared 2-core machine) keeps up with its bulk rate.
BACKFILL_TIME_SCALE = 2.0
# Calls the orders backfill makes after the bulk result, for refunds and fulfillments whose
# connections a bulk query cannot nest; their API time is what the cost bucket imposes on them.
ORDER_FOLLOW_UPS = ("RefundNodes", "FulfillmentNodes")
BULK_RESULT = "shopify-bulk-result"
# Shopify's documented standard-plan limits, the sandbox's defaults: bucket size and restore per second.
BUCKET_SIZE = 2000.0
RESTORE_RATE = 100.0
# Shopify Plus: ten times both.
PLUS_BUCKET_SIZE = 20_000.0
PLUS_RESTORE_RATE = 1_000.0
# A shop of 100,000 orders over 90 days changes about this many orders an hour (new ones and updates).
CHANGED_PER_HOUR = 100
WATCH = ("tap-shopify", "tap-amazon-spapi", LOADER)
# A live seller's Amazon orders a day, arriving while the hourly sync's hour passes.
AMAZON_LIVE_ORDERS_PER_DAY = 48.0
# Longer than the marts' incremental lookback (lookback_hours in transform/dbt_project.yml).
BACKFILL_AGE = timedelta(days=4)
# The hourly cycle's worlds: 10× the history is ten times the days at the same daily rate (the 10×
# world spans the two years of the Amazon backfill). So an hour brings the same activity at both
# scales (the shipments ShipBob delivers, the returns it completes, Amazon's live orders, the 100
# changed orders) and the 10× cycle differs from the 1× one only in what is stored. Amazon holds a
# tenth as many orders as Shopify at each scale, so both histories grow tenfold from 1× to 10×.
HOURLY_DAYS_1X = 73
HOURLY_AMAZON_SHARE = 10
# What the four hourly jobs extract and load (meltano.yml), in one run; then dbt-postgres:hourly.
RAW_SCHEMAS = {
    "tap-shopify": "raw_shopify",
    "tap-amazon-spapi": "raw_amazon",
    "tap-shipbob": "raw_shipbob",
    "tap-freeagent": "raw_freeagent",
}
EXTRACT_LOAD = tuple(arg for tap in RAW_SCHEMAS for arg in (tap, "target-postgres"))
# The hourly cycles' clock: a cycle's syncs span some minutes of simulated time, the rate limits
# pace them as a real hour's would (hardly: a sync of what changed in an hour is small), and each
# cycle starts one simulated hour after the last (the clock is moved on to it). Between its cycles a
# world's clock all but stops, while the other world's cycle runs.
HOURLY_TIME_SCALE = PACED_TIME_SCALE
PAUSED_TIME_SCALE = 1e-6
HOUR_S = 3600.0
# Measured hourly cycles at each scale by default (after one that moves the marts past the
# backfill); the median is reported.
HOURLY_ROUNDS = 3
# The slowest nodes of the hourly dbt run kept in the results, with their execution times.
SLOWEST_NODES = 15


@dataclass
class Stage:
    """One sandbox world and one fresh warehouse, with the Meltano environment that points at both."""

    world: Sandbox
    url: str
    warehouse: Warehouse
    env: dict[str, str]
    schema: str = RAW_SCHEMA

    def meltano(self, *args: str) -> procs.Run:
        return procs.run([str(BIN / "meltano"), *args], env=self.env, cwd=ROOT, watch=WATCH)

    def streams(self, schema: str | None = None) -> list[str]:
        """The tables the loader made: one per stream the tap emitted."""
        with psycopg.connect(self.warehouse.url()) as conn:
            found = conn.execute(
                "select table_name from information_schema.tables where table_schema = %s order by 1",
                (schema or self.schema,),
            ).fetchall()
        return [name for (name,) in found]

    def count(self) -> int:
        streams = self.streams()
        with psycopg.connect(self.warehouse.url()) as conn:
            total = 0
            for stream in streams:
                found = conn.execute(sql.SQL("select count(*) from {}").format(sql.Identifier(self.schema, stream)))
                total += int(found.fetchone()[0])  # type: ignore[index]
            return total

    def drop_raw(self) -> None:
        with psycopg.connect(self.warehouse.url(), autocommit=True) as conn:
            conn.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(self.schema)))

    def age_loaded_rows(self, age: timedelta, schema: str | None = None) -> None:
        schema = schema or self.schema
        streams = self.streams(schema)
        with psycopg.connect(self.warehouse.url(), autocommit=True) as conn:
            for stream in streams:
                conn.execute(
                    sql.SQL("update {} set _sdc_batched_at = _sdc_batched_at - %s").format(
                        sql.Identifier(schema, stream)
                    ),
                    (age,),
                )
                # As a table loaded days ago would be: without the update's dead row versions.
                conn.execute(sql.SQL("vacuum analyze {}").format(sql.Identifier(schema, stream)))


@dataclass
class HourlyCycle:
    """What one hourly cycle took: each source's sync and load, and the hourly dbt run."""

    seconds: dict[str, float] = field(default_factory=dict)
    calls: dict[str, dict[str, int]] = field(default_factory=dict)
    points: dict[str, dict[str, int]] = field(default_factory=dict)  # actual cost, where the API prices calls
    dbt_wall_s: float = 0.0
    dbt_results: dict[str, Any] = field(default_factory=dict)

    @property
    def wall_s(self) -> float:
        return sum(self.seconds.values()) + self.dbt_wall_s


@dataclass
class HourlyWorld:
    """A stage the hourly cycles run on, when its last sync started, and its measured cycles."""

    stage: Stage
    synced: datetime
    measured: list[HourlyCycle] = field(default_factory=list)
    hour_started: float | None = None  # the sandbox clock when the last cycle began

    def start_hour(self) -> None:
        """Run the clock at the hourly scale, one simulated hour on from the last cycle's start."""
        clock = self.stage.world.clock
        clock.set_scale(HOURLY_TIME_SCALE)
        if self.hour_started is not None:
            clock.advance(max(0.0, self.hour_started + HOUR_S - clock.now()))
        self.hour_started = clock.now()
        # ShipBob's rate-limit minute on the sandbox's clock (the tap paces itself in real time).
        self.stage.env["TAP_SHIPBOB_RATE_LIMIT_WINDOW_SECONDS"] = str(60 / HOURLY_TIME_SCALE)

    def end_hour(self) -> None:
        self.stage.world.clock.set_scale(PAUSED_TIME_SCALE)


def _env(url: str, warehouse: Warehouse, scratch: Path, days: int) -> dict[str, str]:
    # Every source reads from before the sandbox's first day.
    start = (datetime.now(UTC) - timedelta(days=days + 5)).strftime("%Y-%m-%dT00:00:00Z")
    env = dict(os.environ)
    env.update(
        {
            "MELTANO_ENVIRONMENT": "dev",
            "MELTANO_DATABASE_URI": f"sqlite:///{scratch / 'meltano.db'}",
            "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
            "TAP_SHOPIFY_API_URL": f"{url}/shops/{{shop}}",
            "TAP_AMAZON_SPAPI_API_URL": f"{url}/sp-api",
            "TAP_AMAZON_SPAPI_LWA_TOKEN_URL": f"{url}/lwa/auth/o2/token",
            "TAP_AMAZON_SPAPI_START_DATE": start,
            "TAP_SHIPBOB_API_URL": f"{url}/shipbob",
            "TAP_SHIPBOB_START_DATE": start,
            "TAP_FREEAGENT_API_URL": f"{url}/v2",
            "TARGET_POSTGRES_PORT": str(warehouse.port),
            "DBT_POSTGRES_PORT": str(warehouse.port),
        }
    )
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _api_seconds(log: list[dict[str, Any]]) -> float:
    """Simulated seconds from the first call until the last answer, or until the last bulk result
    download began (reading the download is the tap's time, not the API's)."""
    ends = [e["sim_start"] if e.get("api") == BULK_RESULT else e.get("sim_end", e["sim_start"]) for e in log]
    return float(max(ends) - min(e["sim_start"] for e in log))


def bucket_seconds(
    log: list[dict[str, Any]], maximum: float = BUCKET_SIZE, restore_rate: float = RESTORE_RATE
) -> float:
    """Seconds a client needs for these calls at Shopify's limits: before each call it waits until
    the bucket holds the call's requested cost, then the bucket keeps only the actual cost taken.
    Network and server time are left out: this is the time the rate limit alone imposes."""
    elapsed, available = 0.0, maximum
    for entry in log:
        requested, actual = entry.get("requested_cost"), entry.get("actual_cost")
        if requested is None or actual is None:
            continue
        if available < requested:
            elapsed += (requested - available) / restore_rate
            available = requested
        available -= actual
        # The next call comes at once; until then nothing refills.
    return elapsed


def _unpace_after_bulk_result(world: Sandbox, done: threading.Event) -> None:
    """Switch the clock to the throughput scale once the download of every bulk operation started
    (the orders' and the fulfillment orders' beside it) has begun."""
    while not done.wait(0.2):
        log = world.requests()
        started = sum(1 for e in log if e.get("operation") == "BulkOperationRunQuery")
        if started and sum(1 for e in log if e.get("api") == BULK_RESULT) >= started:
            world.clock.set_scale(UNPACED_TIME_SCALE)
            return


def _bulk_wait_real_s(log: list[dict[str, Any]], time_scale: float) -> float:
    """Real seconds from starting the bulk operation until its result's download began (the clock
    runs at `time_scale` all that while); 0 for a paged read."""
    started = [e["sim_start"] for e in log if e.get("operation") == "BulkOperationRunQuery"]
    downloads = [e["sim_start"] for e in log if e.get("api") == BULK_RESULT]
    if not started or not downloads:
        return 0.0
    return float(min(downloads) - min(started)) / time_scale


def _bulk_ends(world: Sandbox) -> list[tuple[float, float]]:
    """Each finished bulk operation of the bench's shop: when it completed, and when it would have at
    the sandbox's bulk rate alone."""
    bulk = world.shopify.bulk
    return [end for op in bulk.operations(SHOP) if (end := bulk.ends(op)) is not None]


def _calls_by_operation(log: list[dict[str, Any]]) -> dict[str, int]:
    calls: dict[str, int] = {}
    for entry in log:
        name = str(entry.get("operation") or entry.get("api"))
        calls[name] = calls.get(name, 0) + 1
    return calls


def _points_by_operation(log: list[dict[str, Any]]) -> dict[str, int]:
    """The actual cost points of each operation in a request log."""
    points: dict[str, int] = {}
    for entry in log:
        name = str(entry.get("operation") or entry.get("api"))
        points[name] = points.get(name, 0) + (entry.get("actual_cost") or 0)
    return points


def _last_state(singer_file: Path) -> dict[str, Any]:
    state: dict[str, Any] = {}
    with singer_file.open("rb") as fh:
        for line in fh:
            if b'"STATE"' in line[:40]:  # only parse what may be a STATE message
                message = json.loads(line)
                if message.get("type") == "STATE":
                    state = message["value"]
    return state


def _dbt_run_results() -> dict[str, Any]:
    """dbt's run results of its last invocation."""
    results: dict[str, Any] = json.loads((ROOT / "transform" / "target" / "run_results.json").read_text())
    return results


def _dbt_seconds() -> float:
    """dbt's own elapsed time of its last invocation, from its run results."""
    return float(_dbt_run_results()["elapsed_time"])


def _dbt_node_seconds(resource_type: str) -> float:
    """The summed execution time of the last invocation's nodes of one type (model, test); dbt runs
    several at once, so the sums of models and tests add up to more than its elapsed time."""
    return sum(
        float(node["execution_time"])
        for node in _dbt_run_results()["results"]
        if node["unique_id"].startswith(f"{resource_type}.")
    )


class Bench:
    def __init__(
        self,
        orders_1x: int,
        amazon_orders: int,
        scratch: Path,
        hourly_rounds: int = HOURLY_ROUNDS,
        backfill_orders: int = 100_000,
    ) -> None:
        self.orders_1x = orders_1x
        self.hourly_rounds = hourly_rounds
        self.backfill_orders = backfill_orders
        self.amazon_orders = amazon_orders
        self.scratch = scratch
        self.results: dict[str, Any] = {
            "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{psutil.cpu_count()} CPUs, {round(psutil.virtual_memory().total / 2**30)} GiB, "
            f"Python {platform.python_version()}",
            "conditions": f"1× = {orders_1x:,} Shopify orders with their line items; 10× = {10 * orders_1x:,}; "
            f"Amazon: {amazon_orders:,} orders over {amazon.DAYS} days in two marketplaces.",
            "load": {"shopify": {}, "amazon": {}},
            "tap_only": {"shopify": {}, "amazon": {}},
            "memory": {},
            "api_time": {
                "amazon_backfill_10k_orders_s": None,
                "amazon_incremental_1h_calls": None,
                "amazon_naive_backfill_10k_orders_s": report.NAIVE_AMAZON_BACKFILL_S,
                "shopify_backfill_100k_orders_s": None,
                "shopify_incremental_calls": None,
            },
            "dbt": {},
            "notes": {},
        }

    def stage(self, name: str, options: SandboxOptions, schema: str = RAW_SCHEMA) -> Any:
        """A context: sandbox world, fresh warehouse, Meltano environment."""
        bench = self

        class _Stage:
            def __enter__(self) -> Stage:
                world = Sandbox(options)
                self._serve = running(world)
                url = self._serve.__enter__()
                directory = bench.scratch / name
                directory.mkdir()
                warehouse = Warehouse(data_dir=directory / "warehouse", port=_free_port())
                warehouse.start()
                self._stage = Stage(world, url, warehouse, _env(url, warehouse, directory, options.days), schema)
                return self._stage

            def __exit__(self, *exc: object) -> None:
                self._stage.warehouse.destroy()
                self._serve.__exit__(None, None, None)

        return _Stage()

    def log(self, message: str) -> None:
        print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)

    def plugin_config(self, stage: Stage, plugin: str) -> Path:
        """The plugin's configuration as Meltano resolves it from meltano.yml for this stage."""
        printed = procs.run(
            [str(BIN / "meltano"), "config", "--unsafe", "print", plugin],
            # What `meltano run` sets for the loader from the extractor's load_schema.
            env={**stage.env, "MELTANO_EXTRACT__LOAD_SCHEMA": stage.schema},
            cwd=ROOT,
            stdout=PIPE,
        )
        config = json.loads(printed.stdout)
        if plugin == "target-postgres":  # what the loader reads from `meltano run`'s environment
            config["default_target_schema"] = stage.schema
        path = self.scratch / f"{plugin}-{stage.warehouse.port}.json"
        path.write_text(json.dumps(config))
        return path

    def one_x(self) -> None:
        """At 1×: the whole load through `meltano run` (memory of both) and the tap alone."""
        with self.stage("1x", self._shopify(self.orders_1x, UNPACED_TIME_SCALE)) as stage:
            self.log(f"1×: meltano run tap-shopify target-postgres ({self.orders_1x:,} orders)")
            load = stage.meltano("run", "tap-shopify", "target-postgres")
            records = stage.count()
            self.results["memory"]["tap_peak_rss_mb_1x"] = load.peak_rss_mb.get("tap-shopify")
            self.results["memory"]["target_peak_rss_mb_1x"] = load.peak_rss_mb.get(LOADER)
            self.results["load"]["shopify"]["meltano_run_records_per_s_1x"] = round(records / load.seconds)

            self.log(f"1×: tap-shopify > /dev/null ({records:,} records)")
            tap = [str(BIN / "tap-shopify"), "--config", str(self.plugin_config(stage, "tap-shopify"))]
            stage.world.clear_log()
            alone = procs.run(tap, watch=WATCH)
            # As for the load: the wait for Shopify to build a bulk result is API time, left out.
            bulk_wait = _bulk_wait_real_s(stage.world.requests(), UNPACED_TIME_SCALE)
            self.results["tap_only"]["shopify"] = {
                "records_per_s": round(records / (alone.seconds - bulk_wait)),
                "records": records,
                "bulk_wait_s": round(bulk_wait, 1),
            }

    def backfill(self) -> None:
        """The Shopify backfill alone: tap-shopify > /dev/null on a fresh world of `backfill_orders`
        orders, paced (BACKFILL_TIME_SCALE) until every bulk result's download began; its API time as
        ten_x reports it."""
        orders = self.backfill_orders
        with self.stage("backfill", self._shopify(orders, BACKFILL_TIME_SCALE)) as stage:
            tap = [str(BIN / "tap-shopify"), "--config", str(self.plugin_config(stage, "tap-shopify"))]
            self.log(f"backfill: tap-shopify > /dev/null ({orders:,} orders)")
            done = threading.Event()
            unpace = threading.Thread(target=_unpace_after_bulk_result, args=(stage.world, done))
            unpace.start()
            try:
                run = procs.run(tap, watch=WATCH)
            finally:
                done.set()
                unpace.join()
            self.backfill_api_time(
                stage.world.requests(), orders, run.seconds, _bulk_ends(stage.world), BACKFILL_TIME_SCALE
            )

    def ten_x(self) -> None:
        """At 10×: tap | tee | target (memory, throughput, the backfill's API time, the rows for the COPY
        ceiling), dbt full build, then an hour's changes: incremental calls and dbt incremental run."""
        orders = 10 * self.orders_1x
        with self.stage("10x", self._shopify(orders, PACED_TIME_SCALE)) as stage:
            singer_file = self.scratch / "10x" / "tap.singer.jsonl"
            tap = [str(BIN / "tap-shopify"), "--config", str(self.plugin_config(stage, "tap-shopify"))]
            target = [str(TARGET), "--config", str(self.plugin_config(stage, "target-postgres"))]
            self.log(f"10×: tap-shopify | tee | target-postgres ({orders:,} orders)")
            done = threading.Event()
            unpace = threading.Thread(target=_unpace_after_bulk_result, args=(stage.world, done))
            unpace.start()
            try:
                load = procs.run(tap, ["tee", str(singer_file)], target, watch=WATCH)
            finally:
                done.set()
                unpace.join()
            records = stage.count()
            self.results["memory"]["tap_peak_rss_mb_10x"] = load.peak_rss_mb.get("tap-shopify")
            self.results["memory"]["target_peak_rss_mb_10x"] = load.peak_rss_mb.get(LOADER)
            # Shopify builds a bulk result on its own servers; that wait is API time (api_time below),
            # not the pipeline's, so the load rate leaves it out. The end-to-end rate keeps it.
            bulk_wait = _bulk_wait_real_s(stage.world.requests(), PACED_TIME_SCALE)
            self.results["load"]["shopify"].update(
                {
                    "records_per_s": round(records / (load.seconds - bulk_wait)),
                    "records": records,
                    "seconds": round(load.seconds - bulk_wait, 1),
                    "bulk_wait_s": round(bulk_wait, 1),
                    "end_to_end_records_per_s": round(records / load.seconds),
                }
            )
            self.backfill_api_time(stage.world.requests(), orders, load.seconds, _bulk_ends(stage.world))
            # Throughput scale (if no bulk result set it): the hours of changes lie past the backfill.
            stage.world.clock.set_scale(UNPACED_TIME_SCALE)

            self.log("10×: COPY ceiling from the same records")
            rows, seconds = ceiling.copy_ceiling(stage.warehouse.url(), singer_file, RAW_SCHEMA, stage.streams())
            shopify = self.results["load"]["shopify"]
            shopify["copy_ceiling_records_per_s"] = round(rows / seconds)
            shopify["copy_ceiling_records"] = rows
            shopify["ratio"] = round(shopify["records_per_s"] / shopify["copy_ceiling_records_per_s"], 3)

            self.log("10×: target-postgres alone, fed the same records from the file")
            stage.drop_raw()
            with singer_file.open("rb") as records_in:
                alone = procs.run(target, stdin=records_in)
            shopify["target_only_records_per_s"] = round(records / alone.seconds)
            shopify["target_only_ratio"] = round(
                shopify["target_only_records_per_s"] / shopify["copy_ceiling_records_per_s"], 3
            )

    def hourly(self) -> None:
        """The hourly cycle at 1× and 10× the history, each on its own world and warehouse: every
        source backfilled through Meltano and a full dbt build, then hourly cycles taken in turns
        (1×, 10×, 1×, ...) so that the machine's changing load weighs on both alike."""
        with ExitStack() as stack:
            cycles: dict[str, HourlyWorld] = {}
            for scale, factor in (("1x", 1), ("10x", 10)):
                orders, days = factor * self.orders_1x, factor * HOURLY_DAYS_1X
                amazon_orders = max(1, orders // HOURLY_AMAZON_SHARE)
                world_options = self._hourly_world(orders, amazon_orders, days)
                stage = stack.enter_context(self.stage(f"hourly-{scale}", world_options))
                # The sandbox's search index never trails its writes: a sync reads up to its start.
                stage.env["TAP_SHOPIFY_SAFETY_LAG_MINUTES"] = "0"
                # ShipBob's rate-limit minute on the sandbox's clock (the tap paces itself in real time).
                stage.env["TAP_SHIPBOB_RATE_LIMIT_WINDOW_SECONDS"] = str(60 / UNPACED_TIME_SCALE)
                self.log(
                    f"hourly {scale}: backfill of every source ({orders:,} Shopify orders, "
                    f"{amazon_orders:,} Amazon orders, ShipBob and FreeAgent over {days} days)"
                )
                cycles[scale] = HourlyWorld(stage, datetime.now(UTC))
                for tap in RAW_SCHEMAS:
                    stage.meltano("run", tap, "target-postgres")
                # As if the backfill had been loaded days ago, beyond the marts' incremental lookback.
                for schema in RAW_SCHEMAS.values():
                    stage.age_loaded_rows(BACKFILL_AGE, schema)
                self.log(f"hourly {scale}: dbt build (full)")
                stage.meltano("run", "dbt-postgres:build")
                self.results["dbt"][f"full_build_s_{scale}"] = round(_dbt_seconds(), 1)
                cycles[scale].end_hour()
            # The first cycle moves the marts past the backfill, as every run after it does in
            # production; the rounds after it are measured.
            for hour in range(self.hourly_rounds + 1):
                for scale, world in cycles.items():
                    self.log(
                        f"hourly {scale}: hour {hour}: {CHANGED_PER_HOUR} orders change; every source syncs, then dbt"
                    )
                    cycle = self.hourly_cycle(world, hour)
                    if hour:
                        world.measured.append(cycle)
        for scale, world in cycles.items():
            self.record_hourly(scale, world.measured)

    def _hourly_world(self, orders: int, amazon_orders: int, days: int) -> SandboxOptions:
        return SandboxOptions(
            shopify_orders=orders,
            amazon_orders=amazon_orders,
            days=days,
            time_scale=UNPACED_TIME_SCALE,
            shops=(SHOP,),
            amazon_live_orders_per_day=AMAZON_LIVE_ORDERS_PER_DAY,
        )

    def hourly_cycle(self, world: HourlyWorld, hour: int) -> HourlyCycle:
        """One hour: 100 Shopify orders change, every source's job syncs and loads from its last
        state (as the four hourly jobs do), then one hourly dbt run."""
        stage = world.stage
        data = stage.world.shopify.shops[SHOP].data
        # Spread between the last sync's start and now, as real changes are.
        end = datetime.now(UTC) - timedelta(seconds=1)
        step = (end - world.synced) / (CHANGED_PER_HOUR + 1)
        # Other orders each hour (from the oldest on, round again in a small world).
        count = len(data.orders)
        for index in range(CHANGED_PER_HOUR):
            number = ORDER_NUMBER_BASE + 1 + ((hour + 1) * CHANGED_PER_HOUR + index) % count
            data.update_orders([number], world.synced + step * (index + 1))
        world.synced = datetime.now(UTC)
        world.start_hour()
        cycle = HourlyCycle()
        for tap in RAW_SCHEMAS:
            stage.world.clear_log()
            cycle.seconds[tap] = stage.meltano("run", tap, "target-postgres").seconds
            cycle.calls[tap] = _calls_by_operation(stage.world.requests())
            cycle.points[tap] = _points_by_operation(stage.world.requests())
        # What each hourly job runs after its load (meltano.yml); the cycle runs it once.
        cycle.dbt_wall_s = stage.meltano("run", "dbt-postgres:hourly").seconds
        cycle.dbt_results = _dbt_run_results()
        world.end_hour()
        return cycle

    def record_hourly(self, scale: str, measured: list[HourlyCycle]) -> None:
        """The median measured cycle's figures (the lower middle one of an even count), with every
        measured cycle's wall time beside them."""
        ordered = sorted(measured, key=lambda cycle: cycle.wall_s)
        cycle = ordered[(len(ordered) - 1) // 2]
        self.results.setdefault("hourly", {}).update(
            {
                f"wall_s_{scale}": round(cycle.wall_s, 1),
                f"wall_s_each_cycle_{scale}": [round(c.wall_s, 1) for c in measured],
                f"extract_load_s_{scale}": round(sum(cycle.seconds.values()), 1),
                f"extract_load_s_by_source_{scale}": {tap: round(s, 1) for tap, s in cycle.seconds.items()},
                f"dbt_run_wall_s_{scale}": round(cycle.dbt_wall_s, 1),
                f"calls_{scale}": cycle.calls,
            }
        )
        nodes = cycle.dbt_results["results"]
        slowest = sorted(nodes, key=lambda node: -float(node["execution_time"]))[:SLOWEST_NODES]

        def summed(kind: str) -> float:
            return round(sum(float(n["execution_time"]) for n in nodes if n["unique_id"].startswith(f"{kind}.")), 1)

        dbt = self.results["dbt"]
        dbt.update(
            {
                f"hourly_s_{scale}": round(float(cycle.dbt_results["elapsed_time"]), 1),
                f"hourly_models_node_s_{scale}": summed("model"),
                f"hourly_tests_node_s_{scale}": summed("test"),
                f"hourly_nodes_{scale}": len(nodes),
                f"hourly_slowest_nodes_{scale}": {
                    node["unique_id"].split(".", 2)[-1]: round(float(node["execution_time"]), 2) for node in slowest
                },
            }
        )
        if scale == "10x":
            shopify = cycle.calls["tap-shopify"]
            busiest = max(shopify, key=lambda name: shopify[name])
            api = self.results["api_time"]
            api.update(
                shopify_incremental_calls=shopify[busiest],
                shopify_incremental_busiest=busiest,
                shopify_incremental_calls_by_query=shopify,
                # The whole sync's points (the changed orders' data and the fixed calls) over the orders changed.
                shopify_incremental_points_by_query=cycle.points["tap-shopify"],
                shopify_incremental_points_per_changed_order=round(
                    sum(cycle.points["tap-shopify"].values()) / CHANGED_PER_HOUR, 1
                ),
            )
            dbt["incremental_s_10x"] = dbt["hourly_s_10x"]
            dbt["incremental_models_node_s_10x"] = dbt["hourly_models_node_s_10x"]
            dbt["incremental_tests_node_s_10x"] = dbt["hourly_tests_node_s_10x"]

    def backfill_api_time(
        self,
        log: list[dict[str, Any]],
        orders: int,
        real_s: float,
        ends: list[tuple[float, float]] | None = None,
        time_scale: float = PACED_TIME_SCALE,
    ) -> None:
        """The Shopify backfill's simulated API time and calls, and what the rate limit alone imposes.

        With a bulk read: simulated seconds until the last bulk operation completed (the orders' and the
        fulfillment orders' run side by side; `ends`: each one's completion, and what it would have been
        at the sandbox's bulk rate alone, not slowed by the sandbox building the result on a busy
        machine), plus what the cost bucket imposes on the follow-up calls for refunds and fulfillments
        (made at the unpaced scale), on a Standard plan and on Plus. Reading the results is the tap's
        time, as it always was here. Without one (a paged read, all at the paced scale): first call to
        last answer."""
        api = self.results["api_time"]
        starts = [e["sim_start"] for e in log if e.get("api") == BULK_RESULT]
        follow_ups = [e for e in log if e.get("operation") in ORDER_FOLLOW_UPS]
        if starts:
            first = min(e["sim_start"] for e in log)
            bulk_s = (max(end for end, _ in ends) if ends else min(starts)) - first
            follow_up_s = bucket_seconds(follow_ups)
            plus_s = bucket_seconds(follow_ups, PLUS_BUCKET_SIZE, PLUS_RESTORE_RATE)
            seconds = round(bulk_s + follow_up_s)
            by_query = {
                name: {
                    "calls": sum(1 for e in follow_ups if e.get("operation") == name),
                    "points": sum(e.get("actual_cost") or 0 for e in follow_ups if e.get("operation") == name),
                    "requested": sum(e.get("requested_cost") or 0 for e in follow_ups if e.get("operation") == name),
                }
                for name in ORDER_FOLLOW_UPS
            }
            api["shopify_backfill_parts"] = {
                "bulk_operations": sum(1 for e in log if e.get("operation") == "BulkOperationRunQuery"),
                "bulk_s": round(bulk_s),
                "bulk_at_sandbox_rate_s": round(max(model for _, model in ends) - first) if ends else None,
                "bulk_until_last_download_s": round(max(starts) - first),
                "follow_up_calls": len(follow_ups),
                "follow_up_points": sum(e.get("actual_cost") or 0 for e in follow_ups),
                "follow_up_rate_limit_s": round(follow_up_s),
                "follow_ups_by_query": by_query,
                "plus_follow_up_rate_limit_s": round(plus_s),
                "plus_backfill_s": round(bulk_s + plus_s),
            }
        else:
            seconds = round(_api_seconds(log))
        api["shopify_backfill_100k_orders_s"] = seconds if orders == 100_000 else None
        if orders != 100_000:
            self.results["notes"]["api_time.shopify_backfill_100k_orders_s"] = (
                f"reduced scale: {orders:,} orders took {seconds:,} simulated s (api_time.shopify_backfill)"
            )
        api["shopify_backfill_rate_limit_s"] = round(bucket_seconds(log))
        api["shopify_backfill_points"] = sum(e.get("actual_cost") or 0 for e in log)
        api["shopify_backfill"] = {
            "orders": orders,
            "api_s": seconds,
            "calls": _calls_by_operation(log),
            "real_s": round(real_s, 1),
            "time_scale": time_scale,
        }

    def _shopify(self, orders: int, time_scale: float) -> SandboxOptions:
        return SandboxOptions(shopify_orders=orders, time_scale=time_scale, shops=(SHOP,), amazon_orders=1)

    def amazon(self) -> None:
        """Amazon: the two-year backfill of orders with items and an hour's sync in simulated time, on a
        fresh world; then orders, items and settlement lines through the loader (throughput, COPY
        ceiling) and the tap alone."""
        orders = self.amazon_orders
        options = SandboxOptions(
            amazon_orders=orders,
            days=amazon.DAYS,
            time_scale=UNPACED_TIME_SCALE,
            amazon_live_orders_per_day=AMAZON_LIVE_ORDERS_PER_DAY,
            shopify_orders=1,
            shops=(SHOP,),
        )
        with self.stage("amazon", options, amazon.RAW_SCHEMA) as stage:
            directory = self.scratch / "amazon"
            settings = directory / "tap-amazon-spapi.json"
            settings.write_text(json.dumps(amazon.config(stage.url)))
            tap_base = [str(BIN / "tap-amazon-spapi"), "--config", str(settings)]
            discovered = procs.run([*tap_base, "--discover"], stdout=PIPE).stdout

            def tap(streams: tuple[str, ...], name: str) -> list[str]:
                return [*tap_base, "--catalog", str(amazon.write_catalog(discovered, streams, directory / name))]

            self.amazon_api_time(stage, tap(amazon.ORDER_STREAMS, "orders.catalog.json"), orders)
            stage.world.clock.set_scale(UNPACED_TIME_SCALE)

            load_tap = tap(amazon.LOAD_STREAMS, "load.catalog.json")
            target = [str(TARGET), "--config", str(self.plugin_config(stage, "target-postgres"))]
            singer_file = directory / "tap.singer.jsonl"
            self.log(f"Amazon: tap-amazon-spapi | tee | target-postgres ({orders:,} orders, items, settlement lines)")
            load = procs.run(load_tap, ["tee", str(singer_file)], target, watch=WATCH)
            records = stage.count()
            self.log("Amazon: COPY ceiling from the same records")
            rows, seconds = ceiling.copy_ceiling(stage.warehouse.url(), singer_file, stage.schema, stage.streams())
            rate = round(records / load.seconds)
            self.results["load"]["amazon"] = {
                "records_per_s": rate,
                "records": records,
                "seconds": round(load.seconds, 1),
                "copy_ceiling_records_per_s": round(rows / seconds),
                "copy_ceiling_records": rows,
                "ratio": round(rate / (rows / seconds), 3),
                "tables": stage.streams(),
            }
            self.results["memory"]["amazon_tap_peak_rss_mb"] = load.peak_rss_mb.get("tap-amazon-spapi")

            self.log("Amazon: tap-amazon-spapi > /dev/null")
            alone = procs.run(load_tap)
            self.results["tap_only"]["amazon"] = {"records_per_s": round(records / alone.seconds), "records": records}

    def amazon_api_time(self, stage: Stage, tap: list[str], orders: int) -> None:
        """The two-year backfill of orders with items at the paced scale, then one simulated hour of a
        live seller and the incremental sync that reads it."""
        self.log(f"Amazon: backfill of {orders:,} orders with the sandbox clock at {PACED_TIME_SCALE:g}× real time")
        clock = stage.world.clock
        clock.set_scale(PACED_TIME_SCALE)
        stage.world.clear_log()  # discovery's calls
        backfill_file = self.scratch / "amazon" / "backfill.singer.jsonl"
        paced = procs.run(tap, ["tee", str(backfill_file)])
        span, calls, refused = amazon.api_summary(stage.world)
        api = self.results["api_time"]
        api["amazon_backfill_10k_orders_s"] = round(span) if orders == 10_000 else None
        if orders != 10_000:
            self.results["notes"]["api_time.amazon_backfill_10k_orders_s"] = (
                f"reduced scale: {orders:,} orders took {round(span):,} simulated s (api_time.amazon_backfill)"
            )
        api["amazon_backfill"] = {
            "orders": orders,
            "api_s": round(span),
            "calls": dict(calls),
            "refused_429": refused,
            "real_s": round(paced.seconds, 1),
            "time_scale": PACED_TIME_SCALE,
        }
        state = self.scratch / "amazon" / "state.json"
        state.write_text(json.dumps(_last_state(backfill_file)))

        self.log("Amazon: one simulated hour passes; incremental sync")
        clock.set_scale(UNPACED_TIME_SCALE)  # the hour passes in a few real seconds
        hour_from = clock.now()
        while clock.now() - hour_from < 3600:
            time.sleep(0.2)
        clock.set_scale(PACED_TIME_SCALE)
        stage.world.clear_log()
        procs.run([*tap, "--state", str(state)])
        span, calls, refused = amazon.api_summary(stage.world)
        # The token exchange is Login with Amazon's, not a stream's call.
        busiest = max((name for name in calls if name != "lwaToken"), key=lambda name: calls[name])
        api["amazon_incremental_1h_calls"] = calls[busiest]
        api["amazon_incremental_busiest"] = busiest
        api["amazon_incremental_calls_by_operation"] = dict(calls)
        api["amazon_incremental_api_s"] = round(span)

    def shipbob(self) -> None:
        """ShipBob: a full sync of every stream of the 3PL fulfilling the 1× shop's orders, then, a
        simulated hour later, the incremental sync from its state; the clock at the paced scale and
        the tap's sliding window at the real seconds a simulated minute lasts, so the calls and the
        simulated API time (first request to last answer) come from the request log as for Amazon."""
        orders = self.orders_1x
        options = SandboxOptions(shopify_orders=orders, shops=(SHOP,), amazon_orders=1, time_scale=PACED_TIME_SCALE)
        with self.stage("shipbob", options, shipbob.RAW_SCHEMA) as stage:
            directory = self.scratch / "shipbob"
            settings = directory / "tap-shipbob.json"
            settings.write_text(json.dumps(shipbob.config(stage.url, options.days, PACED_TIME_SCALE)))
            tap = [str(BIN / "tap-shipbob"), "--config", str(settings)]
            api = self.results["api_time"]
            self.log(f"ShipBob: full sync of the 3PL of {orders:,} Shopify orders, clock at {PACED_TIME_SCALE:g}×")
            stage.world.clear_log()
            full_file = directory / "full.singer.jsonl"
            full = procs.run(tap, ["tee", str(full_file)])
            span, calls, refused = api_log.api_summary(stage.world, "shipbob")
            api["shipbob_full_sync"] = {
                "orders": orders,
                "api_s": round(span),
                "calls": sum(calls.values()),
                "calls_by_operation": dict(calls),
                "refused_429": refused,
                "real_s": round(full.seconds, 1),
                "time_scale": PACED_TIME_SCALE,
            }
            state = directory / "state.json"
            state.write_text(json.dumps(_last_state(full_file)))

            self.log("ShipBob: one simulated hour passes; incremental sync")
            clock = stage.world.clock
            clock.set_scale(UNPACED_TIME_SCALE)
            hour_from = clock.now()
            while clock.now() - hour_from < 3600:
                time.sleep(0.2)
            clock.set_scale(PACED_TIME_SCALE)
            stage.world.clear_log()
            incremental = procs.run([*tap, "--state", str(state)])
            span, calls, refused = api_log.api_summary(stage.world, "shipbob")
            api["shipbob_incremental_sync"] = {
                "api_s": round(span),
                "calls": sum(calls.values()),
                "calls_by_operation": dict(calls),
                "refused_429": refused,
                "real_s": round(incremental.seconds, 1),
            }


STAGES = ("one_x", "ten_x", "amazon", "hourly", "shipbob", "backfill")
# The backfill stage measures alone what ten_x also measures: run it when that is all you need.
DEFAULT_STAGES = ("one_x", "ten_x", "amazon", "hourly", "shipbob")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--orders", type=int, default=10_000, help="Shopify orders at 1× (10× is ten times this)")
    parser.add_argument("--amazon-orders", type=int, default=10_000, help="Amazon orders of the two-year backfill")
    parser.add_argument(
        "--stages",
        default=",".join(DEFAULT_STAGES),
        help=f"comma-separated stages to run ({', '.join(STAGES)}; backfill: the Shopify backfill's API time "
        "alone, as ten_x also measures it); keys of skipped stages stay empty",
    )
    parser.add_argument(
        "--hourly-rounds",
        type=int,
        default=HOURLY_ROUNDS,
        help="measured hourly cycles at each scale (median reported)",
    )
    parser.add_argument(
        "--backfill-orders", type=int, default=100_000, help="Shopify orders of the backfill stage's shop"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results", help="where latest.{json,md} go")
    args = parser.parse_args()
    stages = args.stages.split(",")
    for name in stages:
        if name not in STAGES:
            parser.error(f"--stages: unknown stage {name!r} (choose from {', '.join(STAGES)})")
    if args.hourly_rounds < 1:
        parser.error(f"--hourly-rounds: must be at least 1, got {args.hourly_rounds}")
    started = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="stratus-bench-"))
    try:
        bench = Bench(args.orders, args.amazon_orders, scratch, args.hourly_rounds, args.backfill_orders)
        for name in stages:
            getattr(bench, name)()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    bench.results["bench_seconds"] = round(time.monotonic() - started)
    report.write(bench.results, args.out)
    print(report.markdown(bench.results))


if __name__ == "__main__":
    main()
