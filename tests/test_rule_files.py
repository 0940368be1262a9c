"""Rule data is linted: loads, unique ids, examples both ways, sorted sidecar lists, registry snapshot."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cleaner import registry
from cleaner.pipeline import Pipeline
from cleaner.rules import bundled_rules_dir, load_rules

RULES = load_rules()
SNAPSHOT = Path(__file__).with_name("registry_snapshot.json")


def test_rules_all_load_and_build():
    assert RULES, "no bundled rules found"
    Pipeline(RULES)  # every detector validates its [params]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_has_positive_and_negative_examples(rule):
    assert any(ex.positive for ex in rule.examples), "needs a positive example"
    assert any(not ex.positive for ex in rule.examples), "needs a negative example"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_description_is_a_sentence(rule):
    assert rule.description[0].isupper() and rule.description.rstrip().endswith((".", ")"))


SIDECARS = sorted(bundled_rules_dir().rglob("*.txt"))


@pytest.mark.parametrize("path", SIDECARS, ids=lambda p: p.name)
def test_sidecar_word_list_is_sorted_and_clean(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "", "ends with a newline"
    lines = lines[:-1]
    assert all(line and line == line.strip() for line in lines), "no blank or padded lines"
    assert lines == sorted(set(lines)), "sorted, no duplicates"


def _strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


def test_every_sidecar_is_used_by_a_rule():
    named = {(rule.path.parent / v).resolve() for rule in RULES for v in _strings(rule.params) if v.endswith(".txt")}
    assert {p.resolve() for p in SIDECARS} <= named


def test_registry_snapshot():
    """Renaming a detector kind or a rule id is deliberate: update tests/registry_snapshot.json."""
    current = {"detectors": registry.available(), "rules": [r.id for r in RULES]}
    assert current == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_rule_ids_are_lowercase_paths():
    for rule in RULES:
        assert re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)+", rule.id), rule.id
