"""LU factorization and the general (non-Hermitian) eigendecomposition: ``lu``, ``lu_solve``,
``lu_reconstruct``, ``lu_matrix_inverse``, ``eig`` and ``eigvals``, as in ``tf.linalg``.

``lu(x) -> (lu, p)`` packs the unit lower triangular ``L`` (its strict lower triangle) and the
upper triangular ``U`` into one matrix, with TensorFlow's permutation convention: ``p`` lists
row indices such that ``x[..., p, :] = L @ U`` (TensorFlow's ``P_mat @ input = L @ U``, where
row ``i`` of ``P_mat`` is the unit vector ``e_{p[i]}``). Pivoting is partial, on the entry of
largest modulus in the column (Eigen's ``PartialPivLU``, which TensorFlow uses). Real matrices
are factored by SciPy's ``lu_factor`` when SciPy is importable (LAPACK ``getrf`` pivots on the
same entries), otherwise, and for complex matrices (LAPACK compares ``|re| + |im|`` there,
not the modulus), by NumPy elimination, one vectorized step per column. As in TensorFlow an
exactly zero pivot is an error.

``eig`` and ``eigvals`` use NumPy's ``eig`` (LAPACK ``geev``) and put the eigenpairs in the
order of TensorFlow's CPU kernel (Eigen's ``ComplexEigenSolver``): by increasing modulus.

``lu_solve``, ``lu_reconstruct`` and ``lu_matrix_inverse`` are composites of ``gather``,
``matmul`` and ``triangular_solve``, so they are differentiable with respect to
``lower_upper`` (and ``rhs``) to any order; ``perm`` is an integer input without gradient.

Derivative rules, written in the rule namespace so that they differentiate again:

* ``lu`` (square matrices): with ``P x = L U`` and ``X = L^-1 P dx U^-1``,
  ``dL = L tril(X, -1)`` and ``dU = triu(X) U``; the VJP is its adjoint,
  ``dx = P^T L^-H (tril(L^H G, -1) + triu(G U^H)) U^-H``. The permutation is piecewise
  constant and has no gradient.
* ``eig``: TensorFlow's VJP (Boeddeker et al. 2017, eq. 4.77), which keeps the eigenvectors at
  unit norm: ``dA = V^-H (diag(gE) + conj(F) o (V^H gV - V^H V diag(Re(diag(V^H gV))))) V^H``
  with ``F[i, j] = 1 / (e_j - e_i)`` (0 on the diagonal), and the matching JVP
  ``dE = diag(V^-1 dA V)``, ``dV = V (F o V^-1 dA V)`` minus ``v_k Re(v_k^H dv_k)`` in each
  column ``k``.
  Eigenvectors are defined up to a phase, so only phase-invariant functions of them
  (``|v|^2``, ``v v^H``, ``V f(E) V^-1``) have meaningful gradients, and distinct eigenvalues
  are needed (exactly equal ones get a zero in place of the infinite coupling term).
"""

from __future__ import annotations

import warnings

import numpy as np

from .._engine.primitive import bind, primitive
from .._engine.tensor import Tensor, int32
from .linalg import (
    LinAlgError, _diag, _embed_diag, _matrix, _mH, _real_dtype, _safe_recip_diffs, _tri_mask, matmul,
    triangular_solve,
)

_SCIPY_LINALG: list = []


def _scipy_linalg():
    """``scipy.linalg``, or None when SciPy is not importable (imported once, lazily)."""
    if not _SCIPY_LINALG:
        try:
            import scipy.linalg as sl
        except ImportError:
            sl = None
        _SCIPY_LINALG.append(sl)
    return _SCIPY_LINALG[0]


def _value(x) -> np.ndarray:
    """The array of a tensor or array (for integer permutations, which carry no gradient)."""
    return x.numpy() if isinstance(x, Tensor) else np.asarray(x)


# -- LU forward ------------------------------------------------------------------------------
def _lu_numpy(a: np.ndarray):
    """Partial-pivoting LU of a stack ``(B, n, n)``: ``(lu, perm)`` with ``a[b][perm[b]] = L U``.

    The pivot is the entry of largest modulus in the column (the first one on ties), as in
    Eigen; each column is one vectorized step over the whole stack.
    """
    lu = np.array(a, copy=True)
    bsz, n = lu.shape[0], lu.shape[-1]
    perm = np.tile(np.arange(n), (bsz, 1))
    rows = np.arange(bsz)
    for k in range(n):
        p = k + np.argmax(np.abs(lu[:, k:, k]), axis=1)
        swap = p != k
        if swap.any():
            r, q = rows[swap], p[swap]
            lu[r, k], lu[r, q] = lu[r, q], lu[r, k]  # fancy indexing copies both sides first
            perm[r, k], perm[r, q] = perm[r, q], perm[r, k]
        if k + 1 < n:
            piv = lu[:, k, k]
            lu[:, k + 1:, k] /= np.where(piv == 0, 1, piv)[:, None]  # a zero pivot has zeros below
            lu[:, k + 1:, k + 1:] -= lu[:, k + 1:, k, None] * lu[:, None, k, k + 1:]
    return lu, perm


def _lu_scipy(sl, a: np.ndarray):
    """The same factorization with LAPACK ``getrf`` (one call per matrix of the stack)."""
    n = a.shape[-1]
    lus = np.empty_like(a)
    perms = np.empty(a.shape[:-1], dtype=np.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # singular matrices are reported below
        for b in range(a.shape[0]):
            lus[b], piv = sl.lu_factor(a[b], check_finite=False)
            perm = np.arange(n)
            for i, j in enumerate(piv):  # LAPACK: row i was interchanged with row piv[i]
                perm[i], perm[j] = perm[j], perm[i]
            perms[b] = perm
    return lus, perms


def _lu_fwd(x, idx_dtype):
    n = x.shape[-1]
    if x.size == 0:
        return x.copy(), np.zeros(x.shape[:-1], dtype=idx_dtype)
    flat = x.reshape((-1, n, n))
    sl = _scipy_linalg() if x.dtype.kind == "f" else None
    lu, perm = _lu_scipy(sl, flat) if sl is not None else _lu_numpy(flat)
    if not np.all(np.diagonal(lu, axis1=-2, axis2=-1)):
        raise LinAlgError("lu: the input is not invertible (its LU factorization has a zero pivot); "
                          "tf.linalg.lu needs invertible matrices")
    return lu.reshape(x.shape), perm.reshape(x.shape[:-1]).astype(idx_dtype)


# -- LU derivative rules ---------------------------------------------------------------------
def _unit_lower(m, lu):
    """``L``: the strict lower triangle of ``lu`` with ones on the diagonal."""
    n = lu.shape[-1]
    return lu * _tri_mask(n, True, lu.dtype, -1) + np.eye(n, dtype=lu.dtype)


def _gather_rows(m, x, idx):
    """``y[..., i, :] = x[..., idx[..., i], :]``; ``idx`` broadcasts against ``x``'s leading axes."""
    nd = len(x.shape)
    idx = np.ascontiguousarray(np.broadcast_to(idx, tuple(x.shape[:-1])))
    if m.is_raw:
        return np.take_along_axis(x, idx[..., None], axis=-2)  # the same, without a loop over the batch
    return m.gather(x, idx, axis=nd - 2, batch_dims=nd - 2)


def _lu_jvp(m, t, ans, x, idx_dtype):
    lu, perm = ans
    n = lu.shape[-1]
    l = _unit_lower(m, lu)
    pt = _gather_rows(m, t, _value(perm))
    y = m.matrix_triangular_solve(l, pt, lower=True, adjoint=False)
    # X = y U^-1, from U^H X^H = y^H (the solve reads the upper triangle of lu)
    xx = _mH(m, m.matrix_triangular_solve(lu, _mH(m, y), lower=False, adjoint=True))
    u = lu * _tri_mask(n, False, lu.dtype)
    dl = m.matmul(l, xx * _tri_mask(n, True, lu.dtype, -1))
    du = m.matmul(xx * _tri_mask(n, False, lu.dtype), u)
    return dl + du, None


def _lu_vjp(m, g, ans, x, idx_dtype):
    lu, perm = ans
    glu = g[0]
    n = lu.shape[-1]
    l = _unit_lower(m, lu)
    u = lu * _tri_mask(n, False, lu.dtype)
    phi = (m.matmul(_mH(m, l), glu) * _tri_mask(n, True, lu.dtype, -1)
           + m.matmul(glu, _mH(m, u)) * _tri_mask(n, False, lu.dtype))
    y = m.matrix_triangular_solve(l, phi, lower=True, adjoint=True)  # L^-H phi
    # y U^-H, from U Z^H = y^H
    gp = _mH(m, m.matrix_triangular_solve(lu, _mH(m, y), lower=False, adjoint=False))
    return _gather_rows(m, gp, np.argsort(_value(perm), axis=-1))  # undo the row permutation


_lu = primitive("lu", _lu_fwd, vjp=(_lu_vjp,), jvp=(_lu_jvp,), n_out=2, save_args=(), save_out=True)


def _idx_dtype(output_idx_type) -> np.dtype:
    try:
        dt = np.dtype(output_idx_type)
    except TypeError:
        dt = None
    if dt not in (np.dtype(np.int32), np.dtype(np.int64)):
        raise TypeError(f"lu: output_idx_type must be gt.int32 or gt.int64, got {output_idx_type!r}")
    return dt


def lu(input, output_idx_type=int32, name=None) -> tuple[Tensor, Tensor]:  # noqa: A002 - TensorFlow's name
    """The LU factorization with partial pivoting of square matrices: ``(lu, p)``.

    ``lu`` packs the unit lower triangular ``L`` (below the diagonal) and the upper triangular
    ``U`` (on and above it); ``p`` (of ``output_idx_type``) lists row indices such that
    ``input[..., p, :] = L @ U``, TensorFlow's ``P_mat @ input = L @ U``. The input must be
    invertible (an exactly zero pivot raises ``LinAlgError``). The gradient flows through
    ``lu``; ``p`` has none.

    >>> import gradtape as gt
    >>> lu, p = gt.linalg.lu(gt.constant([[1.0, 2.0], [4.0, 2.0]]))
    >>> lu.numpy()
    array([[4.  , 2.  ],
           [0.25, 1.5 ]], dtype=float32)
    >>> p.numpy()
    array([1, 0], dtype=int32)
    """
    x = _matrix(input, "lu", "input", square=True)
    return bind(_lu, x, idx_dtype=_idx_dtype(output_idx_type))


# -- composites of an LU factorization -------------------------------------------------------
def _lu_args(lower_upper, perm, op: str, validate_args: bool):
    """Check ``lower_upper`` (square matrices) and ``perm`` (integer, ``[..., N]``)."""
    from .creation import convert_to_tensor
    lu_ = _matrix(convert_to_tensor(lower_upper, dtype_hint=np.float32), op, "lower_upper", square=True)
    p = _value(perm)
    if p.dtype.kind not in "iu":
        raise TypeError(f"{op}: perm must be an integer tensor (the p returned by gt.linalg.lu), got "
                        f"dtype {p.dtype.name}")
    n = lu_.shape[-1]
    if p.ndim != lu_.ndim - 1:
        raise ValueError(f"{op}: rank(lower_upper) must equal rank(perm) + 1, got shapes {lu_.shape} and "
                         f"{p.shape}; pass the (lu, p) pair returned by gt.linalg.lu")
    if p.shape[-1] != n:
        raise ValueError(f"{op}: perm must have {n} entries in its last dimension to match lower_upper of "
                         f"shape {lu_.shape}, got shape {p.shape}")
    if p.size and (p.min() < 0 or p.max() >= n):
        raise ValueError(f"{op}: perm must hold row indices in [0, {n}), got values from {p.min()} to "
                         f"{p.max()}")
    if validate_args and p.size and np.any(np.sort(p, axis=-1) != np.arange(n)):
        raise ValueError(f"{op}: perm must be a permutation of 0..{n - 1} along its last dimension "
                         "(validate_args=True)")
    return lu_, p


def _take_rows(x: Tensor, idx: np.ndarray) -> Tensor:
    """``x[..., idx[..., i], :]`` as a differentiable gather (``idx``'s leading axes are x's)."""
    from .indexing import gather
    nd = x.ndim
    return gather(x, np.ascontiguousarray(idx), axis=nd - 2, batch_dims=nd - 2)


def _factors(lu_: Tensor):
    n = lu_.shape[-1]
    lower = lu_ * _tri_mask(n, True, lu_.dtype, -1) + np.eye(n, dtype=lu_.dtype)
    return lower, lu_ * _tri_mask(n, False, lu_.dtype)


def lu_reconstruct(lower_upper, perm, validate_args: bool = False, name=None) -> Tensor:
    """The matrices whose LU factorization is ``(lower_upper, perm)``: ``x`` with
    ``x[..., perm, :] = L @ U``, i.e. ``lu_reconstruct(*gt.linalg.lu(x)) == x``.

    ``perm`` must have the batch shape of ``lower_upper``. With ``validate_args`` each row of
    ``perm`` must also be a permutation.

    >>> import gradtape as gt
    >>> x = gt.constant([[1.0, 2.0], [4.0, 2.0]])
    >>> gt.linalg.lu_reconstruct(*gt.linalg.lu(x)).numpy()
    array([[1., 2.],
           [4., 2.]], dtype=float32)
    """
    lu_, p = _lu_args(lower_upper, perm, "lu_reconstruct", validate_args)
    if p.shape != lu_.shape[:-1]:
        raise ValueError(f"lu_reconstruct: perm must have shape {lu_.shape[:-1]} (the batch shape of "
                         f"lower_upper and its size), got {p.shape}")
    lower, upper = _factors(lu_)
    return _take_rows(matmul(lower, upper), np.argsort(p, axis=-1))


def lu_solve(lower_upper, perm, rhs, validate_args: bool = False, name=None) -> Tensor:
    """Solve ``A @ X = rhs`` given the LU factorization ``(lower_upper, perm)`` of ``A``.

    ``rhs`` is ``[..., N, K]`` (for a vector use ``rhs[..., None]``); the batch shapes of
    ``rhs`` and ``perm`` broadcast, and so does that of ``lower_upper`` with the result.

    >>> import gradtape as gt
    >>> lu, p = gt.linalg.lu(gt.constant([[1.0, 2.0], [4.0, 2.0]]))
    >>> gt.linalg.lu_solve(lu, p, gt.constant([[3.0], [6.0]])).numpy()
    array([[1.],
           [1.]], dtype=float32)
    """
    from .array import broadcast_to
    from .creation import convert_to_tensor
    lu_, p = _lu_args(lower_upper, perm, "lu_solve", validate_args)
    b = convert_to_tensor(rhs, dtype_hint=lu_.dtype)
    if b.ndim < 2:
        raise ValueError(f"lu_solve: rhs must have rank >= 2 ([..., N, K]), got shape {b.shape}; for a "
                         "vector use rhs[..., None]")
    if b.dtype != lu_.dtype:
        raise TypeError(f"lu_solve: rhs has dtype {b.dtype.name} but lower_upper has dtype {lu_.dtype.name}; "
                        "cast one of them")
    n = lu_.shape[-1]
    if b.shape[-2] != n:
        raise ValueError(f"lu_solve: rhs must have {n} rows to match lower_upper of shape {lu_.shape}, got "
                         f"shape {b.shape}")
    try:
        batch = np.broadcast_shapes(tuple(b.shape[:-2]), p.shape[:-1])
        np.broadcast_shapes(batch, tuple(lu_.shape[:-2]))
    except ValueError:
        raise ValueError(f"lu_solve: the batch shapes of lower_upper {lu_.shape}, perm {p.shape} and rhs "
                         f"{b.shape} do not broadcast") from None
    if tuple(b.shape[:-2]) != batch:
        b = broadcast_to(b, batch + tuple(b.shape[-2:]))
    permuted = _take_rows(b, np.broadcast_to(p, batch + (n,)))
    lower, _ = _factors(lu_)
    y = triangular_solve(lower, permuted, lower=True)
    return triangular_solve(lu_, y, lower=False)  # reads the upper triangle only


def lu_matrix_inverse(lower_upper, perm, validate_args: bool = False, name=None) -> Tensor:
    """The inverse of the matrices whose LU factorization is ``(lower_upper, perm)``:
    ``lu_matrix_inverse(*gt.linalg.lu(x)) == gt.linalg.inv(x)``.

    >>> import gradtape as gt
    >>> x = gt.constant([[2.0, 0.0], [0.0, 4.0]])
    >>> gt.linalg.lu_matrix_inverse(*gt.linalg.lu(x)).numpy()
    array([[0.5 , 0.  ],
           [0.  , 0.25]], dtype=float32)
    """
    lu_, p = _lu_args(lower_upper, perm, "lu_matrix_inverse", validate_args)
    n = lu_.shape[-1]
    eye = np.broadcast_to(np.eye(n, dtype=lu_.dtype), tuple(lu_.shape))
    return lu_solve(lu_, p, eye)


# -- general eigendecomposition --------------------------------------------------------------
def _complex_dtype(dtype) -> np.dtype:
    return np.dtype(np.complex64) if np.dtype(dtype) in (np.float32, np.complex64) else np.dtype(np.complex128)


def _eig_fwd(x):
    ct = _complex_dtype(x.dtype)
    if x.shape[-1] == 0 or x.size == 0:
        return np.zeros(x.shape[:-1], ct), np.zeros(x.shape, ct)
    try:
        w, v = np.linalg.eig(x)
    except LinAlgError:
        raise LinAlgError("eig: the eigenvalue iteration did not converge (does the input hold "
                          "NaN or Inf?)") from None
    return _sort_by_modulus(w.astype(ct, copy=False), v.astype(ct, copy=False))


def _sort_by_modulus(w, v):
    """Order eigenpairs as Eigen's ``ComplexEigenSolver`` (TensorFlow's kernel) does: a selection
    sort by increasing modulus that swaps the first smallest of the rest into place."""
    n = w.shape[-1]
    key = np.abs(w)
    order = np.broadcast_to(np.arange(n), w.shape).copy()
    for i in range(n - 1):
        k = i + np.argmin(key[..., i:], axis=-1, keepdims=True)
        here = np.full_like(k, i)
        for a in (key, order):
            ai, ak = np.take_along_axis(a, here, -1), np.take_along_axis(a, k, -1)
            np.put_along_axis(a, k, ai, -1)
            np.put_along_axis(a, here, ak, -1)
    return np.take_along_axis(w, order, -1), np.take_along_axis(v, order[..., None, :], -1)


def _eig_vjp(m, g, ans, x):
    e, v = ans
    ge, gv = g
    vh = _mH(m, v)
    f = m.conj(_safe_recip_diffs(m, e))
    vgv = m.matmul(vh, gv)
    eye = np.eye(e.shape[-1], dtype=_real_dtype(v.dtype))
    dg = m.cast(m.real(vgv), dtype=v.dtype) * eye  # diag(Re(diag(V^H gV)))
    mid = _embed_diag(m, ge) + f * (vgv - m.matmul(m.matmul(vh, v), dg))
    return m.matrix_solve(vh, m.matmul(mid, vh), adjoint=False)


def _eig_jvp(m, t, ans, x):
    e, v = ans
    if t.dtype != v.dtype:
        t = m.cast(t, dtype=v.dtype)
    xt = m.matrix_solve(v, m.matmul(t, v), adjoint=False)  # V^-1 dA V
    dv = m.matmul(v, _safe_recip_diffs(m, e) * xt)
    # keep the columns at unit norm: remove the component Re(v^H dv) along v
    corr = m.real(m.reduce_sum(m.conj(v) * dv, axis=(-2,), keepdims=True))
    return _diag(m, xt), dv - v * m.cast(corr, dtype=v.dtype)


_eig = primitive("eig", _eig_fwd, vjp=(_eig_vjp,), jvp=(_eig_jvp,), n_out=2, save_args=(), save_out=True)


def eig(tensor, name=None) -> tuple[Tensor, Tensor]:
    """Eigen-decomposition of general square matrices: ``(e, v)`` with
    ``tensor @ v[..., :, i] = e[..., i] * v[..., :, i]``, as ``tf.linalg.eig``.

    Both outputs are complex (``complex64`` for ``float32``/``complex64`` input, ``complex128``
    otherwise). TensorFlow documents no order; here the eigenvalues come by increasing modulus,
    with ties (such as conjugate pairs) in LAPACK's order. That is the order of TensorFlow's CPU
    kernel for complex input up to the order within ties; for real input its kernel keeps the
    order of its own real Schur form, which is not reproduced, so compare eigenvalues as a set.
    The eigenvectors have unit norm and an arbitrary phase. Gradients: see the module notes.

    >>> import gradtape as gt
    >>> e, v = gt.linalg.eig(gt.constant([[2.0, 0.0], [0.0, 3.0]]))
    >>> e.numpy()
    array([2.+0.j, 3.+0.j], dtype=complex64)
    >>> abs(v.numpy())
    array([[1., 0.],
           [0., 1.]], dtype=float32)
    """
    x = _matrix(tensor, "eig", "tensor", square=True)
    return bind(_eig, x)


def eigvals(tensor, name=None) -> Tensor:
    """The eigenvalues of general square matrices (complex, by increasing modulus as ``eig``), as
    ``tf.linalg.eigvals``.

    >>> import gradtape as gt
    >>> gt.linalg.eigvals(gt.constant([[2.0, 1.0], [0.0, -1.0]])).numpy()
    array([-1.+0.j,  2.+0.j], dtype=complex64)
    """
    x = _matrix(tensor, "eigvals", "tensor", square=True)
    return bind(_eig, x)[0]


__all__ = ["lu", "lu_solve", "lu_reconstruct", "lu_matrix_inverse", "eig", "eigvals"]
