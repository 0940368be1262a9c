"""The plug-in for learned detectors: per fold, train into a copy of the rules without that fold's groups.

A training script ``train/train_<kind>.py`` takes ``--out PATH --holdout FILE`` (FILE: group keys
to leave out, one a line). Where the script exists, each fold gets its own copy of the rules with the
script's output in place of the shipped file (the path from ``--print-default-out`` when the script
has it, else the ``rules/…`` path its ``--help`` names); otherwise every fold uses the bundled rules
as they are (they learned nothing from the pools, so their figures are held-out already).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cleaner import Pipeline
from cleaner.rules import bundled_rules_dir

from .pools import ROOT


class Trainer:
    def __init__(self, script: Path) -> None:
        self.script = script
        self.rules = bundled_rules_dir()
        self.target = self._default_out()
        self._tmp = Path(tempfile.mkdtemp(prefix="cleaner-realworld-"))

    @classmethod
    def find(cls, kind: str) -> Trainer | None:
        script = ROOT / "train" / f"train_{kind}.py"
        return cls(script) if script.is_file() else None

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(self.script), *args], cwd=ROOT, capture_output=True, text=True)

    def _default_out(self) -> Path:
        """The shipped file the script writes, relative to the rules folder."""
        p = self._run("--print-default-out")
        text = p.stdout.strip() if p.returncode == 0 and p.stdout.strip() else self._run("--help").stdout
        m = re.search(r"(?:^|[\s'\"(=])((?:\S*/)?rules/[\w./-]+\w)", text)
        if not m:
            raise SystemExit(
                f"{self.script}: cannot tell which file under rules/ it writes "
                "(no --print-default-out, no rules/… path in --help)"
            )
        rel = m.group(1).split("rules/", 1)[1]
        if not (self.rules / rel).parent.is_dir():
            raise SystemExit(f"{self.script}: writes rules/{rel}, whose folder is not in {self.rules}")
        return Path(rel)

    def pipeline(self, fold: int, holdout: set[str]) -> Pipeline:
        d = self._tmp / f"fold{fold}"
        rules = d / "rules"
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(self.rules, rules)
        hfile = d / "holdout.txt"
        hfile.write_text("".join(g + "\n" for g in sorted(holdout)), encoding="utf-8")
        p = self._run("--out", str(rules / self.target), "--holdout", str(hfile))
        if p.returncode != 0:
            raise SystemExit(f"{self.script} failed on fold {fold}:\n{p.stderr[-2000:]}")
        return Pipeline.from_rules(
            [rules], bundled=False, rule_timeout=0, doc_timeout=0
        )  # figures that do not hang on the machine's load

    def close(self) -> None:
        shutil.rmtree(self._tmp, ignore_errors=True)
