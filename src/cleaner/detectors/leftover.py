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

import bisect
import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

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
_QUOTED = regex.compile(r'“[^”\n]*(?:”|$)|"[^"\n]*(?:"|$)|«[^»\n]*(?:»|$)'
                        r'|„[^“”\n]*(?:[“”]|$)|「[^」\n]*(?:」|$)|『[^』\n]*(?:』|$)',
                        regex.MULTILINE)
_WORDY = regex.compile(r"[\p{L}\p{N}]")
_CJK_CHAR = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
MAX_LINE = 600  # a longer line is a paragraph of prose: only its first and last sentence are scored


_TRAILING = regex.compile(r"[\s*_`\p{Extended_Pictographic}\p{So}\p{Sk}\uFE0F\u200D]+$")


def _shape(sentence: str) -> list[str]:
    s = _TRAILING.sub("", sentence)  # the punctuation before a closing emoji (`Happy coding! 🚀`) ends it
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
    inside: re.Pattern[str] | None  # a sentence inside a line opening with an offer, a hope, a help or cutoff phrase

    def inside_lines(self, lower: str, start: int, end: int) -> dict[int, list[int]]:
        """``{line start: offsets}`` of the sentences inside a line that open with an offer, a hope, a
        help or cutoff phrase (`… Feel free to adapt it.`), found by one regex pass that stops only
        at sentence ends."""
        if self.inside is None:
            return {}
        out: dict[int, list[int]] = {}
        line, seen = start, start  # the current line's start, and how far the text was searched for it
        for m in self.inside.finditer(lower, start, end):
            a = m.start(1)
            if m.start("present") < 0 and lower[m.start()] == "，":
                continue  # after a comma only a presentation: a clause's `希望`, `如需` are the writer's
            if m.start("present") >= 0 and not self._edited_intro(lower, a, end):
                continue  # a presentation inside a line counts only when it introduces a text the tool made
            if lower[m.start()] == "，":  # the clause before the comma is the same sentence's: it starts there
                mark = max(lower.rfind(c, seen, m.start()) for c in "\n。！？!?")
                a = seen if mark < 0 else mark + 1
                while a < m.start() and lower[a] in " \t":
                    a += 1
            line = max(line, lower.rfind("\n", seen, a) + 1)  # each character looked at once: linear
            seen = a
            out.setdefault(line, []).append(a)
        return out

    def _edited_intro(self, lower: str, at: int, end: int) -> bool:
        """Whether the sentence from ``at`` ends on a colon and talks of a text made over (``the updated
        README``, ``翻译后的文档``): the tool presenting its work, not a writer announcing a list."""
        le = lower.find("\n", at, end)
        stop = _END.search(lower, at, end if le < 0 else le + 1)  # the line's end, with the white space a colon needs
        if stop is None or stop.group()[-1:] not in ":：":
            return False
        return any(name == "edited" for _, name in self.find(tokens(lower[at:stop.end()])))

    def find(self, toks: list[str]) -> Iterator[tuple[int, str]]:
        """``(token index, class)`` of every cue in ``toks``."""
        by_first = self.by_first
        own: bool | None = None  # the sentence speaks of the writer's own things (`my`, `myself`)
        for i, t in enumerate(toks):
            if t not in by_first:
                continue
            for phrase, name in by_first[t]:
                if tuple(toks[i:i + len(phrase)]) != phrase:
                    continue
                if name in _OWN_GATED:  # an agent reports on and offers the requester's text, a writer their own
                    if own is None:  # things (`I've updated my router`, `If you'd like to see my sketches…`)
                        own = "my" in toks or "myself" in toks
                    if own:
                        continue
                yield i, name


# cue classes that are the writer's, not the tool's, in a sentence about the writer's own things
_OWN_GATED = frozenset({"did", "offer", "help"})


def tokens(text: str) -> list[str]:
    found: list[str] = _TOKEN.findall(text.lower().replace("’", "'"))
    return found


OPENING_CLASSES = ("ack", "present", "offer", "hope", "cutoff", "help", "did")  # what the tool's lines open with
INSIDE_CLASSES = ("offer", "hope", "cutoff", "help")  # what marks the tool's sentence anywhere in a line
# and, inside a line, an acknowledgement with its exclamation (`… keys. Sure! Below is…`) or a
# presentation ending on a colon (`…。以下是翻译后的文档：`): a reply glued to the end of the writer's line
# a sentence is found on its own only when it speaks in the tool's voice: one of these cues (a topic
# word such as `section` or `code` alone never takes a sentence; such a sentence only goes with one that is found)
VOICE_CLASSES = frozenset({"ack", "present", "offer", "hope", "cutoff", "help", "did", "me", "you"})


_VOICE_FEATURES = frozenset("s:c:" + name for name in VOICE_CLASSES)


def can_fire(feats: Sequence[str]) -> bool:
    """Whether a sentence with these features may be found on its own: not a stub (`Absolutely!`),
    and with a cue of the tool's voice."""
    return "len:1" not in feats and not _VOICE_FEATURES.isdisjoint(feats)


def compile_cues(cues: Mapping[str, Sequence[str]], opening: Sequence[str] = OPENING_CLASSES) -> Cues | None:
    """The cue classes, and the lines to look at: those opening with a cue of the ``opening`` classes
    (training widens them to take more of the writer's own lines as negatives)."""
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    opens: set[str] = set()
    inside: set[str] = set()
    acks: set[str] = set()
    presents: set[str] = set()
    for name, words in sorted(cues.items()):
        for w in words:
            phrase = tuple(tokens(w))
            if not phrase:
                continue
            by_first.setdefault(phrase[0], []).append((phrase, name))
            plain = w.lower().replace("’", "'").replace("‑", "-")
            if name in opening:
                opens.add(plain)
            if name in INSIDE_CLASSES:
                inside.add(plain)
            elif name == "ack":
                acks.add(plain)
            elif name == "present":
                presents.add(plain)
    if not by_first:
        return None
    # the standard library's `re`, on the lower-cased text (5x faster than `regex` at this one pass)
    # (a cue followed by `my` is the writer's own report: `I've updated my router`, `Here is my take`)
    # (after a list marker, or a field's label: a reply pasted into a front-matter field, `description: 以下是…`)
    line_opening = re.compile(r"\n[ \t]*(?:[-*+>#]+[ \t]*|\d+[.)][ \t]*|//+[ \t]*|<!--[ \t]*)?"
                              r"(?:[a-z][a-z_-]{1,24}+:[ \t]+)?[*_\"“«¡¿(\[]*(?:"
                              + _phrases(opens) + r")(?!\s+my\b)")
    # one more pass finds the sentences inside a line that open with an offer, a hope or a hedge
    # (`… Feel free to adapt it.`): it starts at sentence ends only, which `re` skips to by their marks
    anywhere = None
    if inside:
        # one character class first: `re` then jumps from one sentence mark to the next (a group of
        # alternatives there would make it try every position)
        glued = f"|(?:{_trie(sorted(acks))})[ \t]*[!！]" if acks else ""
        # and a presentation ending on a colon (`… soft. Here's the updated README:`; checked by `_edited_intro`)
        shown = f"|(?P<present>{_phrases(presents)})" if presents else "|(?P<present>(?!))"
        # (a CJK comma before a presentation too: `根据你提供的内容，以下是翻译后的版本：`; checked by
        # `_edited_intro`, and the comma leads nothing else)
        anywhere = re.compile(r"[.!?…。！？，][\"'”’)\]*_」』）]*[ \t]*[*_\"“«¡¿(\[]*("
                              + _phrases(inside) + glued + shown + ")")
    return Cues({k: tuple(sorted(v)) for k, v in by_first.items()}, line_opening, anywhere)


def _phrases(phrases: set[str]) -> str:
    """Alternatives for a set of phrases, each script's as one trie: the Latin ones end at a word's
    end, the CJK ones (unspaced) anywhere."""
    latin = _trie(sorted(w for w in phrases if not _CJK_CHAR.match(w)))
    cjk = _trie(sorted(w for w in phrases if _CJK_CHAR.match(w)))
    return "|".join(a for a in (f"{latin}(?![\\w'’])" if latin else "", cjk) if a)


def _trie(words: Sequence[str]) -> str:
    """One regex for a set of phrases, factored by their common prefixes (`if you(?:'d like| want)`):
    `re` tries an alternation branch by branch, a trie one character at a time."""
    if not words:
        return ""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        ends = "" in node
        parts = [_char(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not parts:
            return ""
        body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        return f"(?:{body})?" if ends else body

    return "(?:" + emit(trie) + ")"


def _char(ch: str) -> str:
    """A phrase's character in the trie: either apostrophe, either hyphen, any run of white space."""
    return {"'": "['’]", "-": "[-‑]", " ": r"\s+"}.get(ch, re.escape(ch))


def features(sentence: str, position: tuple[str, ...], cues: Cues | None = None,
             toks: list[str] | None = None, hits: list[tuple[int, str]] | None = None) -> list[str]:
    """The features of one sentence: its words and word (or CJK character) pairs, its first word,
    its punctuation shape, its speech-act cues (alone, at its start, in pairs), its length, and
    ``position`` (``first``/``last`` line of the document, ``alone`` on its line, ``head`` of its
    line, ``item`` of a list), alone and crossed with the shape."""
    toks = tokens(sentence) if toks is None else toks
    feats = ["w:" + t for t in toks]
    feats += ["b:" + a + " " + b for a, b in itertools.pairwise(toks)]
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
    feats: list[str]  # empty: a sentence of the line that is not scored (it has no cue of the tool's voice)
    stub: bool = False  # a sentence of one to three words (``Certainly.``, ``Sure!``)


def units(text: str, cues: Cues | None = None, lower: str | None = None) -> Iterator[Unit]:
    """Every sentence of the lines to score, with its features when it is scored. The lines: those
    that open with a cue of the tool's voice (an acknowledgement, ``here is``, an offer, a hope, a
    knowledge hedge, the first person), those that hold an offer, a hope or a hedge anywhere, and the
    document's first and last line. Scored: every sentence of the first and last line (the first and
    last of a line over ``MAX_LINE`` characters), the head sentence of a line that opens with a cue,
    and any sentence with an offer, a hope or a hedge, unless the line reports speech. The lines are
    found by two regex passes over the lower-cased text: prose without such a cue is never looked at."""
    lower = text.lower() if lower is None else lower
    first_end = len(text.rstrip())
    if not first_end:
        return
    first = text.rfind("\n", 0, len(text) - len(text.lstrip()) + 1) + 1
    last = text.rfind("\n", 0, first_end) + 1
    opened: set[int] = set()
    inside: dict[int, list[int]] = {}
    if cues is not None and len(lower) == len(text):
        opened = {m.start() + 1 for m in cues.opening.finditer(lower, first, first_end)}
        if cues.opening.match("\n" + lower[first:first + 200]):
            opened.add(first)
        inside = cues.inside_lines(lower, first, first_end)
        starts = sorted(opened | inside.keys())
    else:
        opened = {first, last, *(m.end() for m in _NEWLINE.finditer(text, first, first_end))}
        starts = sorted(opened)
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
        hits_at = inside.get(ls, [])
        if le - ls > MAX_LINE:  # a paragraph of prose: its first and last sentence and those with a phrase
            bounds = _long_line(text, body, le, hits_at)
        else:
            bounds = _sentences(text, body, le)
            if hits_at:  # a phrase found after a mark with no space (`…en pratique ?Bien sûr !`) opens a sentence
                bounds = _split_at(text, bounds, hits_at)
        if not bounds:
            continue
        n = len(bounds)
        quotes = [(q.start(), q.end()) for q in _QUOTED.finditer(text, body, le)] if _QUOTE_MARK.search(
            text, body, le) else []
        line_cues: list[str] | None = None
        size = ("long",) if n >= 4 or le - ls > MAX_LINE else ()
        head = 0  # the line's head: its first sentence, and the next after a stub (`Sure! Here is…`)
        glued = -1  # the sentence after an acknowledgement found inside the line (`… keys. Sure! Below is…`)
        # the line's sentences, yielded only when one is scored: a line of the writer's alone costs nothing more
        pending: list[tuple[int, int, list[str] | None]] = []
        scored_any = False
        stubs: dict[int, bool] = {}  # sentence start -> whether it is a stub, each sentence tokenised once

        def stub(s: int, e: int, stubs: dict[int, bool] = stubs) -> bool:
            if s not in stubs:
                stubs[s] = s < e and _stub(text, s, e, _TOKEN.findall(text, s, e))
            return stubs[s]

        for j, (s, e) in enumerate(bounds):
            # scored: every sentence of an edge line (of a long one its first and last), the head of a
            # line that opens with a cue, a sentence with an offer, a hope, a help or cutoff phrase
            if s == e:  # the marker of a long line's skipped prose: the writer's, never a stub
                pending.append((s, e, []))
                continue
            hit = _within(hits_at, s, e)
            if hit and stub(s, e):
                glued = j + 1
            scored = ((bool(where) or (j <= head and ls in opened) or hit or j == glued)
                      and not _inside(quotes, s)
                      # a sentence opening in lower case is no sentence of the tool's: a tail after a
                      # quotation (`"…?" she asked.`) or the rest of a line broken mid-sentence
                      and not text[s].islower())
            if not scored:  # a sentence of the writer's: only whether it is a stub (`Sure!`) matters
                pending.append((s, e, None))
                continue
            sentence = _masked(text, s, e, _overlapping(quotes, s, e)) if quotes else text[s:e]
            toks = tokens(sentence)
            if s not in stubs:
                stubs[s] = _stub(text, s, e, toks)
            if j == head and stubs[s]:
                head += 1
            hits = list(cues.find(toks)) if cues is not None else []
            names = {name for _, name in hits}
            if "reported" in names or not (names or where):  # reported speech; prose without a cue
                pending.append((s, e, None))
                continue
            if line_cues is None:
                line_cues = []
                if cues is not None and n > 1 and le - ls <= MAX_LINE:
                    # what the whole line does (an acknowledgement, then "here is…") counts for each sentence
                    line_toks = tokens(_masked(text, body, le, quotes))
                    line_cues = sorted({"s:L:" + name for _, name in cues.find(line_toks)})
                    if "s:L:reported" in line_cues:
                        line_cues.remove("s:L:reported")
                        # a line that reports this speech is the writer's: the report follows the words, or
                        # introduces them with a colon (`The bot replied: …`); a report before, ended, is done
                        before = bounds[j - 1] if j else (s, s)
                        at = before[0] if text[before[0]:before[1]].rstrip(" *_")[-1:] in ":：," else s
                        if any(name == "reported" for _, name in cues.find(tokens(_masked(text, at, le, quotes)))):
                            scored_any = False
                            break
            position = where + item + size + (("alone",) if n == 1 else ("head",) if j == 0 else
                                              ("tail",) if j == n - 1 else ())
            pending.append((s, e, features(sentence, position, cues, toks, hits) + line_cues))
            scored_any = True
        if scored_any:
            for s, e, feats in pending:
                yield Unit(s, e, ls, le, feats or [], stub(s, e))


def _split_at(text: str, bounds: list[tuple[int, int]], hits: list[int]) -> list[tuple[int, int]]:
    """The sentences, each also cut where a phrase of the tool's voice was found inside it (with the
    opening punctuation before the phrase: `¡`, `**`)."""
    out: list[tuple[int, int]] = []
    for a, b in bounds:
        i = bisect.bisect_right(hits, a)
        while i < len(hits) and hits[i] < b:
            h = hits[i]
            while h > a and text[h - 1] in _OPENERS:
                h -= 1
            if h > a and text[a:h].strip():
                out.append((a, h))
                a = h
            i += 1
        out.append((a, b))
    return out


_OPENERS = frozenset('*_"“«¡¿([')


def _stub(text: str, s: int, e: int, toks: list[str]) -> bool:
    """A sentence of one to three words (``Sure!``), or in a script written without spaces a short
    exclamation (``もちろんです！``, ``好的！``): an acknowledgement, no evidence of its own."""
    if e - s >= 40:
        return False
    if len(toks) < 4:
        return True
    return (len(toks) <= 7 and text[e - 1] in "!！" and all(len(t) == 1 and _CJK_CHAR.match(t) for t in toks))


def _long_line(text: str, body: int, le: int, hits: list[int]) -> list[tuple[int, int]]:
    """The sentences of a line over ``MAX_LINE`` characters that can be scored, each found where it
    is (the whole line is never split: a long paragraph costs its candidates, not its length), with an
    empty marker in between so that the line is never taken whole."""
    out = _sentences(text, body, min(le, body + MAX_LINE))[:1]
    for h in hits:
        stop = _END.search(text, h, le)
        out.append((h, stop.end() if stop else le))
    tail = _sentences(text, max(body, le - MAX_LINE), le)[-1:]
    out += [(a, b) for a, b in tail if not out or a >= out[-1][1]]
    out = sorted(set(out))
    return [out[0], (out[0][1], out[0][1]), *out[1:]] if len(out) > 1 else [*out, (le, le)]


def _within(offsets: Sequence[int], start: int, end: int) -> bool:
    """Whether a sorted list of offsets has one in ``[start, end)`` (a bisection: a long line has many)."""
    i = bisect.bisect_left(offsets, start)
    return i < len(offsets) and offsets[i] < end


def _inside(quotes: list[tuple[int, int]], pos: int) -> bool:
    """Whether ``pos`` lies in one of the sorted, disjoint quotations."""
    i = bisect.bisect_right(quotes, (pos, float("inf"))) - 1
    return i >= 0 and quotes[i][0] <= pos < quotes[i][1]


def _overlapping(quotes: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The sorted, disjoint quotations that overlap ``[start, end)``."""
    i = max(0, bisect.bisect_right(quotes, (start, float("inf"))) - 1)
    j = bisect.bisect_left(quotes, (end, -1))
    return quotes[i:j]


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
    merged: list[tuple[int, int]] = []
    for a, b in out:
        # `🚀` or `(1)` is no sentence: it ends the previous one; nor is a run opening in lower case
        # after an abbreviation's stop (`… (build passing, etc.) too!`)
        if merged and (not _WORDY.search(text, a, b) or text[a].islower()):
            merged[-1] = (merged[-1][0], b)
        elif text[a:b].strip():
            merged.append((a, b))
    return merged


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
        return self.bias + sum(map(self.weights.get, feats, itertools.repeat(0.0)))

    def detect(self, doc: Document, analysis: Analysis) -> Iterator[Span]:
        line: list[tuple[Unit, float]] = []
        for u in units(doc.text, self.cues, analysis.lower):
            if line and line[0][0].line_start != u.line_start:
                yield from self._line(doc, line)
                line = []
            line.append((u, self.score(u.feats) if u.feats else float("-inf")))
        yield from self._line(doc, line)

    def _line(self, doc: Document, line: list[tuple[Unit, float]]) -> Iterator[Span]:
        """A line's findings: its sentences at the threshold and, once one is, those at ``join``; when
        no other sentence is left but stubs (``Certainly.``), the whole line with its list marker."""
        # a stub or a topic alone is no evidence
        if not any(s >= self.threshold and can_fire(u.feats) for u, s in line):
            return
        join = self.params.join
        found: list[tuple[Unit, float]] = []
        rest: list[tuple[Unit, float]] = []
        for u, s in line:
            (found if u.feats and (s >= join or _closing(u.feats)) else rest).append((u, s))
        if all(u.stub for u, _ in rest) or _presents(doc.text, line, found):
            u = line[0][0]
            yield self.span(doc, u.line_start, u.line_end, score=_prob(max(s for _, s in line)))
            return
        for u, s in found:
            yield self.span(doc, u.start, u.end, score=_prob(s))


def _presents(text: str, line: list[tuple[Unit, float]], found: list[tuple[Unit, float]]) -> bool:
    """Whether the line is a preamble: its head sentence (after any stub) is found and the line ends on
    a colon before the content (`もちろんです！以下は…の例です。…を生成します：`): it goes whole."""
    head = next((u for u, _ in line if not u.stub), None)
    if head is None or not any(u is head for u, _ in found):
        return False
    end = line[-1][0].end
    return text[line[-1][0].start:end].rstrip(" *_`")[-1:] in (":", "：")


def _closing(feats: Sequence[str]) -> bool:
    """An offer, a hope or a help formula in the tool's voice: it goes with a found sentence of its line
    (`I hope this helps! Let me know if you need any changes.`) whatever its own score."""
    return not _CLOSING_FEATURES.isdisjoint(feats) and can_fire(feats)


_CLOSING_FEATURES = frozenset({"s:c:offer", "s:c:hope", "s:c:help"})


def _prob(logit: float) -> float:
    import math

    return round(1 / (1 + math.exp(-logit)), 4)
