"""``link_farm``: a block of an HTML article made of links to other sites with ad anchors.

SEO link farms pasted into pages are blocks whose text is mostly anchors pointing away from the
site, the anchors reading like ads (``cheap viagra``, ``best casino bonus``, ``replica watches``). The
HTML reader records where the text of each off-site link lies (``metadata["links"]``); a paragraph
of the article whose characters are mostly such anchors, with enough of them carrying ad vocabulary,
is spam. A "Related coverage" list of links to news sites is dominated by links too, but its anchors
are headlines, not ads, so it stays.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

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
            if len(inside) < p.min_links:
                continue
            block = doc.text[start:end]
            linked = sum(len("".join(doc.text[x["start"]:x["end"]].split())) for x in inside)
            if linked < p.min_link_share * len("".join(block.split())):
                continue
            ads = sum(1 for x in inside if self.ads.categories(doc.text[x["start"]:x["end"]]))
            if ads >= max(1, p.min_ad_share * len(inside)):
                yield self.span(doc, start, end, score=min(1.0, 0.6 + 0.4 * ads / len(inside)),
                                detail={"links": len(inside), "ad_links": ads})
