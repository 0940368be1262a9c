"""Main-content extraction on ../shared/web-eval, split into a development half and a held-out half.

    .venv/bin/python bench/web_eval.py [--hidden-only] [--trafilatura] [--worst N] [--half dev|held]

Each page goes through the reader and the default pipeline (``--hidden-only``: only the hidden rule,
faster), as ``cleaner run`` does, and is scored with web-eval's own ``score.py`` (token precision,
recall and F1 of the cleaned text against the truth's ``main_content``; ``with`` sentences kept).
Pages are split in two by a hash of their id (``sha1(id)[0]`` even: ``dev``, odd: ``held``), so
that a change tuned on one half can be checked on the other; figures are printed for the whole set
and for each half, by page type. ``--trafilatura`` scores trafilatura's ``extract(html)`` on the
same pages beside it (trafilatura must be installed; it is not a dependency) and prints both
systems' MB/s of HTML from the same run. Reads publishers' pages at run time, never copies them.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WEB_EVAL = ROOT.parent / "shared" / "web-eval"
TYPES = ("article", "forum", "service", "product", "documentation", "listing", "collection")


def half(pid: str) -> str:
    """``dev`` or ``held``: the half a page belongs to, by a hash of its id."""
    return "dev" if hashlib.sha1(pid.encode()).digest()[0] % 2 == 0 else "held"


def scorer() -> Any:
    spec = importlib.util.spec_from_file_location("web_eval_score", WEB_EVAL / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cleaner_fn(hidden_only: bool) -> Callable[[Path, bytes], str]:
    from cleaner.document import Document
    from cleaner.pipeline import Pipeline
    from cleaner.readers import read_input
    from cleaner.rules import load_rules

    pipeline = Pipeline([r for r in load_rules() if r.kind == "hidden"]) if hidden_only else Pipeline.default()

    def run(path: Path, raw: bytes) -> str:
        got = list(read_input(path, path.name, raw=raw))
        return pipeline.clean(got[0]).text if got and isinstance(got[0], Document) else ""

    return run


def trafilatura_fn() -> Callable[[Path, bytes], str]:
    import trafilatura

    def run(path: Path, raw: bytes) -> str:
        return trafilatura.extract(gzip.decompress(raw)) or ""

    return run


def score_rows(score: Any, truth: dict[str, Any], outputs: dict[str, str]) -> dict[str, dict[str, float]]:
    rows = {}
    for pid, t in truth.items():
        out = outputs.get(pid, "")
        p, r, f = score.prf(out, t["main_content"])
        squashed = score.squash(out)
        kept = (sum(score.squash(s) in squashed for s in t["with"]) / len(t["with"])) if t.get("with") else None
        rows[pid] = {"p": p, "r": r, "f": f, "with": kept, "empty": not out.strip()}
    return rows


def summary(rows: dict[str, dict[str, Any]], truth: dict[str, Any], pids: list[str]) -> dict[str, Any]:
    f1 = [rows[p]["f"] for p in pids]
    withs = [rows[p]["with"] for p in pids if rows[p]["with"] is not None]
    out: dict[str, Any] = {
        "pages": len(pids), "P": statistics.mean(rows[p]["p"] for p in pids),
        "R": statistics.mean(rows[p]["r"] for p in pids), "F1": statistics.mean(f1),
        "median": statistics.median(f1), "low": sum(x < 0.5 for x in f1) / len(f1),
        "empty": sum(rows[p]["empty"] for p in pids), "with": statistics.mean(withs) if withs else 0.0,
    }
    for t in TYPES:
        got = [rows[p]["f"] for p in pids if truth[p].get("type") == t]
        out[t] = statistics.mean(got) if got else float("nan")
    return out


def print_table(name: str, sums: dict[str, dict[str, Any]]) -> None:
    cols = list(sums)
    print(f"\n{name}")
    print(f"  {'':14s}" + "".join(f"{c:>14s}" for c in cols))
    for key, fmt in (("pages", "{:14d}"), ("P", "{:14.3f}"), ("R", "{:14.3f}"), ("F1", "{:14.3f}"),
                     ("median", "{:14.3f}"), ("low", "{:14.1%}"), ("empty", "{:14d}"), ("with", "{:14.1%}")):
        print(f"  {key:14s}" + "".join(fmt.format(sums[c][key]) for c in cols))
    for t in TYPES:
        print(f"  {t:14s}" + "".join(f"{sums[c][t]:14.3f}" for c in cols))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hidden-only", action="store_true", help="only the hidden rule after the reader")
    ap.add_argument("--trafilatura", action="store_true", help="score trafilatura on the same pages")
    ap.add_argument("--worst", type=int, default=0, help="list the N worst pages of the chosen half")
    ap.add_argument("--half", choices=("dev", "held", "all"), default="dev", help="half for --worst")
    ap.add_argument("--dump", type=Path, help="write each page's output and scores as JSONL here")
    a = ap.parse_args(argv)
    if not WEB_EVAL.is_dir():
        print(f"{WEB_EVAL} is not present; nothing to measure", file=sys.stderr)
        return 0
    score = scorer()
    truth = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((WEB_EVAL / "truth").glob("*.json"))}
    pages = {p.name.split(".")[0]: (p, p.read_bytes()) for p in sorted((WEB_EVAL / "pages").glob("*.html.gz"))}
    mb = sum(len(gzip.decompress(raw)) for _p, raw in pages.values()) / 1e6
    systems = {"cleaner": cleaner_fn(a.hidden_only)}
    if a.trafilatura:
        systems["trafilatura"] = trafilatura_fn()
    results: dict[str, dict[str, dict[str, Any]]] = {}
    outputs_by: dict[str, dict[str, str]] = {}
    for name, fn in systems.items():
        outputs: dict[str, str] = {}
        start = time.process_time()
        for pid, (path, raw) in pages.items():
            outputs[pid] = fn(path, raw)
        seconds = time.process_time() - start
        print(f"{name}: {len(pages)} pages, {mb:.1f} MB of HTML in {seconds:.1f} CPU s: {mb / seconds:.2f} MB/s")
        results[name] = score_rows(score, truth, outputs)
        outputs_by[name] = outputs
    pids = {"all": sorted(truth), "dev": sorted(p for p in truth if half(p) == "dev"),
            "held": sorted(p for p in truth if half(p) == "held")}
    for which, ids in pids.items():
        print_table(f"{which} ({len(ids)} pages)", {n: summary(rows, truth, ids) for n, rows in results.items()})
    rows = results["cleaner"]
    for pid in sorted(pids[a.half], key=lambda p: rows[p]["f"])[: a.worst]:
        r = rows[pid]
        other = f"  traf {results['trafilatura'][pid]['f']:.2f}" if "trafilatura" in results else ""
        print(f"  worst {pid}: P {r['p']:.2f} R {r['r']:.2f} F1 {r['f']:.2f}{other}  {truth[pid].get('type')}  "
              f"{truth[pid].get('url')}")
    if a.dump:
        with a.dump.open("w", encoding="utf-8") as f:
            for pid in sorted(truth):
                f.write(json.dumps({"id": pid, "type": truth[pid].get("type"), "half": half(pid),
                                    **{f"{n}_{k}": v for n in results for k, v in results[n][pid].items()},
                                    **{f"{n}_text": outputs_by[n][pid] for n in outputs_by}},
                                   ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
