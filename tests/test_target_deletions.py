"""The loader's own sink: it keeps a deleted row's last version (a tap's deletion record, key and
deletion time only, marks the raw row it deletes rather than writing nulls over it), and stamps a
batch's `_sdc_batched_at` when it writes the batch."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import meltano, pipeline_env, query

pytestmark = pytest.mark.pipeline

SCHEMA = {
    "type": "SCHEMA",
    "stream": "parcels",
    "schema": {
        "type": "object",
        "properties": {
            "shop": {"type": "string"},
            "id": {"type": "string"},
            "updated_at": {"type": ["string", "null"], "format": "date-time"},
            "created_at": {"type": ["string", "null"], "format": "date-time"},
            "total": {"type": ["string", "null"]},
            "_sdc_deleted_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "key_properties": ["shop", "id"],
}


def record(id_: str, **fields: Any) -> dict[str, Any]:
    return {"type": "RECORD", "stream": "parcels", "record": {"shop": "s", "id": id_, **fields}}


def tombstone(id_: str, at: str) -> dict[str, Any]:
    return record(id_, updated_at=at, _sdc_deleted_at=at)


@pytest.fixture
def load(warehouse, tmp_path):
    env = pipeline_env("http://127.0.0.1:9", warehouse, tmp_path, amazon_days=1)
    env.update(TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA="raw_deletions")

    def run(*messages: dict[str, Any]) -> None:
        lines = "\n".join(json.dumps(message) for message in (SCHEMA, *messages)) + "\n"
        result = meltano(env, "invoke", "target-postgres", check=False, stdin=lines)
        assert result.returncode == 0, result.stderr[-3000:]

    query(warehouse, "drop schema if exists raw_deletions cascade")
    return run


def rows(warehouse) -> dict[str, tuple[Any, ...]]:
    found = query(
        warehouse,
        "select id, created_at::text, total, updated_at::text, _sdc_deleted_at is not null from raw_deletions.parcels",
    )
    return {row[0]: row[1:] for row in found}


def test_a_deletion_marks_the_loaded_row_and_keeps_its_last_version(load, warehouse):
    load(
        record("a", created_at="2026-01-02T03:04:05Z", updated_at="2026-01-03T00:00:00Z", total="12.34"),
        record("b", created_at="2026-01-05T00:00:00Z", updated_at="2026-01-05T00:00:00Z", total="1.00"),
    )
    [(batched_before,)] = query(warehouse, "select _sdc_batched_at from raw_deletions.parcels where id = 'a'")
    load(tombstone("a", "2026-02-01T00:00:00Z"), tombstone("never-loaded", "2026-02-01T00:00:00Z"))

    found = rows(warehouse)
    # The deleted row keeps every field of its last version, and is marked deleted.
    assert found["a"] == ("2026-01-02 03:04:05", "12.34", "2026-01-03 00:00:00", True)
    [(deleted_at, batched_after)] = query(
        warehouse, "select _sdc_deleted_at::text, _sdc_batched_at from raw_deletions.parcels where id = 'a'"
    )
    assert deleted_at == "2026-02-01 00:00:00" and batched_after > batched_before
    # A row the batch does not delete is untouched; a deletion of a key never loaded is kept as it came.
    assert found["b"] == ("2026-01-05 00:00:00", "1.00", "2026-01-05 00:00:00", False)
    assert found["never-loaded"] == (None, None, "2026-02-01 00:00:00", True)


def test_a_row_sent_again_after_its_deletion_is_live_with_its_new_fields(load, warehouse):
    load(record("a", created_at="2026-01-02T03:04:05Z", updated_at="2026-01-03T00:00:00Z", total="12.34"))
    load(tombstone("a", "2026-02-01T00:00:00Z"))
    load(record("a", created_at="2026-01-02T03:04:05Z", updated_at="2026-03-01T00:00:00Z", total="20.00"))
    assert rows(warehouse)["a"] == ("2026-01-02 03:04:05", "20.00", "2026-03-01 00:00:00", False)


def test_a_batch_is_stamped_when_it_is_written_not_as_its_records_arrive(load, warehouse):
    # `_sdc_batched_at` is the moment the batch is written, after every record of it arrived: a
    # record held while the tap waits cannot commit with a stamp older than the marts' lookback.
    load(*(record(str(n), total=str(n)) for n in range(50)))
    [(stamps, first_batched, last_received)] = query(
        warehouse,
        "select count(distinct _sdc_batched_at), min(_sdc_batched_at), max(_sdc_received_at) from raw_deletions.parcels",
    )
    assert stamps == 1
    assert first_batched >= last_received
