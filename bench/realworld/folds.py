"""Grouped (leave-source-out) K-fold: a group's fold is a hash of its key, so every item of one
repository or site, and every use of one carrier document, falls in the same fold."""

from __future__ import annotations

from collections.abc import Iterable

from .pools import stable_hash


def fold_of(group: str, k: int) -> int:
    return stable_hash("fold", group) % k


def split(groups: Iterable[str], k: int) -> list[tuple[set[str], set[str]]]:
    """(train groups, test groups) for each fold."""
    groups = set(groups)
    out = []
    for f in range(k):
        test = {g for g in groups if fold_of(g, k) == f}
        out.append((groups - test, test))
    return out
