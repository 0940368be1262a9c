"""ftfy's own test cases through the pipeline, each inside a real article (see tests/ftfycases.py).

    python bench/ftfy_eval.py [--encoding-only] [--show N]

Prints, per placement (the case as a paragraph of its own, or after an article's first sentence):
of the positives that ftfy itself restores in that article, how many come out exactly so, how many
are left as they were, how many differ otherwise; how many positives ftfy misses there that the
pipeline restores; how many negatives change; whether every record's annotations rebuild its text.
``--encoding-only`` runs only the encoding rules (to tell the mojibake rule's part from the others').
Reads ../shared; nothing of it is copied into the repository.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from cleaner import Pipeline  # noqa: E402
from cleaner.rules import load_rules  # noqa: E402
from ftfycases import ARTICLES, FTFY_CASES, PLACEMENTS, rebuild, trials  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--encoding-only", action="store_true")
    ap.add_argument("--show", type=int, default=0, help="print up to N failing cases per placement")
    a = ap.parse_args()
    if not (FTFY_CASES.exists() and ARTICLES.exists()):
        print(f"no ftfy cases at {FTFY_CASES} or no articles at {ARTICLES}", file=sys.stderr)
        return 2
    if a.encoding_only:
        pipeline = Pipeline([r for r in load_rules() if r.kind == "encoding"])
    else:
        pipeline = Pipeline.default()
    tally: dict[str, Counter[str]] = {p: Counter() for p in PLACEMENTS}
    shown: Counter[str] = Counter()
    for t in trials():
        record = pipeline.clean(t.text).to_dict()
        c = tally[t.placement]
        c["replay_ok" if rebuild(t.text, record["annotations"]) == record["text"] else "replay_bad"] += 1
        if t.case.negative:
            outcome = "neg_unchanged" if record["text"] == t.text else "neg_changed"
        elif not t.ftfy:
            outcome = "beyond_restored" if record["text"] == t.want else "beyond_missed"
        elif record["text"] == t.want:
            outcome = "pos_restored"
        else:
            outcome = "pos_untouched" if record["text"] == t.text else "pos_other"
        c[outcome] += 1
        if outcome in ("neg_changed", "pos_untouched", "pos_other", "beyond_missed") and shown[t.placement] < a.show:
            shown[t.placement] += 1
            print(f"[{t.placement}] {outcome} {t.case.name} {t.case.label}\n  in:   {t.case.original!r}\n"
                  f"  want: {t.case.fixed!r}\n  got:  {_around(record['text'], t.want)!r}")
    print(f"{'placement':<10} {'ftfy restores':>13} {'restored':>9} {'untouched':>9} {'other':>6} "
          f"{'ftfy misses':>11} {'restored':>8} {'negatives':>9} {'changed':>7} {'replay':>7}")
    for placement, c in tally.items():
        pos = c["pos_restored"] + c["pos_untouched"] + c["pos_other"]
        beyond = c["beyond_restored"] + c["beyond_missed"]
        neg = c["neg_unchanged"] + c["neg_changed"]
        print(f"{placement:<10} {pos:>13} {c['pos_restored']:>4} {c['pos_restored'] / pos:>4.0%} "
              f"{c['pos_untouched']:>9} {c['pos_other']:>6} {beyond:>11} {c['beyond_restored']:>8} {neg:>9} "
              f"{c['neg_changed']:>7} {'ok' if not c['replay_bad'] else c['replay_bad']:>7}")
    return 0


def _around(got: str, want: str) -> str:
    """The part of ``got`` where it departs from ``want``, with a little context."""
    i = next((k for k, (x, y) in enumerate(zip(got, want, strict=False)) if x != y), min(len(got), len(want)))
    return got[max(0, i - 30):i + 60]


if __name__ == "__main__":
    sys.exit(main())
