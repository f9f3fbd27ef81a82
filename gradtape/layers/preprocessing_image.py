"""Image preprocessing layers: Resizing, CenterCrop, RandomCrop, RandomFlip, RandomContrast and
RandomBrightness, as Keras 3's (the affine ones are in :mod:`.preprocessing_affine`).

Images are ``(height, width, channels)`` or batches of them (``channels_first`` with
``data_format``). The random layers transform only in training, which is the default of a direct
call as in Keras (``layer(x)``; a model passes ``training`` on, and ``training=False`` gives the
inference output). Each draws from its own NumPy generator seeded by ``seed`` (reproducible
runs); the draws are not Keras's, their ranges and distributions are. The transformations
(:meth:`get_random_transformation` and :meth:`transform_images`, with Keras's dictionary keys)
are gradtape ops, so gradients flow to float images. Float64 images stay float64 (Keras computes
in float32); integer images become float32 where Keras's do.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import gradtape as gt
from .._engine.tensor import Tensor
from ..initializers import draw_seed
from ..ops.image import _apply_matrices
from ._preprocessing_utils import aspect_box as _aspect_box, bicubic_matrix as _bicubic_matrix
from ._layer_args import data_format as _data_format
from .base import InputSpecError, Layer

__all__ = ["Resizing", "CenterCrop", "RandomCrop", "RandomFlip", "RandomContrast", "RandomBrightness"]

_RESIZE_METHODS = ("bilinear", "nearest", "bicubic", "area")


def _size(value: Any, name: str, who: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{who}: `{name}` must be a positive integer, got {name}={value!r}")
    return int(value)


def _shape_of(data: Any) -> tuple:
    return tuple(data.shape) if hasattr(data, "shape") else tuple(np.shape(data))


def _per_image(values: Any, x: Tensor) -> Tensor:
    """One value per image, shaped to broadcast against ``x``."""
    v = np.asarray(values.numpy() if isinstance(values, Tensor) else values, dtype=x.dtype)
    return gt.constant(v.reshape((-1,) + (1,) * (x.ndim - 1)) if x.ndim == 4 else v.reshape((1, 1, 1)))


class _ImageLayer(Layer):
    """Shared parts: image checks, ``data_format``, the seeded generator, Keras's ``factor``."""

    _FACTOR_BOUNDS = (-1.0, 1.0)
    _random = True  # whether the layer draws (and so has a seed and a generator)

    def __init__(self, seed: int | None = None, data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        who = type(self).__name__
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise TypeError(f"{who}: `seed` must be an integer or None, got seed={seed!r}")
        if self._random:
            self.seed = seed
            self._rng = np.random.default_rng(draw_seed() if seed is None else int(seed))
        self.data_format = _data_format(data_format, who)

    def _set_factor(self, factor: Any, name: str = "factor") -> tuple[float, float]:
        lo_b, hi_b = self._FACTOR_BOUNDS
        msg = (f"{type(self).__name__}: `{name}` must be a number or a pair of numbers in the range [{lo_b}, {hi_b}], "
               f"got {name}={factor!r}")
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2 or not all(isinstance(f, (int, float)) and not isinstance(f, bool) for f in factor):
                raise ValueError(msg)
            if factor[0] > hi_b or factor[1] < lo_b:
                raise ValueError(msg)
            lower, upper = sorted(float(f) for f in factor)
        elif isinstance(factor, (int, float)) and not isinstance(factor, bool):
            if not lo_b <= factor <= hi_b:
                raise ValueError(msg)
            lower, upper = max(-abs(float(factor)), lo_b), abs(float(factor))
        else:
            raise ValueError(msg)
        return lower, upper

    def _generator(self, seed: Any) -> np.random.Generator:
        return self._rng if seed is None else np.random.default_rng(int(seed))

    def _images(self, inputs: Any) -> Tensor:
        x = inputs if isinstance(inputs, Tensor) else gt.convert_to_tensor(inputs)
        if x.ndim not in (3, 4):
            raise InputSpecError(f"{self.name}: expected an image of rank 3 or a batch of images of rank 4, got "
                                 f"shape {tuple(x.shape)}")
        return x

    def _hw(self, shape: tuple) -> tuple[int, int]:
        return (shape[-3], shape[-2]) if self.data_format == "channels_last" else (shape[-2], shape[-1])

    def _batch(self, shape: tuple) -> int:
        return shape[0] if len(shape) == 4 else 1

    def _crop(self, x: Tensor, top: int, left: int, h: int, w: int) -> Tensor:
        if self.data_format == "channels_last":
            return x[..., top:top + h, left:left + w, :]
        return x[..., top:top + h, left:left + w]

    def _resize(self, x: Tensor, size: tuple[int, int], method: str = "bilinear", antialias: bool = False) -> Tensor:
        if self.data_format == "channels_first":
            x = gt.transpose(x, (0, 2, 3, 1) if x.ndim == 4 else (1, 2, 0))
        if method == "bicubic":
            xb = x if x.ndim == 4 else gt.expand_dims(x, 0)
            if xb.dtype not in (np.float32, np.float64):
                xb = gt.cast(xb, np.float32)
            y = _apply_matrices(xb, _bicubic_matrix(xb.shape[1], size[0]), _bicubic_matrix(xb.shape[2], size[1]))
            y = y if x.ndim == 4 else y[0]
        else:
            y = gt.image.resize(x, list(size), method=method, antialias=antialias)
        if self.data_format == "channels_first":
            y = gt.transpose(y, (0, 3, 1, 2) if y.ndim == 4 else (2, 0, 1))
        return y

    def _float(self, x: Tensor) -> Tensor:
        return x if x.dtype.kind == "f" else gt.cast(x, np.float32)

    def call(self, inputs, training=None):
        training = True if training is None else bool(training)
        x = self._images(inputs)
        return self.transform_images(x, self.get_random_transformation(x, training=training), training=training)

    def get_random_transformation(self, data: Any, training: bool = True, seed: int | None = None) -> Any:
        """The random parameters of one call on ``data`` (None when there are none)."""
        return None

    def transform_images(self, images: Any, transformation: Any, training: bool = True) -> Tensor:
        """Apply ``transformation`` (from :meth:`get_random_transformation`) to ``images``."""
        raise NotImplementedError


class Resizing(_ImageLayer):
    """Resize images to ``height x width``, as ``keras.layers.Resizing``.

    ``interpolation``: "bilinear" (default), "nearest", "bicubic" or "area", with TensorFlow 2's
    half-pixel centres (``antialias`` widens the bilinear kernel when shrinking).
    ``crop_to_aspect_ratio`` first crops the largest centred window of the target aspect ratio;
    ``pad_to_aspect_ratio`` pads with ``fill_value`` instead. Integer images are resized in
    float32, rounded and cast back with saturation (Keras keeps their dtype).

    >>> import gradtape as gt
    >>> image = gt.reshape(gt.range(16.0), (1, 4, 4, 1))
    >>> gt.layers.Resizing(2, 2)(image)[0, ..., 0].numpy()
    array([[ 2.5,  4.5],
           [10.5, 12.5]], dtype=float32)
    >>> gt.layers.Resizing(2, 4, crop_to_aspect_ratio=True)(image)[0, ..., 0].numpy()
    array([[ 4.,  5.,  6.,  7.],
           [ 8.,  9., 10., 11.]], dtype=float32)
    """

    _cast_integer_inputs = False
    _random = False

    def __init__(self, height: int, width: int, interpolation: str = "bilinear", crop_to_aspect_ratio: bool = False,
                 pad_to_aspect_ratio: bool = False, fill_mode: str = "constant", fill_value: float = 0.0,
                 antialias: bool = False, data_format: str | None = None, **kwargs: Any):
        super().__init__(data_format=data_format, **kwargs)
        who = "Resizing"
        self.height, self.width = _size(height, "height", who), _size(width, "width", who)
        if interpolation in ("lanczos3", "lanczos5"):
            raise NotImplementedError(f"{who}: interpolation={interpolation!r} is not supported; use one of "
                                      f"{_RESIZE_METHODS}")
        if interpolation not in _RESIZE_METHODS:
            raise ValueError(f"{who}: `interpolation` must be one of {_RESIZE_METHODS}, got "
                             f"interpolation={interpolation!r}")
        if interpolation == "bicubic" and antialias:
            raise NotImplementedError(f"{who}: antialias=True is not supported with interpolation='bicubic'")
        if fill_mode != "constant":
            raise ValueError(f"{who}: only fill_mode='constant' is supported, got fill_mode={fill_mode!r}")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError(f"{who}: only one of `pad_to_aspect_ratio` and `crop_to_aspect_ratio` can be True")
        self.interpolation, self.antialias = interpolation, bool(antialias)
        self.crop_to_aspect_ratio, self.pad_to_aspect_ratio = bool(crop_to_aspect_ratio), bool(pad_to_aspect_ratio)
        self.fill_mode, self.fill_value = fill_mode, fill_value

    def _pad_to_aspect(self, x: Tensor) -> Tensor:
        h, w = self._hw(tuple(x.shape))
        f32 = np.float32
        pad_h = max(h, int(f32(w * self.height) / f32(self.width)))
        pad_w = max(w, int(f32(h * self.width) / f32(self.height)))
        top, left = int(f32(pad_h - h) / f32(2)), int(f32(pad_w - w) / f32(2))
        axes = (x.ndim - 3, x.ndim - 2) if self.data_format == "channels_last" else (x.ndim - 2, x.ndim - 1)
        paddings = [[0, 0] for _ in range(x.ndim)]
        paddings[axes[0]], paddings[axes[1]] = [top, top], [left, left]
        return gt.pad(x, paddings, constant_values=self.fill_value)

    def transform_images(self, images: Any, transformation: Any = None, training: bool = True) -> Tensor:
        x = self._images(images)
        h, w = self._hw(tuple(x.shape))
        if self.crop_to_aspect_ratio:
            top, left, ch, cw = _aspect_box(h, w, self.height, self.width, np.float32)
            x = self._crop(x, top, left, ch, cw)
        elif self.pad_to_aspect_ratio:
            x = self._pad_to_aspect(x)
        y = self._resize(x, (self.height, self.width), self.interpolation, self.antialias)
        if y.dtype == x.dtype:
            return y
        if x.dtype.kind in "iub":
            return gt.saturate_cast(gt.round(y), x.dtype)
        return gt.cast(y, x.dtype)


class CenterCrop(_ImageLayer):
    """Crop the centre ``height x width`` of images, as ``keras.layers.CenterCrop``; an image
    smaller than that is cropped to the target aspect ratio and resized (bilinear). The result
    is float (integer images become float32).

    >>> import gradtape as gt
    >>> gt.layers.CenterCrop(2, 2)(gt.reshape(gt.range(16), (4, 4, 1)))[..., 0].numpy()
    array([[ 5.,  6.],
           [ 9., 10.]], dtype=float32)
    """

    _random = False

    def __init__(self, height: int, width: int, data_format: str | None = None, **kwargs: Any):
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = _size(height, "height", "CenterCrop"), _size(width, "width", "CenterCrop")

    def transform_images(self, images: Any, transformation: Any = None, training: bool = True) -> Tensor:
        x = self._float(self._images(images))
        h, w = self._hw(tuple(x.shape))
        if h >= self.height and w >= self.width:
            return self._crop(x, (h - self.height) // 2, (w - self.width) // 2, self.height, self.width)
        top, left, ch, cw = _aspect_box(h, w, self.height, self.width)
        return self._resize(self._crop(x, top, left, ch, cw), (self.height, self.width))


class RandomCrop(_ImageLayer):
    """Crop a random ``height x width`` window of images in training, as ``keras.layers.RandomCrop``
    (one window per call, shared by the batch).

    An image not larger than the window in both dimensions is cropped to the target aspect ratio
    around its centre and resized instead, as Keras does. With ``training=False`` the images are
    returned unchanged, which is what Keras 3 does (its documentation describes a centre crop).

    >>> import gradtape as gt
    >>> layer = gt.layers.RandomCrop(2, 3, seed=0)
    >>> layer(gt.ones((2, 5, 6, 3))).shape
    (2, 2, 3, 3)
    >>> layer(gt.ones((2, 5, 6, 3)), training=False).shape
    (2, 5, 6, 3)
    """

    _cast_integer_inputs = False

    def __init__(self, height: int, width: int, seed: int | None = None, data_format: str | None = None,
                 name: str | None = None, **kwargs: Any):
        super().__init__(seed=seed, data_format=data_format, name=name, **kwargs)
        self.height, self.width = _size(height, "height", "RandomCrop"), _size(width, "width", "RandomCrop")

    def get_random_transformation(self, data: Any, training: bool = True, seed: int | None = None) -> tuple[int, int]:
        h, w = self._hw(_shape_of(data))
        if training and h > self.height and w > self.width:
            rng = self._generator(seed)
            return int(rng.integers(0, h - self.height + 1)), int(rng.integers(0, w - self.width + 1))
        top, left, _, _ = _aspect_box(h, w, self.height, self.width)
        return top, left

    def transform_images(self, images: Any, transformation: Any, training: bool = True) -> Tensor:
        x = self._images(images)
        if not training:
            return x
        x = self._float(x)
        top, left = (int(v) for v in transformation)
        x = self._crop(x, top, left, self.height, self.width)
        if self._hw(tuple(x.shape)) != (self.height, self.width):
            x = self._resize(x, (self.height, self.width))
        return x


class RandomFlip(_ImageLayer):
    """Flip images at random in training, as ``keras.layers.RandomFlip``: each image is flipped
    with probability 1/2; ``mode`` is "horizontal", "vertical" or "horizontal_and_vertical"
    (the default: one draw flips both axes, as in Keras). Integer images become float32.

    >>> import gradtape as gt
    >>> x = gt.reshape(gt.range(8.0), (2, 2, 2, 1))
    >>> layer = gt.layers.RandomFlip("horizontal", seed=0)
    >>> bool((layer(x, training=False) == x).numpy().all())
    True
    >>> y = layer(x)
    >>> all(bool((y[i] == x[i]).numpy().all() or (y[i] == x[i, :, ::-1]).numpy().all()) for i in range(2))
    True
    """

    def __init__(self, mode: str = "horizontal_and_vertical", seed: int | None = None, data_format: str | None = None,
                 **kwargs: Any):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if mode not in ("horizontal", "vertical", "horizontal_and_vertical"):
            raise ValueError(f"RandomFlip: `mode` must be 'horizontal', 'vertical' or 'horizontal_and_vertical', got "
                             f"mode={mode!r}")
        self.mode = mode

    def get_random_transformation(self, data: Any, training: bool = True, seed: int | None = None) -> dict | None:
        if not training:
            return None
        shape = _shape_of(data)
        size = (1, 1, 1) if len(shape) == 3 else (shape[0], 1, 1, 1)
        return {"flips": self._generator(seed).uniform(size=size).astype(np.float32) <= 0.5, "input_shape": shape}

    def transform_images(self, images: Any, transformation: Any, training: bool = True) -> Tensor:
        x = self._float(self._images(images))
        if not training or transformation is None:
            return x
        flips = np.asarray(transformation["flips"]).astype(bool)
        flips = flips.reshape(flips.shape[:1] + (1,) * (x.ndim - 1)) if x.ndim == 4 else flips.reshape((1,) * 3)
        h_axis, w_axis = (x.ndim - 3, x.ndim - 2) if self.data_format == "channels_last" else (x.ndim - 2, x.ndim - 1)
        cond = gt.constant(np.broadcast_to(flips, tuple(x.shape)))
        if self.mode in ("horizontal", "horizontal_and_vertical"):
            x = gt.where(cond, gt.reverse(x, [w_axis]), x)
        if self.mode in ("vertical", "horizontal_and_vertical"):
            x = gt.where(cond, gt.reverse(x, [h_axis]), x)
        return x


class RandomContrast(_ImageLayer):
    """Scale each image's deviation from its per-channel mean by a random factor in training, then
    clip to ``value_range``, as ``keras.layers.RandomContrast``.

    The factor is drawn uniformly from ``[1 - lower, 1 + upper]``, where a number ``factor`` gives
    ``(lower, upper) = (0, factor)`` and a pair gives itself, exactly as Keras 3 computes it (so a
    single number only raises the contrast). Inference returns the images unchanged.

    >>> import gradtape as gt
    >>> layer = gt.layers.RandomContrast(0.5, seed=0)
    >>> x = gt.constant([[[0.0], [100.0]], [[50.0], [250.0]]])
    >>> bool((layer(x, training=False) == x).numpy().all())
    True
    >>> layer.transform_images(x, {"contrast_factor": [[[1.5]]]})[..., 0].numpy()
    array([[  0., 100.],
           [ 25., 255.]], dtype=float32)
    """

    _FACTOR_BOUNDS = (0.0, 1.0)
    _cast_integer_inputs = False

    def __init__(self, factor: Any, value_range: Any = (0, 255), seed: int | None = None, **kwargs: Any):
        super().__init__(seed=seed, **kwargs)
        self.factor = self._set_factor(factor)
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError(f"RandomContrast: `value_range` must be a pair (min, max), got value_range={value_range!r}")
        self.value_range = tuple(value_range)

    def get_random_transformation(self, data: Any, training: bool = True, seed: int | None = None) -> dict:
        shape = _shape_of(data)
        size = (1, 1, 1) if len(shape) == 3 else (shape[0], 1, 1, 1)
        if not training:
            return {"contrast_factor": np.zeros(size, np.float32)}
        low, high = 1.0 - self.factor[0], 1.0 + self.factor[1]
        return {"contrast_factor": self._generator(seed).uniform(low, high, size).astype(np.float32)}

    def transform_images(self, images: Any, transformation: Any, training: bool = True) -> Tensor:
        x = self._images(images)
        if not training:
            return x
        x = self._float(x)
        factor = _per_image(transformation["contrast_factor"], x)
        axes = [-3, -2] if self.data_format == "channels_last" else [-2, -1]
        mean = gt.reduce_mean(gt.reduce_mean(x, axis=axes[0], keepdims=True), axis=axes[1], keepdims=True)
        out = (x - mean) * factor + mean
        lo, hi = (np.asarray(v, x.dtype) for v in self.value_range)
        return gt.clip_by_value(out, gt.constant(lo), gt.constant(hi))


class RandomBrightness(_ImageLayer):
    """Add a random delta to each image in training, then clip to ``value_range``, as
    ``keras.layers.RandomBrightness``: the delta is uniform in ``factor`` (a number ``f`` gives
    ``[-f, f]``, values in ``[-1, 1]``) times the width of ``value_range``. Inference returns the
    images unchanged.

    >>> import gradtape as gt
    >>> layer = gt.layers.RandomBrightness(0.2, value_range=(0.0, 1.0), seed=0)
    >>> y = layer(gt.fill((100, 2, 2, 1), 0.5)).numpy()
    >>> bool(((y >= 0.3) & (y <= 0.7)).all())
    True
    """

    _cast_integer_inputs = False

    def __init__(self, factor: Any, value_range: Any = (0, 255), seed: int | None = None, **kwargs: Any):
        super().__init__(seed=seed, **kwargs)
        self.factor = self._set_factor(factor)
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError(f"RandomBrightness: `value_range` must be a tuple or list of two numbers, got "
                             f"value_range={value_range!r}")
        self.value_range = sorted(value_range)

    def get_random_transformation(self, data: Any, training: bool = True, seed: int | None = None) -> dict:
        shape = _shape_of(data)
        size = (1, 1, 1) if len(shape) == 3 else (shape[0], 1, 1, 1)
        if not training:
            return {"rgb_delta": np.zeros(size, np.float32)}
        delta = self._generator(seed).uniform(self.factor[0], self.factor[1], size).astype(np.float32)
        return {"rgb_delta": delta * np.float32(self.value_range[1] - self.value_range[0])}

    def transform_images(self, images: Any, transformation: Any, training: bool = True) -> Tensor:
        x = self._images(images)
        if not training:
            return x
        x = self._float(x)
        lo, hi = (np.asarray(v, x.dtype) for v in self.value_range)
        return gt.clip_by_value(x + _per_image(transformation["rgb_delta"], x), gt.constant(lo), gt.constant(hi))
