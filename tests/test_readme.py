"""The README's examples work: its rule file passes check-rules, its library calls run."""

from __future__ import annotations

import re
from pathlib import Path

import cleaner
from cleaner.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _write_readme_rule(folder: Path) -> None:
    (block,) = re.findall(r"```toml\n# my_rules/(spam/\w+\.toml)\n(.*?)```", README, re.S)
    path, body = block
    (folder / path).parent.mkdir(parents=True)
    (folder / path).write_text(body, encoding="utf-8")


def test_readme_rule_example_passes_check_rules(tmp_path):
    _write_readme_rule(tmp_path)
    assert main(["check-rules", str(tmp_path)]) == 0
    assert cleaner.Pipeline.from_rules(tmp_path).clean(
        "The match ended 2-1.\nVisit our store at shop.example.com for more deals!\n").text == "The match ended 2-1.\n"


def test_readme_library_snippet_runs(tmp_path, monkeypatch):
    _write_readme_rule(tmp_path / "my_rules")
    monkeypatch.chdir(tmp_path)
    (snippet,) = re.findall(r"```python\nimport cleaner\n(.*?)```", README, re.S)
    code = "import cleaner\ntext = 'A calm day.\\n杭州桑拿会所\\nThe end.'\ntexts = [text, text]\n" + snippet
    exec(compile(code, "README.md", "exec"), {})
