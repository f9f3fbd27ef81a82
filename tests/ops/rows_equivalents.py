"""Table rows: TensorFlow names computed with existing ops (gradtape/ops/equivalents.py)."""

import numpy as np

import gradtape as gt

from .table import Row


def _distinct(rng, shape):
    """Values spaced apart, so that top-k selections have no ties."""
    n = int(np.prod(shape))
    return (rng.permutation(n).reshape(shape) + rng.uniform(0.1, 0.4, shape)) / max(n, 1)


def _np_max_k(x, k, axis):
    moved = np.moveaxis(x, axis, -1)
    return np.moveaxis(-np.sort(-moved, axis=-1)[..., :k], -1, axis)


def _np_min_k(x, k, axis):
    return np.moveaxis(np.sort(np.moveaxis(x, axis, -1), axis=-1)[..., :k], -1, axis)


ROWS = [
    Row("accumulate_n", lambda *xs: gt.math.accumulate_n(list(xs)), lambda *xs: sum(xs),
        [((3,), (3,)), ((2, 3), (2, 3), (2, 3))]),
    Row("approx_max_k_last_axis", lambda x: gt.math.approx_max_k(x, 2)[0], lambda x: _np_max_k(x, 2, -1),
        [((5,),), ((3, 4),)], domain=_distinct),
    Row("approx_max_k_first_axis", lambda x: gt.math.approx_max_k(x, 2, reduction_dimension=0)[0],
        lambda x: _np_max_k(x, 2, 0), [((4, 3),)], domain=_distinct),
    Row("approx_min_k", lambda x: gt.math.approx_min_k(x, 2, reduction_dimension=0)[0],
        lambda x: _np_min_k(x, 2, 0), [((4, 3),), ((5,),)], domain=_distinct),
    Row("parallel_stack", lambda a, b: gt.parallel_stack([a, b]), lambda a, b: np.stack([a, b]),
        [((3,), (3,)), ((), ())]),
    Row("identity_n", lambda a, b: gt.identity_n([a, b]), lambda a, b: [a, b], [((3,), (2, 2))]),
]
