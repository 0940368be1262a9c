"""Term lists matched in one pass (Aho-Corasick), with variant folding for Chinese ad strings.

A :class:`Lexicon` maps terms to a category and finds them in text:

* Latin-script terms match case-insensitively on word boundaries (``bet`` does not hit ``better``);
  multi-word terms match across single spaces.
* Chinese terms also match in their traditional forms (OpenCC ``s2t``/``s2hk``/``s2tw`` applied to
  the term list, so the text never has to be converted) and in full-width or separated spellings
  (``上.门.服.务``, ``ＫＴＶ``): :func:`fold` makes an NFKC, lower-cased copy of the text without
  separators between CJK characters, with a map back to the original offsets.

ahocorasick_rs does the scan: one pass of a compiled DFA for hundreds of terms (~185 MB/s here on
the folded corpus, pyahocorasick's trie ~40 MB/s, a regex alternation of 40 words 19 MB/s).

>>> lex = Lexicon({"casino": "gambling", "会所": "venue"})
>>> [(m.start, m.end, m.category) for m in lex.find("Best CASINO bonus 新会所!")]
[(5, 11, 'gambling'), (19, 21, 'venue')]
"""

from __future__ import annotations

import bisect
import functools
import importlib.metadata
import operator
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import ahocorasick_rs
import regex

from . import cache

CJK_LETTERS = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}"  # one definition, shared
_SEPARATED = regex.compile(rf"(?<=[{CJK_LETTERS}])[\s·•.\-_*|/\\~,，。、]+(?=[{CJK_LETTERS}])")
_WORDCHAR = regex.compile(r"[\p{L}\p{N}]")
CJK = regex.compile(rf"[{CJK_LETTERS}]")
_NON_ASCII = regex.compile(r"[^\x00-\x7f]+")
_SURROGATE = regex.compile(r"[\ud800-\udfff]")
_BY_END = operator.itemgetter(2, 1)  # an automaton's (term, start, end): by end, then the longest first


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    term: str
    category: str


@functools.cache
def _converters() -> tuple[object, ...]:
    import opencc

    return tuple(opencc.OpenCC(c) for c in ("s2t", "s2hk", "s2tw"))


class _Traditional:
    """Traditional-script spellings of Chinese terms, kept in the user cache per OpenCC version:
    loading OpenCC's three dictionaries takes 0.06 s, more than building the rest of the pipeline,
    and the terms change only when the rules do."""

    def __init__(self) -> None:
        self.known: dict[str, list[str]] | None = None
        self.added = False

    def name(self) -> str:
        return f"variants-opencc{importlib.metadata.version('OpenCC')}.json"

    def of(self, base: str) -> list[str]:
        if self.known is None:
            stored = cache.read_json(self.name())
            ok = isinstance(stored, dict) and all(
                isinstance(v, list) and all(isinstance(x, str) for x in v) for v in stored.values())
            self.known = stored if ok else {}
        if base not in self.known:
            self.known[base] = sorted({c.convert(base) for c in _converters()})  # type: ignore[attr-defined]
            self.added = True
        return self.known[base]

    def save(self) -> None:
        if self.added and self.known is not None:
            cache.write_json(self.name(), self.known)
            self.added = False


_TRADITIONAL = _Traditional()


def variants(term: str) -> set[str]:
    """The term, lower-cased and NFKC-folded, plus its traditional-script spellings."""
    base = unicodedata.normalize("NFKC", term).lower()
    out = {base}
    if CJK.search(base):
        out.update(_TRADITIONAL.of(base))
    return out


def fold(text: str, separators: bool = True, lower: str | None = None,
         chars: Iterable[str] | None = None) -> tuple[str, list[int] | None]:
    """``(folded text, map)``: lower case, NFKC where it maps one character to one (full-width
    ``ＫＴＶ`` → ``ktv``, ``Ａ`` → ``a``), separators between CJK characters dropped.

    ``map[i]`` is the original offset of folded character ``i``; ``None`` when every character
    kept its place, the common case. A character whose NFKC form is longer (``…``, ``ﬁ``) is left as
    it is: no term holds one, and leaving it keeps the offsets aligned without a walk. ``lower``
    (``text.lower()``) and ``chars`` (the text's distinct characters), when the caller has them,
    save a pass each."""
    low = text.lower() if lower is None else lower
    if text.isascii():
        return low, None
    if len(low) == len(text):
        if chars is not None:
            table = width_table("".join(c for c in chars if c > "\x7f").lower())
        else:
            table = width_table("".join(_NON_ASCII.findall(low)))
        folded = low.translate(table) if table else low
        if not (separators and _SEPARATED.search(folded)):
            return folded, None
        # drop the separators, keeping the map: slices and ranges, not a walk over every character
        pieces: list[str] = []
        kept: list[int] = []
        pos = 0
        for m in _SEPARATED.finditer(text):
            pieces.append(folded[pos:m.start()])
            kept.extend(range(pos, m.start()))
            pos = m.end()
        pieces.append(folded[pos:])
        kept.extend(range(pos, len(text) + 1))
        return "".join(pieces), kept
    # a letter whose lower case is longer (İ): fold character by character
    seps = {i for m in _SEPARATED.finditer(text) for i in range(m.start(), m.end())} if separators else set()
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if i in seps:
            continue
        for c in _fold_char(ch):
            out.append(c)
            where.append(i)
    where.append(len(text))
    return "".join(out), where


def _fold_char(ch: str) -> str:
    low = ch.lower()
    n = unicodedata.normalize("NFKC", low)
    return n if len(n) == 1 else low


def width_table(chars: str) -> dict[int, str]:
    """``str.translate`` table of the one-to-one NFKC foldings among ``chars`` (lower case)."""
    table = {}
    for c in set(chars):
        n = _width(c)
        if n is not None:
            table[ord(c)] = n
    return table


@functools.lru_cache(maxsize=1 << 16)
def _width(c: str) -> str | None:
    """The character's NFKC form where that is another single character (a finding's fold asks
    again for the characters of the last one: normalising each costs more than the look-up)."""
    n = unicodedata.normalize("NFKC", c)
    return n if n != c and len(n) == 1 else None


class Terms:
    """Distinct non-empty strings found in one pass of a compiled DFA (ahocorasick_rs: ~4x
    pyahocorasick's trie on the folded corpus): every occurrence, overlapping ones too.

    >>> Terms(["sex", "sexy", "xy"]).matches("a sexy b")
    [(0, 2, 5), (1, 2, 6), (2, 4, 6)]
    """

    def __init__(self, words: Iterable[str]) -> None:
        self.words = tuple(dict.fromkeys(w for w in words if w))
        self._auto = ahocorasick_rs.AhoCorasick(self.words, matchkind=ahocorasick_rs.MATCHKIND_STANDARD,
                                                implementation=ahocorasick_rs.Implementation.DFA) \
            if self.words else None
        # what stands for a lone surrogate (which no word holds and UTF-8 cannot carry): a character of
        # no word, so that the matches and their offsets stay those of the text itself
        held = set().union(*self.words)
        self._filler = next(c for c in "\x00\ufffd\uffff" + "".join(map(chr, range(1, 32))) if c not in held)

    def __reduce__(self) -> tuple[type[Terms], tuple[tuple[str, ...]]]:
        return Terms, (self.words,)  # the compiled automaton does not pickle: built again from the words

    def matches(self, text: str) -> list[tuple[int, int, int]]:
        """``(index of the word, start, end)`` of every occurrence in ``text``, in order of the end
        and at one end the longest first (as a trie's output links give them)."""
        if self._auto is None:
            return []
        try:
            found = self._auto.find_matches_as_indexes(text, overlapping=True)
        except UnicodeEncodeError:  # a lone surrogate
            found = self._auto.find_matches_as_indexes(_SURROGATE.sub(self._filler, text), overlapping=True)
        return sorted(found, key=_BY_END)


class Lexicon:
    """Terms → categories, found in one pass; build once, share freely (read-only)."""

    def __init__(self, terms: Mapping[str, str]) -> None:
        self.size = len(terms)
        self._cjk = any(CJK.search(t) for t in terms)
        entries: dict[str, tuple[str, str, bool]] = {}  # variant -> (variant, category, latin); the last wins
        for term, category in terms.items():
            for v in variants(term):
                entries[v] = (v, category, not CJK.search(v))
        _TRADITIONAL.save()
        self._terms = Terms(entries)
        self._values = [entries[v] for v in self._terms.words]
        self._empty = not self._values

    def _scan(self, text: str) -> Iterator[tuple[int, tuple[str, str, bool]]]:
        """``(last, (term, category, latin))`` of every occurrence, overlapping ones too, in order of
        the end offset and at one end the longest first (as a trie's output links give them)."""
        values = self._values
        for i, _first, end in self._terms.matches(text):
            yield end - 1, values[i]

    @classmethod
    def from_lists(cls, lists: Mapping[str, Iterable[str]]) -> Lexicon:
        """``{category: terms}`` → Lexicon (a term in two lists keeps the later category)."""
        return cls({t: cat for cat, terms in lists.items() for t in terms})

    def find(self, text: str, folded: tuple[str, list[int] | None] | None = None,
             start: int = 0, end: int | None = None) -> Iterator[Hit]:
        """Every term occurrence (overlapping ones too) inside ``text[start:end]``, in order of end
        position; only that part is scanned (its folded counterpart, when folding moved offsets)."""
        if self._empty:
            return
        ftext, where = folded or fold(text, separators=self._cjk)
        stop = len(text) if end is None else end
        fs, fe = (start, stop) if where is None else (bisect.bisect_left(where, start), bisect.bisect_left(where, stop))
        # the scan encodes the whole string it is handed, whatever range it is told to scan: hand
        # it only the range (a search per sentence of a long document cost the document each time)
        piece = ftext if fs == 0 and fe >= len(ftext) else ftext[fs:fe]
        for last, (term, category, latin) in self._scan(piece):
            last += fs
            first = last - len(term) + 1
            if latin and not _bounded(ftext, first, last + 1):
                continue
            hit = Hit(first, last + 1, term, category) if where is None else \
                Hit(where[first], where[last] + 1, term, category)
            if start <= hit.start and hit.end <= stop:
                yield hit

    def categories(self, text: str) -> set[str]:
        """``{h.category for h in self.find(text)}``, with a hit of a category already found skipped
        before its word-boundary test: a segment that repeats ad terms (tens of thousands of hits on
        a long line) costs the automaton's pass, not a check and a :class:`Hit` per hit."""
        if self._empty:
            return set()
        ftext = fold(text, separators=self._cjk)[0]
        out: set[str] = set()
        for last, (term, category, latin) in self._scan(ftext):
            if category in out:
                continue
            first = last - len(term) + 1
            if not latin or _bounded(ftext, first, last + 1):
                out.add(category)
        return out


def _bounded(text: str, start: int, end: int) -> bool:
    """A Latin term must not continue a longer word on either side (CJK neighbours are fine)."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    for ch, edge in ((before, text[start]), (after, text[end - 1])):
        if ch and _WORDCHAR.match(ch) and _WORDCHAR.match(edge) and not CJK.match(ch):
            return False
    return True
