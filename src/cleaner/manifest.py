"""The resume manifest: which work units are finished, and where their output lines are.

Kept in ``OUT/manifest.sqlite`` (the standard library's SQLite: transactional, survives ``kill -9``,
and a million inputs cost disk, not memory). One row per unit ``(rel, part)`` with the unit's
content ``digest`` and the byte ranges its lines occupy in ``annotations.jsonl`` and
``errors.jsonl``; the ``meta`` table holds the run's fingerprint (rules, options, version) and the
committed sizes of both journals.

The batch commits at checkpoints only, after fsyncing the journals, so the manifest never names a
line that is not on disk; a resumed run truncates the journals back to the committed sizes (this
drops a torn last line too) and skips the units whose digest it already has. When the inputs
changed between runs (a file edited, added in the middle or deleted), :meth:`Manifest.compact`
rewrites both journals in this run's input order from the recorded ranges, so the result is the
same as a fresh run's; the cleaned files of the inputs that are gone are deleted first
(:meth:`Manifest.gone` names them). ``--force`` keeps the file: it marks every unit as not done
(so all are redone) and keeps the names given to cleaned files, so that a forced rerun can still
tell which cleaned files belong to inputs that are gone.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError
from .writers import open_below

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    rel TEXT NOT NULL, part INTEGER NOT NULL, digest TEXT NOT NULL,
    ann_start INTEGER NOT NULL, ann_end INTEGER NOT NULL,
    err_start INTEGER NOT NULL, err_end INTEGER NOT NULL,
    clean_end INTEGER NOT NULL, seq INTEGER NOT NULL, run INTEGER NOT NULL,
    PRIMARY KEY (rel, part));
CREATE TABLE IF NOT EXISTS names (clean TEXT PRIMARY KEY, rel TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS names_rel ON names (rel);
"""
FORMAT = "1"


@dataclass(frozen=True)
class Done:
    """A finished unit's row."""

    digest: str
    ann: tuple[int, int]
    err: tuple[int, int]
    clean_end: int


class Manifest:
    """Open (or start) the manifest of ``OUT``; ``fingerprint`` must match unless ``force``."""

    def __init__(self, path: Path, fingerprint: str, force: bool = False) -> None:
        self.path = path
        try:
            self._open()
        except sqlite3.DatabaseError as e:
            if not force or type(e) is not sqlite3.DatabaseError:  # damaged: --force starts it over
                raise
            path.unlink()
            self._open()
        try:
            self._start(fingerprint, force)
        except BaseException:
            self.db.close()  # nothing of this run is kept, and no file is left open in OUT
            raise

    def _start(self, fingerprint: str, force: bool) -> None:
        self.fresh = self._meta("fingerprint") is None
        old = self._meta("fingerprint")
        if old is not None and old != fingerprint and not force:
            raise UsageError(
                "C301",
                f"{self.path.parent} holds the results of a run with other rules, options or "
                "version; pass --force to redo everything, or choose another output folder",
            )
        if force:  # redo everything: no unit is done, the journals start empty; the names stay
            self.db.execute("UPDATE units SET digest = ''")
            self._set("ann_size", "0")
            self._set("err_size", "0")
        self.run = int(self._meta("run") or "0") + 1
        self._set("fingerprint", fingerprint)
        self._set("format", FORMAT)
        self._set("run", str(self.run))
        self.db.commit()
        self._finish_compaction()

    def _open(self) -> None:
        self.db = sqlite3.connect(self.path, isolation_level="DEFERRED")
        try:
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.executescript(SCHEMA)
        except BaseException:
            self.db.close()
            raise

    # -- meta ------------------------------------------------------------------------------------
    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    @property
    def committed(self) -> tuple[int, int]:
        """Committed sizes of ``annotations.jsonl`` and ``errors.jsonl`` (0, 0 for a new run)."""
        return int(self._meta("ann_size") or 0), int(self._meta("err_size") or 0)

    # -- units -----------------------------------------------------------------------------------
    def lookup(self, rel: str, part: int) -> Done | None:
        """The unit's row if it is done (``--force`` left none done)."""
        row = self.db.execute(
            "SELECT digest, ann_start, ann_end, err_start, err_end, clean_end FROM units "
            "WHERE rel = ? AND part = ? AND digest != ''",
            (_key(rel), part),
        ).fetchone()
        return None if row is None else Done(row[0], (row[1], row[2]), (row[3], row[4]), row[5])

    def seen(self, rel: str, part: int, seq: int) -> None:
        """A finished unit met again in this run (skipped): remember its place in this run's order."""
        self.db.execute(
            "UPDATE units SET seq = ?, run = ? WHERE rel = ? AND part = ?", (seq, self.run, _key(rel), part)
        )

    def record(self, rel: str, part: int, done: Done, seq: int) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO units VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (_key(rel), part, done.digest, *done.ann, *done.err, done.clean_end, seq, self.run),
        )

    def clean_name(self, rel: str, wanted: str) -> str:
        """``wanted``, or ``wanted`` with ``~2``, ``~3``… before its extension when another input
        already holds that name: cleaned files never overwrite each other."""
        row = self.db.execute("SELECT clean FROM names WHERE rel = ?", (_key(rel),)).fetchone()
        if row is not None:
            return str(row[0])
        stem, dot, ext = wanted.rpartition(".")
        if not dot or "/" in ext:
            stem, dot, ext = wanted, "", ""
        name, n = wanted, 1
        while self.db.execute("SELECT 1 FROM names WHERE clean = ?", (name,)).fetchone():
            n += 1
            name = f"{stem}~{n}{dot}{ext}"
        self.db.execute("INSERT INTO names (clean, rel) VALUES (?, ?)", (name, _key(rel)))
        return name

    def checkpoint(self, ann_size: int, err_size: int) -> None:
        """Make everything recorded so far durable; call only after the journals are fsynced."""
        self._set("ann_size", str(ann_size))
        self._set("err_size", str(err_size))
        self.db.commit()

    # -- after the run ---------------------------------------------------------------------------
    def stale(self) -> int:
        """Finished units that this run's inputs no longer contain."""
        return int(self.db.execute("SELECT count(*) FROM units WHERE run != ?", (self.run,)).fetchone()[0])

    def gone(self) -> list[tuple[str, str]]:
        """``(input, cleaned-file name)`` of the inputs an earlier run cleaned that this run's
        inputs no longer hold (not one of their units met): their cleaned files are left over."""
        rows = self.db.execute(
            "SELECT rel, clean FROM names WHERE rel IN (SELECT rel FROM units WHERE run != ?) "
            "AND rel NOT IN (SELECT rel FROM units WHERE run = ?) ORDER BY clean",
            (self.run, self.run),
        )
        return [(_name(rel), _name(clean)) for rel, clean in rows]

    def drop_stale(self) -> None:
        self.db.execute("DELETE FROM units WHERE run != ?", (self.run,))

    def contiguous(self, ann_size: int, err_size: int) -> bool:
        """Whether this run's units already lie in input order, back to back, with nothing else."""
        ann = err = 0
        for _rel, _part, done in self.in_order():
            if done.ann[0] != ann or done.err[0] != err:
                return False
            ann, err = done.ann[1], done.err[1]
        return (ann, err) == (ann_size, err_size) and not self.stale()

    def compact(self, ann: Path, err: Path) -> tuple[int, int]:
        """Rewrite both journals in this run's input order from the recorded ranges, dropping
        stale and orphaned lines; returns the new sizes. Crash-safe: the new files are written
        beside the old ones, the manifest commits the new ranges with a ``compacting`` flag, then
        the files are renamed (an interrupted rename is finished when the manifest is next opened)."""
        rows = list(self._compacted_rows(ann, err))
        self.drop_stale()
        for rel, part, done in rows:
            self.db.execute(
                "UPDATE units SET ann_start = ?, ann_end = ?, err_start = ?, err_end = ? WHERE rel = ? AND part = ?",
                (*done.ann, *done.err, _key(rel), part),
            )
        sizes = (rows[-1][2].ann[1], rows[-1][2].err[1]) if rows else (0, 0)
        self._set("compacting", "1")
        self.checkpoint(*sizes)
        self._finish_compaction()
        return sizes

    def _compacted_rows(self, ann: Path, err: Path) -> Iterator[tuple[str, int, Done]]:
        with (
            open_below(ann.parent, ann.name, "rb") as a_in,
            open_below(err.parent, err.name, "rb") as e_in,
            open_below(ann.parent, _tmp(ann).name, "wb") as a_out,
            open_below(err.parent, _tmp(err).name, "wb") as e_out,
        ):
            for rel, part, done in self.in_order():
                a0, e0 = a_out.tell(), e_out.tell()
                a_in.seek(done.ann[0])
                a_out.write(a_in.read(done.ann[1] - done.ann[0]))
                e_in.seek(done.err[0])
                e_out.write(e_in.read(done.err[1] - done.err[0]))
                yield rel, part, Done(done.digest, (a0, a_out.tell()), (e0, e_out.tell()), done.clean_end)
            for f in (a_out, e_out):
                f.flush()
                os.fsync(f.fileno())

    def _finish_compaction(self) -> None:
        if self._meta("compacting") != "1":
            return
        out = self.path.parent
        for name in ("annotations.jsonl", "errors.jsonl"):
            if _tmp(out / name).exists():
                _tmp(out / name).replace(out / name)
        self._set("compacting", "0")
        self.db.commit()

    def in_order(self) -> Iterator[tuple[str, int, Done]]:
        """This run's units in input order."""
        rows = self.db.execute(
            "SELECT rel, part, digest, ann_start, ann_end, err_start, err_end, clean_end "
            "FROM units WHERE run = ? ORDER BY seq",
            (self.run,),
        )
        for r in rows:
            yield _name(r[0]), r[1], Done(r[2], (r[3], r[4]), (r[5], r[6]), r[7])

    def abort(self) -> None:
        """Close without committing what was recorded since the last checkpoint."""
        self.db.rollback()
        self.db.close()

    def close(self) -> None:
        self.db.commit()
        self.db.close()


def _key(rel: str) -> bytes:
    """An input's name as stored: bytes, so a file name that is not valid UTF-8 (which Python holds
    with surrogate escapes) is kept exactly."""
    return rel.encode("utf-8", "surrogateescape")


def _name(key: bytes | str) -> str:
    """A name as stored (:func:`_key`) back as Python holds it."""
    return key if isinstance(key, str) else bytes(key).decode("utf-8", "surrogateescape")


def _tmp(path: Path) -> Path:
    return path.with_name("." + path.name + ".compact")
