"""Keys for rows the source gives no id of their own."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence


class Occurrences:
    """Numbers the rows of one document that share a natural key: 1 for the first, 2 for the next.

    A document lists its rows in one order, so (natural key, occurrence) names each row
    uniquely, and the same row read again from a later document of the same data gets the
    same number: the loader's upsert keeps one row per line, never merges two lines.
    """

    def __init__(self) -> None:
        self._seen: Counter[Hashable] = Counter()

    def next(self, key: Hashable) -> int:
        self._seen[key] += 1
        return self._seen[key]


def rank_by_id(pairs: Sequence[tuple[Hashable, str]]) -> list[int]:
    """For (group, id) pairs, each one's rank within its group, ordered by id (numeric ids by value).

    The API gives each order item an id unique within its order, so ranking same-SKU items by it
    numbers them the same way whatever order a response lists them in (equal ids, which the API
    never sends, would still get distinct ranks, by position).
    """
    groups: dict[Hashable, list[int]] = {}
    for index, (group, _) in enumerate(pairs):
        groups.setdefault(group, []).append(index)
    ranks = [0] * len(pairs)
    for members in groups.values():
        ordered = sorted(members, key=lambda i: (len(pairs[i][1]), pairs[i][1], i))
        for rank, index in enumerate(ordered, start=1):
            ranks[index] = rank
    return ranks
