"""Normalization layers: BatchNormalization and LayerNormalization."""

from __future__ import annotations

from typing import Any

import numpy as np

import gradtape as gt
from ._masking import as_bool_mask
from .base import InputSpecError, Layer

__all__ = ["BatchNormalization", "LayerNormalization"]


def _axes(axis, ndim: int, who: str) -> tuple[int, ...]:
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise InputSpecError(f"{who}: axis {a} is out of range for inputs of rank {ndim}")
        out.append(a % ndim)
    return tuple(sorted(set(out)))


def _moments(x, axes: tuple[int, ...]):
    """Mean and (biased) variance over ``axes``, kept as broadcastable dimensions."""
    mean = gt.reduce_mean(x, axis=axes, keepdims=True)
    var = gt.reduce_mean(gt.square(x - mean), axis=axes, keepdims=True)
    return mean, var


def _masked_moments(x, axes: tuple[int, ...], mask):
    """Keras's moments of the unmasked entries (``mask`` has one axis less than ``x``, the
    feature axis); 1e-7 keeps an all-masked batch finite."""
    keep = np.broadcast_to(as_bool_mask(mask)[..., None], tuple(x.shape))
    weight = np.sum(keep, axis=axes, keepdims=True).astype(x.dtype) + np.asarray(1e-7, x.dtype)
    zero = gt.zeros_like(x)
    mean = gt.reduce_sum(gt.where(keep, x, zero), axis=axes, keepdims=True) / weight
    var = gt.reduce_sum(gt.square(gt.where(keep, x - mean, zero)), axis=axes, keepdims=True) / weight
    return mean, var


class BatchNormalization(Layer):
    """Normalize with the batch's statistics in training and moving averages in inference.

    As ``tf.keras.layers.BatchNormalization``: with ``training=True`` the output is
    ``gamma * (x - mean) / sqrt(var + epsilon) + beta`` with the batch mean and (biased)
    variance over every axis but ``axis``, and the moving statistics are updated with
    ``moving = moving * momentum + batch * (1 - momentum)`` by ``assign`` (not recorded, no
    gradient); with a mask (the input's, or ``mask=``) the statistics are those of the
    unmasked steps, as in Keras. Otherwise (``training`` false or omitted, or the layer frozen with
    ``trainable = False``) the moving statistics are used.

    >>> import gradtape as gt
    >>> bn = gt.layers.BatchNormalization(momentum=0.5)
    >>> x = gt.constant([[0.0, 10.0], [2.0, 30.0]])
    >>> bn(x, training=True).numpy().round(3)
    array([[-1., -1.],
           [ 1.,  1.]], dtype=float32)
    >>> bn.moving_mean.numpy()
    array([ 0.5, 10. ], dtype=float32)
    """

    _supports_masking = True  # passes the input's mask on, as in Keras

    def __init__(self, axis: Any = -1, momentum: float = 0.99, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True, beta_initializer: Any = "zeros",
                 gamma_initializer: Any = "ones", moving_mean_initializer: Any = "zeros",
                 moving_variance_initializer: Any = "ones", **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = axis
        self.momentum, self.epsilon = float(momentum), float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer

    def build(self, input_shape) -> None:
        nd = len(input_shape)
        self._axes = _axes(self.axis, nd, self.name)
        self._reduce = tuple(i for i in range(nd) if i not in self._axes)
        pshape = tuple(input_shape[a] for a in self._axes)
        self._bshape = tuple(input_shape[i] if i in self._axes else 1 for i in range(nd))
        self.gamma = self.add_weight("gamma", pshape, self.gamma_initializer) if self.scale else None
        self.beta = self.add_weight("beta", pshape, self.beta_initializer) if self.center else None
        self.moving_mean = self.add_weight("moving_mean", pshape, self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", pshape,
                                               self.moving_variance_initializer, trainable=False)

    def _param(self, v):
        return v if len(self._axes) == 1 and self._axes[0] == len(self._bshape) - 1 else \
            gt.reshape(v, self._bshape)

    def call(self, inputs, training=None, mask=None):
        if inputs.ndim != len(self._bshape):
            raise InputSpecError(f"{self.name}: built for inputs of rank {len(self._bshape)}, got "
                                 f"shape {tuple(inputs.shape)}")
        if mask is not None and np.ndim(as_bool_mask(mask)) != inputs.ndim - 1:
            raise ValueError(f"{self.name}: the mask provided should be one dimension less than the "
                             f"inputs, got mask.shape={np.shape(as_bool_mask(mask))}, "
                             f"inputs.shape={tuple(inputs.shape)}")
        if training and self.trainable:
            # Keras: with a mask, the batch statistics are those of the unmasked steps.
            mean, var = (_moments(inputs, self._reduce) if mask is None
                         else _masked_moments(inputs, self._reduce, mask))
            pshape = self.moving_mean.shape
            m = np.asarray(mean._value).reshape(pshape)
            v = np.asarray(var._value).reshape(pshape)
            mom = self.momentum
            self.moving_mean.assign((self.moving_mean.numpy() * mom + m * (1 - mom)).astype(m.dtype))
            self.moving_variance.assign((self.moving_variance.numpy() * mom + v * (1 - mom)).astype(v.dtype))
        else:
            mean, var = self._param(self.moving_mean), self._param(self.moving_variance)
        inv = gt.rsqrt(var + self.epsilon)
        if self.scale:
            inv = inv * self._param(self.gamma)
        y = (inputs - mean) * inv
        if self.center:
            y = y + self._param(self.beta)
        return y


class LayerNormalization(Layer):
    """Normalize each example over ``axis`` (the last by default), then scale and shift.

    ``gamma * (x - mean) / sqrt(var + epsilon) + beta`` with the mean and variance over
    ``axis``; the same in training and inference.

    >>> import gradtape as gt
    >>> ln = gt.layers.LayerNormalization(epsilon=0.0)
    >>> ln(gt.constant([[1.0, 3.0]])).numpy()
    array([[-1.,  1.]], dtype=float32)
    """

    _supports_masking = True  # passes the input's mask on, as in Keras

    def __init__(self, axis: Any = -1, epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                 beta_initializer: Any = "zeros", gamma_initializer: Any = "ones", **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer

    def build(self, input_shape) -> None:
        nd = len(input_shape)
        self._axes = _axes(self.axis, nd, self.name)
        pshape = tuple(input_shape[a] for a in self._axes)
        self._bshape = tuple(input_shape[i] if i in self._axes else 1 for i in range(nd))
        self._trailing = self._axes == tuple(range(nd - len(self._axes), nd))
        self.gamma = self.add_weight("gamma", pshape, self.gamma_initializer) if self.scale else None
        self.beta = self.add_weight("beta", pshape, self.beta_initializer) if self.center else None

    def _param(self, v):
        return v if self._trailing else gt.reshape(v, self._bshape)

    def call(self, inputs):
        if inputs.ndim != len(self._bshape):
            raise InputSpecError(f"{self.name}: built for inputs of rank {len(self._bshape)}, got "
                                 f"shape {tuple(inputs.shape)}")
        if self._trailing and inputs.dtype != gt.float16:  # one fused op (gt.nn.layer_normalization)
            return gt.nn.layer_normalization(inputs, self.gamma, self.beta, self.epsilon, self._axes)
        mean, var = _moments(inputs, self._axes)
        inv = gt.rsqrt(var + self.epsilon)
        if self.scale:
            inv = inv * self._param(self.gamma)
        y = (inputs - mean) * inv
        if self.center:
            y = y + self._param(self.beta)
        return y
