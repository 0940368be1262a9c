"""Helpers for the batch, CLI and report tests: synthetic articles (never publishers' text) and
ways to read a run's output folder."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

WORDS = (
    "the city council met on tuesday to discuss a new budget for schools and roads while residents "
    "asked about parking water prices the harbour bridge and a plan to plant trees along the river "
    "officials said the work would start next spring if the money arrives in time for the season"
).split()

# findings every default pipeline makes, whatever detectors exist: encoding rules are in the core
INVISIBLE = "\u200b"
MOJIBAKE = "cafÃ©"


def article(seed: int, paragraphs: int = 4, junk: bool = True) -> str:
    """A deterministic English-looking article; with ``junk`` some paragraphs carry encoding junk."""
    rng = random.Random(seed)
    paras = []
    for p in range(paragraphs):
        words = [rng.choice(WORDS) for _ in range(rng.randint(25, 60))]
        words[0] = words[0].capitalize()
        if junk and (seed + p) % 3 == 0:
            words.insert(5, MOJIBAKE)
        if junk and (seed + p) % 4 == 1:
            words[8] = words[8] + INVISIBLE + words[9]
            del words[9]
        paras.append(" ".join(words) + ".")
    return "\n\n".join(paras) + "\n"


def write_corpus(root: Path, files: int = 12, records: int = 40) -> Path:
    """A small crawl: text files in two folders plus a JSONL file."""
    (root / "news").mkdir(parents=True)
    (root / "blog").mkdir()
    for i in range(files):
        folder = root / ("news" if i % 2 else "blog")
        (folder / f"a{i:03d}.txt").write_text(article(i), encoding="utf-8")
    with (root / "feed.jsonl").open("w", encoding="utf-8") as f:
        for i in range(records):
            f.write(json.dumps({"id": f"r{i}", "text": article(1000 + i, 2)}) + "\n")
    return root


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").split("\n") if x.strip()]


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative name → bytes), for comparing two output folders."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def outputs(out: Path) -> dict[str, bytes]:
    """What a run promises to be deterministic: the journals and the cleaned tree."""
    got = {name: (out / name).read_bytes() for name in ("annotations.jsonl", "errors.jsonl")}
    got.update({f"clean/{k}": v for k, v in tree(out / "clean").items()} if (out / "clean").exists() else {})
    return got


def rebuilt_report(out: Path) -> tuple[dict[str, Any], bytes]:
    """summary.json and report.html as `cleaner report OUT` rebuilds them from the journals, after
    checking that they equal the run's own copies (counted as the run went)."""
    from cleaner.report import build_report

    kept = (json.loads((out / "summary.json").read_text()), (out / "report.html").read_bytes())
    build_report(out)
    rebuilt = (json.loads((out / "summary.json").read_text()), (out / "report.html").read_bytes())
    assert rebuilt == kept  # the run's report, counted as it went, equals one read from the journals
    return kept
