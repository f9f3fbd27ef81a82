"""Scans, sorting and segment sums: ``cumsum``, ``cumprod``, ``sort``, ``argsort``, ``top_k``,
``segment_sum`` and ``unsorted_segment_sum``, as TensorFlow has them.

``cumprod``'s gradient is exact where the input has zeros (TensorFlow's divides by the
input and gives NaN there): it uses TensorFlow's rule when no element is 0, else products with
the first zeros of each slice taken out, still in linear time and memory. ``sort`` and
``top_k`` are stable (ties keep their input order, in both directions) and pass gradients back
to the elements they picked.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from .._engine.primitive import bind, primitive
from .._engine.tensor import Tensor, as_dtype, int32, to_array, wrap
from ._rules import conj, normalize_axis
from .indexing import getitem


def _tensor(x) -> Tensor:
    return x if isinstance(x, Tensor) else wrap(to_array(x))


def _value(x):
    return x._value if isinstance(x, Tensor) else np.asarray(x)


# -- cumsum and cumprod --------------------------------------------------------------------------
def _scan_forward(fn, fill):
    def forward(x, axis, exclusive, reverse):
        x = np.asarray(x)
        if reverse:
            x = np.flip(x, axis)
        y = fn(x, axis=axis, dtype=x.dtype if x.dtype.kind in "iufc" else None)
        if exclusive and y.shape[axis]:
            head = np.full(y.shape[:axis] + (1,) + y.shape[axis:][1:], fill, y.dtype)
            body = y[(Ellipsis, slice(None, -1)) + (slice(None),) * (-axis - 1)]
            y = np.concatenate([head, body], axis=axis)
        return np.flip(y, axis) if reverse else y
    return forward


_cumsum = primitive(
    "cumsum", _scan_forward(np.cumsum, 0),
    vjp=(lambda m, g, ans, x, axis, exclusive, reverse:
         m.cumsum(g, axis=axis, exclusive=exclusive, reverse=not reverse),),
    jvp="linear", save_args=(), save_out=False)


def _zero_masks(x, axis, exclusive, reverse):
    """Per input: the count of zeros up to it in scan order, and whether it is the first or the
    second zero of its slice; per output: the count of zeros in its product."""
    zero = _value(x) == 0
    count = _scan_forward(np.cumsum, 0)(zero.astype(np.int64), axis, False, reverse)
    in_product = _scan_forward(np.cumsum, 0)(zero.astype(np.int64), axis, exclusive, reverse)
    return count, zero & (count == 1), zero & (count == 2), in_product


def _without_zeros(m, x, axis, exclusive, reverse, at1, at2):
    """The products with the first zero of each slice taken out, with the first two taken out,
    and the first and second zeros themselves (0, but with their derivatives)."""
    def scan(v):
        return m.cumprod(v, axis=axis, exclusive=exclusive, reverse=reverse)

    def pick(at):
        return m.reduce_sum(m.where(at, x, 0), axis=(axis,), keepdims=True)

    return scan(m.where(at1, 1, x)), scan(m.where(at1 | at2, 1, x)), pick(at1), pick(at2)


# The gradient where the input has zeros: each case is an identity around the input, so the
# result is exact and so is its derivative (second order); past the second zero of a slice,
# every derivative of first and second order is 0.
def _cumprod_vjp(m, g, ans, x, axis, exclusive, reverse):
    def back(v):
        return m.cumsum(v, axis=axis, exclusive=exclusive, reverse=not reverse)

    if np.all(_value(x) != 0):  # TensorFlow's rule
        return back(g * conj(m, ans)) / conj(m, x)
    count, at1, at2, _ = _zero_masks(x, axis, exclusive, reverse)
    y1, y2, x1, _ = [conj(m, v) for v in _without_zeros(m, x, axis, exclusive, reverse, at1, at2)]
    safe = conj(m, m.where(_value(x) == 0, 1, x))
    return (m.where(count == 0, back(g * conj(m, ans)) / safe, 0) + m.where(at1, back(g * y1), 0)
            + m.where((count == 1) & ~at1, x1 * back(g * y1) / safe, 0)
            + m.where(at2, x1 * back(g * y2), 0))


def _cumprod_jvp(m, t, ans, x, axis, exclusive, reverse):
    def scan(v):
        return m.cumsum(v, axis=axis, exclusive=exclusive, reverse=reverse)

    if np.all(_value(x) != 0):
        return ans * scan(t / x)
    _, at1, at2, n = _zero_masks(x, axis, exclusive, reverse)
    y1, y2, x1, x2 = _without_zeros(m, x, axis, exclusive, reverse, at1, at2)
    t1, t2 = (m.reduce_sum(m.where(at, t, 0), axis=(axis,), keepdims=True) for at in (at1, at2))
    q = t / m.where(_value(x) == 0, 1, x)
    return (m.where(n == 0, ans * scan(q), 0) + m.where(n == 1, y1 * (t1 + x1 * scan(m.where(at1, 0, q))), 0)
            + m.where(n >= 2, (t1 * x2 + t2 * x1) * y2, 0))


_cumprod = primitive("cumprod", _scan_forward(np.cumprod, 1), vjp=(_cumprod_vjp,),
                     jvp=(_cumprod_jvp,))


def _scan(prim, name, x, axis, exclusive, reverse):
    x = _tensor(x)
    axis = normalize_axis(axis, x.ndim, name)
    return bind(prim, x, axis=axis, exclusive=bool(exclusive), reverse=bool(reverse))


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative sum along ``axis``. ``exclusive`` leaves each element out of its own sum (the
    first is 0); ``reverse`` sums from the end.

    >>> import gradtape as gt
    >>> gt.cumsum(gt.constant([1.0, 2.0, 3.0]), exclusive=True, reverse=True).numpy()
    array([5., 3., 0.], dtype=float32)
    """
    return _scan(_cumsum, "cumsum", x, axis, exclusive, reverse)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative product along ``axis``, with ``exclusive`` and ``reverse`` as in ``cumsum``
    (an exclusive product starts at 1). The gradient is exact at zeros.

    >>> import gradtape as gt
    >>> gt.math.cumprod(gt.constant([1.0, 2.0, 3.0]), exclusive=True).numpy()
    array([1., 1., 2.], dtype=float32)
    """
    return _scan(_cumprod, "cumprod", x, axis, exclusive, reverse)


# -- sort, argsort, top_k ------------------------------------------------------------------------
def _argsort(x, axis: int, descending: bool):
    """Stable: ties keep their input order, ascending or descending."""
    if not descending:
        return np.argsort(x, axis=axis, kind="stable")
    flipped = np.argsort(np.flip(x, axis), axis=axis, kind="stable")
    return x.shape[axis] - 1 - np.flip(flipped, axis)


def _along(idx, axis: int) -> tuple:
    """An index picking ``idx`` along ``axis`` (negative) and everything along the others."""
    nd = idx.ndim
    return tuple(idx if d == nd + axis else
                 np.arange(idx.shape[d]).reshape([-1 if e == d else 1 for e in range(nd)])
                 for d in range(nd))


def _descending(direction: str, op: str) -> bool:
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"{op}: direction must be 'ASCENDING' or 'DESCENDING', got {direction!r}")
    return direction == "DESCENDING"


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """Sort along ``axis`` (stable). The gradient goes back to each element's input position.

    >>> import gradtape as gt
    >>> gt.sort(gt.constant([3.0, 1.0, 2.0]), direction="DESCENDING").numpy()
    array([3., 2., 1.], dtype=float32)
    """
    x = _tensor(values)
    axis = normalize_axis(axis, x.ndim, "sort")
    return getitem(x, _along(_argsort(x._value, axis, _descending(direction, "sort")), axis))


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """Indices (int32) that sort ``values`` along ``axis``; ties keep their input order.

    >>> import gradtape as gt
    >>> gt.argsort(gt.constant([3.0, 1.0, 3.0]), direction="DESCENDING").numpy()
    array([0, 2, 1], dtype=int32)
    """
    x = _tensor(values)
    axis = normalize_axis(axis, x.ndim, "argsort")
    return wrap(_argsort(x._value, axis, _descending(direction, "argsort")).astype(np.int32))


TopKV2 = namedtuple("TopKV2", ["values", "indices"])


def top_k(input, k=1, sorted=True, index_type=int32, name=None):  # noqa: A002 - TensorFlow's names
    """The ``k`` largest entries along the last axis and their indices, largest first; among
    equal entries the lower index comes first. Returns ``TopKV2(values, indices)``.

    >>> import gradtape as gt
    >>> values, indices = gt.math.top_k(gt.constant([1.0, 3.0, 2.0, 3.0]), k=2)
    >>> values.numpy(), indices.numpy()
    (array([3., 3.], dtype=float32), array([1, 3], dtype=int32))
    """
    x = _tensor(input)
    if x.ndim == 0:
        raise ValueError("top_k: input must have rank >= 1, got a scalar")
    k = int(k._value if isinstance(k, Tensor) else k)
    if not 0 <= k <= x.shape[-1]:
        raise ValueError(f"top_k: k={k} must be in [0, {x.shape[-1]}] for input of shape {x.shape}")
    idx = _argsort(x._value, -1, True)[..., :k]
    return TopKV2(getitem(x, _along(idx, -1)), wrap(idx.astype(as_dtype(index_type))))


# -- segment sums --------------------------------------------------------------------------------
def _segment_sum_fwd(data, ids, num_segments):
    data = np.asarray(data)
    out = np.zeros((num_segments,) + data.shape[ids.ndim:], dtype=data.dtype)
    keep = ids >= 0
    np.add.at(out, ids[keep], data[keep])
    return out


def _segment_sum_vjp(m, g, ans, data, ids, num_segments):
    trail = (slice(None),) * (len(ans.shape) - 1)
    picked = m.getitem(g, index=(Ellipsis, np.maximum(ids, 0)) + trail)
    if np.all(ids >= 0):
        return picked
    return m.where((ids >= 0).reshape(ids.shape + (1,) * len(trail)), picked, 0)


_unsorted_segment_sum = primitive("unsorted_segment_sum", _segment_sum_fwd,
                                  vjp=(_segment_sum_vjp, None), jvp="linear", save_args=(1,),
                                  save_out=False)


def _segment_ids(segment_ids, data: Tensor, op: str) -> np.ndarray:
    ids = _value(segment_ids)
    if ids.dtype.kind not in "iu":
        raise TypeError(f"{op}: segment_ids must be integers, got dtype {ids.dtype.name}")
    if ids.shape != data.shape[:ids.ndim]:
        raise ValueError(f"{op}: segment_ids shape {ids.shape} must be a prefix of data shape "
                         f"{data.shape}")
    return ids.astype(np.int64)


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """Sum the slices of ``data`` that share a segment id, in any order: ``out[j]`` is the sum of
    ``data[i]`` with ``segment_ids[i] == j``, for ``j < num_segments`` (empty segments give 0,
    negative ids are dropped). ``segment_ids``' shape is a prefix of ``data``'s.

    >>> import gradtape as gt
    >>> gt.math.unsorted_segment_sum(gt.constant([1.0, 2.0, 3.0]), [2, 0, 2], 3).numpy()
    array([2., 0., 4.], dtype=float32)
    """
    x = _tensor(data)
    ids = _segment_ids(segment_ids, x, "unsorted_segment_sum")
    n = int(_value(num_segments))
    if ids.size and ids.max() >= n:
        raise ValueError(f"unsorted_segment_sum: segment id {ids.max()} is out of range "
                         f"[0, {n}) for num_segments={n}")
    return bind(_unsorted_segment_sum, x, ids, num_segments=n)


def segment_sum(data, segment_ids, name=None):
    """Sum the rows of ``data`` within segments given by sorted, non-negative 1-D
    ``segment_ids``; the result has ``segment_ids[-1] + 1`` rows.

    >>> import gradtape as gt
    >>> gt.math.segment_sum(gt.constant([1.0, 2.0, 3.0]), [0, 0, 2]).numpy()
    array([3., 0., 3.], dtype=float32)
    """
    x = _tensor(data)
    ids = _segment_ids(segment_ids, x, "segment_sum")
    if ids.ndim != 1 or (ids.size and (ids[0] < 0 or np.any(np.diff(ids) < 0))):
        raise ValueError("segment_sum: segment_ids must be a 1-D, sorted, non-negative vector; use "
                         "unsorted_segment_sum for other ids")
    return bind(_unsorted_segment_sum, x, ids, num_segments=int(ids[-1]) + 1 if ids.size else 0)


# -- cumulative log-sum-exp ----------------------------------------------------------------------
def _logaddexp(a: Tensor, b: Tensor) -> Tensor:
    """``log(exp(a) + exp(b))`` as ``hi + log1p(exp(lo - hi))``, with the larger of each pair
    picked by a constant mask: exact gradients (1/2 each at a tie), and ``-inf`` where both
    are ``-inf`` with no NaN in the gradients."""
    from .array import where
    from .math import exp, log1p

    av, bv = a._value, b._value
    first = av >= bv
    hi_v = np.where(first, av, bv)
    dead = np.isneginf(hi_v)
    hi, lo = where(first, a, b), where(first, b, a)
    hi, lo = where(dead, 0, hi), where(dead, 0, lo)
    return where(dead, -np.inf, hi + log1p(exp(lo - hi)))


def _log_scan(x: Tensor, axis: int) -> Tensor:
    """Inclusive cumulative log-sum-exp along ``axis`` by a parallel prefix scan of pairwise
    log-add-exp (``log2(n)`` rounds): stable for any spread of values."""
    from .array import concat

    n = x.shape[axis]
    before = (slice(None),) * (x.ndim + axis)
    k = 1
    while k < n:
        head = getitem(x, before + (slice(0, k),))
        tail = _logaddexp(getitem(x, before + (slice(k, None),)), getitem(x, before + (slice(0, n - k),)))
        x = concat([head, tail], axis=axis)
        k *= 2
    return x


def cumulative_logsumexp(x: Tensor | np.ndarray | list | float, axis: int = 0, exclusive: bool = False,
                         reverse: bool = False, name: str | None = None) -> Tensor:
    """Cumulative ``log(sum(exp(x)))`` along ``axis``, stable for inputs of any size.
    ``exclusive`` leaves each element out of its own sum (the first result is ``-inf``);
    ``reverse`` runs from the end, as ``cumsum``.

    It is a composite: ``log(cumsum(exp(x - m))) + m`` with ``m`` the constant maximum of each
    slice, or, where that would underflow (values more than about 80 below the slice's
    maximum in float32, 700 in float64), a parallel prefix scan of pairwise log-add-exp. Its
    gradient is ``exp(x - result)`` summed as ``cumsum``'s is; every order is differentiable.

    >>> import gradtape as gt
    >>> y = gt.math.cumulative_logsumexp(gt.constant([0.0, 0.0, -1000.0, 1000.0], gt.float64))
    >>> y.numpy().round(4).tolist()
    [0.0, 0.6931, 0.6931, 1000.0]
    """
    from .array import concat, identity, reverse as flip
    from .math import exp, log

    op = "cumulative_logsumexp"
    x = _tensor(x)
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: x must be a floating-point tensor (float16, float32 or float64), got "
                        f"dtype {x.dtype.name}; cast it first, e.g. gt.cast(x, gt.float32)")
    if x.ndim == 0:
        raise ValueError(f"{op}: x must have rank >= 1, got a scalar; use gt.reshape(x, [1])")
    axis = normalize_axis(axis, x.ndim, op)
    n = x.shape[axis]
    if n == 0:
        return identity(x)
    v = x._value
    finite = np.isfinite(v)
    top = np.max(v, axis=axis, keepdims=True, where=finite, initial=-np.inf)
    shift = np.where(np.isfinite(top), top, 0).astype(v.dtype)
    floor = np.log(np.finfo(v.dtype).tiny) + 8  # exp(x - shift) stays a normal number above it
    if np.all(v[finite] - np.broadcast_to(shift, v.shape)[finite] >= floor):
        y = log(cumsum(exp(x - shift), axis=axis, reverse=reverse)) + shift
    elif reverse:
        y = flip(_log_scan(flip(x, [axis]), axis), [axis])
    else:
        y = _log_scan(x, axis)
    if not exclusive:
        return y
    before = (slice(None),) * (x.ndim + axis)
    pad = wrap(np.full(v.shape[:x.ndim + axis] + (1,) + v.shape[x.ndim + axis + 1:], -np.inf, v.dtype))
    if reverse:
        return concat([getitem(y, before + (slice(1, None),)), pad], axis=axis)
    return concat([pad, getitem(y, before + (slice(0, n - 1),))], axis=axis)


__all__ = ["cumsum", "cumprod", "sort", "argsort", "top_k", "segment_sum", "unsorted_segment_sum",
           "cumulative_logsumexp"]
