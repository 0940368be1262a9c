"""A real ``cleaner run`` killed with SIGKILL (and one stopped with Ctrl-C), then rerun: the result
holds every document exactly once, no torn line, byte-identical to an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from batchkit import article, outputs

CLEANER = [str(Path(sys.executable).with_name("cleaner"))]  # the installed command
RECORDS = 10_000


def _corpus(root: Path) -> Path:
    """Enough work for a few seconds on two cores (about 2 s after the first checkpoint, so the
    signal lands mid-run even on a busy machine): text files and a multi-chunk JSONL file."""
    (root / "docs").mkdir(parents=True)
    for i in range(150):
        (root / "docs" / f"d{i:04d}.txt").write_text(article(i, 6), encoding="utf-8")
    with (root / "feed.jsonl").open("w", encoding="utf-8") as f:
        for i in range(RECORDS):
            f.write(json.dumps({"id": i, "text": article(5000 + i, 3)}) + "\n")
    return root


def _committed(out: Path) -> int:
    """Bytes of annotations.jsonl the manifest has committed (0 until the first checkpoint)."""
    try:
        db = sqlite3.connect(f"file:{out / 'manifest.sqlite'}?mode=ro", uri=True, timeout=0.1)
        row = db.execute("SELECT value FROM meta WHERE key = 'ann_size'").fetchone()
        db.close()
        return int(row[0]) if row else 0
    except sqlite3.Error:
        return 0


def _interrupt(src: Path, out: Path, sig: int) -> subprocess.CompletedProcess[bytes] | None:
    """Start a run, wait for its first checkpoint, send ``sig``; None if it finished first."""
    log = out.with_name(out.name + ".stderr")
    with log.open("wb") as err:  # a file, not a pipe: nothing can keep it open and hang the test
        proc = subprocess.Popen(
            [*CLEANER, "run", str(src), "-o", str(out), "--jobs", "2", "--quiet"],
            stderr=err,
            env={**os.environ, "CLEANER_CHECKPOINT_SECONDS": "0.05"},
        )
    deadline = time.monotonic() + 120
    while _committed(out) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    if proc.poll() is not None:
        return None
    proc.send_signal(sig)
    proc.wait(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, b"", log.read_bytes())


def _finish(src: Path, out: Path) -> dict:
    done = subprocess.run(
        [*CLEANER, "run", str(src), "-o", str(out), "--jobs", "2", "--quiet"],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return json.loads((out / "summary.json").read_text())


def test_kill_9_then_rerun_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    src = _corpus(tmp_path / "in")
    whole = _finish(src, tmp_path / "whole")
    killed = _interrupt(src, tmp_path / "out", signal.SIGKILL)
    assert killed is not None, "the run finished before it could be killed; give it more work"
    assert killed.returncode == -signal.SIGKILL
    summary = _finish(src, tmp_path / "out")
    assert summary["timings"]["skipped_units"] > 0  # it resumed rather than starting over
    assert summary["documents"] == 150 + RECORDS
    assert outputs(tmp_path / "out") == outputs(tmp_path / "whole")
    # the report counts the units of the killed run (read back) and of the rerun alike
    assert {**summary, "timings": None} == {**whole, "timings": None}


def test_ctrl_c_saves_a_checkpoint_and_says_how_to_resume(tmp_path: Path) -> None:
    src = _corpus(tmp_path / "in")
    stopped = _interrupt(src, tmp_path / "out", signal.SIGINT)
    assert stopped is not None, "the run finished before Ctrl-C"
    assert stopped.returncode == 130
    assert stopped.stderr.decode().endswith("cleaner: interrupted; rerun the same command to finish the rest\n")
    summary = _finish(src, tmp_path / "out")
    assert summary["timings"]["skipped_units"] > 0
    _finish(src, tmp_path / "whole")
    assert outputs(tmp_path / "out") == outputs(tmp_path / "whole")


_HALF_SENT = """
import multiprocessing as mp, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from cleaner.batch import _stop

def big(marker):
    open(marker, "w").close()
    return bytes(200_000_000)  # pickled and piped back for a while: long enough to be cut in half

if __name__ == "__main__":
    marker = sys.argv[2]
    ex = ProcessPoolExecutor(1, mp_context=mp.get_context("fork"))
    ex.submit(big, marker)
    while not os.path.exists(marker):
        time.sleep(0.005)
    time.sleep(float(sys.argv[1]))
    _stop(ex)  # what Ctrl-C does; the interpreter then exits, joining the pool's threads
"""


def test_ctrl_c_never_hangs_on_a_result_a_worker_was_sending(tmp_path: Path) -> None:
    """A worker ended mid-way through sending its result must not leave the main process waiting
    for the rest for ever (it did, about once in 30 Ctrl-C runs, before _stop closed the pipe)."""
    script = tmp_path / "half_sent.py"
    script.write_text(_HALF_SENT)
    for delay in ("0.1", "0.2", "0.3"):
        done = subprocess.run([sys.executable, str(script), delay, str(tmp_path / f"m{delay}")],
                              capture_output=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr.decode()
