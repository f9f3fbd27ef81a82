"""GroupNormalization and UnitNormalization, as Keras 3's."""

from __future__ import annotations

from typing import Any

import gradtape as gt
from ._regularization import set_weight_options, weight_options
from .base import InputSpecError, Layer

__all__ = ["GroupNormalization", "UnitNormalization"]


class GroupNormalization(Layer):
    """Normalize each example over groups of channels, then scale and shift per channel.

    The ``axis`` (channels, the last by default) is split into ``groups`` groups; each group is
    normalized with the mean and (biased) variance over its channels and every non-batch axis:
    ``gamma * (x - mean) / sqrt(var + epsilon) + beta``, with ``gamma`` and ``beta`` of shape
    ``(channels,)``, as ``keras.layers.GroupNormalization``. ``groups=-1`` is instance
    normalization (one group per channel); ``groups=1`` normalizes like LayerNormalization
    over every non-batch axis.

    >>> import gradtape as gt
    >>> gn = gt.layers.GroupNormalization(groups=2, epsilon=0.0)
    >>> gn(gt.constant([[1.0, 3.0, 10.0, 30.0]])).numpy()
    array([[-1.,  1., -1.,  1.]], dtype=float32)
    """

    _supports_masking = True  # passes the input's mask on, as in Keras

    def __init__(self, groups: int = 32, axis: int = -1, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, **kwargs: Any):
        if not isinstance(groups, int) or isinstance(groups, bool) or (groups <= 0 and groups != -1):
            raise ValueError(f"GroupNormalization: `groups` must be a positive integer (or -1 for instance "
                             f"normalization), got groups={groups!r}")
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise TypeError(f"GroupNormalization: `axis` must be an integer, got axis={axis!r}")
        super().__init__(**kwargs)
        self.groups, self.axis = groups, axis
        self.epsilon = float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer
        set_weight_options(self, beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
                           beta_constraint=beta_constraint, gamma_constraint=gamma_constraint)

    def build(self, input_shape) -> None:
        nd = len(input_shape)
        if not -nd <= self.axis < nd or self.axis % nd == 0:
            raise InputSpecError(f"{self.name}: `axis`={self.axis} must be a non-batch axis of inputs of shape "
                                 f"{tuple(input_shape)}")
        self._axis = self.axis % nd
        dim = int(input_shape[self._axis])
        if self.groups == -1:
            self.groups = dim
        if dim < self.groups:
            raise ValueError(f"{self.name}: number of groups ({self.groups}) cannot be more than the number of "
                             f"channels ({dim})")
        if dim % self.groups:
            raise ValueError(f"{self.name}: the number of channels ({dim}) must be a multiple of the number "
                             f"of groups ({self.groups})")
        self._rank, self._dim = nd, dim
        self.gamma = (self.add_weight("gamma", (dim,), self.gamma_initializer, **weight_options(self, "gamma"))
                      if self.scale else None)
        self.beta = (self.add_weight("beta", (dim,), self.beta_initializer, **weight_options(self, "beta"))
                     if self.center else None)

    def call(self, inputs):
        if inputs.ndim != self._rank or inputs.shape[self._axis] != self._dim:
            raise InputSpecError(f"{self.name}: built for inputs of rank {self._rank} with {self._dim} channels "
                                 f"on axis {self.axis}, got shape {tuple(inputs.shape)}")
        shape, ax, g = tuple(inputs.shape), self._axis, self.groups
        grouped_shape = shape[:ax] + (g, self._dim // g) + shape[ax + 1:]
        x = gt.reshape(inputs, grouped_shape)
        axes = tuple(i for i in range(1, len(grouped_shape)) if i != ax)
        mean = gt.reduce_mean(x, axis=axes, keepdims=True)
        var = gt.reduce_mean(gt.square(x - mean), axis=axes, keepdims=True)
        inv = gt.rsqrt(var + self.epsilon)
        bshape = [1] * len(grouped_shape)
        bshape[ax], bshape[ax + 1] = g, self._dim // g
        if self.scale:
            inv = inv * gt.reshape(self.gamma, bshape)
        res = -mean * inv
        if self.center:
            res = res + gt.reshape(self.beta, bshape)
        return gt.reshape(x * inv + res, shape)


class UnitNormalization(Layer):
    """Scale each example to unit L2 norm along ``axis`` (an int or a list of axes), as Keras.

    ``x * min(1 / sqrt(sum(x ** 2)), 1e12)``, so an all-zero example stays zero.

    >>> import gradtape as gt
    >>> gt.layers.UnitNormalization()(gt.constant([[3.0, 4.0], [0.0, 0.0]])).numpy()
    array([[0.6, 0.8],
           [0. , 0. ]], dtype=float32)
    """

    _supports_masking = True  # passes the input's mask on, as in Keras

    def __init__(self, axis: int | list[int] = -1, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)) and all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
            self.axis: int | list[int] = list(axis)
        elif isinstance(axis, int) and not isinstance(axis, bool):
            self.axis = axis
        else:
            raise TypeError(f"UnitNormalization: `axis` must be an int or a list of ints, got axis={axis!r}")

    def call(self, inputs):
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        if any(not -inputs.ndim <= a < inputs.ndim for a in axes):
            raise InputSpecError(f"{self.name}: `axis`={self.axis} is out of range for inputs of shape "
                                 f"{tuple(inputs.shape)}")
        axis = tuple(a % inputs.ndim for a in axes)
        # Keras: x / max(||x||, 1e-12), so zero rows stay zero (and take no NaN gradient)
        squares = gt.reduce_sum(gt.square(inputs), axis=axis, keepdims=True)
        return inputs * gt.rsqrt(gt.maximum(squares, gt.cast(1e-24, inputs.dtype)))
