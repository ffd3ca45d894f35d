"""Bulk operations: read a whole stream through one `bulkOperationRunQuery` instead of pages.

A stream opts in by subclassing `BulkStream` and naming its bulk query (a `.graphql` file
whose search filter is the literal "__SEARCH__"), the child connections its nodes carry, and
`records_from_nodes`, the same record builder its paged path uses. Then:

- `bulk_mode` auto asks the stream's count query and uses bulk above `bulk_threshold`;
- the operation id (and the end of the window its query reads) is kept in the stream's state
  from the moment it starts, so an interrupted run polls the same operation again instead of
  starting a new one, skips what it had already emitted, and bookmarks no further than that
  query read;
- polls are paced in units of the shop's bucket refill time (maximumAvailable / restoreRate,
  about a second on every plan), growing geometrically, never more often than a tenth of the
  time already waited, and go through the cost throttle;
- the JSONL result is streamed line by line into a temporary SQLite file, and nodes are
  rebuilt from `__parentId` there, so neither line order nor memory depends on its size;
- FAILED, CANCELED and EXPIRED operations (and expired URLs) are run once more, then the
  stream falls back to its paged reads; ACCESS_DENIED stops with one line;
- where the API version allows several bulk queries at once (five since 2026-01), the first
  bulk stream to sync also starts the operations of the bulk streams still to come, so
  Shopify runs them side by side while this one is read;
- a stream may also run companion bulk queries beside its own (`bulk_companions`): results that
  only spare it calls. A companion that cannot be started or does not complete is logged and
  left out, and the stream reads what it would have given with its ordinary calls.
"""

from __future__ import annotations

import json
import math
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import msgspec
import requests
from singer_sdk import typing as th
from tap_common import settings
from tap_common.progress import duration
from tap_common.settings import Parser

from tap_shopify.client import ShopifyError, ShopifyStream, parse_time
from tap_shopify.pagination import dig
from tap_shopify.queries import load_query
from tap_shopify.window import Window, shopify_time

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

BULK_MODES = ("auto", "always", "never")
DEFAULT_BULK_THRESHOLD = 5000
BULK_ATTEMPTS = 2
STATE_KEY = "bulk_operation"
SEARCH_PLACEHOLDER = '"__SEARCH__"'
POLL_GROWTH = 1.5
POLL_CAP_UNITS = 30  # at most ~30 s between polls against Shopify itself
POLL_CAP_STEPS = math.ceil(math.log(POLL_CAP_UNITS, POLL_GROWTH))  # polls until the interval reaches the cap
POLL_WAITED_SHARE = 0.1
START_ATTEMPTS = 30  # tries to start an operation while the shop's bulk limit is reached
DOWNLOAD_TIMEOUT_S = 300
INSERT_BATCH = 1000
DONE = {"COMPLETED", "FAILED", "CANCELED", "EXPIRED"}

BULK_PROPERTIES = (
    th.Property(
        "bulk_mode",
        th.StringType,
        default="auto",
        allowed_values=list(BULK_MODES),
        title="Bulk mode",
        description="auto: bulk operations above bulk_threshold records; always; never (paged reads only)",
    ),
    th.Property(
        "bulk_threshold",
        th.IntegerType,
        default=DEFAULT_BULK_THRESHOLD,
        title="Bulk threshold",
        description="In auto mode, a stream with more records than this to read uses a bulk operation",
    ),
)


def concurrency_limit(version: str) -> int:
    """Bulk queries an app may run at once per shop: five since 2026-01, one before."""
    return 5 if version == "unstable" or version >= "2026-01" else 1


#: How the bulk settings are parsed and checked (see tap_common.settings).
BULK_SETTINGS: dict[str, Parser] = {
    "bulk_mode": settings.choice(*BULK_MODES),
    "bulk_threshold": settings.integer(minimum=0, unit="records"),
}


@dataclass(frozen=True)
class Companion:
    """A bulk query run beside a stream's own, whose result only spares calls."""

    key: str  # its operation id is kept under this key of the stream's bulk_operation state
    query_name: str  # a `.graphql` file; "__SEARCH__" is replaced by the companion's search filter
    search: str  # Shopify search syntax selecting what it reads
    children: dict[str, dict[str, str]]  # as BulkStream.bulk_children


class BulkUnavailableError(Exception):
    """This bulk operation gave no usable result; run it again or read pages instead."""


@dataclass(frozen=True)
class BulkOperationStatus:
    id: str
    status: str
    error_code: str | None
    object_count: int
    file_size: int | None
    url: str | None
    partial_data_url: str | None

    @classmethod
    def from_node(cls, node: dict[str, Any]) -> BulkOperationStatus:
        return cls(
            id=node["id"],
            status=node["status"],
            error_code=node.get("errorCode"),
            object_count=int(node.get("objectCount") or 0),
            file_size=int(node["fileSize"]) if node.get("fileSize") else None,
            url=node.get("url"),
            partial_data_url=node.get("partialDataUrl"),
        )


def gid_type(gid: str) -> str:
    """'gid://shopify/LineItem/1' → 'LineItem'."""
    return gid.removeprefix("gid://shopify/").partition("/")[0]


class NodeStore:
    """Bulk JSONL lines spilled to a temporary SQLite file, and rebuilt into nested nodes.

    Lines may come in any order: children before their parent, parents' children scattered.
    Nested nodes are put back under their parent as `{"nodes": [...]}` connections, the shape
    the paged queries return, so the same record builders serve both paths.
    """

    def __init__(self, directory: str, children: dict[str, dict[str, str]], sort_field: str | None) -> None:
        self.children = children
        self.sort_field = sort_field
        self.db = sqlite3.connect(Path(directory) / "bulk.sqlite")
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("CREATE TABLE line (seq INTEGER PRIMARY KEY, id TEXT, parent TEXT, sort TEXT, body BLOB)")
        self.count = 0

    def load(self, lines: Iterable[tuple[bytes, dict[str, Any]]]) -> None:
        """Spill (raw line, parsed line) pairs; the raw line is stored as it came, not re-encoded."""
        batch: list[tuple[str | None, str | None, str | None, bytes]] = []
        for raw, line in lines:
            parent = line.get("__parentId")
            sort = None if parent or not self.sort_field else str(line.get(self.sort_field))
            batch.append((line.get("id"), parent, sort, raw))
            if len(batch) >= INSERT_BATCH:
                self._insert(batch)
        self._insert(batch)
        self.db.execute("CREATE INDEX line_parent ON line (parent, seq)")

    def _insert(self, batch: list[tuple[str | None, str | None, str | None, bytes]]) -> None:
        self.db.executemany("INSERT INTO line (id, parent, sort, body) VALUES (?, ?, ?, ?)", batch)
        self.count += len(batch)
        batch.clear()

    def roots(self) -> Iterator[dict[str, Any]]:
        """Top-level nodes in sort order, each with its nested connections rebuilt."""
        with closing(self.db.execute("SELECT body FROM line WHERE parent IS NULL ORDER BY sort, seq")) as rows:
            for (body,) in rows:
                yield self._assemble(_decode(body))

    def _assemble(self, node: dict[str, Any]) -> dict[str, Any]:
        keys = self.children.get(gid_type(str(node.get("id"))), {})
        for key in keys.values():
            node[key] = {"nodes": [], "pageInfo": {"hasNextPage": False}}
        if not keys:
            return node
        rows = self.db.execute("SELECT body FROM line WHERE parent = ? ORDER BY seq", (node["id"],)).fetchall()
        for (body,) in rows:
            child = _decode(body)
            child_key = keys.get(gid_type(str(child.get("id"))))
            if child_key is None:
                raise ShopifyError(
                    f"bulk result has a {child.get('id')} under {node['id']} that the query did not ask for"
                )
            node[child_key]["nodes"].append(self._assemble(child))
        return node

    def close(self) -> None:
        self.db.close()


def _decode(body: bytes) -> dict[str, Any]:
    node: dict[str, Any] = msgspec.json.decode(body)
    node.pop("__parentId", None)
    return node


def jsonl_lines(response: requests.Response, operation_id: str) -> Iterator[tuple[bytes, dict[str, Any]]]:
    """Parse a streamed JSONL body one line at a time, yielding each raw line with its parse;
    a broken line is reported with its number."""
    for number, raw in enumerate(response.iter_lines(chunk_size=64 * 1024), start=1):
        if not raw.strip():
            continue
        try:
            line = msgspec.json.decode(raw)
        except msgspec.DecodeError as exc:
            raise BulkUnavailableError(f"line {number} of the result of {operation_id} is not JSON") from exc
        if not isinstance(line, dict):
            raise BulkUnavailableError(f"line {number} of the result of {operation_id} is not an object")
        yield raw, line


class BulkStream(ShopifyStream):
    """A stream that can also be read through a bulk operation."""

    #: The `.graphql` file of the bulk query; "__SEARCH__" is replaced by `search_filter`.
    bulk_query_name: ClassVar[str]
    #: A query taking ($query, $limit) that answers `data.<field>.count`, for bulk_mode auto.
    bulk_count_query_name: ClassVar[str | None] = None
    #: Per parent type, the child types the bulk query nests and their connection's field name.
    bulk_children: ClassVar[dict[str, dict[str, str]]] = {}
    bulk_batch_size: ClassVar[int] = 250

    def search_filter(self, context: Context | None) -> str | None:
        """Shopify search syntax selecting what this sync reads (shared with the paged query)."""
        return self.window(context).search(self.search_field) if self.replication_key else None

    def window(self, context: Context | None) -> Window:
        """The sync's window; one resumed from state ends where its operation's query ended,
        so the bookmark never passes what the operation could have read."""
        window = super().window(context)
        job = self.get_context_state(context).get(STATE_KEY) or {}
        if job.get("window_end") and shopify_time(window.end) != job["window_end"]:
            window = Window(start=window.start, end=parse_time(job["window_end"]))
            self._windows[json.dumps(context or {}, sort_keys=True, default=str)] = window
        return window

    def records_from_nodes(self, nodes: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
        """Records built from one batch of nodes, as the paged path builds them from one page."""
        raise NotImplementedError

    def bulk_companions(self, context: Context | None) -> list[Companion]:  # noqa: ARG002
        """Bulk queries to run beside this stream's own (none by default)."""
        return []

    def use_companion(self, companion: Companion, store: NodeStore | None) -> None:
        """Take a companion's result (None: it gave none, so read without it); called before the
        stream's own batches, and again with None once they are all read."""

    #: Set once this stream's sync has begun, so no other stream starts an operation for it.
    bulk_handled = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._bulk_choices: dict[str, bool] = {}

    def request_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        self.bulk_handled = True
        if not self.use_bulk(context):
            self._forget_operation(context)  # e.g. bulk_mode changed to never since it started
            yield from super().request_records(context)
            return
        self.start_sibling_operations()
        for attempt in range(1, BULK_ATTEMPTS + 1):
            try:
                yield from self.bulk_records(context)
                return
            except BulkUnavailableError as exc:
                self._forget_operation(context)
                again = "running it again" if attempt < BULK_ATTEMPTS else "falling back to paged reads"
                self.logger.warning("%s: %s; %s", self.name, exc, again)
        yield from super().request_records(context)

    def start_sibling_operations(self) -> None:
        """Start the bulk operations of streams still to sync, up to the version's concurrency limit."""
        limit = concurrency_limit(str(self.config.get("api_version") or "2026-10")) - len(self.bulk_companions(None))
        for stream in self._tap.streams.values():
            if limit <= 1:
                return
            if (
                stream is self
                or not isinstance(stream, BulkStream)
                or stream.bulk_handled
                or not stream.selected
                or stream.parent_stream_type is not None
                or STATE_KEY in stream.get_context_state(None)
            ):
                continue
            if stream.use_bulk(None):
                stream.start_operation(None)
                limit -= 1

    # -- choosing ------------------------------------------------------------------

    def plan_sync(self, context: Context | None) -> None:
        super().plan_sync(context)
        if self.parent_stream is None and self.use_bulk(context):
            self.run.mode = "bulk"

    def use_bulk(self, context: Context | None) -> bool:
        """Whether to read through a bulk operation; decided once per sync (a count may be asked)."""
        key = json.dumps(context or {}, sort_keys=True, default=str)
        if key not in self._bulk_choices:
            self._bulk_choices[key] = self._choose_bulk(context)
        return self._bulk_choices[key]

    def count_to_read(self, context: Context | None, limit: int | None) -> tuple[int, bool]:
        """Records the window holds by Shopify's count (at most `limit`; None asks for no limit), and
        whether that is exact; an exact count becomes the stream's expected records."""
        assert self.bulk_count_query_name
        payload = self.post_request_json(
            self.bulk_count_query_name, {"query": self.search_filter(context), "limit": limit}
        )
        counted = next(iter((payload.get("data") or {}).values()), None) or {}
        count, exact = int(counted.get("count") or 0), counted.get("precision") != "AT_LEAST"
        if exact:
            self.run.expected_records = count
        return count, exact

    def _choose_bulk(self, context: Context | None) -> bool:
        mode = self.config.get("bulk_mode", "auto")
        if mode == "always" or STATE_KEY in self.get_context_state(context):
            return True
        if not self.bulk_count_query_name:
            return False
        if mode == "never":
            self.count_to_read(context, None)  # for the start line and the progress lines only
            return False
        threshold = int(self.config.get("bulk_threshold", DEFAULT_BULK_THRESHOLD))
        count, exact = self.count_to_read(context, threshold + 1)
        chosen = count > threshold
        self.logger.debug(
            "%s: %s%d records to read, bulk_threshold %d: %s",
            self.name,
            "" if exact else "at least ",
            count,
            threshold,
            "bulk operation" if chosen else "paged reads",
        )
        return chosen

    # -- one bulk run --------------------------------------------------------------

    def bulk_query(self, context: Context | None) -> str:
        return load_query(self.bulk_query_name).replace(
            SEARCH_PLACEHOLDER, json.dumps(self.search_filter(context) or "")
        )

    def bulk_records(self, context: Context | None) -> Iterator[dict[str, Any]]:
        state = self.get_context_state(context)
        operation_id = (state.get(STATE_KEY) or {}).get("id")
        if operation_id:
            self.logger.info("%s: resuming bulk operation %s from state", self.name, operation_id)
        else:
            operation_id = self.start_operation(context)
        companions = self.start_companions(context)
        finished = self.wait_for(operation_id)
        if finished.status != "COMPLETED":
            raise BulkUnavailableError(self._not_completed(finished))
        self.logger.info(
            "%s: bulk operation %s COMPLETED with %d objects (%s bytes)",
            self.name,
            finished.id,
            finished.object_count,
            finished.file_size,
        )
        with tempfile.TemporaryDirectory(prefix="tap-shopify-bulk-") as directory:
            store = NodeStore(directory, self.bulk_children, self.node_field if self.replication_key else None)
            try:
                if finished.url:  # no url: the query matched nothing
                    self.download_into(store, finished)
                self.read_companions(directory, companions)
                for number, batch in enumerate(self.new_batches(context, store.roots())):
                    if number:
                        # The previous batch and its children are out: a safe point to resume from.
                        self._write_state_message()
                    yield from self.records_from_nodes(batch)
            finally:
                store.close()
                for companion, _ in companions:
                    self.use_companion(companion, None)
        self._forget_operation(context)

    # -- companions ----------------------------------------------------------------

    def start_companions(self, context: Context | None) -> list[tuple[Companion, str]]:
        """Start (or find in state) the companions' operations; one that Shopify refuses is left out."""
        job = self.get_context_state(context).get(STATE_KEY)
        if job is None:
            return []
        started: list[tuple[Companion, str]] = []
        for companion in self.bulk_companions(context):
            if job.get(companion.key):
                started.append((companion, str(job[companion.key])))
                continue
            query = load_query(companion.query_name).replace(SEARCH_PLACEHOLDER, json.dumps(companion.search))
            payload = self.post_request_json("bulk_operation_run_query", {"query": query})
            result = dig(payload, ("data", "bulkOperationRunQuery")) or {}
            operation_id = dig(result, ("bulkOperation", "id"))
            if result.get("userErrors") or not operation_id:
                message = next((e.get("message") for e in result.get("userErrors") or []), "no operation returned")
                self.logger.info("%s: %s not started (%s); reading without it", self.name, companion.key, message)
                continue
            job[companion.key] = str(operation_id)
            started.append((companion, str(operation_id)))
            self.state_manager.is_flushed = False
            self._write_state_message()
            self.logger.info("%s: started bulk operation %s for %s", self.name, operation_id, companion.key)
        return started

    def read_companions(self, directory: str, companions: list[tuple[Companion, str]]) -> None:
        """Wait for each companion, then hand its result over; one that failed is logged and skipped."""
        for number, (companion, operation_id) in enumerate(companions):
            place = Path(directory) / f"companion-{number}"
            place.mkdir()
            store = NodeStore(str(place), companion.children, None)
            try:
                finished = self.wait_for(operation_id)
                if finished.status != "COMPLETED":
                    raise BulkUnavailableError(self._companion_not_completed(finished))
                if finished.url:
                    self.download_into(store, finished)
                self.use_companion(companion, store)
            except (BulkUnavailableError, ShopifyError) as exc:
                self.logger.warning("%s: %s: %s; reading without it", self.name, companion.key, exc)
                self.use_companion(companion, None)
            finally:
                store.close()

    def _companion_not_completed(self, op: BulkOperationStatus) -> str:
        return f"bulk operation {op.id} ended {op.status}" + (f" ({op.error_code})" if op.error_code else "")

    def new_batches(self, context: Context | None, nodes: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        """Nodes in batches, without those an interrupted run already emitted from this same result:
        before the window's start (the bookmark it left), or at the bookmark and listed as emitted."""
        start = self.window(context).start if self.replication_key else None
        batch: list[dict[str, Any]] = []
        for node in nodes:
            if self.is_repeat(node) or (
                start is not None and node.get(self.node_field) and parse_time(node[self.node_field]) < start
            ):
                continue
            batch.append(node)
            if len(batch) >= self.bulk_batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _not_completed(self, op: BulkOperationStatus) -> str:
        if op.status == "FAILED" and op.error_code == "ACCESS_DENIED":
            raise ShopifyError(
                f"access denied reading {self.name} from {self.shop} in bulk operation {op.id} "
                "(grant the app that access scope)"
            )
        reason = f"bulk operation {op.id} ended {op.status}" + (f" ({op.error_code})" if op.error_code else "")
        if op.partial_data_url:
            # Lines are unordered, so a failed operation's partial data may hold any subset of each
            # order's children: emitting it would pass off incomplete orders as whole ones.
            reason += f" after {op.object_count} objects; its partial data is incomplete and is not loaded"
        return reason

    def start_operation(self, context: Context | None) -> str:
        """Start the bulk query and record its id in state before anything else can go wrong."""
        for attempt in range(START_ATTEMPTS):
            payload = self.post_request_json("bulk_operation_run_query", {"query": self.bulk_query(context)})
            result = dig(payload, ("data", "bulkOperationRunQuery")) or {}
            errors = result.get("userErrors") or []
            if not errors and dig(result, ("bulkOperation", "id")):
                operation_id = str(result["bulkOperation"]["id"])
                break
            codes = {e.get("code") for e in errors}
            if not codes & {"LIMIT_REACHED", "OPERATION_IN_PROGRESS"}:
                message = errors[0].get("message") if errors else "no operation returned"
                raise ShopifyError(f"Shopify refused the bulk query of {self.name} for {self.shop}: {message}")
            self.logger.info("%s: %s; waiting to start the bulk query", self.name, errors[0].get("message"))
            self.throttle.sleep(self.poll_interval(attempt))
        else:
            raise BulkUnavailableError(
                "no bulk operation could be started: the shop's bulk operation limit stayed reached"
            )
        self.get_context_state(context)[STATE_KEY] = {
            "id": operation_id,
            "window_end": shopify_time(self.window(context).end),
        }
        self.state_manager.is_flushed = False
        self._write_state_message()
        self.logger.info("%s: started bulk operation %s", self.name, operation_id)
        return operation_id

    def poll_interval(self, attempt: int) -> float:
        """Seconds before poll `attempt`: a twentieth of the bucket's refill time, growing geometrically."""
        throttle = self.throttle
        unit = 1.0
        if throttle.maximum and throttle.restore_rate:
            unit = throttle.maximum / throttle.restore_rate / 20
        # The exponent stops growing once past the cap: an operation polled for hours would
        # otherwise overflow a float (1.5 ** 1751).
        return float(unit * min(POLL_GROWTH ** min(attempt, POLL_CAP_STEPS), POLL_CAP_UNITS))

    def wait_for(self, operation_id: str) -> BulkOperationStatus:
        attempt = 0
        began = self.throttle.clock()
        while True:
            payload = self.post_request_json("bulk_operation", {"id": operation_id})
            node = dig(payload, ("data", "bulkOperation"))
            if not node:
                raise BulkUnavailableError(f"bulk operation {operation_id} is unknown to {self.shop}")
            op = BulkOperationStatus.from_node(node)
            if op.status in DONE:
                return op
            self.progress.tick(partial(self.bulk_progress, op))
            # A long operation is polled less often: never more than a tenth of the time already waited,
            # but again when its next progress line is due, so the log says how it goes every 30 s.
            waited = self.throttle.clock() - began
            self.throttle.sleep(
                min(self.progress.due_in(), max(self.poll_interval(attempt), POLL_WAITED_SHARE * waited))
            )
            attempt += 1

    def bulk_progress(self, op: BulkOperationStatus, elapsed: float) -> str:
        return (
            f"{self.name}: bulk operation {op.id} {op.status}, {op.object_count} objects so far, "
            f"{duration(elapsed)} since the stream started"
        )

    def download_into(self, store: NodeStore, op: BulkOperationStatus) -> None:
        """Stream the result into `store`. The URL is pre-signed: no Shopify credentials go with it."""
        assert op.url
        try:
            with requests.get(op.url, stream=True, timeout=DOWNLOAD_TIMEOUT_S) as response:
                self.count_call()  # not through the stream's session: the signed URL takes no token
                # Storage answers an expired signed URL 400 ExpiredToken, a refused one 403.
                if response.status_code in (401, 403, 404, 410) or (
                    response.status_code == 400 and "ExpiredToken" in response.text
                ):
                    raise BulkUnavailableError(
                        f"the result of bulk operation {op.id} could not be fetched (HTTP {response.status_code}: "
                        "expired)"
                    )
                if response.status_code != 200:
                    raise BulkUnavailableError(
                        f"the result of bulk operation {op.id} could not be fetched (HTTP {response.status_code})"
                    )
                store.load(jsonl_lines(response, op.id))
        except requests.RequestException as exc:
            raise BulkUnavailableError(f"the result of bulk operation {op.id} broke off: {exc}") from exc

    def _forget_operation(self, context: Context | None) -> None:
        if self.get_context_state(context).pop(STATE_KEY, None) is not None:
            self.state_manager.is_flushed = False
