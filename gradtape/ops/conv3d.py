"""3-D convolution and pooling, as ``tf.nn``: ``conv3d``, ``conv3d_transpose``, ``max_pool3d`` and
``avg_pool3d`` on ``NDHWC`` (channels-last) or ``NCDHW`` (channels-first) input, with ``"SAME"``
or ``"VALID"`` padding, strides and (for the convolutions) dilations.

They run on the 2-D primitives of :mod:`gradtape.ops.conv` and differentiable array ops, so
every derivative, of any order, comes from those primitives' rules:

* ``conv3d`` folds the depth axis away. The ``kd`` depth taps of the (depth-padded) input,
  each a depth-strided slice, are stacked on the channel axis and the output depth joins the
  batch, so that one 2-D convolution with the filters rearranged to ``[kh, kw, kd * C, O]``
  computes the whole 3-D convolution: still one matrix product per batch chunk.
* ``conv3d_transpose`` is its adjoint: ``conv2d_backprop_input`` with the same rearranged
  filters gives every depth tap's contribution, each is added into its (strided) depth rows,
  and the depth padding is cropped.
* Pooling windows are boxes, so pooling is separable: a 2-D pool over height and width of every
  depth slice, then a ``(kd, 1)`` pool over depth. For max pooling this sends a window's
  gradient to its first maximum in row-major ``(depth, height, width)`` order, the convention
  of the 2-D pools. For average pooling with ``"SAME"`` padding the number of real elements of
  a window is the product of its counts along each axis, so dividing in each step is exact.
"""

from __future__ import annotations

import numpy as np

from .._engine.primitive import bind
from .._engine.tensor import Tensor
from .array import pad, reshape, stack, transpose
from .conv import (_as_float, _avg_pool, _check_rank, _conv2d, _conv2d_bpi, _max_pool, _out_size, _padding, _spatial,
                   _to_first, _to_last)
from .indexing import _index_add


# -- argument handling -------------------------------------------------------------------------
def _channels_last3(data_format, op: str) -> bool:
    if data_format is None or data_format == "NDHWC":
        return True
    if data_format == "NCDHW":
        return False
    raise ValueError(f"{op}: data_format must be 'NDHWC' or 'NCDHW', got {data_format!r}")


def _same_or_valid(padding, op: str) -> str:
    """``padding`` for the ops that take only TensorFlow's two padding algorithms."""
    if not isinstance(padding, str) or padding.upper() not in ("SAME", "VALID"):
        raise ValueError(f"{op}: padding must be 'SAME' or 'VALID', got {padding!r}")
    return padding.upper()


def _output_shape(output_shape, rank: int, channels_last: bool, op: str) -> list:
    """``output_shape`` (a list or 1-D tensor of ``rank`` ints) in channels-last order."""
    v = output_shape._value if isinstance(output_shape, Tensor) else output_shape
    a = np.asarray(v)
    if a.ndim != 1 or a.size != rank or (a.size and a.dtype.kind not in "iu"):
        raise ValueError(f"{op}: output_shape must be a list of {rank} ints (the shape of the result), "
                         f"got {v!r}")
    shape = [int(s) for s in a.tolist()]
    if any(s < 0 for s in shape):
        raise ValueError(f"{op}: output_shape must not be negative, got {shape}")
    if not channels_last:
        shape = [shape[0]] + shape[2:] + [shape[1]]
    return shape


def _same_dtype(x: Tensor, w: Tensor, op: str, xname: str = "input") -> None:
    if x.dtype != w.dtype:
        raise TypeError(f"{op}: {xname} ({x.dtype.name}) and filters ({w.dtype.name}) must have the "
                        "same dtype")


def _fold_filters(w: Tensor) -> Tensor:
    """``[kd, kh, kw, C, O]`` -> ``[kh, kw, kd * C, O]``: the depth taps become input channels."""
    kd, kh, kw, c, o = w.shape
    if kd == 1:
        return reshape(w, (kh, kw, c, o))
    return reshape(transpose(w, (1, 2, 0, 3, 4)), (kh, kw, kd * c, o))


# -- convolutions ------------------------------------------------------------------------------
def conv3d(input, filters, strides, padding: str, data_format: str = "NDHWC", dilations=None,  # noqa: A002
           name: str | None = None) -> Tensor:
    """3-D convolution (cross-correlation, as TensorFlow) of ``input`` ``[N, D, H, W, C]``
    (``data_format="NCDHW"``: ``[N, C, D, H, W]``) with ``filters`` ``[kd, kh, kw, C, out_channels]``.

    ``strides`` and ``dilations`` are an int or a list of 1, 3 or 5 ints (batch and channel
    entries 1); ``padding`` is ``"SAME"`` or ``"VALID"``. Output size per spatial axis:
    ``ceil(n / s)`` for SAME, ``ceil((n - (k - 1) * d) / s)`` for VALID.

    >>> import gradtape as gt
    >>> y = gt.nn.conv3d(gt.ones((1, 3, 4, 4, 1)), gt.ones((2, 2, 2, 1, 1)), [1, 1, 2, 2, 1], "SAME")
    >>> y.shape
    (1, 3, 2, 2, 1)
    >>> y.numpy()[0, :, :, :, 0]
    array([[[8., 8.],
            [8., 8.]],
    <BLANKLINE>
           [[8., 8.],
            [8., 8.]],
    <BLANKLINE>
           [[4., 4.],
            [4., 4.]]], dtype=float32)
    """
    op = "conv3d"
    x, w = _as_float(input, op, "input"), _as_float(filters, op, "filters")
    _same_dtype(x, w, op)
    cl = _channels_last3(data_format, op)
    _check_rank(x, 5, op, "input")
    _check_rank(w, 5, op, "filters")
    x = _to_last(x, cl)
    n, d, h, wd, c = x.shape
    kd, kh, kw, wc, o = w.shape
    if wc != c:
        raise ValueError(f"{op}: input has {c} channels but filters expect {wc} (filters shape "
                         f"{tuple(w.shape)}: [kd, kh, kw, in_channels, out_channels])")
    st = _spatial(strides, 3, cl, op, "strides")
    dl = _spatial(dilations, 3, cl, op, "dilations")
    pads = _padding(_same_or_valid(padding, op), (d, h, wd), (kd, kh, kw), st, dl, cl, op)
    od = _out_size(d, kd, st[0], dl[0], pads[0])
    if any(pads[0]):
        x = pad(x, [[0, 0], list(pads[0]), [0, 0], [0, 0], [0, 0]])
    taps = [x[:, i * dl[0]:i * dl[0] + st[0] * (od - 1) + 1:st[0]] for i in range(kd)]
    # [N, od, H, W, kd, C]: channel k * C + c of the folded input is depth tap k, channel c
    folded = taps[0] if kd == 1 else stack(taps, axis=4)
    folded = reshape(folded, (n * od, h, wd, kd * c))
    y = bind(_conv2d, folded, _fold_filters(w), strides=st[1:], dilations=dl[1:], padding=pads[1:],
             depthwise=False)
    y = reshape(y, (n, od) + tuple(y.shape[1:]))
    return _to_first(y, cl)


def conv3d_transpose(input, filters, output_shape, strides, padding: str = "SAME",  # noqa: A002
                     data_format: str = "NDHWC", dilations=None, name: str | None = None) -> Tensor:
    """The transpose (gradient) of :func:`conv3d`: maps ``input`` ``[N, d, h, w, in_channels]`` to
    ``output_shape`` ``[N, D, H, W, out_channels]`` with ``filters`` ``[kd, kh, kw, out_channels,
    in_channels]``, such that ``conv3d`` of the output with the same arguments has ``input``'s
    spatial shape. ``data_format="NCDHW"`` puts the channels second (in ``output_shape`` too).

    >>> import gradtape as gt
    >>> y = gt.nn.conv3d_transpose(gt.ones((1, 2, 2, 2, 1)), gt.ones((2, 2, 2, 1, 1)), [1, 3, 3, 3, 1],
    ...                            1, "VALID")
    >>> y.shape
    (1, 3, 3, 3, 1)
    >>> y.numpy()[0, 0, :, :, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]], dtype=float32)
    """
    op = "conv3d_transpose"
    x, w = _as_float(input, op, "input"), _as_float(filters, op, "filters")
    _same_dtype(x, w, op)
    cl = _channels_last3(data_format, op)
    _check_rank(x, 5, op, "input")
    _check_rank(w, 5, op, "filters")
    shape = _output_shape(output_shape, 5, cl, op)
    x = _to_last(x, cl)
    n, dd, hh, ww, c = shape
    kd, kh, kw = w.shape[:3]
    if shape[0] != x.shape[0] or c != w.shape[3] or x.shape[4] != w.shape[4]:
        raise ValueError(f"{op}: shapes do not fit: input {tuple(x.shape)} (channels last), filters "
                         f"{tuple(w.shape)}, output_shape {shape} (channels last); filters must be "
                         "[kd, kh, kw, out_channels, in_channels]")
    st = _spatial(strides, 3, cl, op, "strides")
    dl = _spatial(dilations, 3, cl, op, "dilations")
    pads = _padding(_same_or_valid(padding, op), (dd, hh, ww), (kd, kh, kw), st, dl, cl, op)
    out = tuple(_out_size(s, k, a, b, p) for s, k, a, b, p in zip((dd, hh, ww), (kd, kh, kw), st, dl, pads))
    if out != tuple(x.shape[1:4]):
        raise ValueError(f"{op}: a conv3d of output_shape {shape} with these strides and padding gives "
                         f"spatial shape {out}, not the input's {tuple(x.shape[1:4])}")
    od = out[0]
    z = bind(_conv2d_bpi, reshape(x, (n * od,) + tuple(x.shape[2:])), _fold_filters(w),
             input_shape=(n * od, hh, ww, kd * c), strides=st[1:], dilations=dl[1:], padding=pads[1:],
             depthwise=False)
    if kd == 1 and st[0] == 1 and not any(pads[0]):
        return _to_first(reshape(z, (n, dd, hh, ww, c)), cl)
    z = reshape(z, (n, od, hh, ww, kd, c))
    full = (n, dd + sum(pads[0]), hh, ww, c)
    y = None
    for i in range(kd):
        rows = slice(i * dl[0], i * dl[0] + st[0] * (od - 1) + 1, st[0])
        part = bind(_index_add, z[:, :, :, :, i], index=(slice(None), rows), shape=full)
        y = part if y is None else y + part
    if any(pads[0]):
        y = y[:, pads[0][0]:pads[0][0] + dd]
    return _to_first(y, cl)


# -- pooling -----------------------------------------------------------------------------------
def _pool3d(prim, x, ksize, strides, padding, data_format, op: str) -> Tensor:
    x = _as_float(x, op, "input")
    cl = _channels_last3(data_format, op)
    _check_rank(x, 5, op, "input")
    x = _to_last(x, cl)
    ks = _spatial(ksize, 3, cl, op, "ksize")
    st = _spatial(strides, 3, cl, op, "strides")
    pads = _padding(_same_or_valid(padding, op), tuple(x.shape[1:4]), ks, st, (1, 1, 1), cl, op)
    n, d, h, w, c = x.shape

    def run(t, k, s, p):
        r = bind(prim, t, ksize=k, strides=s, padding=p)
        return r[0] if prim is _max_pool else r

    # height and width of every depth slice, then depth: first maxima in (d, h, w) order
    y = run(reshape(x, (n * d, h, w, c)), ks[1:], st[1:], pads[1:])
    ho, wo = y.shape[1:3]
    od = d
    if ks[0] != 1 or st[0] != 1:
        y = run(reshape(y, (n, d, ho * wo, c)), (ks[0], 1), (st[0], 1), (pads[0], (0, 0)))
        od = y.shape[1]
    y = reshape(y, (n, od, ho, wo, c))
    return _to_first(y, cl)


def max_pool3d(input, ksize, strides, padding: str, data_format: str = "NDHWC",  # noqa: A002
               name: str | None = None) -> Tensor:
    """Maximum over ``ksize`` windows of ``[N, D, H, W, C]`` (``"NCDHW"``: ``[N, C, D, H, W]``) input.

    ``ksize`` and ``strides`` are an int or a list of 1, 3 or 5 ints; ``padding`` is ``"SAME"``
    (padding never wins) or ``"VALID"``. With ties the gradient goes to the window's first
    maximum in row-major (depth, height, width) order, as for :func:`max_pool2d`.

    >>> import gradtape as gt
    >>> x = gt.reshape(gt.range(8.0), (1, 2, 2, 2, 1))
    >>> gt.nn.max_pool3d(x, 2, 1, "SAME").numpy()[0, :, :, :, 0]
    array([[[7., 7.],
            [7., 7.]],
    <BLANKLINE>
           [[7., 7.],
            [7., 7.]]], dtype=float32)
    """
    return _pool3d(_max_pool, input, ksize, strides, padding, data_format, "max_pool3d")


def avg_pool3d(input, ksize, strides, padding: str, data_format: str = "NDHWC",  # noqa: A002
               name: str | None = None) -> Tensor:
    """Mean over ``ksize`` windows of ``[N, D, H, W, C]`` (``"NCDHW"``: ``[N, C, D, H, W]``) input.

    ``ksize`` and ``strides`` are an int or a list of 1, 3 or 5 ints; ``padding`` is ``"SAME"``
    or ``"VALID"``. With ``"SAME"`` each window is divided by its number of real (non-padding)
    elements, as in TensorFlow.

    >>> import gradtape as gt
    >>> x = gt.reshape(gt.range(8.0), (1, 2, 2, 2, 1))
    >>> gt.nn.avg_pool3d(x, 2, 2, "VALID").numpy().ravel()
    array([3.5], dtype=float32)
    >>> gt.nn.avg_pool3d(x, [1, 2, 1], 1, "SAME").numpy()[0, 0, :, :, 0]
    array([[1., 2.],
           [2., 3.]], dtype=float32)
    """
    return _pool3d(_avg_pool, input, ksize, strides, padding, data_format, "avg_pool3d")


__all__ = ["conv3d", "conv3d_transpose", "max_pool3d", "avg_pool3d"]
