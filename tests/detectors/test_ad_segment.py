"""spam.ad_segment: whole injections go (ad text with its handles, numbers, brackets and decoration),
the article's words stay; the weights file it reads is what train/train_spam.py writes."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.adscore import WEIGHTS_FORMAT, Model
from conftest import SHARED, need

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "ad_segment"

EN = ("The harbour reopened on Monday after the storm.\n{}\n"
      "Ships waited outside for hours, and the port authority said repairs would take a week.")
ZH = "市政府昨天召开会议，讨论今年的道路建设计划。\n{}\n会议决定在年底前完成主要工程，并加强安全检查。"

# own-written injections, shaped like the obfuscations real campaigns use
OBFUSCATED = [
    "杭州同城外围【薇5127〓3390〓】资深经纪人，诚信第一",
    "深圳水疗会所全套服务σσ/V信：sz66188",
    "代开各类发票 扣：385120 全国可寄",
    "网赌被黑不给出款怎么办 专业出黑团队 WX:( KLM731) QQ：(55128843 ) 飞机：@heituan88",
    "▋北京丝足保健▋█上门预约█ 加薇107乄552乄18",
]


@pytest.fixture(scope="module")
def pipeline() -> cleaner.Pipeline:
    return cleaner.Pipeline.from_rules()


# known gaps (xfail strict: a fix must promote them): the model scores these 0.6-0.85, under the 0.9 bar
GAPS = {("zh", OBFUSCATED[2])}
GAP = pytest.mark.xfail(strict=True, reason="scored under the bar")
CASES = [pytest.param(carrier, ad, id=f"{name}-{i}", marks=[GAP] if (name, ad) in GAPS else [])
         for name, carrier in (("en", EN), ("zh", ZH)) for i, ad in enumerate(OBFUSCATED)]


@pytest.mark.parametrize(("carrier", "ad"), CASES)
def test_ad_segment_removes_the_whole_injection(pipeline: cleaner.Pipeline, carrier: str, ad: str) -> None:
    text = carrier.format(ad)
    result = pipeline.clean(text)
    assert result.text == carrier.replace("{}\n", ""), [(s.rule, s.text) for s in result.spans]
    start = text.index(ad)
    covered = set()
    for s in result.spans:
        covered.update(range(s.start, s.end))
    assert set(range(start, start + len(ad))) <= covered


def test_ad_segment_glued_ad_leaves_the_article_word(pipeline: cleaner.Pipeline) -> None:
    text = "Trade grew again this year.上海外围女上门服务【薇1358〓8990】\nExports rose."
    assert pipeline.clean(text).text == "Trade grew again this year.\nExports rose."


def test_ad_segment_weights_file_is_sorted_and_versioned() -> None:
    path = ROOT / "rules" / "spam" / "ad_segment.weights.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"# {WEIGHTS_FORMAT}"
    names = [line.split("\t")[0] for line in lines if not line.startswith("#") and line.split("\t")[0] != "bias"]
    assert names == sorted(names) and len(names) == len(set(names))
    model = Model.read(path)
    assert model.weights and model.bias < 0  # most segments are not ads


def test_ad_segment_rejects_a_file_that_is_not_weights(tmp_path: Path) -> None:
    bad = tmp_path / "w.tsv"
    bad.write_text("bias\t1.0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a weights file"):
        Model.read(bad)


def _train(tmp_path: Path, name: str) -> bytes:
    out = tmp_path / name
    subprocess.run([sys.executable, str(ROOT / "train" / "train_spam.py"), "--items", str(DATA / "items.jsonl"),
                    "--carriers", str(DATA / "carriers"), "--out", str(out)], check=True, capture_output=True)
    return out.read_bytes()


def test_train_spam_is_reproducible(tmp_path: Path) -> None:
    """Same data, same file, byte for byte; and the checksum of that file is the one recorded, so a
    change of features or fitting shows up here (update ``expected.sha256`` when it is meant)."""
    first = _train(tmp_path, "a.tsv")
    assert first == _train(tmp_path, "b.tsv")
    expected = (DATA / "expected.sha256").read_text(encoding="utf-8").split()[0]
    assert hashlib.sha256(first).hexdigest() == expected


def test_the_shipped_weights_are_what_training_writes(tmp_path: Path) -> None:
    """The shipped rules/spam/ad_segment.weights.tsv is train/train_spam.py's output on ../shared: a change
    of features, data or fitting without a retrain fails here (the fixed-sample test above cannot see that;
    the shipped file was once stale for a whole session). Same header, same features in the same order, and
    every weight within 0.001: the solver's last printed digit moves with numpy/scipy/scikit-learn releases
    (a clean install takes the newest; 928 of 11,748 weights moved by 0.0001-0.0002 between two installs),
    where a stale file differs in its features or by far more."""
    need(SHARED / "real-world" / "spam.jsonl")
    out = tmp_path / "full.tsv"
    done = subprocess.run([sys.executable, str(ROOT / "train" / "train_spam.py"), "--out", str(out)],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    shipped = ROOT / "rules" / "spam" / "ad_segment.weights.tsv"
    trained, kept = out.read_text(encoding="utf-8").splitlines(), shipped.read_text(encoding="utf-8").splitlines()
    assert [x for x in trained if x.startswith("#")] == [x for x in kept if x.startswith("#")], "retrain: make train"
    assert len(trained) == len(kept), "retrain: make train"
    pairs = [(a.rpartition("\t"), b.rpartition("\t")) for a, b in zip(trained, kept, strict=True) if a[:1] != "#"]
    assert all(a[0] == b[0] for a, b in pairs), "retrain: make train"
    moved = [(a[0], a[2], b[2]) for a, b in pairs if abs(float(a[2]) - float(b[2])) > 0.001]
    assert not moved, f"retrain: make train ({len(moved)} weights moved, e.g. {moved[:3]})"


def test_train_spam_holdout_changes_what_is_learned(tmp_path: Path) -> None:
    holdout = tmp_path / "holdout.txt"
    groups = sorted({json.loads(line)["group"] for line in (DATA / "items.jsonl").read_text().splitlines()
                     if json.loads(line)["label"]})
    holdout.write_text(groups[0] + "\n", encoding="utf-8")
    out = tmp_path / "h.tsv"
    subprocess.run([sys.executable, str(ROOT / "train" / "train_spam.py"), "--items", str(DATA / "items.jsonl"),
                    "--carriers", str(DATA / "carriers"), "--holdout", str(holdout), "--out", str(out)],
                   check=True, capture_output=True)
    assert out.read_bytes() != _train(tmp_path, "full.tsv")


def test_train_spam_prints_the_default_out() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "train" / "train_spam.py"), "--print-default-out"],
                          check=True, capture_output=True, text=True)
    assert done.stdout.strip() == "rules/spam/ad_segment.weights.tsv"
    assert (ROOT / done.stdout.strip()).is_file()


def test_ad_segment_ships_enabled_and_enable_turns_on_a_disabled_rule(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from cleaner import cli
    from cleaner.errors import UsageError
    from cleaner.rules import bundled_rules_dir

    assert "spam.ad_segment" in {r.id for r in cleaner.Pipeline.from_rules().rules}
    rules = tmp_path / "rules"  # the bundled rules with ad_segment switched off
    shutil.copytree(bundled_rules_dir(), rules)
    toml = rules / "spam" / "ad_segment.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(re.sub(r"(?m)^enabled\s*=\s*true.*$", "enabled = false", text, count=1), encoding="utf-8")
    assert "spam.ad_segment" not in {r.id for r in cleaner.Pipeline.from_rules([rules], bundled=False).rules}
    enabled = cleaner.Pipeline.from_rules([rules], bundled=False, enable=("spam.ad_segment",))
    assert "spam.ad_segment" in {r.id for r in enabled.rules}
    with pytest.raises(UsageError, match=r"spam\.nope"):
        cleaner.Pipeline.from_rules(enable=("spam.nope",))
    doc = tmp_path / "a.txt"
    doc.write_text("Ferries run hourly.\n\n" + OBFUSCATED[0] + "\n\nThe pier opens in May.\n", encoding="utf-8")
    assert cli.main(["explain", "--enable", "spam.nope", str(doc)]) == 2
    assert "C302" in capsys.readouterr().err
    assert cli.main(["explain", "--rules", str(rules), str(doc)]) == 0
    assert "spam.ad_segment" not in capsys.readouterr().out
    assert cli.main(["explain", "--rules", str(rules), "--enable", "spam.ad_segment", str(doc)]) == 0
    assert "spam.ad_segment" in capsys.readouterr().out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["上海", "会所", "上海", "ab", "Word", "12345", "x9", "۳", "²", " ", "，", "カタ",
                                 "한국", "ไทย", "_a"]), max_size=30).map("".join))
def test_segment_units_are_the_words_and_bigrams_as_first_written(folded: str) -> None:
    """adscore.units (no digit scan first, each dense run's bigrams once) against the plain statement:
    the features are sets, so the same sets."""
    from cleaner import adscore

    text = adscore._DIGITS.sub("0", folded) if any(c.isdigit() for c in folded) else folded
    words = adscore._WORD.findall(text)
    grams = [run[i:i + 2] for run in adscore._DENSE.findall(folded) for i in range(len(run) - 1)]
    got_words, got_grams = adscore.units(folded)
    assert got_words == words
    assert set(got_grams) == set(grams)


OWN_LINK = (
    "I wrote this kata over a long weekend and learned more about string formatting than I expected. The first "
    "version built every part of the label with a chain of small helper calls, each adding a comma or a space "
    "where one was needed. It worked, but reading it a month later took me longer than writing it did. The "
    "second version collects the parts in an array, drops the empty ones and joins what is left with a single "
    "separator, which is shorter and easier to test. The third version goes further and describes each part "
    "as a small record with its own rule for when it shows up. I am not sure that the third one is better; it "
    "is tidier, but a reader has to hold more in their head before the first line makes sense. Tell me which "
    "one you would keep, and why.\n\nThere is a fourth option that I tried briefly: a template string with "
    "optional groups that vanish when their values are missing. Template engines have offered this for years, "
    "and it reads nicely when the label has a fixed shape. Labels rarely keep a fixed shape for long, though; "
    "someone always asks for the middle name, the suffix, the nickname in quotes, and each request bends the "
    "template a little further until nobody wants to touch it. Plain code bends more gracefully, because each "
    "branch stays visible, and a failing test points at exactly the branch that broke.\n\n"
    "Want to reuse the code? It is under the MIT licence.\n\n{}\n\n"
    "Thanks for reading, and see you next week with another kata about dates and time zones.")


@pytest.mark.parametrize("url", ["https://www.quietloops.com/blog/7731-kata.htm", "http://blog.quietloops.com/7731"])
def test_ad_segment_keeps_a_link_to_the_pages_own_site(pipeline: cleaner.Pipeline, url: str) -> None:
    """A page's short link to itself is not an ad when the page's address is known (an HTML page's
    canonical URL, a record's url field); the same line on a page of another site is judged as before."""
    line = "Short link: https://quietloops.com/7731"
    text = OWN_LINK.format(line)
    assert pipeline.clean(cleaner.Document(text, id="p", metadata={"url": url})).text == text
    for other in ({"url": "https://another.example.org/post"}, {}):
        found = pipeline.clean(cleaner.Document(text, id="p", metadata=other)).spans
        assert [s.text for s in found if s.rule == "spam.ad_segment"] == [line]


REFERENCES = ("The survey compared four ways of isolating editor plugins and found that none of them was complete.\n\n"
              "References\n{}\nS. Okafor. Permission models for browser add-ons. Workshop on Web Security (2021).\n"
              "A. Lind, J. Moreau. Measuring what plugins read. Journal of Software Studies 12 (2023).")


@pytest.mark.parametrize("ref", [
    "M. Rossi. Static checks for extension stores. https://dl.example.org/citation.cfm?id=3341172 (2020).",
    "L. Chen, R. Patel. Typed call graphs. https://papers.example.org/stamp/stamp.jsp?tp=&arnumber=19904417 (2022).",
])
def test_a_papers_number_in_a_citation_link_is_not_a_phone(pipeline: cleaner.Pipeline, ref: str) -> None:
    """A long number in a link's query or path is the paper's id (``?id=``, ``&arnumber=``): the phone
    shape took it for a number to call and removed a reference (0.91 on a real page)."""
    text = REFERENCES.format(ref)
    assert pipeline.clean(text).text == text


@pytest.mark.parametrize("ad", [
    "Chat with lonely local girls tonight https://wa.me/447712345678",
    "Fast cash loans approved in 5 minutes https://api.whatsapp.com/send?phone=447712345678",
])
def test_a_phone_in_a_messenger_link_is_still_a_phone(pipeline: cleaner.Pipeline, ad: str) -> None:
    """The number that is a link's whole path (``wa.me/<phone>``) or a ``phone=`` value stays a phone."""
    text = EN.format(ad)
    assert [s.text for s in pipeline.clean(text).spans if s.rule == "spam.ad_segment"] == [ad]


LISTING = ("Harbour Lane Removals packed a three-bedroom house in a day and kept every box labelled, though one "
           "customer said the final bill was higher than the quote.\n\nCompany Info\n\n{}\n\nYears in Business: 9\n\n"
           "Customers praise the crews for arriving on time and for wrapping furniture with care.")


@pytest.mark.parametrize("field", ["DOT #:\u00a05188204", "Licence #: 40211873"])
def test_a_number_written_as_a_number_is_not_a_phone(pipeline: cleaner.Pipeline, field: str) -> None:
    """``DOT #: 3066988`` on a movers' listing page was removed at 0.901 (a seven-digit number took the
    phone shape): a number after ``#`` is a record's id."""
    text = LISTING.format(field)
    assert pipeline.clean(text).text == text
