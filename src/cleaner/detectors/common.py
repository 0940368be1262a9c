"""Small helpers several detectors share: lexicon loading, contact tails, context look-ups."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, ClassVar

import regex

from .. import urls
from ..budget import checked
from ..lexicon import Lexicon, Terms
from ..rules import Rule
from .base import read_word_list

if TYPE_CHECKING:
    from ..analysis import Analysis
    from ..document import Document

# A contact handle, number or domain right after an ad string, glued or after one space or colon,
# optionally behind a messenger marker: "夜场abcd99.site", "金沙 js8866.app", "Q号：8812345",
# "飞机号 @gz_night", "会所QQ 88996677", "官网tg@hk_night", "娱乐场vip".
_MARKER = r"(?:qq|vx|wx|tg|wechat|weixin|whatsapp|telegram|line|kakao|tel|phone|mobile)"
_TOKEN = (r"(?:@[A-Za-z0-9_]+?(?=(?<=[a-z0-9_])[A-Z][a-z]|[^A-Za-z0-9_]|\Z)"
          r"|[A-Za-z0-9_-]*[0-9][a-z0-9_%-]*(?:\.[a-z]{2,10})*"
          r"|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,10})")
# Bare letters (a marker alone, or "vip" in "娱乐场vip") count only where no Latin prose goes on after
# them (another marker or a handle is no prose: "约茶vx vx: abc12345"): in "The 上海龙凤base is near"
# the letters are the article's word the injection was glued to.
_NO_PROSE_AFTER = rf"(?![ \t]*(?!(?i:{_MARKER})(?![a-z])|{_TOKEN})[A-Za-z]|[.,;:!?'\")\]])"
CONTACT_TAIL = regex.compile(
    rf"(?:[ \t]?(?i:{_MARKER})[ \t]?[:：]?[ \t]?{_TOKEN}|[ \t]?[:：]?[ \t]?{_TOKEN}"
    rf"|(?:(?i:{_MARKER})|[a-z]{{1,6}})(?![a-z0-9]){_NO_PROSE_AFTER})"
    r"(?![a-z0-9])"
)


def load_lexicon(rule: Rule, key: str, lists: Mapping[str, str]) -> Lexicon:
    """``{category: sidecar file}`` from a rule's params → one :class:`Lexicon`."""
    return Lexicon.from_lists({cat: read_word_list(rule, name, key) for cat, name in lists.items()})


def occurrences(text: str, needle: str) -> Iterator[int]:
    """Every offset where ``needle`` starts in ``text`` (overlapping ones too), by substring search:
    where a rule knows the few characters a match starts with, trying only there beats a regex
    that tests every position of the text."""
    i = text.find(needle)
    while i >= 0:
        yield i
        i = text.find(needle, i + 1)


MERGED_MAX = 1024  # characters of one finding that merges many small ones (pattern's merge_gap, mojibake)

# past this many characters searched (words × text), one Aho-Corasick pass over the text finds every
# word's offsets: a substring search per word costs the whole text for each word (0.5 GB/s on prose),
# the automaton one pass for all (~35 MB/s), so it pays from some 70 words on a long text
SEARCH_BUDGET = 1 << 22


def occurrences_of(text: str, words: Iterable[str], search_budget: int | None = None) -> dict[str, list[int]]:
    """``{word: every offset where it starts in text}`` (overlapping ones too, as :func:`occurrences`
    finds them): a substring search per word while that is cheap, else one pass for all words."""
    words = set(words)
    if len(words) * len(text) <= (SEARCH_BUDGET if search_budget is None else search_budget):
        return {w: list(occurrences(text, w)) for w in words}
    terms = Terms(words)
    out: dict[str, list[int]] = {w: [] for w in words}
    for i, first, _end in checked(terms.matches(text), every=1024):
        out[terms.words[i]].append(first)
    return out


def counts_of(text: str, words: Iterable[str], search_budget: int | None = None) -> dict[str, int]:
    """``{word: text.count(word)}`` (occurrences that do not overlap, counted from the left): a
    ``str.count`` per word while that is cheap, else one pass for all words that counts as it goes
    (the automaton reports a word's occurrences in order), with no list of every offset."""
    words = set(words)
    if len(words) * len(text) <= (SEARCH_BUDGET if search_budget is None else search_budget):
        return {w: text.count(w) for w in words}
    terms = Terms(words)
    count = dict.fromkeys(words, 0)
    free = dict.fromkeys(words, 0)  # where the word's next counted occurrence may start
    for i, first, end in checked(terms.matches(text), every=1024):
        w = terms.words[i]
        if first >= free[w]:
            count[w] += 1
            free[w] = end
    return count


def positions(text: str, needles: Iterable[str]) -> list[int]:
    """Where any of ``needles`` starts in ``text``, in order, each offset once."""
    return sorted({i for needle in set(needles) for i in occurrences(text, needle)})


_NONSPACE = regex.compile(r"[^\s\x1c-\x1f]")  # what str.strip() keeps (it strips U+001C-U+001F too)
_NONSPACE_BACK = regex.compile(r"(?r)[^\s\x1c-\x1f]")


def char_before(text: str, line_start: int, pos: int) -> str:
    """The last character of ``text[line_start:pos].rstrip()`` (``""`` if none), found by looking
    back from ``pos`` only as far as the white space there goes: stripping a copy of the line for
    each finding is quadratic on a long line full of them."""
    m = _NONSPACE_BACK.search(text, line_start, pos)
    return "" if m is None else str(m.group())


def char_after(text: str, pos: int, line_end: int) -> str:
    """The first character of ``text[pos:line_end].lstrip()`` (``""`` if none)."""
    m = _NONSPACE.search(text, pos, line_end)
    return "" if m is None else str(m.group())


class CodeRegions:
    """The text of a page's code elements (``<code>``, ``<pre>``…), as the HTML reader lists it in
    ``metadata["code"]``: rules about prose (ligatures, typos) leave a program's text alone."""

    def __init__(self, doc: Document) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for s, e in sorted(doc.metadata.get("code") or ()):
            self.starts.append(s)
            self.ends.append(e)

    def __bool__(self) -> bool:
        return bool(self.starts)

    def inside(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps a code element's text."""
        i = bisect.bisect_left(self.starts, end) - 1
        return i >= 0 and self.ends[i] > start


def nearest_nonspace(text: str, i: int, step: int) -> tuple[int, str]:
    """The first non-space character from ``i`` going ``step`` (±1) on the same line, or ``""``."""
    while 0 <= i < len(text) and text[i] in " \t\u3000":
        i += step
    if 0 <= i < len(text) and text[i] not in "\r\n":
        return i, text[i]
    return i, ""


class Gloss:
    """Is a foreign term introduced or explained by a gloss word right next to it?

    ``a song called 青花瓷``, ``the term 内卷 (involution)``, ``春风楼, means “…”``: the gloss word is at
    most one word away, before or after, within the line. Further away it is chance, not a gloss."""

    def __init__(self, words: list[str]) -> None:
        alt = "|".join(map(regex.escape, sorted(words, key=len, reverse=True)))
        self.before = regex.compile(rf"\b(?:{alt})[^\w\n]{{1,3}}(?:\w+[^\w\n]{{1,3}})?\Z", regex.IGNORECASE)
        self.after = regex.compile(rf"\A[^\w\n]{{0,3}}(?:\w+[^\w\n]{{1,3}})?(?:{alt})\b", regex.IGNORECASE)

    def near(self, text: str, start: int, end: int) -> bool:
        return (self.before.search(text, max(0, start - 48), start) is not None
                or self.after.match(text[end:end + 48]) is not None)


_NAMED = regex.compile(r"[A-Za-z][A-Za-z0-9-]")  # a host name holds a letter followed by another character


class LinkFinder:
    """Finds URLs and bare domains fast: a regex anchored on ``.tld`` (a literal, ~450 MB/s), then
    each hit is widened to the whole host (and path) around it. TLDs come from a sidecar list."""

    _shared: ClassVar[dict[tuple[str, ...], LinkFinder]] = {}

    @classmethod
    def shared(cls, tlds: list[str]) -> LinkFinder:
        """One finder per TLD list, so rules that share the list share the per-document result."""
        key = tuple(tlds)
        if key not in cls._shared:
            cls._shared[key] = cls(tlds)
        return cls._shared[key]

    def in_document(self, analysis: Analysis, timeout: float | None = None) -> list[tuple[int, int]]:
        """Every link of the document, found once per document whichever rule asks first."""
        links: list[tuple[int, int]] = analysis.memo(("links", id(self)),
                                                     lambda: self.find(analysis.text, timeout=timeout))
        return links

    @staticmethod
    def between(links: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
        """The links of a document-wide list that lie inside ``[start, end)``."""
        i = bisect.bisect_left(links, (start, -1))
        out = []
        while i < len(links) and links[i][1] <= end:
            out.append(links[i])
            i += 1
        return out

    def __init__(self, tlds: list[str]) -> None:
        self.tlds = frozenset(t.lower() for t in tlds)
        self.longest = max(map(len, self.tlds), default=0)
        # a dot between a letter or digit and letters: a literal-led pattern the engine scans fast;
        # whether the letters start with a known TLD is checked in Python on the few candidates
        self.anchor = regex.compile(r"(?<=[A-Za-z0-9])\.[A-Za-z]{2,}")
        # searched backwards from the dot ((?r)): one attempt instead of one per position in the window
        self.host = regex.compile(r"(?r)(?:https?://)?(?:[A-Za-z0-9][A-Za-z0-9-]*\.)*[A-Za-z0-9][A-Za-z0-9-]*\Z")
        self.path = regex.compile(r"(?:[/?#][^\s<>\"“”]*[^\s<>\"“”.,;:!?)\]】）])?")

    def _tld_end(self, text: str, dot: int, end: int) -> int | None:
        """End of the TLD after the dot at ``dot``: the longest known TLD that no lower-case letter,
        digit or hyphen continues ("site.comThe" is glued text: the TLD is "com")."""
        word = text[dot + 1:min(end, dot + 2 + self.longest)]  # no TLD is longer: a long word costs no more
        if word[0].isupper() and not word[1:2].isupper():
            return None  # "Corp.SpaceX", "Inc.Today": a capitalised word after a dot is not a TLD
        for n in range(len(word), 1, -1):
            nxt = text[dot + 1 + n] if dot + 1 + n < len(text) else ""
            if word[:n].lower() in self.tlds and not (nxt.islower() or nxt.isdigit() or nxt == "-"):
                if nxt.isupper() and self._identifier(text, dot, dot + 1 + n, word[0].isupper()):
                    return None
                return dot + 1 + n
        return None

    _WORD = regex.compile(r"[A-Za-z0-9_]*")
    _CODE_AFTER = "?;=&|)]}<>+*/%"
    _HYPHENED_LABEL = regex.compile(r"(?r)-[A-Za-z0-9-]*\Z")  # searched backwards from the dot

    def _identifier(self, text: str, dot: int, glued: int, upper_tld: bool) -> bool:
        """Whether the capitalised letters glued to a TLD make a code identifier rather than glued
        text ("site.comThe" is text): the rest of an upper-case word ("request.FILES"), a second
        hump ("newSex.toLowerCase", "Symbol.toStringTag"), a digit or underscore, or a call or index
        right after ("Object.prototype.toString()")."""
        word = self._WORD.match(text, glued, min(len(text), glued + 64)).group()
        after = text[glued + len(word):glued + len(word) + 1]
        # an operator or closing mark after it (past spaces): a member in code ("product.isFruit ? a : b",
        # "(order.isPaid && …)"), where glued prose goes on with a word ("casino.toThe match starts") or a
        # comma ("pills-24.netShanghai, the city…"); a hyphen before the dot makes a host, never code
        rest = text[glued + len(word):glued + len(word) + 8].lstrip(" \t")[:1]
        operator = (rest != "" and rest in self._CODE_AFTER
                    and self._HYPHENED_LABEL.search(text, max(0, dot - 64), dot) is None)
        return (upper_tld or any(c.isupper() for c in word[1:]) or any(c.isdigit() or c == "_" for c in word)
                or after in ("(", "[", "_") or operator)

    def find(self, text: str, start: int = 0, end: int | None = None,
             timeout: float | None = None) -> list[tuple[int, int]]:
        """``(start, end)`` of every URL or domain in ``text[start:end]``."""
        end = len(text) if end is None else end
        out: list[tuple[int, int]] = []
        for m in checked(self.anchor.finditer(text, start, end, timeout=timeout)):
            if out and m.start() < out[-1][1]:
                continue
            tld_end = self._tld_end(text, m.start(), m.end())
            if tld_end is None:
                continue
            while nxt := self.anchor.match(text, tld_end, end):
                more = self._tld_end(text, nxt.start(), nxt.end())  # "bbc.co.uk": one host
                if more is None:
                    break
                tld_end = more
            lo = max(start, m.start() - 120)
            host = self.host.search(text, lo, m.start())
            if host is None or not _NAMED.search(host.group()):
                continue  # "1.US" is a numbered list, not a domain
            path = self.path.match(text, tld_end, end)
            out.append((host.start(), path.end() if path else tld_end))
        return out


def page_host(url: str) -> str:
    """The host of a URL or bare domain (``https://www.example.com/4856`` → ``example.com``), lower case."""
    if _BARE_HOST.fullmatch(url):  # a bare domain (most links a detector finds): urlsplit would give it whole
        return url.lower().removeprefix("www.")
    return urls.host(url if "//" in url else "//" + url) if url else ""


_BARE_HOST = re.compile(r"[A-Za-z0-9.-]+")  # no scheme, user, port, path or non-ASCII letter to parse


_SECOND_LEVEL = frozenset(("co", "com", "org", "net", "gov", "edu", "ac", "or", "ne", "go", "gob", "gv"))


def site_name(host: str) -> str:
    """The name a site goes by, from its host: the label before its suffix (``shop.thomann.co.uk`` →
    ``thomann``, ``example.com`` → ``example``); empty when shorter than four letters."""
    labels = host.split(".")[:-1]  # without the top-level domain
    if len(labels) > 1 and labels[-1] in _SECOND_LEVEL:  # co.uk, com.au, ac.jp
        labels.pop()
    name = labels[-1] if labels else ""
    return name if len(name) >= 4 else ""
