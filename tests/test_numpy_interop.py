"""NumPy's own functions on tensors: ``np.sin(t)``, ``np.sum(t, axis=0)``, ``np.linalg.solve(a, b)``.

``CASES`` is one table of NumPy calls written as ``fn(xp, *arrays)``. Each case is run three ways:
with NumPy on float64 ndarrays (the reference), with NumPy on gradtape tensors (through
``__array_ufunc__``/``__array_function__``; the value must match and be a tensor), and under
``gt.test.check_gradients`` (reverse and forward mode, first and usually second order, against
float64 central differences). ``tests/test_gtnp.py`` runs the same table through
``gradtape.numpy``. Every entry of the interop table must be exercised by some case.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest

import gradtape as gt
from gradtape import interop


# -- the case table ----------------------------------------------------------------------------------
@dataclass
class Case:
    """``fn(xp, *arrays)`` with inputs of ``shapes`` drawn from ``domain`` (one per input or one for
    all: ``(lo, hi)`` or ``callable(rng, shape)``); ``covers`` lists the NumPy functions (and
    ``(ufunc, method)`` pairs) it exercises."""

    name: str
    fn: Callable
    shapes: list
    covers: tuple
    domain: object = (-2.0, 2.0)
    order: int = 2
    modes: tuple = ("rev", "fwd")
    grad: bool = True
    rtol: float = 1e-10
    protocol_only: bool = False
    complex: bool = False

    def inputs(self, dtype=np.float64):
        rng = np.random.default_rng(zlib.crc32(self.name.encode()))
        doms = self.domain if isinstance(self.domain, list) else [self.domain] * len(self.shapes)
        out = []
        for s, d in zip(self.shapes, doms):
            a = np.asarray(d(rng, s) if callable(d) else rng.uniform(d[0], d[1], s), dtype=np.float64)
            if self.complex:
                a = a + 1j * rng.uniform(-1, 1, s)
            out.append(a.astype(dtype) if not self.complex else a)
        return out


def away(points, lo, hi, gap=0.15):
    """Uniform in [lo, hi], kept ``gap`` away from ``points`` (kinks and jumps)."""
    def sample(rng, shape):
        a = rng.uniform(lo, hi, shape)
        for _ in range(200):
            bad = np.zeros(np.shape(a), bool)
            for p in points:
                bad |= np.abs(a - p) < gap
            if not bad.any():
                return a
            a = np.where(bad, rng.uniform(lo, hi, shape), a)
        return a
    return sample


def spread(lo, hi):
    """Distinct values (no ties for max, sort, quantile): a shuffled even grid plus jitter."""
    def sample(rng, shape):
        n = int(np.prod(shape))
        grid = np.linspace(lo, hi, n) + rng.uniform(-0.2, 0.2, n) * (hi - lo) / max(n, 1)
        return rng.permutation(grid).reshape(shape)
    return sample


def well_conditioned(rng, shape):
    return rng.standard_normal(shape) * 0.3 + 2.0 * np.eye(shape[-2], shape[-1])


def nonint(lo, hi):
    return away(np.arange(np.floor(lo) - 1, np.ceil(hi) + 2) + 0.0, lo, hi, gap=0.1)


def half_int(lo, hi):  # away from .5, where rounding jumps
    return away(np.arange(np.floor(lo) - 1, np.ceil(hi) + 2) + 0.5, lo, hi, gap=0.1)


def sym(xp, x):
    return (x + xp.swapaxes(x, -1, -2)) / 2


def spd(xp, x):
    return xp.matmul(x, xp.swapaxes(x, -1, -2)) + 3.0 * xp.eye(x.shape[-1])


P = (0.5, 2.0)  # a positive domain
NZ = away([0.0], -2.0, 2.0)  # away from zero

U1 = [  # unary ufuncs: (name, domain)
    ("negative", None), ("positive", None), ("absolute", NZ), ("fabs", NZ), ("square", None),
    ("sqrt", P), ("cbrt", NZ), ("reciprocal", NZ), ("exp", None), ("exp2", None), ("expm1", None),
    ("log", P), ("log2", P), ("log10", P), ("log1p", (-0.5, 2.0)), ("sin", None), ("cos", None),
    ("tan", (-1.0, 1.0)), ("arcsin", (-0.9, 0.9)), ("arccos", (-0.9, 0.9)), ("arctan", None),
    ("sinh", None), ("cosh", None), ("tanh", None), ("arcsinh", None), ("arccosh", (1.2, 3.0)),
    ("arctanh", (-0.9, 0.9)), ("deg2rad", None), ("rad2deg", None),
    ("radians", None), ("degrees", None), ("sign", NZ),
    ("floor", nonint(-2, 2)), ("ceil", nonint(-2, 2)), ("trunc", nonint(-2, 2)),
    ("rint", half_int(-2, 2)), ("conjugate", None),
]
U2 = [  # binary ufuncs: (name, domain_x, domain_y)
    ("add", None, None), ("subtract", None, None), ("multiply", None, None), ("divide", None, NZ),
    ("power", P, (-1.0, 2.0)), ("float_power", P, (-1.0, 2.0)), ("maximum", spread(-2, 2), spread(-1.9, 2.1)),
    ("minimum", spread(-2, 2), spread(-1.9, 2.1)), ("fmax", spread(-2, 2), spread(-1.9, 2.1)),
    ("fmin", spread(-2, 2), spread(-1.9, 2.1)), ("arctan2", None, P), ("hypot", NZ, NZ),
    ("logaddexp", None, None), ("logaddexp2", None, None), ("copysign", NZ, NZ),
    ("heaviside", NZ, None), ("remainder", (2.2, 2.8), (1.0, 1.05)), ("fmod", (-2.8, -2.2), (1.0, 1.05)),
    ("floor_divide", (2.2, 2.8), (1.0, 1.05)),
]

CASES: list = []
for _n, _d in U1:
    CASES.append(Case(_n, (lambda n: lambda xp, x: getattr(xp, n)(x))(_n), [(2, 3)],
                      (getattr(np, _n),), domain=_d or (-2.0, 2.0)))
for _n, _dx, _dy in U2:
    CASES.append(Case(_n, (lambda n: lambda xp, x, y: getattr(xp, n)(x, y))(_n), [(2, 3), (3,)],
                      (getattr(np, _n),), domain=[_dx or (-2.0, 2.0), _dy or (-2.0, 2.0)]))

CASES += [
    # elementwise odds and ends
    Case("modf", lambda xp, x: xp.modf(x), [(4,)], (np.modf,), domain=nonint(-2, 2)),
    Case("frexp", lambda xp, x: xp.frexp(x)[0], [(4,)], (np.frexp,), domain=NZ),
    Case("divmod", lambda xp, x, y: xp.divmod(x, y)[1], [(4,), (4,)], (np.divmod,),
         domain=[(2.2, 2.8), (1.0, 1.05)]),
    Case("ldexp", lambda xp, x: xp.ldexp(x, np.array([1, -2, 3])), [(3,)], (np.ldexp,)),
    Case("scalar_first", lambda xp, x: 2.0 ** x - 3.0 / (x * x + 1.0), [(3,)], ()),
    Case("matmul", lambda xp, a, b: xp.matmul(a, b), [(2, 3, 4), (4, 2)], (np.matmul,)),
    Case("matmul_vec", lambda xp, a, b: xp.matmul(a, b), [(3,), (3, 2)], ()),
    Case("vecdot", lambda xp, a, b: xp.vecdot(a, b, axis=0), [(3, 2), (3, 1)], (np.vecdot,)),
    Case("dtype_kw", lambda xp, x: xp.multiply(x, 2.0, dtype=np.float64), [(3,)], ()),
    # ufunc methods
    Case("add.reduce", lambda xp, x: np.add.reduce(x, axis=1), [(3, 4)], ((np.add, "reduce"),),
         protocol_only=True),
    Case("add.reduce_default", lambda xp, x: np.add.reduce(x), [(3, 4)], (), protocol_only=True),
    Case("multiply.reduce", lambda xp, x: np.multiply.reduce(x, axis=0, keepdims=True), [(3, 4)],
         ((np.multiply, "reduce"),), domain=P, protocol_only=True),
    Case("maximum.reduce", lambda xp, x: np.maximum.reduce(x, axis=-1), [(3, 4)],
         ((np.maximum, "reduce"),), domain=spread(-2, 2), protocol_only=True),
    Case("minimum.reduce", lambda xp, x: np.minimum.reduce(x, axis=None), [(3, 4)],
         ((np.minimum, "reduce"),), domain=spread(-2, 2), protocol_only=True),
    Case("add.accumulate", lambda xp, x: np.add.accumulate(x, axis=1), [(2, 4)],
         ((np.add, "accumulate"),), protocol_only=True),
    Case("multiply.accumulate", lambda xp, x: np.multiply.accumulate(x), [(4, 2)],
         ((np.multiply, "accumulate"),), domain=NZ, protocol_only=True),
    Case("multiply.outer", lambda xp, a, b: np.multiply.outer(a, b), [(2,), (2, 3)],
         ((np.multiply, "outer"),), protocol_only=True),
    Case("subtract.outer", lambda xp, a, b: np.subtract.outer(a, b), [(3,), (2,)], (), protocol_only=True),
    # reductions
    Case("sum", lambda xp, x: xp.sum(x), [(3, 4)], (np.sum,)),
    Case("sum_axis_keepdims", lambda xp, x: xp.sum(x, axis=0, keepdims=True), [(3, 4)], ()),
    Case("sum_axes_initial", lambda xp, x: xp.sum(x, axis=(0, 2), initial=1.5), [(2, 3, 2)], ()),
    Case("sum_where", lambda xp, x: xp.sum(x, axis=1, where=np.array([True, False, True])), [(2, 3)], ()),
    Case("prod", lambda xp, x: xp.prod(x, axis=1), [(3, 4)], (np.prod,), domain=NZ),
    Case("prod_all", lambda xp, x: xp.prod(x, keepdims=True), [(2, 3)], (), domain=NZ),
    Case("mean", lambda xp, x: xp.mean(x, axis=-1), [(3, 4)], (np.mean,)),
    Case("mean_where", lambda xp, x: xp.mean(x, axis=0, where=np.array([[True], [False], [True]])),
         [(3, 2)], ()),
    Case("max", lambda xp, x: xp.max(x, axis=0), [(3, 4)], (np.max,), domain=spread(-2, 2)),
    Case("amax_initial", lambda xp, x: xp.amax(x, axis=1, initial=0.5), [(3, 4)], (np.amax,),
         domain=away([0.5], -2, 2)),
    Case("min", lambda xp, x: xp.min(x, axis=1, keepdims=True), [(3, 4)], (np.min,), domain=spread(-2, 2)),
    Case("amin", lambda xp, x: xp.amin(x), [(3, 4)], (np.amin,), domain=spread(-2, 2)),
    Case("ptp", lambda xp, x: xp.ptp(x, axis=0), [(3, 4)], (np.ptp,), domain=spread(-2, 2)),
    Case("var", lambda xp, x: xp.var(x, axis=0), [(4, 3)], (np.var,)),
    Case("var_ddof", lambda xp, x: xp.var(x, ddof=1, keepdims=True), [(4, 3)], ()),
    Case("std", lambda xp, x: xp.std(x, axis=1, ddof=1), [(3, 4)], (np.std,)),
    Case("average", lambda xp, x, w: xp.average(x, axis=1, weights=w), [(3, 4), (4,)], (np.average,),
         domain=[(-2, 2), P]),
    Case("average_returned", lambda xp, x, w: xp.average(x, weights=w, returned=True), [(3, 4), (3, 4)],
         (), domain=[(-2, 2), P]),
    Case("nansum", lambda xp, x: xp.nansum(x, axis=0), [(3, 2)], (np.nansum,)),
    Case("nanmean", lambda xp, x: xp.nanmean(x, axis=1), [(3, 2)], (np.nanmean,)),
    Case("nanprod", lambda xp, x: xp.nanprod(x), [(3, 2)], (np.nanprod,), domain=NZ),
    Case("median", lambda xp, x: xp.median(x, axis=1), [(3, 4)], (np.median,), domain=spread(-2, 2)),
    Case("median_odd", lambda xp, x: xp.median(x), [(5,)], (), domain=spread(-2, 2)),
    Case("quantile", lambda xp, x: xp.quantile(x, [0.1, 0.75], axis=0), [(5, 2)], (np.quantile,),
         domain=spread(-2, 2)),
    Case("quantile_keepdims", lambda xp, x: xp.quantile(x, 0.3, axis=1, keepdims=True), [(2, 5)], (),
         domain=spread(-2, 2)),
    Case("percentile", lambda xp, x: xp.percentile(x, 40), [(6,)], (np.percentile,), domain=spread(-2, 2)),
    Case("cumsum", lambda xp, x: xp.cumsum(x, axis=1), [(2, 4)], (np.cumsum,)),
    Case("cumsum_flat", lambda xp, x: xp.cumsum(x), [(2, 3)], ()),
    Case("cumprod", lambda xp, x: xp.cumprod(x, axis=0), [(3, 2)], (np.cumprod,), domain=NZ),
    Case("cumulative_sum", lambda xp, x: xp.cumulative_sum(x, axis=0, include_initial=True), [(3, 2)],
         (np.cumulative_sum,)),
    Case("cumulative_prod", lambda xp, x: xp.cumulative_prod(x), [(4,)], (np.cumulative_prod,), domain=NZ),
    Case("diff", lambda xp, x: xp.diff(x, n=2, axis=0), [(4, 3)], (np.diff,)),
    Case("diff_prepend", lambda xp, x: xp.diff(x, prepend=0.5, append=x[:, :1]), [(2, 3)], ()),
    Case("trapezoid", lambda xp, y, x: xp.trapezoid(y, x), [(2, 5), (5,)], (np.trapezoid,),
         domain=[(-2, 2), spread(0, 3)]),
    Case("trapezoid_dx", lambda xp, y: xp.trapezoid(y, dx=0.3, axis=0), [(4, 2)], ()),
    # shapes
    Case("reshape", lambda xp, x: xp.reshape(x, (3, -1)), [(2, 3)], (np.reshape,)),
    Case("reshape_F", lambda xp, x: xp.reshape(x, (3, 2), order="F"), [(2, 3)], ()),
    Case("ravel", lambda xp, x: xp.ravel(x), [(2, 3)], (np.ravel,)),
    Case("transpose", lambda xp, x: xp.transpose(x, (1, 2, 0)), [(2, 3, 4)], (np.transpose,)),
    Case("permute_dims", lambda xp, x: xp.permute_dims(x), [(2, 3)], (np.permute_dims,)),
    Case("matrix_transpose", lambda xp, x: xp.matrix_transpose(x), [(2, 3, 4)], (np.matrix_transpose,)),
    Case("swapaxes", lambda xp, x: xp.swapaxes(x, 0, -1), [(2, 3, 4)], (np.swapaxes,)),
    Case("moveaxis", lambda xp, x: xp.moveaxis(x, [0, 1], [-1, 0]), [(2, 3, 4)], (np.moveaxis,)),
    Case("expand_dims", lambda xp, x: xp.expand_dims(x, (0, 3)), [(2, 3)], (np.expand_dims,)),
    Case("squeeze", lambda xp, x: xp.squeeze(x, axis=0), [(1, 3, 1)], (np.squeeze,)),
    Case("squeeze_all", lambda xp, x: xp.squeeze(x), [(1, 3, 1)], ()),
    Case("atleast_1d", lambda xp, x: xp.atleast_1d(x), [()], (np.atleast_1d,)),
    Case("atleast_2d", lambda xp, x, y: xp.atleast_2d(x, y), [(3,), ()], (np.atleast_2d,)),
    Case("atleast_3d", lambda xp, x: xp.atleast_3d(x), [(3,)], (np.atleast_3d,)),
    Case("broadcast_to", lambda xp, x: xp.broadcast_to(x, (2, 3)), [(3,)], (np.broadcast_to,)),
    Case("broadcast_arrays", lambda xp, x, y: xp.broadcast_arrays(x, y), [(2, 1), (3,)],
         (np.broadcast_arrays,)),
    Case("concatenate", lambda xp, x, y: xp.concatenate([x, y], axis=1), [(2, 1), (2, 3)], (np.concatenate,)),
    Case("concatenate_none", lambda xp, x, y: xp.concatenate((x, y), axis=None), [(2, 2), (3,)], ()),
    Case("concat", lambda xp, x, y: xp.concat([x, y]), [(1, 2), (2, 2)], (np.concat,)),
    Case("stack", lambda xp, x, y: xp.stack([x, y], axis=-1), [(2, 3), (2, 3)], (np.stack,)),
    Case("vstack", lambda xp, x, y: xp.vstack([x, y]), [(3,), (2, 3)], (np.vstack,)),
    Case("hstack", lambda xp, x, y: xp.hstack([x, y]), [(2,), (3,)], (np.hstack,)),
    Case("dstack", lambda xp, x, y: xp.dstack([x, y]), [(2, 3), (2, 3)], (np.dstack,)),
    Case("column_stack", lambda xp, x, y: xp.column_stack([x, y]), [(3,), (3, 2)], (np.column_stack,)),
    Case("split", lambda xp, x: xp.split(x, [1, 3], axis=1), [(2, 4)], (np.split,)),
    Case("split_sections", lambda xp, x: xp.split(x, 2), [(4, 2)], ()),
    Case("array_split", lambda xp, x: xp.array_split(x, 3), [(5,)], (np.array_split,)),
    Case("array_split_unordered", lambda xp, x: xp.array_split(x, [3, 1]), [(4,)], ()),
    Case("hsplit", lambda xp, x: xp.hsplit(x, 2), [(2, 4)], (np.hsplit,)),
    Case("vsplit", lambda xp, x: xp.vsplit(x, [1]), [(3, 2)], (np.vsplit,)),
    Case("dsplit", lambda xp, x: xp.dsplit(x, 2), [(1, 2, 4)], (np.dsplit,)),
    Case("unstack", lambda xp, x: xp.unstack(x, axis=1), [(2, 3)], (np.unstack,)),
    Case("tile", lambda xp, x: xp.tile(x, (2, 1, 2)), [(2, 3)], (np.tile,)),
    Case("tile_short", lambda xp, x: xp.tile(x, 2), [(2, 3)], ()),
    Case("repeat", lambda xp, x: xp.repeat(x, [1, 0, 2], axis=1), [(2, 3)], (np.repeat,)),
    Case("repeat_flat", lambda xp, x: xp.repeat(x, 2), [(2, 2)], ()),
    Case("flip", lambda xp, x: xp.flip(x, axis=(0, 2)), [(2, 3, 2)], (np.flip,)),
    Case("flip_all", lambda xp, x: xp.flip(x), [(2, 3)], ()),
    Case("fliplr", lambda xp, x: xp.fliplr(x), [(2, 3)], (np.fliplr,)),
    Case("flipud", lambda xp, x: xp.flipud(x), [(2, 3)], (np.flipud,)),
    Case("roll", lambda xp, x: xp.roll(x, (1, -2), axis=(0, 1)), [(3, 4)], (np.roll,)),
    Case("roll_flat", lambda xp, x: xp.roll(x, 5), [(2, 3)], ()),
    Case("rot90", lambda xp, x: xp.rot90(x, k=3, axes=(1, 0)), [(2, 3)], (np.rot90,)),
    Case("pad_constant", lambda xp, x: xp.pad(x, ((1, 0), (2, 1)), constant_values=0.5), [(2, 3)], (np.pad,)),
    Case("pad_pairs", lambda xp, x: xp.pad(x, 1, constant_values=((1, 2), (3, 4))), [(2, 2)], ()),
    Case("pad_edge", lambda xp, x: xp.pad(x, (2, 1), mode="edge"), [(2, 3)], ()),
    Case("pad_reflect", lambda xp, x: xp.pad(x, 2, mode="reflect"), [(4,)], ()),
    Case("pad_reflect_wide", lambda xp, x: xp.pad(x, (4, 5), mode="reflect"), [(3,)], ()),
    Case("pad_symmetric", lambda xp, x: xp.pad(x, ((1, 1), (0, 2)), mode="symmetric"), [(2, 3)], ()),
    Case("pad_wrap", lambda xp, x: xp.pad(x, (3, 2), mode="wrap"), [(3,)], ()),
    # selection
    Case("take", lambda xp, x: xp.take(x, [[2, 0], [1, 1]], axis=1), [(2, 3)], (np.take,)),
    Case("take_flat_wrap", lambda xp, x: xp.take(x, [7, -1], mode="wrap"), [(2, 3)], ()),
    Case("take_along_axis", lambda xp, x: xp.take_along_axis(x, np.array([[1], [0]]), axis=1), [(2, 3)],
         (np.take_along_axis,)),
    Case("sort", lambda xp, x: xp.sort(x, axis=0), [(4, 3)], (np.sort,), domain=spread(-2, 2)),
    Case("sort_flat", lambda xp, x: xp.sort(x, axis=None), [(2, 3)], (), domain=spread(-2, 2)),
    Case("where", lambda xp, x, y: xp.where(x > 0, x, y), [(2, 3), (3,)], (np.where,), domain=NZ),
    Case("where_scalar", lambda xp, x: xp.where(x > 0, x * x, 0.0), [(4,)], (), domain=NZ),
    Case("select", lambda xp, x: xp.select([x < -0.5, x > 0.5], [x * x, 2.0 * x], default=x), [(6,)],
         (np.select,), domain=away([-0.5, 0.5], -2, 2)),
    Case("clip", lambda xp, x: xp.clip(x, -1.0, 1.0), [(2, 3)], (np.clip,), domain=away([-1, 1], -2, 2)),
    Case("clip_arrays", lambda xp, x, lo: xp.clip(x, lo, None), [(2, 3), (3,)], (),
         domain=[spread(-2, 2), spread(-1.9, 2.1)]),
    Case("nan_to_num", lambda xp, x: xp.nan_to_num(x), [(3,)], (np.nan_to_num,)),
    Case("round", lambda xp, x: xp.round(x * 10.0, 1), [(3,)], (np.round,), domain=half_int(-0.2, 0.2)),
    Case("around", lambda xp, x: xp.around(x), [(3,)], (np.around,), domain=half_int(-2, 2)),
    Case("fix", lambda xp, x: xp.fix(x), [(3,)], (np.fix,), domain=nonint(-2, 2)),
    Case("sinc", lambda xp, x: xp.sinc(x), [(2, 3)], (np.sinc,)),
    Case("real", lambda xp, x: xp.real(x * (1 + 2j)), [(3,)], (np.real,)),
    Case("imag", lambda xp, x: xp.imag(x * (1 + 2j)), [(3,)], (np.imag,)),
    Case("real_complex_input", lambda xp, z: xp.real(z * z), [(3,)], (), complex=True),
    Case("angle", lambda xp, z: xp.angle(z), [(3,)], (np.angle,), complex=True,
         domain=away([0.0], -2, 2)),
    Case("diagonal", lambda xp, x: xp.diagonal(x, offset=1, axis1=1, axis2=2), [(2, 3, 4)], (np.diagonal,)),
    Case("diagonal_neg", lambda xp, x: xp.diagonal(x, -1), [(3, 3)], ()),
    Case("trace", lambda xp, x: xp.trace(x, offset=-1), [(3, 4)], (np.trace,)),
    Case("diag_vector", lambda xp, x: xp.diag(x, k=1), [(3,)], (np.diag,)),
    Case("diag_vector_neg", lambda xp, x: xp.diag(x, k=-2), [(2,)], ()),
    Case("diag_matrix", lambda xp, x: xp.diag(x), [(3, 4)], ()),
    Case("diagflat", lambda xp, x: xp.diagflat(x), [(2, 2)], (np.diagflat,)),
    Case("tril", lambda xp, x: xp.tril(x, k=-1), [(2, 3, 3)], (np.tril,)),
    Case("triu", lambda xp, x: xp.triu(x, 1), [(3, 4)], (np.triu,)),
    Case("interp", lambda xp, x, xs, fs: xp.interp(x, xs, fs), [(5,), (4,), (4,)], (np.interp,),
         domain=[away([0.0, 1.0, 2.0, 3.0], -0.5, 3.5), lambda rng, s: np.arange(4.0), (-2, 2)]),
    Case("interp_left_right", lambda xp, x, fs: xp.interp(x, [0.0, 1.0, 2.0], fs, left=-1.0, right=x[0]),
         [(4,), (3,)], (), domain=[away([0.0, 1.0, 2.0], -1.0, 3.0), (-2, 2)]),
    # products
    Case("dot_vv", lambda xp, a, b: xp.dot(a, b), [(3,), (3,)], (np.dot,)),
    Case("dot_mm", lambda xp, a, b: xp.dot(a, b), [(2, 3), (3, 2)], ()),
    Case("dot_nd", lambda xp, a, b: xp.dot(a, b), [(2, 2, 3), (4, 3, 2)], ()),
    Case("dot_scalar", lambda xp, a, b: xp.dot(a, b), [(), (2, 3)], ()),
    Case("vdot", lambda xp, a, b: xp.vdot(a, b), [(2, 2), (4,)], (np.vdot,)),
    Case("inner", lambda xp, a, b: xp.inner(a, b), [(2, 3), (4, 3)], (np.inner,)),
    Case("outer", lambda xp, a, b: xp.outer(a, b), [(2, 2), (3,)], (np.outer,)),
    Case("kron", lambda xp, a, b: xp.kron(a, b), [(2, 2), (3,)], (np.kron,)),
    Case("cross", lambda xp, a, b: xp.cross(a, b), [(2, 3), (3,)], (np.cross,)),
    Case("cross_axis", lambda xp, a, b: xp.cross(a, b, axisa=0, axisb=0, axisc=0), [(3, 2), (3, 2)], ()),
    Case("tensordot", lambda xp, a, b: xp.tensordot(a, b, axes=([0, 2], [1, 0])), [(2, 3, 4), (4, 2, 5)],
         (np.tensordot,)),
    Case("tensordot_int", lambda xp, a, b: xp.tensordot(a, b, 1), [(2, 3), (3, 4)], ()),
    Case("einsum", lambda xp, a, b: xp.einsum("ij,jk->ik", a, b), [(2, 3), (3, 4)], (np.einsum,)),
    Case("einsum_trace", lambda xp, a: xp.einsum("ii", a), [(3, 3)], ()),
    Case("einsum_ellipsis", lambda xp, a, b: xp.einsum("...ij,...j", a, b), [(2, 3, 4), (4,)], ()),
    Case("einsum_sublist", lambda xp, a, b: xp.einsum(a, [0, 1], b, [1], [0]), [(2, 3), (3,)], ()),
    Case("convolve", lambda xp, a, v: xp.convolve(a, v), [(5,), (3,)], (np.convolve,)),
    Case("convolve_same_swapped", lambda xp, a, v: xp.convolve(a, v, mode="same"), [(2,), (4,)], ()),
    Case("convolve_valid", lambda xp, a, v: xp.convolve(a, v, "valid"), [(5,), (2,)], ()),
    Case("correlate", lambda xp, a, v: xp.correlate(a, v), [(5,), (3,)], (np.correlate,)),
    Case("correlate_full_swapped", lambda xp, a, v: xp.correlate(a, v, "full"), [(2,), (3,)], ()),
    Case("polyval", lambda xp, p, x: xp.polyval(p, x), [(4,), (2, 3)], (np.polyval,)),
    Case("gradient", lambda xp, f: xp.gradient(f), [(3, 4)], (np.gradient,)),
    Case("gradient_order2", lambda xp, f: xp.gradient(f, 0.5, axis=-1, edge_order=2), [(2, 5)], ()),
    Case("cov", lambda xp, m: xp.cov(m), [(3, 5)], (np.cov,)),
    Case("cov_cols_y_bias", lambda xp, m, y: xp.cov(m, y, rowvar=False, bias=True), [(5, 2), (5,)], ()),
    Case("cov_ddof_1d", lambda xp, m: xp.cov(m, ddof=0), [(6,)], ()),
    Case("corrcoef", lambda xp, m: xp.corrcoef(m), [(3, 6)], (np.corrcoef,), rtol=1e-9),
    Case("block", lambda xp, a, b, c: xp.block([[a, b], [c, 1.5 * c[:, :1]]]), [(2, 2), (2, 1), (1, 2)],
         (np.block,)),
    Case("block_promote", lambda xp, a, b: xp.block([[a], [b]]), [(2, 2), (2,)], ()),
    Case("apply_along_axis", lambda xp, x: xp.apply_along_axis(lambda r: np.outer(r, np.sin(r)), 0, x),
         [(2, 3)], (np.apply_along_axis,)),
    Case("matvec", lambda xp, a, v: xp.matvec(a, v), [(2, 3, 4), (4,)], (np.matvec,)),
    Case("vecmat", lambda xp, v, a: xp.vecmat(v, a), [(2, 3), (3, 4)], (np.vecmat,)),
    Case("append", lambda xp, a, b: xp.append(a, b), [(2, 2), (3,)], (np.append,)),
    Case("append_axis", lambda xp, a, b: xp.append(a, b, axis=0), [(2, 3), (1, 3)], ()),
    Case("delete", lambda xp, a: xp.delete(a, [0, -1], axis=1), [(2, 4)], (np.delete,)),
    Case("delete_slice_flat", lambda xp, a: xp.delete(a, slice(1, None, 2)), [(2, 3)], ()),
    Case("delete_mask", lambda xp, a: xp.delete(a, np.array([True, False, True]), axis=0), [(3, 2)], ()),
    Case("insert", lambda xp, a, v: xp.insert(a, 1, v, axis=1), [(2, 3), (2,)], (np.insert,)),
    Case("insert_flat_scalar", lambda xp, a, v: xp.insert(a, -1, v), [(2, 2), ()], ()),
    Case("nanmax", lambda xp, x: xp.nanmax(x, axis=0), [(3, 2)], (np.nanmax,), domain=spread(-2, 2)),
    Case("nanmin", lambda xp, x: xp.nanmin(x, keepdims=True), [(3, 2)], (np.nanmin,), domain=spread(-2, 2)),
    Case("nanvar", lambda xp, x: xp.nanvar(x, axis=1, ddof=1), [(2, 4)], (np.nanvar,)),
    Case("nanstd", lambda xp, x: xp.nanstd(x), [(2, 4)], (np.nanstd,)),
    Case("nancumsum", lambda xp, x: xp.nancumsum(x, axis=1), [(2, 3)], (np.nancumsum,)),
    Case("nancumprod", lambda xp, x: xp.nancumprod(x), [(2, 3)], (np.nancumprod,), domain=NZ),
    Case("bincount", lambda xp, w: xp.bincount(np.array([3, 0, 3, 1]), weights=w, minlength=6), [(4,)],
         (np.bincount,)),
    # creation from tensors
    Case("zeros_like_plus", lambda xp, x: xp.zeros_like(x) + xp.ones_like(x) * x, [(2, 3)],
         (np.zeros_like, np.ones_like)),
    Case("full_like_plus", lambda xp, x: xp.full_like(x, 2.0) * x + xp.empty_like(x) * 0.0, [(2,)],
         (np.full_like, np.empty_like)),
    Case("copy", lambda xp, x: xp.copy(x) * x, [(3,)], (np.copy,)),
    Case("linspace", lambda xp, a, b: xp.linspace(a, b, 5), [(), ()], (np.linspace,)),
    Case("linspace_arrays", lambda xp, a, b: xp.linspace(a, b, 4, endpoint=False, axis=1), [(2,), (2,)], ()),
    Case("logspace", lambda xp, a, b: xp.logspace(a, b, 3), [(), ()], (np.logspace,), domain=(-1, 1)),
    Case("meshgrid", lambda xp, a, b: xp.meshgrid(a, b), [(2,), (3,)], (np.meshgrid,)),
    Case("meshgrid_sparse_ij", lambda xp, a, b: xp.meshgrid(a, b, indexing="ij", sparse=True), [(2,), (3,)],
         ()),
    Case("astype", lambda xp, x: xp.astype(x, np.float64) * x, [(3,)], (np.astype,)),
    # linalg
    Case("inv", lambda xp, a: xp.linalg.inv(a), [(2, 3, 3)], (np.linalg.inv,), domain=well_conditioned),
    Case("det", lambda xp, a: xp.linalg.det(a), [(3, 3)], (np.linalg.det,), domain=well_conditioned),
    Case("slogdet", lambda xp, a: xp.linalg.slogdet(a)[1], [(2, 3, 3)], (np.linalg.slogdet,),
         domain=well_conditioned),
    Case("solve_vec", lambda xp, a, b: xp.linalg.solve(a, b), [(3, 3), (3,)], (np.linalg.solve,),
         domain=[well_conditioned, (-2, 2)]),
    Case("solve_mat", lambda xp, a, b: xp.linalg.solve(a, b), [(2, 3, 3), (2, 3, 2)], (),
         domain=[well_conditioned, (-2, 2)]),
    Case("cholesky", lambda xp, a: xp.linalg.cholesky(spd(xp, a)), [(3, 3)], (np.linalg.cholesky,)),
    Case("cholesky_upper", lambda xp, a: xp.linalg.cholesky(spd(xp, a), upper=True), [(2, 2)], ()),
    Case("qr", lambda xp, a: xp.linalg.qr(a), [(4, 3)], (np.linalg.qr,), domain=well_conditioned),
    Case("qr_r", lambda xp, a: xp.linalg.qr(a, mode="r"), [(3, 3)], (), domain=well_conditioned),
    Case("eigh", lambda xp, a: (lambda w, v: (w, v * v))(*xp.linalg.eigh(sym(xp, a))), [(3, 3)],
         (np.linalg.eigh,), domain=lambda rng, s: np.diag([1.0, 2.0, 4.0]) + 0.2 * rng.standard_normal(s)),
    Case("eigvalsh", lambda xp, a: xp.linalg.eigvalsh(sym(xp, a), UPLO="U"), [(3, 3)], (np.linalg.eigvalsh,),
         domain=lambda rng, s: np.diag([1.0, 2.0, 4.0]) + 0.2 * rng.standard_normal(s)),
    Case("svd", lambda xp, a: (lambda u, s, vh: (u * u, s, vh * vh))(*xp.linalg.svd(a, full_matrices=False)),
         [(4, 3)], (np.linalg.svd,),
         domain=lambda rng, s: np.eye(4, 3) * [3.0, 2.0, 1.0] + 0.2 * rng.standard_normal(s)),
    Case("svd_values", lambda xp, a: xp.linalg.svd(a, compute_uv=False), [(2, 3)], (),
         domain=well_conditioned),
    Case("svdvals", lambda xp, a: xp.linalg.svdvals(a), [(3, 2)], (np.linalg.svdvals,),
         domain=lambda rng, s: np.array([[3.0, 0], [0, 1], [0, 0]]) + 0.2 * rng.standard_normal(s)),
    Case("norm", lambda xp, x: xp.linalg.norm(x), [(2, 3)], (np.linalg.norm,)),
    Case("norm_vec_ord", lambda xp, x: xp.linalg.norm(x, ord=3, axis=1, keepdims=True), [(2, 3)], (),
         domain=NZ),
    Case("norm_vec_1", lambda xp, x: xp.linalg.norm(x, ord=1), [(4,)], (), domain=NZ),
    Case("norm_vec_inf", lambda xp, x: xp.linalg.norm(x, ord=-np.inf), [(4,)], (), domain=spread(0.5, 3)),
    Case("norm_mat_1", lambda xp, x: xp.linalg.norm(x, ord=1), [(3, 3)], (), domain=spread(0.5, 3)),
    Case("norm_mat_inf", lambda xp, x: xp.linalg.norm(x, ord=np.inf, axis=(1, 0)), [(3, 3)], (),
         domain=spread(0.5, 3)),
    Case("norm_fro_keep", lambda xp, x: xp.linalg.norm(x, "fro", axis=(0, 2), keepdims=True), [(2, 2, 3)],
         ()),
    Case("norm_nuc", lambda xp, x: xp.linalg.norm(x, "nuc"), [(3, 3)], (), domain=well_conditioned),
    Case("norm_2", lambda xp, x: xp.linalg.norm(x, 2), [(3, 3)], (), domain=well_conditioned),
    Case("vector_norm", lambda xp, x: xp.linalg.vector_norm(x, axis=(0, 2), ord=4), [(2, 3, 2)],
         (np.linalg.vector_norm,), domain=NZ),
    Case("matrix_norm", lambda xp, x: xp.linalg.matrix_norm(x, keepdims=True), [(2, 3, 3)],
         (np.linalg.matrix_norm,)),
    Case("pinv", lambda xp, a: xp.linalg.pinv(a), [(3, 2)], (np.linalg.pinv,),
         domain=lambda rng, s: np.array([[2.0, 0], [0, 1], [0, 0]]) + 0.2 * rng.standard_normal(s)),
    Case("matrix_power", lambda xp, a: xp.linalg.matrix_power(a, 3), [(2, 2)], (np.linalg.matrix_power,)),
    Case("matrix_power_neg", lambda xp, a: xp.linalg.matrix_power(a, -2), [(2, 2)], (),
         domain=well_conditioned),
    Case("matrix_power_zero", lambda xp, a: xp.linalg.matrix_power(a, 0) * a, [(2, 2)], ()),
    Case("lstsq", lambda xp, a, b: xp.linalg.lstsq(a, b)[0:2], [(4, 2), (4,)], (np.linalg.lstsq,),
         domain=[lambda rng, s: np.array([[1.0, 0], [0, 1], [1, 1], [1, -1]]) + 0.1 * rng.standard_normal(s),
                 (-2, 2)]),
    Case("multi_dot", lambda xp, a, b, c: xp.linalg.multi_dot([a, b, c]), [(3,), (3, 4), (4, 2)],
         (np.linalg.multi_dot,)),
    Case("cond", lambda xp, a: xp.linalg.cond(a), [(3, 3)], (np.linalg.cond,), domain=well_conditioned),
    Case("cond_fro", lambda xp, a: xp.linalg.cond(a, "fro"), [(3, 3)], (), domain=well_conditioned),
    Case("linalg_trace", lambda xp, a: xp.linalg.trace(a, offset=1), [(2, 3, 3)], (np.linalg.trace,)),
    Case("linalg_diagonal", lambda xp, a: xp.linalg.diagonal(a), [(2, 3, 3)], (np.linalg.diagonal,)),
    Case("linalg_outer", lambda xp, a, b: xp.linalg.outer(a, b), [(2,), (3,)], (np.linalg.outer,)),
    Case("linalg_cross", lambda xp, a, b: xp.linalg.cross(a, b), [(2, 3), (2, 3)], (np.linalg.cross,)),
    Case("linalg_tensordot", lambda xp, a, b: xp.linalg.tensordot(a, b, axes=1), [(2, 3), (3,)],
         (np.linalg.tensordot,)),
    Case("linalg_matmul", lambda xp, a, b: xp.linalg.matmul(a, b), [(2, 3), (3, 2)], (np.linalg.matmul,)),
    Case("linalg_vecdot", lambda xp, a, b: xp.linalg.vecdot(a, b), [(2, 3), (3,)], (np.linalg.vecdot,)),
    Case("linalg_matrix_transpose", lambda xp, a: xp.linalg.matrix_transpose(a), [(2, 3)],
         (np.linalg.matrix_transpose,)),
]

# Functions whose results have no gradient (indices, booleans, metadata): values only.
VALUE_CASES = [
    ("argmax", lambda xp, x: xp.argmax(x, axis=1), (np.argmax,)),
    ("argmin", lambda xp, x: xp.argmin(x, keepdims=True), (np.argmin,)),
    ("argsort", lambda xp, x: xp.argsort(x, axis=0), (np.argsort,)),
    ("nonzero", lambda xp, x: xp.nonzero(x > 0), (np.nonzero,)),
    ("argwhere", lambda xp, x: xp.argwhere(x > 0), (np.argwhere,)),
    ("flatnonzero", lambda xp, x: xp.flatnonzero(x > 0), (np.flatnonzero,)),
    ("searchsorted", lambda xp, x: xp.searchsorted(xp.sort(xp.ravel(x)), [0.0, 0.5]), (np.searchsorted,)),
    ("count_nonzero", lambda xp, x: xp.count_nonzero(x > 0, axis=0), (np.count_nonzero,)),
    ("isclose", lambda xp, x: xp.isclose(x, x + 1e-12), (np.isclose,)),
    ("iscomplex", lambda xp, x: xp.iscomplex(x), (np.iscomplex,)),
    ("isreal", lambda xp, x: xp.isreal(x), (np.isreal,)),
    ("isposinf_isneginf", lambda xp, x: (xp.isposinf(x / 0.0), xp.isneginf(x / 0.0)),
     (np.isposinf, np.isneginf)),
    ("all_any", lambda xp, x: (xp.all(x > -5, axis=0), xp.any(x > 1)), (np.all, np.any)),
    ("digitize", lambda xp, x: xp.digitize(x, [-1.0, 0.0, 1.0]), (np.digitize,)),
    ("isin", lambda xp, x: xp.isin(x, x[0]), (np.isin,)),
    ("index_helpers", lambda xp, x: (lambda k: (xp.ix_(k[0], k[1]), xp.unravel_index(k, (5, 5, 5)),
                                                xp.ravel_multi_index(xp.unravel_index(k, (5, 5, 5)),
                                                                     (5, 5, 5)),
                                                xp.bincount(xp.ravel(k))))(
        xp.astype(xp.floor_divide(xp.abs(x) * 10.0, 1.0), np.int64)),
     (np.ix_, np.unravel_index, np.ravel_multi_index)),
    ("strings", lambda xp, x: (xp.array2string(x, precision=3), xp.array_repr(x), xp.array_str(x)),
     (np.array2string, np.array_repr, np.array_str)),
    ("type_queries", lambda xp, x: (xp.can_cast(x, np.float32), xp.min_scalar_type(x), xp.common_type(x),
                                    xp.shares_memory(x, x[:1]), xp.may_share_memory(x, 1.0)),
     (np.can_cast, np.min_scalar_type, np.common_type, np.shares_memory, np.may_share_memory)),
    ("shape_ndim_size", lambda xp, x: (xp.shape(x), xp.ndim(x), xp.size(x), xp.size(x, 1)),
     (np.shape, np.ndim, np.size)),
    ("allclose", lambda xp, x: (xp.allclose(x, x), xp.array_equal(x, x), xp.array_equiv(x, x[0])),
     (np.allclose, np.array_equal, np.array_equiv)),
    ("result_type", lambda xp, x: xp.result_type(x, 1.0), (np.result_type,)),
    ("complexobj", lambda xp, x: (xp.iscomplexobj(x), xp.isrealobj(x)), (np.iscomplexobj, np.isrealobj)),
    ("comparisons", lambda xp, x: (xp.equal(x, x[0]), xp.not_equal(x, 0.0), xp.less(x, 0.0),
                                   xp.less_equal(x, 0.0), xp.greater(x, 0.0), xp.greater_equal(x, 0.0)),
     (np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal)),
    ("logical", lambda xp, x: (xp.logical_and(x > 0, x < 1), xp.logical_or(x > 0, x < -1),
                               xp.logical_xor(x > 0, x > 1), xp.logical_not(x > 0)),
     (np.logical_and, np.logical_or, np.logical_xor, np.logical_not)),
    ("bitwise_bool", lambda xp, x: (xp.bitwise_and(x > 0, x < 1), xp.bitwise_or(x > 0, x < -1),
                                    xp.bitwise_xor(x > 0, x > 1), xp.invert(x > 0)),
     (np.bitwise_and, np.bitwise_or, np.bitwise_xor, np.invert)),
    ("integer_ufuncs", lambda xp, x: (lambda k: (xp.left_shift(k, 1), xp.right_shift(k, 1), xp.gcd(k, 4),
                                                 xp.lcm(k, 6), xp.bitwise_and(k, 3)))(
        xp.astype(xp.floor_divide(x * 10.0, 1.0), np.int64)),
     (np.left_shift, np.right_shift, np.gcd, np.lcm)),
    ("isnan_isinf", lambda xp, x: (xp.isnan(x / 0.0), xp.isinf(x / 0.0), xp.isfinite(x), xp.signbit(x)),
     (np.isnan, np.isinf, np.isfinite, np.signbit)),
    ("matrix_rank", lambda xp, x: xp.linalg.matrix_rank(x), (np.linalg.matrix_rank,)),
]


def _flat(out):
    if isinstance(out, (list, tuple)):
        return [v for o in out for v in _flat(o)]
    return [out]


def _to_np(v):
    return np.asarray(v._value) if isinstance(v, gt.Tensor) else np.asarray(v)


def run_value_case(case, xp, dtype=np.float64):
    """``case.fn`` with NumPy on arrays vs with ``xp`` on tensors: same values, tensors out."""
    arrays = case.inputs(dtype)
    ref = _flat(case.fn(np, *[a.copy() for a in arrays]))
    got = _flat(case.fn(xp, *[gt.constant(a) for a in arrays]))
    assert len(ref) == len(got)
    for r, g in zip(ref, got):
        assert isinstance(g, gt.Tensor), f"{case.name}: got {type(g).__name__}, not a tensor"
        r = np.asarray(r)
        assert g.shape == r.shape, f"{case.name}: shape {g.shape} != NumPy's {r.shape}"
        assert g.dtype == r.dtype, f"{case.name}: dtype {g.dtype} != NumPy's {r.dtype}"
        tol = case.rtol if dtype == np.float64 else 2e-5
        np.testing.assert_allclose(_to_np(g), r, rtol=tol, atol=tol, err_msg=case.name)


def run_gradient_case(case, xp, order=None):
    def f(*ts):
        out = case.fn(xp, *ts)
        return [o for o in _flat(out) if isinstance(o, gt.Tensor) and o.dtype.kind in "fc"]
    gt.test.check_gradients(f, case.inputs(), order=case.order if order is None else order,
                            modes=case.modes)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_value_matches_numpy(case):
    run_value_case(case, np)


@pytest.mark.parametrize("case", [c for c in CASES if not c.complex], ids=lambda c: c.name)
def test_float32_dtype_matches_numpy(case):
    run_value_case(case, np, np.float32)


@pytest.mark.parametrize("case", [c for c in CASES if c.grad], ids=lambda c: c.name)
def test_gradient_matches_central_differences(case):
    run_gradient_case(case, np)


@pytest.mark.parametrize("name,fn,covers", VALUE_CASES, ids=[c[0] for c in VALUE_CASES])
def test_index_and_boolean_functions_match_numpy(name, fn, covers):
    a = np.random.default_rng(zlib.crc32(name.encode())).uniform(-2, 2, (3, 4))
    x = gt.Variable(a)
    with np.errstate(divide="ignore", invalid="ignore"), gt.GradientTape():
        got = fn(np, x)  # inside a tape: these are supported, so nothing raises
        ref = fn(np, a)
    for g, r in zip(_flat(got), _flat(ref)):
        if isinstance(r, np.ndarray):
            assert isinstance(g, gt.Tensor) and g.dtype == r.dtype, name
        np.testing.assert_array_equal(_to_np(g), r)


def test_every_table_entry_is_exercised():
    covered = set()
    for c in CASES:
        covered.update(c.covers)
    for c in VALUE_CASES:
        covered.update(c[2])
    entries = set(interop.FUNCTIONS) | set(interop.UFUNCS)
    entries |= {(u, "reduce") for u in interop.REDUCE} | {(u, "accumulate") for u in interop.ACCUMULATE}
    exempt = {(np.logical_and, "reduce"), (np.logical_or, "reduce"), (np.logical_and, "accumulate"),
              (np.logical_or, "accumulate")}  # checked in test_ufunc_methods_on_booleans
    exempt |= {np.save, np.savez, np.savez_compressed, np.savetxt}  # test_metadata_printing_and_saving...
    # creation from shapes and lists: NumPy never dispatches these to tensors (see test_gtnp)
    exempt |= {np.asarray, np.asanyarray, np.ascontiguousarray, np.array, np.zeros, np.ones, np.empty,
               np.full, np.eye, np.identity, np.arange, np.tri, np.asarray_chkfinite}
    missing = sorted(getattr(e, "__name__", str(e)) for e in entries - covered - exempt)
    assert not missing, f"table entries without a test case: {missing}"


def test_ufunc_methods_on_booleans():
    b = gt.constant([[True, False], [True, True]])
    assert np.logical_and.reduce(b).numpy().tolist() == [True, False]
    assert np.logical_or.reduce(b, axis=1).numpy().tolist() == [True, True]
    assert np.logical_and.accumulate(b, axis=1).numpy().tolist() == [[True, False], [True, True]]
    assert isinstance(np.logical_or.accumulate(b), gt.Tensor)


# -- dtypes, mixing with ndarrays and NumPy scalars ---------------------------------------------------
def test_ndarray_times_tensor_gives_a_recorded_tensor():
    x = gt.Variable([1.0, 2.0, 3.0])
    a = np.array([2.0, 3.0, 4.0], np.float32)
    with gt.GradientTape() as tape:
        y = a * x  # ndarray.__mul__ -> np.multiply -> Tensor.__array_ufunc__
        z = np.sum(a @ x + a - x)
    assert isinstance(y, gt.Tensor) and y.dtype == np.float32
    np.testing.assert_allclose(tape.gradient(z, x).numpy(), 3 * a - 1)
    with gt.GradientTape() as tape:
        w = np.sum(a * x)
    np.testing.assert_allclose(tape.gradient(w, x).numpy(), a)


def test_numpy_scalar_times_tensor_gives_a_recorded_tensor():
    x = gt.Variable([1.0, 2.0])
    with gt.GradientTape() as tape:
        y = np.float32(2) * x
        z = np.float64(3) * x
    assert isinstance(y, gt.Tensor) and y.dtype == np.float32
    # NumPy scalars next to a tensor are weak, as in TensorFlow (NumPy 2 alone would promote)
    assert isinstance(z, gt.Tensor) and z.dtype == np.float32
    g = tape.gradient([y, z], x)
    assert g.dtype == np.float32 and g.numpy().tolist() == [5.0, 5.0]


def test_dtype_promotion_follows_numpy():
    t32 = gt.constant([1.0, 2.0])
    assert (t32 * 2.0).dtype == np.float32  # Python scalars are weak
    assert np.add(t32, np.ones(2)).dtype == np.float64  # a float64 array promotes
    assert np.add(t32, [1.0, 2.0]).dtype == np.float64  # a list is a float64 array to NumPy
    ti = gt.constant([1, 2, 3])
    assert np.mean(ti).dtype == np.mean(np.array([1, 2, 3], np.int32)).dtype == np.float64
    assert np.sum(ti).dtype == np.sum(np.array([1, 2, 3], np.int32)).dtype
    assert np.sin(ti).dtype == np.float64 and np.true_divide(ti, 2).dtype == np.float64
    assert float(np.mean(ti)) == 2.0 and int(np.sum(ti)) == 6


def test_variables_are_watched_through_numpy_calls():
    v = gt.Variable([[1.0, 2.0], [3.0, 5.0]])
    with gt.GradientTape() as tape:
        y = np.linalg.det(np.exp(v * 0.1))
    g = tape.gradient(y, v)
    theo, num = gt.test.compute_gradient(lambda t: np.linalg.det(np.exp(t * 0.1)),
                                         [gt.constant(v.numpy().astype(np.float64))])
    np.testing.assert_allclose(g.numpy(), num[0].reshape(2, 2), rtol=1e-4)


def test_np_asarray_gives_an_ndarray():
    t = gt.constant([1.0, 2.0])
    a = np.asarray(t)
    assert type(a) is np.ndarray and a.dtype == np.float32 and a.tolist() == [1.0, 2.0]
    assert type(np.array(t)) is np.ndarray


def test_tensorflow_guide_numpy_mean_now_records():
    # TensorFlow's autodiff guide ("Took gradients through a NumPy computation"): there
    # np.mean returns an ndarray, the tape loses track and tape.gradient(y, x) is None. Here
    # np.mean dispatches to gradtape, so the gradient exists: d/dx mean(mean(x**2, 0)) = x / 2.
    x = gt.Variable([[1.0, 2.0], [3.0, 4.0]], dtype=gt.float32)
    with gt.GradientTape() as tape:
        x2 = x ** 2
        y = np.mean(x2, axis=0)
        y = gt.reduce_mean(y, axis=0)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), x.numpy() / 2)


# -- what is refused -------------------------------------------------------------------------------
@pytest.mark.parametrize("name,call", [
    ("np.fft.fft", lambda t: np.fft.fft(t)),
    ("np.unique", lambda t: np.unique(t)),
    ("np.histogram", lambda t: np.histogram(t, bins=3)),
    ("np.spacing", lambda t: np.spacing(t)),
    ("np.add.reduceat", lambda t: np.add.reduceat(t, [0, 2])),
    ("np.polyfit", lambda t: np.polyfit(t, t * t, 1)),
])
def test_unsupported_function_raises_inside_a_tape_and_falls_back_outside(name, call):
    v = gt.Variable([3.0, 1.0, 2.0, 1.0])
    with gt.GradientTape():
        with pytest.raises(TypeError, match=f"NumPy function '{name}' has no gradtape counterpart"):
            call(v)
    with gt.autodiff.ForwardAccumulator(v, gt.constant([1.0, 0, 0, 0])):
        with pytest.raises(TypeError, match="lose the gradient"):
            call(v)
    out = call(v)  # outside any tape: NumPy's own answer
    ref = call(v.numpy())
    for o, r in zip(_flat(out), _flat(ref)):
        assert not isinstance(o, gt.Tensor)
        np.testing.assert_array_equal(o, r)


def test_unsupported_argument_raises_inside_a_tape_and_falls_back_outside():
    t = gt.constant([1.0, -2.0, 3.0])
    mask = np.array([True, False, True])
    with gt.GradientTape():
        with pytest.raises(TypeError, match="np.add: .*where=.* is not supported"):
            np.add(t, 1.0, where=mask)
        with pytest.raises(TypeError, match="np.pad: .*mode='mean'"):
            np.pad(t, 1, mode="mean")
    assert type(np.pad(t, 1, mode="mean")) is np.ndarray
    np.testing.assert_array_equal(np.pad(t, 1, mode="linear_ramp"), np.pad(t.numpy(), 1, mode="linear_ramp"))


def test_fallback_cannot_write_into_a_tensor():
    t = gt.constant([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="read-only"):
        np.put(t, [0], [9.0])
    assert t.numpy().tolist() == [1.0, 2.0, 3.0]


def test_out_is_refused():
    t = gt.constant([1.0, 2.0])
    buf = np.zeros(2, np.float32)
    with pytest.raises(TypeError, match=r"np.add\(\.\.\., out=\.\.\.\): tensors are immutable"):
        np.add(t, 1.0, out=buf)
    with pytest.raises(TypeError, match="out="):
        np.sum(t, out=np.zeros((), np.float32))
    with pytest.raises(TypeError, match="out="):
        np.concatenate([t, t], out=np.zeros(4, np.float32))
    with pytest.raises(TypeError, match="augmented assignment"):
        buf += t
    with pytest.raises(TypeError, match="np.add.at works in place"):
        np.add.at(t, [0], 1.0)
    assert buf.tolist() == [0.0, 0.0]


def test_other_array_libraries_keep_their_override():
    class Other:
        def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
            return "other"

    assert np.add(gt.constant([1.0]), Other()) == "other"


def test_numpy_calls_outside_a_tape_return_tensors():
    t = gt.constant([[1.0, 2.0], [3.0, 4.0]], gt.float64)
    for out in (np.sin(t), np.sum(t, axis=0), np.linalg.inv(t), np.concatenate([t, t]), np.add.reduce(t)):
        assert isinstance(out, gt.Tensor)


def test_metadata_printing_and_saving_inside_a_tape():
    import io
    v = gt.Variable(np.zeros((2, 3)))
    with gt.GradientTape():
        assert np.shape(v) == (2, 3) and np.ndim(v) == 2 and np.size(v) == 6
        assert np.result_type(v) == np.float64 and not np.iscomplexobj(v)
        assert np.array2string(v) == np.array2string(v.numpy())
        buf = io.BytesIO()
        np.save(buf, v)
        np.savez(io.BytesIO(), w=v)
        np.savez_compressed(io.BytesIO(), v)
        np.savetxt(io.StringIO(), v)
    buf.seek(0)
    np.testing.assert_array_equal(np.load(buf), v.numpy())
    np.testing.assert_allclose(v, np.zeros((2, 3)))  # np.testing works on tensors


# -- scientific use ----------------------------------------------------------------------------------
def _rk4(rhs, y0, params, dt, steps):
    """Fixed-step RK4 written with plain NumPy calls; works on arrays and on tensors."""
    ys = [y0]
    y = y0
    for _ in range(steps):
        k1 = rhs(y, params)
        k2 = rhs(y + 0.5 * dt * k1, params)
        k3 = rhs(y + 0.5 * dt * k2, params)
        k4 = rhs(y + dt * k3, params)
        y = y + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        ys.append(y)
    return np.stack(ys)


def _logistic(n, log_p):
    r, k = np.exp(log_p[0]), np.exp(log_p[1])
    return r * n * (1.0 - n / k)


def test_fit_logistic_growth_ode_by_gradient_descent():
    dt, steps, n0 = 0.25, 40, 0.5
    true = np.log([0.8, 10.0])
    data = _rk4(_logistic, np.float64(n0), true, dt, steps)  # plain NumPy: the observations
    log_p = gt.Variable(np.log([0.4, 6.0]))
    losses = []
    velocity = np.zeros(2)
    for _ in range(400):
        with gt.GradientTape() as tape:
            pred = _rk4(_logistic, np.float64(n0), log_p, dt, steps)  # the same code on a tensor
            loss = np.mean(np.square(pred - data))
        g = tape.gradient(loss, log_p).numpy()
        velocity = 0.9 * velocity - 0.02 * g / (np.linalg.norm(g) + 1e-3) * min(1.0, float(loss) * 10)
        log_p.assign_add(velocity)
        losses.append(float(loss))
    assert isinstance(pred, gt.Tensor) and pred.shape == (steps + 1,)
    assert losses[-1] < 1e-6 * losses[0]
    np.testing.assert_allclose(np.exp(log_p.numpy()), [0.8, 10.0], rtol=1e-3)


def test_damped_oscillator_gradient_matches_finite_differences():
    def rhs(y, p):
        return np.stack([y[1], -p[0] * y[0] - p[1] * y[1]])

    def final_energy(p):
        traj = _rk4(rhs, np.array([1.0, 0.0]), p, 0.1, 30)
        return np.sum(np.square(traj[-1]))

    gt.test.check_gradients(final_energy, [np.array([4.0, 0.3])], order=2)


def test_newton_solve_with_tape_jacobian():
    def residual(v):
        x, y, z = v[0], v[1], v[2]
        return np.stack([x * x + y * y + z * z - 3.0,
                         np.exp(x - 1.0) + 2.0 * y - 3.0,
                         np.sin(z - 1.0) + x * y * z - 1.0])

    v = gt.constant([1.5, 0.5, 1.3], gt.float64)
    norms = []
    for _ in range(12):
        with gt.GradientTape() as tape:
            tape.watch(v)
            f = residual(v)
        jac = tape.jacobian(f, v)
        assert isinstance(jac, gt.Tensor) and jac.shape == (3, 3)
        v = v - np.linalg.solve(jac, f)  # a NumPy solve on tensors: a tensor
        norms.append(float(np.linalg.norm(f)))
        if norms[-1] < 1e-13:
            break
    assert norms[-1] < 1e-13, norms
    np.testing.assert_allclose(v.numpy(), [1.0, 1.0, 1.0], atol=1e-12)
    # quadratic convergence: once close, each error is about the square of the previous one
    assert any(b < 10 * a * a for a, b in zip(norms[-4:-1], norms[-3:]) if a < 1e-2)

