"""Inputs → a stream of work :class:`Unit` objects, in a deterministic order, with bounded memory.

A unit is what one worker call handles and what the manifest records as done:

- a whole ``.txt``/``.html`` file (``part`` 0), which the worker reads itself with
  :func:`cleaner.readers.read_input`;
- a chunk of consecutive lines of a JSONL file or of stdin (``part`` 0, 1, …): the main process
  streams the file line by line (gzip too), so a 10 GB file never sits in memory, and the chunk
  boundaries depend only on the content (so a rerun cuts the same chunks and can skip them);
- an error found while walking or streaming (symbolic link loop, unreadable file, over-long line,
  truncated gzip), carried as a unit so it reaches ``errors.jsonl`` in input order, exactly once.

Every unit has a ``digest`` (BLAKE2b of the bytes it covers, or ``!CODE`` for an error) so a resumed
run skips exactly the units whose content it has already cleaned.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .errors import InputError, UsageError
from .readers import ReadOptions, input_format

CHUNK_BYTES = 256 * 1024  # JSONL chunk: cut after this many bytes …
CHUNK_LINES = 512  # … or this many lines, whichever comes first
READ_BLOCK = 1 << 20
STDIN = "<stdin>"


@dataclass(frozen=True)
class Unit:
    """One piece of work; ``rel`` names the input as ``source`` does in the output."""

    rel: str
    part: int
    digest: str
    fmt: str
    path: str | None = None  # whole-file units: the worker reads it
    lines: tuple[bytes, ...] = ()  # JSONL chunk units: the raw lines
    first_line: int = 1
    errors: tuple[InputError, ...] = field(default=())  # units that carry only errors
    size: int = 0  # input bytes covered, for progress and throughput

    @property
    def key(self) -> tuple[str, int]:
        return (self.rel, self.part)


def error_unit(err: InputError, part: int = 0, fmt: str = "") -> Unit:
    return Unit(err.path, part, "!" + err.code + (f":{err.line}" if err.line else ""), fmt, errors=(err,))


# -- walking --------------------------------------------------------------------------------------
def input_roots(inputs: tuple[str, ...]) -> list[tuple[Path, str]]:
    """``(path, prefix)`` per input; with several inputs each gets its own name (made unique)."""
    roots: list[tuple[Path, str]] = []
    used: set[str] = set()
    for arg in inputs:
        path = Path(arg)
        if not os.path.lexists(path):
            raise UsageError("C300", arg)
        prefix = ""
        if len(inputs) > 1:
            base = path.resolve().name or "input"
            prefix, n = base, 1
            while prefix in used:
                n += 1
                prefix = f"{base}~{n}"
            used.add(prefix)
        roots.append((path, prefix))
    return roots


def _join(prefix: str, rel: str) -> str:
    return f"{prefix}/{rel}" if prefix else rel


def walk(inputs: tuple[str, ...]) -> Iterator[tuple[Path, str] | InputError]:
    """Every input file as ``(path, rel)`` in sorted order, or an InputError for a broken entry.

    Folder symbolic links are followed, but a folder already on the current path (a loop) is
    reported (C115) instead of entered; so is a dangling or looping file link, and a file of an
    unknown format (C110). Hidden names (``.git``, ``.DS_Store``) are skipped."""
    for root, prefix in input_roots(inputs):
        if root.is_dir():
            yield from _walk_dir(root, prefix, "", set())
        else:
            name = _join(prefix, root.name)
            yield _check_file(root, name) or (root, name)


def _walk_dir(
    folder: Path, prefix: str, rel: str, ancestors: set[tuple[int, int]]
) -> Iterator[tuple[Path, str] | InputError]:
    try:
        st = folder.stat()
        names = sorted(os.listdir(folder))  # noqa: PTH208 (names only: cheaper than Path objects)
    except OSError as e:
        yield _os_error(_join(prefix, rel) or str(folder), e)
        return
    me = (st.st_dev, st.st_ino)
    if me in ancestors:
        yield InputError(_join(prefix, rel), "C115", line=None)
        return
    ancestors = ancestors | {me}
    for name in names:
        if name.startswith("."):
            continue
        path = folder / name
        child = f"{rel}/{name}" if rel else name
        if path.is_dir():
            yield from _walk_dir(path, prefix, child, ancestors)
        else:
            yield _check_file(path, _join(prefix, child)) or (path, _join(prefix, child))


def _check_file(path: Path, rel: str) -> InputError | None:
    """An InputError for a file we cannot use as input (link loop, dangling link, not a file)."""
    try:
        st = path.stat()
    except OSError as e:
        return _os_error(rel, e)
    if not stat.S_ISREG(st.st_mode):
        return InputError(rel, "C100", "not a regular file")
    if input_format(path) is None:  # reported, not skipped in silence: nothing is lost unseen
        return InputError(rel, "C110", repr(path.suffix or path.name))
    return None


def _os_error(rel: str, e: OSError) -> InputError:
    import errno

    if e.errno in (errno.ELOOP, errno.ENOENT):
        return InputError(rel, "C115")
    return InputError(rel, "C100", e.strerror or str(e))


# -- units ----------------------------------------------------------------------------------------
def content_hash(data: bytes = b"") -> hashlib.blake2b:
    """The hash behind every unit digest (the manifest compares digests made by the main process
    and by workers, so there is one definition): BLAKE2b, 16 bytes."""
    return hashlib.blake2b(data, digest_size=16)


def file_digest(path: Path) -> str:
    """BLAKE2b of the file's bytes (as stored, compressed or not), read in blocks."""
    h = content_hash()
    with path.open("rb") as f:
        while block := f.read(READ_BLOCK):
            h.update(block)
    return h.hexdigest()


def digest_of(unit: Unit) -> str:
    """The unit's content digest. Whole files are hashed lazily — by the worker that reads them
    anyway, or by the main process only when the manifest already holds the file (resuming) —
    so a fresh run never reads a file twice in the main process. An unreadable file gets a digest
    that matches nothing, so it is retried on every rerun."""
    if unit.digest or unit.path is None:
        return unit.digest
    try:
        return file_digest(Path(unit.path))
    except OSError as e:
        return f"!C100:{e.errno}"


def read_once(unit: Unit, limit: int) -> tuple[bytes | None, str]:
    """``(bytes as stored, digest)`` of a whole-file unit from one read, for the reader to use
    instead of reading the file again. A file over ``limit`` bytes, an unreadable one, or a unit
    that is not a whole file gives ``(None, digest_of(unit))``: the reader then reads (and
    bounds, and reports) it itself."""
    if unit.path is None or unit.digest:
        return None, digest_of(unit)
    try:
        with Path(unit.path).open("rb") as f:
            raw = f.read(limit + 1)
    except OSError:
        return None, digest_of(unit)
    if len(raw) > limit:
        return None, digest_of(unit)
    return raw, content_hash(raw).hexdigest()


def units(inputs: tuple[str, ...], opts: ReadOptions) -> Iterator[Unit]:
    """All work units of the inputs, in input order."""
    if inputs == ("-",):
        import sys

        yield from jsonl_units(sys.stdin.buffer, STDIN, opts)
        return
    for item in walk(inputs):
        if isinstance(item, InputError):
            yield error_unit(item)
            continue
        path, rel = item
        fmt = input_format(path) or ""
        if fmt == "jsonl":
            yield from _jsonl_file_units(path, rel, opts)
            continue
        try:
            size = path.stat().st_size
        except OSError as e:
            yield error_unit(_os_error(rel, e), fmt=fmt)
            continue
        yield Unit(rel, 0, "", fmt, path=str(path), size=size)  # the digest: see digest_of


def _jsonl_file_units(path: Path, rel: str, opts: ReadOptions) -> Iterator[Unit]:
    try:
        raw = path.open("rb")
    except OSError as e:
        yield error_unit(_os_error(rel, e), fmt="jsonl")
        return
    with raw:
        stream: BinaryIO = gzip.GzipFile(fileobj=raw) if path.name.lower().endswith(".gz") else raw  # type: ignore[assignment]
        yield from jsonl_units(stream, rel, opts)


def jsonl_units(stream: BinaryIO, rel: str, opts: ReadOptions) -> Iterator[Unit]:
    """Chunks of raw lines; an over-long line, a read error or a damaged gzip stream becomes an
    error unit and (for the latter two) ends the file; an empty file is reported once (C103)."""
    if b"\x00" in _peek(stream):
        yield error_unit(InputError(rel, "C102", "NUL bytes"), 0, "jsonl")
        return
    part, first, size, seen_text = 0, 1, 0, False
    lines: list[bytes] = []
    n = 0
    for n, line, err in _lines(stream, rel, opts.max_doc_bytes):
        if err is not None:
            if lines:
                yield _chunk(rel, part, first, lines, size)
                part, lines, size = part + 1, [], 0
            yield error_unit(err, part, "jsonl")
            part, first = part + 1, n + 1
            continue
        if not lines:
            first = n
        seen_text = seen_text or bool(line.strip())
        lines.append(line)
        size += len(line)
        if size >= CHUNK_BYTES or len(lines) >= CHUNK_LINES:
            yield _chunk(rel, part, first, lines, size)
            part, lines, size = part + 1, [], 0
    if lines and seen_text:
        yield _chunk(rel, part, first, lines, size)
    elif not seen_text and part == 0:
        yield error_unit(InputError(rel, "C103" if n == 0 else "C104"), 0, "jsonl")


def _peek(stream: BinaryIO) -> bytes:
    """The first bytes of a stream without consuming them (damage is reported by the reading)."""
    try:
        return bytes(stream.peek(8192)[:8192]) if hasattr(stream, "peek") else b""
    except (OSError, EOFError, zlib.error):
        return b""


def _chunk(rel: str, part: int, first: int, lines: list[bytes], size: int) -> Unit:
    h = content_hash()
    for line in lines:
        h.update(line)
    return Unit(rel, part, h.hexdigest(), "jsonl", lines=tuple(lines), first_line=first, size=size)


def _lines(stream: BinaryIO, rel: str, limit: int) -> Iterator[tuple[int, bytes, InputError | None]]:
    """``(line number, raw line, None)`` or ``(line number, b"", error)``; never holds more than
    ``limit`` bytes of one line (the rest of an over-long line is read and dropped)."""
    n = 0
    try:
        while True:
            line = stream.readline(limit + 1)
            if not line:
                return
            n += 1
            if len(line) > limit and not line.endswith(b"\n"):
                while (rest := stream.readline(READ_BLOCK)) and not rest.endswith(b"\n"):
                    pass
                yield n, b"", InputError(rel, "C108", str(limit), line=n)
                continue
            yield n, line, None
    except (EOFError, gzip.BadGzipFile, zlib.error) as e:
        yield (
            n + 1,
            b"",
            InputError(rel, "C109", str(e) or "unexpected end of the compressed stream", line=n + 1),
        )
    except OSError as e:
        yield n + 1, b"", InputError(rel, "C100", e.strerror or str(e), line=n + 1 if n else None)
