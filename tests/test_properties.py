"""Offsets, unicode and whitespace, as properties (hypothesis): the annotation contract holds for
any text — astral characters, combining marks, CRLF, zero-width characters, CJK, mojibake — and for
articles with spam, notes and junk dropped in at random places."""

from __future__ import annotations

import itertools
import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.spans import Span
from oracle import assert_record_rebuilds

ATOMS = [
    "the", "market", "city", "council", "said", "on", "Monday", "Shanghai", "growth", "of", "a",
    "上海", "龙凤", "419", "会所", "同城", "夜场", "厦门", "研究成果", "カタカナ", "한국어", "Москва",
    "😀", "👨\u200d👩\u200d👧", "e\u0301", "ñ", "\u200b", "\u2060", "\ufeff", "\ufffd", "â€™", "Ã©",
    "(", ")", "（", "）", "【", "】", "“", "”", ".", ",", "!", "?", ":", "@", "/", "-", "$", "%",
    "www.", ".com", ".vip", "qq", "V信", "99", "2019",
    # glued Latin+CJK glosses, the shapes machine translation leaves
    "academic研究成果(成果)(achievements)", "market【市场】", "政府（government）", "policy (Chinese: 政策)",
    "能源/energy", "the上海龙凤base",
]
SEPARATORS = [" ", " ", " ", "", "\n", "\n\n", "\r\n", "\t", "  "]

texty = st.lists(st.tuples(st.sampled_from(ATOMS), st.sampled_from(SEPARATORS)), min_size=0, max_size=60).map(
    lambda parts: "".join(a + b for a, b in parts))
any_text = st.one_of(texty, st.text(max_size=200))
# long inputs: a drawn text repeated to tens of kilobytes, one line or many (a one-line page, a feed)
long_text = st.tuples(texty, st.integers(50, 600), st.sampled_from(["", " ", "\n", "\n\n"])).map(
    lambda t: t[2].join([t[0]] * t[1]))

PARAGRAPHS = [
    "Shanghai, the bustling metropolis on the banks of the Huangpu River, keeps growing.",
    "The city council voted on Tuesday to approve a new ferry route to the business district.",
    "Analysts said the gains were broad, led by technology and consumer stocks.",
    "Fans of the team were disappointed after the third draw in a row at home.",
]
INJECTIONS = [
    "爱上海同城419", "新上海龙凤419会所", "杭州桑拿会所 V信hz8899",
    "Buy cheap Cialis online, no prescription at pills-24.net", "[TN: “规划” literally means “planning”.]",
    "a\u200bb", "donâ€™t", "\ufffd\ufffd", "www.spam666.cn", "media【媒体】",
]
PREAMBLES = ["", "Of course. Here is the English translation:", "好的，以下是翻译后的文章："]
POSTSCRIPTS = ["", "Let me know if you want a shorter version!", "[End of the rewrite]"]
PLACES = [" ", "", "\n", "\n\n", ". "]


@st.composite
def articles(draw: st.DrawFn) -> str:
    paras = draw(st.lists(st.sampled_from(PARAGRAPHS), min_size=1, max_size=6))
    out = []
    for p in paras:
        if draw(st.booleans()):
            inj, place = draw(st.sampled_from(INJECTIONS)), draw(st.sampled_from(PLACES))
            p = draw(st.sampled_from([inj + place + p, p + place + inj]))
        out.append(p)
    sep = draw(st.sampled_from(["\n\n", "\r\n\r\n"]))
    return sep.join(x for x in (draw(st.sampled_from(PREAMBLES)), *out, draw(st.sampled_from(POSTSCRIPTS))) if x)


# CLEANER_PROPERTY_EXAMPLES=3000 for a deeper search than CI's
EXAMPLES = int(os.environ.get("CLEANER_PROPERTY_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_contract(text: str) -> cleaner.Result:
    r = cleaner.clean(text)
    editing = [s for s in r.spans if s.edits]
    for s in r.spans:
        assert 0 <= s.start <= s.end <= len(text)
        assert text[s.start:s.end] == s.text
        assert s.edit_start <= s.start and s.end <= s.edit_end <= len(text)
    for a, b in itertools.pairwise(editing):
        assert a.edit_end <= b.edit_start, "edits overlap"
    assert_record_rebuilds(text, r)
    # no rule empties a document (issue 12): a text with anything but white space never comes out
    # `cleaned` into nothing; when every character would go it is flagged (kept) or rejected
    assert r.text.strip() or not text.strip() or r.verdict in ("flagged", "rejected"), (text, r.verdict)
    return r


@SETTINGS
@given(any_text)
def test_annotations_replay_to_the_cleaned_text(text):
    check_contract(text)


@settings(max_examples=max(10, EXAMPLES // 5), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(long_text)
def test_long_inputs_keep_the_contract(text):
    check_contract(text)


@SETTINGS
@given(articles())
def test_injected_articles_keep_the_contract_and_lose_the_injection(text):
    r = check_contract(text)
    assert "龙凤" not in r.text and "Cialis" not in r.text and "\ufffd" not in r.text
    for p in PARAGRAPHS:  # article text is never lost
        if p in text:
            assert p.rstrip(".") in r.text
    for chatter in PREAMBLES[1:] + POSTSCRIPTS[1:]:
        assert chatter not in r.text


@SETTINGS
@given(articles())
def test_cleaning_twice_finds_nothing_more_to_remove(text):
    """On articles. Not on random token soup: context is evidence, by design, and a repair can create
    context — a removal puts a weak foreign run at a line edge, repairing ``Ã©`` to ``é`` puts a
    zero-width space next to a letter — so a second pass may find what the first could not."""
    once = cleaner.clean(text)
    again = cleaner.clean(once.text)
    assert [s for s in again.spans if s.edits and s.kind != "typo"] == []


NEAR = 16  # characters, on one line


def bilingual(text: str) -> bool:
    """The foreign-run rule's test for a bilingual text (which it leaves alone)."""
    from cleaner.analysis import Analysis
    from cleaner.document import Document

    p = next(d for d in cleaner.Pipeline.default().detectors if d.rule.id == "spam.cjk_seo_injection").params
    scripts = Analysis(Document(text)).scripts
    foreign = sum(scripts[s] for s in p.scripts)
    return foreign > p.bilingual_chars and foreign > p.bilingual_share * sum(scripts.values())


def first_pass_places(once: cleaner.Result) -> list[tuple[int, int]]:
    """Where the first pass's edits stand in its cleaned text: the range each replacement took."""
    out, shift = [], 0
    for s in sorted((s for s in once.spans if s.edits), key=lambda s: s.edit_start):
        start = s.edit_start + shift
        out.append((start, start + len(s.replacement or "")))
        shift += len(s.replacement or "") - (s.edit_end - s.edit_start)
    return out


def exposed(text: str, span: Span, places: list[tuple[int, int]]) -> bool:
    """Does a first-pass edit explain this second-pass finding? Only when the finding touches a place
    the first pass edited, or stands on the same line at most NEAR characters from one: the edit
    changed what decides it (the run now starts a line or is glued to a word, the junk or the gloss
    beside it is gone, a repair turned its neighbour into a letter)."""
    for start, end in places:
        gap = text[min(span.end, start):max(span.start, end)]
        if (start <= span.end and span.start <= end) or (len(gap) <= NEAR and "\n" not in gap):
            return True
    return False


@SETTINGS
@given(st.one_of(any_text, long_text, articles()))
def test_cleaning_twice_changes_only_what_the_first_pass_exposed(text):
    """A second pass edits nothing the first could have seen: every edit it makes stands where the
    first pass edited (see ``exposed``). The one other explanation allowed: the first pass changed a
    fact about the whole document that decides which rules apply — its language (a few words of junk
    in several scripts), or whether its foreign letters make it a bilingual text (removing a page's
    leaked glosses leaves an English text where a bare ad string is spam)."""
    once = cleaner.clean(text)
    again = cleaner.clean(once.text)
    if again.lang != once.lang or bilingual(text) != bilingual(once.text):
        return
    places = first_pass_places(once)
    for s in again.spans:
        if s.edits:
            assert exposed(once.text, s, places), (s.rule, s.start, s.text)


@SETTINGS
@given(st.one_of(articles(), any_text))
def test_records_round_trip_through_json(text):
    r = cleaner.clean(text)
    record = r.to_dict()
    assert json.loads(json.dumps(record, ensure_ascii=False)) == record
    for s in r.spans:
        assert Span.from_dict(json.loads(json.dumps(s.to_dict()))) == s.with_(score=round(s.score, 4))


@SETTINGS
@given(st.one_of(articles(), texty))
def test_text_outside_the_edits_is_untouched(text):
    r = cleaner.clean(text)
    pos, out = 0, r.text
    for s in sorted((s for s in r.spans if s.edits), key=lambda s: s.edit_start):
        kept = text[pos:s.edit_start]
        assert out.startswith(kept)
        out = out[len(kept):]
        assert out.startswith(s.replacement or "")
        out = out[len(s.replacement or ""):]
        pos = s.edit_end
    assert out == text[pos:]


# -- a prefilter never changes what is found ----------------------------------------------------

CHATTER = ["As an AI language model, I cannot check this.", "Note: as an AI, I lack the data.",
           "I'm sorry, but I can't translate this.", "I cannot fulfill this request today.",
           "i am sorry, but i won't go on.", "I can’t help with that request, sorry."]
PROSE = ["The dam was finished in 1936.", "“I am sorry,” he said.", "I cannot say, she wrote.",
         "It was as an aid to pilots.", "Sales fell.", "I’m sorry but the bridge is shut.",
         "İzmir was calm."]  # İ lower-cases to two characters: offsets of the lower case shift


@SETTINGS
@given(st.lists(st.sampled_from(CHATTER + PROSE), min_size=1, max_size=8),
       st.lists(st.sampled_from([" ", "\n", "\n\n", "  ", ""]), min_size=8, max_size=8))
def test_reach_finds_what_a_whole_text_search_finds(sentences, gaps):
    """The disclaimer rule searches only near its required words (``reach``); on any mix of
    chatter and prose it must find exactly the spans a search of the whole text finds."""
    import dataclasses

    from cleaner.analysis import Analysis
    from cleaner.document import Document

    text = "".join(s + g for s, g in zip(sentences, gaps, strict=False))
    near = next(d for d in cleaner.Pipeline.default().detectors if d.rule.id == "artifact.llm_disclaimer")
    assert near.params.reach > 0
    whole = type(near)(near.rule)
    whole.params = dataclasses.replace(near.params, reach=0)
    doc = Document(text)
    spans = [(s.start, s.end) for s in near.detect(doc, Analysis(doc))]
    assert spans == [(s.start, s.end) for s in whole.detect(doc, Analysis(doc))]


ASIDES = ["(TN: “规划” means planning.)", "[This paragraph was machine-translated.]", "(AP)", "（注：原文为“发展”）",
          "【译注：直译为“内卷”】", "(literally “big”)", "(", ")", "[", "]", "【", "（", "）", "\n", " ", "Sales fell.",
          "The plan (the second one) passed.", "(rendered as “harmony”)"]


@SETTINGS
@given(st.lists(st.sampled_from(ASIDES), min_size=1, max_size=12).map("".join))
def test_within_starts_finds_what_a_scan_of_every_position_finds(text):
    """The translator-note rule tries its bracket frame only where an opening bracket stands
    (``within_starts``); it must find exactly what ``finditer`` over every position finds."""
    import dataclasses

    from cleaner.analysis import Analysis
    from cleaner.document import Document

    quick = next(d for d in cleaner.Pipeline.default().detectors if d.rule.id == "artifact.translator_note")
    assert quick.params.within_starts
    every = type(quick)(quick.rule)
    every.params = dataclasses.replace(quick.params, within_starts="")
    doc = Document(text)
    spans = [(s.start, s.end) for s in quick.detect(doc, Analysis(doc, lang="en"))]
    assert spans == [(s.start, s.end) for s in every.detect(doc, Analysis(doc, lang="en"))]


