"""Build pages with hidden injections: every hiding technique, placed inside and around the
article's own paragraphs, each injection carrying a unique marker so a test can tell whether it
reached the cleaned text and whether it was reported.

Used by ``tests/detectors/test_html_hidden.py`` on the self-written fixtures (always) and on the
real corpus pages (when ``../shared/corpus`` is present: built at test time, never stored).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import regex
from lxml import etree

# technique -> how to hide an element with it (attributes, plus a <style> rule when needed)
TECHNIQUES: dict[str, dict[str, str]] = {
    "display:none": {"style": "display:none"},
    "visibility:hidden": {"style": "visibility: hidden"},
    "font-size:0": {"style": "font-size:0px"},
    "opacity:0": {"style": "opacity:0"},
    "off-screen": {"style": "position:absolute; left:-9999px; top:0"},
    "text-indent": {"style": "text-indent:-9999em; white-space:nowrap"},
    "zero-size": {"style": "height:0; overflow:hidden"},
    "same-colour": {"style": "color:#fff; background-color:#ffffff"},
    "white-on-page": {"style": "color:white"},
    "hidden-attribute": {"hidden": ""},
    "stylesheet-class": {"class": "promo-x7"},
    "stylesheet-id": {"id": "seo-box-x7"},
    "noscript": {},
}
STYLE_RULES = ".promo-x7 { display: none !important }\n#seo-box-x7 { visibility: hidden; }\n"
# inside and around the article's paragraphs, then elsewhere on the page: the top of <body>, just
# before the page footer (or the body's last element) and the bottom of <body>
PLACEMENTS = ("inline", "between", "before", "after", "page-top", "before-footer", "page-bottom")
SPACE = regex.compile(r"\s+")


@dataclass(frozen=True)
class Injection:
    marker: str
    technique: str
    placement: str


def _hidden_element(technique: str, marker: str, inline: bool) -> Any:
    tag = "noscript" if technique == "noscript" else ("span" if inline else "div")
    el = etree.Element(tag, dict(TECHNIQUES[technique]))
    link = etree.SubElement(el, "a", href=f"https://{marker}.example/casino")
    link.text = f"best online casino bonus {marker}"
    link.tail = " "
    second = etree.SubElement(el, "a", href=f"https://{marker}.example/pills")
    second.text = f"cheap pills {marker}"
    return el


def article_paragraphs(root: Any, truth: str, min_chars: int = 60) -> list[Any]:
    """``<p>`` elements whose text is in the ground-truth article, in page order."""
    body = SPACE.sub(" ", truth)
    out = []
    for p in root.iter("p"):
        text = SPACE.sub(" ", "".join(p.itertext())).strip()
        if len(text) >= min_chars and text in body:
            out.append(p)
    return out


def _split_inline(p: Any, el: Any) -> None:
    """Put ``el`` in the middle of the paragraph's first text run, between two words."""
    text = p.text or ""
    cut = text.find(" ", len(text) // 2)
    if cut < 0:
        p.insert(0, el)
        el.tail = " " + text if text else None
        p.text = None if not text else ""
        return
    p.text, el.tail = text[:cut + 1], text[cut:]
    p.insert(0, el)


def _place_on_page(root: Any, el: Any, placement: str) -> None:
    body = root.find("body")
    body = body if body is not None else root
    if placement == "page-top":
        body.insert(0, el)
    elif placement == "page-bottom":
        body.append(el)
    else:
        footer = next(iter(body.iter("footer")), None)
        if footer is None:
            children = [c for c in body if isinstance(c.tag, str)]
            footer = children[-1] if children else None
        if footer is None:
            body.append(el)
        else:
            footer.addprevious(el)


def inject(root: Any, paragraphs: Sequence[Any], techniques: Sequence[str], tag: str) -> list[Injection]:
    """Add one injection per technique and placement around ``paragraphs`` (edits ``root``)."""
    done: list[Injection] = []
    if any(t.startswith("stylesheet") for t in techniques):
        head = root.find("head")
        style = etree.SubElement(head if head is not None else root, "style")
        style.text = STYLE_RULES
    first, middle, last = paragraphs[0], paragraphs[len(paragraphs) // 2], paragraphs[-1]
    for t_index, technique in enumerate(techniques):
        for placement in PLACEMENTS:
            marker = f"qz{tag}x{t_index}p{PLACEMENTS.index(placement)}"
            el = _hidden_element(technique, marker, placement == "inline")
            if placement == "inline":
                _split_inline(middle, el)
            elif placement == "between":
                middle.addnext(el)
            elif placement == "before":
                first.addprevious(el)
            elif placement == "after":
                last.addnext(el)
            else:
                _place_on_page(root, el, placement)
            if placement != "inline":
                el.tail = "\n"
            done.append(Injection(marker, technique, placement))
    return done


def parse_page(html: str) -> Any:
    return etree.fromstring(html, etree.HTMLParser(recover=True, huge_tree=True))


def serialize(root: Any) -> str:
    return etree.tostring(root, method="html", encoding="unicode")


def injected_page(
    html: str, truth: str, techniques: Sequence[str], tag: str
) -> tuple[str, list[Injection]] | None:
    """The page with each technique injected at every placement, or None when fewer than two of
    its ``<p>`` hold ground-truth article text (nowhere to put "inside and around")."""
    root = parse_page(html)
    paragraphs = article_paragraphs(root, truth)
    if len(paragraphs) < 2:
        return None
    injections = inject(root, paragraphs, techniques, tag)
    return serialize(root), injections


def same_page(html: str) -> str:
    """The page through the same parse + serialise round trip, without injections (the baseline)."""
    return serialize(parse_page(html))
