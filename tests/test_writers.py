"""Writers: safe output names (property tests), confinement to OUT, atomic files, the journal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner.errors import UsageError
from cleaner.writers import Journal, atomic_write_lines, confined, dumps, jsonl_line, safe_name

names = st.text(st.characters(exclude_categories=()), max_size=300) | st.sampled_from(
    ["..", ".", "/", "../../etc/passwd", "a/../../b", "\x00", "a\nb", "%2E%2E", "~", "a//b", "C:\\x"]
)


@given(names)
def test_safe_name_is_a_harmless_relative_path(name: str) -> None:
    safe = safe_name(name)
    parts = safe.split("/")
    assert safe and not safe.startswith("/")
    assert all(p not in ("", ".", "..") and not p.startswith(".") for p in parts)
    assert not any(ord(c) < 32 or c in '\x7f\\:*?"<>|' for c in safe)
    assert all(len(p.encode()) <= 200 for p in parts)  # strict UTF-8: surrogates are escaped too


@given(names, names)
def test_safe_name_keeps_distinct_paths_distinct(a: str, b: str) -> None:
    def norm(n: str) -> str:
        return "/".join(p for p in n.split("/") if p)

    if norm(a) != norm(b):
        assert safe_name(a) != safe_name(b)


def test_safe_name_examples() -> None:
    assert safe_name("../../x") == "%2E%2E/%2E%2E/x"
    assert safe_name("a\nb/c\x00d.txt") == "a%0Ab/c%00d.txt"
    assert safe_name("50%.txt") == "50%25.txt"
    assert safe_name("caf\udce9.txt") == "caf%E9.txt"  # a file name byte that is not UTF-8
    assert safe_name("x\ud800") == "x%uD800"
    long = safe_name("x" * 400 + ".txt")
    assert len(long.encode()) <= 200 and long != safe_name("x" * 401 + ".txt")


def test_confined_refuses_names_not_made_by_safe_name(tmp_path: Path) -> None:
    for bad in ("../x", "/etc/x", "a/./b", "a\x00b"):
        with pytest.raises(ValueError, match="not a name made by safe_name"):
            confined(tmp_path, bad)
    assert confined(tmp_path, "a/b.txt") == tmp_path / "a" / "b.txt"


def test_confined_refuses_a_symlinked_folder_leading_outside(tmp_path: Path) -> None:
    root, outside = tmp_path / "out", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "link").symlink_to(outside)
    with pytest.raises(UsageError, match="would be written outside it"):
        confined(root, "link/a.txt")


def test_atomic_write_leaves_no_temp_files_and_replaces_whole(tmp_path: Path) -> None:
    target = tmp_path / "d" / "a.txt"
    atomic_write_lines(target, ["one\n", "two\n"])
    atomic_write_lines(target, ["three\n"], fsync=False)
    assert target.read_text() == "three\n"
    assert [p.name for p in target.parent.iterdir()] == ["a.txt"]

    def failing() -> object:
        yield "partial"
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write_lines(target, failing())  # type: ignore[arg-type]
    assert target.read_text() == "three\n"
    assert [p.name for p in target.parent.iterdir()] == ["a.txt"]


def test_keep_same_leaves_an_identical_file_alone_and_rewrites_a_different_one(tmp_path: Path) -> None:
    """A rerun must not recreate outputs that did not change (same inode, same mtime), and must
    replace those that did — including a shorter or torn one."""
    path = tmp_path / "a.txt"
    atomic_write_lines(path, ["one\n", "two\n"])
    before = path.stat()
    atomic_write_lines(path, ["one\ntwo\n"], keep_same=True)
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    atomic_write_lines(path, ["one\nTWO\n"], keep_same=True)
    assert path.read_text() == "one\nTWO\n" and path.stat().st_ino != before.st_ino
    path.write_text("one\nTW")  # torn by a crash
    atomic_write_lines(path, ["one\nTWO\n"], keep_same=True)
    assert path.read_text() == "one\nTWO\n"
    atomic_write_lines(tmp_path / "new.txt", ["x"], keep_same=True)
    assert (tmp_path / "new.txt").read_text() == "x"


@pytest.mark.parametrize("same", [True, False])
def test_a_temp_file_left_by_a_killed_writer_goes_with_the_rerun(tmp_path: Path, same: bool) -> None:
    """A writer killed between create and rename leaves its temp file; the rerun of that target
    must leave none, whether the output changed or not, and long names must work too."""
    for name in ("a.txt", "n" * 240 + ".txt"):
        path = tmp_path / name
        atomic_write_lines(path, ["old\n"])
        stray = [p for p in tmp_path.iterdir() if p.name.startswith(".")]
        assert stray == []
        from cleaner.writers import _temp_name

        (tmp_path / _temp_name(name)).write_text("half of a ")  # the kill
        atomic_write_lines(path, ["old\n" if same else "new\n"], keep_same=True)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted({name, "a.txt"})
        assert path.read_text() == ("old\n" if same else "new\n")


def test_journal_commits_and_truncates_whole_lines(tmp_path: Path) -> None:
    j = Journal(tmp_path / "j.jsonl")
    j.append([jsonl_line({"a": 1})])
    committed = j.sync()
    j.append([jsonl_line({"a": 2}), b'{"torn'])
    j.sync()
    j.truncate(committed)
    j.append([jsonl_line({"a": 3})])
    j.close()
    assert [json.loads(x) for x in (tmp_path / "j.jsonl").read_text().splitlines()] == [{"a": 1}, {"a": 3}]
    reopened = Journal(tmp_path / "j.jsonl")
    assert reopened.size == (tmp_path / "j.jsonl").stat().st_size
    reopened.close()


def test_dumps_keeps_each_record_on_one_line_for_any_reader() -> None:
    rec = {"text": "a\u2028b\u2029c\x85d\ne", "k": "é"}
    line = dumps(rec)
    assert len(line.splitlines()) == 1 and json.loads(line) == rec and "é" in line


def test_lone_surrogates_round_trip_in_json_and_become_fffd_in_text_files(tmp_path: Path) -> None:
    rec = {"text": "a\ud800b\udfffc"}
    line = dumps(rec)
    assert line.encode("utf-8") and json.loads(line) == rec
    atomic_write_lines(tmp_path / "t.txt", ["a\ud800b"])
    assert (tmp_path / "t.txt").read_text(encoding="utf-8") == "a\ufffdb"
