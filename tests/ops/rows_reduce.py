"""Table rows: reductions (gradtape/ops/reduce.py)."""

import numpy as np

import gradtape as gt

from .table import Row

MAT = [((2, 3),), ((4,),), ((2, 3, 4),)]
DISTINCT = lambda rng, s: rng.permutation(int(np.prod(s))).reshape(s) * 0.37 + rng.uniform(0, 0.1, s)

ROWS = [
    Row("reduce_sum", gt.reduce_sum, np.sum),
    Row("reduce_sum_axis0", lambda x: gt.reduce_sum(x, axis=0), lambda x: np.sum(x, axis=0), MAT),
    Row("reduce_sum_keepdims", lambda x: gt.reduce_sum(x, axis=-1, keepdims=True),
        lambda x: np.sum(x, axis=-1, keepdims=True), MAT),
    Row("reduce_mean", gt.reduce_mean, np.mean, [((4,),), ((2, 3),)]),
    Row("reduce_mean_axes", lambda x: gt.reduce_mean(x, axis=[0, 2]), lambda x: np.mean(x, axis=(0, 2)),
        [((2, 3, 4),)]),
    Row("reduce_max", lambda x: gt.reduce_max(x, axis=-1), lambda x: np.max(x, axis=-1), MAT, domain=DISTINCT),
    Row("reduce_min", lambda x: gt.reduce_min(x, axis=0, keepdims=True),
        lambda x: np.min(x, axis=0, keepdims=True), MAT, domain=DISTINCT),
]
