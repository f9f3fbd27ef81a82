"""Table rows: neural-network ops (gradtape/ops/nn.py)."""

import math

import numpy as np

import gradtape as gt

from .table import Row, away_from

_erf = np.vectorize(math.erf, otypes=[float])


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(x, axis=-1):
    z = x - x.max(axis=axis, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _dropout_fixed(x):
    # Re-seeding makes every call draw the same mask, so finite differences see one function.
    gt.random.set_seed(5)
    return gt.nn.dropout(x, rate=0.4, seed=3)


def _bn(x, mean, var, offset, scale):
    return gt.nn.batch_normalization(x, mean, var * var + 0.5, offset, scale, 1e-3)


def _bn_ref(x, mean, var, offset, scale):
    return (x - mean) * scale / np.sqrt(var * var + 0.5 + 1e-3) + offset


def _ln_ref(x, scale, offset, n=1, eps=1e-3):
    axes = tuple(range(-n, 0))
    xc = x - x.mean(axis=axes, keepdims=True)
    return xc / np.sqrt((xc * xc).mean(axis=axes, keepdims=True) + eps) * scale + offset


def _moments_ref(x, axes):
    return [x.mean(axis=axes), x.var(axis=axes)]


def _l2n_ref(x, axis=None):
    return x / np.sqrt(np.maximum((x * x).sum(axis=axis, keepdims=True), 1e-12))


LABELS = np.array([0, 2, 1, 2])
IDS = np.array([[2, 0], [2, 3]])
SHAPES_1D_2D = [((4,),), ((2, 3),)]
PAIR = [((2, 3), (2, 3))]
NOT_AT_0 = away_from([0], -2, 2)

ROWS = [
    Row("relu", gt.nn.relu, lambda x: np.maximum(x, 0), domain=NOT_AT_0),
    Row("relu6", gt.nn.relu6, lambda x: np.clip(x, 0, 6), domain=away_from([0, 6], -2, 8, 0.2)),
    Row("leaky_relu", gt.nn.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x), domain=NOT_AT_0),
    Row("leaky_relu_alpha", lambda x: gt.nn.leaky_relu(x, alpha=0.5),
        lambda x: np.where(x > 0, x, 0.5 * x), domain=NOT_AT_0),
    Row("elu", gt.nn.elu, lambda x: np.where(x < 0, np.expm1(x), x), domain=NOT_AT_0),
    Row("selu", gt.nn.selu, lambda x: 1.0507009873554805 * np.where(
        x < 0, 1.6732632423543772 * np.expm1(x), x), domain=NOT_AT_0),
    Row("gelu", gt.nn.gelu, lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2))), domain=(-4, 4)),
    Row("gelu_approximate", lambda x: gt.nn.gelu(x, approximate=True),
        lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))),
    Row("silu", gt.nn.silu, lambda x: x * _sigmoid(x), domain=(-4, 4)),
    Row("swish_beta", lambda x: gt.nn.swish(x, beta=2.0), lambda x: x * _sigmoid(2 * x)),
    Row("softmax", gt.nn.softmax, _softmax, SHAPES_1D_2D),
    Row("softmax_axis0", lambda x: gt.nn.softmax(x, axis=0), lambda x: _softmax(x, 0), [((2, 3),)]),
    Row("log_softmax", gt.nn.log_softmax, _log_softmax, SHAPES_1D_2D),
    Row("log_softmax_axis0", lambda x: gt.nn.log_softmax(x, axis=0), lambda x: _log_softmax(x, 0),
        [((2, 3),)]),
    Row("sigmoid_cross_entropy_with_logits",
        lambda z, x: gt.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
        lambda z, x: -z * np.log(_sigmoid(x)) - (1 - z) * np.log(1 - _sigmoid(x)),
        [((4,), (4,)), ((2, 3), (2, 3))], domain=(-3, 3)),
    Row("softmax_cross_entropy_with_logits",
        lambda z, x: gt.nn.softmax_cross_entropy_with_logits(labels=z, logits=x),
        lambda z, x: -(z * _log_softmax(x)).sum(-1), [((3,), (3,)), ((2, 3), (2, 3))], domain=(0, 2)),
    Row("softmax_cross_entropy_with_logits_axis0",
        lambda z, x: gt.nn.softmax_cross_entropy_with_logits(z, x, axis=0),
        lambda z, x: -(z * _log_softmax(x, 0)).sum(0), PAIR, domain=(0, 2)),
    Row("sparse_softmax_cross_entropy_with_logits",
        lambda x: gt.nn.sparse_softmax_cross_entropy_with_logits(LABELS, x),
        lambda x: -np.log(_softmax(x))[np.arange(4), LABELS], [((4, 3),)]),
    Row("l2_loss", gt.nn.l2_loss, lambda x: 0.5 * (x * x).sum(), [((), ), ((0,),), ((2, 3),)]),
    Row("l2_normalize", gt.nn.l2_normalize, _l2n_ref, SHAPES_1D_2D, domain=away_from([0], -2, 2, 0.2)),
    Row("l2_normalize_axis", lambda x: gt.nn.l2_normalize(x, axis=-1), lambda x: _l2n_ref(x, -1),
        [((2, 3),)], domain=away_from([0], -2, 2, 0.2)),
    Row("moments", lambda x: gt.nn.moments(x, axes=[0]), lambda x: _moments_ref(x, 0), [((4, 3),)]),
    Row("moments_all_keepdims", lambda x: gt.nn.moments(x, axes=[0, 1], keepdims=True),
        lambda x: [x.mean(keepdims=True), x.var(keepdims=True)], [((2, 3),)]),
    Row("batch_normalization", _bn, _bn_ref, [((4, 3), (3,), (3,), (3,), (3,)), ((2, 2), (), (), (), ())]),
    Row("batch_normalization_no_scale_offset",
        lambda x, mean, var: gt.nn.batch_normalization(x, mean, var * var + 0.5, None, None, 1e-3),
        lambda x, mean, var: (x - mean) / np.sqrt(var * var + 0.5 + 1e-3), [((4, 3), (3,), (3,))]),
    Row("layer_normalization", gt.nn.layer_normalization, _ln_ref,
        [((2, 3), (3,), (3,)), ((4,), (4,), ()), ((2, 1, 3), (1,), (3,))]),
    Row("layer_normalization_two_axes",
        lambda x, s, o: gt.nn.layer_normalization(x, s, o, epsilon=0.1, axis=(-2, -1)),
        lambda x, s, o: _ln_ref(x, s, o, 2, 0.1), [((2, 2, 3), (2, 3), (3,))]),
    Row("layer_normalization_defaults", lambda x: gt.nn.layer_normalization(x),
        lambda x: _ln_ref(x, 1.0, 0.0), [((3, 4),)]),
    Row("dropout", _dropout_fixed, None, [((4, 5),)]),
    Row("bias_add", gt.nn.bias_add, lambda v, b: v + b, [((2, 3), (3,)), ((2, 2, 2, 3), (3,))]),
    Row("bias_add_nchw", lambda v, b: gt.nn.bias_add(v, b, data_format="NCHW"),
        lambda v, b: v + b[:, None, None], [((2, 3, 2, 2), (3,))]),
    Row("embedding_lookup", lambda p: gt.nn.embedding_lookup(p, IDS), lambda p: p[IDS], [((4, 3),)]),
    Row("embedding_lookup_sharded",
        lambda a, b: gt.nn.embedding_lookup([a, b], np.array([3, 0, 1, 3])),
        lambda a, b: np.concatenate([a, b])[[3, 0, 1, 3]], [((2, 3), (2, 3))]),
    Row("embedding_lookup_max_norm", lambda p: gt.nn.embedding_lookup(p, IDS, max_norm=1.0),
        lambda p: p[IDS] / np.maximum(np.linalg.norm(p[IDS], axis=-1, keepdims=True), 1.0), [((4, 3),)],
        domain=away_from([0], -1, 1, 0.1)),
]
