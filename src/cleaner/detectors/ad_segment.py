"""``ad_segment``: injected ads found by a learned segment scorer (:mod:`cleaner.adscore`).

Every line, sentence, CJK clause and run of a foreign script is a candidate; a logistic-regression
model fitted on real spam by ``train/train_spam.py`` scores its features (script switch, folded
n-grams, phone/handle/domain/price shapes, decoration, topic distance, position, gluing). A candidate
above ``threshold`` is removed whole, with the decoration, brackets and contact codes glued to it
(``【薇3681〓7028】``, ``WX:( RYG622)``); the article's words around it stay. A link to the page's own
site with a short label (``Short link: <the page's site>/4856``, when the record's ``url`` is known) stays.

Only lines that show some evidence are scored (a foreign script, a contact shape, decoration, or
words the model weighs strongly), and a line only as far as one of its pieces could reach the threshold;
an article without evidence costs a few tests of what the shared analysis already holds.
False positives come from short bare foreign strings at a line edge; false negatives from ads
written like prose and glued inside an article's sentence.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import regex

from ..adscore import FOREIGN, SCRIPT_RE, Candidate, DocContext, Model, Resources, candidates, features, topic_feature
from ..analysis import Analysis
from ..document import Document
from ..lexicon import Terms
from ..registry import register
from ..rules import Rule
from ..spans import Span
from ..urls import same_site
from .ad_extent import FOREIGN_LETTER as _FOREIGN_LETTER
from .ad_extent import whole_ad
from .base import Detector, parse_params, read_word_list
from .common import Gloss, LinkFinder, load_lexicon, page_host

# glued to an ad: decoration, a bracketed code or handle, a messenger label with its id
_TAIL = regex.compile(
    r"(?:[ \t]*(?:[\p{So}\p{Sk}\u2500-\u25ff\u3012\u3013\u4e44]+"
    r"|[【〖\[(（][^\n】〗\])）]{0,40}[\p{N}@][^\n】〗\])）]{0,40}[】〗\])）]"
    r"|(?i:qq|vx|wx|tg|v信|微信|飞机|扣|line|telegram|whatsapp)[ \t]*[:：]?[ \t]*[(（]?[ \t]*"
    r"@?[A-Za-z0-9_.-]*[0-9][A-Za-z0-9_.-]*[ \t]*[)）]?))+")
# glued to an ad's end without a space: a link (half or full width), a run of stars, its closing marks
_GLUED_TAIL = regex.compile(
    r"(?:(?:https?://|www[.．]|ｗｗｗ[.．])?[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a-]+"
    r"(?:[.．][A-Za-z\uff21-\uff3a\uff41-\uff5a]{2,})+(?:/[^\s]*)?|[*＊]{2,}|[。！？!?]+)+")
_GLUED_DIGITS = regex.compile(r"(?r)[【〖\[(（]?[0-9\uff10-\uff19]{2,}")
_PAIRS = (("【", "】"), ("〖", "〗"), ("(", ")"), ("（", "）"), ("[", "]"), ("［", "］"))
_HEAD = regex.compile(r"(?r)(?:[\p{So}\p{Sk}\u2500-\u25ff\u3012\u3013【〖]+[ \t]*)+")
# evidence that makes a line worth scoring (the links come from the shared LinkFinder); stdlib ``re``
# scans these simple patterns several times faster than ``regex``
_TLDS = frozenset(("com", "net", "xyz", "vip", "bet", "top", "site", "app", "info", "io", "cc"))
_LINK_TLD = re.compile(r"\.([a-z]+)(?:[/?#:]|$)")
_LINKS = tuple(re.compile(x) for x in (r"https?://", r"www\.", rf"\.(?:{'|'.join(sorted(_TLDS))})\b"))
_HANDLE = re.compile(r"@\w{3}")
# (what the UTF-8 bytes hold with every ASCII digit as ``0`` and ``+`` kept, pattern)
_NUMBERS = ((b"00000", re.compile(r"\d\d\d\d\d+", re.ASCII)), (b"+0", re.compile(r"\+\d", re.ASCII)))
_LATIN_WORDS = re.compile(r"[A-Za-z]{2,}[ \t]+[A-Za-z]{2,}")  # two Latin words (a handle or link is one)
_DIGIT_SHAPE = bytes(48 if 48 <= i <= 57 else i if i == 43 else 32 for i in range(256))
_DENSE_DOCS = frozenset(("Chinese", "Japanese", "Korean"))
_DECOR_CHARS = frozenset("☎☏✆✅✔★☆►▶▋█〓╋乄【】〖〗")
_DECOR = re.compile("[" + "".join(sorted(_DECOR_CHARS)) + "\uff01-\uff5e\U0001d400-\U0001d7ff\U0001f300-\U0001faff]+")


@dataclass(frozen=True)
class AdSegmentParams:
    weights: str = "ad_segment.weights.tsv"  # sidecar weights file written by train/train_spam.py
    threshold: float = 0.95  # probability above which a candidate is an injected ad (precision first)
    tlds: str = "../lexicon/tlds.txt"  # sidecar TLD list of the links (the list spam.contact_drop shares)
    trigger: float = 1.5  # an n-gram weighing at least this makes a line worth scoring
    lexicon: dict[str, str] = field(default_factory=dict)  # category -> sidecar word list (lex:<category>)
    gloss_words: str = ""  # sidecar list of words that introduce a quoted foreign term (ctx:gloss)

    def check(self) -> tuple[str, str] | None:
        if not 0.5 <= self.threshold < 1.0:
            return "threshold", "a probability from 0.5 to below 1"
        return None


@register
class AdSegmentDetector(Detector):
    name = "ad_segment"
    Params = AdSegmentParams

    def __init__(self, rule: Rule, timeout: float | None = None) -> None:
        super().__init__(rule, timeout)
        p: AdSegmentParams = self.params
        path = rule.sidecar(p.weights)
        try:
            self.model = Model.read(path)
        except OSError as e:
            raise rule.error("C205", f"{p.weights} ({e.strerror})", key="weights") from None
        except ValueError as e:
            raise rule.error("C202", str(e), key="weights") from None
        self.resources = resources(rule)
        # the foreign scripts other than Latin (Latin in a Cyrillic or CJK page is mostly names and brands)
        self._foreign = {doc: (other, regex.compile("[" + "".join(SCRIPT_RE[x] for x in other) + "]+"))
                         for doc, scripts in FOREIGN.items() if (other := tuple(x for x in scripts if x != "Latin"))}
        # a TLD the links' points count already (``com``) is not a strong word too: the same evidence twice
        # made every line naming a site hot
        words = sorted(f[2:] for f, w in self.model.weights.items()
                       if w >= p.trigger and f.startswith(("w:", "b:")) and f[2:] not in _TLDS)
        self._triggers = Terms(words)
        self._threshold_logit = math.log(p.threshold / (1.0 - p.threshold))
        # the strong words of letter scripts as a document's chunks may write them (Analysis.chunks)
        self._cased = {v: w for w in words if ord(w[0]) < 0x2E80 for v in (w, w.title(), w.upper())}
        self._cased_keys = frozenset(self._cased)
        self._links = LinkFinder.shared(read_word_list(rule, p.tlds, "tlds"))  # contact_drop's: found once

    def detect(self, doc: Document, analysis: Analysis) -> Iterator[Span]:
        text = doc.text
        script = analysis.script
        lines = self._hot_lines(text, script, analysis)
        if not lines:
            return
        ctx = DocContext.of(text, script)
        found: list[tuple[int, int, float]] = []
        for line in lines:
            found.extend(self._line(ctx, candidates(text, script, [line])))
        home = page_host(str(doc.metadata.get("url") or ""))
        for start, end, prob in _merge(found):
            start, end = self._widen(text, start, end)
            if _FOREIGN_LETTER.search(text, start, end):  # a foreign-script ad: its codes and handles around it
                start, end = whole_ad(text, start, end, script)
            if home and self._own_link(text, start, end, home, analysis):
                continue
            yield self.span(doc, start, end, score=round(prob, 3))

    def _own_link(self, text: str, start: int, end: int, home: str, analysis: Analysis) -> bool:
        """Is ``[start, end)`` a link to the page's own site with a label of a few words (``Short link:
        <the page's site>/4856``, ``Permalink``)? The page's own link is not an injected ad."""
        links = LinkFinder.between(self._links.in_document(analysis, self.timeout), start, end)
        if not links or not all(same_site(page_host(text[s:e]), home) for s, e in links):
            return False
        rest = text[start:links[0][0]] + " " + text[links[-1][1]:end]
        return len(_LABEL_WORD.findall(rest)) <= 3

    def _line(self, ctx: DocContext, cands: Iterator[Candidate]) -> list[tuple[int, int, float]]:
        """The accepted candidates of one line, less those that hold a rejected piece of prose: a line
        whose first sentence is the article's and second an ad loses the ad, not the line."""
        text = ctx.text
        threshold = self.params.threshold
        feats = [(c, features(ctx, c, self.resources, topic=False))
                 for c in cands if c.kind == "run" or self._hot(text, c.start, c.end)]
        # nothing of the line can be accepted when even the heaviest topic could not lift its best piece to
        # the threshold: every decision below needs an accepted piece, so the rest is skipped
        if not feats or max(self.model.logit(f) for _, f in feats) + self.model.topic_max < self._threshold_logit:
            return []
        scored = [(c, self._probability(ctx, c, f)) for c, f in feats]
        scored = _promote_clauses(text, scored, threshold)
        # a piece that is clearly prose keeps the sentence or line holding it from going
        # (a CJK clause only when it shares the article's topic: ``上海外围女上门服务，`` alone reads as nothing)
        rejected = sorted((c.start, c.end) for c, p in scored if p < 0.2 and _letters(ctx.text, c) >= 8
                          and (c.kind != "clause" or _ON_TOPIC.intersection(topic_feature(ctx, c))))
        accepted = [(c, p) for c, p in scored if p >= threshold and not _holds(rejected, c)]
        runs = [c for c, _ in accepted if c.kind == "run"]
        # a foreign run found inside a sentence: the run goes, not the sentence it was glued into
        return [(c.start, c.end, p) for c, p in accepted
                if c.kind == "run" or not self._rest_is_prose(ctx, c, _inside(runs, c))]

    def _rest_is_prose(self, ctx: DocContext, c: Candidate, runs: list[Candidate]) -> bool:
        """Is the longest stretch of ``c`` outside the ``runs`` in it prose (below one half)?"""
        if not runs:
            return False
        cuts = [c.start, *(x for r in sorted(runs, key=lambda r: r.start) for x in (r.start, r.end)), c.end]
        stretches = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if b > a]
        a, b = max(stretches, key=lambda ab: ab[1] - ab[0], default=(c.start, c.start))
        a, b = _strip(ctx.text, a, b)
        if _letters(ctx.text, Candidate(a, b, c.kind)) < 8:
            return False
        return self._probability(ctx, Candidate(a, b, c.kind)) < 0.5

    def _probability(self, ctx: DocContext, c: Candidate, feats: set[str] | None = None) -> float:
        """The model's probability, exact from 0.2 up (below it every decision is the same: clearly prose);
        the topic, which needs the whole document's words, is looked at only when it could matter."""
        if feats is None:
            feats = features(ctx, c, self.resources, topic=False)
        return self.model.probability_below(feats, lambda: topic_feature(ctx, c), 0.2)

    def _hot_lines(self, text: str, script: str, analysis: Analysis) -> list[tuple[int, int]]:
        """The lines worth scoring: the lines with a foreign script or decoration, or two of: a link, a
        handle, a long number, a ``+`` before a digit, a word the model weighs strongly (three such words,
        none counted more than twice, when there is nothing else: common words such as ``free`` or ``online``
        weigh strongly, and two of them make most lines of a shop page hot). The document is tested first
        with what costs next to nothing (its distinct characters and chunks, the links every document's
        ``spam.contact_drop`` finds, a substring test, the digits of its UTF-8 bytes): most articles stop
        there; the scans that locate evidence run only for what the document holds."""
        rare = analysis.chars
        other, foreign = self._foreign.get(script, ((), None))
        if script == "Latin":  # any letter outside Latin (Analysis.scripts leaves out a few blocks: ㆍ)
            has_foreign = any(c.isalpha() and not ("\x00" <= c <= "\u024f") for c in rare)
        else:  # letters of the page's own script are not foreign: which scripts occur, counted
            has_foreign = any(analysis.scripts.get(x) for x in other)
        has_decor = not rare.isdisjoint(_DECOR_CHARS) or any(ord(c) > 0xFF00 for c in rare)
        links = [(s, n) for s, e in self._links.in_document(analysis, self.timeout) if (n := _link_points(text, s, e))]
        at = "@" in text
        dense = script in _DENSE_DOCS
        present = () if dense else {self._cased[x] for x in self._cased_keys.intersection(analysis.chunks)}
        words = 3 if dense else len(present)
        numbers: list[re.Pattern[str]] = []
        if has_foreign or has_decor or links or at or words or "+" in text:
            digits = analysis.utf8.translate(_DIGIT_SHAPE)
            numbers = [p for needle, p in _NUMBERS if needle in digits]
        if not (has_foreign or has_decor or links or at or numbers) and words < 2:
            return []
        starts = analysis.line_starts
        points: Counter[int] = Counter()
        for s, n in links:  # a line's links count as the most telling of them
            line = bisect.bisect_right(starts, s) - 1
            points[line] = max(points[line], n)

        def mark(pattern: re.Pattern[str] | regex.Pattern[str], where: str, weight: int) -> None:
            points.update({bisect.bisect_right(starts, m.start()) - 1: weight for m in pattern.finditer(where)})

        if at:
            mark(_HANDLE, text, 1)
        for pattern in numbers:
            mark(pattern, text, 1)
        if has_decor:
            mark(_DECOR, text, 2)
        if has_foreign and foreign is not None:
            mark(foreign, text, 2)
        hits: dict[int, Counter[str]] = {}
        if words:
            low = analysis.lower
            # one strong word makes a line with a single point hot; three, two of them different, any line
            todo = {i for i, n in points.items() if n == 1}
            if not dense and words >= 2:
                # a line with two different strong words of the page holds one of all but its commonest
                # ties broken by the word, not by the set's hash order: which word is skipped never changes
                # the lines found (a line needs two different words, and one of them is looked for), but the
                # work done should not depend on PYTHONHASHSEED either
                for word in sorted(present, key=lambda w: (low.count(w), w))[:-1]:
                    at_ = low.find(word)
                    while at_ >= 0:
                        todo.add(bisect.bisect_right(starts, at_) - 1)
                        at_ = low.find(word, at_ + len(word))
            spans = [(0, len(low))] if dense else [analysis.line_at(starts[i]) for i in sorted(todo)]
            for s, e in spans:
                for first, word in self._trigger_hits(low, s, e):
                    hits.setdefault(bisect.bisect_right(starts, first) - 1, Counter())[word] += 1
        if "Latin" in FOREIGN.get(script, ()):
            # Latin words in a page of another script count one point, looked for only where another point is
            for i in [i for i in points.keys() | hits.keys() if points[i] + _count(hits.get(i)) == 1]:
                if _LATIN_WORDS.search(text, *analysis.line_at(starts[i])):
                    points[i] += 1
        marks = [line for line in points.keys() | hits.keys() if _enough(points[line], _count(hits.get(line)))]
        lines = [analysis.line_at(starts[i]) for i in sorted(marks)]
        return [(s, e) for s, e in lines if e > s]

    def _hot(self, text: str, start: int, end: int) -> bool:
        """The same test for one sentence of a hot line."""
        piece = text[start:end]
        if _DECOR.search(piece):
            return True
        low = piece.lower()
        points = sum(1 for p in _LINKS if p.search(low)) + sum(1 for _, p in _NUMBERS if p.search(piece))
        points += "@" in piece and bool(_HANDLE.search(piece))
        return _enough(points, _count(Counter(w for _, w in self._trigger_hits(low))))

    def _trigger_hits(self, low: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, str]]:
        """Where a word the model weighs strongly starts in ``low[start:end]`` (a whole word), and the word:
        one C pass."""
        n = len(low)
        stop = n if end is None else min(end, n)
        triggers = self._triggers
        for i, first, last in triggers.matches(low if start == 0 and stop == n else low[start:stop]):
            word = triggers.words[i]
            first, last = first + start, last + start - 1
            if ord(low[first]) > 0x2E80 or (  # dense-script bigrams have no word boundaries
                    (first == 0 or not low[first - 1].isalnum()) and (last + 1 == n or not low[last + 1].isalnum())):
                yield first, word

    @staticmethod
    def _widen(text: str, start: int, end: int) -> tuple[int, int]:
        """Take in the decoration and contact codes glued to the ad on either side."""
        for _ in range(2):  # a closer the ad opened (【薇1358〓8990】), then what is glued after it
            piece = text[start:end]
            for opener, closer in _PAIRS:
                if piece.count(opener) > piece.count(closer):
                    close = text.find(closer, end, end + 40)
                    if close >= 0 and "\n" not in text[end:close]:
                        end = close + 1
            tail = _TAIL.match(text, end) or _GLUED_TAIL.match(text, end)
            if tail:
                end = tail.end()
        head = _HEAD.search(text, max(0, start - 20), start)
        if head and head.end() == start:
            start = head.start()
        if start < len(text) and ord(text[start]) >= 0x2E80:  # digits glued before a dense-script ad (2024年…)
            digits = _GLUED_DIGITS.search(text, max(0, start - 12), start)
            if digits and digits.end() == start and (digits.start() == 0 or not text[digits.start() - 1].isalnum()):
                start = digits.start()
        return start, end


_LABEL_WORD = regex.compile(r"\w+")
_ON_TOPIC = frozenset(("topic:mid", "topic:high"))


def _link_points(text: str, start: int, end: int) -> int:
    """What a link found by the LinkFinder counts as evidence: a point each for ``http``, ``www.`` and a
    TLD that ads use (``https://www.win-big.bet`` three, ``example.org`` none)."""
    link = text[start:end].lower()
    tld = _LINK_TLD.search(link)
    return link.startswith("http") + ("www." in link) + (tld is not None and tld.group(1) in _TLDS)


def _count(hits: Counter[str] | None) -> int:
    """Strong words of a line, each counted at most twice (``free … free … free`` is not three)."""
    return sum(min(2, n) for n in hits.values()) if hits else 0


def _enough(points: int, words: int) -> bool:
    """Evidence enough to score a line: two points (a link, a long number, a strong word; decoration or a
    foreign script count two), of which at least one not a word, or three strong words."""
    return points + words >= 2 and (points >= 1 or words >= 3)


def resources(rule: Rule) -> Resources:
    """The word lists a rule's features look up; ``train/train_spam.py`` builds the same from the rule."""
    p = parse_params(AdSegmentParams, rule)
    lexicon = load_lexicon(rule, "lexicon", p.lexicon) if p.lexicon else None
    gloss = Gloss(read_word_list(rule, p.gloss_words, "gloss_words")) if p.gloss_words else None
    return Resources(lexicon, gloss)


_LETTER = regex.compile(r"\p{L}")


def _letters(text: str, c: Candidate) -> int:
    return len(_LETTER.findall(text, c.start, c.end))


def _promote_clauses(text: str, scored: list[tuple[Candidate, float]],
                     threshold: float) -> list[tuple[Candidate, float]]:
    """A CJK clause that leans to an ad (0.3 or more) next to a clause that is one belongs to it:
    ``上海外围女上门服务，加薇信1358899在线预约`` is one ad in two clauses."""
    clauses = [i for i, (c, _) in enumerate(scored) if c.kind == "clause"]
    out = list(scored)
    for a, b in itertools.pairwise(clauses):
        (ca, pa), (cb, pb) = out[a], out[b]
        if text[ca.end:cb.start].strip():
            continue
        if pa >= threshold and 0.3 <= pb < threshold:
            out[b] = (cb, pa)
        elif pb >= threshold and 0.3 <= pa < threshold:
            out[a] = (ca, pb)
    return out


def _inside(cands: list[Candidate], c: Candidate) -> list[Candidate]:
    return [x for x in cands if c.start <= x.start and x.end <= c.end]


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and not text[a].isalnum():
        a += 1
    while b > a and not text[b - 1].isalnum() and text[b - 1] not in ".!?。！？":
        b -= 1
    return a, b


def _holds(spans: list[tuple[int, int]], c: Candidate) -> bool:
    """Does ``c`` strictly contain one of the sorted ``spans``? (Only those starting inside it are looked
    at: its own pieces, so a long line of many sentences costs no more than its length.)"""
    i = bisect.bisect_left(spans, (c.start, -1))
    while i < len(spans) and spans[i][0] < c.end:
        if spans[i][1] <= c.end and spans[i] != (c.start, c.end):
            return True
        i += 1
    return False


def _merge(found: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Overlapping accepted candidates as one span, with the highest probability among them."""
    out: list[tuple[int, int, float]] = []
    for s, e, p in sorted(found):
        if out and s <= out[-1][1]:
            ps, pe, pp = out[-1]
            out[-1] = (ps, max(pe, e), max(pp, p))
        else:
            out.append((s, e, p))
    return out


