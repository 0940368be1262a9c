"""Time that grows with the input and no faster (issue 14): each test times one loop that once grew
with the square of its input, at n and 8n (about 8x for linear work, 64x for quadratic; the bound
is generous because timings on a shared machine are noisy), on the shapes of ``tests/shapes.py``.
Absolute speed is measured by ``bench/scaling.py``, never here (so are the loops whose extra cost
was a copy of the line per finding: at a size a test can afford, the copy costs less than the rest)."""

from __future__ import annotations

import dataclasses

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.analysis import Analysis
from cleaner.document import Document
from cleaner.readers import html_document
from shapes import BY_NAME, growth

LINEAR = 24  # n -> 8n: linear work gives ~8, quadratic ~64
PIPELINE = cleaner.Pipeline.default()


def detector(rule_id: str):
    return next(d for d in PIPELINE.detectors if d.rule.id == rule_id)


def detect_with(rule_id: str, lang: str | None = None):
    det = detector(rule_id)

    def run(text: str) -> list[object]:
        doc = Document(text)
        return list(det.detect(doc, Analysis(doc, lang=lang)))

    return run


@pytest.mark.parametrize(("rule_id", "shape", "n"), [
    ("artifact.llm_disclaimer", "sorry_run", 8_000),  # the reach scan: a search to the line end per word
    ("spam.contact_drop", "tld_run", 20_000),  # LinkFinder._tld_end: every prefix of a long word
    ("spam.zh_ad_lexicon", "sauna_chain", 4_000),  # a chain's end and outermost hits, each against all
    ("spam.zh_ad_lexicon", "shanghai_chain", 4_000),
    ("encoding.invisible_chars", "feff_run", 4_000),  # the regex tried from each character of a run
    ("encoding.invisible_chars", "word_joiner_prefix", 4_000),
    ("artifact.llm_leftover", "quoted_chatter_one_line", 20_000),  # quotations against sentences of a line
    ("artifact.llm_leftover", "prose_one_line", 20_000),
    ("artifact.llm_leftover", "chatter_lines", 20_000),
    ("spam.contact_drop", "handles_and_phones", 8_000),  # a finding's marker, line and neighbours
    ("spam.contact_drop", "many_links", 8_000),
    ("spam.cjk_seo_injection", "glued_glosses", 8_000),  # each run's extent, vocabulary and enclosure
    ("artifact.mt_gloss_leak", "glued_glosses", 8_000),  # each chain's target word
    ("typo.misspelling", "names_and_nonwords", 32_000),  # each non-word's places, each name's sentence starts
    ("spam.ad_segment", "ad_sentences_one_line", 4_000),  # accepted sentences against rejected pieces
    ("spam.ad_segment", "decorated_handles", 4_000),  # clauses of one CJK line, folding
    ("encoding.mojibake", "mojibake_dense", 4_000),  # a repair every few bytes, each aligned with the text
    ("artifact.translator_note", "bracket_notes", 4_000),  # the frame tried at each opening bracket
])
def test_detector_time_grows_with_the_text(rule_id, shape, n):
    assert growth(detect_with(rule_id, lang="en" if shape != "sauna_chain" else None), BY_NAME[shape].make, n) < LINEAR


@pytest.mark.parametrize("shape", ["control_edits", "zwsp_edits", "prose_one_line", "many_links", "feff_run",
                                   "fffd_edits", "mojibake_edits", "bracket_notes", "glued_glosses"])
def test_pipeline_time_grows_with_the_text(shape):
    assert growth(PIPELINE.clean, BY_NAME[shape].make, 4_000) < LINEAR


@pytest.mark.parametrize("shape", ["element_attributes", "hidden_elements"])
def test_html_page_time_grows_with_the_page(shape):
    """The reader (one element with thousands of attributes; a hidden element every line) and the
    pipeline on what it reads."""
    def run(page: str) -> object:
        return PIPELINE.clean(html_document(page, id="p", source="p.html"))

    assert growth(run, BY_NAME[shape].make, 8_000) < LINEAR


# -- the invisible-character rule finds what it found before it was made linear -----------------

_INVISIBLE = "[\\u200b\\u200e\\u200f\\u2060-\\u2064\\ufeff\\u202a-\\u202e\\u2066-\\u2069\\u180e]"
FIRST_WRITTEN = regex.compile(rf"(?<=[\p{{L}}\p{{N}}]){_INVISIBLE}+|{_INVISIBLE}+(?=[\p{{L}}\p{{N}}])", regex.V1)


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(["a", "7", " ", "\n", "\u200b", "\ufeff", "\u2060", "\u202e", "\u200d", "\u200c",
                                 "\u180e", ".", "上"]), max_size=30).map("".join))
def test_invisible_runs_are_the_matches_of_the_pattern_as_first_written(text):
    first = detector("encoding.invisible_chars").params.patterns[0]
    now = regex.compile(first, regex.V1)
    assert [m.span() for m in now.finditer(text)] == [m.span() for m in FIRST_WRITTEN.finditer(text)]


def test_a_long_invisible_run_never_times_the_rule_out():
    """20,000 word joiners before the article: found in one pass, nothing reported, the rule stays on
    for the rest of the document (the glued ZWSP further on is still removed)."""
    text = "\u2060" * 20_000 + " \n\nThe council met on Tuesday.\n\nIt voted for the inter\u200bchange."
    r = PIPELINE.clean(text)
    assert r.errors == ()
    assert r.text.endswith("It voted for the interchange.")


# -- one pass for many words finds what a search per word finds ------------------------------------

@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab c\nZé", max_size=60), st.sets(st.text(alphabet="abZé", min_size=1, max_size=3), max_size=6))
def test_one_pass_for_many_words_finds_every_offset_a_search_per_word_finds(text, words):
    from cleaner.detectors.common import occurrences_of

    assert occurrences_of(text, words, search_budget=0) == occurrences_of(text, words, search_budget=10**9)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab c\nZé", max_size=60), st.sets(st.text(alphabet="abZé", min_size=1, max_size=3), max_size=6))
def test_one_pass_for_many_words_counts_as_str_count_does(text, words):
    from cleaner.detectors.common import counts_of

    expected = {w: text.count(w) for w in words}
    assert counts_of(text, words, search_budget=0) == expected
    assert counts_of(text, words, search_budget=10**9) == expected


# -- merged one-character edits clean the text as the edits one by one did ------------------------

def unmerged(rule: cleaner.Rule) -> cleaner.Rule:
    return dataclasses.replace(rule, params={**rule.params, "merge_gap": 0})


# the pattern rules' merges, in the whole pipeline: the same text whatever else the text holds
UNMERGED = cleaner.Pipeline([unmerged(r) if r.params.get("merge_gap") else r for r in PIPELINE.rules])
EDIT_DENSE = ["a", "b", "7", " ", "  ", "\n", "\t", ".", ",", "é", "â", "€", "Ã", "©", "上", "\x01", "\x07", "\x80",
              "\x99", "\x9d", "\u200b", "\u2060", "\ufeff", "\ufffd", "\u200d", "word", "The ", "x.com",
              "cafÃ©", "â€™", "â€œ", "Ã ", "Â ", "РґРѕ", "wei√ü", "ï¼¡", "ﬁ", "&amp;", "Î&frac14;"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(EDIT_DENSE), max_size=40).map("".join))
def test_merged_edits_clean_the_text_as_the_edits_one_by_one(text):
    merged, single = PIPELINE.clean(text), UNMERGED.clean(text)
    assert merged.text == single.text
    assert len(merged.spans) <= len(single.spans)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(EDIT_DENSE), max_size=40).map("".join))
def test_merged_mojibake_repairs_the_text_as_its_stretches_one_by_one(text):
    """The mojibake rule alone (a run of repairs is longer than each: against another rule's finding
    it can win where a piece of it lost, ``\x01\x80a\x80``, which decodes a C1 byte more)."""
    rule = detector("encoding.mojibake").rule
    merged, single = cleaner.Pipeline([rule]).clean(text), cleaner.Pipeline([unmerged(rule)]).clean(text)
    assert merged.text == single.text
    assert len(merged.spans) <= len(single.spans)


def test_one_character_edits_between_letters_make_one_finding_per_stretch():
    text = "The c\x01o\x01d\x01e and the w\u200bo\u200br\u200bd, t\ufffdo\ufffd."
    r = PIPELINE.clean(text)
    assert r.text == "The code and the word, to."
    assert [(s.rule, s.text, s.action, s.replacement) for s in r.spans] == [
        ("encoding.control_chars", "\x01o\x01d\x01", "replace", "od"),
        ("encoding.invisible_chars", "\u200bo\u200br\u200b", "replace", "or"),
        ("encoding.replacement_char", "\ufffdo\ufffd", "replace", "o"),
    ]


def test_a_merged_stretch_that_meets_another_rules_finding_goes_back_to_its_matches():
    """The mojibake repair takes the first U+FFFD (a lost byte of its sequence) and wins over the
    merged stretch U+FFFD a U+FFFD; split back, the second U+FFFD is still removed."""
    text = "Î&frac14;\ufffda\ufffd"
    r = PIPELINE.clean(text)
    assert r.text == UNMERGED.clean(text).text == "μ\ufffda"
    assert [s.rule for s in r.spans] == ["encoding.mojibake", "encoding.replacement_char"]


def test_a_candidates_place_on_its_line_costs_no_search_to_the_line_ends():
    """spam.ad_segment's position features (own line, glued, enclosed) for every candidate of a
    one-line document: a search to the line's ends per candidate made this quadratic."""
    from cleaner.adscore import Candidate, DocContext, _place

    def run(text: str) -> list[list[str]]:
        ctx = DocContext.of(text, "Latin")
        return [_place(ctx, Candidate(s, s + 20, "sentence")) for s in range(0, len(text) - 20, 50)]

    assert growth(run, BY_NAME["bracket_notes"].make, 40_000) < LINEAR


def test_the_names_of_a_long_segment_are_counted_in_one_pass():
    """spam.ad_segment's topic feature looks for a segment's names and domain labels elsewhere in the
    document: a count per label over the whole text was quadratic on a long line of links."""
    from cleaner.adscore import DocContext, _names_seen

    def run(text: str) -> bool:  # the segment is not the whole page (that case is answered without counting)
        return _names_seen(DocContext.of("Harbour news.\n" + text, "Latin"), text)

    assert growth(run, BY_NAME["many_links"].make, 20_000) < LINEAR
