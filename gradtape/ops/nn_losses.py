"""More of ``tf.nn``'s losses: weighted logistic loss, log Poisson loss, and the two scaling
helpers of distributed training (``compute_average_loss``, ``scale_regularization_loss``).

All are composites of differentiable ops, so they have reverse, forward and higher-order
derivatives. gradtape runs on one replica: the number of replicas in sync is 1.
"""

from __future__ import annotations

import math

import numpy as np

from .._engine.tensor import Tensor, to_array, wrap
from .array import expand_dims, squeeze, where
from .conv import _as_float
from .math import cast, divide_no_nan, exp, log, log1p, logical_and
from .reduce import reduce_sum

_NUM_REPLICAS = 1  # gradtape has no distribution strategies: one replica


def _same_shape(v, x, op: str, arg: str, xarg: str) -> Tensor:
    """``v`` as a tensor of ``x``'s dtype (when not a tensor yet), checked to have ``x``'s shape."""
    t = v if isinstance(v, Tensor) else wrap(to_array(v, x.dtype))
    if tuple(t.shape) != tuple(x.shape):
        raise ValueError(f"{op}: {arg} shape {tuple(t.shape)} and {xarg} shape {tuple(x.shape)} "
                         f"must be equal; give {arg} of {xarg}'s shape")
    return t


def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None) -> Tensor:
    """Logistic loss with the positive term weighted by ``pos_weight``:
    ``pos_weight * z * -log(sigmoid(x)) + (1 - z) * -log(1 - sigmoid(x))``.

    ``z = labels`` has the shape of ``x = logits``; ``pos_weight`` broadcasts against them.
    Computed as TensorFlow does, ``(1 - z) * x + l * (log1p(exp(-|x|)) + max(-x, 0))`` with
    ``l = 1 + (pos_weight - 1) * z``, so it is finite for logits of +-1000. The two kinks at
    ``x = 0`` cancel (their sum is ``softplus(-x)``); the gradient there is the smooth one,
    ``(1 - z) - l / 2``, where TensorFlow's subgradients give ``1 - z``.

    >>> import gradtape as gt
    >>> loss = gt.nn.weighted_cross_entropy_with_logits(
    ...     labels=gt.constant([1.0, 0.0]), logits=gt.constant([0.0, 0.0]), pos_weight=2.0)
    >>> [round(v, 4) for v in loss.numpy().tolist()]
    [1.3863, 0.6931]
    """
    op = "weighted_cross_entropy_with_logits"
    x = _as_float(logits, op, "logits")
    z = _same_shape(labels, x, op, "labels", "logits")
    q = pos_weight if isinstance(pos_weight, Tensor) else wrap(to_array(pos_weight, x.dtype))
    pos = x >= 0
    neg_abs = where(pos, -x, x)
    relu_neg = where(pos, 0.0, -x)
    return (1 - z) * x + (1 + (q - 1) * z) * (log1p(exp(neg_abs)) + relu_neg)


def log_poisson_loss(targets, log_input, compute_full_loss: bool = False, name=None) -> Tensor:
    """Negative log-likelihood of ``targets`` under a Poisson distribution of mean
    ``exp(log_input)``, up to a constant: ``exp(c) - z * c`` with ``c = log_input``, ``z = targets``.

    With ``compute_full_loss=True`` Stirling's approximation of ``log(z!)``,
    ``z * log(z) - z + 0.5 * log(2 * pi * z)``, is added where ``z`` is outside ``[0, 1]`` (the
    term is 0 for ``0 <= z <= 1``), as in TensorFlow. The unused branch is evaluated at
    ``z = 1``, so at ``z = 0`` the term adds 0 to the gradient with respect to ``targets``
    where TensorFlow's adds nan.

    >>> import gradtape as gt
    >>> c = gt.constant([0.0, 1.0])
    >>> z = gt.constant([1.0, 3.0])
    >>> [round(v, 4) for v in gt.nn.log_poisson_loss(z, c).numpy().tolist()]
    [1.0, -0.2817]
    >>> [round(v, 4) for v in gt.nn.log_poisson_loss(z, c, compute_full_loss=True).numpy().tolist()]
    [1.0, 1.4824]
    """
    op = "log_poisson_loss"
    c = _as_float(log_input, op, "log_input")
    z = _same_shape(targets, c, op, "targets", "log_input")
    result = exp(c) - c * z
    if compute_full_loss:
        inside = logical_and(z >= 0, z <= 1)
        safe = where(inside, 1.0, z)
        stirling = safe * log(safe) - safe + 0.5 * log((2 * math.pi) * safe)
        result = result + where(inside, 0.0, stirling)
    return result


def _batch_size(v, op: str) -> int:
    """``global_batch_size`` as a Python int, checked as TensorFlow does."""
    a = np.asarray(v._value if isinstance(v, Tensor) else v)
    if a.ndim != 0:
        raise ValueError(f"{op}: global_batch_size must be scalar, got shape {a.shape}")
    if a.dtype.kind not in "iu":
        raise TypeError(f"{op}: global_batch_size must be an integer, got {a.dtype.name} {a!r}; "
                        "pass the number of examples in the global batch as an int")
    if a < 0:
        raise ValueError(f"{op}: global_batch_size must be non-negative, got {int(a)}")
    return int(a)


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None) -> Tensor:
    """The sum of the (weighted) per-example losses divided by the global batch size.

    ``per_example_loss`` has rank >= 1. ``sample_weight`` (optional) multiplies it after
    TensorFlow's shape adjustment: a scalar as is; a weight of one rank more has its last
    dimension (of size 1) squeezed, one of one rank less gets a last dimension of 1; then the
    two broadcast. ``global_batch_size`` (a non-negative int) defaults to the first dimension of
    ``per_example_loss`` times the number of replicas, 1 here. A batch size of 0 gives 0, as
    ``tf.math.divide_no_nan``. The result has the dtype of ``per_example_loss``; weighted
    float64 losses are scaled in float64 (TensorFlow rounds them to float32 first).

    >>> import gradtape as gt
    >>> float(gt.nn.compute_average_loss(gt.constant([1.0, 2.0, 3.0, 6.0])))
    3.0
    >>> float(gt.nn.compute_average_loss(gt.constant([1.0, 3.0]), sample_weight=[2.0, 0.0],
    ...                                  global_batch_size=4))
    0.5
    """
    op = "compute_average_loss"
    loss = _as_float(per_example_loss, op, "per_example_loss")
    if loss.ndim == 0:
        raise ValueError(f"{op}: per_example_loss must have rank >= 1 (one loss per example), got "
                         "a scalar; pass the unreduced losses, e.g. a loss with reduction NONE")
    dtype = loss.dtype
    if sample_weight is not None:
        # TensorFlow scales in float32 at least (float16 losses are scaled in float32)
        work = np.dtype(np.float32) if dtype.itemsize < 4 else dtype
        w = sample_weight if isinstance(sample_weight, Tensor) else wrap(to_array(sample_weight))
        w_shape = tuple(w.shape)
        w = w if w.dtype == work else cast(w, work)
        scaled = loss if dtype == work else cast(loss, work)
        if w.ndim and w.ndim - loss.ndim == 1:
            if w.shape[-1] != 1:
                raise ValueError(f"{op}: sample_weight of shape {tuple(w.shape)} has one dimension "
                                 f"more than per_example_loss {tuple(loss.shape)}, so its last "
                                 "dimension must be 1 (it is squeezed)")
            w = squeeze(w, axis=-1)
        elif w.ndim and loss.ndim - w.ndim == 1:
            w = expand_dims(w, -1)
        try:
            np.broadcast_shapes(tuple(w.shape), tuple(loss.shape))
        except ValueError:
            raise ValueError(f"{op}: sample_weight of shape {w_shape} does not broadcast to "
                             f"per_example_loss of shape {tuple(loss.shape)}; give one weight per example "
                             "(shape [batch]) or one per loss") from None
        loss = scaled * w
        if loss.dtype != dtype:
            loss = cast(loss, dtype)
    if global_batch_size is None:
        n = int(loss.shape[0]) * _NUM_REPLICAS
    else:
        n = _batch_size(global_batch_size, op)
    return divide_no_nan(reduce_sum(loss), wrap(np.asarray(n, dtype)))


def scale_regularization_loss(regularization_loss) -> Tensor:
    """The sum of ``regularization_loss`` divided by the number of replicas (1 here).

    >>> import gradtape as gt
    >>> float(gt.nn.scale_regularization_loss(gt.constant([0.5, 1.5])))
    2.0
    """
    x = regularization_loss if isinstance(regularization_loss, Tensor) else wrap(to_array(regularization_loss))
    return reduce_sum(x) / _NUM_REPLICAS


__all__ = ["weighted_cross_entropy_with_logits", "log_poisson_loss", "compute_average_loss",
           "scale_regularization_loss"]
