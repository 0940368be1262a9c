"""Every ``[[examples]]`` entry of every bundled rule is a test case: ``<rule id>[<n>]``."""

from __future__ import annotations

import pytest

from cleaner.checks import example_problems
from cleaner.rules import load_rules

CASES = [
    pytest.param(rule, ex, id=f"{rule.id}[{i}]",
                 marks=[pytest.mark.xfail(strict=True, reason=ex.note or "known gap")] if ex.expect_fail else [])
    for rule in load_rules()
    for i, ex in enumerate(rule.examples, 1)
]


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_rule_example(rule, example):
    assert example_problems(rule, example) == []
