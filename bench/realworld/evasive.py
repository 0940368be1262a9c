"""Evasive spellings of spam: the same item written the way campaigns dodge filters.

Each transform returns the new text, or None where it does not apply (nothing to change). The
characters each one uses are the ones such campaigns use (issue 11): separators, decoration or
emoji between characters, full width, Cyrillic look-alikes for digits and letters, Chinese numerals
for digits, pinyin initials for Chinese words.
"""

from __future__ import annotations

import random
import re

from .pools import Item, stable_hash

_DIGITS = re.compile(r"[0-9]{3,}")
_LATIN = re.compile(r"[A-Za-z]{4,}")
_HAN = re.compile(r"[\u4e00-\u9fff]{3,}")
SEPARATORS = ("-", " ", ".", "_", "/")
DECORATION = ("〓", "▋", "★", "╋", "丨", "█", "乄", "·")
EMOJI = ("❤", "🔥", "💋", "✅", "👉", "🎰", "⭐")
HOMOGLYPH_DIGITS = {"3": "\u0417", "0": "\u041e", "1": "\u0406"}  # Cyrillic З, О, І
HOMOGLYPH_LETTERS = {
    "a": "\u0430",
    "e": "\u0435",
    "o": "\u043e",
    "c": "\u0441",
    "p": "\u0440",
    "x": "\u0445",
    "A": "\u0410",
    "E": "\u0415",
    "O": "\u041e",
    "C": "\u0421",
    "P": "\u0420",
    "T": "\u0422",
}
ZH_NUMERALS = dict(zip("0123456789", "〇一二三四五六七八九", strict=True))
# pinyin initials of characters common in Chinese ad text (written for this harness, not taken from a pool)
PINYIN_INITIALS = {
    p[0]: p[1]
    for p in (
        "上s 海h 北b 京j 广g 深s 圳z 州z 杭h 成c 都d 南n 武w 汉h 重c 庆q 天t 津j 苏s 西x "
        "安a 长c 沙s 东d 莞g 佛f 山s 外w 围w 楼l 凤f 会h 所s 桑s 拿n 按a 摩m 足z 浴y 品p "
        "茶c 约y 炮p 门m 服f 务w 兼j 职z 小x 姐j 学x 生s 妹m 援y 交j 娱y 乐l 城c 博b 彩c "
        "百b 家j 时s 六l 合h 赌d 场c 真z 人r 棋q 牌p 票p 开k 户h 代d 理l 招z 商s 注z 册c "
        "送s 金j 微w 信x 电d 话h 联l 系x 找z 办b 证z 发f 毕b 业y 文w 凭p 孕y 包b 养y 夜y "
        "网w 站z 快k 排p 蜘z 蛛z 池c 推t 刷s 单d 日r 结j 高g 端d 资z 源y"
    ).split()
}


def _rng(item: Item, name: str) -> random.Random:
    return random.Random(stable_hash("evasive", name, item.id))


def _spread(m: re.Match, seps: tuple[str, ...], rng: random.Random) -> str:
    sep = rng.choice(seps)
    return sep.join(m.group())


def _runs(text: str) -> re.Pattern | None:
    for rx in (_DIGITS, _LATIN, _HAN):
        if rx.search(text):
            return rx
    return None


def separators(item: Item) -> str | None:
    rx, rng = _runs(item.text), _rng(item, "separators")
    return rx.sub(lambda m: _spread(m, SEPARATORS, rng), item.text, count=2) if rx else None


def decoration(item: Item) -> str | None:
    rx, rng = _runs(item.text), _rng(item, "decoration")
    return rx.sub(lambda m: _spread(m, DECORATION, rng), item.text, count=2) if rx else None


def emoji(item: Item) -> str | None:
    rx, rng = _runs(item.text), _rng(item, "emoji")
    return rx.sub(lambda m: _spread(m, EMOJI, rng), item.text, count=2) if rx else None


def fullwidth(item: Item) -> str | None:
    out = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in item.text)
    return out if out != item.text else None


def homoglyph(item: Item) -> str | None:
    out = "".join(HOMOGLYPH_DIGITS.get(c, c) for c in item.text)
    if out == item.text:
        out = "".join(HOMOGLYPH_LETTERS.get(c, c) for c in item.text)
    return out if out != item.text else None


def zh_numerals(item: Item) -> str | None:
    if item.lang not in ("zh", "ja") or not _DIGITS.search(item.text):
        return None
    return _DIGITS.sub(lambda m: "".join(ZH_NUMERALS[c] for c in m.group()), item.text)


def pinyin(item: Item) -> str | None:
    """Chinese runs whose every character has known initials written as those initials (`shlf`)."""
    if item.lang != "zh":
        return None

    def sub(m: re.Match) -> str:
        w = m.group()
        return "".join(PINYIN_INITIALS[c] for c in w) if all(c in PINYIN_INITIALS for c in w) else w

    out = re.sub(r"[\u4e00-\u9fff]{2,}", sub, item.text)
    return out if out != item.text else None


TRANSFORMS = {f.__name__: f for f in (separators, decoration, emoji, fullwidth, homoglyph, zh_numerals, pinyin)}


def variants(item: Item) -> list[tuple[str, str]]:
    """(transform name, text) for every transform that changes the item."""
    out = []
    for name, f in TRANSFORMS.items():
        t = f(item)
        if t and t != item.text:
            out.append((name, t))
    return out
