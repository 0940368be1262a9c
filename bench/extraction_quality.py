"""Extraction quality on the real corpus: token precision/recall/F1 of the HTML reader's text
against the ground-truth article bodies, per page and mean/median over all pages.

    .venv/bin/python bench/extraction_quality.py [--pages] [--worst N] [--raw]

Tokens are ``\\w+`` runs after NFKC + lowercase, counted as a bag (a token found twice in the truth
and once in the output counts once). By default the *cleaned* text is scored (hidden regions
removed by the ``hidden.html_hidden`` rule, as a user receives it); ``--raw`` scores
``Document.text`` as the reader gives it. Reads ../shared/corpus (publishers' text, never copied).
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
TOKEN = regex.compile(r"\w+")


def tokens(text: str) -> Counter[str]:
    return Counter(TOKEN.findall(unicodedata.normalize("NFKC", text).lower()))


def prf(predicted: str, truth: str) -> tuple[float, float, float]:
    """Bag-of-tokens precision, recall and F1 of ``predicted`` against ``truth``."""
    p, t = tokens(predicted), tokens(truth)
    overlap = sum((p & t).values())
    precision = overlap / max(1, sum(p.values()))
    recall = overlap / max(1, sum(t.values()))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def pages(corpus: Path = CORPUS) -> list[tuple[str, Path, Path]]:
    """``(id, html.gz, truth.txt)`` for every page that has a ground truth."""
    out = []
    for html in sorted((corpus / "html").glob("*.html.gz")):
        pid = html.name[: -len(".html.gz")]
        truth = corpus / "articles" / f"{pid}.txt"
        if truth.exists():
            out.append((pid, html, truth))
    return out


def page_text(html: Path, cleaned: bool) -> str:
    from cleaner.document import Document
    from cleaner.readers import read_input

    [doc] = list(read_input(html, html.name))
    if not isinstance(doc, Document):
        return ""
    if not cleaned:
        return doc.text
    return _hidden_pipeline().clean(doc).text


_PIPELINE = None


def _hidden_pipeline():  # type: ignore[no-untyped-def]
    global _PIPELINE
    if _PIPELINE is None:
        from cleaner.pipeline import Pipeline
        from cleaner.rules import load_rules

        _PIPELINE = Pipeline([r for r in load_rules() if r.kind == "hidden"])
    return _PIPELINE


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", action="store_true", help="print every page's figures")
    ap.add_argument("--worst", type=int, default=10, help="print the N pages with the lowest F1")
    ap.add_argument("--raw", action="store_true", help="score Document.text, not the cleaned text")
    a = ap.parse_args(argv)
    if not (CORPUS / "html").is_dir():
        print(f"{CORPUS} is not present; nothing to measure", file=sys.stderr)
        return 0
    rows = []
    for pid, html, truth in pages():
        rows.append((pid, *prf(page_text(html, not a.raw), truth.read_text(encoding="utf-8"))))
    if a.pages:
        for pid, p, r, f in rows:
            print(f"{pid[:16]}  P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    for pid, p, r, f in sorted(rows, key=lambda x: x[3])[: a.worst]:
        print(f"worst {pid[:16]}  P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    halves = {"all": rows, "dev": [r for r in rows if half(r[0]) == "dev"],
              "held": [r for r in rows if half(r[0]) == "held"]}
    print(f"pages: {len(rows)} (dev half {len(halves['dev'])}, held-out half {len(halves['held'])}; "
          "the block model is fitted on the dev half)")
    print("            " + "".join(f"{h + ' mean':>11s}{h + ' median':>13s}" for h in halves))
    for i, name in enumerate(("precision", "recall", "F1"), 1):
        print(f"{name:10s}  " + "".join(f"{statistics.mean(r[i] for r in got):11.3f}"
                                        f"{statistics.median(r[i] for r in got):13.3f}" for got in halves.values()))
    return 0


def half(pid: str) -> str:
    """``dev`` or ``held``: the half a page belongs to (as ``train/html_blocks.py`` splits)."""
    return "dev" if hashlib.sha1(pid.encode()).digest()[0] % 2 == 0 else "held"


if __name__ == "__main__":
    raise SystemExit(main())
