"""Table rows: more ``tf.nn`` ops (gradtape/ops/nn_losses.py, statistics.py, space.py,
conv_dispatch.py, ``local_response_normalization`` in norm.py and ``crelu`` in nn.py).

References are written from TensorFlow's documented formulas with NumPy loops and sums; the
convolution and pooling references are the naive ones of ``rows_conv``.
"""

import math

import numpy as np

import gradtape as gt

from .rows_conv import _1d, _nchw, _ref_conv2d, _ref_pool
from .table import Row, away_from


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _labels(shape):
    """Fixed soft labels in [0, 1] of a given shape."""
    n = math.prod(shape)
    return np.linspace(0.0, 1.0, n).reshape(shape) if n else np.zeros(shape)


def _wce_ref(z, x, q):
    return q * z * -np.log(_sigmoid(x)) + (1 - z) * -np.log(1 - _sigmoid(x))


def _poisson_ref(z, c, full=False):
    out = np.exp(c) - z * c
    if full:
        with np.errstate(all="ignore"):
            stirling = z * np.log(z) - z + 0.5 * np.log(2 * np.pi * z)
        out = out + np.where((z >= 0) & (z <= 1), 0.0, stirling)
    return out


def _avg_loss_ref(loss, w=None, n=None):
    if w is not None:
        if w.ndim and w.ndim - loss.ndim == 1:
            w = w[..., 0]
        elif w.ndim and loss.ndim - w.ndim == 1:
            w = w[..., None]
        loss = loss * w
    n = loss.shape[0] if n is None else n
    return loss.sum() / n if n else np.float64(0.0)


def _weighted_moments_ref(x, w, axes, keepdims=False):
    wb = np.broadcast_to(w, np.broadcast_shapes(x.shape, w.shape))
    total = wb.sum(axis=axes, keepdims=True)
    mean = (w * x).sum(axis=axes, keepdims=True) / total
    var = (w * (x - mean) ** 2).sum(axis=axes, keepdims=True) / total
    if not keepdims:
        mean, var = mean.squeeze(axis=axes), var.squeeze(axis=axes)
    return [mean, var]


def _d2s_ref(x, b):
    """NHWC depth_to_space by its definition, element by element."""
    n, h, w, d = x.shape
    c = d // (b * b)
    y = np.zeros((n, h * b, w * b, c))
    for i in range(h * b):
        for j in range(w * b):
            for k in range(c):
                y[:, i, j, k] = x[:, i // b, j // b, ((i % b) * b + j % b) * c + k]
    return y


def _s2d_ref(x, b):
    n, h, w, c = x.shape
    y = np.zeros((n, h // b, w // b, b * b * c))
    for i in range(h):
        for j in range(w):
            for k in range(c):
                y[:, i // b, j // b, ((i % b) * b + j % b) * c + k] = x[:, i, j, k]
    return y


def _separable_ref(x, dw, pw, strides=(1, 1), padding="SAME", dilations=(1, 1)):
    y = _ref_conv2d(x, dw, strides, padding, dilations, depthwise=True)
    return np.einsum("nhwc,co->nhwo", y, pw[0, 0])


def _dilated_pool_ref(x, window, dilations, kind):
    """VALID, stride-1 pooling of NHWC ``x`` with dilated windows."""
    n, h, w, c = x.shape
    (kh, kw), (dh, dw) = window, dilations
    oh, ow = h - (kh - 1) * dh, w - (kw - 1) * dw
    y = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            win = x[:, i:i + (kh - 1) * dh + 1:dh, j:j + (kw - 1) * dw + 1:dw, :]
            y[:, i, j, :] = win.max(axis=(1, 2)) if kind == "max" else win.mean(axis=(1, 2))
    return y


def _lrn_ref(x, r=5, bias=1.0, alpha=1.0, beta=0.5):
    d = x.shape[-1]
    sqr = np.zeros_like(x)
    for k in range(d):
        lo, hi = max(0, k - r), min(d, k + r + 1)
        sqr[..., k] = (x[..., lo:hi] ** 2).sum(axis=-1)
    return x / (bias + alpha * sqr) ** beta


POISSON_FULL = away_from([1.0], 0.2, 3.0, 0.15)
NOT_AT_0 = away_from([0], -2, 2)
X = (2, 5, 5, 2)

LOSS_ROWS = [
    Row("weighted_cross_entropy_with_logits_basic",
        lambda x, q: gt.nn.weighted_cross_entropy_with_logits(_labels(tuple(x.shape)), x, q),
        lambda x, q: _wce_ref(_labels(x.shape), x, q), [((4,), ()), ((2, 3), (3,)), ((0,), ())],
        domain=(-3, 3)),
    Row("weighted_cross_entropy_with_logits_all_inputs",
        lambda z, x, q: gt.nn.weighted_cross_entropy_with_logits(labels=z, logits=x, pos_weight=q),
        _wce_ref, [((2, 3), (2, 3), ()), ((3,), (3,), (3,))], domain=(-3, 3)),
    Row("log_poisson_loss_basic", gt.nn.log_poisson_loss, _poisson_ref,
        [((), ()), ((0,), (0,)), ((2, 3), (2, 3))]),
    Row("log_poisson_loss_full", lambda z, c: gt.nn.log_poisson_loss(z, c, compute_full_loss=True),
        lambda z, c: _poisson_ref(z, c, True), [((4,), (4,)), ((2, 3), (2, 3))], domain=POISSON_FULL),
    Row("compute_average_loss_default", gt.nn.compute_average_loss, _avg_loss_ref,
        [((4,),), ((2, 3),), ((0,),)]),
    Row("compute_average_loss_weighted",
        lambda loss, w: gt.nn.compute_average_loss(loss, sample_weight=w, global_batch_size=8),
        lambda loss, w: _avg_loss_ref(loss, w, 8),
        [((4,), (4,)), ((4, 3), (4,)), ((4, 3), (4, 3, 1)), ((4, 3), ()), ((4, 3), (4, 3))]),
    Row("scale_regularization_loss", gt.nn.scale_regularization_loss, lambda x: x.sum()),
]

STAT_ROWS = [
    Row("sufficient_statistics_shift",
        lambda x, s: gt.nn.sufficient_statistics(x, [0], shift=s)[:3],
        lambda x, s: [np.float64(x.shape[0]), (x - s).sum(0), ((x - s) ** 2).sum(0)],
        [((4, 3), (3,)), ((4, 3), ())]),
    Row("sufficient_statistics_keepdims",
        lambda x: gt.nn.sufficient_statistics(x, [0, -1], keepdims=True)[1:3],
        lambda x: [x.sum(axis=(0, 2), keepdims=True), (x * x).sum(axis=(0, 2), keepdims=True)],
        [((2, 3, 2),)]),
    Row("normalize_moments",
        lambda c, m, v, s: gt.nn.normalize_moments(c * c + 1.0, m, v, s),
        lambda c, m, v, s: [m / (c * c + 1) + s, v / (c * c + 1) - (m / (c * c + 1)) ** 2],
        [((), (3,), (3,), (3,)), ((), (), (), ())]),
    Row("normalize_moments_no_shift", lambda m, v: gt.nn.normalize_moments(4.0, m, v, None),
        lambda m, v: [m / 4, v / 4 - (m / 4) ** 2], [((3,), (3,))]),
    Row("normalize_moments_of_sufficient_statistics",
        lambda x: gt.nn.normalize_moments(*gt.nn.sufficient_statistics(x, [0], shift=0.5)),
        lambda x: [x.mean(0), x.var(0)], [((4, 3),)]),
    Row("weighted_moments",
        lambda x, w: gt.nn.weighted_moments(x, [0], w * w + 0.5),
        lambda x, w: _weighted_moments_ref(x, w * w + 0.5, (0,)),
        [((4, 3), (4, 3)), ((4, 3), (3,)), ((4, 3), (4, 1))]),
    Row("weighted_moments_keepdims",
        lambda x, w: gt.nn.weighted_moments(x, [0, 1], w * w + 0.5, keepdims=True),
        lambda x, w: _weighted_moments_ref(x, w * w + 0.5, (0, 1), True), [((2, 3), (2, 3))]),
]

SPACE_ROWS = [
    Row("depth_to_space_nhwc", lambda x: gt.nn.depth_to_space(x, 2), lambda x: _d2s_ref(x, 2),
        [((2, 2, 3, 8),), ((0, 2, 2, 4),)]),
    Row("depth_to_space_nchw", lambda x: gt.nn.depth_to_space(x, 3, data_format="NCHW"),
        _nchw(lambda x: _d2s_ref(x, 3)), [((1, 9, 2, 1),)]),
    Row("space_to_depth_nhwc", lambda x: gt.nn.space_to_depth(x, 2), lambda x: _s2d_ref(x, 2),
        [((2, 4, 6, 2),)]),
    Row("space_to_depth_nchw", lambda x: gt.nn.space_to_depth(x, 2, data_format="NCHW"),
        _nchw(lambda x: _s2d_ref(x, 2)), [((1, 3, 2, 4),)]),
]

CONV_ROWS = [
    Row("convolution_2d_default_valid", gt.nn.convolution,
        lambda x, w: _ref_conv2d(x, w, padding="VALID"), [(X, (3, 3, 2, 3))]),
    Row("convolution_2d_same_strided", lambda x, w: gt.nn.convolution(x, w, strides=[2, 1], padding="SAME"),
        lambda x, w: _ref_conv2d(x, w, (2, 1)), [(X, (2, 3, 2, 2))]),
    Row("convolution_2d_dilated_nchw",
        lambda x, w: gt.nn.convolution(x, w, padding="SAME", data_format="NCHW", dilations=2),
        _nchw(lambda x, w: _ref_conv2d(x, w, dilations=(2, 2))), [((1, 2, 5, 5), (2, 2, 2, 2))]),
    Row("convolution_1d", lambda x, w: gt.nn.convolution(x, w, strides=2, padding="SAME"),
        _1d(lambda x, w: _ref_conv2d(x, w[None], (1, 2))), [((2, 7, 2), (3, 2, 3))]),
    Row("convolution_1d_ncw_dilated",
        lambda x, w: gt.nn.convolution(x, w, data_format="NCW", dilations=[2]),
        lambda x, w: _1d(lambda a, k: _ref_conv2d(a, k[None], padding="VALID", dilations=(1, 2)))(
            x.transpose(0, 2, 1), w).transpose(0, 2, 1), [((2, 2, 7), (2, 2, 3))]),
    Row("separable_conv2d_same", lambda x, dw, pw: gt.nn.separable_conv2d(x, dw, pw, [1, 1, 1, 1], "SAME"),
        _separable_ref, [(X, (3, 3, 2, 2), (1, 1, 4, 3))]),
    Row("separable_conv2d_valid_strided",
        lambda x, dw, pw: gt.nn.separable_conv2d(x, dw, pw, [1, 2, 2, 1], "VALID"),
        lambda x, dw, pw: _separable_ref(x, dw, pw, (2, 2), "VALID"), [(X, (2, 2, 2, 1), (1, 1, 2, 2))]),
    Row("separable_conv2d_nchw_dilated",
        lambda x, dw, pw: gt.nn.separable_conv2d(x, dw, pw, 1, "SAME", data_format="NCHW", dilations=2),
        _nchw(lambda x, dw, pw: _separable_ref(x, dw, pw, dilations=(2, 2))),
        [((1, 2, 5, 5), (2, 2, 2, 2), (1, 1, 4, 2))]),
]

POOL_ROWS = [
    Row("pool_max_2d_same", lambda x: gt.nn.pool(x, [3, 2], "MAX", strides=[2, 2], padding="SAME"),
        lambda x: _ref_pool(x, (3, 2), (2, 2), "SAME", "max"), [((2, 5, 5, 2),)]),
    Row("pool_avg_2d_nchw", lambda x: gt.nn.pool(x, [2, 2], "AVG", padding="SAME", data_format="NCHW"),
        _nchw(lambda x: _ref_pool(x, (2, 2), (1, 1), "SAME", "avg")), [((1, 2, 3, 4),)]),
    Row("pool_avg_1d", lambda x: gt.nn.pool(x, [2], "AVG", strides=[2]),
        _1d(lambda x: _ref_pool(x, (1, 2), (1, 2), "VALID", "avg")), [((2, 7, 2),)]),
    Row("pool_max_2d_dilated", lambda x: gt.nn.pool(x, [2, 3], "MAX", dilations=[2, 2]),
        lambda x: _dilated_pool_ref(x, (2, 3), (2, 2), "max"), [((2, 7, 8, 2),)]),
    Row("pool_avg_2d_dilated_nchw",
        lambda x: gt.nn.pool(x, [3, 2], "AVG", dilations=[2, 3], data_format="NCHW"),
        _nchw(lambda x: _dilated_pool_ref(x, (3, 2), (2, 3), "avg")), [((1, 2, 6, 7),)]),
    Row("pool_max_1d_ncw_dilated", lambda x: gt.nn.pool(x, [2], "MAX", dilations=[3], data_format="NCW"),
        lambda x: _1d(lambda a: _dilated_pool_ref(a, (1, 2), (1, 3), "max"))(
            x.transpose(0, 2, 1)).transpose(0, 2, 1), [((2, 2, 8),)]),
]

NORM_ROWS = [
    Row("local_response_normalization_default", gt.nn.local_response_normalization, _lrn_ref,
        [((2, 2, 3, 4),), ((1, 1, 2, 13),), ((0, 2, 2, 3),)]),
    Row("local_response_normalization_params",
        lambda x: gt.nn.local_response_normalization(x, depth_radius=1, bias=2.0, alpha=0.5, beta=0.75),
        lambda x: _lrn_ref(x, 1, 2.0, 0.5, 0.75), [((2, 2, 2, 5),)]),
    Row("local_response_normalization_radius0",
        lambda x: gt.nn.local_response_normalization(x, depth_radius=0, beta=1.0),
        lambda x: _lrn_ref(x, 0, 1.0, 1.0, 1.0), [((1, 2, 2, 3),)]),
    Row("local_response_normalization_lrn_alias", lambda x: gt.nn.lrn(x, 2, 0.5, 2.0, 0.6),
        lambda x: _lrn_ref(x, 2, 0.5, 2.0, 0.6), [((1, 3, 2, 6),)]),
    Row("crelu", gt.nn.crelu, lambda x: np.maximum(np.concatenate([x, -x], -1), 0),
        [((4,),), ((2, 3),), ((0,),)], domain=NOT_AT_0),
    Row("crelu_axis0", lambda x: gt.nn.crelu(x, axis=0),
        lambda x: np.maximum(np.concatenate([x, -x], 0), 0), [((2, 3),)], domain=NOT_AT_0),
]

ROWS = LOSS_ROWS + STAT_ROWS + SPACE_ROWS + CONV_ROWS + POOL_ROWS + NORM_ROWS
