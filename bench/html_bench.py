"""Speed of the HTML path on the real corpus pages, against a floor measured in the same run.

    .venv/bin/python bench/html_bench.py [--repeat N] [--pages corpus|web-eval|both] [--ratio-only]

Floor: one ``regex`` word-tokenising pass (``\\w+`` findall) over each page's decoded HTML, the
cheapest thing that looks at every character. Reported beside it, each as pages/s, MB/s of HTML
and the ratio to the floor: a bare lxml parse, a BeautifulSoup+lxml parse (for scale), the reader
(decode + parse + extract + hidden regions: ``Document`` out), and reader + the ``html_hidden`` rule
(what the issue calls the HTML path), and reader + the whole default pipeline (all detectors).
When trafilatura is installed (it is not a dependency: ``pip install trafilatura``), its
``extract(html)`` runs on the same pages in the same run, and the HTML path's speed is printed as a
ratio to it (issue 13: at least 2x). Pages are read into memory first (gunzip not timed); peak RSS
is printed at the end. Reads ../shared/corpus and ../shared/web-eval (publishers' text, never copied).
"""

from __future__ import annotations

import argparse
import gzip
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import regex

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "html"
WEB_EVAL = ROOT.parent / "shared" / "web-eval" / "pages"
WORD = regex.compile(r"\w+")


def timed(pages: list[bytes], fn: Callable[[bytes], Any]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one pass of ``fn`` over the pages."""
    wall, cpu = time.perf_counter(), time.process_time()
    for page in pages:
        fn(page)
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept")
    ap.add_argument("--pages", choices=("corpus", "web-eval", "both"), default="corpus")
    ap.add_argument("--ratio-only", action="store_true",
                    help="only the floor, the HTML path and trafilatura (the issue's ratio), alternated")
    a = ap.parse_args(argv)
    folders = {"corpus": [CORPUS], "web-eval": [WEB_EVAL], "both": [CORPUS, WEB_EVAL]}[a.pages]
    if not all(f.is_dir() for f in folders):
        print(f"{' or '.join(map(str, folders))} is not present; nothing to measure", file=sys.stderr)
        return 0
    from bs4 import BeautifulSoup
    from lxml import etree

    from cleaner.errors import InputError
    from cleaner.html.charset import decode
    from cleaner.pipeline import Pipeline
    from cleaner.readers import html_document
    from cleaner.rules import load_rules

    pages = [gzip.decompress(p.read_bytes()) for folder in folders for p in sorted(folder.glob("*.html.gz"))]
    mb = sum(map(len, pages)) / 1e6
    hidden = Pipeline([r for r in load_rules() if r.kind == "hidden"])
    full = Pipeline.default()

    def doc(page: bytes) -> Any:
        decoded = decode(page)
        try:
            return html_document(decoded.text if decoded else "", id="p", source="p")
        except InputError:  # a page with no text is an error line in a run: timed all the same
            return "page without text"

    cases: list[tuple[str, Callable[[bytes], Any]]] = [
        ("floor: decode + regex \\w+ pass", lambda p: WORD.findall(p.decode("utf-8", "replace"))),
        ("lxml parse", lambda p: etree.fromstring(p, etree.HTMLParser())),
        ("bs4 + lxml parse", lambda p: BeautifulSoup(p, "lxml")),
        ("reader (Document out)", doc),
        ("HTML path: reader + html_hidden", lambda p: hidden.clean(doc(p))),
        ("reader + default pipeline", lambda p: full.clean(doc(p))),
    ]
    try:
        import trafilatura
    except ImportError:
        trafilatura = None
    if trafilatura is not None:
        cases.append(("trafilatura extract(html)", lambda p: trafilatura.extract(p)))
    if a.ratio_only:
        cases = [c for c in cases if c[0].startswith(("floor", "HTML path", "trafilatura"))]
    print(f"{len(pages)} pages, {mb:.1f} MB of HTML, best of {a.repeat}; the cases take turns in each round, so that"
          f" a change of the machine's load between rounds touches them all; wall clock, then CPU seconds")
    took = {name: (float("inf"), float("inf")) for name, _fn in cases}
    for _ in range(a.repeat):
        for name, fn in cases:
            wall, cpu = timed(pages, fn)
            took[name] = (min(took[name][0], wall), min(took[name][1], cpu))
    floor = took[cases[0][0]][0]
    for name, _fn in cases:
        seconds, cpu = took[name]
        print(f"{name:34s} {seconds:7.3f} s  {len(pages) / seconds:8.1f} pages/s  {mb / seconds:7.1f} MB/s"
              f"  {seconds / floor:5.2f}x floor  | CPU {cpu:7.3f} s {mb / cpu:7.1f} MB/s")
    if trafilatura is not None:
        path, traf = took["HTML path: reader + html_hidden"], took["trafilatura extract(html)"]
        print(f"HTML path / trafilatura speed: {traf[0] / path[0]:.2f}x wall clock, {traf[1] / path[1]:.2f}x CPU"
              " (target >= 2x)")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
