"""What a newcomer trying the tool tripped over (issue 15), one test each."""

from __future__ import annotations

import io
import json
import re
import sys
import textwrap
from pathlib import Path

import pytest

from batchkit import lines
from cleaner import Document, Pipeline
from cleaner.cli import main
from cleaner.errors import RuleError, UsageError
from cleaner.pipeline import Options
from cleaner.rules import load_rules
from test_rules import GOOD

RULE = GOOD[: GOOD.index("[[examples]]")]  # the footer rule of test_rules.py, without its examples


def test_issue_15_jsonl_without_the_text_field_lists_its_fields_and_names_the_option(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "feed.jsonl"
    src.write_text(json.dumps({"doc_id": "a", "body": "Harbour news.", "url": "https://x.example/a"}) + "\n",
                   encoding="utf-8")
    assert main(["run", str(src), "-o", str(tmp_path / "out"), "--jobs", "1", "--quiet"]) == 1
    assert capsys.readouterr().err == (
        "cleaner: feed.jsonl:1: [C117] the record has no field 'text'; its fields are 'doc_id', 'body', 'url'; "
        "name the field that holds the text with --text-field\n")
    assert main(["run", str(src), "-o", str(tmp_path / "out2"), "--jobs", "1", "--quiet", "--text-field", "body",
                 "--id-field", "doc_id"]) == 0
    [rec] = lines(tmp_path / "out2" / "annotations.jsonl")
    assert (rec["id"], rec["text"]) == ("a", "Harbour news.")


def test_issue_15_an_undecodable_jsonl_is_read_with_encoding(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "gbk.jsonl"
    text = "上海的渡轮周一恢复运营。"
    src.write_bytes(json.dumps({"id": "g", "text": text}, ensure_ascii=False).encode("gbk") + b"\n")
    assert main(["run", str(src), "-o", str(tmp_path / "a"), "--jobs", "1", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "[C101] not valid UTF-8" in err and "--encoding" in err  # the advice names an option that exists
    assert main(["run", str(src), "-o", str(tmp_path / "b"), "--jobs", "1", "--quiet", "--encoding", "gbk"]) == 0
    assert lines(tmp_path / "b" / "annotations.jsonl")[0]["text"] == text
    assert main(["run", str(src), "-o", str(tmp_path / "c"), "--jobs", "1", "--quiet", "--encoding", "ascii"]) == 1
    assert "gbk.jsonl:1: [C118] cannot be read as ascii, the encoding given with --encoding" in capsys.readouterr().err
    for bad, says in (("klingon", "is not an encoding Python knows"), ("utf-16", "does not write ASCII as ASCII")):
        assert main(["run", str(src), "-o", str(tmp_path / "d"), "--encoding", bad]) == 2
        assert says in capsys.readouterr().err and not (tmp_path / "d").exists()
    txt = tmp_path / "cp1252.txt"  # a whole file: the named encoding too
    txt.write_bytes("Caf\u00e9 au port, \u201cferm\u00e9\u201d lundi.".encode("cp1252"))
    assert main(["run", str(txt), "-o", str(tmp_path / "e"), "--jobs", "1", "--quiet", "--encoding", "cp1252"]) == 0
    assert lines(tmp_path / "e" / "annotations.jsonl")[0]["text"] == "Caf\u00e9 au port, \u201cferm\u00e9\u201d lundi."


def test_issue_15_check_rules_says_what_passed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-rules"]) == 0
    rules = load_rules()
    n = sum(1 for r in rules for ex in r.examples if not ex.expect_fail)
    assert capsys.readouterr().out == f"{len(rules)} rules, {n} examples passed\n"
    (tmp_path / "spam").mkdir()
    (tmp_path / "spam" / "footer.toml").write_text(
        RULE + '[[examples]]\ntext = "Good.\\nVisit our store!\\n"\ncleaned = "Good.\\n"\n\n'
               '[[examples]]\ntext = "We visited."\ncleaned = "We visited."\n', encoding="utf-8")
    assert main(["check-rules", str(tmp_path)]) == 0
    assert capsys.readouterr().out == "1 rules, 2 examples passed\n"


def test_issue_15_explain_takes_folders_jsonl_and_stdin(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.txt").write_text("Good game.\nVisit our store!\n", encoding="utf-8")
    (folder / "feed.jsonl").write_text(json.dumps({"key": "r1", "body": "caf\u00c3\u00a9 opens"}) + "\n",
                                       encoding="utf-8")
    rules = tmp_path / "rules" / "spam"
    rules.mkdir(parents=True)
    (rules / "footer.toml").write_text(RULE, encoding="utf-8")
    args = ["explain", str(folder), "--rules", str(rules.parent), "--text-field", "body", "--id-field", "key"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert re.findall(r"^== (\S+)", out, re.M) == ["r1", "sub/a.txt"]  # walked in order, JSONL by its fields
    assert "spam.footer" in out and "encoding.mojibake" in out
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"id": "s1", "text": "caf\\u00c3\\u00a9"}\n'
                                                                  b'not json\n')))
    assert main(["explain", "-"]) == 1
    o, e = capsys.readouterr()
    assert o.startswith("== s1 ") and "encoding.mojibake" in o
    assert e == "cleaner: <stdin>:2: [C105] malformed JSON: Expecting value at column 1\n"
    assert main(["explain", str(tmp_path / "nope.txt")]) == 2
    assert capsys.readouterr().err == f"cleaner: [C300] no such input: {tmp_path / 'nope.txt'}\n"


def test_issue_15_a_run_whose_inputs_do_not_exist_creates_no_output_folder(tmp_path: Path,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "missing"), "-o", str(out)]) == 2
    assert capsys.readouterr().err == f"cleaner: [C300] no such input: {tmp_path / 'missing'}\n"
    assert not out.exists()


def test_issue_15_rules_wraps_descriptions_at_word_boundaries(capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "72")
    assert main(["rules"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in out) <= 72
    for rule in load_rules():
        head = next(i for i, line in enumerate(out) if line.startswith(rule.id + " "))
        state = [] if rule.enabled else ["(disabled)"]
        assert out[head].split()[1:] == [rule.kind, "·", rule.action, "·", f"v{rule.version}", *state]
        body = []
        for line in out[head + 1:]:
            if not line.startswith("    "):
                break
            body.append(line.strip())
        assert " ".join(body) == " ".join(rule.description.split())  # every word whole, none cut
        assert textwrap.fill(" ".join(body), 68, break_long_words=False, break_on_hyphens=False).splitlines() == body


def test_issue_15_typo_threshold_outside_0_to_1_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    for bad in ("1.5", "-0.1", "x"):
        with pytest.raises(SystemExit) as ex:
            main(["explain", "-", "--typo-threshold", bad])
        assert ex.value.code == 2
        assert "argument --typo-threshold:" in capsys.readouterr().err
    with pytest.raises(UsageError, match=r"typo_threshold must be a number from 0 to 1, not 1\.5"):
        Options(typo_threshold=1.5)
    with pytest.raises(UsageError, match="reject_ratio"):
        Pipeline.from_rules(reject_ratio=2)


@pytest.mark.parametrize(("where", "kind", "code"), [
    ("artifact/footer.toml", "spam", "[C210] the rule's kind is 'spam', but it sits in the folder 'artifact'"),
    ("footer.toml", "spam", "[C209] the rule file is not inside a folder named after its kind"),
])
def test_issue_15_a_rule_outside_its_kind_folder_is_an_error_naming_the_file(tmp_path: Path, where: str, kind: str,
                                                                              code: str) -> None:
    path = tmp_path / where
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(RULE, encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_rules(tmp_path, bundled=False)
    assert str(err.value).startswith(f"{path}") and code in str(err.value)
    # a single rule file named on its own: its folder is its kind's, the same check
    good = tmp_path / "x" / "spam" / "footer.toml"
    good.parent.mkdir(parents=True)
    good.write_text(RULE, encoding="utf-8")
    assert [r.id for r in load_rules(good, bundled=False)] == ["spam.footer"]


def test_issue_15_clean_many_gives_texts_positional_ids_like_clean_batch() -> None:
    p = Pipeline.default()
    texts = ["First text.", "Second text.", "Third."]
    many = [r.to_dict() for r in p.clean_many(texts)]
    assert [(r["id"], r["source"]) for r in many] == [("0", "0"), ("1", "1"), ("2", "2")]
    assert [r["id"] for r in p.clean_batch([{"text": t} for t in texts])] == ["0", "1", "2"]
    assert [r.document.id for r in p.clean_many([Document("x", id="mine"), "y"], jobs=2)] == ["mine", "1"]


def test_issue_15_a_flag_replaces_nothing_whatever_its_kind() -> None:
    text = "Rates rose.\n杭州桑拿会所 V信hz8899\nMore soon. The goverment said."
    flagged = Pipeline.from_rules(actions={"spam": "flag"}).clean(text).to_dict()["annotations"]
    assert {(a["kind"], a["action"], a["replacement"]) for a in flagged} == {("spam", "flag", None),
                                                                             ("typo", "flag", None)}
    fixed = Pipeline.from_rules(fix_typos=True, typo_threshold=0).clean(text).to_dict()["annotations"]
    assert {(a["kind"], a["action"], a["replacement"]) for a in fixed} == {("spam", "remove", ""),
                                                                           ("typo", "replace", "government")}
