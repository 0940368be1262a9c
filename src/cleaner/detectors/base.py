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
        self.timeout = timeout  # seconds per regex call on one document; None = unbounded

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
        return Span(
            kind=rule.kind, rule=rule.id, rule_version=rule.version, start=start, end=end, text=text,
            action=action, replacement=replacement,
            suggestions=suggestions, score=rule.score if score is None else score,
            message=message or rule.format_message(text), locator=locator, detail=detail or {},
        )


def read_word_list(rule: Rule, name: str, key: str) -> list[str]:
    """Read a sidecar word list (one entry per line, UTF-8) named by param ``key``."""
    path = rule.sidecar(name)
    try:
        return [line for line in path.read_text(encoding="utf-8").splitlines() if line]
    except OSError as e:
        raise rule.error("C205", f"{name} ({e.strerror})", key=key) from None


def compile_patterns(rule: Rule, key: str, patterns: tuple[str, ...], flags: int = 0) -> regex.Pattern[str]:
    """Compile a rule's regexes into one alternation; a bad one is a located error naming it."""
    for i, pattern in enumerate(patterns, 1):
        try:
            regex.compile(pattern, flags)
        except regex.error as e:
            raise rule.error("C206", f"pattern {i} ({pattern!r}): {e}", key=key) from None
    return regex.compile("|".join(f"(?:{x})" for x in patterns), flags)


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
