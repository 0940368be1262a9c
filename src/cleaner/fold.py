"""Folding for matching: one spelling for the many an ad uses, with a map back to the original.

Ads dodge word lists by spelling: full width (``ＫＴＶ``), mathematical letters (``𝕮𝖔𝖎𝖓``),
traditional characters (``娛樂``), separators and decoration between characters (``彩 票``,
``119.11.562``, ``107乄719乄09``), look-alike letters in numbers (``OlO.3252``, Cyrillic ``З``) and
Chinese numerals (``四一九``). :func:`fold` writes them all one way, lower case, and keeps for every
folded character the offset of the original character it came from, so that whatever is found in
the folded text is cut from the original text exactly.

Folding is for matching only: nothing folded is ever written out.

>>> f = fold("ＫＴＶ 彩 票 OlO.3252")
>>> f.text
'ktv 彩票 olo3252'
>>> f.original(4, 6)
(4, 7)
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import regex

CJK_CLASS = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}"
# decoration that ads put around and between characters: box drawing, blocks, geometric shapes,
# dingbats, emoji and their joiners, and the few CJK-looking marks used as dividers
DECORATION = regex.compile(
    r"(?![\x00-\x7f])[\p{So}\p{Sk}\u2500-\u259f\u25a0-\u25ff\u2600-\u27bf\u2b00-\u2bff\u3012\u3013\u4e44"
    r"\u200b-\u200d\u2060\ufe0e\ufe0f\U0001f000-\U0001faff\U000e0000-\U000e007f]")
# separators dropped when they stand between two CJK letters or two digits (``彩 票``, ``119.11``)
_SEPARATOR = frozenset(" \t\u3000.·•-_*~|/\\:：")
CHINESE_DIGITS = dict(zip("零〇一二三四五六七八九壹贰叁肆伍陆柒捌玖貳參陸", "00123456789123456789236", strict=True))
# letters that stand for digits inside numbers: Latin and Cyrillic O/o, l/I/i/І/і, Cyrillic З/з, б
DIGIT_LOOKALIKES = {"o": "0", "l": "1", "i": "1", "\u043e": "0", "\u0456": "1", "\u0437": "3", "\u0431": "6"}
# Cyrillic and Greek letters that look like Latin ones, folded to them (``Саsino`` → ``casino``)
_HOMOGLYPHS = dict(zip("авсеіјкмнорстухѕԁԛԝӏαοτυνκιρ", "abceijkmhopctyxsdqwlaotuvkip", strict=True))
_ASCII_DIGITS = frozenset("0123456789")
_DIGITISH = _ASCII_DIGITS | frozenset(DIGIT_LOOKALIKES)


@dataclass(frozen=True, slots=True)
class Folded:
    """The folded text and, for each of its characters, the original offset (plus ``len`` at the end)."""

    text: str
    where: tuple[int, ...]

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The original span that folded ``[start, end)`` came from (``start < end``)."""
        return self.where[start], self.where[end - 1] + 1


@functools.cache
def _t2s() -> object:
    import opencc

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    """One character folded on its own: NFKC (width, styled letters, circled digits), lower case,
    simplified Chinese, Latin look-alikes. May be empty (combining marks) or longer than one."""
    out = unicodedata.normalize("NFKC", ch).lower()
    if len(out) == 1 and "\u3400" <= out <= "\u9fff":
        simple = _t2s().convert(out)  # type: ignore[attr-defined]
        out = simple if len(simple) == 1 else out
    out = "".join(_HOMOGLYPHS.get(c, c) for c in out)
    return "".join(c for c in out if not unicodedata.combining(c))


def _is_joinable(ch: str) -> bool:
    return ch in _ASCII_DIGITS or bool(regex.match(rf"[{CJK_CLASS}]", ch))


def fold(text: str) -> Folded:
    """Fold ``text`` for matching (see the module docstring); ``where`` maps back to ``text``."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if DECORATION.match(ch):
            continue
        for c in fold_char(ch):
            chars.append(c)
            where.append(i)
    chars, where = _drop_separators(chars, where)
    _numbers(chars)
    where.append(len(text))
    return Folded("".join(chars), tuple(where))


def _drop_separators(chars: list[str], where: list[int]) -> tuple[list[str], list[int]]:
    """Drop runs of separators (at most 3) between two CJK letters or two digit-like characters."""
    keep_c: list[str] = []
    keep_w: list[int] = []
    n = len(chars)
    i = 0
    while i < n:
        c = chars[i]
        if c in _SEPARATOR and keep_c:
            j = i
            while j < n and chars[j] in _SEPARATOR and j - i < 3:
                j += 1
            if j < n and chars[j] not in _SEPARATOR and _joins(keep_c[-1], chars[j]):
                i = j
                continue
        keep_c.append(c)
        keep_w.append(where[i])
        i += 1
    return keep_c, keep_w


def _joins(left: str, right: str) -> bool:
    if _is_joinable(left) and _is_joinable(right):
        return (left in _ASCII_DIGITS) == (right in _ASCII_DIGITS)
    digit_left, digit_right = left in _ASCII_DIGITS, right in _ASCII_DIGITS
    return (digit_left and right in DIGIT_LOOKALIKES) or (digit_right and left in DIGIT_LOOKALIKES)


def _numbers(chars: list[str]) -> None:
    """In place: Chinese numerals in runs of three or more (``四一九``), and look-alike letters in
    runs of eight or more that hold at least three real digits (``ol0.3252`` already joined) become digits."""
    n = len(chars)
    i = 0
    while i < n:
        j = i
        while j < n and chars[j] in CHINESE_DIGITS:
            j += 1
        if j - i >= 3:
            for k in range(i, j):
                chars[k] = CHINESE_DIGITS[chars[k]]
        i = max(j, i + 1)
    i = 0
    while i < n:
        j = i
        while j < n and chars[j] in _DIGITISH:
            j += 1
        if j - i >= 8 and sum(c in _ASCII_DIGITS for c in chars[i:j]) >= 3 and not _in_word(chars, i, j):
            for k in range(i, j):
                chars[k] = DIGIT_LOOKALIKES.get(chars[k], chars[k])
        i = max(j, i + 1)


def _in_word(chars: list[str], i: int, j: int) -> bool:
    """Is ``chars[i:j]`` part of a longer Latin word (``lol2000``: leave the letters)?"""
    before = chars[i - 1] if i else ""
    after = chars[j] if j < len(chars) else ""
    return (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())


_SEP_CLASS = "".join(regex.escape(c) for c in sorted(_SEPARATOR))
_LOOK_CLASS = "".join(sorted(DIGIT_LOOKALIKES))
_SEPARATORS_RE = regex.compile(
    rf"(?<=[{CJK_CLASS}])[{_SEP_CLASS}]{{1,3}}(?=[{CJK_CLASS}])|(?<=[0-9])[{_SEP_CLASS}]{{1,3}}(?=[0-9{_LOOK_CLASS}])"
    rf"|(?<=[{_LOOK_CLASS}])[{_SEP_CLASS}]{{1,3}}(?=[0-9])")
_CHINESE_NUMBER = regex.compile("[" + "".join(CHINESE_DIGITS) + "]{3,}")
_DIGITISH_RUN = regex.compile(rf"(?<![0-9{_LOOK_CLASS}])[0-9{_LOOK_CLASS}]{{8,}}")  # shorter runs never change
_TO_DIGITS = str.maketrans(DIGIT_LOOKALIKES)
_TO_ARABIC = str.maketrans(CHINESE_DIGITS)


def fold_text(text: str) -> str:
    """``fold(text).text`` without the map, by whole-string passes (several times faster): what
    scoring a sentence needs. The two are kept equal by a property test."""
    low = text.lower() if text.isascii() else _translate(text)
    if not low.isascii() or any(c in low for c in _SEPARATOR):
        low = _SEPARATORS_RE.sub("", low)
    if not low.isascii():
        low = _CHINESE_NUMBER.sub(lambda m: m.group().translate(_TO_ARABIC), low)
    return str(_DIGITISH_RUN.sub(_digits, low))


def _digits(m: regex.Match[str]) -> str:
    run = str(m.group())
    if len(run) < 8 or run.isdigit() or sum(c in "0123456789" for c in run) < 3:
        return run
    s, e, t = m.start(), m.end(), str(m.string)
    if (s and t[s - 1].isascii() and t[s - 1].isalpha()) or (e < len(t) and t[e].isascii() and t[e].isalpha()):
        return run
    return run.translate(_TO_DIGITS)


def _translate(text: str) -> str:
    table = {ord(c): _translated(c) for c in set(text) if not c.isascii()}
    return text.translate(table).lower()


@functools.lru_cache(maxsize=8192)
def _translated(c: str) -> str:
    """What :func:`_translate` maps one character to, kept (a segment asked a regex per character)."""
    return "" if DECORATION.match(c) else fold_char(c)
