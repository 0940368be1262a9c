"""Golden end-to-end cases: ``tests/golden/<case>/input.txt`` → ``expected.txt`` (cleaned text, default
mode) and ``expected.jsonl`` (the spam/artifact/encoding/hidden annotations, one per line).

The expected files were reviewed line by line by a person. After a deliberate change, run
``pytest tests/test_golden.py --update-golden`` and review ``git diff tests/golden`` before committing.
Typo findings are left out: the typo detector's scores are tuned separately (tests/detectors).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cleaner
from oracle import assert_record_rebuilds

GOLDEN = Path(__file__).with_name("golden")
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "input.txt").exists())
KINDS = {"spam", "artifact", "encoding", "hidden"}


def _annotations(result: cleaner.Result) -> list[dict]:
    return [{k: v for k, v in s.to_dict().items() if k != "detail"} for s in result.spans if s.kind in KINDS]


@pytest.mark.parametrize("case", CASES)
def test_golden(case, update_golden):
    folder = GOLDEN / case
    text = (folder / "input.txt").read_text(encoding="utf-8")
    result = cleaner.clean(text)
    got_lines = [json.dumps(a, ensure_ascii=False, sort_keys=True) for a in _annotations(result)]
    if update_golden:
        (folder / "expected.txt").write_text(result.text, encoding="utf-8")
        (folder / "expected.jsonl").write_text("".join(x + "\n" for x in got_lines), encoding="utf-8")
    assert result.text == (folder / "expected.txt").read_text(encoding="utf-8")
    assert got_lines == (folder / "expected.jsonl").read_text(encoding="utf-8").splitlines()
    assert_record_rebuilds(text, result)


def test_seed_article_checks():
    """The seed's own checklist: no Han left, the leak repaired in place, the scramble flagged."""
    result = cleaner.clean((GOLDEN / "seed" / "input.txt").read_text(encoding="utf-8"))
    assert not any("\u3400" <= c <= "\u9fff" for c in result.text)
    assert "translate academic achievements into practical applications" in result.text
    typo = [s for s in result.spans if s.kind == "typo" and s.text == "crteeaa"]
    assert typo and typo[0].suggestions[0] == "create a"
    assert "crteeaa" in result.text  # flagged, not fixed, by default
