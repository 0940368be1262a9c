"""Mojibake: ftfy's own test suite inside real articles, several layers of encoding, every code page
ftfy knows, exact spans for random text, and time linear in the text.

ftfy's cases are read from ``../shared`` at test time (see ``tests/ftfycases.py``); the other
examples are written here.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.analysis import Analysis
from cleaner.detectors import mojibake
from cleaner.document import Document
from cleaner.pipeline import Pipeline
from cleaner.rules import load_rules
from ftfycases import ARTICLES, FTFY_CASES, known_failures, rebuild, trials

DETECTOR = next(d for d in Pipeline.default().detectors if d.rule.id == "encoding.mojibake")
ENCODING_ONLY = Pipeline([r for r in load_rules() if r.kind == "encoding"])


def _trials() -> list:
    if not (FTFY_CASES.exists() and ARTICLES.exists()):
        return []  # pytest skips an empty parameter set, saying why
    return list(trials())


TRIALS = _trials()
# Where the pipeline departs from ftfy's fixed text on purpose, or because of another rule. Strict:
# once the difference is gone the test says so, and the entry goes.
DIFFERENT = {
    "synthetic[11]": "cleaner removes C0/C1 control characters (encoding.control_chars) and the space they leave "
                     "doubled; ftfy keeps U+0081 and the double space",
    "synthetic[12]": "cleaner removes the control character U+001A with the space before it at a line's end",
}


@pytest.mark.parametrize("trial", TRIALS, ids=[f"{t.case.name}-{t.placement}" for t in TRIALS])
def test_ftfy_case_in_an_article(trial, request):
    record = Pipeline.default().clean(trial.text).to_dict()
    assert rebuild(trial.text, record["annotations"]) == record["text"]
    if trial.case.negative:
        assert record["text"] == trial.text
    elif trial.ftfy:
        if trial.case.name in DIFFERENT:
            request.applymarker(pytest.mark.xfail(reason=DIFFERENT[trial.case.name], strict=True))
        assert record["text"] == trial.want
    else:  # ftfy itself does not restore it here: nothing of the article around it may change either
        head, _, tail = trial.want.partition(trial.case.fixed)
        assert record["text"].startswith(head) and record["text"].endswith(tail)


def test_ftfy_false_positives_are_left_alone():
    """ftfy's known failures whose expected text is the original are its false positives
    (``MISUTÂ\\xa0AJIKKO``): in an article, they come out as they went in."""
    if not FTFY_CASES.exists():
        pytest.skip(f"{FTFY_CASES} is not present on this machine")
    article = "The club's new season starts in May.\n\n{}\n\nTickets go on sale next week.\n"
    false_positives = [c["original"] for c in known_failures() if c["original"] == c["fixed"]]
    assert false_positives
    for case in false_positives:
        assert cleaner.clean(article.format(case)).text == article.format(case)


# -- several layers, every code page ----------------------------------------------------------------


def garble(text: str, *encodings: str) -> str:
    """``text`` written as UTF-8 and read in each code page in turn."""
    import ftfy.bad_codecs  # noqa: F401  (registers the sloppy codecs)

    for encoding in encodings:
        text = text.encode("utf-8").decode(encoding)
    return text


@pytest.mark.parametrize("layers", [2, 3])
def test_double_and_triple_encoded_mojibake_is_repaired_to_the_end(layers):
    line = "The chef’s “crème brûlée” won — naïvely, she said."
    text = f"Results of the contest.\n\n{garble(line, *['sloppy-windows-1252'] * layers)}\n"
    once = garble(line, *['sloppy-windows-1252'] * (layers - 1))
    assert once != line  # a repair that decodes one layer leaves mojibake: it must go on
    result = cleaner.clean(text)
    assert result.text == f"Results of the contest.\n\n{line}\n"
    assert {s.rule for s in result.spans} == {"encoding.mojibake"}


CODE_PAGES = [
    ("sloppy-windows-1252", "The committee’s report — “final” — is out."),
    ("latin-1", "The committee’s report is out; Zürich and Malmö agree."),
    ("sloppy-windows-1251", "Комитет опубликовал доклад о бюджете."),
    ("sloppy-windows-1253", "Η επιτροπή δημοσίευσε την έκθεση."),
    ("sloppy-windows-1250", "Výbor zveřejnil zprávu o rozpočtu."),
    ("iso-8859-2", "Komisja opublikowała raport o budżecie."),
    ("macroman", "Der Ausschuss veröffentlichte den Bericht über die Straße."),
    ("sloppy-windows-1254", "Komite bütçe raporunu yayınladı."),
    ("sloppy-windows-1257", "Komitetas paskelbė ataskaitą apie biudžetą."),
]


@pytest.mark.parametrize(("encoding", "line"), CODE_PAGES, ids=[c[0] for c in CODE_PAGES])
def test_a_mojibake_line_of_every_code_page_is_repaired(encoding, line):
    text = f"Published on Monday.\n\n{garble(line, encoding)}\n\nMore follows.\n"
    assert garble(line, encoding) != line
    assert ENCODING_ONLY.clean(text).text == f"Published on Monday.\n\n{line}\n\nMore follows.\n"


def test_c1_bytes_are_decoded_and_a_stray_one_is_still_removed():
    result = cleaner.clean("Quito is Ecuador\u00e2\u0080\u0099s capital.\nA stray \u0081 byte.")
    assert result.text == "Quito is Ecuador’s capital.\nA stray byte."
    assert [s.rule for s in result.spans] == ["encoding.mojibake", "encoding.control_chars"]


def test_code_pages_are_ftfys():
    import ftfy.bad_codecs  # noqa: F401
    from ftfy.chardata import CHARMAP_ENCODINGS

    assert list(mojibake.ENCODINGS) == CHARMAP_ENCODINGS
    for encoding in mojibake.ENCODINGS:
        assert mojibake.high_half(encoding) == bytes(range(0x80, 0x100)).decode(encoding)


def test_finding_plan_replays_with_ftfy():
    import ftfy

    result = cleaner.clean("Le cafÃ© est fermÃ©, dit-il.")
    assert [(s.text, s.replacement) for s in result.spans] == [("Ã©", "é"), ("Ã©", "é")]
    for s in result.spans:
        assert s.detail["plan"] == [["encode", "latin-1"], ["decode", "utf-8"]]
        assert ftfy.apply_plan(s.text, s.detail["plan"]) == s.replacement


# -- exact spans, whatever the text around -------------------------------------------------------

WORDS = ["the", "council", "voted", "on", "Tuesday", "café", "naïve", "Zürich", "—", "“quoted”", "don’t",
         "上海", "Москва", "Αθήνα", "😀", "👨\u200d👩\u200d👧", "e\u0301", "\u200b", "\ufffd", "&amp;", "I\u0307", "ß"]
MOJIBAKE_OF = ["café", "don’t", "“quoted”", "Москва", "Αθήνα", "Straße", "😀", "naïve", "résumé", "İstanbul"]
SEPARATORS = [" ", " ", "\n", "\r\n", "\n\n", ", ", ". ", "\t", "\u00a0"]


@st.composite
def texts_with_mojibake(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 30))):
        if draw(st.integers(0, 3)) == 0:
            word = draw(st.sampled_from(MOJIBAKE_OF))
            encodings = draw(st.lists(st.sampled_from((*mojibake.ENCODINGS[:3], "macroman")), min_size=1, max_size=2))
            try:
                word = garble(word, *encodings)
            except UnicodeError:
                pass
        else:
            word = draw(st.sampled_from(WORDS))
        parts.append(word + draw(st.sampled_from(SEPARATORS)))
    return "".join(parts)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts_with_mojibake())
def test_mojibake_spans_replay_to_the_cleaned_text(text):
    import ftfy

    record = cleaner.clean(text).to_dict()
    assert rebuild(text, record["annotations"]) == record["text"]
    for s in record["annotations"]:
        assert text[s["start"]:s["end"]] == s["text"]
        plan = s.get("detail", {}).get("plan")
        if s["rule"] == "encoding.mojibake" and plan:
            assert ftfy.apply_plan(s["text"], plan) == s["replacement"]


def test_mojibake_spans_replay_on_a_long_text():
    """About 130 k characters of prose, mojibake of four code pages mixed in, lines of every length."""
    import random

    rng = random.Random(14)
    words = [*WORDS, *(garble(w, e) for w in MOJIBAKE_OF for e in ("sloppy-windows-1252", "macroman"))]
    text = "".join(rng.choice(words) + rng.choice(SEPARATORS + [" "] * 20) for _ in range(15_000))
    record = ENCODING_ONLY.clean(text).to_dict()
    assert rebuild(text, record["annotations"]) == record["text"]
    assert all(text[s["start"]:s["end"]] == s["text"] for s in record["annotations"])
    assert sum(s["rule"] == "encoding.mojibake" for s in record["annotations"]) > 300


ALPHABET = ["Ã", "©", "â", "€", "™", "Â", "é", "’", "“", "\x81", "\x9d", "x", " ", "don", "\n", "Ã©", "â€™",
            "Р", "С", "ѕ", "ё", "√", "ü", "Ξ", "¬", "&frac14;", "\ufffd", "ô", "╨", "┐"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=30).map("".join))
def test_candidates_found_at_anchors_are_those_a_scan_of_every_position_finds(text):
    """The rule visits only the rarer side of each code page; the lines it hands to ftfy must be the
    lines a test of every position finds."""
    spots = [i for i in range(len(text)) if _suspect_anywhere(text, i)]
    got = mojibake.candidates(text, Analysis(Document(text)).chars)
    assert mojibake.segments(text, got, 4096) == mojibake.segments(text, spots, 4096)


def _suspect_anywhere(text: str, i: int) -> bool:
    ch = text[i]
    if ch in mojibake.C1 or (ch in "ÂÃ" and text[i + 1:i + 2] == " "):
        return True
    if ch == "&":
        return i > 0 and text[i - 1] in mojibake.ALL_LEADS and mojibake.ENTITY.match(text, i) is not None
    return mojibake.PAGES.truncated_at(text, i) or _sequence_at(text, i)


def _sequence_at(text: str, s: int) -> bool:
    """Does a whole UTF-8 sequence, as one of ftfy's code pages shows it, start at ``s``? (Straight
    from the code page tables, one position at a time: the specification.)"""
    for encoding in mojibake.ENCODINGS:
        high = mojibake.high_half(encoding)
        cont = high[:0x40] + mojibake.LOSSY
        for need, lead in ((1, high[0x42:0x60]), (2, high[0x60:0x70]), (3, high[0x70:0x75])):
            window = text[s + 1:s + 1 + need]
            if text[s] in lead and len(window) == need and all(c in cont for c in window):
                return True
    return False


# -- linear time -----------------------------------------------------------------------------------


def _dense(n: int, lines: bool) -> str:
    unit = "cafÃ© donâ€™t Ð¼Ð¾Ñ Ã¢â‚¬Å“quoteÃ¢â‚¬Â\x9d Stra√üe wei√ü na\u00efve "
    text = (unit * (n // len(unit) + 1))[:n]
    return text.replace("quote", "quote\n") if lines else text


@pytest.mark.parametrize("lines", [True, False], ids=["lines", "one-line"])
def test_mojibake_dense_text_takes_linear_time(lines):
    """Mojibake everywhere, at n and 8n characters: the time may grow 8x, not 64x (generous: 24x)."""
    def seconds(n: int) -> float:
        doc = Document(_dense(n, lines))
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            found = list(DETECTOR.detect(doc, Analysis(doc)))
            best = min(best, time.process_time() - start)
        assert len(found) > n / 40
        return best

    small, large = seconds(20_000), seconds(160_000)
    assert large < 24 * small, (small, large)


def test_ligature_rule_takes_apart_exactly_ftfys_ligatures():
    from ftfy.chardata import LIGATURES

    rule = next(r for r in load_rules() if r.id == "encoding.ligature")
    assert sorted(rule.params["characters"]) == sorted(map(chr, LIGATURES))


LIGATURE_ONLY = Pipeline([r for r in load_rules() if r.id == "encoding.ligature"])
_PLAIN_WORD = st.text(alphabet="abcdeghkmnoprstuvwxyz", min_size=1, max_size=6)


@settings(max_examples=150, deadline=None)
@given(_PLAIN_WORD, st.sampled_from("ﬀﬁﬂﬃﬄ"), _PLAIN_WORD, _PLAIN_WORD)
def test_a_ligature_in_inline_code_stays_and_one_in_prose_goes(head, lig, tail, other):
    word = head + lig + tail
    code = f"Call `fold(\"{word}\")` here.\nThe {other}{lig}{tail} rose."
    out = LIGATURE_ONLY.clean(code).text
    assert out.split("\n")[0] == code.split("\n")[0]  # the literal in the code is the program's
    assert out.split("\n")[1] == f"The {other}{fix_lig(lig)}{tail} rose."  # the prose line is fixed


def fix_lig(ch: str) -> str:
    from ftfy.fixes import fix_latin_ligatures

    return fix_latin_ligatures(ch)


def test_a_line_about_the_ligature_keeps_all_of_its_examples():
    text = "Case folding: eﬃcient == EFFICIENT # the ﬃ glyph folds into three letters\nThe oﬃce opened."
    out = LIGATURE_ONLY.clean(text).text
    assert out == "Case folding: eﬃcient == EFFICIENT # the ﬃ glyph folds into three letters\nThe office opened."


def test_a_ligature_in_an_html_code_element_stays_and_one_in_prose_goes():
    """The HTML reader lists the text of ``<pre>``/``<code>`` in ``metadata["code"]``: the rule leaves a
    program's literals alone there as it does between backticks (old code: the comment in the code
    block and the identifier in the inline code were rewritten)."""
    from cleaner.readers import html_document

    page = ("<html><body><article><h1>Copying code from a PDF</h1>"
            "<p>The oﬃce printer mangled every listing, and nobody noticed for weeks.</p>"
            "<pre><code>def reﬂow(buﬀer):  # the ﬁrst pass\n    return buﬀer</code></pre>"
            "<p>Then call <code>reﬂow</code> on the whole manuscript once.</p></article></body></html>")
    doc = html_document(page, id="page", source="page")
    result = LIGATURE_ONLY.clean(doc)
    assert "def reﬂow(buﬀer):  # the ﬁrst pass\n    return buﬀer" in result.text
    assert "Then call reﬂow on the whole" in result.text
    assert "The office printer" in result.text  # prose is still taken apart
    regions = [doc.text[s:e] for s, e in doc.metadata["code"]]
    assert regions == ["def reﬂow(buﬀer):  # the ﬁrst pass\n    return buﬀer", "reﬂow"]
    assert "code" not in result.to_dict().get("metadata", {})  # a hint for the rules, not a record field
