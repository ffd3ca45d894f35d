"""Shopify's calculated query cost and its leaky bucket.

Scalars and enums cost 0, objects 1, connections 2 plus `first`/`last` times the cost of
one node; a mutation costs 10 plus what its payload selects. The requested cost is computed
before execution from the query; the actual cost afterwards from what was returned. A query may not cost more than 1000.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_leaf_type,
    value_from_ast_untyped,
)

from sandbox.clock import SimClock

MAX_SINGLE_QUERY_COST = 1000
MUTATION_COST = 10


class MissingPageSizeError(ValueError):
    """A connection was selected without `first` or `last`."""


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name:
        return next(op for op in ops if op.name and op.name.value == name)
    return ops[0]


def _root(schema: GraphQLSchema, op: OperationDefinitionNode) -> tuple[Any, int]:
    """The root type of `op`, and what each of its top-level fields costs beyond an object's 1."""
    if op.operation == OperationType.MUTATION:
        return schema.mutation_type, MUTATION_COST - 1
    return schema.query_type, 0


def selected_fields(
    schema: GraphQLSchema, document: DocumentNode, selection_set: SelectionSetNode | None, parent: Any
) -> list[tuple[FieldNode, Any]]:
    """The fields a selection set selects, fragments flattened, each with the type that owns it."""
    return _Walker(schema, document, {}).fields(selection_set, parent)


def node_selections(
    schema: GraphQLSchema, document: DocumentNode, conn_node: FieldNode, conn_type: GraphQLObjectType
) -> list[tuple[SelectionSetNode | None, Any, bool]]:
    """Where a connection field selects its nodes: (selection, node type, whether under edges.node)."""
    return _Walker(schema, document, {}).node_selections(conn_node, conn_type)


def _is_connection(type_: Any) -> bool:
    return isinstance(type_, GraphQLObjectType) and type_.name.endswith("Connection")


class _Walker:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]) -> None:
        self.schema = schema
        self.fragments = _fragments(document)
        self.variables = variables

    def fields(self, selection_set: SelectionSetNode | None, parent: Any) -> list[tuple[FieldNode, Any]]:
        """Flatten fragments into (field node, parent type) pairs."""
        out: list[tuple[FieldNode, Any]] = []
        if selection_set is None:
            return out
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                out.append((sel, parent))
            elif isinstance(sel, InlineFragmentNode):
                cond = self.schema.get_type(sel.type_condition.name.value) if sel.type_condition else parent
                out.extend(self.fields(sel.selection_set, cond))
            elif isinstance(sel, FragmentSpreadNode):
                frag = self.fragments[sel.name.value]
                out.extend(self.fields(frag.selection_set, self.schema.get_type(frag.type_condition.name.value)))
        return out

    def _page_size(self, node: FieldNode) -> int:
        for arg in node.arguments:
            if arg.name.value in ("first", "last"):
                value = value_from_ast_untyped(arg.value, self.variables)
                if value is not None:
                    return int(value)
        raise MissingPageSizeError(f"you must provide one of first or last on the '{node.name.value}' connection")

    def node_selections(
        self, conn_node: FieldNode, conn_type: GraphQLObjectType
    ) -> list[tuple[SelectionSetNode | None, Any, bool]]:
        """Where a connection selects its nodes: (selection, node type, whether under edges.node)."""
        node_type = get_named_type(conn_type.fields["nodes"].type) if "nodes" in conn_type.fields else None
        out: list[tuple[SelectionSetNode | None, Any, bool]] = []
        for field, _ in self.fields(conn_node.selection_set, conn_type):
            if field.name.value == "nodes":
                out.append((field.selection_set, node_type, False))
            elif field.name.value == "edges":
                for sub, _ in self.fields(field.selection_set, None):
                    if sub.name.value == "node":
                        out.append((sub.selection_set, node_type, True))
        return out

    def requested(self, selection_set: SelectionSetNode | None, parent: Any) -> int:
        total = 0
        for field, owner in self.fields(selection_set, parent):
            name = field.name.value
            if name.startswith("__") or owner is None or name not in getattr(owner, "fields", {}):
                continue
            ftype = get_named_type(owner.fields[name].type)
            if is_leaf_type(ftype):
                continue
            if _is_connection(ftype):
                per_node = sum(1 + self.requested(sel, t) for sel, t, _ in self.node_selections(field, ftype))
                total += 2 + self._page_size(field) * per_node
            else:
                total += 1 + self.requested(field.selection_set, ftype)
        return total

    def actual(self, selection_set: SelectionSetNode | None, parent: Any, value: Any) -> int:
        if not isinstance(value, dict):
            return 0
        total = 0
        for field, owner in self.fields(selection_set, parent):
            name = field.name.value
            if name.startswith("__") or owner is None or name not in getattr(owner, "fields", {}):
                continue
            ftype = get_named_type(owner.fields[name].type)
            child = value.get(field.alias.value if field.alias else name)
            if is_leaf_type(ftype) or child is None:
                continue
            if _is_connection(ftype):
                total += 2
                for sel, node_type, _ in self.node_selections(field, ftype):
                    nodes = child.get("nodes") or [e.get("node") for e in child.get("edges") or []]
                    total += sum(1 + self.actual(sel, node_type, n) for n in nodes if n is not None)
                continue
            items = child if isinstance(child, list) else [child]
            total += sum(1 + self.actual(field.selection_set, ftype, item) for item in items)
        return total


def requested_cost(
    schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any], operation_name: str | None = None
) -> int:
    op = operation(document, operation_name)
    root, extra = _root(schema, op)
    walker = _Walker(schema, document, variables)
    return walker.requested(op.selection_set, root) + extra * len(walker.fields(op.selection_set, root))


def actual_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict[str, Any],
    data: dict[str, Any] | None,
    operation_name: str | None = None,
) -> int:
    op = operation(document, operation_name)
    root, extra = _root(schema, op)
    walker = _Walker(schema, document, variables)
    return walker.actual(op.selection_set, root, data or {}) + extra * len(walker.fields(op.selection_set, root))


@dataclass
class ThrottleStatus:
    maximum_available: float
    currently_available: float
    restore_rate: float

    def as_dict(self) -> dict[str, float]:
        return {
            "maximumAvailable": self.maximum_available,
            "currentlyAvailable": int(self.currently_available),
            "restoreRate": self.restore_rate,
        }


class LeakyBucket:
    """One app-and-shop bucket. Rates are per simulated second; reports are per real second."""

    def __init__(self, clock: SimClock, maximum: float = 2000.0, restore_rate: float = 100.0) -> None:
        self.clock = clock
        self.maximum = maximum
        self.restore_rate = restore_rate
        self._available = maximum
        self._at = clock.now()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self.clock.now()
        self._available = min(self.maximum, self._available + (now - self._at) * self.restore_rate)
        self._at = now

    def status(self) -> ThrottleStatus:
        with self._lock:
            self._refill()
            # Clients pace in real seconds, so the restore rate is reported as seen in real time.
            return ThrottleStatus(self.maximum, self._available, self.restore_rate * self.clock.time_scale)

    def take(self, cost: float) -> bool:
        """Take `cost` points if the bucket holds them; False means THROTTLED."""
        with self._lock:
            self._refill()
            if cost > self._available:
                return False
            self._available -= cost
            return True

    def refund(self, points: float) -> None:
        with self._lock:
            self._refill()
            self._available = min(self.maximum, self._available + points)

    def drain(self) -> None:
        """Empty the bucket (used by fault injection to start a throttle storm)."""
        with self._lock:
            self._refill()
            self._available = 0.0
