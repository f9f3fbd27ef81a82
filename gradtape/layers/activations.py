"""Activation functions by Keras name (``"relu"``, ``"tanh"``, ``"softmax"``, ...).

Every activation is a composite of gradtape ops, so gradients (of any order) flow through it.
"""

from __future__ import annotations

import math
from typing import Callable

import gradtape as gt

__all__ = ["get", "serialize", "linear", "relu", "relu6", "leaky_relu", "elu", "selu", "gelu",
           "sigmoid", "hard_sigmoid", "tanh", "softmax", "log_softmax", "softplus", "softsign",
           "swish", "silu", "exponential"]


def linear(x):
    """The identity (Keras's ``"linear"``; also what ``activation=None`` means).

    >>> from gradtape.layers import activations
    >>> activations.linear(2.0)
    2.0
    """
    return x


def relu(x):
    """``max(x, 0)``.

    >>> import gradtape as gt
    >>> gt.layers.activations.relu(gt.constant([-1.0, 1.0])).numpy()
    array([0., 1.], dtype=float32)
    """
    return gt.nn.relu(x)


def relu6(x):
    """``min(max(x, 0), 6)``.

    >>> import gradtape as gt
    >>> gt.layers.activations.relu6(gt.constant([-1.0, 7.0])).numpy()
    array([0., 6.], dtype=float32)
    """
    return gt.minimum(gt.nn.relu(x), 6.0)


def leaky_relu(x, negative_slope: float = 0.2):
    """``x`` for ``x > 0``, else ``negative_slope * x``.

    >>> import gradtape as gt
    >>> gt.layers.activations.leaky_relu(gt.constant([-1.0, 1.0])).numpy()
    array([-0.2,  1. ], dtype=float32)
    """
    return gt.where(x > 0, x, x * negative_slope)


def elu(x, alpha: float = 1.0):
    """``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``.

    >>> import gradtape as gt
    >>> gt.layers.activations.elu(gt.constant([0.0, 2.0])).numpy()
    array([0., 2.], dtype=float32)
    """
    return gt.where(x > 0, x, alpha * gt.math.expm1(gt.minimum(x, 0.0)))


def selu(x):
    """Scaled ELU with the self-normalizing constants.

    >>> import gradtape as gt
    >>> y = gt.layers.activations.selu(gt.constant([-1.0, 1.0]))
    """
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    return scale * elu(x, alpha)


def gelu(x, approximate: bool = False):
    """Gaussian error linear unit ``x * Phi(x)``.

    Uses ``gt.math.erf`` when the library has it, otherwise (or with ``approximate=True``)
    the tanh approximation.

    >>> import gradtape as gt
    >>> y = gt.layers.activations.gelu(gt.constant([-1.0, 1.0]))
    """
    erf = getattr(gt.math, "erf", None)
    if approximate or erf is None:
        c = math.sqrt(2.0 / math.pi)
        return 0.5 * x * (1.0 + gt.tanh(c * (x + 0.044715 * x * x * x)))
    return 0.5 * x * (1.0 + erf(x * (1.0 / math.sqrt(2.0))))


def sigmoid(x):
    """``1 / (1 + exp(-x))``.

    >>> import gradtape as gt
    >>> gt.layers.activations.sigmoid(gt.constant([0.0])).numpy()
    array([0.5], dtype=float32)
    """
    return gt.sigmoid(x)


def hard_sigmoid(x):
    """Piecewise linear sigmoid ``relu6(x + 3) / 6`` (Keras 3's definition, as in TensorFlow
    2.16 and later; Keras 2 used ``clip(0.2 * x + 0.5, 0, 1)``).

    >>> import gradtape as gt
    >>> gt.layers.activations.hard_sigmoid(gt.constant([-3.0, 0.0, 1.5, 3.0])).numpy()
    array([0.  , 0.5 , 0.75, 1.  ], dtype=float32)
    """
    return gt.nn.relu6(x + 3.0) / 6.0


def tanh(x):
    """Hyperbolic tangent.

    >>> import gradtape as gt
    >>> gt.layers.activations.tanh(gt.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return gt.tanh(x)


def softmax(x, axis: int = -1):
    """Softmax along ``axis`` (the last by default).

    >>> import gradtape as gt
    >>> gt.layers.activations.softmax(gt.constant([[0.0, 0.0]])).numpy()
    array([[0.5, 0.5]], dtype=float32)
    """
    return gt.nn.softmax(x, axis=axis)


def log_softmax(x, axis: int = -1):
    """Log-softmax along ``axis`` (the last by default).

    >>> import gradtape as gt
    >>> y = gt.layers.activations.log_softmax(gt.constant([[0.0, 0.0]]))
    """
    return gt.nn.log_softmax(x, axis=axis)


def softplus(x):
    """``log(1 + exp(x))``, computed stably.

    >>> import gradtape as gt
    >>> round(float(gt.layers.activations.softplus(gt.constant(0.0))), 4)
    0.6931
    """
    sp = getattr(gt.math, "softplus", None)
    if sp is not None:
        return sp(x)
    return gt.nn.relu(x) + gt.math.log1p(gt.exp(-gt.abs(x)))


def softsign(x):
    """``x / (1 + |x|)``.

    >>> import gradtape as gt
    >>> gt.layers.activations.softsign(gt.constant([1.0])).numpy()
    array([0.5], dtype=float32)
    """
    return x / (1.0 + gt.abs(x))


def swish(x):
    """``x * sigmoid(x)`` (also called SiLU).

    >>> import gradtape as gt
    >>> gt.layers.activations.swish(gt.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return x * gt.sigmoid(x)


silu = swish


def exponential(x):
    """``exp(x)``.

    >>> import gradtape as gt
    >>> gt.layers.activations.exponential(gt.constant([0.0])).numpy()
    array([1.], dtype=float32)
    """
    return gt.exp(x)


_BY_NAME: dict[str, Callable] = {
    "linear": linear, "relu": relu, "relu6": relu6, "leaky_relu": leaky_relu, "elu": elu,
    "selu": selu, "gelu": gelu, "sigmoid": sigmoid, "hard_sigmoid": hard_sigmoid, "tanh": tanh,
    "softmax": softmax, "log_softmax": log_softmax, "softplus": softplus, "softsign": softsign,
    "swish": swish, "silu": silu, "exponential": exponential,
}


def get(identifier) -> Callable:
    """An activation function from a name, a callable, or None (the identity).

    >>> import gradtape as gt
    >>> gt.layers.activations.get("relu").__name__
    'relu'
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        fn = _BY_NAME.get(identifier.lower())
        if fn is None:
            raise ValueError(f"Unknown activation {identifier!r}; known: {', '.join(sorted(_BY_NAME))}")
        return fn
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret activation identifier: {identifier!r}")


def serialize(fn: Callable) -> str:
    """The Keras name of an activation function (``"relu"``), or its ``__name__``.

    >>> import gradtape as gt
    >>> gt.layers.activations.serialize(gt.layers.activations.tanh)
    'tanh'
    """
    for k, v in _BY_NAME.items():
        if v is fn:
            return k
    return getattr(fn, "__name__", repr(fn))
