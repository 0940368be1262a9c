"""actions.py: whitespace repair around removals and replacements, replay and the offset map."""

from __future__ import annotations

import pytest

from cleaner.actions import OffsetMap, plan, replay
from cleaner.spans import Span
from oracle import rebuild


def _apply(text: str, target: str, action: str = "remove", replacement: str | None = None) -> str:
    start = text.index(target)
    span = Span("spam", "t.x", 1, start, start + len(target), target, action,
                "" if action == "remove" else replacement)
    planned = plan(text, [span])
    out = replay(text, planned)
    assert rebuild(text, [s.to_dict() for s in planned]) == out
    assert text[planned[0].start:planned[0].end] == target  # the finding itself is unchanged
    assert planned[0].edit_start <= planned[0].start and planned[0].end <= planned[0].edit_end
    return out


REMOVALS = [
    # (case, text, removed string, expected)
    ("own line between blank lines", "One.\n\nSPAM\n\nTwo.", "SPAM", "One.\n\nTwo."),
    ("own line, tight", "One.\nSPAM\nTwo.", "SPAM", "One.\nTwo."),
    ("own line with trailing spaces", "One.\n  SPAM \nTwo.", "SPAM", "One.\nTwo."),
    ("first line", "SPAM\n\nOne.\n", "SPAM", "One.\n"),
    ("last line, final newline kept", "One.\n\nSPAM\n", "SPAM", "One.\n"),
    ("last line, no final newline", "One.\n\nSPAM", "SPAM", "One."),
    ("the whole text", "SPAM", "SPAM", ""),
    ("paragraph start, space after", "One.\n\nSPAM Two three.", "SPAM", "One.\n\nTwo three."),
    ("paragraph start, glued", "One.\n\n爱上海Two three.", "爱上海", "One.\n\nTwo three."),
    ("line end, space before", "One two. SPAM\n\nThree.", "SPAM", "One two.\n\nThree."),
    ("line end, glued", "One two.SPAM\n\nThree.", "SPAM", "One two.\n\nThree."),
    ("between words", "for a SPAM tech person", "SPAM", "for a tech person"),
    ("before a comma", "in Belgium SPAM, and Norway", "SPAM", "in Belgium, and Norway"),
    ("between sentences", "One two. SPAM Three four.", "SPAM", "One two. Three four."),
    ("glued to the word before", "so big杭州伴游网 that", "杭州伴游网", "so big that"),
    ("glued to the word after", "a 杭州伴游网that", "杭州伴游网", "a that"),
    ("glued between two Latin words", "Origin willwww.x666.cn offer", "www.x666.cn", "Origin will offer"),
    ("glued between Chinese characters", "要求；苏州足浴养生从学校", "苏州足浴养生", "要求；从学校"),
    ("between Chinese text and a space", "政策。SPAM 与会代表", "SPAM", "政策。与会代表"),
    ("between a space and Chinese text", "政策。 SPAM与会代表", "SPAM", "政策。与会代表"),
    ("zero-width inside a word", "loa\u2060ded", "\u2060", "loaded"),
    ("zero-width joiner inside a word", "Securi\u200dties", "\u200d", "Securities"),
    ("CRLF own line", "One.\r\nSPAM\r\nTwo.", "SPAM", "One.\r\nTwo."),
    ("CRLF between blank lines", "One.\r\n\r\nSPAM\r\n\r\nTwo.", "SPAM", "One.\r\n\r\nTwo."),
]


@pytest.mark.parametrize(("case", "text", "target", "expected"), REMOVALS, ids=[r[0] for r in REMOVALS])
def test_remove_repairs_whitespace(case, text, target, expected):
    assert _apply(text, target) == expected


REPLACEMENTS = [
    ("glued to a Latin word: a space is added", "academic研究成果(成果) into", "研究成果(成果)", "achievements",
     "academic achievements into"),
    ("spaced: nothing added", "the 媒体 (media) said", "媒体 (media)", "media", "the media said"),
    ("mojibake inside a word", "donâ€™t", "â€™", "’", "don’t"),
    ("empty replacement acts as a removal", "a SPAM b", "SPAM", "", "a b"),
]


@pytest.mark.parametrize(("case", "text", "target", "replacement", "expected"), REPLACEMENTS,
                         ids=[r[0] for r in REPLACEMENTS])
def test_replace_adds_only_the_space_needed(case, text, target, replacement, expected):
    assert _apply(text, target, "replace", replacement) == expected


def test_adjacent_removals_do_not_overlap_and_replay():
    text = "One.\n\nSPAM1\n\nSPAM2\n\nTwo."
    spans = [Span("spam", "t.x", 1, text.index(s), text.index(s) + 5, s, "remove", "") for s in ("SPAM1", "SPAM2")]
    planned = plan(text, spans)
    assert planned[0].edit_end <= planned[1].edit_start
    assert replay(text, planned) == "One.\n\nTwo."


def test_flags_pass_through_unchanged():
    text = "a teh b"
    flag = Span("typo", "t.y", 1, 2, 5, "teh", "flag", suggestions=("the",))
    assert plan(text, [flag]) == [flag]
    assert replay(text, [flag]) == text


def test_offset_map_moves_positions_after_an_edit():
    text = "SPAM Rest of text"
    planned = plan(text, [Span("spam", "t.x", 1, 0, 4, "SPAM", "remove", "")])
    m = OffsetMap(planned)
    cleaned = replay(text, planned)
    assert cleaned == "Rest of text"
    assert cleaned[m.to_cleaned(text.index("Rest")):].startswith("Rest")
    assert m.to_cleaned(2) == 0  # inside the removed range: where the edit ends in the cleaned text


def _one_character_removals(n: int) -> tuple[str, list[Span]]:
    """``a\\x01`` n times, then n lines holding only ``\\x01``: every control character a removal."""
    text = "a\x01" * n + "\n" + "\x01\n" * n
    spans = [Span("encoding", "t.c", 1, i, i + 1, "\x01", "remove", "") for i, c in enumerate(text) if c == "\x01"]
    return text, spans


def test_plan_time_grows_with_the_number_of_edits_not_its_square():
    from shapes import growth

    def run(case: tuple[str, list[Span]]) -> None:
        text, spans = case
        out = replay(text, plan(text, spans))
        assert out.startswith("a" * (len(spans) // 2) + "\n") and "\x01" not in out

    assert growth(run, _one_character_removals, 1000) < 24
