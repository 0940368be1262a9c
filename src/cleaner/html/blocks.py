"""One walk over the parsed page: the text blocks a reader sees, in order, with where they sit.

A *block* is the text between two block-level boundaries (a paragraph, a heading, a list item,
the loose text of a ``<div>``), whitespace collapsed as a browser collapses it. Each block keeps a
link to the :class:`Node` of the element it sits in (a parent-pointer chain, so scoring the
ancestors of every block costs no copies) and the hidden *segments* inside it: text that is in the
markup but hidden from readers, with the element that hides it and how. Scripts, styles, forms
controls, media and ``<head>`` never produce blocks.

The walk is iterative (``lxml.etree.iterwalk``), so a page nested thousands of levels deep
cannot exhaust Python's stack.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import regex
from lxml import etree

from .style import StyleSheet, background, parse_colour, parse_declarations, same_colour, techniques

SKIP = frozenset({
    "script", "style", "template", "svg", "math", "iframe", "object", "embed", "canvas", "video",
    "audio", "map", "select", "textarea", "button", "input", "link", "meta", "noembed",
    "datalist", "progress", "meter", "title", "base",
})
BLOCK = frozenset({
    "html", "body", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "blockquote", "pre", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "section",
    "article", "main", "header", "footer", "nav", "aside", "figure", "figcaption", "address", "hr",
    "form", "fieldset", "legend", "details", "summary", "center", "dialog", "menu", "hgroup",
    "picture",
})
CODE = frozenset({"code", "pre", "kbd", "samp"})  # a program's text and its output: never prose
SPACE = re.compile(r"[ \t\n\r\f]+")  # the stdlib's engine: twice as fast as regex's on this class
# Hiding that pages use for their own content (tabs, accordions, React's streamed chunks
# ``<div hidden id="S:0">``, forum threads served in ``<noscript>``, a FAQ's answers that a class of
# the page's own stylesheet shrinks to zero height until opened: "collapsed"): such an element
# holding prose is content. Off-screen, zero size set on the element itself, font-size 0 and text
# coloured like its background are the injector's techniques and always hide.
BENIGN = frozenset({"hidden-attribute", "noscript", "display:none", "visibility:hidden", "opacity:0", "collapsed"})
CONTENT_MIN_CHARS = 80  # text a benignly hidden element needs to count as content
CONTENT_MAX_LINKS = 0.3  # ... with at most this share of it in links (a hidden link list is spam)
# A link that shares the page on a social site ("click to tweet" boxes quote the article): its text
# is the article's, not a link to elsewhere; a short one ("Tweet", "Share on X") is a button, dropped.
SHARE_INTENT = regex.compile(
    r"\s*(?:https?:)?//(?:www\.|mobile\.)?(?:twitter\.com/(?:intent/tweet|share)|x\.com/(?:intent/(?:tweet|post)|share)"
    r"|facebook\.com/shar(?:er|e\.php)|linkedin\.com/share|pinterest\.\w+/pin/create|reddit\.com/submit"
    r"|bsky\.app/intent/compose|threads\.net/intent/post)", regex.I)
SHARE_LABEL_WORDS = 4
SENTENCE = regex.compile(r"[.!?。！？]")
DIGITS = regex.compile(r"\d+")
WHITE = (255, 255, 255)
Colour = tuple[int, int, int]
HiddenSeg = tuple[int, int, "Node", str]  # start, end (in the block's text), hiding element, technique


@dataclass(slots=True, eq=False)
class Node:
    """An element on the path from the root to a block, with what the walk learned about it."""

    el: Any
    tag: str
    parent: Node | None
    depth: int
    hidden: tuple[Node, str] | None = None  # (the element that hides this subtree, technique)
    background: Colour | None = None
    score: float = 0.0  # filled by content selection
    chars: int = 0
    link_chars: int = 0


@dataclass(slots=True, eq=False)
class Block:
    """Collapsed text of one block, the node it belongs to, and its hidden segments."""

    node: Node
    text: str
    link_chars: int
    links: int
    hidden: list[HiddenSeg] = field(default_factory=list)
    index: int = 0
    anchors: list[tuple[int, int, str]] = field(default_factory=list)  # visible link text: start, end, href
    hidden_anchors: list[tuple[int, int, str]] = field(default_factory=list)  # the same for hidden links
    code: list[tuple[int, int]] = field(default_factory=list)  # text of <code>/<pre>/<kbd>/<samp>: start, end
    _visible: str | None = field(default=None, repr=False)
    prose: float = field(default=-1.0, repr=False)  # select.prose_value's, once known (-1: not yet)

    @property
    def visible(self) -> str:
        """The text a reader sees: hidden segments left out (what content selection judges).
        Computed once: selection asks for it millions of times on a large page."""
        if not self.hidden:
            return self.text
        if self._visible is None:
            parts, pos = [], 0
            for start, end, _root, _technique in self.hidden:
                parts.append(self.text[pos:start])
                pos = end
            parts.append(self.text[pos:])
            self._visible = "".join(parts).strip()
        return self._visible


class _Builder:
    """Collects segments of the current block and flushes them as a :class:`Block`."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        # text, hidden, href of the link it is in ("" outside links), pre, code (inside a code element)
        self.segs: list[tuple[str, tuple[Node, str] | None, str, bool, bool]] = []
        self.links = 0

    def flush(self, node: Node) -> None:
        if not self.segs:
            return
        segs, self.segs = self.segs, []
        links, self.links = self.links, 0
        if all(text.isspace() for text, _hid, _href, _pre, _code in segs):
            return  # white space between tags (most flushes): it collapses to nothing below too
        parts: list[str] = []
        hidden: list[HiddenSeg] = []
        anchors: list[tuple[int, int, str]] = []
        hidden_anchors: list[tuple[int, int, str]] = []
        code: list[tuple[int, int]] = []
        link_chars = 0
        length = 0
        space = True  # collapse leading space
        for text, hid, href, pre, in_code in segs:
            if not pre:
                if "\n" in text or "  " in text or "\t" in text or "\r" in text or "\f" in text:
                    text = SPACE.sub(" ", text)  # most text has single spaces only: nothing to collapse
                if space and text.startswith(" "):
                    text = text[1:]
            if not text:
                continue
            start = length
            parts.append(text)
            length += len(text)
            space = text.endswith((" ", "\n"))
            if href and hid is None:  # hidden links are judged by html_hidden, not as navigation
                link_chars += len(text)
                _add_anchor(anchors, start, length, href)
            elif href:
                _add_anchor(hidden_anchors, start, length, href)
            if hid is not None:
                _add_hidden(hidden, start, length, hid)
            if in_code:
                if code and code[-1][1] == start:
                    code[-1] = (code[-1][0], length)
                else:
                    code.append((start, length))
        text = "".join(parts)
        stripped = text.rstrip()
        if not stripped.strip():
            return
        hidden = [(s, min(e, len(stripped)), r, t) for s, e, r, t in hidden if s < len(stripped)]
        anchors = [(s, min(e, len(stripped)), h) for s, e, h in anchors if s < len(stripped)]
        hidden_anchors = [(s, min(e, len(stripped)), h) for s, e, h in hidden_anchors if s < len(stripped)]
        code = [(s, min(e, len(stripped))) for s, e in code if s < len(stripped)]
        self.blocks.append(Block(node, stripped, link_chars, links, hidden, len(self.blocks), anchors,
                                 hidden_anchors, code))


def _add_anchor(anchors: list[tuple[int, int, str]], start: int, end: int, href: str) -> None:
    if anchors and anchors[-1][2] == href and anchors[-1][1] == start:
        anchors[-1] = (anchors[-1][0], end, href)
    else:
        anchors.append((start, end, href))


def _add_hidden(hidden: list[HiddenSeg], start: int, end: int, hid: tuple[Node, str]) -> None:
    if hidden and hidden[-1][2] is hid[0] and hidden[-1][1] == start:
        hidden[-1] = (hidden[-1][0], end, hid[0], hid[1])
    else:
        hidden.append((start, end, hid[0], hid[1]))


def _hiding(el: Any, tag: str, sheet: StyleSheet | None, parent: Node | None) -> tuple[str | None, Colour | None]:
    """The technique hiding ``el`` (or None) and the background it paints for its children;
    ``sheet`` is None when the page's stylesheet hides nothing."""
    inherited = parent.background if parent is not None else None
    if el.get("hidden") is not None:
        return "hidden-attribute", inherited
    if tag == "noscript":
        return "noscript", inherited
    style = el.get("style")
    decls = parse_declarations(style) if style else {}
    own_bg = background(decls) if decls else None
    bg = own_bg or inherited
    if decls:
        technique = techniques(decls)
        if technique:
            return technique, bg
        colour = parse_colour(decls.get("color"))
        if colour is not None and same_colour(colour, bg or WHITE):
            return "same-colour", bg
    if sheet is not None:
        cls = el.get("class")
        technique = sheet.match(tag, el.get("id"), cls.split() if cls else ())
        if technique == "zero-size":  # a class the page's own CSS shrinks to nothing: a closed accordion
            return "collapsed", bg
        if technique:
            return technique, bg
    return None, bg


class _ContentTest:
    """Is a benignly hidden element the page's own content? Either prose (80 characters or more,
    a sentence, few links), or, shorter and without links, hidden the same way as a sibling that
    is such prose (:meth:`kin`): a section's heading that fades in with its paragraph. Each
    element's text is read once; the total read is capped at a few times the page, so nested
    hidden elements cannot make the walk quadratic (past the cap, hidden stays hidden)."""

    def __init__(self, budget: int, sheet: StyleSheet | None, benign_is_content: bool = False) -> None:
        self.budget = budget
        self.sheet = sheet
        self.benign_is_content = benign_is_content
        self.kin_keys: dict[Any, set[tuple[str, str]]] = {}  # parent -> its children's shapes and hiding

    def __call__(self, el: Any, technique: str) -> bool:
        if technique not in BENIGN or self.budget <= 0:
            return False
        if self.benign_is_content:
            return True
        return self._prose(el) or self.kin(el, technique)

    def _prose(self, el: Any) -> bool:
        text = "".join(el.itertext())
        self.budget -= len(text)
        words = " ".join(text.split())
        if len(words) < CONTENT_MIN_CHARS or not SENTENCE.search(words):
            return False
        links = sum(len(" ".join("".join(a.itertext()).split())) for a in el.iter("a"))
        return links <= CONTENT_MAX_LINKS * len(words)

    def kin(self, el: Any, technique: str) -> bool:
        """Is ``el`` hidden the way its page hides its own content beside it: built like a sibling
        that shows (same tag and class: the other panels of a set of tabs), or, without links,
        hidden the same way as a sibling that is prose hidden benignly (the same technique and
        inline style, or a class in common when the page's stylesheet hides it: a heading that
        fades in with its paragraph)? An injection would have to copy how the page's own
        content is built or hidden, next to it."""
        parent = el.getparent()
        if parent is None:
            return False
        known = self.kin_keys.get(parent)
        if known is None:
            keys: set[tuple[str, str]] = set()
            for sib in parent:
                tag = sib.tag
                if sib is el or not isinstance(tag, str):
                    continue
                hiding, _bg = _hiding(sib, tag.lower(), self.sheet, None)
                if hiding is None:
                    if sib.get("class") and (sib.text or len(sib)):
                        keys.add(_shape(sib))
                elif hiding in BENIGN and self.budget > 0 and self._prose(sib):
                    keys.update(_hide_keys(sib, hiding))
            self.kin_keys[parent] = known = keys
        if el.get("class") and _shape(el) in known:
            return True
        return next(el.iter("a"), None) is None and any(k in known for k in _hide_keys(el, technique))


def _shape(el: Any) -> tuple[str, str]:
    """Tag and class (numbers dropped) of an element that shows: what the panels of a set of tabs share."""
    return "shape:" + str(el.tag), DIGITS.sub("", el.get("class") or "")


def _hide_keys(el: Any, technique: str) -> list[tuple[str, str]]:
    """How ``el`` hides: its technique with its inline style when it has one, else with each class;
    the ``hidden`` attribute, with the tag (the other panels of a set of tabs)."""
    if technique == "hidden-attribute":
        return [(technique, "<" + el.tag)]
    style = el.get("style")
    if style:
        return [(technique, "".join(style.split()).lower())]
    return [(technique, "." + c) for c in (el.get("class") or "").split()]


def _own_colour(el: Any) -> bool:
    """Does ``el`` set the colour of its text (inline)? Inside text coloured like its background,
    such an element is judged again: a code block's white text is hidden on a page read as white,
    the highlighted words in it are not (what injected text hides in keeps its colour)."""
    style = el.get("style")
    return bool(style) and "color" in style and parse_colour(parse_declarations(style).get("color")) is not None


def _item_after_item(el: Any) -> bool:
    """Does an inline element follow, with nothing between them, a sibling of the same tag and class?
    Such runs are items that the page's CSS sets apart (a film's year, running time and rating;
    a post's tags): a reader sees them apart, so their words are not run together."""
    cls = el.get("class")
    if not cls:
        return False
    prev = el.getprevious()
    return prev is not None and not prev.tail and prev.tag == el.tag and prev.get("class") == cls


def _holds_prose(el: Any) -> bool:
    """Does a ``<button>`` hold paragraphs? Only after the parser's repair of an unclosed button,
    which puts the rest of the page (the article too) inside it: then it is read like a ``<div>``."""
    return el.find(".//p") is not None


def walk(root: Any, sheet: StyleSheet, page_chars: int = 1 << 20, benign_is_content: bool = False) -> list[Block]:
    """The blocks of the page under ``root`` (usually ``<html>``), in document order.
    ``page_chars`` (the page's length) bounds the text read to judge hidden elements;
    ``benign_is_content`` reads everything hidden the way pages hide their own content
    (display:none, opacity:0…) as visible."""
    b = _Builder()
    flush = b.flush
    rules = sheet if sheet else None  # asked once, not per element
    content = _ContentTest(4 * page_chars, rules, benign_is_content)
    stack: list[Node] = []
    hrefs: list[str] = []  # the open links' targets, innermost last
    link = ""  # the innermost open link's target ("" outside links)
    pre_depth = 0
    code_depth = 0  # inside <code>, <pre>, <kbd> or <samp>: a program's text, which prose rules leave alone
    walker = etree.iterwalk(root, events=("start", "end"))
    skip_subtree = walker.skip_subtree
    for event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        tag = tag.lower()
        if event == "start":
            parent = stack[-1] if stack else None
            if tag in SKIP and not (tag == "button" and _holds_prose(el)):
                skip_subtree()
                stack.append(Node(el, tag, parent, len(stack)))
                continue
            node = Node(el, tag, parent, len(stack))
            if parent is not None and parent.hidden is not None and not (
                    parent.hidden[1] == "same-colour" and _own_colour(el)):
                node.hidden = parent.hidden  # inside hidden text, how it hides (its background) cannot matter
            else:  # (but text in a colour of its own inside text coloured like its background shows)
                technique, node.background = _hiding(el, tag, rules, parent)
                if technique is not None and not content(el, technique):
                    node.hidden = (node, technique)
            if tag in BLOCK:
                flush(parent or node)
            elif b.segs and _item_after_item(el) and not b.segs[-1][0][-1:].isspace():
                b.segs.append((" ", node.hidden, link, False, False))
            stack.append(node)
            if tag in CODE:
                code_depth += 1
            if tag == "a":
                href = el.get("href")
                if href is not None and SHARE_INTENT.match(href):
                    hrefs.append(link)  # no link of its own: its end restores the enclosing one
                    if len("".join(el.itertext()).split()) <= SHARE_LABEL_WORDS:
                        skip_subtree()  # a share button ("Tweet", "Click to tweet")
                        continue
                elif href is not None:
                    link = href.strip() or "#"
                    hrefs.append(link)
                    b.links += 1
            elif tag == "pre":
                pre_depth += 1
            elif tag == "br":
                b.segs.append(("\n", node.hidden, "", True, code_depth > 0))
            text = el.text
            if text:
                b.segs.append((text, node.hidden, link, pre_depth > 0, code_depth > 0))
        else:
            node = stack.pop()
            if tag not in SKIP:
                if tag in BLOCK:
                    flush(node)
                if tag == "a" and el.get("href") is not None:
                    hrefs.pop()
                    link = hrefs[-1] if hrefs else ""
                elif tag == "pre":
                    pre_depth -= 1
                if tag in CODE:
                    code_depth -= 1
            if stack:
                text = el.tail
                if text:
                    b.segs.append((text, stack[-1].hidden, link, pre_depth > 0, code_depth > 0))
    if stack:
        b.flush(stack[0])
    return b.blocks


SHOWN_TEXT = 40  # characters of visible text from which a page shows something of its own


def read_blocks(root: Any, sheet: StyleSheet, page_chars: int) -> list[Block]:
    """The page's blocks; when it shows next to no text at all but hides some the way a page hides
    its own content (the whole page at ``opacity:0`` until a script fades it in), that text is read
    as visible: the hidden rule never empties a page. A page that shows text of its own keeps its
    hidden menus and link lists hidden, however long they are."""
    blocks = walk(root, sheet, page_chars)
    if sum(len(b.visible) for b in blocks) >= SHOWN_TEXT:
        return blocks
    if any(t in BENIGN for b in blocks for _s, _e, _r, t in b.hidden):
        return walk(root, sheet, page_chars, benign_is_content=True)
    return blocks


def ancestors(node: Node | None) -> Iterator[Node]:
    while node is not None:
        yield node
        node = node.parent
