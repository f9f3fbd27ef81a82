"""Table rows: 3-D convolution and pooling (gradtape/ops/conv3d.py) and the convolution variants
(gradtape/ops/conv_variants.py).

The references are naive loops over output positions and window offsets in any number of
spatial dimensions, with padding from TensorFlow's documented formulas, written independently
of the library's code. Shapes are tiny so that the second-order checks stay fast; max pooling
inputs are uniform random floats, so windows have no ties.
"""

import itertools

import numpy as np

import gradtape as gt

from .table import Row


def _pads(n, k, s, d, padding):
    """(before, after) padding of one spatial axis, from TensorFlow's formulas."""
    if padding == "VALID":
        return 0, 0
    total = max((-(-n // s) - 1) * s + (k - 1) * d + 1 - n, 0)
    return total // 2, total - total // 2


def _ref_conv(x, w, strides, padding, dilations=None):
    """Channels-last ``x`` [N, *S, C], filters [*K, C, O]: sum over taps of the strided input."""
    nsp = x.ndim - 2
    dilations = dilations or (1,) * nsp
    ks = w.shape[:nsp]
    pads = [_pads(n, k, s, d, padding) for n, k, s, d in zip(x.shape[1:-1], ks, strides, dilations)]
    xp = np.pad(x, [(0, 0)] + pads + [(0, 0)])
    out = [(xp.shape[1 + a] - (ks[a] - 1) * dilations[a] - 1) // strides[a] + 1 for a in range(nsp)]
    y = np.zeros([x.shape[0]] + out + [w.shape[-1]])
    for pos in itertools.product(*[range(o) for o in out]):
        for tap in itertools.product(*[range(k) for k in ks]):
            src = tuple(p * s + t * d for p, s, t, d in zip(pos, strides, tap, dilations))
            y[(slice(None),) + pos] += xp[(slice(None),) + src] @ w[tap]
    return y


def _ref_conv_transpose(y, w, out_shape, strides, padding, dilations=None):
    """The adjoint of _ref_conv: every input pixel scattered through the filters [*K, O, I]."""
    nsp = y.ndim - 2
    dilations = dilations or (1,) * nsp
    ks = w.shape[:nsp]
    pads = [_pads(n, k, s, d, padding) for n, k, s, d in zip(out_shape[1:-1], ks, strides, dilations)]
    xp = np.zeros([out_shape[0]] + [n + a + b for n, (a, b) in zip(out_shape[1:-1], pads)] + [out_shape[-1]])
    for pos in itertools.product(*[range(o) for o in y.shape[1:-1]]):
        for tap in itertools.product(*[range(k) for k in ks]):
            dst = tuple(p * s + t * d for p, s, t, d in zip(pos, strides, tap, dilations))
            xp[(slice(None),) + dst] += y[(slice(None),) + pos] @ w[tap].T
    return xp[(slice(None),) + tuple(slice(a, a + n) for n, (a, _) in zip(out_shape[1:-1], pads))]


def _ref_pool(x, ksize, strides, padding, kind):
    """Channels-last max or mean pooling; padding is left out of every window."""
    nsp = x.ndim - 2
    pads = [_pads(n, k, s, 1, padding) for n, k, s in zip(x.shape[1:-1], ksize, strides)]
    xp = np.pad(x, [(0, 0)] + pads + [(0, 0)], constant_values=np.nan)
    out = [(xp.shape[1 + a] - ksize[a]) // strides[a] + 1 for a in range(nsp)]
    y = np.zeros([x.shape[0]] + out + [x.shape[-1]])
    axes = tuple(range(1, nsp + 1))
    for pos in itertools.product(*[range(o) for o in out]):
        win = xp[(slice(None),) + tuple(slice(p * s, p * s + k) for p, s, k in zip(pos, strides, ksize))]
        y[(slice(None),) + pos] = np.nanmax(win, axis=axes) if kind == "max" else np.nanmean(win, axis=axes)
    return y


def _first(f):
    """Run a channels-last reference on channels-first arrays (input and output)."""
    def g(x, *rest):
        last = (0,) + tuple(range(2, x.ndim)) + (1,)
        back = (0, x.ndim - 1) + tuple(range(1, x.ndim - 1))
        return f(x.transpose(last), *rest).transpose(back)
    return g


CONV3D_ROWS = [
    Row("conv3d_same_strided", lambda x, w: gt.nn.conv3d(x, w, [1, 2, 1, 2, 1], "SAME"),
        lambda x, w: _ref_conv(x, w, (2, 1, 2), "SAME"),
        [((1, 4, 4, 4, 2), (2, 3, 2, 2, 3)), ((0, 4, 4, 4, 2), (2, 3, 2, 2, 3))]),
    Row("conv3d_valid_dilated", lambda x, w: gt.nn.conv3d(x, w, [1, 1, 1, 1, 1], "VALID", dilations=[2, 1, 1]),
        lambda x, w: _ref_conv(x, w, (1, 1, 1), "VALID", (2, 1, 1)), [((2, 5, 3, 4, 2), (2, 2, 2, 2, 2))]),
    Row("conv3d_strided_and_dilated_depth", lambda x, w: gt.nn.conv3d(x, w, [2, 1, 1], "SAME", dilations=[2, 1, 2]),
        lambda x, w: _ref_conv(x, w, (2, 1, 1), "SAME", (2, 1, 2)), [((1, 7, 3, 4, 1), (2, 2, 2, 1, 2))]),
    Row("conv3d_kd1_strided", lambda x, w: gt.nn.conv3d(x, w, [1, 2, 1, 1, 1], "VALID"),
        lambda x, w: _ref_conv(x, w, (2, 1, 1), "VALID"), [((1, 5, 3, 3, 2), (1, 2, 2, 2, 3))]),
    Row("conv3d_ncdhw", lambda x, w: gt.nn.conv3d(x, w, [1, 1, 1, 1, 1], "SAME", data_format="NCDHW"),
        _first(lambda x, w: _ref_conv(x, w, (1, 1, 1), "SAME")), [((1, 2, 4, 3, 4), (3, 2, 2, 2, 2))]),
    Row("conv3d_transpose_same_strided",
        lambda y, w: gt.nn.conv3d_transpose(y, w, [1, 4, 4, 4, 3], 2, "SAME"),
        lambda y, w: _ref_conv_transpose(y, w, (1, 4, 4, 4, 3), (2, 2, 2), "SAME"),
        [((1, 2, 2, 2, 2), (2, 3, 2, 3, 2))]),
    Row("conv3d_transpose_valid_dilated",
        lambda y, w: gt.nn.conv3d_transpose(y, w, [1, 5, 3, 4, 2], 1, "VALID", dilations=[2, 1, 1]),
        lambda y, w: _ref_conv_transpose(y, w, (1, 5, 3, 4, 2), (1, 1, 1), "VALID", (2, 1, 1)),
        [((1, 3, 2, 3, 2), (2, 2, 2, 2, 2))]),
    Row("conv3d_transpose_ncdhw_kd1",
        lambda y, w: gt.nn.conv3d_transpose(y, w, [1, 3, 2, 4, 4], [1, 2, 2], "SAME", data_format="NCDHW"),
        _first(lambda y, w: _ref_conv_transpose(y, w, (1, 2, 4, 4, 3), (1, 2, 2), "SAME")),
        [((1, 2, 2, 2, 2), (1, 2, 2, 3, 2))]),
]

POOL3D_ROWS = [
    Row("max_pool3d_valid", lambda x: gt.nn.max_pool3d(x, 2, 2, "VALID"),
        lambda x: _ref_pool(x, (2, 2, 2), (2, 2, 2), "VALID", "max"), [((1, 4, 4, 4, 2),), ((0, 2, 2, 2, 1),)]),
    Row("max_pool3d_same_overlapping", lambda x: gt.nn.max_pool3d(x, 3, [1, 2, 1], "SAME"),
        lambda x: _ref_pool(x, (3, 3, 3), (1, 2, 1), "SAME", "max"), [((1, 3, 4, 4, 1),)]),
    Row("max_pool3d_ncdhw", lambda x: gt.nn.max_pool3d(x, [1, 1, 2, 2, 1], 1, "VALID", data_format="NCDHW"),
        _first(lambda x: _ref_pool(x, (2, 2, 1), (1, 1, 1), "VALID", "max")), [((1, 2, 3, 4, 4),)]),
    Row("avg_pool3d_valid", lambda x: gt.nn.avg_pool3d(x, 2, 2, "VALID"),
        lambda x: _ref_pool(x, (2, 2, 2), (2, 2, 2), "VALID", "avg"), [((1, 4, 4, 4, 2),)]),
    Row("avg_pool3d_same", lambda x: gt.nn.avg_pool3d(x, [2, 3, 2], [2, 2, 1], "SAME"),
        lambda x: _ref_pool(x, (2, 3, 2), (2, 2, 1), "SAME", "avg"), [((1, 3, 4, 5, 2),)]),
    Row("avg_pool3d_ncdhw", lambda x: gt.nn.avg_pool3d(x, 2, 1, "SAME", data_format="NCDHW"),
        _first(lambda x: _ref_pool(x, (2, 2, 2), (1, 1, 1), "SAME", "avg")), [((1, 2, 3, 4, 4),)]),
]

VARIANT_ROWS = [
    Row("conv1d_transpose_same_stride2", lambda y, w: gt.nn.conv1d_transpose(y, w, [2, 6, 3], 2),
        lambda y, w: _ref_conv_transpose(y, w, (2, 6, 3), (2,), "SAME"), [((2, 3, 2), (3, 3, 2))]),
    Row("conv1d_transpose_ncw_dilated",
        lambda y, w: gt.nn.conv1d_transpose(y, w, [1, 3, 6], 1, "VALID", data_format="NCW", dilations=2),
        _first(lambda y, w: _ref_conv_transpose(y, w, (1, 6, 3), (1,), "VALID", (2,))), [((1, 2, 4), (2, 3, 2))]),
    Row("atrous_conv2d_same", lambda x, w: gt.nn.atrous_conv2d(x, w, 2, "SAME"),
        lambda x, w: _ref_conv(x, w, (1, 1), "SAME", (2, 2)), [((1, 5, 5, 2), (3, 3, 2, 2))]),
    Row("atrous_conv2d_valid_rate_pair", lambda x, w: gt.nn.atrous_conv2d(x, w, [2, 1], "VALID"),
        lambda x, w: _ref_conv(x, w, (1, 1), "VALID", (2, 1)), [((1, 6, 5, 2), (2, 2, 2, 3))]),
    Row("atrous_conv2d_transpose_same", lambda y, w: gt.nn.atrous_conv2d_transpose(y, w, [1, 5, 5, 3], 2, "SAME"),
        lambda y, w: _ref_conv_transpose(y, w, (1, 5, 5, 3), (1, 1), "SAME", (2, 2)), [((1, 5, 5, 2), (3, 3, 3, 2))]),
    Row("atrous_conv2d_transpose_valid", lambda y, w: gt.nn.atrous_conv2d_transpose(y, w, [1, 4, 5, 2], 2, "VALID"),
        lambda y, w: _ref_conv_transpose(y, w, (1, 4, 5, 2), (1, 1), "VALID", (2, 2)), [((1, 2, 3, 2), (2, 2, 2, 2))]),
    Row("conv_transpose_1d", lambda y, w: gt.nn.conv_transpose(y, w, [1, 6, 2], 2),
        lambda y, w: _ref_conv_transpose(y, w, (1, 6, 2), (2,), "SAME"), [((1, 3, 2), (2, 2, 2))]),
    Row("conv_transpose_2d", lambda y, w: gt.nn.conv_transpose(y, w, [1, 4, 6, 2], 2, "VALID"),
        lambda y, w: _ref_conv_transpose(y, w, (1, 4, 6, 2), (2, 2), "VALID"), [((1, 2, 3, 2), (2, 2, 2, 2))]),
    Row("conv_transpose_3d", lambda y, w: gt.nn.conv_transpose(y, w, [1, 4, 4, 4, 2], 2),
        lambda y, w: _ref_conv_transpose(y, w, (1, 4, 4, 4, 2), (2, 2, 2), "SAME"),
        [((1, 2, 2, 2, 1), (2, 2, 2, 2, 1))]),
    Row("max_pool_with_argmax_same", lambda x: gt.nn.max_pool_with_argmax(x, 3, 2, "SAME").output,
        lambda x: _ref_pool(x, (3, 3), (2, 2), "SAME", "max"), [((2, 5, 5, 2),)]),
    Row("max_pool_with_argmax_valid", lambda x: gt.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")[0],
        lambda x: _ref_pool(x, (2, 2), (2, 2), "VALID", "max"), [((1, 4, 4, 3),)]),
]

ROWS = CONV3D_ROWS + POOL3D_ROWS + VARIANT_ROWS
