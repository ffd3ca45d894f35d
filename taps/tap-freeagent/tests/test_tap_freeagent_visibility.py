"""The run records of tap-freeagent over real HTTP: every call the sandbox's request log holds (token
exchanges included) is counted once, under the stream that made it and the company's id; the
records counted are those emitted; a run that fails still writes its rows, with one line that
holds no secret."""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from typing import Any

import pytest
from freeagent_sandbox import post, standard_options, sync, tap_config
from tap_common.tap import RUN_RECORD_NAMES
from tap_common.testing import Output
from tap_freeagent import client
from tap_freeagent.client import FreeAgentStream
from tap_freeagent.streams.documents import BillsStream
from tap_freeagent.tap import TapFreeAgent

from sandbox.server import Sandbox, running

COMPANY = "9301"
TOKEN_PATH = "/v2/token_endpoint"
SECRETS = ("client_id", "client_secret", "refresh_token")


def served(url: str) -> list[dict[str, Any]]:
    """The FreeAgent requests in the sandbox's log, as `/_sandbox/requests` answers it."""
    with urllib.request.urlopen(f"{url}/_sandbox/requests", timeout=10) as response:
        return [e for e in json.load(response)["requests"] if e.get("api") == "freeagent"]


def run_rows(out: Output) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    [run] = out.records["sync_runs"]
    return run, {row["stream"]: row for row in out.records["sync_streams"]}


def emitted(out: Output) -> dict[str, int]:
    return {name: len(rows) for name, rows in out.records.items() if name not in RUN_RECORD_NAMES}


def calls_by_path(log: list[dict[str, Any]]) -> Counter[str]:
    return Counter(e["path"] for e in log)


def test_a_run_counts_every_call_the_sandbox_served_under_the_company():
    with running(Sandbox(standard_options())) as url:
        tap = TapFreeAgent(config=tap_config(url))
        out = sync(tap_config(url), tap=tap)
        log = served(url)
    run, streams = run_rows(out)
    assert (run["tap"], run["account_ids"], run["outcome"], run["error"], run["api_cost"]) == (
        "tap-freeagent",
        [COMPANY],
        "succeeded",
        None,
        None,
    )
    assert run["api_calls"] == len(log) == tap.ledger.api_calls
    assert tap.ledger.unattributed_calls == 0
    assert run["records"] == sum(emitted(out).values())
    assert {name: row["records"] for name, row in streams.items()} == emitted(out)
    assert {row["account_id"] for row in streams.values()} == {COMPANY}
    assert {row["outcome"] for row in streams.values()} == {"succeeded"}
    # Each stream's calls are the requests of its own path, but the token exchange and the company
    # (read once a run, for the id every record carries) are the first stream's: it asked for them.
    paths = calls_by_path(log)
    assert (paths[TOKEN_PATH], paths["/v2/company"]) == (1, 1)
    expected = {name: paths[f"/v2/{name}"] for name in streams}
    first = next(iter(streams))
    expected[first] += paths[TOKEN_PATH] + paths["/v2/company"]
    expected["company"] -= paths["/v2/company"]
    assert {name: row["api_calls"] for name, row in streams.items()} == expected
    assert streams["bank_transactions"]["mode"] == "incremental"
    assert streams["invoices"]["mode"] == "incremental" and streams["invoices"]["window_start"]
    assert streams["company"]["mode"] == "full_table"


def assert_failed_run_is_recorded(out: Output, log: list[dict[str, Any]], config: dict[str, Any], stream: str) -> str:
    """The failed run's rows: outcome, one secret-free line, calls as served, records as emitted."""
    assert out.error is not None
    run, streams = run_rows(out)
    assert run["outcome"] == "failed"
    error = run["error"]
    assert error and "\n" not in error
    for name in SECRETS:
        assert config[name] not in error, name
    assert run["account_ids"] == [COMPANY]
    assert run["api_calls"] == len(log)
    assert run["records"] == sum(emitted(out).values())
    assert {name: row["records"] for name, row in streams.items()} == {
        name: emitted(out).get(name, 0) for name in streams
    }
    assert (streams[stream]["outcome"], streams[stream]["error"]) == ("failed", error)
    # The streams read before it succeeded.
    assert {row["outcome"] for name, row in streams.items() if name != stream} == {"succeeded"}
    assert len(streams) > 1
    return str(error)


def fail_after(monkeypatch: pytest.MonkeyPatch, rows: int, act: Any) -> None:
    """Call `act` once, when bills (read in pages of ten, after the bank streams) has processed
    `rows` records: the next request is its next page."""
    monkeypatch.setattr(client, "PER_PAGE", 10)
    original = BillsStream.post_process
    seen: list[Any] = []

    def hook(self, row, context=None):
        seen.append(row)
        if len(seen) == rows:
            act()
        return original(self, row, context)

    monkeypatch.setattr(BillsStream, "post_process", hook)


def test_a_refresh_token_refused_mid_run_still_writes_the_run_as_failed(monkeypatch):
    with running(Sandbox(standard_options())) as url:
        config = tap_config(url)

        def refuse_the_next_refresh():
            # The access token expires; the API's 401 passes, the refresh after it is refused.
            post(url, "/_sandbox/faults", {"api": "freeagent", "kind": "expire_tokens"})
            post(url, "/_sandbox/faults", {"api": "freeagent", "kind": "http_error", "status": 400, "skip": 1})

        fail_after(monkeypatch, 5, refuse_the_next_refresh)
        out = sync(config, allow_failure=True)
        log = served(url)
    error = assert_failed_run_is_recorded(out, log, config, "bills")
    assert "refused the refresh-token exchange (HTTP 400" in error
    assert calls_by_path(log)[TOKEN_PATH] == 2
    assert [e["status"] for e in log[-2:]] == [401, 400]


def test_an_exhausted_burst_of_server_errors_still_writes_the_run_as_failed(monkeypatch):
    monkeypatch.setattr(FreeAgentStream, "max_failures", 2)  # three in a row end the stream, in 1.5 s
    with running(Sandbox(standard_options())) as url:
        config = tap_config(url)
        burst = {"api": "freeagent", "kind": "http_error", "status": 503, "count": 3}
        fail_after(monkeypatch, 5, lambda: post(url, "/_sandbox/faults", burst))
        out = sync(config, allow_failure=True)
        log = served(url)
    error = assert_failed_run_is_recorded(out, log, config, "bills")
    assert "FreeAgent kept failing for bills (3 server or connection errors in a row" in error
    assert [e["status"] for e in log[-3:]] == [503, 503, 503]


def test_a_run_refused_before_the_company_is_named_records_no_account():
    with running(Sandbox(standard_options())) as url:
        config = tap_config(url, refresh_token="not-the-company-s-token")
        out = sync(config, allow_failure=True)
        log = served(url)
    run, streams = run_rows(out)
    assert (run["outcome"], run["account_ids"], run["records"]) == ("failed", [], 0)
    assert "refused the refresh-token exchange" in run["error"] and config["refresh_token"] not in run["error"]
    # The one refused exchange is the run's only call, the first stream's, under no account yet.
    assert run["api_calls"] == len(log) == 1
    assert [(row["account_id"], row["api_calls"], row["outcome"]) for row in streams.values() if row["api_calls"]] == [
        ("", 1, "failed")
    ]
