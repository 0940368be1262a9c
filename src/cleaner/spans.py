"""Span: one finding, with code-point offsets into the original text; and the overlap policy.

Detectors only produce spans; :func:`resolve` decides which of several overlapping spans
survives, and :mod:`cleaner.actions` is the only code that turns spans into edits.
"""

from __future__ import annotations

import copy
import operator
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from typing import Any

KINDS = ("spam", "artifact", "encoding", "hidden", "typo")
ACTIONS = ("remove", "replace", "flag")
EDITING = frozenset({"remove", "replace"})


@dataclass(frozen=True, slots=True)
class Span:
    """A finding. ``start``/``end`` cover the finding in ``Document.text``; ``edit_start``/``edit_end``
    cover what :mod:`cleaner.actions` replaced by ``replacement`` (wider when whitespace was repaired).

    >>> Span("spam", "spam.x", 1, 0, 3, "abc", "remove").to_dict()["edit_end"]
    3
    """

    kind: str
    rule: str
    rule_version: int
    start: int
    end: int
    text: str
    action: str
    replacement: str | None = None
    suggestions: tuple[str, ...] = ()
    score: float = 1.0
    message: str = ""
    edit_start: int = -1
    edit_end: int = -1
    locator: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.edit_start < 0:
            object.__setattr__(self, "edit_start", self.start)
        if self.edit_end < 0:
            object.__setattr__(self, "edit_end", self.end)

    @property
    def edits(self) -> bool:
        return self.action in EDITING

    def to_dict(self) -> dict[str, Any]:
        # a dict of the fields, as dataclasses.asdict makes it without its deep copy of every value
        # (a tenth of the time; thousands of findings in one document spent more here than cleaning)
        d = {name: getattr(self, name) for name in _FIELDS}
        d["detail"] = copy.deepcopy(self.detail) if self.detail else {}
        d["suggestions"] = list(self.suggestions)
        d["score"] = round(self.score, 4)
        if self.locator is None:
            del d["locator"]
        if not self.detail:
            del d["detail"]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Span:
        d = dict(d)
        d["suggestions"] = tuple(d.get("suggestions") or ())
        d.setdefault("detail", {})
        return cls(**d)

    def with_(self, **changes: Any) -> Span:
        """A copy with ``changes`` (as :func:`dataclasses.replace`, which costs several times more:
        it runs ``__init__`` with every field)."""
        if not _FIELD_SET.issuperset(changes):
            return replace(self, **changes)  # its error for an unknown field
        new = object.__new__(Span)
        for name, set_, value in zip(_FIELDS, _SETTERS, _VALUES(self), strict=True):
            set_(new, changes.get(name, value))
        new.__post_init__()
        return new


_FIELDS = tuple(f.name for f in fields(Span))
_FIELD_SET = frozenset(_FIELDS)
_VALUES = operator.attrgetter(*_FIELDS)
_SETTERS = tuple(getattr(Span, name).__set__ for name in _FIELDS)  # the slots' own: no frozen check per field


def _priority(s: Span) -> tuple[int, float, int, int]:
    """Longest first, then most confident, then editing over flagging, then earliest."""
    return (s.end - s.start, s.score, int(s.edits), -s.start)


def resolve(spans: Iterable[Span]) -> tuple[list[Span], list[Span]]:
    """Keep a non-overlapping set of editing spans and the flags that do not fall inside them.

    Policy, in order:
    1. Editing spans (remove/replace) never overlap in the output: when two overlap, the longer
       one wins; on equal length the more confident; then the earlier. A losing *removal* that
       sticks out of the winner keeps its longest part outside it (junk next to junk is still
       junk); a losing replacement is dropped (its replacement was for the whole).
    2. A flag inside (or overlapping) a kept editing span is dropped: the text it points at is gone.
    3. Flags may overlap each other only if they come from different rules; the same rule's
       overlapping flags keep the longest.
    Returns ``(kept, dropped)``, both sorted by position.

    Spans only compete with those they overlap, so the policy runs on each group of overlapping
    spans apart (most spans are a group of their own), and a group looks up what it has kept by
    bisection: the time grows with the number of spans times its logarithm, never its square.

    >>> a = Span("spam", "r.a", 1, 0, 10, "x" * 10, "remove")
    >>> b = Span("typo", "r.b", 1, 2, 5, "xxx", "flag")
    >>> [s.rule for s in resolve([a, b])[0]]
    ['r.a']
    """
    items = list(enumerate(spans))  # (input order, span): ties keep the order the spans came in
    kept: list[tuple[int, Span]] = []
    dropped: list[tuple[int, Span]] = []
    for group in _groups([x for x in items if x[1].edits]):
        _keep(group, kept, dropped, edits=True)
    edits = _Taken((s.start, s.end) for _, s in kept)
    by_rule: dict[str, list[tuple[int, Span]]] = {}
    for i, s in items:
        if s.edits:
            continue
        if edits.overlaps(s.start, s.end):
            dropped.append((i, s))
        else:
            by_rule.setdefault(s.rule, []).append((i, s))
    for flags in by_rule.values():
        for group in _groups(flags):
            _keep(group, kept, dropped, edits=False)
    return _in_order(kept), _in_order(dropped)


def _in_order(items: list[tuple[int, Span]]) -> list[Span]:
    """By position; at one position editing spans first, then by confidence, then as they came."""
    items.sort(key=lambda x: (x[1].start, x[1].end, not x[1].edits, -x[1].score, x[0]))
    return [s for _, s in items]


def _groups(items: list[tuple[int, Span]]) -> Iterator[list[tuple[int, Span]]]:
    """The spans in groups that can overlap among themselves and with no other group: by start,
    a span joins the group while it starts before the group's end (an empty span sorts after the
    others at its position, so it joins the span that starts there)."""
    group: list[tuple[int, Span]] = []
    end = -1
    for x in sorted(items, key=lambda x: (x[1].start, x[1].start == x[1].end)):
        if group and x[1].start >= end:
            yield group
            group = []
        group.append(x)
        end = max(end, x[1].end)
    if group:
        yield group


class _Taken:
    """Ranges kept so far: disjoint (an empty one at most touching another), in a sorted list
    keyed by ``(end, start)``, so the ranges a span overlaps are found by bisection."""

    def __init__(self, ranges: Iterable[tuple[int, int]] = ()) -> None:
        from sortedcontainers import SortedList

        self.ranges = SortedList((e, b) for b, e in ranges)

    def add(self, start: int, end: int) -> None:
        self.ranges.add((end, start))

    def touching(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        """The kept ranges ``(b, e)`` with ``start < e and b < end``, in order."""
        for e, b in self.ranges.irange((start + 1, -1)):
            if b >= end:
                return
            yield b, e

    def _first_ending_after(self, pos: int) -> tuple[int, int] | None:
        """The kept ``(e, b)`` with the least ``e > pos`` (a bisection and an index: no iterator)."""
        ranges = self.ranges
        i = ranges.bisect_left((pos + 1, -1))
        return ranges[i] if i < len(ranges) else None

    def overlaps(self, start: int, end: int) -> bool:
        first = self._first_ending_after(start)
        return first is not None and first[1] < end

    def covers(self, start: int, end: int) -> bool:
        """Does one kept range hold all of ``start``–``end``?"""
        first = self._first_ending_after(start)
        return first is not None and first[1] <= start and end <= first[0]

    def holds(self, pos: int) -> bool:
        """Does a kept range ``(b, e)`` hold ``pos`` (``b <= pos < e``)?"""
        first = self._first_ending_after(pos)
        return first is not None and first[1] <= pos


def _keep(group: list[tuple[int, Span]], kept: list[tuple[int, Span]], dropped: list[tuple[int, Span]],
          edits: bool) -> None:
    """The policy of :func:`resolve` on one group: by priority, a span is kept unless it overlaps
    one kept before it (an empty editing span is lost inside one, too); a losing removal keeps
    its longest part outside what was kept."""
    if len(group) == 1:
        kept.append(group[0])
        return
    taken = _Taken()
    for i, s in sorted(group, key=lambda x: _priority(x[1]), reverse=True):
        if taken.overlaps(s.start, s.end) or (edits and s.start == s.end and taken.holds(s.start)):
            rest = None  # a losing removal inside one kept range (thousands in one ad) has no part outside
            if edits and s.action == "remove" and not taken.covers(s.start, s.end):
                rest = _outside(s, list(taken.touching(s.start, s.end)))
            dropped.append((i, s))
            if rest is None:
                continue
            s = rest
        taken.add(s.start, s.end)
        kept.append((i, s))


def _outside(s: Span, taken: list[tuple[int, int]]) -> Span | None:
    """The longest part of ``s`` that no taken range covers, as a span of its own (or None)."""
    cuts = sorted((max(b, s.start), min(e, s.end)) for b, e in taken if b < s.end and s.start < e)
    pieces, pos = [], s.start
    for b, e in cuts:
        if b > pos:
            pieces.append((pos, b))
        pos = max(pos, e)
    if pos < s.end:
        pieces.append((pos, s.end))
    if not pieces:
        return None
    start, end = max(pieces, key=lambda p: p[1] - p[0])
    return s.with_(start=start, end=end, text=s.text[start - s.start:end - s.start],
                   edit_start=start, edit_end=end)
