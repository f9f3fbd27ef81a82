"""Faster NumPy kernels for reductions over a short last axis (softmax, layer norms, losses)
and over leading axes (bias gradients).

NumPy reduces along a short contiguous last axis slowly (a 32-long ``max`` over 64k floats
takes as long as seven elementwise ops). A sum over the last axis is a matrix-vector product
with ones (one BLAS call); a maximum is taken on a transposed copy, whose reduction runs over
the leading axis with vectorized loops. Both give NumPy's results (sums up to rounding).
"""

from __future__ import annotations

import math

import numpy as np

from .._engine.parallel import product

MIN_SIZE = 4096  # below this the shifted softmax, NumPy's maxima and leading-axes sums are as fast
_ONES: dict = {}


def ones(n: int, dtype) -> np.ndarray:
    """A shared read-only vector of ``n`` ones (sums as products with it)."""
    key = (n, dtype)
    v = _ONES.get(key)
    if v is None:
        v = _ONES[key] = np.ones(n, dtype)
        v.flags.writeable = False
    return v


BLAS_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _fast(x, axis) -> bool:
    """A reduction of a float array of rank >= 2 over its last axis (up to 1024 long). As a
    product with ones it is faster than NumPy's at every size (128x10: 1.1 us against 3.5)."""
    return (type(x) is np.ndarray and x.dtype in BLAS_FLOATS and x.ndim >= 2
            and axis in (-1, x.ndim - 1, (-1,), (x.ndim - 1,)) and 0 < x.shape[-1] <= 1024)


def _leading(x, axis) -> int:
    """``k`` when ``axis`` names exactly the first ``k < x.ndim`` axes of a large contiguous
    float array (a bias gradient sums the batch axes), else 0."""
    if (axis is None or type(x) is not np.ndarray or x.dtype not in BLAS_FLOATS or x.size < MIN_SIZE
            or not x.flags.c_contiguous):
        return 0
    nd = x.ndim
    axes = sorted({a % nd for a in ((axis,) if isinstance(axis, int) else axis)})
    return len(axes) if len(axes) < nd and axes == list(range(len(axes))) else 0


def sum_(x, axis, keepdims: bool):
    """``np.sum(x, axis, keepdims=keepdims)``, faster over a short last axis and over the
    leading axes (a product with ones: one BLAS call instead of a strided reduction)."""
    if _fast(x, axis):
        s = product(x, ones(x.shape[-1], x.dtype))
        return s[..., None] if keepdims else s
    k = _leading(x, axis)
    if k:
        rows = math.prod(x.shape[:k])
        s = product(ones(rows, x.dtype), x.reshape(rows, -1))
        return s.reshape((1,) * k + x.shape[k:] if keepdims else x.shape[k:])
    if type(x) is np.ndarray and x.dtype.kind in "fc":
        return np.add.reduce(x, axis=axis, keepdims=keepdims)  # np.sum's work, not its wrapper
    return np.sum(x, axis=axis, keepdims=keepdims)


def max_(x, axis, keepdims: bool):
    """``np.max(x, axis, keepdims=keepdims)``, faster over a short last axis."""
    n = x.shape[-1] if x.ndim else 0
    # the transposed copy pays once the rows are many (128 rows of 10: 2.9 us against 6.7)
    if _fast(x, axis) and n <= 64 and (x.size >= MIN_SIZE or x.size >= max(64, 4 * n) * n):
        m = np.ascontiguousarray(x.reshape(-1, n).T).max(axis=0).reshape(x.shape[:-1])
        return m[..., None] if keepdims else m
    if type(x) is np.ndarray:
        return np.maximum.reduce(x, axis=axis, keepdims=keepdims)  # np.max without its wrapper
    return np.max(x, axis=axis, keepdims=keepdims)


def exp_is_safe(x, axis) -> bool:
    """Whether ``exp(x)`` and its sums along ``axis`` stay finite and normal, so that a softmax
    needs no shift by the maximum (checked with two fast whole-array reductions)."""
    if type(x) is not np.ndarray or x.dtype not in BLAS_FLOATS or x.size < MIN_SIZE:
        return False
    lo, top = _EXP_RANGE[x.dtype]
    n = x.shape[axis] if isinstance(axis, int) else math.prod(x.shape[a] for a in axis)
    return bool(lo < x.min() and x.max() < top - math.log(max(n, 1)))  # False for NaN and inf


# per dtype: exp(x) is normal above the first bound and below the second (one unit of margin)
_EXP_RANGE = {dt: (math.log(np.finfo(dt).tiny) + 1.0, math.log(np.finfo(dt).max) - 1.0)
              for dt in BLAS_FLOATS}
