"""Reductions and scans with NumPy's arguments: sum, mean, max, var, quantile, cumsum, diff, ...

``axis``, ``keepdims``, ``dtype``, ``initial`` and ``where`` mean what they mean in NumPy.
``max``/``min`` split the gradient between tied extrema, as TensorFlow's ``reduce_max`` does.
"""

from __future__ import annotations

import builtins as _b

import numpy as np

from .._engine.tensor import Tensor
from ..ops import array as _arr
from ..ops import linalg as _la
from ..ops import math as _m
from ..ops import reduce as _red
from ._select import sort as _sort
from ._shape import along, moveaxis, ravel, reshape
from ._support import (
    ACCUMULATE, MAIN, REDUCE, asarray, cast, find_op, no_out, nograd, norm_axes, norm_axis, op,
    unsupported_arg, value,
)
from ._ufuncs import accumulate_method, reduce_method

_NOVALUE = getattr(np, "_NoValue", None)


def _prep(a, dtype) -> Tensor:
    x = asarray(a)
    return cast(x, dtype) if dtype is not None else x


def _mask(where, x) -> np.ndarray:
    return np.broadcast_to(np.asarray(value(where)).astype(np.bool_), tuple(x.shape))


def _given(v) -> bool:
    return v is not None and v is not _NOVALUE


def _count(shape, axes) -> int:
    return int(np.prod([shape[a] for a in axes] if axes is not None else shape))


@MAIN
def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):  # noqa: A001
    """Sum over ``axis`` (all axes when None), plus ``initial``; ``where`` masks elements out.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.sum(gtnp.asarray([[1.0, 2.0], [3.0, 4.0]]), axis=0).numpy()
    array([4., 6.])
    """
    no_out(out, "sum")
    x = _prep(a, dtype)
    if x.dtype.kind in "biu" and dtype is None:  # NumPy's integer accumulator; no gradient
        kw = {"initial": initial} if _given(initial) else {}
        return nograd(np.sum, x, axis=axis, keepdims=keepdims, where=where, **kw)
    if where is not True:
        x = _arr.where(_mask(where, x), x, np.zeros((), x.dtype))
    r = _red.reduce_sum(x, axis=norm_axes(axis, x.ndim), keepdims=bool(keepdims))
    return r + initial if _given(initial) else r


_sum = sum


@MAIN(needs=("reduce_prod",))
def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """Product over ``axis``, times ``initial``; ``where`` masks elements out.

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.prod(gtnp.asarray([2.0, 3.0])))
    6.0
    """
    no_out(out, "prod")
    x = _prep(a, dtype)
    if x.dtype.kind in "biu" and dtype is None:
        return nograd(np.prod, x, axis=axis, keepdims=keepdims,
                      **({"initial": initial} if _given(initial) else {}), where=where)
    if where is not True:
        x = _arr.where(_mask(where, x), x, np.ones((), x.dtype))
    r = op("reduce_prod")(x, axis=norm_axes(axis, x.ndim), keepdims=bool(keepdims))
    return r * initial if _given(initial) else r


@MAIN
def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """Mean over ``axis`` (integers give float64, as in NumPy); ``where`` masks elements out.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.mean(gtnp.asarray([[1.0, 2.0], [3.0, 4.0]]), axis=1).numpy()
    array([1.5, 3.5])
    """
    no_out(out, "mean")
    x = _prep(a, dtype)
    if x.dtype.kind not in "fc":
        x = cast(x, np.float64)
    axes = norm_axes(axis, x.ndim)
    if where is not True:
        mask = _mask(where, x)
        s = _red.reduce_sum(_arr.where(mask, x, np.zeros((), x.dtype)), axis=axes, keepdims=bool(keepdims))
        return s / np.sum(mask, axis=axes, keepdims=bool(keepdims)).astype(
            x.dtype if x.dtype.kind in "fc" else np.float64)
    return _red.reduce_mean(x, axis=axes, keepdims=bool(keepdims))


_mean = mean


def _extremum(red, ufunc, name, a, axis, keepdims, initial, where):
    x = asarray(a)
    axes = norm_axes(axis, x.ndim)
    if where is not True:
        if not _given(initial):
            raise ValueError(f"reduction operation '{ufunc.__name__}' does not have an identity, so "
                             "to use a where mask one has to specify 'initial'")
        x = _arr.where(_mask(where, x), x, np.asarray(initial, x.dtype))
    if x.size == 0:
        kw = {"initial": initial} if _given(initial) else {}
        return nograd(getattr(np, name), x, axis=axes, keepdims=keepdims, **kw)
    r = red(x, axis=axes, keepdims=bool(keepdims))
    return ufunc(r, initial) if _given(initial) else r


@MAIN(names=("max", "amax"))
def max(a, axis=None, out=None, keepdims=False, initial=None, where=True):  # noqa: A001
    """Maximum over ``axis``; tied maxima share the gradient equally.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.max(gtnp.asarray([[1.0, 5.0], [3.0, 4.0]]), axis=1).numpy()
    array([5., 4.])
    """
    no_out(out, "max")
    return _extremum(_red.reduce_max, _m.maximum, "max", a, axis, keepdims, initial, where)


@MAIN(names=("min", "amin"))
def min(a, axis=None, out=None, keepdims=False, initial=None, where=True):  # noqa: A001
    """Minimum over ``axis``; tied minima share the gradient equally.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.min(gtnp.asarray([[1.0, 5.0], [3.0, 4.0]]), axis=1).numpy()
    array([1., 3.])
    """
    no_out(out, "min")
    return _extremum(_red.reduce_min, _m.minimum, "min", a, axis, keepdims, initial, where)


_max, _min = max, min


@MAIN
def ptp(a, axis=None, out=None, keepdims=False):
    """Range (maximum minus minimum) over ``axis``.

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.ptp(gtnp.asarray([1.0, 5.0, 3.0])))
    4.0
    """
    no_out(out, "ptp")
    return _max(a, axis, keepdims=keepdims) - _min(a, axis, keepdims=keepdims)


def _moments_input(a, dtype, where, name):
    if where is not True:
        unsupported_arg(name, "where=")
    x = _prep(a, dtype)
    if x.dtype.kind not in "fc":
        x = cast(x, np.float64)
    return x


@MAIN
def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=None,
        correction=None):
    """Variance over ``axis``, dividing by ``N - ddof`` (``correction`` is an alias of ``ddof``).

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.var(gtnp.asarray([1.0, 2.0, 3.0, 4.0])))
    1.25
    """
    no_out(out, "var")
    if _given(correction):
        if ddof != 0:
            raise ValueError("ddof and correction can't be provided simultaneously.")
        ddof = correction
    x = _moments_input(a, dtype, where, "var")
    axes = norm_axes(axis, x.ndim)
    if ddof == 0 and not _given(mean):
        return _red.reduce_variance(x, axis=axes, keepdims=bool(keepdims))
    m = asarray(mean) if _given(mean) else _red.reduce_mean(x, axis=axes, keepdims=True)
    d = x - m
    sq = _m.real(d * _m.conj(d)) if x.dtype.kind == "c" else d * d
    n = _b.max(_count(tuple(x.shape), axes) - ddof, 0)
    return _red.reduce_sum(sq, axis=axes, keepdims=bool(keepdims)) / n


_var = var


@MAIN
def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=None,
        correction=None):
    """Standard deviation over ``axis`` (the square root of :func:`var`).

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.std(gtnp.asarray([1.0, 3.0])))
    1.0
    """
    no_out(out, "std")
    return _m.sqrt(_var(a, axis, dtype, None, ddof, keepdims, where=where, mean=mean,
                        correction=correction))


@MAIN
def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """Weighted average over ``axis``; ``returned=True`` also gives the sum of the weights.

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.average(gtnp.asarray([1.0, 3.0]), weights=[3.0, 1.0]))
    1.5
    """
    x = asarray(a)
    if weights is None:
        avg = _mean(x, axis, keepdims=keepdims)
        scl = np.asarray(x.size / _b.max(int(np.prod(avg.shape)), 1), dtype=avg.dtype)
    else:
        w = asarray(weights)
        dt = np.result_type(x.dtype, w.dtype)
        if dt.kind not in "fc":
            dt = np.dtype(np.float64)
        x, w = cast(x, dt), cast(w, dt)
        if tuple(w.shape) != tuple(x.shape):
            if axis is None:
                raise TypeError("Axis must be specified when shapes of a and weights differ.")
            if w.ndim != 1 or not isinstance(axis, (int, np.integer)):
                raise TypeError("1D weights expected when shapes of a and weights differ.")
            ax = norm_axis(axis, x.ndim)
            if w.shape[0] != x.shape[ax]:
                raise ValueError("Length of weights not compatible with specified axis.")
            w = _arr.broadcast_to(reshape(w, tuple(-1 if d == ax else 1 for d in range(x.ndim))),
                                  tuple(x.shape))
        axes = norm_axes(axis, x.ndim)
        scl = _red.reduce_sum(w, axis=axes, keepdims=bool(keepdims))
        if np.any(scl._value == 0.0):
            raise ZeroDivisionError("Weights sum to zero, can't be normalized")
        avg = _red.reduce_sum(x * w, axis=axes, keepdims=bool(keepdims)) / scl
    if not returned:
        return avg
    scl = asarray(scl)
    if tuple(scl.shape) != tuple(avg.shape):
        scl = _arr.broadcast_to(scl, tuple(avg.shape))
    return avg, scl


# -- NaN-ignoring ---------------------------------------------------------------------------------------
def _nan_zeroed(a, fill):
    x = asarray(a)
    if x.dtype.kind not in "fc":
        return x, np.ones(tuple(x.shape), np.bool_)
    ok = ~np.isnan(x._value)
    return _arr.where(ok, x, np.asarray(fill, x.dtype)), ok


@MAIN
def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """Sum treating NaN as zero (NaN elements get no gradient).

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.nansum(gtnp.asarray([1.0, gtnp.nan, 2.0])))
    3.0
    """
    no_out(out, "nansum")
    x, _ = _nan_zeroed(a, 0)
    return _sum(x, axis, dtype, None, keepdims, initial, where)


@MAIN(needs=("reduce_prod",))
def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """Product treating NaN as one.

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.nanprod(gtnp.asarray([2.0, gtnp.nan, 3.0])))
    6.0
    """
    no_out(out, "nanprod")
    x, _ = _nan_zeroed(a, 1)
    return prod(x, axis, dtype, None, keepdims, initial, where)


@MAIN
def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """Mean of the non-NaN elements.

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.nanmean(gtnp.asarray([1.0, gtnp.nan, 2.0])))
    1.5
    """
    no_out(out, "nanmean")
    if where is not True:
        unsupported_arg("nanmean", "where=")
    x, ok = _nan_zeroed(_prep(a, dtype), 0)
    axes = norm_axes(axis, x.ndim)
    if x.dtype.kind not in "fc":
        x = cast(x, np.float64)
    cnt = np.sum(ok, axis=axes, keepdims=bool(keepdims)).astype(x.dtype)
    return _red.reduce_sum(x, axis=axes, keepdims=bool(keepdims)) / cnt


def _nan_extremum(fn, fill, a, axis, keepdims, initial, where):
    x = asarray(a)
    if x.dtype.kind not in "fc":
        return fn(x, axis, keepdims=keepdims, initial=initial, where=where)
    nan = np.isnan(x._value)
    r = fn(_arr.where(nan, np.asarray(fill, x.dtype), x), axis, keepdims=keepdims, initial=initial,
           where=where)
    all_nan = np.all(nan, axis=norm_axes(axis, x.ndim), keepdims=bool(keepdims))
    return _arr.where(all_nan, np.asarray(np.nan, x.dtype), r) if np.any(all_nan) else r


@MAIN
def nanmax(a, axis=None, out=None, keepdims=False, initial=None, where=True):
    """Maximum ignoring NaN (NaN for an all-NaN slice).

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.nanmax(gtnp.asarray([1.0, gtnp.nan, 3.0])))
    3.0
    """
    no_out(out, "nanmax")
    return _nan_extremum(_max, -np.inf, a, axis, keepdims, initial, where)


@MAIN
def nanmin(a, axis=None, out=None, keepdims=False, initial=None, where=True):
    """Minimum ignoring NaN (NaN for an all-NaN slice).

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.nanmin(gtnp.asarray([1.0, gtnp.nan, 3.0])))
    1.0
    """
    no_out(out, "nanmin")
    return _nan_extremum(_min, np.inf, a, axis, keepdims, initial, where)


@MAIN
def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=None,
           correction=None):
    """Variance of the non-NaN elements, dividing by their count minus ``ddof``.

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.nanvar(gtnp.asarray([1.0, gtnp.nan, 3.0])))
    1.0
    """
    no_out(out, "nanvar")
    if _given(mean):
        unsupported_arg("nanvar", "mean=")
    if _given(correction):
        if ddof != 0:
            raise ValueError("ddof and correction can't be provided simultaneously.")
        ddof = correction
    x = _moments_input(a, dtype, where, "nanvar")
    axes = norm_axes(axis, x.ndim)
    xz, ok = _nan_zeroed(x, 0)
    cnt = np.sum(ok, axis=axes, keepdims=True)
    m = _red.reduce_sum(xz, axis=axes, keepdims=True) / cnt.astype(x.dtype)
    d = _arr.where(ok, x - m, np.zeros((), x.dtype))
    sq = _m.real(d * _m.conj(d)) if x.dtype.kind == "c" else d * d
    n = np.maximum(np.sum(ok, axis=axes, keepdims=bool(keepdims)) - ddof, 0)
    return _red.reduce_sum(sq, axis=axes, keepdims=bool(keepdims)) / n.astype(sq.dtype)


@MAIN
def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=None,
           correction=None):
    """Standard deviation of the non-NaN elements.

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.nanstd(gtnp.asarray([1.0, gtnp.nan, 3.0])))
    1.0
    """
    no_out(out, "nanstd")
    return _m.sqrt(nanvar(a, axis, dtype, None, ddof, keepdims, where=where, mean=mean,
                          correction=correction))


@MAIN(needs=("cumsum",))
def nancumsum(a, axis=None, dtype=None, out=None):
    """Cumulative sum treating NaN as zero.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.nancumsum(gtnp.asarray([1.0, gtnp.nan, 2.0])).numpy()
    array([1., 1., 3.])
    """
    no_out(out, "nancumsum")
    return cumsum(_nan_zeroed(a, 0)[0], axis, dtype)


@MAIN(needs=("cumprod",))
def nancumprod(a, axis=None, dtype=None, out=None):
    """Cumulative product treating NaN as one.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.nancumprod(gtnp.asarray([2.0, gtnp.nan, 3.0])).numpy()
    array([2., 2., 6.])
    """
    no_out(out, "nancumprod")
    return cumprod(_nan_zeroed(a, 1)[0], axis, dtype)


@MAIN(needs=("unsorted_segment_sum",))
def bincount(x, /, weights=None, minlength=0):
    """Count occurrences of each non-negative int; with ``weights``, sum the weights per value
    (differentiable in the weights).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.bincount([0, 2, 2], weights=gtnp.asarray([0.5, 1.0, 2.0])).numpy()
    array([0.5, 0. , 3. ])
    """
    if weights is None:
        return nograd(np.bincount, x, minlength=minlength)
    ids = np.asarray(value(x))
    if ids.ndim != 1:
        raise ValueError("object too deep for desired array")
    if ids.size and ids.min() < 0:
        raise ValueError("'list' argument must have no negative elements")
    w = asarray(weights)
    if tuple(w.shape) != ids.shape:
        raise ValueError("The weights and list don't have the same length.")
    n = _b.max(int(ids.max()) + 1 if ids.size else 0, int(minlength))
    return op("unsorted_segment_sum")(cast(w, np.float64), ids.astype(np.int64), n)


# -- order statistics ---------------------------------------------------------------------------------
_QMETHODS = ("linear", "lower", "higher", "midpoint", "nearest")


@MAIN
def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
             weights=None, interpolation=None):
    """The ``q``-th quantiles (``q`` in [0, 1]) over ``axis``; methods ``linear`` (default),
    ``lower``, ``higher``, ``midpoint``, ``nearest``. The gradient goes to the order statistics
    the result interpolates (and to ``q`` for ``linear``).

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.quantile(gtnp.asarray([1.0, 2.0, 3.0, 4.0]), 0.5))
    2.5
    """
    no_out(out, "quantile")
    if weights is not None:
        unsupported_arg("quantile", "weights=")
    if interpolation is not None:
        method = interpolation
    if method not in _QMETHODS:
        unsupported_arg("quantile", f"method={method!r}")
    x = asarray(a)
    if x.dtype.kind not in "fc":
        x = cast(x, np.float64)
    if not isinstance(q, (int, float)):  # a Python number is weak; an array of q may promote
        dt = np.result_type(x.dtype, np.asarray(value(q)).dtype)
        x = cast(x, dt) if dt != x.dtype else x
    qt = q if isinstance(q, Tensor) else None
    qv = np.asarray(value(q), dtype=np.float64)
    if np.any(qv < 0) or np.any(qv > 1):
        raise ValueError("Quantiles must be in the range [0, 1]")
    nd = x.ndim
    axes = tuple(range(nd)) if axis is None else norm_axes(axis, nd)
    keep_shape = tuple(1 if d in axes else s for d, s in enumerate(x.shape))
    rest = [d for d in range(nd) if d not in axes]
    y = moveaxis(x, axes, tuple(range(nd - len(axes), nd))) if axes else x
    y = reshape(y, tuple(x.shape[d] for d in rest) + (-1,))
    s = _sort(y, axis=-1)
    n = s.shape[-1]
    pos = qv * (n - 1)
    lo = np.clip(np.floor(pos).astype(np.intp), 0, n - 1)
    hi = np.clip(lo + 1, 0, n - 1)
    if method == "lower":
        r = s[..., lo]
    elif method == "higher":
        r = s[..., np.clip(np.ceil(pos).astype(np.intp), 0, n - 1)]
    elif method == "nearest":
        r = s[..., np.clip(np.around(pos).astype(np.intp), 0, n - 1)]
    elif method == "midpoint":
        r = (s[..., lo] + s[..., np.clip(np.ceil(pos).astype(np.intp), 0, n - 1)]) * 0.5
    else:
        frac = (qt * (n - 1) - lo) if qt is not None else (pos - lo)
        frac = cast(frac, x.dtype) if isinstance(frac, Tensor) else np.asarray(frac, x.dtype)
        vlo, vhi = s[..., lo], s[..., hi]
        r = vlo + frac * (vhi - vlo)
    # r has shape rest + q.shape: NumPy puts q's axes first.
    nq = qv.ndim
    if nq:
        r = moveaxis(r, tuple(range(len(rest), len(rest) + nq)), tuple(range(nq)))
    if keepdims:
        r = reshape(r, qv.shape + keep_shape)
    return r


_quantile = quantile


@MAIN
def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
               weights=None, interpolation=None):
    """The ``q``-th percentiles (``q`` in [0, 100]); see :func:`quantile`.

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.percentile(gtnp.asarray([1.0, 2.0, 3.0]), 50))
    2.0
    """
    qq = q / 100.0 if isinstance(q, Tensor) else np.asarray(value(q), dtype=np.float64) / 100.0
    if np.any(np.asarray(value(q)) < 0) or np.any(np.asarray(value(q)) > 100):
        raise ValueError("Percentiles must be in the range [0, 100]")
    return _quantile(a, qq, axis, out, overwrite_input, method, keepdims, weights=weights,
                     interpolation=interpolation)


@MAIN
def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """Median over ``axis`` (the mean of the two middle values for an even count).

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.median(gtnp.asarray([3.0, 1.0, 2.0, 10.0])))
    2.5
    """
    no_out(out, "median")
    return _quantile(a, 0.5, axis, keepdims=keepdims)


# -- scans and differences ---------------------------------------------------------------------------
def _scan(opname, npfn, a, axis, dtype):
    x = _prep(a, dtype)
    if axis is None:
        x, axis = ravel(x), 0
    if x.dtype.kind in "biu":
        return nograd(npfn, x, axis=axis)
    return op(opname)(x, axis=norm_axis(axis, x.ndim))


@MAIN(needs=("cumsum",))
def cumsum(a, axis=None, dtype=None, out=None):
    """Cumulative sum along ``axis`` (of the flattened array when None).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.cumsum(gtnp.asarray([1.0, 2.0, 3.0])).numpy()
    array([1., 3., 6.])
    """
    no_out(out, "cumsum")
    return _scan("cumsum", np.cumsum, a, axis, dtype)


@MAIN(needs=("cumprod",))
def cumprod(a, axis=None, dtype=None, out=None):
    """Cumulative product along ``axis`` (of the flattened array when None).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.cumprod(gtnp.asarray([1.0, 2.0, 3.0])).numpy()
    array([1., 2., 6.])
    """
    no_out(out, "cumprod")
    return _scan("cumprod", np.cumprod, a, axis, dtype)


def _cumulative(name, scan, fill, x, axis, dtype, include_initial):
    x = asarray(x)
    if axis is None:
        if x.ndim > 1:
            raise ValueError("For arrays which have more than one dimension ``axis`` argument is required.")
        axis = 0
    r = scan(x, axis=axis, dtype=dtype)
    if include_initial:
        ax = norm_axis(axis, r.ndim)
        shape = tuple(1 if d == ax else s for d, s in enumerate(r.shape))
        r = _arr.concat([np.full(shape, fill, r.dtype), r], axis=ax)
    return r


@MAIN(needs=("cumsum",))
def cumulative_sum(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """Cumulative sum (``np.cumulative_sum``); ``include_initial`` prepends a zero.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.cumulative_sum(gtnp.asarray([1.0, 2.0]), include_initial=True).numpy()
    array([0., 1., 3.])
    """
    no_out(out, "cumulative_sum")
    return _cumulative("cumulative_sum", cumsum, 0, x, axis, dtype, include_initial)


@MAIN(needs=("cumprod",))
def cumulative_prod(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """Cumulative product (``np.cumulative_prod``); ``include_initial`` prepends a one.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.cumulative_prod(gtnp.asarray([2.0, 3.0])).numpy()
    array([2., 6.])
    """
    no_out(out, "cumulative_prod")
    return _cumulative("cumulative_prod", cumprod, 1, x, axis, dtype, include_initial)


@MAIN
def diff(a, n=1, axis=-1, prepend=_NOVALUE, append=_NOVALUE):
    """``n``-th discrete difference along ``axis``, after joining ``prepend``/``append``.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.diff(gtnp.asarray([1.0, 4.0, 9.0])).numpy()
    array([3., 5.])
    """
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n!r}")
    x = asarray(a)
    if n == 0:
        return x
    if x.ndim == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    axis = norm_axis(axis, x.ndim)
    parts = []
    for extra, at_end in ((prepend, False), (append, True)):
        if extra is _NOVALUE:
            continue
        e = asarray(extra)
        if e.ndim == 0:
            e = _arr.broadcast_to(e, tuple(1 if d == axis else s for d, s in enumerate(x.shape)))
        parts.append((at_end, e))
    if parts:
        x = _arr.concat([e for end, e in parts if not end] + [x] + [e for end, e in parts if end],
                        axis=axis)
    for _ in range(n):
        hi, lo = along(x, axis, slice(1, None)), along(x, axis, slice(None, -1))
        x = _m.not_equal(hi, lo) if x.dtype == np.bool_ else hi - lo
    return x


@MAIN
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of ``y`` by the trapezoidal rule, at sample points ``x`` or spacing ``dx``.

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.trapezoid(gtnp.asarray([1.0, 2.0, 3.0])))
    4.0
    """
    yt = asarray(y)
    axis = norm_axis(axis, yt.ndim)
    if x is None:
        d = dx
    else:
        xt = asarray(x)
        if xt.ndim == 1:
            d = reshape(diff(xt), tuple(-1 if k == axis else 1 for k in range(yt.ndim)))
        else:
            d = diff(xt, axis=axis)
    mid = along(yt, axis, slice(1, None)) + along(yt, axis, slice(None, -1))
    return _red.reduce_sum(d * mid / 2.0, axis=(axis,))


@MAIN
def gradient(f, *varargs, axis=None, edge_order=1):
    """Central differences in the interior and one-sided ones at the edges (``edge_order`` 1 or
    2), with uniform spacings given as scalars; a tuple for several axes.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.gradient(gtnp.asarray([1.0, 4.0, 9.0, 16.0])).numpy()
    array([3., 4., 6., 7.])
    """
    x = asarray(f)
    if x.dtype.kind not in "fc":
        x = cast(x, np.float64)
    axes = tuple(range(x.ndim)) if axis is None else norm_axes(axis, x.ndim)
    if len(varargs) == 0:
        spacing = [1.0] * len(axes)
    elif len(varargs) == 1 and np.ndim(value(varargs[0])) == 0:
        spacing = [varargs[0]] * len(axes)
    elif len(varargs) == len(axes) and all(np.ndim(value(d)) == 0 for d in varargs):
        spacing = list(varargs)
    elif len(varargs) == len(axes):
        unsupported_arg("gradient", "coordinate arrays (give uniform spacings as scalars)")
    else:
        raise TypeError("invalid number of arguments")
    if edge_order not in (1, 2):
        raise ValueError("'edge_order' greater than 2 not supported")
    out = []
    for ax, dx in zip(axes, spacing):
        n = x.shape[ax]
        if n < edge_order + 1:
            raise ValueError("Shape of array too small to calculate a numerical gradient, at least "
                             "(edge_order + 1) elements are required.")
        dx = asarray(dx) if isinstance(dx, Tensor) else float(dx)

        def s(k, ax=ax):
            return along(x, ax, k)

        mid = (s(slice(2, None)) - s(slice(None, -2))) / (2.0 * dx)
        if edge_order == 1:
            first = (s(slice(1, 2)) - s(slice(0, 1))) / dx
            last = (s(slice(n - 1, n)) - s(slice(n - 2, n - 1))) / dx
        else:
            first = (-1.5 / dx) * s(slice(0, 1)) + (2.0 / dx) * s(slice(1, 2)) - (0.5 / dx) * s(slice(2, 3))
            last = ((0.5 / dx) * s(slice(n - 3, n - 2)) + (-2.0 / dx) * s(slice(n - 2, n - 1))
                    + (1.5 / dx) * s(slice(n - 1, n)))
        out.append(_arr.concat([first, mid, last], axis=ax))
    return out[0] if len(out) == 1 else tuple(out)


@MAIN
def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *, dtype=None):
    """Covariance matrix of the variables in the rows of ``m`` (columns when ``rowvar=False``),
    normalized by ``N - 1`` (``N`` with ``bias``, or ``N - ddof``). Weights are not supported.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.cov(gtnp.asarray([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]])).numpy()
    array([[ 1., -1.],
           [-1.,  1.]])
    """
    if fweights is not None or aweights is not None:
        unsupported_arg("cov", "fweights= and aweights=")
    x = asarray(m)
    if x.ndim > 2:
        raise ValueError("m has more than 2 dimensions")
    dt = np.result_type(x.dtype, np.float64) if dtype is None else np.dtype(dtype)
    x = reshape(cast(x, dt), (1,) * (2 - x.ndim) + tuple(x.shape)) if x.ndim < 2 else cast(x, dt)
    if not rowvar and x.shape[0] != 1:
        x = _arr.transpose(x)
    if y is not None:
        yt = asarray(y)
        if yt.ndim > 2:
            raise ValueError("y has more than 2 dimensions")
        yt = cast(yt, dt)
        yt = reshape(yt, (1,) * (2 - yt.ndim) + tuple(yt.shape)) if yt.ndim < 2 else yt
        if not rowvar and yt.shape[0] != 1:
            yt = _arr.transpose(yt)
        x = _arr.concat([x, yt], axis=0)
    if ddof is None:
        ddof = 0 if bias else 1
    fact = _b.max(x.shape[1] - ddof, 0)
    x = x - _red.reduce_mean(x, axis=1, keepdims=True)
    c = _la.matmul(x, _m.conj(_arr.transpose(x))) * np.true_divide(1, fact)
    return _arr.squeeze(c)


@MAIN
def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """Pearson correlation coefficients: the covariance scaled to unit diagonal (and clipped to
    [-1, 1] as in NumPy).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.corrcoef(gtnp.asarray([[0.0, 1.0, 2.0], [0.0, 2.0, 4.5]])).numpy().round(4)
    array([[1.    , 0.9979],
           [0.9979, 1.    ]])
    """
    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim == 0:
        return c / c
    d = _la.diag_part(c) if c.ndim == 2 else c
    std = _m.sqrt(_m.real(d))
    c = c / reshape(std, (-1, 1))
    c = c / reshape(std, (1, -1))
    if c.dtype.kind == "c":
        return _m.complex(_m.minimum(_m.maximum(_m.real(c), -1.0), 1.0),
                          _m.minimum(_m.maximum(_m.imag(c), -1.0), 1.0))
    return _m.minimum(_m.maximum(c, -1.0), 1.0)


# -- ufunc methods ------------------------------------------------------------------------------------
REDUCE[np.add] = reduce_method(sum, np.add)
REDUCE[np.maximum] = reduce_method(max, np.maximum)
REDUCE[np.minimum] = reduce_method(min, np.minimum)
REDUCE[np.logical_and] = reduce_method(MAIN.names["all"], np.logical_and)
REDUCE[np.logical_or] = reduce_method(MAIN.names["any"], np.logical_or)
if find_op("reduce_prod") is not None:
    REDUCE[np.multiply] = reduce_method(prod, np.multiply)
if find_op("cumsum") is not None:
    ACCUMULATE[np.add] = accumulate_method(cumsum, np.add)
if find_op("cumprod") is not None:
    ACCUMULATE[np.multiply] = accumulate_method(cumprod, np.multiply)
for _uf in (np.logical_and, np.logical_or):
    ACCUMULATE[_uf] = (lambda uf: lambda array, axis=0, dtype=None, out=None: nograd(
        uf.accumulate, array, axis=axis, dtype=dtype))(_uf)

__all__: list = []
