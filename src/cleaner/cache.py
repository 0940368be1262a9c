"""The per-user cache of data built from installed packages (typo lexicons, Chinese variants).

Everything here can be rebuilt: a missing, stale or unreadable entry only costs its build. Entries
are keyed by the versions of the packages they come from, and written atomically (a unique temp
file, then a rename), so processes that build the same entry at once never see a torn file.
The folder is ``$CLEANER_CACHE_DIR``, else ``$XDG_CACHE_HOME/cleaner``, else ``~/.cache/cleaner``.
"""

from __future__ import annotations

import json
import mmap
import os
import tempfile
from pathlib import Path
from typing import Any

ALIGN = 8  # sections start at multiples of this, so uint32 and float64 arrays can be cast in place


def cache_dir() -> Path:
    """Where built data is kept: ``$CLEANER_CACHE_DIR`` or the user cache folder."""
    env = os.environ.get("CLEANER_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cleaner"


def write_atomic(path: Path, data: bytes) -> None:
    """``path`` holds ``data`` or what it held before, never a mix, whoever else writes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_json(name: str) -> Any:
    """The JSON entry ``name``, or ``None`` when it is missing or unreadable."""
    try:
        return json.loads((cache_dir() / name).read_bytes())
    except (OSError, ValueError):
        return None


def write_json(name: str, obj: Any) -> None:
    """Store ``obj`` as ``name``; a cache that cannot be written is skipped silently."""
    try:
        write_atomic(cache_dir() / name, json.dumps(obj, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    except OSError:
        pass


def write_sections(path: Path, sections: dict[str, bytes], meta: dict[str, Any] | None = None) -> None:
    """One file: a JSON header line (``meta`` plus each section's offset and length), then the
    sections, each aligned to :data:`ALIGN` bytes. Written atomically."""
    offsets: dict[str, list[int]] = {}
    pos = 0
    for name, data in sections.items():
        pos += -pos % ALIGN
        offsets[name] = [pos, len(data)]
        pos += len(data)
    header = json.dumps({**(meta or {}), "align": ALIGN, "sections": offsets}).encode() + b"\n"
    base = len(header) + (-len(header) % ALIGN)
    out = bytearray(header.ljust(base, b" "))
    for name, data in sections.items():
        out.extend(bytes(base + offsets[name][0] - len(out)))
        out.extend(data)
    write_atomic(path, bytes(out))


def map_sections(path: Path) -> tuple[dict[str, Any], dict[str, memoryview]] | None:
    """``(header, sections)`` of a file :func:`write_sections` wrote, mapped read-only: pages load
    on first touch and are shared between processes. ``None`` when missing or damaged."""
    try:
        with path.open("rb") as f:
            mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    try:
        header = json.loads(mm.readline())
        align = header.get("align", 4)  # typo lexicon files written before "align" existed used 4
        base = mm.tell() + (-mm.tell() % align)
        view = memoryview(mm)
        sections = {name: view[base + off: base + off + n] for name, (off, n) in header["sections"].items()}
        if any(len(v) != n for v, (_, n) in zip(sections.values(), header["sections"].values(), strict=True)):
            return None  # cut short
        return header, sections
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
