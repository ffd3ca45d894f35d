"""The real Admin GraphQL schemas, one per API version, shipped with the sandbox as data."""

from __future__ import annotations

import gzip
import json
import threading
from functools import cache
from pathlib import Path

from graphql import GraphQLSchema, build_client_schema

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
_lock = threading.Lock()


def available_versions() -> list[str]:
    """API versions with a schema in the specs, oldest first."""
    names = sorted(p.name for p in SCHEMA_DIR.glob("admin_*.json.gz"))
    return [n.removeprefix("admin_").removesuffix(".json.gz") for n in names]


@cache
def _load(version: str) -> GraphQLSchema:
    path = SCHEMA_DIR / f"admin_{version}.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        schema = build_client_schema(json.load(fh)["data"])
    # The published schema has a few deprecation inconsistencies that graphql-core's own
    # schema check rejects; queries are still validated exactly as Shopify does.
    schema._validation_errors = []  # noqa: SLF001
    return schema


def load_schema(version: str) -> GraphQLSchema:
    with _lock:
        return _load(version)
