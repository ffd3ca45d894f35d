"""The real Admin GraphQL schemas, loaded from the specs, one per API version."""

from __future__ import annotations

import gzip
import json
import threading
from functools import cache

from graphql import GraphQLSchema, build_client_schema

from sandbox.specs import specs_dir

_lock = threading.Lock()


def available_versions() -> list[str]:
    """API versions with a schema in the specs, oldest first."""
    names = sorted(p.name for p in (specs_dir() / "shopify").glob("admin_*.json.gz"))
    return [n.removeprefix("admin_").removesuffix(".json.gz") for n in names]


@cache
def _load(version: str) -> GraphQLSchema:
    path = specs_dir() / "shopify" / f"admin_{version}.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        schema = build_client_schema(json.load(fh)["data"])
    # The published schema has a few deprecation inconsistencies that graphql-core's own
    # schema check rejects; queries are still validated exactly as Shopify does.
    schema._validation_errors = []  # noqa: SLF001
    return schema


def load_schema(version: str) -> GraphQLSchema:
    with _lock:
        return _load(version)
