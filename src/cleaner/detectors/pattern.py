"""``pattern``: regular-expression matches (invisible characters, U+FFFD runs, known junk).

The simplest detector: every match of any pattern is a finding. Use lookarounds for context
(``\\u200d(?!\\p{Extended_Pictographic})`` keeps the joiner inside emoji sequences). With ``within``,
the candidates are the matches of that regex (say, every bracketed aside) and one is a finding when
any pattern matches inside it: cheaper and clearer than repeating the frame in every pattern.
With ``requires_words`` and ``reach``, the patterns are only tried from ``reach`` characters before
each occurrence of a required word to the end of its line: a pattern that opens with a lookbehind
(a sentence start) is tried at every position of the text otherwise, which costs ~30x more.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import takewhile

import regex

from ..analysis import Analysis
from ..budget import checked
from ..document import Document
from ..lexicon import Terms
from ..registry import register
from ..rules import Rule
from ..spans import Span
from .base import Detector, compile_patterns
from .common import MERGED_MAX, positions

MERGED_MATCHES = 256  # matches in one merged finding, at most
HSPACE = frozenset(" \t\u00a0\u3000")  # actions._HSPACE
C1 = regex.compile("[\x80-\x9f]")


@dataclass(frozen=True)
class PatternParams:
    patterns: tuple[str, ...] = ()
    ignore_case: bool = False
    replacement: str | None = None  # for action = "replace"; regex group references allowed (\\1)
    languages: tuple[str, ...] = ()  # only in these languages (empty: all)
    skip_languages: tuple[str, ...] = ()
    requires: str = ""  # characters of which the text must hold one for the patterns to run (a prefilter)
    requires_words: tuple[str, ...] = ()  # or: lower-case strings of which the text must hold one
    within: str = ""  # a regex for candidate regions; the patterns are then searched inside each
    reach: int = 0  # with requires_words: a match starts at most this many characters before one (0: anywhere)
    within_starts: str = ""  # the characters a `within` region starts with: tried only where they occur
    merge_gap: int = 0  # matches at most this many ASCII letters or digits apart make one finding (0: never)

    def check(self) -> tuple[str, str] | None:
        if not self.patterns:
            return "patterns", "give at least one regular expression"
        if self.reach < 0 or (self.reach and not self.requires_words):
            return "reach", "a number of characters >= 0, used with requires_words"
        if self.within_starts and not self.within:
            return "within_starts", "the first characters of the `within` regex; give `within` too"
        if self.merge_gap < 0:
            return "merge_gap", "a number of characters >= 0"
        return None


@register
class PatternDetector(Detector):
    name = "pattern"
    Params = PatternParams

    def __init__(self, rule: Rule, timeout: float | None = None) -> None:
        super().__init__(rule, timeout)
        p: PatternParams = self.params
        flags = regex.V1 | (regex.IGNORECASE if p.ignore_case else 0)
        self.regex = compile_patterns(rule, "patterns", p.patterns, flags)
        # the frame is structure (brackets), never case: compiled without IGNORECASE, which costs 4x
        self.within = compile_patterns(rule, "within", (p.within,), regex.V1) if p.within else None
        # with reach: the patterns tried at each of the `reach` + 1 positions up to a required word, in
        # one call (\K keeps the skipped characters out of the match, its groups are the patterns')
        self.near = regex.compile(rf"(?s:.{{0,{p.reach}}}?)\K(?:{self.regex.pattern})", flags) if p.reach else None
        # with merge_gap: a stretch of matches and the short gaps between them in one call (the gaps
        # captured), so that thousands of one-character matches cost the regex engine, not Python
        self.stretch = regex.compile(
            rf"(?:{self.regex.pattern})(?:(?P<gap_>[A-Za-z0-9]{{1,{p.merge_gap}}})(?:{self.regex.pattern}))"
            rf"{{0,{MERGED_MATCHES - 1}}}", flags) if p.merge_gap and p.replacement is None else None
        REQUIRED_WORDS.add(p.requires_words)

    def detect(self, doc: Document, analysis: Analysis) -> Iterator[Span]:
        p: PatternParams = self.params
        if p.requires and not analysis.has_any(p.requires):
            return
        if p.requires_words and not REQUIRED_WORDS.holds_any(analysis, p.requires_words):
            return
        if p.languages and analysis.lang not in p.languages:
            return
        if p.skip_languages and analysis.lang in p.skip_languages:
            return
        if p.reach and len(analysis.lower) == len(doc.text):  # else offsets in the lower case would not align
            yield from self._near_words(doc, analysis)
            return
        if self.within is not None:
            for m in self._regions(doc.text):
                if self.regex.search(m.group(), timeout=self.timeout):
                    yield self.span(doc, m.start(), m.end())
            return
        if self.stretch is not None:
            yield from self._stretches(doc)
            return
        matches = (m for m in checked(self.regex.finditer(doc.text, timeout=self.timeout)) if m.end() > m.start())
        if p.merge_gap:
            yield from self._merged(doc, matches)
            return
        for m in matches:
            yield self._match(doc, m)

    def _stretches(self, doc: Document) -> Iterator[Span]:
        """:meth:`_merged` for a rule without a replacement, a stretch at a time: one that meets
        every condition (between ASCII characters, no C1 control, not before a space, at most
        ``MERGED_MAX`` characters) is one finding at once, the others go match by match."""
        text = doc.text
        for m in checked(self.stretch.finditer(text, timeout=self.timeout)):  # type: ignore[union-attr]
            a, b = m.span()
            gaps = m.captures("gap_")
            if a == b:
                continue
            if not gaps:
                yield self._match(doc, m)
            elif b - a <= MERGED_MAX and _mergeable(text, a, b) and text[b:b + 1] not in HSPACE:
                yield self.span(doc, a, b, action="replace", replacement="".join(gaps),
                                detail={"merged": len(gaps) + 1})
            else:
                inside = takewhile(partial(_before, b), self.regex.finditer(text, a, timeout=self.timeout))
                yield from self._merged(doc, (x for x in inside if x.end() > x.start()))

    def _merged(self, doc: Document, matches: Iterator[regex.Match[str]]) -> Iterator[Span]:
        """With ``merge_gap``: matches that follow one another at most that many ASCII letters or
        digits apart (``a\x01b\x01c``), each between ASCII characters and holding no C1 control
        (so never part of mojibake, which the mojibake rule repairs whole and whose finding must be
        able to win over the match alone), make one finding: the stretch from the first to the
        last, replaced by what stands between them. Thousands of one-character edits cost the
        record, the review and every step after detection a span each; a stretch costs one. The
        cleaned text is the same: a match of such a rule holds no letter, so removing it alone
        repairs no white space either (see :mod:`cleaner.actions`)."""
        p: PatternParams = self.params
        text = doc.text
        run: list[regex.Match[str]] = []
        for m in matches:
            if not _mergeable(text, m.start(), m.end()):
                yield from self._stretch(doc, run)
                run = []
                yield self._match(doc, m)
                continue
            if run and (gap := text[run[-1].end():m.start()]) and len(gap) <= p.merge_gap and gap.isascii() \
                    and gap.isalnum() and m.end() - run[0].start() <= MERGED_MAX:
                run.append(m)
                continue
            yield from self._stretch(doc, run)
            run = [m]
        yield from self._stretch(doc, run)

    def _stretch(self, doc: Document, run: list[regex.Match[str]]) -> Iterator[Span]:
        if len(run) > 1 and doc.text[run[-1].end():run[-1].end() + 1] in HSPACE:
            # removed alone, the last match would take the spaces after it if they end the line
            yield from self._stretch(doc, run[:-1])
            run = run[-1:]
        if len(run) == 1:
            yield self._match(doc, run[0])
        elif run:
            p: PatternParams = self.params
            parts, pos = [], run[0].start()
            for m in run:
                parts += [doc.text[pos:m.start()], m.expand(p.replacement) if p.replacement is not None else ""]
                pos = m.end()
            yield self.span(doc, run[0].start(), run[-1].end(), action="replace", replacement="".join(parts),
                            detail={"merged": len(run)})

    def _match(self, doc: Document, m: regex.Match[str]) -> Span:
        """A pattern match as a finding, with the rule's replacement expanded (``\\1``…)."""
        p: PatternParams = self.params
        return self.span(doc, m.start(), m.end(),
                         replacement=m.expand(p.replacement) if p.replacement is not None else None)

    def _regions(self, text: str) -> Iterator[regex.Match[str]]:
        """The non-empty matches of ``within``, left to right, as ``finditer`` gives them; with
        ``within_starts`` the frame is only tried where one of those characters stands (a substring
        search each), which spares a test of every position of the text."""
        assert self.within is not None
        starts = self.params.within_starts
        if not starts:
            yield from (m for m in checked(self.within.finditer(text, timeout=self.timeout)) if m.end() > m.start())
            return
        done = 0
        for i in checked(positions(text, starts)):
            if i >= done and (m := self.within.match(text, i, timeout=self.timeout)) and m.end() > i:
                done = m.end()
                yield m

    def _near_words(self, doc: Document, analysis: Analysis) -> Iterator[Span]:
        """Matches that start within ``reach`` characters before a required word, once each. One
        anchored call per word tries just those positions (``self.near``): a search from there would
        go on to the end of the line, once per word, which is quadratic on a long line full of them."""
        p: PatternParams = self.params
        assert self.near is not None
        text = doc.text
        done = 0
        tried, tried_line = 0, -1  # positions before `tried` on line `tried_line` start no match
        for i in checked(REQUIRED_WORDS.positions(analysis, p.requires_words)):
            line_end = analysis.line_at(i)[1]
            pos = max(i - p.reach, done, tried if line_end == tried_line else 0)
            while pos <= i:
                m = self.near.match(text, pos, line_end, timeout=self.timeout)
                if m is None or m.start() > i:  # none starts in reach of this word
                    tried, tried_line = min(pos + p.reach + 1, line_end) if m is None else m.start(), line_end
                    break
                if m.end() == m.start():
                    pos = m.start() + 1
                    continue
                done = pos = m.end()
                yield self._match(doc, m)


class RequiredWords:
    """Every pattern rule's ``requires_words``, found in a document's lower case by one pass of one
    automaton (:class:`~cleaner.lexicon.Terms`) that all the rules share: a substring search per word
    and rule cost ~25 ms/MB on the corpus (chat_ui alone has 26 words). A rule adds its words when it
    is built; each document is scanned once per set of words (:meth:`Analysis.memo`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: tuple[int, Terms] = (0, Terms(()))

    def add(self, words: Iterable[str]) -> None:
        with self._lock:
            version, terms = self._state
            new = sorted({w for w in words if w} - set(terms.words))
            if new:
                self._state = (version + 1, Terms((*terms.words, *new)))

    def found(self, analysis: Analysis) -> dict[str, list[int]]:
        """``{word: every offset where it starts in analysis.lower}`` (overlapping ones too) for the
        words that occur."""
        version, terms = self._state
        found: dict[str, list[int]] = analysis.memo(("pattern.requires_words", version),
                                                    partial(_scan, terms, analysis.lower))
        return found

    def holds_any(self, analysis: Analysis, words: tuple[str, ...]) -> bool:
        """``any(w in analysis.lower for w in words)``."""
        found = self.found(analysis)
        return any(w in found or not w for w in words)

    def positions(self, analysis: Analysis, words: tuple[str, ...]) -> list[int]:
        """``common.positions(analysis.lower, words)``: where any of the words starts, in order."""
        if "" in words:
            return positions(analysis.lower, words)
        found = self.found(analysis)
        return sorted({i for w in set(words) for i in found.get(w, ())})


def _scan(terms: Terms, text: str) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, start, _end in terms.matches(text):
        out.setdefault(terms.words[i], []).append(start)
    return out


REQUIRED_WORDS = RequiredWords()


def _before(end: int, match: regex.Match[str]) -> bool:
    """Whether ``match`` starts before ``end`` (the merged run's matches, taken while they do)."""
    start: int = match.start()
    return start < end


def _mergeable(text: str, start: int, end: int) -> bool:
    """Between ASCII characters (or an end of the text), and no C1 control inside."""
    return (text[start - 1:start].isascii() and text[end:end + 1].isascii()
            and C1.search(text, start, end) is None)
