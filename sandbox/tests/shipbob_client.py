"""A minimal ShipBob client for the sandbox tests: real HTTP, exact decimals, the spec's schemas."""

from __future__ import annotations

import copy
import json
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

import jsonschema

from sandbox.server import Sandbox, SandboxOptions, running
from sandbox.shipbob.auth import PAT
from sandbox.shipbob.spec import load_spec, operation
from sandbox.tests.amazon_client import Reply, http

#: Unions whose members no JSON value can tell apart (none requires a property another lacks, none
#: forbids extra properties), generated from polymorphic types with no discriminator: as written
#: (`oneOf`) no variant, channel metadata or products error could ever validate, so they are read
#: as `anyOf`, what the description means. Every other `oneOf` is checked as written.
OVERLAPPING_UNIONS = ("ProductsProductViewModelV5VariantsItems", "ProductsVariantViewModelV5ChannelMetadataItems")
OVERLAPPING_SUFFIX = ".OneOf.ProblemDetails.HttpValidationProblemDetails"


def parse(reply: Reply) -> Any:
    """The body with every number that has a fraction read as a Decimal (never a float)."""
    return json.loads(reply.raw, parse_float=Decimal)


@cache
def _components() -> dict[str, Any]:
    components: dict[str, Any] = copy.deepcopy(load_spec()["components"])
    for name in [*OVERLAPPING_UNIONS, *(n for n in components["schemas"] if n.endswith(OVERLAPPING_SUFFIX))]:
        schema = components["schemas"][name]
        schema["anyOf"] = schema.pop("oneOf")
    return components


@cache
def validator(ref: str) -> jsonschema.Draft202012Validator:
    """A validator for one `#/components/schemas/...` reference of the description (OpenAPI 3.1)."""
    schema = {"$ref": ref, "components": _components()}
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def validate(body: Any, operation_name: str, status: int = 200) -> None:
    """Check a body against the schema the description gives the operation's answer with `status`."""
    op = operation(operation_name)
    responses = load_spec()["paths"][op.path][op.method.lower()]["responses"]
    schema = responses[str(status)]["content"]["application/json"]["schema"]
    if "$ref" not in schema:
        return  # "Any type"
    errors = sorted(validator(schema["$ref"]).iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, f"{operation_name} {status}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in errors[:5]
    )


@dataclass
class ShipBob:
    base: str
    token: str = PAT
    calls: list[str] = field(default_factory=list)

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> Reply:
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None}, doseq=True)
        url = f"{self.base}/2026-01{path}" + (f"?{query}" if query else "")
        return self.fetch(url, headers)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Reply:
        auth = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        self.calls.append(url)
        return http("GET", url, None, auth | (headers or {}))

    def ok(self, path: str, operation_name: str, **params: Any) -> Any:
        reply = self.get(path, **params)
        assert reply.status == 200, (path, reply.status, reply.raw[:300])
        body = parse(reply)
        validate(body, operation_name)
        return body

    def pages(self, path: str, operation_name: str, **params: Any) -> list[Any]:
        """Every page of a cursor-linked list, following `next` as given; each page validated."""
        pages = [self.ok(path, operation_name, **params)]
        while pages[-1].get("next"):
            reply = self.fetch(pages[-1]["next"])
            assert reply.status == 200, reply.raw[:300]
            pages.append(parse(reply))
            validate(pages[-1], operation_name)
            assert len(pages) < 1000, "the links never end"
        return pages

    def items(self, path: str, operation_name: str, **params: Any) -> list[Any]:
        return [item for page in self.pages(path, operation_name, **params) for item in page["items"]]

    def numbered(self, path: str, operation_name: str, limit: int, **params: Any) -> list[Any]:
        """Every item of a Page/Limit list: pages until one is shorter than `limit`; each validated."""
        out: list[Any] = []
        for page in range(1, 10_000):
            batch = self.ok(path, operation_name, Page=page, Limit=limit, **params)
            out += batch
            if len(batch) < limit:
                return out
        raise AssertionError("the pages never end")


@contextmanager
def serve(**options: Any) -> Iterator[tuple[Sandbox, ShipBob]]:
    """A sandbox on a free port for a whole test module, and a client of its ShipBob."""
    sandbox = Sandbox(SandboxOptions(**options))
    with running(sandbox) as base:
        yield sandbox, ShipBob(base)
