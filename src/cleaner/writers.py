"""Writing outputs so that nothing is torn, lost or put outside ``OUT``.

Three tools, each for one kind of output:

- :func:`atomic_write_lines` / :func:`atomic_write_text` / :func:`atomic_write_json`: a whole file
  appears at once (temp file in the same folder, fsync, ``os.replace``) — the cleaned texts,
  ``summary.json``, ``report.html``.
- :class:`Journal`: an append-only JSONL file (``annotations.jsonl``, ``errors.jsonl``) written in
  whole lines; :meth:`Journal.sync` flushes and fsyncs at checkpoints and returns the committed size,
  which the manifest records, so a resumed run cuts off whatever was written after the last
  checkpoint (a torn last line included) with :meth:`Journal.truncate`.
- :func:`safe_name` and :func:`confined`: output names come from input paths and record ids, which
  can hold ``..``, absolute paths, newlines, NUL or 300-byte components; ``safe_name`` maps any string
  one-to-one onto a harmless relative path and ``confined`` refuses a target whose real folder is not
  inside ``OUT`` (a symbolic link planted in ``OUT/clean`` cannot redirect a write).
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import UsageError

MAX_COMPONENT_BYTES = 200  # below every common file system's 255-byte limit, with room for suffixes


def dumps(record: Any) -> str:
    """One JSONL line: compact, UTF-8 (not \\u-escaped), key order as given, deterministic.

    U+2028, U+2029 and U+0085 are escaped: they are legal inside JSON strings, but ``str.splitlines``
    (and many JSONL readers) treat them as line breaks and would tear the record."""
    return _safe_json(json.dumps(record, ensure_ascii=False, separators=(",", ":")))


def jsonl_line(record: Any) -> bytes:
    """:func:`dumps` as one UTF-8 line of a JSONL file (never holds a surrogate: see below)."""
    return (dumps(record) + "\n").encode("utf-8")


_LINE_BREAKS = (("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("\x85", "\\u0085"))
_SURROGATE = re.compile("[\ud800-\udfff]")


def _safe_json(text: str) -> str:
    """JSON text that any UTF-8 line reader takes whole: U+2028/U+2029/U+0085 and lone surrogates
    (which a JSONL input can carry as ``\\ud800`` and UTF-8 cannot encode) become ``\\u`` escapes;
    both only ever occur inside JSON strings, so the value is unchanged."""
    for ch, esc in _LINE_BREAKS:
        if ch in text:
            text = text.replace(ch, esc)
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


def encode_text(text: str) -> bytes:
    """UTF-8 bytes of a text file; a lone surrogate (not encodable) is written as U+FFFD."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text).encode("utf-8")


def _temp_name(name: str) -> str:
    if len(name.encode("utf-8", "surrogatepass")) <= 200:
        return f".{name}.tmp"
    return f".{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:32]}.tmp"  # 255-byte limit


def _holds(path: Path, data: bytes) -> bool:
    try:
        with path.open("rb") as f:
            return os.fstat(f.fileno()).st_size == len(data) and f.read() == data
    except OSError:
        return False


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_lines(path, [text])


def atomic_write_lines(path: Path, chunks: Iterable[str], fsync: bool = True, keep_same: bool = False) -> None:
    """Write ``chunks`` to ``path`` through a temp file in the same folder, fsync, then rename.

    ``fsync=False`` is for many small files whose durability a later :func:`sync_filesystem`
    provides at once (one fsync per file cost the batch half its time). The temp name is fixed
    per target (a target has one writer at a time): a writer killed between create and rename
    leaves a temp file that the rerun, which redoes that target, writes over and renames, instead
    of a stray that stays. ``keep_same`` leaves a file that already holds exactly these bytes
    alone: a rerun rewrites only the outputs that changed (a read instead of a create, a rename
    and a freed file; their mtimes stay, so tools downstream see what really changed)."""
    data = encode_text("".join(chunks))
    tmp = path.with_name(_temp_name(path.name))
    if keep_same and _holds(path, data):
        tmp.unlink(missing_ok=True)  # left by a writer killed before its rename
        return
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(tmp, flags, 0o644)
    except FileNotFoundError:  # first file in a new folder
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, flags, 0o644)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if fsync:
                os.fsync(f.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_json(path: Path, obj: Any) -> None:
    atomic_write_text(path, _safe_json(json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=False)) + "\n")


def sync_filesystem(folder: Path) -> None:
    """Make every file written under ``folder`` durable: Linux ``syncfs`` on its file system (one
    call, however many files), else ``os.sync``."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(folder, os.O_RDONLY)
        try:
            if libc.syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    except (OSError, AttributeError):
        pass
    os.sync()


# -- names -------------------------------------------------------------------------------------
_UNSAFE = {chr(c) for c in range(32)} | {"\x7f", "%", "\\", ":", "*", "?", '"', "<", ">", "|"}


def _escape_component(part: str) -> str:
    """Percent-encode the characters that are unsafe in a file name (``%`` itself included, so the
    mapping stays one-to-one); ``.`` and ``..`` become ``%2E`` / ``%2E%2E``."""
    if part in (".", ".."):
        return "%2E" * len(part)
    out = "".join(_escape_char(c) for c in part)
    if part.startswith("."):  # hidden names (and our own temp files) stay visible and distinct
        out = "%2E" + out[1:]
    raw = out.encode("utf-8")
    if len(raw) > MAX_COMPONENT_BYTES:  # keep it unique: a cut prefix plus a hash of the whole
        digest = hashlib.blake2b(raw, digest_size=8).hexdigest()
        out = raw[: MAX_COMPONENT_BYTES - 18].decode("utf-8", "ignore") + "~" + digest
    return out


def _escape_char(c: str) -> str:
    if c in _UNSAFE:
        return f"%{ord(c):02X}"
    if "\udc80" <= c <= "\udcff":  # a byte of a file name that is not UTF-8 (surrogate escape)
        return f"%{ord(c) - 0xDC00:02X}"
    if "\ud800" <= c <= "\udfff":  # a lone surrogate from a JSON escape: not encodable at all
        return f"%u{ord(c):04X}"
    return c


def safe_name(name: str) -> str:
    """A relative path with no ``..``, no leading ``/``, no control characters, short components.

    Distinct inputs give distinct outputs (``%`` is escaped too; over-long parts get a hash).

    >>> safe_name("../../etc/passwd")
    '%2E%2E/%2E%2E/etc/passwd'
    >>> safe_name("/abs/a\\nb\\x00c.txt")
    'abs/a%0Ab%00c.txt'
    >>> safe_name("")
    '%'
    """
    parts = [_escape_component(p) for p in name.split("/") if p]
    return "/".join(parts) or "%"


def confined(root: Path, name: str) -> Path:
    """``root / name`` for a name made by :func:`safe_name`, after checking that its real parent
    folder is inside ``root``.

    Raises :class:`UsageError` (C301) when a symbolic link inside ``root`` points elsewhere."""
    parts = name.split("/")
    if name.startswith("/") or "\0" in name or any(p in ("", ".", "..") for p in parts):
        msg = f"not a name made by safe_name(): {name!r}"
        raise ValueError(msg)
    target = root / name
    if not _inside_real(str(root), str(target.parent)):
        raise UsageError("C301", f"{root}: {name!r} would be written outside it (through a symbolic link)")
    return target


@functools.lru_cache(maxsize=4096)
def _inside_real(root: str, folder: str) -> bool:
    """Whether ``folder``'s real path lies inside ``root``'s (cached per folder: a batch writes
    thousands of files into the same few folders)."""
    real_root = os.path.realpath(root)
    return os.path.commonpath([real_root, os.path.realpath(folder)]) == real_root


# -- append-only JSONL -------------------------------------------------------------------------
class Journal:
    """An append-only file of whole lines with explicit commit points.

    ``append`` buffers; ``sync`` writes, fsyncs and returns the committed size in bytes.
    ``truncate(size)`` drops everything after a committed size (used when resuming)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._f = path.open("ab")
        self.size = self._f.tell()

    def append(self, lines: Iterable[bytes]) -> None:
        for line in lines:
            self._f.write(line)
            self.size += len(line)

    def sync(self) -> int:
        self._f.flush()
        os.fsync(self._f.fileno())
        return self.size

    def truncate(self, size: int) -> None:
        self._f.flush()
        self._f.truncate(size)
        self._f.seek(size)
        self.size = size

    def close(self) -> None:
        self._f.close()
