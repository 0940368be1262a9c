"""The wheel carries the package, its rules and py.typed, and finds the rules from inside itself."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_rules_and_finds_them(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                    "--quiet", "-w", str(tmp_path)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("cleaner-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    repo_rules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "rules").rglob("*") if p.is_file()}
    assert {"cleaner/" + r for r in repo_rules} <= names
    assert {"cleaner/py.typed", "cleaner/__init__.py", "cleaner/detectors/foreign_run.py"} <= names
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    probe = ("import cleaner, cleaner.rules as r; d = r.bundled_rules_dir(); "
             "print(d); print(cleaner.clean('Intro.\\n杭州桑拿会所\\nEnd.').text == 'Intro.\\nEnd.')")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin"}, cwd=tmp_path).stdout.split()
    assert out[0] == str(unpacked / "cleaner" / "rules")
    assert out[1] == "True"
