"""Quality on the labelled dev set: clean every doc with the library, then run the set's own scorer.

    python bench/dev_eval.py [--dev ../shared/dev-eval] [--rules DIR ...] [--fix-typos] [--out DIR]

Prints score.py's report (span P/R/F1 per kind, restoration, false findings per 10k words on the
negative controls, the seed checklist). With --rules, only those rule folders are used.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from cleaner import Document, Pipeline

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", default=str(ROOT.parent / "shared" / "dev-eval"))
    ap.add_argument("--rules", action="append", default=[], help="use only these rule folders")
    ap.add_argument("--fix-typos", action="store_true")
    ap.add_argument("--out", default=None, help="keep annotations.jsonl and metrics.json here")
    a = ap.parse_args()
    dev = Path(a.dev)
    if not (dev / "gold.jsonl").exists():
        print(f"no dev set at {dev}", file=sys.stderr)
        return 2
    if a.rules:
        pipeline = Pipeline.from_rules(a.rules, bundled=False, fix_typos=a.fix_typos)
    else:
        pipeline = Pipeline.from_rules(fix_typos=a.fix_typos)
    out = Path(a.out or tempfile.mkdtemp(prefix="cleaner-dev-"))
    out.mkdir(parents=True, exist_ok=True)
    with (out / "annotations.jsonl").open("w", encoding="utf-8") as f:
        for path in sorted((dev / "docs").glob("*.txt")):
            doc = Document(path.read_text(encoding="utf-8"), id=path.stem, source=path.name, format="txt")
            f.write(json.dumps(pipeline.clean(doc).to_dict(), ensure_ascii=False) + "\n")
    return subprocess.call([sys.executable, str(dev / "score.py"), str(dev),
                            "--pred", str(out / "annotations.jsonl")])


if __name__ == "__main__":
    sys.exit(main())
