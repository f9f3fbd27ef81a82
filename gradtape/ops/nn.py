"""Neural-network ops: activations, softmax and the cross entropies.

Subgradients follow TensorFlow: ``relu`` has gradient 0 at 0. The softmax family is computed
with the maximum subtracted, so values and gradients stay finite for logits of +-1000.
"""

from __future__ import annotations

import numpy as np

from .._engine.primitive import bind, primitive
from .._engine.tensor import Tensor, to_array
from ._rules import normalize_axis

# -- relu --------------------------------------------------------------------------------------


def _relu_fwd(x):
    return np.maximum(x, 0)


_relu = primitive("relu", _relu_fwd,
                  vjp=(lambda m, g, ans, x: g * (ans > 0),),
                  jvp=(lambda m, t, ans, x: t * (ans > 0),), save_args=(), save_out=True)


def relu(features, name=None):
    """Rectified linear unit ``max(x, 0)``; the gradient at 0 is 0, as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.nn.relu(gt.constant([-1.0, 2.0])).numpy()
    array([0., 2.], dtype=float32)
    """
    return bind(_relu, features)


# -- softmax and log_softmax -------------------------------------------------------------------
def _softmax_fwd(x, axis):
    z = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def _softmax_vjp(m, g, y, x, axis):
    return (g - m.reduce_sum(g * y, axis=(axis,), keepdims=True)) * y


def _softmax_jvp(m, t, y, x, axis):
    return y * (t - m.reduce_sum(t * y, axis=(axis,), keepdims=True))


_softmax = primitive("softmax", _softmax_fwd, vjp=(_softmax_vjp,), jvp=(_softmax_jvp,),
                     save_args=(), save_out=True)


def _log_softmax_fwd(x, axis):
    z = x - np.max(x, axis=axis, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))


def _log_softmax_vjp(m, g, y, x, axis):
    return g - m.exp(y) * m.reduce_sum(g, axis=(axis,), keepdims=True)


def _log_softmax_jvp(m, t, y, x, axis):
    return t - m.reduce_sum(m.exp(y) * t, axis=(axis,), keepdims=True)


_log_softmax = primitive("log_softmax", _log_softmax_fwd, vjp=(_log_softmax_vjp,),
                         jvp=(_log_softmax_jvp,), save_args=(), save_out=True)


def _as_float_tensor(x):
    return x if isinstance(x, Tensor) else Tensor(to_array(x))


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


# -- sparse softmax cross entropy ---------------------------------------------------------------
def _sparse_xent_fwd(labels, logits):
    z = logits - np.max(logits, axis=-1, keepdims=True)
    lse = np.log(np.sum(np.exp(z), axis=-1))
    picked = np.take_along_axis(z, labels[..., None], axis=-1)[..., 0]
    return lse - picked


def _onehot(labels, n, dtype):
    return (np.asarray(labels)[..., None] == np.arange(n)).astype(dtype)


def _sparse_xent_dlogits(m, g, ans, labels, logits):
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
    if lab.size and (lab.min() < 0 or lab.max() >= n):
        raise ValueError(f"sparse_softmax_cross_entropy_with_logits: labels must be in [0, {n}), "
                         f"got values from {lab.min()} to {lab.max()}")
    return bind(_sparse_xent, lab, lg)


__all__ = ["relu", "softmax", "log_softmax", "sparse_softmax_cross_entropy_with_logits"]
