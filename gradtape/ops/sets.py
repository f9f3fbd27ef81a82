"""Finding, counting and locating values: ``unique``, ``unique_with_counts``, ``searchsorted``,
``histogram_fixed_width``, ``histogram_fixed_width_bins`` and ``unravel_index``, as in
TensorFlow.

Their outputs are indices and counts, so none has a gradient (as in TensorFlow): each computes
on NumPy values and returns new tensors that no tape records, so a tape's gradient for their
inputs is None.
"""

from __future__ import annotations

import collections
import math
from typing import Any

import numpy as np

from .._engine.tensor import Tensor, as_dtype, int32, to_array, wrap
from ._args import integers

Unique = collections.namedtuple("Unique", ["y", "idx"])
UniqueWithCounts = collections.namedtuple("UniqueWithCounts", ["y", "idx", "count"])


def _array(v) -> np.ndarray:
    return np.asarray(v._value if isinstance(v, Tensor) else to_array(v))


def _index_dtype(dtype, op: str, arg: str) -> np.dtype:
    dt = as_dtype(dtype)
    if dt not in (np.dtype(np.int32), np.dtype(np.int64)):
        raise TypeError(f"{op}: {arg} must be gt.int32 or gt.int64, got {dt.name}")
    return dt


def _unique(x, out_idx, op: str):
    a = _array(x)
    dt = _index_dtype(out_idx, op, "out_idx")
    if a.ndim != 1:
        raise ValueError(f"{op}: x must be 1-D, got shape {a.shape}; flatten it first with "
                         "gt.reshape(x, [-1])")
    if a.size == 0:
        return a.copy(), np.zeros(0, dt), np.zeros(0, dt)
    # np.unique sorts; keep TensorFlow's order of first occurrence instead. NaNs are all
    # distinct (NaN != NaN), as in TensorFlow's hash table; 0.0 and -0.0 are one value.
    _, first, inverse = np.unique(a, return_index=True, return_inverse=True, equal_nan=False)
    order = np.argsort(first, kind="stable")
    rank = np.empty(order.size, np.int64)
    rank[order] = np.arange(order.size)
    idx = rank[inverse.reshape(-1)]
    return a[first[order]], idx.astype(dt), np.bincount(idx, minlength=order.size).astype(dt)


def unique(x: Any, out_idx: Any = int32, name: str | None = None) -> Unique:
    """The distinct elements of the 1-D ``x`` in order of first occurrence, and for each
    element of ``x`` its index in them, as ``tf.unique``: ``y[idx[i]] == x[i]``.

    Returns the namedtuple ``(y, idx)``; ``idx`` has dtype ``out_idx`` (int32 or int64).
    No gradient.

    >>> import gradtape as gt
    >>> y, idx = gt.unique([4, 5, 1, 2, 3, 3, 4, 5])
    >>> y.numpy()
    array([4, 5, 1, 2, 3], dtype=int32)
    >>> idx.numpy()
    array([0, 1, 2, 3, 4, 4, 0, 1], dtype=int32)
    """
    y, idx, _ = _unique(x, out_idx, "unique")
    return Unique(wrap(y), wrap(idx))


def unique_with_counts(x: Any, out_idx: Any = int32, name: str | None = None) -> UniqueWithCounts:
    """:func:`unique` plus how many times each distinct element occurs, as
    ``tf.unique_with_counts``.

    Returns the namedtuple ``(y, idx, count)``; ``idx`` and ``count`` have dtype ``out_idx``.
    No gradient.

    >>> import gradtape as gt
    >>> y, idx, count = gt.unique_with_counts([1, 1, 2, 4, 4, 4, 7, 8, 8])
    >>> y.numpy()
    array([1, 2, 4, 7, 8], dtype=int32)
    >>> idx.numpy()
    array([0, 0, 1, 2, 2, 2, 3, 4, 4], dtype=int32)
    >>> count.numpy()
    array([2, 1, 3, 1, 2], dtype=int32)
    """
    y, idx, count = _unique(x, out_idx, "unique_with_counts")
    return UniqueWithCounts(wrap(y), wrap(idx), wrap(count))


def searchsorted(sorted_sequence: Any, values: Any, side: str = "left", out_type: Any = int32,
                 name: str | None = None) -> Tensor:
    """Where each of ``values`` would go in ``sorted_sequence`` to keep it sorted, searching
    the innermost dimension, as ``tf.searchsorted``.

    Row ``r`` of ``values`` (all dimensions but the last, flattened) is searched in row ``r``
    of ``sorted_sequence``, so both must have the same number of rows. ``side='left'`` gives
    the first suitable index (lower bound), ``'right'`` the last (upper bound). The result
    has the shape of ``values`` and dtype ``out_type`` (int32 or int64). No gradient.

    >>> import gradtape as gt
    >>> gt.searchsorted([0, 3, 9, 10, 10], [0, 4, 10]).numpy()
    array([0, 2, 3], dtype=int32)
    >>> gt.searchsorted([0, 3, 9, 10, 10], [0, 4, 10], side="right").numpy()
    array([1, 2, 5], dtype=int32)
    >>> gt.searchsorted([[0., 3., 8., 9., 10.], [1., 2., 3., 4., 5.]],
    ...                 [[9.8, 2.1, 4.3], [0.1, 6.6, 4.5]]).numpy()
    array([[4, 1, 2],
           [0, 5, 4]], dtype=int32)
    """
    op = "searchsorted"
    if side not in ("left", "right"):
        raise ValueError(f"{op}: side must be 'left' or 'right', got {side!r}")
    dt = _index_dtype(out_type, op, "out_type")
    s, v = _array(sorted_sequence), _array(values)
    if s.ndim == 0 or v.ndim == 0:
        raise ValueError(f"{op}: sorted_sequence and values must have rank >= 1 (the search runs "
                         f"along the last axis), got shapes {s.shape} and {v.shape}")
    rows = math.prod(s.shape[:-1])
    if math.prod(v.shape[:-1]) != rows:
        raise ValueError(f"{op}: sorted_sequence (shape {s.shape}) has {rows} rows but values "
                         f"(shape {v.shape}) has {math.prod(v.shape[:-1])}; the leading dimensions "
                         "(all but the last) must match")
    s2 = s.reshape(rows, s.shape[-1])
    v2 = v.reshape(rows, v.shape[-1])
    out = np.empty(v2.shape, dt)
    for r in range(rows):
        out[r] = np.searchsorted(s2[r], v2[r], side=side)
    return wrap(out.reshape(v.shape))


def _histogram_args(op: str, values, value_range, nbins) -> tuple:
    """``(flat values, lo, hi, nbins)`` of a fixed-width histogram, checked."""
    v = _array(values)
    if v.dtype.kind not in "iuf":
        raise TypeError(f"{op}: values must be integers or floats, got dtype {v.dtype.name}")
    r = _array(value_range)
    if r.shape != (2,):
        raise ValueError(f"{op}: value_range must be a vector [lo, hi] of 2 elements, got shape "
                         f"{r.shape}")
    if v.dtype.kind in "iu" and r.dtype.kind not in "iu":
        raise TypeError(f"{op}: value_range has dtype {r.dtype.name} but values are integers "
                        f"({v.dtype.name}); give an integer range or cast values to float")
    r = r.astype(v.dtype)
    n = _array(nbins)
    if n.ndim or n.dtype.kind not in "iu":
        raise TypeError(f"{op}: nbins must be a scalar integer, got {n!r}")
    n = int(n)
    lo, hi = r[0], r[1]
    if not lo < hi:
        raise ValueError(f"{op}: value_range must satisfy value_range[0] < value_range[1], got "
                         f"[{lo}, {hi}]")
    if n <= 0:
        raise ValueError(f"{op}: nbins must be positive, got {n}")
    flat = v.reshape(-1)
    if v.dtype.kind == "f" and np.isnan(flat).any():
        raise ValueError(f"{op}: values contain NaN, which falls in no bin; drop the NaNs first "
                         "(e.g. with gt.boolean_mask(values, ~gt.math.is_nan(values)))")
    return flat, lo, hi, n


def histogram_fixed_width(values: Any, value_range: Any, nbins: Any = 100, dtype: Any = int32,
                          name: str | None = None) -> Tensor:
    """Counts of ``values`` in ``nbins`` equal-width bins spanning ``value_range = [lo, hi]``,
    as ``tf.histogram_fixed_width``.

    Values below ``lo`` count in the first bin and values at or above ``hi`` in the last, as in
    TensorFlow. ``values`` may have any shape; the result is 1-D of length ``nbins`` with dtype
    ``dtype`` (int32 or int64). No gradient.

    >>> import gradtape as gt
    >>> gt.histogram_fixed_width([-1.0, 0.0, 1.5, 2.0, 5.0, 15.0], [0.0, 5.0], nbins=5).numpy()
    array([2, 1, 1, 0, 2], dtype=int32)
    """
    op = "histogram_fixed_width"
    dt = _index_dtype(dtype, op, "dtype")
    flat, lo, hi, n = _histogram_args(op, values, value_range, nbins)
    if n == 1:
        return wrap(np.array([flat.size], dt))
    lo64, hi64 = float(lo), float(hi)
    step = hi64 / n - lo64 / n  # TensorFlow's kernel: no overflow for ranges near the dtype's limits
    pos = (np.clip(flat, lo, hi).astype(np.float64) - lo64) / step
    bins = np.minimum(pos, n - 1).astype(np.int64)
    return wrap(np.bincount(bins, minlength=n).astype(dt))


def histogram_fixed_width_bins(values: Any, value_range: Any, nbins: Any = 100, dtype: Any = int32,
                               name: str | None = None) -> Tensor:
    """The bin index of each element of ``values`` among ``nbins`` equal-width bins spanning
    ``value_range = [lo, hi]``, as ``tf.histogram_fixed_width_bins``.

    Computed as TensorFlow does: ``floor(nbins * (values - lo) / (hi - lo))`` in the values'
    float dtype (float64 for integer values), clamped to ``[0, nbins - 1]``, so values below
    ``lo`` go to bin 0 and values at or above ``hi`` to the last bin, as in
    :func:`histogram_fixed_width`. The result has the shape of ``values`` and is int32 whatever
    ``dtype`` says (TensorFlow ignores ``dtype`` too). No gradient.

    >>> import gradtape as gt
    >>> gt.histogram_fixed_width_bins([-1.0, 0.0, 1.5, 2.0, 5.0, 15.0], [0.0, 5.0], nbins=5).numpy()
    array([0, 0, 1, 2, 4, 4], dtype=int32)
    """
    op = "histogram_fixed_width_bins"
    as_dtype(dtype)
    shape = _array(values).shape
    flat, lo, hi, n = _histogram_args(op, values, value_range, nbins)
    ft = flat.dtype if flat.dtype.kind == "f" else np.dtype(np.float64)
    lo_f, hi_f = np.asarray(lo).astype(ft), np.asarray(hi).astype(ft)
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = (flat.astype(ft) - lo_f) / (hi_f - lo_f)
        idx = np.floor(ft.type(n) * scaled)
    idx = np.clip(idx, 0, n - 1).astype(np.int32)
    return wrap(idx.reshape(shape))


def unravel_index(indices: Any, dims: Any, name: str | None = None) -> Tensor:
    """The coordinates in an array of shape ``dims`` of the flat (row-major) ``indices``, as
    ``tf.unravel_index``.

    The result has shape ``(len(dims),) + indices.shape`` (row ``k`` holds the coordinate
    along dimension ``k``) and the dtype of ``indices``. No gradient.

    >>> import gradtape as gt
    >>> gt.unravel_index([2, 5, 7], [3, 3]).numpy()
    array([[0, 1, 2],
           [2, 2, 1]], dtype=int32)
    >>> gt.unravel_index(1621, [6, 7, 8, 9]).numpy()
    array([3, 1, 4, 1], dtype=int32)
    """
    op = "unravel_index"
    idx = integers(indices, op, "indices")
    d = _array(dims)
    if d.size == 0 and d.dtype.kind == "f":
        d = d.astype(np.int64)  # an empty Python list
    if d.dtype.kind not in "iu":
        raise TypeError(f"{op}: dims must be integers, got dtype {d.dtype.name}")
    if d.ndim != 1:
        raise ValueError(f"{op}: dims must be 1-D (one size per dimension), got shape {d.shape}")
    shape = tuple(int(s) for s in d)
    for k, s in enumerate(shape):
        if s <= 0:
            raise ValueError(f"{op}: dims[{k}] = {s}; every dimension must be positive")
    total = math.prod(shape)
    if idx.size and (idx.min() < 0 or idx.max() >= total):
        raise ValueError(f"{op}: indices must be in [0, {total}) for dims {list(shape)}; got values "
                         f"from {idx.min()} to {idx.max()}")
    if not shape:
        return wrap(np.zeros((0,) + idx.shape, idx.dtype))
    return wrap(np.stack(np.unravel_index(idx, shape), axis=0).astype(idx.dtype))


__all__ = ["unique", "unique_with_counts", "searchsorted", "histogram_fixed_width", "histogram_fixed_width_bins",
           "unravel_index"]
