"""Writing outputs so that nothing is torn, lost or put outside ``OUT``.

Three tools, each for one kind of output:

- :func:`atomic_write_lines` / :func:`atomic_write_text` / :func:`atomic_write_json`: a whole file
  appears at once (temp file in the same folder, fsync, ``os.replace``) — the cleaned texts,
  ``summary.json``, ``report.html``.
- :class:`Journal`: an append-only JSONL file (``annotations.jsonl``, ``errors.jsonl``) written in
  whole lines; :meth:`Journal.sync` flushes and fsyncs at checkpoints and returns the committed size,
  which the manifest records, so a resumed run cuts off whatever was written after the last
  checkpoint (a torn last line included) with :meth:`Journal.truncate`.
- :func:`safe_name`: output names come from input paths and record ids, which can hold ``..``,
  absolute paths, newlines, NUL or 300-byte components; it maps any string one-to-one onto a
  harmless relative path.

Nothing is written through a symbolic link inside ``OUT`` (``OUT`` itself may be one: the user named
it). Every file is opened with ``O_NOFOLLOW``, and a file below a subfolder (``clean/a/b.txt``)
through folder descriptors opened one component at a time, also with ``O_NOFOLLOW``
(:func:`folder_fd`), so neither a link planted as a file nor one planted as a folder, before the
run or during it, can send a write elsewhere. A link met is refused (:class:`OutputError` C305) rather
than replaced: it may be someone's deliberate set-up, and neither writing through it nor deleting
it is ours to decide. An operating-system failure of a write (read-only, disk full, a file where a
folder should be) becomes :class:`OutputError` C304 naming the path.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .errors import OutputError

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


def _holds(folder: int, name: str, where: str, data: bytes) -> bool:
    """Whether ``name`` in ``folder`` is a file holding exactly ``data`` (a link is refused)."""
    try:
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW, dir_fd=folder)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise _link(where) from None
        return False
    with os.fdopen(fd, "rb") as f:
        return os.fstat(f.fileno()).st_size == len(data) and f.read() == data


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
    and a freed file; their mtimes stay, so tools downstream see what really changed).

    ``path``'s folder is taken as given (and made when missing), and nothing is written through a
    link: the temp file is opened with ``O_NOFOLLOW``, and the rename replaces a link at ``path``
    itself (a user's rule file that is one, say). Below ``OUT``, :func:`write_below`."""
    data = encode_text("".join(chunks))
    with out_failure(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
        try:
            _write_at(fd, path.name, str(path), data, fsync, keep_same, own=False)
        finally:
            os.close(fd)


def write_below(root: Path | str, name: str, chunks: Iterable[str], fsync: bool = True, keep_same: bool = False,
                folders: Folders | None = None) -> None:
    """:func:`atomic_write_lines` of ``root/name`` (``name`` made by :func:`safe_name`), the folders
    between reached without following a link (:func:`folder_fd`; missing ones are made), from
    ``folders`` when given; a link at ``name`` is refused, not replaced (:class:`OutputError`
    C305). Names are plain strings here: pathlib's joins and ``relative_to`` cost more than the
    write of a small file that is already there (a rerun's usual case)."""
    data = encode_text("".join(chunks))
    check_name(name)
    rel, _, leaf = name.rpartition("/")
    where = f"{root}/{name}"
    with out_failure(where):
        if folders is not None:
            _write_at(folders.fd(root, rel), leaf, where, data, fsync, keep_same)
            return
        fd = folder_fd(root, rel)
        try:
            _write_at(fd, leaf, where, data, fsync, keep_same)
        finally:
            os.close(fd)


def _write_at(folder: int, name: str, where: str, data: bytes, fsync: bool, keep_same: bool, own: bool = True
              ) -> None:
    """The atomic write of ``name`` in the open ``folder`` (``where``: its path, for errors);
    ``own``: the folder is OUT's, where a link at ``name`` is refused rather than replaced."""
    tmp = _temp_name(name)
    if keep_same and _holds(folder, name, where, data):
        if (mode := _lstat(tmp, folder)) and stat.S_ISLNK(mode):
            raise _link(where[: len(where) - len(name)] + tmp)
        if mode:
            os.unlink(tmp, dir_fd=folder)  # left by a writer killed before its rename
        return
    if own and not keep_same and stat.S_ISLNK(_lstat(name, folder)):  # the rename would replace the link
        raise _link(where)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW, 0o644, dir_fd=folder)
    except OSError as e:
        raise OSError(e.errno, e.strerror, where[: len(where) - len(name)] + tmp) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if fsync:
                os.fsync(f.fileno())
        os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        _unlink(tmp, folder)
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


# -- inside OUT, no link followed -------------------------------------------------------------
_NOFOLLOW = os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_FOLDER = os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW


def check_name(name: str) -> list[str]:
    """The components of a relative name made by :func:`safe_name`; ValueError for anything else."""
    parts = name.split("/")
    if name.startswith("/") or "\0" in name or any(p in ("", ".", "..") for p in parts):
        msg = f"not a name made by safe_name(): {name!r}"
        raise ValueError(msg)
    return parts


def folder_fd(root: Path | str, rel: str, create: bool = True) -> int:
    """A descriptor of the folder ``root/rel`` (``rel`` from :func:`safe_name`, or ``""`` for
    ``root``), reached one component at a time with ``O_NOFOLLOW`` and creating the missing ones,
    so that no symbolic link below ``root`` is followed; ``root`` itself may be a link.

    Raises ``OSError`` ``ELOOP`` (with the path) when a component is a link, ``ENOTDIR`` when it is a
    file, ``FileNotFoundError`` when it is missing and ``create`` is false."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        parts = check_name(rel) if rel else []
        for i, part in enumerate(parts):
            try:
                child = os.open(part, _FOLDER, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise
                try:
                    os.mkdir(part, dir_fd=fd)
                except FileExistsError:  # made by another worker meanwhile (or a dangling link: below)
                    pass
                child = _open_folder(part, fd, root, parts[: i + 1])
            except NotADirectoryError:  # O_DIRECTORY | O_NOFOLLOW on a link fails with ENOTDIR
                child = _open_folder(part, fd, root, parts[: i + 1])
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def _open_folder(part: str, parent: int, root: Path | str, parts: list[str]) -> int:
    try:
        return os.open(part, _FOLDER, dir_fd=parent)
    except OSError as e:
        where = "/".join([str(root), *parts])
        if stat.S_ISLNK(_lstat(part, parent)):
            raise _link(where) from None
        raise OSError(e.errno, e.strerror, where) from None


def _link(path: Path | str) -> OSError:
    return OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))


def _lstat(name: str, folder: int) -> int:
    """The mode of ``name`` in ``folder``, not following a link; 0 when there is nothing there."""
    try:
        return os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return 0


def _unlink(name: str, folder: int) -> None:
    try:
        os.unlink(name, dir_fd=folder)
    except FileNotFoundError:
        pass


class Folders:
    """Folder descriptors (as :func:`folder_fd` opens them) kept open while a batch of files is
    written, then closed: a worker call's files mostly share one folder, and opening its path one
    component at a time for every file cost 23 µs a file (the batch's 4,163-file bench: 1.5 % of its
    CPU time). Kept for one call only, so a folder deleted or replaced later is opened afresh."""

    def __init__(self) -> None:
        self._fds: dict[tuple[Path | str, str], int] = {}

    def fd(self, root: Path | str, rel: str) -> int:
        key = (root, rel)
        if key not in self._fds:
            self._fds[key] = folder_fd(root, rel)
        return self._fds[key]

    def __enter__(self) -> Folders:
        return self

    def __exit__(self, *exc: object) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()


@contextmanager
def out_failure(path: Path | str) -> Iterator[None]:
    """An operating-system failure while writing ``path`` as :class:`OutputError`: C305 for a
    symbolic link met (the error's own path when it names one), C304 for the rest."""
    try:
        yield
    except OSError as e:
        raise output_error(path, e) from None


def output_error(path: Path | str, e: OSError) -> OutputError:
    """``e``, met while writing ``path``, as the error a person reads; a link or a file in the way
    is named by the error itself (every such error here carries its whole path)."""
    where = e.filename if e.filename and e.errno in (errno.ELOOP, errno.ENOTDIR) else path
    if e.errno == errno.ELOOP:
        return OutputError("C305", str(where))
    reason = "a file is where a folder should be" if e.errno == errno.ENOTDIR else (e.strerror or str(e))
    return OutputError("C304", f"{where}: {reason}")


_MODES = {"rb": os.O_RDONLY, "wb": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
          "ab": os.O_WRONLY | os.O_CREAT | os.O_APPEND, "r+b": os.O_RDWR | os.O_CREAT}


def open_below(root: Path, name: str, mode: str) -> IO[bytes]:
    """The file ``root/name`` opened in a binary ``mode`` (``r+b`` creates it), with no link
    followed below ``root`` (:func:`folder_fd`; missing folders are created); failures as
    :class:`OutputError`."""
    path = root / name
    check_name(name)
    folder, leaf = name.rpartition("/")[::2]
    with out_failure(path):
        fd = folder_fd(root, folder)
        try:
            return os.fdopen(os.open(leaf, _MODES[mode] | _NOFOLLOW, 0o644, dir_fd=fd), mode)
        except OSError as e:
            raise _link(path) if e.errno == errno.ELOOP else e from None
        finally:
            os.close(fd)


def remove_output(root: Path, name: str) -> bool:
    """Delete the file ``root/name`` that a run wrote (never a link, a folder or anything reached
    through a link: those are someone else's), then the folders between that it leaves empty;
    whether a file was deleted."""
    parts = check_name(name)
    with out_failure(root / name):
        try:
            fd = folder_fd(root, "/".join(parts[:-1]), create=False)
        except OSError as e:
            if e.errno in (errno.ENOENT, errno.ELOOP, errno.ENOTDIR):
                return False
            raise
        try:
            if not stat.S_ISREG(_lstat(parts[-1], fd)):
                return False
            os.unlink(parts[-1], dir_fd=fd)
        finally:
            os.close(fd)
        for depth in range(len(parts) - 1, 0, -1):
            parent = folder_fd(root, "/".join(parts[: depth - 1]), create=False)
            try:
                os.rmdir(parts[depth - 1], dir_fd=parent)
            except OSError:  # not empty (or not ours to judge): stop here
                break
            finally:
                os.close(parent)
    return True


def refuse_links(folder: Path) -> None:
    """:class:`OutputError` C305 when ``folder`` holds a symbolic link at its top level: every
    fixed output name (journals, manifest and SQLite's files beside it, summary, report, ``clean``,
    temp files) lives there, and one look before the run is cheaper than checking each name."""
    try:
        entries = list(os.scandir(folder))
    except OSError as e:
        raise output_error(folder, e) from None
    for entry in sorted(entries, key=lambda en: en.name):
        if entry.is_symlink():
            raise OutputError("C305", str(folder / entry.name))


# -- append-only JSONL -------------------------------------------------------------------------
class Journal:
    """An append-only file of whole lines with explicit commit points.

    ``append`` buffers; ``sync`` writes, fsyncs and returns the committed size in bytes.
    ``truncate(size)`` drops everything after a committed size (used when resuming). A failure
    of the file system is an :class:`OutputError` naming the file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with out_failure(path):
            path.parent.mkdir(parents=True, exist_ok=True)
        self._f = open_below(path.parent, path.name, "ab")
        self.size = self._f.tell()

    def append(self, lines: Iterable[bytes]) -> None:
        with out_failure(self.path):
            for line in lines:
                self._f.write(line)
                self.size += len(line)

    def sync(self) -> int:
        with out_failure(self.path):
            self._f.flush()
            os.fsync(self._f.fileno())
        return self.size

    def truncate(self, size: int) -> None:
        with out_failure(self.path):
            self._f.flush()
            self._f.truncate(size)
            self._f.seek(size)
        self.size = size

    def close(self) -> None:
        with out_failure(self.path):
            self._f.close()

    def abandon(self) -> None:
        """Close after a failure without raising again (what did not reach the disk lies after
        the last checkpoint anyway: a rerun cuts the file back to it)."""
        try:
            self._f.close()
        except OSError:
            pass
