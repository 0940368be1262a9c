"""How often the review page shows a document's original text exactly, rebuilt from its record.

    python bench/review_fidelity.py [--corpus ../shared/corpus/articles] [--seed 7]

A record holds the cleaned text and the annotations, not the original; the page undoes each edit
(:func:`cleaner.report_page.original_text`). Where whitespace repair took a line break or a space
along with a finding, the record does not say which, and the page guesses. This script injects the
strings of ``bench/synth/strings.json`` (written for the synthetic check, never tuned on) into the
corpus articles at every placement of ``synth_eval.py``, cleans each, rebuilds the original from
the record and compares it with the text that was cleaned: exact, or wrong (by placement).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

from cleaner import Pipeline
from cleaner.report_page import _edit_range, original_text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from synth_eval import SPAM_PLACES, inject  # noqa: E402  (the placements of the synthetic check)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "articles")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    strings = json.loads((ROOT / "bench" / "synth" / "strings.json").read_text(encoding="utf-8"))
    pool = [s if isinstance(s, str) else s["text"] for s in strings["zh_seo"] + strings["en_spam"]]
    rng = random.Random(a.seed)
    pipeline = Pipeline.default()
    counts: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    articles = sorted(a.corpus.glob("*.txt"))
    if not articles:
        sys.exit(f"review_fidelity: no articles in {a.corpus}")
    for path in articles:
        base = path.read_text(encoding="utf-8")
        for place in SPAM_PLACES:
            got = inject(base, rng.choice(pool), place, rng)
            if got is None:
                continue
            text = got[0]
            rec = pipeline.clean(text).to_dict()
            anns = sorted(rec["annotations"], key=lambda x: (_edit_range(x)[0], x["start"]))
            rebuilt = original_text(rec["text"], anns, rec["stats"]["chars_in"])
            counts["documents"] += 1
            if rebuilt is None:
                counts["not rebuilt"] += 1
            elif rebuilt[0] == text:
                counts["exact"] += 1
                counts["exact, with guessed whitespace"] += bool(rebuilt[1])
            else:
                wrong[place] += 1
    n = counts["documents"]
    print(f"{len(articles)} articles, {n} injected documents")
    print(f"original rebuilt exactly: {counts['exact']} ({100 * counts['exact'] / n:.1f} %), "
          f"of which {counts['exact, with guessed whitespace']} needed a guess of the whitespace an edit took")
    print(f"not rebuilt (annotations do not fit the text): {counts['not rebuilt']}")
    print("whitespace guessed wrong, by placement: " + (", ".join(f"{p} {k}" for p, k in wrong.most_common()) or
                                                        "none"))


if __name__ == "__main__":
    main()
