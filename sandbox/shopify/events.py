"""Deletions and the events that record them.

Shopify keeps no tombstone on a deleted order, product or customer: the only trace is a
`BasicEvent` with `action: "destroy"`, read through `events(query: "...")`. The sandbox
keeps deletions as small facts and serves them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sandbox.shopify.search import Term, matches

EVENT_ID_BASE = 80_000_000
EVENT_DATE_FIELDS = {"created_at"}
EVENT_TEXT_FIELDS = {"action", "subject_type"}


@dataclass(frozen=True)
class Deletion:
    """`subject_id` (a global ID) was deleted at `at`; `number` orders the events."""

    number: int
    subject_type: str
    subject_id: str
    at: datetime


def render_event(deletion: Deletion) -> dict[str, Any]:
    from sandbox.shopify.data import gid, iso  # noqa: PLC0415 - data imports this module

    kind = deletion.subject_type.replace("_", " ").capitalize()
    return {
        "__typename": "BasicEvent",
        "id": gid("BasicEvent", EVENT_ID_BASE + deletion.number),
        "action": "destroy",
        "subjectType": deletion.subject_type,
        "subjectId": deletion.subject_id,
        "createdAt": iso(deletion.at),
        "message": f"{kind} was deleted.",
        "appTitle": None,
        "author": "Stratus Outdoor Supply staff",
        "attributeToApp": False,
        "attributeToUser": True,
        "criticalAlert": False,
        "hasAdditionalContent": False,
    }


def event_values(deletion: Deletion) -> dict[str, Any]:
    """The searchable fields of a deletion's event."""
    return {"created_at": deletion.at, "action": "destroy", "subject_type": deletion.subject_type}


def select(deletions: list[Deletion], terms: list[Term]) -> list[Deletion]:
    return [d for d in deletions if matches(terms, event_values(d))]
