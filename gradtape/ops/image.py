"""``tf.image``: resizing, flips, rotations, crops and pads, patches, random augmentation,
colour adjustments and colour spaces, dtype conversion, and image measures (gradients, Sobel
edges, total variation, PSNR, SSIM), plus non-max suppression.

Images are NHWC: a single image ``[height, width, channels]`` or a batch
``[batch, height, width, channels]``, as TensorFlow accepts both. Every differentiable function
is a composite of recorded gradtape ops (gathers, slices, pads, einsums and elementwise
maths), so reverse, forward and higher-order derivatives all work. Resizing is a gather and a
weighted sum per axis (bilinear, nearest) or a linear map per axis (area, anti-aliased
bilinear), with TensorFlow 2's half-pixel-centre sampling positions.

Where TensorFlow computes in float32, float64 images are kept in float64 here (TensorFlow
casts them to float32), so gradients can be checked against float64 finite differences; every
other dtype follows TensorFlow (``resize`` returns float32 for integer and float16 images).
``rgb_to_hsv``, ``hsv_to_rgb``, ``adjust_hue``, ``adjust_saturation`` and ``adjust_contrast``
have gradients here (away from the hue wraparound and colour-order changes), which TensorFlow
does not define for all of them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._engine.tensor import Tensor, as_dtype, wrap
from .array import einsum, expand_dims, pad, reshape, reverse, stack, tile, where
from .array import transpose as _transpose
from .clip import clip_by_value, saturate_cast
from .indexing import gather, getitem
from .math import abs as _abs
from .math import cast, floordiv, log, maximum, sqrt, square
from .random import _stateful_rng, _stateless_rng
from .reduce import reduce_max, reduce_mean, reduce_min, reduce_sum


# -- argument helpers --------------------------------------------------------------------------
def _t(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _image(image, op: str, arg: str = "image", ranks=(3, 4)) -> Tensor:
    x = _t(image)
    if x.ndim not in ranks:
        want = " or ".join({3: "3-D [height, width, channels]",
                            4: "4-D [batch, height, width, channels]"}[r] for r in ranks)
        raise ValueError(f"{op}: {arg} must be {want}, got shape {tuple(x.shape)}")
    return x


def _at_least3(image, op: str, arg: str = "image") -> Tensor:
    x = _t(image)
    if x.ndim < 3:
        raise ValueError(f"{op}: {arg} must have at least 3 dimensions [..., height, width, "
                         f"channels], got shape {tuple(x.shape)}")
    return x


def _rgb(images, op: str, arg: str = "images") -> Tensor:
    x = _t(images)
    if x.ndim < 1 or x.shape[-1] != 3:
        raise ValueError(f"{op}: {arg} must have 3 channels in its last dimension, got shape "
                         f"{tuple(x.shape)}")
    return x


def _int(v, op: str, arg: str) -> int:
    v = v._value if isinstance(v, Tensor) else v
    a = np.asarray(v)
    if a.ndim != 0 or a.dtype.kind not in "iu":
        raise TypeError(f"{op}: {arg} must be an integer scalar, got {v!r}")
    return int(a)


def _scalar(v) -> Any:
    return v._value if isinstance(v, Tensor) else v


def _as_batch(x: Tensor) -> tuple[Tensor, bool]:
    return (x, True) if x.ndim == 4 else (expand_dims(x, 0), False)


def _unbatch(x: Tensor, is_batch: bool) -> Tensor:
    return x if is_batch else reshape(x, tuple(x.shape[1:]))


def _working_float(x: Tensor) -> Tensor:
    """``x`` itself for float tensors, else scaled to float32 as ``convert_image_dtype``."""
    return x if x.dtype.kind == "f" else convert_image_dtype(x, np.float32)


def _like(v, dtype) -> Tensor:
    """A scalar argument (a Python number or a tensor, which stays differentiable) in ``dtype``."""
    return cast(v, dtype) if isinstance(v, Tensor) else wrap(np.asarray(v, dtype=dtype))


# -- flips, rotations, transpose -------------------------------------------------------------
def flip_left_right(image) -> Tensor:
    """The image(s) mirrored along the width dimension.

    >>> import gradtape as gt
    >>> gt.image.flip_left_right(gt.constant([[[1.0], [2.0]], [[3.0], [4.0]]]))[..., 0].numpy()
    array([[2., 1.],
           [4., 3.]], dtype=float32)
    """
    x = _image(image, "flip_left_right")
    return reverse(x, [-2])


def flip_up_down(image) -> Tensor:
    """The image(s) mirrored along the height dimension.

    >>> import gradtape as gt
    >>> gt.image.flip_up_down(gt.constant([[[1.0], [2.0]], [[3.0], [4.0]]]))[..., 0].numpy()
    array([[3., 4.],
           [1., 2.]], dtype=float32)
    """
    x = _image(image, "flip_up_down")
    return reverse(x, [-3])


def rot90(image, k: int = 1, name=None) -> Tensor:
    """The image(s) rotated counter-clockwise by ``k`` times 90 degrees.

    >>> import gradtape as gt
    >>> a = gt.constant([[[1], [2]], [[3], [4]]])
    >>> gt.image.rot90(a)[..., 0].numpy()
    array([[2, 4],
           [1, 3]], dtype=int32)
    >>> gt.image.rot90(a, k=3)[..., 0].numpy()
    array([[3, 1],
           [4, 2]], dtype=int32)
    """
    x = _image(image, "rot90")
    k = _int(k, "rot90", "k") % 4
    if k == 0:
        return getitem(x, (Ellipsis,))
    if k == 2:
        return reverse(x, [-3, -2])
    perm = (1, 0, 2) if x.ndim == 3 else (0, 2, 1, 3)
    if k == 1:
        return _transpose(reverse(x, [-2]), perm)
    return reverse(_transpose(x, perm), [-2])


def transpose(image, name=None) -> Tensor:
    """The image(s) with height and width swapped.

    >>> import gradtape as gt
    >>> gt.image.transpose(gt.zeros((2, 3, 4, 1))).shape
    (2, 4, 3, 1)
    """
    x = _image(image, "transpose")
    return _transpose(x, (1, 0, 2) if x.ndim == 3 else (0, 2, 1, 3))


# -- crops and pads ----------------------------------------------------------------------------
def central_crop(image, central_fraction: float) -> Tensor:
    """The central ``central_fraction`` (in (0, 1]) of the image(s) along height and width.

    >>> import gradtape as gt
    >>> x = gt.reshape(gt.range(16.0), (4, 4, 1))
    >>> gt.image.central_crop(x, 0.5)[..., 0].numpy()
    array([[ 5.,  6.],
           [ 9., 10.]], dtype=float32)
    """
    x = _image(image, "central_crop")
    f = float(_scalar(central_fraction))
    if not 0.0 < f <= 1.0:
        raise ValueError(f"central_crop: central_fraction must be within (0, 1], got {f}")
    if f == 1.0:
        return getitem(x, (Ellipsis,))
    h, w = x.shape[-3], x.shape[-2]
    top = int((h - h * f) / 2)
    left = int((w - w * f) / 2)
    return getitem(x, (Ellipsis, slice(top, h - top), slice(left, w - left), slice(None)))


def _box_args(op, *pairs) -> list:
    return [_int(v, op, name) for name, v in pairs]


def crop_to_bounding_box(image, offset_height: int, offset_width: int, target_height: int,
                         target_width: int) -> Tensor:
    """The ``target_height x target_width`` window of the image(s) whose top-left corner is at
    ``(offset_height, offset_width)``.

    >>> import gradtape as gt
    >>> x = gt.reshape(gt.range(12.0), (3, 4, 1))
    >>> gt.image.crop_to_bounding_box(x, 1, 1, 2, 2)[..., 0].numpy()
    array([[ 5.,  6.],
           [ 9., 10.]], dtype=float32)
    """
    op = "crop_to_bounding_box"
    x = _image(image, op)
    oh, ow, th, tw = _box_args(op, ("offset_height", offset_height), ("offset_width", offset_width),
                               ("target_height", target_height), ("target_width", target_width))
    h, w = x.shape[-3], x.shape[-2]
    if oh < 0 or ow < 0:
        raise ValueError(f"{op}: offset_height and offset_width must be >= 0, got {oh} and {ow}")
    if th <= 0 or tw <= 0:
        raise ValueError(f"{op}: target_height and target_width must be > 0, got {th} and {tw}")
    if oh + th > h or ow + tw > w:
        raise ValueError(f"{op}: the box [{oh}:{oh + th}, {ow}:{ow + tw}] does not fit in an image "
                         f"of height {h} and width {w}; need offset + target <= size")
    return getitem(x, (Ellipsis, slice(oh, oh + th), slice(ow, ow + tw), slice(None)))


def pad_to_bounding_box(image, offset_height: int, offset_width: int, target_height: int,
                        target_width: int) -> Tensor:
    """The image(s) padded with zeros to ``target_height x target_width``, with
    ``offset_height`` rows above and ``offset_width`` columns on the left.

    >>> import gradtape as gt
    >>> x = gt.ones((1, 2, 1))
    >>> gt.image.pad_to_bounding_box(x, 1, 1, 3, 4)[..., 0].numpy()
    array([[0., 0., 0., 0.],
           [0., 1., 1., 0.],
           [0., 0., 0., 0.]], dtype=float32)
    """
    op = "pad_to_bounding_box"
    x = _image(image, op)
    oh, ow, th, tw = _box_args(op, ("offset_height", offset_height), ("offset_width", offset_width),
                               ("target_height", target_height), ("target_width", target_width))
    h, w = x.shape[-3], x.shape[-2]
    if oh < 0 or ow < 0:
        raise ValueError(f"{op}: offset_height and offset_width must be >= 0, got {oh} and {ow}")
    if th - oh - h < 0 or tw - ow - w < 0:
        raise ValueError(f"{op}: an image of height {h} and width {w} at offset ({oh}, {ow}) does "
                         f"not fit in {th} x {tw}; need offset + size <= target")
    pads = [[0, 0]] * (x.ndim - 3) + [[oh, th - oh - h], [ow, tw - ow - w], [0, 0]]
    return pad(x, pads)


def resize_with_crop_or_pad(image, target_height: int, target_width: int) -> Tensor:
    """The image(s) centrally cropped and/or padded with zeros to ``target_height x
    target_width``.

    >>> import gradtape as gt
    >>> x = gt.reshape(gt.range(1.0, 7.0), (2, 3, 1))
    >>> gt.image.resize_with_crop_or_pad(x, 4, 1)[..., 0].numpy()
    array([[0.],
           [2.],
           [5.],
           [0.]], dtype=float32)
    """
    op = "resize_with_crop_or_pad"
    x = _image(image, op)
    th, tw = _box_args(op, ("target_height", target_height), ("target_width", target_width))
    if th <= 0 or tw <= 0:
        raise ValueError(f"{op}: target_height and target_width must be > 0, got {th} and {tw}")
    h, w = x.shape[-3], x.shape[-2]
    cropped = crop_to_bounding_box(x, max((h - th) // 2, 0), max((w - tw) // 2, 0), min(th, h),
                                   min(tw, w))
    return pad_to_bounding_box(cropped, max((th - h) // 2, 0), max((tw - w) // 2, 0), th, tw)


# -- resizing ----------------------------------------------------------------------------------
class ResizeMethod:
    """The names of the resize methods, as ``tf.image.ResizeMethod`` (gradtape implements
    ``BILINEAR``, ``NEAREST_NEIGHBOR`` and ``AREA``).

    >>> import gradtape as gt
    >>> gt.image.ResizeMethod.BILINEAR
    'bilinear'
    """

    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


_METHODS = ("bilinear", "nearest", "area")


def _bilinear_axis(x: Tensor, axis: int, n_in: int, n_out: int) -> Tensor:
    # TensorFlow's half-pixel sampling positions and weights, computed in float32 as its kernel
    scale = np.float32(n_in) / np.float32(n_out)
    src = (np.arange(n_out, dtype=np.float32) + np.float32(0.5)) * scale - np.float32(0.5)
    low = np.floor(src)
    lo = np.maximum(low, 0).astype(np.int64)
    hi = np.minimum(np.ceil(src), n_in - 1).astype(np.int64)
    shape = [1] * x.ndim
    shape[axis] = n_out
    lerp = wrap((src - low).reshape(shape).astype(x.dtype))
    a = gather(x, lo, axis=axis)
    if np.array_equal(lo, hi):
        return a
    return a + (gather(x, hi, axis=axis) - a) * lerp


def _nearest_index(n_in: int, n_out: int) -> np.ndarray:
    scale = np.float32(n_in) / np.float32(n_out)
    src = np.floor((np.arange(n_out, dtype=np.float32) + np.float32(0.5)) * scale)
    return np.clip(src.astype(np.int64), 0, n_in - 1)


def _area_matrix(n_in: int, n_out: int) -> np.ndarray:
    """Row ``o``: the overlap of output cell ``o`` with each input cell, over the cell size."""
    scale = np.float32(n_in) / np.float32(n_out)
    m = np.zeros((n_out, n_in))
    for o in range(n_out):
        y0, y1 = float(np.float32(o) * scale), float(np.float32(o + 1) * scale)
        for i in range(int(math.floor(y0)), int(math.ceil(y1))):
            if i < y0:
                s = float(scale) if i + 1 > y1 else i + 1 - y0
            else:
                s = y1 - i if i + 1 > y1 else 1.0
            m[o, min(i, n_in - 1)] += s
    return m / float(scale)


def _triangle_matrix(n_in: int, n_out: int) -> np.ndarray:
    """Anti-aliased bilinear (TensorFlow's scale_and_translate with the triangle kernel)."""
    inv = 1.0 / float(np.float32(n_out) / np.float32(n_in))
    ks = max(inv, 1.0)
    sample = (np.arange(n_out) + 0.5) * inv
    pos = (np.arange(n_in)[None, :] + 0.5 - sample[:, None]) / ks
    w = np.maximum(0.0, 1.0 - np.abs(pos))
    total = w.sum(axis=1, keepdims=True)
    return w / np.where(total > 0, total, 1.0)


def _apply_matrices(x: Tensor, mh: np.ndarray, mw: np.ndarray) -> Tensor:
    return einsum("bhwc,oh,pw->bopc", x, mh.astype(x.dtype), mw.astype(x.dtype))


def _size_pair(size, op: str) -> tuple[int, int]:
    s = np.asarray(_scalar(size))
    if s.shape != (2,) or s.dtype.kind not in "iu":
        raise ValueError(f"{op}: size must be a 1-D list of 2 integers [new_height, new_width], "
                         f"got {np.asarray(_scalar(size)).tolist()!r}")
    return int(s[0]), int(s[1])


def resize(images, size, method: str = "bilinear", preserve_aspect_ratio: bool = False,
           antialias: bool = False, name=None) -> Tensor:
    """The image(s) resized to ``size = [new_height, new_width]`` with TensorFlow 2's
    half-pixel centres: ``method`` "bilinear" (float32 result), "nearest" (the input's dtype)
    or "area". ``antialias=True`` widens the bilinear kernel when downsampling.

    >>> import gradtape as gt
    >>> image = gt.eye(5)[gt.newaxis, ..., gt.newaxis]
    >>> gt.image.resize(image, [3, 5])[0, ..., 0].numpy().round(4)
    array([[0.6667, 0.3333, 0.    , 0.    , 0.    ],
           [0.    , 0.    , 1.    , 0.    , 0.    ],
           [0.    , 0.    , 0.    , 0.3333, 0.6667]], dtype=float32)
    >>> gt.image.resize(gt.cast(image, gt.int32), [5, 7], method="nearest")[0, ..., 0].numpy()
    array([[1, 0, 0, 0, 0, 0, 0],
           [0, 1, 1, 0, 0, 0, 0],
           [0, 0, 0, 1, 0, 0, 0],
           [0, 0, 0, 0, 1, 1, 0],
           [0, 0, 0, 0, 0, 0, 1]], dtype=int32)
    >>> gt.image.resize(image, [10, 20], preserve_aspect_ratio=True).shape
    (1, 10, 10, 1)
    """
    op = "resize"
    x = _image(images, op, "images")
    if method not in _METHODS:
        raise ValueError(f"{op}: method {method!r} is not implemented; gradtape supports "
                         f"{', '.join(repr(m) for m in _METHODS)}")
    nh, nw = _size_pair(size, op)
    h, w = x.shape[-3], x.shape[-2]
    if preserve_aspect_ratio:
        f = min(np.float32(nh) / np.float32(h), np.float32(nw) / np.float32(w))
        nh, nw = int(np.round(f * np.float32(h))), int(np.round(f * np.float32(w)))
    if nh <= 0 or nw <= 0:
        raise ValueError(f"{op}: the new size must be positive, got [{nh}, {nw}]")
    if h == 0 or w == 0:
        raise ValueError(f"{op}: images must have a non-zero height and width, got shape "
                         f"{tuple(x.shape)}")
    xb, is_batch = _as_batch(x)
    if method == "nearest":
        y = gather(gather(xb, _nearest_index(h, nh), axis=1), _nearest_index(w, nw), axis=2)
        return _unbatch(y, is_batch)
    if xb.dtype != np.float64 and xb.dtype != np.float32:
        xb = cast(xb, np.float32)  # TensorFlow's resize kernels compute and return float32
    if method == "area":
        y = _apply_matrices(xb, _area_matrix(h, nh), _area_matrix(w, nw))
    elif antialias and (nh < h or nw < w):
        y = _apply_matrices(xb, _triangle_matrix(h, nh), _triangle_matrix(w, nw))
    else:
        y = _bilinear_axis(_bilinear_axis(xb, 2, w, nw), 1, h, nh)
    return _unbatch(y, is_batch)


def resize_with_pad(image, target_height: int, target_width: int, method: str = "bilinear",
                    antialias: bool = False) -> Tensor:
    """The image(s) resized to fit in ``target_height x target_width`` keeping the aspect ratio,
    then padded with zeros (centred) to that size.

    >>> import gradtape as gt
    >>> gt.image.resize_with_pad(gt.ones((2, 4, 1)), 4, 4)[..., 0].numpy()
    array([[0., 0., 0., 0.],
           [1., 1., 1., 1.],
           [1., 1., 1., 1.],
           [0., 0., 0., 0.]], dtype=float32)
    """
    op = "resize_with_pad"
    x = _image(image, op)
    th, tw = _box_args(op, ("target_height", target_height), ("target_width", target_width))
    if th <= 0 or tw <= 0:
        raise ValueError(f"{op}: target_height and target_width must be > 0, got {th} and {tw}")
    f32 = np.float32
    h, w = f32(x.shape[-3]), f32(x.shape[-2])
    ratio = max(w / f32(tw), h / f32(th))
    rh, rw = h / ratio, w / ratio
    ph = max(0, int(np.floor((f32(th) - rh) / f32(2))))
    pw = max(0, int(np.floor((f32(tw) - rw) / f32(2))))
    resized = resize(x, [int(np.floor(rh)), int(np.floor(rw))], method, antialias=antialias)
    return pad_to_bounding_box(resized, ph, pw, th, tw)


# -- patches -----------------------------------------------------------------------------------
def _quad(v, op: str, arg: str) -> tuple[int, int]:
    a = np.asarray(_scalar(v))
    if a.shape != (4,) or a.dtype.kind not in "iu" or a[0] != 1 or a[3] != 1 or (a[1:3] < 1).any():
        raise ValueError(f"{op}: {arg} must be [1, rows, cols, 1] with positive rows and cols, got "
                         f"{a.tolist()!r}")
    return int(a[1]), int(a[2])


def _patch_axis(n: int, k: int, stride: int, rate: int, padding: str) -> tuple[np.ndarray, int, int]:
    """Indices into the padded axis ``[n_out, k]``, and the padding before and after."""
    eff = (k - 1) * rate + 1
    if padding == "VALID":
        n_out = max(0, -(-(n - eff + 1) // stride))
        before = after = 0
    else:
        n_out = -(-n // stride)
        total = max((n_out - 1) * stride + eff - n, 0)
        before, after = total // 2, total - total // 2
    idx = np.arange(n_out)[:, None] * stride + np.arange(k)[None, :] * rate
    return idx, before, after


def extract_patches(images, sizes, strides, rates, padding: str, name=None) -> Tensor:
    """Patches of ``images`` (4-D) of ``sizes = [1, rows, cols, 1]`` taken every ``strides``
    with dilation ``rates``, flattened (rows, cols, channels) into the last dimension, as
    ``tf.image.extract_patches``; ``padding`` is "VALID" or "SAME" (zeros).

    >>> import gradtape as gt
    >>> x = gt.reshape(gt.range(1.0, 17.0), (1, 4, 4, 1))
    >>> p = gt.image.extract_patches(x, [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1], "VALID")
    >>> p.shape
    (1, 2, 2, 4)
    >>> p[0, 0, 1].numpy()
    array([3., 4., 7., 8.], dtype=float32)
    """
    op = "extract_patches"
    x = _image(images, op, "images", ranks=(4,))
    kr, kc = _quad(sizes, op, "sizes")
    sr, sc = _quad(strides, op, "strides")
    rr, rc = _quad(rates, op, "rates")
    mode = str(padding).upper()
    if mode not in ("VALID", "SAME"):
        raise ValueError(f"{op}: padding must be 'VALID' or 'SAME', got {padding!r}")
    b, h, w, c = x.shape
    ri, rt, rb = _patch_axis(h, kr, sr, rr, mode)
    ci, cl, cr = _patch_axis(w, kc, sc, rc, mode)
    if rt or rb or cl or cr:
        x = pad(x, [[0, 0], [rt, rb], [cl, cr], [0, 0]])
    p = getitem(x, (slice(None), ri[:, None, :, None], ci[None, :, None, :], slice(None)))
    return reshape(p, (b, ri.shape[0], ci.shape[0], kr * kc * c))


# -- dtype conversion --------------------------------------------------------------------------
def convert_image_dtype(image, dtype, saturate: bool = False, name=None) -> Tensor:
    """``image`` converted to ``dtype`` with its values rescaled: floats span [0, 1], integers
    [0, MAX]; ``saturate=True`` clips before casts that could overflow.

    >>> import gradtape as gt
    >>> gt.image.convert_image_dtype(gt.constant([0, 128, 255], gt.uint8), gt.float32).numpy()
    array([0.       , 0.5019608, 1.       ], dtype=float32)
    >>> gt.image.convert_image_dtype(gt.constant([0.0, 0.5, 1.0]), gt.uint8).numpy()
    array([  0, 127, 255], dtype=uint8)
    >>> gt.image.convert_image_dtype(gt.constant([255], gt.uint8), gt.int16).numpy()
    array([32640], dtype=int16)
    """
    x = _t(image)
    dt = as_dtype(dtype)
    if dt.kind not in "fiu":
        raise AttributeError(f"convert_image_dtype: dtype must be a floating point or integer type, "
                             f"got {dt.name}")
    src = x.dtype
    if src.kind not in "fiu":
        raise TypeError(f"convert_image_dtype: image must be a floating point or integer tensor, "
                        f"got dtype {src.name}")
    if src == dt:
        return getitem(x, (Ellipsis,))
    if src.kind in "iu" and dt.kind in "iu":
        s_in, s_out = int(np.iinfo(src).max), int(np.iinfo(dt).max)
        if s_in > s_out:
            scaled = floordiv(x, wrap(np.asarray((s_in + 1) // (s_out + 1), src)))
            return saturate_cast(scaled, dt) if saturate else cast(scaled, dt)
        c = saturate_cast(x, dt) if saturate else cast(x, dt)
        return c * wrap(np.asarray((s_out + 1) // (s_in + 1), dt))
    if src.kind == "f" and dt.kind == "f":
        return cast(x, dt)
    if src.kind in "iu":
        return cast(x, dt) * wrap(np.asarray(1.0 / np.iinfo(src).max, dt))
    with np.errstate(over="ignore"):  # float16's scale is inf for types wider than 16 bits
        scale = np.asarray(np.iinfo(dt).max + 0.5, src)
    scaled = x * wrap(scale)
    if not saturate:
        return cast(scaled, dt)
    # TensorFlow's saturate_cast: clip (in the source dtype) to the range both dtypes hold, a step
    # inside where rounding the limit overshoots it (a float16 image's 1.0, scaled to inf,
    # becomes 65504 in uint16; float32's 2**31 - 1 rounds up, so int32 gets 2147483520)
    ft, it = np.finfo(src), np.iinfo(dt)
    lo, hi = src.type(max(float(ft.min), it.min)), src.type(min(float(ft.max), it.max))
    if float(lo) < it.min:
        lo = np.nextafter(lo, src.type(0))
    if float(hi) > it.max:
        hi = np.nextafter(hi, src.type(0))
    return cast(clip_by_value(scaled, wrap(np.asarray(lo, src)), wrap(np.asarray(hi, src))), dt)


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


# -- measures ----------------------------------------------------------------------------------
def image_gradients(image) -> tuple[Tensor, Tensor]:
    """``(dy, dx)``: forward differences ``I[y+1, x] - I[y, x]`` and ``I[y, x+1] - I[y, x]`` of
    4-D images, zero in the last row / column.

    >>> import gradtape as gt
    >>> dy, dx = gt.image.image_gradients(gt.reshape(gt.range(9.0), (1, 3, 3, 1)))
    >>> dy[0, ..., 0].numpy()
    array([[3., 3., 3.],
           [3., 3., 3.],
           [0., 0., 0.]], dtype=float32)
    >>> dx[0, ..., 0].numpy()
    array([[1., 1., 0.],
           [1., 1., 0.],
           [1., 1., 0.]], dtype=float32)
    """
    x = _image(image, "image_gradients", ranks=(4,))
    dy = getitem(x, (slice(None), slice(1, None))) - getitem(x, (slice(None), slice(None, -1)))
    dx = getitem(x, (slice(None), slice(None), slice(1, None))) - getitem(
        x, (slice(None), slice(None), slice(None, -1)))
    return pad(dy, [[0, 0], [0, 1], [0, 0], [0, 0]]), pad(dx, [[0, 0], [0, 0], [0, 1], [0, 0]])


_SOBEL = (((-1, -2, -1), (0, 0, 0), (1, 2, 1)), ((-1, 0, 1), (-2, 0, 2), (-1, 0, 1)))


def sobel_edges(image) -> Tensor:
    """Sobel edge maps ``[batch, h, w, channels, 2]`` (dy then dx) of 4-D images, with the
    borders reflected.

    >>> import gradtape as gt
    >>> e = gt.image.sobel_edges(gt.reshape(gt.range(9.0), (1, 3, 3, 1)))
    >>> e[0, :, :, 0, 0].numpy()  # dy: the reflected border rows see no vertical change
    array([[ 0.,  0.,  0.],
           [24., 24., 24.],
           [ 0.,  0.,  0.]], dtype=float32)
    """
    x = _image(image, "sobel_edges", ranks=(4,))
    if x.dtype.kind != "f":
        raise TypeError(f"sobel_edges: image must be float32 or float64, got dtype {x.dtype.name}")
    _, h, w, _ = x.shape
    if h < 2 or w < 2:
        raise ValueError(f"sobel_edges: images must be at least 2x2, got shape {tuple(x.shape)}")
    p = pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
    outs = []
    for kern in _SOBEL:
        acc = None
        for i in range(3):
            for j in range(3):
                if kern[i][j]:
                    term = getitem(p, (slice(None), slice(i, i + h), slice(j, j + w))) * float(kern[i][j])
                    acc = term if acc is None else acc + term
        outs.append(acc)
    return stack(outs, axis=-1)


def total_variation(images, name=None) -> Tensor:
    """The sum of absolute differences between neighbouring pixels, per image (a scalar for a
    3-D image, shape ``[batch]`` for 4-D).

    >>> import gradtape as gt
    >>> gt.image.total_variation(gt.constant([[[0.0], [1.0]], [[3.0], [2.0]]])).numpy()
    array(6., dtype=float32)
    """
    x = _image(images, "total_variation", "images")
    if x.ndim == 3:
        d1 = getitem(x, (slice(1, None),)) - getitem(x, (slice(None, -1),))
        d2 = getitem(x, (slice(None), slice(1, None))) - getitem(x, (slice(None), slice(None, -1)))
        return reduce_sum(_abs(d1)) + reduce_sum(_abs(d2))
    d1 = getitem(x, (slice(None), slice(1, None))) - getitem(x, (slice(None), slice(None, -1)))
    d2 = getitem(x, (slice(None), slice(None), slice(1, None))) - getitem(
        x, (slice(None), slice(None), slice(None, -1)))
    return reduce_sum(_abs(d1), axis=[1, 2, 3]) + reduce_sum(_abs(d2), axis=[1, 2, 3])


def _pair_images(a, b, op: str) -> tuple[Tensor, Tensor]:
    x, y = _at_least3(a, op, "the first images"), _at_least3(b, op, "the second images")
    if x.shape[-3:] != y.shape[-3:]:
        raise ValueError(f"{op}: the images' last three dimensions [height, width, channels] must "
                         f"match, got shapes {tuple(x.shape)} and {tuple(y.shape)}")
    try:
        np.broadcast_shapes(x.shape[:-3], y.shape[:-3])
    except ValueError:
        raise ValueError(f"{op}: the batch dimensions of shapes {tuple(x.shape)} and "
                         f"{tuple(y.shape)} do not broadcast") from None
    return x, y


def _float_pair(x: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
    """Both images as floats (integers scaled to [0, 1]), in one dtype: float32 unless both are
    float64 (TensorFlow converts both to float32)."""
    x, y = _working_float(x), _working_float(y)
    if x.dtype != y.dtype:
        x, y = cast(x, np.float32), cast(y, np.float32)
    return x, y


def _float_max_val(max_val, dtype) -> Tensor:
    mv = cast(max_val, dtype) if isinstance(max_val, Tensor) else wrap(np.asarray(max_val).astype(dtype))
    return _working_float(mv)


def psnr(a, b, max_val, name=None) -> Tensor:
    """Peak signal-to-noise ratio ``20 log10(max_val) - 10 log10(mse)`` per image (over the
    last three dimensions).

    >>> import gradtape as gt
    >>> a = gt.fill((1, 2, 2, 1), 0.5)
    >>> b = gt.fill((1, 2, 2, 1), 0.6)
    >>> gt.image.psnr(a, b, max_val=1.0).numpy().round(3)
    array([20.], dtype=float32)
    """
    x, y = _pair_images(a, b, "psnr")
    mv = _float_max_val(max_val, x.dtype)
    x, y = _float_pair(x, y)
    mse = reduce_mean(square(x - y), axis=[-3, -2, -1])
    ln10 = math.log(10.0)
    return 20.0 * log(cast(mv, x.dtype)) / ln10 - (10.0 / ln10) * log(mse)


def _gauss_band(n: int, size: int, sigma: float, dtype) -> np.ndarray:
    """The ``[n - size + 1, n]`` matrix of a 1-D Gaussian filter with VALID padding (the 2-D
    filter of ``ssim`` is the outer product of two of these)."""
    coords = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    g = np.exp(-0.5 * coords * coords / (sigma * sigma))
    g = g / g.sum()
    m = np.zeros((n - size + 1, n))
    for o in range(n - size + 1):
        m[o, o:o + size] = g
    return m.astype(dtype)


def ssim(img1, img2, max_val, filter_size: int = 11, filter_sigma: float = 1.5, k1: float = 0.01,
         k2: float = 0.03, return_index_map: bool = False) -> Tensor:
    """The structural similarity index of two images (batches), with TensorFlow's Gaussian
    window (``filter_size``, ``filter_sigma``), averaged over pixels and channels; with
    ``return_index_map=True`` the per-pixel map (averaged over channels).

    >>> import gradtape as gt
    >>> import numpy as np
    >>> a = gt.constant(np.linspace(0.0, 1.0, 48).reshape(1, 4, 4, 3))
    >>> float(gt.image.ssim(a, a, max_val=1.0, filter_size=3))
    1.0
    >>> round(float(gt.image.ssim(a, a * 0.5, max_val=1.0, filter_size=3)), 4)
    0.6427
    """
    op = "ssim"
    x, y = _pair_images(img1, img2, op)
    fs = _int(filter_size, op, "filter_size")
    h, w = x.shape[-3], x.shape[-2]
    if fs < 1 or h < fs or w < fs:
        raise ValueError(f"{op}: the images' height and width ({h}, {w}) must be at least "
                         f"filter_size={fs}; give a smaller filter_size")
    mv = _float_max_val(max_val, x.dtype)
    x, y = _float_pair(x, y)
    mv = cast(mv, x.dtype)
    mh = _gauss_band(h, fs, float(filter_sigma), x.dtype)
    mw = _gauss_band(w, fs, float(filter_sigma), x.dtype)

    def reducer(t):
        return einsum("...hwc,oh,pw->...opc", t, mh, mw)

    c1 = square(k1 * mv)
    c2 = square(k2 * mv)
    mean0, mean1 = reducer(x), reducer(y)
    num0 = mean0 * mean1 * 2.0
    den0 = square(mean0) + square(mean1)
    luminance = (num0 + c1) / (den0 + c1)
    num1 = reducer(x * y) * 2.0
    den1 = reducer(square(x) + square(y))
    cs = (num1 - num0 + c2) / (den1 - den0 + c2)
    if return_index_map:
        return reduce_mean(luminance * cs, axis=-1)
    return reduce_mean(reduce_mean(luminance * cs, axis=[-3, -2]), axis=-1)


# -- non-max suppression -------------------------------------------------------------------------
def _iou(boxes: np.ndarray, i: int, j: int) -> float:
    bi, bj = boxes[i], boxes[j]
    ymin_i, ymax_i = min(bi[0], bi[2]), max(bi[0], bi[2])
    xmin_i, xmax_i = min(bi[1], bi[3]), max(bi[1], bi[3])
    ymin_j, ymax_j = min(bj[0], bj[2]), max(bj[0], bj[2])
    xmin_j, xmax_j = min(bj[1], bj[3]), max(bj[1], bj[3])
    area_i = (ymax_i - ymin_i) * (xmax_i - xmin_i)
    area_j = (ymax_j - ymin_j) * (xmax_j - xmin_j)
    if area_i <= 0 or area_j <= 0:
        return 0.0
    inter = max(min(ymax_i, ymax_j) - max(ymin_i, ymin_j), 0.0) * max(
        min(xmax_i, xmax_j) - max(xmin_i, xmin_j), 0.0)
    return float(inter / (area_i + area_j - inter))


def non_max_suppression(boxes, scores, max_output_size, iou_threshold: float = 0.5,
                        score_threshold: float = float("-inf"), name=None) -> Tensor:
    """Indices (int32) of boxes ``[y1, x1, y2, x2]`` chosen greedily by descending score,
    skipping boxes whose IoU with a chosen box exceeds ``iou_threshold`` and boxes scoring at
    most ``score_threshold`` (no gradient).

    >>> import gradtape as gt
    >>> boxes = gt.constant([[0.0, 0.0, 1.0, 1.0], [0.0, 0.1, 1.0, 1.1], [0.0, 2.0, 1.0, 3.0]])
    >>> gt.image.non_max_suppression(boxes, gt.constant([0.9, 0.8, 0.7]), 3).numpy()
    array([0, 2], dtype=int32)
    """
    op = "non_max_suppression"
    b = np.asarray(_scalar(boxes), dtype=np.float64)
    s = np.asarray(_scalar(scores), dtype=np.float64)
    if b.ndim != 2 or b.shape[1] != 4:
        raise ValueError(f"{op}: boxes must have shape [num_boxes, 4], got {b.shape}")
    if s.shape != (b.shape[0],):
        raise ValueError(f"{op}: scores must have shape [num_boxes] = [{b.shape[0]}], got {s.shape}")
    k = _int(max_output_size, op, "max_output_size")
    if k < 0:
        raise ValueError(f"{op}: max_output_size must be >= 0, got {k}")
    t = float(np.asarray(_scalar(iou_threshold)))
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"{op}: iou_threshold must be in [0, 1], got {t}")
    st = float(np.asarray(_scalar(score_threshold)))
    order = [i for i in np.argsort(-s, kind="stable") if s[i] > st]
    chosen: list = []
    for i in order:
        if len(chosen) >= k:
            break
        if all(_iou(b, int(i), j) <= t for j in chosen):
            chosen.append(int(i))
    return wrap(np.asarray(chosen, dtype=np.int32))


__all__ = ["ResizeMethod", "resize", "resize_with_pad", "resize_with_crop_or_pad",
           "flip_left_right", "flip_up_down", "rot90", "transpose", "central_crop",
           "crop_to_bounding_box", "pad_to_bounding_box", "extract_patches",
           "random_flip_left_right", "random_flip_up_down", "stateless_random_flip_left_right",
           "stateless_random_flip_up_down", "random_crop", "stateless_random_crop",
           "random_brightness", "stateless_random_brightness", "random_contrast",
           "stateless_random_contrast", "random_hue", "random_saturation",
           "adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_saturation",
           "adjust_hue", "per_image_standardization", "rgb_to_grayscale", "grayscale_to_rgb",
           "rgb_to_hsv", "hsv_to_rgb", "rgb_to_yuv", "yuv_to_rgb", "convert_image_dtype",
           "image_gradients", "sobel_edges", "total_variation", "psnr", "ssim",
           "non_max_suppression"]
