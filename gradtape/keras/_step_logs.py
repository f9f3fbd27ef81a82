"""Helpers of the training loop (trainer.py): a batch as Tensors, its number of rows, and a
step's logs as Python floats."""

from __future__ import annotations

import numpy as np

from .. import nest
from .._engine.tensor import Tensor
from ..ops.creation import constant as _constant
from .compile_utils import as_float

__all__ = ["_first_rows", "_floats", "_tensors"]


def _tensors(structure):
    return nest.map_structure(lambda a: a if a is None or isinstance(a, Tensor) else _constant(a),
                              structure)


def _first_rows(x) -> int:
    if type(x) is not Tensor:
        x = next(a for a in nest.flatten(x) if a is not None)
    shape = x.shape if isinstance(x, (Tensor, np.ndarray)) else np.shape(x)
    return int(shape[0]) if len(shape) else 1


def _floats(logs: dict) -> dict:
    # a nested dict (``compile_metrics.result()`` returned by a custom train_step) is flattened
    # into its entries, as Keras's ``_pythonify_logs`` does
    flat: dict = {}
    for k, v in logs.items():
        if isinstance(v, dict):
            flat.update(_floats(v))
        else:
            flat[k] = as_float(v)
    return dict(sorted(flat.items()))
