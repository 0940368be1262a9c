"""Batch runs that lose nothing: parallel, ordered, resumable, bad-input-proof (DESIGN.md §4, §8).

``run(RunOptions(...)) -> RunReport``. The main process walks the inputs into work units
(:mod:`cleaner.sources`), skips the units the manifest already holds (:mod:`cleaner.manifest`),
hands the rest to a standard-library process pool (each worker gets the pipeline once: forked
from the warmed main process on Linux, unpickled — rebuilt — once elsewhere), and writes the
results back **in input order** — so ``annotations.jsonl`` is byte-identical for any ``--jobs``.
At most a bounded window of units is in flight, so memory does not grow with the number of inputs.
Outputs in ``OUT/``: ``annotations.jsonl``, ``errors.jsonl`` (append-only journals, fsynced at
checkpoints), ``clean/`` (atomic files, names sanitised and confined to ``OUT``), ``manifest.sqlite``,
and at the end ``summary.json`` and ``report.html`` (:mod:`cleaner.report`, counted as units
finish, units of an earlier run included, so a resumed run reports on everything).

Trade-offs: a unit is a whole file or a ~256 KB chunk of a JSONL stream — small enough to keep two
cores busy and to resume inside a 10 GB file; small files travel 16 to a worker call, so pickling
and queueing cost little. Work done after the last checkpoint (at most about a second) is redone
after a crash.

Faults: a worker that dies (killed, out of memory) costs only what it held: the pool is replaced
and the units that were in flight are retried one by one in fresh processes (:class:`_Workers`);
one that kills its process again is reported (C121) and recorded as done. The output folder's
own failures (read-only, full, a link inside it) end the run with one :class:`OutputError`
(exit code 3); the last checkpoint stands, and a rerun finishes the rest.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import os
import resource
import signal
import sqlite3
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TextIO

from . import __version__
from .document import Document
from .errors import InputError, OutputError, UsageError
from .manifest import Done, Manifest
from .pipeline import Options, Pipeline
from .readers import ReadOptions, jsonl_line_documents, read_input
from .report import Tally, build_report, error_text, mb_per_s
from .sources import Unit, digest_of, read_once, units, walk
from .writers import (
    Folders,
    Journal,
    dumps,
    jsonl_line,
    open_below,
    out_failure,
    output_error,
    refuse_links,
    remove_output,
    safe_name,
    sync_filesystem,
    write_below,
)

CHECKPOINT_SECONDS = float(os.environ.get("CLEANER_CHECKPOINT_SECONDS", "1.0"))  # work redone after a crash
BATCH_UNITS = 16  # small files go to a worker 16 at a time (one pickle, one queue round trip) …
BATCH_BYTES = 256 * 1024  # … or fewer when they add up to this much input
WINDOW_PER_JOB = 4 * BATCH_UNITS  # units in flight per worker
WINDOW_BYTES = 64 * 1024 * 1024  # input bytes in flight, whatever the unit count


@dataclass(frozen=True)
class RunOptions:
    """Everything a batch run needs; the CLI converts its arguments into this at the boundary.

    ``jobs`` None means one worker per core; ``progress`` None means "when stderr is a terminal"."""

    inputs: tuple[str, ...]
    out: str
    rules: tuple[str, ...] = ()
    jobs: int | None = None
    read: ReadOptions = field(default_factory=ReadOptions)
    pipeline: Options = field(default_factory=Options)
    quiet: bool = False
    force: bool = False
    progress: bool | None = None


@dataclass
class RunReport:
    """What the run did: ``summary`` is ``summary.json`` (everything in OUT, resumed parts too);
    the other fields count this invocation only."""

    summary: dict[str, Any] = field(default_factory=dict)
    docs: int = 0
    errors: int = 0
    skipped: int = 0
    bytes_in: int = 0
    seconds: float = 0.0
    worker_rss_mb: float = 0.0
    worker_cpu_s: dict[int, float] = field(default_factory=dict)
    error_list: list[dict[str, Any]] = field(default_factory=list)
    worker_deaths: int = 0  # worker processes that died (their units were retried)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (input, cleaned file) of inputs gone


# -- worker side ------------------------------------------------------------------------------------
@dataclass
class Output:
    """A finished unit: its annotation lines and error lines (UTF-8, encoded by the worker: the main
    process only writes them) and cleaned-output chunks."""

    records: list[bytes] = field(default_factory=list)
    errors: list[bytes] = field(default_factory=list)
    clean: list[str] = field(default_factory=list)
    docs: int = 0
    nbytes: int = 0
    rss_kb: int = 0
    pid: int = 0
    digest: str = ""  # a whole file's digest, computed by the worker that read it
    cpu_s: float = 0.0  # the worker's CPU time so far (for the benchmark's per-process accounting)
    fatal: tuple[str, str] | None = None  # OUT cannot be written: (code, detail) of an OutputError
    tally: Tally = field(default_factory=Tally)  # the records' counts and samples, for the report


_WORKER: tuple[Pipeline, ReadOptions] | None = None


def _init_worker(pipeline: Pipeline, read: ReadOptions, main_pid: int) -> None:
    """Process-pool initializer: keep the pipeline (unpickled, i.e. built, once per worker).

    Ctrl-C is the main process's business; and when the main process dies (``kill -9``) the
    worker exits too instead of waiting forever on a queue nobody will close."""
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER = (pipeline, read)
    threading.Thread(target=_watch_parent, args=(main_pid,), daemon=True, name="cleaner-watchdog").start()


def _watch_parent(pid: int) -> None:
    while True:
        time.sleep(0.5)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # pragma: no cover - the pid was reused by another user's process
            os._exit(1)


def _work(items: list[tuple[Unit, tuple[str, str] | None]]) -> list[Output]:
    assert _WORKER is not None
    return _clean_units(items, *_WORKER)


def _clean_units(items: list[tuple[Unit, tuple[str, str] | None]], pipeline: Pipeline, read: ReadOptions
                 ) -> list[Output]:
    """One worker call: the units, with the folders of their cleaned files opened once for all."""
    with Folders() as folders:
        return [process_unit(unit, pipeline, read, clean_to, folders) for unit, clean_to in items]


def process_unit(unit: Unit, pipeline: Pipeline, read: ReadOptions, clean_to: tuple[str, str] | None = None,
                 folders: Folders | None = None) -> Output:
    """Read and clean one unit; every failure becomes an error line, never an exception.

    ``clean_to`` (OUT, sanitised name under ``clean/``) makes the worker write a text or HTML
    input's cleaned file itself, in parallel, instead of shipping the text back to the main process."""
    raw, digest = read_once(unit, read.max_doc_bytes)
    out = Output(digest=digest)
    try:
        for item in _documents(unit, read, raw):
            if isinstance(item, InputError):
                out.errors.append(jsonl_line(item.to_dict()))
            else:
                _clean_one(item, unit, pipeline, out)
    except Exception as e:  # a reader bug must not stop the batch: report it for this input
        err = InputError(unit.rel, "C112", f"{type(e).__name__}: {e}")
        out.errors.append(jsonl_line(err.to_dict()))
    if clean_to is not None and out.clean:
        try:
            write_below(clean_to[0], f"clean/{clean_to[1]}", out.clean, fsync=False, keep_same=True, folders=folders)
        except OutputError as e:
            out.fatal = (e.code, e.detail)
        out.clean = []
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out.rss_kb, out.pid, out.cpu_s = usage.ru_maxrss, os.getpid(), usage.ru_utime + usage.ru_stime
    return out


def _clean_one(doc: Document, unit: Unit, pipeline: Pipeline, out: Output) -> None:
    line = doc.metadata.get("line")
    try:
        result = pipeline.clean(doc)
    except Exception as e:  # a detector bug: this document is reported, the batch goes on
        err = InputError(unit.rel, "C112", f"{type(e).__name__}: {e}", line=line)
        out.errors.append(jsonl_line({**err.to_dict(), "id": doc.id}))
        return
    out.docs += 1
    out.nbytes += len(doc.text.encode("utf-8", "surrogatepass"))
    record = result.to_dict()
    out.records.append(jsonl_line(record))
    out.tally.add(record)
    for t in result.errors:  # a rule that timed out: the document is cleaned without it
        where = {"source": unit.rel, "line": line, "code": t["code"], "reason": t["reason"]}
        out.errors.append(jsonl_line({**where, "id": doc.id, "rule": t["rule"]}))
    out.clean.append(dumps({"id": doc.id, "text": result.text}) + "\n" if unit.fmt == "jsonl" else result.text)


def _documents(unit: Unit, read: ReadOptions, raw: bytes | None) -> Iterator[Document | InputError]:
    yield from unit.errors
    if unit.path is not None:
        yield from read_input(Path(unit.path), unit.rel, read, raw)
        return
    yield from jsonl_line_documents(unit.lines, unit.rel, read, unit.first_line)


# -- executors ----------------------------------------------------------------------------------------
class _Inline(Executor):
    """``--jobs 1``: the same code path as the pool, run in this process (no pickling)."""

    def __init__(self, pipeline: Pipeline, read: ReadOptions) -> None:
        self.args = (pipeline, read)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        f: Future[Any] = Future()
        f.set_result(_clean_units(args[0], *self.args))
        return f


class _Workers(Executor):
    """``--jobs N``: a process pool that outlives the death of a worker.

    A worker that dies (``kill -9``, the kernel's out-of-memory killer, a crash in native code)
    breaks a standard pool: every unit in flight fails with ``BrokenProcessPool``, and the run
    with it. Here :meth:`restart` replaces the pool for the work that follows, and :meth:`alone`
    redoes the units that were in flight in a fresh process of their own, one unit after the
    other (a JSONL chunk one line after the other), each result sent back as soon as it is
    made: a second death is then pinned on exactly one unit (or record), which is reported
    (C121) while the others are kept. Nothing is lost or done twice, and the order stays."""

    def __init__(self, jobs: int, pipeline: Pipeline, read: ReadOptions) -> None:
        self.jobs, self.args = jobs, (pipeline, read)
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self.ctx: Any = multiprocessing.get_context(method)  # fork's and spawn's contexts have no common type
        self.deaths = 0  # workers that died: pools broken, plus deaths of units retried alone
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.jobs, mp_context=self.ctx, initializer=_init_worker,
                                   initargs=(*self.args, os.getpid()))

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return self.pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.pool.shutdown(wait, cancel_futures=cancel_futures)

    def restart(self) -> None:
        """After a worker died: wait until the broken pool has settled every future it held, and
        start a new one (its workers start with the next submit, after :meth:`alone` is done, so
        that no thread of a pool runs while this process forks)."""
        self.deaths += 1
        self.pool.shutdown(wait=True)
        self.pool = self._new_pool()

    def alone(self, items: list[tuple[Unit, tuple[str, str] | None]]) -> list[Output]:
        """The outputs of units that were in flight when a worker died, each unit (a JSONL chunk:
        each line) cleaned again in a fresh process; one that kills it again becomes a C121 error."""
        pieces = [(i, piece, clean_to) for i, (unit, clean_to) in enumerate(items) for piece in _pieces(unit)]
        done: list[Output] = []
        while len(done) < len(pieces):
            got, exitcode = self._child([(unit, clean_to) for _i, unit, clean_to in pieces[len(done):]])
            done += got
            if len(done) < len(pieces):  # it died on the next piece
                self.deaths += 1
                done.append(_died(pieces[len(done)][1], exitcode))
        return [_joined(unit, [out for (i, _u, _c), out in zip(pieces, done, strict=True) if i == n])
                for n, (unit, _clean_to) in enumerate(items)]

    def _child(self, work: list[tuple[Unit, tuple[str, str] | None]]) -> tuple[list[Output], int | None]:
        """Run ``work`` in one new process: the outputs it sent before it ended or died, and its
        exit code."""
        receive, send = self.ctx.Pipe(duplex=False)
        child = self.ctx.Process(target=_alone, args=(send, work, *self.args, os.getpid()), name="cleaner-retry")
        child.start()
        send.close()
        got: list[Output] = []
        try:
            while len(got) < len(work):
                got.append(receive.recv())
        except (EOFError, OSError):  # died, maybe half-way through sending a result
            pass
        finally:
            receive.close()
            if child.is_alive() and len(got) < len(work):  # Ctrl-C while it works
                child.kill()
            child.join()
        return got, child.exitcode


def _alone(send: Any, work: list[tuple[Unit, tuple[str, str] | None]], pipeline: Pipeline, read: ReadOptions,
           main_pid: int) -> None:
    _init_worker(pipeline, read, main_pid)
    for unit, clean_to in work:
        send.send(process_unit(unit, pipeline, read, clean_to=clean_to))
    send.close()


def _pieces(unit: Unit) -> list[Unit]:
    """A unit as the smallest pieces that can be cleaned alone: a JSONL chunk's lines, or itself."""
    if len(unit.lines) < 2:
        return [unit]
    return [dataclasses.replace(unit, lines=(line,), first_line=n, size=len(line))
            for n, line in enumerate(unit.lines, unit.first_line)]


def _died(piece: Unit, exitcode: int | None) -> Output:
    """The output of a piece whose process died while cleaning it (the second time)."""
    if exitcode is not None and exitcode < 0:
        try:
            how = f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"killed by signal {-exitcode}"
    else:
        how = f"exit status {exitcode}"
    err = InputError(piece.rel, "C121", how, line=piece.first_line if piece.lines else None)
    return Output(errors=[jsonl_line(err.to_dict())], digest=digest_of(piece))


def _joined(unit: Unit, outs: list[Output]) -> Output:
    """The output of a unit from the outputs of its pieces, in order (one piece: that output)."""
    if len(outs) == 1:
        return outs[0]
    whole = Output(digest=unit.digest)
    for out in outs:
        whole.records += out.records
        whole.errors += out.errors
        whole.clean += out.clean
        whole.docs += out.docs
        whole.nbytes += out.nbytes
        whole.tally.merge(out.tally, out.records)
        whole.fatal = whole.fatal or out.fatal
        whole.rss_kb, whole.pid, whole.cpu_s = max(whole.rss_kb, out.rss_kb), out.pid or whole.pid, out.cpu_s
    return whole


@contextmanager
def _pool(jobs: int, pipeline: Pipeline, read: ReadOptions) -> Iterator[Executor]:
    """The in-process executor for one job, else a process pool (:class:`_Workers`); on leaving,
    the pool is shut down (or, on an exception or Ctrl-C, stopped at once: see :func:`_stop`).

    Where ``fork`` exists (Linux) the workers are forked from this process after it has built and
    warmed the pipeline (rules compiled, lexicons loaded): they start at once and share those pages
    copy-on-write (:meth:`Pipeline.shared_with_workers`); the pool launches all workers before it
    starts any thread, so the fork is safe. Elsewhere (``spawn``) each worker unpickles, i.e.
    rebuilds, the pipeline once."""
    with ExitStack() as stack:
        ex: Executor
        if jobs <= 1:
            ex = _Inline(pipeline, read)
        else:
            if "fork" in multiprocessing.get_all_start_methods():
                stack.enter_context(pipeline.shared_with_workers())
            ex = _Workers(jobs, pipeline, read)
        try:
            yield ex
        except BaseException:
            _stop(ex)
            raise
        ex.shutdown()


def _stop(ex: Executor) -> None:
    """Ctrl-C: drop queued work and end the workers now (what they were doing is redone on resume).

    A worker ended while it was sending a result leaves half a message in the pool's result pipe:
    the pool's manager thread then waits for the rest for ever, and the interpreter waits for that
    thread at exit (a hang after Ctrl-C, seen once in ~30 runs). Once every worker is gone, closing
    this process's own write end of that pipe turns the wait into end-of-file, and the thread ends."""
    ex = getattr(ex, "pool", ex)
    workers = list((getattr(ex, "_processes", None) or {}).values())
    results = getattr(ex, "_result_queue", None)
    manager = getattr(ex, "_executor_manager_thread", None)  # shutdown() forgets it
    ex.shutdown(wait=False, cancel_futures=True)
    for p in workers:
        p.terminate()
    for p in workers:
        p.join(10)
    writer = getattr(results, "_writer", None)
    if writer is not None:
        writer.close()
    # then wait for that thread: while it is still closing its wake-up pipe, the interpreter's exit
    # hook (concurrent.futures' _python_exit, unlocked before Python 3.12) can write to the closed
    # pipe and print "OSError: [Errno 9] Bad file descriptor" after the interrupted message
    if manager is not None:
        manager.join(10)


@dataclass
class Task:
    """A unit in input order: already done (``done``), or being processed (``future``)."""

    unit: Unit
    seq: int
    done: Done | None = None
    future: Future[list[Output]] | None = None  # shared by the tasks of one batch
    clean_to: tuple[str, str] | None = None
    index: int = 0  # this task's place in its batch's results


def ordered(ex: Executor, tasks: Iterable[Task], window: int) -> Iterator[tuple[Task, Output | None]]:
    """Submit work as tasks come (small units batched) and yield results in task order, with at
    most ``window`` units (and :data:`WINDOW_BYTES` of input) in flight."""
    pending: deque[Task] = deque()
    batcher = _Batcher(ex)
    in_flight = 0
    for task in tasks:
        if task.done is None:
            batcher.add(task)
            in_flight += task.unit.size
        pending.append(task)
        while len(pending) >= window or in_flight > WINDOW_BYTES:
            head = pending.popleft()
            in_flight -= head.unit.size if head.done is None else 0
            yield head, batcher.result(head)
    while pending:
        head = pending.popleft()
        yield head, batcher.result(head)


class _Batcher:
    """Groups consecutive units into one worker call (:data:`BATCH_UNITS`, :data:`BATCH_BYTES`);
    when a worker died, has the calls that were in flight redone (see :class:`_Workers`)."""

    def __init__(self, ex: Executor) -> None:
        self.ex = ex
        self.batch: list[Task] = []
        self.size = 0
        self.sent: deque[list[Task]] = deque()  # batches in the workers' hands, oldest first

    def add(self, task: Task) -> None:
        unit = task.unit
        if unit.path is None and not unit.lines:  # an error found while walking: nothing to compute
            task.future = Future()
            task.future.set_result([Output(errors=[jsonl_line(e.to_dict()) for e in unit.errors])])
            return
        self.batch.append(task)
        self.size += unit.size
        if len(self.batch) >= BATCH_UNITS or self.size >= BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        work = [(t.unit, t.clean_to) for t in self.batch]
        try:
            future = self.ex.submit(_work, work)
        except BrokenExecutor:  # a worker died since the last look
            self._recover()
            future = self.ex.submit(_work, work)
        for i, t in enumerate(self.batch):
            t.future, t.index = future, i
        self.sent.append(self.batch)
        self.batch, self.size = [], 0

    def result(self, task: Task) -> Output | None:
        if task.done is not None:
            return None
        if task.future is None:  # still in the batch being filled
            self.flush()
        assert task.future is not None
        try:
            outputs = task.future.result()
        except BrokenExecutor:
            self._recover()
            outputs = task.future.result()
        if self.sent and task is self.sent[0][-1]:  # results are taken in order: that batch is done
            self.sent.popleft()
        return outputs[task.index]

    def _recover(self) -> None:
        assert isinstance(self.ex, _Workers)
        self.ex.restart()
        for batch in self.sent:
            future = batch[0].future
            assert future is not None
            if not isinstance(future.exception(), BrokenExecutor):  # settled before the death: kept
                continue
            redone: Future[list[Output]] = Future()
            redone.set_result(self.ex.alone([(t.unit, t.clean_to) for t in batch]))
            for t in batch:
                t.future = redone


# -- the run ------------------------------------------------------------------------------------------
def run(opts: RunOptions, pipeline: Pipeline | None = None) -> RunReport:
    """Clean everything; per-input errors go to ``errors.jsonl`` and the run goes on.

    Raises :class:`UsageError` (before any work) for a bad OUT, and lets ``KeyboardInterrupt``
    through after saving a checkpoint: rerunning the same command finishes the rest."""
    pipeline = pipeline or Pipeline.from_rules(list(opts.rules), **vars(opts.pipeline))
    jobs = opts.jobs or os.cpu_count() or 1
    if opts.out == "-":
        return _run_to_stream(opts, pipeline, jobs, sys.stdout)
    return _FolderRun(opts, pipeline, jobs).run()


def fingerprint(pipeline: Pipeline, opts: RunOptions) -> str:
    """What makes two runs' outputs comparable: version, rules (with params and allow-lists), options.
    Not ``jobs``."""
    rules = [(r.id, r.version, r.detector, r.kind, r.action, r.score, r.params) for r in pipeline.rules]
    parts = [__version__, repr(rules), repr(pipeline.options), repr(opts.read)]
    if pipeline.allow:
        parts.append(repr(pipeline.allow))
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def check_out(inputs: tuple[str, ...], out: Path) -> None:
    """Refuse an OUT that is a file (:class:`OutputError`), lies inside an input folder, or contains
    an input; and inputs that do not exist (:class:`UsageError`; before OUT is created, so a
    mistyped command leaves nothing behind)."""
    if out.exists() and not out.is_dir():
        raise OutputError("C304", f"{out}: a file is where the output folder should be")
    real_out = os.path.realpath(out)
    for arg in inputs:
        if arg == "-":
            continue
        if not os.path.lexists(arg):
            raise UsageError("C300", arg)
        real_in = os.path.realpath(arg)
        if Path(arg).is_dir() and _inside(real_out, real_in):
            raise UsageError("C301", f"{out} is inside the input folder {arg}; choose a folder outside it")
        if _inside(real_in, real_out):
            raise UsageError("C301", f"{out} contains the input {arg}; choose another output folder")


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


def clean_target(rel: str, fmt: str) -> str:
    """The sanitised name of an input's cleaned text under ``clean/`` (before de-duplication)."""
    name = rel[:-3] if rel.lower().endswith(".gz") else rel
    if fmt == "html":
        name += ".txt"
    elif rel == "<stdin>":
        name = "stdin.jsonl"
    return safe_name(name)


@contextmanager
def _manifest_failure(path: Path) -> Iterator[None]:
    """The manifest's SQLite failing on the file system (read-only, full, damaged) as OutputError,
    with the operating system's reason where one opening of the file shows it (SQLite says
    "unable to open database file" for a read-only folder)."""
    try:
        yield
    except sqlite3.DatabaseError as e:
        if type(e) not in (sqlite3.DatabaseError, sqlite3.OperationalError):  # a programming error: ours
            raise
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644))
        except OSError as os_error:
            raise output_error(path, os_error) from None
        raise OutputError("C304", f"{path}: {e}") from None


class _FolderRun:
    """One ``cleaner run … -o OUT``: journals, manifest, ordered writes, checkpoints, final report."""

    def __init__(self, opts: RunOptions, pipeline: Pipeline, jobs: int) -> None:
        self.opts, self.pipeline, self.jobs = opts, pipeline, jobs
        self.out = Path(opts.out)
        check_out(opts.inputs, self.out)
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise output_error(self.out, e) from None
        refuse_links(self.out)
        with _manifest_failure(self.out / "manifest.sqlite"):
            self.manifest = Manifest(self.out / "manifest.sqlite", fingerprint(pipeline, opts), opts.force)
        try:
            self._open_journals()
        except BaseException:
            self.manifest.abort()
            raise
        self.report = RunReport()
        self.tally = Tally()  # what report.html counts, kept as units finish (in input order)
        self._earlier: tuple[IO[bytes], IO[bytes]] | None = None  # journals, to read earlier runs' units
        self.clean_rel, self.clean_end = "", 0  # the JSONL clean file being appended to
        self.last_checkpoint = time.monotonic()
        self.progress = _Progress(opts, _total_bytes(opts.inputs) if _progress_on(opts) else None)

    def _open_journals(self) -> None:
        self.ann = Journal(self.out / "annotations.jsonl")
        self.err = Journal(self.out / "errors.jsonl")
        with _manifest_failure(self.manifest.path):
            committed = self.manifest.committed
        for journal, size in zip((self.ann, self.err), committed, strict=True):
            if journal.size < size:
                raise UsageError(
                    "C301",
                    f"{self.out}: {journal.path.name} is shorter than its manifest "
                    "records (was it edited?); pass --force to redo everything",
                )
            journal.truncate(size)

    def run(self) -> RunReport:
        started = time.perf_counter()
        try:
            with _manifest_failure(self.manifest.path):
                with _pool(self.jobs, self.pipeline, self.opts.read) as ex:
                    for task, output in ordered(ex, self._tasks(), self.jobs * WINDOW_PER_JOB):
                        self._write(task, output)
                    self.report.worker_deaths = getattr(ex, "deaths", 0)
                self._checkpoint()
        except BaseException:  # Ctrl-C, a crash, OUT failing: keep the last checkpoint, lose at most a second
            self.progress.close()
            self._close(failed=True)
            self.manifest.abort()
            raise
        self._close()
        with _manifest_failure(self.manifest.path):
            if not self.manifest.contiguous(self.ann.size, self.err.size):
                self._remove_gone()
                self.manifest.compact(self.ann.path, self.err.path)
            self.report.seconds = time.perf_counter() - started
            self.progress.close(self.report.bytes_in, self.report.seconds)  # its last rate is the summary's
            self._finish()
        return self.report

    def _remove_gone(self) -> None:
        """Delete the cleaned files of inputs that are gone since an earlier run (before the
        compaction forgets those inputs): only files by the names this OUT's manifest gave them,
        never a link or anything reached through one (an interrupted run redoes it)."""
        for rel, name in self.manifest.gone():
            if remove_output(self.out, f"clean/{name}"):
                self.report.removed.append((rel, f"clean/{name}"))

    def _tasks(self) -> Iterator[Task]:
        for seq, unit in enumerate(units(self.opts.inputs, self.opts.read)):
            done = self.manifest.lookup(unit.rel, unit.part)
            if done is not None:
                unit = dataclasses.replace(unit, digest=digest_of(unit))
            if done is not None and done.digest == unit.digest:
                yield Task(unit, seq, done=done)
            elif unit.fmt != "jsonl" and unit.path is not None:
                name = self.manifest.clean_name(unit.rel, clean_target(unit.rel, unit.fmt))
                yield Task(unit, seq, clean_to=(str(self.out), name))
            else:
                yield Task(unit, seq)

    def _write(self, task: Task, output: Output | None) -> None:
        unit = task.unit
        if output is None:  # finished in an earlier run
            assert task.done is not None
            self.manifest.seen(unit.rel, unit.part, task.seq)
            self.clean_rel, self.clean_end = unit.rel, task.done.clean_end
            self.report.skipped += 1
            self._tally_earlier(task.done)
            self.progress.update(unit.size, 0, 0)
            return
        if output.fatal:
            raise OutputError(*output.fatal)
        a0, e0 = self.ann.size, self.err.size
        self.ann.append(output.records)
        self.err.append(output.errors)
        clean_end = self._write_clean(unit, output)
        done = Done(output.digest or unit.digest, (a0, self.ann.size), (e0, self.err.size), clean_end)
        self.manifest.record(unit.rel, unit.part, done, task.seq)
        self._count(unit, output)
        if time.monotonic() - self.last_checkpoint > CHECKPOINT_SECONDS:
            self._checkpoint()

    def _count(self, unit: Unit, output: Output) -> None:
        r = self.report
        r.docs += output.docs
        r.bytes_in += output.nbytes
        r.errors += len(output.errors)
        r.worker_rss_mb = max(r.worker_rss_mb, output.rss_kb / 1024)
        if output.pid:
            r.worker_cpu_s[output.pid] = max(r.worker_cpu_s.get(output.pid, 0.0), output.cpu_s)
        self.tally.merge(output.tally, output.records)
        for line in output.errors:
            error = json.loads(line)
            self.tally.add_error(error)
            if len(r.error_list) < 100:
                r.error_list.append(error)
        self.progress.update(unit.size, output.docs, output.nbytes)

    def _tally_earlier(self, done: Done) -> None:
        """A unit finished by an earlier run counts in this run's report: its journal lines."""
        if self._earlier is None:
            self._earlier = (open_below(self.out, self.ann.path.name, "rb"),
                             open_below(self.out, self.err.path.name, "rb"))
        parts = []
        for f, (start, end) in zip(self._earlier, (done.ann, done.err), strict=True):
            f.seek(start)
            parts.append(f.read(end - start).decode("utf-8", "surrogateescape").split("\n"))
        self.tally.add_lines(*parts)

    def _write_clean(self, unit: Unit, output: Output) -> int:
        """Cleaned text: a whole file per text/HTML input; per JSONL input one JSONL file that
        grows chunk by chunk (cut back to the last recorded size when a run resumes inside it)."""
        if unit.fmt != "jsonl":  # written by the worker (see process_unit)
            return 0
        if unit.rel != self.clean_rel:
            self.clean_rel, self.clean_end = unit.rel, 0
        if output.clean or self.clean_end:
            name = self.manifest.clean_name(unit.rel, clean_target(unit.rel, unit.fmt))
            with out_failure(self.out / "clean" / name), open_below(self.out, f"clean/{name}", "r+b") as f:
                f.truncate(self.clean_end)
                f.seek(self.clean_end)
                f.write("".join(output.clean).encode("utf-8", "surrogatepass"))
                self.clean_end = f.tell()
        return self.clean_end

    def _checkpoint(self) -> None:
        """Journals and cleaned files on disk first, then the manifest that points at them."""
        sync_filesystem(self.out)
        self.manifest.checkpoint(self.ann.sync(), self.err.sync())
        self.last_checkpoint = time.monotonic()

    def _close(self, failed: bool = False) -> None:
        """Close the journals (after a failure without raising again: a rerun starts from the last
        checkpoint anyway)."""
        for journal in (self.ann, self.err):
            journal.abandon() if failed else journal.close()
        for f in self._earlier or ():
            f.close()

    def _finish(self) -> None:
        self.manifest.close()
        timings = {
            "seconds": round(self.report.seconds, 3),
            "bytes_in": self.report.bytes_in,
            "documents_this_run": self.report.docs,
            "skipped_units": self.report.skipped,
            "mb_per_s": mb_per_s(self.report.bytes_in, self.report.seconds) if self.report.seconds else None,
            "jobs": self.jobs,
            "worker_peak_rss_mb": round(self.report.worker_rss_mb, 1),
            "worker_cpu_s": sorted(round(c, 2) for c in self.report.worker_cpu_s.values()),
            "main_cpu_s": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 2),
            "worker_deaths": self.report.worker_deaths,
            "removed_clean_files": len(self.report.removed),
        }
        self.report.summary = build_report(self.out, timings, self.tally, self.pipeline.rules)


def _run_to_stream(opts: RunOptions, pipeline: Pipeline, jobs: int, out: TextIO) -> RunReport:
    """``-o -``: records to stdout in input order, error texts to stderr; no files, no manifest."""
    report = RunReport()
    started = time.perf_counter()
    tasks = (Task(u, i) for i, u in enumerate(units(opts.inputs, opts.read)))
    with _pool(jobs, pipeline, opts.read) as ex:
        for _task, output in ordered(ex, tasks, jobs * WINDOW_PER_JOB):
            assert output is not None
            _write_records(out, output.records)
            for line in output.errors:
                print(f"cleaner: {error_text(json.loads(line))}", file=sys.stderr)
            report.docs += output.docs
            report.errors += len(output.errors)
            report.bytes_in += output.nbytes
    _write_records(out, [])
    report.seconds = time.perf_counter() - started
    return report


def _write_records(out: TextIO, records: list[bytes]) -> None:
    """Records to the output stream (then flushed when there are none); a stream that cannot take
    them (a full disk behind ``> file``) is an OutputError, a reader that went away is not."""
    try:
        if records:
            out.writelines(line.decode("utf-8") for line in records)
        else:
            out.flush()
    except BrokenPipeError:
        raise
    except OSError as e:
        raise output_error("standard output", e) from None


# -- progress --------------------------------------------------------------------------------------------
def _progress_on(opts: RunOptions) -> bool:
    if opts.quiet:
        return False
    return opts.progress if opts.progress is not None else sys.stderr.isatty()


def _total_bytes(inputs: tuple[str, ...]) -> int | None:
    """Bytes of all input files (a quick walk, no reading) so the bar can show an ETA."""
    if inputs == ("-",):
        return None
    total = 0
    for item in walk(inputs):
        if not isinstance(item, InputError):
            try:
                total += item[0].stat().st_size
            except OSError:
                pass
    return total


class _Progress:
    """A tqdm bar on stderr (input bytes with ETA; documents, docs/s and MB/s of text), or nothing.

    Its MB/s is the summary's: megabytes of document text over the run's time, and at the end
    the very figure the summary prints (tqdm's own rate, of input bytes, is not shown)."""

    def __init__(self, opts: RunOptions, total: int | None) -> None:
        self.bar: Any = None
        self.docs = 0
        self.text_bytes = 0
        self.started = time.monotonic()
        if _progress_on(opts):
            import tqdm

            tqdm.tqdm.monitor_interval = 0  # no helper thread (workers are forked from a server)
            self.bar = tqdm.tqdm(
                total=total,
                unit="B",
                unit_scale=True,
                unit_divisor=1000,
                desc="cleaning",
                file=sys.stderr,
                dynamic_ncols=True,
                mininterval=0.2,
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}{postfix}]",
            )

    def update(self, nbytes: int, docs: int, text_bytes: int) -> None:
        if self.bar is None:
            return
        self.docs += docs
        self.text_bytes += text_bytes
        self.bar.set_postfix_str(self._rates(time.monotonic() - self.started), refresh=False)
        self.bar.update(nbytes)

    def _rates(self, seconds: float) -> str:
        seconds = max(seconds, 1e-9)
        return f"{self.docs} docs, {self.docs / seconds:.0f} docs/s, {mb_per_s(self.text_bytes, seconds)} MB/s"

    def close(self, text_bytes: int | None = None, seconds: float | None = None) -> None:
        """Close the bar; at the end of a run, with the run's own figures (as the summary shows them)."""
        if self.bar is None:
            return
        if text_bytes is not None and seconds is not None:
            self.text_bytes = text_bytes
            self.bar.set_postfix_str(self._rates(seconds), refresh=False)
        self.bar.close()
