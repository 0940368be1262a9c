"""``cleaner review``: the reviewer's decisions back into rules (``apply``), as labelled data
(``labels``), and a local server that saves them as they are made (``serve``).

Kept apart from :mod:`cleaner.cli`, which only registers the parser and the command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .errors import UsageError
from .writers import dumps

EPILOG = """The review page (OUT/report.html) exports decisions as a JSON file; `serve` saves them to
OUT/review.jsonl as they are made. Either file is a DECISIONS argument.
exit codes: 0 done; 2 usage error, unreadable decisions, or a rule folder that would not load."""


def add_parser(sub: Any) -> None:
    p = sub.add_parser("review", help="turn review decisions into rules, labels, or serve the review page",
                       description="The reviewer's decisions back into rules (apply), as labelled data "
                                   "(labels), and a local server that saves them as they are made (serve).",
                       epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    rs = p.add_subparsers(dest="review_command", required=True, metavar="SUBCOMMAND")
    a = rs.add_parser("apply", help="write allow entries, examples and a rule of missed spans into a rule folder")
    a.add_argument("decisions", metavar="DECISIONS", help="the page's export (.json) or OUT/review.jsonl")
    a.add_argument("--rules", required=True, metavar="DIR",
                   help="your rule folder (created when missing); then run with --rules DIR")
    lb = rs.add_parser("labels", help="the decisions as labelled JSONL, for training the learned scorers")
    lb.add_argument("decisions", metavar="DECISIONS")
    lb.add_argument("-o", "--out", default="-", help="output file; '-' is stdout")
    s = rs.add_parser("serve", help="serve OUT/report.html on this machine and save decisions to OUT/review.jsonl",
                      formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    s.add_argument("out", metavar="OUT", help="the output folder of `cleaner run`")
    s.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0: any free one)")


def command(a: argparse.Namespace) -> int:
    from . import review

    if a.review_command == "serve":
        return _serve(Path(a.out), a.port)
    decisions = review.load_decisions(Path(a.decisions))
    if a.review_command == "apply":
        folder = Path(a.rules)
        print(review.apply(decisions, folder).text(folder))
        return 0
    rows = "".join(dumps(row) + "\n" for row in review.labels(decisions))
    if a.out == "-":
        sys.stdout.write(rows)
    else:
        from .writers import atomic_write_text

        atomic_write_text(Path(a.out), rows)
        print(f"cleaner: {len(decisions)} labelled spans -> {a.out}")
    return 0


def _serve(out: Path, port: int) -> int:
    from .review_server import make_server

    if not (out / "report.html").is_file():
        raise UsageError("C301", f"{out} holds no report.html; run `cleaner run INPUT -o {out}` first")
    server = make_server(out, port)
    print(f"cleaner: reviewing {out} at {server.url} (decisions are saved to {out / 'review.jsonl'}); "
          "Ctrl-C stops", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
