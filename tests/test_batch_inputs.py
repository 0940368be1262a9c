"""One test per bad-input class: each ends in exactly one errors.jsonl line (file, line where
relevant, reason) while the rest of the batch goes on."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from batchkit import article, lines
from cleaner.batch import RunOptions, run
from cleaner.readers import ReadOptions

GOOD = "Good article text that is perfectly fine.\n"


def _batch(tmp_path: Path, make: Callable[[Path], None], **read: object) -> tuple[list[dict], list[dict]]:
    """Run a folder holding one good file plus whatever ``make`` adds; (records, errors)."""
    src = tmp_path / "in"
    src.mkdir(exist_ok=True)
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    make(src)
    out = tmp_path / "out"
    run(RunOptions(inputs=(str(src),), out=str(out), jobs=2, quiet=True, read=ReadOptions(**read)))  # type: ignore[arg-type]
    records = lines(out / "annotations.jsonl")
    assert "good.txt" in [r["source"] for r in records], "the batch went on"
    return records, lines(out / "errors.jsonl")


def _one_error(errors: list[dict], source: str, code: str, line: int | None = None) -> dict:
    assert [(e["source"], e["code"], e["line"]) for e in errors] == [(source, code, line)]
    assert errors[0]["reason"].startswith(f"[{code}] ")
    return errors[0]


def test_input_binary_file(tmp_path: Path) -> None:
    _, errors = _batch(tmp_path, lambda d: (d / "image.txt").write_bytes(bytes(range(256)) * 40))
    _one_error(errors, "image.txt", "C102")


def test_input_binary_jsonl_is_one_error_not_one_per_line(tmp_path: Path) -> None:
    _, errors = _batch(tmp_path, lambda d: (d / "blob.jsonl").write_bytes(b"\x00\x01\n" * 500))
    _one_error(errors, "blob.jsonl", "C102")


def test_input_unknown_format_is_reported_not_skipped(tmp_path: Path) -> None:
    def make(d: Path) -> None:
        (d / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
        (d / ".hidden.txt").write_text("a dot file is not an input")

    _, errors = _batch(tmp_path, make)
    err = _one_error(errors, "photo.png", "C110")
    assert "unsupported input format '.png'" in err["reason"]


def test_input_invalid_utf8_in_a_jsonl_line(tmp_path: Path) -> None:
    def make(d: Path) -> None:
        (d / "feed.jsonl").write_bytes(b'{"text":"fine one"}\n{"text":"caf\xe9 \xff\xfe"}\n{"text":"fine two"}\n')

    records, errors = _batch(tmp_path, make)
    _one_error(errors, "feed.jsonl", "C101", line=2)
    assert [r["text"] for r in records if r["source"] == "feed.jsonl"] == ["fine one", "fine two"]


def test_input_undecodable_charset(tmp_path: Path) -> None:
    # bytes no charset decodes as text: lone continuation bytes and C1 controls throughout
    _, errors = _batch(tmp_path, lambda d: (d / "odd.txt").write_bytes(b"ab\x81\x8d\x8f\x90\x9d" * 300))
    assert [(e["source"], e["code"] in ("C101", "C102")) for e in errors] == [("odd.txt", True)]


@pytest.mark.parametrize(("content", "code"), [(b"", "C103"), (b" \n\t\n  ", "C104")])
def test_input_empty_and_whitespace_only(tmp_path: Path, content: bytes, code: str) -> None:
    def make(d: Path) -> None:
        (d / "blank.txt").write_bytes(content)
        (d / "blank.jsonl").write_bytes(content)

    _, errors = _batch(tmp_path, make)
    assert [(e["source"], e["code"]) for e in errors] == [("blank.jsonl", code), ("blank.txt", code)]


# in a process of its own: RUSAGE_CHILDREN is the peak of every child ever waited for, so inside pytest
# it also holds the training scripts and CLI runs of earlier tests (1.5 GB once, the batch itself ~0.4 GB);
# the process's own peak is VmHWM, which exec resets (ru_maxrss would carry pytest's size across exec)
_PEAKS = ("import json, re, resource, sys\n"
          "from cleaner.batch import RunOptions, run\n"
          "run(RunOptions(inputs=(sys.argv[1],), out=sys.argv[2], jobs=2, quiet=True))\n"
          "own = int(re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read()).group(1))\n"
          "print(json.dumps([own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))")


def test_input_single_25mb_line_is_processed_with_bounded_memory(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    (src / "huge.txt").write_text(("lorem ipsum dolor sit amet consectetur " * 650_000)[:25_000_000] + "\n",
                                  encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", _PEAKS, str(src), str(out)], capture_output=True, text=True,
                          timeout=600, check=True)
    self_kb, children_kb = json.loads(done.stdout.splitlines()[-1])
    assert lines(out / "errors.jsonl") == []
    huge = next(r for r in lines(out / "annotations.jsonl") if r["source"] == "huge.txt")
    assert huge["stats"]["chars_in"] == 25_000_001
    assert self_kb / 1024 < 800 and children_kb / 1024 < 1500  # a few copies of 25 MB, not unbounded


def test_input_malformed_jsonl_lines(tmp_path: Path) -> None:
    def make(d: Path) -> None:
        (d / "feed.jsonl").write_text('{"text": "ok"}\n{"text": "no end\n[1, 2]\n{"text": "ok too"}\n')

    records, errors = _batch(tmp_path, make)
    assert [(e["code"], e["line"]) for e in errors] == [("C105", 2), ("C107", 3)]
    assert [r["metadata"]["line"] for r in records if r["source"] == "feed.jsonl"] == [1, 4]


def test_input_non_string_text_field(tmp_path: Path) -> None:
    def make(d: Path) -> None:
        (d / "feed.jsonl").write_text('{"id": 1, "text": ["a", "list"]}\n{"id": 2, "text": null}\n')

    _, errors = _batch(tmp_path, make)
    assert [(e["code"], e["line"]) for e in errors] == [("C106", 1), ("C106", 2)]


def test_input_deeply_nested_json(tmp_path: Path) -> None:
    _, errors = _batch(tmp_path, lambda d: (d / "deep.jsonl").write_text("[" * 200_000 + "]" * 200_000 + "\n"))
    _one_error(errors, "deep.jsonl", "C105", line=1)


def test_input_deeply_nested_html(tmp_path: Path) -> None:
    page = "<html><body>" + "<div>" * 100_000 + "Deep text at the bottom." + "</div>" * 100_000 + "</body></html>"
    records, errors = _batch(tmp_path, lambda d: (d / "deep.html").write_text(page))
    # either the reader copes (one document) or it reports the page (one error): never a crash
    assert len([r for r in records if r["source"] == "deep.html"]) + len(errors) == 1
    assert all(e["source"] == "deep.html" for e in errors)


def test_input_symlink_loops(tmp_path: Path) -> None:
    def make(d: Path) -> None:
        (d / "self.txt").symlink_to("self.txt")
        (d / "sub").mkdir()
        (d / "sub" / "up").symlink_to("..")  # a folder link back to an ancestor

    records, errors = _batch(tmp_path, make)
    assert sorted((e["source"], e["code"]) for e in errors) == [("self.txt", "C115"), ("sub/up", "C115")]
    assert [r["source"] for r in records] == ["good.txt"]


def test_input_unreadable_file(tmp_path: Path) -> None:
    def make(d: Path) -> None:
        if os.geteuid() == 0:  # root reads any mode: use a file the kernel refuses to read instead
            (d / "locked.txt").symlink_to("/proc/self/mem")
        else:
            (d / "locked.txt").write_text("secret")
            (d / "locked.txt").chmod(0)

    _, errors = _batch(tmp_path, make)
    err = _one_error(errors, "locked.txt", "C100")
    assert "cannot read the file" in err["reason"]


def test_input_truncated_gzip(tmp_path: Path) -> None:
    data = gzip.compress(article(5).encode() * 50)

    def make(d: Path) -> None:
        (d / "cut.txt.gz").write_bytes(data[: len(data) // 2])
        feed = gzip.compress(b"".join(json.dumps({"text": article(i)}).encode() + b"\n" for i in range(400)))
        (d / "cut.jsonl.gz").write_bytes(feed[: len(feed) // 2])

    records, errors = _batch(tmp_path, make)
    assert sorted((e["source"], e["code"]) for e in errors) == [
        ("cut.jsonl.gz", "C109"),
        ("cut.txt.gz", "C109"),
    ]
    assert len([r for r in records if r["source"] == "cut.jsonl.gz"]) > 10  # the lines before the cut


def test_input_gzip_bomb_is_capped(tmp_path: Path) -> None:
    bomb = gzip.compress(b"a" * 200_000_000, compresslevel=9)  # 200 MB of one letter in ~200 KB

    def make(d: Path) -> None:
        (d / "bomb.txt.gz").write_bytes(bomb)
        (d / "bomb.jsonl.gz").write_bytes(bomb)

    _, errors = _batch(tmp_path, make, max_doc_bytes=1_000_000)
    assert sorted((e["source"], e["code"]) for e in errors) == [
        ("bomb.jsonl.gz", "C108"),
        ("bomb.txt.gz", "C108"),
    ]
    assert all("--max-doc-bytes" in e["reason"] for e in errors)


def test_input_over_long_jsonl_line_skips_only_that_line(tmp_path: Path) -> None:
    def make(d: Path) -> None:
        big = json.dumps({"text": "word " * 5000})
        (d / "feed.jsonl").write_text(f'{{"text": "short"}}\n{big}\n{{"text": "after"}}\n')

    records, errors = _batch(tmp_path, make, max_doc_bytes=10_000)
    _one_error(errors, "feed.jsonl", "C108", line=2)
    assert [r["text"] for r in records if r["source"] == "feed.jsonl"] == ["short", "after"]


def test_input_lone_surrogates_in_json_text(tmp_path: Path) -> None:
    def make(d: Path) -> None:  # legal JSON escapes that UTF-8 cannot encode
        (d / "feed.jsonl").write_text('{"id": "s", "text": "lone \\ud800 high and \\udcff low"}\n')

    records, errors = _batch(tmp_path, make)
    assert errors == []
    rec = next(r for r in records if r["source"] == "feed.jsonl")
    assert "\ud800" in rec["text"] and "\udcff" in rec["text"]  # annotations.jsonl keeps them exactly
    clean = (tmp_path / "out" / "clean" / "feed.jsonl").read_text(encoding="utf-8")
    assert json.loads(clean)["text"] == rec["text"]
    (tmp_path / "out" / "report.html").read_text(encoding="utf-8")  # valid UTF-8 throughout


def test_input_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    def make(d: Path) -> None:
        (Path(os.fsdecode(os.fsencode(d) + b"/caf\xe9.txt"))).write_text(GOOD)

    records, errors = _batch(tmp_path, make)
    assert errors == [] and "caf\udce9.txt" in [r["source"] for r in records]
    assert (tmp_path / "out" / "clean" / "caf%E9.txt").read_text() == GOOD
    again = run(RunOptions(inputs=(str(tmp_path / "in"),), out=str(tmp_path / "out"), quiet=True))
    assert again.skipped == 2  # the manifest keeps the name exactly
