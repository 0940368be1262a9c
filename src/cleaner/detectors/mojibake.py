"""``mojibake``: text decoded in the wrong code page, repaired as ftfy repairs it, one finding per
garbled stretch (``donâ€™t`` → ``don’t``, ``Ecuadorâ\\x80\\x99s`` → ``Ecuador’s``, ``РґРѕСЂРѕРіРµ`` →
``дороге``, ``wei√ü`` → ``weiß``, ``Ã¢â‚¬Å“`` → ``“``).

ftfy decides; this module only chooses what to hand it and turns its answer into findings.

* **Where to look.** UTF-8 read in a single-byte code page leaves a *lead* character (what the bytes
  C2–F4 are in that code page) followed by one to three *continuation* characters (bytes 80–BF) of
  the same code page. For each of ftfy's code pages (:data:`ENCODINGS`) a document is a candidate
  only if it holds both kinds (one set intersection with :attr:`Analysis.chars`); then only the
  occurrences of the rarer kind are visited and checked for a whole sequence. C1 controls, ``Ã``/``Â``
  before a space (a no-break space made plain), a lead before ``&`` (an HTML entity on top) and ``â€``
  missing its last byte are looked at too. Real text in any of these languages almost never holds a
  whole sequence (none in the shared corpus), so most documents cost a set intersection or two.
* **What ftfy sees.** The line around a candidate (the segment ``ftfy.fix_text`` itself would fix; a
  line longer than ``max_segment`` is cut at spaces), through ``ftfy.fix_and_explain`` with the
  encoding fixes on and the rest off: ftfy's heuristics (``is_bad``, whole-segment decoding, then
  ``decode_inconsistent_utf8`` for mixed lines) decide what is mojibake, as they were tuned to. Each
  segment is handed over once, so the cost is linear in the text.
* **Findings.** ASCII letters and digits pass through every step unchanged, so the segment and its
  repair are aligned on them; each stretch between them that changed becomes one finding with exact
  offsets and the repair as its replacement. On the repaired stretches only, ftfy's own
  ``fix_latin_ligatures`` and ``fix_character_width`` (not in CJK text, where full-width punctuation
  is the norm) and NFC finish the job as ``fix_text`` would; outside them nothing changes. Curly
  quotes stay curly: ftfy's ``uncurl_quotes`` is a style choice, not a repair.
* **What ftfy gets wrong, we do not take.** ``â€`` followed by a space or a letter is ``”`` whose last
  byte (9D, undefined in cp1252) was dropped; ftfy would make a dagger of it. It is repaired as ``”``
  when that leaves a segment ftfy's ``is_bad`` finds clean, with a lower score. And a lone
  upper-case ``Â``/``Ã`` glued after a capital (``MISUTÂ\\xa0AJIKKO``, a word in capitals) is repaired
  only when the document holds other mojibake: alone it is as likely a letter as a stray byte.

The finding's ``detail.plan`` is ftfy's explanation of its repair when it reproduces it on the
finding's text alone (``ftfy.apply_plan(text, plan) == replacement``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import regex

from ..analysis import Analysis
from ..budget import checked
from ..document import Document
from ..registry import register
from ..spans import Span
from .base import Detector
from .common import MERGED_MAX, positions

# ftfy.chardata.CHARMAP_ENCODINGS, in ftfy's order (a test checks they are the same)
ENCODINGS = ("latin-1", "sloppy-windows-1252", "sloppy-windows-1251", "sloppy-windows-1250",
             "sloppy-windows-1253", "sloppy-windows-1254", "sloppy-windows-1257", "iso-8859-2", "macroman",
             "cp437")
# fix_and_explain with the encoding fixes only; the finishing fixers run on repaired stretches only
FTFY_OPTIONS: dict[str, Any] = {
    "unescape_html": False, "remove_terminal_escapes": False, "fix_latin_ligatures": False,
    "fix_character_width": False, "uncurl_quotes": False, "fix_line_breaks": False, "fix_surrogates": False,
    "remove_control_chars": False, "normalization": None, "explain": True,
}
C1 = frozenset(map(chr, range(0x80, 0xA0)))
LOSSY = "\ufffd"  # a byte a decoder already replaced: ftfy reads it as any continuation byte
ANCHOR = re.compile(r"([A-Za-z0-9]+)")
ENTITY = regex.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
SAMPLE = 2048  # characters counted to tell which side of a code page is rarer in a text
TRUNCATED = "\u00e2\u20ac"  # "â€": E2 80 of ” (E2 80 9D) without its last byte
CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
_PLAIN_GAP = re.compile(r"[A-Za-z0-9 ]+")


def high_half(encoding: str) -> str:
    """The characters bytes 80–FF decode to; a ``sloppy-`` code page reads its undefined bytes as
    Latin-1 does, as ftfy's sloppy codecs do."""
    name = encoding.removeprefix("sloppy-")
    out = []
    for b in range(0x80, 0x100):
        try:
            out.append(bytes([b]).decode(name))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


@dataclass(frozen=True)
class CodePages:
    """For each code page of :data:`ENCODINGS` (bit ``1 << k``), the characters that bytes 80–BF
    (continuations) and C2–F4 (leads of a UTF-8 sequence) become, as sets and as bits per character."""

    conts: tuple[frozenset[str], ...]
    leads: tuple[frozenset[str], ...]
    cont_bits: dict[str, int]
    lead_bits: dict[str, int]
    needs: dict[str, tuple[tuple[int, int], ...]]  # lead → (bits, continuations it takes), per length

    @classmethod
    def build(cls) -> CodePages:
        halves = [high_half(encoding) for encoding in ENCODINGS]
        conts = tuple(frozenset(high[:0x40] + LOSSY) for high in halves)
        leads = tuple(frozenset(high[0x42:0x75]) for high in halves)
        cont_bits: dict[str, int] = {}
        lead_bits: dict[str, int] = {}
        needs: dict[str, dict[int, int]] = {}
        for k, high in enumerate(halves):
            for ch in conts[k]:
                cont_bits[ch] = cont_bits.get(ch, 0) | 1 << k
            for ch in leads[k]:
                lead_bits[ch] = lead_bits.get(ch, 0) | 1 << k
            for need, (lo, hi) in ((1, (0x42, 0x60)), (2, (0x60, 0x70)), (3, (0x70, 0x75))):
                for ch in high[lo:hi]:
                    needs.setdefault(ch, {})[need] = needs.get(ch, {}).get(need, 0) | 1 << k
        return cls(conts, leads, cont_bits, lead_bits,
                   {ch: tuple((bits, need) for need, bits in sorted(by.items())) for ch, by in needs.items()})

    def sequence_covers(self, text: str, p: int, active: int) -> bool:
        """Does a whole lead+continuation sequence of an active code page cover offset ``p``?"""
        cont_bits, needs = self.cont_bits, self.needs
        for s in range(max(0, p - 3), p + 1):
            for bits, need in needs.get(text[s], ()):
                mask = bits & active
                if not mask or s + need < p or s + need >= len(text):
                    continue
                for c in text[s + 1:s + 1 + need]:
                    mask &= cont_bits.get(c, 0)
                if mask:
                    return True
        return False

    def truncated_at(self, text: str, s: int) -> bool:
        """``â€`` at ``s`` with no continuation after it: ``”`` that lost its last byte."""
        nxt = text[s + 2:s + 3]
        return text.startswith(TRUNCATED, s) and nxt not in "?\x1a" and not self.cont_bits.get(nxt, 0)


PAGES = CodePages.build()
ALL_LEADS = frozenset(PAGES.lead_bits)
RELEVANT = ALL_LEADS | frozenset(PAGES.cont_bits) | C1


@dataclass(frozen=True)
class MojibakeParams:
    max_segment: int = 4096  # longer lines are handed to ftfy in pieces cut at spaces
    truncated_score: float = 0.7  # "â€" whose third byte was lost is most likely ”, not certainly
    merge_gap: int = 8  # repaired stretches at most this many ASCII letters, digits or spaces apart make one finding


@register
class MojibakeDetector(Detector):
    name = "mojibake"
    Params = MojibakeParams

    def detect(self, doc: Document, analysis: Analysis) -> Iterator[Span]:
        text = doc.text
        spots, active = _lookout(text, analysis.chars)
        if not spots:
            return
        strong: list[Span] = []
        weak: list[Span] = []
        found = segments(text, checked(spots, every=1024), self.params.max_segment,
                         keep=lambda p: _suspect(text, p, active))
        for start, end in checked(found, every=4):
            for s in self._segment(doc, start, end):
                (weak if _weak(text, s) else strong).append(s)
        yield from strong
        if strong:
            yield from weak

    def _segment(self, doc: Document, start: int, end: int) -> Iterator[Span]:
        fixed, plan, edits = repair(doc.text[start:end])
        pieces = [(start + unshift(a, edits), start + unshift(b, edits), replacement)
                  for a, b, replacement in align(apply_edits(doc.text[start:end], edits), fixed)]
        for run in _runs(doc.text, pieces, self.params.merge_gap):
            a, b = run[0][0], run[-1][1]
            text, replacement = doc.text[a:b], _joined(doc.text, run)
            if text == replacement:
                continue
            restored = any(a <= start + at <= b and new == "\x9d" for at, _, new in edits)
            steps = _local_plan(text, replacement, plan) if not edits else None
            detail: dict[str, Any] = {"plan": steps} if steps else {}
            if len(run) > 1:
                detail["merged"] = len(run)
            yield self.span(doc, a, b, replacement=replacement,
                            score=self.params.truncated_score if restored else None, detail=detail)


def _runs(text: str, pieces: list[tuple[int, int, str]], gap: int) -> Iterator[list[tuple[int, int, str]]]:
    """The repaired stretches in runs: one follows the last of a run when at most ``gap`` ASCII
    letters, digits and spaces stand between them and the run stays within ``MERGED_MAX``
    characters (``cafÃ© dÃ©jÃ  vu`` is one finding, not three: text dense with mojibake cost a
    span per sequence in every step after detection). A lone ``Â``/``Ã`` that may be a letter
    (:func:`_weak`) stays alone."""
    run: list[tuple[int, int, str]] = []
    for piece in pieces:
        a, b, _ = piece
        if run and 0 < a - (last := run[-1])[1] <= gap and b - run[0][0] <= MERGED_MAX \
                and _PLAIN_GAP.fullmatch(text, last[1], a) and not (_lone_letter(text, *last)
                                                                   or _lone_letter(text, *piece)):
            run.append(piece)
            continue
        if run:
            yield run
        run = [piece]
    if run:
        yield run


def _joined(text: str, run: list[tuple[int, int, str]]) -> str:
    """A run's replacement: each stretch's repair, finished (:func:`finish`), with the text between
    them as it stands. Finished at once when that is the same: no CJK (whose full-width forms stay)
    and no repair that starts with a combining mark (which would compose with the letter before)."""
    parts, pos = [], run[0][0]
    for a, b, replacement in run:
        parts += [text[pos:a], replacement]
        pos = b
    joined = "".join(parts)
    if len(run) == 1 or not (CJK.search(joined) or any(unicodedata.combining(r[:1] or " ") for *_, r in run)):
        return finish(joined)
    parts, pos = [], run[0][0]
    for a, b, replacement in run:
        parts += [text[pos:a], finish(replacement)]
        pos = b
    return "".join(parts)


def _lone_letter(text: str, a: int, b: int, _: str = "") -> bool:
    return b - a == 1 and text[a] in "\u00c2\u00c3"


# -- where to look ---------------------------------------------------------------------------------


def candidates(text: str, chars: frozenset[str]) -> list[int]:
    """Offsets where a mojibake sequence (or a C1 control, a lost no-break space, an entity after a
    lead, a truncated ``â€``) starts or ends; empty for nearly every real text, at C speed."""
    spots, active = _lookout(text, chars)
    return [p for p in checked(spots, every=1024) if _suspect(text, p, active)]


def _lookout(text: str, chars: frozenset[str]) -> tuple[list[int], int]:
    """The offsets :func:`candidates` checks (unchecked) and the active code pages (bits)."""
    present = chars & RELEVANT
    if not present:
        return [], 0
    active, any_lead, anchors = _kinds(present)
    if active:
        anchors = anchors | _rarer_sides(text[:SAMPLE], present, active)
    if any_lead and "&" in text:
        anchors = anchors | {"&"}
    return (positions(text, anchors) if anchors else []), active


def _rarer_sides(sample: str, present: frozenset[str], active: int) -> set[str]:
    """For each active code page, the side (its leads or its continuations in the text) whose
    characters a sample of the text holds fewer of: a Russian text's continuations, not its letters."""
    counts = {ch: sample.count(ch) for ch in present}
    out: set[str] = set()
    seen = set()
    for k in range(len(ENCODINGS)):
        if active >> k & 1:
            leads, conts = present & PAGES.leads[k], present & PAGES.conts[k]
            if (leads, conts) in seen:
                continue
            seen.add((leads, conts))
            n_leads, n_conts = sum(counts[c] for c in leads), sum(counts[c] for c in conts)
            out |= leads if (n_leads, len(leads)) <= (n_conts, len(conts)) else conts
    return out


@functools.lru_cache(maxsize=4096)
def _kinds(present: frozenset[str]) -> tuple[int, bool, frozenset[str]]:
    """For the characters a text holds: the code pages of which it holds both a lead and a
    continuation (bits), whether it holds any lead, and the characters always worth a look (C1
    controls; ``Ã``/``Â``, which before a space are a no-break space made plain; ``€`` with ``â``,
    ``â€`` without its last byte). Texts share their sets of such characters: cached."""
    leads = conts = 0
    for ch in present:
        leads |= PAGES.lead_bits.get(ch, 0)
        conts |= PAGES.cont_bits.get(ch, 0)
    always = (present & C1) | (present & {"\u00c2", "\u00c3"})
    if "\u00e2" in present and "\u20ac" in present:
        always |= {"\u20ac"}
    return leads & conts, bool(leads), always


def _suspect(text: str, p: int, active: int) -> bool:
    ch = text[p]
    if ch in C1:
        return True
    if ch == "&":
        return p > 0 and text[p - 1] in ALL_LEADS and ENTITY.match(text, p) is not None
    if ch in "\u00c2\u00c3" and text[p + 1:p + 2] == " ":
        return True
    if ch == "\u20ac" and p > 0 and PAGES.truncated_at(text, p - 1):
        return True
    return PAGES.sequence_covers(text, p, active)


def segments(text: str, spots: Iterable[int], limit: int,
             keep: Callable[[int], bool] | None = None) -> list[tuple[int, int]]:
    """The lines holding ``spots`` (``\\r`` left out), each once; a line longer than ``limit`` in
    pieces cut after a space. Every search is bounded by the previous segment's end: linear. With
    ``keep``, only the spots it keeps count, and it is asked only about spots outside the segments
    found so far (on text dense with mojibake, most anchors are never checked)."""
    out: list[tuple[int, int]] = []
    end = 0
    for p in spots:
        if p < end or (keep is not None and not keep(p)):
            continue
        start = max(text.rfind("\n", end, p) + 1, end)
        stop = text.find("\n", p)
        stop = len(text) if stop < 0 else stop
        while stop - start > limit:
            cut = text.rfind(" ", start + limit // 2, start + limit)
            cut = start + limit if cut < 0 else cut + 1
            if p < cut:
                stop = cut
                break
            start = cut
        end = stop
        if stop > start and text[stop - 1] == "\r":
            stop -= 1
        out.append((start, stop))
    return out


# -- what ftfy makes of a segment ------------------------------------------------------------------


# a change made before ftfy looks: [start, end) of the segment becomes the text
Edit = tuple[int, int, str]


def repair(src: str) -> tuple[str, list[tuple[str, str]], list[Edit]]:
    """ftfy's repair of one segment, its explanation, and the edits made before ftfy looked: a lost
    9D byte put back after a truncated ``â€``, an HTML entity after a lead decoded (``Î&frac14;``).
    They are kept only when ftfy's ``is_bad`` finds the repaired segment clean.

    ftfy loads here, when a document first holds a candidate: its imports took a fifth of the
    start-up, and most documents never need it."""
    from ftfy.badness import is_bad
    from ftfy.fixes import unescape_html

    edits: list[Edit] = [(i + 2, i + 2, "\x9d") for i in range(len(src) - 1)
             if src[i] == "\u00e2" and PAGES.truncated_at(src, i)]
    edits += [(m.start(), m.end(), unescape_html(m.group())) for m in ENTITY.finditer(src)
              if m.start() and src[m.start() - 1] in ALL_LEADS and unescape_html(m.group()) != m.group()]
    if edits:
        edits.sort()
        fixed, plan = _ftfy(apply_edits(src, edits))
        if not is_bad(fixed):
            return fixed, plan, edits
    fixed, plan = _ftfy(src)
    return fixed, plan, []


def _ftfy(src: str) -> tuple[str, list[tuple[str, str]]]:
    import ftfy

    fixed, plan = ftfy.fix_and_explain(src, ftfy.TextFixerConfig(**FTFY_OPTIONS))
    return fixed, [(step[0], step[1]) for step in plan or ()]


def apply_edits(src: str, edits: list[Edit]) -> str:
    parts, pos = [], 0
    for start, end, text in edits:
        parts += [src[pos:start], text]
        pos = end
    parts.append(src[pos:])
    return "".join(parts)


def unshift(pos: int, edits: list[Edit]) -> int:
    """An offset in the edited segment, as an offset in the segment (an offset inside an edit's text
    maps to the edit's end)."""
    shift = 0
    for start, end, text in edits:
        at = start + shift
        if pos <= at:
            break
        if pos < at + len(text):
            return end
        shift += len(text) - (end - start)
    return pos - shift


def align(src: str, fixed: str) -> list[tuple[int, int, str]]:
    """``(start, end, replacement)`` for each stretch of ``src`` that ftfy changed, found by aligning
    the two texts on their ASCII letters and digits (which no repair step alters). A replacement
    character ftfy puts in place of a lost byte stays inside its stretch."""
    a, b = ANCHOR.split(src), ANCHOR.split(fixed)
    if len(a) != len(b) or a[1::2] != b[1::2]:
        return [_trim(src, fixed, 0)] if src != fixed else []
    out, pos = [], 0
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if i % 2 == 0 and x != y:
            out.append(_trim(x, y, pos))
        pos += len(x)
    return out


def _trim(x: str, y: str, offset: int) -> tuple[int, int, str]:
    """The changed middle of ``x`` → ``y``: their common prefix and suffix left out (but never a
    U+FFFD, which stands for the lost byte of the stretch)."""
    if not x or not y or (x[0] != y[0] and x[-1] != y[-1]):
        return offset, offset + len(x), y  # nothing in common at either end (most stretches)
    i = 0
    while i < min(len(x), len(y)) and x[i] == y[i] and x[i] != LOSSY:
        i += 1
    j = 0
    while j < min(len(x), len(y)) - i and x[-1 - j] == y[-1 - j] and x[-1 - j] != LOSSY:
        j += 1
    return offset + i, offset + len(x) - j, y[i:len(y) - j]


def finish(replacement: str) -> str:
    """What ``fix_text`` does after decoding, on a repaired stretch only: Latin ligatures taken
    apart, full-width Latin made plain (not in CJK text), NFC."""
    from ftfy.fixes import fix_character_width, fix_latin_ligatures

    out = fix_latin_ligatures(replacement)
    if not CJK.search(out):
        out = fix_character_width(out)
    return unicodedata.normalize("NFC", out)


def _local_plan(text: str, replacement: str, plan: list[tuple[str, str]]) -> list[list[str]] | None:
    """ftfy's explanation, if it turns the finding's text into its replacement on its own."""
    import ftfy

    steps = [*plan, ("apply", "fix_latin_ligatures"), ("apply", "fix_character_width")]
    for candidate in (plan, steps):
        try:
            if candidate and ftfy.apply_plan(text, candidate) == replacement:
                return [list(step) for step in candidate]
        except (UnicodeError, ValueError):
            continue
    return None


def _weak(text: str, span: Span) -> bool:
    """A lone ``Â``/``Ã`` glued after a capital letter: maybe the last letter of a word in capitals."""
    return (span.end - span.start == 1 and text[span.start] in "\u00c2\u00c3"
            and span.start > 0 and text[span.start - 1].isupper())
