"""``ad_sentence``: whole sentences of ad copy injected into prose (pharma, casino, essay mills…).

English spam arrives as a sentence or a few short ones: ``Order <drug> online, no prescription:
<shop>.com``. One Aho-Corasick pass finds ad vocabulary (by category) and a literal-anchored
scan finds links; only sentences holding one of them are looked at. Around such a seed, the
neighbouring sentences of the same line that carry evidence too (an ad term, a link, a price, a
call to action, a messaging app) form one *ad unit*, scored on its combined evidence: the first
ad term, each further distinct term, a link drop, a price, a call to action, urgency, a contact
channel, an exclamation, second-person address. A unit at the threshold is removed whole.

Off-topic is the strongest tell of an injection: an ad term the article also uses outside the
unit (a casino story that says "casino" ten times) counts for little. A news sentence *about* a
casino or a drug carries one term and no selling, so it stays below the threshold; a long one that
names the site it reports on (``its tie to Stake.com, an online casino, …``) sells nothing either (no
price, call to action, urgency, contact, ``you`` or ``!``), and counts half. Deal posts (prices, "shop
now") are the likeliest false positives; a unit that names the page's own site (its ``url`` known) is the
page's own selling, not an injection.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import regex

from ..analysis import Analysis
from ..budget import checked
from ..document import Document
from ..lexicon import CJK, Hit, Lexicon
from ..registry import register
from ..rules import Rule
from ..spans import Span
from .base import Detector, read_word_list
from .common import LinkFinder, load_lexicon, nearest_nonspace, page_host, site_name

# a sentence ends at .!? (and closing quotes) before white space or glued to a capitalised word
# ("…growing.Buy cheap…"), at a colon before a capital, or at a CJK full stop
_END = regex.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|[A-Z][a-z])|:(?=[ \t]+[A-Z])|[。！？]+[”」]?")
# a price, not a reported sum: `£105m`, `$2 billion` are what news reports (a jackpot, a budget), ads sell at `£9.99`
_PRICE = regex.compile(r"[$€£]\s?\d(?![\d,.]*\s?(?:m|bn|million|billion|trillion)\b)"
                       r"|\d+\s?(?:%|percent)\s?off\b|\bonly\s[$€£]|\d+(?:\.\d+)?\s?(?:usd|dollars)\b",
                       regex.IGNORECASE)
_YOU = regex.compile(r"\byou(?:r|'ll|’ll)?\b", regex.IGNORECASE)
_FEATURES = ("link", "price", "cta", "urgency", "contact", "exclaim", "you")
_NEIGHBOURLY = ("link", "cta", "contact")  # evidence that lets a neighbour sentence join a unit
_SELLING = frozenset(_FEATURES) - {"link"}  # what ad copy does to a reader (a link is named, not sold)


@dataclass(frozen=True)
class AdSentenceParams:
    lexicon: dict[str, str] = field(default_factory=dict)  # ad category -> sidecar word list
    cta: str = ""  # sidecar lists: calls to action, urgency phrases, contact channels, TLDs
    urgency: str = ""
    contact: str = ""
    tlds: str = ""
    weights: dict[str, float] = field(default_factory=lambda: {
        "term": 0.45, "more_terms": 0.15, "link": 0.35, "price": 0.2, "cta": 0.2, "urgency": 0.15,
        "contact": 0.3, "exclaim": 0.1, "you": 0.1})
    on_topic: float = 0.3  # factor for an ad term the article also uses outside the unit
    max_more_terms: int = 3
    threshold: float = 0.8
    max_chars: int = 400  # a unit longer than this is prose, not ad copy
    max_neighbour_chars: int = 160  # a longer neighbouring sentence is prose and never joins a unit
    # a unit of this many words that sells nothing (no price, call to action, urgency, contact, "you" or
    # "!") reports on its terms and names: "its tie to Stake.com (an online casino) keeps sponsors away"
    report_words: int = 20
    report_factor: float = 0.5  # factor for such a unit's score

    def check(self) -> tuple[str, str] | None:
        missing = {"term", "more_terms", *_FEATURES} - set(self.weights)
        if missing:
            return "weights", "give weights for " + ", ".join(sorted(missing))
        return None


@dataclass
class _Evidence:
    terms: set[str] = field(default_factory=set)
    features: set[str] = field(default_factory=set)

    def add(self, other: _Evidence) -> None:
        self.terms |= other.terms
        self.features |= other.features

    @property
    def neighbourly(self) -> bool:
        return bool(self.terms) or any(f in self.features for f in _NEIGHBOURLY)


@register
class AdSentenceDetector(Detector):
    name = "ad_sentence"
    Params = AdSentenceParams

    def __init__(self, rule: Rule, timeout: float | None = None) -> None:
        super().__init__(rule, timeout)
        p: AdSentenceParams = self.params
        self.ads = load_lexicon(rule, "lexicon", p.lexicon)
        self.style = Lexicon.from_lists({key: read_word_list(rule, name, key)
                                         for key, name in (("cta", p.cta), ("urgency", p.urgency),
                                                           ("contact", p.contact)) if name})
        self.links = LinkFinder.shared(read_word_list(rule, p.tlds, "tlds")) if p.tlds else None

    def detect(self, doc: Document, analysis: Analysis) -> Iterator[Span]:
        if analysis.script == "None":  # ad copy in English is spam in an article of any script
            return
        page = self.page(doc, analysis)
        if page is None:
            return
        done = -1
        own = site_name(page_host(str(doc.metadata.get("url") or "")))
        for pos in checked(sorted({h.start for h in page.hits} | {s for s, _ in page.links})):
            if pos < done:
                continue
            start, end, ev = self._unit(page, pos)
            score = self._score(page, ev, start, end)
            threshold = self.params.threshold
            if score >= threshold and end - start <= self.params.max_chars:
                if own and regex.search(rf"\b{regex.escape(own)}\b", doc.text[start:end], regex.IGNORECASE):
                    continue  # the page's own selling, naming its own site ("Risk-free shopping with <site>")
                done = end  # confidence: 0.6 at the threshold, 1.0 at twice the evidence
                yield self.span(doc, start, end, score=0.6 + 0.4 * min(1.0, (score - threshold) / threshold),
                                detail={"terms": sorted(ev.terms), "features": sorted(ev.features)})

    def page(self, doc: Document, analysis: Analysis) -> _Page | None:
        """What ``detect`` knows about the document: its ad-term hits and links (None: it has neither)."""
        hits = list(self.ads.find(doc.text, analysis.folded))
        links = self.links.in_document(analysis, self.timeout) if self.links else []
        if not hits and not links:
            return None
        positions: dict[str, list[int]] = {}
        for h in hits:
            positions.setdefault(h.term, []).append(h.start)
        return _Page(doc.text, analysis, links, Counter(h.term for h in hits), positions,
                     sorted(hits, key=lambda h: h.start), _Ends(doc.text), _sentence_links(doc.text, links))

    # -- sentences and units -----------------------------------------------------------------
    def _sentence(self, page: _Page, line: tuple[int, int], pos: int) -> tuple[int, int]:
        """The sentence around ``pos`` within ``line``; a link followed by a capitalised word
        ends a sentence too (``… at shop-now.net The mayor said``)."""
        text = page.text
        line_start, line_end = line
        start = page.ends.last_before(line_start, pos)
        end = page.ends.first_after(pos, line_end)
        end = line_end if end is None else end
        # "… at shop.net The mayor", "…pills.netShanghai", "… pills.net 与会代表": the last such link
        # that ends after the sentence's start and by pos, and the first that starts at pos or after
        ends = page.sentence_links.ends
        i = bisect.bisect_right(ends, pos) - 1
        if i >= 0 and ends[i] > start:
            start = ends[i]
        j = bisect.bisect_left(page.sentence_links.starts, pos)
        if j < len(ends) and ends[j] < end:
            end = ends[j]
        while start < end and text[start].isspace():
            start += 1
        return start, end

    def _unit(self, page: _Page, pos: int) -> tuple[int, int, _Evidence]:
        """The seed's sentence plus the short neighbours on its line that carry ad evidence. One
        longer than ``max_chars`` is never ad copy: it is returned as soon as it is, without evidence
        (looking further would cost each seed of a long line the whole line). Seeds of one sentence
        share their unit, and a sentence's evidence is found once per document, as is whether it
        joins as a neighbour (``page.memo``): on a line of ad copy each sentence is a neighbour of a
        dozen units."""
        line = page.analysis.line_at(pos)
        start, end = self._sentence(page, line, pos)
        unit: tuple[int, int, _Evidence] | None = page.memo.get(("unit", start, end))
        if unit is None:
            unit = page.memo["unit", start, end] = self._grow(page, line, start, end)
        return unit

    def _grow(self, page: _Page, line: tuple[int, int], start: int, end: int) -> tuple[int, int, _Evidence]:
        if end - start > self.params.max_chars:
            return start, end, _Evidence()
        ev = self._evidence(page, start, end)
        while start > line[0] and end - start <= self.params.max_chars:
            s, more = self._neighbour(page, line, start, -1)
            if more is None:
                break
            ev.add(more)
            start = s
        while end < line[1] and end - start <= self.params.max_chars:
            e, more = self._neighbour(page, line, end, 1)
            if more is None:
                break
            ev.add(more)
            end = e
        return start, end, ev

    def _neighbour(self, page: _Page, line: tuple[int, int], edge: int, step: int) -> tuple[int, _Evidence | None]:
        """The sentence before a unit that starts at ``edge`` (``step`` -1) or after one that ends
        there (1): its far end, and the evidence it adds when it joins (None: it does not)."""
        key = ("next" if step > 0 else "previous", edge, 0)
        if key not in page.memo:
            text = page.text
            if step < 0:
                e = _skip(text, edge, -1)  # end of the previous sentence
                s, _ = self._sentence(page, line, max(line[0], e - 1))
            else:
                s = _skip(text, edge, 1)  # start of the next sentence
                _, e = self._sentence(page, line, s)
            if ("joins", s, e) not in page.memo:  # the same sentence follows one unit and precedes another
                ev = _Evidence()
                page.memo["joins", s, e] = ev if self._joins(page, s, e, ev) else None
            page.memo[key] = (s if step < 0 else e, page.memo["joins", s, e])
        found: tuple[int, _Evidence | None] = page.memo[key]
        return found

    def _joins(self, page: _Page, start: int, end: int, ev: _Evidence) -> bool:
        """A neighbouring sentence joins the unit (adding its evidence) when it is short ad copy
        with evidence of its own that is not the article's topic, or a short hook (``Lonely?``)."""
        if end <= start or end - start > self.params.max_neighbour_chars:
            return False
        sent = page.text[start:end]
        more = self._evidence(page, start, end)
        words = len(sent.split())
        if sent.rstrip()[-1:] in "?!" and (words <= 3 or (words <= 8 and more.features - {"you", "exclaim"})):
            ev.add(more)  # a hook: "Lonely?", "Win up to $5,000 tonight!"
            return True
        more.terms = {t for t in more.terms if page.doc_terms[t] <= sent.lower().count(t)}
        if more.neighbourly:
            ev.add(more)
            return True
        return False

    def _on_topic(self, page: _Page, term: str, start: int, end: int) -> bool:
        """Does the article use ``term`` in its own prose, outside this unit? (A sentence with a link
        in it does not count: the same ad pasted twice is still off-topic.) Where the term stands in
        such prose is worked out once per document and term."""
        if term not in page.prose_positions:
            positions = page.term_positions.get(term, [])
            if page.links:
                positions = [pos for pos in positions
                             if not page.links_in(*self._sentence(page, page.analysis.line_at(pos), pos))]
            page.prose_positions[term] = positions  # without links in the document every sentence is prose
        prose = page.prose_positions[term]
        return bool(prose) and (prose[0] < start or prose[-1] >= end)

    # -- evidence ----------------------------------------------------------------------------
    def _evidence(self, page: _Page, start: int, end: int) -> _Evidence:
        """What the sentence ``[start, end)`` holds (a copy: callers grow it), found once per document."""
        ev: _Evidence | None = page.memo.get(("evidence", start, end))
        if ev is None:
            ev = page.memo["evidence", start, end] = self._look(page, start, end)
        return _Evidence(set(ev.terms), set(ev.features))

    def _look(self, page: _Page, start: int, end: int) -> _Evidence:
        sent = page.text[start:end]
        # style words (calls to action, urgency…) only count inside a candidate: scan just that part
        style = self.style.find(page.text, page.analysis.folded, start, end)
        ev = _Evidence({h.term for h in _within(page.hits, start, end)}, {h.category for h in style})
        if page.links_in(start, end):
            ev.features.add("link")
        if _PRICE.search(sent):
            ev.features.add("price")
        if "!" in sent:
            ev.features.add("exclaim")
        if _YOU.search(sent):
            ev.features.add("you")
        return ev

    def _score(self, page: _Page, ev: _Evidence, start: int, end: int) -> float:
        p: AdSentenceParams = self.params
        w = p.weights
        if not ev.terms and "link" not in ev.features:
            return 0.0
        values = sorted((p.on_topic if self._on_topic(page, t, start, end) else 1.0) for t in ev.terms)[::-1]
        score = w["term"] * values[0] if values else 0.0
        score += w["more_terms"] * sum(values[1:1 + p.max_more_terms])
        score += sum(w[f] for f in ev.features)
        if ev.features.isdisjoint(_SELLING) and len(page.text[start:end].split()) >= p.report_words:
            score *= p.report_factor
        return score


@dataclass(frozen=True)
class _Page:
    """What one ``detect`` call knows about its document (kept off the detector: thread-safe)."""

    text: str
    analysis: Analysis
    links: list[tuple[int, int]]
    doc_terms: Counter[str]
    term_positions: dict[str, list[int]]
    hits: list[Hit]  # the document's ad-term hits, by start: a sentence takes its share
    ends: _Ends  # where sentences end
    sentence_links: _Ranges  # the links that end a sentence
    prose_positions: dict[str, list[int]] = field(default_factory=dict)  # see _on_topic
    memo: dict[tuple[str, int, int], Any] = field(default_factory=dict)  # see _unit

    def links_in(self, start: int, end: int) -> list[tuple[int, int]]:
        return LinkFinder.between(self.links, start, end)


@dataclass(frozen=True)
class _Ranges:
    starts: list[int]
    ends: list[int]


def _sentence_links(text: str, links: list[tuple[int, int]]) -> _Ranges:
    """The links followed by a capitalised word or by CJK text, which end a sentence."""
    ending = [(s, e) for s, e in links if _capital_after(text, e) or text[e:e + 1].isupper() or _cjk_after(text, e)]
    return _Ranges([s for s, _ in ending], [e for _, e in ending])


class _Ends:
    """The matches of ``_END`` in a document, found by one scan, answering what a scan of one line
    up to a position (``_END.finditer(text, line_start, pos)``) or from it (``_END.search(text, pos,
    line_end)``) finds, without scanning the line again for each question.

    Such a scan stops at its end position, so a match whose look-ahead needs the character at or past
    it is not found there (``growing.Buy`` up to ``B``): ``reads[i]`` is the last character match ``i``
    looks at, and the regex itself decides for the one match a question's end cuts into. Outside the
    matches no position starts one, whatever the scan's bounds (they only ever take matches away)."""

    def __init__(self, text: str) -> None:
        self.text = text
        found = list(_END.finditer(text))
        self.starts = [m.start() for m in found]
        self.ends = [m.end() for m in found]
        self.reads = [_last_read(text, m) for m in found]  # in order, as the matches are

    def last_before(self, line_start: int, pos: int) -> int:
        """The end of the last match of ``_END.finditer(text, line_start, pos)``, or ``line_start``."""
        j = bisect.bisect_left(self.reads, pos) - 1  # the last match read whole before pos
        last = self.ends[j] if j >= 0 and self.starts[j] >= line_start else line_start
        if j + 1 < len(self.starts) and max(self.starts[j + 1], line_start) < pos:  # one pos cuts into
            for m in _END.finditer(self.text, max(self.starts[j + 1], line_start), pos):
                last = m.end()
        return last

    def first_after(self, pos: int, line_end: int) -> int | None:
        """The end of ``_END.search(text, pos, line_end)``, or None."""
        k = bisect.bisect_right(self.ends, pos)  # the first match that ends after pos
        if k < len(self.starts) and self.starts[k] < pos:  # pos inside it: its rest may match from pos
            m = _END.match(self.text, pos, line_end)
            if m:
                return int(m.end())
            k += 1
        if k < len(self.starts) and self.starts[k] < line_end:
            m = _END.match(self.text, self.starts[k], line_end)  # fails only when it reads past line_end
            return None if m is None else int(m.end())
        return None


def _last_read(text: str, m: regex.Match[str]) -> int:
    """The last character the match's look-ahead reads (an upper bound: past it no scan's end can
    change this match)."""
    end: int = m.end()
    if text[m.start()] == ":":  # ":(?=[ \t]+[A-Z])": the spaces and the capital
        while end < len(text) and text[end] in " \t":
            end += 1
        return end
    return end + 1


def _capital_after(text: str, i: int) -> bool:
    """After white space, a capital letter (possibly behind an opening quote) starts a sentence."""
    j = i
    while j < len(text) and text[j] in " \t":
        j += 1
    if j == i:
        return False
    if j < len(text) and text[j] in "\"“‘'(":
        j += 1
    return j < len(text) and text[j].isupper()


def _within(hits: list[Hit], start: int, end: int) -> list[Hit]:
    i = bisect.bisect_left(hits, start, key=lambda h: h.start)
    out = []
    while i < len(hits) and hits[i].start < end:
        if hits[i].end <= end:
            out.append(hits[i])
        i += 1
    return out


def _cjk_after(text: str, i: int) -> bool:
    _, ch = nearest_nonspace(text, i, 1)
    return bool(ch) and CJK.match(ch) is not None


def _skip(text: str, i: int, step: int) -> int:
    """Move over white space: forward from ``i``, or backward from just before ``i``."""
    if step > 0:
        while i < len(text) and text[i].isspace():
            i += 1
        return i
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return i


