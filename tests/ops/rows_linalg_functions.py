"""Table rows: matrix functions and the tridiagonal eigenproblem (gradtape/ops/linalg_functions.py).

``sqrtm`` is checked on matrices whose spectra lie well inside the right half plane (symmetric
positive definite, or diagonally dominant with a large positive diagonal), where the principal
root is smooth and the Sylvester equation of its derivative is well conditioned.
``eigh_tridiagonal`` gets diagonals offset by ``4 k`` so that the eigenvalues stay well
separated; eigenvectors are checked through ``|v|^2``, which does not depend on their sign or
phase. ``logm`` has no gradient (as in TensorFlow) and no row; its forward values are tested in
tests/test_linalg_functions.py.
"""

import numpy as np
import scipy.linalg

import gradtape as gt

from .table import Row


def _is_square(shape):
    return len(shape) >= 2 and shape[-1] == shape[-2]


def spd(rng, shape):
    """``X X^T + n I`` on square matrices."""
    if not _is_square(shape):
        return rng.uniform(-1, 1, shape)
    x = rng.uniform(-1, 1, shape)
    return x @ np.swapaxes(x, -1, -2) + shape[-1] * np.eye(shape[-1])


def right_half_plane(rng, shape):
    """Uniform in [-1, 1] plus ``2 n I``: nonsymmetric, with eigenvalues of real part > 2
    (Gershgorin, also after the table adds an imaginary part in [-1, 1])."""
    return rng.uniform(-1, 1, shape) + 2 * shape[-1] * np.eye(shape[-1])


def _sqrtm_ref(a):
    a = np.asarray(a)
    if a.size == 0:
        return a
    flat = a.reshape((-1,) + a.shape[-2:])
    return np.stack([scipy.linalg.sqrtm(x) for x in flat]).reshape(a.shape)


# -- eigh_tridiagonal -------------------------------------------------------------------------
def _offset(n):
    return 4.0 * np.arange(n)


def _tri_fn(select="a", select_range=None, vectors=False):
    def fn(alpha, beta):
        n = alpha.shape[0]
        alpha = alpha + gt.cast(gt.constant(_offset(n)), alpha.dtype)
        out = gt.linalg.eigh_tridiagonal(alpha, beta, eigvals_only=not vectors, select=select,
                                         select_range=select_range)
        if not vectors:
            return out
        e, v = out
        return e, gt.math.real(v * gt.math.conj(v))
    return fn


def _tri_ref(select="a", select_range=None, vectors=False):
    def ref(alpha, beta):
        n = alpha.shape[0]
        t = np.diag(np.real(alpha) + _offset(n)).astype(np.result_type(alpha, beta))
        if n > 1:
            t = t + np.diag(beta, 1) + np.diag(np.conj(beta), -1)
        e, v = np.linalg.eigh(t)
        if select == "i":
            keep = slice(select_range[0], select_range[1] + 1)
        elif select == "v":
            idx = np.nonzero((e > select_range[0]) & (e <= select_range[1]))[0]
            keep = slice(idx[0], idx[-1] + 1)
        else:
            keep = slice(None)
        e, v = e[keep], v[:, keep]
        return (e, np.abs(v) ** 2) if vectors else e
    return ref


TRI_SHAPES = [((4,), (3,)), ((2,), (1,)), ((1,), (0,))]

ROWS = [
    Row("sqrtm", gt.linalg.sqrtm, _sqrtm_ref, [((3, 3),), ((2, 3, 3),), ((1, 1),), ((0, 0),)], domain=spd),
    Row("matrix_square_root", gt.matrix_square_root, _sqrtm_ref, [((3, 3),)], domain=spd),
    Row("sqrtm_nonsymmetric", gt.linalg.sqrtm, _sqrtm_ref, [((3, 3),), ((2, 2, 2),)],
        domain=right_half_plane),
    Row("sqrtm_complex", gt.linalg.sqrtm, _sqrtm_ref, [((3, 3),), ((2, 2, 2),)], domain=right_half_plane,
        complex=True),
    Row("eigh_tridiagonal", _tri_fn(), _tri_ref(), TRI_SHAPES, domain=(-0.5, 0.5)),
    Row("eigh_tridiagonal_vectors", _tri_fn(vectors=True), _tri_ref(vectors=True), TRI_SHAPES[:2],
        domain=(-0.5, 0.5)),
    Row("eigh_tridiagonal_select_i", _tri_fn("i", (1, 2), vectors=True), _tri_ref("i", (1, 2), vectors=True),
        [((4,), (3,))], domain=(-0.5, 0.5)),
    Row("eigh_tridiagonal_select_v", _tri_fn("v", (2.0, 10.0), vectors=True),
        _tri_ref("v", (2.0, 10.0), vectors=True), [((4,), (3,))], domain=(-0.5, 0.5)),
    Row("eigh_tridiagonal_complex", _tri_fn(vectors=True), _tri_ref(vectors=True), [((3,), (2,))],
        domain=(-0.5, 0.5), complex=True),
    Row("l2_normalize_linalg", lambda x: gt.linalg.l2_normalize(x, axis=-1),
        lambda x: x / np.linalg.norm(x, axis=-1, keepdims=True), [((2, 3),)], domain=(0.5, 2.0)),
]
