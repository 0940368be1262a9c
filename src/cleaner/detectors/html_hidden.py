"""``html_hidden``: text an HTML page hides from its readers (display:none, zero size, off-screen,
same colour as the background, ``hidden``, ``<noscript>`` link lists, classes hidden by the page's CSS).

The HTML reader does the finding, because only it sees the markup: it keeps hidden text that sits
in or next to the article at its place in ``Document.text`` and lists each region in
``metadata["hidden"]`` with its offsets, the CSS path of the hiding element and the technique.
Hidden link injections found anywhere else on the page (page top, before the footer, page bottom)
are placed in the text at their page position too, marked ``outside_article``: their findings say
so in ``detail``, which is how a record tells a compromised site from a clean one.
This detector turns those records into spans, so hidden text is reported with its locator and
removed by the pipeline like any other finding, and the annotations still replay to the cleaned
text. Documents that did not come from HTML have no such records and give no findings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..analysis import Analysis
from ..document import Document
from ..registry import register
from ..spans import Span
from .base import Detector


@dataclass(frozen=True)
class HtmlHiddenParams:
    min_chars: int = 1  # hidden regions with fewer non-space characters are not reported
    techniques: tuple[str, ...] = ()  # report only these techniques (empty: all)


def _region(record: Any, length: int) -> tuple[int, int, str, str, bool] | None:
    """``(start, end, locator, technique, outside the article)`` of a well-formed record inside
    the text, else None."""
    if not isinstance(record, Mapping):
        return None
    start, end = record.get("start"), record.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length):
        return None
    return (start, end, str(record.get("locator") or ""), str(record.get("technique") or "hidden"),
            record.get("outside_article") is True)


@register
class HtmlHiddenDetector(Detector):
    name = "html_hidden"
    Params = HtmlHiddenParams

    def detect(self, doc: Document, analysis: Analysis) -> Iterator[Span]:
        p: HtmlHiddenParams = self.params
        records = doc.metadata.get("hidden")
        if not isinstance(records, list):
            return
        for record in records:
            region = _region(record, len(doc.text))
            if region is None:
                continue
            start, end, locator, technique, outside = region
            text = doc.text[start:end]
            if len(text) - sum(c.isspace() for c in text) < p.min_chars:
                continue
            if p.techniques and technique not in p.techniques:
                continue
            where = " outside the article" if outside else ""
            message = f"{self.rule.format_message(text)} ({technique} at {locator}{where})"
            detail: dict[str, Any] = {"technique": technique}
            if outside:
                detail["outside_article"] = True
            yield self.span(doc, start, end, locator=locator, detail=detail, message=message)
