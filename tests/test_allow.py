"""allow.toml: findings reviewers marked wrong, dropped by the pipeline for every rule alike."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batchkit import INVISIBLE
from cleaner import Pipeline
from cleaner.allow import Allow, AllowList
from cleaner.cli import main
from cleaner.errors import RuleError

AD = "The port reopened on Monday after the storm, officials said. abcd520.vip\nMore soon."  # a link drop


def allow_file(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "allow.toml"
    path.write_text(text, encoding="utf-8")
    return path


def rules(p: Pipeline, text: str) -> list[tuple[str, str]]:
    return [(s.rule, s.text) for s in p.clean(text).spans]


def test_allow_entry_with_context_drops_the_finding_only_in_that_context(tmp_path: Path) -> None:
    assert ("spam.contact_drop", "abcd520.vip") in rules(Pipeline.default(), AD)
    allow_file(tmp_path, '[[allow]]\nrule = "spam.contact_drop"\ntext = "abcd520.vip"\nbefore = "officials said. "\n')
    p = Pipeline.from_rules(tmp_path)
    r = p.clean(AD)
    assert r.text == AD and r.spans == () and r.stats["allowed"] == 1 and r.verdict == "clean"
    elsewhere = "Ferries ran late on Tuesday, the operator said. abcd520.vip\nMore soon."
    assert ("spam.contact_drop", "abcd520.vip") in rules(p, elsewhere)  # another context: still found
    assert "allowed" not in p.clean("Nothing here.").stats  # the record is unchanged where nothing was allowed


def test_allow_entry_by_kind_and_pattern_covers_every_rule_of_the_kind(tmp_path: Path) -> None:
    text = f"Hidden{INVISIBLE}space and a caf\u00c3\u00a9."
    found = {rule for rule, _ in rules(Pipeline.default(), text)}
    assert found == {"encoding.invisible_chars", "encoding.mojibake"}
    allow_file(tmp_path, '[[allow]]\nkind = "encoding"\npattern = \'[\\u200b]|\\u00c3\\u00a9\'\n')
    assert rules(Pipeline.from_rules(tmp_path), text) == []
    allow_file(tmp_path, '[[allow]]\nkind = "encoding"\npattern = "\\u200b"\n')  # fullmatch: the whole finding
    assert {rule for rule, _ in rules(Pipeline.from_rules(tmp_path), text)} == {"encoding.mojibake"}


BAD = [
    ('[[allow]]\ntext = "x"\n', "FILE:1: [C202] bad value for allow[1] needs rule or kind; give one of the two: "
                                'rule = "spam.x" or kind = "spam"'),
    ('[[allow]]\nrule = "spam.x"\n', "FILE:1: [C202] bad value for allow[1] needs text or pattern; give the "
                                     "finding's exact text, or a pattern it matches"),
    ('[[allow]]\nrule = "spam.x"\ntext = "a"\n\n[[allow]]\nkind = "junk"\ntext = "b"\n',
     "FILE:5: [C202] bad value for allow[2] kind: 'junk'; allowed: spam, artifact, encoding, hidden, typo"),
    ('[[allow]]\nrule = "spam.x"\npattern = "(a"\n',
     "FILE:1: [C206] the regular expression does not compile: allow[1] ('(a'): missing ) at position 2"),
    ('[[allow]]\nrule = "spam.x"\ntext = "a"\nwhy = "b"\n',
     "FILE:1: [C201] unknown key 'why' in allow[1]; allowed keys: rule, kind, text, pattern, before, after, note"),
    ('[[allow]]\nrule = "spam.x"\npattern = "a"\nbefore = "b"\n',
     "FILE:1: [C202] bad value for allow[1] before/after with a pattern; context goes with text; put it in the "
     "pattern"),
    ('rule = "spam.x"\n', "FILE:1: [C201] unknown key 'rule'; an allow file holds [[allow]] tables"),
]


@pytest.mark.parametrize(("text", "message"), BAD, ids=[str(i) for i in range(len(BAD))])
def test_a_bad_allow_file_names_file_line_and_problem(tmp_path: Path, text: str, message: str) -> None:
    path = allow_file(tmp_path, text)
    with pytest.raises(RuleError) as err:
        Pipeline.from_rules(tmp_path)
    assert str(err.value).replace(str(path), "FILE") == message


def test_a_pipeline_with_an_allow_list_travels_to_workers(tmp_path: Path) -> None:
    allow_file(tmp_path, '[[allow]]\nrule = "spam.contact_drop"\ntext = "abcd520.vip"\n')
    p = Pipeline.from_rules(tmp_path)
    assert pickle.loads(pickle.dumps(p)).allow.entries == p.allow.entries
    by_hand = Pipeline(p.rules, allow=p.allow)  # not built from folders: pickles its parts
    assert pickle.loads(pickle.dumps(by_hand)).allow.entries == p.allow.entries
    results = list(p.clean_many([AD, AD.replace("Monday", "Sunday")], jobs=2))
    assert [r.stats.get("allowed") for r in results] == [1, 1] and all(not r.spans for r in results)


def test_a_changed_allow_list_is_a_changed_rule_set_for_a_resumed_run(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(AD, encoding="utf-8")
    folder = tmp_path / "rules"
    folder.mkdir()
    args = ["run", str(src), "-o", str(tmp_path / "out"), "--rules", str(folder), "--jobs", "1", "--quiet"]
    assert main(args) == 0
    allow_file(folder, '[[allow]]\nrule = "spam.contact_drop"\ntext = "abcd520.vip"\n')
    assert main(args) == 2 and "--force" in capsys.readouterr().err  # not a silent resume with stale results
    assert main([*args, "--force"]) == 0


# characters that stress code-point offsets: astral, combining, CRLF, zero-width, CJK
ALPHABET = st.sampled_from(["a", "b", " ", "\n", "\r\n", "é", "e\u0301", "\U0001f600", "\U00020000", "中", "\u200b"])


@settings(max_examples=60, deadline=None)
@given(st.lists(ALPHABET, min_size=1, max_size=60).map("".join), st.integers(0, 12), st.integers(0, 12))
def test_an_entry_from_a_findings_own_context_drops_exactly_that_finding(text: str, left: int, right: int) -> None:
    found = [s for s in Pipeline.default().clean(text).spans if s.rule == "encoding.invisible_chars"]
    for s in found:
        entry = Allow(rule=s.rule, text=s.text, before=text[max(0, s.start - left):s.start],
                      after=text[s.end:s.end + right])
        kept, allowed = AllowList([entry]).split(found, text)
        assert s not in kept and allowed == len(found) - len(kept) >= 1
