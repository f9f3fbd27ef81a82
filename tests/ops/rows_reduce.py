"""Table rows: reductions (gradtape/ops/reduce.py)."""

import numpy as np
import scipy.special as sp

import gradtape as gt

from .table import Row, away_from

MAT = [((2, 3),), ((4,),), ((2, 3, 4),)]
DISTINCT = lambda rng, s: rng.permutation(int(np.prod(s))).reshape(s) * 0.37 + rng.uniform(0, 0.1, s)
NONZERO = away_from([0], -1.5, 1.5, 0.3)


def with_zeros(rng, s):
    """Uniform values with about a third of them exactly 0 (products stay polynomial)."""
    a = rng.uniform(0.5, 1.5, s) * rng.choice([-1.0, 1.0], s)
    return np.where(rng.uniform(size=s) < 0.35, 0.0, a)


ROWS = [
    Row("reduce_sum", gt.reduce_sum, np.sum),
    Row("reduce_sum_axis0", lambda x: gt.reduce_sum(x, axis=0), lambda x: np.sum(x, axis=0), MAT),
    Row("reduce_sum_keepdims", lambda x: gt.reduce_sum(x, axis=-1, keepdims=True),
        lambda x: np.sum(x, axis=-1, keepdims=True), MAT),
    Row("reduce_mean", gt.reduce_mean, np.mean, [((4,),), ((2, 3),)]),
    Row("reduce_mean_axes", lambda x: gt.reduce_mean(x, axis=[0, 2]), lambda x: np.mean(x, axis=(0, 2)),
        [((2, 3, 4),)]),
    Row("reduce_max", lambda x: gt.reduce_max(x, axis=-1), lambda x: np.max(x, axis=-1), MAT,
        domain=DISTINCT),
    Row("reduce_min", lambda x: gt.reduce_min(x, axis=0, keepdims=True),
        lambda x: np.min(x, axis=0, keepdims=True), MAT, domain=DISTINCT),
    # products
    Row("reduce_prod", gt.reduce_prod, np.prod, domain=NONZERO),
    Row("reduce_prod_axis", lambda x: gt.reduce_prod(x, axis=-1), lambda x: np.prod(x, axis=-1),
        MAT + [((0, 3),), ((3, 0),)], domain=NONZERO),
    Row("reduce_prod_axes_keepdims", lambda x: gt.reduce_prod(x, axis=[0, 2], keepdims=True),
        lambda x: np.prod(x, axis=(0, 2), keepdims=True), [((2, 3, 4),)], domain=NONZERO),
    Row("reduce_prod_with_zeros", lambda x: gt.reduce_prod(x, axis=1), lambda x: np.prod(x, axis=1),
        [((4, 3),), ((2, 3, 2),)], domain=with_zeros),
    Row("complex_reduce_prod", lambda x: gt.math.real(gt.reduce_prod(x, axis=-1)),
        lambda x: np.real(np.prod(x, axis=-1)), [((2, 3),)], domain=(0.5, 1.5), complex=True),
    # logsumexp, norms, moments
    Row("reduce_logsumexp", gt.reduce_logsumexp, sp.logsumexp, [((),), ((4,),), ((2, 3),)]),
    Row("reduce_logsumexp_axis", lambda x: gt.reduce_logsumexp(x, axis=-1),
        lambda x: sp.logsumexp(x, axis=-1), MAT),
    Row("reduce_logsumexp_axes_keepdims", lambda x: gt.reduce_logsumexp(x, axis=(0, 2), keepdims=True),
        lambda x: sp.logsumexp(x, axis=(0, 2), keepdims=True), [((2, 3, 4),)]),
    Row("reduce_logsumexp_large", lambda x: gt.reduce_logsumexp(x * 500.0, axis=0),
        lambda x: sp.logsumexp(x * 500.0, axis=0), [((3, 2),)], domain=DISTINCT, rtol=1e-4),
    Row("reduce_euclidean_norm", gt.math.reduce_euclidean_norm, lambda x: np.sqrt(np.sum(x * x)),
        [((),), ((4,),), ((2, 3),)], domain=NONZERO),
    Row("reduce_euclidean_norm_axis", lambda x: gt.math.reduce_euclidean_norm(x, axis=0, keepdims=True),
        lambda x: np.sqrt(np.sum(x * x, axis=0, keepdims=True)), MAT, domain=NONZERO),
    Row("reduce_variance", gt.math.reduce_variance, np.var, [((),), ((4,),), ((2, 3),)]),
    Row("reduce_variance_axis", lambda x: gt.math.reduce_variance(x, axis=-1, keepdims=True),
        lambda x: np.var(x, axis=-1, keepdims=True), MAT),
    Row("reduce_std", gt.math.reduce_std, np.std, [((4,),), ((2, 3),)]),
    Row("reduce_std_axes", lambda x: gt.math.reduce_std(x, axis=[0, 1]), lambda x: np.std(x, axis=(0, 1)),
        [((2, 3, 4),)]),
    Row("complex_reduce_variance", lambda x: gt.math.reduce_variance(x, axis=0),
        lambda x: np.var(x, axis=0), [((3, 2),)], complex=True),
    # integer and bool results (forward only: no gradient)
    Row("argmax", lambda x: gt.argmax(x, axis=-1), lambda x: np.argmax(x, axis=-1), MAT, modes=(),
        order=1),
    Row("argmin_default_axis", gt.argmin, lambda x: np.argmin(x, axis=0), MAT, modes=(), order=1),
    Row("reduce_any", lambda x: gt.reduce_any(x > 0, axis=0), lambda x: np.any(x > 0, axis=0), MAT,
        modes=(), order=1),
    Row("reduce_all", lambda x: gt.reduce_all(x > -1.5), lambda x: np.all(x > -1.5), MAT, modes=(),
        order=1),
]
