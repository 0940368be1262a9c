"""OUT is ours alone: nothing is written through a symbolic link inside it; its own failures
(read-only, full, a file) end the run with exit code 3 and one message, and a rerun once they are
fixed finishes the rest; a rerun removes the cleaned files of inputs that are gone, and nothing
else. Through the real CLI: ``cli.main`` in-process, and the installed command on a really full
file system (a small tmpfs in a private mount namespace)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from batchkit import article, outputs, tree, write_corpus
from cleaner import cli

CLEANER = str(Path(sys.executable).with_name("cleaner"))
LINK = ("is a symbolic link inside the output folder, and nothing is written through one; remove the link or "
        "choose another output folder")
FIX = "fix that and rerun the same command to finish the rest"


def _run(src: Path, out: Path, *more: str) -> int:
    return cli.main(["run", str(src), "-o", str(out), "--jobs", "2", "--quiet", *more])


# -- symbolic links --------------------------------------------------------------------------------
FILES = ["annotations.jsonl", "errors.jsonl", "manifest.sqlite", "manifest.sqlite-journal", "summary.json",
         "report.html", ".summary.json.tmp", ".report.html.tmp", ".annotations.jsonl.compact",
         "clean/blog/a000.txt", "clean/blog/.a000.txt.tmp", "clean/feed.jsonl"]
FOLDERS = ["clean", "clean/blog"]


@pytest.mark.parametrize("when", ["first run", "forced rerun"])
@pytest.mark.parametrize("name", FILES + FOLDERS)
def test_a_symbolic_link_inside_out_is_refused_and_what_it_points_at_is_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, when: str
) -> None:
    src = write_corpus(tmp_path / "in", files=4, records=3)
    out = tmp_path / "out"
    victim, victim_dir = tmp_path / "victim.txt", tmp_path / "victim-dir"
    victim.write_bytes(b"precious\n")
    victim_dir.mkdir()
    if when == "forced rerun":
        assert _run(src, out) == 0
    link = out / name
    if link.is_dir():
        shutil.rmtree(link)
    link.unlink(missing_ok=True)
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(victim_dir if name in FOLDERS else victim)
    assert _run(src, out, *(["--force"] if when == "forced rerun" else [])) == 3
    assert capsys.readouterr().err == f"cleaner: [C305] {link} {LINK}\n"
    assert victim.read_bytes() == b"precious\n" and list(victim_dir.iterdir()) == []
    assert link.is_symlink()


@pytest.mark.parametrize("name", ["summary.json", "report.html"])
def test_cleaner_report_refuses_a_link_too(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    out = tmp_path / "out"
    assert _run(write_corpus(tmp_path / "in", files=2, records=2), out) == 0
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious\n")
    (out / name).unlink()
    (out / name).symlink_to(victim)
    assert cli.main(["report", str(out)]) == 3
    assert capsys.readouterr().err == f"cleaner: [C305] {out / name} {LINK}\n"
    assert victim.read_bytes() == b"precious\n"


# -- the file system fails ---------------------------------------------------------------------------
@contextmanager
def read_only(folder: Path) -> Iterator[str]:
    """``folder`` read-only for this process (a read-only bind mount for root, whom file modes do not
    stop); yields the reason the system then gives for a write."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield "Permission denied"
        finally:
            folder.chmod(0o755)
        return
    if subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True, check=False).returncode:
        pytest.skip("cannot bind-mount here, so no read-only folder for root")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True, capture_output=True)
        yield "Read-only file system"
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True, check=False).returncode:
            subprocess.run(["umount", "--lazy", str(folder)], check=True)  # never leave a mount behind
            pytest.fail(f"{folder} was still in use after the run: a file left open?")


def test_a_read_only_out_exits_3_and_a_rerun_once_writable_finishes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_corpus(tmp_path / "in", files=6, records=10)
    out = tmp_path / "out"
    assert _run(src, out) == 0
    (src / "blog" / "a002.txt").write_text(article(77), encoding="utf-8")  # edited
    (src / "news" / "a001b.txt").write_text(article(78), encoding="utf-8")  # added
    before = tree(out)
    with read_only(out) as reason:
        assert _run(src, out) == 3
        err = capsys.readouterr().err
    if os.geteuid() == 0:
        assert err == f"cleaner: [C304] cannot write the output: {out / 'manifest.sqlite'}: {reason}; {FIX}\n"
    else:  # SQLite's own words: a folder it cannot write beside a manifest it can
        assert re.fullmatch(rf"cleaner: \[C304\] cannot write the output: {re.escape(str(out))}/\S+: .+; {FIX}\n", err)
    assert tree(out) == before
    assert _run(src, out) == 0
    assert _run(src, tmp_path / "fresh") == 0
    assert outputs(out) == outputs(tmp_path / "fresh")


def test_out_under_a_read_only_folder_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_corpus(tmp_path / "in", files=2, records=2)
    parent = tmp_path / "parent"
    parent.mkdir()
    with read_only(parent) as reason:
        assert _run(src, parent / "out") == 3
    assert capsys.readouterr().err == f"cleaner: [C304] cannot write the output: {parent / 'out'}: {reason}; {FIX}\n"
    assert list(parent.iterdir()) == []


def test_out_that_is_a_file_or_lies_under_one_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_corpus(tmp_path / "in", files=2, records=2)
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder\n")
    assert _run(src, a_file) == 3
    assert capsys.readouterr().err == (
        f"cleaner: [C304] cannot write the output: {a_file}: a file is where the output folder should be; {FIX}\n")
    assert _run(src, a_file / "out") == 3
    assert capsys.readouterr().err == (
        f"cleaner: [C304] cannot write the output: {a_file / 'out'}: a file is where a folder should be; {FIX}\n")
    assert a_file.read_text() == "not a folder\n"


def _private_mounts() -> list[str]:
    """A command prefix that runs a command in a mount namespace of its own (mounts made there
    vanish with it), or a skip."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1)")
    prefix = (["unshare", "--mount", "--propagation", "private"] if os.geteuid() == 0
              else ["unshare", "--user", "--map-root-user", "--mount"])
    probe = subprocess.run([*prefix, "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"], capture_output=True,
                           check=False)
    if probe.returncode:
        pytest.skip(f"cannot mount a tmpfs in a private namespace here: {probe.stderr.decode().strip()}")
    return prefix


_FULL_DISK = """
mount -t tmpfs -o size=$SIZE tmpfs "$DISK" || exit 90
CLEANER_CHECKPOINT_SECONDS=0.05 "$CLEANER" run "$SRC" -o "$DISK/out" --jobs 2 --quiet 2> "$LOGS/first"
echo $? > "$LOGS/first.rc"
mount -o remount,size=256m "$DISK" || exit 91
"$CLEANER" run "$SRC" -o "$DISK/out" --jobs 2 --quiet 2> "$LOGS/second"
echo $? > "$LOGS/second.rc"
cp -a "$DISK/out" "$LOGS/out"
"""


def test_a_full_disk_exits_3_and_a_rerun_with_space_finishes_without_loss_or_duplicates(tmp_path: Path) -> None:
    """A real full file system: a tmpfs half the size of the whole output, mounted in a private
    mount namespace; then made bigger (as a user frees space) and the same command run again."""
    prefix = _private_mounts()
    src = tmp_path / "in"
    (src / "docs").mkdir(parents=True)
    for i in range(150):
        (src / "docs" / f"d{i:03d}.txt").write_text(article(i, 6), encoding="utf-8")
    with (src / "feed.jsonl").open("w", encoding="utf-8") as f:
        for i in range(3000):
            f.write(json.dumps({"id": i, "text": article(5000 + i, 3)}) + "\n")
    fresh = tmp_path / "fresh"
    assert _run(src, fresh) == 0
    pages = sum(-(-p.stat().st_size // 4096) * 4096 for p in fresh.rglob("*") if p.is_file())
    (tmp_path / "disk").mkdir()
    (tmp_path / "logs").mkdir()
    env = {**os.environ, "SIZE": str(pages // 2), "DISK": str(tmp_path / "disk"), "SRC": str(src),
           "LOGS": str(tmp_path / "logs"), "CLEANER": CLEANER}
    done = subprocess.run([*prefix, "sh", "-c", _FULL_DISK], env=env, capture_output=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr.decode()
    logs = tmp_path / "logs"
    first = (logs / "first").read_text()
    assert (logs / "first.rc").read_text() == "3\n", first
    assert re.fullmatch(rf"cleaner: \[C304\] cannot write the output: {re.escape(str(tmp_path / 'disk' / 'out'))}/"
                        rf"\S+: (No space left on device|database or disk is full); {FIX}\n", first), first
    assert (logs / "second.rc").read_text() == "0\n", (logs / "second").read_text()
    assert (logs / "second").read_text() == ""
    summary = json.loads((logs / "out" / "summary.json").read_text())
    assert summary["timings"]["skipped_units"] > 0  # it resumed from the first run's checkpoints
    assert outputs(logs / "out") == outputs(fresh)


# -- inputs that are gone ------------------------------------------------------------------------------
def test_a_rerun_removes_the_cleaned_files_of_inputs_that_are_gone_and_nothing_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_corpus(tmp_path / "in", files=6, records=10)
    (src / "deep" / "er").mkdir(parents=True)
    (src / "deep" / "er" / "x.txt").write_text(article(80), encoding="utf-8")
    (src / "page.html").write_text(f"<html><body><article><p>{article(81)}</p></article></body></html>")
    out = tmp_path / "out"
    argv = ["run", str(src), "-o", str(out), "--jobs", "2"]
    assert cli.main(argv) == 0
    capsys.readouterr()
    # what the run did not write: a reviewer's note, a file beside ours, a link in place of ours
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious\n")
    (out / "clean" / "notes.txt").write_text("mine\n")
    (out / "clean" / "deep" / "er" / "mine.txt").write_text("mine too\n")
    (out / "clean" / "blog" / "a004.txt").unlink()
    (out / "clean" / "blog" / "a004.txt").symlink_to(victim)
    for gone in ("news/a003.txt", "feed.jsonl", "page.html", "deep/er/x.txt", "blog/a004.txt"):
        (src / gone).unlink()
    shutil.rmtree(src / "deep")
    assert cli.main(argv) == 0
    _, e = capsys.readouterr()
    assert e == "".join(f"cleaner: removed {out}/clean/{name}: its input {rel} is gone\n" for rel, name in [
        ("deep/er/x.txt", "deep/er/x.txt"), ("feed.jsonl", "feed.jsonl"), ("news/a003.txt", "news/a003.txt"),
        ("page.html", "page.html.txt")])
    summary = json.loads((out / "summary.json").read_text())
    assert summary["timings"]["removed_clean_files"] == 4
    assert (out / "clean" / "notes.txt").read_text() == "mine\n"
    assert (out / "clean" / "deep" / "er" / "mine.txt").read_text() == "mine too\n"  # its folder stays for it
    assert (out / "clean" / "blog" / "a004.txt").is_symlink() and victim.read_bytes() == b"precious\n"
    assert cli.main(["run", str(src), "-o", str(tmp_path / "fresh"), "--quiet"]) == 0
    got = outputs(out)
    for theirs in ("clean/notes.txt", "clean/deep/er/mine.txt", "clean/blog/a004.txt"):
        del got[theirs]
    assert got == outputs(tmp_path / "fresh")
    # a forced rerun (new rules, say) removes them too: the names of cleaned files outlive --force
    (src / "blog" / "a002.txt").unlink()
    assert cli.main([*argv, "--force", "--quiet"]) == 0
    assert not (out / "clean" / "blog" / "a002.txt").exists() and (out / "clean" / "blog" / "a000.txt").exists()
    assert json.loads((out / "summary.json").read_text())["timings"]["removed_clean_files"] == 1


def test_records_to_a_full_standard_output_exit_3(tmp_path: Path) -> None:
    """``cleaner run - -o - > file`` on a full disk: /dev/full answers every write with ENOSPC."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    feed = "".join(json.dumps({"id": f"r{i}", "text": article(i)}) + "\n" for i in range(50))
    with Path("/dev/full").open("wb") as full:
        done = subprocess.run([CLEANER, "run", "-", "-o", "-", "--jobs", "2"], input=feed.encode(), stdout=full,
                              stderr=subprocess.PIPE, timeout=120, check=False)
    assert done.returncode == 3
    assert done.stderr.decode() == (
        f"cleaner: [C304] cannot write the output: standard output: No space left on device; {FIX}\n")


def test_run_help_documents_exit_code_3(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["run", "--help"])
    assert " ".join(capsys.readouterr().out.split()).endswith(
        "3 the output folder cannot be written (read-only, full, a file, or holding a symbolic link): fix it and "
        "rerun the same command to finish the rest.")
