"""Matrix decompositions and the matrix exponential: ``qr``, ``svd``, ``eigh``, ``expm``.

The decompositions are multi-output primitives (``n_out=k``) returning TensorFlow's outputs
in TensorFlow's order: ``qr -> (q, r)``, ``svd -> (s, u, v)`` (``v``, not ``v^H``),
``eigh -> (e, v)`` with ascending eigenvalues.

Derivative rules (real and complex):

* ``qr``: the JVP is JAX's (Townsend's derivation) and the VJP TensorFlow's, including the
  complex corrections; tall and square matrices (``M >= N``) with ``full_matrices=False`` and
  wide ones (``M < N``). ``full_matrices=True`` with ``M > N`` has no gradient (as in
  TensorFlow and JAX: the extra columns of ``q`` are not unique).
* ``svd``: JAX's JVP and its exact adjoint as VJP (TensorFlow's formula, with the complex
  phase term put on ``u``). ``full_matrices=True`` has a gradient for square matrices only.
* ``eigh``: the standard rule (TensorFlow's VJP); like the forward, it reads the lower
  triangle only, so the gradient is lower triangular (TensorFlow's convention).

Singular vectors and eigenvectors are defined up to a sign (a phase for complex matrices);
their derivatives need distinct singular values / eigenvalues, and only gauge-invariant
functions of them (``u diag(f(s)) v^H``, projectors, ``|v|^2``) have meaningful gradients.
Exactly equal values get a zero in place of the infinite coupling term.

``expm`` is a scaling-and-squaring Pade [13/13] approximant (Higham 2005). Its derivative is
the Frechet derivative, read from the exponential of a block matrix:
``expm([[A, E], [0, A]]) = [[expm(A), L(A, E)], [0, expm(A)]]``; the VJP is ``L(A^H, G)``.
Both are written with ``expm`` itself, so they differentiate again.
"""

from __future__ import annotations

import numpy as np

from .._engine.primitive import bind, bind1, primitive
from .._engine.tensor import Tensor
from .linalg import (
    LinAlgError, _diag, _embed_diag, _expand, _imag_diag_part, _matrix, _mH, _np_adj, _real, _real_dtype,
    _safe_recip, _safe_recip_diffs, _tri_mask,
)


# -- QR --------------------------------------------------------------------------------------
def _qr_fwd(x, full_matrices):
    q, r = np.linalg.qr(x, mode="complete" if full_matrices else "reduced")
    return q, r


def _right_rinv(m, x, r):
    """``x R^-1`` for an upper triangular ``R``."""
    return _mH(m, m.matrix_triangular_solve(r, _mH(m, x), lower=False, adjoint=True))


def _right_rinvh(m, x, r):
    """``x R^-H`` for an upper triangular ``R``."""
    return _mH(m, m.matrix_triangular_solve(r, _mH(m, x), lower=False, adjoint=False))


def _qr_jvp_deep(m, q, r, da):
    n = r.shape[-1]
    dx_rinv = _right_rinv(m, da, r)
    qt = m.matmul(_mH(m, q), dx_rinv)
    low = qt * _tri_mask(n, True, qt.dtype, -1)
    do = low - _mH(m, low)
    if qt.dtype.kind == "c":
        do = do + _imag_diag_part(m, qt)
    dq = m.matmul(q, do - qt) + dx_rinv
    dr = m.matmul(qt - do, r)
    return dq, dr


def _qr_vjp_deep(m, q, r, gq, gr):
    n = r.shape[-1]
    qdq = m.matmul(_mH(m, q), gq)
    rdr = m.matmul(r, _mH(m, gr))
    low = (qdq - _mH(m, qdq) + rdr - _mH(m, rdr)) * _tri_mask(n, True, r.dtype)
    out = m.matmul(q, gr + _right_rinvh(m, low, r)) + _right_rinvh(m, gq - m.matmul(q, qdq), r)
    if r.dtype.kind == "c":
        corr = _imag_diag_part(m, rdr - _mH(m, qdq))
        out = out + _right_rinvh(m, m.matmul(q, _mH(m, corr)), r)
    return out


def _qr_check(x, full_matrices):
    rows, cols = x.shape[-2:]
    if full_matrices and rows > cols:
        raise NotImplementedError(
            "qr: no gradient for full_matrices=True with more rows than columns (the extra "
            "columns of q are not unique); use full_matrices=False")
    return rows, cols


def _qr_jvp(m, t, ans, x, full_matrices):
    q, r = ans
    rows, cols = _qr_check(x, full_matrices)
    if rows >= cols:
        return _qr_jvp_deep(m, q, r, t)
    dq, drx = _qr_jvp_deep(m, q, r[..., :, :rows], t[..., :, :rows])
    dry = m.matmul(_mH(m, dq), x[..., :, rows:]) + m.matmul(_mH(m, q), t[..., :, rows:])
    return dq, m.concat(drx, dry, axis=-1)


def _qr_vjp(m, g, ans, x, full_matrices):
    q, r = ans
    gq, gr = g
    rows, cols = _qr_check(x, full_matrices)
    if rows >= cols:
        return _qr_vjp_deep(m, q, r, gq, gr)
    y = x[..., :, rows:]
    dv = gr[..., :, rows:]
    dy = m.matmul(q, dv)
    dx = _qr_vjp_deep(m, q, r[..., :, :rows], gq + m.matmul(y, _mH(m, dv)), gr[..., :, :rows])
    return m.concat(dx, dy, axis=-1)


_qr = primitive("qr", _qr_fwd, vjp=(_qr_vjp,), jvp=(_qr_jvp,), n_out=2, save_args=(0,), save_out=True)


def qr(input, full_matrices: bool = False, name=None):  # noqa: A002 - TensorFlow's name
    """The QR decomposition ``input = q @ r`` of the innermost matrices: ``(q, r)``.

    ``q`` has orthonormal columns and ``r`` is upper triangular; ``full_matrices=True`` makes
    ``q`` square (``[..., M, M]``). Gradients: see the module notes.

    >>> import gradtape as gt
    >>> q, r = gt.linalg.qr(gt.constant([[3.0, 1.0], [4.0, 2.0], [0.0, 0.0]]))
    >>> q.shape, r.shape
    ((3, 2), (2, 2))
    >>> abs(r.numpy()).round(4)
    array([[5. , 2.2],
           [0. , 0.4]], dtype=float32)
    """
    x = _matrix(input, "qr", "input")
    return bind(_qr, x, full_matrices=bool(full_matrices))


# -- SVD -------------------------------------------------------------------------------------
def _svd_fwd(x, full_matrices):
    u, s, vh = np.linalg.svd(x, full_matrices=full_matrices)
    return s, u, _np_adj(vh)


def _svd_check(x, full_matrices):
    rows, cols = x.shape[-2:]
    if full_matrices and rows != cols:
        raise NotImplementedError(
            "svd: no gradient for full_matrices=True with a non-square matrix (the extra singular "
            "vectors are not unique); use full_matrices=False")
    return rows, cols


def _svd_vjp(m, g, ans, x, full_matrices):
    s, u, v = ans
    gs, gu, gv = g
    rows, cols = _svd_check(x, full_matrices)
    k = s.shape[-1]
    f = _safe_recip_diffs(m, s, squared=True)
    s_row, s_col = _expand(m, s, -2), _expand(m, s, -1)
    sinv_row = _expand(m, _safe_recip(m, s), -2)
    uh, vh = _mH(m, u), _mH(m, v)
    ju = m.matmul(uh, gu)
    jv = m.matmul(vh, gv)
    ku, kv = f * ju, f * jv
    gp = (ku + _mH(m, ku)) * s_row + s_col * (kv + _mH(m, kv)) + _embed_diag(m, gs)
    if x.dtype.kind == "c":
        gp = gp + _imag_diag_part(m, ju) * sinv_row
    ga = m.matmul(m.matmul(u, gp), vh)
    if rows > k:
        ga = ga + m.matmul((gu - m.matmul(u, ju)) * sinv_row, vh)
    if cols > k:
        ga = ga + m.matmul(u, _mH(m, (gv - m.matmul(v, jv)) * sinv_row))
    return ga


def _svd_jvp(m, t, ans, x, full_matrices):
    s, u, v = ans
    rows, cols = _svd_check(x, full_matrices)
    k = s.shape[-1]
    f = _safe_recip_diffs(m, s, squared=True)
    s_row, s_col = _expand(m, s, -2), _expand(m, s, -1)
    sinv_row = _expand(m, _safe_recip(m, s), -2)
    uh = _mH(m, u)
    dp = m.matmul(m.matmul(uh, t), v)
    ds = _real(m, _diag(m, dp))
    dss, sds = dp * s_row, s_col * dp
    du = f * (dss + _mH(m, dss))
    if x.dtype.kind == "c":
        du = du + _imag_diag_part(m, dp) * sinv_row
    du = m.matmul(u, du)
    dv = m.matmul(v, f * (sds + _mH(m, sds)))
    if rows > k:
        du = du + (m.matmul(t, v) - m.matmul(u, dp)) * sinv_row
    if cols > k:
        dv = dv + (m.matmul(_mH(m, t), u) - m.matmul(v, _mH(m, dp))) * sinv_row
    return ds, du, dv


_svd = primitive("svd", _svd_fwd, vjp=(_svd_vjp,), jvp=(_svd_jvp,), n_out=3, save_args=(), save_out=True)


def svd(tensor, full_matrices: bool = False, compute_uv: bool = True, name=None):
    """Singular value decomposition ``tensor = u @ diag(s) @ adjoint(v)``, as ``tf.linalg.svd``.

    Returns ``(s, u, v)`` (note: ``v``, not ``v^H``; NumPy returns ``u, s, vh``), or ``s``
    alone when ``compute_uv=False``. ``s`` is real and in descending order. Gradients of ``u``
    and ``v`` need distinct singular values; see the module notes.

    >>> import gradtape as gt
    >>> s, u, v = gt.linalg.svd(gt.constant([[3.0, 0.0], [0.0, -4.0]]))
    >>> s.numpy()
    array([4., 3.], dtype=float32)
    >>> gt.linalg.svd(gt.constant([[3.0, 0.0], [0.0, -4.0]]), compute_uv=False).numpy()
    array([4., 3.], dtype=float32)
    """
    x = _matrix(tensor, "svd", "tensor")
    if not compute_uv:
        return bind(_svd, x, full_matrices=False)[0]
    return bind(_svd, x, full_matrices=bool(full_matrices))


# -- Hermitian eigendecomposition ------------------------------------------------------------
def _eigh_fwd(x):
    w, v = np.linalg.eigh(x)
    return w, v


def _half_lower(n, dtype):
    """Strict lower triangle plus half the diagonal."""
    return _tri_mask(n, True, dtype, -1) + 0.5 * np.eye(n, dtype=_real_dtype(dtype))


def _eigh_vjp(m, g, ans, x):
    w, v = ans
    gw, gv = g
    f = _safe_recip_diffs(m, w)
    inner = _embed_diag(m, gw) + f * m.matmul(_mH(m, v), gv)
    gm = m.matmul(m.matmul(v, inner), _mH(m, v))
    return (gm + _mH(m, gm)) * _half_lower(v.shape[-1], v.dtype)


def _eigh_jvp(m, t, ans, x):
    w, v = ans
    p = t * _half_lower(v.shape[-1], v.dtype)
    vsv = m.matmul(m.matmul(_mH(m, v), p + _mH(m, p)), v)
    return _real(m, _diag(m, vsv)), m.matmul(v, _safe_recip_diffs(m, w) * vsv)


_eigh = primitive("self_adjoint_eig", _eigh_fwd, vjp=(_eigh_vjp,), jvp=(_eigh_jvp,), n_out=2,
                  save_args=(), save_out=True)


def eigh(tensor, name=None):
    """Eigen-decomposition of Hermitian matrices: ``(e, v)``, eigenvalues ascending, with
    ``tensor = v @ diag(e) @ adjoint(v)``. Only the lower triangle of ``tensor`` is read. ``e``
    is real, also for complex matrices (TensorFlow returns it in the complex dtype, with a zero
    imaginary part).

    Eigenvector gradients need distinct eigenvalues; see the module notes.

    >>> import gradtape as gt
    >>> e, v = gt.linalg.eigh(gt.constant([[2.0, 1.0], [1.0, 2.0]]))
    >>> e.numpy()
    array([1., 3.], dtype=float32)
    """
    x = _matrix(tensor, "eigh", "tensor", square=True)
    return bind1(_eigh, x)


def eigvalsh(tensor, name=None) -> Tensor:
    """The eigenvalues of Hermitian matrices, ascending (``eigh(tensor)[0]``; real, see :func:`eigh`).

    >>> import gradtape as gt
    >>> gt.linalg.eigvalsh(gt.constant([[2.0, 0.0], [0.0, 1.0]])).numpy()
    array([1., 2.], dtype=float32)
    """
    x = _matrix(tensor, "eigvalsh", "tensor", square=True)
    return bind(_eigh, x)[0]


# -- matrix exponential ----------------------------------------------------------------------
_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
           129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
           40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152


def _expm_one(a):
    n = a.shape[-1]
    norm = np.max(np.sum(np.abs(a), axis=0)) if n else 0.0
    if not np.isfinite(norm):
        return np.full_like(a, np.nan)
    s = int(max(0, np.ceil(np.log2(norm / _THETA13)))) if norm > _THETA13 else 0
    a = a / 2.0 ** s
    b = _PADE13
    ident = np.eye(n, dtype=a.dtype)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * ident)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * ident
    r = np.linalg.solve(v - u, v + u)
    for _ in range(s):
        r = r @ r
    return r


def _expm_fwd(x):
    if x.size == 0:
        return x.copy()
    wide = np.complex128 if x.dtype.kind == "c" else np.float64
    flat = np.asarray(x, dtype=wide).reshape((-1,) + x.shape[-2:])
    out = np.empty_like(flat)
    for i in range(flat.shape[0]):
        out[i] = _expm_one(flat[i])
    return out.reshape(x.shape).astype(x.dtype, copy=False)


def _frechet(m, a, e):
    """``L(a, e)``: the derivative of ``expm`` at ``a`` in direction ``e`` (``e`` may carry
    leading batch axes)."""
    n = a.shape[-1]
    shape = tuple(e.shape)
    if tuple(a.shape) != shape:
        a = m.broadcast_to(a, shape=shape)
    z = np.zeros(shape, dtype=e.dtype)
    big = m.concat(m.concat(a, e, axis=-1), m.concat(z, a, axis=-1), axis=-2)
    return m.matrix_exponential(big)[..., :n, n:]


_expm = primitive("matrix_exponential", _expm_fwd,
                  vjp=(lambda m, g, ans, x: _frechet(m, _mH(m, x), g),),
                  jvp=(lambda m, t, ans, x: _frechet(m, x, t),),
                  save_args=(0,), save_out=False)


def expm(input, name=None) -> Tensor:  # noqa: A002 - TensorFlow's name
    """The matrix exponential of the innermost square matrices (Pade [13/13] with scaling and
    squaring, as ``tf.linalg.expm``).

    >>> import gradtape as gt
    >>> gt.linalg.expm(gt.constant([[0.0, 0.0], [0.0, 1.0]])).numpy().round(4)
    array([[1.    , 0.    ],
           [0.    , 2.7183]], dtype=float32)
    """
    x = _matrix(input, "expm", "input", square=True)
    return bind1(_expm, x)


del LinAlgError

__all__ = ["qr", "svd", "eigh", "eigvalsh", "expm"]
