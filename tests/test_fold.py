"""Folding for matching (cleaner.fold): every folded offset points back into the original, the
fast text-only pass agrees with the mapped one, and the obfuscations ads use fold to one spelling."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.fold import fold, fold_char, fold_text

# letters of the scripts ads mix, the separators and decoration they put between characters,
# look-alike digits, Chinese numerals, astral-plane styled letters, combining marks and CRLF
ALPHABET = st.sampled_from(list(
    "aZo0l1I9 .-_*·~|/:：\t\r\n\u3000【】〓█╋乄☏📞✅\u200b\ufe0f\u0301"
    "上海會所彩票娛樂薇四一九零壹ＫＶ８"
    "ОоЗзІіСа"
    "สล็อต바카라かな𝕮𝖔"
))
TEXTS = st.text(ALPHABET, max_size=40) | st.text(max_size=30)


@given(TEXTS)
@settings(max_examples=400)
def test_fold_offsets_point_into_the_original(text: str) -> None:
    f = fold(text)
    assert len(f.where) == len(f.text) + 1
    assert f.where[-1] == len(text)
    assert all(0 <= w < len(text) for w in f.where[:-1])
    assert list(f.where) == sorted(f.where)  # monotonic: folding never reorders


@given(TEXTS)
@settings(max_examples=400)
def test_fold_every_character_comes_from_its_original(text: str) -> None:
    """Folded character ``i`` is (part of) the fold of ``text[where[i]]``, or the digit that a
    look-alike letter or a Chinese numeral there stands for."""
    f = fold(text)
    for i, c in enumerate(f.text):
        source = fold_char(text[f.where[i]])
        assert c in source or c.isdigit(), (text, i, c)


@given(TEXTS, st.data())
@settings(max_examples=300)
def test_fold_spans_round_trip(text: str, data: st.DataObject) -> None:
    """A folded span maps to an original span whose own fold holds the folded span's characters."""
    f = fold(text)
    if not f.text:
        return
    start = data.draw(st.integers(0, len(f.text) - 1))
    end = data.draw(st.integers(start + 1, len(f.text)))
    lo, hi = f.original(start, end)
    assert 0 <= lo < hi <= len(text)
    assert f.where[start] == lo and f.where[end - 1] < hi
    piece = "".join(fold_char(ch) for ch in text[lo:hi])
    assert len(piece) >= len(f.text[start:end]) - sum(ch.isdigit() for ch in f.text[start:end])


@given(TEXTS)
@settings(max_examples=400)
def test_fold_text_equals_the_mapped_fold(text: str) -> None:
    assert fold_text(text) == fold(text).text


@pytest.mark.parametrize(("text", "folded"), [
    ("ＫＴＶ", "ktv"),                                # full width
    ("娛樂城", "娱乐城"),                              # traditional to simplified
    ("彩 票 计 划", "彩票计划"),                        # separators between characters
    ("薇3681〓7028〓", "薇36817028"),                   # decoration between digits
    ("☏OlO.3252.6322☏", "01032526322"),              # look-alike letters and dots in a number
    ("十微IO77I9O9", "十微10771909"),
    ("8ЗЗ12345", "83312345"),                         # Cyrillic Ze for three
    ("Саsino", "casino"),                              # Cyrillic С and а inside a Latin word
    ("四一九", "419"),                                 # Chinese numerals
    ("𝕮𝖔𝖎𝖓𝖇𝖆𝖘𝖊", "coinbase"),                         # styled mathematical letters
])
def test_fold_obfuscations(text: str, folded: str) -> None:
    assert fold(text).text == folded


@pytest.mark.parametrize("text", ["一个人", "三亚", "lol2000", "Hello, world.", "10 000"])
def test_fold_leaves_ordinary_text_alone(text: str) -> None:
    assert fold(text).text == text.lower().replace("10 000", "10000")


def test_fold_maps_a_found_handle_back_to_the_original() -> None:
    text = "加薇【56〓64 73】详情"
    f = fold(text)
    i = f.text.index("566473")
    lo, hi = f.original(i, i + 6)
    assert text[lo:hi] == "56〓64 73"
