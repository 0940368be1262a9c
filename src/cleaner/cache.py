"""The per-user cache of data built from installed packages (typo lexicons, Chinese variants).

Everything here can be rebuilt: a missing, stale or unreadable entry only costs its build. Entries
are keyed by the versions of the packages they come from, and written atomically (a unique temp
file, then a rename), so processes that build the same entry at once never see a torn file.
The folder is ``$CLEANER_CACHE_DIR``, else ``$XDG_CACHE_HOME/cleaner``, else ``~/.cache/cleaner``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


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
