"""The library contract (DESIGN.md §5): clean(), Pipeline.default/from_rules, clean/clean_many/clean_batch,
Result.to_dict() equal to the CLI's record, pickling, threads, determinism."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import cleaner
from cleaner import Document, Options, Pipeline
from cleaner.errors import RuleError

SEED = Path(__file__).with_name("golden") / "seed" / "input.txt"
SPAM_LINE = "Rates rose again.\n杭州桑拿会所 V信hz8899\nThe bank said more was to come."


def test_clean_returns_a_result_with_the_documented_fields():
    r = cleaner.clean(SPAM_LINE)
    assert r.text == "Rates rose again.\nThe bank said more was to come."
    assert r.verdict == "cleaned" and r.lang == "en"
    (span,) = r.spans
    assert (span.kind, span.rule, span.action, span.text) == ("spam", "spam.cjk_seo_injection", "remove",
                                                              "杭州桑拿会所 V信hz8899")
    assert set(r.to_dict()) >= {"source", "id", "format", "lang", "verdict", "text", "annotations", "stats"}


def test_verdicts():
    assert cleaner.clean("A calm day at the harbour.").verdict == "clean"
    assert cleaner.clean(SPAM_LINE).verdict == "cleaned"
    mostly_spam = "杭州桑拿会所 V信hz8899\n深圳夜场信息网 sz888.vip\nok"
    assert cleaner.clean(mostly_spam).verdict == "rejected"


def test_default_pipeline_is_built_once():
    assert Pipeline.default() is Pipeline.default()


def test_result_to_dict_is_the_cli_record(tmp_path):
    from cleaner.cli import main

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["run", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--quiet", "--jobs", "1"]) == 0
    record = json.loads((tmp_path / "out" / "annotations.jsonl").read_text(encoding="utf-8").splitlines()[0])
    doc = Document(SEED.read_text(encoding="utf-8"), id="seed.txt", source="seed.txt", format="txt",
                   metadata=record.get("metadata", {}))
    assert json.loads(json.dumps(Pipeline.default().clean(doc).to_dict())) == record


def test_pipeline_pickles_and_cleans_the_same(tmp_path):
    p = Pipeline.from_rules(fix_typos=True)
    q = pickle.loads(pickle.dumps(p))
    text = SEED.read_text(encoding="utf-8")
    assert q.clean(text).to_dict() == p.clean(text).to_dict()
    assert q.options.fix_typos


def test_clean_many_keeps_input_order_across_processes():
    texts = [f"Paragraph {i} of the report.\n深圳夜场 V信sz{i:04d}\nEnd." for i in range(40)]
    serial = [r.to_dict() for r in Pipeline.default().clean_many(texts)]
    parallel = [r.to_dict() for r in Pipeline.default().clean_many(texts, jobs=2, chunksize=3)]
    assert parallel == serial
    assert [r["text"] for r in parallel] == [f"Paragraph {i} of the report.\nEnd." for i in range(40)]


def test_clean_batch_keeps_other_fields_as_metadata():
    out = Pipeline.default().clean_batch([{"id": "a1", "text": SPAM_LINE, "url": "https://x.example/a"}])
    assert out[0]["id"] == "a1" and out[0]["metadata"]["url"] == "https://x.example/a"
    assert "桑拿" not in out[0]["text"]


def test_threads_share_one_pipeline():
    p = Pipeline.default()
    texts = [SEED.read_text(encoding="utf-8"), SPAM_LINE] * 8
    expected = [p.clean(t).to_dict() for t in texts]
    results: list[list[dict]] = []

    def work() -> None:
        results.append([p.clean(t).to_dict() for t in texts])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


def test_fix_typos_option_replaces_confident_typos():
    text = SEED.read_text(encoding="utf-8")
    fixed = Pipeline.from_rules(fix_typos=True, typo_threshold=0.0).clean(text)
    assert "create a thriving ecosystem" in fixed.text
    assert "crteeaa" in cleaner.clean(text).text


def test_action_override_per_kind_turns_removal_into_flags():
    r = Pipeline.from_rules(actions={"spam": "flag"}).clean(SPAM_LINE)
    assert r.text == SPAM_LINE and r.verdict == "flagged"
    assert [s.action for s in r.spans] == ["flag"]


def test_unknown_option_is_a_clear_type_error():
    with pytest.raises(TypeError, match=r"unknown option.*fix_typo.*known:"):
        Pipeline.from_rules(fix_typo=True)
    with pytest.raises(cleaner.CleanerError, match="bad action override"):
        Options(actions={"spam": "delete"})


def test_user_rules_extend_and_override_bundled(tmp_path):
    rule = tmp_path / "spam" / "shop_footer.toml"
    rule.parent.mkdir(parents=True)
    rule.write_text(
        'detector = "pattern"\nkind = "spam"\ndescription = "Footer."\nmessage = "Footer: {match}"\n'
        'action = "remove"\n[params]\npatterns = [\'Visit our store!\']\n', encoding="utf-8")
    p = Pipeline.from_rules(tmp_path)
    assert "spam.shop_footer" in {r.id for r in p.rules}
    assert p.clean("Good game.\nVisit our store!\n").text == "Good game.\n"
    override = tmp_path / "spam" / "cjk_seo_injection.toml"
    override.write_text(rule.read_text(encoding="utf-8").replace("Visit our store!", "NEVER-MATCHES"),
                        encoding="utf-8")
    assert Pipeline.from_rules(tmp_path).clean(SPAM_LINE).text == SPAM_LINE  # the bundled rule was replaced


def test_a_bad_user_rule_names_file_line_and_choices(tmp_path):
    bad = tmp_path / "spam" / "bad.toml"
    bad.parent.mkdir(parents=True)
    bad.write_text('detector = "pattern"\nkind = "spam"\ndescription = "x."\nmessage = "m"\n'
                   'action = "delete"\n[params]\npatterns = ["x"]\n', encoding="utf-8")
    with pytest.raises(RuleError) as err:
        Pipeline.from_rules(tmp_path)
    assert str(err.value) == f"{bad}:5: [C202] bad value for action: 'delete'; allowed: remove, replace, flag"


def test_documents_carry_source_and_metadata_into_the_record():
    doc = Document("Fine text.", id="x-1", source="feed/a.jsonl", format="jsonl", metadata={"url": "u"})
    record = cleaner.clean(doc).to_dict()
    assert (record["id"], record["source"], record["format"], record["metadata"]) == (
        "x-1", "feed/a.jsonl", "jsonl", {"url": "u"})
    assert pickle.loads(pickle.dumps(doc)) == doc


def test_lang_hint_overrides_detection():
    assert cleaner.clean("Das ist gut.", lang="de").lang == "de"
    assert cleaner.clean(Document("Short.", metadata={"lang": "fr"})).lang == "fr"


def test_cleaning_english_text_loads_no_html_parser_ftfy_opencc_or_langdetect():
    # start-up is serial work that no second core shares (issue 5): the HTML extractor, ftfy,
    # OpenCC (its output is cached once built) and langdetect load only when a document needs them
    probe = (
        "import sys, cleaner\n"
        "r = cleaner.Pipeline.default().clean('Rates rose again, and the bank said that more was to come.')\n"
        "assert r.lang == 'en'\n"
        "heavy = ('lxml', 'bs4', 'soupsieve', 'charset_normalizer', 'ftfy', 'opencc', 'langdetect')\n"
        "print(' '.join(m for m in heavy if m in sys.modules))\n"
    )
    runs = [subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
            for _ in range(2)]  # the first may build the Chinese variants cache
    assert runs[1].stdout.strip() == ""
