"""Regularization layers that are active only with ``training=True``: GaussianNoise, GaussianDropout,
AlphaDropout and SpatialDropout1D/2D/3D, as Keras 3's.

Each layer draws from its own NumPy generator seeded by ``seed`` (a seeded layer repeats its
sequence of draws in every run), as :class:`gradtape.layers.Dropout` does; the draws are not
Keras's, only their distribution is.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..initializers import draw_seed
from ._layer_args import check_rank, data_format as _data_format, rate as _rate
from .base import Layer
from .core import Dropout

__all__ = ["GaussianNoise", "GaussianDropout", "AlphaDropout", "SpatialDropout1D", "SpatialDropout2D",
           "SpatialDropout3D"]


class _Noise(Layer):
    _supports_masking = True  # passes the input's mask on, as in Keras

    def __init__(self, seed: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if seed is not None and (not isinstance(seed, (int, np.integer)) or isinstance(seed, bool)):
            raise TypeError(f"{type(self).__name__}: `seed` must be an integer or None, got seed={seed!r}")
        self.seed = seed
        self._rng = np.random.default_rng(draw_seed() if seed is None else int(seed))


class GaussianNoise(_Noise):
    """Add zero-centred Gaussian noise of standard deviation ``stddev`` in training.

    Keras accepts ``stddev`` in ``[0, 1]`` only, and so does this layer.

    >>> import gradtape as gt
    >>> layer = gt.layers.GaussianNoise(0.1, seed=0)
    >>> x = gt.ones((1000, 10))
    >>> bool((layer(x).numpy() == 1).all())
    True
    >>> round(float(gt.math.reduce_std(layer(x, training=True) - x)), 1)
    0.1
    """

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any):
        super().__init__(seed, **kwargs)
        self.stddev = _rate(stddev, "stddev", "GaussianNoise")

    def call(self, inputs, training=None):
        if not training or self.stddev == 0:
            return inputs
        noise = self._rng.standard_normal(tuple(inputs.shape)) * self.stddev
        return inputs + noise.astype(inputs.dtype)


class GaussianDropout(_Noise):
    """Multiply by Gaussian noise of mean 1 and variance ``rate / (1 - rate)`` in training.

    >>> import gradtape as gt
    >>> layer = gt.layers.GaussianDropout(0.2, seed=0)
    >>> y = layer(gt.ones((1000, 10)), training=True).numpy()
    >>> round(float(y.mean()), 1), round(float(y.std()), 1)
    (1.0, 0.5)
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any):
        super().__init__(seed, **kwargs)
        self.rate = _rate(rate, "rate", "GaussianDropout", upper_open=True)

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        std = math.sqrt(self.rate / (1.0 - self.rate))
        noise = 1.0 + self._rng.standard_normal(tuple(inputs.shape)) * std
        return inputs * noise.astype(inputs.dtype)


_ALPHA, _SCALE = 1.6732632423543772, 1.0507009873554805


class AlphaDropout(_Noise):
    """Dropout that keeps SELU activations' mean and variance: dropped entries take SELU's
    negative saturation value, then an affine correction, as ``keras.layers.AlphaDropout``.

    >>> import gradtape as gt
    >>> layer = gt.layers.AlphaDropout(0.2, seed=0)
    >>> x = gt.random.normal((2000, 50), seed=1)
    >>> y = layer(x, training=True).numpy()
    >>> round(float(y.mean()), 1), round(float(y.std()), 1)
    (0.0, 1.0)
    """

    def __init__(self, rate: float, noise_shape=None, seed: int | None = None, **kwargs: Any):
        super().__init__(seed, **kwargs)
        self.rate = _rate(rate, "rate", "AlphaDropout", upper_open=True)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        shape = tuple(inputs.shape)
        if self.noise_shape is not None:
            shape = tuple(s if n is None else int(n) for s, n in zip(shape, self.noise_shape))
        kept = (self._rng.random(shape) >= self.rate).astype(inputs.dtype)
        alpha_p = -_ALPHA * _SCALE
        a = ((1 - self.rate) * (1 + self.rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * self.rate
        # a * (x * kept + alpha_p * (1 - kept)) + b, with the constant parts folded in NumPy.
        return inputs * (a * kept).astype(inputs.dtype) + (a * alpha_p * (1 - kept) + b).astype(inputs.dtype)


class _SpatialDropout(Dropout):
    _rank = 1

    def __init__(self, rate: float, data_format: str | None = None, seed: int | None = None, **kwargs: Any):
        who = type(self).__name__
        super().__init__(_rate(rate, "rate", who, upper_open=True), seed=seed, **kwargs)
        self.data_format = _data_format(data_format, who)

    def call(self, inputs, training=None):
        spatial = {1: "steps", 2: "height, width", 3: "dim1, dim2, dim3"}[self._rank]
        check_rank(self, inputs, self._rank + 2, f"(batch, {spatial}, channels)")
        b = inputs.shape[0]
        if self.data_format == "channels_first":
            self.noise_shape = (b, inputs.shape[1]) + (1,) * self._rank
        else:
            self.noise_shape = (b,) + (1,) * self._rank + (inputs.shape[-1],)
        return super().call(inputs, training=training)


class SpatialDropout1D(_SpatialDropout):
    """Drop whole channels of ``(batch, steps, channels)`` inputs in training (one mask per example
    and channel, shared by every step), scaling the rest by ``1 / (1 - rate)``.

    >>> import gradtape as gt
    >>> y = gt.layers.SpatialDropout1D(0.5, seed=0)(gt.ones((2, 4, 3)), training=True).numpy()
    >>> bool((y == y[:, :1, :]).all())
    True
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any):
        super().__init__(rate, None, seed, **kwargs)


class SpatialDropout2D(_SpatialDropout):
    """Drop whole feature maps of ``(batch, height, width, channels)`` images in training.

    >>> import gradtape as gt
    >>> y = gt.layers.SpatialDropout2D(0.5, seed=0)(gt.ones((2, 3, 3, 4)), training=True).numpy()
    >>> bool((y == y[:, :1, :1, :]).all())
    True
    """

    _rank = 2


class SpatialDropout3D(_SpatialDropout):
    """Drop whole feature volumes of ``(batch, d1, d2, d3, channels)`` inputs in training.

    >>> import gradtape as gt
    >>> gt.layers.SpatialDropout3D(0.5)(gt.ones((1, 2, 2, 2, 3))).shape
    (1, 2, 2, 2, 3)
    """

    _rank = 3
