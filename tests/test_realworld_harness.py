"""The real-world harness (bench/realworld): injection offsets, grouped folds, determinism, the
scorer path and the training plug-in. The strings here are written for these tests; the pools are
read from ../shared at test time and those tests skip when it is absent."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from realworld import (  # noqa: E402
    evasive,
    harness,
    pools,
)
from realworld.folds import fold_of, split  # noqa: E402
from realworld.harness import build, evaluate, holdout_of  # noqa: E402
from realworld.inject import SPAM_PLACES, artifact_places, context_place, gold_part, inject  # noqa: E402
from realworld.pools import SHARED, Carrier, Item  # noqa: E402
from realworld.train import Trainer  # noqa: E402

REAL_WORLD = SHARED / "real-world"
needs_pools = pytest.mark.skipif(
    not (REAL_WORLD / "spam.jsonl").is_file() or not (SHARED / "dev-eval" / "score.py").is_file(),
    reason="../shared/real-world or ../shared/dev-eval absent",
)

EN = Carrier(
    "doc:test/en",
    "\n\n".join(
        [
            "The harbour board met on Monday to discuss the new ferry timetable for the winter months ahead.",
            "Residents asked for an earlier crossing. The board said it would study the costs. "
            "A decision is due in May.",
            "Fishermen, who use the same quay, want the works to wait until the season ends. They have asked twice.",
            "The mayor said the town would pay for the lights on the pier. The council will vote on it next week.",
        ]
    ),
    "en",
)
ZH = Carrier(
    "doc:test/zh",
    "\n\n".join(
        [
            "今天上午，市政府召开会议，讨论明年的公共交通计划。会议由副市长主持，各区代表参加了讨论。",
            "多位代表提出，应当增加夜间公交线路。交通局表示，将在下月公布具体方案，并听取市民意见。",
            "此外，会议还讨论了老城区道路改造的问题。有关部门表示，工程将分三期进行，预计两年完成。",
        ]
    ),
    "zh",
)
ALL_PLACES = (*SPAM_PLACES, "own_line_tight", "after_word")


def _ws(s: str) -> str:
    return " ".join(s.split())


@pytest.mark.parametrize("carrier", [EN, ZH], ids=["en", "zh"])
@pytest.mark.parametrize("place", ALL_PLACES)
def test_gold_span_is_the_injected_item_at_every_place(carrier, place):
    s = "Cheap watches here, write to dealer at example dot test"
    inj = inject(carrier, s, place, "item-1")
    assert inj is not None, place
    assert inj.text[inj.start : inj.end] == s
    # the rest is the carrier: removing the span gives the article back, up to whitespace (glued
    # CJK places leave none to normalise)
    assert (
        _ws(inj.text[: inj.start] + " " + inj.text[inj.end :]) == _ws(carrier.text)
        or (inj.text[: inj.start] + inj.text[inj.end :]) == carrier.text
    )


@settings(max_examples=60, deadline=None)
@given(
    s=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), min_size=1, max_size=40),
    place=st.sampled_from(ALL_PLACES),
    cjk=st.booleans(),
)
def test_gold_offsets_are_code_points_of_the_item(s, place, cjk):
    carrier = ZH if cjk else EN
    inj = inject(carrier, s, place, "prop")
    assert inj is not None
    assert inj.text[inj.start : inj.end] == s
    rest = inj.text[: inj.start] + " " + inj.text[inj.end :]
    assert _ws(rest) == _ws(carrier.text) or inj.text[: inj.start] + inj.text[inj.end :] == carrier.text


def test_leftover_part_inside_a_line_of_the_writer():
    item = Item(
        "artifact",
        "a1",
        "Run the tests before you merge. :contentReference[oaicite:7]{index=7}",
        "en",
        "citation-token",
        "artifact:x",
    )
    part = gold_part(item)
    assert part is not None
    assert item.text[part[0] : part[1]].strip() == ":contentReference[oaicite:7]{index=7}"
    inj = inject(EN, item.text, artifact_places(item)[0], item.id, part)
    assert inj.text[inj.start : inj.end].strip() == ":contentReference[oaicite:7]{index=7}"
    link = Item(
        "artifact",
        "a2",
        "* [Docs](https://docs.example.test/start?utm_source=chatgpt.com)",
        "en",
        "chatgpt-link-param",
        "artifact:y",
    )
    p = gold_part(link)
    assert link.text[p[0] : p[1]] == "?utm_source=chatgpt.com"
    whole = Item("artifact", "a3", "Sure! Here is the summary you asked for:", "en", "preamble", "artifact:z")
    assert gold_part(whole) is None


def test_leftover_place_read_from_context():
    def item(cat, text, ctx):
        return Item("artifact", "i", text, "en", cat, "artifact:g", ctx)

    assert (
        context_place(item("preamble", "Sure, here it is:", "(start of file) Sure, here it is:\n\n# Title"))
        == "doc_start"
    )
    assert context_place(item("closing", "Hope that helps!", "Last step done.\n\nHope that helps!")) == "doc_end"
    assert context_place(item("ui-leftover", "Copy code", "```\nCopy code\nprint(1)")) == "own_line"
    assert context_place(item("closing", "Want more?", "It works now. Want more?\nNext")) == "end_of_line"
    assert (
        context_place(item("closing", "Want more?", "It works now. Want more? See below.\nNext")) == "between_sentences"
    )
    assert context_place(item("inline-gloss", "(from x)", "The word (from x) stays.")) == "after_word"
    assert artifact_places(item("closing", "Hope that helps!", "Text.\n\nHope that helps!\n\nMore text.")) == (
        "doc_end",
        "own_line",
    )


def test_evasive_transforms():
    zh = Item("spam", "s1", "上海外围联系5201314", "zh", "escort", "spam:r")
    en = Item("spam", "s2", "call 103 now for loans", "en", "loan", "spam:q")
    assert evasive.fullwidth(en) == "ｃａｌｌ １０３ ｎｏｗ ｆｏｒ ｌｏａｎｓ"
    assert evasive.homoglyph(en) == "call \u0406\u041e\u0417 now for loans"
    assert evasive.zh_numerals(zh) == "上海外围联系五二〇一三一四"
    assert evasive.zh_numerals(en) is None
    assert evasive.pinyin(zh) == "shwwlx5201314"
    sep = evasive.separators(en)
    core = sep.removeprefix("call ").removesuffix(" now for loans")
    assert len(core) == 5 and core[::2] == "103" and core[1] == core[3] in evasive.SEPARATORS
    assert evasive.variants(zh) == evasive.variants(zh)  # seeded by the item
    names = [n for n, _ in evasive.variants(en)]
    assert "zh_numerals" not in names and "pinyin" not in names and "fullwidth" in names


def test_folds_are_disjoint_by_group():
    groups = [f"spam:repo{i}" for i in range(200)]
    folds = split(groups, 5)
    seen = set()
    for train, test in folds:
        assert not train & test
        assert train | test == set(groups)
        assert not seen & test
        seen |= test
    assert seen == set(groups)
    assert all(test for _, test in folds)  # 200 groups: every fold has some


@needs_pools
def test_real_pool_folds_leave_sources_out():
    k = 5
    cases = build("spam", SHARED, k, 40)
    for f in range(k):
        test = {c.item.group for c in cases if c.item and c.fold == f}
        train = {c.item.group for c in cases if c.item and c.fold != f}
        assert not test & train
        hold = holdout_of(f, cases)
        assert test <= hold
        assert {c.carrier.key for c in cases if c.fold == f} <= hold
    for c in cases:  # every gold span is its text, every item's fold is its group's
        for g in c.spans:
            assert c.text[g["start"] : g["end"]] == g["text"]
        if c.item:
            assert c.fold == fold_of(c.item.group, k)


@needs_pools
def test_cases_are_deterministic():
    a = build("artifact", SHARED, 3, 25)
    b = build("artifact", SHARED, 3, 25)
    assert [(c.name, c.text, c.spans, c.fold) for c in a] == [(c.name, c.text, c.spans, c.fold) for c in b]
    assert any(c.set == "pool" for c in a) and any(c.set == "legit" for c in a)


@needs_pools
def test_scorer_path_on_a_tiny_run():
    ns = argparse.Namespace(shared=str(SHARED), folds=2, limit=4, jobs=1, no_train=True, json=None, save_pred=None)
    res = evaluate("spam", ns)
    o = res["overall"]
    assert o["gold"] > 0 and 0 <= o["found"] <= o["gold"]
    assert sum(r["gold"] for r in res["by_placement"].values()) == o["gold"]
    assert sum(r["gold"] for r in res["by_lang"].values()) == o["gold"]
    assert res["legit"]["sentences"] > 0 and res["untouched"]


FAKE_TRAINER = """
import argparse, sys
ap = argparse.ArgumentParser()
ap.add_argument("--out", default="rules/lexicon/en_loans.txt")
ap.add_argument("--holdout")
ap.add_argument("--print-default-out", action="store_true")
a = ap.parse_args()
if a.print_default_out:
    print(ap.get_default("out"))
    sys.exit(0)
groups = open(a.holdout, encoding="utf-8").read().split()
open(LOG, "a", encoding="utf-8").write(a.out + " " + ",".join(groups) + "\\n")
with open(a.out, "a", encoding="utf-8") as f:
    f.write("\\n")
"""


def _fake_trainer(tmp_path: Path) -> tuple[Path, Path]:
    """A training script of the agreed interface that logs what it was given and touches its output."""
    script, log = tmp_path / "train_fake.py", tmp_path / "log.txt"
    script.write_text(f"LOG = {str(log)!r}\n" + FAKE_TRAINER, encoding="utf-8")
    return script, log


def test_training_plugin_trains_into_a_copy(tmp_path):
    """The harness asks the script for its output path, gives it the fold's holdout and uses the
    copy of the rules it wrote into; the copy goes away after."""
    script, log = _fake_trainer(tmp_path)
    t = Trainer(script)
    try:
        assert t.target == Path("lexicon/en_loans.txt")
        pipe = t.pipeline(1, {"spam:a/b", "doc:x"})
        out, groups = log.read_text(encoding="utf-8").split()
        assert groups == "doc:x,spam:a/b"
        assert Path(out).is_file() and Path(out) != t.rules / t.target and str(t._tmp) in out
        assert pipe.clean("A plain sentence about the harbour.").verdict == "clean"
    finally:
        t.close()
    assert not t._tmp.exists()


@needs_pools
def test_each_fold_trains_without_its_test_groups(tmp_path, monkeypatch):
    script, log = _fake_trainer(tmp_path)
    monkeypatch.setattr(harness.Trainer, "find", classmethod(lambda cls, kind: cls(script)))
    ns = argparse.Namespace(shared=str(SHARED), folds=2, limit=4, jobs=1, no_train=False, json=None, save_pred=None)
    res = harness.evaluate("artifact", ns)
    assert res["detectors"].startswith("trained per fold")
    calls = [line.split()[1].split(",") for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(calls) == 2  # one training per fold
    cases = build("artifact", SHARED, 2, 4)
    for f, held in enumerate(calls):
        mine = {g for c in cases if c.fold == f for g in c.groups}
        assert mine <= set(held)
        others = {c.item.group for c in cases if c.item and c.fold != f}
        assert not others & set(held)  # the other folds' sources are trained on
    assert harness.SPEECH_GROUP in calls[0]


@needs_pools
def test_group_keys_are_spelled_as_the_training_scripts_read_them():
    """spam:<repo>, artifact:<owner/name or code index id>, legit:<host>, doc:<file stem or page id>."""
    import json

    rows = [json.loads(line) for line in (REAL_WORLD / "spam.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [i.group for i in pools.load_spam(REAL_WORLD)] == ["spam:" + r["repo"] for r in rows]
    arts = pools.load_artifacts(REAL_WORLD)
    assert all(i.group.count("/") == 1 or i.group.removeprefix("artifact:").isdigit() for i in arts)
    assert all(not i.group.startswith("legit:www.") for i in pools.load_legit(REAL_WORLD))
    stems = {p.stem for p in (SHARED / "corpus" / "articles").glob("*.txt")}
    keys = {c.key for c in pools.load_carriers(SHARED)}
    assert {"doc:" + s for s in stems} <= keys


def test_a_web_pages_address_goes_with_its_text():
    """A web-eval carrier keeps its page's url and the harness gives it to the cleaned document, as the
    HTML reader does (rules spare links to the page's own site); corpus articles have none."""
    page = Carrier("doc:test/page", "Some text of a page.", meta={"source": "web-eval", "url": "https://a.example.com/x"})
    case = harness.Case("c", "untouched", page.text, 0, page)
    assert harness._url(case) == {"url": "https://a.example.com/x"}
    assert harness._url(harness.Case("c", "untouched", EN.text, 0, EN)) == {}


@needs_pools
def test_web_eval_carriers_carry_their_url():
    web = [c for c in pools.load_carriers(SHARED) if c.meta.get("source") == "web-eval"]
    with_url = [c for c in web if c.meta.get("url", "").startswith("http")]
    assert web and len(with_url) > 0.9 * len(web)  # a few truth files give none or a relative path
