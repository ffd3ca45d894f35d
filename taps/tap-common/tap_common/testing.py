"""Test support shared by the taps' suites: run a tap's real CLI and read what it told the user, or
sync it in-process and read what it wrote."""

from __future__ import annotations

import io
import json
import re
import socket
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from singer_sdk import Tap
from singer_sdk.singerlib.json import deserialize_json

#: The SDK's own log lines below WARNING (version banner, "Skipping parse of env var settings...").
QUIET_LOG = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \| (DEBUG|INFO) ")


#: Wrong start dates and the line every tap prints for them (all use settings.start_date); pass each
#: line through `setting_line` when asserting, which dates it at that moment (a suite can cross midnight).
WRONG_START_DATES = [
    (
        "start_date",
        "last tuesday",
        "start_date: expected an ISO 8601 date or timestamp like 2024-01-01, got 'last tuesday'",
    ),
    (
        "start_date",
        "2999-01-01T00:00:00Z",
        "start_date: '2999-01-01T00:00:00Z' is in the future; expected a date on or before today ({today}), "
        "from which the first run reads",
    ),
]


def setting_line(tap: str, line: str) -> str:
    """The one line `tap` prints for a wrong setting, as `told` reads it; `{today}` is today's UTC date."""
    return f"{tap}: " + line.replace("{today}", datetime.now(UTC).date().isoformat())


def run_tap(
    module: str, tmp_path: Path, config: dict[str, Any], *args: str, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """`python -m <module> --config <config> <args>`, as Meltano runs a tap."""
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    return subprocess.run(
        [sys.executable, "-m", module, "--config", str(path), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def told(stderr: str) -> list[str]:
    """What stderr holds besides the SDK's informational log lines: the lines a user must read."""
    return [line for line in stderr.splitlines() if line.strip() and not QUIET_LOG.match(line)]


def closed_port() -> int:
    """A local port nothing listens on: bound once by us, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class FakeClock:
    """A clock for the throttles and progress: it moves only when slept on, or by `step` each reading."""

    def __init__(self, step: float = 0.0) -> None:
        self.now = 1000.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Output:
    """What one in-process sync wrote: records per stream, state messages and schemas (numbers as Decimal)."""

    records: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    states: list[dict[str, Any]] = field(default_factory=list)
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict)
    started_at: datetime | None = None
    tap: Tap | None = None
    #: Why the sync stopped, when it was allowed to fail.
    error: Exception | None = None

    @property
    def state(self) -> dict[str, Any]:
        return self.states[-1] if self.states else {}


def catalog_for(tap_class: type[Tap], config: dict[str, Any], streams: Iterable[str]) -> dict[str, Any]:
    """The tap's discovered catalog with only `streams` selected."""
    wanted = set(streams)
    catalog: dict[str, Any] = tap_class(config=config).catalog_dict
    for entry in catalog["streams"]:
        for meta in entry["metadata"]:
            if meta["breadcrumb"] == []:
                meta["metadata"]["selected"] = entry["tap_stream_id"] in wanted
    return catalog


def sync(
    tap_class: type[Tap],
    config: dict[str, Any],
    state: dict[str, Any] | None = None,
    streams: Iterable[str] | None = None,
    *,
    tap: Tap | None = None,
    allow_failure: bool = False,
) -> Output:
    """One sync (of `streams` only, if given) in this process, its messages parsed; with
    `allow_failure` a sync that stops returns what it wrote before, and why in `error`."""
    if tap is None:
        catalog = catalog_for(tap_class, config, streams) if streams is not None else None
        tap = tap_class(config=config, state=state, catalog=catalog)
    buffer = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # the message writer writes bytes
    out = Output(started_at=getattr(tap, "started_at", None), tap=tap)
    try:
        with redirect_stdout(buffer):
            tap.sync_all()
    except Exception as exc:
        if not allow_failure:
            raise
        out.error = exc
    finally:
        buffer.seek(0)
        for line in buffer.read().splitlines():
            message = deserialize_json(line)
            if message["type"] == "RECORD":
                out.records[message["stream"]].append(message["record"])
            elif message["type"] == "STATE":
                out.states.append(message["value"])
            elif message["type"] == "SCHEMA":
                out.schemas[message["stream"]] = message["schema"]
    return out
