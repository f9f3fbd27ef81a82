"""Activation layers with arguments: ReLU, LeakyReLU, PReLU, ELU and Softmax, as Keras 3's."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

import gradtape as gt
from ._regularization import set_weight_options, weight_options
from .base import InputSpecError, Layer

__all__ = ["ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax"]


def _number(value: Any, name: str, who: str, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{who}: `{name}` must be a number, got {name}={value!r}")
    if value < 0:
        raise ValueError(f"{who}: `{name}` cannot be negative, got {name}={value}")
    return float(value)


class ReLU(Layer):
    """Rectified linear unit with Keras's ``max_value``, ``negative_slope`` and ``threshold``.

    ``f(x) = max_value`` for ``x >= max_value``, ``x`` for ``threshold < x < max_value`` and
    ``negative_slope * (x - threshold)`` otherwise (as ``keras.layers.ReLU``).

    >>> import gradtape as gt
    >>> gt.layers.ReLU(max_value=2.0, negative_slope=0.5)(gt.constant([-2.0, 1.0, 3.0])).numpy()
    array([-1.,  1.,  2.], dtype=float32)
    """

    _supports_masking = True  # passes the input's mask on, as in Keras

    def __init__(self, max_value: float | None = None, negative_slope: float = 0.0, threshold: float = 0.0,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.max_value = _number(max_value, "max_value", "ReLU", allow_none=True)
        self.negative_slope = _number(negative_slope, "negative_slope", "ReLU")
        self.threshold = _number(threshold, "threshold", "ReLU")

    def call(self, inputs):
        x, slope, top, th = inputs, self.negative_slope, self.max_value, self.threshold
        # The same composition as Keras's ReLU.static_call, so values at the kinks match too.
        if slope:
            if top is None and th == 0:
                return gt.where(x > 0, x, x * slope)
            negative = gt.nn.relu(th - x) if th else gt.nn.relu(-x)
        y = gt.where(x > th, x, gt.zeros_like(x)) if th else gt.nn.relu(x)
        if top is not None:
            y = gt.minimum(y, top)
        if slope:
            y = y - slope * negative
        return y


class LeakyReLU(Layer):
    """``x`` for ``x >= 0``, else ``negative_slope * x`` (Keras 3's default slope is 0.3).

    The Keras 2 name ``alpha`` is accepted, with a deprecation warning, as Keras 3 does.

    >>> import gradtape as gt
    >>> gt.layers.LeakyReLU()(gt.constant([-1.0, 2.0])).numpy()
    array([-0.3,  2. ], dtype=float32)
    """

    _supports_masking = True  # passes the input's mask on, as in Keras

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("LeakyReLU: argument `alpha` is deprecated, use `negative_slope` instead",
                          DeprecationWarning, stacklevel=2)
        super().__init__(**kwargs)
        self.negative_slope = _number(negative_slope, "negative_slope", "LeakyReLU")

    def call(self, inputs):
        return gt.nn.leaky_relu(inputs, alpha=self.negative_slope)


class PReLU(Layer):
    """Leaky ReLU with a learned slope: ``relu(x) - alpha * relu(-x)``, as ``keras.layers.PReLU``.

    ``alpha`` has the shape of one example (``inputs.shape[1:]``), with size 1 on the
    ``shared_axes`` (for example ``shared_axes=[1, 2]`` shares one slope per channel of images).

    >>> import gradtape as gt
    >>> layer = gt.layers.PReLU(alpha_initializer=gt.initializers.Constant(0.25), shared_axes=[1])
    >>> layer(gt.constant([[[-4.0, 4.0]]])).numpy()
    array([[[-1.,  4.]]], dtype=float32)
    >>> layer.alpha.shape
    (1, 2)
    """

    _supports_masking = True  # passes the input's mask on, as in Keras

    def __init__(self, alpha_initializer: Any = "zeros", alpha_regularizer: Any = None, alpha_constraint: Any = None,
                 shared_axes: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.alpha_initializer = alpha_initializer
        set_weight_options(self, alpha_regularizer=alpha_regularizer, alpha_constraint=alpha_constraint)
        if shared_axes is None:
            self.shared_axes: list[int] | None = None
        else:
            axes = list(shared_axes) if isinstance(shared_axes, (list, tuple)) else [shared_axes]
            if not all(isinstance(a, int) and not isinstance(a, bool) and a >= 1 for a in axes):
                raise ValueError(f"PReLU: `shared_axes` must be axes >= 1 (axis 0 is the batch), got "
                                 f"shared_axes={shared_axes!r}")
            self.shared_axes = axes

    def build(self, input_shape) -> None:
        shape = list(input_shape[1:])
        for a in self.shared_axes or ():
            if a > len(shape):
                raise InputSpecError(f"{self.name}: shared axis {a} is out of range for inputs of shape "
                                     f"{tuple(input_shape)}")
            shape[a - 1] = 1
        self.alpha = self.add_weight("alpha", shape, self.alpha_initializer, **weight_options(self, "alpha"))

    def call(self, inputs):
        if inputs.ndim != self.alpha.ndim + 1 or any(
                a != 1 and a != d for a, d in zip(self.alpha.shape, inputs.shape[1:])):
            raise InputSpecError(f"{self.name}: built for examples of shape {tuple(self.alpha.shape)} "
                                 f"(1 on shared axes), got inputs of shape {tuple(inputs.shape)}")
        return gt.nn.relu(inputs) - self.alpha * gt.nn.relu(-inputs)


class ELU(Layer):
    """``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``, as ``keras.layers.ELU``.

    >>> import gradtape as gt
    >>> gt.layers.ELU(alpha=2.0)(gt.constant([-1.0, 1.0])).numpy().round(4)
    array([-1.2642,  1.    ], dtype=float32)
    """

    _supports_masking = True  # passes the input's mask on, as in Keras

    def __init__(self, alpha: float = 1.0, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.integer, np.floating)):
            raise TypeError(f"ELU: `alpha` must be a number, got alpha={alpha!r}")
        self.alpha = float(alpha)

    def call(self, inputs):
        y = gt.nn.elu(inputs)
        if self.alpha == 1.0:
            return y
        return gt.where(inputs > 0, y, self.alpha * y)


class Softmax(Layer):
    """Softmax over ``axis`` (an int or a tuple of axes), as ``keras.layers.Softmax``.

    A ``mask`` passed to the call (broadcastable to the inputs; true keeps an entry) gives masked
    entries a probability of exactly 0.

    >>> import gradtape as gt
    >>> sm = gt.layers.Softmax()
    >>> sm(gt.constant([[0.0, 0.0, 5.0]]), mask=[[True, True, False]]).numpy()
    array([[0.5, 0.5, 0. ]], dtype=float32)
    """

    _supports_masking = True  # passes the input's mask on, as in Keras

    def __init__(self, axis: int | tuple[int, ...] = -1, **kwargs: Any):
        super().__init__(**kwargs)
        axes = axis if isinstance(axis, (list, tuple)) else (axis,)
        if not axes or not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
            raise TypeError(f"Softmax: `axis` must be an int or a tuple of ints, got axis={axis!r}")
        self.axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis

    def call(self, inputs, mask=None):
        x = inputs
        if mask is not None:
            m = mask if isinstance(mask, gt.Tensor) else gt.constant(np.asarray(mask))
            if m.ndim > x.ndim or any(a != 1 and a != b for a, b in zip(m.shape[::-1], x.shape[::-1])):
                raise InputSpecError(f"{self.name}: the mask of shape {tuple(m.shape)} must broadcast to "
                                     f"the inputs of shape {tuple(x.shape)}")
            m = m if m.dtype == np.bool_ else m > 0.5
            m = gt.broadcast_to(m, x.shape)
            # Keras's large negative number: -1e9 (float32 and wider), -3e4 for float16.
            big = -3e4 if x.dtype == np.float16 else -1e9
            x = gt.where(m, x, gt.cast(gt.fill(x.shape, big), x.dtype))
        if isinstance(self.axis, tuple) and len(self.axis) > 1:
            y = gt.exp(x - gt.reduce_logsumexp(x, axis=self.axis, keepdims=True))
        else:
            ax = self.axis[0] if isinstance(self.axis, tuple) else self.axis
            y = gt.nn.softmax(x, axis=ax)
        if mask is not None:
            y = gt.where(m, y, gt.zeros_like(y))
        return y
