"""Shopify's calculated query cost, and its bucket's throttleStatus.

Scalars and enums cost 0, objects 1, connections 2 plus `first`/`last` times the cost of
one node, lists of objects as many objects as their arguments allow (`nodes(ids:)`: one per
id), interfaces and unions the most any of their types would; a mutation costs 10 plus what
its payload selects. The requested cost is computed before execution from the query and is
the most the actual cost, computed afterwards from what was returned, can come to. A query
may not request more than 1000.
"""

from __future__ import annotations

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
    get_nullable_type,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    value_from_ast_untyped,
)

from sandbox.bucket import TokenBucket

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


def _node_type(conn_type: GraphQLObjectType) -> Any:
    """A connection's node type, from `nodes`, or from `edges.node` for the few (Shop.search) without `nodes`."""
    if "nodes" in conn_type.fields:
        return get_named_type(conn_type.fields["nodes"].type)
    edge: Any = get_named_type(conn_type.fields["edges"].type) if "edges" in conn_type.fields else None
    return get_named_type(edge.fields["node"].type) if edge is not None and "node" in edge.fields else None


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

    def _argument(self, node: FieldNode, names: tuple[str, ...]) -> Any:
        """The value of the first of `names` the field is given (variables resolved), or None."""
        for arg in node.arguments:
            if arg.name.value in names:
                value = value_from_ast_untyped(arg.value, self.variables)
                if value is not None:
                    return value
        return None

    def _page_size(self, node: FieldNode) -> int:
        size = self._argument(node, ("first", "last"))
        if size is None:
            raise MissingPageSizeError(f"you must provide one of first or last on the '{node.name.value}' connection")
        return int(size)

    def node_selections(
        self, conn_node: FieldNode, conn_type: GraphQLObjectType
    ) -> list[tuple[SelectionSetNode | None, Any, bool]]:
        """Where a connection selects its nodes: (selection, node type, whether under edges.node)."""
        node_type = _node_type(conn_type)
        out: list[tuple[SelectionSetNode | None, Any, bool]] = []
        for field, _ in self.fields(conn_node.selection_set, conn_type):
            if field.name.value == "nodes":
                out.append((field.selection_set, node_type, False))
            elif field.name.value == "edges":
                for sub, _ in self.fields(field.selection_set, None):
                    if sub.name.value == "node":
                        out.append((sub.selection_set, node_type, True))
        return out


class _Pricer(_Walker):
    """Prices a query as Shopify documents it: the requested cost before execution, an upper bound
    of the actual cost that what was returned comes to.

    Scalars and enums cost 0, objects 1. A connection costs 2 plus `first`/`last` times one node;
    a list of objects costs as many objects as its arguments allow (`ids`: one per id,
    `first`/`last`: that many), and one object when its arguments set no bound. An interface or
    union costs the most any of its possible types would, given the fragments that apply to it.
    """

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]) -> None:
        super().__init__(schema, document, variables)
        self._groups: dict[tuple[int, str], list[GraphQLObjectType]] = {}

    # -- which fields a selection set selects on one concrete type
    def _applies(self, condition: str | None, concrete: GraphQLObjectType) -> bool:
        if condition is None or condition == concrete.name:
            return True
        cond = self.schema.get_type(condition)
        return is_abstract_type(cond) and self.schema.is_sub_type(cond, concrete)  # type: ignore[arg-type]

    def _concrete_fields(self, selection_set: SelectionSetNode | None, concrete: GraphQLObjectType) -> list[FieldNode]:
        out: list[FieldNode] = []
        for sel in selection_set.selections if selection_set else ():
            if isinstance(sel, FieldNode):
                out.append(sel)
            elif isinstance(sel, InlineFragmentNode):
                cond = sel.type_condition.name.value if sel.type_condition else None
                if self._applies(cond, concrete):
                    out.extend(self._concrete_fields(sel.selection_set, concrete))
            elif isinstance(sel, FragmentSpreadNode):
                frag = self.fragments[sel.name.value]
                if self._applies(frag.type_condition.name.value, concrete):
                    out.extend(self._concrete_fields(frag.selection_set, concrete))
        return out

    def _conditions(self, selection_set: SelectionSetNode | None) -> list[str]:
        """Every type condition of a selection set's fragments (not those inside its fields)."""
        out: list[str] = []
        for sel in selection_set.selections if selection_set else ():
            if isinstance(sel, InlineFragmentNode):
                if sel.type_condition:
                    out.append(sel.type_condition.name.value)
                out.extend(self._conditions(sel.selection_set))
            elif isinstance(sel, FragmentSpreadNode):
                frag = self.fragments[sel.name.value]
                out.append(frag.type_condition.name.value)
                out.extend(self._conditions(frag.selection_set))
        return out

    def _candidates(self, selection_set: SelectionSetNode | None, type_: Any) -> list[GraphQLObjectType]:
        """The concrete types a field of `type_` may return, one per set of fragments that apply:
        types to which the same fragments apply cost the same."""
        if isinstance(type_, GraphQLObjectType):
            return [type_]
        key = (id(selection_set), type_.name)
        if key not in self._groups:
            conditions = self._conditions(selection_set)
            groups: dict[tuple[bool, ...], GraphQLObjectType] = {}
            for concrete in self.schema.get_possible_types(type_):
                groups.setdefault(tuple(self._applies(c, concrete) for c in conditions), concrete)
            self._groups[key] = list(groups.values())
        return self._groups[key]

    # -- bounds
    def _list_bound(self, node: FieldNode) -> int | None:
        """How many objects a list field's arguments allow; None: they set no bound."""
        ids = self._argument(node, ("ids",))
        if isinstance(ids, list):
            return len(ids)
        size = self._argument(node, ("first", "last"))
        return None if size is None else int(size)

    # -- requested
    def requested_of(self, selection_set: SelectionSetNode | None, type_: Any) -> int:
        return max(
            (self._requested_on(selection_set, concrete) for concrete in self._candidates(selection_set, type_)),
            default=0,
        )

    def _requested_on(self, selection_set: SelectionSetNode | None, concrete: GraphQLObjectType) -> int:
        total = 0
        for field in self._concrete_fields(selection_set, concrete):
            definition = concrete.fields.get(field.name.value)
            if definition is None:  # __typename and other introspection
                continue
            named = get_named_type(definition.type)
            if is_leaf_type(named):
                continue
            if _is_connection(named):
                per_node = sum(1 + self.requested_of(sel, t) for sel, t, _ in self.node_selections(field, named))
                total += 2 + self._page_size(field) * per_node
                continue
            one = 1 + self.requested_of(field.selection_set, named)
            total += one * (self._list_bound(field) or 1) if is_list_type(get_nullable_type(definition.type)) else one
        return total

    # -- actual
    def actual_of(self, selection_set: SelectionSetNode | None, type_: Any, value: Any) -> int:
        if not isinstance(value, dict):
            return 0
        typename = value.get("__typename")
        named = self.schema.get_type(typename) if isinstance(typename, str) else None
        candidates = [named] if isinstance(named, GraphQLObjectType) else self._candidates(selection_set, type_)
        return max((self._actual_on(selection_set, c, value) for c in candidates), default=0)

    def _actual_on(
        self, selection_set: SelectionSetNode | None, concrete: GraphQLObjectType, value: dict[str, Any]
    ) -> int:
        total = 0
        for field in self._concrete_fields(selection_set, concrete):
            definition = concrete.fields.get(field.name.value)
            child = value.get(field.alias.value if field.alias else field.name.value)
            if definition is None or child is None:
                continue
            named = get_named_type(definition.type)
            if is_leaf_type(named):
                continue
            if _is_connection(named):
                total += 2
                for sel, node_type, keys in self._node_paths(field, named):
                    total += sum(
                        1 + self.actual_of(sel, node_type, n) for n in _dig_nodes(child, keys) if n is not None
                    )
                continue
            if not isinstance(child, list):
                total += 1 + self.actual_of(field.selection_set, named, child)
                continue
            each = [1 + self.actual_of(field.selection_set, named, item) for item in child if item is not None]
            # Unbounded, the list was priced as one object: it is charged as its dearest one.
            total += sum(each) if self._list_bound(field) is not None else max(each, default=0)
        return total

    def _node_paths(
        self, conn_node: FieldNode, conn_type: GraphQLObjectType
    ) -> list[tuple[SelectionSetNode | None, Any, tuple[str, ...]]]:
        """Where a connection's nodes are in its result: (selection, node type, keys to them)."""
        node_type = _node_type(conn_type)
        out: list[tuple[SelectionSetNode | None, Any, tuple[str, ...]]] = []
        for field, _ in self.fields(conn_node.selection_set, conn_type):
            if field.name.value == "nodes":
                out.append((field.selection_set, node_type, (_key(field),)))
            elif field.name.value == "edges":
                for sub, _ in self.fields(field.selection_set, None):
                    if sub.name.value == "node":
                        out.append((sub.selection_set, node_type, (_key(field), _key(sub))))
        return out


def _key(field: FieldNode) -> str:
    return field.alias.value if field.alias else field.name.value


def _dig_nodes(connection: Any, keys: tuple[str, ...]) -> list[Any]:
    """The nodes of a connection's result, by `nodes` or by `edges` then `node`."""
    if not isinstance(connection, dict):
        return []
    found = connection.get(keys[0]) or []
    if len(keys) == 1:
        return list(found)
    return [edge.get(keys[1]) for edge in found if isinstance(edge, dict)]


def requested_cost(
    schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any], operation_name: str | None = None
) -> int:
    op = operation(document, operation_name)
    root, extra = _root(schema, op)
    pricer = _Pricer(schema, document, variables)
    return pricer.requested_of(op.selection_set, root) + extra * len(pricer.fields(op.selection_set, root))


def actual_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict[str, Any],
    data: dict[str, Any] | None,
    operation_name: str | None = None,
) -> int:
    op = operation(document, operation_name)
    root, extra = _root(schema, op)
    pricer = _Pricer(schema, document, variables)
    return pricer.actual_of(op.selection_set, root, data or {}) + extra * len(pricer.fields(op.selection_set, root))


@dataclass
class ThrottleStatus:
    maximum_available: float
    currently_available: float
    restore_rate: float

    def as_dict(self) -> dict[str, float]:
        return {
            "maximumAvailable": float(self.maximum_available),
            "currentlyAvailable": int(self.currently_available),
            "restoreRate": float(self.restore_rate),
        }


def throttle_status(bucket: TokenBucket) -> ThrottleStatus:
    """An app-and-shop bucket as Shopify reports it; clients pace in real seconds."""
    return ThrottleStatus(bucket.capacity, bucket.available, bucket.real_restore_rate)
