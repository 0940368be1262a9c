"""Time budgets (issue 14): per rule per document (C113), per document (C119), bounded rule
compilation (C212), and output that does not depend on threads or load for inputs well within them."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import cleaner
from batchkit import lines
from cleaner import cli
from cleaner.budget import Budget, DocumentTimeoutError, RuleTimeoutError
from cleaner.errors import RuleError


def write_rule(root: Path, rule_id: str, params: str) -> Path:
    kind, name = rule_id.split(".")
    folder = root / kind
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.toml").write_text(
        f'detector = "pattern"\nkind = "{kind}"\ndescription = "A test rule."\nmessage = "{{match}}"\n'
        f'action = "remove"\n\n[params]\n{params}\n', encoding="utf-8")
    return root


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_budget_deadlines_on_the_threads_clock():
    clock = FakeClock()
    b = Budget(doc_seconds=5.0, rule_seconds=2.0, size=500_000, clock=clock, wall=clock)
    b.start_rule()
    clock.now += 1.9
    b.check()
    clock.now += 0.2
    with pytest.raises(RuleTimeoutError):
        b.check()
    b.start_rule()  # a new rule has its own two seconds, but not past the document's five
    clock.now += 1.0
    b.check()
    clock.now += 2.0  # 5.1 s since the document started
    with pytest.raises(DocumentTimeoutError):
        b.check()
    with pytest.raises(DocumentTimeoutError):
        b.start_rule()
    assert Budget(None, 2.0, 3_000_000).rule_seconds == 6.0  # per million characters
    assert Budget(0, 0, 10).left() == float("inf")  # 0: no limit


def test_a_rule_is_timed_over_all_its_calls_not_per_call(tmp_path):
    """``within_starts`` tries the frame at each "(": each call is short (a scan to the line end),
    30,000 of them are not. Timed per call, the rule never ran out; per rule, it does."""
    rules = write_rule(tmp_path / "rules", "spam.frames",
                       "within = '\\((?:[^)\\n])*\\)'\nwithin_starts = \"(\"\npatterns = ['x']")
    pipeline = cleaner.Pipeline.from_rules(rules, rule_timeout=0.3)
    text = "Intro with a hidden\u200bspace.\n" + "(" * 30_000 + "\n"
    t = time.process_time()
    r = pipeline.clean(text)
    assert [(e["code"], e["rule"]) for e in r.errors] == [("C113", "spam.frames")]
    assert "--rule-timeout" in r.errors[0]["reason"]
    assert [s.rule for s in r.spans] == ["encoding.invisible_chars"]  # the other rules ran
    assert time.process_time() - t < 4  # generous: the whole scan takes 8 s


def test_a_document_past_its_budget_keeps_what_finished_and_says_what_did_not(tmp_path):
    rules = write_rule(tmp_path / "rules", "typo.zz_slow", "patterns = ['x+(?=y)']")  # quadratic on a run of x
    write_rule(tmp_path / "rules", "artifact.aa_fine", "patterns = ['PROMO']")
    pipeline = cleaner.Pipeline.from_rules(rules, doc_timeout=0.5, rule_timeout=0)
    text = "PROMO Intro with a hidden\u200bspace.\n" + "x" * 200_000 + "\n"
    r = pipeline.clean(text)
    assert [(e["code"], e["rule"]) for e in r.errors] == [("C119", "typo.zz_slow")]
    assert "0.5 s at rule typo.zz_slow" in r.errors[0]["reason"]
    assert [s.rule for s in r.spans] == ["artifact.aa_fine", "encoding.invisible_chars"]  # finished before: applied
    assert r.text.startswith("Intro with a hiddenspace.\n")
    assert r.to_dict()["errors"] == list(r.errors)

    first = cleaner.Pipeline.from_rules(write_rule(tmp_path / "first", "artifact.aa_slow", "patterns = ['x+(?=y)']"),
                                        doc_timeout=0.5, rule_timeout=0)
    r = first.clean(text)
    (error,) = r.errors
    left = len(first.detectors) - 1
    assert error["code"] == "C119" and f"({left} more rules did not run)" in error["reason"]
    assert r.spans == () and r.text == text  # nothing finished, nothing changed


def test_cli_doc_timeout_reports_the_document_and_goes_on(tmp_path, capsys):
    rules = write_rule(tmp_path / "rules", "typo.zz_slow", "patterns = ['x+(?=y)']")
    src = tmp_path / "in"
    src.mkdir()
    (src / "slow.txt").write_text("Intro line.\n" + "x" * 200_000 + "\n", encoding="utf-8")
    (src / "fine.txt").write_text("Nothing to see with a hidden\u200bspace.\n", encoding="utf-8")
    out = tmp_path / "out"
    code = cli.main(["run", str(src), "-o", str(out), "--rules", str(rules), "--doc-timeout", "0.5",
                     "--rule-timeout", "0", "--jobs", "1", "--quiet"])
    assert code == 1
    (err,) = lines(out / "errors.jsonl")
    assert (err["source"], err["code"], err["rule"]) == ("slow.txt", "C119", "typo.zz_slow")
    records = {r["source"]: r for r in lines(out / "annotations.jsonl")}
    assert records["slow.txt"]["errors"][0]["code"] == "C119"
    assert records["fine.txt"]["text"] == "Nothing to see with a hiddenspace.\n"
    assert "errors" not in records["fine.txt"]
    assert "C119" in capsys.readouterr().err


def test_a_rule_that_would_take_gigabytes_to_compile_is_a_located_rule_error(tmp_path, capsys):
    rules = write_rule(tmp_path / "rules", "spam.huge", "patterns = ['(?:(?:(?:(?:a{50}){50}){50}){50})']")
    t = time.process_time()
    with pytest.raises(RuleError) as e:
        cleaner.Pipeline.from_rules(rules)
    assert time.process_time() - t < 1.0  # refused before compiling (compiling takes seconds)
    assert e.value.code == "C212"
    assert str(e.value).startswith(f"{rules / 'spam' / 'huge.toml'}:8: [C212] the regular expression is too big")
    assert cli.main(["run", str(tmp_path), "-o", str(tmp_path / "out"), "--rules", str(rules)]) == 2
    assert "[C212]" in capsys.readouterr().err


def test_the_bundled_rules_are_far_from_the_compile_bound():
    from cleaner.detectors.base import MAX_UNROLLED, unrolled_size
    from cleaner.rules import load_rules

    sizes = [unrolled_size(p) for r in load_rules()
             for p in (*r.params.get("patterns", ()), r.params.get("within", ""))]
    assert max(sizes) * 50 < MAX_UNROLLED


RUNS = ["The run " + "\ufeff" * 20_000 + " ends.", "\u2060" * 20_000 + "\nThe council\u200bmet.",
        "Visit x." + "a" * 50_000, "sorry i can " * 3_000, "上海桑拿会所" * 2_000]


def test_threads_give_the_serial_results_on_long_runs():
    """Once a run of U+FEFF cost the square of its length: eight threads at once timed it out (C113)
    and gave other records than one thread did."""
    pipeline = cleaner.Pipeline.default()
    serial = [pipeline.clean(t).to_dict() for t in RUNS]
    assert all("errors" not in r for r in serial)
    with ThreadPoolExecutor(8) as pool:
        for _ in range(2):
            assert list(pool.map(lambda t: pipeline.clean(t).to_dict(), RUNS * 2)) == serial * 2
