"""Table rows: reverse_sequence (gradtape/ops/sequence.py), realdiv and scalar_mul
(arithmetic.py), tensor_scatter_nd_sub (scatter.py) and saturate_cast (clip.py).

Lengths and indices are closed over (they get no gradient). The lengths include 0, 1 and the
full axis, so the permutation's fixed points are covered too.
"""

import numpy as np

import gradtape as gt

from .table import BINARY_SHAPES, UNARY_SHAPES, Row, away_from


def _reverse_sequence_ref(x, lengths, seq_axis, batch_axis=0):
    xm = np.moveaxis(x, (batch_axis, seq_axis), (0, 1))
    out = xm.copy()
    for i, n in enumerate(lengths):
        out[i, :n] = xm[i, :n][::-1]
    return np.moveaxis(out, (0, 1), (batch_axis, seq_axis))


def _scatter_sub_ref(t, idx, u):
    out = t.copy()
    np.subtract.at(out, tuple(np.moveaxis(np.asarray(idx), -1, 0)), u)
    return out


_F32_MAX = float(np.finfo(np.float32).max)


def _beyond_float32(rng, shape):
    """Values past float32's range on both sides (saturate_cast clamps all of them)."""
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(1e39, 1e40, shape)


ROWS = [
    Row("reverse_sequence_batch_first", lambda x: gt.reverse_sequence(x, [3, 0, 4], seq_axis=1, batch_axis=0),
        lambda x: _reverse_sequence_ref(x, [3, 0, 4], 1, 0), [((3, 4),), ((3, 4, 2),)]),
    Row("reverse_sequence_time_major", lambda x: gt.reverse_sequence(x, [2, 4, 1], seq_axis=0, batch_axis=1),
        lambda x: _reverse_sequence_ref(x, [2, 4, 1], 0, 1), [((4, 3),), ((4, 3, 2),)]),
    Row("reverse_sequence_default_batch_axis", lambda x: gt.reverse_sequence(x, [1, 3], seq_axis=2),
        lambda x: _reverse_sequence_ref(x, [1, 3], 2, 0), [((2, 2, 3),)]),
    Row("reverse_sequence_batch_after_seq", lambda x: gt.reverse_sequence(x, [3, 2], seq_axis=0, batch_axis=2),
        lambda x: _reverse_sequence_ref(x, [3, 2], 0, 2), [((3, 2, 2),)]),
    Row("reverse_sequence_nothing_to_reverse", lambda x: gt.reverse_sequence(x, [0, 1], seq_axis=1),
        lambda x: x, [((2, 3),)]),
    Row("reverse_sequence_empty", lambda x: gt.reverse_sequence(x, np.zeros(0, np.int32), seq_axis=1),
        lambda x: x, [((0, 3),)]),
    Row("realdiv", gt.realdiv, np.divide, BINARY_SHAPES, domain=away_from([0.0], -2.0, 2.0, gap=0.3)),
    Row("realdiv_complex", gt.realdiv, np.divide, [((3,), (3,)), ((2, 3), ())],
        domain=away_from([0.0], -2.0, 2.0, gap=0.3), complex=True),
    Row("scalar_mul", gt.scalar_mul, np.multiply, [((), ()), ((), (3,)), ((), (2, 3)), ((), (0,))]),
    Row("scalar_mul_python_scalar", lambda x: gt.scalar_mul(-2.5, x), lambda x: -2.5 * x, UNARY_SHAPES),
    Row("scalar_mul_indexed_slices",
        lambda s, v: gt.scalar_mul(s, gt.IndexedSlices(v, gt.constant([0, 2]), (3, 2))).values,
        np.multiply, [((), (2, 2))]),
    Row("tensor_scatter_nd_sub", lambda t, u: gt.tensor_scatter_nd_sub(t, [[0], [2], [0]], u),
        lambda t, u: _scatter_sub_ref(t, [[0], [2], [0]], u), [((4, 3), (3, 3))]),
    Row("tensor_scatter_nd_sub_elements", lambda t, u: gt.tensor_scatter_nd_sub(t, [[0, 1], [2, 3], [0, 1]], u),
        lambda t, u: _scatter_sub_ref(t, [[0, 1], [2, 3], [0, 1]], u), [((3, 4), (3,))]),
    Row("saturate_cast_same_dtype", lambda x: gt.saturate_cast(x, gt.float64), lambda x: x, UNARY_SHAPES),
    Row("saturate_cast_clamped", lambda x: gt.saturate_cast(x, gt.float32),
        lambda x: np.clip(x, -_F32_MAX, _F32_MAX).astype(np.float32), [((4,),), ((2, 3),)],
        domain=_beyond_float32),
    Row("saturate_cast_complex_to_real", lambda z: gt.saturate_cast(z, gt.float64), np.real,
        [((3,),), ((2, 3),)], complex=True),
    Row("saturate_cast_complex", lambda z: gt.saturate_cast(z, gt.complex128), lambda z: z,
        [((3,),)], complex=True),
]
