"""Table rows: linear algebra (gradtape/ops/linalg.py and gradtape/ops/linalg_decomp.py).

Domains keep matrices well conditioned: diagonally dominant for inverses and solves,
``X X^T + n I`` for Cholesky, well separated eigenvalues and singular values for the
decompositions. Ops that read one triangle of a Hermitian matrix (``cholesky``, ``eigh``) are
called on ``(a + a^H) / 2`` so that every perturbation direction is a Hermitian one. Singular
vectors and eigenvectors are only defined up to sign/phase, so they are checked through
gauge-invariant functions: ``u diag(f(s)) v^H``, projectors ``u u^H`` and ``|v|^2``.
"""

import numpy as np
import scipy.linalg

import gradtape as gt

from .table import Row, away_from

MATMUL_SHAPES = [((2, 3), (3, 4)), ((3,), (3, 4)), ((2, 3), (3,)), ((3,), (3,)), ((2, 2, 3), (3, 4)),
                 ((2, 3), (2, 3, 4)), ((0, 3), (3, 2))]

SQUARE = [((3, 3),), ((2, 3, 3),), ((1, 1),)]


def _is_square(shape):
    return len(shape) >= 2 and shape[-1] == shape[-2]


def well_conditioned(rng, shape):
    """Uniform in [-1, 1], plus ``n I`` on square matrices (diagonally dominant)."""
    a = rng.uniform(-1, 1, shape)
    if _is_square(shape):
        a = a + shape[-1] * np.eye(shape[-1])
    return a


def spd(rng, shape):
    """``X X^T + n I`` on square matrices (uniform elsewhere)."""
    if not _is_square(shape):
        return rng.uniform(-1, 1, shape)
    x = rng.uniform(-1, 1, shape)
    return x @ np.swapaxes(x, -1, -2) + shape[-1] * np.eye(shape[-1])


def distinct_spectrum(rng, shape):
    """``Q diag(3, 6, 9, ...) Q^T`` with a random orthogonal ``Q``: eigenvalues 3 apart."""
    n = shape[-1]
    q, _ = np.linalg.qr(rng.standard_normal(shape))
    e = 3.0 * np.arange(1, n + 1) - 1.5 * n
    return (q * e) @ np.swapaxes(q, -1, -2)


def distinct_singular(rng, shape):
    """``U diag(2, 4, 6, ...) V^T``: well separated, nonzero singular values."""
    m, n = shape[-2:]
    k = min(m, n)
    u, _ = np.linalg.qr(rng.standard_normal(shape[:-2] + (m, k)))
    v, _ = np.linalg.qr(rng.standard_normal(shape[:-2] + (n, k)))
    s = 2.0 * np.arange(k, 0, -1)
    return (u * s[..., None, :]) @ np.swapaxes(v, -1, -2)


def _H(a):
    return np.conj(np.swapaxes(a, -1, -2))


def _herm(a):
    """Hermitian part, on tensors."""
    return (a + gt.linalg.adjoint(a)) * 0.5


def _herm_np(a):
    return (a + _H(a)) / 2


# -- references for gauge-invariant functions of the decompositions ---------------------------
def _svd_fn(a):
    s, u, v = gt.linalg.svd(a)
    w = gt.cast(s * s, a.dtype)
    recon = gt.matmul(u * w[..., None, :], gt.linalg.adjoint(v))
    return s, recon, gt.matmul(u, gt.linalg.adjoint(u)), gt.matmul(v, gt.linalg.adjoint(v)), \
        gt.math.real(u * gt.math.conj(u)), gt.math.real(v * gt.math.conj(v))


def _svd_ref(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    v = _H(vh)
    return s, (u * (s * s)[..., None, :]) @ vh, u @ _H(u), v @ _H(v), np.abs(u) ** 2, np.abs(v) ** 2


def _svd_full_fn(a):
    s, u, v = gt.linalg.svd(a, full_matrices=True)
    return s, gt.matmul(u * gt.cast(gt.sqrt(s), a.dtype)[..., None, :], gt.linalg.adjoint(v))


def _svd_full_ref(a):
    u, s, vh = np.linalg.svd(a)
    return s, (u * np.sqrt(s)[..., None, :]) @ vh


def _eigh_fn(a):
    e, v = gt.linalg.eigh(_herm(a))
    first = v[..., :, :1]
    return e, gt.math.real(v * gt.math.conj(v)), gt.matmul(first, gt.linalg.adjoint(first))


def _eigh_ref(a):
    e, v = np.linalg.eigh(_herm_np(a))
    first = v[..., :, :1]
    return e, np.abs(v) ** 2, first @ _H(first)


def _qr_ref(full=False):
    return lambda a: np.linalg.qr(a, mode="complete" if full else "reduced")


def _lstsq_ref(a, b, l2=0.0):
    n = a.shape[-1]
    return np.linalg.solve(_H(a) @ a + l2 * np.eye(n), _H(a) @ b)


def _band_ref(a, lo, up):
    i, j = np.indices(a.shape[-2:])
    keep = np.ones(a.shape[-2:], bool)
    if lo >= 0:
        keep &= i - j <= lo
    if up >= 0:
        keep &= j - i <= up
    return a * keep


def _expm_ref(a):
    a = np.asarray(a)
    if a.size == 0:
        return a
    flat = a.reshape((-1,) + a.shape[-2:])
    return np.stack([scipy.linalg.expm(x) for x in flat]).reshape(a.shape)


def _diag_ref(v, k=0):
    n = v.shape[-1] + abs(k)
    out = np.zeros(v.shape[:-1] + (n, n), v.dtype)
    for idx in np.ndindex(v.shape[:-1]):
        out[idx] = np.diag(v[idx], k)
    return out


def _set_diag_ref(a, d):
    out = a.copy()
    i = np.arange(d.shape[-1])
    out[..., i, i] = d
    return out


def _mnorm(a, ord):  # noqa: A002
    return np.linalg.norm(a, ord=ord, axis=(-2, -1))


ROWS = [
    # -- products and structure -----------------------------------------------------------------
    Row("matmul", gt.matmul, np.matmul, MATMUL_SHAPES),
    Row("matmul_operator", lambda a, b: a @ b, np.matmul, [((2, 3), (3, 4))]),
    Row("matmul_transpose_a_b", lambda a, b: gt.matmul(a, b, transpose_a=True, transpose_b=True),
        lambda a, b: a.T @ b.T, [((3, 2), (4, 3))]),
    Row("matmul_complex", lambda a, b: gt.matmul(a, b, adjoint_b=True), lambda a, b: a @ np.conj(b.T),
        [((2, 3), (4, 3))], complex=True),
    Row("matmul_complex_batched", gt.matmul, np.matmul, [((2, 2, 3), (3, 2))], complex=True),
    Row("matvec", gt.linalg.matvec, lambda a, b: a @ b, [((2, 3), (3,))]),
    Row("matvec_batched", gt.linalg.matvec, lambda a, b: np.einsum("bij,bj->bi", a, b),
        [((2, 4, 3), (2, 3))]),
    Row("matrix_transpose", gt.linalg.matrix_transpose, lambda a: np.swapaxes(a, -1, -2),
        [((2, 3),), ((2, 3, 4),)]),
    Row("adjoint_complex", gt.linalg.adjoint, _H, [((2, 3),), ((2, 3, 4),)], complex=True),
    Row("trace", gt.linalg.trace, lambda a: np.trace(a, axis1=-2, axis2=-1), [((3, 3),), ((2, 3, 4),)]),
    Row("diag_part", gt.linalg.diag_part, lambda a: np.diagonal(a, axis1=-2, axis2=-1),
        [((3, 3),), ((2, 3, 4),), ((2, 4, 3),)]),
    Row("diag_part_k1", lambda a: gt.linalg.diag_part(a, k=1), lambda a: np.diagonal(a, 1, -2, -1),
        [((3, 4),)]),
    Row("diag", gt.linalg.diag, _diag_ref, [((3,),), ((2, 3),), ((0,),)]),
    Row("diag_k_minus1", lambda v: gt.linalg.diag(v, k=-1), lambda v: _diag_ref(v, -1), [((3,),)]),
    Row("set_diag", gt.linalg.set_diag,
        _set_diag_ref,
        [((3, 3), (3,)), ((2, 3, 4), (2, 3))]),
    Row("band_part", lambda a: gt.linalg.band_part(a, 1, 0), lambda a: _band_ref(a, 1, 0),
        [((3, 4),), ((2, 4, 4),)]),
    Row("band_part_upper", lambda a: gt.linalg.band_part(a, 0, -1), lambda a: _band_ref(a, 0, -1),
        [((4, 3),)], complex=True),

    # -- inverse, determinants ------------------------------------------------------------------
    Row("inv", gt.linalg.inv, np.linalg.inv, SQUARE + [((0, 0),)], domain=well_conditioned),
    Row("inv_adjoint", lambda a: gt.linalg.inv(a, adjoint=True), lambda a: np.linalg.inv(_H(a)),
        [((3, 3),)], domain=well_conditioned),
    Row("inv_complex", gt.linalg.inv, np.linalg.inv, [((3, 3),), ((2, 2, 2),)], domain=well_conditioned,
        complex=True),
    Row("inv_complex_adjoint", lambda a: gt.linalg.inv(a, adjoint=True), lambda a: np.linalg.inv(_H(a)),
        [((3, 3),)], domain=well_conditioned, complex=True),
    Row("det", gt.linalg.det, np.linalg.det, SQUARE, domain=well_conditioned),
    Row("det_complex", gt.linalg.det, np.linalg.det, [((3, 3),), ((2, 2, 2),)], domain=well_conditioned,
        complex=True),
    Row("slogdet", gt.linalg.slogdet, lambda a: tuple(np.linalg.slogdet(a)), SQUARE,
        domain=well_conditioned),
    Row("slogdet_complex", gt.linalg.slogdet, lambda a: tuple(np.linalg.slogdet(a)),
        [((3, 3),), ((2, 2, 2),)], domain=well_conditioned, complex=True),
    Row("logdet", lambda a: gt.linalg.logdet(_herm(a)), lambda a: np.linalg.slogdet(_herm_np(a))[1],
        SQUARE, domain=spd),
    Row("logdet_complex", lambda a: gt.linalg.logdet(_herm(a)), lambda a: np.linalg.slogdet(_herm_np(a))[1],
        [((3, 3),)], domain=spd, complex=True),

    # -- solvers --------------------------------------------------------------------------------
    Row("solve", gt.linalg.solve, np.linalg.solve,
        [((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 1)), ((2, 3, 3), (3, 2)), ((3, 3), (2, 3, 2)),
         ((2, 2), (2, 0))],
        domain=well_conditioned),
    Row("solve_adjoint", lambda a, b: gt.linalg.solve(a, b, adjoint=True),
        lambda a, b: np.linalg.solve(_H(a), b), [((3, 3), (3, 2))], domain=well_conditioned),
    Row("solve_complex", gt.linalg.solve, np.linalg.solve, [((3, 3), (3, 2)), ((2, 2, 2), (2, 2, 3))],
        domain=well_conditioned, complex=True),
    Row("solve_complex_adjoint", lambda a, b: gt.linalg.solve(a, b, adjoint=True),
        lambda a, b: np.linalg.solve(_H(a), b), [((3, 3), (3, 2))], domain=well_conditioned, complex=True),
    Row("triangular_solve", gt.linalg.triangular_solve,
        lambda a, b: scipy.linalg.solve_triangular(a, b, lower=True),
        [((3, 3), (3, 2))], domain=well_conditioned),
    Row("triangular_solve_batched", gt.linalg.triangular_solve,
        lambda a, b: np.linalg.solve(np.tril(a), b), [((2, 3, 3), (2, 3, 2)), ((2, 3, 3), (3, 1))],
        domain=well_conditioned),
    Row("triangular_solve_upper", lambda a, b: gt.linalg.triangular_solve(a, b, lower=False),
        lambda a, b: scipy.linalg.solve_triangular(a, b, lower=False), [((3, 3), (3, 2))],
        domain=well_conditioned),
    Row("triangular_solve_adjoint", lambda a, b: gt.linalg.triangular_solve(a, b, adjoint=True),
        lambda a, b: np.linalg.solve(_H(np.tril(a)), b), [((3, 3), (3, 2))], domain=well_conditioned),
    Row("triangular_solve_upper_adjoint_complex",
        lambda a, b: gt.linalg.triangular_solve(a, b, lower=False, adjoint=True),
        lambda a, b: np.linalg.solve(_H(np.triu(a)), b), [((3, 3), (3, 2))], domain=well_conditioned,
        complex=True),
    Row("cholesky", lambda a: gt.linalg.cholesky(_herm(a)), lambda a: np.linalg.cholesky(_herm_np(a)),
        SQUARE, domain=spd),
    Row("cholesky_complex", lambda a: gt.linalg.cholesky(_herm(a)), lambda a: np.linalg.cholesky(_herm_np(a)),
        [((3, 3),), ((2, 2, 2),)], domain=spd, complex=True),
    Row("cholesky_solve", lambda a, b: gt.linalg.cholesky_solve(gt.linalg.cholesky(_herm(a)), b),
        lambda a, b: np.linalg.solve(_herm_np(a), b), [((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 1))], domain=spd),
    Row("lstsq_tall", gt.linalg.lstsq, _lstsq_ref, [((4, 3), (4, 2)), ((2, 4, 3), (2, 4, 1))]),
    Row("lstsq_wide", gt.linalg.lstsq, lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0], [((3, 4), (3, 2))]),
    Row("lstsq_l2", lambda a, b: gt.linalg.lstsq(a, b, l2_regularizer=0.5),
        lambda a, b: _lstsq_ref(a, b, 0.5), [((4, 3), (4, 2))]),
    Row("lstsq_complex", gt.linalg.lstsq, _lstsq_ref, [((4, 3), (4, 2))], complex=True),
    Row("lstsq_slow", lambda a, b: gt.linalg.lstsq(a, b, fast=False),
        lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0], [((4, 3), (4, 2)), ((3, 4), (3, 2))]),
    Row("pinv", gt.linalg.pinv, np.linalg.pinv, [((3, 3),), ((4, 3),), ((3, 4),), ((2, 4, 3),)],
        domain=distinct_singular),
    Row("pinv_complex", gt.linalg.pinv, np.linalg.pinv, [((4, 3),), ((3, 4),)], domain=distinct_singular,
        complex=True),

    # -- decompositions -------------------------------------------------------------------------
    Row("qr", gt.linalg.qr, _qr_ref(), [((3, 3),), ((4, 3),), ((3, 5),), ((2, 4, 3),), ((2, 3, 4),)]),
    Row("qr_full_square", lambda a: gt.linalg.qr(a, full_matrices=True), _qr_ref(True), [((3, 3),)]),
    Row("qr_full_wide", lambda a: gt.linalg.qr(a, full_matrices=True), _qr_ref(True), [((2, 4),)]),
    Row("qr_complex", gt.linalg.qr, _qr_ref(), [((3, 3),), ((4, 3),), ((3, 5),)], complex=True),
    Row("svd", _svd_fn, _svd_ref, [((3, 3),), ((4, 3),), ((3, 4),), ((2, 4, 3),), ((2, 2, 3),)],
        domain=distinct_singular),
    Row("svd_complex", _svd_fn, _svd_ref, [((3, 3),), ((4, 3),), ((3, 4),)], domain=distinct_singular,
        complex=True),
    Row("svd_full_square", _svd_full_fn, _svd_full_ref, [((3, 3),)], domain=distinct_singular),
    Row("svd_values", lambda a: gt.linalg.svd(a, compute_uv=False),
        lambda a: np.linalg.svd(a, compute_uv=False), [((3, 3),), ((4, 2),), ((2, 2, 3),)],
        domain=distinct_singular),
    Row("svd_values_complex", lambda a: gt.linalg.svd(a, compute_uv=False),
        lambda a: np.linalg.svd(a, compute_uv=False), [((3, 4),)], domain=distinct_singular, complex=True),
    Row("eigh", _eigh_fn, _eigh_ref, [((3, 3),), ((2, 4, 4),), ((1, 1),)], domain=distinct_spectrum),
    Row("eigh_complex", _eigh_fn, _eigh_ref, [((3, 3),), ((2, 2, 2),)], domain=distinct_spectrum,
        complex=True),
    Row("eigvalsh", lambda a: gt.linalg.eigvalsh(_herm(a)), lambda a: np.linalg.eigvalsh(_herm_np(a)),
        [((3, 3),)], domain=distinct_spectrum),
    Row("expm", gt.linalg.expm, _expm_ref, SQUARE + [((0, 0),)], domain=(-1.0, 1.0)),
    # entries with |a| >= 2: the 1-norm exceeds Pade's threshold, so scaling and squaring is used
    Row("expm_scaled", gt.linalg.expm, _expm_ref, [((3, 3),)], domain=away_from([0.0], -4, 4, gap=2)),
    Row("expm_complex", gt.linalg.expm, _expm_ref, [((2, 2),), ((2, 3, 3),)], domain=(-1.0, 1.0),
        complex=True),

    # -- norms ----------------------------------------------------------------------------------
    Row("norm", gt.linalg.norm, lambda a: np.linalg.norm(np.ravel(a)), [((4,),), ((2, 3),), ((2, 2, 3),)]),
    Row("norm_axis", lambda a: gt.linalg.norm(a, axis=-1), lambda a: np.linalg.norm(a, axis=-1), [((2, 3),)]),
    Row("norm_keepdims", lambda a: gt.linalg.norm(a, axis=0, keepdims=True),
        lambda a: np.linalg.norm(a, axis=0, keepdims=True), [((2, 3),)]),
    Row("norm_complex", lambda a: gt.linalg.norm(a, axis=1), lambda a: np.linalg.norm(a, axis=1), [((2, 3),)],
        complex=True),
    Row("norm_ord1", lambda a: gt.linalg.norm(a, ord=1, axis=-1), lambda a: np.linalg.norm(a, 1, axis=-1),
        [((2, 3),)], domain=away_from([0.0], -2, 2)),
    Row("norm_inf", lambda a: gt.linalg.norm(a, ord=np.inf), lambda a: np.max(np.abs(a)), [((5,),)],
        domain=away_from([0.0], -2, 2)),
    Row("norm_p3", lambda a: gt.linalg.norm(a, ord=3, axis=-1), lambda a: np.linalg.norm(a, 3, axis=-1),
        [((2, 4),)], domain=away_from([0.0], -2, 2)),
    Row("norm_fro", lambda a: gt.linalg.norm(a, ord="fro", axis=(-2, -1)), lambda a: _mnorm(a, "fro"),
        [((3, 4),), ((2, 3, 4),)]),
    Row("norm_matrix_1", lambda a: gt.linalg.norm(a, ord=1, axis=(-2, -1)), lambda a: _mnorm(a, 1),
        [((3, 4),), ((2, 3, 4),)], domain=away_from([0.0], -2, 2)),
    Row("norm_matrix_inf", lambda a: gt.linalg.norm(a, ord=np.inf, axis=(-2, -1)),
        lambda a: _mnorm(a, np.inf), [((3, 4),)], domain=away_from([0.0], -2, 2)),
    Row("norm_matrix_2", lambda a: gt.linalg.norm(a, ord=2, axis=(-2, -1)), lambda a: _mnorm(a, 2),
        [((3, 4),), ((2, 3, 3),)], domain=distinct_singular),
    Row("norm_matrix_2_axes_0_2", lambda a: gt.linalg.norm(a, ord=2, axis=(2, 0), keepdims=True),
        lambda a: np.linalg.norm(a, ord=2, axis=(2, 0), keepdims=True), [((3, 2, 4),)]),
]
