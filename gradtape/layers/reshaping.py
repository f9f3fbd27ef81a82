"""Shape layers: RepeatVector, Permute, UpSampling1D/2D/3D, ZeroPadding1D/2D/3D, Cropping1D/2D/3D
and Lambda, as Keras 3's."""

from __future__ import annotations

import inspect
from typing import Any, Callable

import gradtape as gt
from ._layer_args import check_rank, data_format, from_last, int_tuple, pairs, positive_int, to_last
from .base import InputSpecError, Layer

__all__ = ["RepeatVector", "Permute", "UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D",
           "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D", "Lambda"]


class RepeatVector(Layer):
    """Repeat each example ``n`` times: ``(batch, features) -> (batch, n, features)``.

    >>> import gradtape as gt
    >>> gt.layers.RepeatVector(3)(gt.constant([[1.0, 2.0]])).numpy()
    array([[[1., 2.],
            [1., 2.],
            [1., 2.]]], dtype=float32)
    """

    def __init__(self, n: int, **kwargs: Any):
        super().__init__(**kwargs)
        self.n = positive_int(n, "n", "RepeatVector")

    def call(self, inputs):
        check_rank(self, inputs, 2, "(batch, features)")
        return gt.repeat(gt.expand_dims(inputs, 1), self.n, axis=1)


class Permute(Layer):
    """Permute the non-batch axes: ``dims`` is a permutation of ``1..rank-1``, as ``keras.layers.Permute``.

    >>> import gradtape as gt
    >>> gt.layers.Permute((2, 1))(gt.zeros((4, 10, 64))).shape
    (4, 64, 10)
    """

    def __init__(self, dims, **kwargs: Any):
        super().__init__(**kwargs)
        dims = tuple(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(f"Permute: `dims` must be a permutation of 1..{len(dims)} (the batch axis 0 "
                             f"is not permuted), got dims={dims}")
        self.dims = dims

    def call(self, inputs):
        check_rank(self, inputs, len(self.dims) + 1, f"(batch, {len(self.dims)} axes)")
        return gt.transpose(inputs, (0,) + self.dims)


class _Spatial(Layer):
    """Base of the layers acting on the spatial axes of ``(batch, *spatial, channels)``."""

    _rank = 1
    _has_format = True

    def _fmt(self, value) -> str:
        return data_format(value, type(self).__name__)

    def _shape_text(self) -> str:
        spatial = {1: "steps", 2: "height, width", 3: "dim1, dim2, dim3"}[self._rank]
        return f"(batch, {spatial}, channels)"

    def call(self, inputs):
        check_rank(self, inputs, self._rank + 2, self._shape_text())
        fmt = getattr(self, "data_format", "channels_last")
        return from_last(self._apply(to_last(inputs, fmt)), fmt)

    def _apply(self, x):  # pragma: no cover - abstract
        raise NotImplementedError


class UpSampling1D(_Spatial):
    """Repeat every time step ``size`` times: ``(b, steps, c) -> (b, steps * size, c)``.

    >>> import gradtape as gt
    >>> gt.layers.UpSampling1D(2)(gt.constant([[[1.0], [2.0]]])).numpy()[0, :, 0]
    array([1., 1., 2., 2.], dtype=float32)
    """

    def __init__(self, size: int = 2, **kwargs: Any):
        super().__init__(**kwargs)
        self.size = positive_int(size, "size", "UpSampling1D")

    def _apply(self, x):
        return gt.repeat(x, self.size, axis=1)


_METHODS = ("nearest", "bilinear", "area")  # Keras's others (bicubic, lanczos3/5) need gt.image.resize's


class UpSampling2D(_Spatial):
    """Enlarge images by ``size`` (rows, columns) factors, as ``keras.layers.UpSampling2D``.

    ``interpolation="nearest"`` (the default) repeats rows and columns; ``"bilinear"`` and
    ``"area"`` resize as ``tf.image.resize`` does (half-pixel centres, no antialiasing). Keras's
    ``"bicubic"``, ``"lanczos3"`` and ``"lanczos5"`` raise NotImplementedError.

    >>> import gradtape as gt
    >>> gt.layers.UpSampling2D(interpolation="bilinear")(gt.ones((1, 2, 3, 4))).shape
    (1, 4, 6, 4)
    """

    _rank = 2

    def __init__(self, size=(2, 2), data_format: str | None = None, interpolation: str = "nearest",
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.size = int_tuple(size, 2, "size", "UpSampling2D")
        self.data_format = self._fmt(data_format)
        method = str(interpolation).lower()
        if method in ("bicubic", "lanczos3", "lanczos5"):
            raise NotImplementedError(f"UpSampling2D: interpolation={interpolation!r} is not supported (only "
                                      f"{_METHODS})")
        if method not in _METHODS:
            raise ValueError(f"UpSampling2D: `interpolation` must be one of {_METHODS}, got "
                             f"interpolation={interpolation!r}")
        self.interpolation = method

    def _apply(self, x):
        if self.interpolation == "nearest":
            return gt.repeat(gt.repeat(x, self.size[0], axis=1), self.size[1], axis=2)
        size = (x.shape[1] * self.size[0], x.shape[2] * self.size[1])
        y = gt.image.resize(x, size, method=self.interpolation)
        return y if y.dtype == x.dtype else gt.cast(y, x.dtype)


class UpSampling3D(_Spatial):
    """Repeat each of the three spatial axes ``size`` times, as ``keras.layers.UpSampling3D``.

    >>> import gradtape as gt
    >>> gt.layers.UpSampling3D()(gt.ones((1, 1, 2, 3, 4))).shape
    (1, 2, 4, 6, 4)
    """

    _rank = 3

    def __init__(self, size=(2, 2, 2), data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.size = int_tuple(size, 3, "size", "UpSampling3D")
        self.data_format = self._fmt(data_format)

    def _apply(self, x):
        for axis, s in enumerate(self.size, start=1):
            if s != 1:
                x = gt.repeat(x, s, axis=axis)
        return x


class _ZeroPadding(_Spatial):
    def __init__(self, padding, data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        who = type(self).__name__
        self.padding = pairs(padding, self._rank, "padding", who)
        self.data_format = self._fmt(data_format)

    def _apply(self, x):
        return gt.pad(x, [(0, 0), *self.padding, (0, 0)])


class ZeroPadding1D(_ZeroPadding):
    """Add zeros at the start and end of the time axis: ``padding`` is an int or ``(before, after)``.

    >>> import gradtape as gt
    >>> gt.layers.ZeroPadding1D((1, 2))(gt.ones((1, 2, 1))).numpy()[0, :, 0]
    array([0., 1., 1., 0., 0.], dtype=float32)
    """

    def __init__(self, padding=1, data_format: str | None = None, **kwargs: Any):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding2D(_ZeroPadding):
    """Add rows and columns of zeros around images, as ``keras.layers.ZeroPadding2D``.

    ``padding`` is an int, ``(rows, columns)`` (both sides) or ``((top, bottom), (left, right))``.

    >>> import gradtape as gt
    >>> gt.layers.ZeroPadding2D(((1, 0), (2, 1)))(gt.ones((1, 2, 2, 3))).shape
    (1, 3, 5, 3)
    """

    _rank = 2

    def __init__(self, padding=(1, 1), data_format: str | None = None, **kwargs: Any):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Zeros around the three spatial axes of ``(batch, d1, d2, d3, channels)`` volumes.

    >>> import gradtape as gt
    >>> gt.layers.ZeroPadding3D()(gt.ones((1, 1, 1, 1, 2))).shape
    (1, 3, 3, 3, 2)
    """

    _rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format: str | None = None, **kwargs: Any):
        super().__init__(padding, data_format, **kwargs)


class _Cropping(_Spatial):
    def __init__(self, cropping, data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.cropping = pairs(cropping, self._rank, "cropping", type(self).__name__)
        self.data_format = self._fmt(data_format)

    def _apply(self, x):
        index: list = [slice(None)]
        for axis, (a, b) in enumerate(self.cropping, start=1):
            if a + b >= x.shape[axis]:
                raise InputSpecError(f"{self.name}: `cropping`={self.cropping} removes every element of axis "
                                     f"{axis} of the inputs of shape {tuple(x.shape)}")
            index.append(slice(a, x.shape[axis] - b))
        return x[tuple(index)]


class Cropping1D(_Cropping):
    """Remove ``(start, end)`` steps from the time axis (``cropping`` an int crops both ends).

    >>> import gradtape as gt
    >>> gt.layers.Cropping1D((1, 2))(gt.zeros((2, 6, 3))).shape
    (2, 3, 3)
    """

    def __init__(self, cropping=(1, 1), **kwargs: Any):
        super().__init__(cropping, None, **kwargs)


class Cropping2D(_Cropping):
    """Remove rows and columns at the borders of images, as ``keras.layers.Cropping2D``.

    ``cropping`` is an int, ``(rows, columns)`` (both sides) or ``((top, bottom), (left, right))``.

    >>> import gradtape as gt
    >>> gt.layers.Cropping2D(((2, 2), (4, 4)))(gt.zeros((2, 28, 28, 3))).shape
    (2, 24, 20, 3)
    """

    _rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format: str | None = None, **kwargs: Any):
        super().__init__(cropping, data_format, **kwargs)


class Cropping3D(_Cropping):
    """Remove borders of the three spatial axes of ``(batch, d1, d2, d3, channels)`` volumes.

    >>> import gradtape as gt
    >>> gt.layers.Cropping3D()(gt.zeros((1, 4, 4, 4, 2))).shape
    (1, 2, 2, 2, 2)
    """

    _rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format: str | None = None, **kwargs: Any):
        super().__init__(cropping, data_format, **kwargs)


class Lambda(Layer):
    """Wrap a function of the inputs as a layer, as ``keras.layers.Lambda``.

    ``arguments`` are extra keyword arguments for ``function``; ``training`` and ``mask``
    (the input's) are passed on when ``function`` accepts them. A Lambda layer has no weights;
    ``output_shape`` is kept for Keras compatibility (shapes come from running the function).
    ``mask`` sets the output's mask, as Keras: a callable ``mask(inputs, previous_mask)`` or a
    fixed mask; without it the layer does not support masking (a masked input warns).

    >>> import gradtape as gt
    >>> gt.layers.Lambda(lambda x: x ** 2)(gt.constant([[3.0]])).numpy()
    array([[9.]], dtype=float32)
    >>> keep = gt.layers.Lambda(lambda x: 2 * x, mask=lambda x, m: x[..., 0] > 0)
    >>> keep(gt.constant([[[1.0], [-1.0]]]))._keras_mask.numpy()
    array([[ True, False]])
    """

    def __init__(self, function: Callable, output_shape: Any = None, mask: Any = None,
                 arguments: dict | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda: `function` must be callable, got {function!r}")
        self.function = function
        self.output_shape = output_shape
        self.mask = mask
        self.arguments = dict(arguments or {})
        try:
            params = inspect.signature(function).parameters
        except (TypeError, ValueError):
            params = {}
        self._fn_training = "training" in params
        self._fn_mask = "mask" in params
        self.supports_masking = mask is not None

    def compute_mask(self, inputs, mask=None):
        """``mask(inputs, mask)`` when the layer's ``mask`` is callable, else the layer's mask."""
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_mask:
            kwargs["mask"] = mask
        if self._fn_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)
