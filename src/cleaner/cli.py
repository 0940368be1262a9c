"""The ``cleaner`` command: ``run``, ``explain``, ``rules``, ``check-rules``, ``report``, ``ray``,
``review`` (its subcommands live in :mod:`cleaner.cli_review`).

Exit codes: 0 everything processed; 1 some inputs failed (see errors.jsonl); 2 usage or
rule-file error; 3 the output folder cannot be written. ``main(argv) -> int`` never calls
``sys.exit`` itself, so tests call it in-process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from . import __version__, cli_review
from .batch import RunOptions, RunReport, run
from .document import Document
from .errors import InputError, OutputError, RuleError, UsageError
from .pipeline import Options, Pipeline
from .readers import ReadOptions, jsonl_line_documents, read_input
from .report import build_report, error_text, format_summary
from .rules import load_rules
from .sources import STDIN, walk

DESCRIPTION = ("Find and remove injected spam, translation/LLM artifacts, encoding junk and hidden HTML in "
               "scraped articles; flag typos. Writes cleaned text and span-level annotations.")
EPILOG = """exit codes: 0 all inputs processed; 1 some inputs failed (listed in OUT/errors.jsonl);
2 usage or rule-file error; 3 the output folder cannot be written (read-only, full, a file, or
holding a symbolic link): fix it and rerun the same command to finish the rest."""
RAY_EPILOG = """exit codes: 0 every record cleaned; 1 some records could not be (rows with verdict "error",
the reason in their "errors"); 2 usage or rule-file error, or Ray not installed."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cleaner", description=DESCRIPTION, epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"cleaner {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    r = sub.add_parser("run", help="clean files or folders of articles", epilog=EPILOG,
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    r.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="files or folders (.txt, .html/.htm, .jsonl, optionally .gz); '-' reads JSONL from stdin")
    r.add_argument("-o", "--out", required=True, help="output folder; '-' writes JSONL records to stdout")
    _common(r)
    r.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (one per core)")
    r.add_argument("--quiet", action="store_true", help="no progress bar and no summary; errors only")
    r.add_argument("--force", action="store_true",
                   help="redo everything instead of resuming from OUT/manifest.sqlite")
    _read_args(r)
    r.add_argument("--rule-timeout", type=float, default=Options.rule_timeout, metavar="SECONDS",
                   help="CPU seconds one rule may take on one document, per million characters of it; past "
                        "them the rule's findings are dropped, it is reported in errors.jsonl (C113) and the "
                        "other rules still run (0: no limit)")
    r.add_argument("--doc-timeout", type=float, default=Options.doc_timeout, metavar="SECONDS",
                   help="CPU seconds one document may take; past them the rules left do not run, the "
                        "document keeps the findings of those that finished and is reported in errors.jsonl "
                        "(C119) (0: no limit)")

    rep = sub.add_parser("report", help="rebuild OUT/summary.json and OUT/report.html from a run's output")
    rep.add_argument("out", metavar="OUT", help="the output folder of `cleaner run`")

    e = sub.add_parser("explain", help="print each finding with its context, rule and action",
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    e.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="files or folders (.txt, .html/.htm, .jsonl, optionally .gz); '-' reads JSONL from stdin")
    _common(e)
    _read_args(e)

    ru = sub.add_parser("rules", help="list the rules: id, kind, action, description")
    ru.add_argument("--rules", action="append", default=[], metavar="DIR", help="also load rules from DIR")

    c = sub.add_parser("check-rules", help="validate rule files and run their examples")
    c.add_argument("dirs", nargs="*", metavar="DIR",
                   help="rule folders, checked on top of the bundled rules as `run --rules DIR` uses them "
                        "(default: the bundled rules)")
    _ray_parser(sub)
    cli_review.add_parser(sub)
    return p


def _ray_parser(sub: Any) -> None:
    from . import engines  # defaults only: importing it never imports Ray

    y = sub.add_parser("ray", help='clean JSONL or Parquet files on a Ray cluster (pip install "cleaner[ray]")',
                       epilog=RAY_EPILOG, formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    y.add_argument("input", metavar="INPUT", help="a .jsonl/.parquet file or folder (or a URI Ray reads, s3://…)")
    y.add_argument("-o", "--out", required=True, help="output folder, written in the input's format")
    y.add_argument("--format", choices=engines.FORMATS, default=engines.FORMATS[0], help="input and output format")
    y.add_argument("--actors", type=int, default=os.cpu_count() or 1,
                   help="actors in the pool; each builds the pipeline once and takes one CPU")
    y.add_argument("--address", default=None, help="join this Ray cluster ('auto': the one `ray start` runs "
                                                    "on this machine); default: start a local one for the run")
    y.add_argument("--batch-size", type=int, default=engines.BATCH_SIZE, help="records per call of an actor")
    y.add_argument("--text-field", default=ReadOptions.text_field, help="field holding the text")
    y.add_argument("--id-field", default=ReadOptions.id_field, help="field holding the id")
    y.add_argument("--overwrite", action="store_true", help="replace what OUT holds (never the input)")
    y.add_argument("--verbose", action="store_true", help="show Ray's logs and its workers' output")
    _common(y)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rules", action="append", default=[], metavar="DIR",
                   help="add (or override, by id) rules from DIR, with its allow.toml; repeatable")
    p.add_argument("--enable", action="append", default=[], metavar="RULE",
                   help="run a rule that is disabled (`enabled = false` in its file); repeatable")
    p.add_argument("--fix-typos", action="store_true", help="apply the first typo suggestion when confident")
    p.add_argument("--typo-threshold", type=_fraction, default=Options.typo_threshold,
                   help="confidence (0 to 1) needed to fix a typo")


def _fraction(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0 <= x <= 1:
        raise argparse.ArgumentTypeError(f"{value} is outside 0 to 1")
    return x


def _read_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--text-field", default=ReadOptions.text_field, help="JSONL field holding the text")
    p.add_argument("--id-field", default=ReadOptions.id_field, help="JSONL field holding the id")
    p.add_argument("--html-field", default=ReadOptions.html_field, metavar="FIELD",
                   help="JSONL field holding a raw HTML page; records that carry it are read as HTML "
                        "(the article's text is extracted), the others by --text-field")
    p.add_argument("--encoding", default=ReadOptions.encoding, metavar="NAME",
                   help="the inputs' encoding when it is not UTF-8 (gbk, cp1252, shift_jis...); by default "
                        "JSONL is read as UTF-8 and other files are detected one by one")
    p.add_argument("--max-html-bytes", type=int, default=ReadOptions.max_html_bytes,
                   help="largest HTML page read, in bytes (bigger pages are reported in errors.jsonl)")
    p.add_argument("--max-doc-bytes", type=int, default=ReadOptions.max_doc_bytes,
                   help="largest input (after decompression) read, in bytes")


def _read_options(a: argparse.Namespace) -> ReadOptions:
    if a.max_doc_bytes < 1:
        raise UsageError("C302", "--max-doc-bytes must be at least 1")
    return ReadOptions(text_field=a.text_field, id_field=a.id_field, max_doc_bytes=a.max_doc_bytes,
                       html_field=a.html_field, max_html_bytes=a.max_html_bytes, encoding=a.encoding)


def _pipeline_options(a: argparse.Namespace) -> Options:
    return Options(fix_typos=a.fix_typos, typo_threshold=a.typo_threshold, enable=tuple(getattr(a, "enable", ())),
                   rule_timeout=getattr(a, "rule_timeout", Options.rule_timeout),
                   doc_timeout=getattr(a, "doc_timeout", Options.doc_timeout))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (RuleError, UsageError) as e:
        print(f"cleaner: {e.text}", file=sys.stderr)
        return 2
    except OutputError as e:
        print(f"cleaner: {e.text}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("cleaner: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # whoever read our output stopped (`cleaner run - -o - | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141


def entry() -> None:
    """The ``cleaner`` command. After a batch run that finished, it exits without tearing the
    interpreter down: freeing the lexicons' half a million objects took 0.1-0.25 s, a serial cost
    of every run that a second worker cannot share. Every output is closed and synced by then."""
    argv = sys.argv[1:]
    code = main(argv)
    if code == 0 and argv[:1] == ["run"]:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    sys.exit(code)


def cmd_run(a: argparse.Namespace) -> int:
    if a.jobs < 1:
        raise UsageError("C302", "--jobs must be at least 1")
    _check_stdin(a.inputs)
    opts = RunOptions(
        inputs=tuple(a.inputs), out=a.out, rules=tuple(a.rules), jobs=a.jobs, read=_read_options(a),
        pipeline=_pipeline_options(a), quiet=a.quiet, force=a.force,
    )
    try:
        report = run(opts)
    except KeyboardInterrupt:
        print("cleaner: interrupted; rerun the same command to finish the rest", file=sys.stderr)
        return 130
    if a.out == "-":
        if not a.quiet:
            print(f"cleaner: {report.docs} documents, {report.errors} input errors", file=sys.stderr)
        return 1 if report.errors else 0
    if not a.quiet:
        print(format_summary(report.summary, a.out))
        _notes(report, a.out)
    for err in report.error_list[:10]:
        print(f"cleaner: {error_text(err)}", file=sys.stderr)
    return 1 if report.summary["errors"] else 0


def _notes(report: RunReport, out: str) -> None:
    """What the run did besides cleaning: workers that died, cleaned files of inputs gone."""
    if report.worker_deaths:
        times = "" if report.worker_deaths == 1 else f" {report.worker_deaths} times"
        print(f"cleaner: a worker process died{times} (killed, or out of memory?); the inputs in its hands "
              "were retried one by one in fresh processes", file=sys.stderr)
    for rel, name in report.removed[:10]:
        print(f"cleaner: removed {out}/{name}: its input {rel} is gone", file=sys.stderr)
    if len(report.removed) > 10:
        print(f"cleaner: … and {len(report.removed) - 10} more cleaned files of inputs that are gone", file=sys.stderr)


def cmd_report(a: argparse.Namespace) -> int:
    summary = build_report(Path(a.out))
    print(format_summary(summary, a.out))
    return 0


def _check_stdin(inputs: Sequence[str]) -> None:
    if "-" in inputs and len(inputs) > 1:
        raise UsageError("C302", "'-' (stdin) cannot be mixed with other inputs")


def _explained(inputs: Sequence[str], read: ReadOptions) -> Iterator[Document | InputError]:
    """The documents of ``inputs`` as ``run`` reads them: files, folders (walked in order), or ``-``."""
    if list(inputs) == ["-"]:
        yield from jsonl_line_documents(sys.stdin.buffer, STDIN, read)
        return
    for item in walk(tuple(inputs)):
        if isinstance(item, InputError):
            yield item
        else:
            yield from read_input(item[0], item[1], read)


def cmd_explain(a: argparse.Namespace) -> int:
    _check_stdin(a.inputs)
    read = _read_options(a)
    pipeline = Pipeline.from_rules(a.rules, **vars(_pipeline_options(a)))
    status = 0
    for item in _explained(a.inputs, read):
        if isinstance(item, InputError):
            print(f"cleaner: {item.text}", file=sys.stderr)
            status = 1
            continue
        result = pipeline.clean(item)
        print(f"== {item.id}  lang={result.lang}  verdict={result.verdict}  findings={len(result.spans)}")
        if item.format == "html":
            meta = item.metadata
            print(f"   html: {meta.get('title', '')!r} {meta.get('url', '')} encoding={meta.get('encoding', '')}")
        for s in result.spans:
            print(explain_span(item.text, s))
    return status


def explain_span(text: str, s: object, width: int = 40) -> str:
    from .spans import Span

    assert isinstance(s, Span)
    before = text[max(0, s.start - width):s.start].replace("\n", "⏎")
    after = text[s.end:s.end + width].replace("\n", "⏎")
    what = {"remove": "removed", "replace": f"replaced by {s.replacement!r}", "flag": "flagged"}[s.action]
    sugg = f"  suggestions: {', '.join(s.suggestions[:5])}" if s.suggestions else ""
    return (f"  {s.start}-{s.end} {s.kind} {s.rule} (score {s.score:.2f}): {what}{sugg}\n"
            f"      …{before}[[{s.text}]]{after}…\n      {s.message}")


def cmd_rules(a: argparse.Namespace) -> int:
    rules = load_rules(a.rules)
    width = max(shutil.get_terminal_size((100, 24)).columns, 60)
    head = max(len(r.id) for r in rules) + 2
    for r in rules:
        state = " (disabled)" if not r.enabled else ""
        print(f"{r.id:<{head}}{r.kind} · {r.action} · v{r.version}{state}")
        print(textwrap.fill(" ".join(r.description.split()), width=width, initial_indent="    ",
                            subsequent_indent="    ", break_long_words=False, break_on_hyphens=False))
    return 0


def cmd_check_rules(a: argparse.Namespace) -> int:
    from .checks import check_rules

    report = check_rules(a.dirs or None)
    for line in report.problems + (report.gaps + report.allowed_only if a.dirs else []):
        print(line)
    if report.problems:
        print(f"cleaner: {len(report.problems)} problems; {report.summary()}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


def cmd_ray(a: argparse.Namespace) -> int:
    from .engines import load_ray_data

    summary = load_ray_data().run(
        a.input, a.out, format=a.format, rules=a.rules, text_field=a.text_field, id_field=a.id_field,
        actors=a.actors, batch_size=a.batch_size, address=a.address, overwrite=a.overwrite, verbose=a.verbose,
        **vars(_pipeline_options(a)))
    print(summary.text())
    return 1 if summary.errors else 0


COMMANDS = {"run": cmd_run, "report": cmd_report, "explain": cmd_explain, "rules": cmd_rules,
            "check-rules": cmd_check_rules, "ray": cmd_ray, "review": cli_review.command}

