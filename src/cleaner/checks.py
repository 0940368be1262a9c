"""Run a rule's own ``[[examples]]``: the rule alone in a pipeline, on each example text.

Used by ``cleaner check-rules`` and by ``tests/test_rule_examples.py``, so a rule author and the
test suite see the same verdicts. A user's folder is checked as a run with ``--rules DIR`` would
use it: on top of the bundled rules, with its ``allow.toml``; its own rules are checked, and the
examples it adds to bundled rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .actions import replay
from .allow import AllowList, load_allow
from .document import Document
from .errors import RuleError
from .pipeline import Options, Pipeline
from .readers import html_document
from .rules import Example, Rule, load_rules


def example_problems(rule: Rule, example: Example, options: Options | None = None,
                     allow: AllowList | None = None) -> list[str]:
    """What is wrong with the rule's output on one example (empty: it behaves as stated)."""
    pipeline = Pipeline([replace(rule, enabled=True)], options, allow=allow)  # disabled ones too
    meta = {"lang": example.lang} if example.lang else {}
    if example.format == "html":
        doc = html_document(example.text, id="example", source=rule.id, metadata=meta)
    else:
        doc = Document(example.text, metadata=meta)
    result = pipeline.clean(doc)
    mine = [s for s in result.spans if s.rule == rule.id]
    problems = []
    if example.cleaned is not None and result.text != example.cleaned:
        problems.append(f"cleaned text {result.text!r}, expected {example.cleaned!r}")
    if example.found is not None and sorted(s.text for s in mine) != sorted(example.found):
        problems.append(f"found {[s.text for s in mine]!r}, expected {list(example.found)!r}")
    if not example.positive and mine:
        problems.append(f"negative example, but found {[s.text for s in mine]!r}")
    if replay(doc.text, result.spans) != result.text:
        problems.append("replaying the annotations does not reproduce the cleaned text")
    return problems


@dataclass
class CheckReport:
    """What ``check-rules`` found: ``problems`` fail it (exit 2); the rest is for the reader."""

    problems: list[str] = field(default_factory=list)
    rules: int = 0
    examples: int = 0  # examples that behaved as stated
    gaps: list[str] = field(default_factory=list)  # expect = "fail" examples, failing as stated
    allowed_only: list[str] = field(default_factory=list)  # negatives that pass only through allow.toml

    def summary(self) -> str:
        extra = [f"{len(self.gaps)} known gaps (expect = \"fail\")"] if self.gaps else []
        if self.allowed_only:
            extra.append(f"{len(self.allowed_only)} only through allow.toml")
        return f"{self.rules} rules, {self.examples} examples passed" + (f" ({'; '.join(extra)})" if extra else "")


def check_rules(dirs: Sequence[str | Path] | None = None) -> CheckReport:
    """Validate rule files and run their examples: the bundled rules, or (with ``dirs``) the rules
    and examples those folders hold, loaded on top of the bundled rules as a run loads them."""
    report = CheckReport()
    try:
        rules = load_rules(dirs)
        allow = load_allow(dirs)
        Pipeline([replace(r, enabled=True) for r in rules])  # builds every detector: validates [params]
    except RuleError as e:
        report.problems.append(e.text)
        return report
    mine = [Path(d).resolve() for d in dirs or ()]

    def checked(path: Path | None) -> bool:
        return not mine or (path is not None and any(path.resolve().is_relative_to(d) for d in mine))

    for rule in rules:
        own = checked(rule.path)
        examples = [ex for ex in rule.examples if own or checked(ex.path)]
        if not (own or examples):
            continue
        report.rules += 1
        if own and (not any(ex.positive for ex in rule.examples) or all(ex.positive for ex in rule.examples)):
            report.problems.append(f"{rule.path}: needs at least one positive and one negative example")
        for ex in examples:
            _check_example(rule, ex, allow, report)
    return report


def _check_example(rule: Rule, ex: Example, allow: AllowList, report: CheckReport) -> None:
    where = f"{ex.path or rule.path}: example {ex.number}"
    problems = example_problems(rule, ex, allow=allow)
    if ex.expect_fail and not problems:
        report.problems.append(f"{where} now passes; remove expect = \"fail\"")
    elif ex.expect_fail:
        report.gaps.append(f"{where} fails, as marked: {problems[0]}")
    elif problems:
        report.problems.extend(f"{where}: {p}" for p in problems)
    else:
        report.examples += 1
        if allow and not ex.positive and example_problems(rule, ex):
            report.allowed_only.append(f"{where} passes only through allow.toml")
