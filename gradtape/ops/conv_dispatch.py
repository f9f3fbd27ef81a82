"""Rank-generic convolution and pooling, and separable convolution, as ``tf.nn.convolution``,
``tf.nn.pool`` and ``tf.nn.separable_conv2d``.

They dispatch to the 1-D and 2-D ops of :mod:`gradtape.ops.conv` and the 3-D ops of
:mod:`gradtape.ops.conv3d`. Dilated pooling is TensorFlow's construction: the input is split into
``dilation`` phases along each spatial axis (a pad, reshape and transpose, "space to batch"),
each phase is pooled with an undilated window, and the phases are interleaved back. Every
step is a differentiable op, so gradients of any order are exact.
"""

from __future__ import annotations

import math

import numpy as np

from .._engine.tensor import Tensor
from .array import pad, reshape, transpose
from .conv3d import avg_pool3d, conv3d, max_pool3d
from .conv import _as_float, _avg_pool, _channels_last, _conv, _max_pool, _pool, _spatial, _to_first, _to_last


def _strided_and_dilated(st, dl, op: str) -> None:
    if any(s > 1 for s in st) and any(d > 1 for d in dl):
        raise ValueError(f"{op}: strides > 1 are not supported together with dilations > 1, as in "
                         f"TensorFlow; got strides {list(st)} and dilations {list(dl)}")


def convolution(input, filters, strides=None, padding: str = "VALID", data_format=None,  # noqa: A002
                dilations=None, name=None) -> Tensor:
    """N-D convolution (cross-correlation) of ``input`` with ``filters``, N = rank of ``filters``
    minus 2: :func:`conv1d` for filters ``[k, C, out]``, :func:`conv2d` for ``[kh, kw, C, out]``,
    :func:`conv3d` for ``[kd, kh, kw, C, out]``.

    ``input`` is ``[batch..., spatial..., C]`` (``data_format`` None or ``"NWC"``/``"NHWC"``) or
    ``[batch, C, spatial...]`` (``"NCW"``/``"NCHW"``/``"NCDHW"``). ``strides`` and ``dilations`` are an int
    or a list of 1, N or N + 2 ints (default 1); as in TensorFlow, strides > 1 cannot be combined
    with dilations > 1. ``padding`` is ``"VALID"`` (the default), ``"SAME"`` or explicit pairs.

    >>> import gradtape as gt
    >>> y = gt.nn.convolution(gt.ones((1, 4, 4, 1)), gt.ones((2, 2, 1, 1)))
    >>> y.numpy()[0, :, :, 0]
    array([[4., 4., 4.],
           [4., 4., 4.],
           [4., 4., 4.]], dtype=float32)
    """
    op = "convolution"
    w = _as_float(filters, op, "filters")
    nsp = w.ndim - 2
    if nsp == 3:
        return conv3d(input, w, 1 if strides is None else strides, padding,
                      data_format=data_format or "NDHWC", dilations=dilations)
    if nsp not in (1, 2):
        raise ValueError(f"{op}: filters must have rank 3 ([k, in_channels, out_channels], 1-D), 4 "
                         f"([kh, kw, in_channels, out_channels], 2-D) or 5 (3-D), got shape "
                         f"{tuple(w.shape)}")
    cl = _channels_last(data_format, nsp, op)
    _strided_and_dilated(_spatial(strides, nsp, cl, op, "strides"),
                         _spatial(dilations, nsp, cl, op, "dilations"), op)
    return _conv(input, w, strides, padding, data_format, dilations, nsp, op)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,  # noqa: A002
                     data_format=None, dilations=None, name=None) -> Tensor:
    """A depthwise 2-D convolution followed by a 1x1 convolution that mixes the channels.

    ``depthwise_filter`` is ``[kh, kw, C, multiplier]`` (see :func:`depthwise_conv2d`);
    ``pointwise_filter`` is ``[1, 1, C * multiplier, out_channels]``. ``strides``, ``padding``
    and ``dilations`` apply to the depthwise step; the pointwise step has stride 1 and
    ``"VALID"`` padding. As in TensorFlow, strides > 1 cannot be combined with dilations > 1.

    >>> import gradtape as gt
    >>> y = gt.nn.separable_conv2d(gt.ones((1, 3, 3, 2)), gt.ones((2, 2, 2, 1)),
    ...                            gt.ones((1, 1, 2, 3)), [1, 1, 1, 1], "VALID")
    >>> y.shape, float(y[0, 0, 0, 0])
    ((1, 2, 2, 3), 8.0)
    """
    op = "separable_conv2d"
    dw = _as_float(depthwise_filter, op, "depthwise_filter")
    pw = _as_float(pointwise_filter, op, "pointwise_filter")
    if dw.ndim != 4:
        raise ValueError(f"{op}: depthwise_filter must have rank 4 ([kh, kw, in_channels, "
                         f"channel_multiplier]), got shape {tuple(dw.shape)}")
    if pw.ndim != 4 or tuple(pw.shape[:2]) != (1, 1):
        raise ValueError(f"{op}: pointwise_filter must have shape [1, 1, in_channels * "
                         f"channel_multiplier, out_channels], got {tuple(pw.shape)}")
    if pw.shape[2] != dw.shape[2] * dw.shape[3]:
        raise ValueError(f"{op}: pointwise_filter takes {pw.shape[2]} channels but the depthwise step "
                         f"gives {dw.shape[2] * dw.shape[3]} (depthwise_filter {tuple(dw.shape)}: "
                         "in_channels * channel_multiplier)")
    fmt = data_format or "NHWC"
    cl = _channels_last(fmt, 2, op)
    _strided_and_dilated(_spatial(strides, 2, cl, op, "strides"),
                         _spatial(dilations, 2, cl, op, "dilations"), op)
    y = _conv(input, dw, strides, padding, fmt, dilations, 2, op, depthwise=True)
    return _conv(y, pw, 1, "VALID", fmt, None, 2, op)


def _ints(v, op: str, arg: str, n: int | None = None) -> tuple:
    if isinstance(v, Tensor):
        v = v._value
    a = np.asarray(v)
    if a.ndim != 1 or a.dtype.kind not in "iu":
        raise ValueError(f"{op}: {arg} must be a list of ints, got {v!r}")
    out = tuple(int(i) for i in a.tolist())
    if n is not None and len(out) != n:
        raise ValueError(f"{op}: {arg} must have one entry per spatial dimension ({n}), got {list(out)}")
    if any(i < 1 for i in out):
        raise ValueError(f"{op}: {arg} must be positive, got {list(out)}")
    return out


def _dilated_pool(prim, x, window, dilations, op: str):
    """VALID, stride-1 pooling of channels-last ``x`` with dilated windows, by space to batch."""
    n, c, k = x.shape[0], x.shape[-1], len(window)
    sizes = tuple(x.shape[1:-1])
    out = tuple(s - (w - 1) * d for s, w, d in zip(sizes, window, dilations))
    if any(o < 1 for o in out):
        raise ValueError(f"{op}: the dilated window {list(window)} (dilations {list(dilations)}) is "
                         f"larger than the input's spatial shape {list(sizes)}")
    padded = tuple(-(-s // d) * d for s, d in zip(sizes, dilations))
    x = pad(x, [[0, 0]] + [[0, p - s] for p, s in zip(padded, sizes)] + [[0, 0]])
    x = reshape(x, (n,) + sum(((p // d, d) for p, d in zip(padded, dilations)), ()) + (c,))
    # phases to the front: [d1, ..., dk, N, P1 / d1, ..., Pk / dk, C]
    x = transpose(x, tuple(2 + 2 * i for i in range(k)) + (0,) + tuple(1 + 2 * i for i in range(k))
                  + (2 * k + 1,))
    x = reshape(x, (math.prod(dilations) * n,) + tuple(p // d for p, d in zip(padded, dilations)) + (c,))
    y = _pool(prim, x, window, 1, "VALID", None, k, op, False)
    inner = tuple(y.shape[1:-1])
    y = reshape(y, tuple(dilations) + (n,) + inner + (c,))
    # interleave the phases: output position q * d + r
    y = transpose(y, (k,) + sum(((k + 1 + i, i) for i in range(k)), ()) + (2 * k + 1,))
    y = reshape(y, (n,) + tuple(o * d for o, d in zip(inner, dilations)) + (c,))
    return y[(slice(None),) + tuple(slice(0, o) for o in out)]


def pool(input, window_shape, pooling_type: str, strides=None, padding: str = "VALID",  # noqa: A002
         data_format=None, dilations=None, name=None) -> Tensor:
    """N-D max or average pooling (``pooling_type`` ``"MAX"`` or ``"AVG"``) over windows of
    ``window_shape`` (a list of N = 1, 2 or 3 ints), as :func:`max_pool` / :func:`avg_pool`.

    ``input`` has rank N + 2 (channels last, or ``"NCW"``/``"NCHW"``). ``strides`` and
    ``dilations`` are lists of N ints (default 1). As in TensorFlow: ``padding`` is ``"VALID"``
    (the default) or ``"SAME"``; strides may not exceed the window; strides > 1 cannot be
    combined with dilations > 1; and dilations > 1 need ``"VALID"`` padding. Dilated 3-D pooling
    is not provided.

    >>> import gradtape as gt
    >>> x = gt.reshape(gt.range(5.0), (1, 5, 1))
    >>> gt.nn.pool(x, [2], "MAX", dilations=[2]).numpy().ravel()
    array([2., 3., 4.], dtype=float32)
    >>> gt.nn.pool(x, [2], "AVG", strides=[2], padding="SAME").numpy().ravel()
    array([0.5, 2.5, 4. ], dtype=float32)
    """
    op = "pool"
    window = _ints(window_shape, op, "window_shape")
    nsp = len(window)
    if nsp not in (1, 2, 3):
        raise ValueError(f"{op}: window_shape must have 1, 2 or 3 entries, got {list(window)}")
    if pooling_type not in ("MAX", "AVG"):
        raise ValueError(f"{op}: pooling_type must be 'MAX' or 'AVG', got {pooling_type!r}")
    if nsp == 3:
        return _pool3d(input, window, pooling_type, strides, padding, data_format, dilations, op)
    prim = _max_pool if pooling_type == "MAX" else _avg_pool
    x = _as_float(input, op, "input")
    if x.ndim != nsp + 2:
        raise ValueError(f"{op}: input must have rank {nsp + 2} for a window of {nsp} dimension(s), "
                         f"got shape {tuple(x.shape)}")
    st = (1,) * nsp if strides is None else _ints(strides, op, "strides", nsp)
    dl = (1,) * nsp if dilations is None else _ints(dilations, op, "dilations", nsp)
    _strided_and_dilated(st, dl, op)
    if not isinstance(padding, str) or padding.upper() not in ("SAME", "VALID"):
        raise ValueError(f"{op}: padding must be 'SAME' or 'VALID', got {padding!r}")
    padding = padding.upper()
    if padding == "SAME" and any(d > 1 for d in dl):
        raise ValueError(f"{op}: 'SAME' padding is not supported with dilations > 1, as in "
                         f"TensorFlow; got dilations {list(dl)}; use padding='VALID'")
    if any(s > w for s, w in zip(st, window)):
        raise ValueError(f"{op}: strides {list(st)} must not exceed window_shape {list(window)}, as "
                         "in TensorFlow")
    if all(d == 1 for d in dl):
        return _pool(prim, x, window, st, padding, data_format, nsp, op, False)
    cl = _channels_last(data_format, nsp, op)
    return _to_first(_dilated_pool(prim, _to_last(x, cl), window, dl, op), cl)


def _pool3d(input, window, pooling_type, strides, padding, data_format, dilations, op):  # noqa: A002
    if dilations is not None and any(d > 1 for d in _ints(dilations, op, "dilations", 3)):
        raise ValueError(f"{op}: dilated 3-D pooling is not provided; got dilations {list(dilations)}; "
                         "use dilations of 1 (or 1-D/2-D windows)")
    st = (1, 1, 1) if strides is None else _ints(strides, op, "strides", 3)
    if any(s > w for s, w in zip(st, window)):
        raise ValueError(f"{op}: strides {list(st)} must not exceed window_shape {list(window)}, as "
                         "in TensorFlow")
    fn = max_pool3d if pooling_type == "MAX" else avg_pool3d
    return fn(input, list(window), list(st), padding, data_format=data_format or "NDHWC")


__all__ = ["convolution", "separable_conv2d", "pool"]
