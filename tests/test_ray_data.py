"""The Ray Data adapter (DESIGN.md §9) on a real local Ray cluster: the same records as the library,
every input row exactly once with its columns kept, JSONL and Parquet folders, error rows instead of
failed jobs, one pipeline per actor. Skipped only where Ray cannot be imported (no cleaner[ray])."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cleaner import Document, Pipeline
from cleaner.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
RECORD = ("source", "id", "format", "lang", "verdict", "text", "annotations", "stats", "errors")
ALWAYS_GOOD = "The harbour ferry ran on time all week."


def sample_records() -> list[dict[str, Any]]:
    """44 records with every kind of finding and none: the samples (the project's own texts), varied."""
    texts = [json.loads(line)["text"] for line in (SAMPLES / "newswire-batch.jsonl").read_text("utf-8").splitlines()]
    texts += [p.read_text("utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    texts += ["Rates rose again.\n杭州桑拿会所 V信hz8899\nThe bank said more was to come.", ALWAYS_GOOD,
              "The comittee will recieve the reprot tomorow.", "CafÃ© prices rose\u200b again."]
    return [{"id": f"doc-{n}", "text": f"Part {n}.\n{text}", "url": f"https://example.org/{n}", "n": n,
             "lang": "en" if n % 3 == 0 else None, "source": "crawl-7"}
            for n, text in enumerate(texts * 4)]


def expected(rec: dict[str, Any], *, errors_column: bool) -> dict[str, Any]:
    """What the adapter must give for ``rec``: the library's record, input fields at the top level
    (renamed input_<name> where the record uses the name), after a JSON round trip."""
    meta = {k: v for k, v in rec.items() if k not in ("text", "id")}
    doc = Document(rec["text"], id=rec["id"], source=rec["id"], format="record", metadata=meta)
    record = Pipeline.default().clean(doc).to_dict()
    record.pop("metadata", None)
    if errors_column:
        record.setdefault("errors", [])
    record.update({(f"input_{k}" if k in RECORD else k): v for k, v in meta.items()})
    return json.loads(json.dumps(record))


def decoded(row: dict[str, Any]) -> dict[str, Any]:
    return {k: json.loads(v) if k in ("annotations", "stats", "errors") else v for k, v in row.items()}


def by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    ids = Counter(r["id"] for r in rows)
    assert all(n == 1 for n in ids.values()), [i for i, n in ids.items() if n > 1]
    return {r["id"]: r for r in rows}


def write_jsonl(path: Path, records: list[Any], extra_lines: tuple[str, ...] = ()) -> None:
    lines = [json.dumps(r, ensure_ascii=False) for r in records] + list(extra_lines)
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)


# -- without Ray ---------------------------------------------------------------------------------
def test_clean_batch_turns_a_bad_record_into_an_error_record():
    out = Pipeline.default().clean_batch([{"id": "a", "text": 42}, {"id": "b", "text": ALWAYS_GOOD, "url": "u"},
                                          {"id": "c"}])
    assert [r["verdict"] for r in out] == ["error", "clean", "error"]
    assert out[0]["errors"] == [{"code": "C106", "reason": "[C106] field 'text' is missing or is not a string"}]
    assert out[0]["text"] is None and out[1]["metadata"] == {"url": "u"} and out[2]["id"] == "c"


def test_importing_cleaner_never_imports_ray():
    code = "import sys, cleaner, cleaner.cli, cleaner.engines; print('ray' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_cli_without_ray_names_the_extra_to_install(tmp_path: Path):
    code = ("import sys; sys.modules['ray'] = None; from cleaner.cli import main; "
            f"sys.exit(main(['ray', {str(tmp_path)!r}, '-o', {str(tmp_path / 'out')!r}]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip() == ('cleaner: [C303] Ray Data is not installed; it comes with the optional extra: '
                                   'pip install "cleaner[ray]"')


# -- on a local Ray cluster ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def ray_cluster() -> Any:
    """A real local cluster. 3 logical CPUs on this 2-core machine: Ray Data 2.60 gives a pool of 2
    actors its CPUs first and the read tasks need one more (with 2, the job never starts). Token
    authentication off: a throwaway cluster of this test run, not a token file in $HOME."""
    ray = pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    ray.init(num_cpus=3, include_dashboard=False, logging_level="WARNING", log_to_driver=False)
    yield ray
    ray.shutdown()


def test_dataset_rows_equal_the_library_records_with_input_columns_kept(ray_cluster: Any):
    from cleaner.engines.ray_data import clean_dataset

    records = sample_records()
    ds = ray_cluster.data.from_items(records, override_num_blocks=6)
    rows = clean_dataset(ds, actors=2, batch_size=5).take_all()
    got = by_id([decoded(r) for r in rows])
    assert sorted(got) == sorted(r["id"] for r in records)
    for rec in records:
        assert got[rec["id"]] == expected(rec, errors_column=True)
    assert {type(r["n"]) for r in got.values()} == {int}  # an input column keeps its type
    assert {r["verdict"] for r in got.values()} == {"clean", "cleaned"}
    assert {s["kind"] for r in got.values() for s in r["annotations"]} == {"spam", "artifact", "encoding", "typo"}


def test_the_udf_takes_arrow_pandas_and_dict_batches_alike(ray_cluster: Any):
    import pyarrow as pa

    from cleaner.engines.ray_data import CleanBatch

    udf = CleanBatch()
    records = sample_records()[:11]
    table = pa.Table.from_pylist(records)
    want = [expected(rec, errors_column=True) for rec in records]
    assert [decoded(r) for r in udf(table).to_pylist()] == want
    frame = udf(table.to_pandas())
    frame = frame.astype(object).where(frame.notna(), None)  # pandas shows a missing string as NaN
    assert [decoded(r) for r in frame.to_dict("records")] == want
    columns = udf({name: table.column(name).to_numpy(zero_copy_only=False) for name in table.column_names})
    assert [decoded(dict(zip(columns, row, strict=True))) for row in zip(*columns.values(), strict=True)] == want


def test_pipeline_is_built_once_per_actor(ray_cluster: Any, tmp_path: Path):
    from cleaner.engines.ray_data import CleanBatch, clean_dataset

    log = tmp_path / "constructions"

    class CountingCleanBatch(CleanBatch):  # defined here, so Ray ships it by value to the actors
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            with log.open("a") as f:
                f.write(f"{os.getpid()}\n")
            super().__init__(*args, **kwargs)

    records = [{"id": str(i), "text": f"Note {i}: {ALWAYS_GOOD}"} for i in range(48)]
    ds = ray_cluster.data.from_items(records, override_num_blocks=12)
    rows = clean_dataset(ds, actors=2, batch_size=4, udf=CountingCleanBatch).take_all()
    assert sorted(int(r["id"]) for r in rows) == list(range(48))
    pids = log.read_text().split()
    assert len(pids) == 2 and len(set(pids)) == 2  # 2 actors, 12 batches


def test_a_batch_whose_call_raised_is_retried(ray_cluster: Any, tmp_path: Path):
    from cleaner.engines.ray_data import CleanBatch, clean_dataset

    failed = tmp_path / "failed-once"

    class FlakyCleanBatch(CleanBatch):  # the first call anywhere fails, as a lost connection would
        def __call__(self, batch: Any) -> Any:
            if not failed.exists():
                failed.touch()
                raise ConnectionError("transient")
            return super().__call__(batch)

    records = [{"id": str(i), "text": f"Note {i}: {ALWAYS_GOOD}"} for i in range(12)]
    ds = ray_cluster.data.from_items(records, override_num_blocks=3)
    rows = clean_dataset(ds, actors=1, batch_size=4, udf=FlakyCleanBatch, retries=1).take_all()
    assert failed.exists() and sorted(int(r["id"]) for r in rows) == list(range(12))


def test_cli_cleans_a_jsonl_folder_and_reports_bad_lines(ray_cluster: Any, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]):
    records = sample_records()
    inp = tmp_path / "in"
    inp.mkdir()
    write_jsonl(inp / "a.jsonl", records[:20])
    write_jsonl(inp / "b.jsonl.gz", records[20:35])
    write_jsonl(inp / "c.jsonl", [*records[35:], {"id": "num", "text": 7}, ["not", "an", "object"]],
                extra_lines=("{broken",))
    (inp / "notes.md").write_text("not an input")
    status = main(["ray", str(inp), "-o", str(tmp_path / "out"), "--actors", "2", "--batch-size", "8"])
    assert status == 1  # error rows: some inputs failed
    files = sorted((tmp_path / "out").iterdir())
    assert files and all(f.suffix == ".jsonl" for f in files)
    rows = [json.loads(line) for f in files for line in f.read_text("utf-8").splitlines()]
    got = by_id(rows)
    for rec in records:
        assert got.pop(rec["id"]) == expected(rec, errors_column=False)
    errors = sorted((r["errors"][0]["code"], r["verdict"], r["text"]) for r in got.values())
    assert errors == [("C105", "error", None), ("C106", "error", None), ("C107", "error", None)]
    assert capsys.readouterr().out.startswith(f"cleaner ray: {len(records) + 3} records (")


def test_run_cleans_a_parquet_folder(ray_cluster: Any, tmp_path: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cleaner.engines.ray_data import run

    records = sample_records()
    for rec in records:
        rec["lang"] = rec["lang"] or ""  # one type per Parquet column
    (tmp_path / "in").mkdir()
    pq.write_table(pa.Table.from_pylist(records[:30]), tmp_path / "in" / "a.parquet")
    bad = {**records[0], "id": "null-text", "text": None}
    pq.write_table(pa.Table.from_pylist([*records[30:], bad]), tmp_path / "in" / "b.parquet")
    summary = run(tmp_path / "in", tmp_path / "out", format="parquet", actors=2, batch_size=8)
    table = pq.read_table(tmp_path / "out")
    assert table.column_names == [*RECORD, "url", "n", "input_lang", "input_source"]
    assert table.schema.field("n").type == pa.int64()
    got = by_id([decoded(r) for r in table.to_pylist()])
    for rec in records:
        assert got.pop(rec["id"]) == expected(rec, errors_column=True)
    assert got["null-text"]["verdict"] == "error" and got["null-text"]["errors"][0]["code"] == "C106"
    assert summary.records == len(records) + 1 and summary.errors == 1


def test_cli_refuses_a_non_empty_output_folder(ray_cluster: Any, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]):
    write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "text": ALWAYS_GOOD}])
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.jsonl").write_text("{}\n")
    assert main(["ray", str(tmp_path / "a.jsonl"), "-o", str(tmp_path / "out")]) == 2
    assert "is not empty; choose a new folder or overwrite it (--overwrite)" in capsys.readouterr().err
    assert main(["ray", str(tmp_path), "-o", str(tmp_path / "out"), "--overwrite"]) == 2
    assert "overlaps the input" in capsys.readouterr().err
