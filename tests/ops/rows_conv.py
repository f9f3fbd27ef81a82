"""Table rows: convolutions and pooling (gradtape/ops/conv.py).

The references are naive loops over output positions and window offsets, with padding taken
from TensorFlow's documented formulas, written independently of the library's code. Shapes are
small so that the second-order checks stay fast.
"""

import numpy as np

import gradtape as gt

from .table import Row, away_from


def _pads(n, k, s, d, padding):
    """(before, after) padding of one spatial axis, from TensorFlow's formulas."""
    eff = (k - 1) * d + 1
    if padding == "VALID":
        return 0, 0
    if padding == "SAME":
        out = -(-n // s)
        total = max((out - 1) * s + eff - n, 0)
        return total // 2, total - total // 2
    return tuple(padding)


def _ref_conv2d(x, w, strides=(1, 1), padding="SAME", dilations=(1, 1), depthwise=False):
    """NHWC input, HWIO (or depthwise HW C M) filter; ``padding`` a string or ((t, b), (l, r))."""
    n, h, wd, c = x.shape
    kh, kw = w.shape[:2]
    pad = [_pads(h, kh, strides[0], dilations[0], padding if isinstance(padding, str) else padding[0]),
           _pads(wd, kw, strides[1], dilations[1], padding if isinstance(padding, str) else padding[1])]
    xp = np.pad(x, ((0, 0), pad[0], pad[1], (0, 0)))
    ho = (xp.shape[1] - (kh - 1) * dilations[0] - 1) // strides[0] + 1
    wo = (xp.shape[2] - (kw - 1) * dilations[1] - 1) // strides[1] + 1
    out_c = c * w.shape[3] if depthwise else w.shape[3]
    y = np.zeros((n, ho, wo, out_c))
    for a in range(ho):
        for b in range(wo):
            for i in range(kh):
                for j in range(kw):
                    v = xp[:, a * strides[0] + i * dilations[0], b * strides[1] + j * dilations[1], :]
                    if depthwise:
                        y[:, a, b, :] += (v[:, :, None] * w[i, j][None]).reshape(n, -1)
                    else:
                        y[:, a, b, :] += v @ w[i, j]
    return y


def _ref_conv2d_transpose(x, w, out_shape, strides, padding):
    """The adjoint of _ref_conv2d: scatter every input pixel through the kernel."""
    n, h, wd, c = out_shape
    kh, kw = w.shape[:2]
    pad = [_pads(h, kh, strides[0], 1, padding), _pads(wd, kw, strides[1], 1, padding)]
    yp = np.zeros((n, h + sum(pad[0]), wd + sum(pad[1]), c))
    for a in range(x.shape[1]):
        for b in range(x.shape[2]):
            for i in range(kh):
                for j in range(kw):
                    yp[:, a * strides[0] + i, b * strides[1] + j, :] += x[:, a, b, :] @ w[i, j].T
    return yp[:, pad[0][0]:pad[0][0] + h, pad[1][0]:pad[1][0] + wd, :]


def _ref_pool(x, ksize, strides, padding, kind):
    n, h, wd, c = x.shape
    pad = [_pads(h, ksize[0], strides[0], 1, padding if isinstance(padding, str) else padding[0]),
           _pads(wd, ksize[1], strides[1], 1, padding if isinstance(padding, str) else padding[1])]
    fill = -np.inf if kind == "max" else np.nan
    xp = np.pad(x, ((0, 0), pad[0], pad[1], (0, 0)), constant_values=fill)
    ho = (xp.shape[1] - ksize[0]) // strides[0] + 1
    wo = (xp.shape[2] - ksize[1]) // strides[1] + 1
    y = np.zeros((n, ho, wo, c))
    for a in range(ho):
        for b in range(wo):
            win = xp[:, a * strides[0]:a * strides[0] + ksize[0], b * strides[1]:b * strides[1] + ksize[1], :]
            y[:, a, b, :] = win.max(axis=(1, 2)) if kind == "max" else np.nanmean(win, axis=(1, 2))
    return y


def _nchw(f):
    """Run an NHWC reference on NCHW arrays."""
    def g(x, *rest):
        return f(x.transpose(0, 2, 3, 1), *rest).transpose(0, 3, 1, 2)
    return g


def _1d(f):
    """Run a 2-D NHWC reference on NWC input with a height of 1."""
    def g(x, *rest):
        return f(x[:, None], *rest)[:, 0]
    return g


X = (2, 5, 5, 2)
X6 = (2, 6, 6, 2)
W = (3, 3, 2, 3)
EXPLICIT = [[0, 0], [1, 2], [0, 1], [0, 0]]

CONV_ROWS = [
    Row("conv2d_same", lambda x, w: gt.nn.conv2d(x, w, 1, "SAME"),
        lambda x, w: _ref_conv2d(x, w), [(X, W), ((1, 4, 4, 1), (1, 1, 1, 2)), ((0, 4, 4, 2), W)]),
    Row("conv2d_valid_stride2", lambda x, w: gt.nn.conv2d(x, w, 2, "VALID"),
        lambda x, w: _ref_conv2d(x, w, (2, 2), "VALID"), [(X, W), (X6, (2, 3, 2, 2))]),
    Row("conv2d_same_stride2", lambda x, w: gt.nn.conv2d(x, w, [1, 2, 2, 1], "SAME"),
        lambda x, w: _ref_conv2d(x, w, (2, 2)), [(X, W), (X6, W)]),
    Row("conv2d_explicit_strides12", lambda x, w: gt.nn.conv2d(x, w, [1, 2], EXPLICIT),
        lambda x, w: _ref_conv2d(x, w, (1, 2), ((1, 2), (0, 1))), [(X, W)]),
    Row("conv2d_dilated", lambda x, w: gt.nn.conv2d(x, w, 1, "SAME", dilations=2),
        lambda x, w: _ref_conv2d(x, w, dilations=(2, 2)), [(X, W)]),
    Row("conv2d_dilated_valid_strided", lambda x, w: gt.nn.conv2d(x, w, [2, 1], "VALID", dilations=[1, 2]),
        lambda x, w: _ref_conv2d(x, w, (2, 1), "VALID", (1, 2)), [((1, 6, 7, 2), (2, 2, 2, 2))]),
    Row("conv2d_nchw", lambda x, w: gt.nn.conv2d(x, w, [1, 1, 2, 1], [[0, 0], [0, 0], [1, 1], [0, 2]],
                                                 data_format="NCHW"),
        _nchw(lambda x, w: _ref_conv2d(x, w, (2, 1), ((1, 1), (0, 2)))), [((2, 2, 5, 4), W)]),
    Row("conv2d_extra_batch_dims", lambda x, w: gt.nn.conv2d(x, w, 1, "VALID"),
        lambda x, w: _ref_conv2d(x.reshape((-1,) + x.shape[2:]), w, padding="VALID").reshape(
            x.shape[:2] + (3, 3, 3)), [((2, 1, 5, 5, 2), W)]),
    Row("conv1d_same_stride2", lambda x, w: gt.nn.conv1d(x, w, 2, "SAME"),
        _1d(lambda x, w: _ref_conv2d(x, w[None], (1, 2))), [((2, 7, 2), (3, 2, 3))]),
    Row("conv1d_ncw_dilated", lambda x, w: gt.nn.conv1d(x, w, 1, "VALID", data_format="NCW", dilations=2),
        lambda x, w: _1d(lambda a, k: _ref_conv2d(a, k[None], padding="VALID", dilations=(1, 2)))(
            x.transpose(0, 2, 1), w).transpose(0, 2, 1), [((2, 2, 7), (2, 2, 3))]),
    Row("conv2d_transpose_same_stride2",
        lambda x, w: gt.nn.conv2d_transpose(x, w, [2, 6, 6, 3], 2, "SAME"),
        lambda x, w: _ref_conv2d_transpose(x, w, (2, 6, 6, 3), (2, 2), "SAME"),
        [((2, 3, 3, 2), (3, 3, 3, 2))]),
    Row("conv2d_transpose_valid",
        lambda x, w: gt.nn.conv2d_transpose(x, w, [1, 5, 6, 2], [1, 2], "VALID"),
        lambda x, w: _ref_conv2d_transpose(x, w, (1, 5, 6, 2), (1, 2), "VALID"),
        [((1, 3, 3, 2), (3, 2, 2, 2))]),
    Row("depthwise_conv2d_same", lambda x, w: gt.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME"),
        lambda x, w: _ref_conv2d(x, w, depthwise=True), [(X, (3, 3, 2, 2))]),
    Row("depthwise_conv2d_valid_stride2", lambda x, w: gt.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "VALID"),
        lambda x, w: _ref_conv2d(x, w, (2, 2), "VALID", depthwise=True), [(X, (2, 2, 2, 3))]),
    Row("depthwise_conv2d_dilated_nchw",
        lambda x, w: gt.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME", data_format="NCHW", dilations=[2, 2]),
        _nchw(lambda x, w: _ref_conv2d(x, w, dilations=(2, 2), depthwise=True)),
        [((1, 2, 5, 5), (2, 2, 2, 1))]),
]

POOL_ROWS = [
    Row("max_pool2d_valid", lambda x: gt.nn.max_pool2d(x, 2, 2, "VALID"),
        lambda x: _ref_pool(x, (2, 2), (2, 2), "VALID", "max"),
        [((2, 4, 4, 2),), ((1, 5, 5, 1),), ((0, 2, 2, 1),)]),
    Row("max_pool2d_same_overlapping", lambda x: gt.nn.max_pool2d(x, 3, 1, "SAME"),
        lambda x: _ref_pool(x, (3, 3), (1, 1), "SAME", "max"), [((2, 4, 4, 2),)]),
    Row("max_pool2d_same_stride2", lambda x: gt.nn.max_pool2d(x, [1, 3, 2, 1], [1, 2, 2, 1], "SAME"),
        lambda x: _ref_pool(x, (3, 2), (2, 2), "SAME", "max"), [((1, 5, 5, 2),)]),
    Row("max_pool2d_explicit", lambda x: gt.nn.max_pool2d(x, 2, 2, [[0, 0], [1, 1], [0, 1], [0, 0]]),
        lambda x: _ref_pool(x, (2, 2), (2, 2), ((1, 1), (0, 1)), "max"), [((1, 4, 5, 2),)]),
    Row("max_pool2d_nchw", lambda x: gt.nn.max_pool2d(x, 2, 1, "VALID", data_format="NCHW"),
        _nchw(lambda x: _ref_pool(x, (2, 2), (1, 1), "VALID", "max")), [((1, 2, 3, 4),)]),
    Row("max_pool1d", lambda x: gt.nn.max_pool1d(x, 3, 2, "SAME"),
        _1d(lambda x: _ref_pool(x, (1, 3), (1, 2), "SAME", "max")), [((2, 6, 2),)]),
    Row("max_pool1d_ncw", lambda x: gt.nn.max_pool1d(x, 2, 2, "VALID", data_format="NCW"),
        lambda x: _1d(lambda a: _ref_pool(a, (1, 2), (1, 2), "VALID", "max"))(
            x.transpose(0, 2, 1)).transpose(0, 2, 1), [((2, 2, 5),)]),
    # a relu feeding a max pool: the reverse sweep masks the pooled gradient (PooledGrad)
    Row("relu_then_max_pool2d", lambda x: gt.nn.max_pool2d(gt.nn.relu(x), 2, 2, "VALID"),
        lambda x: _ref_pool(np.maximum(x, 0), (2, 2), (2, 2), "VALID", "max"), [((2, 4, 4, 2),)],
        domain=away_from([0], -2, 2)),
    Row("relu_then_max_pool2d_same_overlapping", lambda x: gt.nn.max_pool2d(gt.nn.relu(x), 3, 1, "SAME"),
        lambda x: _ref_pool(np.maximum(x, 0), (3, 3), (1, 1), "SAME", "max"), [((1, 4, 5, 2),)],
        domain=away_from([0], -2, 2)),
    Row("avg_pool2d_valid", lambda x: gt.nn.avg_pool2d(x, 2, 2, "VALID"),
        lambda x: _ref_pool(x, (2, 2), (2, 2), "VALID", "avg"), [((2, 4, 4, 2),), ((1, 5, 5, 1),)]),
    Row("avg_pool2d_same", lambda x: gt.nn.avg_pool2d(x, 3, 2, "SAME"),
        lambda x: _ref_pool(x, (3, 3), (2, 2), "SAME", "avg"), [((2, 4, 5, 2),)]),
    Row("avg_pool2d_nchw", lambda x: gt.nn.avg_pool2d(x, [2, 3], 1, "SAME", data_format="NCHW"),
        _nchw(lambda x: _ref_pool(x, (2, 3), (1, 1), "SAME", "avg")), [((1, 2, 3, 4),)]),
    Row("avg_pool1d", lambda x: gt.nn.avg_pool1d(x, 2, 1, "SAME"),
        _1d(lambda x: _ref_pool(x, (1, 2), (1, 1), "SAME", "avg")), [((2, 5, 2),)]),
]

ROWS = CONV_ROWS + POOL_ROWS
