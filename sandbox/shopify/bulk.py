"""Bulk query operations: `bulkOperationRunQuery`, polling, and JSONL results over HTTP.

A bulk query is checked against Shopify's documented rules (one top-level connection, at most
five connections, at most two levels of nesting, no connection inside a list), then run in a
background thread that pages through the shop with the ordinary resolvers and writes JSONL the
way Shopify does: every node on its own line, nested connection nodes carrying `__parentId`.
With `groupObjects: true` each object's children follow it directly; with `false` (the
default since 2026-01) nothing is promised, and each block of lines is shuffled,
deterministically, so clients cannot depend on the order.

Status moves CREATED → RUNNING → COMPLETED in simulated time: the mutation's answer always says
CREATED, which lasts `startup_s` simulated seconds but never less than `startup_real_s` real
seconds (so a client polling at any time scale sees it), then objects are "processed" at
`objects_per_second`, `objectCount` growing. A result URL expires `result_ttl_s` simulated
seconds (a week) after the operation ends.

Timestamps are wall-clock: `createdAt` is the real moment the operation was created, and
`completedAt` (and a URL's `Expires`) the real moment its simulated event happened, clamped so
that none is ever later than the moment it is reported. Simulated time runs faster than real
time, so stamping simulated seconds onto the wall clock would put them in the future.

Faults (`FAULT_KINDS`, armed in the sandbox's fault registry) apply to the next operations
created (or the next whose top-level field is in `where: {"root": [...]}`): failures with an
error code (a partial file, as Shopify's `partialDataUrl`, unless ACCESS_DENIED), cancellation
and expiry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import secrets
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from graphql import (
    ArgumentNode,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    IntValueNode,
    NamedTypeNode,
    NameNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
    get_named_type,
    parse,
    validate,
)

from sandbox.clock import SimClock
from sandbox.faults import FaultPlan
from sandbox.shopify.connection import MAX_PAGE_SIZE
from sandbox.shopify.cost import node_selections, selected_fields

MAX_CONNECTIONS = 5
MAX_NESTING = 2
#: Shopify's own faults, for the next bulk operation created (see sandbox.faults).
FAULT_KINDS = {
    "bulk_failed": "the next bulk operation fails with INTERNAL_SERVER_ERROR after one block (partial data)",
    "bulk_timeout": "the next bulk operation fails with TIMEOUT after one block (partial data)",
    "bulk_access_denied": "the next bulk operation fails with ACCESS_DENIED before writing anything",
    "bulk_canceled": "the next bulk operation is canceled as it starts",
    "bulk_expired": "the next bulk operation's result URL has expired when it completes",
}
_ERROR_CODES = {
    "bulk_failed": "INTERNAL_SERVER_ERROR",
    "bulk_timeout": "TIMEOUT",
    "bulk_access_denied": "ACCESS_DENIED",
}
_PAGE_INFO = "_bulkPageInfo"  # injected alias; never appears in results
_AFTER = "bulkAfter"
_PAGE_ARGS = {"first", "last", "after", "before"}
RESULT_PATH = "/_sandbox/bulk-operation-outputs/"  # where result URLs point, on this server
_SIGNER = "bulk-operation-outputs@sandbox"  # who signed a result URL (its GoogleAccessId)

Executor = Callable[[DocumentNode, dict[str, Any]], ExecutionResult]


class BulkQueryError(ValueError):
    """A bulk query Shopify would refuse; the message is its userError."""


def concurrency_limit(version: str) -> int:
    """Bulk queries one app may run at once per shop: five since 2026-01, one before."""
    return 5 if version == "unstable" or version >= "2026-01" else 1


@dataclass
class _Connection:
    """A connection in the bulk query: where it sits under its parent node, and what it nests."""

    ast: FieldNode
    path: tuple[str, ...]  # response keys from the parent node (or the data root) to the connection
    via_edges: bool
    nested: list[_Connection] = field(default_factory=list)


def _key(node: FieldNode) -> str:
    return node.alias.value if node.alias else node.name.value


class _Planner:
    """Finds the connections of a bulk query and checks Shopify's bulk rules on the way."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode) -> None:
        self.schema = schema
        self.document = document
        self.count = 0

    def fields(self, selection_set: SelectionSetNode | None, parent: Any) -> list[tuple[FieldNode, Any]]:
        return selected_fields(self.schema, self.document, selection_set, parent)

    def connections(
        self, selection_set: SelectionSetNode | None, parent: Any, path: tuple[str, ...], depth: int, in_list: bool
    ) -> list[_Connection]:
        found: list[_Connection] = []
        for node, owner in self.fields(selection_set, parent):
            name = node.name.value
            if name.startswith("__") or name not in getattr(owner, "fields", {}):
                continue
            ftype = owner.fields[name].type
            named = get_named_type(ftype)
            if not isinstance(named, GraphQLObjectType):
                continue
            here = (*path, _key(node))
            if named.name.endswith("Connection"):
                if in_list:
                    raise BulkQueryError(
                        "Queries that contain a connection field within a list field are not currently supported."
                    )
                found.append(self.connection(node, named, here, depth + 1))
            else:
                inner = ftype.of_type if isinstance(ftype, GraphQLNonNull) else ftype
                found += self.connections(
                    node.selection_set, named, here, depth, in_list or isinstance(inner, GraphQLList)
                )
        return found

    def connection(
        self, node: FieldNode, conn_type: GraphQLObjectType, path: tuple[str, ...], depth: int
    ) -> _Connection:
        self.count += 1
        if self.count > MAX_CONNECTIONS:
            raise BulkQueryError(f"Bulk queries cannot contain more than {MAX_CONNECTIONS} connections.")
        if depth > MAX_NESTING:
            raise BulkQueryError(f"Bulk queries cannot contain connections nested more than {MAX_NESTING} levels deep.")
        selections = node_selections(self.schema, self.document, node, conn_type)
        if len(selections) != 1:
            raise BulkQueryError(
                f"The connection '{_key(node)}' must select its objects once, with nodes or edges.node."
            )
        selection, node_type, via_edges = selections[0]
        nested = self.connections(selection, node_type, (), depth, False)
        if nested and "id" not in {_key(f) for f, _ in self.fields(selection, node_type)}:
            raise BulkQueryError(
                f"The connection '{_key(node)}' has nested connections, so its objects must select id."
            )
        return _Connection(node, path, via_edges, nested)


def plan(schema: GraphQLSchema, query: str) -> tuple[DocumentNode, _Connection]:
    """Parse and check a bulk query; returns its document and its top-level connection."""
    try:
        document = parse(query)
    except GraphQLError as err:
        raise BulkQueryError(f"Invalid bulk query: {err.message}") from err
    problems = validate(schema, document)
    if problems:
        raise BulkQueryError(f"Invalid bulk query: {problems[0].message}")
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].operation != OperationType.QUERY:
        raise BulkQueryError("Bulk queries must contain exactly one query operation.")
    if operations[0].variable_definitions:
        raise BulkQueryError("Bulk queries cannot use variables.")
    planner = _Planner(schema, document)
    roots = planner.fields(operations[0].selection_set, schema.query_type)
    if len(roots) != 1:
        raise BulkQueryError("Bulk queries must select exactly one top-level field.")
    if roots[0][0].name.value in ("node", "nodes"):
        raise BulkQueryError("The top-level node and nodes fields can't be used in bulk queries.")
    found = planner.connections(operations[0].selection_set, schema.query_type, (), 0, False)
    if not found:
        raise BulkQueryError("Bulk queries must contain at least one connection.")
    if found[0].path != (_key(roots[0][0]),):
        raise BulkQueryError("The sandbox runs bulk queries whose top-level field is a connection.")
    return document, found[0]


def _name(value: str) -> NameNode:
    return NameNode(value=value)


def _page_info() -> FieldNode:
    leaves = tuple(FieldNode(name=_name(n), arguments=(), directives=()) for n in ("hasNextPage", "endCursor"))
    return FieldNode(
        alias=_name(_PAGE_INFO),
        name=_name("pageInfo"),
        arguments=(),
        directives=(),
        selection_set=SelectionSetNode(selections=leaves),
    )


def _paged(document: DocumentNode, root: _Connection) -> None:
    """Rewrite the query in place to page with the ordinary resolvers: full pages, cursor `$bulkAfter`."""

    def rewrite(conn: _Connection, top: bool) -> None:
        args = [a for a in conn.ast.arguments if a.name.value not in _PAGE_ARGS]
        args.append(ArgumentNode(name=_name("first"), value=IntValueNode(value=str(MAX_PAGE_SIZE))))
        if top:
            args.append(ArgumentNode(name=_name("after"), value=VariableNode(name=_name(_AFTER))))
        conn.ast.arguments = tuple(args)
        assert conn.ast.selection_set is not None
        conn.ast.selection_set.selections = (*conn.ast.selection_set.selections, _page_info())
        for child in conn.nested:
            rewrite(child, False)

    rewrite(root, True)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    operation.variable_definitions = (
        VariableDefinitionNode(
            variable=VariableNode(name=_name(_AFTER)), type=NamedTypeNode(name=_name("String")), directives=()
        ),
    )


class _IncompleteError(RuntimeError):
    """A nested connection had more objects than one page; the sandbox does not page nested connections."""


def _objects(connection: dict[str, Any], via_edges: bool) -> list[dict[str, Any]]:
    if via_edges:
        return [e["node"] for e in connection.get("edges") or [] if e and e.get("node") is not None]
    return [n for n in connection.get("nodes") or [] if n is not None]


def _lines(node: dict[str, Any], conn: _Connection, parent_id: str | None) -> Iterator[dict[str, Any]]:
    """One object as its JSONL line, then its nested connections' objects, with `__parentId`."""
    children: list[tuple[_Connection, dict[str, Any]]] = []
    for child in conn.nested:
        holder: Any = node
        for key in child.path[:-1]:
            holder = holder.get(key) if isinstance(holder, dict) else None
        value = holder.pop(child.path[-1], None) if isinstance(holder, dict) else None
        if value is not None:
            if (value.get(_PAGE_INFO) or {}).get("hasNextPage"):
                raise _IncompleteError(child.path[-1])
            children.append((child, value))
    if parent_id is not None:
        node["__parentId"] = parent_id
    yield node
    for child, value in children:
        for obj in _objects(value, child.via_edges):
            yield from _lines(obj, child, node.get("id"))


@dataclass
class BulkOperation:
    number: int
    shop: str
    query: str
    created_at: float  # simulated seconds
    starts_at: float  # simulated second the operation leaves CREATED
    created_wall: datetime
    fault: str | None
    grouped: bool = False
    result_token: str = field(default_factory=lambda: secrets.token_hex(14))
    partial_token: str = field(default_factory=lambda: secrets.token_hex(14))
    written: int = 0
    roots: int = 0
    file_size: int = 0
    finished_at: float | None = None  # simulated time the generation thread ended
    error_code: str | None = None
    partial: bool = False
    cancel_at: float | None = None
    completed_wall: datetime | None = None  # fixed the first time the end is reported
    expires_wall: datetime | None = None

    @property
    def gid(self) -> str:
        return f"gid://shopify/BulkOperation/{self.number}"


class BulkOperations:
    """Every bulk query of one sandbox: creation, simulated progress, results on disk."""

    def __init__(
        self,
        clock: SimClock,
        faults: FaultPlan | None = None,
        *,
        objects_per_second: float = 500.0,
        startup_s: float = 1.0,
        startup_real_s: float = 0.25,
        cancel_delay_s: float = 1.0,
        result_ttl_s: float = 7 * 86400.0,
        seed: int = 42,
    ) -> None:
        self.clock = clock
        self.objects_per_second = objects_per_second
        self.startup_s = startup_s
        self.startup_real_s = startup_real_s
        self.cancel_delay_s = cancel_delay_s
        self.result_ttl_s = result_ttl_s
        self.seed = seed
        self._secret = secrets.token_bytes(32)  # signs result URLs
        self.faults = faults or FaultPlan()
        self._ops: dict[int, BulkOperation] = {}
        self._lock = threading.Lock()
        self._dir = tempfile.TemporaryDirectory(prefix="sandbox-bulk-")

    # -- lifecycle ---------------------------------------------------------------

    def status(self, op: BulkOperation, now: float) -> str:
        if op.cancel_at is not None and now >= op.cancel_at:
            return "CANCELED" if now >= op.cancel_at + self.cancel_delay_s else "CANCELING"
        if now < op.starts_at:
            return "CREATED"
        ends = self._ends_at(op)
        if ends is None or now < ends:
            return "RUNNING"
        if op.error_code:
            return "FAILED"
        return "EXPIRED" if now > ends + self._ttl(op) else "COMPLETED"

    def ends(self, op: BulkOperation) -> tuple[float, float] | None:
        """When the operation completed (simulated seconds), and when it would have at `objects_per_second`
        alone: later when the sandbox's own work of building the result took longer. None while it runs."""
        ends = self._ends_at(op)
        return None if ends is None else (ends, op.starts_at + op.written / self.objects_per_second)

    def _ends_at(self, op: BulkOperation) -> float | None:
        if op.finished_at is None:
            return None
        return max(op.finished_at, op.starts_at + op.written / self.objects_per_second)

    def _ttl(self, op: BulkOperation) -> float:
        return 0.0 if op.fault == "bulk_expired" else self.result_ttl_s

    def _path(self, op: BulkOperation, partial: bool = False) -> Path:
        return Path(self._dir.name) / f"{op.number}{'-partial' if partial else ''}.jsonl"

    def run_query(
        self,
        shop: str,
        version: str,
        schema: GraphQLSchema,
        query: str,
        executor: Executor,
        *,
        group_objects: bool = False,
    ) -> BulkOperation:
        """Check and start a bulk query; raises BulkQueryError with Shopify's userError."""
        document, root = plan(schema, query)
        now = self.clock.now()
        with self._lock:
            running = [
                o
                for o in self._ops.values()
                if o.shop == shop and self.status(o, now) in ("CREATED", "RUNNING", "CANCELING")
            ]
            limit = concurrency_limit(version)
            if len(running) >= limit:
                if limit == 1:
                    raise BulkQueryError(
                        f"A bulk query operation for this app and shop is already in progress: {running[0].gid}.",
                        "OPERATION_IN_PROGRESS",
                    )
                raise BulkQueryError(
                    f"Bulk operations limit reached: {limit} bulk query operations are already running. "
                    "Please try again later.",
                    "LIMIT_REACHED",
                )
            # `root` lets a fault aim at one of several operations running at once (where: {"root": [...]}).
            armed = self.faults.take("shopify", FAULT_KINDS, shop=shop, root=root.ast.name.value)
            fault = armed.kind if armed else None
            # CREATED lasts startup_s simulated seconds, and startup_real_s real ones at today's scale.
            startup = max(self.startup_s, self.startup_real_s * self.clock.time_scale)
            op = BulkOperation(
                number=len(self._ops) + 1,
                shop=shop,
                query=query,
                created_at=now,
                starts_at=now + startup,
                created_wall=datetime.now(UTC),
                fault=fault,
                grouped=group_objects,
            )
            if fault == "bulk_canceled":
                op.cancel_at = op.starts_at
            self._ops[op.number] = op
        _paged(document, root)
        threading.Thread(
            target=self._generate, args=(op, document, root, executor), name=f"bulk-{op.number}", daemon=True
        ).start()
        return op

    def cancel(self, shop: str, gid: str) -> BulkOperation:
        op = self.find(shop, gid)
        if op is None:
            raise BulkQueryError("Bulk operation does not exist", "INVALID")
        now = self.clock.now()
        if self.status(op, now) not in ("CREATED", "RUNNING"):
            raise BulkQueryError(
                f"A bulk operation cannot be canceled when it is {self.status(op, now).lower()}", "INVALID"
            )
        op.cancel_at = now
        return op

    def _generate(self, op: BulkOperation, document: DocumentNode, root: _Connection, executor: Executor) -> None:
        """Write the JSONL result block by block (one page of root objects each), shuffling each block
        unless the operation groups objects."""
        failing = _ERROR_CODES.get(op.fault or "")
        path = self._path(op, partial=bool(failing))
        after: str | None = None
        block = 0
        try:
            with path.open("w", encoding="utf-8") as out:
                while True:
                    if failing == "ACCESS_DENIED" or op.cancel_at is not None:
                        break
                    result = executor(document, {_AFTER: after})
                    if result.errors or not result.data:
                        failing = _error_code(result)
                        break
                    connection = result.data[root.path[0]]
                    objects = _objects(connection, root.via_edges)
                    lines = [line for obj in objects for line in _lines(obj, root, None)]
                    if not op.grouped:  # ungrouped: children may come before, after or far from their parent
                        random.Random(f"{self.seed}:{op.number}:{block}").shuffle(lines)
                    for line in lines:
                        out.write(json.dumps(line, separators=(",", ":")) + "\n")
                    op.written += len(lines)
                    op.roots += len(objects)
                    block += 1
                    page = connection.get(_PAGE_INFO) or {}
                    if failing or not page.get("hasNextPage"):
                        break  # a failing operation stops after its first block: that block is its partial data
                    after = page.get("endCursor")
        except _IncompleteError:
            failing = "INTERNAL_SERVER_ERROR"
        op.file_size = path.stat().st_size
        op.partial = bool(failing) and failing != "ACCESS_DENIED" and op.written > 0
        op.error_code = failing
        op.finished_at = self.clock.now()

    # -- reads ---------------------------------------------------------------------

    def find(self, shop: str, gid: str) -> BulkOperation | None:
        kind, _, number = gid.removeprefix("gid://shopify/").partition("/")
        op = self._ops.get(int(number)) if kind == "BulkOperation" and number.isdigit() else None
        return op if op is not None and op.shop == shop else None

    def operations(self, shop: str) -> list[BulkOperation]:
        """The shop's operations, oldest first."""
        return [o for o in self._ops.values() if o.shop == shop]

    def current(self, shop: str) -> BulkOperation | None:
        mine = [o for o in self._ops.values() if o.shop == shop]
        return mine[-1] if mine else None

    def _wall(self, sim: float) -> datetime:
        """The wall-clock moment of a simulated instant, never later than now."""
        now_wall, now_sim = datetime.now(UTC), self.clock.now()
        return now_wall - timedelta(seconds=max(0.0, (now_sim - sim) / self.clock.time_scale))

    def _stamp_end(self, op: BulkOperation, ends: float) -> None:
        """Fix when the operation ended, and when its URLs expire, the first time its end is reported."""
        with self._lock:
            if op.completed_wall is None:
                op.completed_wall = max(op.created_wall, self._wall(ends))
                left = max(0.0, ends + self._ttl(op) - self.clock.now()) / self.clock.time_scale
                op.expires_wall = datetime.now(UTC) + timedelta(seconds=left)

    def as_graphql(self, op: BulkOperation, base_url: str, *, at: float | None = None) -> dict[str, Any]:
        """The operation as the Admin API's `BulkOperation` object, as of now (or simulated second `at`)."""
        now = self.clock.now() if at is None else at
        status = self.status(op, now)
        ends = self._ends_at(op)
        done = status in ("COMPLETED", "FAILED", "EXPIRED")
        if done and ends is not None:
            self._stamp_end(op, ends)
        count = op.written if done else min(op.written, int(max(0.0, now - op.starts_at) * self.objects_per_second))
        roots = op.roots if done or not op.written else op.roots * count // op.written
        return {
            "__typename": "BulkOperation",
            "id": op.gid,
            "type": "QUERY",
            "status": status,
            "errorCode": op.error_code if status == "FAILED" else None,
            "createdAt": _iso(op.created_wall),
            "completedAt": _iso(op.completed_wall) if done and op.completed_wall else None,
            "objectCount": str(count),
            "rootObjectCount": str(roots),
            "fileSize": str(op.file_size) if status == "COMPLETED" and op.written else None,
            "url": self._signed_url(op, base_url, partial=False) if status == "COMPLETED" and op.written else None,
            "partialDataUrl": self._signed_url(op, base_url, partial=True)
            if status == "FAILED" and op.partial
            else None,
            "query": op.query,
        }

    # -- result URLs -----------------------------------------------------------------

    def _object_name(self, op: BulkOperation, partial: bool) -> str:
        return f"{op.partial_token}-partial" if partial else f"{op.result_token}-final"

    def _signature(self, path: str, expires: str) -> str:
        digest = hmac.new(self._secret, f"GET\n\n\n{expires}\n{path}".encode(), hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    def _signed_url(self, op: BulkOperation, base_url: str, *, partial: bool) -> str:
        """A pre-signed storage URL of the shape Shopify hands out: the object's path, then who signed
        it, when it expires (Unix seconds), the signature, and the download's file name and type."""
        assert op.expires_wall is not None
        path = RESULT_PATH + self._object_name(op, partial)
        expires = str(int(op.expires_wall.timestamp()))
        filename = f"bulk-{op.number}.jsonl"
        query = urlencode(
            {
                "GoogleAccessId": _SIGNER,
                "Expires": expires,
                "Signature": self._signature(path, expires),
                "response-content-disposition": f"attachment; filename=\"{filename}\"; filename*=UTF-8''{filename}",
                "response-content-type": "application/jsonl",
            },
            quote_via=quote,
        )
        return f"{base_url}{path}?{query}"

    def download(self, target: str) -> Download:
        """Answer a GET of a result URL (path and query) as the storage behind Shopify's URLs does:
        404 for an unknown object, 403 for a bad signature, 400 once the URL has expired."""
        url = urlsplit(target)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        name = url.path.removeprefix(RESULT_PATH)
        found = [
            (op, partial)
            for op in list(self._ops.values())
            for partial in (False, True)
            if secrets.compare_digest(name, self._object_name(op, partial))
            and (op.partial if partial else op.finished_at is not None and not op.error_code)
        ]
        if not found:
            return Download(404, _storage_error("NoSuchKey", "The specified key does not exist."))
        op, partial = found[0]
        expires = params.get("Expires", "")
        if not hmac.compare_digest(params.get("Signature", ""), self._signature(url.path, expires)):
            return Download(
                403,
                _storage_error(
                    "SignatureDoesNotMatch",
                    "The request signature we calculated does not match the signature you provided.",
                ),
            )
        now = self.clock.now()
        if now > (self._ends_at(op) or now) + self._ttl(op):
            stamp = (op.expires_wall or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
            return Download(
                400,
                _storage_error(
                    "ExpiredToken", "The provided token has expired.", f"Request signature expired at: {stamp}"
                ),
            )
        headers = {
            "Content-Type": params.get("response-content-type", "application/octet-stream"),
            "Content-Disposition": params.get("response-content-disposition", "attachment"),
        }
        return Download(200, b"", headers, self._path(op, partial=partial))

    # -- GraphQL -------------------------------------------------------------------

    def resolvers(
        self, shop: str, version: str, schema: GraphQLSchema, base_url: str, executor: Executor
    ) -> dict[str, Any]:
        """Root fields of the Admin API this module answers, for one request."""

        def payload(run: Callable[[], BulkOperation], *, created: bool = False) -> dict[str, Any]:
            try:
                op = run()
            except BulkQueryError as err:
                code = err.args[1] if len(err.args) > 1 else "INVALID"
                # A refused query names its argument; the shop's limits are about no argument.
                where = ["query"] if code == "INVALID" else None
                return {
                    "bulkOperation": None,
                    "userErrors": [{"field": where, "message": err.args[0], "code": code}],
                }
            # A new operation is answered as of its creation: CREATED, whatever the clock did since.
            at = op.created_at if created else None
            return {"bulkOperation": self.as_graphql(op, base_url, at=at), "userErrors": []}

        def run_query(_info: Any, query: str, groupObjects: bool = False) -> dict[str, Any]:  # noqa: N803 - GraphQL
            return payload(
                lambda: self.run_query(shop, version, schema, query, executor, group_objects=groupObjects),
                created=True,
            )

        def cancel(_info: Any, id: str) -> dict[str, Any]:  # noqa: A002 - GraphQL argument
            return payload(lambda: self.cancel(shop, id))

        def by_id(_info: Any, id: str) -> dict[str, Any] | None:  # noqa: A002 - GraphQL argument
            op = self.find(shop, id)
            return None if op is None else self.as_graphql(op, base_url)

        def current(_info: Any, type: str = "QUERY") -> dict[str, Any] | None:  # noqa: A002 - GraphQL argument
            op = self.current(shop) if type == "QUERY" else None
            return None if op is None else self.as_graphql(op, base_url)

        return {
            "bulkOperationRunQuery": run_query,
            "bulkOperationCancel": cancel,
            "bulkOperation": by_id,
            "currentBulkOperation": current,
        }


@dataclass(frozen=True)
class Download:
    """What the server sends for a result URL: a status and error body, or a file to stream."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    file: Path | None = None


def _storage_error(code: str, message: str, details: str | None = None) -> bytes:
    """The XML error body the storage behind result URLs answers with."""
    extra = f"<Details>{details}</Details>" if details else ""
    return (
        f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code><Message>{message}</Message>{extra}</Error>"
    ).encode()


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")  # truncated: never later than the moment itself


def _error_code(result: ExecutionResult) -> str:
    """A failed page's BulkOperationErrorCode: ACCESS_DENIED for a missing scope, else INTERNAL_SERVER_ERROR."""
    codes = {(e.extensions or {}).get("code") for e in result.errors or ()}
    return "ACCESS_DENIED" if "ACCESS_DENIED" in codes else "INTERNAL_SERVER_ERROR"
