"""Time that grows with the input and no faster (issue 14): each test times one loop that once grew
with the square of its input, at n and 8n (about 8x for linear work, 64x for quadratic; the bound
is generous because timings on a shared machine are noisy), on the shapes of ``tests/shapes.py``.
Absolute speed is measured by ``bench/scaling.py``, never here (so are the loops whose extra cost
was a copy of the line per finding: at a size a test can afford, the copy costs less than the rest)."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.analysis import Analysis
from cleaner.document import Document
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
    ("spam.ad_segment", "ad_sentences_one_line", 4_000),  # accepted sentences against rejected pieces
    ("spam.ad_segment", "decorated_handles", 4_000),  # clauses of one CJK line, folding
])
def test_detector_time_grows_with_the_text(rule_id, shape, n):
    assert growth(detect_with(rule_id, lang="en" if shape != "sauna_chain" else None), BY_NAME[shape].make, n) < LINEAR


@pytest.mark.parametrize("shape", ["control_edits", "zwsp_edits", "prose_one_line", "many_links", "feff_run"])
def test_pipeline_time_grows_with_the_text(shape):
    assert growth(PIPELINE.clean, BY_NAME[shape].make, 4_000) < LINEAR


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
