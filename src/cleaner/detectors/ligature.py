"""``ligature``: Latin ligatures and legacy digraph characters taken apart, as ftfy does
(``signiﬁcant`` → ``significant``, ``ŉ`` → ``ʼn``, ``ǌ`` → ``nj``).

A PDF or a typesetting system leaves ``ﬁ``/``ﬂ`` in copied text, where they break search, word
counts and spelling (``signiﬁcant`` is no English word to a lexicon); the Croatian and Afrikaans
single-character digraphs are compatibility characters that Unicode advises against. The rule lists
the characters (``characters``, ftfy's ``fix_latin_ligatures`` table: a test checks they match) so a
document without any costs one set intersection; ftfy's own function makes the replacement.
Ligatures of other scripts, and ``æ``/``œ``, are letters in their own right and never touched.

A text about the characters themselves keeps them: a ligature between quotes is named, not used;
inside code (between backticks, or an HTML page's ``<code>``/``<pre>`` element, which the reader lists
in ``metadata["code"]``) it is a literal of the program; and on a line that talks about
ligatures (the word, a ``U+FB0x`` code point, or a ligature standing alone as a character of its own,
``— ﬃ matches "FFI"``) every ligature of the line is the example, not a typesetting accident.
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
from .common import CodeRegions

QUOTES = frozenset("'\"‘’“”«»‹›`")
# a line about the characters: the word (en, fr/es/pt/it, de, nl), a code point of the block, an escape
_ABOUT = regex.compile(r"(?i)ligat(?:ure|ura|ur|uur)|\bU\+FB0[0-6]|\\u[fF][bB]0[0-6]")
# a typographic ligature standing alone, not inside a word (the digraph letters `ŉ`, `ǌ` are words or letters)
_ALONE = regex.compile(r"(?<!\p{L})[\uFB00-\uFB06]+(?!\p{L})")


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
        chars = f"[{''.join(sorted(present))}]"
        about: dict[int, bool] = {}  # line start -> whether the line is about the characters
        code = CodeRegions(doc)
        for m in regex.finditer(chars + "+", text):
            if code and code.inside(m.start(), m.end()):
                continue  # an HTML page's code element: a literal of the program
            if text[m.start() - 1:m.start()] in QUOTES and text[m.end():m.end() + 1] in QUOTES:
                continue  # the character named, not used: 'ﬃ' U+FB03 in a text about ligatures
            ls = text.rfind("\n", 0, m.start()) + 1
            le = text.find("\n", m.end())
            le = len(text) if le < 0 else le
            if text.count("`", ls, m.start()) % 2 and "`" in text[m.end():le]:
                continue  # inside inline code: a literal of the program
            if ls not in about:
                line = text[ls:le]
                about[ls] = bool(_ABOUT.search(line) or _ALONE.search(line))
            if about[ls]:
                continue  # a line about the characters: its ligatures are the examples
            yield self.span(doc, m.start(), m.end(), replacement=fix_latin_ligatures(m.group()))
