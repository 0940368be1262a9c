"""``leftover``: an assistant's or a translation tool's own sentences left in the published text.

A reply pasted whole into a page keeps the tool's voice around the content: a preamble
(``Sure! Here is the revised text:``), a closing offer (``Let me know if you want a shorter
version``), an agent's report on what it did, a knowledge-cutoff hedge, a translator's remark. What
they share is structure, not wording, and it is the same in every language: the tool addresses the
requester (``you``, ``your``, ``您``, ``vous``), talks about the text it produced (``the translation``,
``the README``, ``以下是``), opens with a one-word acknowledgement and an exclamation, ends on a colon
before the content, and sits at the edge of the document or on a line of its own.

Each sentence of each line is scored by a linear model over such features (word and character
n-grams, the sentence's first word, its punctuation shape, its place in the line and the
document); the weights are learned by ``train/train_artifacts.py`` from real leftovers against
news and web text, and shipped as a sorted text file beside the rule. A sentence at the threshold is
removed; when every sentence of a line goes, the whole line goes with its list marker.

Reported speech is kept by the same model: quotes and reporting verbs (``the spokesman said``) weigh
against a finding, and so does a sentence inside a long paragraph of prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import regex

from ..analysis import Analysis
from ..document import Document
from ..registry import register
from ..rules import Rule
from ..spans import Span
from .base import Detector

# a sentence ends at .!? (with closing quotes) before white space, at a colon before white space, or
# at a CJK full stop, exclamation, question mark or colon
_END = regex.compile(r"[.!?…]+[\"'”’)\]*]*(?=\s|$)|[:](?=\s)|[。！？：]+[”」』）)]*")
_TOKEN = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]|[\p{L}\p{N}'’]+")
_MARKER = regex.compile(r"[ \t]*(?:[-*+>#]+|\d+[.)]|//+|<!--)?[ \t]*")
_EMOJI = regex.compile(r"\p{Extended_Pictographic}")
_NEWLINE = re.compile("\n")
_QUOTE_MARK = regex.compile(r'[“”"«»„「」『』]')
# a quotation within a line: paired marks, or an opening mark to the end of the line
_QUOTED = regex.compile(r'“[^”\n]*(?:”|$)|"[^"\n]*(?:"|$)|«[^»\n]*(?:»|$)|„[^“”\n]*(?:[“”]|$)|「[^」\n]*(?:」|$)|『[^』\n]*(?:』|$)',
                        regex.MULTILINE)
MAX_LINE = 600  # a longer line is a paragraph of prose: only its first and last sentence are scored


def _shape(sentence: str) -> list[str]:
    s = sentence.rstrip(" *_`")
    last = s[-1:] if s else ""
    end = {":": "colon", "：": "colon", "!": "excl", "！": "excl", "?": "q", "？": "q", ".": "stop",
           "。": "stop"}.get(last, "none")
    out = ["end:" + end]
    head = sentence[:30]
    if "!" in head or "！" in head:
        out.append("excl_open")
    if _QUOTE_MARK.search(sentence):
        out.append("quote")
    if _EMOJI.search(sentence):
        out.append("emoji")
    return out


@dataclass(frozen=True, slots=True)
class Cues:
    """Cue phrases as token sequences (tokenised as the sentences are: CJK by character), by the
    token they start with, so that a sentence costs one set lookup per token."""

    by_first: dict[str, tuple[tuple[tuple[str, ...], str], ...]]
    opening: re.Pattern[str]  # a line (of the lower-cased text) that opens with a cue of the tool's voice

    def find(self, toks: list[str]) -> Iterator[tuple[int, str]]:
        """``(token index, class)`` of every cue in ``toks``."""
        by_first = self.by_first
        for i, t in enumerate(toks):
            for phrase, name in by_first.get(t, ()):
                if tuple(toks[i:i + len(phrase)]) == phrase:
                    yield i, name


def tokens(text: str) -> list[str]:
    return [t.replace("’", "'") for t in _TOKEN.findall(text.lower())]


OPENING_CLASSES = ("ack", "present", "offer", "hope", "cutoff")  # what the tool's lines open with


def compile_cues(cues: Mapping[str, Sequence[str]]) -> Cues | None:
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    latin, cjk = set(), set()
    for name, words in sorted(cues.items()):
        for w in words:
            phrase = tuple(tokens(w))
            if not phrase:
                continue
            by_first.setdefault(phrase[0], []).append((phrase, name))
            if name in OPENING_CLASSES:
                e = re.escape(w.lower()).replace("'", "['’]").replace(r"\ ", r"\s+")
                (cjk if regex.match(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]", w) else latin).add(e)
    if not by_first:
        return None
    # the standard library's `re`, on the lower-cased text: 5x faster than `regex` at this one pass
    alts = [f"(?:{'|'.join(sorted(latin, key=len, reverse=True))})(?![\\w'’])" if latin else "",
            f"(?:{'|'.join(sorted(cjk, key=len, reverse=True))})" if cjk else ""]
    opening = re.compile(r"\n[ \t]*(?:[-*+>#]+[ \t]*|\d+[.)][ \t]*|//+[ \t]*|<!--[ \t]*)?[*_\"“«¡¿(\[]*(?:"
                         + "|".join(a for a in alts if a) + ")")
    return Cues({k: tuple(sorted(v)) for k, v in by_first.items()}, opening)


def features(sentence: str, position: tuple[str, ...], cues: Cues | None = None,
             toks: list[str] | None = None, hits: list[tuple[int, str]] | None = None) -> list[str]:
    """The features of one sentence: its words and word (or CJK character) pairs, its first word,
    its punctuation shape, its speech-act cues (alone, at its start, in pairs), its length, and
    ``position`` (``first``/``last`` line of the document, ``alone`` on its line, ``head`` of its
    line, ``item`` of a list), alone and crossed with the shape."""
    toks = tokens(sentence) if toks is None else toks
    feats = ["w:" + t for t in toks]
    feats += ["b:" + a + " " + b for a, b in zip(toks, toks[1:], strict=False)]
    if toks:
        feats.append("first:" + toks[0])
        if len(toks) > 1:
            feats.append("first2:" + toks[0] + " " + toks[1])
    n = len(toks)
    feats.append("len:" + ("1" if n < 4 else "2" if n < 9 else "3" if n < 21 else "4" if n < 41 else "5"))
    shape = _shape(sentence)
    if cues is not None:
        hits = list(cues.find(toks)) if hits is None else hits
        found = sorted({name for _, name in hits})
        shape += ["c:" + name for name in found]
        shape += ["c0:" + name for i, name in hits if i == 0]
        shape += ["cc:" + a + "&" + b for k, a in enumerate(found) for b in found[k + 1:]]  # speech acts together
    feats += ["s:" + x for x in shape]
    feats += ["p:" + p for p in position]
    feats += ["x:" + p + "&" + x for p in position for x in shape]
    return list(dict.fromkeys(feats))  # each once: the model's features are binary


@dataclass(frozen=True, slots=True)
class Unit:
    start: int
    end: int
    line_start: int  # the line's start, list marker included, and end
    line_end: int
    feats: list[str]

    @property
    def stub(self) -> bool:
        """A sentence of one to three words (``Certainly.``, ``Sure!``)."""
        return "len:1" in self.feats


def units(text: str, cues: Cues | None = None, lower: str | None = None) -> Iterator[Unit]:
    """Every sentence to score, with its features, among the lines that open with a cue of the
    tool's voice (an acknowledgement, ``here is``, an offer, a hope, a knowledge hedge): all sentences of the document's first and last line (the first and last of a line over
    ``MAX_LINE`` characters), the head sentence of any other, unless it reports speech. Those lines
    are found by one regex pass over the text: prose that opens otherwise is never looked at."""
    lower = text.lower() if lower is None else lower
    first_end = len(text.rstrip())
    if not first_end:
        return
    first = text.rfind("\n", 0, len(text) - len(text.lstrip()) + 1) + 1
    last = text.rfind("\n", 0, first_end) + 1
    if cues is not None and len(lower) == len(text):
        # the lines that open with the tool's voice, in one pass over the text
        starts = sorted({m.start() + 1 for m in cues.opening.finditer(lower, first, first_end)}
                        | ({first} if cues.opening.match("\n" + lower[first:first + 200]) else set()))
    else:
        starts = sorted({first, last, *(m.end() for m in _NEWLINE.finditer(text, first, first_end))})
    for ls in starts:
        le = text.find("\n", ls)
        le = len(text) if le < 0 else le
        while le > ls and text[le - 1].isspace():
            le -= 1
        if le == ls:
            continue
        where = (("first",) if ls == first else ()) + (("last",) if ls == last else ())
        m = _MARKER.match(text, ls, le)
        body = m.end() if m else ls
        item = ("item",) if body > ls and text[ls:body].strip() else ()
        if where:
            bounds = _sentences(text, body, le)
            if le - ls > MAX_LINE and len(bounds) > 2:
                bounds = [bounds[0], bounds[-1]]
        else:  # the head sentence only, and whether it is alone on its line
            stop = _END.search(text, body, le)
            end = stop.end() if stop else le
            bounds = [(body, end)] if text[body:end].strip() else []
            if text[end:le].strip():
                bounds.append((end, le))
        if not bounds:
            continue
        quotes = [(q.start(), q.end()) for q in _QUOTED.finditer(text, body, le)] if _QUOTE_MARK.search(
            text, body, le) else []
        line_cues: list[str] | None = None
        for j, (s, e) in enumerate(bounds):
            if j and not where:
                break
            if any(a <= s < b for a, b in quotes):  # someone else's words, quoted
                continue
            sentence = _masked(text, s, e, quotes) if quotes else text[s:e]
            toks = tokens(sentence)
            hits = list(cues.find(toks)) if cues is not None else []
            names = {name for _, name in hits}
            if "reported" in names or not (names or where):  # reported speech; prose without a cue
                continue
            if line_cues is None:
                line_cues = []
                if cues is not None and len(bounds) > 1 and le - ls <= MAX_LINE:
                    # what the whole line does (an acknowledgement, then "here is…") counts for each sentence
                    line_cues = sorted({"s:L:" + name for _, name in cues.find(tokens(_masked(text, body, le, quotes)))})
                if "s:L:reported" in line_cues:  # a line that reports speech is the writer's
                    break
            position = where + item + (("alone",) if len(bounds) == 1 else ("head",) if j == 0 else ())
            yield Unit(s, e, ls, le, features(sentence, position, cues, toks, hits) + line_cues)


def _masked(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> str:
    """``text[start:end]`` with each quotation inside it reduced to its marks (``“…”``): quoted words
    are someone else's, not the sentence's own voice."""
    out, pos = [], start
    for a, b in quotes:
        if b <= start or a >= end:
            continue
        out.append(text[pos:max(a, pos)])
        out.append(" “…” ")
        pos = min(b, end)
    out.append(text[pos:end])
    return "".join(out)


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    s = start
    for m in _END.finditer(text, start, end):
        if m.end() > s:
            out.append((s, m.end()))
        s = m.end()
        while s < end and text[s].isspace():
            s += 1
    if s < end:
        out.append((s, end))
    return [(a, b) for a, b in out if text[a:b].strip()]


def read_weights(lines: list[str]) -> tuple[dict[str, float], float, float]:
    """``weights``, ``bias``, ``threshold`` from the shipped file's lines (``name<TAB>value``; ``#`` comments)."""
    weights: dict[str, float] = {}
    bias = threshold = 0.0
    for line in lines:
        if not line or line.startswith("#"):
            continue
        name, value = line.rsplit("\t", 1)
        if name == "@bias":
            bias = float(value)
        elif name == "@threshold":
            threshold = float(value)
        else:
            weights[name] = float(value)
    return weights, bias, threshold


@dataclass(frozen=True)
class LeftoverParams:
    weights: str = ""  # sidecar file written by train/train_artifacts.py
    cues: dict[str, tuple[str, ...]] = field(default_factory=dict)  # speech-act class -> its words
    join: float = 0.0  # once a sentence of a line is found, the line's others at this score go with it

    def check(self) -> tuple[str, str] | None:
        if not self.weights:
            return "weights", "name the weights file train/train_artifacts.py writes"
        return None


@register
class LeftoverDetector(Detector):
    name = "leftover"
    Params = LeftoverParams

    def __init__(self, rule: Rule, timeout: float | None = None) -> None:
        super().__init__(rule, timeout)
        path = rule.sidecar(self.params.weights)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as e:
            raise rule.error("C205", f"{self.params.weights} ({e.strerror})", key="weights") from None
        try:
            self.weights, self.bias, self.threshold = read_weights(lines)
        except ValueError:
            raise rule.error("C202", f"{self.params.weights}: lines are name<TAB>number",
                             key="weights") from None
        self.cues = compile_cues(self.params.cues)

    def score(self, feats: list[str]) -> float:
        w = self.weights
        return self.bias + sum(w.get(f, 0.0) for f in feats)

    def detect(self, doc: Document, analysis: Analysis) -> Iterator[Span]:
        line: list[tuple[Unit, float]] = []
        for u in units(doc.text, self.cues, analysis.lower):
            if line and line[0][0].line_start != u.line_start:
                yield from self._line(doc, line)
                line = []
            line.append((u, self.score(u.feats)))
        yield from self._line(doc, line)

    def _line(self, doc: Document, line: list[tuple[Unit, float]]) -> Iterator[Span]:
        """A line's findings: its sentences at the threshold and, once one is, those at ``join``; when
        no other sentence is left but stubs (``Certainly.``), the whole line with its list marker."""
        if not any(s >= self.threshold for _, s in line):
            return
        found = [(u, s) for u, s in line if s >= self.params.join]
        if all(u.stub for u, s in line if s < self.params.join):
            u = line[0][0]
            yield self.span(doc, u.line_start, u.line_end, score=_prob(max(s for _, s in line)))
            return
        for u, s in found:
            yield self.span(doc, u.start, u.end, score=_prob(s))


def _prob(logit: float) -> float:
    import math

    return round(1 / (1 + math.exp(-logit)), 4)
