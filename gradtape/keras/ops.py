"""``gt.keras.ops``: Keras 3's backend-agnostic ops, on gradtape.

Keras's ``ops`` follow NumPy's API, so the NumPy-style ones are ``gradtape.numpy``'s (every one
records on a tape and has its gradient); the neural-network and core ones are gradtape's own
``gt.nn`` and ``gt`` ops under Keras's names and argument orders.

>>> import gradtape as gt
>>> from gradtape.keras import ops
>>> x = gt.constant([[1.0, 2.0], [3.0, 4.0]])
>>> ops.sum(ops.matmul(x, ops.transpose(x)), axis=1).numpy()
array([16., 36.], dtype=float32)
>>> ops.softmax(gt.constant([0.0, 0.0])).numpy()
array([0.5, 0.5], dtype=float32)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import losses as _losses
from .. import nn as _nn
from .. import numpy as _gnp
from ..numpy import *  # noqa: F401,F403  (Keras's NumPy-style ops)
from ..ops import array as _array

_gt = __import__("gradtape")


def convert_to_tensor(x: Any, dtype: Any = None, sparse: bool | None = None):
    """``x`` as a gradtape Tensor (of ``dtype`` when given)."""
    return _gt.convert_to_tensor(x, dtype=dtype)


def convert_to_numpy(x: Any) -> np.ndarray:
    """``x`` as a NumPy array."""
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def cast(x: Any, dtype: Any):
    """``x`` cast to ``dtype``."""
    return _gt.cast(x, dtype)


def stop_gradient(variable: Any):
    """``x``, through which no gradient flows."""
    return _gt.stop_gradient(variable)


def shape(x: Any) -> tuple:
    """``x``'s shape as a tuple (Keras 3 returns a tuple, not a tensor)."""
    return tuple(_gt.convert_to_tensor(x).shape)


def cond(pred: Any, true_fn, false_fn):
    """``true_fn()`` if ``pred`` else ``false_fn()``."""
    return _gt.cond(pred, true_fn, false_fn)


def while_loop(cond, body, loop_vars, maximum_iterations: int | None = None):
    """``tf.while_loop`` with Keras's argument names."""
    return _gt.while_loop(cond, body, loop_vars, maximum_iterations=maximum_iterations)


def fori_loop(lower: int, upper: int, body_fun, init_val):
    """``init_val`` through ``body_fun(i, val)`` for ``i`` in ``range(lower, upper)``."""
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def slice(inputs: Any, start_indices, shape):  # noqa: A001  (Keras's name)
    """The block of ``shape`` starting at ``start_indices``."""
    return _gt.slice(inputs, start_indices, shape)


def scatter(indices: Any, values: Any, shape):
    """A tensor of ``shape`` with ``values`` added at ``indices`` (``tf.scatter_nd``)."""
    return _gt.scatter_nd(indices, values, shape)


def scatter_update(inputs: Any, indices: Any, updates: Any):
    """``inputs`` with ``updates`` written at ``indices``."""
    return _gt.tensor_scatter_nd_update(inputs, indices, updates)


def top_k(x: Any, k: int, sorted: bool = True):  # noqa: A002
    """``(values, indices)`` of the ``k`` largest entries of the last axis."""
    return _gt.math.top_k(x, k=k, sorted=sorted)


def one_hot(x: Any, num_classes: int, axis: int = -1, dtype: Any = None, sparse: bool = False):
    """One-hot rows for integer ids (float32 unless ``dtype``)."""
    return _gt.one_hot(x, num_classes, axis=axis, dtype=dtype or _gt.float32)


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False):  # noqa: A002
    """``numpy.linalg.norm`` on gradtape."""
    return _gnp.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)


def erf(x: Any):
    return _gt.math.erf(x)


def rsqrt(x: Any):
    return _gt.math.rsqrt(x)


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False):
    return _gt.reduce_logsumexp(x, axis=axis, keepdims=keepdims)


# -- neural-network ops (keras.ops.nn, also exported at the top level as in Keras) ------------
relu, relu6, sigmoid, softplus, softsign, silu, elu, selu = (
    _nn.relu, _nn.relu6, _nn.sigmoid, _nn.softplus, _nn.softsign, _nn.silu, _nn.elu, _nn.selu)
swish = silu


def gelu(x: Any, approximate: bool = True):
    """GELU; Keras's default is the tanh approximation (TensorFlow's ``gt.nn.gelu`` is exact)."""
    return _nn.gelu(x, approximate=approximate)


def leaky_relu(x: Any, negative_slope: float = 0.2):
    return _nn.leaky_relu(x, alpha=negative_slope)


def softmax(x: Any, axis: int = -1):
    return _nn.softmax(x, axis=axis)


def log_softmax(x: Any, axis: int = -1):
    return _nn.log_softmax(x, axis=axis)


def moments(x: Any, axes, keepdims: bool = False, synchronized: bool = False):
    return _nn.moments(x, axes=axes, keepdims=keepdims)


def binary_crossentropy(target: Any, output: Any, from_logits: bool = False):
    """Elementwise binary cross entropy (not reduced), as ``keras.ops.binary_crossentropy``."""
    if from_logits:
        return _nn.sigmoid_cross_entropy_with_logits(labels=_gt.cast(target, _gt.convert_to_tensor(output).dtype),
                                                     logits=output)
    out = _gt.clip_by_value(output, 1e-7, 1.0 - 1e-7)
    t = _gt.cast(target, out.dtype)
    return -(t * _gt.math.log(out) + (1.0 - t) * _gt.math.log(1.0 - out))


def categorical_crossentropy(target: Any, output: Any, from_logits: bool = False, axis: int = -1):
    """Cross entropy over ``axis`` for one-hot targets, one value per sample."""
    return _losses.categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(target: Any, output: Any, from_logits: bool = False, axis: int = -1):
    """Cross entropy for integer targets, one value per sample."""
    return _losses.sparse_categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


def reshape(x: Any, newshape):  # Keras's name for the shape argument
    return _array.reshape(x, newshape)
