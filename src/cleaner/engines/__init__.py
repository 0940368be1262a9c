"""Adapters that run :meth:`cleaner.Pipeline.clean_batch` on distributed engines.

Each engine is an optional extra (``pip install "cleaner[ray]"``), so nothing here imports one:
``import cleaner`` and ``import cleaner.engines`` stay as light as the core. Get an adapter with
:func:`load_ray_data`, which says how to install a missing engine instead of failing on an import.
The defaults below live here, not in the adapter, so the CLI can show them without importing Ray.
"""

from __future__ import annotations

from types import ModuleType

from ..errors import UsageError

FORMATS = ("jsonl", "parquet")
BATCH_SIZE = 64  # articles per UDF call: ~0.5 s of work, small enough to spread evenly over the pool
RETRIES = 2  # a batch whose call raised is tried this many more times before the job fails


def load_ray_data() -> ModuleType:
    """The Ray Data adapter (:mod:`cleaner.engines.ray_data`); ``UsageError`` C303 without Ray."""
    try:
        import ray.data  # noqa: F401  (ray without its [data] extra lacks pyarrow and pandas)
    except ImportError:
        raise UsageError("C303", "Ray Data") from None
    from . import ray_data as adapter

    return adapter
