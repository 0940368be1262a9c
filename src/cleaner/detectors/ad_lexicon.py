"""``ad_lexicon``: same-script ad strings, found by their vocabulary (Chinese spam in Chinese prose).

Inside a Chinese (or Japanese) article an injected ``杭州足浴养生`` is written in the article's own
script, so script runs cannot find it; its words can. Lexicon hits that touch each other form a
*chain* (``郑州`` city + ``足浴`` ad term + ``养生`` suffix), which also takes in a glued contact
handle, number or domain (``温州夜蒲520``, ``南京约茶 njyc.fun``). A chain is spam when its weights
add up to the threshold and it holds decisive evidence: a strong ad term, a casino brand with a
suffix, a weak ad term next to a city or a contact, or a contact marker with a number. Sitting
alone on a line (or glued to a line edge) adds weight, as injected strings do and prose rarely does.

Trade-off: an article *about* gambling or the sex trade uses the same words; the threshold keeps
single mentions inside sentences below the line, but such articles are where to look for false
positives (add allow entries or negative examples).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import regex

from ..analysis import Analysis
from ..budget import checked
from ..document import Document
from ..lexicon import Hit, fold
from ..registry import register
from ..rules import Rule
from ..spans import Span
from .base import Detector
from .common import CONTACT_TAIL, char_after, char_before, load_lexicon

_SEPARATORS = regex.compile(r"[\s·.\-_:：]*")


@dataclass(frozen=True)
class AdLexiconParams:
    doc_scripts: tuple[str, ...] = ("Chinese", "Japanese")  # main scripts of documents checked
    lexicon: dict[str, str] = field(default_factory=dict)  # category -> sidecar word list
    weights: dict[str, float] = field(default_factory=dict)  # category -> weight
    tail_weight: float = 0.5  # an attached number, handle or domain
    edge_weight: float = 0.4  # the chain starts or ends a line
    threshold: float = 1.0
    min_terms: int = 3  # fewer distinct terms need a tail, a line of their own or two strong terms
    max_gap: int = 1  # separator characters allowed between two hits of one chain (a space, a dot)

    def check(self) -> tuple[str, str] | None:
        missing = set(self.lexicon) - set(self.weights)
        if missing:
            return "weights", f"give a weight for {', '.join(sorted(missing))}"
        needed = {"strong", "weak", "contact", "brand", "city", "glue"} - set(self.lexicon)
        if needed:
            return "lexicon", f"give word lists for {', '.join(sorted(needed))}"
        return None


@register
class AdLexiconDetector(Detector):
    name = "ad_lexicon"
    Params = AdLexiconParams

    def __init__(self, rule: Rule, timeout: float | None = None) -> None:
        super().__init__(rule, timeout)
        self.lexicon = load_lexicon(rule, "lexicon", self.params.lexicon)

    def detect(self, doc: Document, analysis: Analysis) -> Iterator[Span]:
        p: AdLexiconParams = self.params
        if analysis.script not in p.doc_scripts:
            return
        text = doc.text
        hits = sorted(self.lexicon.find(text, fold(text)), key=lambda h: (h.start, -h.end))
        for chain in checked(self._chains(text, hits)):
            start, end = chain[0].start, max(h.end for h in chain)
            tail = CONTACT_TAIL.match(text, end)
            if tail and tail.end() > end:
                end = tail.end()
            score = self._score(text, analysis, chain, start, end, tail is not None and tail.end() > chain[-1].end)
            if score >= p.threshold:
                yield self.span(doc, start, end, score=min(1.0, score / (2 * p.threshold)),
                                detail={"terms": [h.term for h in chain]})

    def _chains(self, text: str, hits: list[Hit]) -> Iterator[list[Hit]]:
        """Runs of hits that touch, or are apart by at most ``max_gap`` separator characters."""
        chain: list[Hit] = []
        end = 0  # the chain's end so far
        for h in hits:
            if chain and (h.start <= end or (h.start - end <= self.params.max_gap
                                             and _SEPARATORS.fullmatch(text, end, h.start))):
                chain.append(h)
                end = max(end, h.end)
                continue
            if chain:
                yield chain
            chain, end = [h], h.end
        if chain:
            yield chain

    def _score(self, text: str, analysis: Analysis, chain: list[Hit], start: int, end: int, tail: bool) -> float:
        p: AdLexiconParams = self.params
        chain = _outermost(chain)
        first = next((i for i, h in enumerate(chain) if h.category != "glue"), len(chain))
        chain = chain[first:]  # a suffix starts no ad: "酒店送足疗" is a hotel
        if not chain:
            return 0.0
        start = chain[0].start
        cats = {h.category for h in chain}
        decisive = ("strong" in cats or ("brand" in cats and cats & {"glue", "contact", "weak"})
                    or ("weak" in cats and (cats & {"city", "contact"} or tail))
                    or ("contact" in cats and tail))
        if not decisive:
            return 0.0
        terms = {(h.term, h.category): h.category for h in chain}
        line_start, line_end = analysis.line_at(start)
        at_start, at_end = not char_before(text, line_start, start), not char_after(text, end, line_end)
        own_line = at_start and at_end
        strong = sum(1 for c in terms.values() if c == "strong")
        # a lone ad word inside a sentence is how news mentions the trade; ads are built of parts
        if len(terms) < p.min_terms and not (tail or own_line or strong >= 2):
            return 0.0
        score = sum(p.weights[c] for c in terms.values())
        if tail:
            score += p.tail_weight
        if at_start or at_end:
            score += p.edge_weight
        return score


def _outermost(chain: list[Hit]) -> list[Hit]:
    """Drop hits inside longer ones (``洗浴`` inside ``洗浴中心`` is one term, not two). The chain is in
    order of start, longer first at one start, so a hit lies inside a longer one exactly when an
    earlier hit reaches as far (no two hits cover the same characters: they are different terms)."""
    out, reach = [], -1
    for h in chain:
        if h.end > reach:
            out.append(h)
        reach = max(reach, h.end)
    return out
