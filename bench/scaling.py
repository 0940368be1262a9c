#!/usr/bin/env python3
"""Does the pipeline's time grow with the input's size, and no faster? (a script, never a test)

    .venv/bin/python bench/scaling.py                       # every shape at 1, 5 and 25 MB
    .venv/bin/python bench/scaling.py --sizes 0.1,0.4,1.6 --shapes tld_run,sorry_run --timeout 60

Every shape of ``tests/shapes.py`` (the inputs of issue 14 and more: one long document of the
corpus, the same on one line, thousands of one-character edits, link and lexicon pile-ups, runs of
invisible characters, HTML pages with many hidden elements or attributes) is cleaned by the default
pipeline at three sizes; HTML shapes stop at the page cap (``--max-html-bytes``, 8 MiB) and their
time includes reading the page; shapes made of edits stop at 5 MB (``shapes.EDITS_CAP``: 25 MB of
one-character edits would be 12.5 million annotations, gigabytes of output). The pipeline runs
without time budgets (``doc_timeout=0, rule_timeout=0``): the figures are the code's own growth.
Each measurement runs in a fresh process that first cleans a small
piece of the same shape (so lexicons and lazy imports are loaded), then times one ``clean`` in CPU
seconds; one that runs past ``--timeout`` is killed and shown as ``>T``.

Printed per shape and size: seconds per MB; per shape: the growth exponent (the slope of log t
against log n over the sizes measured: 1 is linear, 2 quadratic) and the ratio of its s/MB at the
largest size to the corpus's s/MB as separate records (the 181 articles, each one document).
With ``--ref-each`` the reference is measured again right after each shape (shown in the last column)
and the shape's ratio is to that one: on a machine shared with other work, whose speed changes from
minute to minute, a ratio of figures of the same minutes.
Targets (issue 14): every exponent <= 1.15; no shape slower than 5x the corpus's s/MB.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import shapes  # noqa: E402  (tests/shapes.py: the generators the scaling tests use too)

MB = shapes.MB
HTML_CAP = 8 * 1024 * 1024  # ReadOptions.max_html_bytes


def measure(name: str, size: int) -> dict[str, float]:
    """In this process: clean one ``size``-byte input of shape ``name``; CPU seconds and bytes."""
    import resource

    from cleaner import Pipeline
    from cleaner.errors import InputError
    from cleaner.readers import read_input

    shape = shapes.BY_NAME[name]
    pipeline = Pipeline.from_rules(doc_timeout=0, rule_timeout=0)  # the growth itself, not where a budget cuts it

    def run(text: str) -> tuple[float, int, list[dict[str, str]]]:
        t = time.process_time()
        if shape.html:
            with tempfile.TemporaryDirectory() as tmp:
                page = Path(tmp) / "page.html"
                page.write_text(text, encoding="utf-8")
                docs = list(read_input(page, "page.html"))
        else:
            docs = [text]
        errors = []
        for doc in docs:
            if isinstance(doc, InputError):  # a page over the cap, say
                errors.append({"code": doc.code})
                continue
            errors += pipeline.clean(doc).errors
        return time.process_time() - t, len(text.encode("utf-8", "surrogatepass")), errors

    run(shape.make(20_000))  # what loads on first use is loaded now
    seconds, nbytes, errors = run(shape.make(size))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "bytes": nbytes, "rss_mb": rss, "errors": sorted({e["code"] for e in errors})}


def measure_records(limit: int) -> dict[str, float]:
    """The corpus as separate records (each article one document): the reference s/MB."""
    from cleaner import Pipeline

    pipeline = Pipeline.default()
    texts = shapes.corpus_texts()
    pipeline.clean(texts[0])
    total, nbytes = 0.0, 0
    while nbytes < limit:
        t = time.process_time()
        for text in texts:
            pipeline.clean(text)
        total += time.process_time() - t
        nbytes += sum(len(x.encode()) for x in texts)
    return {"seconds": total, "bytes": nbytes}


def in_child(args: list[str], timeout: float) -> dict[str, float] | None:
    """Run this script with ``args`` in a fresh process; None when it ran past ``timeout``."""
    try:
        out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, timeout=timeout,
                             check=True)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as e:
        sys.exit(f"scaling: {' '.join(args)} failed:\n{e.stderr}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def exponent(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(seconds) over log(bytes)."""
    pts = [(math.log(n), math.log(max(t, 1e-4))) for n, t in points]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    var = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / var if var else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1,5,25", help="sizes in MB (10^6 bytes), comma-separated")
    ap.add_argument("--shapes", default="", help="comma-separated shape names (default: all)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds before one measurement is given up")
    ap.add_argument("--json", default="", help="also write the figures to this file")
    ap.add_argument("--ref-each", action="store_true",
                    help="measure the reference again before each shape (2 MB) and give each shape's ratio to "
                         "its own: on a shared machine whose load changes, the ratio of figures of the same minutes")
    ap.add_argument("--one", nargs=2, metavar=("SHAPE", "BYTES"), help=argparse.SUPPRESS)
    ap.add_argument("--records", type=int, metavar="BYTES", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(measure(a.one[0], int(a.one[1]))))
        return
    if a.records:
        print(json.dumps(measure_records(a.records)))
        return
    sizes = [int(float(x) * MB) for x in a.sizes.split(",")]
    chosen = [shapes.BY_NAME[n] for n in a.shapes.split(",")] if a.shapes else list(shapes.SHAPES)
    ref = in_child(["--records", str(5 * MB)], a.timeout)
    assert ref is not None, "the corpus as records ran past --timeout"
    ref_spm = ref["seconds"] / (ref["bytes"] / MB)
    print(f"reference: the corpus as separate records, {ref['bytes'] / MB:.1f} MB: {ref_spm:.3f} s/MB "
          f"({1 / ref_spm:.1f} MB/s)\n")
    head = " ".join(f"{s / MB:>9.2f}" for s in sizes)
    print(f"{'shape':22s} {head}  MB → s/MB   exponent  ×corpus  errors / peak RSS")
    table: dict[str, dict[str, object]] = {}
    for shape in chosen:
        cells, points, last_spm, notes = [], [], None, set()
        rss = 0.0
        gave_up = False
        for size in sizes:
            size = min(size, HTML_CAP - 64 * 1024 if shape.html else shape.cap or size)  # a page just under the cap
            r = None if gave_up else in_child(["--one", shape.name, str(size)], a.timeout)
            if r is None:
                cells.append(f"{'>' + format(a.timeout, '.0f') + 's':>9s}")
                gave_up = True
                continue
            spm = r["seconds"] / (r["bytes"] / MB)
            points.append((int(r["bytes"]), r["seconds"]))
            cells.append(f"{spm:9.3f}")
            last_spm = spm
            rss = max(rss, r["rss_mb"])
            notes.update(r["errors"])
        k = exponent(points)
        shape_ref = ref_spm
        if a.ref_each:
            again = in_child(["--records", str(2 * MB)], a.timeout)
            assert again is not None, "the corpus as records ran past --timeout"
            shape_ref = again["seconds"] / (again["bytes"] / MB)
            notes.add(f"ref {shape_ref:.3f}")
        ratio = last_spm / shape_ref if last_spm is not None else None
        exp_s = f"{k:8.2f}" if k is not None else f"{'-':>8s}"
        ratio_s = f"{ratio:7.1f}×" if ratio is not None else f"{'-':>8s}"
        print(f"{shape.name:22s} {' '.join(cells)}  {'':9s}{exp_s}  {ratio_s}  "
              f"{','.join(sorted(notes)) or '-'} / {rss:.0f} MB", flush=True)
        table[shape.name] = {"points": points, "exponent": k, "ratio": ratio, "reference": shape_ref,
                             "errors": sorted(notes),
                             "gave_up": gave_up, "stresses": shape.stresses}
    if a.json:
        Path(a.json).write_text(json.dumps({"reference_s_per_mb": ref_spm, "shapes": table}, indent=1))


if __name__ == "__main__":
    main()
