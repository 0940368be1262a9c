"""The Detector contract and the typed parsing of a rule's ``[params]``.

A detector class has a ``name`` (what a rule's ``detector =`` says), a nested frozen ``Params``
dataclass (the only place a parameter's default lives), compiles everything once in
``__init__`` and yields :class:`~cleaner.spans.Span` objects from ``detect``. It never edits text.
"""

from __future__ import annotations

import dataclasses
import typing
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import regex

from ..budget import regex_timeout
from ..errors import RuleError
from ..spans import Span

if TYPE_CHECKING:
    from ..analysis import Analysis
    from ..document import Document
    from ..rules import Rule


class Detector(ABC):
    """Subclass, set ``name`` and ``Params``, implement ``detect``; register with ``@register``."""

    name: ClassVar[str]
    Params: ClassVar[type[Any]]

    def __init__(self, rule: Rule, timeout: float | None = None) -> None:
        self.rule = rule
        self.params = parse_params(self.Params, rule)
        self.default_timeout = timeout  # seconds per regex call outside Pipeline.clean; None = unbounded

    @property
    def timeout(self) -> float | None:
        """The ``timeout`` to give a ``regex`` call now: what this rule has left of its budget on the
        document being cleaned (:mod:`cleaner.budget`)."""
        return regex_timeout(self.default_timeout)

    @abstractmethod
    def detect(self, doc: Document, analysis: Analysis) -> Iterator[Span]:
        """Yield findings in ``doc.text``; pure, never raises for "nothing found".

        ``analysis`` holds what several detectors need (script runs, lines, language), computed
        once per document, lazily."""

    def warm(self) -> None:  # noqa: B027 - optional, not abstract: most detectors have nothing to load
        """Load now what :meth:`detect` would load on its first documents (see Pipeline.warm);
        most detectors load nothing lazily."""

    def span(
        self,
        doc: Document,
        start: int,
        end: int,
        *,
        score: float | None = None,
        replacement: str | None = None,
        suggestions: tuple[str, ...] = (),
        action: str | None = None,
        message: str | None = None,
        locator: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> Span:
        """Build a span carrying this rule's id, version, kind, action and message."""
        text = doc.text[start:end]
        rule = self.rule
        action = action or rule.action
        if replacement is None and action == "remove":
            replacement = ""
        # by position, the edit range given (a quarter less per finding than by keyword)
        return Span(rule.kind, rule.id, rule.version, start, end, text, action, replacement, suggestions,
                    rule.score if score is None else score, message or rule.format_message(text), start, end,
                    locator, detail or {})


def read_word_list(rule: Rule, name: str, key: str) -> list[str]:
    """Read a sidecar word list (one entry per line, UTF-8) named by param ``key``."""
    path = rule.sidecar(name)
    try:
        return [line for line in path.read_text(encoding="utf-8").splitlines() if line]
    except OSError as e:
        raise rule.error("C205", f"{name} ({e.strerror})", key=key) from None


MAX_UNROLLED = 100_000  # ~0.1 s and ~30 MB to compile; the bundled rules' largest is under 1,000


def compile_patterns(rule: Rule, key: str, patterns: tuple[str, ...], flags: int = 0) -> regex.Pattern[str]:
    """Compile a rule's regexes into one alternation; a bad one is a located error naming it, and so is
    one the ``regex`` module would take seconds and gigabytes to compile (see :func:`unrolled_size`)."""
    total = 0
    for i, pattern in enumerate(patterns, 1):
        size = unrolled_size(pattern)
        total += size
        if size > MAX_UNROLLED or total > MAX_UNROLLED:
            raise rule.error("C212", f"pattern {i} ({pattern[:80]!r}) repeats to about {total:,} elements",
                             key=key, hint=f"the limit is {MAX_UNROLLED:,}: use smaller counts, or a range "
                                           "such as {1,50} where a fixed count {50} is nested in another")
        try:
            regex.compile(pattern, flags)
        except regex.error as e:
            raise rule.error("C206", f"pattern {i} ({pattern!r}): {e}", key=key) from None
    return regex.compile("|".join(f"(?:{x})" for x in patterns), flags)


_COUNT = regex.compile(r"\{(\d*)(?:(,)(\d*))?\}")
_BRACED_ESCAPE = regex.compile(r"\\[pPNxu]\{[^}]*\}|\\g<[^>]*>|\\.", regex.DOTALL)


def unrolled_size(pattern: str) -> int:
    r"""An upper bound of the elements the ``regex`` module builds for ``pattern``.

    It copies the body of a counted repeat once per required repetition (``a{50}``: 50 copies), so
    counts nested in counts multiply: ``a{50}`` nested four deep is 6,250,000 elements, 3.4 s
    and 1.8 GB to compile. Counted here: each literal, escape or class is one element; a group is
    the sum of its parts (all branches of an alternation); ``{m}``/``{m,n}`` multiply what they
    repeat by ``m``, plus one copy for the optional rest; ``*``, ``+``, ``?`` by one.

    >>> unrolled_size("(?:(?:(?:(?:a{50}){50}){50}){50})") > 6_000_000
    True
    >>> unrolled_size(r"\p{Han}{2,4}[a-z]+")
    4
    """
    frames = [[0, 0]]  # per open group: [size of its finished parts, size of its last element]
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        item = 1
        if c == "\\":
            m = _BRACED_ESCAPE.match(pattern, i)
            i = m.end() if m else n
        elif c == "[":  # a class ends at the first "]" that is not its first character
            j = i + 1 + (pattern.startswith("^", i + 1))
            j += pattern.startswith("]", j)
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            i = j + 1
        elif c == "(" and pattern.startswith("(?#", i):
            end = pattern.find(")", i)
            i = n if end < 0 else end + 1
            continue
        elif c == "(":
            frames.append([0, 0])
            i += 1
            continue
        elif c == ")" and len(frames) > 1:
            done, last = frames.pop()
            item = done + last
            i += 1
        elif c == "|":
            frames[-1] = [frames[-1][0] + frames[-1][1], 0]
            i += 1
            continue
        elif c == "{" and (m := _COUNT.match(pattern, i)) and (m.group(1) or m.group(3)):
            low = int(m.group(1) or 0)
            frames[-1][1] *= max(low, 1) + (1 if m.group(2) and m.group(3) != m.group(1) else 0)
            i = m.end()
            continue
        elif c in "*+?":
            i += 1
            continue
        else:
            i += 1
        frames[-1] = [frames[-1][0] + frames[-1][1], item]
    while len(frames) > 1:  # an unclosed group: regex.compile will say so
        done, last = frames.pop()
        frames[-1] = [frames[-1][0] + frames[-1][1], done + last]
    return frames[0][0] + frames[0][1]


def _accepts(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if hint is Any:
        return True
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin is tuple:
        (item, *_rest) = typing.get_args(hint)
        return isinstance(value, list) and all(_accepts(v, item) for v in value)
    if origin is dict:
        _k, item = typing.get_args(hint)
        return isinstance(value, dict) and all(_accepts(v, item) for v in value.values())
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return any(_accepts(value, h) for h in typing.get_args(hint))
    if hint is type(None):
        return value is None
    return isinstance(value, hint)


def _type_name(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if origin is tuple:
        return f"a list of {_type_name(typing.get_args(hint)[0])}"
    if origin is dict:
        return f"a table of {_type_name(typing.get_args(hint)[1])}"
    return {str: "string", int: "integer", float: "number", bool: "true/false"}.get(hint, str(hint))


def parse_params(params_cls: type[Any], rule: Rule) -> Any:
    """``rule.params`` → ``params_cls`` instance; unknown keys and wrong types are located RuleErrors."""
    fields = {f.name: f for f in dataclasses.fields(params_cls)}
    hints = typing.get_type_hints(params_cls)
    values: dict[str, Any] = {}
    for key, value in rule.params.items():
        if key not in fields:
            raise rule.error("C201", f"{key!r} in [params]", key=key,
                             hint="allowed keys: " + (", ".join(fields) or "(none)"))
        if not _accepts(value, hints[key]):
            raise rule.error("C202", f"{key}: {value!r}", key=key, hint=f"expected {_type_name(hints[key])}")
        values[key] = tuple(value) if isinstance(value, list) else value
    try:
        params = params_cls(**values)
    except (TypeError, ValueError) as e:
        raise RuleError(rule.path, "C202", str(e)) from None
    check = getattr(params, "check", None)
    if check is not None:
        problem = check()
        if problem:
            key, hint = problem
            raise rule.error("C202", f"{key}: {getattr(params, key)!r}", key=key, hint=hint)
    return params
