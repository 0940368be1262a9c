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

BOILER_TAGS = frozenset({"nav", "footer", "aside", "header", "menu", "figcaption", "form", "dialog",
                         "address"})
BOILER_WORDS = (  # each measured on the corpus: it drops far more furniture than article text
    r"comments?|share|sharing|social|related|recommend\w*|newsletter|subscri\w*|signup|sign-up|promo\w*|"
    r"advert\w*|ads?|ad-?slot|sponsor\w*|footer|masthead|nav|navbar|navigation|menu|"
    r"breadcrumbs?|byline|authors|author-bio|about-author|bio|caption|credits?|popup|modal|cookies?|"
    r"consent|banner|toolbar|pagination|pager|trending|popular|outbrain|taboola|disqus|print|skip|"
    r"more-stories|read-more|readmore|most-read|mostread|topics|timestamp|dateline|tooltip|"
    r"sr-only|screen-reader-text|inline-ad|follow|video|gallery|photo|image|img|figure|media"
)
BOILER = regex.compile(rf"(?:^|[-_\s])(?:{BOILER_WORDS})(?:$|[-_\s\d])", regex.I)
CONTENT = regex.compile(
    r"(?:^|[-_\s])(?:article|articlebody|article-body|body|content|entry|main|post|story|text|blog|"
    r"story-body|post-content|entry-content|article-content|prose|rich-text|richtext)(?:$|[-_\s\d])", regex.I)
NEGATIVE = regex.compile(
    r"(?:^|[-_\s])(?:comment|comments|footer|footnote|sidebar|related|share|social|sponsor|widget|"
    r"promo|ad|ads|advert|nav|menu|rail|outbrain|taboola|recommend|trending|popular)(?:$|[-_\s\d])", regex.I)
# what never votes for the article: reader comments and the page's own navigation/footer/asides.
# Narrow on purpose: class names like "one-sidebar" or "has-ads" sit on wrappers of the article.
FURNITURE_TAGS = frozenset({"nav", "footer", "aside", "menu", "dialog"})
# Furniture names: words that name furniture wherever they stand in a class token or id
# ("footer-wrap", "cliSettingsPopup"), and words that do only at its head ("sidebar-right" but not
# "l-sidebar-fixed", a layout class on the article's own wrapper). An element whose names also say
# article/content/body is never furniture.
FURNITURE_NAME = regex.compile(
    r"(?:^|[-_])(?:footer|comments?|commentlist|disqus|popup|modal|cookies?|consent|gdpr|newsletter|"
    r"outbrain|taboola|recirc)(?:$|[-_\d])"
    r"|^(?:site-|page-|global-|main-)?(?:sidebar|related|promo|privacy|respond|replies|subscribe)(?:$|[-_\d])")
CAMEL = regex.compile(r"(?<=[a-z0-9])(?=[A-Z])")
PUNCT = regex.compile(r"[,.;:!?，。、；：！？]")
MIN_PROSE = 25  # characters a block needs to vote
CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")


def _furniture_name(node: Node) -> bool:
    if node.tag in ("html", "body"):
        return False
    names = _names(node)
    if CONTENT.search(names):
        return False
    return any(FURNITURE_NAME.search(t) for t in CAMEL.sub("-", names).lower().split())


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
    text = block.visible
    length = len(text)
    if CJK.search(text[:200]):
        length *= 3  # a CJK character carries about as much as a Latin word's three letters
    if length < MIN_PROSE or block.link_chars > 0.5 * len(text):
        return 0.0
    return 1 + len(PUNCT.findall(text)) + min(length / 100, 3)


def furniture(node: Node, memo: dict[int, bool]) -> bool:
    """Is ``node`` or an ancestor page furniture (nav, footer, aside, reader comments)? Memoised."""
    path: list[Node] = []
    found = False
    for anc in ancestors(node):
        known = memo.get(id(anc))
        if known is not None:
            found = known
            break
        path.append(anc)
        if anc.tag in FURNITURE_TAGS or _furniture_name(anc):
            found = True
            break
    for n in path:
        memo[id(n)] = found
    return found


def score_nodes(blocks: Sequence[Block]) -> list[Node]:
    """Give each ancestor of a prose block its votes (the nearest most); return the voted nodes.

    Blocks in page furniture do not vote: a long comment thread must not outvote a short article."""
    voted: dict[int, Node] = {}
    memo: dict[int, bool] = {}
    for block in blocks:
        for node in ancestors(block.node):
            node.chars += len(block.text)
            node.link_chars += block.link_chars
        value = prose_value(block)
        if not value or furniture(block.node, memo):
            continue
        for level, anc in enumerate(ancestors(block.node.parent)):
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


OUTSIDE, FURNITURE, KEPT = 0, 1, 2


def placement(node: Node, container: Node, memo: dict[int, int]) -> int:
    """``KEPT`` under the container, ``FURNITURE`` under furniture inside it, else ``OUTSIDE``.

    Memoised per node: every block asks about its ancestors, and they are shared."""
    path: list[Node] = []
    state = OUTSIDE
    anc: Node | None = node
    while anc is not None:
        if anc is container:
            state = KEPT
            break
        known = memo.get(id(anc))
        if known is not None:
            state = known
            break
        path.append(anc)
        anc = anc.parent
    for n in reversed(path):  # from the top down: furniture makes everything below it furniture
        if state == KEPT and is_boiler(n):
            state = FURNITURE
        memo[id(n)] = state
    return memo[id(node)] if path else state


LEAF_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote", "pre",
                         "td", "th", "figcaption", "caption"})  # never the article's container themselves
LINK_DENSE = 0.5  # a block with more link text than this share is navigation, not prose
FURNITURE_PENALTY = 1.0  # how much a character of link list or furniture costs a container
LIST_PROSE = 0.5  # prose in list items and table cells counts half (teaser lists, data tables)


def block_weight(block: Block, memo: dict[int, bool]) -> float:
    """What a block adds to a container: its length when it reads as prose, minus when it is a link
    list or sits in page furniture, nothing for short text (headings, datelines). Only the visible
    text counts: a paragraph with a hidden link inside still reads as prose."""
    n = len(block.visible)
    if not n:
        return 0.0
    if block.link_chars > LINK_DENSE * n or furniture(block.node, memo):
        return -FURNITURE_PENALTY * n
    if not prose_value(block):
        return 0.0
    return n * (LIST_PROSE if block.node.tag in ("li", "td", "th", "dd", "dt") else 1.0)


def container(blocks: Sequence[Block]) -> Node | None:
    """The element whose blocks add up to the most prose net of furniture (the deepest on a tie)."""
    memo: dict[int, bool] = {}
    mass: dict[int, float] = {}
    nodes: dict[int, Node] = {}
    for block in blocks:
        w = block_weight(block, memo)
        if not w:
            continue
        start = block.node.parent if block.node.tag in LEAF_BLOCKS and block.node.parent else block.node
        for anc in ancestors(start):
            key = id(anc)
            mass[key] = mass.get(key, 0.0) + w
            nodes[key] = anc
    if not mass:
        return None
    best = max(mass, key=lambda k: (mass[k], nodes[k].depth))
    return nodes[best] if mass[best] > 0 else None


def link_dense(blocks: Sequence[Block]) -> set[int]:
    """Indexes of visible blocks that are mostly link text. A run of text that a hidden element
    splits in two (``… (@name) <div hidden>…</div> <a>16 May</a>``) is judged as one, so a hidden
    injection cannot make the article's own text look like a link list."""
    dense: set[int] = set()
    run: list[Block] = []

    def close() -> None:
        if run and sum(b.link_chars for b in run) > LINK_DENSE * sum(len(b.visible) for b in run):
            dense.update(b.index for b in run)
        run.clear()

    for block in blocks:
        if block.hidden and not block.visible:
            continue  # wholly hidden: neither breaks nor joins a run
        if run and run[-1].node is not block.node:
            close()
        run.append(block)
    close()
    return dense


def select(blocks: Sequence[Block]) -> list[Block]:
    """The blocks of the article, in page order (visible and hidden alike)."""
    top = container(blocks)
    dense = link_dense(blocks)
    if top is None:  # no prose anywhere: every block that is neither furniture nor a link list
        furniture_memo: dict[int, bool] = {}
        return [b for b in blocks if b.index not in dense and not furniture(b.node, furniture_memo)]
    memo: dict[int, int] = {}
    out = []
    for b in blocks:
        where = placement(b.node, top, memo)
        if b.hidden and where != OUTSIDE:  # hidden text anywhere inside the article element is reported
            out.append(b)
        elif where == KEPT and b.index not in dense:
            out.append(b)
    return out
