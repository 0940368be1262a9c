"""Allow-lists: findings a reviewer marked wrong, dropped by the pipeline for every detector alike.

A rule folder may hold ``allow.toml`` at its top (``cleaner review apply`` writes it; a person can
edit it). Each ``[[allow]]`` entry names a ``rule`` (an id) or a ``kind``, and either the finding's
exact ``text`` — optionally only where the document's text just before it ends with ``before``
and just after it starts with ``after`` — or a ``pattern``, a regular expression the finding's
whole text matches::

    [[allow]]
    rule   = "typo.misspelling"
    text   = "Lujiazui"
    before = "the towers of "
    note   = "news/a.txt: marked wrong in review"

    [[allow]]
    kind    = "spam"
    pattern = '(?i)ferry\\s+timetable'

The pipeline drops a matching finding right after the detectors ran, before overlaps are
resolved, so the detectors stay as they are (they find, the allow-list is the user's decision)
and one mechanism covers every rule, bundled or not. A document's ``stats`` count what was
dropped (``allowed``). Precision of the allow-list itself: an entry with context only drops the
finding where the same words stand around it; a bare text or a pattern drops it everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from .errors import RuleError
from .rules import ALLOW_FILE, find_line, read_toml, rule_roots
from .spans import KINDS, Span

ENTRY_KEYS = {
    "rule": "a rule id (spam.cjk_seo_injection)",
    "kind": "one of " + ", ".join(KINDS),
    "text": "the finding's exact text",
    "pattern": "a regular expression the finding's whole text matches",
    "before": "text that must end right before the finding (with text)",
    "after": "text that must start right after the finding (with text)",
    "note": "why (free text)",
}


@dataclass(frozen=True)
class Allow:
    """One entry; ``origin`` is ``file:line`` for messages."""

    rule: str = ""
    kind: str = ""
    text: str | None = None
    pattern: str | None = None
    before: str = ""
    after: str = ""
    note: str = ""
    origin: str = ""

    def matches(self, span: Span, text: str, compiled: regex.Pattern[str] | None) -> bool:
        if compiled is not None:
            return compiled.fullmatch(span.text) is not None
        if span.text != self.text:
            return False
        at = span.start - len(self.before)
        return at >= 0 and text.startswith(self.before, at) and text.startswith(self.after, span.end)


class AllowList:
    """The entries of every folder's ``allow.toml``, indexed by rule and kind."""

    def __init__(self, entries: Iterable[Allow] = ()) -> None:
        self.entries = tuple(entries)
        self._by: dict[str, list[tuple[Allow, regex.Pattern[str] | None]]] = {}
        for e in self.entries:
            compiled = regex.compile(e.pattern, regex.V1) if e.pattern is not None else None
            self._by.setdefault(e.rule or "kind:" + e.kind, []).append((e, compiled))

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __repr__(self) -> str:  # part of a run's fingerprint: a changed allow-list is a changed rule set
        return f"AllowList({self.entries!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (AllowList, (self.entries,))

    def match(self, span: Span, text: str) -> Allow | None:
        """The first entry that allows ``span`` (found in ``text``), or None."""
        for key in (span.rule, "kind:" + span.kind):
            for entry, compiled in self._by.get(key, ()):
                if entry.matches(span, text, compiled):
                    return entry
        return None

    def split(self, spans: Sequence[Span], text: str) -> tuple[list[Span], int]:
        """``(the spans no entry allows, how many were allowed)``."""
        kept = [s for s in spans if self.match(s, text) is None]
        return kept, len(spans) - len(kept)


def load_allow(dirs: Sequence[str | Path] | str | Path | None = None, *, bundled: bool = True) -> AllowList:
    """The entries of ``allow.toml`` in each rule folder (bundled first), validated."""
    entries: list[Allow] = []
    for root in rule_roots(dirs, bundled=bundled):
        path = root / ALLOW_FILE
        if root.is_dir() and path.is_file():
            entries.extend(read_allow_file(path))
    return AllowList(entries)


def read_allow_file(path: Path) -> list[Allow]:
    data = read_toml(path)
    unknown = set(data) - {"allow"}
    if unknown:
        key = sorted(unknown)[0]
        raise RuleError(path, "C201", repr(key), line=find_line(path, key), hint="an allow file holds [[allow]] tables")
    raw = data.get("allow", [])
    if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
        raise RuleError(path, "C202", "allow", hint="use [[allow]] tables")
    return [_entry(path, i, e) for i, e in enumerate(raw, 1)]


def _entry(path: Path, i: int, e: dict[str, Any]) -> Allow:
    line = _header_line(path, i)

    def bad(detail: str, hint: str) -> RuleError:
        return RuleError(path, "C202", f"allow[{i}] {detail}", line=line, hint=hint)

    unknown = set(e) - set(ENTRY_KEYS)
    if unknown:
        raise RuleError(path, "C201", f"{sorted(unknown)[0]!r} in allow[{i}]", line=line,
                        hint="allowed keys: " + ", ".join(ENTRY_KEYS))
    for key, value in e.items():
        if not isinstance(value, str):
            raise bad(f"{key}: {value!r}", "a string")
    if bool(e.get("rule")) == bool(e.get("kind")):
        raise bad("needs rule or kind", "give one of the two: rule = \"spam.x\" or kind = \"spam\"")
    if e.get("kind") and e["kind"] not in KINDS:
        raise bad(f"kind: {e['kind']!r}", "allowed: " + ", ".join(KINDS))
    if ("text" in e) == ("pattern" in e) or not (e.get("text") or e.get("pattern")):
        raise bad("needs text or pattern", "give the finding's exact text, or a pattern it matches")
    if "pattern" in e:
        if "before" in e or "after" in e:
            raise bad("before/after with a pattern", "context goes with text; put it in the pattern")
        try:
            regex.compile(e["pattern"], regex.V1)
        except regex.error as err:
            raise RuleError(path, "C206", f"allow[{i}] ({e['pattern']!r}): {err}", line=line) from None
    return Allow(rule=e.get("rule", ""), kind=e.get("kind", ""), text=e.get("text"), pattern=e.get("pattern"),
                 before=e.get("before", ""), after=e.get("after", ""), note=e.get("note", ""),
                 origin=f"{path}:{line}" if line else str(path))


def _header_line(path: Path, i: int) -> int | None:
    """The line of the ``i``-th ``[[allow]]`` header."""
    seen = 0
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.strip().replace(" ", "") == "[[allow]]":
            seen += 1
            if seen == i:
                return n
    return None
