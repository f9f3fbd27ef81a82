"""Table rows: guarded products and special functions (gradtape/ops/special.py) and
``cumulative_logsumexp`` (gradtape/ops/scan.py)."""

import numpy as np
import scipy.special as sp

import gradtape as gt

from .rows_reduce import with_zeros
from .table import BINARY_SHAPES, Row, away_from

F64 = gt.float64
VECS = [((4,),), ((0,),), ((2, 3),), ((0, 3),), ((2, 3, 4),)]


def np_lbeta(x):
    return np.sum(sp.gammaln(x), axis=-1) - sp.gammaln(np.sum(x, axis=-1))


def np_cumulative_logsumexp(axis, exclusive, reverse):
    """NumPy reference (a sequential log-add-exp) without the exclusive scan's ``-inf`` slice:
    the exclusive scan is the inclusive one shifted by one, so the rest is the inclusive scan
    without its last slice (its first, in reverse)."""
    def ref(x):
        x = np.flip(x, axis) if reverse else x
        y = np.logaddexp.accumulate(x, axis=axis)
        y = np.flip(y, axis) if reverse else y
        return _drop_inf(y, axis, exclusive, not reverse)
    return ref


def _drop_inf(y, axis, exclusive, reverse):
    """The exclusive scan's first result is ``-inf``, which central differences cannot take."""
    if not exclusive:
        return y
    index = [slice(None)] * len(y.shape)
    index[axis] = slice(0, -1) if reverse else slice(1, None)
    return y[tuple(index)]


def cumulative_logsumexp_rows(name, domain):
    rows = []
    for exclusive in (False, True):
        for reverse in (False, True):
            tag = f"{name}{'_exclusive' * exclusive}{'_reverse' * reverse}"
            for axis, shapes in ((0, VECS), (-1, VECS[2:])):
                rows.append(Row(
                    tag + ("_last_axis" if axis == -1 else ""),
                    lambda x, a=axis, e=exclusive, r=reverse: _drop_inf(
                        gt.math.cumulative_logsumexp(x, axis=a, exclusive=e, reverse=r), a, e, r),
                    np_cumulative_logsumexp(axis, exclusive, reverse), shapes, domain=domain))
    return rows


# Values spread over +-1000: exp(x - max) underflows, so the op takes its pairwise scan.
WIDE = lambda rng, s: rng.uniform(-1000.0, 1000.0, s)

ROWS = [
    Row("multiply_no_nan", gt.math.multiply_no_nan, np.multiply, BINARY_SHAPES,
        domain=away_from([0], -2, 2, 0.2)),
    # at y == 0 TensorFlow's gradients (0 for x, x * g for y) are the true derivatives
    Row("multiply_no_nan_y_zero", gt.math.multiply_no_nan, np.multiply, [((6,), (6,)), ((2, 3), (3,))],
        domain=with_zeros),
    Row("reciprocal_no_nan", gt.math.reciprocal_no_nan, np.reciprocal, domain=away_from([0], -2, 2, 0.3)),
    Row("reciprocal_no_nan_x_zero",
        lambda x: gt.math.reciprocal_no_nan(gt.constant([0.0, 1.0, 0.0], F64) * x + gt.constant([0.0, 0.0, 2.0], F64)),
        lambda x: np.array([0.0, 1.0 / x[1], 0.5]), [((3,),)], domain=(0.5, 2.0)),
    Row("xlog1py", gt.math.xlog1py, sp.xlog1py, BINARY_SHAPES, domain=(-0.7, 2.0)),
    Row("xlog1py_x_zero", lambda y: gt.math.xlog1py(gt.constant([0.0, 1.5, 0.0], F64), y),
        lambda y: sp.xlog1py([0.0, 1.5, 0.0], y), [((3,),)], domain=(-0.7, 2.0)),
    Row("xlog1py_complex", lambda x, y: gt.math.real(gt.math.xlog1py(x, y)),
        lambda x, y: np.real(x * np.log1p(y)), [((3,), (3,))], domain=(0.3, 2.0), complex=True),
    Row("lbeta", gt.math.lbeta, np_lbeta, [((3,),), ((2, 4),), ((0, 3),), ((2, 1),)], domain=(0.3, 3.0)),
    Row("polyval", lambda c0, c1, c2, x: gt.math.polyval([c0, c1, c2], x),
        lambda c0, c1, c2, x: c0 * x ** 2 + c1 * x + c2,
        [((), (), (), (4,)), ((3,), (3,), (3,), (2, 3)), ((), (), (), ())]),
    Row("polyval_python_coeffs", lambda x: gt.math.polyval([0.5, -1.0, 2.0, 3.0], x),
        lambda x: np.polyval([0.5, -1.0, 2.0, 3.0], x), [((4,),), ((0,),), ((2, 3),)]),
] + cumulative_logsumexp_rows("cumulative_logsumexp", (-3.0, 3.0)) + [
    Row("cumulative_logsumexp_wide", lambda x: gt.math.cumulative_logsumexp(x, axis=-1),
        np_cumulative_logsumexp(-1, False, False), [((9,),), ((3, 5),)], domain=WIDE),
    Row("cumulative_logsumexp_wide_exclusive_reverse",
        lambda x: _drop_inf(gt.math.cumulative_logsumexp(x, axis=0, exclusive=True, reverse=True), 0, True, True),
        np_cumulative_logsumexp(0, True, True), [((9,),), ((6, 2),)], domain=WIDE),
]
