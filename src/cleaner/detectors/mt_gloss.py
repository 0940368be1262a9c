"""``mt_gloss``: machine-translation glosses that leaked into the text, repaired to the intended word.

A translation tool that was unsure left both languages and its notes in place:
``academic研究成果(成果)(achievements)(“成果”翻译为“achievements”)`` where the writer meant
``academic achievements``. Two shapes:

* **source-first**: a bare run of the foreign script followed by bracket groups (or ``/``) holding
  the target-language word, optionally with notes: ``政府（government）（这里的“政府”指“government”）``,
  ``能源/energy``. The repair is the first bare target-language word in the brackets.
* **target-first**: a word followed by a bracketed foreign term that is *labelled* as a translation
  (``profit (Chinese: 利润)``, ``policy（直译：政策）``) or set in the brackets a translation tool
  uses rather than a journalist (``market【市场】``, full-width ``（…）`` glued to the word). The repair
  is the word itself.

A writer's gloss is left alone: ``Xiamen (厦门)``, ``蛇 (snake)``, ``小笼包 (xiaolongbao)`` (one group in
ASCII parentheses, no translator's label), a language-labelled gloss (``Xiaolongbao(Chinese: 小笼包, pinyin:
…)``: a language name is the writer's label, ``直译``/``原文`` the tool's), a quoted term with its quoted
translation (``“共同富裕” (“common prosperity”)``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex

from ..analysis import Analysis
from ..budget import checked
from ..document import Document
from ..lexicon import CJK, CJK_LETTERS
from ..registry import register
from ..rules import Rule
from ..spans import Span
from .base import Detector

_FOREIGN = CJK_LETTERS
_OPEN, _CLOSE = "([（【〔［", ")]）】〕］"
_GROUP = rf"[ \t]?[{regex.escape(_OPEN)}][^{regex.escape(_OPEN + _CLOSE)}\n]{{1,80}}[{regex.escape(_CLOSE)}]"
# a gloss with fields after the source term (`Chinese: 小笼包, pinyin: …`, `漢字; IPA: …`): the writer's
_FIELDS = regex.compile(rf"[{CJK_LETTERS}]\s*[,，;；]\s*\S")
_HEAD = regex.compile(r"[A-Za-z][A-Za-z'’-]*")
_INSIDE = regex.compile(rf"[{regex.escape(_OPEN)}]([^{regex.escape(_OPEN + _CLOSE)}]*)")  # a bracket group's inside
_LATIN_WORD = regex.compile(r"[A-Za-z][A-Za-z'’-]*(?: [A-Za-z][A-Za-z'’-]*){0,3}")


@dataclass(frozen=True)
class MtGlossParams:
    labels: tuple[str, ...] = ()  # words that mark a bracket as a translation note ("Chinese:", "直译")
    tool_brackets: str = "【〔［"  # brackets journalists do not use for glosses


@register
class MtGlossDetector(Detector):
    name = "mt_gloss"
    Params = MtGlossParams

    def __init__(self, rule: Rule, timeout: float | None = None) -> None:
        super().__init__(rule, timeout)
        p: MtGlossParams = self.params
        self.source_first = regex.compile(
            rf"(?<![“\"‘'「《{_FOREIGN}])[{_FOREIGN}]+(?:(?:{_GROUP})+|/[A-Za-z][A-Za-z-]*)")
        self.target_first = regex.compile(
            rf"(?<![\p{{L}}])[A-Za-z][A-Za-z'’-]*(?:/[{_FOREIGN}]+|(?:{_GROUP})+)")
        labels = "|".join(regex.escape(x) for x in sorted(p.labels, key=len, reverse=True))
        self.label_re = regex.compile(rf"(?:{labels})\s*[:：]", regex.IGNORECASE) if labels else None

    def detect(self, doc: Document, analysis: Analysis) -> Iterator[Span]:
        if not any(analysis.scripts[s] for s in ("Han", "Kana", "Hangul")) or analysis.script != "Latin":
            return
        text = doc.text
        for m in checked(self.source_first.finditer(text, timeout=self.timeout)):
            word = self._target_word(m.group())
            if word and self._source_first_leak(text, m.start(), m.end()):
                yield self.span(doc, m.start(), m.end(), replacement=word)
        for m in checked(self.target_first.finditer(text, timeout=self.timeout)):
            if self._is_tool_gloss(m.group()):
                head = _HEAD.match(m.group())
                assert head is not None
                yield self.span(doc, m.start(), m.end(), replacement=head.group())

    def _target_word(self, chain: str) -> str | None:
        """The first bare target-language word inside the brackets (or after the slash)."""
        if "/" in chain and not any(c in chain for c in _OPEN):
            word = chain.split("/", 1)[1]  # a capitalised one is a romanised name (방탄/Bangtan)
            return word if word[0].islower() else None
        for group in _INSIDE.findall(chain):
            inner = self.label_re.sub("", group).strip() if self.label_re else group.strip()
            m = _LATIN_WORD.fullmatch(inner)
            if m:  # a capitalised word is a romanised name (小红书 (Xiaohongshu)): a gloss, not a leak
                return m.group() if m.group()[0].islower() else None
        return None

    def _source_first_leak(self, text: str, start: int, end: int) -> bool:
        """A tool's leak repeats the source word or adds its remark (several groups), uses full-width
        or tool brackets, a translator's label or a slash; one plain ``(word)`` is the writer's gloss
        (``蛇 (snake)``, ``画 (to draw)``, ``到(ankommen)``)."""
        chain = text[start:end]
        groups = sum(1 for c in chain if c in _OPEN)
        if groups > 1 or "/" in chain:
            return True
        if any(c in chain for c in "（" + self.params.tool_brackets):
            return True
        return self.label_re is not None and bool(self.label_re.search(chain))

    def _is_tool_gloss(self, chain: str) -> bool:
        p: MtGlossParams = self.params
        if not CJK.search(chain) or _FIELDS.search(chain):
            return False
        if chain[0].isupper() and "(" in chain:  # a name or a title glossed by its writer (`Past (Chinese: 往事)`)
            return False
        if "/" in chain and not any(c in chain for c in _OPEN):
            return True
        if any(c in chain for c in p.tool_brackets):
            return True
        if self.label_re is not None and self.label_re.search(chain):
            return True
        i = next(i for i, c in enumerate(chain) if c in _OPEN)
        return chain[i] == "（" and chain[i - 1] != " "  # full-width bracket glued to the word
