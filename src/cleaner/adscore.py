"""Candidate segments of a document, their features, and the learned linear scorer for injected ads.

An injected ad is a piece of text that does not belong to the article around it. The pieces that can
be one (:func:`candidates`) are lines, sentences, clauses of CJK sentences and runs of a script
foreign to the document (``爱上海同城419`` in English prose, ``PG SLOT แตกง่าย`` in an English
article, an English ad line in a Japanese article). Each is described by features that hold across
campaigns (:func:`features`): its script against the document's, its folded character bigrams and
words (ad vocabulary is learned, not listed), the shapes of phones, handles, domains and prices after
folding (:mod:`cleaner.fold`), decoration, how much of its vocabulary the rest of the document shares
(its topic), where it sits and whether it is glued to a word. A logistic-regression model fitted by
``train/train_spam.py`` weighs them; :class:`Model` reads its weights file and scores.

The same code builds the features at training time and at run time, so what was fitted is what runs.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import regex

from .fold import DECORATION, fold_text
from .lexicon import Lexicon

WEIGHTS_FORMAT = "cleaner-ad-segment-weights/1"

# letters of each script, for a segment's script and the runs of a foreign one
SCRIPT_RE = {
    "Han": r"\p{Han}", "Kana": r"\p{Hiragana}\p{Katakana}", "Hangul": r"\p{Hangul}", "Thai": r"\p{Thai}",
    "Cyrillic": r"\p{Cyrillic}", "Arabic": r"\p{Arabic}", "Hebrew": r"\p{Hebrew}",
    "Devanagari": r"\p{Devanagari}", "Greek": r"\p{Greek}", "Latin": r"A-Za-z\p{Latin}",
}
# the document's main script (cleaner.lang.main_script) -> the scripts that are foreign in it
FOREIGN = {
    "Latin": ("Han", "Kana", "Hangul", "Thai", "Cyrillic", "Arabic", "Hebrew", "Devanagari"),
    "Cyrillic": ("Han", "Kana", "Hangul", "Thai", "Latin"),
    "Greek": ("Han", "Kana", "Hangul", "Thai", "Latin"),
    "Chinese": ("Hangul", "Thai", "Latin", "Cyrillic"),
    "Japanese": ("Hangul", "Thai", "Latin", "Cyrillic"),
    "Korean": ("Han", "Kana", "Thai", "Latin"),
}
HOME = {"Chinese": ("Han",), "Japanese": ("Han", "Kana"), "Korean": ("Hangul",)}
CJK_DOCS = frozenset(("Chinese", "Japanese"))

_SCRIPT_FIND = {name: regex.compile(f"[{cls}]+") for name, cls in SCRIPT_RE.items()}
_LETTER_SCRIPTS = [(name, regex.compile(f"[{cls}]")) for name, cls in SCRIPT_RE.items()]
_LINE = regex.compile(r"[^\n]+")
# a sentence ends at . ! ? (and closing quotes) before white space, glued to a capitalised word after a
# lower-case word (``growing.Buy cheap…``: an ad glued to the article's sentence), after a link before a
# capital, or at a CJK full stop; each alternative starts with a literal so that the scan is fast
_SENTENCE_END = regex.compile(
    r"[.!?](?:[\"”’)\]]?[ \t]+(?=\S)|(?<=\p{Ll}\p{Ll}[.!?])(?=\p{Lu}\p{Ll}))"
    r"|\.[a-z]{2,6}[ \t]+(?=\p{Lu})|[。！？](?=[^\s。！？”」』）])")
_CLAUSE_END = regex.compile(r"(?<=[，；,;])")
_DENSE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}]+")
_WORD = regex.compile(r"[^\W\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}_]{2,20}")
_DIGITS = regex.compile(r"[0-9]+")
# the document's own words, for topic overlap; the segment's words are taken the same way (unfolded),
# or a Cyrillic word folded to Latin look-alikes would never be found among the document's
_DOC_WORD = regex.compile(r"[^\W\d_]\w{3,}")
# (name, pattern, a substring one of which a match needs; None: a digit) - the test spares most searches
_SHAPES = [
    ("phone", regex.compile(r"(?<![0-9])\+?[0-9]{7,15}(?![0-9])"), None),
    ("handle", regex.compile(r"@[a-z0-9_.]{3,}"), ("@",)),
    ("labelled_id", regex.compile(
        r"(?:[a-z]{1,8}|\p{Han}{1,2})[ ]?[:：][ ]?[(（\[【]?[ ]?@?[a-z0-9_]*[0-9][a-z0-9_]{3,}"), (":", "：")),
    ("url", regex.compile(r"https?://|www\."), ("://", "www.")),
    ("domain", regex.compile(r"[a-z0-9][a-z0-9-]{1,40}\.(?:[a-z]{2,4}|[a-z]{5,10}(?![a-z]))(?![a-z0-9])"), (".",)),
    ("price", regex.compile(r"[$€£¥₹฿][ ]?[0-9]|[0-9][ ]?(?:元|块|usd|\$|€|บาท|만원|원|rp|k)(?![a-z])"), None),
    ("num4", regex.compile(r"(?<![0-9])(?!(?:19|20)[0-9]{2}(?![0-9]))[0-9]{4,}"), None),
    ("year", regex.compile(r"(?<![0-9])20[0-9]{2}(?![0-9])"), None),
    ("percent", regex.compile(r"[0-9]%"), None),
    ("excl", regex.compile(r"[!！]"), ("!", "！")),
]
_ANY_DIGIT = regex.compile(r"[0-9]")
# a long number inside a link's path or query: an id (``?arnumber=10179352``, ``/doi/10.1145/3656394``)
# unless the link is a number on its own (``wa.me/447712345678``, ``t.me/+…``) or its query names a phone
# (a number written as one, "licence #: 3066988", is a record's id too)
_URL_NUMBER = regex.compile(r"(?<=[a-z0-9.-]/[^\s]*?)(?:([a-z_]*)=)?(?<=[/=])\+?[0-9]{7,15}(?![0-9])"
                            r"|(?<=#[ ]?[:：]?[ ]?)[0-9]{7,15}(?![0-9])")
_PHONE_KEYS = ("phone", "tel", "mobile", "whatsapp", "wa", "msisdn")
OPENERS = "(（[［【〔「『《“\"'‘"
CLOSERS = ")）]］】〕」』》”\"'’"
_AD_BRACKETS = regex.compile(r"[【】〖〗〔〕『』▶►★☆✓✔]")


@dataclass(frozen=True, slots=True)
class Candidate:
    start: int
    end: int
    kind: str  # line, sent, clause, run


def letters_script(text: str) -> str:
    """The script most letters of ``text`` are written in (``None`` without letters)."""
    if text.isascii():
        return "Latin" if any(c.isalpha() for c in text) else "None"
    counts: Counter[str] = Counter()
    for ch, n in Counter(text).items():  # each distinct character's script once (a long line has few)
        counts[char_script(ch)] += n
    counts.pop("None", None)
    return max(sorted(counts), key=counts.__getitem__) if counts else "None"


@functools.lru_cache(maxsize=4096)
def char_script(ch: str) -> str:
    """The script of one letter (``None`` for anything else)."""
    if ch.isalpha():
        for name, pattern in _LETTER_SCRIPTS:
            if pattern.match(ch):
                return name
    return "None"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@functools.cache
def foreign_run_re(doc_script: str) -> regex.Pattern[str] | None:
    """Runs of the scripts foreign to ``doc_script``: foreign letters joined by digits, spaces,
    punctuation, symbols and short Latin codes (``무료3만원 쿠폰``, ``PG SLOT แตก``)."""
    scripts = FOREIGN.get(doc_script)
    if not scripts:
        return None
    cls = "".join(SCRIPT_RE[s] for s in scripts)
    # digits, number forms (⒈O⒎⒎) and, in a page of letters, full-width digits (a CJK page's own numbers: ３年)
    body = rf"[{cls}0-9\u2460-\u24ff\u2776-\u2793{'' if doc_script in CJK_DOCS else chr(0xFF10) + '-' + chr(0xFF19)}]"
    # gaps inside a run: one or two spaces, up to three punctuation marks or symbols, or a short Latin
    # code glued on both sides (龙凤419会所, 成都KTV公主); a Latin word with spaces around it ends the run
    gap = r"(?:[ \t]{1,2}|[ \t]?[\p{P}\p{S}]{1,3}[ \t]?|[A-Za-z]{1,4})" if "Latin" not in scripts else \
        r"(?:[ \t]{1,2}|[ \t]?[\p{P}\p{S}]{1,3}[ \t]?)"
    return regex.compile(rf"[{cls}]{body}*(?:(?:{gap}){{1,3}}{body}+)*")


def candidates(text: str, doc_script: str, lines: list[tuple[int, int]] | None = None) -> Iterator[Candidate]:
    """The pieces of ``text`` that may be an injection (see the module docstring)."""
    run_re = foreign_run_re(doc_script)
    for ls, le in lines if lines is not None else ((m.start(), m.end()) for m in _LINE.finditer(text)):
        s, e = _trim(text, ls, le)
        if s >= e:
            continue
        if _SENTENCE_END.search(text, s, e) is None:
            yield Candidate(s, e, "line")  # a line of several sentences is judged by its sentences
        yield from _pieces(text, s, e, _SENTENCE_END, "sent", doc_script)
        if run_re is not None:
            for m in run_re.finditer(text, s, e):
                rs, re_ = _trim(text, m.start(), m.end())
                if re_ - rs >= 2 and (rs, re_) != (s, e):
                    yield Candidate(rs, re_, "run")


def _pieces(text: str, s: int, e: int, splitter: regex.Pattern[str], kind: str,
            doc_script: str) -> Iterator[Candidate]:
    if splitter.search(text, s, e) is None:
        if kind == "sent" and doc_script in CJK_DOCS:
            yield from _pieces(text, s, e, _CLAUSE_END, "clause", doc_script)
        return
    bounds = itertools.chain((s,), (m.end() for m in splitter.finditer(text, s, e)), (e,))
    for a, b in itertools.pairwise(bounds):
        ps, pe = _trim(text, a, b)
        if pe - ps >= 2:
            yield Candidate(ps, pe, kind)
            if kind == "sent" and doc_script in CJK_DOCS:
                yield from _pieces(text, ps, pe, _CLAUSE_END, "clause", doc_script)


class GlossLike(Protocol):
    def near(self, text: str, start: int, end: int) -> bool: ...


@dataclass(frozen=True)
class Resources:
    """Word lists the features look up: ad vocabulary per category (``lex:<category>`` features,
    weighed by training like every other feature) and gloss words (``the term``, ``means``)."""

    lexicon: Lexicon | None = None
    gloss: GlossLike | None = None  # cleaner.detectors.common.Gloss
    # segment_features of recent segments: boilerplate lines recur across the pages of a site
    _seen: dict[tuple[str, tuple[str, ...]], tuple[frozenset[str], str]] = field(
        default_factory=dict, compare=False, repr=False)

    def of_segment(self, seg: str, home: tuple[str, ...]) -> tuple[frozenset[str], str]:
        """:func:`segment_features`, remembered for the last ``SEEN`` segments (first in, first out)."""
        key = (seg, home)
        got = self._seen.get(key)
        if got is None:
            got = self._seen[key] = segment_features(seg, home, self)
            if len(self._seen) > SEEN:
                del self._seen[next(iter(self._seen))]
        return got


SEEN = 4096


NO_RESOURCES = Resources()
_CJK_DIGITS = regex.compile(
    r"[\p{Han}\p{Hangul}\p{Thai}\p{Hiragana}\p{Katakana}][0-9]{3,}|[0-9]{3,}[\p{Han}\p{Hangul}\p{Thai}]")


@dataclass
class DocContext:
    """What the features need of the whole document, computed once and only when first asked for."""

    text: str
    script: str
    first_line_end: int
    last_line_start: int

    @classmethod
    def of(cls, text: str, script: str) -> DocContext:
        body = text.strip()
        lead = len(text) - len(text.lstrip())
        first = text.find("\n", lead)
        last = text.rfind("\n", 0, lead + len(body))
        return cls(text, script, len(text) if first < 0 else first, max(last, 0))

    @property
    def dense(self) -> bool:
        return self.script in CJK_DOCS or self.script == "Korean"

    @functools.cached_property
    def words(self) -> Counter[str]:
        return Counter() if self.dense else Counter(_DOC_WORD.findall(self.text.lower()))

    @functools.cached_property
    def chars(self) -> Counter[str]:
        """Folded characters of a Korean document (its syllables; Chinese and Japanese use :attr:`bigrams`)."""
        return Counter(fold_text(self.text)) if self.script == "Korean" else Counter()

    @functools.cached_property
    def bigrams(self) -> Counter[str]:
        """Character bigrams of the dense-script runs of a folded Chinese or Japanese document (its words,
        roughly: a Chinese word is mostly two characters, and two texts on one topic share words, not just
        characters)."""
        return Counter(dense_bigrams(fold_text(self.text))) if self.script in CJK_DOCS else Counter()

    @functools.cached_property
    def squashed(self) -> str:
        """The lower-cased text without spaces and punctuation (``World Future Awards`` → ``worldfutureawards``)."""
        squashed: str = _SQUASH.sub("", self.text.lower())
        return squashed

    @functools.cached_property
    def lines(self) -> tuple[list[int], list[int], list[int]]:
        """Each line's start, where its text starts (its first character that is not white space) and
        where its text ends (after its last such character): one pass, so that a candidate's place on a
        line is a bisection, not a search to the line's ends (a one-line document has thousands)."""
        starts, first, last = [], [], []
        pos = 0
        for line in self.text.split("\n"):
            starts.append(pos)
            first.append(pos + len(line) - len(line.lstrip()))
            last.append(pos + len(line.rstrip()))
            pos += len(line) + 1
        return starts, first, last

    @functools.cached_property
    def _label_counts(self) -> dict[str, int]:
        low = self.text.lower()
        labels = {m.group(1).replace("-", "") for m in _DOMAIN_LABEL.finditer(low)} if "." in low else set()
        return _counts(self.squashed, labels)

    def label_counts(self, labels: Iterable[str]) -> dict[str, int]:
        """How often each domain label occurs in :attr:`squashed`: the document's own labels counted
        in one pass when first asked, any other label (cut differently at a segment's edge) then."""
        known = self._label_counts
        missing = {x for x in labels if x not in known}
        if missing:
            known.update(_counts(self.squashed, missing))
        return known

    @functools.cached_property
    def script_letters(self) -> dict[str, int]:
        """Letters per script in the document, filled as segments ask (see :func:`_mixed`)."""
        return {}


def dense_bigrams(folded: str) -> list[str]:
    """The character bigrams of every dense-script run of ``folded``, each occurrence."""
    return [run[i:i + 2] for run in _DENSE.findall(folded) for i in range(len(run) - 1)]


def units(folded: str) -> tuple[list[str], list[str]]:
    """Words (digits as ``0``) and character bigrams of dense scripts, of a folded segment (the
    bigrams of a run that recurs once: the features are a set)."""
    words = _WORD.findall(_DIGITS.sub("0", folded))  # no Python scan for a digit first: a long line paid per character
    grams = [run[i:i + 2] for run in dict.fromkeys(_DENSE.findall(folded)) for i in range(len(run) - 1)]
    return words, grams


def features(ctx: DocContext, cand: Candidate, res: Resources = NO_RESOURCES, topic: bool = True) -> set[str]:
    """The features of one candidate, as names (binary features): see the module docstring. Without
    ``topic`` the topic feature (the one that needs the whole document's words) is left out."""
    text = ctx.text
    seg = text[cand.start:cand.end]
    home = HOME.get(ctx.script, (ctx.script,))
    own, seg_script = res.of_segment(seg, home)
    out = {f"k:{cand.kind}", *own}
    if res.gloss is not None and res.gloss.near(text, cand.start, cand.end):
        out.add("ctx:gloss")
    if seg_script not in home and seg_script != "None":
        out.add(_mixed(ctx, seg, seg_script))
    if topic:
        out.update(topic_feature(ctx, cand))
    out.update(_place(ctx, cand))
    if ctx.script in CJK_DOCS and cand.kind in ("line", "sent") and unfinished(seg):
        out.add("end:open")
    return out


def segment_features(seg: str, home: tuple[str, ...], res: Resources) -> tuple[frozenset[str], str]:
    """The features that depend on the segment's own text alone (and the document's home scripts),
    and the script of its letters."""
    folded = fold_text(seg)
    words, grams = units(folded)
    out: set[str] = set()
    seg_script = letters_script(seg)
    foreign = seg_script not in home and seg_script != "None"
    if res.lexicon is not None:  # ad words weigh differently in a foreign run and in the article's script
        where = "@foreign" if foreign else "@home"
        out.update(f"lex:{c}{where}" for c in res.lexicon.categories(seg))
    if _CJK_DIGITS.search(folded):
        out.add("sh:script_digits")
    out.update(f"w:{w}" for w in words)
    out.update(f"b:{g}" for g in grams)
    has_digit = _ANY_DIGIT.search(folded) is not None
    for name, pattern, needs in _SHAPES:
        if (has_digit if needs is None else any(x in folded for x in needs)) and pattern.search(folded):
            if name != "phone" or ("/" not in folded and "#" not in folded) or pattern.search(_mask_ids(folded)):
                out.add(f"sh:{name}")
    decor = len(DECORATION.findall(seg))
    if decor:
        out.add("sh:decor" if decor < 3 else "sh:decor3")
    if _AD_BRACKETS.search(seg):
        out.add("sh:ad_bracket")
    n_letters = sum(map(str.isalpha, seg))
    if n_letters >= 8 and sum(map(str.isupper, seg)) > 0.6 * n_letters:
        out.add("sh:caps")
    if foreign:
        out.add("foreign")
        out.add(f"foreign:{seg_script}")
        out.add(foreign_length(seg, seg_script))
    n = len(seg)
    out.add("len:" + ("1" if n < 8 else "2" if n < 20 else "3" if n < 50 else "4" if n < 120 else "5"))
    return frozenset(out), seg_script


_DENSE_SCRIPTS = frozenset(("Han", "Kana", "Hangul", "Thai"))


def dense_foreign(seg: str) -> bool:
    """Is ``seg`` written mostly in a script whose words are not split by spaces the way Latin words are
    (Han, Kana, Hangul, Thai)?"""
    return letters_script(seg) in _DENSE_SCRIPTS


def foreign_length(seg: str, seg_script: str) -> str:
    """``flen:<bucket>``: how many letters of its own script a foreign segment has (a name or a glossed
    term is a few; an injected ad sentence a dozen or more)."""
    find = _SCRIPT_FIND.get(seg_script)
    n = sum(map(len, find.findall(seg))) if find is not None else 0
    return "flen:" + ("1" if n < 4 else "2" if n < 8 else "3" if n < 16 else "4")


def _mask_ids(folded: str) -> str:
    """``folded`` with the long numbers that are ids blanked (``#``), in a link's path or query or after a
    ``#``: a phone shape there is a paper's, a post's or a licence's number, not a phone to call."""
    def blank(m: regex.Match[str]) -> str:
        if m.group(1) is not None:
            phone = m.group(1).endswith(_PHONE_KEYS)
        elif folded[m.start() - 1] != "/":  # after "#" or a "=" of no key
            phone = False
        else:  # the number is the link's whole path: what is before it in the link holds no other "/"
            link = folded[folded.rfind(" ", 0, m.start()) + 1:m.start()]
            phone = "/" not in link.partition("://")[2 if "://" in link else 0].rstrip("/")
        whole: str = m.group()
        return whole if phone else "#" * len(whole)

    masked: str = _URL_NUMBER.sub(blank, folded)
    return masked


def _mixed(ctx: DocContext, seg: str, seg_script: str) -> str:
    """Is the segment's foreign script common in the rest of the document (a page of two languages,
    its interface in one of them) or found only here?"""
    find = _SCRIPT_FIND.get(seg_script)
    if find is None:
        return "mixed:none"
    counts = ctx.script_letters
    if seg_script not in counts:
        counts[seg_script] = sum(map(len, find.findall(ctx.text)))
    rest = counts[seg_script] - sum(map(len, find.findall(seg)))
    share = rest / max(len(ctx.text), 1)
    return "mixed:" + ("none" if rest < 20 else "some" if share < 0.05 else "high")


def topic_feature(ctx: DocContext, cand: Candidate) -> list[str]:
    """``topic:<share>`` and, when the segment names something the rest of the page names too,
    ``topic:name`` (a page's own call to action names its own firm or site; an injected ad, its own)."""
    seg = ctx.text[cand.start:cand.end]
    name = _topic(ctx, seg, fold_text(seg) if ctx.dense else "")
    out = [name] if name else []
    if not ctx.dense and _names_seen(ctx, seg):
        out.append("topic:name")
    return out


_NAME = regex.compile(r"(?<=\S[ \t]+)\p{Lu}[\p{Ll}\p{Lu}]{3,}")  # a capitalised word, not the first
_DOMAIN_LABEL = regex.compile(r"(?<![a-z0-9-])(?!www\.)([a-z0-9][a-z0-9-]{3,40})\.[a-z]{2,10}(?![a-z0-9])")
_SQUASH = regex.compile(r"[\W_]+")


def _names_seen(ctx: DocContext, seg: str) -> bool:
    """Does a name of the segment (a capitalised word after the first, a domain's label) occur in the
    rest of the document too (a domain's label as the page's words written together)? Each name is
    counted in one pass over the segment, and the labels in the document are counted once for all
    segments: a count per name over the text was quadratic on a long line of links."""
    low = seg.lower()
    names = {m.group().lower() for m in _NAME.finditer(seg)}
    if names:
        own = _counts(low, names)
        if any(ctx.words[w] > own[w] for w in names):
            return True
    labels = [m.group(1).replace("-", "") for m in _DOMAIN_LABEL.finditer(low)] if "." in low else []
    if labels:
        squashed = _SQUASH.sub("", low)
        if squashed == ctx.squashed:  # the segment is the page (a page that is one line): no label is seen elsewhere
            return False
        own = _counts(squashed, labels)
        doc = ctx.label_counts(labels)
        return any(doc[x] > own[x] for x in labels)
    return False


def _counts(text: str, words: Iterable[str]) -> dict[str, int]:
    """``{word: text.count(word)}`` (occurrences that do not overlap, counted from the left as
    ``str.count`` counts them), from one pass over the text when the words are many."""
    from .detectors.common import counts_of  # not at the top: the detectors import this module

    return counts_of(text, words)


def _topic(ctx: DocContext, seg: str, folded: str) -> str | None:
    """How much of the segment's vocabulary the rest of the document uses too (letters of a dense
    script, folded on both sides; words of others, lower-cased on both sides)."""
    if ctx.script in CJK_DOCS:
        own = Counter(dense_bigrams(folded))
        seen = [c for c in own if ctx.bigrams[c] > own[c]]
    elif ctx.dense:  # Korean: syllables
        own = Counter({c: n for c, n in Counter(folded).items() if c.isalpha()})  # counted in C, then filtered
        seen = [c for c in own if ctx.chars[c] > own[c]]
    elif dense_foreign(seg):
        return "topic:foreign"  # a script without spaces has no words of the page to share (flen: tells more)
    else:
        own = Counter(_DOC_WORD.findall(seg.lower()))
        seen = [w for w in own if ctx.words[w] > own[w]]
    if len(own) < 3:
        return "topic:short"
    if sum((ctx.bigrams or ctx.chars or ctx.words).values()) < 150:
        return None  # too little of the document's own text to know its topic
    share = len(seen) / len(own)
    return "topic:" + ("none" if share < 0.15 else "low" if share < 0.4 else "mid" if share < 0.7 else "high")


_FINAL = frozenset("。！？!?.…”」』）)》")


def unfinished(seg: str) -> bool:
    """Does a line or sentence of a Chinese or Japanese text stop without a final mark? The article's
    sentences end in 。！？; an injected ad line mostly does not (headlines and table rows do not either, and
    the training's own Chinese documents hold such lines: the weight is learned against them)."""
    return seg.rstrip()[-1:] not in _FINAL and len(_DENSE_LETTERS.findall(seg)) >= 4


_DENSE_LETTERS = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")


def _place(ctx: DocContext, cand: Candidate) -> list[str]:
    text, s, e = ctx.text, cand.start, cand.end
    out = []
    if s <= ctx.first_line_end:
        out.append("pos:first")
    if e > ctx.last_line_start:
        out.append("pos:last")
    starts, first, last = ctx.lines
    i, j = bisect.bisect_right(starts, s) - 1, bisect.bisect_right(starts, e) - 1  # the lines of its ends
    ls = starts[i]
    le = starts[j + 1] - 1 if j + 1 < len(starts) else len(text)
    if first[i] >= s and last[j] <= e:  # nothing but white space before it and after it on its lines
        out.append("pos:own_line")
    if s > 0 and text[s - 1].isalnum():
        out.append("glue:left")
    if e < len(text) and text[e].isalnum():
        out.append("glue:right")
    before = text[max(ls, s - 3):s].rstrip()
    after = text[e:min(le, e + 3)].lstrip()
    if before and after and before[-1] in OPENERS and after[0] in CLOSERS:
        out.append("ctx:enclosed")
    if after[:1] in ("(", "（") or before[-1:] in ("(", "（"):
        out.append("ctx:paren")
    return out


class Model:
    """A linear model over feature names: ``bias`` plus the weights of the features present."""

    def __init__(self, weights: dict[str, float], bias: float) -> None:
        self.weights = weights
        self.bias = bias

    @classmethod
    def read(cls, path: Path) -> Model:
        """Read a weights file written by ``train/train_spam.py`` (``name<TAB>weight`` lines)."""
        weights: dict[str, float] = {}
        bias = 0.0
        with path.open(encoding="utf-8") as f:
            header = f.readline().rstrip("\n")
            if header != f"# {WEIGHTS_FORMAT}":
                msg = f"{path}: not a weights file of format {WEIGHTS_FORMAT} (first line {header[:60]!r})"
                raise ValueError(msg)
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                name, _, value = line.rstrip("\n").rpartition("\t")
                if name == "bias":
                    bias = float(value)
                else:
                    weights[name] = float(value)
        return cls(weights, bias)

    def logit(self, feats: set[str]) -> float:
        w = self.weights
        return self.bias + sum(w.get(f, 0.0) for f in feats)

    def probability(self, feats: set[str]) -> float:
        return 1.0 / (1.0 + math.exp(-self.logit(feats)))

    def probability_below(self, feats: set[str], rest: Callable[[], list[str]], floor: float) -> float:
        """The probability of ``feats`` plus the features ``rest()`` gives; ``rest`` is not called when
        even its heaviest feature (among those starting like ``rest()``'s) could not lift ``feats`` to
        ``floor``: then any value below ``floor`` is as good, and the bound is returned."""
        logit = self.logit(feats)
        if logit + self.topic_max < math.log(floor / (1.0 - floor)):
            return 1.0 / (1.0 + math.exp(-(logit + self.topic_max)))
        return 1.0 / (1.0 + math.exp(-(logit + sum(self.weights.get(f, 0.0) for f in rest()))))

    @functools.cached_property
    def topic_max(self) -> float:
        """At most what the topic features add: the heaviest share bucket and a name seen."""
        buckets = [w for f, w in self.weights.items() if f.startswith("topic:") and f != "topic:name"]
        return max([0.0, *buckets]) + max(0.0, self.weights.get("topic:name", 0.0))
