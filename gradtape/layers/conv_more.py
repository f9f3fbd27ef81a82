"""More convolution layers, as Keras 3's: Conv3D, Conv1DTranspose/Conv2DTranspose/Conv3DTranspose,
DepthwiseConv1D/2D and SeparableConv1D/2D (kernels in Keras's layouts, so Keras weights load).

Every layer takes Keras's ``data_format`` (``"channels_first"`` inputs are transposed) and the
``<weight>_regularizer``, ``<weight>_constraint`` and ``activity_regularizer`` arguments of its
weights (``kernel``/``bias``; ``depthwise``, ``pointwise``), which work as in
:class:`gradtape.layers.Dense`.
"""

from __future__ import annotations

from typing import Any

import gradtape as gt
from . import activations
from ._layer_args import data_format as _data_format, from_last, int_tuple, padding_mode, take_weight_options, to_last
from ._regularization import set_weight_options, weight_options
from .base import InputSpecError, Layer

__all__ = ["Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", "DepthwiseConv1D",
           "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D", "Convolution3D",
           "Convolution1DTranspose", "Convolution2DTranspose", "Convolution3DTranspose", "SeparableConvolution1D",
           "SeparableConvolution2D"]


class _BaseConv(Layer):
    """Arguments, input checks, bias, activation and ``channels_first`` handling of the convolutions."""

    _rank = 2
    _has_filters = True
    _weight_names: tuple[str, ...] = ("kernel", "bias")

    def __init__(self, filters: int | None, kernel_size, strides=1, padding: str = "valid",
                 data_format: str | None = None, dilation_rate=1, activation: Any = None,
                 use_bias: bool = True, bias_initializer: Any = "zeros", **kwargs: Any):
        options = take_weight_options(kwargs, self._weight_names)
        super().__init__(**kwargs)
        set_weight_options(self, **options)
        who, n = type(self).__name__, self._rank
        if self._has_filters:
            if not isinstance(filters, int) or isinstance(filters, bool) or filters <= 0:
                raise ValueError(f"{who}: `filters` must be a positive integer, got filters={filters!r}")
            self.filters = filters
        self.kernel_size = int_tuple(kernel_size, n, "kernel_size", who)
        self.strides = int_tuple(strides, n, "strides", who)
        self.dilation_rate = int_tuple(dilation_rate, n, "dilation_rate", who)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{who}: `strides` > 1 cannot be combined with `dilation_rate` > 1, got "
                             f"strides={self.strides} and dilation_rate={self.dilation_rate}")
        self.padding = padding_mode(padding, who)
        self.data_format = _data_format(data_format, who)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.bias_initializer = bias_initializer

    def _shape_text(self, channels: Any = "channels") -> str:
        spatial = {1: "steps", 2: "height, width", 3: "dim1, dim2, dim3"}[self._rank]
        if self.data_format == "channels_first":
            return f"(batch, {channels}, {spatial})"
        return f"(batch, {spatial}, {channels})"

    def _in_channels(self, input_shape) -> int:
        if len(input_shape) != self._rank + 2:
            raise InputSpecError(f"{self.name}: expected inputs of shape {self._shape_text()}, got "
                                 f"{tuple(input_shape)}")
        return int(input_shape[1] if self.data_format == "channels_first" else input_shape[-1])

    def _bias(self, n: int) -> None:
        self.bias = (self.add_weight("bias", (n,), self.bias_initializer, **weight_options(self, "bias"))
                     if self.use_bias else None)

    def call(self, inputs):
        c = self._channels_in
        if inputs.ndim != self._rank + 2 or self._in_channels(inputs.shape) != c:
            raise InputSpecError(f"{self.name}: expected inputs of shape {self._shape_text(c)}, got "
                                 f"{tuple(inputs.shape)}")
        y = self._conv(to_last(inputs, self.data_format))
        if self.use_bias:
            y = y + self.bias
        return from_last(self.activation(y), self.data_format)

    def _conv(self, x):  # pragma: no cover - abstract
        raise NotImplementedError


class Conv3D(_BaseConv):
    """3-D convolution over ``(batch, d1, d2, d3, channels)``, as ``keras.layers.Conv3D``.

    The kernel has shape ``(k1, k2, k3, in_channels, filters)``.

    >>> import gradtape as gt
    >>> conv = gt.layers.Conv3D(4, 3, padding="same")
    >>> conv(gt.ones((1, 5, 5, 5, 2))).shape
    (1, 5, 5, 5, 4)
    >>> conv.kernel.shape
    (3, 3, 3, 2, 4)
    """

    _rank = 3

    def __init__(self, filters: int, kernel_size, strides=(1, 1, 1), padding: str = "valid",
                 data_format: str | None = None, dilation_rate=(1, 1, 1), groups: int = 1,
                 activation: Any = None, use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", **kwargs: Any):
        if groups != 1:
            raise NotImplementedError(f"Conv3D: only groups=1 is supported, got groups={groups!r}")
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, bias_initializer, **kwargs)
        self.groups = 1
        self.kernel_initializer = kernel_initializer

    def build(self, input_shape) -> None:
        self._channels_in = self._in_channels(input_shape)
        self.kernel = self.add_weight("kernel", self.kernel_size + (self._channels_in, self.filters),
                                      self.kernel_initializer, **weight_options(self, "kernel"))
        self._bias(self.filters)

    def _conv(self, x):
        return gt.nn.conv3d(x, self.kernel, strides=[1, *self.strides, 1], padding=self.padding.upper(),
                            dilations=[1, *self.dilation_rate, 1])


def _transpose_size(size: int, k: int, s: int, padding: str, out_pad: int | None, d: int) -> int:
    # Keras's output size of a transposed convolution (backend_utils._get_output_shape_given_tf_padding).
    k = (k - 1) * d + 1
    if padding == "valid":
        return (size - 1) * s + k + (max(k, s) - k if out_pad is None else out_pad)
    return size * s if out_pad is None else (size - 1) * s + k % 2 + out_pad


class _ConvTranspose(_BaseConv):
    _op = "conv2d_transpose"

    def __init__(self, filters: int, kernel_size, strides=1, padding: str = "valid", output_padding=None,
                 data_format: str | None = None, dilation_rate=1, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros", **kwargs: Any):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, bias_initializer, **kwargs)
        who = type(self).__name__
        self.output_padding = (None if output_padding is None else
                               int_tuple(output_padding, self._rank, "output_padding", who, allow_zero=True))
        if self.output_padding is not None:
            for i, (op, s) in enumerate(zip(self.output_padding, self.strides)):
                if op >= s:
                    raise ValueError(f"{who}: each value of `output_padding` must be less than the stride; at "
                                     f"dimension {i} output_padding={op} but strides={s}")
        self.kernel_initializer = kernel_initializer

    def build(self, input_shape) -> None:
        self._channels_in = self._in_channels(input_shape)
        self.kernel = self.add_weight("kernel", self.kernel_size + (self.filters, self._channels_in),
                                      self.kernel_initializer, **weight_options(self, "kernel"))
        self._bias(self.filters)

    def _conv(self, x):
        ops = self.output_padding or (None,) * self._rank
        size = [_transpose_size(x.shape[1 + i], self.kernel_size[i], self.strides[i], self.padding, ops[i],
                                self.dilation_rate[i]) for i in range(self._rank)]
        op = getattr(gt.nn, self._op)
        return op(x, self.kernel, [x.shape[0], *size, self.filters], [1, *self.strides, 1],
                  padding=self.padding.upper(), dilations=[1, *self.dilation_rate, 1])


class Conv1DTranspose(_ConvTranspose):
    """Transposed 1-D convolution over ``(batch, steps, channels)``, as ``keras.layers.Conv1DTranspose``.

    The kernel has shape ``(k, filters, in_channels)``. The output length is
    ``steps * strides`` for ``"same"`` padding and ``(steps - 1) * strides + max(k, strides)``
    for ``"valid"``, unless ``output_padding`` is given.

    >>> import gradtape as gt
    >>> conv = gt.layers.Conv1DTranspose(4, 3, strides=2)
    >>> conv(gt.ones((2, 5, 3))).shape
    (2, 11, 4)
    """

    _rank = 1
    _op = "conv1d_transpose"

    def _conv(self, x):
        ops = self.output_padding or (None,)
        size = _transpose_size(x.shape[1], self.kernel_size[0], self.strides[0], self.padding, ops[0],
                               self.dilation_rate[0])
        return gt.nn.conv1d_transpose(x, self.kernel, [x.shape[0], size, self.filters], self.strides[0],
                                      padding=self.padding.upper(), dilations=self.dilation_rate[0])


class Conv2DTranspose(_ConvTranspose):
    """Transposed 2-D convolution (the gradient of Conv2D), as ``keras.layers.Conv2DTranspose``.

    The kernel has shape ``(kh, kw, filters, in_channels)``; ``output_padding`` adds rows and
    columns on the bottom and right.

    >>> import gradtape as gt
    >>> conv = gt.layers.Conv2DTranspose(4, 3, strides=2, padding="same")
    >>> conv(gt.ones((1, 4, 4, 2))).shape
    (1, 8, 8, 4)
    >>> conv.kernel.shape
    (3, 3, 4, 2)
    """

    _rank = 2


class Conv3DTranspose(_ConvTranspose):
    """Transposed 3-D convolution, as ``keras.layers.Conv3DTranspose`` (kernel ``(k1, k2, k3, filters, in)``).

    >>> import gradtape as gt
    >>> gt.layers.Conv3DTranspose(2, 2, strides=2)(gt.ones((1, 2, 2, 2, 3))).shape
    (1, 4, 4, 4, 2)
    """

    _rank = 3
    _op = "conv3d_transpose"


class _Depthwise(_BaseConv):
    _has_filters = False
    _weight_names = ("depthwise", "bias")

    def __init__(self, kernel_size, strides=1, padding: str = "valid", depth_multiplier: int = 1,
                 data_format: str | None = None, dilation_rate=1, activation: Any = None, use_bias: bool = True,
                 depthwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros", **kwargs: Any):
        super().__init__(None, kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, bias_initializer, **kwargs)
        if not isinstance(depth_multiplier, int) or depth_multiplier <= 0:
            raise ValueError(f"{type(self).__name__}: `depth_multiplier` must be a positive integer, got "
                             f"depth_multiplier={depth_multiplier!r}")
        self.depth_multiplier = depth_multiplier
        self.depthwise_initializer = depthwise_initializer

    def build(self, input_shape) -> None:
        self._channels_in = self._in_channels(input_shape)
        self.kernel = self.add_weight("kernel", self.kernel_size + (self._channels_in, self.depth_multiplier),
                                      self.depthwise_initializer, **weight_options(self, "depthwise"))
        self._bias(self._channels_in * self.depth_multiplier)

    def _conv(self, x):
        x, k = _as_2d(self, x, self.kernel)
        s, d = _pair2(self, self.strides), _pair2(self, self.dilation_rate)
        y = gt.nn.depthwise_conv2d(x, k, [1, *s, 1], self.padding.upper(), dilations=d)
        return _from_2d(self, y)


def _pair2(layer, v: tuple) -> tuple:
    return v if layer._rank == 2 else (1,) + v


def _as_2d(layer, x, *kernels):
    """1-D inputs and kernels as 2-D ones with a height of 1 (2-D ones unchanged)."""
    if layer._rank == 2:
        return (x,) + kernels
    return (gt.expand_dims(x, 1),) + tuple(gt.expand_dims(k, 0) for k in kernels)


def _from_2d(layer, y):
    return y if layer._rank == 2 else gt.squeeze(y, 1)


class DepthwiseConv1D(_Depthwise):
    """Convolve each input channel with its own ``depth_multiplier`` filters, over ``(batch, steps, channels)``.

    The kernel has shape ``(k, in_channels, depth_multiplier)``; the output has
    ``in_channels * depth_multiplier`` channels, as ``keras.layers.DepthwiseConv1D``.

    >>> import gradtape as gt
    >>> gt.layers.DepthwiseConv1D(3, depth_multiplier=2)(gt.ones((1, 6, 4))).shape
    (1, 4, 8)
    """

    _rank = 1


class DepthwiseConv2D(_Depthwise):
    """Convolve each input channel with its own ``depth_multiplier`` filters, as ``keras.layers.DepthwiseConv2D``.

    The kernel (named ``kernel``, as Keras 3) has shape ``(kh, kw, in_channels, depth_multiplier)``
    and the bias ``(in_channels * depth_multiplier,)``.

    >>> import gradtape as gt
    >>> conv = gt.layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2)
    >>> conv(gt.ones((1, 5, 5, 3))).shape
    (1, 5, 5, 6)
    >>> conv.kernel.shape
    (3, 3, 3, 2)
    """

    _rank = 2


class _Separable(_BaseConv):
    _weight_names = ("depthwise", "pointwise", "bias")

    def __init__(self, filters: int, kernel_size, strides=1, padding: str = "valid",
                 data_format: str | None = None, dilation_rate=1, depth_multiplier: int = 1,
                 activation: Any = None, use_bias: bool = True, depthwise_initializer: Any = "glorot_uniform",
                 pointwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros", **kwargs: Any):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, bias_initializer, **kwargs)
        if not isinstance(depth_multiplier, int) or depth_multiplier <= 0:
            raise ValueError(f"{type(self).__name__}: `depth_multiplier` must be a positive integer, got "
                             f"depth_multiplier={depth_multiplier!r}")
        self.depth_multiplier = depth_multiplier
        self.depthwise_initializer = depthwise_initializer
        self.pointwise_initializer = pointwise_initializer

    def build(self, input_shape) -> None:
        c = self._channels_in = self._in_channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", self.kernel_size + (c, self.depth_multiplier), self.depthwise_initializer,
            **weight_options(self, "depthwise"))
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", (1,) * self._rank + (c * self.depth_multiplier, self.filters),
            self.pointwise_initializer, **weight_options(self, "pointwise"))
        self._bias(self.filters)

    def _conv(self, x):
        x, dk, pk = _as_2d(self, x, self.depthwise_kernel, self.pointwise_kernel)
        s, d = _pair2(self, self.strides), _pair2(self, self.dilation_rate)
        y = gt.nn.separable_conv2d(x, dk, pk, [1, *s, 1], self.padding.upper(), dilations=d)
        return _from_2d(self, y)


class SeparableConv1D(_Separable):
    """A depthwise 1-D convolution then a pointwise one, as ``keras.layers.SeparableConv1D``.

    >>> import gradtape as gt
    >>> gt.layers.SeparableConv1D(5, 3, padding="same")(gt.ones((1, 6, 4))).shape
    (1, 6, 5)
    """

    _rank = 1


class SeparableConv2D(_Separable):
    """A depthwise convolution then a 1x1 one mixing channels, as ``keras.layers.SeparableConv2D``.

    Weights: ``depthwise_kernel`` ``(kh, kw, in, depth_multiplier)``, ``pointwise_kernel``
    ``(1, 1, in * depth_multiplier, filters)`` and ``bias`` ``(filters,)``.

    >>> import gradtape as gt
    >>> conv = gt.layers.SeparableConv2D(8, 3)
    >>> conv(gt.ones((1, 5, 5, 3))).shape
    (1, 3, 3, 8)
    >>> [w.shape for w in conv.get_weights()]
    [(3, 3, 3, 1), (1, 1, 3, 8), (8,)]
    """

    _rank = 2


Convolution3D, SeparableConvolution1D, SeparableConvolution2D = Conv3D, SeparableConv1D, SeparableConv2D
Convolution1DTranspose, Convolution2DTranspose, Convolution3DTranspose = (
    Conv1DTranspose, Conv2DTranspose, Conv3DTranspose)
