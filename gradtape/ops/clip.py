"""Clipping values and norms (composites of primitives; no rules of their own)."""

from __future__ import annotations

from .._engine.tensor import Tensor
from .array import where
from .math import maximum, minimum, sqrt
from .reduce import reduce_sum


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """Clip to ``[clip_value_min, clip_value_max]``. The gradient passes where ``t`` is inside
    the interval, ends included, as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.clip_by_value(gt.constant([-2.0, 0.5, 3.0]), -1.0, 1.0).numpy()
    array([-1. ,  0.5,  1. ], dtype=float32)
    """
    return minimum(maximum(t, clip_value_min), clip_value_max)


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """Rescale ``t`` so that its L2 norm (over ``axes``) is at most ``clip_norm``.

    >>> import gradtape as gt
    >>> gt.clip_by_norm(gt.constant([3.0, 4.0]), 1.0).numpy()
    array([0.6, 0.8], dtype=float32)
    """
    t = t if isinstance(t, Tensor) else Tensor(t)
    l2sum = reduce_sum(t * t, axis=axes, keepdims=True)
    nonzero = l2sum > 0  # as TensorFlow: a zero tensor gets a finite gradient
    l2norm = where(nonzero, sqrt(where(nonzero, l2sum, 1.0)), l2sum)
    return t * clip_norm / maximum(l2norm, clip_norm)


__all__ = ["clip_by_value", "clip_by_norm"]
