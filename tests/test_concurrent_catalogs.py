"""Runs of one extractor at the same moment never share a catalog file.

Meltano's `run` keeps one catalog file per extractor (`.meltano/run/<plugin>/tap.properties.json`),
rewritten by every run's discovery and selection; `el` gives each run its own directory
(`.meltano/run/elt/<state id>/<run id>/`). So: no two scheduled jobs read the same extractor (and
Meltano refuses a second run of a job still running), and ad hoc runs beside a schedule use `el`,
as the README says."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from conftest import ROOT, meltano_command, pipeline_env
from sandbox.server import Sandbox, SandboxOptions, running

pytestmark = pytest.mark.pipeline


def scheduled_extractors() -> dict[str, list[str]]:
    """The extractors each scheduled job's tasks read."""
    project = yaml.safe_load((ROOT / "meltano.yml").read_text())
    extractors = {plugin["name"] for plugin in project["plugins"]["extractors"]}
    jobs = {job["name"]: job["tasks"] for job in project["jobs"]}
    scheduled = {schedule["job"] for schedule in project["schedules"] if "job" in schedule}
    return {
        job: [word for task in jobs[job] for word in task.split() if word in extractors] for job in sorted(scheduled)
    }


def test_no_two_scheduled_jobs_read_the_same_extractor() -> None:
    readers: dict[str, list[str]] = {}
    for job, names in scheduled_extractors().items():
        for name in names:
            readers.setdefault(name, []).append(job)
    assert readers, "the schedules should read at least one extractor"
    shared = {name: jobs for name, jobs in readers.items() if len(jobs) > 1}
    assert not shared, f"scheduled jobs that would share a catalog file: {shared}"


def test_ad_hoc_runs_beside_a_scheduled_run_each_sync_their_own_selection(tmp_path: Path) -> None:
    with running(Sandbox(SandboxOptions(shopify_orders=20, time_scale=500))) as url:
        base = pipeline_env(url, SimpleNamespace(port=1), tmp_path, amazon_days=30)  # type: ignore[arg-type]
        commands = {
            # what a schedule runs, here selecting the shop alone
            "shop": ["run", "tap-shopify", "target-jsonl", "--full-refresh", "--state-id-suffix", "scheduled"],
            # what a user runs beside it
            "locations": ["el", "tap-shopify", "target-jsonl", "--full-refresh", "--state-id", "dump-locations"],
            "payouts": ["el", "tap-shopify", "target-jsonl", "--full-refresh", "--state-id", "dump-payouts"],
        }
        # Meltano migrates a new system database on first use; a project's first command does it.
        subprocess.run(meltano_command("state", "list"), cwd=ROOT, env=base, capture_output=True, check=True)
        runs = []
        for stream, args in commands.items():
            out = tmp_path / stream
            out.mkdir()
            env = {
                **base,
                "TAP_SHOPIFY__SELECT": json.dumps([f"{stream}.*"]),
                "TARGET_JSONL_DESTINATION_PATH": str(out),
            }
            process = subprocess.Popen(
                meltano_command(*args), cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
            )
            runs.append((stream, out, process))
        # Every run is waited for before any assertion, so a failure leaves no process behind.
        finished = [
            (stream, out, *process.communicate(timeout=600), process.returncode) for stream, out, process in runs
        ]
        for stream, out, output, _, returncode in finished:
            assert returncode == 0, f"the run selecting {stream} failed:\n{output[-3000:]}"
            written = sorted(path.stem for path in out.iterdir() if path.stat().st_size > 0)
            assert written == [stream], f"the run selecting {stream} synced {written}"
