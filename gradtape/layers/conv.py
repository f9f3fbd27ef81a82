"""Convolution and pooling layers (channels last), built on ``gt.nn.conv2d`` and the pools."""

from __future__ import annotations

from typing import Any

import gradtape as gt
from . import activations
from ._regularization import set_weight_options, weight_options
from .base import InputSpecError, Layer

__all__ = ["Conv1D", "Conv2D", "MaxPool2D", "AvgPool2D", "MaxPooling2D", "AveragePooling2D",
           "GlobalAveragePooling2D", "GlobalAvgPool2D", "GlobalMaxPooling2D", "GlobalMaxPool2D"]


def _pair(v, n: int, what: str) -> tuple[int, ...]:
    if isinstance(v, int):
        return (int(v),) * n
    v = tuple(int(x) for x in v)
    if len(v) != n:
        raise ValueError(f"{what} must be an int or a tuple of {n} ints, got {v}")
    return v


def _padding(p: str, allowed=("valid", "same")) -> str:
    p = str(p).lower()
    if p not in allowed:
        raise ValueError(f"padding must be one of {allowed}, got {p!r}")
    return p


def _need(fn: str):
    f = getattr(gt.nn, fn, None)
    if f is None:
        raise NotImplementedError(f"gt.nn.{fn} is not available in this build of gradtape")
    return f


class Conv2D(Layer):
    """2-D convolution over ``(batch, height, width, channels)``, as ``tf.keras.layers.Conv2D``.

    The kernel has shape ``(kh, kw, in_channels, filters)``; ``padding`` is ``"valid"`` or
    ``"same"``; ``strides`` and ``dilation_rate`` are ints or pairs. ``kernel_regularizer``,
    ``bias_regularizer``, ``activity_regularizer``, ``kernel_constraint`` and ``bias_constraint``
    work as in :class:`Dense`.

    >>> import gradtape as gt
    >>> conv = gt.layers.Conv2D(4, 3, padding="same", activation="relu")
    >>> conv(gt.ones((2, 8, 8, 1))).shape
    (2, 8, 8, 4)
    >>> conv.kernel.shape
    (3, 3, 1, 4)
    """

    def __init__(self, filters: int, kernel_size, strides=(1, 1), padding: str = "valid",
                 dilation_rate=(1, 1), activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 data_format: str | None = None, kernel_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, **kwargs: Any):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError("Conv2D: only data_format='channels_last' is supported")
        if int(filters) <= 0:
            raise ValueError(f"Conv2D: filters must be a positive integer, got {filters}")
        self.filters = int(filters)
        self.kernel_size = _pair(kernel_size, 2, "Conv2D kernel_size")
        self.strides = _pair(strides, 2, "Conv2D strides")
        self.dilation_rate = _pair(dilation_rate, 2, "Conv2D dilation_rate")
        if self.strides != (1, 1) and self.dilation_rate != (1, 1):
            raise ValueError("Conv2D: strides > 1 cannot be combined with dilation_rate > 1")
        self.padding = _padding(padding)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        set_weight_options(self, kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                           kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)

    def build(self, input_shape) -> None:
        if len(input_shape) != 4:
            raise InputSpecError(f"{self.name}: expected inputs of shape (batch, height, width, "
                                 f"channels), got {tuple(input_shape)}")
        self.kernel = self.add_weight("kernel", self.kernel_size + (input_shape[-1], self.filters),
                                      self.kernel_initializer, **weight_options(self, "kernel"))
        self.bias = (self.add_weight("bias", (self.filters,), self.bias_initializer, **weight_options(self, "bias"))
                     if self.use_bias else None)

    def call(self, inputs):
        if inputs.ndim != 4 or inputs.shape[-1] != self.kernel.shape[2]:
            raise InputSpecError(f"{self.name}: expected inputs of shape (batch, height, width, "
                                 f"{self.kernel.shape[2]}), got {tuple(inputs.shape)}")
        y = _need("conv2d")(inputs, self.kernel, strides=[1, *self.strides, 1],
                            padding=self.padding.upper(), dilations=[1, *self.dilation_rate, 1])
        if self.use_bias:
            y = y + self.bias
        return self.activation(y)


class Conv1D(Layer):
    """1-D convolution over ``(batch, steps, channels)``, as ``tf.keras.layers.Conv1D``.

    ``padding`` is ``"valid"``, ``"same"`` or ``"causal"`` (zeros on the left, so output ``t``
    sees inputs up to ``t`` only). The kernel has shape ``(k, in_channels, filters)``. The
    regularizer and constraint arguments work as in :class:`Dense`.

    >>> import gradtape as gt
    >>> conv = gt.layers.Conv1D(4, 3, padding="causal")
    >>> conv(gt.ones((2, 10, 3))).shape
    (2, 10, 4)
    """

    def __init__(self, filters: int, kernel_size, strides=1, padding: str = "valid", dilation_rate=1,
                 activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if int(filters) <= 0:
            raise ValueError(f"Conv1D: filters must be a positive integer, got {filters}")
        self.filters = int(filters)
        (self.kernel_size,) = _pair(kernel_size, 1, "Conv1D kernel_size")
        (self.strides,) = _pair(strides, 1, "Conv1D strides")
        (self.dilation_rate,) = _pair(dilation_rate, 1, "Conv1D dilation_rate")
        self.padding = _padding(padding, ("valid", "same", "causal"))
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        set_weight_options(self, kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                           kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)

    def build(self, input_shape) -> None:
        if len(input_shape) != 3:
            raise InputSpecError(f"{self.name}: expected inputs of shape (batch, steps, channels), "
                                 f"got {tuple(input_shape)}")
        self.kernel = self.add_weight("kernel", (self.kernel_size, input_shape[-1], self.filters),
                                      self.kernel_initializer, **weight_options(self, "kernel"))
        self.bias = (self.add_weight("bias", (self.filters,), self.bias_initializer, **weight_options(self, "bias"))
                     if self.use_bias else None)

    def call(self, inputs):
        if inputs.ndim != 3 or inputs.shape[-1] != self.kernel.shape[1]:
            raise InputSpecError(f"{self.name}: expected inputs of shape (batch, steps, "
                                 f"{self.kernel.shape[1]}), got {tuple(inputs.shape)}")
        x = inputs
        padding = self.padding
        if padding == "causal":
            pad = self.dilation_rate * (self.kernel_size - 1)
            if pad:
                b, _, c = x.shape
                x = gt.concat([gt.zeros((b, pad, c), dtype=x.dtype), x], axis=1)
            padding = "valid"
        b, w, c = x.shape
        x4 = gt.reshape(x, (b, 1, w, c))
        k4 = gt.reshape(self.kernel, (1,) + tuple(self.kernel.shape))
        y = _need("conv2d")(x4, k4, strides=[1, 1, self.strides, 1], padding=padding.upper(),
                            dilations=[1, 1, self.dilation_rate, 1])
        y = gt.reshape(y, (y.shape[0], y.shape[2], y.shape[3]))
        if self.use_bias:
            y = y + self.bias
        return self.activation(y)


class _Pool2D(Layer):
    _op = ""

    def __init__(self, pool_size=(2, 2), strides=None, padding: str = "valid",
                 data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError(f"{type(self).__name__}: only data_format='channels_last' is supported")
        self.pool_size = _pair(pool_size, 2, f"{type(self).__name__} pool_size")
        self.strides = (self.pool_size if strides is None
                        else _pair(strides, 2, f"{type(self).__name__} strides"))
        self.padding = _padding(padding)

    def call(self, inputs):
        if inputs.ndim != 4:
            raise InputSpecError(f"{self.name}: expected inputs of shape (batch, height, width, "
                                 f"channels), got {tuple(inputs.shape)}")
        return _need(self._op)(inputs, ksize=[1, *self.pool_size, 1], strides=[1, *self.strides, 1],
                               padding=self.padding.upper())


class MaxPool2D(_Pool2D):
    """Maximum over ``pool_size`` windows (strides default to the pool size), as Keras.

    >>> import gradtape as gt
    >>> gt.layers.MaxPool2D()(gt.ones((1, 4, 4, 3))).shape
    (1, 2, 2, 3)
    """

    _op = "max_pool2d"


class AvgPool2D(_Pool2D):
    """Mean over ``pool_size`` windows (strides default to the pool size), as Keras.

    With ``padding="same"`` the windows at the border average only the real inputs.

    >>> import gradtape as gt
    >>> gt.layers.AvgPool2D(pool_size=2)(gt.ones((1, 4, 4, 3))).numpy()[0, :, :, 0]
    array([[1., 1.],
           [1., 1.]], dtype=float32)
    """

    _op = "avg_pool2d"


MaxPooling2D, AveragePooling2D = MaxPool2D, AvgPool2D


class GlobalAveragePooling2D(Layer):
    """Mean over height and width: ``(b, h, w, c) -> (b, c)`` (``(b, 1, 1, c)`` with ``keepdims``).

    >>> import gradtape as gt
    >>> gt.layers.GlobalAveragePooling2D()(gt.ones((2, 4, 4, 3))).shape
    (2, 3)
    """

    def __init__(self, keepdims: bool = False, data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError("GlobalAveragePooling2D: only data_format='channels_last' is supported")
        self.keepdims = bool(keepdims)

    def call(self, inputs):
        if inputs.ndim != 4:
            raise InputSpecError(f"{self.name}: expected inputs of rank 4, got {tuple(inputs.shape)}")
        return gt.reduce_mean(inputs, axis=(1, 2), keepdims=self.keepdims)


class GlobalMaxPooling2D(GlobalAveragePooling2D):
    """Maximum over height and width: ``(b, h, w, c) -> (b, c)``.

    >>> import gradtape as gt
    >>> gt.layers.GlobalMaxPooling2D()(gt.ones((2, 4, 4, 3))).shape
    (2, 3)
    """

    def call(self, inputs):
        if inputs.ndim != 4:
            raise InputSpecError(f"{self.name}: expected inputs of rank 4, got {tuple(inputs.shape)}")
        return gt.reduce_max(inputs, axis=(1, 2), keepdims=self.keepdims)


GlobalAvgPool2D, GlobalMaxPool2D = GlobalAveragePooling2D, GlobalMaxPooling2D
