"""What ``--fix-typos`` changes in untouched real text: the corpus articles and web-eval's main texts.

    python bench/typo_fix_audit.py [--corpus ../shared/corpus/articles] [--web ../shared/web-eval/truth]
                                   [--threshold 0.8] [--quiet]

Both sets are real, published text that nobody mangled, so a word fix mode changes there is nearly
always a correct word turned wrong (the corpus may hold a real typo or two: read the list). Prints
every change with its context, then per set: documents, words, words changed, changes per 10k words.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import regex

from cleaner import Document, Pipeline

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
WORD = regex.compile(r"\w+")


def texts(corpus: Path, web: Path) -> dict[str, list[tuple[str, str]]]:
    """``{set name: [(doc id, text)]}``."""
    out: dict[str, list[tuple[str, str]]] = {"corpus": [], "web-eval": []}
    for path in sorted(corpus.glob("*.txt")):
        out["corpus"].append((path.name[:12], path.read_text(encoding="utf-8")))
    for path in sorted(web.glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        if truth.get("main_content"):
            out["web-eval"].append((path.stem, truth["main_content"]))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(SHARED / "corpus" / "articles"))
    ap.add_argument("--web", default=str(SHARED / "web-eval" / "truth"))
    ap.add_argument("--threshold", type=float, default=None, help="typo_threshold (default: the Options default)")
    ap.add_argument("--quiet", action="store_true", help="only the totals")
    a = ap.parse_args()
    options = {"fix_typos": True} | ({"typo_threshold": a.threshold} if a.threshold is not None else {})
    pipeline = Pipeline.from_rules(**options)
    sets = texts(Path(a.corpus), Path(a.web))
    if not any(sets.values()):
        print("no corpus or web-eval texts found", file=sys.stderr)
        return 2
    totals = {}
    for name, docs in sets.items():
        words = changed = 0
        for doc_id, text in docs:
            words += len(WORD.findall(text))
            for s in pipeline.clean(Document(text, id=doc_id)).spans:
                if s.kind == "typo" and s.action == "replace":
                    changed += 1
                    if not a.quiet:
                        context = text[max(0, s.start - 40):s.end + 40].replace("\n", " ")
                        print(f"{name} {doc_id} {s.text!r} -> {s.replacement!r} ({s.score:.2f})  …{context}…")
        totals[name] = (len(docs), words, changed)
    print(f"\n{'set':<9} {'docs':>5} {'words':>8} {'changed':>8} {'per 10k words':>14}")
    for name, (docs, words, changed) in totals.items():
        print(f"{name:<9} {docs:>5} {words:>8} {changed:>8} {1e4 * changed / max(words, 1):>14.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
