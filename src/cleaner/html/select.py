"""Which blocks are the article: the element holding the most prose, net of furniture.

Every block that reads like prose (long enough, with sentence punctuation, mostly not link text)
adds its length to each element above it; a block of link list or page furniture (nav, footer,
aside, reader comments, cookie popups…) subtracts its length. The element with the largest sum is
the article's container (the deepest one on a tie), which is how an article split into several
``<div>``s around an ad is taken whole while a footer next to it is not. Teaser cards (a list of
"more stories", each a repeated ``<li>``/``<article>`` with a headline and a one-paragraph summary)
neither vote nor stay. Inside the container, blocks under furniture classes (share bars, captions,
bylines, newsletter boxes: each word measured on the corpus) and link lists are dropped. Text the
page hides is kept when it sits anywhere inside the container, so that it can be reported.
Recall comes first: when in doubt, a block stays.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

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
    return node.tag not in ("html", "body") and name_facts(_names(node))[2]


# Reader comments: furniture on an article page, the content itself on a forum thread, where the
# posts are all the prose there is (``<div class="comments">`` around every post of the thread).
COMMENT_FURNITURE = regex.compile(r"(?:^|[-_])(?:comments?|commentlist|replies|respond)(?:$|[-_\d])")
COMMENT_BOILER = regex.compile(r"(?:^|[-_\s])(?:comments?)(?:$|[-_\s\d])", regex.I)
# Below this share of the page's prose, and this much prose of its own, the container beside the
# comments is no article but a thread's title: a news article over a long comment section is not
THREAD_SHARE = 0.3
THREAD_MASS = 1000


def _comment_furniture(node: Node) -> bool:
    """Is ``node`` furniture only by a comment-section name (no nav/footer/aside tag, no other name)?"""
    if node.tag in FURNITURE_TAGS or not _furniture_name(node):
        return False
    tokens = CAMEL.sub("-", _names(node)).lower().split()
    return not any(FURNITURE_NAME.search(t) and not COMMENT_FURNITURE.search(t) for t in tokens)


def _names(node: Node) -> str:
    el = node.el
    return f"{el.get('class') or ''} {el.get('id') or ''}"


@functools.lru_cache(maxsize=8192)
def name_facts(names: str) -> tuple[bool, bool, bool]:
    """``(content, boiler, furniture)``: what an element's class and id say. Cached by the
    names: the elements of a page share few of them, and each is asked about many times."""
    if not names.strip():
        return False, False, False
    if CONTENT.search(names):
        return True, False, False
    boiler = BOILER.search(names) is not None
    return False, boiler, any(FURNITURE_NAME.search(t) for t in CAMEL.sub("-", names).lower().split())


def prose_value(block: Block) -> float:
    """How much a block reads like article prose (0: not at all). Computed once per block."""
    if block.prose >= 0:
        return block.prose
    block.prose = _prose_value(block)
    return block.prose


def _prose_value(block: Block) -> float:
    text = block.visible
    length = len(text)
    if CJK.search(text[:200]):
        length *= 3  # a CJK character carries about as much as a Latin word's three letters
    if length < MIN_PROSE or block.link_chars > 0.5 * len(text):
        return 0.0
    return 1 + len(PUNCT.findall(text)) + min(length / 100, 3)


def furniture(node: Node, memo: dict[int, bool], comments: bool = True) -> bool:
    """Is ``node`` or an ancestor page furniture (nav, footer, aside, reader comments; without
    ``comments``, reader comments are not)? Memoised (one memo per value of ``comments``)."""
    path: list[Node] = []
    found = False
    for anc in ancestors(node):
        known = memo.get(id(anc))
        if known is not None:
            found = known
            break
        path.append(anc)
        if (anc.tag in FURNITURE_TAGS or _furniture_name(anc)) and (comments or not _comment_furniture(anc)):
            found = True
            break
    for n in path:
        memo[id(n)] = found
    return found


def is_boiler(node: Node, comments: bool = True) -> bool:
    """Is ``node`` furniture inside the article (share bars, captions…; without ``comments``, a
    reader-comment section and a form around the posts are not)?"""
    if node.tag == "header" and name_facts(_names(node))[0] and _paragraphs(node.el, HEADER_PROSE):
        return False  # a section's own header named as content ("section_post-content") holds the post
    if node.tag in BOILER_TAGS:
        return comments or node.tag != "form"  # a thread's posts sit in a moderation form
    return name_facts(_names(node))[1] and (comments or not COMMENT_BOILER.search(_names(node)))


HEADER_PROSE = 3  # paragraphs that make a <header> named as content the post itself, not its title and byline


def _paragraphs(el: Any, n: int) -> bool:
    """Does ``el`` hold ``n`` paragraphs or more?"""
    return any(i + 1 >= n for i, _ in enumerate(el.iter("p")))


OUTSIDE, FURNITURE, KEPT = 0, 1, 2


def placement(node: Node, container: Node, memo: dict[int, int], comments: bool = True,
              prose_boxes: frozenset[Any] | set[Any] = frozenset()) -> int:
    """``KEPT`` under the container, ``FURNITURE`` under furniture inside it, else ``OUTSIDE``.
    An element in ``prose_boxes`` (by id, or by tag and class: :func:`_box`) holds most of the
    container's prose, or is built like one that does: whatever its class says ("banner-layers",
    "media-body"), it is the text and its sections, not a box beside them.

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
        if state == KEPT and is_boiler(n, comments) and not (prose_boxes and (
                id(n) in prose_boxes or _box(n.el) in prose_boxes)):
            state = FURNITURE
        memo[id(n)] = state
    return memo[id(node)] if path else state


LEAF_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote", "pre",
                         "td", "th", "figcaption", "caption"})  # never the article's container themselves
LINK_DENSE = 0.5  # a block with more link text than this share is navigation, not prose
FURNITURE_PENALTY = 1.0  # how much a character of link list or furniture costs a container
LIST_PROSE = 0.5  # prose in list items and table cells counts half (teaser lists, data tables)


def block_weight(block: Block, memo: dict[int, bool], comments: bool = True) -> float:
    """What a block adds to a container: its length when it reads as prose, minus when it is a link
    list or sits in page furniture, nothing for short text (headings, datelines). Only the visible
    text counts: a paragraph with a hidden link inside still reads as prose."""
    n = len(block.visible)
    if not n or script_notice(block.visible):
        return 0.0
    if block.link_chars > LINK_DENSE * n:  # a link list; but a paragraph full of links (a politician's
        # name with a link card in it, at every mention) is not one, and counts for neither side
        return -FURNITURE_PENALTY * n if block.node.tag != "p" or furniture(block.node, memo, comments) else 0.0
    if furniture(block.node, memo, comments):
        return -FURNITURE_PENALTY * n
    if not prose_value(block):
        return 0.0
    return n * (LIST_PROSE if block.node.tag in ("li", "td", "th", "dd", "dt") else 1.0)


TEASER_UNITS = frozenset({"article", "li", "div", "section"})
TEASER_LEVELS = 4  # how far above a paragraph its teaser card may start
CARDS = 3  # siblings alike that make a list of cards
CARD_PROSE = 2  # prose blocks a card may hold (a summary, a dateline)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


DIGITS = regex.compile(r"\d+")


def _signature(el: Any) -> tuple[str, str]:
    """Tag and first class, numbers dropped: the cards of a list share it (``post-7816``, ``post-7908``)."""
    cls = el.get("class")
    return el.tag, _first_class(cls) if cls else ""


@functools.lru_cache(maxsize=8192)
def _first_class(cls: str) -> str:
    """A class attribute's first class, numbers dropped (cached: a page's siblings repeat a few)."""
    classes = cls.split()
    return DIGITS.sub("", classes[0]) if classes else ""


def _repeated(node: Node, cache: dict[Any, Any]) -> bool:
    """Is ``node`` one of three or more siblings of the same tag and class (a card in a list)?

    The signatures of a parent's children are counted once per parent (``cache``), so a page whose
    ``<body>`` has 20,000 children stays linear."""
    key = id(node)
    if key not in cache:
        parent = node.el.getparent()
        sig = _signature(node.el)
        if not sig[1] and node.tag not in ("li", "article"):  # a bare <div> is no card
            cache[key] = False
            return False
        if parent is None:
            cache[key] = False
            return False
        counts = cache.get(("children", parent))
        if counts is None:
            counts = {}
            for c in parent:
                sig_c = _signature(c)
                counts[sig_c] = counts.get(sig_c, 0) + 1
            cache[("children", parent)] = counts
        cache[key] = counts.get(sig, 0) >= CARDS
    return bool(cache[key])


def _headlines(blocks: Sequence[Block], linked: bool = False) -> set[int]:
    """Ids of the elements (a few levels up) above a visible heading or visible link-list block
    (``linked``: above a visible link-list block only)."""
    out: set[int] = set()
    for block in blocks:
        visible = block.visible
        if visible and ((block.node.tag in HEADINGS and not linked) or block.link_chars >= LINK_DENSE * len(visible)):
            for level, anc in enumerate(ancestors(block.node)):
                if level > TEASER_LEVELS + 2:
                    break
                out.add(id(anc))
    return out


def _headline(card: Node, headlines: set[int]) -> bool:
    """Does the card hold a visible headline: a heading, a link line, or an image link?"""
    if id(card) in headlines:
        return True
    return any(next(a.iter("img"), None) is not None for a in card.el.iter("a"))

def teasers(blocks: Sequence[Block], prose: set[int]) -> set[int]:
    """Indexes of prose blocks that are the summary of a teaser card: one of at most two prose
    blocks of a repeated sibling (``<li>``, ``<article>``…) that also holds a headline. Lists of such cards
    ("More stories", other posts) must not outvote the article they follow."""
    count: dict[int, int] = {}
    for block in blocks:
        if block.index in prose:
            for level, anc in enumerate(ancestors(block.node)):
                if level > TEASER_LEVELS:
                    break
                count[id(anc)] = count.get(id(anc), 0) + 1
    out: set[int] = set()
    cache: dict[Any, Any] = {}
    headlines = _headlines(blocks)
    for block in blocks:
        if block.index not in prose:
            continue
        for level, anc in enumerate(ancestors(block.node)):
            if level > TEASER_LEVELS:
                break
            if anc.tag in TEASER_UNITS and count.get(id(anc), 0) <= CARD_PROSE and _repeated(anc, cache) \
                    and _headline(anc, headlines):
                out.add(block.index)
                break
    return out


def questions(blocks: Sequence[Block], cards: set[int]) -> set[int]:
    """The positions (in ``blocks``) of the teaser cards' blocks (``cards``, positions) whose card
    leads nowhere: no link line in it ("Read more", a linked headline) and no image link, only a
    heading over a paragraph. Those are a FAQ's questions and answers, alike siblings too, and they
    are the article's own text: on an article page the model's word (``SURE``) keeps them."""
    linked = _headlines([blocks[i] for i in cards], linked=True)
    cache: dict[Any, Any] = {}
    out: set[int] = set()
    for i in cards:
        for level, anc in enumerate(ancestors(blocks[i].node)):
            if level > TEASER_LEVELS:
                break
            if anc.tag in TEASER_UNITS and _repeated(anc, cache):
                if id(anc) not in linked and not any(next(a.iter("img"), None) is not None for a in anc.el.iter("a")):
                    out.add(i)
                break
    return out


def container(blocks: Sequence[Block]) -> tuple[Node | None, set[int], float, bool, set[int]]:
    """The element whose blocks add up to the most prose net of furniture (the deepest on a tie),
    the indexes of the teaser cards' blocks, which neither vote nor belong to the article, and the
    share of the page's prose that the element holds. When that element holds under
    ``THREAD_SHARE`` of the page's prose (and under ``THREAD_MASS`` characters, and does not say it
    is an article) because the rest sits in reader comments, the page is a
    thread whose posts are its content: the vote is taken again with comments as content, and the
    fourth value says so. The last: the ids of the elements inside it that hold ``PROSE_BOX`` of
    its prose or more (see :func:`placement`)."""
    memo: dict[int, bool] = {}
    weights = {b.index: block_weight(b, memo) for b in blocks}
    found = _vote(blocks, weights)
    if found[0] is None or (found[3] < THREAD_MASS and not _says_article(found[0])
                            and found[3] < THREAD_SHARE * sum(len(b.visible) for b in blocks if prose_value(b))):
        memo = {}
        weights = {b.index: block_weight(b, memo, comments=False) for b in blocks}
        found = _vote(blocks, weights)
        return (*found[:3], True, found[4])
    return (*found[:3], False, found[4])


def _says_article(node: Node) -> bool:
    """Does the element say it holds an article (``<article>``, a class like ``entry-content``)?
    A short post over a long comment section is still an article."""
    return node.tag == "article" or name_facts(_names(node))[0]


def _vote(blocks: Sequence[Block], weights: dict[int, float]
          ) -> tuple[Node | None, set[int], float, float, set[int]]:
    """:func:`container` for given block weights, plus the winner's prose mass and its prose boxes."""
    cards = teasers(blocks, {i for i, w in weights.items() if w > 0})
    mass: dict[int, float] = {}
    nodes: dict[int, Node] = {}
    total = 0.0
    for block in blocks:
        w = 0.0 if block.index in cards else weights[block.index]
        if not w:
            continue
        total += max(w, 0.0)
        start = block.node.parent if block.node.tag in LEAF_BLOCKS and block.node.parent else block.node
        for anc in ancestors(start):
            key = id(anc)
            mass[key] = mass.get(key, 0.0) + w
            nodes[key] = anc
    if not mass:
        return None, cards, 0.0, 0.0, set()
    best = max(mass, key=lambda k: (mass[k], nodes[k].depth))
    if mass[best] <= 0:
        return None, cards, 0.0, 0.0, set()
    boxes: set[Any] = set()
    for k, m in mass.items():
        if m >= PROSE_BOX * mass[best] and nodes[k].depth > nodes[best].depth:
            boxes.add(k)
            if nodes[k].el.get("class"):
                boxes.add(_box(nodes[k].el))
    return nodes[best], cards, mass[best] / total if total else 0.0, mass[best], boxes


def _box(el: Any) -> tuple[str, str]:
    """Tag and class, numbers dropped: what the sections of a page builder's layout share."""
    return el.tag, DIGITS.sub("", el.get("class") or "")


# An element inside the container that holds this share of its prose is the text itself, not
# furniture inside it, whatever its class says (a page builder's "banner-layers" around every
# section of a service page). Chosen on the dev half of web-eval.
PROSE_BOX = 0.5


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


# An article page: its prose container holds more than ARTICLE_SHARE of the page's prose, and the
# container rule keeps at least ARTICLE_CHARS characters, at least PARAGRAPH_SHARE of them in <p>.
# There the container rule (F1 .966 on news pages) decides, and the model only adds blocks it is
# SURE of within NEAR blocks of the container's (a title, a standfirst). Elsewhere (listings,
# forums, product and service pages) the model decides alone. Values chosen on the dev halves of
# web-eval and the corpus: without the article test, related stories and reader comments cost
# the news pages 0.03 F1; with it on every page, listings and forums lose 0.05-0.10.
MIN_PAGE_TEXT = 200
ARTICLE_SHARE = 0.3
ARTICLE_CHARS = 400
PARAGRAPH_SHARE = 0.5
SURE = 0.7
NEAR = 3
LEAD_PARAGRAPHS = 2  # prose paragraphs above the body, in the container, that make a lead (one is a standfirst)
CERTAIN = 0.9  # ... and what it is this sure of anywhere inside the container (a section between teaser cards)
# ... and the article's body (:func:`core`) holds at least this share of the page's visible text, or
# the page says it is an article (og:type, JSON-LD: a short news story on a busy page). Under it,
# the prose is a shop's or a service's blurb beside the page's real content (a product grid,
# feature tiles, a list of courses), which the model keeps and the container rule drops. Chosen on
# the dev halves of web-eval (0.1, 0.15, 0.2, 0.25) and of the corpus (the og:type condition).
BODY_SHARE = 0.2


def _article_page(blocks: Sequence[Block], rule: set[int], share: float) -> bool:
    """Is this an article page?"""
    if not rule:
        return False
    chars = sum(len(blocks[i].visible) for i in rule)
    in_p = sum(len(blocks[i].visible) for i in rule if blocks[i].node.tag == "p")
    return share > ARTICLE_SHARE and chars >= ARTICLE_CHARS and in_p >= PARAGRAPH_SHARE * chars


# The article's own element inside the container: the deepest one that holds this share of the
# container rule's prose. A container that won the vote as the page's <main> also holds what sits
# beside the article there (a paywall's price tiles, a sign-up box, the next post's title), which
# is short text that never votes but stays. Chosen on the dev half of web-eval (0.7, 0.8, 0.9).
CORE = 0.8


def core(blocks: Sequence[Block], rule: set[int]) -> set[int]:
    """The container rule's blocks (positions in ``blocks``) under the deepest element that holds
    ``CORE`` of their prose: the article's body, without its container's other boxes."""
    mass: dict[int, float] = {}
    nodes: dict[int, Node] = {}
    total = 0.0
    for i in rule:
        b = blocks[i]
        if not prose_value(b):
            continue
        w = len(b.visible) * (LIST_PROSE if b.node.tag in ("li", "td", "th", "dd", "dt") else 1.0)
        total += w
        start = b.node.parent if b.node.tag in LEAF_BLOCKS and b.node.parent else b.node
        for anc in ancestors(start):
            mass[id(anc)] = mass.get(id(anc), 0.0) + w
            nodes[id(anc)] = anc
    if not total:
        return rule
    top = max((nodes[k] for k in mass if mass[k] >= CORE * total), key=lambda n: n.depth)
    return {i for i in rule if any(a is top for a in ancestors(blocks[i].node))} or rule


def context(blocks: Sequence[Block]) -> tuple[list[list[float]], list[int], set[int], float]:
    """The feature rows of the blocks (:func:`.features.table`) against the page's prose container,
    each block's placement against that container, the positions (in ``blocks``) of the blocks the
    container rule keeps and the share of the page's prose the container holds."""
    rows, places, rule, share, _cards = _context(blocks)
    return [row for row in rows(None) if row is not None], places, rule, share


def _context(blocks: Sequence[Block]) -> tuple[Callable[[set[int] | None], list[list[float] | None]], list[int],
                                                 set[int], float, set[int]]:
    """:func:`context`, with the rows as a function of the positions whose rows are wanted (None:
    all): on an article page the model need not score the blocks that the container rule keeps
    anyway, nor those far from it (most of a long page); and the positions of the teaser cards' blocks."""
    from .features import table

    top, cards, share, thread, boxes = container(blocks)
    dense = link_dense(blocks)
    memo: dict[int, int] = {}
    places = [placement(b.node, top, memo, not thread, boxes) if top is not None else OUTSIDE for b in blocks]
    if top is None:  # no prose anywhere: every block that is neither furniture nor a link list
        furniture_memo: dict[int, bool] = {}
        rule = {i for i, b in enumerate(blocks) if b.index not in dense and not furniture(b.node, furniture_memo)}
    else:  # the container's blocks that are neither furniture nor link lists nor teaser cards
        rule = {i for i, b in enumerate(blocks) if places[i] == KEPT and b.index not in dense | cards}
    card_at = {i for i, b in enumerate(blocks) if b.index in cards}

    def rows(only: set[int] | None) -> list[list[float] | None]:
        return table(blocks, top, card_at, places, share, rule, only)

    return rows, places, rule, share, card_at


def select(blocks: Sequence[Block], home: str = "") -> list[Block]:
    """The blocks of the article, in page order: on an article page the prose container's, plus
    what the learned block model (:mod:`.model`) is sure of next to it or certain of inside it; on
    other pages those the model scores as content. Only blocks with visible text are judged, so hidden text cannot
    change what is chosen. Wholly hidden blocks (a hidden link list, an off-screen paragraph)
    between the first and the last chosen block stay, so that the ``html_hidden`` rule reports and
    removes them in place. So do runs of link blocks inside the prose container that lead to other
    sites, so that the ``link_farm`` rule can judge them (an SEO link farm is spam, a list of related
    stories is not) instead of them vanishing unreported (``home``: the page's own host, whose
    absolute links do not leave the site; "" when unknown). When nothing is chosen, the container
    rule's blocks are, else every block outside furniture (nav, footer, asides), else, on a page
    with ``MIN_PAGE_TEXT`` characters or more, every block: such a page never comes out empty (a
    page of a few navigation links is still a page without text)."""
    from .features import declares_article
    from .model import shipped

    seen = [b for b in blocks if b.visible]
    if not seen:
        return []
    model = shipped()
    rows_of, places, rule, share, card_at = _context(seen)
    total = sum(len(b.visible) for b in seen)
    body = core(seen, rule) if _article_page(seen, rule, share) else set()
    article = False
    says: list[bool] = []

    def declared() -> bool:  # does the page say it is an article? (read once, only when asked)
        if not says:
            says.append(declares_article(seen[0].node.el.getroottree().getroot()))
        return says[0]

    if total < ARTICLE_CHARS:  # a snippet: the container and the model's choice
        keep = [i in rule or model.content(row) for i, row in enumerate(rows_of(None)) if row is not None]
    elif body and (sum(len(seen[i].visible) for i in body) >= BODY_SHARE * total or declared()):
        # an article page: its body, plus what the model is sure of nearby or certain of inside the
        # container (only those blocks are scored)
        article = True
        lo, hi = min(body) - NEAR, max(body) + NEAR
        ask = {i for i in range(max(lo, 0), min(hi + 1, len(seen))) if i not in body}
        ask.update(i for i, place in enumerate(places) if place == KEPT and i not in body)
        faq = questions(seen, {i for i in card_at if places[i] == KEPT})
        lead = {i for i in rule if i < lo and seen[i].node.tag == "p" and prose_value(seen[i])}
        faq |= lead if len(lead) >= LEAD_PARAGRAPHS else set()
        posts = _posts_alike(seen, body, places)
        ask |= faq | posts
        keep = [i in body or (row is not None and (
            _sure(model.probability(row), lo <= i <= hi or i in faq, places[i])
            or (i in posts and model.probability(row) >= POST_SURE))) for i, row in enumerate(rows_of(ask))]
    else:
        keep = [model.content(row) for row in rows_of(None) if row is not None]
        keep = _kin(seen, keep, rule)
    keep = [k and not script_notice(b.visible) and not PLACEHOLDER.search(b.visible) and not chrome(b.visible)
            for k, b in zip(keep, seen, strict=True)]
    for i in range(len(seen) - 2, -1, -1):  # a heading belongs to the text right under it (a card's title)
        if not keep[i] and keep[i + 1] and seen[i].node.tag in HEADINGS and places[i] != FURNITURE \
                and (not article or _heads(seen[i], seen[i + 1])):
            keep[i] = True
    for i in range(len(seen) - 1 if article else 0):  # ... and on an article page, the title of a list of
        # links that is not kept (other stories' headlines between two paragraphs) goes with it
        if keep[i] and seen[i].node.tag in HEADINGS and not _linky(seen[i]) and _dropped_list(seen, keep, i + 1) \
                and not MORE_STORIES.fullmatch(" ".join(seen[i].visible.split())):  # (that one ends the text: tail)
            keep[i] = False
    chosen = {seen[i].index for i, k in enumerate(keep) if k}
    run: list[int] = []

    def close_run() -> None:
        if sum(_offsite(seen[i], home) for i in run) >= MIN_OFFSITE:
            chosen.update(seen[i].index for i in run)
        run.clear()

    for i, b in enumerate(seen):
        # a run of link blocks, kept or not (a farm the model half keeps is judged whole)
        linky = not keep[i] or b.link_chars > LINK_DENSE * len(b.visible)
        if places[i] == KEPT and b.anchors and not b.hidden and linky:
            run.append(i)
        else:
            close_run()
    close_run()
    if not chosen:  # never empty a page that has text: the container rule, else all but furniture
        memo: dict[int, bool] = {}
        chosen = {seen[i].index for i in rule} or {b.index for b in seen if not furniture(b.node, memo)}
        if not chosen and sum(len(b.visible) for b in seen) >= MIN_PAGE_TEXT:
            chosen = {b.index for b in seen}
        if not chosen:
            return []
    chosen -= repeats([b for b in seen if b.index in chosen])
    chosen -= tail([b for b in seen if b.index in chosen])
    if article and declared():  # a news story's page
        chosen -= headline_list(seen, chosen)
    first, last = min(chosen), max(chosen)
    return [b for b in blocks if b.index in chosen or (first < b.index < last and b.hidden and not b.visible)]


CARD_LEVELS = 2  # how far above a linked heading the card it titles may start


def _linky(block: Block) -> bool:
    return block.link_chars > LINK_DENSE * len(block.visible)


LIST_LINKS = 3  # links that make a list of other pages (a box of other stories' headlines)


def _dropped_list(seen: Sequence[Block], keep: list[bool], start: int) -> bool:
    """Do the blocks from ``start`` on begin with a list of ``LIST_LINKS`` or more links, none kept?"""
    links = 0
    for b, k in zip(seen[start:], keep[start:], strict=False):
        if k or not _linky(b):
            break
        links += b.links
    return links >= LIST_LINKS


def _heads(heading: Block, under: Block) -> bool:
    """Does ``heading`` title the block right under it, on an article page? A heading that is a link
    (another story's headline) titles only text inside its own card (a few levels up): a list of
    linked headlines between two paragraphs of an article ("More from UK") heads nothing, and each of
    its headlines must not be kept for the next one, nor the last for the paragraph after the list.
    (Elsewhere a linked heading heads what follows it: a forum post's author, a docs index's tiles.)"""
    if not _linky(heading):
        return True
    card = heading.node.el
    for _ in range(CARD_LEVELS):
        card = card.getparent() if card.getparent() is not None else card
    el = under.node.el
    return any(a is card for a in el.iterancestors()) and under.node.tag not in HEADINGS


POST_SURE = 0.5  # how sure the model must be of such a post (built like the body's, so less sure than SURE)
POST_LEVELS = 3  # how far above a paragraph the element that holds a post's text may be


def _post_box(node: Node) -> tuple[str, str] | None:
    """Tag and class of the nearest element with a class above a paragraph (within ``POST_LEVELS``)."""
    for level, anc in enumerate(ancestors(node.parent)):
        if level >= POST_LEVELS:
            break
        if anc.el.get("class"):
            return _box(anc.el)
    return None


def _posts_alike(seen: Sequence[Block], body: set[int], places: list[int]) -> set[int]:
    """Positions of the prose blocks outside the container whose text sits in an element built like
    the one that holds the body's paragraphs (same tag and class): the question above a Q&A page's
    answers, the opening post above a thread's replies. The model's word (``SURE``) keeps them."""
    boxes = {_post_box(seen[i].node) for i in body if seen[i].node.tag in ("p", "li")} - {None}
    if not boxes:
        return set()
    return {i for i, b in enumerate(seen) if i not in body and places[i] == OUTSIDE and b.node.tag in ("p", "li")
            and prose_value(b) and _post_box(b.node) in boxes}


def _kin(seen: Sequence[Block], keep: list[bool], rule: set[int]) -> list[bool]:
    """The model's choice, plus the prose blocks of the container built like one it keeps (same tag
    and class): a thread's posts, the items of a list are alike, and a reader takes all or none."""
    kept = {_box(seen[i].node.el) for i in rule if keep[i] and seen[i].node.el.get("class") and prose_value(seen[i])}
    if not kept:
        return keep
    return [k or (i in rule and _box(seen[i].node.el) in kept and bool(prose_value(seen[i])))
            for i, k in enumerate(keep)]


def _sure(p: float, near: bool, place: int) -> bool:
    """Does the model's probability ``p`` add a block to an article's body (near it, or inside the container)?"""
    return (near and p >= SURE) or (place == KEPT and p >= CERTAIN)


# The heading of a list of other stories under the article ("Related articles", "You might also like").
MORE_STORIES = regex.compile(
    r"(?:related(?: (?:posts?|articles?|stories|content|coverage|reading|news))?|related [^.!?:]{1,40}:.*"
    r"|you (?:may|might) (?:also )?(?:like|enjoy)|most (?:popular|read) (?:articles|stories|posts|videos)"
    r"|recommended (?:for you|reading|articles|posts|stories)|also read|keep reading"
    r"|more (?:stories|articles|posts) (?:like this|you might like))[:.!]?", regex.I)
TAIL_SHARE = 0.5  # how much of the chosen text must come before such a heading for it to end the article


def tail(blocks: Sequence[Block]) -> set[int]:
    """The indices of a heading of other stories ("Related articles", "You might also like") and of
    every block after it, when it stands in the second half of the chosen text: where the article
    ends and the teasers of other articles, an author box and a sign-up form follow. Before that
    point such a heading is a page's menu or a box beside the text, and nothing is cut."""
    total = sum(len(b.visible) for b in blocks)
    before = 0
    for n, b in enumerate(blocks):
        if before > TAIL_SHARE * total and MORE_STORIES.fullmatch(" ".join(b.visible.split())):
            return {c.index for c in blocks[n:] if not c.hidden}
        before += len(b.visible)
    return set()


HEADLINE_CHARS = 200  # a headline is shorter than this, has HEADLINE_WORDS words or more, ...
HEADLINE_WORDS = 4
HEADLINE_LINK = 0.25  # ... at least this share of it a link, and it does not end a sentence
TITLE_CHARS = 60  # the title of a list of headlines ("More from the coast") is shorter than this
END = regex.compile(r"[.:;!]\W*$")


def _headline_item(b: Block) -> bool:
    text = b.visible.strip()
    return (b.node.tag in ("li", "p", "div", "h2", "h3", "h4", "h5", "h6") and bool(b.anchors)
            and len(text) <= HEADLINE_CHARS and len(text.split()) >= HEADLINE_WORDS
            and b.link_chars >= HEADLINE_LINK * len(text) and not END.search(text))


def headline_list(blocks: Sequence[Block], chosen: set[int]) -> set[int]:
    """The indices of a list of other stories' headlines after an article's last paragraph (of the
    ``chosen`` blocks): three or more linked lines, none a sentence, one after the other (kept or
    not), with the short title right above them ("More great stories"). They are what a news site
    puts under every story; an article's own list items are sentences or hold little link text.
    Nothing before the last paragraph is touched."""
    last = max((n for n, b in enumerate(blocks)
                if b.index in chosen and b.node.tag == "p" and not _linky(b) and prose_value(b)), default=None)
    if last is None:
        return set()
    run: list[int] = []
    for n in range(last + 1, len(blocks) + 1):
        if n < len(blocks) and _headline_item(blocks[n]) and not blocks[n].hidden:
            run.append(n)
            continue
        if len(run) >= LIST_LINKS:
            while n < len(blocks) and blocks[n].anchors and blocks[n].node.tag == blocks[run[-1]].node.tag \
                    and len(blocks[n].visible.strip()) <= HEADLINE_CHARS:  # its last item may be a sentence
                run.append(n)
                n += 1
            first = run[0]
            title = blocks[first - 1]
            if first - 1 > last and not title.anchors and len(title.visible.strip()) <= TITLE_CHARS \
                    and not END.search(title.visible.strip()):
                run.insert(0, first - 1)
            return {blocks[i].index for i in run}
        run = []
    return set()


# A template's filler text left in the page ("Lorem ipsum dolor sit amet…"): never content.
PLACEHOLDER = regex.compile(r"\blorem ipsum\b", regex.I)

REPEAT_CHARS = 40  # a repeated block this long is a copy of one the reader has seen already


def repeats(blocks: Sequence[Block]) -> set[int]:
    """The indices of blocks that repeat an earlier one word for word (``REPEAT_CHARS`` or more):
    the page's copy of a header or a sign-up box for another screen size, a call to action repeated
    down the page. A reader sees the text once, so it is kept once. Blocks with hidden text are left
    alone, so that the ``html_hidden`` rule still judges them."""
    seen: set[str] = set()
    out: set[int] = set()
    for b in blocks:
        if b.hidden:
            continue
        key = " ".join(b.visible.split())
        if len(key) >= REPEAT_CHARS and key in seen:
            out.add(b.index)
        seen.add(key)
    return out


# A notice that the page needs scripts ("Please enable JavaScript to use this forum."): what a
# script-less reader sees in place of an app, beside the page's own text served in <noscript>.
# Short lines only, so that a tutorial explaining how to enable JavaScript keeps its prose. Such a
# notice neither stays nor votes for the article's container (in <noscript> it reads as prose).
SCRIPT_NOTICE = regex.compile(
    r"\b(?:enable|turn on|activate|allow|requires?|need)\b[^.!?]{0,40}\bjavascript\b"
    r"|\bjavascript\b[^.!?]{0,40}\b(?:disabled|off|required|not enabled|must be enabled)\b", regex.I)
SCRIPT_NOTICE_CHARS = 300


def script_notice(text: str) -> bool:
    """Is a block a notice that the page needs JavaScript (chrome, never content)?

    >>> script_notice("Please enable JavaScript to use this forum."), script_notice("JavaScript is a language.")
    (True, False)
    >>> script_notice("Note that JavaScript is turned off in your browser; turn it on to book.")
    True
    """
    return len(text) <= SCRIPT_NOTICE_CHARS and SCRIPT_NOTICE.search(text) is not None


# A block that is one of the page's controls or labels and nothing else ("Share", "[edit]", "Reply
# with quote", "Advertisement", "Loading…"): never the text, on any page.
UI_LABEL = regex.compile(
    r"advertisements?|advertising|sponsored(?: content)?|(?:skip|close) (?:this )?(?:ad|advert|advertisement)"
    r"|share(?: this(?: article| post| page| story)?)?|share on (?:facebook|twitter|x|linkedin|pinterest)"
    r"|print(?: this (?:article|page|post))?|\[?edit(?: source)?\]?|loading(?:…|\.{1,3})?"
    r"|improve this (?:answer|question)|reply(?: with quote)?|copy link|back to top|scroll to top", regex.I)
# A short note that the page earns from its links (an affiliate disclosure, "chosen by our editors"):
# the site's notice on every page, not the article.
DISCLOSURE = regex.compile(
    r"\bwhen you (?:buy|shop|purchase)\b[^.]{0,40}\b(?:through|via|from|using)\b[^.]{0,20}\blinks"
    r"|\b(?:may|might|can|will|could) (?:earn|receive|get|make) (?:an? )?(?:small |affiliate |sales )?"
    r"(?:commissions?|compensation|share of sales)"
    r"|\b(?:contains?|includes?|may (?:contain|include|use)) affiliate links|\bsupported by commissions"
    r"|\bchosen by (?:an? |our )?(?:\w+ )?editors?\b", regex.I)
CHROME_CHARS = 300


def chrome(text: str) -> bool:
    """Is a block a control's label or a site's disclosure notice (never the text)?

    >>> chrome("Share"), chrome("[edit]"), chrome("Share the cake with your guests.")
    (True, True, False)
    >>> chrome("Disclosure: when you buy through links on this site, we may earn a commission.")
    True
    >>> chrome("Affiliates earn a commission for each sale they refer.")
    False
    """
    squashed = " ".join(text.split())
    return len(squashed) <= CHROME_CHARS and (UI_LABEL.fullmatch(squashed) is not None
                                              or DISCLOSURE.search(squashed) is not None)


MIN_OFFSITE = 3  # links away from the page's site that make a link list worth judging as a link farm


def _offsite(block: Block, home: str = "") -> int:
    """Links of a block that leave the site (absolute, to a host other than ``home``). A run of
    link blocks inside the article holding at least ``MIN_OFFSITE`` of them is kept, so that the
    ``link_farm`` rule can judge it (an SEO link farm is spam, a list of related stories is not)
    instead of it vanishing unreported. A site's absolute links to its own pages (a stock ticker,
    a menu) do not count."""
    from .extract import _external

    return sum(1 for _s, _e, href in block.anchors
               if href.startswith(("http://", "https://", "//")) and _external(href, home))
