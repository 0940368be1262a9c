"""``foreign_run``: runs of a script that is not the document's own (Han ad strings in English prose).

An injected SEO string like ``爱上海同城419`` is a short run of another script dropped into prose
without any of the signs journalists use when they quote foreign words: it is not glossed
(``Xiamen (厦门)``, ``春风楼, means “…”``), not quoted (``“共同富裕”``, ``《活着》``), and it often sits
at a line edge, is glued to a word, carries ad vocabulary or a contact handle (``V信 ab1234``,
``abcd99.site``). Each run is extended over glued codes and handles, then scored:

* evidence for spam: a bare run at all (``bare``), a line edge (``edge``), glued to a word (``glued``),
  ad-lexicon hits (weights per category), an attached contact/number/domain (``contact``);
* a gloss, quotes or brackets around it mean a legitimate quotation: the run is skipped unless it also
  carries a contact handle and strong ad vocabulary.

False positives come from unglossed foreign names written bare in prose (rare in edited text);
false negatives from spam placed inside quotes or brackets.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import regex

from ..analysis import Analysis
from ..budget import checked
from ..document import Document
from ..lexicon import Lexicon
from ..registry import register
from ..rules import Rule
from ..spans import Span
from .ad_extent import whole_ad
from .base import Detector, read_word_list
from .common import CONTACT_TAIL, Gloss, char_after, char_before, load_lexicon, nearest_nonspace

SCRIPT_CLASSES = {
    "Han": r"\p{Han}々〆", "Kana": r"\p{Hiragana}\p{Katakana}ー", "Hangul": r"\p{Hangul}",
    "Cyrillic": r"\p{Cyrillic}", "Arabic": r"\p{Arabic}", "Hebrew": r"\p{Hebrew}", "Thai": r"\p{Thai}",
    "Devanagari": r"\p{Devanagari}",
}
OPENERS = "(（[［【〔「『《“\"'‘"
CLOSERS = {"(": ")）", "（": ")）", "[": "]］", "［": "]］", "【": "】", "〔": "〕", "「": "」", "『": "』",
           "《": "》", "“": "”\"", "\"": "\"”", "'": "'’", "‘": "’'"}


_CONTACT = regex.compile(r"[0-9]{3,}|\.[a-z]{2,}\b|@\w")  # a number, a domain or a handle in the run

@dataclass(frozen=True)
class ForeignRunParams:
    doc_scripts: tuple[str, ...] = ("Latin", "Cyrillic", "Greek")  # main scripts of documents checked
    scripts: tuple[str, ...] = ("Han", "Kana", "Hangul")  # scripts whose runs are foreign there
    min_chars: int = 2  # shorter runs are ignored
    bilingual_share: float = 0.2  # foreign letters above this share and count: a bilingual text, skipped
    bilingual_chars: int = 200
    threshold: float = 0.5  # spam when the evidence adds up to this
    weights: dict[str, float] = field(default_factory=lambda: {
        "bare": 0.5, "edge": 0.3, "glued": 0.3, "contact": 0.5, "between_sentences": 0.2})
    lexicon: dict[str, str] = field(default_factory=dict)  # category -> sidecar word list
    lexicon_weights: dict[str, float] = field(default_factory=dict)  # category -> weight
    gloss_words: str = ""  # sidecar list of words that introduce a quoted foreign term ("means", "called")

    def check(self) -> tuple[str, str] | None:
        unknown = [s for s in self.scripts if s not in SCRIPT_CLASSES]
        if unknown:
            return "scripts", "allowed: " + ", ".join(SCRIPT_CLASSES)
        missing = set(self.lexicon) - set(self.lexicon_weights)
        if missing:
            return "lexicon_weights", f"give a weight for {', '.join(sorted(missing))}"
        return None


@register
class ForeignRunDetector(Detector):
    name = "foreign_run"
    Params = ForeignRunParams

    def __init__(self, rule: Rule, timeout: float | None = None) -> None:
        super().__init__(rule, timeout)
        p: ForeignRunParams = self.params
        cls = "".join(SCRIPT_CLASSES[s] for s in p.scripts)
        # a run: foreign letters, possibly joined by short glued codes (龙凤419会所, 成都KTV公主)
        # or by a space and a glued upper-case marker (深圳夜场 V信), or by one space (三亚 伴游)
        self.run_re = regex.compile(rf"[{cls}]+(?:(?:[A-Za-z0-9]{{1,4}}|[ \t][A-Z]{{1,3}}|[ \t])[{cls}]+)*")
        self.lexicon: Lexicon = load_lexicon(rule, "lexicon", p.lexicon)
        self.gloss = Gloss(read_word_list(rule, p.gloss_words, "gloss_words")) if p.gloss_words else None

    def detect(self, doc: Document, analysis: Analysis) -> Iterator[Span]:
        p: ForeignRunParams = self.params
        foreign = sum(analysis.scripts[s] for s in p.scripts)
        if analysis.script not in p.doc_scripts or not foreign:
            return
        if foreign > p.bilingual_chars and foreign > p.bilingual_share * sum(analysis.scripts.values()):
            return  # a bilingual text, not an article with something injected into it
        text = doc.text
        for m in checked(self.run_re.finditer(text, timeout=self.timeout)):
            start, end = self._extend(text, m.start(), m.end())
            if sum(1 for c in text[start:end] if c.isalpha()) < p.min_chars:
                continue
            score, evidence = self._score(text, analysis, start, end)
            if score >= p.threshold:
                start, end = whole_ad(text, start, end, analysis.script)  # its codes and handles around it
                yield self.span(doc, start, end, score=min(score, 1.0), detail={"evidence": evidence})

    # -- extent ------------------------------------------------------------------------------
    def _extend(self, text: str, start: int, end: int) -> tuple[int, int]:
        """Take in glued short upper-case markers on the left (``V信``, ``Q号``) and contact
        handles, numbers and domains on the right (``夜场abcd99.site``, ``金沙 js8866.app``)."""
        left = start
        while left > 0 and "A" <= text[left - 1] <= "Z" and start - left < 3:
            left -= 1
        if 0 < left < start and text[left - 1].isalnum() and not text[left - 1].islower():
            left = start  # part of a longer word or acronym: leave it ("justV信" is camel-case glue)
        for _ in range(3):  # marker, then handle: "约茶vx vx: abc12345"
            tail = CONTACT_TAIL.match(text, end)
            if not tail or tail.end() == end:
                break
            end = tail.end()
        return left, end

    # -- evidence ----------------------------------------------------------------------------
    def _score(self, text: str, analysis: Analysis, start: int, end: int) -> tuple[float, list[str]]:
        p: ForeignRunParams = self.params
        w = p.weights
        seg = text[start:end]
        contact = _CONTACT.search(seg) is not None
        enclosed = self._enclosed(text, start, end)
        if enclosed and not contact:
            return 0.0, ["quoted"]  # whatever its ad vocabulary: not looked up
        lex = self.lexicon.categories(seg) if self.lexicon.size else set()
        score = sum(p.lexicon_weights[c] for c in lex)
        evidence: list[str] = sorted(lex)
        if contact:
            score += w.get("contact", 0)
            evidence.append("contact")
        if enclosed:
            if score >= 1.0:
                return score, [*evidence, "quoted"]
            return 0.0, ["quoted"]
        if score < 0.5 and self.gloss is not None and self.gloss.near(text, start, end):
            return 0.0, ["glossed"]  # a gloss word next to it, and no strong ad evidence
        score += w.get("bare", 0)
        evidence.append("bare")
        line_start, line_end = analysis.line_at(start)
        before, after = char_before(text, line_start, start), char_after(text, end, line_end)
        if not before or not after:
            score += w.get("edge", 0)
            evidence.append("edge")
        elif before in ".!?。！？”\"" and after.isupper():
            score += w.get("between_sentences", 0)  # a sentence of its own between two others
            evidence.append("between_sentences")
        if (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
            score += w.get("glued", 0)
            evidence.append("glued")
        return score, evidence

    def _enclosed(self, text: str, start: int, end: int) -> bool:
        """Inside quotes or brackets, or followed by a bracketed or slashed gloss."""
        _, prev = nearest_nonspace(text, start - 1, -1)
        close = end
        while close < len(text) and text[close].isascii() and text[close].isalnum():
            close += 1  # (卡拉OK): the closer comes after the glued Latin
        _, closer = nearest_nonspace(text, close, 1)
        if prev and closer and prev in OPENERS and closer in CLOSERS.get(prev, ""):
            return True
        next_i, nxt = nearest_nonspace(text, end, 1)
        if nxt and nxt in "(（/" and next_i + 1 < len(text):
            _, first = nearest_nonspace(text, next_i + 1, 1)
            if first and ((first.isascii() and first.isalpha()) or first in "“\"‘'"):
                return True
        return False
