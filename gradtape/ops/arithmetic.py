"""TensorFlow's remaining division and scaling ops: ``realdiv``, ``scalar_mul``, ``truncatediv``
and ``truncatemod``.

``realdiv`` and ``scalar_mul`` are the differentiable ``divide`` and ``multiply`` with
TensorFlow's argument checks. ``truncatediv`` (C integer division, rounding toward zero) and
``truncatemod`` (C ``fmod``: the remainder has the sign of ``x``) have no gradient, as in
TensorFlow, which registers none for ``TruncateMod``: they compute on NumPy values and return
new tensors that no tape records.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.indexed_slices import IndexedSlices
from .._engine.tensor import Tensor, to_array, wrap
from .math import divide, multiply

_WEAK = (bool, int, float, complex)


def _strong_dtype(v):
    """The dtype of a tensor or NumPy value; None for a Python scalar (it takes the other's)."""
    if isinstance(v, Tensor):
        return v.dtype
    if isinstance(v, (np.ndarray, np.generic)):
        return v.dtype
    return None


def realdiv(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Elementwise ``x / y`` for floating and complex tensors, as ``tf.realdiv`` (the same as
    :func:`gradtape.divide` for those dtypes). Integers are an error, as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.realdiv(gt.constant([1.0, -3.0]), 2.0).numpy()
    array([ 0.5, -1.5], dtype=float32)
    """
    op = "realdiv"
    dts = [d for d in (_strong_dtype(x), _strong_dtype(y)) if d is not None]
    if not dts:
        dts = [to_array(x).dtype, to_array(y).dtype]
    for d in dts:
        if d.kind not in "fc":
            raise TypeError(f"{op}: x and y must be floating or complex, got dtype {d.name}; for "
                            "integers use gt.math.floordiv (rounds down) or gt.math.truncatediv "
                            "(rounds toward zero), or cast to a float dtype first")
    return divide(x, y)


def scalar_mul(scalar: Any, x: Any, name: str | None = None) -> Tensor | IndexedSlices:
    """``scalar * x`` for a 0-D ``scalar``, as ``tf.scalar_mul``; ``x`` may be a tensor or an
    :class:`~gradtape.IndexedSlices` (whose values are scaled). A Python ``scalar`` takes the
    dtype of ``x``. Both get gradients.

    >>> import gradtape as gt
    >>> gt.scalar_mul(2.0, gt.constant([1.0, -3.0])).numpy()
    array([ 2., -6.], dtype=float32)
    """
    op = "scalar_mul"
    values = x.values if isinstance(x, IndexedSlices) else x if isinstance(x, Tensor) else Tensor(x)
    dt = values.dtype
    if isinstance(scalar, Tensor):
        s = scalar
        if s.dtype != dt:
            raise TypeError(f"{op}: scalar has dtype {s.dtype.name} but x has dtype {dt.name}; cast "
                            "one of them with gt.cast")
    else:
        raw = np.asarray(scalar)
        s_arr = raw.astype(dt) if raw.dtype != dt else raw
        if raw.ndim == 0 and raw.dtype.kind in "fc" and dt.kind in "iub" and s_arr != raw:
            raise TypeError(f"{op}: scalar {scalar!r} cannot be converted to x's dtype {dt.name} "
                            "without losing its value; cast x to a float dtype first")
        s = wrap(s_arr)
    if s.ndim != 0:
        raise ValueError(f"{op}: scalar must be a 0-D value, got shape {tuple(s.shape)}; use "
                         "gt.multiply for elementwise products")
    out = multiply(s, values)
    if isinstance(x, IndexedSlices):
        return IndexedSlices(out, x.indices, x.dense_shape)
    return out


def _int_pair(op: str, x, y, kinds: str, what: str):
    """``x`` and ``y`` as arrays of one dtype (Python scalars take the other's dtype, as in
    TensorFlow), checked against the dtype kinds the op accepts."""
    dx, dy = _strong_dtype(x), _strong_dtype(y)
    if dx is not None and dy is not None and dx != dy:
        raise TypeError(f"{op}: x has dtype {dx.name} but y has dtype {dy.name}; they must match "
                        "(cast one with gt.cast)")
    if dx is None and dy is None:  # two Python scalars: TensorFlow's inference, floats win
        ax, ay = to_array(x), to_array(y)
        dt = ay.dtype if ay.dtype.kind == "f" and ax.dtype.kind != "f" else ax.dtype
    else:
        dt = dx if dx is not None else dy
    if dt.kind not in kinds:
        raise TypeError(f"{op}: x and y must be {what}, got dtype {dt.name}")
    out = []
    for v in (x, y):
        if isinstance(v, Tensor):
            out.append(np.asarray(v._value))
            continue
        a = np.asarray(v)
        if a.dtype != dt:
            with np.errstate(all="ignore"):
                lossy = a.dtype.kind not in "biufc" or (dt.kind in "iu" and not np.array_equal(a, a.astype(dt)))
            if lossy:
                raise TypeError(f"{op}: {v!r} cannot be converted to dtype {dt.name} without "
                                "losing its value")
            a = a.astype(dt)
        out.append(a)
    xa, ya = out
    try:
        shape = np.broadcast_shapes(xa.shape, ya.shape)
    except ValueError:
        raise ValueError(f"{op}: shapes {xa.shape} and {ya.shape} cannot be broadcast "
                         "together") from None
    if dt.kind in "iu" and np.prod(shape) and (ya == 0).any():
        raise ValueError(f"{op}: integer division by zero (y has a zero); mask the zeros first, "
                         "e.g. with gt.where(y == 0, 1, y)")
    return xa, ya


def truncatediv(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Elementwise integer division rounding toward zero (C semantics: ``-7 / 5 = -1``), as
    ``tf.truncatediv``. Integers and floats, as in TensorFlow (a float quotient is
    ``trunc(x / y)``, with IEEE infinities and NaN for a zero divisor); no gradient.

    >>> import gradtape as gt
    >>> gt.math.truncatediv(gt.constant([7, -7, 7, -7]), gt.constant([5, 5, -5, -5])).numpy()
    array([ 1, -1, -1,  1], dtype=int32)
    >>> gt.math.truncatediv(gt.constant([7.5, -7.5]), 2.0).numpy()
    array([ 3., -3.], dtype=float32)
    """
    op = "truncatediv"
    xa, ya = _int_pair(op, x, y, "iuf", "integers or floats (use gt.math.floordiv to round down)")
    with np.errstate(all="ignore"):
        if xa.dtype.kind == "f":
            return wrap(np.asarray(np.trunc(np.true_divide(xa, ya)), dtype=xa.dtype))
        q = np.floor_divide(xa, ya)
        if xa.dtype.kind == "i":
            q = q + ((q * ya != xa) & ((xa < 0) != (ya < 0))).astype(q.dtype)
    return wrap(np.asarray(q))


def truncatemod(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Elementwise remainder of division rounding toward zero (C ``fmod``: the result has the
    sign of ``x``), as ``tf.truncatemod``; ``truncatediv(x, y) * y + truncatemod(x, y) == x``.
    Integers and floats. No gradient: TensorFlow registers none for ``TruncateMod``.

    >>> import gradtape as gt
    >>> gt.math.truncatemod(gt.constant([7, -7, 7, -7]), gt.constant([5, 5, -5, -5])).numpy()
    array([ 2, -2,  2, -2], dtype=int32)
    >>> gt.math.truncatemod(gt.constant([-7.5, 7.5]), 2.0).numpy()
    array([-1.5,  1.5], dtype=float32)
    """
    op = "truncatemod"
    xa, ya = _int_pair(op, x, y, "iuf", "integers or floats (use gt.math.floormod for the remainder "
                       "with the sign of y)")
    with np.errstate(all="ignore"):
        return wrap(np.asarray(np.fmod(xa, ya)))


__all__ = ["realdiv", "scalar_mul", "truncatediv", "truncatemod"]
