"""Put a pool item into a real text at a place where such text really lands, with its gold span.

Spam lands anywhere a template or a hacked page can put it (:data:`SPAM_PLACES`); leftovers sit
where the writer's tool left them (:func:`artifact_places`: preambles at the start, closings at the
end, UI leftovers on their own line, citation tokens after a sentence, translator notes after a
paragraph, glosses after a word), read from each item's ``category`` and ``context``. Everything is
deterministic: the random choices are seeded by the item, the placement and the carrier.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from .pools import CJK_LANGS, Carrier, Item, stable_hash

SPAM_PLACES = (
    "para_start_space",
    "para_start_glued",
    "own_line",
    "mid_sentence",
    "between_sentences",
    "end_of_line",
    "end_glued",
    "word_glued",
    "doc_start",
    "doc_end",
)

_SENT_END_LATIN = re.compile(r"(?<=[a-z0-9)\"'”’][.!?]) (?=[\"“‘(]?[A-Z0-9])")
_SENT_END_CJK = re.compile(r"(?<=[。！？])(?=\S)")
_MID_LATIN = re.compile(r"(?<=[^\W\d_]{2}) (?=[^\W\d_]{2})")
_MID_CJK = re.compile(r"(?<=[，、；])(?=\S)")
_GLUE_CJK = re.compile(r"(?<=[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af])(?=[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af])")


@dataclass(frozen=True)
class Injected:
    text: str
    start: int  # of the gold span
    end: int
    placement: str


def blocks(text: str, min_len: int = 60) -> list[tuple[int, int]]:
    """Paragraphs (blank-line separated; lines when there are fewer than three) long enough to hold prose."""
    for sep in ("\n\n", "\n"):
        out, pos = [], 0
        for block in text.split(sep):
            a = pos + (len(block) - len(block.lstrip()))
            b = pos + len(block.rstrip())
            if b - a >= min_len:
                out.append((a, b))
            pos += len(block) + len(sep)
        if len(out) >= 3:
            return out
    return out


def _inner_points(text: str, a: int, b: int, cjk: bool, what: str) -> list[int]:
    para = text[a:b]
    if what == "sentence":
        rx = _SENT_END_CJK if cjk else _SENT_END_LATIN
    elif what == "mid":
        rx = _MID_CJK if cjk else _MID_LATIN
    else:  # glue: the end of a word
        rx = _GLUE_CJK if cjk else _MID_LATIN
    return [a + m.start() for m in rx.finditer(para) if 10 <= m.start() <= len(para) - 10]


# where each placement puts the item: at a paragraph's start (a) or end (b), at a point inside a
# paragraph, or at the document's edge; and what goes before and after it
_EDGE = {
    "para_start_space": ("a", "", " "),
    "para_start_glued": ("a", "", ""),
    "own_line": ("b", "\n\n", ""),
    "own_line_tight": ("b", "\n", ""),
    "end_of_line": ("b", " ", ""),
    "end_glued": ("b", "", ""),
    "doc_start": ("start", "", "\n\n"),
    "doc_end": ("end", "\n\n", ""),
}
# inside a paragraph: which points (see _inner_points) and, in Latin text, what goes before the item
# (the point is a space: the item goes after it with a space of its own, or glued to the word before)
_INNER = {
    "between_sentences": ("sentence", " "),
    "mid_sentence": ("mid", " "),
    "after_word": ("mid", " "),
    "word_glued": ("glue", ""),
}


def inject(carrier: Carrier, s: str, place: str, seed: str, part: tuple[int, int] | None = None) -> Injected | None:
    """``s`` put into ``carrier`` at ``place``; the gold span is ``s`` (or ``s[part[0]:part[1]]``)."""
    if place not in _EDGE and place not in _INNER:
        raise ValueError(f"unknown placement {place!r}")
    text = carrier.text
    rng = random.Random(stable_hash(seed, place, carrier.key))
    cjk = carrier.lang in CJK_LANGS
    where, before, after = _EDGE.get(place, ("inner", "", ""))
    if where in ("start", "end"):
        i = 0 if where == "start" else len(text)
    else:
        paras = blocks(text, 25 if cjk else 60)  # CJK prose says as much in fewer characters
        if not paras:
            return None
        inner = paras[1:-1] if len(paras) >= 3 else paras
        a, b = inner[rng.randrange(len(inner))]
        if where in ("a", "b"):
            i = a if where == "a" else b
        else:
            what, before = _INNER[place]
            points = [p for pa, pb in inner for p in _inner_points(text, pa, pb, cjk, what)]
            if not points:
                return None
            i = points[rng.randrange(len(points))]
            before = "" if cjk else before  # CJK prose has no spaces
    at = i + len(before)
    p0, p1 = part or (0, len(s))
    return Injected(text[:i] + before + s + after + text[i:], at + p0, at + p1, place)


# -- leftovers: where each kind really sits ----------------------------------------------------
_CANONICAL = {
    "preamble": "doc_start",
    "translation-preamble": "doc_start",
    "closing": "doc_end",
    "closing-offer": "doc_end",
    "source-attribution": "doc_end",
    "ui-leftover": "own_line_tight",
    "chat-leak": "own_line_tight",
    "chatgpt-link-param": "own_line_tight",
    "citation-token": "between_sentences",
    "translator-note": "end_of_line",
    "inline-gloss": "after_word",
    "mt-leftover": "own_line",
}
# the leftover inside an item whose text also carries the writer's own words (a line holding a token)
_PART = {
    "citation-token": re.compile(
        r"\s?(?::contentReference\[oaicite:\d+\](?:\{index=\d+\})?|【\d+(?::\d+)?†[^】]{0,40}】)"
    ),
    "chatgpt-link-param": re.compile(r"[?&]utm_source=chatgpt\.com"),
    "translator-note": re.compile(r"\*?[(（]\s*(?:Note|注|Nota|Remarque|Hinweis|Примечание)[^)）]*[)）]\*?"),
    "ui-leftover": re.compile(r"^[A-Za-z+#]{0,12}Copy(?: code)?|(?:ChatGPT|You) said:"),
    "inline-gloss": re.compile(r"\s?[(（][^()（）]*\btranslated\b[^()（）]*[)）]"),
}
_CUT = ("…", "...")


def gold_part(item: Item) -> tuple[int, int] | None:
    """The part of the item's text that is the leftover, when the rest is the writer's (None: all of it)."""
    rx = _PART.get(item.category)
    m = rx.search(item.text) if rx else None
    if not m or (m.start() == 0 and m.end() == len(item.text)):
        return None
    return (m.start(), m.end())


def context_place(item: Item) -> str | None:
    """Where the item sat in its context: its own line, a line's start or end, or inside a line."""
    ctx, t = item.context, item.text.rstrip("…").rstrip(".")[:40]
    i = ctx.find(t) if t else -1
    if i < 0:
        return None
    line_start = ctx.rfind("\n", 0, i) + 1
    line_end = ctx.find("\n", i)
    line_end = len(ctx) if line_end < 0 else line_end
    before = ctx[line_start:i].strip()
    before = "" if before in _CUT or before == "(start of file)" else before
    tail = ctx[i + len(item.text) : line_end] if ctx.startswith(item.text, i) else ""
    after = tail.strip()
    after = "" if after in _CUT else after
    if not before and not after:
        starts = not ctx[:line_start].strip() or ctx.startswith("(start of file)")
        ends = not ctx[line_end:].strip()
        if starts and item.category in ("preamble", "translation-preamble"):
            return "doc_start"
        if ends and item.category.startswith("closing"):
            return "doc_end"
        return "own_line"
    if before and not after:
        return "end_of_line" if ctx[i - 1 : i].isspace() else "end_glued"
    if not before:
        return "para_start_space"
    return "between_sentences" if before[-1:] in ".!?。！？" else "after_word"


def artifact_places(item: Item) -> tuple[str, ...]:
    """The canonical place of the item's category, and the place its context shows (when different).
    An item that holds its leftover inside the writer's words goes in as a line of its own."""
    if gold_part(item) is not None:
        return ("own_line_tight",)
    places = [_CANONICAL.get(item.category, "own_line")]
    ctx = context_place(item)
    if ctx and ctx not in places:
        places.append(ctx)
    return tuple(places)
