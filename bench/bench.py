#!/usr/bin/env python3
"""Benchmark of the default pipeline and of ``cleaner run`` (a script, never a timed test).

    make bench                      # or: .venv/bin/python bench/bench.py [--mb 20] [--profile]

On the shared corpus (``../shared/corpus/articles``, replicated to at least ``--mb`` MB) it prints:

- the **floor**: ``json.loads`` of a record + one ``regex`` ``\\w+`` pass, in MB/s on one core;
- the **default pipeline** in one process (MB/s per core) and its ratio to the floor (each the
  best of ``--repeat`` passes: load from other processes only ever slows a pass);
- **per stage**: the shared analysis (script + language), each rule's detector, resolve+apply —
  MB/s of each alone, so every stage's cost is visible (the typo stage in particular);
- **startup**: import + pipeline build, in a fresh process;
- **scaling**: wall time of ``cleaner run --jobs 1`` vs ``--jobs 2`` on a folder of text files: first
  into an empty OUT, then ``--force`` reruns into the same OUT (alternated, ``--repeat`` times each,
  the fastest of each counts; a rerun leaves unchanged cleaned files in place), the time inside the
  run, and the same from CPU seconds;
- **memory**: peak RSS of a worker (reported by the run) and of the whole run.

MB = 10^6 bytes of UTF-8 article text. Replication warms per-word caches after the first copy
(the corpus has 181 articles); the first pass over the unique articles is shown as "cold".
Targets (issue 5): >= 10 MB/s per core (<= 4x floor), jobs 2 >= 1.7x jobs 1, startup <= 1 s,
<= 400 MB per worker.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "articles"
MB = 1e6


def build_inputs(corpus: Path, mb: float, where: Path) -> tuple[Path, Path, list[str]]:
    """``feed.jsonl`` and a ``files/`` folder, both the corpus replicated to at least ``mb`` MB."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
    if not texts:
        sys.exit(f"bench: no articles in {corpus}")
    feed, files = where / "feed.jsonl", where / "files"
    files.mkdir()
    docs: list[str] = []
    size = 0
    with feed.open("w", encoding="utf-8") as f:
        while size < mb * MB:
            for text in texts:
                n = len(docs)
                docs.append(text)
                size += len(text.encode())
                f.write(json.dumps({"id": f"d{n}", "text": text}, ensure_ascii=False) + "\n")
                (files / f"{n // 1000:03d}").mkdir(exist_ok=True)
                (files / f"{n // 1000:03d}" / f"d{n}.txt").write_text(text, encoding="utf-8")
    return feed, files, docs


def floor(feed: Path) -> tuple[float, float]:
    import regex

    word = regex.compile(r"\w+")
    nbytes = 0
    t = time.process_time()
    with feed.open(encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            word.findall(text)
            nbytes += len(text.encode())
    return nbytes / MB, time.process_time() - t


def startup() -> dict[str, float]:
    code = (
        "import time; t0 = time.perf_counter(); import cleaner; t1 = time.perf_counter(); "
        "p = cleaner.Pipeline.default(); t2 = time.perf_counter(); p.clean('A first document.'); "
        "t3 = time.perf_counter(); "
        "import json; print(json.dumps({'import_s': t1 - t0, 'build_s': t2 - t1, 'first_doc_s': t3 - t2}))"
    )
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    got: dict[str, float] = json.loads(out.stdout)
    got["process_s"] = time.perf_counter() - t
    return got


def pipeline_pass(docs: list[str]) -> tuple[float, float]:
    from cleaner import Document, Pipeline

    p = Pipeline.default()
    nbytes = sum(len(d.encode()) for d in docs)
    t = time.process_time()
    for i, text in enumerate(docs):
        p.clean(Document(text, id=str(i)))
    return nbytes / MB, time.process_time() - t


def stages(docs: list[str]) -> tuple[dict[str, float], float]:
    """Seconds per stage over ``docs``: analysis, each detector, resolve + apply."""
    from cleaner import Document, Pipeline, actions
    from cleaner.analysis import Analysis
    from cleaner.spans import resolve

    p = Pipeline.default()
    spent: dict[str, float] = defaultdict(float)
    clock = time.process_time
    for i, text in enumerate(docs):
        doc = Document(text, id=str(i))
        t = clock()
        a = Analysis(doc)
        _ = a.lang, a.script, a.chars  # what every document needs; the rest is computed on demand
        spent["(analysis: characters, scripts, language)"] += clock() - t
        found = []
        for det in p.detectors:
            t = clock()
            try:
                found.extend(det.detect(doc, a))
            except TimeoutError:
                pass
            spent[det.rule.id] += clock() - t
        t = clock()
        kept, _dropped = resolve(p._policy(s) for s in found)
        actions.replay(doc.text, actions.plan(doc.text, kept))
        spent["(resolve + apply)"] += clock() - t
    return dict(spent), sum(len(d.encode()) for d in docs) / MB


def cleaner_run(files: Path, jobs: int, where: Path) -> dict[str, float]:
    out = where / f"out-jobs{jobs}"
    exe = Path(sys.executable).with_name("cleaner")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([str(exe), "run", str(files), "-o", str(out), "--jobs", str(jobs), "--quiet", "--force"], check=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = json.loads((out / "summary.json").read_text())
    t = summary["timings"]
    critical = max([t["main_cpu_s"], *t["worker_cpu_s"]]) if jobs > 1 else t["main_cpu_s"]
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "critical_cpu_s": critical,
        "all_cpu_s": t["main_cpu_s"] + (sum(t["worker_cpu_s"]) if jobs > 1 else 0),
        "docs": summary["documents"],
        "worker_rss_mb": summary["timings"]["worker_peak_rss_mb"],
        "run_mb_per_s": summary["timings"]["mb_per_s"],
        "run_s": summary["timings"]["seconds"],  # inside the run: warm-up, pool, work, report
        "any_process_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def machine_scaling(repeat: int) -> float:
    """What two processes gain over one on this machine right now (pure CPU, no I/O): the ceiling
    for ``--jobs 2``, and a measure of how much other load is taking."""
    from concurrent.futures import ProcessPoolExecutor

    best = {1: float("inf"), 2: float("inf")}
    for _ in range(repeat):
        for jobs in (1, 2):
            t = time.perf_counter()
            with ProcessPoolExecutor(jobs) as ex:
                list(ex.map(_burn, [2_000_000] * 16))
            best[jobs] = min(best[jobs], time.perf_counter() - t)
    return best[1] / best[2]


def profile(docs: list[str], top: int) -> None:
    from cleaner import Document, Pipeline

    p = Pipeline.default()
    prof = cProfile.Profile()
    prof.enable()
    for i, text in enumerate(docs):
        p.clean(Document(text, id=str(i)))
    prof.disable()
    print(f"\n== profile of the default pipeline on {len(docs)} documents (cProfile, by own time)")
    pstats.Stats(prof).sort_stats("tottime").print_stats(top)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--mb", type=float, default=20.0, help="replicate the corpus to at least this many MB")
    ap.add_argument("--profile", action="store_true", help="also print a cProfile of the pipeline (unique docs)")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--repeat", type=int, default=3,
                    help="passes of the floor and the pipeline, cleaner runs per --jobs value (the fastest counts)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="cleaner-bench-") as tmp:
        where = Path(tmp)
        feed, files, docs = build_inputs(a.corpus, a.mb, where)
        unique = len(list(a.corpus.glob("*.txt")))
        total_mb = sum(len(d.encode()) for d in docs) / MB
        print(
            f"input: {len(docs)} documents, {total_mb:.1f} MB ({unique} unique articles replicated); "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start"
        )
        if os.getloadavg()[0] > 0.5:
            print("  warning: other processes are using the CPU; wall-clock figures (scaling) are unreliable")
        st = startup()
        ready = st["import_s"] + st["build_s"] + st["first_doc_s"]
        print(
            f"startup: import {st['import_s']:.2f} s + pipeline build {st['build_s']:.2f} s + first document "
            f"(lazy loads) {st['first_doc_s']:.2f} s = {ready:.2f} s; whole process {st['process_s']:.2f} s  "
            f"[{verdict(ready <= 1.0)}: <= 1 s]"
        )
        # each figure is the best of --repeat passes: other load on the machine only ever slows a pass.
        # The floor and pipeline passes alternate, so that both figures come from the same minutes of
        # a VM whose speed drifts (one after the other, the ratio moved by 10 % on the same code).
        cold_mb, cold_s = pipeline_pass(docs[:unique])
        passes = [(floor(feed), pipeline_pass(docs)) for _ in range(a.repeat)]
        fmb, fs = min((f for f, _ in passes), key=lambda r: r[1])
        pmb, ps = min((p for _, p in passes), key=lambda r: r[1])
        floor_rate, rate = fmb / fs, pmb / ps
        print(f"floor (json.loads + regex \\w+): {floor_rate:.1f} MB/s")
        print(
            f"default pipeline, 1 core: {rate:.2f} MB/s ({len(docs) / ps:.0f} docs/s), "
            f"cold first pass {cold_mb / cold_s:.2f} MB/s  [{verdict(rate >= 10)}: >= 10 MB/s per core]; "
            f"ratio to floor {floor_rate / rate:.1f}x  [{verdict(floor_rate / rate <= 4)}: <= 4x floor]"
        )
        spent, smb = stages(docs[: max(unique, len(docs) // 4)])
        total = sum(spent.values())
        print(f"\nper stage on {smb:.1f} MB (each stage alone; share of the pipeline's time):")
        for name, sec in sorted(spent.items(), key=lambda kv: -kv[1]):
            print(f"  {name:45s} {smb / sec if sec else float('inf'):9.2f} MB/s  {100 * sec / total:5.1f} %")
        runs = [cleaner_run(files, jobs, where) for _ in range(a.repeat) for jobs in (1, 2)]
        fresh1, fresh2 = runs[0], runs[1]  # into an empty OUT: every cleaned file is created
        reruns = runs[2:] or runs  # the --force reruns (with --repeat 1, the only run)
        one = min(reruns[0::2], key=lambda r: r["wall_s"])  # the least disturbed of each, alternated
        two = min(reruns[1::2], key=lambda r: r["wall_s"])
        speedup = one["wall_s"] / two["wall_s"]
        print(
            f"\ncleaner run into an empty OUT: --jobs 1 {fresh1['wall_s']:.1f} s, --jobs 2 {fresh2['wall_s']:.1f} s "
            f"({fresh1['wall_s'] / fresh2['wall_s']:.2f}x); then --force reruns into the same OUT (unchanged "
            f"cleaned files are left in place), fastest of {len(reruns) // 2}:"
        )
        print(
            f"cleaner run on {len(docs)} files: --jobs 1 {one['wall_s']:.1f} s "
            f"({total_mb / one['wall_s']:.2f} MB/s; "
            f"{total_mb / one['cpu_s']:.2f} MB per CPU-second, batch overhead included), --jobs 2 "
            f"{two['wall_s']:.1f} s ({total_mb / two['wall_s']:.2f} MB/s): {speedup:.2f}x  "
            f"[{verdict(speedup >= 1.7)}: >= 1.7x]"
        )
        rounds = [r1["wall_s"] / r2["wall_s"] for r1, r2 in zip(reruns[0::2], reruns[1::2], strict=True)]
        if len(rounds) > 1:  # each rerun round alone (--jobs 1 then --jobs 2, a minute apart at most)
            print("  the reruns round by round: " + ", ".join(f"{r:.2f}x" for r in rounds)
                  + f"; median {statistics.median(rounds):.2f}x")
        print(
            f"  inside the run (after interpreter start, imports and rule build): --jobs 1 {one['run_s']:.2f} s, "
            f"--jobs 2 {two['run_s']:.2f} s ({one['run_s'] / two['run_s']:.2f}x); the rest is the serial start"
        )
        ceiling = machine_scaling(a.repeat)
        print(f"  the machine itself gives {ceiling:.2f}x with two processes right now (pure CPU, same run)")
        est = one["critical_cpu_s"] / two["critical_cpu_s"]
        print(
            f"  CPU seconds (immune to other load): --jobs 1 {one['all_cpu_s']:.1f} s; --jobs 2 "
            f"{two['all_cpu_s']:.1f} s in all, busiest process {two['critical_cpu_s']:.1f} s -> {est:.2f}x "
            f"on two idle cores"
        )
        print(
            f"peak RSS: worker {two['worker_rss_mb']:.0f} MB (jobs 2), "
            f"in-process run {one['worker_rss_mb']:.0f} MB; "
            f"largest process of all runs {two['any_process_rss_mb']:.0f} MB  "
            f"[{verdict(two['worker_rss_mb'] <= 400)}: <= 400 MB per worker]"
        )
        if a.profile:
            profile(docs[:unique], a.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
