"""Detector-kind registry: ``@register`` adds a class under its ``name``; rules name it in ``detector =``."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from .errors import RuleError

if TYPE_CHECKING:
    from .detectors.base import Detector
    from .rules import Rule

_REGISTRY: dict[str, type[Detector]] = {}
D = TypeVar("D", bound="type[Detector]")


def register(cls: D) -> D:
    """Class decorator; a second class with the same ``name`` is a programming error."""
    name = cls.name
    if name in _REGISTRY and _REGISTRY[name] is not cls:
        msg = f"detector kind {name!r} is registered twice ({_REGISTRY[name].__qualname__}, {cls.__qualname__})"
        raise RuntimeError(msg)
    _REGISTRY[name] = cls
    return cls


def available() -> list[str]:
    from . import detectors  # noqa: F401  (imports register the built-in kinds)

    return sorted(_REGISTRY)


def get(rule: Rule) -> type[Detector]:
    """The detector class a rule names, or a RuleError listing the available kinds."""
    names = available()
    try:
        return _REGISTRY[rule.detector]
    except KeyError:
        raise RuleError(
            rule.path, "C204", repr(rule.detector), line=rule.line_of("detector"),
            hint="available: " + ", ".join(names),
        ) from None
