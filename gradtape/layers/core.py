"""Core layers: Dense, Activation, Flatten, Reshape, Dropout."""

from __future__ import annotations

from typing import Any

import numpy as np

import gradtape as gt
from . import activations
from ..initializers import draw_seed
from ._regularization import set_weight_options, weight_options
from .base import InputSpecError, Layer

__all__ = ["Dense", "Activation", "Flatten", "Reshape", "Dropout"]


class Dense(Layer):
    """``activation(inputs @ kernel + bias)`` on the last axis, as ``tf.keras.layers.Dense``.

    The kernel has shape ``(input_dim, units)``; inputs of rank > 2 are multiplied on their
    last axis. ``kernel_regularizer``/``bias_regularizer`` add penalties of the weights to
    ``losses``, ``activity_regularizer`` one of the outputs (divided by the batch size), and
    ``kernel_constraint``/``bias_constraint`` project the weights after each optimizer update.

    >>> import gradtape as gt
    >>> layer = gt.layers.Dense(3, activation="relu", kernel_initializer="ones")
    >>> layer(gt.constant([[1.0, -2.0]])).numpy()
    array([[0., 0., 0.]], dtype=float32)
    >>> layer.kernel.shape, layer.bias.shape
    ((2, 3), (3,))
    """

    _supports_masking = True  # passes the input's mask on, as in Keras

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if int(units) <= 0:
            raise ValueError(f"Dense: units must be a positive integer, got {units}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        set_weight_options(self, kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                           kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)

    def build(self, input_shape) -> None:
        if len(input_shape) < 1 or input_shape[-1] is None:
            raise InputSpecError(f"{self.name}: the last dimension of the inputs must be known, "
                                 f"got shape {input_shape}")
        self.kernel = self.add_weight("kernel", (input_shape[-1], self.units), self.kernel_initializer,
                                      **weight_options(self, "kernel"))
        self.bias = (self.add_weight("bias", (self.units,), self.bias_initializer, **weight_options(self, "bias"))
                     if self.use_bias else None)

    def call(self, inputs):
        if inputs._value.shape[-1] != self.kernel._value.shape[0]:
            raise InputSpecError(f"{self.name}: expected inputs with last dimension "
                                 f"{self.kernel.shape[0]}, got shape {tuple(inputs.shape)}")
        if inputs.ndim > 2:  # one 2-D product (its gradient needs no summing over batch axes)
            lead = tuple(inputs.shape[:-1])
            y = gt.reshape(gt.matmul(gt.reshape(inputs, (-1, inputs.shape[-1])), self.kernel),
                           lead + (self.units,))
        else:
            y = gt.matmul(inputs, self.kernel)
        if self.use_bias:
            y = y + self.bias
        return self.activation(y)


class Activation(Layer):
    """Apply an activation function (a name such as ``"relu"`` or a callable).

    >>> import gradtape as gt
    >>> gt.layers.Activation("relu")(gt.constant([-1.0, 1.0])).numpy()
    array([0., 1.], dtype=float32)
    """

    _supports_masking = True  # passes the input's mask on, as in Keras

    def __init__(self, activation: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)


class Flatten(Layer):
    """Flatten every axis but the first (the batch): ``(b, d1, d2, ...) -> (b, d1 * d2 * ...)``.

    >>> import gradtape as gt
    >>> gt.layers.Flatten()(gt.zeros((4, 2, 3))).shape
    (4, 6)
    """

    def call(self, inputs):
        if inputs.ndim == 1:
            return gt.expand_dims(inputs, -1)
        return gt.reshape(inputs, (inputs.shape[0], int(np.prod(inputs.shape[1:]))))


class Reshape(Layer):
    """Reshape every example to ``target_shape`` (the batch axis is kept; one entry may be -1).

    >>> import gradtape as gt
    >>> gt.layers.Reshape((3, 2))(gt.zeros((4, 6))).shape
    (4, 3, 2)
    """

    def __init__(self, target_shape, **kwargs: Any):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(s) for s in target_shape)

    def call(self, inputs):
        return gt.reshape(inputs, (inputs.shape[0],) + self.target_shape)


class Dropout(Layer):
    """Randomly zero a fraction ``rate`` of the inputs in training, scaling the rest by ``1/(1-rate)``.

    With ``training`` false or omitted (Keras's inference default) the inputs pass unchanged.
    The mask comes from the layer's own NumPy generator seeded by ``seed``, so a seeded layer
    gives the same sequence of masks in every run. ``noise_shape`` broadcasts one mask (for
    example ``(batch, 1, features)`` to drop the same features at every time step).

    >>> import gradtape as gt
    >>> layer = gt.layers.Dropout(0.5, seed=0)
    >>> x = gt.ones((2, 4))
    >>> bool((layer(x).numpy() == 1).all())
    True
    >>> sorted(set(layer(x, training=True).numpy().ravel().tolist()))
    [0.0, 2.0]
    """

    _supports_masking = True  # passes the input's mask on, as in Keras

    def __init__(self, rate: float, noise_shape=None, seed: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        rate = float(rate)
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"Dropout: rate must be in [0, 1), got {rate}")
        self.rate = rate
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self._rng = np.random.default_rng(draw_seed() if seed is None else seed)

    def call(self, inputs, training=None):
        if not training or self.rate == 0.0:
            return inputs
        shape = tuple(inputs.shape)
        if self.noise_shape is not None:
            shape = tuple(s if n is None else int(n) for s, n in zip(shape, self.noise_shape))
        keep = self._rng.random(shape) >= self.rate
        mask = keep.astype(inputs.dtype) * np.asarray(1.0 / (1.0 - self.rate), dtype=inputs.dtype)
        return inputs * mask
