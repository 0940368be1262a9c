"""lexicon.py: one-pass term matching with variant folding; offsets always point at the original."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import lexicon
from cleaner.lexicon import Lexicon, fold

LEX = Lexicon({"casino": "gambling", "上门服务": "service", "ktv": "venue", "会所": "venue", "bet": "gambling"})


def test_variants_match_and_point_at_the_original():
    text = "Best CASINO… 上.門.服.務 and ＫＴＶ會所, no better"
    hits = [(text[h.start:h.end], h.category) for h in LEX.find(text)]
    assert hits == [("CASINO", "gambling"), ("上.門.服.務", "service"), ("ＫＴＶ", "venue"), ("會所", "venue")]


def test_traditional_spellings_come_from_the_cache_once_built(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    first = lexicon._Traditional()
    assert set(first.of("上门服务")) == {"上門服務"} and set(first.of("台湾")) >= {"台灣", "臺灣"}
    first.save()

    def no_opencc() -> None:
        raise AssertionError("OpenCC loaded although the cache holds every term")

    monkeypatch.setattr(lexicon, "_converters", no_opencc)
    again = lexicon._Traditional()
    assert again.of("上门服务") == first.of("上门服务") and again.of("台湾") == first.of("台湾")
    with pytest.raises(AssertionError):  # a term the cache lacks is converted (and then stored)
        again.of("会所")


@pytest.mark.parametrize("stored", ["{not json", '{"会所": "會所"}', '["会所"]', '{"会所": [1]}'])
def test_a_damaged_traditional_cache_is_rebuilt(tmp_path, monkeypatch, stored):
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    cache = lexicon._Traditional()
    (tmp_path / cache.name()).write_text(stored, encoding="utf-8")
    assert cache.of("会所") == ["會所"]
    cache.save()
    assert lexicon._Traditional().of("会所") == ["會所"]


def test_latin_terms_need_word_boundaries():
    assert [h.term for h in LEX.find("better alphabet bet")] == ["bet"]


def test_fold_keeps_offsets_when_folding_changes_no_length():
    folded, where = fold("Ａb… İ" [:3])
    assert folded == "ab…" and where is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["casino", "CASINO", "ＫＴＶ", "上门服务", "上 门 服 务", "會所", "…", "ﬁ", "İ", "é",
                                 "e\u0301", " ", "\n", "a", "bet", "x", "。", "·"]), max_size=30).map("".join))
def test_every_hit_points_at_text_that_folds_to_its_term(text):
    for h in LEX.find(text):
        assert fold(text[h.start:h.end])[0] == h.term


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Casino", "ＫＴＶ", "ｋｔｖ", "上 门", "…", "ﬁ", "İ", "É", "e\u0301", "²", " ", "\n",
                                 "ß", "Σ", "“", "a"]), max_size=30).map("".join), st.booleans())
def test_fold_with_the_callers_lower_case_and_characters_is_the_same(text, separators):
    """The analysis hands ``fold`` the text's lower case and distinct characters to save two passes;
    the result must not change."""
    assert fold(text, separators, lower=text.lower(), chars=frozenset(text)) == fold(text, separators)


def _fold_by_character(text: str) -> tuple[str, list[int]]:
    """The specification of :func:`fold`: each character on its own, separators dropped."""
    import unicodedata

    from cleaner.lexicon import _SEPARATED

    seps = {i for m in _SEPARATED.finditer(text) for i in range(m.start(), m.end())}
    out, where = [], []
    for i, ch in enumerate(text):
        if i not in seps:
            low = ch.lower()
            n = unicodedata.normalize("NFKC", low)
            for c in n if len(n) == 1 else low:
                out.append(c)
                where.append(i)
    return "".join(out), [*where, len(text)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["上", "门", "服", "務", "會", "所", ".", "·", " ", "，", "。", "、", "．", "ＫＴＶ",
                                 "Ａ", "x", "é", "-", "\n", "İ", "ß"]), max_size=30).map("".join))
def test_fold_equals_folding_character_by_character(text):
    folded, where = fold(text)
    expected, expected_where = _fold_by_character(text)
    assert folded == expected
    assert (where or list(range(len(text) + 1))) == expected_where


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["casino", "CASINO", "ＫＴＶ", "上门服务", "上 门 服 务", "會所", "İ", "bet", "better",
                                 " ", "\n", "x"]), max_size=20).map("".join), st.integers(0, 40), st.integers(0, 40))
def test_find_in_a_part_equals_the_hits_of_the_whole_inside_it(text, a, b):
    start, end = min(a, b, len(text)), min(max(a, b), len(text))
    whole = [h for h in LEX.find(text) if start <= h.start and h.end <= end]
    assert list(LEX.find(text, None, start, end)) == whole


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["casino", "CASINO", "ＫＴＶ", "上门服务", "上 门 服 务", "會所", "İ", "bet", "better",
                                 "abet", "bet2", "_bet", " ", "\n", "x", "·", "é"]), max_size=30).map("".join))
def test_categories_are_those_of_the_hits(text):
    """categories() skips the boundary test of a category already found: the same set as the hits'."""
    assert LEX.categories(text) == {h.category for h in LEX.find(text)}


NESTED = Lexicon({"sex": "adult", "sexy": "adult", "exy": "other", "xy": "other", "y": "other", "会所": "venue",
                  "所": "venue", "\x00z": "other"})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["sexy", "sex", "xy", "y", "会所", "所", "é", " ", "\x00", "z", "\ud800", "\udcff",
                                 "\ufffd"]), max_size=30).map("".join))
def test_the_scan_gives_every_occurrence_by_end_then_longest_first(text):
    """The automaton's matches (overlapping, lone surrogates in the text) equal a search of every term
    ending at every offset, in the order a trie's output links give them."""
    terms = [value[0] for value in NESTED._values]
    plain = [(end - 1, term) for end in range(len(text) + 1)
             for term in sorted(terms, key=len, reverse=True) if text.endswith(term, 0, end)]
    assert [(last, value[0]) for last, value in NESTED._scan(text)] == plain


def test_a_lexicon_pickles_and_finds_the_same():
    import pickle

    text = "Best CASINO… 上.門.服.務 and ＫＴＶ會所, no better"
    again = pickle.loads(pickle.dumps(LEX))
    assert list(again.find(text)) == list(LEX.find(text)) and len(list(LEX.find(text))) == 4
