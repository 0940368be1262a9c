"""Which blocks are the article: score containers by the prose they hold, keep the best one's blocks.

Readability's idea, in our words: every block that reads like prose (long, with commas and
sentence ends, few links) votes for the elements above it, the nearest most. The element with the
most votes, discounted by its share of link text and nudged by what its class/id says
(``article-body`` up, ``comments`` down), is the article's container. Siblings of that container that
carry prose of their own join it (articles split into several ``<div>``s around an ad). Inside, blocks
in page furniture (share bars, related-links lists, captions, bylines, newsletter boxes) and
link lists are dropped. Recall comes first: when in doubt, a block stays.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

from .blocks import Block, Node, ancestors

BOILER_TAGS = frozenset({"nav", "footer", "aside", "header", "menu", "figcaption", "form", "dialog", "address"})
BOILER_WORDS = (
    r"comments?|share|sharing|social|related|recommend\w*|newsletter|subscri\w*|signup|sign-up|promo\w*|"
    r"advert\w*|ads?|ad-?slot|sponsor\w*|sidebar|widget|footer|masthead|nav|navbar|navigation|menu|"
    r"breadcrumbs?|byline|author|authors|tags?|taglist|caption|credits?|popup|modal|cookies?|consent|"
    r"banner|toolbar|pagination|pager|trending|popular|outbrain|taboola|disqus|print|skip|"
    r"more-stories|read-more|readmore|most-read|mostread|topics|keywords|timestamp|dateline|meta|"
    r"rail|overlay|paywall|tooltip|hidden|visually-hidden|sr-only|screen-reader-text|inline-ad|"
    r"newsletter-signup|author-bio|bio|about-author|follow|video|gallery|photo|image|img|figure|media"
)
BOILER = regex.compile(rf"(?:^|[-_\s])(?:{BOILER_WORDS})(?:$|[-_\s\d])", regex.I)
CONTENT = regex.compile(
    r"(?:^|[-_\s])(?:article|articlebody|article-body|body|content|entry|main|post|story|text|blog|"
    r"story-body|post-content|entry-content|article-content|prose|rich-text|richtext)(?:$|[-_\s\d])", regex.I)
NEGATIVE = regex.compile(
    r"(?:^|[-_\s])(?:comment|comments|footer|footnote|sidebar|related|share|social|sponsor|widget|"
    r"promo|ad|ads|advert|nav|menu|rail|outbrain|taboola|recommend|trending|popular)(?:$|[-_\s\d])", regex.I)
PUNCT = regex.compile(r"[,.;:!?，。、；：！？]")
MIN_PROSE = 25  # characters a block needs to vote
CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")


def _names(node: Node) -> str:
    el = node.el
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def class_weight(node: Node) -> float:
    names = _names(node)
    if not names.strip():
        return 0.0
    weight = 0.0
    if NEGATIVE.search(names):
        weight -= 25
    if CONTENT.search(names):
        weight += 25
    return weight


def prose_value(block: Block) -> float:
    """How much a block reads like article prose (0: not at all)."""
    text = block.text
    length = len(text)
    if CJK.search(text[:200]):
        length *= 3  # a CJK character carries about as much as a Latin word's three letters
    if length < MIN_PROSE or block.link_chars > 0.5 * len(text) or block.hidden:
        return 0.0
    return 1 + len(PUNCT.findall(text)) + min(length / 100, 3)


def score_nodes(blocks: Sequence[Block]) -> list[Node]:
    """Give each ancestor of a prose block its votes; return the voted nodes."""
    voted: dict[int, Node] = {}
    for block in blocks:
        for node in ancestors(block.node):
            node.chars += len(block.text)
            node.link_chars += block.link_chars
        value = prose_value(block)
        if not value:
            continue
        node = block.node
        if node.tag not in ("p", "pre", "td", "blockquote", "li", "h2", "h3"):
            node = node  # loose text: the element itself is the container
        for level, anc in enumerate(ancestors(node.parent if node.tag in ("p", "pre", "td", "blockquote") else node)):
            if level > 4:
                break
            anc.score += value / (1 if level == 0 else 2 if level == 1 else level * 3)
            voted[id(anc)] = anc
    return list(voted.values())


def final_score(node: Node) -> float:
    density = node.link_chars / node.chars if node.chars else 0.0
    return (node.score + class_weight(node)) * (1 - density)


def best_container(blocks: Sequence[Block]) -> Node | None:
    nodes = score_nodes(blocks)
    if not nodes:
        return None
    return max(nodes, key=final_score)


def is_boiler(node: Node) -> bool:
    if node.tag in BOILER_TAGS:
        return True
    names = _names(node)
    return bool(names.strip()) and BOILER.search(names) is not None and not CONTENT.search(names)


def inside(node: Node, container: Node) -> tuple[bool, bool]:
    """``(under container, under furniture between the block and the container)``."""
    boiler = False
    for anc in ancestors(node):
        if anc is container:
            return True, boiler
        if is_boiler(anc):
            boiler = True
    return False, boiler


def select(blocks: Sequence[Block]) -> list[Block]:
    """The blocks of the article, in page order (visible and hidden alike)."""
    top = best_container(blocks)
    if top is None:
        return list(blocks)
    containers = [top]
    if top.parent is not None:
        threshold = max(10.0, final_score(top) * 0.2)
        containers = [top]
        for block in blocks:
            anc = block.node
            while anc is not None and anc.parent is not top.parent:
                anc = anc.parent
            if anc is not None and anc is not top and final_score(anc) >= threshold and anc not in containers:
                containers.append(anc)
    out = []
    for block in blocks:
        for c in containers:
            under, boiler = inside(block.node, c)
            if under:
                if not boiler and (block.link_chars <= 0.5 * len(block.text) or block.hidden):
                    out.append(block)
                break
    return out
