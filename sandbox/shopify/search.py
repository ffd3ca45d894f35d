"""The subset of Shopify's search syntax the sandbox filters on.

`updated_at:>=2026-01-01T00:00:00Z AND created_at:<'2026-02-01'` : terms are
`field:[op]value`, joined by spaces or AND. Date fields compare; text fields (such as
`action:destroy`) match case-insensitively. Unknown fields are ignored with a warning,
as Shopify does.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_TERM = re.compile(r"""(?P<field>\w+):(?P<op>>=|<=|>|<)?(?P<value>'[^']*'|"[^"]*"|\S+)""")
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "": operator.eq,
}


@dataclass(frozen=True)
class Term:
    field: str
    op: str
    value: datetime | str


def parse_datetime(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_query(
    query: str | None, date_fields: set[str], text_fields: frozenset[str] | set[str] = frozenset()
) -> tuple[list[Term], list[dict[str, str]]]:
    """Return the terms to filter on and Shopify-style warnings for the rest."""
    terms: list[Term] = []
    warnings: list[dict[str, str]] = []
    for match in _TERM.finditer(query or ""):
        field, op, raw = match["field"], match["op"] or "", match["value"].strip("'\"")
        if field in text_fields and not op:
            terms.append(Term(field, op, raw.lower()))
            continue
        if field not in date_fields:
            warnings.append({"field": field, "message": "Invalid search field for this query."})
            continue
        try:
            terms.append(Term(field, op, parse_datetime(raw)))
        except ValueError:
            warnings.append({"field": field, "message": f"Invalid date value '{raw}'."})
    return terms, warnings


def matches(terms: list[Term], values: dict[str, Any]) -> bool:
    return all(_matches(t, values[t.field]) for t in terms)


def _matches(term: Term, value: Any) -> bool:
    if value is None:  # e.g. the payout date of a transaction not yet paid out: no range holds it
        return False
    if isinstance(term.value, str):
        return str(value).lower() == term.value
    return _OPS[term.op](value, term.value)
