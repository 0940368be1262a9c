"""Rule loading and validation: every error names the file, the line, the bad value and the choices."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import registry
from cleaner.cli import main
from cleaner.errors import RuleError
from cleaner.pipeline import Pipeline
from cleaner.rules import load_rules

GOOD = '''detector    = "pattern"
kind        = "spam"
description = "A footer line."
message     = "Footer: {match}"
action      = "remove"

[params]
patterns = ['Visit our store!']

[[examples]]
text    = "Good.\\nVisit our store!\\n"
cleaned = "Good.\\n"

[[examples]]
text    = "We visited the store."
cleaned = "We visited the store."
'''


def write(tmp_path: Path, text: str, name: str = "spam/footer.toml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(RuleError) as err:
        Pipeline(load_rules(tmp_path, bundled=False))
    return str(err.value).replace(str(path), "FILE")


def test_good_rule_loads_with_its_id_from_the_path(tmp_path):
    write(tmp_path, GOOD)
    (rule,) = load_rules(tmp_path, bundled=False)
    assert rule.id == "spam.footer" and rule.version == 1 and len(rule.examples) == 2


CASES = [
    ("unknown top-level key", GOOD.replace('action      = "remove"', 'action = "remove"\nseverity = "high"'),
     "FILE:6: [C201] unknown key 'severity'; allowed keys: detector, kind, description, message, action, "
     "score, version, enabled, params, examples"),
    ("bad kind", GOOD.replace('kind        = "spam"', 'kind = "junk"'),
     "FILE:2: [C202] bad value for kind: 'junk'; allowed: spam, artifact, encoding, hidden, typo"),
    ("missing key", GOOD.replace('message     = "Footer: {match}"\n', ""),
     "FILE: [C203] missing required key 'message'; message is shown per finding; {match} is the found text"),
    ("unknown detector", GOOD.replace('detector    = "pattern"', 'detector = "regexp"'),
     "FILE:1: [C204] unknown detector 'regexp'; available: " + ", ".join(registry.available())),
    ("unknown param", GOOD.replace("patterns = ['Visit our store!']", "patterns = ['x']\ncase = true"),
     "FILE:9: [C201] unknown key 'case' in [params]; allowed keys: patterns, ignore_case, replacement, "
     "languages, skip_languages, requires, requires_words, within, reach, within_starts, merge_gap"),
    ("param of the wrong type", GOOD.replace("patterns = ['Visit our store!']", "patterns = 'x'"),
     "FILE:8: [C202] bad value for patterns: 'x'; expected a list of string"),
    ("regex that does not compile", GOOD.replace("patterns = ['Visit our store!']", "patterns = ['(unclosed']"),
     "FILE:8: [C206] the regular expression does not compile: pattern 1 ('(unclosed'): missing ) at position 9"),
    ("unknown placeholder", GOOD.replace('"Footer: {match}"', '"Footer: {text}"'),
     "FILE:4: [C202] bad value for message placeholder {text}; allowed: {match}"),
    ("score out of range", GOOD.replace('action      = "remove"', 'action = "remove"\nscore = 1.5'),
     "FILE:6: [C202] bad value for score: 1.5; 0 to 1"),
]


@pytest.mark.parametrize(("case", "text", "message"), CASES, ids=[c[0] for c in CASES])
def test_rule_errors_are_located_and_list_the_choices(tmp_path, case, text, message):
    assert error_of(tmp_path, text) == message


def test_invalid_toml_reports_tomllib_position(tmp_path):
    assert error_of(tmp_path, 'detector = "pattern\n').startswith("FILE: [C200] invalid TOML: ")


def test_missing_word_list_names_it(tmp_path):
    text = GOOD.replace('detector    = "pattern"', 'detector = "contact_drop"').replace(
        "patterns = ['Visit our store!']", 'tlds = "../lexicon/nope.txt"')
    assert error_of(tmp_path, text).startswith("FILE:8: [C205] cannot read the word list ../lexicon/nope.txt")


def test_check_rules_command_runs_examples_and_exits_2_on_failure(tmp_path, capsys):
    write(tmp_path, GOOD)
    assert main(["check-rules", str(tmp_path)]) == 0
    write(tmp_path, GOOD.replace('cleaned = "Good.\\n"', 'cleaned = "Good!\\n"'))
    assert main(["check-rules", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert "footer.toml: example 1: cleaned text 'Good.\\n', expected 'Good!\\n'" in out


def test_check_rules_reports_a_rule_without_negative_example(tmp_path, capsys):
    text = GOOD[:GOOD.rindex("[[examples]]")]
    write(tmp_path, text)
    assert main(["check-rules", str(tmp_path)]) == 2
    assert "needs at least one positive and one negative example" in capsys.readouterr().out


def test_bad_rule_dir_is_exit_code_2_for_run(tmp_path, capsys):
    write(tmp_path / "rules", GOOD.replace('kind        = "spam"', 'kind = "junk"'))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("hello", encoding="utf-8")
    code = main(["run", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--rules", str(tmp_path / "rules")])
    assert code == 2
    assert "[C202] bad value for kind: 'junk'" in capsys.readouterr().err


def test_rules_command_lists_ids(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "spam.cjk_seo_injection" in out and "artifact.mt_gloss_leak" in out
