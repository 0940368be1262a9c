"""The leftover scorer's candidates and its line logic (issue 12): which sentences are scored, and that
an acknowledgement alone never removes a line. The learned weights are checked against a refit."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.detectors.leftover import compile_cues, units
from conftest import ROOT, SHARED, need

RULE = ROOT / "rules" / "artifact" / "llm_leftover.toml"
CUES = compile_cues(tomllib.loads(RULE.read_text(encoding="utf-8"))["params"]["cues"])
BODY = "The ferry leaves the harbour at noon.\n\nTickets cost five euros at the kiosk."


def scored(text: str) -> list[str]:
    return [text[u.start:u.end] for u in units(text, CUES) if u.feats]


def test_an_offer_inside_a_line_is_scored_and_the_prose_before_it_is_not():
    text = f"{BODY}\n\nThe kiosk opens at eight. If you'd like, I can add the winter hours too.\n\nMore below."
    got = scored(text)
    assert "If you'd like, I can add the winter hours too." in got
    assert "The kiosk opens at eight." not in got


def test_an_offer_phrase_inside_a_longer_word_is_not_a_cue():
    text = f"{BODY}\n\nThe shelf can alsoberry be found here.\n\nMore below."  # "can also" glued to a word
    assert scored(text) == []


def test_the_sentence_after_an_acknowledgement_is_scored():
    text = f"{BODY}\n\nSure! Here is the shorter timetable you asked for:\n\nMore below."
    assert scored(text)[:2] == ["Sure!", "Here is the shorter timetable you asked for:"]


def test_a_lower_case_tail_after_a_quotation_is_not_scored():
    text = '"Can I help you with anything else?" the kiosk screen asks.\n\nMore below.'
    assert "the kiosk screen asks." not in scored(text)


def test_a_line_that_reports_speech_is_not_scored():
    text = f"{BODY}\n\nIf you want, I can check the times, the clerk told us.\n\nMore below."
    assert scored(text) == []


def test_a_report_before_the_offer_is_done_one_after_it_or_introducing_it_is_not():
    """A reporting verb counts against a sentence only when it follows it, or introduces it with a colon."""
    offer = "If you'd like, I can add the winter hours too."
    assert offer in scored(f"{BODY}\n\nThe kiosk reopened on Monday, the clerk said. {offer}\n\nMore below.")
    assert scored(f"{BODY}\n\n{offer} That is what the clerk told us.\n\nMore below.") == []
    assert scored(f"{BODY}\n\nThe kiosk screen said: {offer}\n\nMore below.") == []


def test_a_presentation_inside_a_line_is_scored_only_when_it_introduces_a_text_made_over():
    made_over = "Here's the revised timetable without the winter section:"
    assert made_over in scored(f"{BODY}\n\nThe kiosk opens at eight. {made_over}\n\nMore below.")
    for writers in ("Here is the full list of stops:", "Here's the revised timetable, finally.",
                    "Here's what the captain found:"):
        assert scored(f"{BODY}\n\nThe kiosk opens at eight. {writers}\n\nMore below.") == []


def test_a_phrase_glued_to_the_mark_before_it_opens_a_sentence():
    got = scored(f"{BODY}\n\nEt le dimanche ?Bien sûr ! Voici la version corrigée des horaires :\n\nMore below.")
    assert got[:2] == ["Bien sûr !", "Voici la version corrigée des horaires :"]


def test_a_short_cjk_acknowledgement_is_a_stub_and_the_presentation_after_it_is_scored():
    got = scored("港のお知らせ\n\nもちろんです！以下は、ご依頼の改訂版の時刻表です：\n\nフェリーは正午に出発します。")
    assert got[:2] == ["もちろんです！", "以下は、ご依頼の改訂版の時刻表です："]


def test_the_end_of_a_sentence_is_read_before_a_closing_emoji():
    from cleaner.detectors.leftover import features

    assert "s:end:excl" in features("Happy sailing! ⛵🚀", ("last",))
    assert "s:end:stop" in features("That covers the timetable. 😊", ("last",))


def test_a_run_opening_in_lower_case_after_a_stop_continues_the_sentence():
    offer = "Let me know if you want a route map (ferry, bus, etc.) too!"
    assert offer in scored(f"{BODY}\n\n{offer}")


def test_a_preamble_line_ending_on_a_colon_goes_whole():
    text = ("港のお知らせ\n\nもちろんです！以下は、ご依頼の改訂版の時刻表です。上記の時刻を使って表を作りました：\n\n"
            "フェリーは正午に出発します。")
    assert cleaner.clean(text).text == "港のお知らせ\n\nフェリーは正午に出発します。"


def test_a_help_offer_opening_a_sentence_inside_a_chinese_line_is_scored():
    text = ("渡轮中午从港口出发。\n\n希望这篇介绍对你有帮助。如果你有任何疑问，欢迎随时留言！"
            "渡轮中午从港口出发，票价五欧元。\n\n更多内容。")
    assert "如果你有任何疑问，欢迎随时留言！" in scored(text)


def test_a_line_opening_in_the_first_person_is_a_candidate():
    text = f"{BODY}\n\nI've rewritten the section on tickets to match your notes.\n\nMore below."
    assert scored(text) == ["I've rewritten the section on tickets to match your notes."]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["Absolutely!", "Sure!", "Great!", "Of course.", "Perfect!"]),
       st.sampled_from(["Since 1990 the old docks have held a market.", "The market sells fish and bread.",
                        "Prices rose by four percent last year."]),
       st.sampled_from(["{x}\n\n{b}", "{b}\n\n{x}", "{b}\n\n{x}\n\nThe end of the story."]))
def test_an_acknowledgement_alone_never_takes_the_writers_sentence(ack, sentence, shape):
    """A stub (`Absolutely!`) is evidence only next to the tool's own sentence: the writer's sentence
    after it stays, wherever the line stands."""
    text = shape.format(x=f"{ack} {sentence}", b=BODY)
    r = cleaner.clean(text)
    assert sentence in r.text


def test_training_reproduces_the_shipped_weights():
    """Same data, same fit: a refit of train/train_artifacts.py equals the shipped weights, every value within
    0.001 (the last printed digit moves with numeric library releases; a stale file differs by more)."""
    need(SHARED / "real-world" / "artifacts.jsonl")
    p = subprocess.run([sys.executable, str(ROOT / "train" / "train_artifacts.py"), "--check"],
                       capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert p.returncode == 0, p.stdout + p.stderr[-2000:]
    assert "up to date" in p.stdout


@pytest.mark.parametrize("bad", ["If you'd like, I can", "Let me know if you want"])
def test_offers_at_the_end_of_the_text_are_removed_but_the_article_stays(bad):
    text = f"{BODY}\n\n{bad} add the winter timetable as well."
    r = cleaner.clean(text)
    assert r.text.rstrip() == BODY
