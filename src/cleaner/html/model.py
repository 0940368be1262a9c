"""The learned block model: which blocks of a page are its content.

A logistic model over :data:`.features.FEATURES`, fitted by ``train/html_blocks.py`` (scikit-learn,
a dev extra) and shipped as ``blocks_model.json`` beside this module: run time needs only the
weights. The file names the features it was fitted on; a file that does not match the code is an
error at load, never a silent mis-scoring.
"""

from __future__ import annotations

import functools
import json
import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .features import FEATURES

MODEL_FILE = Path(__file__).with_name("blocks_model.json")


@dataclass(frozen=True)
class BlockModel:
    weights: tuple[float, ...]
    bias: float
    threshold: float  # probability from which a block is content

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> BlockModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"{path}: fitted on other features than cleaner.html.features.FEATURES; "
                             "run train/html_blocks.py")
        return cls(tuple(float(w) for w in data["weights"]), float(data["bias"]), float(data["threshold"]))

    def probability(self, row: Sequence[float]) -> float:
        if len(row) != len(self.weights):
            raise ValueError(f"a row of {len(row)} features for a model of {len(self.weights)}")
        z = self.bias + math.fsum(map(operator.mul, self.weights, row))  # exact sum: the same in any order
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def content(self, row: Sequence[float]) -> bool:
        return self.probability(row) >= self.threshold


@functools.cache
def shipped() -> BlockModel:
    """The model shipped with the package, loaded once per process."""
    return BlockModel.load()
