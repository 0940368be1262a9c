"""The input record every reader produces and every detector reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True, slots=True)
class Document:
    """One article: ``text`` is the decoded original and is never modified.

    ``source`` is the path relative to the input root (or the record's origin), ``format`` the
    reader that made it (``txt``, ``html``, ``jsonl``, ``str``), ``metadata`` anything the reader
    knew (url, title, lang hint, encoding, the JSONL record's other fields).

    >>> Document("hello").id
    'doc'
    """

    text: str
    id: str = "doc"
    source: str = ""
    format: str = "str"
    metadata: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))  # stored read-only

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            msg = f"Document.text must be str, not {type(self.text).__name__}"
            raise TypeError(msg)
        if not isinstance(self.metadata, MappingProxyType):
            object.__setattr__(self, "metadata", MappingProxyType(dict(self.metadata)))

    def __reduce__(self) -> tuple[Any, ...]:  # MappingProxyType does not pickle
        return (_rebuild, (self.text, self.id, self.source, self.format, dict(self.metadata)))

    @property
    def lang_hint(self) -> str | None:
        lang = self.metadata.get("lang")
        return lang if isinstance(lang, str) and lang else None


def _rebuild(text: str, id: str, source: str, format: str, metadata: dict[str, Any]) -> Document:
    return Document(text, id, source, format, MappingProxyType(metadata))
