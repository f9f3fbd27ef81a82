"""Moments from sufficient statistics, and frequency-weighted moments, as ``tf.nn``.

``sufficient_statistics`` gives the count and the (optionally shifted) sums of the elements
and of their squares; ``normalize_moments`` turns them into a mean and a (biased) variance.
``weighted_moments`` is the two-pass weighted mean and variance. All are composites of
differentiable ops.
"""

from __future__ import annotations

import math

import numpy as np

from .._engine.tensor import Tensor, to_array, wrap
from ._rules import normalize_axes
from .array import broadcast_to, squeeze
from .math import cast, reciprocal, square, squared_difference
from .nn import _as_float_tensor
from .reduce import reduce_sum


def _like(v, x) -> Tensor:
    return v if isinstance(v, Tensor) else wrap(to_array(v, x.dtype))


def _axes(axes, ndim: int, op: str) -> tuple:
    if axes is None:
        raise ValueError(f"{op}: axes must be a list of ints, got None; to reduce over every axis "
                         f"pass axes=list(range(rank))")
    return normalize_axes(axes, ndim, op, "axes")


def sufficient_statistics(x, axes, shift=None, keepdims: bool = False, name=None):
    """The count, sum and sum of squares of ``x`` over ``axes``, optionally shifted by ``shift``.

    Returns ``(count, mean_ss, var_ss, shift)`` as TensorFlow: ``count`` (a constant of
    ``x``'s dtype) is the number of elements reduced, ``mean_ss = sum(x - shift)``,
    ``var_ss = sum((x - shift) ** 2)`` (no shift: ``sum(x)`` and ``sum(x ** 2)``), and
    ``shift`` is returned as a tensor, or None. :func:`normalize_moments` turns them into a
    mean and a variance.

    >>> import gradtape as gt
    >>> count, m_ss, v_ss, shift = gt.nn.sufficient_statistics(gt.constant([1.0, 2.0, 3.0]), [0])
    >>> float(count), float(m_ss), float(v_ss), shift
    (3.0, 6.0, 14.0, None)
    """
    op = "sufficient_statistics"
    x = _as_float_tensor(x)
    ax = _axes(axes, x.ndim, op)
    count = wrap(np.asarray(math.prod(x.shape[x.ndim + a] for a in ax), x.dtype))
    if shift is not None:
        shift = _like(shift, x)
        m_ss, v_ss = x - shift, squared_difference(x, shift)
    else:
        m_ss, v_ss = x, square(x)
    m_ss = reduce_sum(m_ss, axis=ax, keepdims=keepdims)
    v_ss = reduce_sum(v_ss, axis=ax, keepdims=keepdims)
    return count, m_ss, v_ss, shift


def normalize_moments(counts, mean_ss, variance_ss, shift, name=None):
    """The mean and (biased) variance from the sufficient statistics of
    :func:`sufficient_statistics`: ``mean = mean_ss / counts + shift`` and
    ``variance = variance_ss / counts - (mean_ss / counts) ** 2`` (``shift`` may be None).

    >>> import gradtape as gt
    >>> mean, var = gt.nn.normalize_moments(3.0, gt.constant(6.0), gt.constant(14.0), None)
    >>> round(float(mean), 4), round(float(var), 4)
    (2.0, 0.6667)
    """
    m_ss = _as_float_tensor(mean_ss)
    divisor = reciprocal(_like(counts, m_ss))
    shifted_mean = m_ss * divisor
    mean = shifted_mean if shift is None else shifted_mean + _like(shift, m_ss)
    variance = _like(variance_ss, m_ss) * divisor - square(shifted_mean)
    return mean, variance


def weighted_moments(x, axes, frequency_weights, keepdims: bool = False, name=None):
    """The frequency-weighted mean and (biased) variance of ``x`` over ``axes``:
    ``mean = sum(w * x) / sum(w)`` and ``variance = sum(w * (x - mean) ** 2) / sum(w)``, with
    ``w = frequency_weights`` broadcast against ``x``.

    As in TensorFlow, float16 input is reduced in float32, and a zero total weight gives inf or
    nan.

    >>> import gradtape as gt
    >>> mean, var = gt.nn.weighted_moments(gt.constant([1.0, 3.0]), [0], gt.constant([3.0, 1.0]))
    >>> float(mean), float(var)
    (1.5, 0.75)
    """
    op = "weighted_moments"
    x = _as_float_tensor(x)
    half = x.dtype == np.float16
    if half:
        x = cast(x, np.float32)
    w = _like(frequency_weights, x)
    if w.dtype != x.dtype:
        w = cast(w, x.dtype)
    try:
        shape = np.broadcast_shapes(tuple(x.shape), tuple(w.shape))
    except ValueError:
        raise ValueError(f"{op}: frequency_weights of shape {tuple(w.shape)} does not broadcast "
                         f"against x of shape {tuple(x.shape)}") from None
    ax = _axes(axes, len(shape), op)
    total = reduce_sum(broadcast_to(w, shape), axis=ax, keepdims=True)
    divisor = reciprocal(total)
    mean = reduce_sum(w * x, axis=ax, keepdims=True) * divisor
    variance = reduce_sum(w * squared_difference(x, mean), axis=ax, keepdims=True) * divisor
    if not keepdims:
        mean, variance = squeeze(mean, axis=ax), squeeze(variance, axis=ax)
    if half:
        mean, variance = cast(mean, np.float16), cast(variance, np.float16)
    return mean, variance


__all__ = ["sufficient_statistics", "normalize_moments", "weighted_moments"]
