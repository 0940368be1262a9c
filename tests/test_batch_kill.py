"""A real ``cleaner run`` killed with SIGKILL (and one stopped with Ctrl-C), then rerun: the result
holds every document exactly once, no torn line, byte-identical to an uninterrupted run. And a
worker process killed under a running batch (by hand, or by the document it cleans): the run goes
on, the units it held are retried, one that kills its worker every time is reported (C121)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from batchkit import article, lines, outputs, rebuilt_report
from cleaner import cli, registry
from cleaner.detectors.base import Detector

CLEANER = [str(Path(sys.executable).with_name("cleaner"))]  # the installed command
DOCS, RECORDS = 150, 10_000  # text files, and records of the JSONL file


def _corpus(root: Path) -> Path:
    """Enough work for a few seconds on two cores (about 2 s after the first checkpoint, so the
    signal lands mid-run even on a busy machine): text files and a multi-chunk JSONL file."""
    (root / "docs").mkdir(parents=True)
    for i in range(DOCS):
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
            # as from a terminal: a test run started in the background (``make test &``) ignores SIGINT,
            # and a child inherits an ignored signal, so Ctrl-C would never reach the run
            preexec_fn=_default_sigint,
        )
    deadline = time.monotonic() + 120
    while _committed(out) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    if proc.poll() is not None:
        return None
    proc.send_signal(sig)
    proc.wait(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, b"", log.read_bytes())


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


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
    assert summary["documents"] == DOCS + RECORDS
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


def _workers_of(pid: int) -> list[int]:
    """The child processes of ``pid`` (from /proc: the pool's workers)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def test_kill_9_of_a_worker_costs_the_run_nothing(tmp_path: Path) -> None:
    """``kill -9`` of one worker of a real ``cleaner run`` (as the out-of-memory killer does): the
    run finishes with exit 0, says what happened, and its output equals an uninterrupted run's."""
    src = _corpus(tmp_path / "in")
    whole = _finish(src, tmp_path / "whole")
    out = tmp_path / "out"
    log = tmp_path / "out.stderr"
    with log.open("wb") as err:
        proc = subprocess.Popen([*CLEANER, "run", str(src), "-o", str(out), "--jobs", "2"], stdout=subprocess.DEVNULL,
                                stderr=err, env={**os.environ, "CLEANER_CHECKPOINT_SECONDS": "0.05"})
    deadline = time.monotonic() + 120
    while (_committed(out) == 0 or len(_workers_of(proc.pid)) < 2) and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert proc.poll() is None, "the run finished before a worker could be killed; give it more work"
    os.kill(_workers_of(proc.pid)[0], signal.SIGKILL)
    assert proc.wait(timeout=300) == 0, log.read_text()
    assert log.read_text() == ("cleaner: a worker process died (killed, or out of memory?); the inputs in its "
                               "hands were retried one by one in fresh processes\n")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["timings"]["worker_deaths"] == 1 and summary["timings"]["skipped_units"] == 0
    assert outputs(out) == outputs(tmp_path / "whole")
    assert {**summary, "timings": None} == {**whole, "timings": None}


# -- a document that kills the process cleaning it ----------------------------------------------
@dataclass(frozen=True)
class _DeadlyParams:
    marker: str = ""
    once: str = ""  # a file: kill only while it does not exist (and make it), as a passing failure would


class _Deadly(Detector):
    """Kills the process that runs it on a document holding its marker, as a crash in native code or
    the kernel's out-of-memory killer would; never the test's own process."""

    name = "test_deadly"
    Params = _DeadlyParams

    def detect(self, doc, analysis):  # type: ignore[no-untyped-def]
        once = Path(self.params.once) if self.params.once else None
        if self.params.marker in doc.text and os.getpid() != _TEST_PID and not (once and once.exists()):
            if once:
                once.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return iter(())


_TEST_PID = os.getpid()
MARKER = "Xq-deadly-qX"


@pytest.fixture
def deadly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setitem(registry._REGISTRY, _Deadly.name, _Deadly)
    yield tmp_path / "rules"


def _deadly_rule(folder: Path, marker: str, once: Path | None = None) -> Path:
    (folder / "spam").mkdir(parents=True, exist_ok=True)
    params = f'marker = "{marker}"' + (f'\nonce = "{once}"' if once else "")
    (folder / "spam" / "deadly.toml").write_text(
        'detector = "test_deadly"\nkind = "spam"\ndescription = "Kills its process on a marker."\n'
        f'message = "{{match}}"\naction = "flag"\n[params]\n{params}\n'
    )
    return folder


def _deadly_corpus(root: Path, where: tuple[str, ...] = ("txt", "jsonl")) -> Path:
    """Text files and a JSONL file, one document of each kind in ``where`` holding the marker."""
    (root / "docs").mkdir(parents=True)
    for i in range(40):
        deadly = i == 21 and "txt" in where
        (root / "docs" / f"d{i:03d}.txt").write_text(article(i) + (MARKER if deadly else ""), encoding="utf-8")
    with (root / "feed.jsonl").open("w", encoding="utf-8") as f:
        for i in range(30):
            deadly = i == 12 and "jsonl" in where
            f.write(json.dumps({"id": f"r{i}", "text": article(100 + i, 2) + (MARKER if deadly else "")}) + "\n")
    return root


def _cli_run(src: Path, out: Path, rules: Path) -> int:
    return cli.main(["run", str(src), "-o", str(out), "--jobs", "2", "--quiet", "--rules", str(rules)])


def test_a_document_that_kills_its_worker_every_time_is_reported_and_the_rest_is_kept(
    deadly: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _deadly_corpus(tmp_path / "in")
    out = tmp_path / "out"
    assert _cli_run(src, out, _deadly_rule(deadly / "kills", MARKER)) == 1
    errors = lines(out / "errors.jsonl")
    assert [(e["source"], e["line"], e["code"]) for e in errors] == [("docs/d021.txt", None, "C121"),
                                                                      ("feed.jsonl", 13, "C121")]
    assert errors[0]["reason"] == (
        "[C121] the worker process cleaning this input died (killed by SIGKILL), and died again when the input "
        "was retried alone in a fresh one (out of memory?); a rerun skips it: edit the input or pass --force to "
        "try again")
    assert capsys.readouterr().err == "".join(f"cleaner: {e['source']}:{e['line'] or ''}".rstrip(":")
                                              + f": {e['reason']}\n" for e in errors)
    # every other document exactly once, as a run where nothing dies gives it, byte for byte
    assert _cli_run(src, tmp_path / "calm", _deadly_rule(deadly / "calm", "never in any text")) == 0
    want = outputs(tmp_path / "calm")
    del want["clean/docs/d021.txt"]  # the two deadly documents: no record, no cleaned text
    for name in ("annotations.jsonl", "clean/feed.jsonl"):
        kept = [line for line in want[name].splitlines(keepends=True) if MARKER.encode() not in line]
        assert len(kept) == want[name].count(b"\n") - (2 if name == "annotations.jsonl" else 1)
        want[name] = b"".join(kept)
    want["errors.jsonl"] = (out / "errors.jsonl").read_bytes()  # checked above
    assert outputs(out) == want
    rebuilt_report(out)  # the report counted the retried units as the journals hold them
    summary = json.loads((out / "summary.json").read_text())
    assert summary["timings"]["worker_deaths"] >= 3  # a pool (or two) broke, then each died again alone
    # a rerun skips what was reported: no worker dies again, nothing changes
    before = outputs(out)
    assert _cli_run(src, out, deadly / "kills") == 1
    summary = json.loads((out / "summary.json").read_text())
    assert summary["timings"]["worker_deaths"] == 0 and summary["timings"]["documents_this_run"] == 0
    assert outputs(out) == before and summary["errors"] == 2


@pytest.mark.parametrize("where", ["txt", "jsonl"])
def test_a_document_whose_worker_died_once_is_retried_and_nothing_shows(
    deadly: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    """A text file, or a record of a JSONL chunk (then redone line by line), that killed its worker
    once: the output and the report are those of a run where nothing died."""
    src = _deadly_corpus(tmp_path / "in", (where,))
    once = tmp_path / "died-once"
    assert _cli_run(src, tmp_path / "out", _deadly_rule(deadly / "once", MARKER, once)) == 0
    assert once.exists()  # it did die
    assert capsys.readouterr().err == ""
    assert _cli_run(src, tmp_path / "calm", _deadly_rule(deadly / "calm", "never in any text")) == 0
    assert outputs(tmp_path / "out") == outputs(tmp_path / "calm")  # byte-identical, in input order
    summary, _ = rebuilt_report(tmp_path / "out")
    assert summary["timings"]["worker_deaths"] == 1
    calm, _ = rebuilt_report(tmp_path / "calm")
    assert {**summary, "timings": None} == {**calm, "timings": None}
