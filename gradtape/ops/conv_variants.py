"""Variants of the convolutions and pools, as ``tf.nn``: ``conv1d_transpose``, ``atrous_conv2d``,
``atrous_conv2d_transpose``, ``conv_transpose`` and ``max_pool_with_argmax``.

All of them run on the 2-D primitives of :mod:`gradtape.ops.conv`: the transposes are
``conv2d_backprop_input`` (``conv1d_transpose`` with a height of 1 added), the atrous ops are
the dilated convolution and its transpose, and ``max_pool_with_argmax`` is the 2-D max pool,
whose forward already finds each window's first maximum; its flattened index is computed from
that offset and carries no gradient.
"""

from __future__ import annotations

import collections

import numpy as np

from .._engine.primitive import bind
from .._engine.tensor import Tensor, as_dtype, int64, wrap
from .array import reshape
from .conv import (_as_float, _channels_last, _check_rank, _conv, _conv2d_bpi, _max_pool, _out_size, _padding,
                   _spatial, _to_first, _to_last, conv2d_transpose)
from .conv3d import _output_shape, _same_dtype, _same_or_valid, conv3d_transpose

MaxPoolWithArgmax = collections.namedtuple("MaxPoolWithArgmax", ["output", "argmax"])


def _transpose2d(x: Tensor, w: Tensor, shape: list, st: tuple, dl: tuple, pads: tuple, op: str,
                 nsp: int = 2) -> Tensor:
    """``conv2d_backprop_input`` of channels-last ``x`` to ``shape``, after checking that a
    convolution of ``shape`` gives ``x``'s spatial shape (the last ``nsp`` axes of a 1-D op
    lifted to 2-D are the ones reported)."""
    out = tuple(_out_size(n, k, s, d, p) for n, k, s, d, p in zip(shape[1:3], w.shape[:2], st, dl, pads))
    if out != tuple(x.shape[1:3]):
        raise ValueError(f"{op}: a convolution of output_shape {[shape[0]] + shape[3 - nsp:]} (channels last) "
                         f"with these strides, dilations and padding gives spatial shape {out[2 - nsp:]}, not "
                         f"the input's {tuple(x.shape[3 - nsp:3])}")
    return bind(_conv2d_bpi, x, w, input_shape=tuple(shape), strides=st, dilations=dl, padding=pads,
                depthwise=False)


# -- transposed convolutions -------------------------------------------------------------------
def conv1d_transpose(input, filters, output_shape, strides, padding: str = "SAME",  # noqa: A002
                     data_format: str = "NWC", dilations=None, name: str | None = None) -> Tensor:
    """The transpose (gradient) of :func:`conv1d`: maps ``input`` ``[N, w, in_channels]`` (``"NCW"``:
    ``[N, in_channels, w]``) to ``output_shape`` ``[N, W, out_channels]`` with ``filters``
    ``[k, out_channels, in_channels]``, such that ``conv1d`` of the output with the same arguments
    has ``input``'s width.

    ``strides`` and ``dilations`` are an int or a list of 1 or 3 ints; ``padding`` is ``"SAME"``
    or ``"VALID"``.

    >>> import gradtape as gt
    >>> y = gt.nn.conv1d_transpose(gt.ones((1, 3, 1)), gt.ones((3, 1, 1)), [1, 6, 1], 2)
    >>> y.numpy().ravel()
    array([1., 1., 2., 1., 2., 1.], dtype=float32)
    """
    op = "conv1d_transpose"
    x, w = _as_float(input, op, "input"), _as_float(filters, op, "filters")
    _same_dtype(x, w, op)
    cl = _channels_last(data_format, 1, op)
    _check_rank(x, 3, op, "input")
    _check_rank(w, 3, op, "filters")
    shape = _output_shape(output_shape, 3, cl, op)
    x = _to_last(x, cl)
    if shape[0] != x.shape[0] or shape[2] != w.shape[1] or x.shape[2] != w.shape[2]:
        raise ValueError(f"{op}: shapes do not fit: input {tuple(x.shape)} (channels last), filters "
                         f"{tuple(w.shape)}, output_shape {shape} (channels last); filters must be "
                         "[k, out_channels, in_channels]")
    st = _spatial(strides, 1, cl, op, "strides")
    dl = _spatial(dilations, 1, cl, op, "dilations")
    pads = _padding(_same_or_valid(padding, op), shape[1:2], w.shape[:1], st, dl, cl, op)
    x = reshape(x, (x.shape[0], 1) + tuple(x.shape[1:]))
    w = reshape(w, (1,) + tuple(w.shape))
    y = _transpose2d(x, w, [shape[0], 1] + shape[1:], (1,) + st, (1,) + dl, ((0, 0),) + pads, op, nsp=1)
    return _to_first(reshape(y, (y.shape[0],) + tuple(y.shape[2:])), cl)


def conv_transpose(input, filters, output_shape, strides, padding: str = "SAME", data_format=None,  # noqa: A002
                   dilations=None, name: str | None = None) -> Tensor:
    """The transpose of :func:`convolution`: :func:`conv1d_transpose`, :func:`conv2d_transpose` or
    :func:`conv3d_transpose`, chosen by the length of ``output_shape`` (3, 4 or 5).

    ``data_format`` None means channels last (``"NWC"``, ``"NHWC"`` or ``"NDHWC"``).

    >>> import gradtape as gt
    >>> gt.nn.conv_transpose(gt.ones((1, 2, 2, 1)), gt.ones((2, 2, 3, 1)), [1, 4, 4, 3], 2).shape
    (1, 4, 4, 3)
    """
    op = "conv_transpose"
    v = output_shape._value if isinstance(output_shape, Tensor) else output_shape
    if isinstance(v, (str, bytes)) or not hasattr(v, "__len__") or np.ndim(v) != 1:
        raise ValueError(f"{op}: output_shape must be a list or 1-D tensor of 3, 4 or 5 ints, got {v!r}")
    n = len(v) - 2
    if not 1 <= n <= 3:
        raise ValueError(f"{op}: output_shape must have 3, 4 or 5 entries (1-D, 2-D or 3-D), got {len(v)}: "
                         f"{list(np.asarray(v).tolist())}")
    fn = (conv1d_transpose, conv2d_transpose, conv3d_transpose)[n - 1]
    return fn(input, filters, output_shape, strides, padding=padding, data_format=data_format,
              dilations=dilations)


# -- atrous (dilated) convolutions -------------------------------------------------------------
def _rate(rate, op: str, pair: bool) -> tuple:
    v = rate._value if isinstance(rate, Tensor) else rate
    a = np.asarray(v)
    if a.dtype.kind not in "iu" or a.ndim > 1 or (a.ndim == 1 and a.size not in ((1, 2) if pair else (1,))):
        want = "a positive int or a pair of them" if pair else "a positive int"
        raise ValueError(f"{op}: rate must be {want}, got {v!r}")
    r = tuple(int(i) for i in np.broadcast_to(a.reshape(-1), (2,)))
    if any(i < 1 for i in r):
        raise ValueError(f"{op}: rate cannot be less than one, got {v!r}")
    return r


def atrous_conv2d(value, filters, rate, padding: str, name: str | None = None) -> Tensor:
    """Atrous (dilated) 2-D convolution of ``value`` ``[N, H, W, C]`` with ``filters`` ``[kh, kw, C,
    out_channels]``: :func:`conv2d` with stride 1 and ``dilations=rate``, i.e. filter taps
    ``rate`` apart. ``rate`` is a positive int (or a pair, height and width); ``padding`` is
    ``"SAME"`` or ``"VALID"``.

    >>> import gradtape as gt
    >>> x = gt.reshape(gt.range(5.0), (1, 1, 5, 1))
    >>> gt.nn.atrous_conv2d(x, gt.ones((1, 2, 1, 1)), 2, "VALID").numpy().ravel()
    array([2., 4., 6.], dtype=float32)
    """
    op = "atrous_conv2d"
    r = _rate(rate, op, pair=True)
    padding = _same_or_valid(padding, op)
    x, w = _as_float(value, op, "value"), _as_float(filters, op, "filters")
    _check_rank(x, 4, op, "value")
    _check_rank(w, 4, op, "filters")
    if x.shape[3] != w.shape[2]:
        raise ValueError(f"{op}: value has {x.shape[3]} channels but filters expect {w.shape[2]} (filters "
                         f"shape {tuple(w.shape)}: [kh, kw, in_channels, out_channels])")
    return _conv(x, w, 1, padding, "NHWC", r, 2, op)


def atrous_conv2d_transpose(value, filters, output_shape, rate, padding: str, name: str | None = None) -> Tensor:
    """The transpose (gradient) of :func:`atrous_conv2d`: maps ``value`` ``[N, h, w, in_channels]``
    to ``output_shape`` ``[N, H, W, out_channels]`` with ``filters`` ``[kh, kw, out_channels,
    in_channels]`` and taps ``rate`` (a positive int) apart. ``padding`` is ``"SAME"`` (then
    ``h, w == H, W``) or ``"VALID"`` (``h = H - (kh - 1) * rate``, and so for ``w``).

    >>> import gradtape as gt
    >>> y = gt.nn.atrous_conv2d_transpose(gt.ones((1, 1, 3, 1)), gt.ones((1, 2, 1, 1)), [1, 1, 5, 1], 2,
    ...                                   "VALID")
    >>> y.numpy().ravel()
    array([1., 1., 2., 1., 1.], dtype=float32)
    """
    op = "atrous_conv2d_transpose"
    r = _rate(rate, op, pair=False)
    padding = _same_or_valid(padding, op)
    x, w = _as_float(value, op, "value"), _as_float(filters, op, "filters")
    _same_dtype(x, w, op, "value")
    _check_rank(x, 4, op, "value")
    _check_rank(w, 4, op, "filters")
    shape = _output_shape(output_shape, 4, True, op)
    if x.shape[3] != w.shape[3]:
        raise ValueError(f"{op}: value has {x.shape[3]} channels but filters take {w.shape[3]} (filters "
                         f"shape {tuple(w.shape)}: [kh, kw, out_channels, in_channels])")
    if shape[3] != w.shape[2]:
        raise ValueError(f"{op}: output_shape has {shape[3]} channels but filters give {w.shape[2]} "
                         f"(filters shape {tuple(w.shape)}: [kh, kw, out_channels, in_channels])")
    if shape[0] != x.shape[0]:
        raise ValueError(f"{op}: output_shape has batch size {shape[0]} but value has {x.shape[0]}")
    pads = _padding(padding, shape[1:3], w.shape[:2], (1, 1), r, True, op)
    return _transpose2d(x, w, shape, (1, 1), r, pads, op)


# -- max pooling with argmax -------------------------------------------------------------------
def max_pool_with_argmax(input, ksize, strides, padding: str, data_format: str = "NHWC",  # noqa: A002
                         output_dtype=int64, include_batch_in_index: bool = False,
                         name: str | None = None) -> MaxPoolWithArgmax:
    """2-D max pooling of ``[N, H, W, C]`` input that also returns where each maximum is:
    ``MaxPoolWithArgmax(output, argmax)``.

    ``argmax`` holds flattened indices: the maximum at ``[b, y, x, c]`` is ``(y * W + x) * C + c``,
    or ``((b * H + y) * W + x) * C + c`` with ``include_batch_in_index=True``; its dtype is
    ``output_dtype`` (int64 or int32) and it has no gradient. With ties the first maximum of the
    window in row-major order is chosen, and gets the gradient of ``output`` (as
    :func:`max_pool2d`). ``ksize`` and ``strides`` are an int or a list of 1, 2 or 4 ints;
    ``padding`` is ``"SAME"`` or ``"VALID"``; ``data_format`` must be ``"NHWC"``.

    >>> import gradtape as gt
    >>> x = gt.constant([[[[1.0], [5.0], [2.0]], [[7.0], [3.0], [7.0]]]])
    >>> output, argmax = gt.nn.max_pool_with_argmax(x, 2, 1, "VALID")
    >>> output.numpy().ravel(), argmax.numpy().ravel()
    (array([7., 7.], dtype=float32), array([3, 5]))
    """
    op = "max_pool_with_argmax"
    if data_format != "NHWC":
        raise ValueError(f"{op}: data_format must be 'NHWC' (the only layout TensorFlow supports here), "
                         f"got {data_format!r}")
    dt = as_dtype(output_dtype)
    if dt not in (np.dtype(np.int32), np.dtype(np.int64)):
        raise TypeError(f"{op}: output_dtype must be gt.int64 or gt.int32, got {getattr(dt, 'name', dt)}")
    x = _as_float(input, op, "input")
    _check_rank(x, 4, op, "input")
    ks = _spatial(ksize, 2, True, op, "ksize")
    st = _spatial(strides, 2, True, op, "strides")
    pads = _padding(_same_or_valid(padding, op), tuple(x.shape[1:3]), ks, st, (1, 1), True, op)
    out, offset = bind(_max_pool, x, ksize=ks, strides=st, padding=pads)
    n, h, w, c = x.shape
    k = np.asarray(offset._value, dtype=np.int64)
    ho, wo = k.shape[1:3]
    rows = np.arange(ho).reshape(1, ho, 1, 1) * st[0] + k // ks[1] - pads[0][0]
    cols = np.arange(wo).reshape(1, 1, wo, 1) * st[1] + k % ks[1] - pads[1][0]
    # a window of padding and -inf or nan only may pick a padded place: keep the index inside
    rows, cols = np.clip(rows, 0, max(h - 1, 0)), np.clip(cols, 0, max(w - 1, 0))
    idx = (rows * w + cols) * c + np.arange(c)
    if include_batch_in_index:
        idx = idx + np.arange(n).reshape(n, 1, 1, 1) * (h * w * c)
    return MaxPoolWithArgmax(out, wrap(idx.astype(dt)))


__all__ = ["conv1d_transpose", "conv_transpose", "atrous_conv2d", "atrous_conv2d_transpose",
           "max_pool_with_argmax"]
