"""Table rows: LU, the general eigendecomposition and structured linear algebra
(gradtape/ops/linalg_factor.py and gradtape/ops/linalg_structured.py).

Domains keep the systems well conditioned and the pivoting unambiguous: LU inputs are
diagonally dominant matrices with their rows shuffled (so the factorization pivots, on entries
far larger than the others), tridiagonal and banded systems get a constant added to their
diagonal inside the row's function (which moves the point, not the derivative), and ``eig``
inputs have well separated eigenvalues. Eigenvectors are checked through phase-invariant
functions (``|v|^2``, ``v v^H``, ``V diag(e^2) V^-1``).
"""

import numpy as np
import scipy.linalg

import gradtape as gt

from .table import Row, away_from


def _is_square(shape):
    return len(shape) >= 2 and shape[-1] == shape[-2]


def _H(a):
    return np.conj(np.swapaxes(a, -1, -2))


# -- LU ------------------------------------------------------------------------------------------
def permuted_dominant(rng, shape):
    """Square matrices: ``uniform(-1, 1) + 2n I`` with shuffled rows (uniform elsewhere)."""
    a = rng.uniform(-1, 1, shape)
    if not _is_square(shape):
        return a
    n = shape[-1]
    a = a + 2 * n * np.eye(n)
    flat = a.reshape((-1, n, n))
    return np.stack([m[rng.permutation(n)] for m in flat]).reshape(shape)


def well_conditioned(rng, shape):
    a = rng.uniform(-1, 1, shape)
    if _is_square(shape):
        a = a + shape[-1] * np.eye(shape[-1])
    return a


def _lu_ref(a):
    a = np.asarray(a)
    n = a.shape[-1]
    lus, perms = [], []
    for m in a.reshape((-1, n, n)):
        lu, piv = scipy.linalg.lu_factor(m)
        perm = np.arange(n)
        for i, j in enumerate(piv):
            perm[i], perm[j] = perm[j], perm[i]
        lus.append(lu)
        perms.append(perm)
    return np.stack(lus).reshape(a.shape), np.stack(perms).reshape(a.shape[:-1])


def _perm_for(shape):
    """A fixed permutation per matrix of a batch of shape ``shape``."""
    n = shape[-1]
    batch = tuple(shape[:-2])
    rows = [np.roll(np.arange(n)[::-1], k) for k in range(max(1, int(np.prod(batch))))]
    return np.stack(rows).reshape(batch + (n,)).astype(np.int32)


def _reconstruct_ref(lu, perm):
    n = lu.shape[-1]
    x = (np.tril(lu, -1) + np.eye(n)) @ np.triu(lu)
    out = np.empty_like(x)
    np.put_along_axis(out, np.asarray(perm)[..., None].astype(np.intp), x, axis=-2)
    return out


def _lu_solve_fixed(x, b):
    return gt.linalg.lu_solve(x, _perm_for(x.shape), b)


def _lu_solve_fixed_ref(x, b):
    return np.linalg.solve(_reconstruct_ref(x, _perm_for(x.shape)), b)


# -- eig -----------------------------------------------------------------------------------------
def separated_spectrum(rng, shape):
    """``diag(8, 16, 24, ...)`` plus a small non-symmetric perturbation: distinct real eigenvalues."""
    n = shape[-1]
    return rng.uniform(-0.3, 0.3, shape) + np.diag(8.0 * np.arange(1, n + 1))


def rotation_blocks(rng, shape):
    """Real matrices with complex conjugate pairs of eigenvalues ``4k +- 3i`` (and ``4k`` for odd n)."""
    n = shape[-1]
    a = np.zeros((n, n))
    for k in range(0, n - 1, 2):
        a[k:k + 2, k:k + 2] = [[4.0 * (k + 1), -3.0], [3.0, 4.0 * (k + 1)]]
    if n % 2:
        a[-1, -1] = 4.0 * n
    return a + rng.uniform(-0.3, 0.3, shape)


def _np_eig(a):
    """``np.linalg.eig`` with the pairs in Eigen's order (TensorFlow's): a selection sort by
    increasing modulus, swapping the first smallest of the rest into place."""
    e, v = np.linalg.eig(a)
    e, v = e.copy(), v.copy()
    n = e.shape[-1]
    for idx in np.ndindex(e.shape[:-1]):
        for i in range(n):
            k = i + int(np.argmin(np.abs(e[idx][i:])))
            e[idx][[i, k]] = e[idx][[k, i]]
            v[idx][:, [i, k]] = v[idx][:, [k, i]]
    return e, v


def _eig_fn(a):
    e, v = gt.linalg.eig(a)
    first = v[..., :, :1]
    return e, gt.math.real(v * gt.math.conj(v)), gt.matmul(first, gt.linalg.adjoint(first))


def _eig_ref(a):
    e, v = _np_eig(a)
    first = v[..., :, :1]
    return e, np.abs(v) ** 2, first @ _H(first)


def _eig_square_fn(a):
    e, v = gt.linalg.eig(a)
    return gt.matmul(v * (e * e)[..., None, :], gt.linalg.inv(v))


# -- tridiagonal -----------------------------------------------------------------------------------
_DOMINANT = np.array([[0.0], [4.0], [0.0]])  # added to the diagonal: a diagonally dominant system
_PIVOTING = (np.array([[1.0], [0.1], [1.0]]), np.array([[3.0], [0.0], [-3.0]]))  # small diagonal


def _pivoting(d):
    return d * _PIVOTING[0] + _PIVOTING[1]


def _tri_dense(d):
    """The dense matrices of compact diagonals ``[..., 3, M]``."""
    n = d.shape[-1]
    i = np.arange(n)
    out = np.zeros(d.shape[:-2] + (n, n), d.dtype)
    out[..., i, i] = d[..., 1, :]
    out[..., i[:-1], i[1:]] = d[..., 0, :-1]
    out[..., i[1:], i[:-1]] = d[..., 2, 1:]
    return out


def _tri_solve_ref(d, b):
    a = _tri_dense(d)
    if b.ndim == d.ndim - 1:
        return np.linalg.solve(a, b[..., None])[..., 0]
    return np.linalg.solve(a, b)


def _tri_part(a):
    n = a.shape[-1]
    i, j = np.indices((n, n))
    return a * (np.abs(i - j) <= 1)


def _seq_to_compact(sup, main, sub):
    n = main.shape[-1]
    if sup.shape[-1] != n:
        sup = np.concatenate([sup, np.zeros(sup.shape[:-1] + (1,))], axis=-1)
    if sub.shape[-1] != n:
        sub = np.concatenate([np.zeros(sub.shape[:-1] + (1,)), sub], axis=-1)
    return np.stack([sup, main, sub], axis=-2)


# -- banded ----------------------------------------------------------------------------------------
def _band_shift(shape, lower):
    """3 on the row of ``bands`` that holds the diagonal."""
    s = np.zeros((shape[-2], 1))
    s[0 if lower else -1] = 3.0
    return s


def _band_dense(bd, lower):
    k, n = bd.shape[-2:]
    out = np.zeros(bd.shape[:-2] + (n, n), bd.dtype)
    for r in range(k):
        j = r if lower else k - 1 - r
        if j >= n:
            continue
        i = np.arange(j, n) if lower else np.arange(n - j)
        if lower:
            out[..., i, i - j] = bd[..., r, j:]
        else:
            out[..., i, i + j] = bd[..., r, :n - j]
    return out


def _banded(lower=True, adjoint=False):
    def fn(bd, b):
        return gt.linalg.banded_triangular_solve(bd + _band_shift(bd.shape, lower), b, lower=lower,
                                                 adjoint=adjoint)

    def ref(bd, b):
        a = _band_dense(bd + _band_shift(bd.shape, lower), lower)
        return np.linalg.solve(_H(a) if adjoint else a, b)

    return fn, ref


def _tensor_diag_ref(x):
    return np.diag(np.ravel(x)).reshape(x.shape + x.shape)


def _tensor_diag_part_ref(x):
    k = x.ndim // 2
    n = int(np.prod(x.shape[:k]))
    return np.diagonal(x.reshape(n, n)).reshape(x.shape[:k])


def _normalize_ref(ord=None, axis=None):  # noqa: A002
    def ref(x):
        if axis is None:
            n = np.linalg.norm(np.ravel(x)).reshape((1,) * x.ndim)
        else:
            n = np.linalg.norm(x, ord=ord, axis=axis, keepdims=True)
        return x / n, n.astype(x.dtype)
    return ref


ROWS = [
    # -- LU --------------------------------------------------------------------------------------------
    Row("lu", gt.linalg.lu, _lu_ref, [((3, 3),), ((2, 3, 3),), ((1, 1),)], domain=permuted_dominant),
    Row("lu_complex", gt.linalg.lu, _lu_ref, [((3, 3),)], domain=permuted_dominant, complex=True),
    Row("lu_reconstruct", lambda a: gt.linalg.lu_reconstruct(*gt.linalg.lu(a)), lambda a: a,
        [((3, 3),), ((2, 3, 3),)], domain=permuted_dominant),
    Row("lu_reconstruct_fixed_perm", lambda x: gt.linalg.lu_reconstruct(x, _perm_for(x.shape)),
        lambda x: _reconstruct_ref(x, _perm_for(x.shape)), [((3, 3),), ((2, 3, 3),)]),
    Row("lu_solve", lambda a, b: gt.linalg.lu_solve(*gt.linalg.lu(a), b), np.linalg.solve,
        [((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 1))], domain=permuted_dominant),
    Row("lu_solve_broadcast", lambda a, b: gt.linalg.lu_solve(*gt.linalg.lu(a), b), np.linalg.solve,
        [((2, 3, 3), (3, 2))], domain=permuted_dominant),
    Row("lu_solve_fixed_perm", _lu_solve_fixed, _lu_solve_fixed_ref, [((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 1))],
        domain=well_conditioned),
    Row("lu_solve_complex", lambda a, b: gt.linalg.lu_solve(*gt.linalg.lu(a), b), np.linalg.solve,
        [((3, 3), (3, 2))], domain=permuted_dominant, complex=True),
    Row("lu_matrix_inverse", lambda a: gt.linalg.lu_matrix_inverse(*gt.linalg.lu(a)), np.linalg.inv,
        [((3, 3),), ((2, 3, 3),)], domain=permuted_dominant),
    Row("lu_matrix_inverse_fixed_perm", lambda x: gt.linalg.lu_matrix_inverse(x, _perm_for(x.shape)),
        lambda x: np.linalg.inv(_reconstruct_ref(x, _perm_for(x.shape))), [((3, 3),)], domain=well_conditioned),

    # -- eig -------------------------------------------------------------------------------------------
    Row("eig", _eig_fn, _eig_ref, [((3, 3),), ((2, 3, 3),), ((1, 1),)], domain=separated_spectrum),
    Row("eig_complex", _eig_fn, _eig_ref, [((3, 3),)], domain=separated_spectrum, complex=True),
    Row("eig_complex_pairs", _eig_fn, _eig_ref, [((3, 3),), ((2, 4, 4),)], domain=rotation_blocks),
    Row("eig_reconstruct", _eig_square_fn, lambda a: (a @ a).astype(complex), [((3, 3),), ((4, 4),)],
        domain=rotation_blocks),
    Row("eigvals", gt.linalg.eigvals, lambda a: _np_eig(a)[0], [((3, 3),), ((2, 4, 4),)],
        domain=rotation_blocks),
    Row("eigvals_complex", gt.linalg.eigvals, lambda a: _np_eig(a)[0], [((3, 3),)],
        domain=separated_spectrum, complex=True),

    # -- tridiagonal -----------------------------------------------------------------------------------
    Row("tridiagonal_solve", lambda d, b: gt.linalg.tridiagonal_solve(d + _DOMINANT, b),
        lambda d, b: _tri_solve_ref(d + _DOMINANT, b),
        [((3, 4), (4, 2)), ((2, 3, 4), (2, 4, 3)), ((3, 1), (1, 1)), ((3, 4), (4,)), ((2, 3, 5), (2, 5))]),
    Row("tridiagonal_solve_no_pivoting",
        lambda d, b: gt.linalg.tridiagonal_solve(d + _DOMINANT, b, partial_pivoting=False),
        lambda d, b: _tri_solve_ref(d + _DOMINANT, b), [((3, 4), (4, 2)), ((2, 3, 3), (2, 3))]),
    Row("tridiagonal_solve_pivoting", lambda d, b: gt.linalg.tridiagonal_solve(_pivoting(d), b),
        lambda d, b: _tri_solve_ref(_pivoting(d), b), [((3, 4), (4, 2)), ((2, 3, 4), (2, 4, 1))]),
    Row("tridiagonal_solve_perturb_singular",
        lambda d, b: gt.linalg.tridiagonal_solve(_pivoting(d), b, perturb_singular=True),
        lambda d, b: _tri_solve_ref(_pivoting(d), b), [((3, 4), (4, 2)), ((2, 3, 4), (2, 4))]),
    Row("tridiagonal_solve_sequence",
        lambda sup, main, sub, b: gt.linalg.tridiagonal_solve([sup, main + 4.0, sub], b, diagonals_format="sequence"),
        lambda sup, main, sub, b: _tri_solve_ref(_seq_to_compact(sup, main + 4.0, sub), b),
        [((3,), (4,), (3,), (4, 2)), ((2, 4), (2, 4), (2, 4), (2, 4, 1))]),
    Row("tridiagonal_solve_matrix",
        lambda a, b: gt.linalg.tridiagonal_solve(a + 4.0 * np.eye(a.shape[-1]), b, diagonals_format="matrix"),
        lambda a, b: np.linalg.solve(_tri_part(a + 4.0 * np.eye(a.shape[-1])), b),
        [((4, 4), (4, 2)), ((2, 3, 3), (2, 3, 1))]),
    Row("tridiagonal_solve_transpose_rhs",
        lambda d, b: gt.linalg.tridiagonal_solve(d + _DOMINANT, b, transpose_rhs=True),
        lambda d, b: _tri_solve_ref(d + _DOMINANT, np.swapaxes(b, -1, -2)), [((3, 4), (2, 4))]),
    Row("tridiagonal_solve_complex",
        lambda d, b: gt.linalg.tridiagonal_solve(d + _DOMINANT, b, transpose_rhs=True, conjugate_rhs=True),
        lambda d, b: _tri_solve_ref(d + _DOMINANT, _H(b)), [((3, 4), (2, 4))], complex=True),
    Row("tridiagonal_solve_complex_pivoting", lambda d, b: gt.linalg.tridiagonal_solve(_pivoting(d), b),
        lambda d, b: _tri_solve_ref(_pivoting(d), b), [((3, 4), (4, 2))], complex=True),
    Row("tridiagonal_matmul", gt.linalg.tridiagonal_matmul, lambda d, b: _tri_dense(d) @ b,
        [((3, 4), (4, 2)), ((2, 3, 4), (2, 4, 3)), ((3, 1), (1, 2))]),
    Row("tridiagonal_matmul_sequence",
        lambda sup, main, sub, b: gt.linalg.tridiagonal_matmul([sup, main, sub], b, diagonals_format="sequence"),
        lambda sup, main, sub, b: _tri_dense(_seq_to_compact(sup, main, sub)) @ b,
        [((4,), (4,), (4,), (4, 2)), ((2, 3), (2, 3), (2, 3), (2, 3, 1))]),
    Row("tridiagonal_matmul_matrix", lambda a, b: gt.linalg.tridiagonal_matmul(a, b, diagonals_format="matrix"),
        lambda a, b: _tri_part(a) @ b, [((4, 4), (4, 2))]),
    Row("tridiagonal_matmul_complex", gt.linalg.tridiagonal_matmul, lambda d, b: _tri_dense(d) @ b,
        [((3, 4), (4, 2))], complex=True),

    # -- banded triangular -----------------------------------------------------------------------------
    Row("banded_triangular_solve", *_banded(),
        [((2, 3), (3, 1)), ((3, 4), (4, 2)), ((2, 2, 4), (2, 4, 1)), ((2, 4), (2, 4, 2)), ((5, 3), (3, 1))]),
    Row("banded_triangular_solve_upper", *_banded(lower=False), [((2, 4), (4, 2)), ((3, 3), (3, 1))]),
    Row("banded_triangular_solve_adjoint", *_banded(adjoint=True), [((2, 4), (4, 2))]),
    Row("banded_triangular_solve_upper_adjoint_complex", *_banded(lower=False, adjoint=True), [((3, 4), (4, 2))],
        complex=True),

    # -- small dense helpers ---------------------------------------------------------------------------
    Row("cross", gt.linalg.cross, np.cross, [((3,), (3,)), ((2, 4, 3), (2, 4, 3))]),
    Row("normalize", gt.linalg.normalize, _normalize_ref(), [((4,),), ((2, 3),)]),
    Row("normalize_axis", lambda x: gt.linalg.normalize(x, axis=-1), _normalize_ref(axis=-1), [((2, 3),)]),
    Row("normalize_ord1", lambda x: gt.linalg.normalize(x, ord=1, axis=0), _normalize_ref(1, 0), [((3, 2),)],
        domain=away_from([0.0], -2, 2)),
    Row("normalize_fro", lambda x: gt.linalg.normalize(x, ord="fro", axis=(-2, -1)), _normalize_ref("fro", (-2, -1)),
        [((2, 3, 4),)]),
    Row("normalize_complex", lambda x: gt.linalg.normalize(x, axis=-1), _normalize_ref(axis=-1), [((2, 3),)],
        complex=True),
    Row("tensor_diag", gt.linalg.tensor_diag, _tensor_diag_ref, [((3,),), ((2, 3),)]),
    Row("tensor_diag_part", gt.linalg.tensor_diag_part, _tensor_diag_part_ref, [((3, 3),), ((2, 3, 2, 3),)]),
]
