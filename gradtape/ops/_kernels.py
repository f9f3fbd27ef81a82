"""Faster NumPy kernels for reductions over a short last axis (softmax, layer norms, losses).

NumPy reduces along a short contiguous last axis slowly (a 32-long ``max`` over 64k floats
takes as long as seven elementwise ops). A sum over the last axis is a matrix-vector product
with ones (one BLAS call); a maximum is taken on a transposed copy, whose reduction runs over
the leading axis with vectorized loops. Both give NumPy's results (sums up to rounding).
"""

from __future__ import annotations

import numpy as np

_MIN_SIZE = 4096  # below this NumPy's own reductions are as fast
_ONES: dict = {}


def ones(n: int, dtype) -> np.ndarray:
    """A shared read-only vector of ``n`` ones (sums as products with it)."""
    key = (n, dtype)
    v = _ONES.get(key)
    if v is None:
        v = _ONES[key] = np.ones(n, dtype)
        v.flags.writeable = False
    return v


def _fast(x, axis) -> bool:
    return (type(x) is np.ndarray and x.dtype.kind == "f" and x.ndim >= 2 and x.size >= _MIN_SIZE
            and axis in (-1, x.ndim - 1, (-1,), (x.ndim - 1,)) and x.shape[-1] <= 1024)


def sum_(x, axis, keepdims: bool):
    """``np.sum(x, axis, keepdims=keepdims)``, faster over a short last axis."""
    if _fast(x, axis):
        s = x @ ones(x.shape[-1], x.dtype)
        return s[..., None] if keepdims else s
    return np.sum(x, axis=axis, keepdims=keepdims)


def max_(x, axis, keepdims: bool):
    """``np.max(x, axis, keepdims=keepdims)``, faster over a short last axis."""
    if _fast(x, axis) and x.shape[-1] <= 64:
        n = x.shape[-1]
        m = np.ascontiguousarray(x.reshape(-1, n).T).max(axis=0).reshape(x.shape[:-1])
        return m[..., None] if keepdims else m
    return np.max(x, axis=axis, keepdims=keepdims)
