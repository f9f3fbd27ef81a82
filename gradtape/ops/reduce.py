"""Reductions over axes: sums, means, extrema.

Axes are normalized to negative integers when an op is called, so that every rule sees the
trailing axes only and works unchanged on a batch of cotangents. ``reduce_max`` and
``reduce_min`` split the gradient equally between tied extrema, as TensorFlow does.
"""

from __future__ import annotations

import numpy as np

from .._engine.primitive import bind, primitive
from .._engine.tensor import Tensor, to_array
from ._rules import batch_ndim, expand_reduced, keepdims_shape, normalize_axes


def _as_tensor_like(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def _sum_vjp(m, g, ans, x, axis, keepdims):
    g = expand_reduced(m, g, ans, x.shape, axis, keepdims)
    nb = batch_ndim(g, x)
    return m.broadcast_to(g, shape=tuple(g.shape[:nb]) + tuple(x.shape))


_reduce_sum = primitive("reduce_sum", lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims),
                        vjp=(_sum_vjp,), jvp="linear", save_args=(), save_out=False)


def _count(shape, axis) -> int:
    if axis is None:
        return int(np.prod(shape))
    return int(np.prod([shape[a] for a in axis]))


def _mean_fwd(x, axis, keepdims):
    return np.mean(x, axis=axis, keepdims=keepdims)


def _mean_vjp(m, g, ans, x, axis, keepdims):
    return _sum_vjp(m, g, ans, x, axis, keepdims) / max(_count(x.shape, axis), 1)


_reduce_mean = primitive("reduce_mean", _mean_fwd, vjp=(_mean_vjp,), jvp="linear",
                         save_args=(), save_out=False)


def _extremum_vjp(m, g, ans, x, axis, keepdims):
    a = ans if keepdims else m.reshape(ans, shape=keepdims_shape(x.shape, axis))
    ind = m.cast(m.equal(x, a), dtype=x.dtype)
    count = m.reduce_sum(ind, axis=axis, keepdims=True)
    g = expand_reduced(m, g, ans, x.shape, axis, keepdims)
    return g * ind / count


def _extremum_jvp(m, t, ans, x, axis, keepdims):
    a = ans if keepdims else m.reshape(ans, shape=keepdims_shape(x.shape, axis))
    ind = m.cast(m.equal(x, a), dtype=x.dtype)
    count = m.reduce_sum(ind, axis=axis, keepdims=True)
    return m.reduce_sum(t * ind / count, axis=axis, keepdims=keepdims)


_reduce_max = primitive("reduce_max", lambda x, axis, keepdims: np.max(x, axis=axis, keepdims=keepdims),
                        vjp=(_extremum_vjp,), jvp=(_extremum_jvp,))
_reduce_min = primitive("reduce_min", lambda x, axis, keepdims: np.min(x, axis=axis, keepdims=keepdims),
                        vjp=(_extremum_vjp,), jvp=(_extremum_jvp,))


def _reduce(prim, name, input_tensor, axis, keepdims):
    x = _as_tensor_like(input_tensor) if not isinstance(input_tensor, Tensor) else input_tensor
    axes = normalize_axes(axis, x.ndim, name)
    return bind(prim, x, axis=axes, keepdims=bool(keepdims))


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sum of elements across ``axis`` (all axes when None).

    >>> import gradtape as gt
    >>> gt.reduce_sum(gt.constant([[1.0, 2.0], [3.0, 4.0]]), axis=0).numpy()
    array([4., 6.], dtype=float32)
    """
    return _reduce(_reduce_sum, "reduce_sum", input_tensor, axis, keepdims)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Mean of elements across ``axis`` (all axes when None).

    >>> import gradtape as gt
    >>> gt.reduce_mean(gt.constant([[1.0, 2.0], [3.0, 4.0]]), axis=1).numpy()
    array([1.5, 3.5], dtype=float32)
    """
    return _reduce(_reduce_mean, "reduce_mean", input_tensor, axis, keepdims)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    """Maximum across ``axis``; tied maxima share the gradient equally.

    >>> import gradtape as gt
    >>> gt.reduce_max(gt.constant([[1.0, 5.0], [3.0, 4.0]]), axis=1).numpy()
    array([5., 4.], dtype=float32)
    """
    return _reduce(_reduce_max, "reduce_max", input_tensor, axis, keepdims)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    """Minimum across ``axis``; tied minima share the gradient equally.

    >>> import gradtape as gt
    >>> gt.reduce_min(gt.constant([[1.0, 5.0], [3.0, 4.0]]), axis=1).numpy()
    array([1., 3.], dtype=float32)
    """
    return _reduce(_reduce_min, "reduce_min", input_tensor, axis, keepdims)


del to_array

__all__ = ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min"]
