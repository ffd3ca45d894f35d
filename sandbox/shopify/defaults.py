"""Answers for every field the shop's world has nothing to say about, by the schema's own rules.

The world renders the fields it knows as dicts (or callables taking `info` and the field's
arguments). Any other field is answered from its type: a nullable field is null, a non-null list
is empty, a non-null object is built field by field with these same rules (so a connection is
empty with its pageInfo), an enum takes its first value and a scalar a neutral value of its kind:
zero amounts in the shop's currency, ids and URLs derived from the object that holds them. So a
query valid against the real schema never fails with "Cannot return null for non-nullable field".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    execute_sync,
    is_abstract_type,
)

_MISSING = object()


@dataclass(frozen=True)
class ShopContext:
    """What neutral values take from the shop: its currency, domain and opening date."""

    currency: str
    domain: str
    created_at: str


class Derived(dict[str, Any]):
    """An object the world does not hold, built from its type; it remembers the object it hangs
    from, so its ids and dates follow that object's."""

    def __init__(self, typename: str, parent: Any) -> None:
        super().__init__(__typename=typename)
        self.parent = parent


def execute(
    schema: GraphQLSchema,
    document: DocumentNode,
    root: dict[str, Any],
    *,
    variables: dict[str, Any] | None,
    operation_name: str | None = None,
    context: ShopContext,
) -> ExecutionResult:
    """Run a query over the world, every field it does not hold answered by its type."""
    return execute_sync(
        schema,
        document,
        root_value=root,
        context_value=context,
        variable_values=variables,
        operation_name=operation_name,
        field_resolver=resolve_field,
    )


def resolve_field(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    """graphql-core's default resolver (key, attribute or callable), with the schema's default
    where the world has no value, or null for a field that may not be null."""
    name = info.field_name
    value = source.get(name, _MISSING) if isinstance(source, Mapping) else getattr(source, name, _MISSING)
    if callable(value):
        value = value(info, **args)
    if value is _MISSING or (value is None and isinstance(info.return_type, GraphQLNonNull)):
        return default(info.return_type, source, info)
    return value


def default(type_: Any, source: Any, info: GraphQLResolveInfo) -> Any:
    """The neutral value of `type_` for field `info.field_name` of `source`."""
    if not isinstance(type_, GraphQLNonNull):
        return None
    inner = type_.of_type
    if isinstance(inner, GraphQLList):
        return []
    if isinstance(inner, GraphQLEnumType):
        # Amounts are in the shop's currency (the sandbox's orders are presented in it too).
        return info.context.currency if inner.name == "CurrencyCode" else next(iter(inner.values))
    if isinstance(inner, GraphQLScalarType):
        return _scalar(inner.name, source, info)
    if is_abstract_type(inner):
        concrete: GraphQLObjectType = info.schema.get_possible_types(inner)[0]
        return Derived(concrete.name, source)
    return Derived(inner.name, source)


def _scalar(kind: str, source: Any, info: GraphQLResolveInfo) -> Any:
    context: ShopContext = info.context
    name = info.field_name
    if kind == "ID":
        return _derived_id(source, info)
    if kind in ("Int", "Float"):
        return 0
    if kind == "Boolean":
        return False
    if kind in ("Decimal", "Money"):
        return "0.00"
    if kind in ("UnsignedInt64", "BigInt"):
        return "0"
    if kind in ("DateTime", "Date"):
        when = _inherited(source, ("createdAt", "processedAt", "updatedAt")) or context.created_at
        return when if kind == "DateTime" else str(when)[:10]
    if kind == "URL":
        return f"https://{context.domain}/admin/{_path(source)}/{name}"
    if kind == "JSON":
        return {}
    if kind == "Color":
        return "#000000"
    if kind == "UtcOffset":
        return "+00:00"
    return ""


def _inherited(source: Any, keys: tuple[str, ...]) -> Any:
    """The first of `keys` the object or an object it hangs from holds."""
    while source is not None:
        if isinstance(source, Mapping):
            for key in keys:
                if isinstance(source.get(key), str):
                    return source[key]
        source = getattr(source, "parent", None)
    return None


def _number(source: Any) -> int:
    """The number in the id of the object `source` is, or hangs from; 1 when none has one."""
    found = _inherited(source, ("id",))
    tail = str(found or "").rsplit("/", 1)[-1].split("?", 1)[0]
    return int(tail) if tail.isdigit() else 1


def _typename(source: Any, info: GraphQLResolveInfo) -> str:
    if isinstance(source, Mapping) and isinstance(source.get("__typename"), str):
        return str(source["__typename"])
    return info.parent_type.name


def _derived_id(source: Any, info: GraphQLResolveInfo) -> str:
    kind = _typename(source, info) if info.field_name == "id" else info.field_name[0].upper() + info.field_name[1:]
    return f"gid://shopify/{kind}/{_number(source)}"


def _path(source: Any) -> str:
    found = _inherited(source, ("id",))
    return str(found).removeprefix("gid://shopify/") if found else "shop"
