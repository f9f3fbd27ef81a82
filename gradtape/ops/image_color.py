"""``tf.image``'s colour adjustments and colour spaces, and the random augmentations.

The functions are composites of recorded gradtape ops (see :mod:`.image` for the layout
and dtype rules), so reverse, forward and higher-order derivatives all work.
"""

from __future__ import annotations

import math

import numpy as np

from .._engine.tensor import Tensor, wrap
from .array import einsum, expand_dims, reverse, stack, tile, where
from .clip import clip_by_value
from .indexing import getitem
from .math import abs as _abs
from .math import cast, maximum, sqrt, square
from .random import _stateful_rng, _stateless_rng
from .reduce import reduce_max, reduce_mean, reduce_min
from .image import _at_least3, _image, _like, _rgb, _scalar, _t, _working_float, convert_image_dtype


# -- colour adjustments ------------------------------------------------------------------------
def adjust_brightness(image, delta) -> Tensor:
    """``image + delta`` (integer images are converted to float, adjusted, and converted back
    with saturation).

    >>> import gradtape as gt
    >>> gt.image.adjust_brightness(gt.constant([[[1.0, 2.0, 3.0]]]), delta=0.1).numpy()
    array([[[1.1, 2.1, 3.1]]], dtype=float32)
    """
    x = _t(image)
    f = _working_float(x)
    return convert_image_dtype(f + _like(delta, f.dtype), x.dtype, saturate=True)


def adjust_contrast(images, contrast_factor) -> Tensor:
    """``(x - mean) * contrast_factor + mean`` with the mean over each image's pixels, per
    channel.

    >>> import gradtape as gt
    >>> x = gt.constant([[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [[7.0, 8.0, 9.0], [10.0, 11.0, 12.0]]])
    >>> gt.image.adjust_contrast(x, 2.0)[..., 0].numpy()
    array([[-3.5,  2.5],
           [ 8.5, 14.5]], dtype=float32)
    """
    x = _at_least3(images, "adjust_contrast", "images")
    f = _working_float(x)
    mean = reduce_mean(f, axis=[-3, -2], keepdims=True)
    out = (f - mean) * _like(contrast_factor, f.dtype) + mean
    return convert_image_dtype(out, x.dtype, saturate=True)


def adjust_gamma(image, gamma=1, gain=1) -> Tensor:
    """Gamma correction ``gain * image ** gamma`` (``gamma`` >= 0).

    >>> import gradtape as gt
    >>> gt.image.adjust_gamma(gt.constant([[[1.0, 2.0, 3.0]]]), 0.2).numpy().round(4)
    array([[[1.    , 1.1487, 1.2457]]], dtype=float32)
    """
    x = _t(image)
    g = _scalar(gamma)
    if np.any(np.asarray(g) < 0):
        raise ValueError(f"adjust_gamma: gamma must be a non-negative real number, got {g!r}")
    f = _working_float(x)
    out = _like(gain, f.dtype) * f ** _like(gamma, f.dtype)
    return convert_image_dtype(out, x.dtype, saturate=True)


def _hsv_parts(x: Tensor):
    """(h, s, v, v - min) of RGB ``x`` (TensorFlow's formulas; h in [0, 1))."""
    raw = np.asarray(x._value)
    r, g, b = (getitem(x, (Ellipsis, i)) for i in range(3))
    v = reduce_max(x, axis=-1)
    rng = v - reduce_min(x, axis=-1)
    vr = raw.max(axis=-1)
    rr = vr - raw.min(axis=-1)
    one = wrap(np.ones((), x.dtype))
    s = where(vr > 0, rng / where(vr > 0, v, one), 0.0 * v)
    norm = 1.0 / (6.0 * where(rr > 0, rng, one))
    h = where(raw[..., 0] == vr, norm * (g - b),
              where(raw[..., 1] == vr, norm * (b - r) + 2.0 / 6.0, norm * (r - g) + 4.0 / 6.0))
    h = where(rr > 0, h, 0.0 * h)
    h = where(np.asarray(h._value) < 0, h + 1.0, h)
    return h, s, v, rng


def _hue_weights(h: Tensor) -> tuple:
    dh = h * 6.0
    return (clip_by_value(_abs(dh - 3.0) - 1.0, 0.0, 1.0),
            clip_by_value(2.0 - _abs(dh - 2.0), 0.0, 1.0),
            clip_by_value(2.0 - _abs(dh - 4.0), 0.0, 1.0))


def _hsv_to_rgb_parts(h: Tensor, s: Tensor, v: Tensor) -> Tensor:
    one_s = 1.0 - s
    return stack([(one_s + s * d) * v for d in _hue_weights(h)], axis=-1)


def _range_to_rgb(h: Tensor, vmax: Tensor, rng: Tensor) -> Tensor:
    """RGB from hue, max and chroma (``max - min``), as TensorFlow's hue/saturation kernels."""
    vmin = vmax - rng
    return stack([vmin + rng * d for d in _hue_weights(h)], axis=-1)


def _float_image(images, op: str) -> Tensor:
    x = _rgb(images, op)
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: images must be a floating point tensor, got dtype {x.dtype.name}; "
                        "convert it with gt.image.convert_image_dtype(images, gt.float32)")
    return x


def rgb_to_hsv(images, name=None) -> Tensor:
    """RGB values in [0, 1] converted to HSV (hue, saturation, value, all in [0, 1]).

    >>> import gradtape as gt
    >>> gt.image.rgb_to_hsv(gt.constant([[[0.2, 0.4, 0.8]]])).numpy().round(4)
    array([[[0.6111, 0.75  , 0.8   ]]], dtype=float32)
    """
    x = _float_image(images, "rgb_to_hsv")
    return stack(list(_hsv_parts(x)[:3]), axis=-1)


def hsv_to_rgb(images, name=None) -> Tensor:
    """HSV values (all in [0, 1]) converted to RGB.

    >>> import gradtape as gt
    >>> gt.image.hsv_to_rgb(gt.constant([[[0.6111111, 0.75, 0.8]]])).numpy().round(4)
    array([[[0.2, 0.4, 0.8]]], dtype=float32)
    """
    x = _float_image(images, "hsv_to_rgb")
    h, s, v = (getitem(x, (Ellipsis, i)) for i in range(3))
    return _hsv_to_rgb_parts(h, s, v)


def adjust_hue(image, delta, name=None) -> Tensor:
    """RGB image(s) with the hue rotated by ``delta`` (in [-1, 1], a fraction of the colour
    circle).

    >>> import gradtape as gt
    >>> gt.image.adjust_hue(gt.constant([[[1.0, 2.0, 3.0]]]), 0.2).numpy().round(4)
    array([[[2.4, 1. , 3. ]]], dtype=float32)
    """
    x = _rgb(image, "adjust_hue", "image")
    d = _scalar(delta)
    if not -1.0 <= float(np.asarray(d)) <= 1.0:
        raise ValueError(f"adjust_hue: delta must be in the interval [-1, 1], got {float(np.asarray(d))}")
    f = _working_float(x)
    h, _, v, rng = _hsv_parts(f)
    h = h + _like(delta, f.dtype)
    h = h - wrap(np.floor(np.asarray(h._value)))  # back into [0, 1)
    return convert_image_dtype(_range_to_rgb(h, v, rng), x.dtype)


def adjust_saturation(image, saturation_factor, name=None) -> Tensor:
    """RGB image(s) with the HSV saturation multiplied by ``saturation_factor`` (and clipped to
    [0, 1]).

    >>> import gradtape as gt
    >>> gt.image.adjust_saturation(gt.constant([[[1.0, 2.0, 3.0]]]), 0.5).numpy()
    array([[[2. , 2.5, 3. ]]], dtype=float32)
    """
    x = _rgb(image, "adjust_saturation", "image")
    f = _working_float(x)
    h, s, v, _ = _hsv_parts(f)
    s = clip_by_value(s * _like(saturation_factor, f.dtype), 0.0, 1.0)
    return convert_image_dtype(_range_to_rgb(h, v, s * v), x.dtype)


def per_image_standardization(image) -> Tensor:
    """Each image scaled to mean 0 and variance 1: ``(x - mean) / max(stddev, 1 / sqrt(N))``
    over its N values. The result is float32 (float64 for float64 images); other dtypes are
    cast to float32 first, without rescaling (as TensorFlow).

    >>> import gradtape as gt
    >>> gt.image.per_image_standardization(gt.constant([[[1.0], [3.0]]]))[..., 0].numpy()
    array([[-1.,  1.]], dtype=float32)
    >>> gt.image.per_image_standardization(gt.constant([[[0], [255]]], gt.uint8))[..., 0].numpy()
    array([[-1.,  1.]], dtype=float32)
    """
    x = _at_least3(image, "per_image_standardization")
    f = x if x.dtype == np.float64 else cast(x, np.float32)
    n = int(np.prod(f.shape[-3:]))
    mean = reduce_mean(f, axis=[-3, -2, -1], keepdims=True)
    centred = f - mean
    var = reduce_mean(square(centred), axis=[-3, -2, -1], keepdims=True)
    # a constant image has no variance: its stddev gets no gradient (not 0 * inf = nan)
    flat = np.asarray(var._value) == 0
    std = where(flat, 0.0 * var, sqrt(where(flat, 1.0 + 0.0 * var, var)))
    return centred / maximum(std, wrap(np.asarray(1.0 / math.sqrt(max(n, 1)), f.dtype)))


_GRAY = (0.2989, 0.5870, 0.1140)


def rgb_to_grayscale(images, name=None) -> Tensor:
    """The luma ``0.2989 R + 0.587 G + 0.114 B`` of RGB image(s), with a last dimension of 1.

    >>> import gradtape as gt
    >>> gt.image.rgb_to_grayscale(gt.constant([[[1.0, 2.0, 3.0]]])).numpy().round(4)
    array([[[1.8149]]], dtype=float32)
    """
    x = _rgb(images, "rgb_to_grayscale")
    f = _working_float(x)
    gray = einsum("...c,c->...", f, np.asarray(_GRAY, f.dtype))
    return convert_image_dtype(expand_dims(gray, -1), x.dtype)


def grayscale_to_rgb(images, name=None) -> Tensor:
    """Grayscale image(s) (last dimension 1) repeated into 3 RGB channels.

    >>> import gradtape as gt
    >>> gt.image.grayscale_to_rgb(gt.constant([[[1.0], [2.0]]])).numpy()
    array([[[1., 1., 1.],
            [2., 2., 2.]]], dtype=float32)
    """
    x = _t(images)
    if x.ndim < 2 or x.shape[-1] != 1:
        raise ValueError(f"grayscale_to_rgb: images must have at least 2 dimensions and a last "
                         f"dimension of size 1, got shape {tuple(x.shape)}")
    return tile(x, [1] * (x.ndim - 1) + [3])


_RGB_TO_YUV = ((0.299, -0.14714119, 0.61497538), (0.587, -0.28886916, -0.51496512),
               (0.114, 0.43601035, -0.10001026))
_YUV_TO_RGB = ((1.0, 1.0, 1.0), (0.0, -0.394642334, 2.03206185), (1.13988303, -0.58062185, 0.0))


def _colour_matrix(images, kernel, op: str) -> Tensor:
    x = _float_image(images, op)
    return einsum("...i,ij->...j", x, np.asarray(kernel, x.dtype))


def rgb_to_yuv(images) -> Tensor:
    """RGB values in [0, 1] converted to YUV (TensorFlow's matrix).

    >>> import gradtape as gt
    >>> gt.image.rgb_to_yuv(gt.constant([[[1.0, 0.0, 0.0]]])).numpy().round(4)
    array([[[ 0.299 , -0.1471,  0.615 ]]], dtype=float32)
    """
    return _colour_matrix(images, _RGB_TO_YUV, "rgb_to_yuv")


def yuv_to_rgb(images) -> Tensor:
    """YUV values converted to RGB (TensorFlow's matrix, the inverse of ``rgb_to_yuv``).

    >>> import gradtape as gt
    >>> yuv = gt.image.rgb_to_yuv(gt.constant([[[0.2, 0.4, 0.8]]]))
    >>> gt.image.yuv_to_rgb(yuv).numpy().round(4)
    array([[[0.2, 0.4, 0.8]]], dtype=float32)
    """
    return _colour_matrix(images, _YUV_TO_RGB, "yuv_to_rgb")


# -- random augmentation -----------------------------------------------------------------------
def _random_flip(image, axis: int, rng, op: str) -> Tensor:
    x = _image(image, op)
    if x.ndim == 3:
        return reverse(x, [axis]) if rng.random() < 0.5 else getitem(x, (Ellipsis,))
    flips = np.round(rng.random(x.shape[0])) == 1.0
    return where(flips[:, None, None, None], reverse(x, [axis]), x)


def random_flip_left_right(image, seed=None) -> Tensor:
    """The image mirrored left-right with probability 1/2 (each image of a batch on its own).

    >>> import gradtape as gt
    >>> x = gt.constant([[[1.0], [2.0]]])
    >>> sorted(gt.image.random_flip_left_right(x, seed=5).numpy().ravel().tolist())
    [1.0, 2.0]
    """
    return _random_flip(image, -2, _stateful_rng(seed), "random_flip_left_right")


def random_flip_up_down(image, seed=None) -> Tensor:
    """The image mirrored upside down with probability 1/2 (each image of a batch on its own).

    >>> import gradtape as gt
    >>> gt.image.random_flip_up_down(gt.zeros((2, 3, 4, 1)), seed=1).shape
    (2, 3, 4, 1)
    """
    return _random_flip(image, -3, _stateful_rng(seed), "random_flip_up_down")


def stateless_random_flip_left_right(image, seed) -> Tensor:
    """The image mirrored left-right with probability 1/2, a pure function of ``seed`` (a pair of
    ints).

    >>> import gradtape as gt
    >>> x = gt.constant([[[1.0], [2.0]], [[3.0], [4.0]]])
    >>> a = gt.image.stateless_random_flip_left_right(x, seed=(2, 3))
    >>> bool((a.numpy() == gt.image.stateless_random_flip_left_right(x, seed=(2, 3)).numpy()).all())
    True
    """
    return _random_flip(image, -2, _stateless_rng(seed), "stateless_random_flip_left_right")


def stateless_random_flip_up_down(image, seed) -> Tensor:
    """The image mirrored upside down with probability 1/2, a pure function of ``seed``.

    >>> import gradtape as gt
    >>> gt.image.stateless_random_flip_up_down(gt.zeros((3, 2, 1)), seed=(1, 2)).shape
    (3, 2, 1)
    """
    return _random_flip(image, -3, _stateless_rng(seed), "stateless_random_flip_up_down")


def _random_crop(value, size, rng, op: str) -> Tensor:
    x = _t(value)
    s = np.asarray(_scalar(size)).reshape(-1)
    if s.dtype.kind not in "iu" or s.shape != (x.ndim,):
        raise ValueError(f"{op}: size must be a list of {x.ndim} integers (one per dimension of "
                         f"value, shape {tuple(x.shape)}), got {np.asarray(_scalar(size)).tolist()!r}")
    if (s < 0).any() or (s > np.asarray(x.shape, dtype=np.int64)).any():
        raise ValueError(f"{op}: need 0 <= size <= value.shape, got size {s.tolist()} for value of "
                         f"shape {tuple(x.shape)}")
    limit = np.asarray(x.shape, dtype=np.int64) - s + 1
    offset = [int(rng.integers(0, n)) for n in limit]
    return getitem(x, tuple(slice(o, o + int(k)) for o, k in zip(offset, s)))


def random_crop(value, size, seed=None, name=None) -> Tensor:
    """A block of ``value`` of shape ``size`` at a uniformly random offset (any rank).

    >>> import gradtape as gt
    >>> gt.image.random_crop(gt.zeros((5, 6, 3)), [2, 3, 3], seed=1).shape
    (2, 3, 3)
    """
    return _random_crop(value, size, _stateful_rng(seed), "random_crop")


def stateless_random_crop(value, size, seed, name=None) -> Tensor:
    """A block of ``value`` of shape ``size`` at a random offset, a pure function of ``seed``.

    >>> import gradtape as gt
    >>> x = gt.reshape(gt.range(20), (4, 5))
    >>> a = gt.image.stateless_random_crop(x, [2, 2], seed=(1, 2))
    >>> bool((a.numpy() == gt.image.stateless_random_crop(x, [2, 2], seed=(1, 2)).numpy()).all())
    True
    """
    return _random_crop(value, size, _stateless_rng(seed), "stateless_random_crop")


def _check_max_delta(max_delta, op: str, upper: float | None = None) -> float:
    d = float(np.asarray(_scalar(max_delta)))
    if d < 0:
        raise ValueError(f"{op}: max_delta must be non-negative, got {d}")
    if upper is not None and d > upper:
        raise ValueError(f"{op}: max_delta must be <= {upper}, got {d}")
    return d


def _check_range(lower, upper, op: str) -> tuple[float, float]:
    lo, hi = float(np.asarray(_scalar(lower))), float(np.asarray(_scalar(upper)))
    if hi <= lo:
        raise ValueError(f"{op}: upper must be > lower, got lower={lo}, upper={hi}")
    if lo < 0:
        raise ValueError(f"{op}: lower must be non-negative, got {lo}")
    return lo, hi


def _uniform(rng, lo: float, hi: float) -> float:
    return float(np.float32(lo + (hi - lo) * rng.random()))


def random_brightness(image, max_delta, seed=None) -> Tensor:
    """``adjust_brightness`` with a delta drawn uniformly from ``[-max_delta, max_delta)``.

    >>> import gradtape as gt
    >>> y = gt.image.random_brightness(gt.zeros((2, 2, 1)), 0.2, seed=3)
    >>> bool(abs(y.numpy()).max() <= 0.2)
    True
    """
    d = _check_max_delta(max_delta, "random_brightness")
    return adjust_brightness(image, _uniform(_stateful_rng(seed), -d, d))


def stateless_random_brightness(image, max_delta, seed) -> Tensor:
    """``adjust_brightness`` with a delta from ``[-max_delta, max_delta)``, a pure function of
    ``seed``.

    >>> import gradtape as gt
    >>> gt.image.stateless_random_brightness(gt.zeros((2, 2, 1)), 0.2, seed=(1, 2)).shape
    (2, 2, 1)
    """
    d = _check_max_delta(max_delta, "stateless_random_brightness")
    return adjust_brightness(image, _uniform(_stateless_rng(seed), -d, d))


def random_contrast(image, lower, upper, seed=None) -> Tensor:
    """``adjust_contrast`` with a factor drawn uniformly from ``[lower, upper)``.

    >>> import gradtape as gt
    >>> gt.image.random_contrast(gt.ones((2, 2, 3)), 0.2, 0.5, seed=1).numpy().max()
    np.float32(1.0)
    """
    lo, hi = _check_range(lower, upper, "random_contrast")
    return adjust_contrast(image, _uniform(_stateful_rng(seed), lo, hi))


def stateless_random_contrast(image, lower, upper, seed) -> Tensor:
    """``adjust_contrast`` with a factor from ``[lower, upper)``, a pure function of ``seed``.

    >>> import gradtape as gt
    >>> gt.image.stateless_random_contrast(gt.ones((2, 2, 3)), 0.2, 0.5, seed=(1, 2)).shape
    (2, 2, 3)
    """
    lo, hi = _check_range(lower, upper, "stateless_random_contrast")
    return adjust_contrast(image, _uniform(_stateless_rng(seed), lo, hi))


def random_hue(image, max_delta, seed=None) -> Tensor:
    """``adjust_hue`` with a delta drawn uniformly from ``[-max_delta, max_delta)`` (max_delta
    in [0, 0.5]).

    >>> import gradtape as gt
    >>> gt.image.random_hue(gt.constant([[[0.2, 0.4, 0.8]]]), 0.2, seed=1).shape
    (1, 1, 3)
    """
    d = _check_max_delta(max_delta, "random_hue", 0.5)
    return adjust_hue(image, _uniform(_stateful_rng(seed), -d, d))


def random_saturation(image, lower, upper, seed=None) -> Tensor:
    """``adjust_saturation`` with a factor drawn uniformly from ``[lower, upper)``.

    >>> import gradtape as gt
    >>> gt.image.random_saturation(gt.constant([[[0.2, 0.4, 0.8]]]), 0.5, 1.5, seed=1).shape
    (1, 1, 3)
    """
    lo, hi = _check_range(lower, upper, "random_saturation")
    return adjust_saturation(image, _uniform(_stateful_rng(seed), lo, hi))


__all__ = ["random_flip_left_right", "random_flip_up_down", "stateless_random_flip_left_right",
           "stateless_random_flip_up_down", "random_crop", "stateless_random_crop",
           "random_brightness", "stateless_random_brightness", "random_contrast",
           "stateless_random_contrast", "random_hue", "random_saturation", "adjust_brightness",
           "adjust_contrast", "adjust_gamma", "adjust_saturation", "adjust_hue",
           "per_image_standardization", "rgb_to_grayscale", "grayscale_to_rgb", "rgb_to_hsv",
           "hsv_to_rgb", "rgb_to_yuv", "yuv_to_rgb"]
