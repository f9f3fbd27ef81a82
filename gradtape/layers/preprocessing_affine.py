"""Random affine image layers: RandomRotation, RandomZoom and RandomTranslation, as Keras 3's.

Each draws per-image parameters, builds Keras's 8-number projective transforms (output pixel ->
input position) and resamples the images as TensorFlow's ``ImageProjectiveTransformV3`` does:
float32 coordinates, ``fill_mode`` "reflect" / "wrap" / "nearest" (folded into the image, the
same folding as TensorFlow's, whose "wrap" is not a plain modulo) or "constant" (``fill_value``
outside), ``interpolation`` "bilinear" or "nearest". The resampling is gathers and weighted sums,
so gradients reach the images (the exact derivative; TensorFlow's registered gradient
approximates it by warping the output gradient with the inverse transform).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import gradtape as gt
from .._engine.tensor import Tensor
from .preprocessing_image import _ImageLayer, _shape_of

__all__ = ["RandomRotation", "RandomZoom", "RandomTranslation", "affine_transform"]

_FILL_MODES = ("reflect", "wrap", "constant", "nearest")
_INTERPOLATIONS = ("nearest", "bilinear")


def _fold(c: np.ndarray, n: int, mode: str) -> np.ndarray:
    """Input coordinates outside ``[0, n - 1]`` mapped inside, as TensorFlow's ``MapCoordinate``."""
    f32 = np.float32
    c = c.astype(np.float32, copy=True)
    if mode == "constant":
        return c
    if mode == "nearest" or n <= 1:
        return np.clip(c, f32(0), f32(n - 1))
    if mode == "reflect":
        sz2 = 2 * n
        neg, pos = c < 0, c > n - 1
        v = c[neg]
        v = (sz2 * np.trunc(-v / f32(sz2)).astype(np.int64)).astype(np.float32) + v
        c[neg] = np.where(v < -n, v + f32(sz2), -v - f32(1))
        v = c[pos]
        v = v - (sz2 * np.trunc(v / f32(sz2)).astype(np.int64)).astype(np.float32)
        c[pos] = np.where(v >= n, f32(sz2) - v - f32(1), v)
    else:  # wrap
        sz = f32(n - 1)
        neg, pos = c < 0, c > n - 1
        c[neg] = c[neg] + (n * (np.trunc(-c[neg] / sz).astype(np.int64) + 1)).astype(np.float32)
        c[pos] = c[pos] - (n * np.trunc(c[pos] / sz).astype(np.int64)).astype(np.float32)
    return np.clip(c, f32(0), f32(n - 1))


def affine_transform(images: Any, transforms: Any, interpolation: str = "bilinear", fill_mode: str = "constant",
                     fill_value: float = 0.0, data_format: str = "channels_last") -> Tensor:
    """Resample ``images`` with projective ``transforms`` (``[a0, a1, a2, b0, b1, b2, c0, c1]`` per
    image: output ``(x, y)`` reads input ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)`` with
    ``k = c0 x + c1 y + 1``), as ``keras.ops.image.affine_transform`` with TensorFlow.

    >>> import gradtape as gt
    >>> from gradtape.layers.preprocessing_affine import affine_transform
    >>> image = gt.reshape(gt.range(9.0), (3, 3, 1))
    >>> affine_transform(image, [1, 0, 1, 0, 1, 0, 0, 0], fill_mode="constant")[..., 0].numpy()
    array([[1., 2., 0.],
           [4., 5., 0.],
           [7., 8., 0.]], dtype=float32)
    """
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"affine_transform: `interpolation` must be one of {_INTERPOLATIONS}, got "
                         f"interpolation={interpolation!r}")
    if fill_mode not in _FILL_MODES:
        raise ValueError(f"affine_transform: `fill_mode` must be one of {_FILL_MODES}, got fill_mode={fill_mode!r}")
    x = images if isinstance(images, Tensor) else gt.convert_to_tensor(images)
    if x.ndim not in (3, 4):
        raise ValueError(f"affine_transform: images must have rank 3 or 4, got shape {tuple(x.shape)}")
    t = np.asarray(transforms.numpy() if isinstance(transforms, Tensor) else transforms, dtype=np.float32)
    if t.ndim not in (1, 2) or t.shape[-1] != 8:
        raise ValueError(f"affine_transform: transforms must have shape (8,) or (batch, 8), got {t.shape}")
    single = x.ndim == 3
    if single:
        x = gt.expand_dims(x, 0)
    if data_format == "channels_first":
        x = gt.transpose(x, (0, 2, 3, 1))
    if x.dtype.kind != "f":
        x = gt.cast(x, np.float32)
    b, h, w, ch = (int(s) for s in x.shape)
    t = np.broadcast_to(t.reshape(-1, 8), (b, 8)) if t.size == 8 else t
    if t.shape[0] != b:
        raise ValueError(f"affine_transform: {t.shape[0]} transforms for a batch of {b} images")
    ys, xs = np.meshgrid(np.arange(h, dtype=np.float32), np.arange(w, dtype=np.float32), indexing="ij")
    p = [t[:, k, None, None] for k in range(8)]
    proj = p[6] * xs + p[7] * ys + np.float32(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        in_x = _fold((p[0] * xs + p[1] * ys + p[2]) / proj, w, fill_mode)
        in_y = _fold((p[3] * xs + p[4] * ys + p[5]) / proj, h, fill_mode)
    finite = (proj != 0)[..., None]
    flat = gt.reshape(x, (b * h * w, ch))
    base = (np.arange(b) * h * w)[:, None, None]
    fill = gt.constant(np.asarray(fill_value, dtype=x.dtype))

    def read(yi: np.ndarray, xi: np.ndarray) -> Tensor:
        valid = (yi >= 0) & (yi < h) & (xi >= 0) & (xi < w)
        index = base + np.clip(yi, 0, h - 1) * w + np.clip(xi, 0, w - 1)
        values = gt.gather(flat, index.reshape(-1).astype(np.int64), axis=0)
        values = gt.reshape(values, (b, h, w, ch))
        return gt.where(gt.constant(np.broadcast_to(valid[..., None], (b, h, w, ch))), values, fill)

    def weight(v: np.ndarray) -> Tensor:
        return gt.constant(v[..., None].astype(x.dtype))

    if interpolation == "nearest":
        def near(v: np.ndarray) -> np.ndarray:  # std::round: halves away from zero (exact in float64)
            v = v.astype(np.float64)
            return (np.sign(v) * np.floor(np.abs(v) + 0.5)).astype(np.int64)
        out = read(near(np.nan_to_num(in_y)), near(np.nan_to_num(in_x)))
    else:
        in_y, in_x = np.nan_to_num(in_y), np.nan_to_num(in_x)
        y0, x0 = np.floor(in_y), np.floor(in_x)
        y1, x1 = y0 + np.float32(1), x0 + np.float32(1)
        iy0, ix0, iy1, ix1 = (v.astype(np.int64) for v in (y0, x0, y1, x1))
        top = weight(x1 - in_x) * read(iy0, ix0) + weight(in_x - x0) * read(iy0, ix1)
        bottom = weight(x1 - in_x) * read(iy1, ix0) + weight(in_x - x0) * read(iy1, ix1)
        out = weight(y1 - in_y) * top + weight(in_y - y0) * bottom
    if not finite.all():
        out = gt.where(gt.constant(np.broadcast_to(finite, (b, h, w, ch))), out, fill)
    if data_format == "channels_first":
        out = gt.transpose(out, (0, 3, 1, 2))
    return out[0] if single else out


class _AffineLayer(_ImageLayer):
    """Shared by the affine layers: ``fill_mode``, ``interpolation``, ``fill_value``, resampling."""

    def __init__(self, fill_mode: str, interpolation: str, seed: int | None, fill_value: float,
                 data_format: str | None, **kwargs: Any):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        who = type(self).__name__
        if fill_mode not in _FILL_MODES:
            raise NotImplementedError(f"{who}: unknown `fill_mode` {fill_mode!r}; expected one of {_FILL_MODES}")
        if interpolation not in _INTERPOLATIONS:
            raise NotImplementedError(f"{who}: unknown `interpolation` {interpolation!r}; expected one of "
                                      f"{_INTERPOLATIONS}")
        self.fill_mode, self.interpolation, self.fill_value = fill_mode, interpolation, fill_value

    def _sizes(self, data: Any) -> tuple[int, int, int]:
        shape = _shape_of(data)
        h, w = self._hw(shape)
        return self._batch(shape), h, w

    def _apply(self, images: Any, matrix: Any, training: bool) -> Tensor:
        x = self._float(self._images(images))
        if not training or matrix is None:
            return x
        m = np.asarray(matrix.numpy() if isinstance(matrix, Tensor) else matrix, dtype=np.float32)
        return affine_transform(x, m.reshape(-1, 8) if x.ndim == 4 else m.reshape(8), self.interpolation,
                                self.fill_mode, self.fill_value, self.data_format)

    def _check_range(self, factor: Any, name: str, low_open: bool) -> tuple[float, float]:
        who = type(self).__name__
        msg = (f"{who}: `{name}` must be a number or a pair of numbers in the range "
               f"{'(-1' if low_open else '[-1'}, 1], got {name}={factor!r}")
        values = list(factor) if isinstance(factor, (tuple, list)) else [factor]
        if (isinstance(factor, (tuple, list)) and len(factor) != 2) or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            raise ValueError(msg)
        if any(v > 1.0 or v < -1.0 or (low_open and v == -1.0) for v in values):
            raise ValueError(msg)
        if isinstance(factor, (tuple, list)):
            lower, upper = sorted(float(v) for v in factor)
            return lower, upper
        return -abs(float(factor)), abs(float(factor))


class RandomRotation(_AffineLayer):
    """Rotate images by a random angle in training, as ``keras.layers.RandomRotation``: ``factor``
    is a fraction of a full turn (a number ``f`` gives angles uniform in ``[-f * 360, f * 360]``
    degrees, a pair ``(lower, upper)`` gives ``[lower * 360, upper * 360]``); positive angles
    turn counter-clockwise (as ``np.rot90``). Pixels from outside are filled by ``fill_mode`` ("reflect" by
    default). Integer images become float32; inference returns the images unchanged.

    >>> import gradtape as gt
    >>> image = gt.reshape(gt.range(9.0), (3, 3, 1))
    >>> layer = gt.layers.RandomRotation(0.25, seed=0)
    >>> matrix = layer._compute_affine_matrix(0.5, 0.5, [90.0], [0.0], [0.0], [1.0], [0.0], [0.0], 3, 3)
    >>> layer.transform_images(image, {"rotation_matrix": matrix})[..., 0].numpy().round(4)
    array([[2., 5., 8.],
           [1., 4., 7.],
           [0., 3., 6.]], dtype=float32)
    """

    def __init__(self, factor: Any, fill_mode: str = "reflect", interpolation: str = "bilinear",
                 seed: int | None = None, fill_value: float = 0.0, data_format: str | None = None, **kwargs: Any):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.factor = self._set_factor(factor)

    def _compute_affine_matrix(self, center_x: float, center_y: float, angle: Any, translate_x: Any,
                               translate_y: Any, scale: Any, shear_x: Any, shear_y: Any, height: int,
                               width: int) -> np.ndarray:
        """Keras's rotation-shear-scale-translation matrices (angles in degrees), float32."""
        f32 = np.float32
        rad = f32(math.pi / 180.0)
        angle, tx, ty, scale, shx, shy = (np.asarray(v, np.float32).reshape(-1) for v in
                                          (angle, translate_x, translate_y, scale, shear_x, shear_y))
        angle, shx, shy = angle * rad, np.tan(shx * rad), np.tan(shy * rad)
        cx, cy = f32(center_x) * (f32(width) - f32(1)), f32(center_y) * (f32(height) - f32(1))
        cos, sin = np.cos(angle), np.sin(angle)
        a0, a1 = scale * (cos + shx * sin), scale * (-sin + shx * cos)
        b0, b1 = scale * (shy * cos + sin), scale * (shy * -sin + cos)
        a2, b2 = tx + cx - cx * a0 - cy * a1, ty + cy - cx * b0 - cy * b1
        zeros = np.zeros_like(a0)
        return np.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1).astype(np.float32)

    def get_random_transformation(self, data: Any, training: bool = True, seed: int | None = None) -> dict | None:
        if not training:
            return None
        batch, h, w = self._sizes(data)
        angle = self._generator(seed).uniform(self.factor[0] * 360.0, self.factor[1] * 360.0, batch)
        angle = angle.astype(np.float32)
        zeros, ones = np.zeros(batch, np.float32), np.ones(batch, np.float32)
        matrix = self._compute_affine_matrix(0.5, 0.5, angle, zeros, zeros, ones, zeros, zeros, h, w)
        return {"angle": angle, "rotation_matrix": matrix if len(_shape_of(data)) == 4 else matrix[0],
                "image_height": h, "image_width": w, "batch_size": batch}

    def transform_images(self, images: Any, transformation: Any, training: bool = True) -> Tensor:
        return self._apply(images, None if transformation is None else transformation["rotation_matrix"], training)


class RandomZoom(_AffineLayer):
    """Zoom images in or out at random in training, as ``keras.layers.RandomZoom``:
    ``height_factor`` (and ``width_factor``, else the same zoom) in ``(-1, 1]``; a zoom ``z``
    drawn uniformly from ``[1 + lower, 1 + upper]`` shows ``z`` times the image's size, so a
    positive factor zooms out and a negative one zooms in. Integer images become float32;
    inference returns the images unchanged.

    >>> import gradtape as gt
    >>> layer = gt.layers.RandomZoom(0.5, fill_mode="constant")
    >>> image = gt.ones((1, 4, 4, 1))
    >>> layer.transform_images(image, {"height_zoom": [[2.0]], "width_zoom": [[2.0]]})[0, ..., 0].numpy()
    array([[0., 0., 0., 0.],
           [0., 1., 1., 0.],
           [0., 1., 1., 0.],
           [0., 0., 0., 0.]], dtype=float32)
    """

    def __init__(self, height_factor: Any, width_factor: Any = None, fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: int | None = None, fill_value: float = 0.0,
                 data_format: str | None = None, **kwargs: Any):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self.height_lower, self.height_upper = self._check_range(height_factor, "height_factor", True)
        if width_factor is not None:
            self.width_lower, self.width_upper = self._check_range(width_factor, "width_factor", True)

    def get_random_transformation(self, data: Any, training: bool = True, seed: int | None = None) -> dict | None:
        if not training:
            return None
        batch, _, _ = self._sizes(data)
        rng = self._generator(seed)
        height_zoom = rng.uniform(1.0 + self.height_lower, 1.0 + self.height_upper, (batch, 1)).astype(np.float32)
        width_zoom = height_zoom
        if self.width_factor is not None:
            width_zoom = rng.uniform(1.0 + self.width_lower, 1.0 + self.width_upper, (batch, 1)).astype(np.float32)
        return {"height_zoom": height_zoom, "width_zoom": width_zoom, "input_shape": _shape_of(data)}

    def _zoom_matrix(self, zooms: np.ndarray, height: int, width: int) -> np.ndarray:
        f32 = np.float32
        zx, zy = zooms[:, 0:1], zooms[:, 1:]
        x_off = ((f32(width) - f32(1)) / f32(2)) * (f32(1) - zx)
        y_off = ((f32(height) - f32(1)) / f32(2)) * (f32(1) - zy)
        zeros = np.zeros_like(zx)
        return np.concatenate([zx, zeros, x_off, zeros, zy, y_off, zeros, zeros], axis=1).astype(np.float32)

    def transform_images(self, images: Any, transformation: Any, training: bool = True) -> Tensor:
        if transformation is None or not training:
            return self._apply(images, None, False)
        zooms = np.concatenate([np.asarray(transformation["width_zoom"], np.float32).reshape(-1, 1),
                                np.asarray(transformation["height_zoom"], np.float32).reshape(-1, 1)], axis=1)
        _, h, w = self._sizes(images)
        return self._apply(images, self._zoom_matrix(zooms, h, w), training)


class RandomTranslation(_AffineLayer):
    """Shift images at random in training, as ``keras.layers.RandomTranslation``: the vertical
    shift is uniform in ``height_factor`` times the height (a number ``f`` gives ``[-f, f]``, a
    pair itself; values in ``[-1, 1]``), the horizontal one likewise with ``width_factor``.
    Integer images become float32; inference returns the images unchanged.

    >>> import gradtape as gt
    >>> layer = gt.layers.RandomTranslation(0.5, 0.5, fill_mode="constant")
    >>> image = gt.reshape(gt.range(1.0, 10.0), (1, 3, 3, 1))
    >>> layer.transform_images(image, {"translations": [[1.0, 0.0]]})[0, ..., 0].numpy()
    array([[0., 1., 2.],
           [0., 4., 5.],
           [0., 7., 8.]], dtype=float32)
    """

    def __init__(self, height_factor: Any, width_factor: Any, fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: int | None = None, fill_value: float = 0.0,
                 data_format: str | None = None, **kwargs: Any):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self.height_lower, self.height_upper = self._check_range(height_factor, "height_factor", False)
        self.width_lower, self.width_upper = self._check_range(width_factor, "width_factor", False)

    def get_random_transformation(self, data: Any, training: bool = True, seed: int | None = None) -> dict | None:
        if not training:
            return None
        batch, h, w = self._sizes(data)
        rng = self._generator(seed)
        dy = rng.uniform(self.height_lower, self.height_upper, (batch, 1)).astype(np.float32) * np.float32(h)
        dx = rng.uniform(self.width_lower, self.width_upper, (batch, 1)).astype(np.float32) * np.float32(w)
        return {"translations": np.concatenate([dx, dy], axis=1), "input_shape": _shape_of(data)}

    def transform_images(self, images: Any, transformation: Any, training: bool = True) -> Tensor:
        if transformation is None or not training:
            return self._apply(images, None, False)
        t = np.asarray(transformation["translations"], np.float32).reshape(-1, 2)
        ones, zeros = np.ones((t.shape[0], 1), np.float32), np.zeros((t.shape[0], 1), np.float32)
        matrix = np.concatenate([ones, zeros, -t[:, 0:1], zeros, ones, -t[:, 1:], zeros, zeros], axis=1)
        return self._apply(images, matrix, training)
