"""Fused layer normalization: one primitive for ``(x - mean) / sqrt(var + eps) * scale + offset``;
and local response normalization (``tf.nn.local_response_normalization``), a composite.

Written with ``gt.nn.moments`` and ``gt.nn.batch_normalization`` the same computation is about
ten recorded ops, each with its own temporaries and gradient rule. As one primitive the tape
keeps only ``x`` and the gradient is the closed form

    dx = rstd * (gx - mean(gx) - xhat * mean(gx * xhat)),   gx = g * scale,

with ``dscale = g * xhat`` and ``doffset = g`` summed by the engine over the leading axes. The
rules are written with the rule namespace ``m``, so they are differentiable to any order.
TensorFlow has no such function in ``tf.nn`` (Keras' ``LayerNormalization`` composes it);
``gt.layers.LayerNormalization`` uses this one.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _native
from .._engine.primitive import bind, primitive, raw
from .._engine.tensor import Tensor, to_array, wrap
from . import _kernels
from ._rules import normalize_axes
from .array import reshape
from .conv import _as_float
from .linalg import matmul
from .math import pow as _pow, rsqrt, square


def _axes(n: int) -> tuple:
    return tuple(range(-n, 0))


def _normalized(m, x, n: int, epsilon: float):
    """``(xhat, rstd)``: ``x`` centred and scaled over its last ``n`` axes, and ``1 / std``."""
    axes = _axes(n)
    xc = x - m.reduce_mean(x, axis=axes, keepdims=True)
    rstd = m.rsqrt(m.reduce_mean(xc * xc, axis=axes, keepdims=True) + epsilon)
    return xc * rstd, rstd


def _native_rows(x, scale, offset, d):
    """``(x, scale, offset)`` as C-contiguous arrays of rows of ``d`` for the compiled kernels,
    or None when they are off or do not apply."""
    if (_native.kernels() is None or type(x) is not np.ndarray or x.dtype not in _native.FLOATS
            or not x.size):
        return None
    for p in (scale, offset):
        if type(p) is not np.ndarray or p.dtype != x.dtype or p.size != d:
            return None
    return (np.ascontiguousarray(x).reshape(-1, d), np.ascontiguousarray(scale).reshape(d),
            np.ascontiguousarray(offset).reshape(d))


def _forward(x, scale, offset, n, epsilon):
    pshape = x.shape[x.ndim - n:]
    d = x.shape[-1] if n == 1 else math.prod(pshape)
    rows = _native_rows(x, scale, offset, d)
    if rows is not None:
        y = np.empty(x.shape, x.dtype)
        _native.kernels().layer_norm(*rows, y, rows[0].shape[0], d, epsilon)
        return y
    if type(x) is np.ndarray and x.dtype in _kernels.BLAS_FLOATS and x.size:
        # rows of the last n axes; the two row means are products with ones (BLAS)
        x2, ones, inv_d = x.reshape(-1, d), _kernels.ones(d, x.dtype), 1.0 / d
        y = x2 - (x2 @ ones * inv_d)[:, None]
        std = np.sqrt(np.square(y) @ ones * inv_d + epsilon)
        y /= std[:, None]
        y = y.reshape(x.shape)
    else:
        y, _ = _normalized(raw, x, n, epsilon)
    y = np.multiply(y, scale, out=y) if y.dtype == np.result_type(y, scale) else y * scale
    return np.add(y, offset, out=y) if y.dtype == np.result_type(y, offset) else y + offset


def _vjp_raw(g, x, scale, offset, n, epsilon):
    """The first-order VJP on arrays, on rows of the last ``n`` axes. With ``xc = x - mean``,
    ``rstd = 1 / std`` and ``s = scale``, per row:

        dx = rstd * (g s - mean(g s)) - xc * rstd^3 * mean(g s xc)

    Every reduction is one BLAS product (with ones, ``s`` or ``rstd``), ``xhat`` is never
    formed, and the one temporary is reused in place."""
    pshape = x.shape[x.ndim - n:]
    d = x.shape[-1] if n == 1 else math.prod(pshape)
    rows = _native_rows(x, scale, offset, d)
    if rows is not None:
        x2, s = rows[:2]
        dx, dscale, doffset = np.empty(x.shape, x.dtype), np.empty(d, x.dtype), np.empty(d, x.dtype)
        _native.kernels().layer_norm_grad(np.ascontiguousarray(g), x2, s, dx, dscale, doffset,
                                          x2.shape[0], d, epsilon)
        return dx, dscale.reshape(pshape), doffset.reshape(pshape)
    x2, g2 = x.reshape(-1, d), g.reshape(-1, d)
    ones, inv_d = _kernels.ones(d, x.dtype), 1.0 / d
    xc = x2 - (x2 @ ones * inv_d)[:, None]
    tmp = xc * xc
    rstd = np.sqrt(tmp @ ones * inv_d + epsilon)
    np.divide(1.0, rstd, out=rstd)
    s = (scale.reshape(d) if type(scale) is np.ndarray and scale.size == d and scale.dtype == x.dtype
         else np.broadcast_to(np.asarray(scale, x.dtype), pshape).reshape(d))
    np.multiply(g2, xc, out=tmp)                        # g * xc
    dscale = (rstd @ tmp).reshape(pshape)               # sum over rows of g * xhat
    doffset = (_kernels.ones(x2.shape[0], x.dtype) @ g2).reshape(pshape)
    k = tmp @ s                                         # row sums of g s xc
    k *= rstd * rstd * inv_d
    np.multiply(xc, k[:, None], out=tmp)
    tmp += (g2 @ s * inv_d)[:, None]                    # mean of g s per row
    dx = g2 * s
    dx -= tmp
    dx *= rstd[:, None]
    return dx.reshape(x.shape), dscale, doffset


def _vjp_all(m, g, ans, x, scale, offset, n, epsilon):
    if (m.is_raw and type(x) is np.ndarray and x.dtype.kind == "f" and g.shape == x.shape
            and g.dtype == x.dtype and x.size):
        return _vjp_raw(g, x, scale, offset, n, epsilon)
    xhat, rstd = _normalized(m, x, n, epsilon)
    axes = _axes(n)
    gx = g * scale
    dx = rstd * (gx - m.reduce_mean(gx, axis=axes, keepdims=True)
                 - xhat * m.reduce_mean(gx * xhat, axis=axes, keepdims=True))
    return dx, g * xhat, g


def _jvp_all(m, ts, ans, x, scale, offset, n, epsilon):
    tx, tscale, toffset = ts
    xhat, rstd = _normalized(m, x, n, epsilon)
    axes = _axes(n)
    out = None
    if tx is not None:
        dxhat = rstd * (tx - m.reduce_mean(tx, axis=axes, keepdims=True)
                        - xhat * m.reduce_mean(tx * xhat, axis=axes, keepdims=True))
        out = dxhat * scale
    if tscale is not None:
        out = xhat * tscale if out is None else out + xhat * tscale
    if toffset is not None:
        out = toffset if out is None else out + toffset
    if tuple(out.shape) != tuple(x.shape):
        out = m.broadcast_to(out, shape=tuple(x.shape))
    return out


_layer_norm = primitive("layer_normalization", _forward, vjp_all=_vjp_all, jvp_all=_jvp_all,
                        diff_args=(0, 1, 2), save_args=(0, 1), save_out=False)


def layer_normalization(x, scale=None, offset=None, epsilon: float = 1e-3, axis=-1, name=None):
    """Normalize ``x`` over its trailing ``axis`` (the last by default), then scale and shift.

    ``(x - mean) / sqrt(var + epsilon) * scale + offset`` with the mean and (biased) variance
    over ``axis``; ``scale`` and ``offset`` have the shape of those axes (None: 1 and 0). One
    fused op, as ``torch.nn.functional.layer_norm``; the same values as
    ``gt.nn.batch_normalization(x, *gt.nn.moments(x, axis, keepdims=True), offset, scale,
    epsilon)``. A gradtape extension: TensorFlow composes it in Keras' ``LayerNormalization``.

    >>> import gradtape as gt
    >>> gt.nn.layer_normalization(gt.constant([[1.0, 3.0]]), epsilon=0.0).numpy()
    array([[-1.,  1.]], dtype=float32)
    """
    if not isinstance(x, Tensor):
        a = to_array(x)
        x = wrap(a.astype(np.float32) if a.dtype.kind in "iub" else a)
    if x.dtype.kind not in "fc":
        raise TypeError(f"layer_normalization: x must be a floating tensor, got {x.dtype.name}; "
                        "cast it with gt.cast(x, gt.float32)")
    axes = normalize_axes(axis, x.ndim, "layer_normalization")
    n = x.ndim if axes is None else len(axes)
    if axes is not None and axes != _axes(n):
        raise ValueError(f"layer_normalization: axis={axis!r} must name the trailing axes of a tensor "
                         f"of rank {x.ndim} (e.g. -1); for other axes use gt.nn.moments and "
                         "gt.nn.batch_normalization")
    pshape = tuple(x.shape[x.ndim - n:])
    scale = wrap(np.ones(pshape, x.dtype)) if scale is None else _param(scale, x, pshape, "scale")
    offset = wrap(np.zeros(pshape, x.dtype)) if offset is None else _param(offset, x, pshape, "offset")
    return bind(_layer_norm, x, scale, offset, n=n, epsilon=float(epsilon))


def _param(v, x, pshape, arg):
    v = v if isinstance(v, Tensor) else wrap(to_array(v, x.dtype))
    try:  # the usual case first: np.broadcast_shapes takes a few microseconds
        ok = tuple(v.shape) == pshape or np.broadcast_shapes(tuple(v.shape), pshape) == pshape
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"layer_normalization: {arg} has shape {tuple(v.shape)}; it must broadcast "
                         f"to the normalized axes' shape {pshape}")
    return v


def local_response_normalization(input, depth_radius: int = 5, bias: float = 1, alpha: float = 1,  # noqa: A002
                                 beta: float = 0.5, name=None) -> Tensor:
    """Local response normalization over the last axis of a 4-D ``input``:
    ``input / (bias + alpha * sqr_sum) ** beta``, where ``sqr_sum[a, b, c, d]`` is the sum of
    ``input[a, b, c, d - depth_radius : d + depth_radius + 1] ** 2`` (the window is clipped at
    the first and last channel), as TensorFlow.

    The window sums are one product of the squares with a banded ``C x C`` matrix of ones
    (no cancellation, unlike a difference of cumulative sums), so the gradients are exact and
    of any order. Besides TensorFlow's float16 and float32, float64 is accepted.

    >>> import gradtape as gt
    >>> x = gt.constant([[[[1.0, 2.0, 2.0]]]])
    >>> gt.nn.local_response_normalization(x, depth_radius=1, bias=0.0).numpy()
    array([[[[0.4472136 , 0.6666667 , 0.70710677]]]], dtype=float32)
    """
    op = "local_response_normalization"
    x = _as_float(input, op, "input")
    if x.ndim != 4:
        raise ValueError(f"{op}: input must have rank 4 ([batch, height, width, channels]; the "
                         f"normalization runs over the last axis), got shape {tuple(x.shape)}")
    if isinstance(depth_radius, Tensor):
        depth_radius = depth_radius._value
    r = int(depth_radius)
    if r != depth_radius or r < 0:
        raise ValueError(f"{op}: depth_radius must be a non-negative int, got {depth_radius!r}")
    sq = square(x)
    c = x.shape[-1]
    if x.size and r > 0 and c > 1:
        i = np.arange(c)
        band = (np.abs(i[:, None] - i[None, :]) <= r).astype(x.dtype)  # band[j, d]: j in d's window
        sq = reshape(matmul(reshape(sq, (-1, c)), band), tuple(x.shape))
    base = float(bias) + float(alpha) * sq
    beta = float(beta)
    return x * (rsqrt(base) if beta == 0.5 else _pow(base, -beta))


lrn = local_response_normalization

__all__ = ["layer_normalization", "local_response_normalization", "lrn"]
