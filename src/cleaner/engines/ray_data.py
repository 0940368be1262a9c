"""Ray Data adapter: clean a ``ray.data.Dataset`` on a pool of actors that each build the pipeline
once (``pip install "cleaner[ray]"``). Scheduling, retries, spilling and file I/O are Ray's own.

    import ray
    from cleaner.engines.ray_data import clean_dataset

    ds = ray.data.read_parquet("s3://bucket/crawl/")      # any dataset with a text column
    clean_dataset(ds, actors=8).write_parquet("s3://bucket/cleaned/")

Each output row is the record of DESIGN.md §4 — ``source``, ``id``, ``format``, ``lang``,
``verdict``, ``text`` (cleaned), ``annotations``, ``stats``, ``errors`` — followed by every other
input column as it was (a column whose name the record takes is kept as ``input_<name>``; an input
``lang`` is read as the language hint first). A record that cannot be cleaned (text not a string,
a malformed JSON line) is a row with verdict ``error`` and its reason in ``errors``: the job goes on.

``annotations``, ``stats`` and ``errors`` are JSON strings. Parquet needs one schema per file and
Ray concatenates blocks, but these values have no fixed shape: spans carry optional keys
(``locator``, a ``detail`` table of any shape) and ``stats.findings`` has one key per kind found,
so Arrow would infer a different struct type from batch to batch (``list<null>`` for a batch
without findings) and would fill absent keys with nulls, so a row would no longer equal
``Result.to_dict()``. A string column has one type, round-trips exactly, and every engine reads it
(``json.loads``, Spark's ``from_json``, DuckDB's JSON functions). The JSONL files :func:`run` writes
hold them as nested JSON again: the same records ``cleaner run`` writes, input fields flattened.

Order is not kept (Ray's streaming executor writes blocks as they finish); every input row gives
exactly one output row. User rule folders must be readable at the same path on every node.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import ray
import ray.data
from ray.data import SaveMode
from ray.data.block import BlockAccessor
from ray.data.datasource import BlockBasedFileDatasink

from ..errors import CleanerError, UsageError
from ..pipeline import Pipeline, error_record
from ..writers import dumps
from . import BATCH_SIZE, FORMATS, RETRIES

RECORD_COLUMNS = ("source", "id", "format", "lang", "verdict", "text", "annotations", "stats", "errors")
JSON_COLUMNS = frozenset({"annotations", "stats", "errors"})
LINE_COLUMN = "text"  # the column ray.data.read_text puts each line in
JSONL_EXTENSIONS = ["jsonl", "ndjson", "jsonl.gz", "ndjson.gz"]
ROWS_PER_FILE = 4096  # ~20 MB of articles; Ray writes a file per block otherwise, and ours hold one batch
_VERDICT = re.compile(r'"verdict":"(\w+)"')  # dumps is compact; a quote inside a string is escaped


class CleanBatch:
    """Ray Data class UDF for ``map_batches``: the pipeline is built once, in ``__init__`` (once per
    actor), from the rule folders and options; each call cleans one batch.

    A batch is a ``pyarrow.Table``, a ``pandas.DataFrame`` or a dict of columns, and the result is
    of the same kind with one row per input row. Rows without an id get ``sha1:`` + a digest of
    their text: a position inside a batch would repeat across batches."""

    def __init__(self, rules: Sequence[str] = (), *, text_field: str = "text", id_field: str = "id",
                 bundled: bool = True, options: Mapping[str, Any] | None = None) -> None:
        self.pipeline = Pipeline.from_rules(list(rules), bundled=bundled, **dict(options or {}))
        self.text_field = text_field
        self.id_field = id_field

    def __call__(self, batch: Any) -> Any:
        if isinstance(batch, pa.Table):
            return self.clean_table(batch)
        if isinstance(batch, pd.DataFrame):
            return self.clean_table(pa.Table.from_pandas(batch, preserve_index=False)).to_pandas()
        table = self.clean_table(pa.table(dict(batch)))
        return {name: table.column(name).to_numpy(zero_copy_only=False) for name in table.column_names}

    def clean_table(self, table: pa.Table) -> pa.Table:
        """The record columns, then the input's other columns untouched (types kept, no copy)."""
        cleaned = self.clean_rows(table.to_pylist())
        columns: dict[str, pa.Array | pa.ChunkedArray] = {
            name: pa.array([_cell(r, name) for r in cleaned], pa.string()) for name in RECORD_COLUMNS
        }
        for name in table.column_names:
            if name not in (self.text_field, self.id_field):
                columns[kept_name(name)] = table.column(name)
        return pa.table(columns)

    def clean_rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for row in rows:
            if row.get(self.id_field) is None:
                row[self.id_field] = digest(row.get(self.text_field))
        return self.pipeline.clean_batch(rows, self.text_field, self.id_field)


class CleanJsonLines(CleanBatch):
    """UDF for a dataset of JSON lines (``ray.data.read_text``) that parses each line itself: one
    malformed line, or one record whose text is a number, is an error row, where pyarrow's JSON
    reader would fail the whole file. Each output record is one JSON line in column ``record``."""

    def __call__(self, batch: Any) -> Any:
        lines = batch.column(LINE_COLUMN).to_pylist() if isinstance(batch, pa.Table) else list(batch[LINE_COLUMN])
        parsed = [parse_line(line) for line in lines]
        cleaned = iter(self.clean_rows([p for p in parsed if isinstance(p, dict)]))
        records = [next(cleaned) if isinstance(p, dict) else error_record(digest(line), p)
                   for p, line in zip(parsed, lines, strict=True)]
        return pa.table({"record": pa.array([dumps(flat_record(r)) for r in records], pa.string())})


def parse_line(line: str) -> dict[str, Any] | CleanerError:
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as e:
        return CleanerError("C105", f"{e.msg} at column {e.colno} of {line[:60]!r}")
    return rec if isinstance(rec, dict) else CleanerError("C107")


def flat_record(record: dict[str, Any]) -> dict[str, Any]:
    """A :meth:`Pipeline.clean_batch` record with the input's other fields (its ``metadata``) at
    the top level, as the columns of :class:`CleanBatch` have them."""
    flat = {name: record[name] for name in RECORD_COLUMNS if name in record}
    flat.update((kept_name(k), v) for k, v in record.get("metadata", {}).items())
    return flat


def kept_name(name: str) -> str:
    """The output name of an input column: its own, unless the record uses that name."""
    return f"input_{name}" if name in RECORD_COLUMNS else name


def digest(value: Any) -> str:
    data = value if isinstance(value, str) else repr(value)
    return "sha1:" + hashlib.sha1(data.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _cell(record: dict[str, Any], name: str) -> Any:
    if name in JSON_COLUMNS:
        return dumps(record.get(name, []))  # only "errors" may be absent: to_dict omits an empty list
    return record[name]


# -- the dataset level ---------------------------------------------------------------------------
def clean_dataset(ds: ray.data.Dataset, *, rules: str | Path | Sequence[str | Path] = (), text_field: str = "text",
                  id_field: str = "id", actors: int = 2, batch_size: int = BATCH_SIZE, retries: int = RETRIES,
                  bundled: bool = True, udf: type[CleanBatch] = CleanBatch, **options: Any) -> ray.data.Dataset:
    """``ds`` cleaned by ``actors`` actors, each holding one pipeline (bundled rules unless
    ``bundled=False``, plus ``rules`` folders, with ``options`` as in :class:`cleaner.Options`).

    Rules and options are checked here, in the driver, so a bad rule file raises ``RuleError`` now
    instead of killing every actor. ``udf`` may be a subclass of :class:`CleanBatch` (to add a
    column, say). Lazy like every Ray transform: nothing runs until the dataset is consumed."""
    return _map(ds, udf, actors=actors, batch_size=batch_size, retries=retries,
                **_udf_args(rules, text_field, id_field, bundled, options))


def _udf_args(rules: str | Path | Sequence[str | Path], text_field: str, id_field: str, bundled: bool,
              options: Mapping[str, Any]) -> dict[str, Any]:
    dirs = [str(Path(r).resolve()) for r in ([rules] if isinstance(rules, str | Path) else rules)]
    Pipeline.from_rules(dirs, bundled=bundled, **options)
    return {"rules": dirs, "text_field": text_field, "id_field": id_field, "bundled": bundled,
            "options": dict(options)}


def _map(ds: ray.data.Dataset, udf: type[CleanBatch], *, actors: int, batch_size: int, retries: int,
         **udf_args: Any) -> ray.data.Dataset:
    if actors < 1 or batch_size < 1:
        raise UsageError("C302", "actors and batch size must be at least 1")
    _retry_failed_batches(ds.context, retries)
    _warn_if_starved(actors)
    # One block is one actor task: Ray's blocks are sized for I/O (up to 128 MiB; 9 MB of Parquet
    # in 8 files is read as one block), which would leave all but one actor idle. Blocks of one
    # batch spread the work; the streaming repartition splits them as they are read, no shuffle.
    ds = ds.repartition(target_num_rows_per_block=batch_size)
    return ds.map_batches(udf, batch_size=batch_size, batch_format="pyarrow", fn_constructor_kwargs=udf_args,
                          compute=ray.data.ActorPoolStrategy(size=actors), udf_modifying_row_count=False)


def _retry_failed_batches(ctx: ray.data.DataContext, retries: int) -> None:
    """A batch whose call raised is tried ``retries`` more times, in its actor, before the job fails.

    Records never raise (they become error rows), so this is for the rest: a MemoryError, a
    transient failure under a UDF subclass. The ``ray_remote_args_fn=lambda: {"max_retries": n,
    "retry_exceptions": True}`` recipe is for task pools: on an actor pool Ray 2.60 rejects it
    ("Invalid option keyword max_retries for actors"), and it is deprecated (removal in 2.64).
    DataContext's ``retried_map_errors`` and ``max_map_retries`` serve task and actor pools alike.
    Dead workers and nodes are Ray's to handle: its actor pools restart actors and resubmit their
    tasks. The context belongs to ``ds`` and its descendants; settings made on it are kept."""
    if retries and ctx.retried_map_errors is False and ctx.max_map_retries == 0:
        ctx.retried_map_errors = True
        ctx.max_map_retries = retries


def _warn_if_starved(actors: int) -> None:
    """Ray Data 2.60 gives the pool its CPUs first; with none left over, the read tasks that feed
    the pool never start and the job waits forever (seen with 2 actors on 2 CPUs)."""
    cpus = ray.cluster_resources().get("CPU", 0) if ray.is_initialized() else os.cpu_count() or 1  # type: ignore[no-untyped-call]
    if cpus < actors + 1:
        warnings.warn(f"the Ray cluster has {cpus:g} CPUs and the pool takes {actors}: reads and writes need "
                      f"one more or the job never finishes; start Ray with num_cpus={actors + 1} or more, "
                      f"or use fewer actors", stacklevel=4)


# -- folders in, folders out ---------------------------------------------------------------------
@dataclass(frozen=True)
class Summary:
    """What :func:`run` did: records written per verdict (``error`` counts the failed inputs)."""

    output: str
    format: str
    verdicts: dict[str, int]
    seconds: float

    @property
    def records(self) -> int:
        return sum(self.verdicts.values())

    @property
    def errors(self) -> int:
        return self.verdicts.get("error", 0)

    def text(self) -> str:
        counts = ", ".join(f"{n} {v}" for v, n in sorted(self.verdicts.items())) or "none"
        return (f"cleaner ray: {self.records} records ({counts}) in {self.seconds:.1f} s "
                f"-> {self.output} ({self.format})")


def run(input_path: str | Path, output_path: str | Path, *, format: str = "jsonl",
        rules: str | Path | Sequence[str | Path] = (), text_field: str = "text", id_field: str = "id",
        actors: int = 2, batch_size: int = BATCH_SIZE, retries: int = RETRIES, address: str | None = None,
        overwrite: bool = False, verbose: bool = False, **options: Any) -> Summary:
    """Clean a JSONL or Parquet file or folder into ``output_path`` in the same format.

    Joins the Ray cluster at ``address`` (``"auto"``: the one ``ray start`` runs here), or uses the
    one this process already joined, or starts a local one for the run (with ``actors + 1`` CPUs at
    least, see :func:`_warn_if_starved`). The output folder must be new or empty unless
    ``overwrite``. The verdict counts come from reading back the written ``verdict`` values."""
    if format not in FORMATS:
        raise UsageError("C302", f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    mode = _output_mode(str(input_path), str(output_path), overwrite)
    udf_args = _udf_args(rules, text_field, id_field, True, options)
    started = _connect(address, actors, verbose)
    try:
        t0 = time.perf_counter()
        kw = {"actors": actors, "batch_size": batch_size, "retries": retries, **udf_args}
        if format == "jsonl":
            lines = ray.data.read_text(str(input_path), file_extensions=JSONL_EXTENSIONS)
            sink = JsonLinesDatasink(str(output_path), mode=mode, min_rows_per_file=ROWS_PER_FILE)
            _map(lines, CleanJsonLines, **kw).write_datasink(sink)
        else:
            table = ray.data.read_parquet(str(input_path), file_extensions=["parquet"])
            _map(table, CleanBatch, **kw).write_parquet(str(output_path), mode=mode, min_rows_per_file=ROWS_PER_FILE)
        verdicts = count_verdicts(str(output_path), format)
        return Summary(str(output_path), format, verdicts, time.perf_counter() - t0)
    finally:
        if started:
            ray.shutdown()


class JsonLinesDatasink(BlockBasedFileDatasink):
    """Writes column ``record`` (one JSON document per row) as ``.jsonl`` files, one per write task:
    the lines :class:`CleanJsonLines` made, byte for byte (``write_json`` would re-encode them)."""

    def __init__(self, path: str, **kwargs: Any) -> None:
        super().__init__(path, file_format="jsonl", **kwargs)

    def write_block_to_file(self, block: BlockAccessor, file: Any) -> None:
        lines = block.to_arrow().column("record").to_pylist()
        file.write(("\n".join(lines) + "\n").encode("utf-8"))


def count_verdicts(path: str, format: str) -> dict[str, int]:
    """Records per verdict in a folder :func:`run` wrote, read back by Ray (only the verdicts of
    Parquet files; JSONL lines are matched, not decoded)."""
    if format == "parquet":
        ds = ray.data.read_parquet(path, file_extensions=["parquet"]).select_columns(["verdict"])
    else:
        ds = ray.data.read_text(path, file_extensions=["jsonl"])
    counts: Counter[str] = Counter()
    for row in ds.map_batches(_tally, batch_format="pyarrow").take_all():
        counts[row["verdict"]] += row["n"]
    return dict(counts)


def _tally(batch: pa.Table) -> dict[str, list[Any]]:
    if "verdict" in batch.column_names:
        verdicts = batch.column("verdict").to_pylist()
    else:
        verdicts = [m.group(1) if (m := _VERDICT.search(line)) else "unreadable"
                    for line in batch.column(LINE_COLUMN).to_pylist()]
    counts = Counter(verdicts)
    return {"verdict": list(counts), "n": list(counts.values())}


def _output_mode(input_path: str, output_path: str, overwrite: bool) -> SaveMode:
    """Ray appends to a folder by default: two runs would mix. A local output folder must be new or
    empty unless ``overwrite``, and never overlaps the input (it would be read, or deleted)."""
    if "://" in output_path:
        return SaveMode.OVERWRITE if overwrite else SaveMode.CREATE
    out = Path(output_path).resolve()
    if "://" not in input_path:
        inp = Path(input_path).resolve()
        if not inp.exists():
            raise UsageError("C300", input_path)
        if out == inp or out in inp.parents or inp in out.parents:
            raise UsageError("C301", f"{output_path} overlaps the input {input_path}; choose another folder")
    if not out.is_dir() or not any(out.iterdir()):
        return SaveMode.APPEND
    if not overwrite:
        raise UsageError("C301", f"{output_path} is not empty; choose a new folder or overwrite it (--overwrite)")
    return SaveMode.OVERWRITE


def _connect(address: str | None, actors: int, verbose: bool) -> bool:
    """Join or start Ray unless this process already has; True when the caller must shut it down.
    Quiet unless ``verbose``: Ray's INFO logs and worker output off (progress bars on a terminal)."""
    if ray.is_initialized():
        return False
    level = logging.INFO if verbose else logging.WARNING
    if address is None:
        ray.init(num_cpus=max(os.cpu_count() or 1, actors + 1), include_dashboard=False,
                 logging_level=level, log_to_driver=verbose)
    else:
        ray.init(address=address, logging_level=level, log_to_driver=verbose)
    logging.getLogger("ray.data").setLevel(level)  # its progress lines, when not on a terminal
    return True
