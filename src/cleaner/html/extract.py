"""HTML text → the article's text, its hidden regions and the page's metadata.

``extract(html)`` parses with lxml (libxml2; about fifteen times faster than building a
BeautifulSoup tree on the same page, which matters because the whole HTML path has a budget of
five regex passes), walks the tree once into blocks (:mod:`.blocks`), picks the article's blocks
(:mod:`.select`) and joins them with a blank line between blocks, one newline between the items of
a list. Text hidden from readers that sits inside or right next to the article is kept in the
text at its place and listed in ``hidden`` (offsets, CSS path, technique) so that a detector can
report it and the pipeline remove it: offsets keep indexing the text, and the cleaned text never
holds it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import regex
from lxml import etree

from ..urls import host, same_site
from .blocks import Block, Node, ancestors, read_blocks
from .select import select
from .style import StyleSheet, parse_stylesheet

LIST_ITEMS = frozenset({"li", "dt", "dd", "tr", "td", "th"})
MAX_DEPTH_ERROR = "Excessive depth"


class ExtractionError(ValueError):
    """The page cannot be turned into text (the reader reports it as an input error)."""


@dataclass(frozen=True, slots=True)
class HiddenRegion:
    """Text in ``Extraction.text[start:end]`` that the page hides from readers."""

    start: int
    end: int
    locator: str
    technique: str
    outside: bool = False  # found outside the article (page top, footer, bottom): a page-level injection
    # hidden the injector's way (off-screen, zero size, same colour…) or hiding links to other
    # sites: an injection wherever it sits, so a page-level finding; benign hiding (a tab) is not
    injected: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "end": self.end, "locator": self.locator,
                               "technique": self.technique}
        if self.outside:
            out["outside_article"] = True
        if self.injected:
            out["injected"] = True
        return out


@dataclass(frozen=True, slots=True)
class Extraction:
    text: str
    hidden: tuple[HiddenRegion, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    # visible text of links to other sites: start, end, href (and the block's CSS path, on a block's first)
    links: tuple[tuple[Any, ...], ...] = ()
    # visible runs of off-site keyword links outside the article (locator, text, links in that
    # text): candidates for a page-level link-farm finding, judged by the pipeline's link rules
    page_links: tuple[dict[str, Any], ...] = ()
    # the text of code elements (<code>, <pre>, <kbd>, <samp>): start, end; rules about prose leave it alone
    code: tuple[tuple[int, int], ...] = ()


# libxml2 compares each attribute of a start tag with all the ones before it (duplicates), so a
# tag with N attributes costs N² (100,000 of them: 25 s). No real element has a thousand; past
# MAX_ATTRIBUTES the rest of a tag's attributes are dropped before parsing. Only tags longer than
# LONG_TAG characters (to the next "<") are looked at: one split of the page finds them.
MAX_ATTRIBUTES = 1000
LONG_TAG = 8192
# a "<" and more than LONG_TAG characters to the next one; the stdlib's engine scans for it ten times
# faster than regex's (900 MB/s), so the pages with no long tag cost next to nothing
LONG_SEGMENT = re.compile(rf"<[^<]{{{LONG_TAG + 1},}}")
TAG_NAME = regex.compile(r"<[A-Za-z][^\s/<>]*")
ATTRIBUTE = regex.compile(r"""\s*[^\s"'=<>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")


def cap_attributes(html: str) -> str:
    """The page with every start tag cut to its first ``MAX_ATTRIBUTES`` attributes (linear).

    >>> cap_attributes("<p " + " ".join(f"a{i}=1" for i in range(5000)) + ">x</p>").count("=")
    1000
    """
    if len(html) <= LONG_TAG:
        return html
    out: list[str] = []
    pos = 0
    for long in LONG_SEGMENT.finditer(html):  # C speed: the regex engine skips the short segments
        start = long.start() + 1
        if not html[start:start + 1].isalpha():
            continue
        m = TAG_NAME.match(html, start - 1)
        i, n, cut = m.end() if m else start, 0, -1
        while (a := ATTRIBUTE.match(html, i)) is not None and a.end() > i:
            n += 1
            if n == MAX_ATTRIBUTES:
                cut = a.end()
            i = a.end()
        if cut >= 0 and cut >= pos:
            out.append(html[pos:cut])
            pos = i
    if not out:
        return html
    out.append(html[pos:])
    return "".join(out)


def parse(html: str) -> Any:
    """The page's root element; ``ExtractionError`` when libxml2 gives up (nesting past its limit)."""
    html = cap_attributes(html)
    parser = etree.HTMLParser(recover=True, remove_comments=True, remove_pis=True, huge_tree=True,
                              no_network=True)
    try:
        root = etree.fromstring(html, parser)
    except (etree.ParserError, ValueError) as e:
        raise ExtractionError(str(e) or "empty document") from None
    for err in parser.error_log:
        if MAX_DEPTH_ERROR in err.message:
            depth = regex.search(r"\d+", err.message)
            limit = f" than {depth.group()} levels" if depth else ""
            raise ExtractionError(f"elements nested deeper{limit} (line {err.line}); the text after that "
                                  "point cannot be read")
    if root is None:
        raise ExtractionError("empty document")
    _adopt_strays(root)
    return root


def _adopt_strays(root: Any) -> None:
    """Content after a premature ``</body></html>`` (a template that closes the page after its
    header and goes on) reaches libxml2's tree as another top-level element beside the root, where
    a walk from the root never sees it; a browser shows it in the body, and so does this reader:
    the strays' children are moved to the end of the body (of the root when it has none)."""
    stray = root.getnext()
    if stray is None:
        return
    body = root.find("body")
    home = body if body is not None else root
    while stray is not None:
        following = stray.getnext()
        if isinstance(stray.tag, str):
            if stray.text and stray.text.strip():
                holder = etree.SubElement(home, "div")
                holder.text = stray.text
            home.extend(list(stray))
        stray = following


def stylesheet(root: Any) -> StyleSheet:
    return parse_stylesheet(el.text for el in root.iter("style") if el.text)


CSS_ID = regex.compile(r"[A-Za-z][-_A-Za-z0-9]*")


class Locator:
    """CSS paths of elements: ``tag#id`` anchors, ``:nth-of-type(n)`` where a tag repeats.

    Sibling positions are counted once per parent and cached, so locating every hidden element
    of a page whose ``<body>`` has 400,000 children stays linear."""

    def __init__(self) -> None:
        self._positions: dict[Any, dict[Any, tuple[int, int]]] = {}
        self._paths: dict[Any, str] = {}  # element -> its path (the parents of many located elements are shared)

    def _position(self, parent: Any, el: Any) -> tuple[int, int]:
        table = self._positions.get(parent)
        if table is None:
            counts: dict[str, int] = {}
            table = {}
            for child in parent.iterchildren(tag=etree.Element):
                counts[child.tag] = counts.get(child.tag, 0) + 1
                table[child] = (counts[child.tag], 0)
            table = {c: (n, counts[c.tag]) for c, (n, _) in table.items()}
            self._positions[parent] = table
        return table[el]

    def __call__(self, el: Any) -> str:
        parts: list[str] = []
        walked: list[Any] = []
        prefix = ""
        while el is not None and isinstance(el.tag, str):
            known = self._paths.get(el)
            if known is not None:
                prefix = known
                break
            tag = el.tag.lower()
            el_id = el.get("id")
            if el_id and CSS_ID.fullmatch(el_id):
                parts.append(f"{tag}#{el_id}")
                walked.append(el)
                break
            parent = el.getparent()
            if parent is not None:
                n, of = self._position(parent, el)
                if of > 1:
                    tag += f":nth-of-type({n})"
            parts.append(tag)
            walked.append(el)
            el = parent
        path = prefix
        for part, done in zip(reversed(parts), reversed(walked), strict=True):
            path = f"{path} > {part}" if path else part
            self._paths[done] = path
        return path


def css_path(el: Any) -> str:
    """A CSS selector that finds ``el`` in its page (see :class:`Locator`)."""
    return Locator()(el)


def _adjacent_hidden(blocks: Sequence[Block], chosen: list[Block]) -> list[Block]:
    """Add hidden blocks that touch the article from outside its container (no visible block
    between them and it): an injection placed just before or after the article's element."""
    if not chosen:
        return chosen
    keep = {b.index for b in chosen}
    first, last = chosen[0].index, chosen[-1].index
    for step, start in ((-1, first - 1), (1, last + 1)):
        i = start
        while 0 <= i < len(blocks) and blocks[i].hidden and _whole_hidden(blocks[i]):
            keep.add(i)
            i += step
    return [blocks[i] for i in sorted(keep)]


# Techniques only an injector uses on text with links: real pages hide menus and tabs with
# display:none, but do not move a list of links off-screen, shrink it to nothing or paint it in
# the background's colour.
INJECTOR = frozenset({"off-screen", "zero-size", "font-size:0", "same-colour", "text-indent"})
MIN_ANCHOR_WORDS = 2.0  # mean words per hidden off-site link (keyword anchors, not "Facebook")
INJECTED_LINK_SHARE = 0.5  # share of an injector-hidden block's text in off-site links
MENU_LINK_SHARE = 0.9  # ... of a block hidden like a menu, spaces left out


def _injection(block: Block, home: str) -> bool:
    """Is a wholly hidden block a hidden link injection? Links to other sites with keyword
    anchors (``best casino bonus``, not the one-word labels of a hidden share menu or language
    switcher), nearly all of the block's text, hidden with an injector's technique or, when
    hidden like a menu (``display:none``), at least two of them and nothing but them."""
    if not _whole_hidden(block):
        return False
    external = [(s, e) for s, e, href in block.hidden_anchors if _external(href, home)]
    if not external:
        return False
    words = sum(len(block.text[s:e].split()) for s, e in external)
    chars = sum(e - s for s, e in external)
    if words < MIN_ANCHOR_WORDS * len(external):
        return False
    if any(t in INJECTOR for _s, _e, _r, t in block.hidden):
        return chars >= INJECTED_LINK_SHARE * len(block.text)
    return (len(external) >= 2 and len(external) == len(block.hidden_anchors)
            and chars >= MENU_LINK_SHARE * len(block.text.replace(" ", "")))


def page_injections(blocks: Sequence[Block], chosen: list[Block], home: str) -> tuple[list[Block], set[int]]:
    """The chosen blocks plus the hidden link injections elsewhere on the page (page top, before
    the footer, page bottom), in page order, and the indexes of the latter: kept in the text at
    their place, they are reported with their locator and removed like any hidden text, so that a
    compromised page shows as one even when the injection sits outside its article."""
    have = {b.index for b in chosen}
    out: list[Block] = []
    extra: set[int] = set()
    for block in blocks:
        if block.index in have:
            out.append(block)
        elif block.hidden:
            whole = _injection(block, home)  # judged whole, else each hiding element apart
            for part in ([block] if whole else _hidden_parts(block)):
                if whole or _injection(part, home):
                    out.append(part)
                    extra.add(part.index)
    return (out, extra) if extra else (chosen, extra)


def _hidden_parts(block: Block) -> list[Block]:
    """Each hidden element's text in a block that also shows text (a hidden link list beside a
    visible "skip to content" link), as a block of its own: judged, and kept, without the text
    around it."""
    parts: list[Block] = []
    for s, e, root, technique in block.hidden:
        text = block.text[s:e]
        lead = len(text) - len(text.lstrip())
        text = text.strip()
        if not text:
            continue
        at = s + lead
        end = at + len(text)
        anchors = [(a - at, min(b, end) - at, h) for a, b, h in block.hidden_anchors if at <= a < end]
        parts.append(Block(root, text, sum(b - a for a, b, _h in anchors), len(anchors),
                           [(0, len(text), root, technique)], block.index, [], anchors))
    return parts


PAGE_LINK_SHARE = 0.5  # share of a block's visible text in links that makes it part of a link run
MAX_RUN_CHARS = 4000  # a run's text is cut here: enough to judge, bounded in the record


def page_link_runs(blocks: Sequence[Block], chosen: Sequence[Block], home: str) -> tuple[dict[str, Any], ...]:
    """Runs of visible link blocks outside the article holding ``MIN_OFFSITE`` links or more to other
    sites, with keyword anchors (``MIN_ANCHOR_WORDS`` words a link on average: ``cheap replica
    watches``, not ``Facebook``): what a visible link farm at the page top or above the footer looks
    like. Each is its CSS path (the run's nearest common element), its text (blocks joined by a
    newline, one paragraph) and its off-site links in that text; the pipeline's link-farm rules judge
    them into page-level findings, and they never enter the article's text."""
    from .select import MIN_OFFSITE

    have = {b.index for b in chosen}
    runs: list[list[Block]] = [[]]
    for block in blocks:
        if block.anchors and block.index not in have and block.link_chars >= PAGE_LINK_SHARE * len(block.visible):
            runs[-1].append(block)
        elif block.hidden and not block.visible:
            continue  # wholly hidden: the hidden path's; neither breaks nor joins a run
        elif runs[-1]:
            runs.append([])
    out: list[dict[str, Any]] = []
    locate = Locator()
    for run in runs:
        parts: list[str] = []
        links: list[list[Any]] = []
        pos = 0
        for block in run:
            links += [[pos + s, pos + e, h] for s, e, h in block.anchors if _external(h, home)]
            parts.append(block.text)
            pos += len(block.text) + 1
        text = "\n".join(parts)
        words = sum(len(text[s:e].split()) for s, e, _h in links)
        if len(links) < MIN_OFFSITE or words < MIN_ANCHOR_WORDS * len(links):
            continue
        if len(text) > MAX_RUN_CHARS:
            text = text[:MAX_RUN_CHARS]
            links = [x for x in links if x[1] <= MAX_RUN_CHARS]
        out.append({"locator": locate(_common(run).el), "text": text,
                    "links": [{"start": s, "end": e, "href": h} for s, e, h in links]})
    return tuple(out)


def _common(run: Sequence[Block]) -> Node:
    """The nearest element holding every block of the run."""
    common = list(ancestors(run[0].node))[::-1]  # root first
    for block in run[1:]:
        path = list(ancestors(block.node))[::-1]
        n = 0
        while n < min(len(common), len(path)) and common[n] is path[n]:
            n += 1
        common = common[:n]
    return common[-1] if common else run[0].node


def _whole_hidden(block: Block) -> bool:
    """Is all of the block's text hidden (the spaces between its hidden elements aside)?"""
    return bool(block.hidden) and not block.visible


def _separator(prev: Block, block: Block) -> str:
    if prev.node.tag in LIST_ITEMS and block.node.tag in LIST_ITEMS and prev.node.parent is block.node.parent:
        return "\n"
    return "\n\n"


def assemble(blocks: Sequence[Block], page_url: str | None = None, outside: set[int] | frozenset[int] = frozenset()
             ) -> tuple[str, tuple[HiddenRegion, ...], tuple[tuple[Any, ...], ...], tuple[tuple[int, int], ...]]:
    """Join blocks into text; merge each hiding element's segments into one region; keep the text
    offsets of links that leave the page's site (what a link-farm detector weighs), the first of
    each block with the CSS path of its element (where a link farm is on the page), and the
    offsets of code elements' text. Regions of the blocks in ``outside`` are marked as found outside
    the article."""
    parts: list[str] = []
    pos = 0
    regions: list[tuple[int, int, Node, str]] = []
    away: set[int] = set()  # ids of the hiding elements of blocks outside the article
    injected: set[int] = set()  # ids of the hiding elements that hide the injector's way or hide off-site links
    links: list[tuple[Any, ...]] = []
    code: list[tuple[int, int]] = []
    home = host(page_url or "")
    locate = Locator()
    prev: Block | None = None
    last_end = -1  # where the previous block's text ends (a region that ends there runs on into the next block)
    for block in blocks:
        if prev is not None:
            sep = _separator(prev, block)
            parts.append(sep)
            pos += len(sep)
        for s, e, root, technique in block.hidden:
            if block.index in outside:
                away.add(id(root))
            if technique in INJECTOR or any(s <= a < e and _external(h, home) for a, _b, h in block.hidden_anchors):
                injected.add(id(root))
            if regions and regions[-1][2] is root and regions[-1][1] in (pos + s, last_end if s == 0 else -1):
                regions[-1] = (regions[-1][0], pos + e, root, technique)  # hidden text that runs on
            else:
                regions.append((pos + s, pos + e, root, technique))
        away_links: list[tuple[Any, ...]] = [(pos + s, pos + e, href) for s, e, href in block.anchors
                                             if _external(href, home)]
        if away_links:  # the first link of a block names its element (a list item's: the list)
            el = block.node.parent if block.node.tag in LIST_ITEMS and block.node.parent else block.node
            away_links[0] = (*away_links[0], locate(el.el))
        links += away_links
        code += [(pos + s, pos + e) for s, e in block.code]
        parts.append(block.text)
        pos += len(block.text)
        last_end = pos
        prev = block
    text = "".join(parts)
    hidden = tuple(HiddenRegion(s, e, locate(root.el), t, id(root) in away, id(root) in away or id(root) in injected)
                   for s, e, root, t in _edges(text, regions) if text[s:e].strip())
    return text, hidden, tuple(links), tuple(code)


def _edges(text: str, regions: list[tuple[int, int, Node, str]]) -> list[tuple[int, int, Node, str]]:
    """Hidden regions before the first visible character take the blank lines after them, those
    after the last one the blank lines before them: removing a run of hidden elements at the top
    or the bottom of the text (page-level injections) leaves no blank lines at its edges."""
    first = last = None
    cursor = 0
    for s, e, _r, _t in regions:
        if first is None and text[cursor:s].strip():
            first = cursor + len(text[cursor:s]) - len(text[cursor:s].lstrip())
        cursor = max(cursor, e)
    if first is None and text[cursor:].strip():
        first = cursor + len(text[cursor:]) - len(text[cursor:].lstrip())
    cursor = len(text)
    for s, e, _r, _t in reversed(regions):
        if last is None and text[e:cursor].strip():
            last = e + len(text[e:cursor].rstrip())
        cursor = min(cursor, s)
    if last is None and text[:cursor].strip():
        last = len(text[:cursor].rstrip())
    if first is None or last is None:
        return regions
    out = []
    for s, e, root, technique in regions:
        if e <= first:
            e += len(text[e:first]) - len(text[e:first].lstrip())
        elif s >= last:
            s -= len(text[last:s]) - len(text[last:s].rstrip())
        out.append((s, e, root, technique))
    return out


def _external(href: str, home: str) -> bool:
    """An absolute link to another host (relative links and the page's own site are not)."""
    link = host(href)
    return bool(link) and not same_site(link, home)


def page_metadata(root: Any) -> dict[str, Any]:
    """``title``, ``url`` (canonical, else og:url) and ``html_lang`` when the page states them."""
    meta: dict[str, Any] = {}

    def first(xpaths: tuple[Any, ...]) -> str | None:
        for xpath in xpaths:
            for value in xpath(root):
                value = str(value).strip()
                if value:
                    return value
        return None

    title = first(TITLE)
    if title:
        meta["title"] = " ".join(title.split())
    url = first(URL)
    if url:
        meta["url"] = url
    lang = first(LANG)
    if lang:
        meta["html_lang"] = lang
    return meta


# page_metadata's queries, each field's in order of preference (compiled once, not per page)
TITLE = (etree.XPath("//head/title/text()"), etree.XPath("//meta[@property='og:title']/@content"))
URL = (etree.XPath("//link[translate(@rel,'CANONICAL','canonical')='canonical']/@href"),
       etree.XPath("//meta[@property='og:url']/@content"))
LANG = (etree.XPath("/html/@lang"), etree.XPath("/html/@xml:lang"),
        etree.XPath("//meta[translate(@http-equiv,'CONTENT-LANGUAGE','content-language')='content-language']/@content"),
        etree.XPath("//meta[@property='og:locale']/@content"))


def extract(html: str) -> Extraction:
    """The article's text, its hidden regions and the page's metadata."""
    root = parse(html)
    blocks = read_blocks(root, stylesheet(root), len(html))
    meta = page_metadata(root)
    home = host(meta.get("url") or "")
    chosen, outside = page_injections(blocks, _adjacent_hidden(blocks, select(blocks, home)), home)
    text, hidden, links, code = assemble(chosen, meta.get("url"), outside)
    return Extraction(text, hidden, meta, links, page_link_runs(blocks, chosen, home), code)


__all__ = ["Extraction", "ExtractionError", "HiddenRegion", "ancestors", "css_path", "extract", "parse"]
