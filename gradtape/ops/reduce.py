"""Reductions over axes: sums, means, products, extrema, norms, logsumexp, logic, argmax.

Axes are normalized to negative integers when an op is called, so that every rule sees the
trailing axes only and works unchanged on a batch of cotangents. ``reduce_max`` and
``reduce_min`` split the gradient equally between tied extrema, as TensorFlow does.
``reduce_prod``'s gradient is the product of the other elements (exact with zeros), and
``reduce_logsumexp`` is computed with the maximum subtracted (finite for inputs of +-1000).
"""

from __future__ import annotations

import math

import numpy as np

from .._engine.primitive import bind, primitive
from .._engine.tensor import Tensor, as_dtype, int64
from . import _kernels
from ._rules import batch_ndim, conj, expand_reduced, keepdims_shape, normalize_axes, normalize_axis
from .math import conj as conj_t, real, sqrt, square
from .scan import argsort, cumsum, sort  # noqa: F401  (top-level names, as tf.sort ...)


def _as_tensor_like(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def _keep(m, ans, x, axis, keepdims):
    """The reduction's output with the reduced axes kept (size 1)."""
    return ans if keepdims else m.reshape(ans, shape=keepdims_shape(x.shape, axis))


def _sum_vjp(m, g, ans, x, axis, keepdims):
    g = expand_reduced(m, g, ans, x.shape, axis, keepdims)
    nb = batch_ndim(g, x)
    return m.broadcast_to(g, shape=tuple(g.shape[:nb]) + tuple(x.shape))


def _int_dtype(x):
    """Keep integer dtypes (NumPy would widen int32 sums and products to int64)."""
    dt = getattr(x, "dtype", None)
    return dt if dt is not None and dt.kind in "iu" else None


def _sum_fwd(x, axis, keepdims):
    dt = _int_dtype(x)
    if dt is None:
        return _kernels.sum_(x, axis, keepdims)
    return np.sum(x, axis=axis, keepdims=keepdims, dtype=dt)


_reduce_sum = primitive("reduce_sum", _sum_fwd, vjp=(_sum_vjp,), jvp="linear", save_args=(),
                        save_out=False)


def _count(shape, axis) -> int:
    if axis is None:
        return math.prod(shape)
    return math.prod([shape[a] for a in axis])


def _mean_fwd(x, axis, keepdims):
    dt = _int_dtype(x)
    if dt is None:
        if _kernels._fast(x, axis) and x.shape[-1]:
            return _kernels.sum_(x, axis, keepdims) * (1.0 / x.shape[-1])
        if _kernels._leading(x, axis):  # a large array: the count is not 0
            return _kernels.sum_(x, axis, keepdims) * (1.0 / _count(x.shape, axis))
        if type(x) is np.ndarray and x.dtype in _kernels.BLAS_FLOATS and x.size:
            # np.mean's own steps (sum, then divide by the count) without its Python overhead
            return np.true_divide(np.add.reduce(x, axis=axis, keepdims=keepdims), _count(x.shape, axis))
        with np.errstate(invalid="ignore", divide="ignore"):  # an empty mean: NaN, as TensorFlow
            return np.true_divide(np.sum(x, axis=axis, keepdims=keepdims), _count(np.shape(x), axis))
    # Integers: TensorFlow's integer mean, the sum divided by the count, truncated toward 0.
    s = np.sum(x, axis=axis, keepdims=keepdims, dtype=dt)
    n = max(_count(np.shape(x), axis), 1)
    return (np.sign(s) * (np.abs(s) // n)).astype(dt)


def _mean_vjp(m, g, ans, x, axis, keepdims):
    # divide the small cotangent, then broadcast it (a view): no full-size pass
    n = max(_count(x.shape, axis), 1)
    if m.is_raw and type(g) is np.ndarray and g.ndim == 0 and x.size < _kernels.MIN_SIZE:
        return np.full(x.shape, g / n, dtype=g.dtype)  # a mean of everything: faster than a view
    return _sum_vjp(m, g / n, ans, x, axis, keepdims)


_reduce_mean = primitive("reduce_mean", _mean_fwd, vjp=(_mean_vjp,), jvp="linear",
                         save_args=(), save_out=False)


def _extremum_vjp(m, g, ans, x, axis, keepdims):
    a = _keep(m, ans, x, axis, keepdims)
    ind = m.cast(m.equal(x, a), dtype=x.dtype)
    count = m.reduce_sum(ind, axis=axis, keepdims=True)
    g = expand_reduced(m, g, ans, x.shape, axis, keepdims)
    return g * ind / count


def _extremum_jvp(m, t, ans, x, axis, keepdims):
    a = _keep(m, ans, x, axis, keepdims)
    ind = m.cast(m.equal(x, a), dtype=x.dtype)
    count = m.reduce_sum(ind, axis=axis, keepdims=True)
    return m.reduce_sum(t * ind / count, axis=axis, keepdims=keepdims)


def _identity(x, top):
    """The identity of an empty max (``top``) or min: TensorFlow's lowest or highest value."""
    dt = np.result_type(x)
    if dt.kind == "f":
        return -np.inf if top else np.inf
    if dt.kind == "b":
        return not top
    info = np.iinfo(dt)
    return info.min if top else info.max


def _max_fwd(x, axis, keepdims):
    try:
        return _kernels.max_(x, axis, keepdims)
    except ValueError:  # an empty reduction
        if np.size(x):
            raise
        return np.max(x, axis=axis, keepdims=keepdims, initial=_identity(x, True))


def _min_fwd(x, axis, keepdims):
    try:
        return np.min(x, axis=axis, keepdims=keepdims)
    except ValueError:
        if np.size(x):
            raise
        return np.min(x, axis=axis, keepdims=keepdims, initial=_identity(x, False))


_reduce_max = primitive("reduce_max", _max_fwd, vjp=(_extremum_vjp,), jvp=(_extremum_jvp,))
_reduce_min = primitive("reduce_min", _min_fwd, vjp=(_extremum_vjp,), jvp=(_extremum_jvp,))


def _reduce(prim, name, input_tensor, axis, keepdims):
    if type(input_tensor) is not Tensor and type(input_tensor).__name__ == "RaggedTensor":
        from ..ragged import reduce
        return reduce(name, input_tensor, axis, keepdims)
    x = _as_tensor_like(input_tensor)
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
    """Maximum across ``axis``; tied maxima share the gradient equally. An empty reduction
    gives the dtype's lowest value (``-inf`` for floats), as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.reduce_max(gt.constant([[1.0, 5.0], [3.0, 4.0]]), axis=1).numpy()
    array([5., 4.], dtype=float32)
    """
    return _reduce(_reduce_max, "reduce_max", input_tensor, axis, keepdims)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    """Minimum across ``axis``; tied minima share the gradient equally. An empty reduction
    gives the dtype's highest value (``inf`` for floats), as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.reduce_min(gt.constant([[1.0, 5.0], [3.0, 4.0]]), axis=1).numpy()
    array([1., 3.], dtype=float32)
    """
    return _reduce(_reduce_min, "reduce_min", input_tensor, axis, keepdims)


# -- products ------------------------------------------------------------------------------------
def _prod_of_others(m, x, axis):
    """For each element, the product of the other elements of its reduced slice: exclusive
    products from both ends of the flattened slice, so zeros need no division."""
    nd = len(x.shape)
    red = list(range(nd)) if axis is None else [nd + a for a in axis]
    perm = tuple([i for i in range(nd) if i not in red] + red)
    moved = tuple(x.shape[i] for i in perm)
    ident = perm == tuple(range(nd))
    flat = m.reshape(x if ident else m.transpose(x, perm=perm),
                     shape=moved[:nd - len(red)] + (_count(x.shape, axis),))
    both = (m.cumprod(flat, axis=-1, exclusive=True, reverse=False)
            * m.cumprod(flat, axis=-1, exclusive=True, reverse=True))
    both = m.reshape(both, shape=moved)
    return both if ident else m.transpose(both, perm=tuple(int(i) for i in np.argsort(perm)))


def _prod_vjp(m, g, ans, x, axis, keepdims):
    g = expand_reduced(m, g, ans, x.shape, axis, keepdims)
    return g * conj(m, _prod_of_others(m, x, axis))


def _prod_jvp(m, t, ans, x, axis, keepdims):
    return m.reduce_sum(t * _prod_of_others(m, x, axis), axis=axis, keepdims=keepdims)


_reduce_prod = primitive("reduce_prod",
                         lambda x, axis, keepdims: np.prod(x, axis=axis, keepdims=keepdims,
                                                           dtype=_int_dtype(x)),
                         vjp=(_prod_vjp,), jvp=(_prod_jvp,), save_out=False)


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    """Product of elements across ``axis`` (all axes when None). The gradient of each element is
    the product of the others, exact when some are 0 (as in TensorFlow).

    >>> import gradtape as gt
    >>> gt.reduce_prod(gt.constant([[1.0, 2.0], [3.0, 4.0]]), axis=1).numpy()
    array([ 2., 12.], dtype=float32)
    """
    return _reduce(_reduce_prod, "reduce_prod", input_tensor, axis, keepdims)


# -- logsumexp and the euclidean norm ------------------------------------------------------------
def _logsumexp_fwd(x, axis, keepdims):
    top = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    top = np.where(np.isfinite(top), top, 0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(x - top), axis=axis, keepdims=True)) + top
    return out if keepdims else np.squeeze(out, axis=axis)


def _softmax(m, x, axis):
    """``exp(x - logsumexp(x))``, computed as a ratio so that it is accurate in float32 too."""
    v = x._value if isinstance(x, Tensor) else np.asarray(x)
    top = np.max(v, axis=axis, keepdims=True, initial=-np.inf)
    e = m.exp(x - np.where(np.isfinite(top), top, 0).astype(v.dtype))  # a constant shift
    return e / m.reduce_sum(e, axis=axis, keepdims=True)


def _logsumexp_vjp(m, g, ans, x, axis, keepdims):
    return expand_reduced(m, g, ans, x.shape, axis, keepdims) * _softmax(m, x, axis)


def _logsumexp_jvp(m, t, ans, x, axis, keepdims):
    return m.reduce_sum(t * _softmax(m, x, axis), axis=axis, keepdims=keepdims)


_reduce_logsumexp = primitive("reduce_logsumexp", _logsumexp_fwd, vjp=(_logsumexp_vjp,),
                              jvp=(_logsumexp_jvp,), save_out=False)


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """``log(sum(exp(x)))`` across ``axis``, computed with the maximum subtracted so that values
    and gradients (a softmax) stay finite for large inputs. An empty reduction gives ``-inf``.

    >>> import gradtape as gt
    >>> gt.reduce_logsumexp(gt.constant([[1000.0, 1000.0]]), axis=1).numpy()
    array([1000.6932], dtype=float32)
    """
    return _reduce(_reduce_logsumexp, "reduce_logsumexp", input_tensor, axis, keepdims)


def _safe_norm(m, ans, x, axis, keepdims):
    a = _keep(m, ans, x, axis, keepdims)
    return m.where(a == 0, 1, a)


def _norm_vjp(m, g, ans, x, axis, keepdims):
    return expand_reduced(m, g, ans, x.shape, axis, keepdims) * x / _safe_norm(m, ans, x, axis, keepdims)


def _norm_jvp(m, t, ans, x, axis, keepdims):
    return m.reduce_sum(t * x / _safe_norm(m, ans, x, axis, keepdims), axis=axis, keepdims=keepdims)


def _euclidean_norm_fwd(x, axis, keepdims):
    dt = np.result_type(x)
    if dt.kind == "c":  # sqrt(sum(x * conj(x))), complex-valued, as TensorFlow
        return np.sqrt(np.sum(x * np.conj(x), axis=axis, keepdims=keepdims))
    if dt.kind in "iu":  # integers stay integers (the root truncated), as TensorFlow
        return np.sqrt(np.sum(np.square(x), axis=axis, keepdims=keepdims, dtype=dt)).astype(dt)
    return np.sqrt(np.sum(np.square(x), axis=axis, keepdims=keepdims))


_reduce_euclidean_norm = primitive("reduce_euclidean_norm", _euclidean_norm_fwd,
                                   vjp=(_norm_vjp,), jvp=(_norm_jvp,))


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """``sqrt(sum(x ** 2))`` across ``axis``. As in TensorFlow, integer inputs give an integer
    result (the root truncated) and complex inputs ``sqrt(sum(x * conj(x)))`` as a complex
    tensor. The gradient is ``x / norm``; where the norm is 0 it is 0 (a subgradient;
    TensorFlow gives NaN there).

    >>> import gradtape as gt
    >>> gt.math.reduce_euclidean_norm(gt.constant([[3.0, 4.0], [0.0, 0.0]]), axis=1).numpy()
    array([5., 0.], dtype=float32)
    """
    return _reduce(_reduce_euclidean_norm, "reduce_euclidean_norm", input_tensor, axis, keepdims)


# -- variance and standard deviation (composites: the gradient follows from the parts) ----------
def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """Population variance across ``axis`` (``|x - mean|**2`` averaged; real for complex input).

    >>> import gradtape as gt
    >>> gt.math.reduce_variance(gt.constant([[1.0, 2.0, 3.0, 4.0]]), axis=1).numpy()
    array([1.25], dtype=float32)
    """
    x = _as_tensor_like(input_tensor)
    if x.dtype.kind not in "fc":
        raise TypeError(f"reduce_variance: input must be floating or complex, got {x.dtype.name}; "
                        "cast it first, e.g. gt.cast(x, gt.float32)")
    d = x - reduce_mean(x, axis=axis, keepdims=True)
    sq = real(d * conj_t(d)) if x.dtype.kind == "c" else square(d)
    return reduce_mean(sq, axis=axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """Population standard deviation across ``axis``: ``sqrt(reduce_variance(x))``. Its gradient
    is NaN where all the reduced elements are equal, as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.math.reduce_std(gt.constant([[1.0, 3.0]]), axis=1).numpy()
    array([1.], dtype=float32)
    """
    return sqrt(reduce_variance(input_tensor, axis=axis, keepdims=keepdims))


# -- logic and arg-extrema (integer or bool results: no gradient) --------------------------------
def _nodiff(name, fn):
    return primitive(name, fn, vjp=(None,), jvp=(None,))


_reduce_any = _nodiff("reduce_any", lambda x, axis, keepdims: np.any(x, axis=axis, keepdims=keepdims))
_reduce_all = _nodiff("reduce_all", lambda x, axis, keepdims: np.all(x, axis=axis, keepdims=keepdims))
_argmax = _nodiff("argmax", lambda x, axis, output_type: np.argmax(x, axis=axis).astype(output_type))
_argmin = _nodiff("argmin", lambda x, axis, output_type: np.argmin(x, axis=axis).astype(output_type))


def _logic(prim, name, input_tensor, axis, keepdims):
    x = _as_tensor_like(input_tensor)
    if x.dtype.kind != "b":
        raise TypeError(f"{name}: input_tensor must be a bool tensor, got dtype {x.dtype.name}; "
                        f"compare first, e.g. {name}(x > 0)")
    return _reduce(prim, name, x, axis, keepdims)


def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    """Logical or of a bool tensor across ``axis`` (all axes when None).

    >>> import gradtape as gt
    >>> gt.reduce_any(gt.constant([[True, False], [False, False]]), axis=1).numpy()
    array([ True, False])
    """
    return _logic(_reduce_any, "reduce_any", input_tensor, axis, keepdims)


def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    """Logical and of a bool tensor across ``axis`` (all axes when None).

    >>> import gradtape as gt
    >>> gt.reduce_all(gt.constant([[True, False], [True, True]]), axis=1).numpy()
    array([False,  True])
    """
    return _logic(_reduce_all, "reduce_all", input_tensor, axis, keepdims)


def _arg(prim, name, input, axis, output_type):
    x = _as_tensor_like(input)
    axis = normalize_axis(0 if axis is None else axis, x.ndim, name)
    output_type = as_dtype(output_type)
    if output_type not in (np.dtype(np.int32), np.dtype(np.int64)):
        raise TypeError(f"{name}: output_type must be int32 or int64, got {output_type.name}")
    if x.shape[axis] == 0:
        raise ValueError(f"{name}: cannot reduce axis {axis} of shape {x.shape}: it is empty")
    return bind(prim, x, axis=axis, output_type=output_type)


def argmax(input, axis=None, output_type=int64, name=None):  # noqa: A002 - TensorFlow's name
    """Index of the largest value along ``axis`` (0 when None, as in TensorFlow); ties give the
    lowest index. No gradient (an integer result).

    >>> import gradtape as gt
    >>> gt.argmax(gt.constant([[1.0, 5.0, 5.0], [7.0, 2.0, 3.0]]), axis=1).numpy()
    array([1, 0])
    """
    return _arg(_argmax, "argmax", input, axis, output_type)


def argmin(input, axis=None, output_type=int64, name=None):  # noqa: A002 - TensorFlow's name
    """Index of the smallest value along ``axis`` (0 when None, as in TensorFlow); ties give the
    lowest index. No gradient (an integer result).

    >>> import gradtape as gt
    >>> gt.argmin(gt.constant([[1.0, 1.0, 5.0], [7.0, 2.0, 3.0]]), axis=1).numpy()
    array([0, 1])
    """
    return _arg(_argmin, "argmin", input, axis, output_type)


__all__ = ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "reduce_logsumexp",
           "reduce_euclidean_norm", "reduce_variance", "reduce_std", "reduce_any", "reduce_all",
           "argmax", "argmin", "cumsum", "sort", "argsort"]
