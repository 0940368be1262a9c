"""Writers: safe output names (property tests), confinement to OUT, atomic files, the journal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner.errors import OutputError
from cleaner.writers import (
    Folders,
    Journal,
    atomic_write_lines,
    check_name,
    dumps,
    jsonl_line,
    open_below,
    refuse_links,
    remove_output,
    safe_name,
    write_below,
)

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


def test_names_not_made_by_safe_name_are_refused(tmp_path: Path) -> None:
    for bad in ("../x", "/etc/x", "a/./b", "a\x00b", "a//b"):
        with pytest.raises(ValueError, match="not a name made by safe_name"):
            check_name(bad)
        with pytest.raises(ValueError, match="not a name made by safe_name"):
            open_below(tmp_path, bad, "wb")
    assert check_name("a/b.txt") == ["a", "b.txt"]


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


# -- nothing written through a symbolic link ----------------------------------------------------
@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file outside the output folder that a planted link points at: it must never change."""
    path = tmp_path / "victim.txt"
    path.write_text("precious\n")
    return path


@pytest.mark.parametrize("keep_same", [True, False])
def test_atomic_write_refuses_a_link_at_the_target_or_its_temp_name(
    tmp_path: Path, victim: Path, keep_same: bool
) -> None:
    out = tmp_path / "out"
    (out / "clean").mkdir(parents=True)
    for planted in ("a.txt", ".a.txt.tmp"):
        link = out / "clean" / planted
        link.symlink_to(victim)
        with pytest.raises(OutputError) as e:
            write_below(out, "clean/a.txt", ["new\n"], keep_same=keep_same)
        assert (e.value.code, e.value.detail) == ("C305", str(link))
        assert victim.read_text() == "precious\n" and link.is_symlink()
        link.unlink()


def test_a_whole_file_written_by_path_replaces_a_link_and_never_writes_through_it(tmp_path: Path, victim: Path) -> None:
    """Outside OUT (a user's rule file, say) a link at the target is replaced, as a rename does; its
    temp name is still never followed."""
    (tmp_path / "rule.toml").symlink_to(victim)
    atomic_write_lines(tmp_path / "rule.toml", ["new\n"])
    assert not (tmp_path / "rule.toml").is_symlink() and (tmp_path / "rule.toml").read_text() == "new\n"
    (tmp_path / ".other.toml.tmp").symlink_to(victim)
    with pytest.raises(OutputError, match="is a symbolic link"):
        atomic_write_lines(tmp_path / "other.toml", ["new\n"])
    assert victim.read_text() == "precious\n"


def test_folders_below_the_root_are_never_followed_but_the_root_may_be_a_link(tmp_path: Path) -> None:
    elsewhere, real_out = tmp_path / "elsewhere", tmp_path / "real-out"
    elsewhere.mkdir()
    (real_out / "clean" / "a").mkdir(parents=True)
    (real_out / "clean" / "a" / "b").symlink_to(elsewhere)  # deep down
    out = tmp_path / "out"
    out.symlink_to(real_out)  # the folder the user named may itself be a link
    with pytest.raises(OutputError) as e:
        write_below(out, "clean/a/b/c/x.txt", ["x"])
    assert (e.value.code, e.value.detail) == ("C305", str(out / "clean" / "a" / "b"))
    with pytest.raises(OutputError) as e:
        open_below(out, "clean/a/b/x.jsonl", "r+b")
    assert e.value.detail == str(out / "clean" / "a" / "b")
    assert list(elsewhere.iterdir()) == []
    with Folders() as folders:  # the same through folders kept open
        write_below(out, "clean/a/new/x.txt", ["fine"], folders=folders)
        with pytest.raises(OutputError, match="is a symbolic link"):
            write_below(out, "clean/a/b/y.txt", ["x"], folders=folders)
    assert (real_out / "clean" / "a" / "new" / "x.txt").read_text() == "fine"


def test_a_file_where_a_folder_should_be_is_named(tmp_path: Path) -> None:
    (tmp_path / "clean").mkdir()
    (tmp_path / "clean" / "a").write_text("a file")
    with pytest.raises(OutputError) as e:
        write_below(tmp_path, "clean/a/b.txt", ["x"])
    assert e.value.code == "C304"
    assert e.value.detail == f"{tmp_path / 'clean' / 'a'}: a file is where a folder should be"


def test_journal_refuses_a_link(tmp_path: Path, victim: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "errors.jsonl").symlink_to(victim)
    with pytest.raises(OutputError) as e:
        Journal(tmp_path / "out" / "errors.jsonl")
    assert (e.value.code, e.value.detail) == ("C305", str(tmp_path / "out" / "errors.jsonl"))
    assert victim.read_text() == "precious\n"


def test_refuse_links_looks_at_the_top_level(tmp_path: Path, victim: Path) -> None:
    refuse_links(tmp_path)  # the victim is a file, not a link
    (tmp_path / "b-link").symlink_to(victim)
    (tmp_path / "a-link").symlink_to(tmp_path / "nowhere")  # dangling links count too
    with pytest.raises(OutputError) as e:
        refuse_links(tmp_path)
    assert (e.value.code, e.value.detail) == ("C305", str(tmp_path / "a-link"))


def test_remove_output_deletes_only_a_file_and_the_folders_it_empties(tmp_path: Path, victim: Path) -> None:
    write_below(tmp_path, "clean/a/b/x.txt", ["x"])
    write_below(tmp_path, "clean/a/y.txt", ["y"])
    assert remove_output(tmp_path, "clean/a/b/x.txt")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "clean", "clean/a", "clean/a/y.txt", "victim.txt"]  # b went empty and went; a holds y.txt
    assert not remove_output(tmp_path, "clean/a/b/x.txt")  # already gone: nothing to do
    (tmp_path / "clean" / "a" / "z.txt").symlink_to(victim)
    (tmp_path / "clean" / "link").symlink_to(tmp_path / "clean" / "a")
    (tmp_path / "clean" / "d.txt").mkdir()
    assert not remove_output(tmp_path, "clean/a/z.txt")  # a link is not a file we wrote
    assert not remove_output(tmp_path, "clean/d.txt")  # nor is a folder
    assert not remove_output(tmp_path, "clean/link/y.txt")  # nor anything reached through a link
    assert (tmp_path / "clean" / "a" / "y.txt").exists() and victim.read_text() == "precious\n"


def test_a_full_disk_under_a_journal_is_an_output_error_naming_it() -> None:
    """ENOSPC in Journal.append, for real: /dev/full answers every write with it."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    journal = Journal(Path("/dev/full"))
    with pytest.raises(OutputError) as e:
        journal.append([jsonl_line({"text": "x" * 1000})] * 100)  # more than the buffer: written now
    assert (e.value.code, e.value.detail) == ("C304", "/dev/full: No space left on device")
    journal.abandon()  # and closing after the failure raises nothing more
