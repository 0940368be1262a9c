"""The whole extent of an injected ad found in a document of another script.

A detector that finds an ad in an article written in Latin, Cyrillic or Greek letters usually finds its
foreign-script part (``สล็อตเว็บตรง``, ``成都妹子上门服务``); the codes, handles, numbers, links, brackets
and decoration written around it (``PG SLOT``, ``2025``, ``TG💪 slots2048``, ``【＋V:１０７７】``,
``(https://example.bet/)``) belong to the same injection. :func:`whole_ad` takes them in, token by token
on the same line, and stops at the first word that reads as the article's prose: a word of lower-case
letters (``the``, ``casino``), a capitalised word (the next sentence), a line break. Upper-case codes,
bare numbers and punctuation only bridge to more of the ad (or to the line's end): ``… NASA said`` keeps
``NASA``.
"""

from __future__ import annotations

import regex

_FOREIGN = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}\p{Arabic}\p{Hebrew}\p{Devanagari}"
# a token that ends an ad as well as any: a foreign letter; a link, domain or handle; letters and digits
# glued (slots2048, ABET888, @88sbo); number forms or decoration (⒈O⒎⒎, 💎, ▋, 】)
_STRONG = regex.compile(
    rf"[^\s\p{{Ll}}]*[{_FOREIGN}](?:[^\s]*[{_FOREIGN}])?(?:[^\s\p{{L}}]|\p{{Lu}}{{2,}}(?!\p{{Ll}})|\p{{Ll}}(?!\p{{L}}))*"
    r"|[^\s]*(?:https?://|www\.|@[\w.]{2,}|[a-z0-9-]{2,}\.(?:com|net|org|bet|vip|xyz|top|cc|me|ly|io|app|one|site|club)\b)[^\s]*"
    r"|[^\s\p{L}]*\p{L}+\p{N}+[\p{L}\p{N}]*[^\s\p{L}]*"
    r"|[^\s\p{Ll}\p{Lt}]*[\p{So}\p{Sk}\u2460-\u24ff\u2500-\u25ff\u3012\u3013\u4e44\uff10-\uff19【】〖〗][^\s\p{Ll}\p{Lt}]*"
)
# a token that only bridges: upper-case codes, numbers, punctuation (PG, SLOT, 2025, 100%, |, -)
_BRIDGE = regex.compile(r"[^\s\p{L}]*(?:\p{Lu}{2,8}|\p{N}+)?[^\s\p{L}]*")
_SPACE = " \t\u3000"
FOREIGN_LETTER = regex.compile(f"[{_FOREIGN}]")
_FOREIGN_HEAD = regex.compile(rf"[^\s\p{{L}}]*[{_FOREIGN}](?:[^\s]*[{_FOREIGN}])?")
LATIN_DOCS = frozenset(("Latin", "Cyrillic", "Greek"))


def whole_ad(text: str, start: int, end: int, doc_script: str, max_tokens: int = 8) -> tuple[int, int]:
    """``[start, end)`` extended over the ad-shaped tokens around it on its line (see the module
    docstring); only in documents of a letter script (Latin, Cyrillic, Greek)."""
    if doc_script not in LATIN_DOCS or start >= end:
        return start, end
    return _left(text, start, max_tokens), _right(text, end, max_tokens)


def _kind(tok: str) -> str | None:
    if _STRONG.fullmatch(tok):
        return "strong"
    if _BRIDGE.fullmatch(tok):
        return "bridge"
    return None


def _right(text: str, end: int, max_tokens: int) -> int:
    pos = best = end
    n = len(text)
    for _ in range(max_tokens):
        at = pos
        while at < n and at - pos < 2 and text[at] in _SPACE:
            at += 1
        if at == n or text[at].isspace():  # the line ends: what was bridged is the ad's
            return pos
        tok_end = at
        while tok_end < n and not text[tok_end].isspace():
            tok_end += 1
        kind = _kind(text[at:tok_end])
        if kind is None:
            head = _FOREIGN_HEAD.match(text, at, tok_end)  # the ad's letters glued to the article's next word
            return head.end() if head else best
        pos = tok_end
        if kind == "strong":
            best = pos
    return best


def _left(text: str, start: int, max_tokens: int) -> int:
    pos = best = start
    for _ in range(max_tokens):
        at = pos
        while at > 0 and pos - at < 2 and text[at - 1] in _SPACE:
            at -= 1
        if at == 0 or text[at - 1] == "\n":  # the line starts: what was bridged is the ad's
            return pos
        tok_start = at
        while tok_start > 0 and not text[tok_start - 1].isspace():
            tok_start -= 1
        kind = _kind(text[tok_start:at])
        if kind is None:
            break
        pos = tok_start
        if kind == "strong":
            best = pos
    return best
