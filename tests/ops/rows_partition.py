"""Table rows: partitioning and stitching, space-to-batch, the sampled losses, grayscale
morphology and the min/max scatters (gradtape/ops/partition.py, space_batch.py, sampled.py,
morphology.py, scatter.py).

Integer arguments (partition ids, indices, labels, sampled candidates) are closed over. The
sampled losses get fixed ``sampled_values`` (with an accidental hit and exactly representable
expected counts), so each loss is a deterministic function of weights, biases and inputs.
"""

import itertools
import math

import numpy as np

import gradtape as gt

from .table import Row

_FLT_MAX = float(np.finfo(np.float32).max)


# -- references ----------------------------------------------------------------------------
def _partition_ref(x, p, n):
    p = np.asarray(p)
    flat = x.reshape((p.size,) + x.shape[p.ndim:])
    return [flat[p.reshape(-1) == i] for i in range(n)]


def _stitch_ref(indices, data):
    rows = max(int(np.max(i)) for i in indices) + 1
    const = data[0].shape[np.ndim(indices[0]):]
    out = np.zeros((rows,) + const)
    for i, d in zip(indices, data):
        i = np.asarray(i)
        for pos in np.ndindex(*i.shape):
            out[i[pos]] = d[pos]
    return out


def _s2b_ref(x, block, pads):
    m = len(block)
    p = np.pad(x, [(0, 0)] + list(pads) + [(0, 0)] * (x.ndim - 1 - m))
    n = x.shape[0]
    out = np.empty((n * math.prod(block),) + tuple(p.shape[1 + i] // block[i] for i in range(m)) + x.shape[1 + m:])
    for offs in np.ndindex(*block):
        k = int(np.ravel_multi_index(offs, block))
        for b in range(n):
            out[k * n + b] = p[(b,) + tuple(slice(o, None, s) for o, s in zip(offs, block))]
    return out


def _b2s_ref(x, block, crops):
    m = len(block)
    n = x.shape[0] // math.prod(block)
    full = np.empty((n,) + tuple(x.shape[1 + i] * block[i] for i in range(m)) + x.shape[1 + m:])
    for offs in np.ndindex(*block):
        k = int(np.ravel_multi_index(offs, block))
        for b in range(n):
            full[(b,) + tuple(slice(o, None, s) for o, s in zip(offs, block))] = x[k * n + b]
    return full[(slice(None),) + tuple(slice(lo, full.shape[1 + i] - hi) for i, (lo, hi) in enumerate(crops))]


def _dilation_ref(x, f, strides, rates, padding):
    n, h, w, c = x.shape
    kh, kw, _ = f.shape
    sh, sw = strides
    rh, rw = rates
    eh, ew = (kh - 1) * rh + 1, (kw - 1) * rw + 1
    if padding == "VALID":
        oh, ow, top, left = (h - eh) // sh + 1, (w - ew) // sw + 1, 0, 0
    else:
        oh, ow = -(-h // sh), -(-w // sw)
        top = max((oh - 1) * sh + eh - h, 0) // 2
        left = max((ow - 1) * sw + ew - w, 0) // 2
    out = np.full((n, oh, ow, c), -np.inf)
    for b, y, xx, ch in itertools.product(range(n), range(oh), range(ow), range(c)):
        for dy, dx in itertools.product(range(kh), range(kw)):
            iy, ix = y * sh + dy * rh - top, xx * sw + dx * rw - left
            if 0 <= iy < h and 0 <= ix < w:
                out[b, y, xx, ch] = max(out[b, y, xx, ch], x[b, iy, ix, ch] + f[dy, dx, ch])
    return out


def _scatter_minmax_ref(t, idx, u, fn):
    out = t.copy()
    fn.at(out, tuple(np.moveaxis(np.asarray(idx), -1, 0)), u)
    return out


def _log_softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def _sampled_ref(kind, w, b, x, labels, sv, remove):
    labels = np.asarray(labels)
    sampled, tc, sc = sv
    nt = labels.shape[1]
    true_logits = np.einsum("bd,btd->bt", x, w[labels]) + b[labels] - np.log(tc)
    s_logits = x @ w[sampled].T + b[sampled]
    if remove:
        for i, row in enumerate(labels):
            for c in row:
                hits = np.nonzero(sampled == c)[0]
                if hits.size:
                    s_logits[i, hits[-1]] = s_logits[i, hits[-1]] - _FLT_MAX
    s_logits = s_logits - np.log(sc)
    z = np.concatenate([true_logits, s_logits], axis=1)
    lab = np.concatenate([np.full(true_logits.shape, 1.0 / nt), np.zeros(s_logits.shape)], axis=1)
    if kind == "nce":
        return (np.maximum(z, 0) - z * lab + np.log1p(np.exp(-np.abs(z)))).sum(axis=1)
    return -(lab * _log_softmax(z)).sum(axis=1)


# Fixed sampled values: 6 classes, candidate 3 is also a true class of example 0 (a hit).
_SAMPLED = np.array([3, 5, 1, 4])
_TRUE_COUNT = np.array([[1.0], [0.5], [0.25]])
_SAMPLED_COUNT = np.array([0.5, 2.0, 0.25, 1.0])
_LABELS = [[3], [0], [2]]
_SV = (gt.constant(_SAMPLED, gt.int64), gt.constant(_TRUE_COUNT, gt.float32), gt.constant(_SAMPLED_COUNT, gt.float32))
_LABELS2 = [[3, 0], [0, 1]]
_TRUE_COUNT2 = np.array([[1.0, 0.5], [0.5, 0.25]])
_SV2 = (gt.constant(_SAMPLED, gt.int64), gt.constant(_TRUE_COUNT2, gt.float32),
        gt.constant(_SAMPLED_COUNT, gt.float32))
_SV_NP = (_SAMPLED, _TRUE_COUNT, _SAMPLED_COUNT)
_SV2_NP = (_SAMPLED, _TRUE_COUNT2, _SAMPLED_COUNT)


def _positive(rng, shape):
    return rng.uniform(0.5, 2.0, shape)


_P2 = [[1, 0, 2], [2, 2, 0]]
_ST_IDX = [[0, 4], [[1, 2], [5, 3]]]
# index 4 repeats: the later piece wins, and (TensorFlow's gradient, a gather of the cotangent)
# the overwritten value gets a gradient too, so reverse mode is not the derivative there
_ST_IDX_REPEAT = [[0, 4], [[1, 2], [4, 3]]]

ROWS = [
    Row("dynamic_partition", lambda x: gt.dynamic_partition(x, [1, 0, 1, 2, 0], 3),
        lambda x: _partition_ref(x, [1, 0, 1, 2, 0], 3), [((5,),), ((5, 2),)]),
    Row("dynamic_partition_2d_ids", lambda x: gt.dynamic_partition(x, _P2, 4),
        lambda x: _partition_ref(x, _P2, 4), [((2, 3),), ((2, 3, 2),)]),
    Row("dynamic_stitch", lambda a, b: gt.dynamic_stitch(_ST_IDX, [a, b]),
        lambda a, b: _stitch_ref(_ST_IDX, [a, b]), [((2,), (2, 2)), ((2, 3), (2, 2, 3))]),
    Row("dynamic_stitch_repeat", lambda a, b: gt.dynamic_stitch(_ST_IDX_REPEAT, [a, b]),
        lambda a, b: _stitch_ref(_ST_IDX_REPEAT, [a, b]), [((2,), (2, 2)), ((2, 3), (2, 2, 3))],
        modes=("fwd",)),
    Row("dynamic_stitch_gap", lambda a: gt.dynamic_stitch([[3, 0]], [a]),
        lambda a: _stitch_ref([[3, 0]], [a]), [((2, 2),)]),
    Row("space_to_batch_nd", lambda x: gt.space_to_batch_nd(x, [2, 3], [[1, 1], [2, 1]]),
        lambda x: _s2b_ref(x, [2, 3], [[1, 1], [2, 1]]), [((2, 2, 3, 2),), ((1, 4, 6),)]),
    Row("space_to_batch_1d", lambda x: gt.space_to_batch(x, [2], [[0, 1]]),
        lambda x: _s2b_ref(x, [2], [[0, 1]]), [((2, 3),), ((1, 5, 2),)]),
    Row("batch_to_space", lambda x: gt.batch_to_space(x, [2, 3], [[1, 0], [2, 1]]),
        lambda x: _b2s_ref(x, [2, 3], [[1, 0], [2, 1]]), [((12, 2, 2, 1),), ((6, 1, 2),)]),
    Row("batch_to_space_int_block", lambda x: gt.batch_to_space(x, 2, [[0, 0], [0, 1]]),
        lambda x: _b2s_ref(x, [2, 2], [[0, 0], [0, 1]]), [((4, 2, 2, 2),)]),
    Row("nce_loss", lambda w, b, x: gt.nn.nce_loss(w, b, _LABELS, x, 4, 6, sampled_values=_SV),
        lambda w, b, x: _sampled_ref("nce", w, b, x, _LABELS, _SV_NP, False), [((6, 2), (6,), (3, 2))]),
    Row("nce_loss_remove_hits_num_true_2",
        lambda w, b, x: gt.nn.nce_loss(w, b, _LABELS2, x, 4, 6, num_true=2, sampled_values=_SV2,
                                       remove_accidental_hits=True),
        lambda w, b, x: _sampled_ref("nce", w, b, x, _LABELS2, _SV2_NP, True), [((6, 3), (6,), (2, 3))]),
    Row("sampled_softmax_loss",
        lambda w, b, x: gt.nn.sampled_softmax_loss(w, b, _LABELS, x, 4, 6, sampled_values=_SV),
        lambda w, b, x: _sampled_ref("softmax", w, b, x, _LABELS, _SV_NP, True), [((6, 2), (6,), (3, 2))]),
    Row("sampled_softmax_loss_keep_hits_num_true_2",
        lambda w, b, x: gt.nn.sampled_softmax_loss(w, b, _LABELS2, x, 4, 6, num_true=2, sampled_values=_SV2,
                                                   remove_accidental_hits=False),
        lambda w, b, x: _sampled_ref("softmax", w, b, x, _LABELS2, _SV2_NP, False), [((6, 3), (6,), (2, 3))]),
    Row("batch_norm_with_global_normalization",
        lambda t, m, v, beta, gamma: gt.nn.batch_norm_with_global_normalization(t, m, v, beta, gamma, 1e-3, True),
        lambda t, m, v, beta, gamma: (t - m) / np.sqrt(v + 1e-3) * gamma + beta,
        [((2, 3), (3,), (3,), (3,), (3,))], domain=_positive),
    Row("batch_norm_with_global_normalization_unscaled",
        lambda t, m, v, beta, gamma: gt.nn.batch_norm_with_global_normalization(
            input=t, mean=m, variance=v, beta=beta, gamma=gamma, variance_epsilon=0.0,
            scale_after_normalization=False),
        lambda t, m, v, beta, gamma: (t - m) / np.sqrt(v) + beta,
        [((2, 3), (3,), (3,), (3,), (3,))], domain=_positive),
    Row("dilation2d_same", lambda x, f: gt.nn.dilation2d(x, f, [1, 1, 1, 1], "SAME"),
        lambda x, f: _dilation_ref(x, f, (1, 1), (1, 1), "SAME"), [((1, 3, 3, 2), (2, 2, 2))]),
    Row("dilation2d_strided_dilated", lambda x, f: gt.nn.dilation2d(x, f, [1, 2, 1, 1], "SAME", "NHWC",
                                                                    [1, 1, 2, 1]),
        lambda x, f: _dilation_ref(x, f, (2, 1), (1, 2), "SAME"), [((2, 4, 4, 1), (2, 2, 1))]),
    Row("dilation2d_valid", lambda x, f: gt.nn.dilation2d(x, f, [1, 1, 2, 1], "VALID"),
        lambda x, f: _dilation_ref(x, f, (1, 2), (1, 1), "VALID"), [((1, 3, 5, 1), (2, 3, 1))]),
    Row("erosion2d", lambda x, f: gt.nn.erosion2d(x, f, [1, 1, 1, 1], "SAME"),
        lambda x, f: -_dilation_ref(-x, f[::-1, ::-1], (1, 1), (1, 1), "SAME"), [((1, 3, 3, 2), (2, 2, 2))]),
    Row("erosion2d_valid_dilated", lambda x, f: gt.nn.erosion2d(x, f, [1, 1, 1, 1], "VALID", "NHWC",
                                                                [1, 2, 1, 1]),
        lambda x, f: -_dilation_ref(-x, f[::-1, ::-1], (1, 1), (2, 1), "VALID"), [((1, 4, 3, 1), (2, 2, 1))]),
    Row("tensor_scatter_nd_max", lambda t, u: gt.tensor_scatter_nd_max(t, [[0], [2], [0]], u),
        lambda t, u: _scatter_minmax_ref(t, [[0], [2], [0]], u, np.maximum), [((4, 3), (3, 3)), ((3,), (3,))]),
    Row("tensor_scatter_nd_max_elements", lambda t, u: gt.tensor_scatter_nd_max(t, [[0, 1], [2, 2], [0, 1]], u),
        lambda t, u: _scatter_minmax_ref(t, [[0, 1], [2, 2], [0, 1]], u, np.maximum), [((3, 3), (3,))]),
    Row("tensor_scatter_nd_min", lambda t, u: gt.tensor_scatter_nd_min(t, [[1], [3], [1]], u),
        lambda t, u: _scatter_minmax_ref(t, [[1], [3], [1]], u, np.minimum), [((4, 2), (3, 2)), ((4,), (3,))]),
]
