"""``tf.image``'s geometry: resizing, flips, rotations, crops and pads, patches, and dtype
conversion. Colour adjustments, colour spaces and the random augmentations are in
:mod:`.image_color`; the measures (gradients, Sobel edges, total variation, PSNR, SSIM) and
non-max suppression in :mod:`.image_measures`; ``gt.image`` holds all three.

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
from .array import einsum, expand_dims, pad, reshape, reverse
from .array import transpose as _transpose
from .clip import clip_by_value, saturate_cast
from .indexing import gather, getitem
from .math import cast, floordiv


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


__all__ = ["ResizeMethod", "resize", "resize_with_pad", "resize_with_crop_or_pad",
           "flip_left_right", "flip_up_down", "rot90", "transpose", "central_crop",
           "crop_to_bounding_box", "pad_to_bounding_box", "extract_patches", "convert_image_dtype"]
