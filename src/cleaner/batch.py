"""Batch runs: walk the inputs, clean every document, write the outputs of DESIGN.md §4.

``run(RunOptions(...)) -> RunReport``. Outputs in ``OUT/``: ``annotations.jsonl`` (input order),
``clean/`` (the cleaned text, mirroring the input tree), ``summary.json``, ``errors.jsonl``.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .document import Document
from .errors import InputError, UsageError
from .pipeline import Options, Pipeline, Result
from .readers import ReadOptions, input_format, parse_jsonl_lines, read_input
from .writers import atomic_write_json, atomic_write_lines, dumps


@dataclass(frozen=True)
class RunOptions:
    """Everything a batch run needs; the CLI converts its arguments into this at the boundary."""

    inputs: tuple[str, ...]
    out: str
    rules: tuple[str, ...] = ()
    jobs: int = 1
    read: ReadOptions = field(default_factory=ReadOptions)
    pipeline: Options = field(default_factory=Options)
    quiet: bool = False


@dataclass
class RunReport:
    docs: int = 0
    errors: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    langs: Counter[str] = field(default_factory=Counter)
    bytes_in: int = 0
    seconds: float = 0.0
    error_list: list[dict[str, Any]] = field(default_factory=list)

    def add(self, result: Result) -> None:
        self.docs += 1
        self.verdicts[result.verdict] += 1
        self.langs[result.lang] += 1
        self.bytes_in += len(result.document.text.encode("utf-8"))
        for s in result.spans:
            self.kinds[s.kind] += 1
            self.rules[s.rule] += 1

    def add_error(self, err: InputError) -> None:
        self.errors += 1
        self.error_list.append(err.to_dict())

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.docs, "errors": self.errors,
            "verdicts": dict(sorted(self.verdicts.items())), "kinds": dict(sorted(self.kinds.items())),
            "rules": dict(sorted(self.rules.items())), "languages": dict(sorted(self.langs.items())),
            "timings": {"seconds": round(self.seconds, 3), "bytes_in": self.bytes_in,
                        "mb_per_s": round(self.bytes_in / 1e6 / self.seconds, 3) if self.seconds else None},
        }


def iter_input_files(inputs: tuple[str, ...]) -> Iterator[tuple[Path, str]]:
    """``(path, relative name)`` for every input file, folders walked in sorted order.

    With several inputs, relative names start with each input's own name so they cannot collide."""
    for arg in inputs:
        root = Path(arg)
        if not root.exists():
            raise UsageError("C300", arg)
        prefix = root.name + "/" if len(inputs) > 1 else ""
        if root.is_file():
            yield root, (prefix if len(inputs) > 1 else "") + root.name if len(inputs) > 1 else root.name
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")):
            if input_format(path):
                yield path, prefix + path.relative_to(root).as_posix()


def iter_documents(opts: RunOptions) -> Iterator[Document | InputError]:
    if opts.inputs == ("-",):
        yield from parse_jsonl_lines(sys.stdin, "<stdin>", opts.read)
        return
    for path, rel in iter_input_files(opts.inputs):
        yield from read_input(path, rel, opts.read)


def clean_name(doc: Document) -> str:
    """Where a document's cleaned text goes under ``clean/`` (JSONL records share their file's)."""
    if doc.format == "html":
        return doc.source + ".txt"
    return doc.source


def run(opts: RunOptions, pipeline: Pipeline | None = None) -> RunReport:
    """Clean everything; per-input errors go to ``errors.jsonl`` and the run goes on."""
    pipeline = pipeline or Pipeline.from_rules(list(opts.rules), **vars(opts.pipeline))
    report = RunReport()
    started = time.perf_counter()
    if opts.out == "-":
        _run_to_stream(opts, pipeline, report, sys.stdout)
    else:
        _run_to_folder(opts, pipeline, report, Path(opts.out))
    report.seconds = time.perf_counter() - started
    if opts.out != "-":
        atomic_write_json(Path(opts.out) / "summary.json", report.to_dict())
    return report


def _run_to_stream(opts: RunOptions, pipeline: Pipeline, report: RunReport, out: TextIO) -> None:
    for item in iter_documents(opts):
        if isinstance(item, InputError):
            report.add_error(item)
            print(item.text, file=sys.stderr)
            continue
        result = pipeline.clean(item)
        report.add(result)
        out.write(dumps(result.to_dict()) + "\n")
    out.flush()


def _run_to_folder(opts: RunOptions, pipeline: Pipeline, report: RunReport, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    records: list[str] = []
    cleaned: dict[str, list[str]] = {}
    for item in iter_documents(opts):
        if isinstance(item, InputError):
            report.add_error(item)
            continue
        result = pipeline.clean(item)
        report.add(result)
        records.append(dumps(result.to_dict()) + "\n")
        name = clean_name(item)
        if item.format == "jsonl":
            rec = {"id": item.id, "text": result.text}
            cleaned.setdefault(name, []).append(dumps(rec) + "\n")
        else:
            cleaned[name] = [result.text]
    for name, chunks in cleaned.items():
        atomic_write_lines(out / "clean" / name, chunks)
    atomic_write_lines(out / "annotations.jsonl", records)
    atomic_write_lines(out / "errors.jsonl", [dumps(e) + "\n" for e in report.error_list])
