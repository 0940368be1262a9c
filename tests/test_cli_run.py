"""``cleaner run`` and ``cleaner report`` from the command line: in-process ``cli.main(argv)`` with
exact stderr text and exit codes, the stdin/stdout pipe, the progress bar on a real terminal, and
one subprocess test of the installed command."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from batchkit import article, lines, write_corpus
from cleaner import cli

CLEANER = str(Path(sys.executable).with_name("cleaner"))


def test_cli_run_prints_the_summary_table_and_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_corpus(tmp_path / "in", files=3, records=2)
    out = tmp_path / "out"
    assert cli.main(["run", str(src), "-o", str(out), "--jobs", "1"]) == 0
    o, e = capsys.readouterr()
    assert e == ""  # stderr is no terminal here: no progress bar
    table = o.splitlines()
    assert table[0] == f"cleaner: 5 documents -> {out}/"
    assert table[1].split() == ["documents", "5"]
    assert ["input", "errors", "0"] in [t.split() for t in table]
    kinds = [t.split() for t in table if t.startswith("  findings ")]
    assert kinds and all(len(k) == 3 for k in kinds)
    assert any(t.startswith("    encoding.") for t in table)  # the busiest rules under their kind
    assert table[-2].split()[:4] == ["this", "run", "5", "docs"] and table[-2].endswith(", 1 jobs")
    assert table[-1] == f"  review: {out}/report.html"
    assert {
        "annotations.jsonl",
        "errors.jsonl",
        "summary.json",
        "report.html",
        "manifest.sqlite",
        "clean",
    } <= {p.name for p in out.iterdir()}


def test_cli_run_with_bad_inputs_exits_1_and_lists_them_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "ok.txt").write_text(article(1))
    (src / "empty.txt").write_text("")
    (src / "feed.jsonl").write_text('{"text": "fine"}\n{oops\n')
    assert cli.main(["run", str(src), "-o", str(tmp_path / "out"), "--quiet"]) == 1
    o, e = capsys.readouterr()
    assert o == ""
    assert e == (
        "cleaner: empty.txt: [C103] the file is empty\n"
        "cleaner: feed.jsonl:2: [C105] malformed JSON: Expecting property name enclosed in double "
        "quotes at column 2\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--jobs", "0"], "cleaner: [C302] --jobs must be at least 1\n"),
        (["--max-doc-bytes", "0"], "cleaner: [C302] --max-doc-bytes must be at least 1\n"),
    ],
)
def test_cli_run_usage_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    src = write_corpus(tmp_path / "in", files=1, records=1)
    assert cli.main(["run", str(src), "-o", str(tmp_path / "out"), *argv]) == 2
    assert capsys.readouterr().err == message


def test_cli_run_missing_input_and_out_inside_input_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", str(tmp_path / "nope"), "-o", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == f"cleaner: [C300] no such input: {tmp_path / 'nope'}\n"
    src = write_corpus(tmp_path / "in", files=1, records=1)
    assert cli.main(["run", str(src), "-o", str(src / "out")]) == 2
    assert capsys.readouterr().err == (
        f"cleaner: [C301] the output folder {src / 'out'} is inside the input "
        f"folder {src}; choose a folder outside it\n"
    )


def test_cli_run_stdin_to_stdout_streams_records_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = "".join(json.dumps({"id": f"s{i}", "text": article(i, 2)}) + "\n" for i in range(30))
    feed += "not json\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(feed.encode())))
    assert cli.main(["run", "-", "-o", "-", "--jobs", "2"]) == 1
    o, e = capsys.readouterr()
    records = [json.loads(x) for x in o.splitlines()]
    assert [r["id"] for r in records] == [f"s{i}" for i in range(30)]
    assert {r["source"] for r in records} == {"<stdin>"}
    assert e == (
        "cleaner: <stdin>:31: [C105] malformed JSON: Expecting value at column 1\n"
        "cleaner: 30 documents, 1 input errors\n"
    )


def test_cli_run_stdin_cannot_mix_with_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "-", str(tmp_path), "-o", "-"]) == 2
    assert capsys.readouterr().err == "cleaner: [C302] '-' (stdin) cannot be mixed with other inputs\n"


def test_cli_report_rebuilds_the_page_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_corpus(tmp_path / "in", files=2, records=2)
    out = tmp_path / "out"
    assert cli.main(["run", str(src), "-o", str(out), "--quiet"]) == 0
    summary = (out / "summary.json").read_text()
    (out / "report.html").unlink()
    (out / "summary.json").unlink()
    assert cli.main(["report", str(out)]) == 0
    assert (out / "report.html").exists()
    assert json.loads((out / "summary.json").read_text())["rules"] == json.loads(summary)["rules"]
    assert capsys.readouterr().out.startswith(f"cleaner: 4 documents -> {out}/\n")


def test_cli_report_on_a_folder_without_a_run_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["report", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"cleaner: [C301] the output folder {tmp_path} holds no annotations.jsonl; "
        f"run `cleaner run INPUT -o {tmp_path}` first\n"
    )


def test_cli_progress_bar_on_a_terminal_and_none_in_a_pipe(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "in", files=8, records=20)
    main, tty = pty.openpty()
    fcntl.ioctl(tty, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # a 120-column terminal
    done = subprocess.run(
        [CLEANER, "run", str(src), "-o", str(tmp_path / "tty"), "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=tty,
        timeout=120,
        check=False,
    )
    os.close(tty)
    screen = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        screen += chunk
    os.close(main)
    assert done.returncode == 0
    text = screen.decode("utf-8", "replace")
    assert "cleaning: 100%" in text and "28 docs" in text and "docs/s" in text and "B/s" in text
    # the bar's last rate is the summary's: the same megabytes of text over the same seconds
    bar_rate = re.findall(r"docs/s, ([0-9.e+]+) MB/s\]", text)[-1]
    summary_rate = re.search(r"docs in [0-9.]+ s, ([0-9.e+]+) MB/s", done.stdout.decode()).group(1)  # type: ignore[union-attr]
    assert bar_rate == summary_rate and float(bar_rate) > 0
    piped = subprocess.run(
        [CLEANER, "run", str(src), "-o", str(tmp_path / "pipe"), "--jobs", "2"],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert piped.returncode == 0 and piped.stderr == b""
    quiet = subprocess.run(
        [CLEANER, "run", str(src), "-o", str(tmp_path / "q"), "--quiet"],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert quiet.returncode == 0 and quiet.stdout == b"" and quiet.stderr == b""


def test_installed_cleaner_command_end_to_end(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "in", files=2, records=3)
    done = subprocess.run(
        [CLEANER, "run", str(src), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"cleaner: 5 documents -> {tmp_path / 'out'}/\n")
    assert len(lines(tmp_path / "out" / "annotations.jsonl")) == 5
    piped = subprocess.run(
        [CLEANER, "run", "-", "-o", "-", "--quiet"],
        input='{"text": "caf\u00c3\u00a9 time"}\n',
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert piped.returncode == 0 and piped.stderr == ""
    assert json.loads(piped.stdout)["text"] == "caf\u00e9 time"


def test_cli_stops_quietly_when_the_reader_of_its_output_goes_away(tmp_path: Path) -> None:
    """`cleaner run - -o - | head -1`: when the pipe closes, the run stops with 141 (as a tool
    killed by SIGPIPE) and no traceback, whatever --jobs."""
    feed = "".join(json.dumps({"id": f"r{i}", "text": article(i)}) + "\n" for i in range(400))
    for jobs in ("1", "2"):
        proc = subprocess.Popen([CLEANER, "run", "-", "-o", "-", "--quiet", "--jobs", jobs],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        proc.stdin.write(feed.encode())
        proc.stdin.close()
        first = proc.stdout.readline()
        proc.stdout.close()  # the reader goes away after one record
        assert json.loads(first)["id"] == "r0"
        assert proc.wait(timeout=120) == 141
        assert proc.stderr.read() == b""
