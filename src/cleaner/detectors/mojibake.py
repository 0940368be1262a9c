"""``mojibake``: UTF-8 text that was decoded as cp1252/Latin-1 (``donâ€™t`` → ``don’t``), via ftfy.

A regex finds runs of characters that the bytes of UTF-8 become under cp1252/Latin-1 and that
hold a lead byte (``Â``–``ô``) followed by a continuation byte (``€``, ``™``, ``©``…); ftfy then
decides whether each run really is mojibake and what it was (it is conservative: a run it cannot
decode is left alone). Each finding covers only the garbled characters, with the repair as its
replacement. Real accented text (``café``, ``Müller``) never has a lead byte followed by a
continuation byte, so it is not even a candidate. One repair is ours, not ftfy's: ``â€`` left alone
at the end of a run is ``”`` whose last byte (0x9D, undefined in cp1252) was dropped; it is
replaced with a lower score, since a lost 0x8D/0x8F/0x90/0x81 is possible but far rarer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex

from ..analysis import Analysis
from ..document import Document
from ..registry import register
from ..spans import Span
from .base import Detector
from .common import positions

# cp1252's view of the bytes 0x80-0xBF (UTF-8 continuation bytes), plus Latin-1's C1 controls
_CONT = "\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_MOJI = f"\u00c0-\u00ff{_CONT}"
_LEAD = "".join(chr(c) for c in range(0xC2, 0xF5))
_C0 = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
# a lead byte then a continuation byte, as cp1252 shows them (control characters in between hide nothing)
PAIR = regex.compile(f"[{_LEAD}][{_C0}]*[{_CONT}]")
_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LOST_9D = "\u00e2\u20ac"  # "â€": E2 80 of ” (E2 80 9D) without its last byte
_IN_RUN = (frozenset(chr(c) for c in range(0x80, 0x100)) | frozenset("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")
           | frozenset(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127)))


def run_around(text: str, pair: regex.Match[str], done: int) -> tuple[int, int]:
    """The whole run of mojibake characters around a lead+continuation pair, not reaching back
    before ``done`` (the end of the previous run)."""
    start, end = pair.start(), pair.end()
    while start > done and text[start - 1] in _IN_RUN:
        start -= 1
    while end < len(text) and text[end] in _IN_RUN:
        end += 1
    return start, end


def _repair(run: str) -> str:
    """ftfy until nothing changes (garbage can repair in two steps), minus C0/C1 controls
    ("Â\x8d" repairs to one). ftfy loads here, when a document first holds a candidate run: its
    imports took a fifth of the start-up, and most runs never need it."""
    import ftfy

    fixed: str = _CONTROL.sub("", run)
    for _ in range(3):
        again: str = _CONTROL.sub("", ftfy.fix_encoding(fixed))
        if again == fixed:
            break
        fixed = again
    return fixed


@dataclass(frozen=True)
class MojibakeParams:
    max_run: int = 64  # longer runs are not looked at (no real mojibake sequence is that long)
    truncated_score: float = 0.7  # "â€" whose third byte was lost is most likely ”, not certainly


@register
class MojibakeDetector(Detector):
    name = "mojibake"
    Params = MojibakeParams

    def detect(self, doc: Document, analysis: Analysis) -> Iterator[Span]:
        leads = analysis.chars.intersection(_LEAD)
        if not leads:
            return
        text = doc.text
        done = 0
        # a pair starts at a lead character: try only where one stands (most texts hold a few é, ü…)
        for i in positions(text, leads):
            if i < done or (m := PAIR.match(text, i)) is None:  # PAIR is linear: no timeout to pay for
                continue
            start, end = run_around(text, m, done)
            done = end
            run = text[start:end]
            if len(run) > self.params.max_run:
                continue
            fixed = _repair(run)
            if fixed != run:
                yield self.span(doc, start, end, replacement=fixed)
            elif run.endswith(_LOST_9D):
                # "sharpnessâ€ in": the 0x9D of ” has no cp1252 character and was dropped on the way
                cut = end - len(_LOST_9D)
                yield self.span(doc, cut, end, replacement="\u201d", score=self.params.truncated_score,
                                message=f"Mojibake repaired (truncated right quote): {_LOST_9D}")
