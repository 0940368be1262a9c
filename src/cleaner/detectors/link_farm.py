"""``link_farm``: a block of an HTML article made of links to other sites with ad anchors.

SEO link farms pasted into pages are blocks whose text is mostly anchors pointing away from the
site, the anchors reading like ads (``cheap viagra``, ``best casino bonus``, ``replica watches``). The
HTML reader records where the text of each off-site link lies (``metadata["links"]``); a paragraph
of the article whose characters are mostly such anchors, with enough of them carrying ad vocabulary
(two at least: a list of three courses, one of them on "website traffic", is no farm), is spam. A
"Related coverage" list of links to news sites is dominated by links too, but its anchors are
headlines, not ads, so it stays. Inside a prose paragraph, a sentence made mostly of off-site links
whose anchors are all ads (two or more) is link spam too, and only that sentence goes; a heading that
links one guide on "link building" is not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import regex

from ..analysis import Analysis
from ..document import Document
from ..registry import register
from ..rules import Rule
from ..spans import Span
from .base import Detector
from .common import load_lexicon


@dataclass(frozen=True)
class LinkFarmParams:
    lexicon: dict[str, str] = field(default_factory=dict)  # ad vocabulary: category -> sidecar word list
    min_links: int = 3  # off-site links in the block
    min_link_share: float = 0.5  # share of the block's non-space characters inside those links
    min_ad_share: float = 0.3  # share of those links whose anchor text holds ad vocabulary
    min_ad_links: int = 2  # and at least this many of them: one course named "Website Traffic" is no farm
    # a sentence of a prose paragraph made of off-site ad links ("Buy cheap viagra online and best
    # casino bonus."): at least this share of its non-space characters in links, all of them ads
    sentence_link_share: float = 0.5


SENTENCE = regex.compile(r"[^\s.!?][^.!?]*(?:[.!?]+|$)")


def _chars(text: str) -> int:
    return len("".join(text.split()))


@register
class LinkFarmDetector(Detector):
    name = "link_farm"
    Params = LinkFarmParams

    def __init__(self, rule: Rule, timeout: float | None = None) -> None:
        super().__init__(rule, timeout)
        self.ads = load_lexicon(rule, "lexicon", self.params.lexicon)

    def detect(self, doc: Document, analysis: Analysis) -> Iterator[Span]:
        links = doc.metadata.get("links")
        if not links:
            return
        p: LinkFarmParams = self.params
        links = sorted(links, key=lambda x: x["start"])
        i = 0
        for start, end in analysis.paragraphs:  # paragraphs and links both in text order: one sweep
            while i < len(links) and links[i]["start"] < start:
                i += 1
            j = i
            while j < len(links) and links[j]["end"] <= end:
                j += 1
            inside, i = links[i:j], j
            if not inside:
                continue
            farm = self._farm(doc, start, end, inside) if len(inside) >= p.min_links else None
            if farm is not None:
                yield farm
            else:
                yield from self._sentences(doc, start, end, inside)

    def _ads(self, doc: Document, links: list[Any]) -> int:
        return sum(1 for x in links if self.ads.categories(doc.text[x["start"]:x["end"]]))

    def _farm(self, doc: Document, start: int, end: int, inside: list[Any]) -> Span | None:
        """The whole paragraph, when it is mostly off-site links with enough ad anchors."""
        p: LinkFarmParams = self.params
        linked = sum(_chars(doc.text[x["start"]:x["end"]]) for x in inside)
        if linked < p.min_link_share * _chars(doc.text[start:end]):
            return None
        ads = self._ads(doc, inside)
        if ads < max(p.min_ad_links, p.min_ad_share * len(inside)):
            return None
        return self.span(doc, start, end, score=min(1.0, 0.6 + 0.4 * ads / len(inside)),
                         detail={"links": len(inside), "ad_links": ads})

    def _sentences(self, doc: Document, start: int, end: int, inside: list[Any]) -> Iterator[Span]:
        """Sentences of a prose paragraph that are mostly off-site links, every one an ad."""
        p: LinkFarmParams = self.params
        k = 0
        for m in SENTENCE.finditer(doc.text, start, end):
            s, e = m.span()
            while k < len(inside) and inside[k]["start"] < s:
                k += 1
            got = []
            while k < len(inside) and inside[k]["end"] <= e:
                got.append(inside[k])
                k += 1
            if len(got) < p.min_ad_links or (len(got) == len(inside) and s == start and e == end):
                continue  # too few links (a heading that links one guide), or the paragraph (the farm test judged it)
            linked = sum(_chars(doc.text[x["start"]:x["end"]]) for x in got)
            if linked >= p.sentence_link_share * _chars(doc.text[s:e]) and self._ads(doc, got) == len(got):
                yield self.span(doc, s, e, score=0.8, detail={"links": len(got), "ad_links": len(got)})
