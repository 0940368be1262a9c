"""``edge_paragraph``: a short first or last paragraph that matches a pattern (LLM chatter).

An assistant's reply pasted whole into a page starts with a preamble (``Sure, here is the
translation:``) and ends with an offer (``Would you like me to…``, ``[End of translation]``); both sit
in a paragraph of their own at the edge of the document. Matching only there, and only in short
paragraphs, keeps an article that *quotes* such phrases in its body untouched.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex

from ..analysis import Analysis
from ..document import Document
from ..registry import register
from ..rules import Rule
from ..spans import Span
from .base import Detector, compile_patterns

POSITIONS = ("first", "last")
_SENTENCE_END = regex.compile(r"[.!?:：。！？]+[\"'”’)\]]*(?=\s|$|\p{Lu})")


@dataclass(frozen=True)
class EdgeParagraphParams:
    patterns: tuple[str, ...] = ()
    position: str = "first"  # which paragraph: first or last
    max_chars: int = 300  # longer paragraphs are article text, not chatter

    def check(self) -> tuple[str, str] | None:
        if self.position not in POSITIONS:
            return "position", "one of " + ", ".join(POSITIONS)
        if not self.patterns:
            return "patterns", "give at least one regular expression"
        return None


@register
class EdgeParagraphDetector(Detector):
    name = "edge_paragraph"
    Params = EdgeParagraphParams

    def __init__(self, rule: Rule, timeout: float | None = None) -> None:
        super().__init__(rule, timeout)
        p: EdgeParagraphParams = self.params
        self.regex = compile_patterns(rule, "patterns", p.patterns,
                                      regex.IGNORECASE | regex.MULTILINE | regex.V1)

    def detect(self, doc: Document, analysis: Analysis) -> Iterator[Span]:
        p: EdgeParagraphParams = self.params
        edge = analysis.edge_paragraph(last=p.position == "last")
        if edge is None:
            return
        m = self._match(doc, edge)
        if m is None:
            return
        start, end = edge
        # chatter and article text can share a paragraph: take only the chatter's sentences, from
        # the one holding the match to the end of the paragraph (last) or of that sentence (first)
        text = doc.text
        starts = [x.end() for x in _SENTENCE_END.finditer(text, start, m.start())]
        line_start = text.rfind("\n", start, m.start()) + 1
        start = max([start, line_start, *starts])
        while start < end and text[start].isspace():
            start += 1
        if p.position == "first":
            stop = _SENTENCE_END.search(text, max(start, m.end() - 1), end)
            end = stop.end() if stop else end
        yield self.span(doc, start, end)

    def _match(self, doc: Document, edge: tuple[int, int]) -> regex.Match[str] | None:
        start, end = edge
        if end - start > self.params.max_chars:
            return None
        return self.regex.search(doc.text, start, end, timeout=self.timeout)
