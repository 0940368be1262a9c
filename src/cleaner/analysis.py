"""Per-document facts several detectors need, computed once and only when first asked for."""

from __future__ import annotations

import bisect
import functools
from collections import Counter
from collections.abc import Callable, Hashable
from functools import cached_property
from itertools import accumulate
from typing import Any

from .document import Document
from .lang import guess_language, main_script, script_counts

_PLAIN = "".join(map(chr, range(0x20, 0x7F))) + "\t\n\r"  # printable ASCII: not in Analysis.chars
_PLAIN_BYTES = _PLAIN.encode()
BLANKED = ",.;:!?()\"“”‘[]-—–…"  # punctuation that clings to words, blanked before splitting into chunks


FOREIGN_SCRIPTS = {
    # main script of the document -> scripts whose runs are foreign in it
    "Latin": ("Han", "Kana", "Hangul", "Cyrillic", "Arabic", "Hebrew", "Thai", "Devanagari"),
    "Cyrillic": ("Han", "Kana", "Hangul"),
    "Korean": ("Han", "Kana"),
    "Japanese": ("Hangul",),
    "Chinese": ("Hangul",),
}


class Analysis:
    """Lazy, cached facts about ``doc.text``: scripts, language, lines, paragraphs.

    >>> a = Analysis(Document("One.\\n\\nTwo"))
    >>> a.script, a.lang, a.paragraphs
    ('Latin', 'en', [(0, 4), (6, 9)])
    """

    def __init__(self, doc: Document, lang: str | None = None) -> None:
        self.doc = doc
        self.text = doc.text
        self._lang = lang or doc.lang_hint
        self._memo: dict[Hashable, Any] = {}

    def memo(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """A result several detectors need (the links of the text, say), computed once per document."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @cached_property
    def utf8(self) -> bytes:
        return self.text.encode("utf-8", "surrogatepass")

    @cached_property
    def chars(self) -> frozenset[str]:
        """Every distinct character of the text outside printable ASCII (accented letters, other
        scripts, typographic punctuation, control and invisible characters): an O(1) "does it
        contain any of…" prefilter. Taken from the UTF-8 bytes with the printable ASCII ones deleted
        (one C pass), which costs a fraction of a set of every character."""
        return frozenset(self.utf8.translate(None, _PLAIN_BYTES).decode("utf-8", "surrogatepass"))

    def has_any(self, chars: str) -> bool:
        """Does the text hold any of ``chars``? (Printable ASCII ones by a substring search.)"""
        plain, rare = _split_plain(chars)
        return not self.chars.isdisjoint(rare) or any(c in self.text for c in plain)

    @cached_property
    def lower(self) -> str:
        """The text in lower case, offset for offset: ``İ``, the one character whose lower case is two
        (``i̇``), becomes ``i``, so that an offset in ``lower`` is the same offset in ``text``.

        >>> Analysis(Document("İzmir")).lower
        'izmir'
        """
        low = self.text.lower()
        return low if len(low) == len(self.text) else self.text.replace("\u0130", "i").lower()

    @cached_property
    def folded(self) -> tuple[str, list[int] | None]:
        """The text folded for Latin term lists (:func:`cleaner.lexicon.fold`, no separator
        dropping), shared by the rules that match word lists against the whole document."""
        from .lexicon import fold

        return fold(self.text, separators=False, lower=self.lower, chars=self.chars)

    @cached_property
    def chunks(self) -> frozenset[str]:
        """The distinct chunks of the text, case kept: split at white space once the punctuation
        that clings to words (``word,`` ``(word`` ``well-known``) is blanked and curly apostrophes
        are made straight. A few C-speed passes, shared by language guessing and typo detection."""
        text = self.text
        for ch in BLANKED:
            if ch in text:
                text = text.replace(ch, " ")
        if "’" in text:
            text = text.replace("’", "'")
        return frozenset(text.split())

    @cached_property
    def scripts(self) -> Counter[str]:
        return script_counts(self.text, self.chars, self.utf8)

    @cached_property
    def script(self) -> str:
        return main_script(self.scripts)

    @cached_property
    def lang_and_method(self) -> tuple[str, str]:
        if self._lang:
            return self._lang, "hint"
        return guess_language(self.text, self.scripts, lambda: self.chunks)

    @property
    def lang(self) -> str:
        return self.lang_and_method[0]

    @cached_property
    def line_starts(self) -> list[int]:
        return [0, *accumulate(len(line) + 1 for line in self.text.split("\n")[:-1])]

    def line_at(self, pos: int) -> tuple[int, int]:
        """``(start, end)`` of the line holding ``pos``; ``end`` excludes the line break."""
        starts = self.line_starts
        i = bisect.bisect_right(starts, pos) - 1
        start = starts[i]
        end = starts[i + 1] - 1 if i + 1 < len(starts) else len(self.text)
        if end > start and self.text[end - 1] == "\r":
            end -= 1
        return start, end

    @cached_property
    def paragraphs(self) -> list[tuple[int, int]]:
        """``(start, end)`` of each block of non-blank lines, whitespace trimmed."""
        out: list[tuple[int, int]] = []
        text = self.text
        start = None
        for ls in self.line_starts:
            le = text.find("\n", ls)
            le = len(text) if le < 0 else le
            blank = not text[ls:le].strip()
            if blank and start is not None:
                out.append((start, self._rstrip(ls)))
                start = None
            elif not blank and start is None:
                start = ls + (len(text[ls:le]) - len(text[ls:le].lstrip()))
        if start is not None:
            out.append((start, self._rstrip(len(text))))
        return out

    def _rstrip(self, end: int) -> int:
        while end > 0 and self.text[end - 1].isspace():
            end -= 1
        return end


@functools.lru_cache(maxsize=256)
def _split_plain(chars: str) -> tuple[str, frozenset[str]]:
    """``chars`` as (printable ASCII ones, the others): prefilters ask with a few constant strings."""
    return "".join(c for c in chars if c in _PLAIN), frozenset(c for c in chars if c not in _PLAIN)
