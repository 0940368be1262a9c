"""``ligature``: Latin ligatures and legacy digraph characters taken apart, as ftfy does
(``signiﬁcant`` → ``significant``, ``ŉ`` → ``ʼn``, ``ǌ`` → ``nj``).

A PDF or a typesetting system leaves ``ﬁ``/``ﬂ`` in copied text, where they break search, word
counts and spelling (``signiﬁcant`` is no English word to a lexicon); the Croatian and Afrikaans
single-character digraphs are compatibility characters that Unicode advises against. The rule lists
the characters (``characters``, ftfy's ``fix_latin_ligatures`` table: a test checks they match) so a
document without any costs one set intersection; ftfy's own function makes the replacement.
Ligatures of other scripts, and ``æ``/``œ``, are letters in their own right and never touched; a
ligature between quotes is named, not used (a text about Unicode), and stays too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex

from ..analysis import Analysis
from ..document import Document
from ..registry import register
from ..spans import Span
from .base import Detector

QUOTES = frozenset("'\"‘’“”«»‹›`")


@dataclass(frozen=True)
class LigatureParams:
    characters: str = ""  # the characters to take apart

    def check(self) -> tuple[str, str] | None:
        return ("characters", "the ligature characters to take apart") if not self.characters else None


@register
class LigatureDetector(Detector):
    name = "ligature"
    Params = LigatureParams

    def detect(self, doc: Document, analysis: Analysis) -> Iterator[Span]:
        present = analysis.chars.intersection(self.params.characters)
        if not present:
            return
        from ftfy.fixes import fix_latin_ligatures

        text = doc.text
        for m in regex.finditer(f"[{''.join(sorted(present))}]+", text):
            if text[m.start() - 1:m.start()] in QUOTES and text[m.end():m.end() + 1] in QUOTES:
                continue  # the character named, not used: 'ﬃ' U+FB03 in a text about ligatures
            yield self.span(doc, m.start(), m.end(), replacement=fix_latin_ligatures(m.group()))
