"""Argument checks shared by ops whose integer arguments carry no gradient."""

from __future__ import annotations

import numpy as np

from .._engine.tensor import Tensor, to_array


def integers(v, op: str, arg: str, empty_dtype=np.int32) -> np.ndarray:
    """An integer argument (a tensor, a list or an array) as an ndarray, Python values converted
    with TensorFlow's dtype inference; an empty Python list counts as ``empty_dtype`` integers.
    Anything else that is not integer raises a TypeError naming ``op`` and ``arg``."""
    a = np.asarray(v._value if isinstance(v, Tensor) else to_array(v))
    if a.size == 0 and a.dtype.kind == "f" and not isinstance(v, (Tensor, np.ndarray)):
        a = a.astype(empty_dtype)
    if a.dtype.kind not in "iu":
        raise TypeError(f"{op}: {arg} must be integers, got dtype {a.dtype.name}; cast it with "
                        "gt.cast(..., gt.int32)")
    return a
