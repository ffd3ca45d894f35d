"""`--log-level debug` on the loader: the log grows with the work, not its square, and shows no record
value and no password (the SDK's batch sinks log the whole pending batch after every record)."""

from __future__ import annotations

import json

import pytest

from conftest import meltano, pipeline_env, query

pytestmark = pytest.mark.pipeline

PASSWORD = "pw-never-logged-7f3a"  # the embedded server trusts local connections and ignores it


def singer_messages(records: int) -> str:
    schema = {
        "type": "SCHEMA",
        "stream": "probe",
        "schema": {"type": "object", "properties": {"id": {"type": "integer"}, "note": {"type": ["string", "null"]}}},
        "key_properties": ["id"],
    }
    rows = (
        {"type": "RECORD", "stream": "probe", "record": {"id": i, "note": f"private-note-{i:05d}"}}
        for i in range(records)
    )
    return "\n".join(json.dumps(message) for message in (schema, *rows)) + "\n"


@pytest.fixture(scope="module")
def debug_log(warehouse, tmp_path_factory):
    env = pipeline_env("http://127.0.0.1:9", warehouse, tmp_path_factory.mktemp("meltano"), amazon_days=1)
    env.update(TARGET_POSTGRES_PASSWORD=PASSWORD, TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA="raw_probe")

    def run(records: int) -> str:
        result = meltano(
            env, "--log-level", "debug", "invoke", "target-postgres", check=False, stdin=singer_messages(records)
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert query(warehouse, "select count(*) from raw_probe.probe") == [(records,)]
        return result.stdout + result.stderr

    return run


def test_debug_log_grows_with_the_records_not_their_square_and_hides_values(debug_log):
    small, large = debug_log(300), debug_log(600)
    assert "Validating config" in small  # the loader did log at debug
    assert len(large) / len(small) < 1.5, (len(small), len(large))
    for log in (small, large):
        assert "private-note-" not in log
        assert PASSWORD not in log


def test_malformed_singer_input_stops_the_loader_with_one_line(warehouse, tmp_path):
    env = pipeline_env("http://127.0.0.1:9", warehouse, tmp_path, amazon_days=1)
    env.update(TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA="raw_probe")
    record_first = json.dumps({"type": "RECORD", "stream": "unannounced", "record": {"id": 1}}) + "\n"
    result = meltano(env, "invoke", "target-postgres", check=False, stdin=record_first)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if "target-postgres: stopped loading: " in line]
    assert len(lines) == 1 and "RecordsWithoutSchemaException" in lines[0], output[-3000:]
