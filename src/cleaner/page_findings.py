"""Page-level findings: the injections an HTML page carries anywhere, inside its article or not.

A record's ``annotations`` say what was found in the article's text, with offsets. Whether a site
is compromised is a fact about the whole page: hidden link lists at the page top, a visible link
farm above the footer. ``page_findings`` lists them, one dict each, with no text offsets:

- ``kind``, ``rule``: the finding's kind and the rule that judged it;
- ``where``: ``article`` (it was in the article's text and was removed there) or ``page``
  (outside the article: never in the text);
- ``locator``: the CSS path of the element on the page;
- ``technique``: how it was hidden (hidden findings only);
- ``text``: its first :data:`SNIPPET` characters.

What counts: hidden text the reader marked as injected (hidden the injector's way, hiding links to
other sites, or a hidden link injection outside the article), link-farm findings in the article,
and visible runs of off-site keyword links outside the article (the reader's ``page_links``) that
the run's link-farm rules judge a farm. Benign hidden text (a collapsed tab) is not a page finding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .analysis import Analysis
from .detectors.base import Detector
from .document import Document
from .spans import Span

SNIPPET = 200
LINK_FARM = "link_farm"  # the detector whose rules judge link runs


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"


def page_findings(doc: Document, spans: Sequence[Span], detectors: Sequence[Detector]) -> list[dict[str, Any]]:
    """The page-level findings of ``doc`` from its kept ``spans`` and the reader's ``page_links``,
    judged by the link-farm rules among ``detectors``; empty for documents not read from HTML."""
    meta = doc.metadata
    hidden = meta.get("hidden")
    page_links = meta.get("page_links")
    farms = [d for d in detectors if d.name == LINK_FARM]
    farm_rules = {d.rule.id for d in farms}
    if not (hidden or page_links or farm_rules.intersection(s.rule for s in spans)):
        return []
    marked = {(r.get("start"), r.get("end")) for r in hidden or () if isinstance(r, Mapping)
              and (r.get("injected") is True or r.get("outside_article") is True)}
    out: list[dict[str, Any]] = []
    for s in spans:
        if s.kind == "hidden" and (s.start, s.end) in marked:
            where = "page" if s.detail.get("outside_article") else "article"
            out.append({"kind": s.kind, "rule": s.rule, "where": where, "locator": s.locator or "",
                        "technique": str(s.detail.get("technique", "")), "text": _snippet(s.text)})
        elif s.rule in farm_rules:
            out.append({"kind": s.kind, "rule": s.rule, "where": "article", "locator": _link_locator(meta, s),
                        "text": _snippet(s.text)})
    for run in page_links or ():
        if not isinstance(run, Mapping) or not isinstance(run.get("text"), str):
            continue
        mini = Document(run["text"], id=doc.id, source=doc.source, format="html",
                        metadata={"links": list(run.get("links") or ())})
        analysis = Analysis(mini)
        for det in farms:
            found = next(iter(det.detect(mini, analysis)), None)
            if found is not None:
                out.append({"kind": found.kind, "rule": found.rule, "where": "page",
                            "locator": str(run.get("locator") or ""), "text": _snippet(run["text"])})
                break
    return out


def _link_locator(meta: Mapping[str, Any], span: Span) -> str:
    """The CSS path of the block holding the first off-site link inside ``span`` (the reader
    records each link's block), else ""."""
    for link in meta.get("links") or ():
        if isinstance(link, Mapping) and span.start <= link.get("start", -1) < span.end and link.get("locator"):
            return str(link["locator"])
    return ""
