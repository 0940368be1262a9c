"""What content selection knows about each block: one row of numbers per block.

The features describe a block by its own text (length, link share, punctuation), by the elements
above it (``<nav>``, ``<footer>``, ``<main>``, ``<article>``, class names that say comment, footer or
content…), by where it stands against the container that holds the page's most prose
(:func:`.select.container`), and by its neighbours (a short line between two paragraphs is part of
the article; a short line among links is navigation). A logistic model trained on pages of
several types (``train/html_blocks.py``) weighs them: what makes a block content is learned from
the structure of many sites, not written down per site.

Each ancestor's flags are computed once and inherited down the tree (memoised per node), so the
whole table costs one pass over the blocks and their unseen ancestors.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterator, Sequence
from typing import Any

import regex

from .blocks import Block, Node
from .select import BOILER_TAGS, _names, name_facts  # select imports this module only inside its functions

# one bit per fact about an element, inherited by everything below it
NAV, FOOTER, ASIDE, HEADER, FORM, MAIN, ARTICLE, FURN, BOILER, CONTENT, COMMENT, LIST, TABLE, HEADING_BOX = (
    1 << i for i in range(14))
ROLES = {"navigation": NAV, "menu": NAV, "menubar": NAV, "contentinfo": FOOTER, "complementary": ASIDE,
         "banner": HEADER, "main": MAIN, "article": ARTICLE, "search": FORM, "dialog": FURN}
TAGS = {"nav": NAV, "menu": NAV, "footer": FOOTER, "aside": ASIDE, "header": HEADER, "form": FORM,
        "main": MAIN, "article": ARTICLE, "ul": LIST, "ol": LIST, "dl": LIST, "table": TABLE, "dialog": FURN,
        "hgroup": HEADING_BOX}
COMMENT_NAME = regex.compile(r"(?:^|[-_\s])(?:comments?|replies|reply|posts?|messages?|thread|answers?|reviews?|"
                             r"topic|discussion|cooked)(?:$|[-_\s\d])", regex.I)
ARTICLE_PROP = regex.compile(r"articleBody|text|reviewBody|description", regex.I)
COPYRIGHT = regex.compile(r"©|\(c\)\s*\d{4}|copyright|all rights reserved", regex.I)
SENTENCE_END = regex.compile(r"[.!?。！？…:\"”)]$")
PUNCT = regex.compile(r"[,.;:!?，。、；：！？]")
DIGIT = regex.compile(r"\d")
CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
TAG_GROUPS = (("p",), ("h1",), ("h2", "h3"), ("h4", "h5", "h6"), ("li", "dt", "dd"), ("td", "th"),
              ("pre", "code"), ("blockquote",))

FEATURES = (
    "length", "words", "link_share", "link_dense", "punct", "sentence_end", "digits", "copyright",
    "tag_p", "tag_h1", "tag_h23", "tag_h456", "tag_li", "tag_td", "tag_pre", "tag_quote",
    "in_nav", "in_footer", "in_aside", "in_header", "in_header_of_article", "in_form", "in_main",
    "in_article", "furniture_name", "boiler_name", "content_name", "comment_name", "in_list", "in_table",
    "in_container", "container_furniture", "outside_container", "card", "distance", "position",
    "near_links", "near_prose", "page_container_share", "page_blocks", "repeated_text", "container_depth",
    # the same facts weighed by how much of the page one container holds: on an article page, what
    # lies outside it, link lists and reader comments are furniture; on a listing or a forum they
    # are the content
    "outside_x_share", "dense_x_share", "card_x_share", "comment_x_share", "inside_x_share",
    # chosen by the container rule alone (the prose container's blocks less furniture, link lists
    # and teaser cards: what selected article text before the model, F1 .966 on news pages)
    "container_rule",
    # the page's own statement of its text: the block's text is in the JSON-LD's articleBody,
    # text or reviewBody (a forum's DiscussionForumPosting, a QAPage's answers, a news article)
    "in_structured", "page_structured",
    # one of three or more alike siblings (same tag and class) that hold prose: a forum's posts,
    # a listing's items, a product's reviews; how much prose such a unit holds
    "in_repeat", "repeat_prose",
)


OUTSIDE_F, DENSE_F, CARD_F, COMMENT_F, INSIDE_F = (FEATURES.index(f) for f in (
    "outside_container", "link_dense", "card", "comment_name", "in_container"))


def _own_flags(node: Node) -> int:
    el = node.el
    flags = TAGS.get(node.tag, 0)
    role = el.get("role")
    if role:
        flags |= ROLES.get(role.strip().lower(), 0)
    prop = el.get("itemprop")
    if prop and ARTICLE_PROP.search(prop):
        flags |= ARTICLE
    names = _names(node)
    if node.tag not in ("html", "body") and names.strip():
        content, boiler, furniture = name_facts(names)
        if content:
            flags |= CONTENT
        elif (boiler or node.tag in BOILER_TAGS) and node.tag not in TAGS:
            flags |= BOILER
        if furniture:
            flags |= FURN
        if _comment_name(names):
            flags |= COMMENT
    return flags


@functools.lru_cache(maxsize=8192)
def _comment_name(names: str) -> bool:
    return COMMENT_NAME.search(names) is not None


class Flags:
    """Inherited flags of nodes, memoised: a node's flags are its own ``|`` its parent's."""

    def __init__(self) -> None:
        self.memo: dict[int, int] = {}

    def __call__(self, node: Node | None) -> int:
        path: list[Node] = []
        flags = 0
        while node is not None:
            known = self.memo.get(id(node))
            if known is not None:
                flags = known
                break
            path.append(node)
            node = node.parent
        for n in reversed(path):
            flags |= _own_flags(n)
            self.memo[id(n)] = flags
        return flags


STRUCTURED_KEYS = frozenset({"articleBody", "text", "reviewBody"})
MIN_STRUCTURED = 100  # characters a JSON-LD text needs to count
TAG = regex.compile(r"<[^>]*>")
NON_WORD = regex.compile(r"[\W_]+")
REPEAT_LEVELS = 6  # how far above a block its repeated unit (a post, an item) may start


def squash(text: str) -> str:
    """Lower-case word characters only: what two renderings of the same text share."""
    return str(NON_WORD.sub("", text)).lower()


def _json_ld(root: Any) -> Iterator[dict[str, Any]]:
    """Every object of the page's JSON-LD scripts (nested ones too); a script that is no JSON is skipped."""
    for el in root.iter("script"):
        if (el.get("type") or "").strip().lower() != "application/ld+json" or not el.text:
            continue
        try:
            stack: list[Any] = [json.loads(el.text)]
        except ValueError:
            continue
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                yield item
                stack.extend(v for v in item.values() if isinstance(v, dict | list))
            elif isinstance(item, list):
                stack.extend(item)


def structured_text(root: Any) -> str:
    """The squashed texts the page states in its JSON-LD (``articleBody``, ``text``, ``reviewBody``
    of ``MIN_STRUCTURED`` characters or more, markup stripped), joined; "" when it states none."""
    return "\n".join(squash(TAG.sub(" ", value)) for item in _json_ld(root) for key, value in item.items()
                     if key in STRUCTURED_KEYS and isinstance(value, str) and len(value) >= MIN_STRUCTURED)


# What a page calls itself when it is an article: Open Graph's ``og:type`` or a JSON-LD type
# (schema.org's Article and its kinds: NewsArticle, BlogPosting, TechArticle, Report…).
ARTICLE_TYPE = regex.compile(r"\w*article|\w*blogposting|report", regex.I)


def declares_article(root: Any) -> bool:
    """Does the page say that it is an article (``og:type`` "article", a JSON-LD Article type)?"""
    for el in root.iter("meta"):
        if (el.get("property") or el.get("name") or "").strip().lower() == "og:type":
            if (el.get("content") or "").strip().lower() == "article":
                return True
    for item in _json_ld(root):
        kinds = item.get("@type")
        for kind in [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []:
            if isinstance(kind, str) and ARTICLE_TYPE.fullmatch(kind.rsplit("/", 1)[-1]):
                return True
    return False


def _in_structured(text: str, body: str) -> float:
    """Is the block's text (its first 80 word characters; 20 at least) in the JSON-LD texts?"""
    if not body:
        return 0.0
    key = squash(text)[:80]
    return float(len(key) >= 20 and key in body)


def _repeat_units(blocks: Sequence[Block], prose: Sequence[bool]) -> list[float]:
    """For each block, the prose characters of the nearest repeated unit above it (one of three
    or more alike siblings, :func:`.select._repeated`), ``-1`` when it has none."""
    from .select import _repeated

    units: list[Node | None] = []
    mass: dict[int, int] = {}
    cache: dict[Any, Any] = {}
    nearest: dict[int, tuple[Node | None, int]] = {}  # node -> its nearest repeated ancestor, levels up

    def find(node: Node) -> tuple[Node | None, int]:
        path: list[Node] = []
        got: tuple[Node | None, int] = (None, 0)
        anc: Node | None = node
        while anc is not None:
            known = nearest.get(id(anc))
            if known is not None:
                got = known
                break
            if anc.tag in ("body", "html"):
                break
            if _repeated(anc, cache):
                got = (anc, 0)
                nearest[id(anc)] = got
                break
            path.append(anc)
            anc = anc.parent
        for n in reversed(path):  # from the top down, one level further each
            got = (got[0], got[1] + 1) if got[0] is not None else got
            nearest[id(n)] = got
        return got

    for block, is_prose in zip(blocks, prose, strict=True):
        found, levels = find(block.node)
        unit = found if found is not None and levels <= REPEAT_LEVELS else None
        units.append(unit)
        if unit is not None and is_prose:
            mass[id(unit)] = mass.get(id(unit), 0) + len(block.visible)
    return [-1.0 if u is None else float(mass.get(id(u), 0)) for u in units]


def _text_features(text: str, link_chars: int) -> list[float]:
    n = len(text)
    weight = 3 if CJK.search(text[:200]) else 1
    share = link_chars / n if n else 0.0
    return [
        math.log1p(n * weight), math.log1p(len(text.split()) * weight), share, float(share > 0.5),
        min(len(PUNCT.findall(text)) * 100 / max(n * weight, 1), 10.0), float(bool(SENTENCE_END.search(text))),
        len(DIGIT.findall(text)) / n if n else 0.0, float(n < 200 and bool(COPYRIGHT.search(text))),
    ]


def _tag_features(tag: str) -> list[float]:
    return [float(tag in group) for group in TAG_GROUPS]


def _flag_features(flags: int) -> list[float]:
    header = bool(flags & HEADER)
    in_body = bool(flags & (ARTICLE | MAIN))
    return [float(bool(flags & NAV)), float(bool(flags & FOOTER)), float(bool(flags & ASIDE)),
            float(header and not in_body), float(header and in_body), float(bool(flags & FORM)),
            float(bool(flags & MAIN)), float(bool(flags & ARTICLE)), float(bool(flags & FURN)),
            float(bool(flags & BOILER)), float(bool(flags & CONTENT)), float(bool(flags & COMMENT)),
            float(bool(flags & LIST)), float(bool(flags & TABLE))]


def table(blocks: Sequence[Block], top: Node | None, cards: set[int], placements: Sequence[int],
          container_share: float, rule: set[int], only: set[int] | None = None) -> list[list[float] | None]:
    """One feature row per block (``FEATURES`` order). ``placements``: each block's place against
    the container (``select.KEPT`` / ``FURNITURE`` / ``OUTSIDE``); ``container_share``: the share of
    the page's prose inside it; ``rule``: the blocks the container rule alone would keep; ``only``:
    the positions whose rows are wanted (None: all; the others' rows are None)."""
    from .select import FURNITURE, KEPT, LINK_DENSE, OUTSIDE, prose_value

    n = len(blocks)
    if only is not None and not only:
        return [None] * n
    flags = Flags()
    visible = [b.visible for b in blocks]
    dense = [len(v) > 0 and b.link_chars > LINK_DENSE * len(v) for b, v in zip(blocks, visible, strict=True)]
    prose = [prose_value(b) > 0 for b in blocks]
    seen: dict[str, int] = {}
    for v in visible:
        seen[v] = seen.get(v, 0) + 1
    inside = [i for i, p in enumerate(placements) if p == KEPT]
    first, last = (inside[0], inside[-1]) if inside else (n, -1)
    depth = top.depth if top is not None else 0
    body = structured_text(blocks[0].node.el.getroottree().getroot()) if blocks else ""
    repeat = _repeat_units(blocks, prose)
    rows: list[list[float] | None] = []
    page = [container_share, math.log1p(n)]
    for i, block in enumerate(blocks):
        if only is not None and i not in only:
            rows.append(None)
            continue
        text = visible[i]
        lo, hi = max(0, i - 2), min(n, i + 3)
        near = [j for j in range(lo, hi) if j != i]
        distance = 0 if first <= i <= last else min(abs(i - first), abs(i - last))
        row = _text_features(text, block.link_chars) + _tag_features(block.node.tag)
        row += _flag_features(flags(block.node))
        row += [float(placements[i] == KEPT), float(placements[i] == FURNITURE), float(placements[i] == OUTSIDE),
                float(i in cards), math.log1p(distance), i / max(n - 1, 1),
                sum(dense[j] for j in near) / max(len(near), 1), sum(prose[j] for j in near) / max(len(near), 1)]
        row += [*page, float(seen[text] > 1), math.log1p(max(block.node.depth - depth, 0))]
        row += [x * container_share for x in (row[OUTSIDE_F], row[DENSE_F], row[CARD_F], row[COMMENT_F],
                                              row[INSIDE_F])]
        row.append(float(i in rule))
        row += [_in_structured(text, body), float(bool(body))]
        row += [float(repeat[i] >= 0), math.log1p(max(repeat[i], 0.0))]
        rows.append(row)
    return rows
