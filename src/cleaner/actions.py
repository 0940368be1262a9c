"""Apply resolved spans to the original text: the only code in cleaner that edits text.

Each remove/replace span gets an *edit* ``[edit_start, edit_end) → replacement`` chosen so the
text around it reads as if the finding had never been there:

* a finding that fills its whole line takes the line and its line break with it, and one of the
  blank lines around it when it sat between two, so paragraphs keep one blank line between them;
* at the start of a line it takes the spaces after it, at the end of a line the spaces before it;
* between two words it takes the spaces on one side (``a SPAM b`` → ``a b``);
* glued between two words of a spaced script it leaves one space (``wordSPAMword`` → ``word word``),
  glued to one side only it leaves none (``big昆明 that`` → ``big that``);
* a replacement glued to a Latin word gets the space it needs (``academic研究成果(…)`` →
  ``academic achievements``).

The edits never overlap and are returned inside the spans, so replaying them on the original
reproduces the cleaned text exactly (:func:`replay`).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import regex

from .spans import Span

_HSPACE = " \t\u00a0\u3000"
_SPACED_WORD = regex.compile(r"[\p{Latin}\p{Cyrillic}\p{Greek}\p{Armenian}\p{Georgian}\p{Nd}]")
_UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]")
_NO_SCRIPT = regex.compile(r"[\p{Common}\p{Inherited}]")
_HAS_WORD = regex.compile(r"[\p{L}\p{N}]")  # not \w: it includes the zero-width joiners
_HAS_TEXT = regex.compile(r"[^\s\x1c-\x1f]")  # what str.strip() keeps (it also strips U+001C-U+001F)
_SENTENCE_END = ".!?,;:)]}\"'”’»"
_OPENING = "\"'“‘«([{"


def _spaced(ch: str) -> bool:
    return bool(ch) and _SPACED_WORD.match(ch) is not None


def _unspaced(ch: str) -> bool:
    """A character of a script written without spaces, or its punctuation (。，「」)."""
    return _UNSPACED.match(ch) is not None


def _unspaced_letter(ch: str) -> bool:
    """A letter of a script written without spaces between words (Han, Kana…); not a letter of no
    script (``µ``, ``ˇ``, ``ª``), which mojibake is full of."""
    return ch.isalpha() and not _spaced(ch) and _NO_SCRIPT.match(ch) is None


class Edit(NamedTuple):  # a tuple: one is made per finding, and a frozen dataclass costs several times more
    start: int
    end: int
    replacement: str


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int, bool, bool]:
    """Expand over horizontal space; report whether the finding is alone on its line."""
    left = start
    while left > 0 and text[left - 1] in _HSPACE:
        left -= 1
    right = end
    while right < len(text) and text[right] in _HSPACE:
        right += 1
    at_line_start = left == 0 or text[left - 1] == "\n"
    at_line_end = right == len(text) or text[right] in "\r\n"
    return left, right, at_line_start, at_line_end


def _newline_len(text: str, pos: int) -> int:
    if text.startswith("\r\n", pos):
        return 2
    return 1 if pos < len(text) and text[pos] in "\r\n" else 0


def _skip_blank_lines(text: str, pos: int, limit: int) -> int:
    """Move past up to ``limit`` following lines that hold only horizontal space."""
    for _ in range(limit):
        j = pos
        while j < len(text) and text[j] in _HSPACE:
            j += 1
        step = _newline_len(text, j)
        if not step:
            break
        pos = j + step
    return pos


def _prev_line_blank(text: str, left: int) -> bool:
    """Is the line before the one starting at ``left`` empty (or is ``left`` the first line)?"""
    if left == 0:
        return True
    before = left - 1  # the "\n" ending the previous line
    if before > 0 and text[before - 1] == "\r":
        before -= 1
    return before == 0 or text[before - 1] == "\n"


def _remove_line(text: str, left: int, right: int) -> Edit:
    """The finding fills the line [left, right): take the line and one line break."""
    nl = _newline_len(text, right)
    if nl == 0 or not _HAS_TEXT.search(text, right + nl):
        # last line of the text: take the line breaks before it, keep the final one
        while left > 0 and text[left - 1] in "\r\n" + _HSPACE:
            left -= 1
        return Edit(left, right, "")
    end = right + nl
    if left == 0:  # first line: the blank lines after it go too
        return Edit(0, _skip_blank_lines(text, end, len(text)), "")
    if _prev_line_blank(text, left):  # between blank lines: keep only one of them
        end = _skip_blank_lines(text, end, 1)
    return Edit(left, end, "")


def _remove(text: str, start: int, end: int) -> Edit:
    left, right, at_start, at_end = _line_bounds(text, start, end)
    if at_start and at_end:
        return _remove_line(text, left, right)
    if at_start:
        return Edit(start, right, "")
    if at_end:
        return Edit(left, right, "")
    spaced_left, spaced_right = left < start, right > end
    if spaced_left and spaced_right:
        if text[right] in _SENTENCE_END and text[right] not in "\"'":
            return Edit(left, end, "")
        return Edit(start, right, "")
    if spaced_left and text[end] in _SENTENCE_END:  # "Belgium SPAM, and" -> "Belgium, and"
        return Edit(left, end, "")
    if spaced_right and _unspaced(text[start - 1]):  # "。SPAM 与会" -> "。与会": CJK has no spaces
        return Edit(start, right, "")
    if spaced_left and _unspaced(text[end]):
        return Edit(left, end, "")
    if spaced_left or spaced_right:
        return Edit(start, end, "")
    lc, rc = text[start - 1], text[end]
    glued_words = _HAS_WORD.search(text, start, end) is not None
    needs_space = glued_words and (_spaced(rc) or rc in _OPENING) and (_spaced(lc) or lc in _SENTENCE_END)
    return Edit(start, end, " " if needs_space else "")


def _replace(text: str, start: int, end: int, replacement: str) -> Edit:
    if not replacement:
        return _remove(text, start, end)
    out = replacement
    if start > 0 and _spaced(text[start - 1]) and _unspaced_letter(text[start]) and _spaced(out[0]):
        out = " " + out
    if end < len(text) and _spaced(text[end]) and _unspaced_letter(text[end - 1]) and _spaced(out[-1]):
        out = out + " "
    return Edit(start, end, out)


def plan(text: str, spans: Sequence[Span]) -> list[Span]:
    """Give each editing span its edit range and replacement; flags pass through unchanged.

    ``spans`` must not overlap among the editing ones (see :func:`cleaner.spans.resolve`)."""
    out: list[Span] = []
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    starts = [s.start for s in ordered if s.edits]
    floor = 0
    for s in ordered:
        if not s.edits:
            out.append(s)
            continue
        if s.action == "remove":
            e = _remove(text, s.start, s.end)
        else:
            e = _replace(text, s.start, s.end, s.replacement or "")
        # whitespace repair never reaches into the previous edit or the next finding (the first
        # that starts at or after this one's end, and after its start)
        i = bisect.bisect_left(starts, s.end if s.end > s.start else s.start + 1)
        start = max(min(e.start, s.start), floor)
        end = max(min(e.end, starts[i]) if i < len(starts) else e.end, s.end)
        floor = end
        out.append(s.with_(edit_start=start, edit_end=end, replacement=e.replacement))
    return out


def replay(text: str, spans: Iterable[Span]) -> str:
    """Replace each editing span's ``[edit_start, edit_end)`` by its ``replacement``.

    >>> s = Span("spam", "r", 1, 5, 9, "SPAM", "remove", "", edit_start=5, edit_end=10)
    >>> replay("word SPAM rest", [s])
    'word rest'
    """
    parts: list[str] = []
    pos = 0
    for s in sorted((s for s in spans if s.edits), key=lambda s: s.edit_start):
        parts.append(text[pos:s.edit_start])
        parts.append(s.replacement or "")
        pos = s.edit_end
    parts.append(text[pos:])
    return "".join(parts)


class OffsetMap:
    """Maps code-point offsets in the original text to offsets in the cleaned text.

    >>> s = Span("spam", "r", 1, 0, 5, "SPAM ", "remove", "", edit_start=0, edit_end=5)
    >>> OffsetMap([s]).to_cleaned(7)
    2
    """

    def __init__(self, spans: Iterable[Span]) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._shift: list[int] = []  # cumulative shift after each edit
        shift = 0
        for s in sorted((s for s in spans if s.edits), key=lambda s: s.edit_start):
            shift += len(s.replacement or "") - (s.edit_end - s.edit_start)
            self._starts.append(s.edit_start)
            self._ends.append(s.edit_end)
            self._shift.append(shift)

    def to_cleaned(self, pos: int) -> int:
        """Position ``pos`` of the original; a position inside an edit maps to the edit's end."""
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return pos
        if pos < self._ends[i]:
            before = self._shift[i - 1] if i else 0
            return self._starts[i] + before + (self._ends[i] - self._starts[i]) + (self._shift[i] - before)
        return pos + self._shift[i]
