"""``ad_segment``: injected ads found by a learned segment scorer (:mod:`cleaner.adscore`).

Every line, sentence, CJK clause and run of a foreign script is a candidate; a logistic-regression
model fitted on real spam by ``train/train_spam.py`` scores its features (script switch, folded
n-grams, phone/handle/domain/price shapes, decoration, topic distance, position, gluing). A candidate
above ``threshold`` is removed whole, with the decoration, brackets and contact codes glued to it
(``【薇3681〓7028】``, ``WX:( RYG622)``); the article's words around it stay.

Only lines that show some evidence are scored (a foreign script, a contact shape, decoration, or a
word the model weighs strongly): the rest of an article costs one folding pass and a set look-up.
False positives come from short bare foreign strings at a line edge; false negatives from ads
written like prose and glued inside an article's sentence.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import regex

from ..adscore import CJK_DOCS, Candidate, DocContext, Gloss, Model, Resources, candidates, features, units
from ..analysis import Analysis
from ..document import Document
from ..fold import fold_text
from ..registry import register
from ..rules import Rule
from ..spans import Span
from .base import Detector, parse_params, read_word_list
from .common import load_lexicon

# glued to an ad: decoration, a bracketed code or handle, a messenger label with its id
_TAIL = regex.compile(
    r"(?:[ \t]*(?:[\p{So}\p{Sk}\u2500-\u25ff\u3012\u3013\u4e44]+"
    r"|[【〖\[(（][^\n】〗\])）]{0,40}[0-9@][^\n】〗\])）]{0,40}[】〗\])）]"
    r"|(?i:qq|vx|wx|tg|v信|微信|飞机|扣|line|telegram|whatsapp)[ \t]*[:：]?[ \t]*[(（]?[ \t]*@?[A-Za-z0-9_.-]*[0-9][A-Za-z0-9_.-]*[ \t]*[)）]?))+")
_HEAD = regex.compile(r"(?r)(?:[\p{So}\p{Sk}\u2500-\u25ff\u3012\u3013【〖]+[ \t]*)+")
_EVIDENCE = regex.compile(r"[0-9]{5,}|@[A-Za-z0-9_]{3}|https?://|www\.|\.(?:com|net|xyz|vip|bet|top|site|app)\b"
                          r"|[\p{So}【】〖〗▋█〓╋乄]")


@dataclass(frozen=True)
class AdSegmentParams:
    weights: str = "ad_segment.weights.tsv"  # sidecar weights file written by train/train_spam.py
    threshold: float = 0.9  # probability above which a candidate is an injected ad
    trigger: float = 0.8  # an n-gram weighing at least this makes a line worth scoring
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
        self.triggers = frozenset(f[2:] for f, w in self.model.weights.items()
                                  if w >= p.trigger and f.startswith(("w:", "b:")))

    def detect(self, doc: Document, analysis: Analysis) -> Iterator[Span]:
        text = doc.text
        script = analysis.script
        lines = [(s, e) for s, e in self._lines(text) if self._hot(text[s:e], script)]
        if not lines:
            return
        ctx = DocContext.of(text, script)
        found: list[tuple[int, int, float]] = []
        for line in lines:
            found.extend(self._line(ctx, candidates(text, script, [line])))
        for start, end, prob in _merge(found):
            start, end = self._widen(text, start, end)
            yield self.span(doc, start, end, score=round(prob, 3))

    def _line(self, ctx: DocContext, cands: Iterator[Candidate]) -> list[tuple[int, int, float]]:
        """The accepted candidates of one line, less those that hold a rejected piece of prose: a line
        whose first sentence is the article's and second an ad loses the ad, not the line."""
        scored = [(c, self.model.probability(features(ctx, c, self.resources))) for c in cands]
        threshold = self.params.threshold
        rejected = [c for c, p in scored if p < threshold and _letters(ctx.text, c) >= 8]
        return [(c.start, c.end, p) for c, p in scored if p >= threshold and not any(
            c.start <= r.start and r.end <= c.end and (r.start, r.end) != (c.start, c.end) for r in rejected)]

    @staticmethod
    def _lines(text: str) -> Iterator[tuple[int, int]]:
        start = 0
        while start <= len(text):
            end = text.find("\n", start)
            end = len(text) if end < 0 else end
            if end > start:
                yield start, end
            start = end + 1

    def _hot(self, line: str, script: str) -> bool:
        if script in CJK_DOCS or script == "Korean" or not line.isascii():
            return True
        if _EVIDENCE.search(line):
            return True
        words, _ = units(fold_text(line))
        return not self.triggers.isdisjoint(words)

    @staticmethod
    def _widen(text: str, start: int, end: int) -> tuple[int, int]:
        """Take in the decoration and contact codes glued to the ad on either side."""
        tail = _TAIL.match(text, end)
        if tail:
            end = tail.end()
        head = _HEAD.search(text, max(0, start - 20), start)
        if head and head.end() == start:
            start = head.start()
        return start, end


def resources(rule: Rule) -> Resources:
    """The word lists a rule's features look up; ``train/train_spam.py`` builds the same from the rule."""
    p = parse_params(AdSegmentParams, rule)
    lexicon = load_lexicon(rule, "lexicon", p.lexicon) if p.lexicon else None
    gloss = Gloss(read_word_list(rule, p.gloss_words, "gloss_words")) if p.gloss_words else None
    return Resources(lexicon, gloss)


def _letters(text: str, c: Candidate) -> int:
    return sum(ch.isalpha() for ch in text[c.start:c.end])


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


