"""Run a rule's own ``[[examples]]``: the rule alone in a pipeline, on each example text.

Used by ``cleaner check-rules`` and by ``tests/test_rule_examples.py``, so a rule author and the
test suite see the same verdicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .actions import replay
from .document import Document
from .errors import RuleError
from .pipeline import Options, Pipeline
from .readers import html_document
from .rules import Example, Rule, load_rules


def example_problems(rule: Rule, example: Example, options: Options | None = None) -> list[str]:
    """What is wrong with the rule's output on one example (empty: it behaves as stated)."""
    pipeline = Pipeline([rule], options)
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


def check_rules(dirs: Sequence[str | Path] | None = None) -> list[str]:
    """Validate rule files and run every example; one line per problem."""
    try:
        rules = load_rules(dirs, bundled=not dirs)
        Pipeline(rules)  # builds every detector: validates [params]
    except RuleError as e:
        return [e.text]
    lines = []
    for rule in rules:
        if not any(ex.positive for ex in rule.examples) or all(ex.positive for ex in rule.examples):
            lines.append(f"{rule.path}: needs at least one positive and one negative example")
        for i, ex in enumerate(rule.examples, 1):
            problems = example_problems(rule, ex)
            if ex.expect_fail and not problems:
                lines.append(f"{rule.path}: example {i} now passes; remove expect = \"fail\"")
            elif problems and not ex.expect_fail:
                lines.extend(f"{rule.path}: example {i}: {p}" for p in problems)
    return lines
