"""Span: one finding, with code-point offsets into the original text; and the overlap policy.

Detectors only produce spans; :func:`resolve` decides which of several overlapping spans
survives, and :mod:`cleaner.actions` is the only code that turns spans into edits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
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
        d = asdict(self)
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
        return replace(self, **changes)


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

    >>> a = Span("spam", "r.a", 1, 0, 10, "x" * 10, "remove")
    >>> b = Span("typo", "r.b", 1, 2, 5, "xxx", "flag")
    >>> [s.rule for s in resolve([a, b])[0]]
    ['r.a']
    """
    spans = list(spans)  # iterated twice below: a generator would leave no flags for the second pass
    kept: list[Span] = []
    dropped: list[Span] = []
    editing = sorted((s for s in spans if s.edits), key=_priority, reverse=True)
    flags = sorted((s for s in spans if not s.edits), key=_priority, reverse=True)
    taken: list[tuple[int, int]] = []
    for s in editing:
        if any(s.start < e and b < s.end for b, e in taken) or (
            s.start == s.end and any(b <= s.start < e for b, e in taken)
        ):
            rest = _outside(s, taken) if s.action == "remove" else None
            dropped.append(s)
            if rest is None:
                continue
            s = rest
        taken.append((s.start, s.end))
        kept.append(s)
    flag_taken: dict[str, list[tuple[int, int]]] = {}
    for s in flags:
        mine = flag_taken.setdefault(s.rule, [])
        if any(s.start < e and b < s.end for b, e in taken) or any(s.start < e and b < s.end for b, e in mine):
            dropped.append(s)
            continue
        mine.append((s.start, s.end))
        kept.append(s)
    kept.sort(key=lambda s: (s.start, s.end))
    dropped.sort(key=lambda s: (s.start, s.end))
    return kept, dropped


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
