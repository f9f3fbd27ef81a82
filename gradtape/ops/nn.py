"""Neural-network ops: activations, softmax, the cross entropies, normalization, dropout.

Subgradients at kinks follow TensorFlow: ``relu`` has gradient 0 at 0; ``relu6`` has gradient
0 at 0 and at 6; ``leaky_relu`` has gradient ``alpha`` at 0; ``elu`` has gradient 1 and
``selu`` gradient ``scale`` at 0. The softmax family and the cross entropies are computed with
the maximum subtracted (or TensorFlow's ``max(x, 0) - x * z + log1p(exp(-|x|))`` form), so
values and gradients stay finite for logits of +-1000. Convolutions and pooling live in
:mod:`gradtape.ops.conv`.
"""

from __future__ import annotations

import numpy as np

from .. import _native
from .._engine import parallel as _parallel
from .._engine.primitive import bind, bind1, bind2, primitive
from .._engine.tensor import Tensor, to_array, wrap
from . import _kernels
from ._rules import normalize_axes, normalize_axis
from .array import concat, reshape, where
from .clip import clip_by_norm
from .conv import PooledGrad
from .indexing import gather
from .math import cast, erfc, exp, imag, log1p, maximum, real, rsqrt, sigmoid, square, tanh
from .math import complex as complex_
from .reduce import reduce_mean, reduce_sum


def _as_float_tensor(x):
    if isinstance(x, Tensor):
        return x
    a = to_array(x)
    return Tensor(a.astype(np.float32) if a.dtype.kind in "iub" else a)


# -- piecewise activations ---------------------------------------------------------------------
def _relu_fwd(x):
    if type(x) is np.ndarray and x.size > 1024:
        # NumPy's maximum against an array is vectorized, against a scalar it is not: zeros
        # as the operand and as the output make relu 2-3x faster on large arrays.
        if x.ndim and 2 * x.nbytes >= _parallel.MIN_BYTES:
            # large batches are split over the cores as the convolutions before them are
            z = np.empty(x.shape, x.dtype)

            def part(lo, hi):
                zp = z[lo:hi]
                zp.fill(0)
                np.maximum(x[lo:hi], zp, out=zp)
            _parallel.split(x.shape[0], 2 * x.nbytes, part)
            return z
        z = np.zeros(x.shape, x.dtype)
        return np.maximum(x, z, out=z)
    return np.maximum(x, x.dtype.type(0)) if isinstance(x, np.ndarray) else np.maximum(x, 0)


_relu = primitive("relu", _relu_fwd,
                  vjp=(lambda m, g, ans, x: g * (ans > 0),),
                  jvp=(lambda m, t, ans, x: t * (ans > 0),), save_args=(), save_out=True,
                  elementwise=True, vjp_inplace=lambda g, ans, x: _relu_vjp_inplace(g, ans),
                  vjp_deferred=lambda g, ans, x: g.masked_by_relu() if type(g) is PooledGrad else None)


def _relu_vjp_inplace(g, ans):
    kernels = _native.kernels_for(g, ans) if g.size > 1024 and g.ndim else None
    if kernels is not None:
        # g *= ans > 0 in one pass (NumPy makes the mask first: 2x slower). A compiled forward
        # was measured no faster than NumPy's maximum against zeros, so relu's forward stays.
        # large batches are split over the cores as the ops around them (split decides)
        _parallel.split(g.shape[0], 2 * g.nbytes, lambda lo, hi: kernels.relu_grad(g[lo:hi], ans[lo:hi]))
        return g
    return np.multiply(g, ans > 0, out=g)


def relu(features, name=None):
    """Rectified linear unit ``max(x, 0)``; the gradient at 0 is 0, as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.nn.relu(gt.constant([-1.0, 2.0])).numpy()
    array([0., 2.], dtype=float32)
    """
    return bind1(_relu, features)


def _relu6_d(m, t, ans, x):
    return t * ((ans > 0) & (ans < 6))


_relu6 = primitive("relu6", lambda x: np.minimum(np.maximum(x, 0), 6), vjp=(_relu6_d,),
                   jvp=(_relu6_d,), save_args=(), save_out=True, elementwise=True)


def relu6(features, name=None):
    """``min(max(x, 0), 6)``. The gradient is 1 strictly inside (0, 6) and 0 at 0 and 6, as in
    TensorFlow.

    >>> import gradtape as gt
    >>> gt.nn.relu6(gt.constant([-1.0, 3.0, 8.0])).numpy()
    array([0., 3., 6.], dtype=float32)

    Integer features keep their dtype, as in TensorFlow.
    """
    if not isinstance(features, Tensor):
        a = to_array(features)
        features = Tensor(a.astype(np.float32) if a.dtype.kind == "b" else a)
    return bind(_relu6, features)


def _leaky_d(m, t, ans, x, alpha):
    return m.where(x > 0, t, t * alpha)


_leaky_relu = primitive("leaky_relu", lambda x, alpha: np.where(x > 0, x, x * alpha),
                        vjp=(_leaky_d,), jvp=(_leaky_d,), save_out=False)


def leaky_relu(features, alpha: float = 0.2, name=None):
    """``x`` where ``x > 0``, else ``alpha * x``. The gradient at 0 is ``alpha``, as in TensorFlow.
    As in TensorFlow (where ``alpha`` is a float32 attribute), ``alpha`` is rounded to float32,
    also for float64 features.

    >>> import gradtape as gt
    >>> gt.nn.leaky_relu(gt.constant([-1.0, 2.0])).numpy()
    array([-0.2,  2. ], dtype=float32)
    """
    x = _as_float_tensor(features)
    if x.dtype.kind in "iub":  # as TensorFlow: integer features are cast to float32
        x = cast(x, np.float32)
    return bind(_leaky_relu, x, alpha=float(np.float32(alpha)))


def _elu_fwd(x):
    return np.where(x < 0, np.expm1(np.minimum(x, 0)), x)


def _elu_d(m, t, ans, x):
    return m.where(ans < 0, t * (ans + 1), t)


_elu = primitive("elu", _elu_fwd, vjp=(_elu_d,), jvp=(_elu_d,), save_args=(), save_out=True, elementwise=True)


def elu(features, name=None):
    """Exponential linear unit: ``exp(x) - 1`` for ``x < 0``, else ``x``. Gradient 1 at 0.

    >>> import gradtape as gt
    >>> gt.nn.elu(gt.constant([0.0, 2.0])).numpy()
    array([0., 2.], dtype=float32)
    """
    return bind(_elu, _as_float_tensor(features))


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _selu_fwd(x):
    return _SELU_SCALE * np.where(x < 0, _SELU_ALPHA * np.expm1(np.minimum(x, 0)), x)


def _selu_d(m, t, ans, x):
    return m.where(ans < 0, t * (ans + _SELU_SCALE * _SELU_ALPHA), t * _SELU_SCALE)


_selu = primitive("selu", _selu_fwd, vjp=(_selu_d,), jvp=(_selu_d,), save_args=(), save_out=True, elementwise=True)


def selu(features, name=None):
    """Scaled ELU with TensorFlow's constants; the gradient at 0 is ``scale`` (1.0507...).

    >>> import gradtape as gt
    >>> y = gt.nn.selu(gt.constant([-1.0, 1.0]))
    """
    return bind(_selu, _as_float_tensor(features))


def crelu(features, axis: int = -1, name=None) -> Tensor:
    """Concatenated ReLU: ``concat([relu(x), relu(-x)], axis)``, twice as long along ``axis``
    (the last by default). The gradient at 0 is 0, as for :func:`relu`.

    >>> import gradtape as gt
    >>> gt.nn.crelu(gt.constant([-1.0, 2.0])).numpy()
    array([0., 2., 1., 0.], dtype=float32)
    """
    x = _as_float_tensor(features)
    ax = normalize_axis(axis, x.ndim, "crelu")
    return relu(concat([x, -x], axis=ax))


# -- smooth activations --------------------------------------------------------------------
def gelu(features, approximate: bool = False, name=None):
    """Gaussian error linear unit ``x * P(N(0, 1) <= x) = 0.5 x (1 + erf(x / sqrt(2)))``, or with
    ``approximate=True`` TensorFlow's tanh form ``0.5 x (1 + tanh(0.79788456 (x + 0.044715 x**3)))``.

    >>> import gradtape as gt
    >>> gt.nn.gelu(gt.constant([0.0, 1.0])).numpy()
    array([0.       , 0.8413447], dtype=float32)
    """
    x = _as_float_tensor(features)
    if approximate:
        return 0.5 * x * (1.0 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))
    # 0.5 * erfc(-x / sqrt(2)) is the normal CDF, accurate (no cancellation) for x << 0
    return x * (0.5 * erfc(x * -0.7071067811865476))


def silu(features, beta: float = 1.0):
    """Sigmoid linear unit (swish) ``x * sigmoid(beta * x)``. A Python ``beta`` becomes a float32
    constant cast to the features' dtype, as in TensorFlow.

    >>> import gradtape as gt
    >>> [round(v, 4) for v in gt.nn.silu(gt.constant([0.0, 2.0])).numpy().tolist()]
    [0.0, 1.7616]
    """
    x = _as_float_tensor(features)
    if isinstance(beta, Tensor):
        return x * sigmoid(cast(beta, x.dtype) * x)
    beta = np.float32(beta)  # TensorFlow converts beta to a float32 tensor, then casts it
    return x * sigmoid(x if beta == 1.0 else x.dtype.type(beta) * x)


swish = silu


# -- softmax and log_softmax -------------------------------------------------------------------
def _softmax_fwd(x, axis):
    if x.size == 0:  # an empty axis or batch: an empty result of the same shape (TensorFlow's)
        return np.empty_like(x)
    kernels = _native.kernels_for(x) if (axis == -1 or axis == x.ndim - 1) and x.size > 1024 else None
    if kernels is not None:
        # rows shifted by their maximum and normalized by compiled passes around NumPy's exp
        rows, d = x.size // x.shape[-1], x.shape[-1]
        y = np.empty(x.shape, x.dtype)
        kernels.softmax_shift(x, y, rows, d)
        np.exp(y, out=y)
        kernels.softmax_scale(y, rows, d)
        return y
    if _kernels.exp_is_safe(x, axis):  # no shift needed: two passes fewer, and no rounding in x - max
        e = np.exp(x)
        return np.divide(e, _kernels.sum_(e, axis, True), out=e)
    z = x - _kernels.max_(x, axis, True)
    e = np.exp(z, out=z)
    return np.divide(e, _kernels.sum_(e, axis, True), out=e)


def _softmax_vjp(m, g, y, x, axis):
    return (g - m.reduce_sum(g * y, axis=(axis,), keepdims=True)) * y


def _softmax_jvp(m, t, y, x, axis):
    return y * (t - m.reduce_sum(t * y, axis=(axis,), keepdims=True))


def _softmax_vjp_inplace(g, y, x, axis):
    kernels = _native.kernels_for(g, y) if (axis == -1 or axis == y.ndim - 1) and y.size > 1024 else None
    if kernels is not None:
        kernels.softmax_grad(g, y, y.size // y.shape[-1], y.shape[-1])  # one pass per row
        return g
    s = _kernels.sum_(g * y, axis, True)
    np.subtract(g, s, out=g)
    return np.multiply(g, y, out=g)


_softmax = primitive("softmax", _softmax_fwd, vjp=(_softmax_vjp,), jvp=(_softmax_jvp,),
                     save_args=(), save_out=True, vjp_inplace=_softmax_vjp_inplace)


def _log_softmax_fwd(x, axis):
    if x.size == 0:
        return np.empty_like(x)
    if _kernels.exp_is_safe(x, axis):
        return x - np.log(_kernels.sum_(np.exp(x), axis, True))
    z = x - _kernels.max_(x, axis, True)
    return z - np.log(_kernels.sum_(np.exp(z), axis, True))


def _log_softmax_vjp(m, g, y, x, axis):
    return g - m.exp(y) * m.reduce_sum(g, axis=(axis,), keepdims=True)


def _log_softmax_jvp(m, t, y, x, axis):
    return t - m.reduce_sum(m.exp(y) * t, axis=(axis,), keepdims=True)


_log_softmax = primitive("log_softmax", _log_softmax_fwd, vjp=(_log_softmax_vjp,),
                         jvp=(_log_softmax_jvp,), save_args=(), save_out=True)


def softmax(logits, axis=None, name=None):
    """``exp(x) / sum(exp(x))`` along ``axis`` (the last by default), computed stably.

    >>> import gradtape as gt
    >>> gt.nn.softmax(gt.constant([0.0, 0.0])).numpy()
    array([0.5, 0.5], dtype=float32)
    """
    x = _as_float_tensor(logits)
    return bind(_softmax, x, axis=normalize_axis(-1 if axis is None else axis, x.ndim, "softmax"))


def log_softmax(logits, axis=None, name=None):
    """``x - log(sum(exp(x)))`` along ``axis`` (the last by default), computed stably.

    >>> import gradtape as gt
    >>> y = gt.nn.log_softmax(gt.constant([1000.0, 0.0]))
    """
    x = _as_float_tensor(logits)
    return bind(_log_softmax, x, axis=normalize_axis(-1 if axis is None else axis, x.ndim, "log_softmax"))


# -- cross entropies ---------------------------------------------------------------------------
def _labels_like(labels, logits, op):
    lab = labels if isinstance(labels, Tensor) else wrap(to_array(labels, logits.dtype))
    if tuple(lab.shape) != tuple(logits.shape):
        raise ValueError(f"{op}: labels shape {tuple(lab.shape)} and logits shape "
                         f"{tuple(logits.shape)} must be equal")
    return lab


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Elementwise logistic loss ``-z log(sigmoid(x)) - (1 - z) log(1 - sigmoid(x))``.

    Computed as TensorFlow does, ``max(x, 0) - x * z + log1p(exp(-|x|))``, so it is finite for
    logits of +-1000; the gradient is ``sigmoid(x) - z`` everywhere (at 0 too), and ``-x`` for
    the labels.

    >>> import gradtape as gt
    >>> loss = gt.nn.sigmoid_cross_entropy_with_logits(
    ...     labels=gt.constant([1.0]), logits=gt.constant([0.0]))
    >>> round(float(loss[0]), 4)
    0.6931
    """
    if labels is None or logits is None:
        raise ValueError("sigmoid_cross_entropy_with_logits: give both labels= and logits=")
    x = _as_float_tensor(logits)
    z = _labels_like(labels, x, "sigmoid_cross_entropy_with_logits")
    pos = x >= 0
    relu_logits = where(pos, x, 0.0)
    neg_abs = where(pos, -x, x)
    return relu_logits - x * z + log1p(exp(neg_abs))


def softmax_cross_entropy_with_logits(labels, logits, axis: int = -1, name=None):
    """Cross entropy ``-sum(labels * log_softmax(logits))`` along ``axis``, for one-hot or soft
    ``labels`` of the logits' shape. Both inputs get gradients, as in TensorFlow 2.

    The logits' gradient is the exact derivative ``softmax * sum(labels) - labels``; it equals
    TensorFlow's ``softmax - labels`` whenever each row of ``labels`` sums to 1.

    >>> import gradtape as gt
    >>> loss = gt.nn.softmax_cross_entropy_with_logits(
    ...     labels=gt.constant([[0.5, 0.5]]), logits=gt.constant([[0.0, 0.0]]))
    >>> round(float(loss[0]), 4)
    0.6931
    """
    x = _as_float_tensor(logits)
    z = _labels_like(labels, x, "softmax_cross_entropy_with_logits")
    ax = normalize_axis(axis, x.ndim, "softmax_cross_entropy_with_logits")
    return -reduce_sum(z * log_softmax(x, axis=ax), axis=ax)


def _rows(labels, logits):
    """``logits`` as rows of classes, with the row index and label of each row (fancy index)."""
    z2 = logits.reshape(-1, logits.shape[-1])
    return z2, (np.arange(z2.shape[0]), labels.reshape(-1))


def _sparse_xent_fwd(labels, logits):
    z = logits - _kernels.max_(logits, -1, True)  # shifted: the loss is accurate near 0
    lse = np.log(_kernels.sum_(np.exp(z), -1, False))
    z2, at = _rows(labels, z)
    return lse - z2[at].reshape(lse.shape)


def _onehot(labels, n, dtype):
    return (np.asarray(labels)[..., None] == np.arange(n)).astype(dtype)


def _sparse_xent_dlogits(m, g, ans, labels, logits):
    if m.is_raw and type(g) is np.ndarray and g.shape == ans.shape:
        # softmax - onehot, scaled by g per row: the softmax written in place, the one hot
        # subtracted by indexing
        p = _softmax_fwd(logits, -1)
        p2, at = _rows(labels, p)
        p2[at] -= 1
        return np.multiply(p, g[..., None], out=p) if p.dtype == np.result_type(p, g) else p * g[..., None]
    p = m.softmax(logits, axis=-1) - _onehot(labels, logits.shape[-1], logits.dtype)
    return m.reshape(g, shape=tuple(g.shape) + (1,)) * p


def _sparse_xent_jvp(m, t, ans, labels, logits):
    p = m.softmax(logits, axis=-1) - _onehot(labels, logits.shape[-1], logits.dtype)
    return m.reduce_sum(t * p, axis=(-1,), keepdims=False)


_sparse_xent = primitive("sparse_softmax_cross_entropy_with_logits", _sparse_xent_fwd,
                         vjp=(None, _sparse_xent_dlogits), jvp=(None, _sparse_xent_jvp),
                         save_out=False)


def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Per-example cross entropy between integer ``labels`` and unnormalized ``logits``.

    ``labels`` has shape ``[...]`` with values in ``[0, num_classes)``; ``logits`` has shape
    ``[..., num_classes]``. Unlike TensorFlow's fused kernel, the result has second derivatives.

    >>> import gradtape as gt
    >>> loss = gt.nn.sparse_softmax_cross_entropy_with_logits(
    ...     labels=gt.constant([1]), logits=gt.constant([[0.0, 0.0]]))
    >>> round(float(loss[0]), 4)
    0.6931
    """
    if labels is None or logits is None:
        raise ValueError("sparse_softmax_cross_entropy_with_logits: give both labels= and logits=")
    lg = _as_float_tensor(logits)
    lab = np.asarray(labels._value if isinstance(labels, Tensor) else labels)
    if lab.dtype.kind not in "iu":
        raise TypeError(f"sparse_softmax_cross_entropy_with_logits: labels must be integers, got "
                        f"dtype {lab.dtype.name}; for one-hot or soft labels use "
                        "softmax_cross_entropy_with_logits")
    if lab.shape != lg.shape[:-1]:
        raise ValueError(f"sparse_softmax_cross_entropy_with_logits: labels shape {lab.shape} must "
                         f"equal logits shape without its last dimension, {lg.shape[:-1]}")
    n = lg.shape[-1]
    # one pass: negative labels are huge as unsigned integers of the same width
    if lab.size and (np.maximum.reduce(lab.view(f"u{lab.itemsize}"), axis=None) >= n
                     if lab.dtype.isnative else lab.min() < 0 or lab.max() >= n):
        raise ValueError(f"sparse_softmax_cross_entropy_with_logits: labels must be in [0, {n}), "
                         f"got values from {lab.min()} to {lab.max()}")
    return bind2(_sparse_xent, lab, lg)


# -- norms and normalization -------------------------------------------------------------------
def l2_loss(t, name=None):
    """Half the squared L2 norm, ``sum(t ** 2) / 2`` (a scalar).

    >>> import gradtape as gt
    >>> float(gt.nn.l2_loss(gt.constant([1.0, 2.0])))
    2.5
    """
    return reduce_sum(square(_as_float_tensor(t))) * 0.5


def l2_normalize(x, axis=None, epsilon: float = 1e-12, name=None, dim=None):
    """``x / sqrt(max(sum(x ** 2, axis), epsilon))``: unit L2 norm along ``axis`` (all by default).
    For complex ``x`` the sum is of ``|x| ** 2``, as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.nn.l2_normalize(gt.constant([3.0, 4.0])).numpy()
    array([0.6, 0.8], dtype=float32)
    """
    x = _as_float_tensor(x)
    axis = dim if axis is None else axis
    axes = normalize_axes(axis, x.ndim, "l2_normalize")
    if x.dtype.kind == "c":  # as TensorFlow: the real and imaginary parts scaled by 1 / |x|
        re, im = real(x), imag(x)
        inv = rsqrt(maximum(reduce_sum(square(re) + square(im), axis=axes, keepdims=True), epsilon))
        return complex_(re * inv, im * inv)
    return x * rsqrt(maximum(reduce_sum(square(x), axis=axes, keepdims=True), epsilon))


def moments(x, axes, shift=None, keepdims: bool = False, name=None):
    """Mean and (biased) variance of ``x`` over ``axes``, as ``tf.nn.moments``.

    >>> import gradtape as gt
    >>> mean, var = gt.nn.moments(gt.constant([[1.0, 2.0], [3.0, 5.0]]), axes=[0])
    >>> mean.numpy(), var.numpy()
    (array([2. , 3.5], dtype=float32), array([1.  , 2.25], dtype=float32))
    """
    x = _as_float_tensor(x)
    ax = normalize_axes(axes, x.ndim, "moments", "axes")
    y = x if x.dtype != np.float16 else cast(x, np.float32)
    mean = reduce_mean(y, axis=ax, keepdims=True)
    # TensorFlow wraps this mean in stop_gradient, which changes no first derivative but drops
    # a term of the second; here it is differentiated, so Hessians are exact.
    variance = reduce_mean(square(y - mean), axis=ax, keepdims=True)
    if not keepdims:
        keep = tuple(s for i, s in enumerate(mean.shape) if ax is not None and i - x.ndim not in ax)
        mean, variance = reshape(mean, keep), reshape(variance, keep)
    if x.dtype == np.float16:
        mean, variance = cast(mean, np.float16), cast(variance, np.float16)
    return mean, variance


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """``(x - mean) * scale / sqrt(variance + variance_epsilon) + offset`` (``offset`` and
    ``scale`` may be None), computed as TensorFlow does.

    >>> import gradtape as gt
    >>> y = gt.nn.batch_normalization(gt.constant([1.0, 3.0]), 2.0, 1.0, None, None, 0.0)
    >>> y.numpy()
    array([-1.,  1.], dtype=float32)
    """
    x = _as_float_tensor(x)
    inv = rsqrt(_like(variance, x) + variance_epsilon)
    if scale is not None:
        inv = inv * _like(scale, x)
    shift = -_like(mean, x) * inv if offset is None else _like(offset, x) - _like(mean, x) * inv
    return x * inv + shift


def _like(v, x):
    return v if isinstance(v, Tensor) else wrap(to_array(v, x.dtype))


# -- dropout, bias_add, embedding_lookup -------------------------------------------------------
def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zero each element with probability ``rate`` and scale the rest by ``1 / (1 - rate)``.

    ``noise_shape`` (broadcastable to ``x``'s shape; None entries take ``x``'s size) shares the
    keep/drop decision along axes of size 1. ``rate=0`` returns ``x`` itself. The random draws
    follow ``gt.random``'s seeding rules (global seed and op ``seed``).

    >>> import gradtape as gt
    >>> y = gt.nn.dropout(gt.ones((2, 3)), rate=0.5, seed=1)
    >>> sorted(set(y.numpy().ravel().tolist())) in ([0.0, 2.0], [2.0], [0.0])
    True
    """
    from . import random as _random
    rng = _random._stateful_rng(seed)
    if isinstance(rate, Tensor):
        rate = float(rate._value)
    rate = float(rate)
    if not 0 <= rate < 1:
        raise ValueError(f"dropout: rate must be a float in the range [0, 1), got {rate}")
    x = x if isinstance(x, Tensor) else Tensor(x)
    if x.dtype.kind != "f":
        raise ValueError(f"dropout: x has to be a floating point tensor, got dtype {x.dtype.name}")
    if rate == 0:
        return x
    shape = tuple(x.shape)
    if noise_shape is not None:
        ns = noise_shape._value.tolist() if isinstance(noise_shape, Tensor) else list(noise_shape)
        if len(ns) != len(shape):
            raise ValueError(f"dropout: noise_shape {ns} must have the rank of x, {len(shape)}")
        shape = tuple(shape[i] if s is None else int(s) for i, s in enumerate(ns))
        try:
            np.broadcast_shapes(shape, tuple(x.shape))
        except ValueError:
            raise ValueError(f"dropout: noise_shape {shape} does not broadcast to x's shape "
                             f"{tuple(x.shape)}") from None
    keep = rng.random(shape) >= rate
    return x * (keep * (1.0 / (1.0 - rate))).astype(x.dtype)


def bias_add(value, bias, data_format=None, name=None):
    """Add a 1-D ``bias`` along the channel axis: the last (``N...C``, the default) or axis 1
    (``NC...``, e.g. ``"NCHW"``).

    >>> import gradtape as gt
    >>> gt.nn.bias_add(gt.zeros((1, 2, 1)), gt.constant([1.0, 2.0]), data_format="NCW").numpy()
    array([[[1.],
            [2.]]], dtype=float32)
    """
    value = _as_float_tensor(value)
    bias = _like(bias, value)
    if bias.ndim != 1:
        raise ValueError(f"bias_add: bias must be 1-D, got shape {tuple(bias.shape)}")
    if value.ndim < 2:
        raise ValueError(f"bias_add: value must have rank >= 2, got shape {tuple(value.shape)}")
    fmt = None if data_format is None else str(data_format)
    channels_first = fmt is not None and fmt.startswith("NC")
    if fmt is not None and not channels_first and not (fmt.startswith("N") and fmt.endswith("C")):
        raise ValueError(f"bias_add: data_format must be of the form 'N...C' or 'NC...', got "
                         f"{data_format!r}")
    axis = 1 if channels_first else value.ndim - 1
    if value.shape[axis] != bias.shape[0]:
        raise ValueError(f"bias_add: bias has {bias.shape[0]} elements but value's channel axis "
                         f"({axis}) has size {value.shape[axis]} (data_format={data_format!r})")
    if channels_first:
        bias = reshape(bias, (bias.shape[0],) + (1,) * (value.ndim - 2))
    return value + bias


def embedding_lookup(params, ids, max_norm=None, name=None):
    """Rows of ``params`` for each id: ``gather(params, ids)``. A list of ``params`` is a table
    sharded by TensorFlow's ``"div"`` strategy (consecutive ids per shard, in order). With
    ``max_norm``, each looked-up embedding (the axes after the ids' axes) is clipped to that
    L2 norm.

    >>> import gradtape as gt
    >>> table = gt.constant([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    >>> gt.nn.embedding_lookup(table, [2, 0]).numpy()
    array([[2., 2.],
           [0., 0.]], dtype=float32)
    """
    if isinstance(params, (list, tuple)):
        if not params:
            raise ValueError("embedding_lookup: params must not be empty")
        params = params[0] if len(params) == 1 else concat(list(params), axis=0)
    ids_arr = np.asarray(ids._value if isinstance(ids, Tensor) else ids)
    out = gather(params, ids_arr)
    if max_norm is not None:
        nd = out.ndim
        # as TensorFlow: the norm of each embedding, over the axes after the ids' (none for a
        # 1-D table: each element is clipped on its own)
        out = clip_by_norm(out, max_norm, axes=tuple(range(ids_arr.ndim, nd)))
    return out


__all__ = ["relu", "relu6", "crelu", "leaky_relu", "elu", "selu", "gelu", "silu", "swish", "softmax",
           "log_softmax", "sigmoid_cross_entropy_with_logits", "softmax_cross_entropy_with_logits",
           "sparse_softmax_cross_entropy_with_logits", "l2_loss", "l2_normalize", "moments",
           "batch_normalization", "dropout", "bias_add", "embedding_lookup"]
