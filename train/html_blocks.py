"""Fit the HTML block model (``src/cleaner/html/blocks_model.json``) on the development half of web-eval.

    .venv/bin/python train/html_blocks.py [--check]

Data: ``../shared/web-eval`` (pages of every type with a reviewed main text) and the news pages
of ``../shared/corpus``, only the pages whose id hashes to the ``dev`` half (``bench/web_eval.py``'s
split): the other half of each stays unseen for the held-out figures. Each block of a page
(``cleaner.html.blocks.read_blocks``) is labelled content when
its text is in the page's true main text: for blocks of four tokens or more, at least half of its
token bigrams occur in the truth; shorter ones must occur whole. Each block weighs by its token
count (the score is token F1), square-rooted so that long blocks do not drown the short lines
(titles, bylines, item names) that decide listings and forums.

Model: scikit-learn's ``LogisticRegression`` on standardised features; the scaling is folded into
the shipped weights, so run time is one dot product per block. The probability threshold is the
one that maximises the mean page F1 on the same dev pages. ``--check`` refits and fails when the
shipped file differs (the data or the code changed without a refit).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import itertools
import json
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WEB_EVAL = ROOT.parent / "shared" / "web-eval"
CORPUS = ROOT.parent / "shared" / "corpus"
OUT = ROOT / "src" / "cleaner" / "html" / "blocks_model.json"
THRESHOLDS = [round(0.2 + 0.025 * i, 3) for i in range(21)]


def _bench() -> Any:
    """``bench/web_eval.py``, whose split (``half``) and scorer (``scorer``) the training shares."""
    spec = importlib.util.spec_from_file_location("web_eval_bench", ROOT / "bench" / "web_eval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _bench()
half, scorer = BENCH.half, BENCH.scorer


def label(score: Any, text: str, truth_squashed: str, truth_bigrams: set[tuple[str, str]]) -> int:
    toks = score.TOKEN.findall(score.unicodedata.normalize("NFKC", text).lower())
    if not toks:
        return 0
    if len(toks) < 4:
        return int(score.squash(text) in truth_squashed)
    grams = list(itertools.pairwise(toks))
    return int(sum(g in truth_bigrams for g in grams) >= 0.5 * len(grams))


def page_rows(score: Any, raw: bytes, truth: str) -> tuple[list[Any], list[list[float]], list[int], list[float]]:
    from cleaner.html.blocks import read_blocks
    from cleaner.html.charset import decode
    from cleaner.html.extract import ExtractionError, parse, stylesheet
    from cleaner.html.select import context

    decoded = decode(raw)
    if decoded is None:
        return [], [], [], []
    html = decoded[0]
    try:
        root = parse(html)
    except ExtractionError:
        return [], [], [], []
    blocks = [b for b in read_blocks(root, stylesheet(root), len(html)) if b.visible]
    rows = context(blocks)[0]
    toks = score.TOKEN.findall(score.unicodedata.normalize("NFKC", truth).lower())
    bigrams = set(itertools.pairwise(toks))
    squashed = score.squash(truth)
    labels = [label(score, b.visible, squashed, bigrams) for b in blocks]
    weights = [max(1, len(score.TOKEN.findall(b.visible.lower()))) ** 0.5 for b in blocks]
    return blocks, rows, labels, weights


def fit(rows: list[list[float]], labels: list[int], weights: list[float]) -> tuple[list[float], float]:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = np.asarray(rows, dtype=float)
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit((x - mean) / std, np.asarray(labels), sample_weight=np.asarray(weights))
    coef = model.coef_[0] / std
    bias = float(model.intercept_[0] - (model.coef_[0] * mean / std).sum())
    return [round(float(c), 6) for c in coef], round(bias, 6)


def best_threshold(score: Any, pages: list[tuple[list[Any], list[float], str]]) -> tuple[float, float]:
    by_t = {}
    for t in THRESHOLDS:
        f1 = [score.prf("\n\n".join(b.text for b, p in zip(blocks, probs, strict=True) if p >= t), truth)[2]
              for blocks, probs, truth in pages]
        by_t[t] = statistics.mean(f1)
    best = max(by_t, key=lambda t: by_t[t])
    return best, by_t[best]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail when the shipped model is not what a refit gives")
    a = ap.parse_args(argv)
    if not WEB_EVAL.is_dir():
        print(f"{WEB_EVAL} is not present; nothing to train on", file=sys.stderr)
        return 0
    from cleaner.html.features import FEATURES
    from cleaner.html.model import BlockModel

    score = scorer()
    data = []
    for path in sorted((CORPUS / "html").glob("*.html.gz")):
        pid = path.name[: -len(".html.gz")]
        truth_file = CORPUS / "articles" / f"{pid}.txt"
        if half(pid) == "dev" and truth_file.exists():
            truth = truth_file.read_text(encoding="utf-8")
            data.append((page_rows(score, gzip.decompress(path.read_bytes()), truth), truth))
    corpus_pages = len(data)
    for path in sorted((WEB_EVAL / "pages").glob("*.html.gz")):
        pid = path.name.split(".")[0]
        if half(pid) != "dev":
            continue
        truth = json.loads((WEB_EVAL / "truth" / f"{pid}.json").read_text(encoding="utf-8"))["main_content"]
        data.append((page_rows(score, gzip.decompress(path.read_bytes()), truth), truth))
    rows = [r for (_b, rs, _l, _w), _t in data for r in rs]
    labels = [y for (_b, _r, ls, _w), _t in data for y in ls]
    weights = [w for (_b, _r, _l, ws), _t in data for w in ws]
    coef, bias = fit(rows, labels, weights)
    model = BlockModel(tuple(coef), bias, 0.5)
    scored = [(blocks, [model.probability(r) for r in rs], truth) for (blocks, rs, _l, _w), truth in data]
    threshold, f1 = best_threshold(score, scored)
    print(f"{len(data)} dev pages ({corpus_pages} of the corpus), {len(rows)} blocks ({sum(labels)} content); "
          f"threshold {threshold}: mean page F1 {f1:.3f} (block text only, before the pipeline)")
    for name, w in sorted(zip(FEATURES, coef, strict=True), key=lambda x: -abs(x[1])):
        print(f"  {name:24s} {w:+.3f}")
    out = {"features": list(FEATURES), "weights": coef, "bias": bias, "threshold": threshold,
           "trained_on": "dev halves (sha1(page id)[0] even) of web-eval and the corpus", "pages": len(data),
           "blocks": len(rows)}
    text = json.dumps(out, indent=1) + "\n"
    if a.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print("shipped model matches a refit" if same else f"{OUT} differs from a refit")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
