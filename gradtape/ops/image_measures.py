"""``tf.image``'s measures (image gradients, Sobel edges, total variation, PSNR, SSIM) and
non-max suppression (no gradient).
"""

from __future__ import annotations

import math

import numpy as np

from .._engine.tensor import Tensor, wrap
from .array import einsum, pad, stack
from .indexing import getitem
from .math import abs as _abs
from .math import cast, log, square
from .reduce import reduce_mean, reduce_sum
from .image import _at_least3, _image, _int, _scalar, _working_float


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
    np.float32(6.0)
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


__all__ = ["image_gradients", "sobel_edges", "total_variation", "psnr", "ssim",
           "non_max_suppression"]
