#!/usr/bin/env python3
"""Benchmark of the Ray Data path against ``cleaner run`` (a script, never a timed test).

    .venv/bin/python bench/ray_bench.py [--mb 8] [--files 8] [--actors 2] [--jobs 2]

Needs the extra (``pip install "cleaner[ray]"``). On the shared corpus (``../shared/corpus/articles``,
replicated to at least ``--mb`` MB and split into ``--files`` JSONL files, plus the same as Parquet)
it prints:

- **startup**: ``ray.init`` of a local cluster, and a one-record job (actor start, pipeline build,
  first clean, write, read-back of the verdicts): the fixed cost of every ``run``;
- **throughput**: ``run(format="jsonl"|"parquet", actors=N)`` end to end, in MB/s, and the same
  without the fixed cost of a one-record job (the marginal rate a big job approaches); the share of
  the read-back that counts verdicts;
- **the same data through** ``cleaner run --jobs N`` (a fresh process, its own startup included,
  and with the startup of a one-record run taken off), and ``cleaner ray`` as a user runs it
  (a fresh process that starts and stops its own cluster);
- **agreement**: cleaned text, verdict and annotations of every document, Ray vs ``cleaner run``.

MB = 10^6 bytes of UTF-8 article text. Machine: 2 cores, so the local cluster gets ``actors + 1``
logical CPUs (see ``cleaner.engines.ray_data._warn_if_starved``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "articles"
CLEANER = Path(sys.executable).with_name("cleaner")
MB = 1e6


def build_inputs(mb: float, files: int, where: Path) -> tuple[Path, Path, float, int]:
    """``jsonl/`` (``files`` files) and ``parquet/`` (one file per JSONL file): the corpus replicated."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    if not texts:
        sys.exit(f"ray_bench: no articles in {CORPUS}")
    records, size = [], 0
    while size < mb * MB:
        for text in texts:
            records.append({"id": f"d{len(records)}", "text": text})
            size += len(text.encode())
    jsonl, parquet = where / "jsonl", where / "parquet"
    jsonl.mkdir()
    parquet.mkdir()
    for i in range(files):
        part = records[i::files]
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part)
        (jsonl / f"part-{i:02d}.jsonl").write_text(lines, encoding="utf-8")
        pq.write_table(pa.Table.from_pylist(part), parquet / f"part-{i:02d}.parquet")
    return jsonl, parquet, size / MB, len(records)


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - t0


def shell(*argv: str) -> float:
    _, seconds = timed(subprocess.run, argv, check=False, capture_output=True)
    return seconds


def ray_figures(a: argparse.Namespace, jsonl: Path, parquet: Path, one: Path, work: Path, mb: float) -> None:
    """Each job ``--repeat`` times on one cluster, alternated; the fastest counts (a shared 2-core VM)."""
    import logging

    import ray

    from cleaner.engines.ray_data import count_verdicts, run

    _, init = timed(ray.init, num_cpus=a.actors + 1, include_dashboard=False, logging_level="WARNING",
                    log_to_driver=False)
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    print(f"startup   ray.init (local cluster, {a.actors + 1} CPUs): {init:.2f} s")
    best: dict[str, float] = {}
    for n in range(a.repeat):
        for name, folder, fmt in (("one", one, "jsonl"), ("jsonl", jsonl, "jsonl"), ("parquet", parquet, "parquet")):
            summary = run(folder, work / f"ray-{name}", format=fmt, actors=a.actors, overwrite=True)
            _, count = timed(count_verdicts, str(work / f"ray-{name}"), fmt)
            best[name] = min(best.get(name, 1e9), summary.seconds)
            best[name + " count"] = min(best.get(name + " count", 1e9), count)
            print(f"  try {n + 1}: {name:8s} {summary.seconds:6.2f} s (verdict read-back {count:.2f} s); "
                  f"{summary.records} records, {summary.errors} errors")
    fixed = best["one"]
    print(f"startup   one-record job (fixed cost of every run): {fixed:.2f} s")
    for fmt in ("jsonl", "parquet"):
        wall = best[fmt]
        print(f"ray {fmt:8s} {a.actors} actors: {wall:6.2f} s  {mb / wall:5.2f} MB/s end to end, "
              f"{mb / max(wall - fixed, 1e-9):5.2f} MB/s without the fixed cost; "
              f"verdict read-back {best[fmt + ' count']:.2f} s of it")
    ray.shutdown()


def cli_figures(a: argparse.Namespace, jsonl: Path, one: Path, work: Path, mb: float) -> None:
    """Fresh processes, as a user runs them (once each: the process start is part of the figure)."""
    base = shell(str(CLEANER), "run", str(one), "-o", str(work / "run-one"), "--jobs", str(a.jobs), "--quiet")
    wall = shell(str(CLEANER), "run", str(jsonl), "-o", str(work / "run"), "--jobs", str(a.jobs), "--quiet")
    print(f"cleaner run --jobs {a.jobs}: {wall:6.2f} s  {mb / wall:5.2f} MB/s end to end, "
          f"{mb / max(wall - base, 1e-9):5.2f} MB/s without its one-record run ({base:.2f} s)")
    wall = shell(str(CLEANER), "ray", str(jsonl), "-o", str(work / "cli-ray"), "--actors", str(a.actors))
    print(f"cleaner ray --actors {a.actors} (fresh process, own cluster): {wall:6.2f} s  {mb / wall:5.2f} MB/s")


def agreement(work: Path) -> str:
    """Documents whose cleaned text, verdict and annotations are the same in both outputs."""
    def load(lines: list[str]) -> dict[str, tuple[str, str, str]]:
        out = {}
        for line in lines:
            r = json.loads(line)
            out[r["id"]] = (r["text"], r["verdict"], json.dumps(r["annotations"]))
        return out

    run = load((work / "run" / "annotations.jsonl").read_text("utf-8").splitlines())
    files = sorted((work / "ray-jsonl").glob("*.jsonl"))
    ray = load([line for f in files for line in f.read_text("utf-8").splitlines()])
    same = sum(1 for k, v in run.items() if ray.get(k) == v)
    return f"agreement: {same}/{len(run)} documents identical (text, verdict, annotations); Ray has {len(ray)}"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mb", type=float, default=8.0, help="replicate the corpus to at least this many MB")
    p.add_argument("--files", type=int, default=8, help="JSONL/Parquet files to split the input into")
    p.add_argument("--actors", type=int, default=2)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--repeat", type=int, default=3, help="tries of each Ray job; the fastest counts")
    a = p.parse_args()
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")  # a throwaway local cluster: no token file in $HOME
    with tempfile.TemporaryDirectory(prefix="ray-bench-") as tmp:
        work = Path(tmp)
        jsonl, parquet, mb, docs = build_inputs(a.mb, a.files, work)
        one = work / "one.jsonl"
        one.write_text(json.dumps({"id": "one", "text": "A calm day at the harbour."}) + "\n")
        print(f"input: {docs} documents, {mb:.2f} MB in {a.files} JSONL files (and as Parquet), {os.cpu_count()} cores")
        ray_figures(a, jsonl, parquet, one, work, mb)
        cli_figures(a, jsonl, one, work, mb)
        print(agreement(work))


if __name__ == "__main__":
    main()
