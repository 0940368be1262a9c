"""Generalisation check: inject strings the detectors were never tuned on into real articles.

    python bench/synth_eval.py [--corpus ../shared/corpus/articles] [--seed 7] [--per-item 3]

The strings in ``bench/synth/strings.json`` were written for this check (not taken from the dev
set); each is injected into English corpus articles at the placements scraped spam really takes
(paragraph start, own line, end of line, glued to a word, between sentences…). Prints recall and
exact restoration per family and placement, and the findings on the untouched articles.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

from cleaner import Pipeline

ROOT = Path(__file__).resolve().parents[1]
SPAM_PLACES = ("para_start_space", "para_start_glued", "own_line_blank", "own_line_tight", "end_of_line",
               "end_glued", "mid_sentence", "word_glued", "between_sentences")
EN_PLACES = ("para_start_space", "own_line_blank", "own_line_tight", "end_of_line", "between_sentences")


def paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for block in text.split("\n\n"):
        if block.strip() and len(block) > 80:
            out.append((pos, pos + len(block)))
        pos += len(block) + 2
    return out


def inject(text: str, s: str, place: str, rng: random.Random) -> tuple[str, int, int] | None:
    """Insert ``s`` at ``place``; returns the new text and the span of ``s`` in it."""
    paras = paragraphs(text)
    if len(paras) < 3:
        return None
    a, b = paras[rng.randrange(1, len(paras) - 1)]
    para = text[a:b]
    if place == "para_start_space":
        new, at = text[:a] + s + " " + text[a:], a
    elif place == "para_start_glued":
        new, at = text[:a] + s + text[a:], a
    elif place == "own_line_blank":
        new, at = text[:b] + "\n\n" + s + text[b:], b + 2
    elif place == "own_line_tight":
        new, at = text[:b] + "\n" + s + text[b:], b + 1
    elif place == "end_of_line":
        new, at = text[:b] + " " + s + text[b:], b + 1
    elif place == "end_glued":
        new, at = text[:b] + s + text[b:], b
    else:
        inner = range(a + 20, b - 20)
        cuts = [i for i in inner if para[i - a] == " " and text[i - 1].isalpha() and text[i + 1].isalpha()]
        ends = [i + 1 for i in inner if text[i] in ".!?" and text[i + 1] == " " and text[i + 2].isupper()]
        if place == "between_sentences" and ends:
            i = rng.choice(ends)
            new, at = text[:i] + " " + s + text[i:], i + 1
        elif place == "mid_sentence" and cuts:
            i = rng.choice(cuts)
            new, at = text[:i] + " " + s + text[i:], i + 1
        elif place == "word_glued" and cuts:
            i = rng.choice(cuts)
            new, at = text[:i] + s + text[i:], i
        else:
            return None
    return new, at, at + len(s)


def found(spans: list[dict], start: int, end: int, kind: str) -> bool:
    for p in spans:
        if p["kind"] != kind:
            continue
        inter = max(0, min(p["end"], end) - max(p["start"], start))
        if inter and (inter / (max(p["end"], end) - min(p["start"], start)) >= 0.5 or inter / (end - start) >= 0.8):
            return True
    return False


def _first_difference(a: str, b: str) -> str:
    i = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"got {a[max(0, i - 40):i + 40]!r}, expected {b[max(0, i - 40):i + 40]!r}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus" / "articles"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--per-item", type=int, default=3, help="injections per string")
    ap.add_argument("--verbose", action="store_true", help="print every miss")
    a = ap.parse_args()
    corpus = Path(a.corpus)
    if not corpus.is_dir():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    rng = random.Random(a.seed)
    pipeline = Pipeline.default()
    arts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
    arts = [t for t in arts if pipeline.clean(t).lang == "en" and len(paragraphs(t)) >= 3]
    strings = json.loads((ROOT / "bench" / "synth" / "strings.json").read_text(encoding="utf-8"))
    cases: list[tuple[str, str, str, str, int, int, str]] = []  # family, place, text, inserted, s, e, expected

    def add(family: str, place: str, base: str, made: tuple[str, int, int] | None, expected: str | None = None) -> None:
        if made:
            new, s, e = made
            cases.append((family, place, new, new[s:e], s, e, expected if expected is not None else base))

    tails = strings["zh_contact_tails"] * 5
    for s in strings["zh_seo"] + [z + t for z, t in zip(strings["zh_seo"], tails, strict=False)]:
        for _ in range(a.per_item):
            place, base = rng.choice(SPAM_PLACES), rng.choice(arts)
            add("zh_seo", place, base, inject(base, s, place, rng))
    for s in strings["en_spam"]:
        for _ in range(a.per_item):
            place, base = rng.choice(EN_PLACES), rng.choice(arts)
            add("en_spam", place, base, inject(base, s, place, rng))
    for s in strings["translator_note"]:
        for _ in range(a.per_item):
            base = rng.choice(arts)
            add("translator_note", "after_sentence", base, inject(base, s, "between_sentences", rng))
    for s in strings["llm_prefix"]:
        base = rng.choice(arts)
        add("llm_prefix", "doc_start", base, (s + "\n\n" + base, 0, len(s)))
    for s in strings["llm_suffix"]:
        base = rng.choice(arts).rstrip("\n")
        add("llm_suffix", "doc_end", base, (base + "\n\n" + s + "\n", len(base) + 2, len(base) + 2 + len(s)))
    for word, leak in strings["mt_leak"]:
        hosts = [t for t in arts if f" {word} " in t]
        for base in rng.sample(hosts, min(a.per_item, len(hosts))):
            i = base.index(f" {word} ") + 1
            add("mt_leak", "inline", base, (base[:i] + leak + base[i + len(word):], i, i + len(leak)))
    kinds = {"zh_seo": "spam", "en_spam": "spam", "translator_note": "artifact", "llm_prefix": "artifact",
             "llm_suffix": "artifact", "mt_leak": "artifact"}
    stats: Counter[tuple[str, str]] = Counter()
    for family, place, text, inserted, s, e, expected in cases:
        r = pipeline.clean(text).to_dict()
        hit = found(r["annotations"], s, e, kinds[family])
        restored = " ".join(r["text"].split()) == " ".join(expected.split())
        stats[family, "n"] += 1
        stats[family, "found"] += hit
        stats[family, "restored"] += restored
        stats[family + ":" + place, "n"] += 1
        stats[family + ":" + place, "found"] += hit
        if a.verbose and (not hit or not restored):
            print(f"{'MISS' if not hit else 'DIRTY'} {family}:{place} {inserted!r} -> "
                  f"{[x['text'][:60] for x in r['annotations'] if x['kind'] in ('spam', 'artifact')]}")
            if hit:
                print("   ", _first_difference(" ".join(r["text"].split()), " ".join(expected.split())))
    print(f"{'family':34s} {'n':>4s} {'recall':>7s} {'restored':>9s}")
    for key in sorted({k for k, _ in stats}):
        n = stats[key, "n"]
        rest = f"{100 * stats[key, 'restored'] / n:8.1f}%" if ":" not in key else ""
        print(f"{key:34s} {n:4d} {100 * stats[key, 'found'] / n:6.1f}% {rest}")
    fp = Counter(s.rule for t in arts for s in pipeline.clean(t).spans if s.kind in ("spam", "artifact", "encoding"))
    print(f"untouched English articles: {len(arts)}, spam/artifact/encoding findings: {dict(fp) or 0}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
