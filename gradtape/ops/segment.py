"""Segment reductions beyond sums: means, square-root-normalized sums, extrema and products,
sorted (``segment_*``) and unsorted (``unsorted_segment_*``), as in ``tf.math``.

Sorted variants take sorted, non-negative 1-D ``segment_ids`` (as ``segment_sum``) and give
``segment_ids[-1] + 1`` rows; unsorted ones take ids whose shape is a prefix of ``data``'s,
drop negative ids and give ``num_segments`` rows. Empty segments give 0 for means, sums and
sorted extrema, 1 for products, and the dtype's lowest (highest) value for
``unsorted_segment_max`` (``unsorted_segment_min``), as in TensorFlow.

Means and ``unsorted_segment_sqrt_n`` are composites of ``unsorted_segment_sum``. Extrema and
products are primitives whose rules are TensorFlow's gradients written with differentiable
ops: an extremum's gradient goes to the elements equal to it, split equally among ties; a
product's gradient is the product of the other elements of the segment (exact where the
segment holds one zero, 0 where it holds two or more).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.primitive import bind, primitive
from .._engine.tensor import Tensor, wrap
from .scan import _segment_ids, _tensor, _value, unsorted_segment_sum


# -- checking ids --------------------------------------------------------------------------------
def _unsorted(op: str, data, segment_ids, num_segments):
    x = _tensor(data)
    ids = _segment_ids(segment_ids, x, op)
    n = _value(num_segments)
    if n.ndim != 0 or n.dtype.kind not in "iu" or int(n) < 0:
        raise ValueError(f"{op}: num_segments must be a non-negative integer scalar, got "
                         f"{n.tolist()!r} of dtype {n.dtype.name}")
    n = int(n)
    if ids.size and ids.max() >= n:
        raise ValueError(f"{op}: segment id {ids.max()} is out of range [0, {n}) for "
                         f"num_segments={n}; raise num_segments or drop the id (negative ids are "
                         "dropped)")
    return x, ids, n


def _sorted(op: str, data, segment_ids):
    x = _tensor(data)
    ids = _segment_ids(segment_ids, x, op)
    if ids.ndim != 1 or (ids.size and (ids[0] < 0 or np.any(np.diff(ids) < 0))):
        raise ValueError(f"{op}: segment_ids must be a 1-D, sorted, non-negative vector; use "
                         f"unsorted_{op} for other ids")
    return x, ids, int(ids[-1]) + 1 if ids.size else 0


def _real(op: str, x: Tensor) -> None:
    if x.dtype.kind not in "iuf":
        raise TypeError(f"{op}: data must be a real numeric tensor (integer or floating point), got "
                        f"dtype {x.dtype.name}")


def _numeric(op: str, x: Tensor) -> None:
    if x.dtype.kind not in "iufc":
        raise TypeError(f"{op}: data must be a numeric tensor, got dtype {x.dtype.name}")


def _counts(ids: np.ndarray, n: int, x: Tensor) -> np.ndarray:
    """How many ids name each segment (at least 1), shaped to broadcast against the result."""
    c = np.bincount(ids[ids >= 0].reshape(-1), minlength=n)
    return np.maximum(c, 1).reshape((n,) + (1,) * (x.ndim - ids.ndim))


def _trail(ans) -> tuple:
    return (slice(None),) * (len(ans.shape) - 1)


def _per_element(ids: np.ndarray, ndim: int) -> tuple:
    """The clipped ids (for gathering) and the mask of kept (non-negative) ids, broadcastable
    against ``data`` of rank ``ndim``."""
    return np.maximum(ids, 0), (ids >= 0).reshape(ids.shape + (1,) * (ndim - ids.ndim))


# -- means and square-root-normalized sums -------------------------------------------------------
def _integer_mean(x: Tensor, ids: np.ndarray, n: int) -> Tensor:
    # TensorFlow's integer segment mean: the sum divided by the count, truncated toward 0.
    s = np.zeros((n,) + x.shape[ids.ndim:], x.dtype)
    keep = ids >= 0
    np.add.at(s, ids[keep], x._value[keep])
    c = _counts(ids, n, x)
    return wrap((np.sign(s) * (np.abs(s) // c)).astype(x.dtype))


def segment_mean(data: Any, segment_ids: Any, name: str | None = None) -> Tensor:
    """Mean of the rows of ``data`` within segments given by sorted, non-negative 1-D
    ``segment_ids``; empty segments give 0. Integer data give TensorFlow's integer mean
    (truncated toward 0, no gradient).

    >>> import gradtape as gt
    >>> gt.math.segment_mean(gt.constant([1.0, 2.0, 6.0]), [0, 0, 2]).numpy()
    array([1.5, 0. , 6. ], dtype=float32)
    """
    op = "segment_mean"
    x, ids, n = _sorted(op, data, segment_ids)
    _numeric(op, x)
    if x.dtype.kind in "iu":
        return _integer_mean(x, ids, n)
    return unsorted_segment_sum(x, ids, n) / _counts(ids, n, x).astype(x.dtype)


def unsorted_segment_mean(data: Any, segment_ids: Any, num_segments: Any, name: str | None = None) -> Tensor:
    """Mean of the slices of ``data`` that share a segment id, for ids in any order: the sum
    divided by the count (at least 1, so empty segments give 0); negative ids are dropped.
    Integer data give floats, as TensorFlow's ``/``.

    >>> import gradtape as gt
    >>> gt.math.unsorted_segment_mean(gt.constant([1.0, 2.0, 6.0]), [1, -1, 1], 3).numpy()
    array([0. , 3.5, 0. ], dtype=float32)
    """
    op = "unsorted_segment_mean"
    x, ids, n = _unsorted(op, data, segment_ids, num_segments)
    _numeric(op, x)
    return unsorted_segment_sum(x, ids, n) / _counts(ids, n, x).astype(x.dtype)


def unsorted_segment_sqrt_n(data: Any, segment_ids: Any, num_segments: Any, name: str | None = None) -> Tensor:
    """Sum of the slices of ``data`` that share a segment id divided by the square root of
    their count (at least 1, so empty segments give 0); negative ids are dropped.

    >>> import gradtape as gt
    >>> gt.math.unsorted_segment_sqrt_n(gt.constant([1.0, 3.0, 6.0]), [0, 0, 0], 1).numpy()
    array([5.773503], dtype=float32)
    """
    op = "unsorted_segment_sqrt_n"
    x, ids, n = _unsorted(op, data, segment_ids, num_segments)
    if x.dtype.kind not in "fc":
        raise TypeError(f"{op}: data must be a floating-point or complex tensor, got dtype "
                        f"{x.dtype.name}; cast it first, e.g. gt.cast(data, gt.float32)")
    return unsorted_segment_sum(x, ids, n) / np.sqrt(_counts(ids, n, x).astype(x.dtype))


# -- extrema -------------------------------------------------------------------------------------
def _extremum_init(dtype: np.dtype, is_max: bool, sorted_ids: bool):
    # Unsorted: TensorFlow starts from the dtype's lowest (highest) finite value, which empty
    # segments keep. Sorted: each non-empty segment is reduced on its own (floats from -inf or
    # +inf, so a segment of -inf gives -inf) and empty segments are set to 0.
    if dtype.kind == "f":
        if sorted_ids:
            return -np.inf if is_max else np.inf
        info = np.finfo(dtype)
    else:
        info = np.iinfo(dtype)
    return info.min if is_max else info.max


def _extremum_forward(ufunc, is_max: bool):
    def forward(data, ids, num_segments, sorted_ids):
        data = np.asarray(data)
        out = np.full((num_segments,) + data.shape[ids.ndim:],
                      _extremum_init(data.dtype, is_max, sorted_ids), data.dtype)
        keep = ids >= 0
        ufunc.at(out, ids[keep], data[keep])
        if sorted_ids:
            out[np.bincount(ids, minlength=num_segments) == 0] = 0
        return out
    return forward


def _selection(data, ids, ans):
    """TensorFlow's ``is_selected`` (the elements equal to their segment's extremum, kept ids
    only), the clipped ids and ``num_selected`` (at least 1), as NumPy constants."""
    d, a = _value(data), _value(ans)
    safe, kept = _per_element(ids, d.ndim)
    selected = (d == a[safe]) & kept
    num = np.zeros(a.shape, a.dtype)
    keep = ids >= 0
    np.add.at(num, ids[keep], selected[keep].astype(a.dtype))
    return selected, safe, np.maximum(num, 1)


def _extremum_vjp(m, g, ans, data, ids, num_segments, sorted_ids):
    selected, safe, num = _selection(data, ids, ans)
    share = m.getitem(g / num, index=(Ellipsis, safe) + _trail(ans))
    return m.where(selected, share, 0)


def _extremum_jvp(m, t, ans, data, ids, num_segments, sorted_ids):
    selected, _, num = _selection(data, ids, ans)
    return m.unsorted_segment_sum(m.where(selected, t, 0), ids, num_segments=num_segments) / num


_segment_max = primitive("segment_max", _extremum_forward(np.maximum, True),
                         vjp=(_extremum_vjp, None), jvp=(_extremum_jvp, None))
_segment_min = primitive("segment_min", _extremum_forward(np.minimum, False),
                         vjp=(_extremum_vjp, None), jvp=(_extremum_jvp, None))


def segment_max(data: Any, segment_ids: Any, name: str | None = None) -> Tensor:
    """Maximum of the rows of ``data`` within segments given by sorted, non-negative 1-D
    ``segment_ids``; empty segments give 0. The gradient goes to the elements equal to their
    segment's maximum, split equally among ties.

    >>> import gradtape as gt
    >>> gt.math.segment_max(gt.constant([1.0, 5.0, -2.0]), [0, 0, 2]).numpy()
    array([ 5.,  0., -2.], dtype=float32)
    """
    op = "segment_max"
    x, ids, n = _sorted(op, data, segment_ids)
    _real(op, x)
    return bind(_segment_max, x, ids, num_segments=n, sorted_ids=True)


def segment_min(data: Any, segment_ids: Any, name: str | None = None) -> Tensor:
    """Minimum of the rows of ``data`` within segments given by sorted, non-negative 1-D
    ``segment_ids``; empty segments give 0. The gradient goes to the elements equal to their
    segment's minimum, split equally among ties.

    >>> import gradtape as gt
    >>> gt.math.segment_min(gt.constant([1.0, 5.0, 2.0]), [0, 0, 2]).numpy()
    array([1., 0., 2.], dtype=float32)
    """
    op = "segment_min"
    x, ids, n = _sorted(op, data, segment_ids)
    _real(op, x)
    return bind(_segment_min, x, ids, num_segments=n, sorted_ids=True)


def unsorted_segment_max(data: Any, segment_ids: Any, num_segments: Any, name: str | None = None) -> Tensor:
    """Maximum of the slices of ``data`` that share a segment id, for ids in any order;
    negative ids are dropped and empty segments give the dtype's lowest value. The gradient
    goes to the elements equal to their segment's maximum, split equally among ties.

    >>> import gradtape as gt
    >>> gt.math.unsorted_segment_max(gt.constant([1.0, 5.0, 2.0]), [1, 1, -1], 2).numpy()
    array([-3.4028235e+38,  5.0000000e+00], dtype=float32)
    """
    op = "unsorted_segment_max"
    x, ids, n = _unsorted(op, data, segment_ids, num_segments)
    _real(op, x)
    return bind(_segment_max, x, ids, num_segments=n, sorted_ids=False)


def unsorted_segment_min(data: Any, segment_ids: Any, num_segments: Any, name: str | None = None) -> Tensor:
    """Minimum of the slices of ``data`` that share a segment id, for ids in any order;
    negative ids are dropped and empty segments give the dtype's highest value. The gradient
    goes to the elements equal to their segment's minimum, split equally among ties.

    >>> import gradtape as gt
    >>> gt.math.unsorted_segment_min(gt.constant([4, 2, 7]), [0, 0, 1], 3).numpy()
    array([         2,          7, 2147483647], dtype=int32)
    """
    op = "unsorted_segment_min"
    x, ids, n = _unsorted(op, data, segment_ids, num_segments)
    _real(op, x)
    return bind(_segment_min, x, ids, num_segments=n, sorted_ids=False)


# -- products ------------------------------------------------------------------------------------
def _prod_fwd(data, ids, num_segments):
    data = np.asarray(data)
    out = np.ones((num_segments,) + data.shape[ids.ndim:], data.dtype)
    keep = ids >= 0
    np.multiply.at(out, ids[keep], data[keep])
    return out


def _prod_partials(m, ans, data, ids, num_segments):
    """TensorFlow's partial derivatives of each segment's product for each element: the
    product over the segment divided by the element, or for a zero element the product of
    the segment's non-zero elements; and the mask of segments with two zeros or more."""
    d = _value(data)
    is_zero = d == 0
    keep = ids >= 0
    num_zeros = np.zeros((num_segments,) + d.shape[ids.ndim:], np.int64)
    np.add.at(num_zeros, ids[keep], is_zero[keep])
    non_zero = m.where(is_zero, 1, data)
    non_zero_prod = m.unsorted_segment_prod(non_zero, ids, num_segments=num_segments)
    index = (Ellipsis, np.maximum(ids, 0)) + _trail(ans)
    partial = m.where(is_zero, m.getitem(non_zero_prod, index=index), m.getitem(ans, index=index) / non_zero)
    return partial, num_zeros > 1, index


def _prod_vjp(m, g, ans, data, ids, num_segments):
    partial, many_zeros, index = _prod_partials(m, ans, data, ids, num_segments)
    _, kept = _per_element(ids, len(data.shape))
    gathered = m.getitem(m.where(many_zeros, 0, g), index=index)
    return m.where(kept, gathered, 0) * partial


def _prod_jvp(m, t, ans, data, ids, num_segments):
    partial, many_zeros, _ = _prod_partials(m, ans, data, ids, num_segments)
    return m.where(many_zeros, 0, m.unsorted_segment_sum(t * partial, ids, num_segments=num_segments))


_unsorted_segment_prod = primitive("unsorted_segment_prod", _prod_fwd, vjp=(_prod_vjp, None),
                                   jvp=(_prod_jvp, None))


def segment_prod(data: Any, segment_ids: Any, name: str | None = None) -> Tensor:
    """Product of the rows of ``data`` within segments given by sorted, non-negative 1-D
    ``segment_ids``; empty segments give 1. The gradient is TensorFlow's: the product of the
    other elements of the segment, exact where the segment holds one zero and 0 where it holds
    two or more (no conjugates for complex inputs, as in TensorFlow).

    >>> import gradtape as gt
    >>> gt.math.segment_prod(gt.constant([2.0, 3.0, 4.0]), [0, 0, 2]).numpy()
    array([6., 1., 4.], dtype=float32)
    """
    op = "segment_prod"
    x, ids, n = _sorted(op, data, segment_ids)
    _numeric(op, x)
    return bind(_unsorted_segment_prod, x, ids, num_segments=n)


def unsorted_segment_prod(data: Any, segment_ids: Any, num_segments: Any, name: str | None = None) -> Tensor:
    """Product of the slices of ``data`` that share a segment id, for ids in any order;
    negative ids are dropped and empty segments give 1. The gradient is TensorFlow's, as for
    ``segment_prod``.

    >>> import gradtape as gt
    >>> gt.math.unsorted_segment_prod(gt.constant([2.0, 3.0, 4.0]), [1, -1, 1], 2).numpy()
    array([1., 8.], dtype=float32)
    """
    op = "unsorted_segment_prod"
    x, ids, n = _unsorted(op, data, segment_ids, num_segments)
    _numeric(op, x)
    return bind(_unsorted_segment_prod, x, ids, num_segments=n)


__all__ = ["segment_mean", "segment_max", "segment_min", "segment_prod", "unsorted_segment_mean",
           "unsorted_segment_max", "unsorted_segment_min", "unsorted_segment_prod",
           "unsorted_segment_sqrt_n"]
