"""Batch runs: order and determinism for any --jobs, resume, --force, refusing bad OUT folders,
output names that never escape OUT, rule timeouts. Real files, real process pools."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from batchkit import INVISIBLE, article, lines, outputs, rebuilt_report, write_corpus
from cleaner.batch import RunOptions, clean_target, run
from cleaner.errors import OutputError, UsageError
from cleaner.pipeline import Options


def _run(inputs: list[Path] | Path, out: Path, **kw: object) -> object:
    ins = tuple(str(p) for p in (inputs if isinstance(inputs, list) else [inputs]))
    return run(RunOptions(inputs=ins, out=str(out), quiet=True, **kw))  # type: ignore[arg-type]


def test_batch_jobs_1_and_2_give_byte_identical_outputs(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "in", files=16, records=600)  # the JSONL spans several chunks
    _run(src, tmp_path / "one", jobs=1)
    _run(src, tmp_path / "two", jobs=2)
    one, two = outputs(tmp_path / "one"), outputs(tmp_path / "two")
    assert one == two
    records = lines(tmp_path / "one" / "annotations.jsonl")
    assert len(records) == 16 + 600
    assert [r["source"] for r in records[:3]] == ["blog/a000.txt", "blog/a002.txt", "blog/a004.txt"]
    assert [r["id"] for r in records if r["source"] == "feed.jsonl"] == [f"r{i}" for i in range(600)]
    assert any(r["annotations"] for r in records)


def test_batch_summary_counts_everything_in_out(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "in", files=4, records=5)
    report = _run(src, tmp_path / "out", jobs=1)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary == report.summary  # type: ignore[attr-defined]
    assert summary["documents"] == 9
    assert sum(summary["verdicts"].values()) == 9
    assert summary["kinds"]["encoding"] == sum(summary["rules"].values())
    assert summary["timings"]["jobs"] == 1


def test_batch_resume_skips_finished_units_and_force_redoes_them(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "in", files=6, records=10)
    out = tmp_path / "out"
    _run(src, out, jobs=1)
    first = outputs(out)
    again = _run(src, out, jobs=1)
    assert again.skipped == 6 + 1 and again.docs == 0  # type: ignore[attr-defined]
    assert outputs(out) == first
    forced = _run(src, out, jobs=1, force=True)
    assert forced.skipped == 0 and forced.docs == 16  # type: ignore[attr-defined]
    assert outputs(out) == first


def test_batch_force_rewrites_only_the_cleaned_files_that_change(tmp_path: Path) -> None:
    """A --force rerun (say, with new rules) leaves cleaned files whose text is unchanged as they
    were (same inode) and replaces the others; the output equals a fresh run's."""
    src = write_corpus(tmp_path / "in", files=6, records=10)
    out = tmp_path / "out"
    _run(src, out, jobs=2)
    clean = sorted(p for p in (out / "clean").rglob("*.txt"))
    inodes = {p: p.stat().st_ino for p in clean}
    changed = next(p for p in sorted(src.rglob("*.txt")))
    changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    _run(src, out, jobs=2, force=True)
    kept = [p for p in clean if p.stat().st_ino == inodes[p]]
    assert len(kept) == len(clean) - 1
    _run(src, tmp_path / "fresh", jobs=1)
    assert outputs(out) == outputs(tmp_path / "fresh")


def test_batch_resume_after_inputs_changed_equals_a_fresh_run(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "in", files=6, records=10)
    out = tmp_path / "out"
    _run(src, out, jobs=1)
    (src / "blog" / "a002.txt").write_text(article(77), encoding="utf-8")  # edited
    (src / "news" / "a003.txt").unlink()  # deleted
    (src / "blog" / "a001b.txt").write_text(article(78), encoding="utf-8")  # added in the middle
    resumed = _run(src, out, jobs=2)
    assert resumed.docs == 2  # type: ignore[attr-defined]
    _run(src, tmp_path / "fresh", jobs=1)
    assert outputs(out) == outputs(tmp_path / "fresh")  # the deleted input's cleaned file went too
    assert resumed.removed == [("news/a003.txt", "clean/news/a003.txt")]  # type: ignore[attr-defined]


def test_batch_refuses_a_run_with_other_rules_without_force(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "in", files=2, records=1)
    _run(src, tmp_path / "out", jobs=1)
    with pytest.raises(UsageError, match=r"other rules, options or version; pass --force"):
        _run(src, tmp_path / "out", jobs=1, pipeline=Options(reject_ratio=0.9))


def test_batch_truncates_a_torn_last_line_when_resuming(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "in", files=3, records=0)
    (src / "feed.jsonl").unlink()
    out = tmp_path / "out"
    _run(src, out, jobs=1)
    want = outputs(out)
    with (out / "annotations.jsonl").open("a", encoding="utf-8") as f:
        f.write('{"source":"torn')  # what a crash in the middle of a write leaves
    _run(src, out, jobs=1)
    assert outputs(out) == want


@pytest.mark.parametrize("where", ["inside", "around", "same"])
def test_batch_refuses_out_overlapping_an_input_folder(tmp_path: Path, where: str) -> None:
    src = write_corpus(tmp_path / "in", files=1, records=1)
    out = {"inside": src / "out", "around": tmp_path, "same": src}[where]
    with pytest.raises(UsageError) as e:
        _run(src, out, jobs=1)
    assert e.value.code == "C301"
    assert ("is inside the input folder" if where != "around" else "contains the input") in e.value.text
    assert not (src / "out").exists()


def test_batch_refuses_out_that_is_a_file(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "in", files=1, records=1)
    (tmp_path / "out").write_text("x")
    with pytest.raises(OutputError, match="out: a file is where the output folder should be") as e:
        _run(src, tmp_path / "out", jobs=1)
    assert e.value.code == "C304"


def test_batch_output_names_never_escape_out(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    names = ["new\nline.txt", "percent%2E%2E.txt", ":colon.txt", "back\\slash.txt", "tab\there.txt"]
    for n in names:
        (src / n).write_text(article(len(n)), encoding="utf-8")
    with (src / "ids.jsonl").open("w") as f:  # ids are never used as file names
        for rid in ["../../escape", "/abs/path", "nul\x00id", "new\nline"]:
            f.write(json.dumps({"id": rid, "text": article(3)}) + "\n")
    out = tmp_path / "sub" / "out"
    _run(src, out, jobs=2)
    made = {p.relative_to(out).as_posix() for p in out.rglob("*")}
    assert {
        "clean/new%0Aline.txt",
        "clean/percent%252E%252E.txt",
        "clean/%3Acolon.txt",
        "clean/back%5Cslash.txt",
        "clean/tab%09here.txt",
        "clean/ids.jsonl",
    } <= made
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "sub"]  # nothing written beside OUT
    ids = [r["id"] for r in lines(out / "clean" / "ids.jsonl")]
    assert ids == ["../../escape", "/abs/path", "nul\x00id", "new\nline"]


def test_batch_clean_names_of_colliding_inputs_stay_distinct(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Plain text one.\n")
    (src / "a.txt.gz").write_bytes(__import__("gzip").compress(b"Plain text two.\n"))
    _run(src, tmp_path / "out", jobs=1)
    clean = tmp_path / "out" / "clean"
    assert sorted(p.name for p in clean.iterdir()) == ["a.txt", "a~2.txt"]
    assert {p.read_text() for p in clean.iterdir()} == {"Plain text one.\n", "Plain text two.\n"}


def test_batch_two_inputs_with_the_same_name_keep_separate_sources(tmp_path: Path) -> None:
    for side in ("x", "y"):
        (tmp_path / side / "data").mkdir(parents=True)
        (tmp_path / side / "data" / "a.txt").write_text(f"Text from {side}.\n")
    _run([tmp_path / "x" / "data", tmp_path / "y" / "data"], tmp_path / "out", jobs=1)
    assert [r["source"] for r in lines(tmp_path / "out" / "annotations.jsonl")] == [
        "data/a.txt",
        "data~2/a.txt",
    ]


def test_batch_refuses_to_write_through_a_symlink_planted_in_out(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "a.txt").write_text("Plain text.\n")
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    (out / "clean").mkdir(parents=True)
    elsewhere.mkdir()
    (out / "clean" / "sub").symlink_to(elsewhere)
    with pytest.raises(OutputError) as e:
        _run(src, out, jobs=1)
    assert (e.value.code, e.value.detail) == ("C305", str(out / "clean" / "sub"))
    assert list(elsewhere.iterdir()) == []


def test_clean_target_names() -> None:
    assert clean_target("a/b.txt.gz", "txt") == "a/b.txt"
    assert clean_target("page.html", "html") == "page.html.txt"
    assert clean_target("<stdin>", "jsonl") == "stdin.jsonl"
    assert clean_target("../x.txt", "txt") == "%2E%2E/x.txt"


def test_batch_rule_timeout_reports_the_rule_and_runs_the_others(tmp_path: Path) -> None:
    rules = tmp_path / "rules" / "spam"
    rules.mkdir(parents=True)
    (rules / "catastrophic.toml").write_text(
        'detector = "pattern"\nkind = "spam"\ndescription = "Backtracks forever on a run of a."\n'
        'message = "{match}"\naction = "remove"\n[params]\npatterns = ["(a|aa)+$"]\n'
    )
    src = tmp_path / "in"
    src.mkdir()
    (src / "slow.txt").write_text("Intro line with a hidden" + INVISIBLE + "space.\n" + "a" * 40 + "!\n")
    (src / "fine.txt").write_text("Nothing to see.\n")
    out = tmp_path / "out"
    _run(src, out, jobs=2, rules=(str(tmp_path / "rules"),), pipeline=Options(rule_timeout=0.2))
    errors = lines(out / "errors.jsonl")
    assert [(e["source"], e["code"], e["rule"]) for e in errors] == [("slow.txt", "C113", "spam.catastrophic")]
    slow = next(r for r in lines(out / "annotations.jsonl") if r["source"] == "slow.txt")
    assert [a["rule"] for a in slow["annotations"]] == ["encoding.invisible_chars"]  # the rest still ran
    assert slow["errors"][0]["rule"] == "spam.catastrophic"


def test_batch_manifest_records_every_unit_by_content_hash(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "in", files=2, records=3)
    _run(src, tmp_path / "out", jobs=1)
    db = sqlite3.connect(tmp_path / "out" / "manifest.sqlite")
    rows = db.execute("SELECT rel, part, length(digest) FROM units ORDER BY seq").fetchall()
    assert rows == [(b"blog/a000.txt", 0, 32), (b"feed.jsonl", 0, 32), (b"news/a001.txt", 0, 32)]  # names as bytes
    assert (tmp_path / "out" / "annotations.jsonl").stat().st_size == int(
        db.execute("SELECT value FROM meta WHERE key='ann_size'").fetchone()[0]
    )


def test_batch_streams_a_big_jsonl_with_bounded_memory(tmp_path: Path) -> None:
    import resource

    src = tmp_path / "in"
    src.mkdir()
    pad = " " * 4000 + "\n"  # blank lines cost the pipeline nothing: this measures the streaming
    with (src / "big.jsonl").open("w") as f:
        for i in range(40):
            f.write(json.dumps({"id": i, "text": f"Document {i}."}) + "\n" + pad * 1000)
    assert (src / "big.jsonl").stat().st_size > 150_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    _run(src, tmp_path / "out", jobs=2)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert len(lines(tmp_path / "out" / "annotations.jsonl")) == 40
    assert grown_mb < 80, f"the main process grew by {grown_mb:.0f} MB on a 160 MB file"


def test_a_worker_reads_each_input_file_once_for_digest_and_text(tmp_path: Path, monkeypatch) -> None:
    import gzip
    from collections import Counter

    from cleaner.batch import process_unit
    from cleaner.pipeline import Pipeline
    from cleaner.readers import ReadOptions
    from cleaner.sources import file_digest, units

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(article(1), encoding="utf-8")
    (src / "b.html").write_text(f"<html><body><article><p>{article(2)}</p></article></body></html>", encoding="utf-8")
    (src / "c.txt.gz").write_bytes(gzip.compress(article(3).encode("utf-8")))
    opened: Counter[str] = Counter()
    real_open = Path.open

    def counting_open(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened[self.name] += 1
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", counting_open)
    pipeline, read = Pipeline.default(), ReadOptions()
    for unit in units((str(src),), read):
        out = process_unit(unit, pipeline, read)
        assert out.docs == 1 and not out.errors
        assert out.digest == file_digest(Path(unit.path or ""))
    names = ("a.txt", "b.html", "c.txt.gz")
    assert {n: opened[n] for n in names} == dict.fromkeys(names, 2)  # the worker's read, then file_digest's


def test_batch_report_counted_during_the_run_equals_the_one_rebuilt_from_the_journals(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "in", files=12, records=300)
    (src / "broken.jsonl").write_text('{"text": "fine text here, yes"}\nnot json\n{"id": 3}\n', encoding="utf-8")
    out = tmp_path / "out"
    _run(src, out, jobs=2)
    summary, _ = rebuilt_report(out)
    assert summary["documents"] == 12 + 300 + 1 and summary["errors"] == 2 and summary["rules"]
    # resumed: the units of the first run are counted from the journals, the new ones as they finish
    (src / "blog" / "a002.txt").write_text(article(77), encoding="utf-8")
    (src / "blog" / "a001b.txt").write_text(article(78), encoding="utf-8")
    resumed = _run(src, out, jobs=2)
    assert resumed.skipped > 0 and resumed.docs == 2  # type: ignore[attr-defined]
    summary, _ = rebuilt_report(out)
    assert summary["documents"] == 12 + 1 + 300 + 1 and summary["errors"] == 2


def test_forked_workers_start_with_the_parents_objects_frozen_and_the_parent_unfreezes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The garbage collector never walks what the workers inherited; afterwards nothing stays frozen
    (garbage from before the run can still be collected)."""
    import gc
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from cleaner import Pipeline

    pipeline = Pipeline.default()
    with pipeline.shared_with_workers(), ProcessPoolExecutor(1, mp_context=get_context("fork")) as pool:
        assert gc.get_freeze_count() > 0 and pool.submit(gc.get_freeze_count).result() > 0
    assert gc.get_freeze_count() == 0
    with pytest.raises(KeyboardInterrupt), pipeline.shared_with_workers():
        raise KeyboardInterrupt
    assert gc.get_freeze_count() == 0

    frozen: list[int] = []
    real_freeze = gc.freeze
    monkeypatch.setattr(gc, "freeze", lambda: (real_freeze(), frozen.append(gc.get_freeze_count())))
    _run(write_corpus(tmp_path / "in", files=4, records=5), tmp_path / "out", jobs=2)
    assert len(frozen) == 1 and frozen[0] > 0 and gc.get_freeze_count() == 0
    assert [r.verdict for r in pipeline.clean_many(["a text", "another text"], jobs=2)] == ["clean", "clean"]
    assert len(frozen) == 2 and gc.get_freeze_count() == 0
