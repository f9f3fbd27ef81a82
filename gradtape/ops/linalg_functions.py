"""Matrix functions and the Hermitian tridiagonal eigenproblem, as in ``tf.linalg``: ``sqrtm``,
``logm`` and ``eigh_tridiagonal``; ``l2_normalize`` is ``gt.nn.l2_normalize``
(``tf.linalg.l2_normalize``).

Forwards. ``sqrtm`` and ``logm`` run matrix by matrix on SciPy's Schur-based ``sqrtm`` and
``logm`` when SciPy is importable (in float64 / complex128, cast back to the input's dtype).
Without SciPy they use the eigendecomposition ``A = V diag(w) V^-1``,
``f(A) = V diag(f(w)) V^-1`` with the principal branch, where ``V`` is well conditioned, and
otherwise (nearly defective matrices) the scaled Denman-Beavers iteration for the square root
and inverse scaling and squaring (square roots until ``A`` is close to ``I``, then the series
of ``2 atanh((A - I)(A + I)^-1)``) for the logarithm.

``sqrtm`` is the principal square root (its eigenvalues have positive real parts). As in
TensorFlow a real input gives a real output; a real matrix with a real negative eigenvalue has
no real principal root and raises ``LinAlgError`` (cast it to complex first). ``logm``, as in
TensorFlow, takes complex matrices only.

Derivatives:

* ``sqrtm``: differentiating ``R R = A`` gives the Sylvester equation ``R dR + dR R = dA``
  (TensorFlow's gradient solves it as a Kronecker-product system); the VJP is its adjoint,
  ``R^H G_A + G_A R^H = G``. Both call the primitive ``sqrtm_sylvester(r, c)``, which solves
  ``r X + X r = c`` (SciPy's ``solve_sylvester``, or the eigendecomposition of ``r`` without
  SciPy) and has rules of its own (``dX = S(r, dc - dr X - X dr)``; VJP ``Y = S(r^H, g)`` for
  ``c`` and ``-(Y X^H + X^H Y)`` for ``r``), so forward mode and every order work. Complex
  inputs get conjugate gradients (``R^H``, this library's convention), where TensorFlow's code
  uses ``R^T``.
* ``logm``: TensorFlow registers no gradient for ``MatrixLogarithm``; asking for one raises
  ``LookupError`` here too.
* ``eigh_tridiagonal``: TensorFlow finds eigenvalues by bisection on Sturm sequences and
  eigenvectors by inverse iteration, and has no gradient for them. Here the dense Hermitian
  tridiagonal matrix is built from ``alpha`` and ``beta`` with differentiable ops and decomposed
  by ``gt.linalg.eigh``, so the results have ``eigh``'s gradients (eigenvector gradients need
  distinct eigenvalues; eigenvectors are defined up to sign or phase).
"""

from __future__ import annotations

import numpy as np

from .._engine.primitive import bind, bind1, primitive
from .._engine.tensor import Tensor
from .linalg import LinAlgError, _as_tensor, _matrix, _mH
from .linalg_factor import _scipy_linalg  # SciPy when importable (tests patch this name here)
from .nn import l2_normalize

_COND_MAX = 1e6  # eigenvector conditioning up to which f(A) = V f(w) V^-1 is used without SciPy


def _stack(x: np.ndarray, kind: str | None = None) -> np.ndarray:
    """``x`` as a float64 (complex128 for complex input, or when ``kind == "c"``) stack of matrices."""
    wide = np.complex128 if (x.dtype.kind == "c" or kind == "c") else np.float64
    return np.asarray(x, dtype=wide).reshape((-1,) + x.shape[-2:])


# -- NumPy forwards (used without SciPy) -----------------------------------------------------
def _eig_function(a: np.ndarray, f):
    """``V diag(f(w)) V^-1`` for a complex stack ``a``, and a mask of the matrices whose
    eigenvectors are too ill-conditioned for it (their entries are left as zeros)."""
    w, v = np.linalg.eig(a)
    bad = ~(np.linalg.cond(v) < _COND_MAX)
    out = np.zeros_like(a)
    ok = ~bad
    if ok.any():
        vo = v[ok]
        out[ok] = (vo * f(w[ok])[..., None, :]) @ np.linalg.inv(vo)
    return out, bad


def _db_sqrt(a: np.ndarray, op: str) -> np.ndarray:
    """The principal square roots of a complex stack by the scaled product Denman-Beavers
    iteration (Higham, Functions of Matrices, eq. 6.29); for nearly defective matrices."""
    n = a.shape[-1]
    eye = np.eye(n, dtype=a.dtype)
    x, mm = a.copy(), a.copy()
    try:
        for _ in range(100):
            mu = np.abs(np.linalg.det(mm)) ** (-0.5 / n)
            mu = np.where(np.isfinite(mu) & (mu > 0), mu, 1.0)[:, None, None]
            minv = np.linalg.inv(mm)
            x = 0.5 * mu * (x @ (eye + minv / mu ** 2))
            mm = 0.5 * (eye + 0.5 * (mu ** 2 * mm + minv / mu ** 2))
            if np.max(np.abs(mm - eye)) < 1e-14:
                return x
    except LinAlgError:
        pass
    raise LinAlgError(f"{op}: the square root iteration did not converge (is the matrix singular, "
                      "or defective with an eigenvalue on the negative real axis?); install SciPy "
                      "for its Schur-based algorithm")


def _sqrt_numpy(a: np.ndarray, op: str = "sqrtm") -> np.ndarray:
    out, bad = _eig_function(a, np.sqrt)
    if bad.any():
        out[bad] = _db_sqrt(a[bad], op)
    return out


def _log_iss(a: np.ndarray) -> np.ndarray:
    """Principal logarithms of a complex stack by inverse scaling and squaring."""
    n = a.shape[-1]
    eye = np.eye(n, dtype=a.dtype)
    x, k = a, 0
    while np.max(np.abs(x - eye).sum(axis=-2)) > 0.25 and k < 64:
        x = _sqrt_numpy(x, "logm")
        k += 1
    z = np.linalg.solve(x + eye, x - eye)  # log(x) = 2 atanh(z), ||z|| < 0.15
    z2 = z @ z
    term, total = z, z.copy()
    for j in range(1, 40):
        term = term @ z2
        total = total + term / (2 * j + 1)
        if np.max(np.abs(term)) < 1e-18:
            break
    return 2.0 ** (k + 1) * total


def _log_numpy(a: np.ndarray) -> np.ndarray:
    out, bad = _eig_function(a, np.log)
    if bad.any():
        out[bad] = _log_iss(a[bad])
    return out


# -- square root -----------------------------------------------------------------------------
def _check_real_root(flat: np.ndarray) -> None:
    w = np.linalg.eigvals(flat)
    if np.any((w.imag == 0) & (w.real < 0)):
        raise LinAlgError("sqrtm: a real input matrix has a real negative eigenvalue, so its principal "
                          "square root is not real; cast the input to complex (gt.cast(x, gt.complex128)) "
                          "to get the complex root")


def _sqrtm_fwd(x):
    if x.size == 0:
        return x.copy()
    real = x.dtype.kind != "c"
    flat = _stack(x)
    if real:
        _check_real_root(flat)
    sl = _scipy_linalg()
    if sl is not None:
        out = np.stack([np.asarray(sl.sqrtm(a)) for a in flat])
    else:
        out = _sqrt_numpy(_stack(x, "c"))
    if real:
        out = out.real
    return out.reshape(x.shape).astype(x.dtype, copy=False)


def _sylvester_fwd(r, c):
    """``X`` with ``r X + X r = c`` (batch axes broadcast)."""
    shape = np.broadcast_shapes(r.shape, c.shape)
    dt = np.result_type(r.dtype, c.dtype)
    if 0 in shape:
        return np.zeros(shape, dt)
    rs = _stack(np.broadcast_to(r, shape), dt.kind)
    cs = _stack(np.broadcast_to(c, shape), dt.kind)
    sl = _scipy_linalg()
    if sl is not None:
        out = np.stack([sl.solve_sylvester(ri, ri, ci) for ri, ci in zip(rs, cs)])
    else:
        w, v = np.linalg.eig(rs)
        vinv = np.linalg.inv(v)
        y = (vinv @ cs @ v) / (w[..., :, None] + w[..., None, :])
        out = v @ y @ vinv
        if dt.kind != "c":
            out = out.real
    return out.reshape(shape).astype(dt, copy=False)


def _sylvester_vjp_all(m, g, ans, r, c):
    y = m.sqrtm_sylvester(_mH(m, r), g)
    xh = _mH(m, ans)
    return [-(m.matmul(y, xh) + m.matmul(xh, y)), y]


def _sylvester_jvp_all(m, ts, ans, r, c):
    tr, tc = ts
    rhs = tc
    if tr is not None:
        corr = m.matmul(tr, ans) + m.matmul(ans, tr)
        rhs = -corr if rhs is None else rhs - corr
    return m.sqrtm_sylvester(r, rhs)


_sylvester = primitive("sqrtm_sylvester", _sylvester_fwd, vjp_all=_sylvester_vjp_all,
                       jvp_all=_sylvester_jvp_all, save_args=(0,), save_out=True)

_sqrtm = primitive("matrix_square_root", _sqrtm_fwd,
                   vjp=(lambda m, g, ans, x: m.sqrtm_sylvester(_mH(m, ans), g),),
                   jvp=(lambda m, t, ans, x: m.sqrtm_sylvester(ans, t),),
                   save_args=(), save_out=True)


def sqrtm(input, name=None) -> Tensor:  # noqa: A002 - TensorFlow's name
    """The principal matrix square root of the innermost square matrices:
    ``sqrtm(a) @ sqrtm(a) == a``, as ``tf.linalg.sqrtm``.

    Real input gives real output, so a real matrix must not have real negative eigenvalues
    (cast it to complex for the complex root); the input should be invertible. Gradients
    solve the Sylvester equation ``R dR + dR R = dA`` (see the module notes).

    >>> import gradtape as gt
    >>> gt.linalg.sqrtm(gt.constant([[4.0, 0.0], [0.0, 9.0]])).numpy().round(4)
    array([[2., 0.],
           [0., 3.]], dtype=float32)
    >>> r = gt.linalg.sqrtm(gt.constant([[5.0, 4.0], [4.0, 5.0]]))
    >>> r.numpy().round(4)
    array([[2., 1.],
           [1., 2.]], dtype=float32)
    """
    x = _matrix(input, "sqrtm", "input", square=True)
    return bind1(_sqrtm, x)


# -- logarithm -------------------------------------------------------------------------------
def _logm_fwd(x):
    if x.size == 0:
        return x.copy()
    flat = _stack(x)
    sl = _scipy_linalg()
    if sl is not None:
        out = np.stack([np.asarray(sl.logm(a), dtype=np.complex128) for a in flat])
    else:
        out = _log_numpy(flat)
    return out.reshape(x.shape).astype(x.dtype, copy=False)


def _logm_no_gradient(*args, **kwargs):
    raise LookupError("logm: no gradient is defined for the matrix logarithm (TensorFlow registers "
                      "none for MatrixLogarithm either); wrap the call in gt.stop_gradient, or for "
                      "a Hermitian positive definite matrix differentiate "
                      "v @ diag(log(e)) @ adjoint(v) with (e, v) = gt.linalg.eigh(matrix)")


_logm = primitive("matrix_logarithm", _logm_fwd, vjp=(_logm_no_gradient,), jvp=(_logm_no_gradient,),
                  save_args=(), save_out=False)


def logm(input, name=None) -> Tensor:  # noqa: A002 - TensorFlow's name
    """The principal matrix logarithm of the innermost square complex matrices:
    ``expm(logm(a)) == a``, as ``tf.linalg.logm`` (complex64 and complex128 only; no gradient).

    For a real positive definite matrix, cast to complex, take the logarithm and keep the real
    part, as TensorFlow's documentation suggests.

    >>> import gradtape as gt
    >>> a = gt.cast(gt.constant([[1.0, 0.0], [0.0, 2.0]]), gt.complex64)
    >>> gt.math.real(gt.linalg.logm(a)).numpy().round(4)
    array([[0.    , 0.    ],
           [0.    , 0.6931]], dtype=float32)
    """
    x = _as_tensor(input)
    if x.dtype.name not in ("complex64", "complex128"):
        raise TypeError(f"logm: input must be a complex64 or complex128 tensor (tf.linalg.logm is only "
                        f"defined for complex matrices), got dtype {x.dtype.name}; cast it first, e.g. "
                        "gt.cast(x, gt.complex128)")
    x = _matrix(x, "logm", "input", square=True)
    return bind(_logm, x)


# -- eigh_tridiagonal ------------------------------------------------------------------------
def _range_pair(select_range, select: str):
    if select_range is None:
        raise ValueError(f"eigh_tridiagonal: select={select!r} needs select_range=(min, max)")
    vals = select_range.numpy() if isinstance(select_range, Tensor) else np.asarray(select_range)
    if vals.shape != (2,):
        raise ValueError("eigh_tridiagonal: select_range must hold exactly two values (min, max), got "
                         f"{select_range!r}")
    return vals[0], vals[1]


def eigh_tridiagonal(alpha, beta, eigvals_only: bool = True, select: str = "a", select_range=None,
                     tol=None, name=None):
    """The eigenvalues (ascending), and the eigenvectors when ``eigvals_only=False``, of the
    Hermitian tridiagonal matrix with diagonal ``alpha`` and super-diagonal ``beta``, as
    ``tf.linalg.eigh_tridiagonal``.

    ``alpha`` has shape ``(n,)`` (its imaginary part is ignored) and ``beta`` shape ``(n - 1,)``
    (the sub-diagonal is ``conj(beta)``), of the same dtype. ``select``: ``"a"`` all eigenvalues,
    ``"v"`` those in the interval ``(min, max]`` of ``select_range``, ``"i"`` those with indices
    ``min <= i <= max``. Returns the real eigenvalues, or ``(eigenvalues, eigenvectors)`` with
    the eigenvectors as columns (of ``beta``'s dtype). The eigenvalues come from a dense
    Hermitian eigensolver, accurate to rounding, so ``tol`` has no effect; gradients are those
    of ``gt.linalg.eigh`` (see the module notes; TensorFlow has none).

    >>> import gradtape as gt
    >>> alpha = gt.constant([0.0, 0.0, 0.0], gt.float64)
    >>> beta = gt.constant([1.0, 1.0], gt.float64)
    >>> gt.linalg.eigh_tridiagonal(alpha, beta).numpy().round(4)
    array([-1.4142,  0.    ,  1.4142])
    >>> gt.linalg.eigh_tridiagonal(alpha, beta, select="i", select_range=[1, 2]).numpy().round(4)
    array([0.    , 1.4142])
    >>> e, v = gt.linalg.eigh_tridiagonal(alpha, beta, eigvals_only=False, select="v",
    ...                                   select_range=[-0.5, 2.0])
    >>> e.numpy().round(4), v.shape
    (array([0.    , 1.4142]), (3, 2))
    """
    from .creation import convert_to_tensor
    from .linalg import diag
    from .linalg_decomp import eigh
    from .math import cast, conj, real

    op = "eigh_tridiagonal"
    a = convert_to_tensor(alpha, dtype_hint=np.float32)
    b = convert_to_tensor(beta, dtype_hint=a.dtype)
    for arg, t in (("alpha", a), ("beta", b)):
        if t.dtype.name not in ("float32", "float64", "complex64", "complex128"):
            raise TypeError(f"{op}: {arg} must be a float32, float64, complex64 or complex128 tensor, got "
                            f"dtype {t.dtype.name}")
    if a.ndim != 1:
        raise ValueError(f"{op}: alpha must be a vector of shape (n,) (batches are not supported, as in "
                         f"TensorFlow), got shape {a.shape}")
    n = a.shape[0]
    if b.ndim != 1 or b.shape[0] != max(n - 1, 0):
        raise ValueError(f"{op}: beta must have shape ({max(n - 1, 0)},) (one less than alpha's length "
                         f"{n}), got shape {b.shape}")
    if a.dtype != b.dtype:
        raise ValueError(f"{op}: alpha and beta must have the same dtype, got {a.dtype.name} and "
                         f"{b.dtype.name}; cast one of them")
    if select not in ("a", "v", "i"):
        raise ValueError(f"{op}: select must be 'a' (all), 'v' (values in (min, max]) or 'i' (indices "
                         f"min..max), got {select!r}")
    if tol is not None:
        tv = np.asarray(tol.numpy() if isinstance(tol, Tensor) else tol)
        if tv.ndim != 0 or not np.isfinite(tv) or tv < 0:
            raise ValueError(f"{op}: tol must be a non-negative scalar or None, got {tol!r}")
    lo = hi = None
    if select == "i":
        lo, hi = _range_pair(select_range, select)
        if not (float(lo).is_integer() and float(hi).is_integer()):
            raise ValueError(f"{op}: with select='i', select_range must hold integer indices, got {select_range!r}")
        lo, hi = int(lo), int(hi)
        if lo > hi:
            raise ValueError(f"{op}: got an empty index range in select_range ({lo} > {hi}); pass "
                             "min <= max")
        if lo < 0 or hi >= n:
            raise ValueError(f"{op}: select_range indices must lie in [0, {n - 1}] for a matrix of size "
                             f"{n}, got ({lo}, {hi})")
    elif select == "v":
        lo, hi = _range_pair(select_range, select)
        lo, hi = float(lo), float(hi)
        if not lo < hi:
            raise ValueError(f"{op}: got an empty interval in select_range ({lo}, {hi}]; pass min < max")

    if a.dtype.kind == "c":
        a = cast(real(a), a.dtype)
    mat = diag(a)
    if n > 1:
        mat = mat + diag(b, k=1) + diag(conj(b) if b.dtype.kind == "c" else b, k=-1)
    e, v = eigh(mat)
    if select == "i":
        e, v = e[lo:hi + 1], v[:, lo:hi + 1]
    elif select == "v":
        vals = e.numpy()
        start = int(np.searchsorted(vals, lo, side="right"))
        stop = int(np.searchsorted(vals, hi, side="right"))
        e, v = e[start:stop], v[:, start:stop]
    return e if eigvals_only else (e, v)


__all__ = ["sqrtm", "logm", "eigh_tridiagonal", "l2_normalize"]
