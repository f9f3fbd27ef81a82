"""Counting and checking: ``count_nonzero``, ``bincount``, ``confusion_matrix``, ``in_top_k``,
``invert_permutation``, ``is_non_decreasing``, ``is_strictly_increasing``, ``zero_fraction``
and ``rint``, as in ``tf.math``.

Their results are counts, indices, booleans or rounded values, so they have no gradient (as
in TensorFlow): they compute on NumPy values and return tensors that no tape records, and a
tape's gradient for their inputs is None (``rint`` is recorded, with no gradient, like
``round``). Two follow TensorFlow in passing gradients to their ``weights``: ``bincount``
(without ``axis`` or ``binary_output``, where TensorFlow sums the weights with
``unsorted_segment_sum``) and ``confusion_matrix`` with a floating-point ``dtype`` (a
``scatter_nd`` of the weights).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.primitive import bind1, primitive
from .._engine.tensor import Tensor, as_dtype, int32, int64, to_array, wrap
from ._rules import normalize_axes
from .indexing import scatter_nd
from .math import cast
from .scan import unsorted_segment_sum


def _array(v) -> np.ndarray:
    return np.asarray(v._value if isinstance(v, Tensor) else to_array(v))


def _tensor(v) -> Tensor:
    return v if isinstance(v, Tensor) else wrap(to_array(v))


def _int_scalar(v, op: str, arg: str) -> int:
    a = _array(v)
    if a.ndim != 0 or a.dtype.kind not in "iu":
        raise TypeError(f"{op}: {arg} must be an integer scalar, got {a.tolist()!r} of dtype {a.dtype.name}")
    return int(a)


def _nonzero(a: np.ndarray) -> np.ndarray:
    if a.dtype.kind in "OSU":  # strings: the empty string is the zero
        return (a != "") & (a != b"")
    return a != 0


# -- count_nonzero and zero_fraction -------------------------------------------------------------
def count_nonzero(input: Any, axis: Any = None, keepdims: bool | None = None, dtype: Any = int64,  # noqa: A002
                  name: str | None = None) -> Tensor:
    """Number of non-zero elements across ``axis`` (all axes when None), as ``dtype`` (int64 by
    default). Booleans count their True values and strings their non-empty ones. No gradient.

    >>> import gradtape as gt
    >>> gt.math.count_nonzero(gt.constant([[0.0, 1.5], [2.0, 0.0]]), axis=1).numpy()
    array([1, 1])
    """
    a = _array(input)
    axes = normalize_axes(axis, a.ndim, "count_nonzero")
    counts = np.sum(_nonzero(a), axis=axes, keepdims=bool(keepdims), dtype=np.int64)
    return wrap(np.asarray(counts).astype(as_dtype(dtype)))


def zero_fraction(value: Any, name: str | None = None) -> Tensor:
    """The fraction of elements of ``value`` that are zero, as a float32 scalar (NaN for an
    empty tensor). No gradient.

    >>> import gradtape as gt
    >>> f = gt.math.zero_fraction(gt.constant([[0.0, 1.0], [0.0, 3.0]]))
    >>> f.dtype, float(f)
    (dtype('float32'), 0.5)
    """
    a = _array(value)
    zeros = a.size - int(np.count_nonzero(_nonzero(a)))
    with np.errstate(invalid="ignore"):
        return wrap(np.float32(zeros) / np.float32(a.size))


# -- bincount ------------------------------------------------------------------------------------
def _length(v, op: str, arg: str) -> int | None:
    if v is None:
        return None
    n = _int_scalar(v, op, arg)
    if n < 0:
        raise ValueError(f"{op}: {arg} must be non-negative, got {n}")
    return n


def bincount(arr: Any, weights: Any = None, minlength: Any = None, maxlength: Any = None,
             dtype: Any = int32, name: str | None = None, axis: int | None = None,
             binary_output: bool = False) -> Tensor:
    """Count the occurrences of each value of the non-negative integer ``arr``: ``out[i]`` is
    the number of elements equal to ``i`` (or the sum of their ``weights``).

    The length is ``max(arr) + 1`` (0 for an empty ``arr``), raised to ``minlength`` and capped
    at ``maxlength`` (larger values are skipped). ``axis=None`` or ``0`` counts over all of
    ``arr``; ``axis=-1`` counts each row of a 2-D ``arr`` (a 1-D ``arr`` is one row), giving
    shape ``(rows, length)``. ``binary_output`` gives 1 for every value present. The result has
    ``weights``' dtype, else ``dtype``. As in TensorFlow, without ``axis`` or ``binary_output``
    the weights are summed by ``unsorted_segment_sum``, so they get its gradient; ``arr`` never
    has one.

    >>> import gradtape as gt
    >>> gt.math.bincount(gt.constant([1, 1, 2, 3, 2, 4, 4, 5])).numpy()
    array([0, 2, 2, 1, 2, 1], dtype=int32)
    >>> gt.math.bincount(gt.constant([[1, 2, 3, 0], [0, 0, 1, 2]]), axis=-1).numpy()
    array([[1, 1, 1, 1],
           [2, 1, 1, 0]], dtype=int32)
    """
    op = "bincount"
    if axis not in (None, 0, -1):
        raise ValueError(f"{op}: axis={axis!r} is not supported; use axis=None (or 0) to count over "
                         "all of arr, or axis=-1 to count each row of a 2-D arr")
    if weights is not None and binary_output:
        raise ValueError(f"{op}: weights and binary_output=True are mutually exclusive; give only one")
    a = _array(arr)
    plain = axis is None and not binary_output
    if a.dtype.kind not in "iu":
        if plain or a.dtype.kind not in "fb":
            raise TypeError(f"{op}: arr must hold integers, got dtype {a.dtype.name}; cast it first, "
                            "e.g. gt.cast(arr, gt.int32)")
        a = a.astype(np.int32)  # TensorFlow casts arr to int32 when axis or binary_output is given
    if a.size and a.min() < 0:
        raise ValueError(f"{op}: arr must be non-negative, got the value {a.min()}")
    if axis == -1 and a.ndim not in (1, 2):
        raise ValueError(f"{op}: with axis=-1, arr must be 1-D or 2-D (one count per row), got shape "
                         f"{a.shape}; reshape it with gt.reshape(arr, [-1, arr.shape[-1]])")
    size = int(a.max()) + 1 if a.size else 0
    lo, hi = _length(minlength, op, "minlength"), _length(maxlength, op, "maxlength")
    if lo is not None:
        size = max(size, lo)
    if hi is not None:
        size = min(size, hi)
    w = None
    if weights is not None:
        w = _tensor(weights)
        if w.shape != a.shape:
            raise ValueError(f"{op}: weights must have arr's shape {a.shape}, got {w.shape}")
    inside = a < size
    if plain and w is not None:
        return unsorted_segment_sum(w, np.where(inside, a, -1), size)
    out_dtype = w.dtype if w is not None else as_dtype(dtype)
    rows = a.reshape(1, -1) if axis != -1 or a.ndim == 1 else a
    wv = None if w is None else w._value.reshape(rows.shape)
    inside = inside.reshape(rows.shape)
    r = np.broadcast_to(np.arange(rows.shape[0])[:, None], rows.shape)
    out = np.zeros((rows.shape[0], size), out_dtype)
    if binary_output:
        out[r[inside], rows[inside]] = 1
    else:
        np.add.at(out, (r[inside], rows[inside]), 1 if wv is None else wv[inside])
    return wrap(out if axis == -1 and a.ndim == 2 else out[0])


# -- confusion_matrix ----------------------------------------------------------------------------
def _squeeze_pair(labels: np.ndarray, predictions: np.ndarray):
    """TensorFlow's ``remove_squeezable_dimensions``: drop a trailing axis of size 1 from the
    one of rank one more than the other."""
    if predictions.ndim == labels.ndim + 1 and predictions.shape[-1:] == (1,):
        predictions = predictions[..., 0]
    elif labels.ndim == predictions.ndim + 1 and labels.shape[-1:] == (1,):
        labels = labels[..., 0]
    return labels, predictions


def confusion_matrix(labels: Any, predictions: Any, num_classes: Any = None, weights: Any = None,
                     dtype: Any = int32, name: str | None = None) -> Tensor:
    """The ``num_classes x num_classes`` matrix whose entry ``[i, j]`` counts the examples with
    label ``i`` and prediction ``j`` (or sums their ``weights``, cast to ``dtype``).

    ``labels`` and ``predictions`` are 1-D, non-negative and below ``num_classes``, which
    defaults to ``max(labels, predictions) + 1``. As in TensorFlow, a floating-point ``dtype``
    passes gradients to ``weights`` (an integer one casts them, with no gradient).

    >>> import gradtape as gt
    >>> gt.math.confusion_matrix([1, 2, 4], [2, 2, 4]).numpy()
    array([[0, 0, 0, 0, 0],
           [0, 0, 1, 0, 0],
           [0, 0, 1, 0, 0],
           [0, 0, 0, 0, 0],
           [0, 0, 0, 0, 1]], dtype=int32)
    """
    op = "confusion_matrix"
    lab, pred = _array(labels), _array(predictions)
    for arg, v in (("labels", lab), ("predictions", pred)):
        if v.dtype.kind not in "iufb":
            raise TypeError(f"{op}: {arg} must hold class indices (integers), got dtype {v.dtype.name}")
    lab, pred = _squeeze_pair(lab, pred)
    if lab.ndim != 1 or pred.shape != lab.shape:
        raise ValueError(f"{op}: labels and predictions must be 1-D of one length, got shapes "
                         f"{lab.shape} and {pred.shape}")
    lab, pred = lab.astype(np.int64), pred.astype(np.int64)
    for arg, v in (("labels", lab), ("predictions", pred)):
        if v.size and v.min() < 0:
            raise ValueError(f"{op}: {arg} contains negative values ({v.min()})")
    if num_classes is None:
        n = int(max(lab.max(), pred.max())) + 1 if lab.size else 0
    else:
        n = _int_scalar(num_classes, op, "num_classes")
        for arg, v in (("labels", lab), ("predictions", pred)):
            if v.size and v.max() >= n:
                raise ValueError(f"{op}: {arg} out of bound: the value {v.max()} is not below "
                                 f"num_classes={n}")
    dt = as_dtype(dtype)
    if weights is None:
        out = np.zeros((n, n), dt)
        np.add.at(out, (lab, pred), 1)
        return wrap(out)
    w = _tensor(weights)
    if w.shape != pred.shape:
        raise ValueError(f"{op}: weights must have the shape of predictions {pred.shape}, got {w.shape}")
    return scatter_nd(np.stack([lab, pred], axis=1), cast(w, dt), [n, n])


# -- in_top_k and invert_permutation -------------------------------------------------------------
def in_top_k(targets: Any, predictions: Any, k: Any, name: str | None = None) -> Tensor:
    """Whether each target is among the ``k`` largest predictions of its row (bool, 1-D).

    ``predictions`` is ``(batch, classes)`` and ``targets`` holds one class index per row. As
    TensorFlow's, a target is in the top ``k`` when fewer than ``k`` predictions of its row are
    strictly greater than its own, so ties all count; a row with a non-finite prediction, or
    a target outside ``[0, classes)``, gives False.

    >>> import gradtape as gt
    >>> p = gt.constant([[0.1, 0.8, 0.1], [0.3, 0.3, 0.4]])
    >>> gt.math.in_top_k([1, 0], p, k=1).numpy(), gt.math.in_top_k([1, 0], p, k=2).numpy()
    (array([ True, False]), array([ True,  True]))
    """
    op = "in_top_k"
    t, p = _array(targets), _array(predictions)
    k = _int_scalar(k, op, "k")
    if t.dtype.kind not in "iu":
        raise TypeError(f"{op}: targets must be int32 or int64 class indices, got dtype {t.dtype.name}")
    if p.dtype.kind not in "iuf":
        raise TypeError(f"{op}: predictions must be real numbers, got dtype {p.dtype.name}")
    if p.ndim != 2:
        raise ValueError(f"{op}: predictions must be 2-D (batch, classes), got shape {p.shape}")
    if t.ndim != 1 or t.shape[0] != p.shape[0]:
        raise ValueError(f"{op}: targets must be 1-D with one entry per row of predictions "
                         f"({p.shape[0]}), got shape {t.shape}")
    valid = (t >= 0) & (t < p.shape[1])
    own = p[np.arange(p.shape[0]), np.where(valid, t, 0)] if p.shape[1] else np.zeros(t.shape, p.dtype)
    above = np.sum(p > own[:, None], axis=1)
    return wrap(valid & np.all(np.isfinite(p), axis=1) & (above < k))


def invert_permutation(x: Any, name: str | None = None) -> Tensor:
    """The inverse of the permutation ``x`` of ``0 .. n-1`` (1-D int32 or int64):
    ``y[x[i]] = i``. No gradient.

    >>> import gradtape as gt
    >>> gt.math.invert_permutation([3, 4, 0, 2, 1]).numpy()
    array([2, 4, 3, 0, 1], dtype=int32)
    """
    op = "invert_permutation"
    a = _array(x)
    if a.dtype not in (np.dtype(np.int32), np.dtype(np.int64)):
        raise TypeError(f"{op}: x must be int32 or int64, got dtype {a.dtype.name}")
    if a.ndim != 1:
        raise ValueError(f"{op}: x must be 1-D, got shape {a.shape}")
    n = a.size
    seen = np.zeros(n, bool)
    inside = (a >= 0) & (a < n)
    seen[a[inside]] = True
    if not inside.all() or not seen.all():
        bad = int(np.argmax(~inside)) if not inside.all() else None
        what = (f"x[{bad}] = {a[bad]} is out of range [0, {n})" if bad is not None
                else f"{int(np.argmax(~seen))} is missing (so another value is repeated)")
        raise ValueError(f"{op}: x is not a permutation of 0..{n - 1}: {what}")
    y = np.empty(n, a.dtype)
    y[a] = np.arange(n, dtype=a.dtype)
    return wrap(y)


# -- monotonicity --------------------------------------------------------------------------------
def _monotone(op: str, x, strict: bool) -> Tensor:
    a = _array(x)
    if a.dtype.kind not in "iuf":
        raise TypeError(f"{op}: x must be a real numeric tensor, got dtype {a.dtype.name}")
    a = a.reshape(-1)
    nxt, prev = a[1:], a[:-1]
    return wrap(np.bool_(np.all(nxt > prev) if strict else np.all(nxt >= prev)))


def is_non_decreasing(x: Any, name: str | None = None) -> Tensor:
    """Whether ``x``, flattened in row-major order, never decreases: ``x[i] <= x[i + 1]``
    (True for fewer than two elements). A bool scalar; no gradient.

    Neighbours are compared directly (TensorFlow subtracts them, which wraps around for
    unsigned and overflowing integers); a NaN gives False, as in TensorFlow.

    >>> import gradtape as gt
    >>> bool(gt.math.is_non_decreasing([1, 2, 2, 5]))
    True
    """
    return _monotone("is_non_decreasing", x, strict=False)


def is_strictly_increasing(x: Any, name: str | None = None) -> Tensor:
    """Whether ``x``, flattened in row-major order, strictly increases: ``x[i] < x[i + 1]``
    (True for fewer than two elements). A bool scalar; no gradient.

    Neighbours are compared directly, as in ``is_non_decreasing``.

    >>> import gradtape as gt
    >>> bool(gt.math.is_strictly_increasing([[1, 2], [2, 5]]))
    False
    """
    return _monotone("is_strictly_increasing", x, strict=True)


# -- rint ----------------------------------------------------------------------------------------
_rint = primitive("rint", np.rint, vjp=(None,), jvp=(None,))


def rint(x: Any, name: str | None = None) -> Tensor:
    """Elementwise rounding to the nearest integer, halves to even (floating-point ``x``; no
    gradient, as in TensorFlow).

    >>> import gradtape as gt
    >>> gt.math.rint(gt.constant([-1.5, -0.5, 0.5, 1.5, 2.7])).numpy()
    array([-2., -0.,  0.,  2.,  3.], dtype=float32)
    """
    x = _tensor(x)
    if x.dtype.kind != "f":
        raise TypeError(f"rint: x must be a floating-point tensor, got dtype {x.dtype.name}; cast it "
                        "first, e.g. gt.cast(x, gt.float32)")
    return bind1(_rint, x)


__all__ = ["count_nonzero", "bincount", "confusion_matrix", "in_top_k", "invert_permutation",
           "is_non_decreasing", "is_strictly_increasing", "zero_fraction", "rint"]
