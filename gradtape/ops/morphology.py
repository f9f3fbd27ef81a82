"""Grayscale morphology: ``dilation2d`` and ``erosion2d``, as TensorFlow 2's ``tf.nn``.

``dilation2d`` is, per channel, ``out[b, y, x, c] = max over (dy, dx) of input[b, y * sh + dy *
rh - pad_top, x * sw + dx * rw - pad_left, c] + filters[dy, dx, c]`` (positions outside the
input are skipped, as in TensorFlow's kernel). It is built from recorded ops: a constant pad
with the dtype's lowest value, one strided window-extraction ``getitem``, an add and a
``reduce_max`` over each window, so it has gradients of every order with respect to the input
and the filters. The gradient goes to the position of the maximum, as in TensorFlow; when
several positions of a window tie for the maximum, the gradient is split equally between them
(``reduce_max``'s rule), where TensorFlow's kernel gives it all to the first in row-major order.
``erosion2d`` is TensorFlow's ``-dilation2d(-value, reverse(filters, [0, 1]))``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.tensor import Tensor, to_array, wrap


def _four(v, op: str, arg: str) -> tuple:
    a = np.asarray(v._value if isinstance(v, Tensor) else v)
    if a.dtype.kind not in "iu" or a.shape != (4,):
        raise ValueError(f"{op}: {arg} must be a list of 4 ints [1, rows, cols, 1] (NHWC), got {v!r}")
    a = [int(s) for s in a]
    if a[0] != 1 or a[3] != 1 or a[1] < 1 or a[2] < 1:
        raise ValueError(f"{op}: {arg} must be [1, rows, cols, 1] with positive rows and cols (no "
                         f"striding or dilation over the batch or depth), got {a}")
    return a[1], a[2]


def _window(n: int, k: int, stride: int, rate: int, padding: str) -> tuple:
    """``(out_size, pad_before, pad_after)`` as TensorFlow's windowed output size with the
    effective filter size ``(k - 1) * rate + 1``."""
    eff = (k - 1) * rate + 1
    if padding == "VALID":
        out = (n - eff) // stride + 1 if n >= eff else 0
        return out, 0, 0
    out = -(-n // stride)
    need = max((out - 1) * stride + eff - n, 0)
    return out, need // 2, need - need // 2


def _dilation(op: str, x: Tensor, f: Tensor, strides, padding, data_format, dilations) -> Tensor:
    if data_format != "NHWC":
        raise ValueError(f"{op}: data_format must be 'NHWC' (the only layout TensorFlow supports), got "
                         f"{data_format!r}")
    pad_kind = str(padding).upper() if isinstance(padding, str) else padding
    if pad_kind not in ("SAME", "VALID"):
        raise ValueError(f"{op}: padding must be 'SAME' or 'VALID', got {padding!r}")
    if x.dtype.kind != "f" or f.dtype != x.dtype:
        raise TypeError(f"{op}: the input and filters must be float tensors of one dtype, got "
                        f"{x.dtype.name} and {f.dtype.name}")
    if x.ndim != 4:
        raise ValueError(f"{op}: the input must have shape [batch, height, width, depth], got "
                         f"{tuple(x.shape)}")
    if f.ndim != 3 or f.shape[2] != x.shape[3]:
        raise ValueError(f"{op}: filters must have shape [filter_height, filter_width, depth] with the "
                         f"input's depth {x.shape[3]}, got {tuple(f.shape)}")
    sh, sw = _four(strides, op, "strides")
    rh, rw = _four([1, 1, 1, 1] if dilations is None else dilations, op, "dilations")
    kh, kw = f.shape[0], f.shape[1]
    oh, top, bottom = _window(x.shape[1], kh, sh, rh, pad_kind)
    ow, left, right = _window(x.shape[2], kw, sw, rw, pad_kind)
    if kh < 1 or kw < 1:
        raise ValueError(f"{op}: filters must not be empty, got shape {tuple(f.shape)}")
    from .array import pad
    from .indexing import getitem
    from .reduce import reduce_max
    y = x
    if top or bottom or left or right:
        y = pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]],
                constant_values=np.finfo(x.dtype).min)
    rows = (np.arange(oh) * sh)[:, None, None, None] + (np.arange(kh) * rh)[None, None, :, None]
    cols = (np.arange(ow) * sw)[None, :, None, None] + (np.arange(kw) * rw)[None, None, None, :]
    patches = getitem(y, (slice(None), rows, cols, slice(None)))  # [batch, oh, ow, kh, kw, depth]
    return reduce_max(patches + f, axis=(3, 4))


def _float_tensor(v) -> Tensor:
    if isinstance(v, Tensor):
        return v
    a = to_array(v)
    return wrap(a.astype(np.float32) if a.dtype.kind in "iub" else a)


def dilation2d(input: Any, filters: Any, strides: Any, padding: str, data_format: str = "NHWC",  # noqa: A002
               dilations: Any = None, name: str | None = None) -> Tensor:
    """Grayscale dilation of the 4-D ``input`` by the 3-D structuring function ``filters``
    (``[filter_height, filter_width, depth]``), as ``tf.nn.dilation2d``: each output is the
    maximum over the window of ``input + filters``, per channel.

    ``strides`` and ``dilations`` (default all ones) are ``[1, rows, cols, 1]``; ``padding``
    is ``"SAME"`` or ``"VALID"``; only ``data_format="NHWC"``. The gradient goes to the
    maximum of each window; tied maxima share it equally.

    >>> import gradtape as gt
    >>> x = gt.reshape(gt.constant([1.0, 5.0, 2.0, 0.0]), (1, 2, 2, 1))
    >>> f = gt.zeros((2, 2, 1))
    >>> gt.nn.dilation2d(x, f, [1, 1, 1, 1], "VALID").numpy().ravel()
    array([5.], dtype=float32)
    >>> gt.nn.dilation2d(x, f, [1, 1, 1, 1], "SAME").numpy()[0, :, :, 0]
    array([[5., 5.],
           [2., 0.]], dtype=float32)
    """
    return _dilation("dilation2d", _float_tensor(input), _float_tensor(filters), strides, padding,
                     data_format, dilations)


def erosion2d(value: Any, filters: Any, strides: Any, padding: str, data_format: str = "NHWC",
              dilations: Any = None, name: str | None = None) -> Tensor:
    """Grayscale erosion of the 4-D ``value`` by the 3-D structuring function ``filters``, as
    ``tf.nn.erosion2d``: each output is the minimum over the window of ``value - filters``
    (the filter reflected), computed as ``-dilation2d(-value, reverse(filters, [0, 1]))``.

    Arguments are those of :func:`dilation2d`. The gradient goes to the minimum of each window;
    tied minima share it equally.

    >>> import gradtape as gt
    >>> x = gt.reshape(gt.constant([1.0, 5.0, 2.0, 3.0]), (1, 2, 2, 1))
    >>> gt.nn.erosion2d(x, gt.zeros((2, 2, 1)), [1, 1, 1, 1], "VALID").numpy().ravel()
    array([1.], dtype=float32)
    """
    from .array import reverse
    from .math import negative
    x, f = _float_tensor(value), _float_tensor(filters)
    if f.ndim != 3:
        raise ValueError(f"erosion2d: filters must have shape [filter_height, filter_width, depth], got "
                         f"{tuple(f.shape)}")
    return negative(_dilation("erosion2d", negative(x), reverse(f, [0, 1]), strides, padding, data_format,
                              dilations))


__all__ = ["dilation2d", "erosion2d"]
