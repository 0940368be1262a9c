"""``contact_drop``: link drops and messenger handles left outside any sentence.

SEO spam often leaves only its address: ``abcd520.vip`` after the last sentence of a paragraph,
``www.site666.cn`` glued between two words, ``TG @handle`` or ``VX 13800138000`` at a paragraph
start. A phone number counts only behind the markers of Chinese ad strings (QQ, VX, 微信…):
reporters print ``Signal: 347-…`` and ``WhatsApp: +1 …`` tip lines. A link in prose
is part of a sentence (``reported by bloomberg.com on Tuesday``); a dropped one is glued to a word,
stands where no sentence holds it, follows a messenger marker, or has the look of a throwaway
domain (letters plus digits, a cheap TLD). Evidence adds up to a threshold.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import regex

from ..analysis import Analysis
from ..budget import checked
from ..document import Document
from ..lexicon import CJK
from ..registry import register
from ..rules import Rule
from ..spans import Span
from .base import Detector, read_word_list
from .common import LinkFinder, char_after, char_before, page_host, site_name

_HANDLE = regex.compile(r"(?<![\w@.])@[A-Za-z0-9_]{3,32}(?![\w@])")
PHONE = regex.compile(r"(?<![\w+])\+?\d[\d \-().]{6,16}\d(?!\w)")  # +86 138 0013 8000, 400-0592-666
_THROWAWAY = regex.compile(r"[a-z]{2,}[0-9]{2,}[a-z0-9]*", regex.IGNORECASE)  # abc888, bet365win
_TLD = regex.compile(r"\.([a-z]+)(?:/|$)")
_SPACED = regex.compile(r"[\p{Latin}\p{Cyrillic}\p{Greek}0-9]")
_SENTENCE_EDGE = ".!?:;\"'”’)]】）"


@dataclass(frozen=True)
class ContactDropParams:
    tlds: str = ""  # sidecar list of top-level domains
    cheap_tlds: tuple[str, ...] = ()  # TLDs favoured by throwaway spam domains
    markers: tuple[str, ...] = ()  # messenger names that introduce a handle ("TG", "WhatsApp")
    phone_markers: tuple[str, ...] = ()  # the few behind which a phone number is an ad, not a tip line
    weights: dict[str, float] = field(default_factory=lambda: {
        "glued": 0.6, "standalone": 0.5, "marker": 0.6, "throwaway": 0.3, "cheap_tld": 0.2,
        "throwaway_in_cjk": 0.3})
    threshold: float = 0.6

    def check(self) -> tuple[str, str] | None:
        if not self.tlds:
            return "tlds", "name the sidecar list of top-level domains"
        return None


@register
class ContactDropDetector(Detector):
    name = "contact_drop"
    Params = ContactDropParams

    def __init__(self, rule: Rule, timeout: float | None = None) -> None:
        super().__init__(rule, timeout)
        p: ContactDropParams = self.params
        self.links = LinkFinder.shared(read_word_list(rule, p.tlds, "tlds"))
        alt = "|".join(regex.escape(m) for m in sorted(p.markers, key=len, reverse=True))
        self.marker = regex.compile(rf"(?:^|(?<=[\s(（]))(?:{alt})[ \t]*[:：]?[ \t]*\Z", regex.IGNORECASE) \
            if alt else None
        self.marker_words = [m.lower() for m in p.markers]
        self.cheap = {t.lower() for t in p.cheap_tlds}
        alt = "|".join(regex.escape(m) for m in sorted(p.phone_markers, key=len, reverse=True))
        # Latin markers are looked for in the lower-case text; the others only if one of their
        # non-ASCII characters occurs at all (Analysis.chars holds those: one set test spares a scan
        # of the text per marker, and a marker that starts with a Latin letter, V信, still counts)
        self.latin_markers = [m.lower() for m in p.phone_markers if m.isascii()]
        self.other_markers = [m.lower() for m in p.phone_markers if not m.isascii()]
        self.other_chars = frozenset(c for m in self.other_markers for c in m + m.upper() if not c.isascii())
        self.phone_marker = regex.compile(rf"(?:{alt})[ \t]*[:：]?[ \t]*\Z", regex.IGNORECASE) if alt else None

    def detect(self, doc: Document, analysis: Analysis) -> Iterator[Span]:
        if analysis.script == "None":
            return
        text = doc.text
        found = [(s, e, "link") for s, e in self.links.in_document(analysis, self.timeout)]
        if analysis.has_any("@"):
            found += [(m.start(), m.end(), "handle") for m in _HANDLE.finditer(text, timeout=self.timeout)]
        # a phone number counts only behind an ad's messenger marker (most texts have none: skip the scan)
        if self.phone_marker is not None and self._marked(analysis):
            found += [(m.start(), m.end(), "phone") for m in PHONE.finditer(text, timeout=self.timeout)
                      if self.phone_marker.search(text, max(0, m.start() - 12), m.start())]
        # with many candidates, a marker is looked for before each only if the text holds one at all (a
        # search per marker word costs a typical article more than its few candidates; ſ is the one
        # letter the regex takes for another, s, that lower() keeps as it is)
        marker = self.marker
        if len(found) > 64 and not any(m in analysis.lower for m in self.marker_words) and "ſ" not in analysis.chars:
            marker = None
        for start, end, what in checked(sorted(found)):
            start = _split_glued_www(text, start, end)
            start, score, evidence = self._score(text, analysis, start, end, what, marker)
            if score >= self.params.threshold:
                yield self.span(doc, start, end, score=min(1.0, score), detail={"evidence": evidence})

    def _marked(self, analysis: Analysis) -> bool:
        """Does the text hold any phone marker (the regex decides where one stands before a number)?"""
        low = analysis.lower
        return (any(m in low for m in self.latin_markers)
                or (not analysis.chars.isdisjoint(self.other_chars) and any(m in low for m in self.other_markers)))

    def _score(self, text: str, analysis: Analysis, start: int, end: int, what: str,
               marker: regex.Pattern[str] | None) -> tuple[int, float, list[str]]:
        w = self.params.weights
        evidence = []
        line = analysis.line_at(start)
        if marker is not None:
            m = marker.search(text, max(line[0], start - 24), start)
            if m:
                start = m.start()  # on the same line
                evidence.append("marker")
        if _glued(text, start, end):
            evidence.append("glued")
        if _standalone(text, line, start, end):
            evidence.append("standalone")
        if what == "link":  # a throwaway name is the host's: a path's `/ab12345.jpg` is a file's name
            host = page_host(text[start:end])
            if _THROWAWAY.fullmatch(site_name(host)):  # abc888 of abc888.co.uk, not cdn11 of cdn11.shop.com
                evidence.append("throwaway")
                if _in_cjk_prose(text, start, end):
                    evidence.append("throwaway_in_cjk")  # 代表们www.abc888.com讨论: no sentence holds it
            tld = _TLD.search(host)
            if tld and tld.group(1) in self.cheap:
                evidence.append("cheap_tld")
        return start, sum(w.get(e, 0.0) for e in evidence), evidence


def _in_cjk_prose(text: str, start: int, end: int) -> bool:
    return start > 0 and end < len(text) and bool(CJK.match(text[start - 1])) and bool(CJK.match(text[end]))


def _glued(text: str, start: int, end: int) -> bool:
    """Touching a letter or digit of a spaced script (touching Chinese text is how Chinese is written)."""
    return (start > 0 and _SPACED.match(text, start - 1) is not None) or _SPACED.match(text, end) is not None


def _split_glued_www(text: str, start: int, end: int) -> int:
    """``willwww.site.cn`` → the link starts at ``www`` (looked for inside the finding only: a ``www.``
    after a handle once moved its start past its end, and the record's replay doubled the text)."""
    head = text[start:min(end, start + 40)].lower()
    cuts = [x for x in (head.find("www."), head.find("http")) if x > 0]
    return start + min(cuts) if cuts else start


def _standalone(text: str, line: tuple[int, int], start: int, end: int) -> bool:
    """No sentence holds it: line or sentence edge on both sides (``line``: the line it is on)."""
    line_start, line_end = line
    before, after = char_before(text, line_start, start), char_after(text, end, line_end)
    left_ok = not before or before in _SENTENCE_EDGE
    right_ok = not after or after.isupper() or after in "\"“"
    return left_ok and right_ok
