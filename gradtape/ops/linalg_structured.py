"""Structured linear algebra: tridiagonal and banded solvers, cross products, normalization,
rank, and TensorFlow's rank-``2k`` diagonal tensors, as in ``tf.linalg``.

* ``tridiagonal_solve`` is a primitive (TensorFlow's CPU kernel: Gaussian elimination with
  partial pivoting as LAPACK ``gtsv``, the Thomas algorithm without pivoting, or LAPACK
  ``lagtf``/``lagts``-style perturbation of tiny pivots with ``perturb_singular``), batched over
  the leading axes with one vectorized step per row. As in TensorFlow a singular system gives
  NaN rather than an error. Its VJP is TensorFlow's: ``drhs`` solves the adjoint tridiagonal
  system and ``ddiagonals = -three_diagonals(drhs x^H)`` (for complex inputs TensorFlow uses
  the transpose without conjugation; here the conjugates follow gradtape's, and TensorFlow's
  usual, complex convention); the JVP is ``dx = A^-1 (drhs - dA x)``. Both call
  ``tridiagonal_solve`` itself, so they differentiate again.
* ``tridiagonal_matmul``, ``banded_triangular_solve`` (the dense triangular matrix built from
  the bands, then ``triangular_solve``), ``cross``, ``normalize``, ``tensor_diag`` and
  ``tensor_diag_part`` are composites of differentiable ops.
* ``matrix_rank`` counts singular values above a tolerance and has no gradient.

The three diagonal formats of the tridiagonal ops are TensorFlow's: ``"compact"`` (one
``[..., 3, M]`` tensor holding the superdiagonal, the diagonal and the subdiagonal; the last
superdiagonal entry and the first subdiagonal entry are ignored), ``"sequence"`` (a list
``[superdiag, maindiag, subdiag]`` of ``[..., M]`` tensors; the off-diagonals may also have
``M - 1`` entries) and ``"matrix"`` (``[..., M, M]``; entries off the three diagonals are
ignored).
"""

from __future__ import annotations

import math

import numpy as np

from .._engine.primitive import bind, primitive
from .._engine.tensor import Tensor
from ._rules import conj
from .linalg import _expand, _real_dtype, diag, diag_part, norm, triangular_solve

_FLOAT_DTYPES = ("float32", "float64", "complex64", "complex128")


def _tensor(x, dtype_hint=None) -> Tensor:
    from .creation import convert_to_tensor
    return convert_to_tensor(x, dtype_hint=dtype_hint)


def _float_tensor(x, op: str, arg: str, dtype_hint=None) -> Tensor:
    t = _tensor(x, dtype_hint)
    if t.dtype.name not in _FLOAT_DTYPES:
        raise TypeError(f"{op}: {arg} must be a float32, float64, complex64 or complex128 tensor, got "
                        f"dtype {t.dtype.name}")
    return t


def _same_dtype(a: Tensor, b: Tensor, op: str, arg_a: str, arg_b: str) -> None:
    if a.dtype != b.dtype:
        raise TypeError(f"{op}: {arg_b} has dtype {b.dtype.name} but {arg_a} has dtype {a.dtype.name}; "
                        "cast one of them")


# -- tridiagonal solve: the forward kernels ----------------------------------------------------
def _gtsv(sup, dia, sub, rhs):
    """Gaussian elimination with partial pivoting (LAPACK ``gtsv``), as TensorFlow's CPU kernel.

    ``sup``, ``dia``, ``sub`` are ``(B, n)``, ``rhs`` is ``(B, n, K)``; returns ``(x, singular)``.
    ``u0``, ``u1``, ``u2`` are the diagonal and the two superdiagonals of ``U``.
    """
    bsz, n = dia.shape
    x = rhs.copy()
    u0, u1, u2 = (np.zeros((bsz, n), x.dtype) for _ in range(3))
    u0[:, 0], u1[:, 0] = dia[:, 0], sup[:, 0]
    bad = np.zeros(bsz, bool)
    for i in range(n - 1):
        s, ui, d1 = sub[:, i + 1], u0[:, i], dia[:, i + 1]
        keep = np.abs(ui) >= np.abs(s)  # no row interchange
        bad |= keep & (ui == 0)
        f1 = s / np.where(ui == 0, 1, ui)
        f2 = ui / np.where(s == 0, 1, s)
        new_ui1 = np.where(keep, d1 - f1 * u1[:, i], u1[:, i] - f2 * d1)
        new_ui, new_u1i = np.where(keep, ui, s), np.where(keep, u1[:, i], d1)
        xi, r1 = x[:, i].copy(), rhs[:, i + 1]
        x[:, i + 1] = np.where(keep[:, None], r1 - f1[:, None] * xi, xi - f2[:, None] * r1)
        x[:, i] = np.where(keep[:, None], xi, r1)
        if i != n - 2:
            u1[:, i + 1] = np.where(keep, sup[:, i + 1], -f2 * sup[:, i + 1])
            u2[:, i] = np.where(keep, 0, sup[:, i + 1])
        u0[:, i], u0[:, i + 1], u1[:, i] = new_ui, new_ui1, new_u1i
    bad |= u0[:, n - 1] == 0
    den = np.where(u0 == 0, 1, u0)[:, :, None]
    x[:, n - 1] /= den[:, n - 1]
    if n > 1:
        x[:, n - 2] = (x[:, n - 2] - u1[:, n - 2, None] * x[:, n - 1]) / den[:, n - 2]
    for i in range(n - 3, -1, -1):
        x[:, i] = (x[:, i] - u1[:, i, None] * x[:, i + 1] - u2[:, i, None] * x[:, i + 2]) / den[:, i]
    return x, bad


def _thomas(sup, dia, sub, rhs):
    """The Thomas algorithm (no pivoting), as TensorFlow's CPU kernel: ``(x, failed)``."""
    bsz, n = dia.shape
    x = rhs.copy()
    u = np.zeros((bsz, n), x.dtype)
    bad = dia[:, 0] == 0
    d0 = np.where(bad, 1, dia[:, 0])
    u[:, 0] = sup[:, 0] / d0
    x[:, 0] = rhs[:, 0] / d0[:, None]
    for i in range(1, n):
        den = dia[:, i] - sub[:, i] * u[:, i - 1]
        zero = den == 0
        bad |= zero
        den = np.where(zero, 1, den)
        u[:, i] = sup[:, i] / den
        x[:, i] = (rhs[:, i] - sub[:, i, None] * x[:, i - 1]) / den[:, None]
    for i in range(n - 2, -1, -1):
        x[:, i] -= u[:, i, None] * x[:, i + 1]
    return x, bad


def _perturb_pivot(perturb, pivot, row):
    """Move tiny pivots away from zero (or scale them up) so that ``row / pivot`` does not
    overflow: TensorFlow's ``MaybePerturbPivot`` (from LAPACK ``lagts``), vectorized."""
    rdt = _real_dtype(pivot.dtype)
    safemin = np.finfo(rdt).tiny
    bignum = 1 / safemin
    pivot, row = pivot.copy(), row.copy()
    active = np.abs(pivot) < 1
    if not active.any():
        return pivot, row
    pert = np.copysign(np.maximum(np.abs(perturb), safemin), np.real(pivot)).astype(rdt)
    maxf = np.max(np.abs(row), axis=-1, initial=0)
    while active.any():
        ap = np.abs(pivot)
        tiny = ap < safemin
        add = active & ((tiny & ((ap == 0) | (maxf * safemin > ap))) | (~tiny & (maxf > ap * bignum)))
        scale = active & tiny & ~add
        pivot = np.where(add, pivot + pert, pivot)
        pert = np.where(add, pert * 2, pert)
        pivot = np.where(scale, pivot * bignum, pivot)
        row = np.where(scale[:, None], row * bignum, row)
        active = add & (np.abs(pivot) < 1)
    return pivot, row


def _gtsv_perturbed(sup, dia, sub, rhs):
    """Partial pivoting with scaled pivot choice and perturbed tiny pivots (``perturb_singular``),
    as TensorFlow's CPU kernel (LAPACK ``lagtf`` + ``lagts``)."""
    bsz, n = dia.shape
    eps = np.finfo(_real_dtype(dia.dtype)).eps
    x = rhs.copy()
    if n == 1:
        piv, row = _perturb_pivot(eps * np.abs(dia[:, 0]), dia[:, 0], x[:, 0])
        x[:, 0] = row * (1 / piv)[:, None]
        return x
    u0, u1, u2 = (np.zeros((bsz, n), x.dtype) for _ in range(3))
    u0[:, 0], u1[:, 0] = dia[:, 0], sup[:, 0]
    max_u = np.maximum(np.abs(u0[:, 0]), np.abs(u1[:, 0]))
    scale1 = np.abs(u0[:, 0]) + np.abs(u1[:, 0])
    for k in range(n - 1):
        s, uk, d1 = sub[:, k + 1], u0[:, k], dia[:, k + 1]
        scale2 = np.abs(s) + np.abs(d1) + (np.abs(sup[:, k + 1]) if k < n - 2 else 0)
        zero = s == 0
        piv1 = np.where(uk == 0, 0, np.abs(uk) / np.where(scale1 == 0, 1, scale1))
        piv2 = np.abs(s) / np.where(scale2 == 0, 1, scale2)
        keep = zero | (piv2 <= piv1)  # no row interchange (a zero subdiagonal needs none)
        f1 = np.where(zero, 0, s / np.where(uk == 0, 1, uk))
        f2 = uk / np.where(zero, 1, s)
        new_uk1 = np.where(keep, d1 - f1 * u1[:, k], u1[:, k] - f2 * d1)
        new_uk, new_u1k = np.where(keep, uk, s), np.where(keep, u1[:, k], d1)
        if k < n - 2:
            u1[:, k + 1] = np.where(keep, sup[:, k + 1], -f2 * sup[:, k + 1])
            u2[:, k] = np.where(keep, 0, sup[:, k + 1])
        xk, r1 = x[:, k].copy(), rhs[:, k + 1]
        x[:, k + 1] = np.where(keep[:, None], r1 - f1[:, None] * xk, xk - f2[:, None] * r1)
        x[:, k] = np.where(keep[:, None], xk, r1)
        u0[:, k], u0[:, k + 1], u1[:, k] = new_uk, new_uk1, new_u1k
        scale1 = np.where(keep, scale2, scale1)
        if k < n - 2:
            max_u = np.maximum.reduce([max_u, np.abs(u0[:, k]), np.abs(u1[:, k]), np.abs(u2[:, k])])
    max_u = np.maximum(max_u, np.abs(u0[:, n - 1]))
    tol = eps * max_u
    piv, row = _perturb_pivot(tol, u0[:, n - 1], x[:, n - 1])
    x[:, n - 1] = row * (1 / piv)[:, None]
    piv, row = _perturb_pivot(tol, u0[:, n - 2], x[:, n - 2] - u1[:, n - 2, None] * x[:, n - 1])
    x[:, n - 2] = row * (1 / piv)[:, None]
    for k in range(n - 3, -1, -1):
        row = x[:, k] - u1[:, k, None] * x[:, k + 1] - u2[:, k, None] * x[:, k + 2]
        piv, row = _perturb_pivot(tol, u0[:, k], row)
        x[:, k] = row * (1 / piv)[:, None]
    return x


def _tridiagonal_solve_fwd(diags, rhs, partial_pivoting, perturb_singular):
    n, k = rhs.shape[-2], rhs.shape[-1]
    batch = np.broadcast_shapes(diags.shape[:-2], rhs.shape[:-2])
    dt = np.result_type(diags, rhs)
    out_shape = batch + (n, k)
    if n == 0 or k == 0 or math.prod(batch) == 0:
        return np.zeros(out_shape, dt)
    d = np.broadcast_to(diags, batch + (3, n)).reshape((-1, 3, n)).astype(dt, copy=False)
    b = np.broadcast_to(rhs, out_shape).reshape((-1, n, k)).astype(dt, copy=True)
    with np.errstate(all="ignore"):
        if perturb_singular:
            x = _gtsv_perturbed(d[:, 0], d[:, 1], d[:, 2], b)
        else:
            x, bad = (_gtsv if partial_pivoting else _thomas)(d[:, 0], d[:, 1], d[:, 2], b)
            x[bad] = np.nan  # TensorFlow's answer for a singular system
    return x.reshape(out_shape)


# -- tridiagonal solve: the derivative rules ---------------------------------------------------
def _shift(m, x, axis: int, up: bool):
    """Shift ``x`` along the negative ``axis`` by one: ``y[i] = x[i + 1]`` (``up``) or
    ``x[i - 1]``, with a zero entering at the end or the start."""
    n = x.shape[axis]
    if n == 0:
        return x
    nd = len(x.shape)
    pos = nd + axis
    index = (slice(None),) * pos + ((slice(1, None) if up else slice(0, n - 1)),)
    pads = tuple((0, 0) if i != pos else ((0, 1) if up else (1, 0)) for i in range(nd))
    return m.pad(x[index], paddings=pads, constant_values=0)


def _tri_adjoint(m, diags):
    """The compact diagonals of the conjugate transpose of a tridiagonal matrix."""
    sup, main, sub = diags[..., 0, :], diags[..., 1, :], diags[..., 2, :]
    out = m.stack([_shift(m, sub, -1, True), main, _shift(m, sup, -1, False)], axis=-2)
    return conj(m, out)


def _tri_matmul_rule(m, diags, x):
    """``A @ x`` for compact diagonals ``diags`` of ``A``."""
    sup, main, sub = diags[..., 0, :], diags[..., 1, :], diags[..., 2, :]
    return (_expand(m, sup, -1) * _shift(m, x, -2, True) + _expand(m, main, -1) * x
            + _expand(m, sub, -1) * _shift(m, x, -2, False))


def _three_diagonals(m, a, b):
    """The compact diagonals of ``a @ b^H`` (``O(MK)``, without forming the product)."""
    bc = conj(m, b)

    def rowsum(y):
        return m.reduce_sum(a * y, axis=(-1,), keepdims=False)

    return m.stack([rowsum(_shift(m, bc, -2, True)), rowsum(bc), rowsum(_shift(m, bc, -2, False))], axis=-2)


def _tridiagonal_solve_vjp(m, g, ans, diags, rhs, partial_pivoting, perturb_singular):
    gb = m.tridiagonal_solve(_tri_adjoint(m, diags), g, partial_pivoting=partial_pivoting,
                             perturb_singular=perturb_singular)
    return [-_three_diagonals(m, gb, ans), gb]


def _tridiagonal_solve_jvp_d(m, t, ans, diags, rhs, partial_pivoting, perturb_singular):
    return -m.tridiagonal_solve(diags, _tri_matmul_rule(m, t, ans), partial_pivoting=partial_pivoting,
                                perturb_singular=perturb_singular)


def _tridiagonal_solve_jvp_b(m, t, ans, diags, rhs, partial_pivoting, perturb_singular):
    return m.tridiagonal_solve(diags, t, partial_pivoting=partial_pivoting, perturb_singular=perturb_singular)


_tridiagonal_solve = primitive(
    "tridiagonal_solve", _tridiagonal_solve_fwd, vjp_all=_tridiagonal_solve_vjp,
    jvp=(_tridiagonal_solve_jvp_d, _tridiagonal_solve_jvp_b), save_args=(0,), save_out=True)


# -- the diagonal formats ----------------------------------------------------------------------
_FORMATS = ("compact", "sequence", "matrix")


def _pad_last(x: Tensor, before: int, after: int) -> Tensor:
    from .array import pad
    return pad(x, [[0, 0]] * (x.ndim - 1) + [[before, after]])


def _three(diagonals, fmt, op: str, dtype_hint=None):
    """``(superdiag, maindiag, subdiag)``, each ``[..., M]``, from any of the three formats."""
    from .creation import zeros_like
    if fmt == "compact":
        d = _float_tensor(diagonals, op, "diagonals", dtype_hint)
        if d.ndim < 2 or d.shape[-2] != 3:
            raise ValueError(f"{op}: diagonals in 'compact' format must have shape [..., 3, M] (the "
                             f"superdiagonal, the diagonal and the subdiagonal), got shape {d.shape}")
        return d[..., 0, :], d[..., 1, :], d[..., 2, :]
    if fmt == "sequence":
        if not isinstance(diagonals, (tuple, list)) or len(diagonals) != 3:
            raise ValueError(f"{op}: diagonals in 'sequence' format must be a list or tuple of three "
                             "tensors [superdiag, maindiag, subdiag]")
        main = _float_tensor(diagonals[1], op, "maindiag", dtype_hint)
        sup = _float_tensor(diagonals[0], op, "superdiag", main.dtype)
        sub = _float_tensor(diagonals[2], op, "subdiag", main.dtype)
        _same_dtype(main, sup, op, "maindiag", "superdiag")
        _same_dtype(main, sub, op, "maindiag", "subdiag")
        if main.ndim < 1 or any(t.ndim != main.ndim or tuple(t.shape[:-1]) != tuple(main.shape[:-1])
                                for t in (sup, sub)):
            raise ValueError(f"{op}: the three diagonals must have the same shape except for the last "
                             f"dimension, got {sup.shape}, {main.shape} and {sub.shape}")
        n = main.shape[-1]
        for t, arg in ((sup, "superdiag"), (sub, "subdiag")):
            if t.shape[-1] not in (n, n - 1):
                raise ValueError(f"{op}: {arg} must have length {n} or {n - 1} to match maindiag of "
                                 f"shape {main.shape}, got shape {t.shape}")
        if sup.shape[-1] != n:
            sup = _pad_last(sup, 0, 1)
        if sub.shape[-1] != n:
            sub = _pad_last(sub, 1, 0)
        return sup, main, sub
    if fmt == "matrix":
        a = _float_tensor(diagonals, op, "diagonals", dtype_hint)
        if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
            raise ValueError(f"{op}: diagonals in 'matrix' format must be square matrices [..., M, M], "
                             f"got shape {a.shape}")
        main = diag_part(a)
        if a.shape[-1] < 2:
            return zeros_like(main), main, zeros_like(main)
        return _pad_last(diag_part(a, k=1), 0, 1), main, _pad_last(diag_part(a, k=-1), 1, 0)
    raise ValueError(f"{op}: diagonals_format must be 'compact', 'sequence' or 'matrix', got {fmt!r}")


def tridiagonal_solve(diagonals, rhs, diagonals_format: str = "compact", transpose_rhs: bool = False,
                      conjugate_rhs: bool = False, name=None, partial_pivoting: bool = True,
                      perturb_singular: bool = False) -> Tensor:
    """Solve tridiagonal systems ``A @ x = rhs``, as ``tf.linalg.tridiagonal_solve``.

    ``diagonals`` is in ``diagonals_format`` (see the module notes). ``rhs`` is ``[..., M]`` or
    ``[..., M, K]`` (``[..., K, M]`` with ``transpose_rhs``, which has no effect on vectors;
    ``conjugate_rhs`` conjugates it), with the batch shape of ``diagonals``; the result has
    shape ``[..., M]`` or ``[..., M, K]``. ``partial_pivoting=False`` uses the Thomas
    algorithm; ``perturb_singular`` (which needs pivoting) perturbs tiny pivots so that
    singular systems get a finite answer. Otherwise a singular system gives NaN, as in
    TensorFlow.

    >>> import gradtape as gt
    >>> diagonals = gt.constant([[1.0, 1.0, 0.0], [2.0, 2.0, 2.0], [0.0, 1.0, 1.0]])
    >>> gt.linalg.tridiagonal_solve(diagonals, gt.constant([3.0, 4.0, 3.0])).numpy()
    array([1., 1., 1.], dtype=float32)
    """
    from .array import expand_dims, reshape, stack
    from .linalg import matrix_transpose
    from .math import conj as _conj
    op = "tridiagonal_solve"
    if perturb_singular and not partial_pivoting:
        raise ValueError(f"{op}: perturb_singular=True needs partial_pivoting=True")
    if diagonals_format == "compact":
        d = _float_tensor(diagonals, op, "diagonals")
        if d.ndim < 2 or d.shape[-2] != 3:
            raise ValueError(f"{op}: diagonals in 'compact' format must have shape [..., 3, M] (the "
                             f"superdiagonal, the diagonal and the subdiagonal), got shape {d.shape}")
    else:
        d = stack(list(_three(diagonals, diagonals_format, op)), axis=-2)
    b = _tensor(rhs, d.dtype)
    _same_dtype(d, b, op, "diagonals", "rhs")
    dr, n = d.ndim, d.shape[-1]
    if b.ndim not in (dr - 1, dr):
        raise ValueError(f"{op}: rhs must have rank {dr - 1} ([..., M]) or {dr} ([..., M, K]) for diagonals "
                         f"of shape {d.shape}, got shape {b.shape}")
    if tuple(b.shape[:dr - 2]) != tuple(d.shape[:-2]):
        raise ValueError(f"{op}: the batch shapes of diagonals {d.shape} and rhs {b.shape} must be equal")
    attrs = {"partial_pivoting": bool(partial_pivoting), "perturb_singular": bool(perturb_singular)}
    if b.ndim == dr - 1:  # a vector (transpose_rhs has no effect)
        if conjugate_rhs and b.dtype.kind == "c":
            b = _conj(b)
        if b.shape[-1] != n:
            raise ValueError(f"{op}: rhs must have {n} entries to match diagonals of shape {d.shape}, got "
                             f"shape {b.shape}")
        x = bind(_tridiagonal_solve, d, expand_dims(b, -1), **attrs)
        return reshape(x, tuple(x.shape[:-1]))
    if transpose_rhs:
        b = matrix_transpose(b, conjugate=bool(conjugate_rhs))
    elif conjugate_rhs and b.dtype.kind == "c":
        b = _conj(b)
    if b.shape[-2] != n:
        what = "columns (transpose_rhs=True)" if transpose_rhs else "rows"
        raise ValueError(f"{op}: rhs must have {n} {what} to match diagonals of shape {d.shape}, got shape "
                         f"{tuple(rhs.shape) if hasattr(rhs, 'shape') else np.shape(rhs)}")
    return bind(_tridiagonal_solve, d, b, **attrs)


def tridiagonal_matmul(diagonals, rhs, diagonals_format: str = "compact", name=None) -> Tensor:
    """The product ``A @ rhs`` of tridiagonal matrices ``A`` (given by their diagonals in
    ``diagonals_format``) and ``rhs`` of shape ``[..., M, N]``, as ``tf.linalg.tridiagonal_matmul``.

    >>> import gradtape as gt
    >>> diagonals = [gt.constant([-1.0, -1.0, 0.0]), gt.constant([2.0, 2.0, 2.0]), gt.constant([0.0, -1.0, -1.0])]
    >>> gt.linalg.tridiagonal_matmul(diagonals, gt.ones((3, 2)), diagonals_format="sequence").numpy()
    array([[1., 1.],
           [0., 0.],
           [1., 1.]], dtype=float32)
    """
    from .array import expand_dims
    op = "tridiagonal_matmul"
    sup, main, sub = _three(diagonals, diagonals_format, op)
    b = _tensor(rhs, main.dtype)
    _same_dtype(main, b, op, "diagonals", "rhs")
    n = main.shape[-1]
    if b.ndim < 2 or b.shape[-2] != n:
        raise ValueError(f"{op}: rhs must have shape [..., {n}, N] to match diagonals with {n} rows, got "
                         f"shape {b.shape}")
    try:
        np.broadcast_shapes(tuple(main.shape[:-1]), tuple(b.shape[:-2]))
    except ValueError:
        raise ValueError(f"{op}: the batch shapes of the diagonals {main.shape[:-1]} and rhs {b.shape[:-2]} "
                         "do not broadcast") from None
    out = expand_dims(main, -1) * b
    if n > 1:
        from .array import pad
        lead = [[0, 0]] * (b.ndim - 2)
        up = pad(b[..., 1:, :], lead + [[0, 1], [0, 0]])
        down = pad(b[..., :-1, :], lead + [[1, 0], [0, 0]])
        out = out + expand_dims(sup, -1) * up + expand_dims(sub, -1) * down
    return out


# -- banded triangular solve -------------------------------------------------------------------
def banded_triangular_solve(bands, rhs, lower: bool = True, adjoint: bool = False, name=None) -> Tensor:
    """Solve ``A @ x = rhs`` (``adjoint(A) @ x = rhs`` when ``adjoint``) for banded triangular
    ``A`` stored as ``bands`` ``[..., K, M]``, as ``tf.linalg.banded_triangular_solve``.

    With ``lower`` row ``j`` of ``bands`` is the ``j``-th subdiagonal (row 0 the diagonal),
    aligned right (its first ``j`` entries are ignored); otherwise row ``K - 1 - j`` is the
    ``j``-th superdiagonal (the last row the diagonal), aligned left (its last ``j`` entries
    are ignored): TensorFlow's ``'LEFT_RIGHT'`` layout. ``rhs`` is ``[..., M, N]``; the batch
    shapes broadcast.

    >>> import gradtape as gt
    >>> bands = gt.constant([[2.0, 3.0, 4.0], [1.0, 2.0, 3.0]])
    >>> gt.linalg.banded_triangular_solve(bands, gt.ones((3, 1))).numpy()
    array([[0.5 ],
           [0.  ],
           [0.25]], dtype=float32)
    """
    op = "banded_triangular_solve"
    bd = _float_tensor(bands, op, "bands")
    if bd.ndim < 2:
        raise ValueError(f"{op}: bands must have rank >= 2 ([..., K, M]), got shape {bd.shape}")
    k, n = bd.shape[-2], bd.shape[-1]
    if k == 0 or n == 0:
        raise ValueError(f"{op}: bands must not be empty, got shape {bd.shape}")
    b = _tensor(rhs, bd.dtype)
    _same_dtype(bd, b, op, "bands", "rhs")
    if b.ndim < 2 or b.shape[-2] != n:
        raise ValueError(f"{op}: rhs must have shape [..., {n}, N] to match bands of shape {bd.shape}, got "
                         f"shape {b.shape}")
    dense = None
    for r in range(k):
        j = r if lower else k - 1 - r  # the distance of this band from the diagonal
        if j >= n:
            continue
        v = bd[..., r, j:] if lower else bd[..., r, :n - j]
        term = diag(v, k=-j if lower else j, num_rows=n, num_cols=n)
        dense = term if dense is None else dense + term
    return triangular_solve(dense, b, lower=bool(lower), adjoint=bool(adjoint))


# -- small dense helpers -----------------------------------------------------------------------
def cross(a, b, name=None) -> Tensor:
    """The cross product of 3-vectors along the last axis of ``a`` and ``b`` (same shape).

    >>> import gradtape as gt
    >>> gt.linalg.cross(gt.constant([1.0, 0.0, 0.0]), gt.constant([0.0, 1.0, 0.0])).numpy()
    array([0., 0., 1.], dtype=float32)
    """
    from .array import stack
    op = "cross"
    x = _tensor(a, getattr(b, "dtype", None))
    y = _tensor(b, x.dtype)
    if x.dtype.kind not in "iuf":
        raise TypeError(f"{op}: a must be a real (integer or float) tensor, got dtype {x.dtype.name}")
    _same_dtype(x, y, op, "a", "b")
    if tuple(x.shape) != tuple(y.shape) or x.ndim < 1 or x.shape[-1] != 3:
        raise ValueError(f"{op}: a and b must have the same shape, with 3 in the last dimension, got "
                         f"shapes {x.shape} and {y.shape}")
    x0, x1, x2 = x[..., 0], x[..., 1], x[..., 2]
    y0, y1, y2 = y[..., 0], y[..., 1], y[..., 2]
    return stack([x1 * y2 - x2 * y1, x2 * y0 - x0 * y2, x0 * y1 - x1 * y0], axis=-1)


def matrix_rank(a, tol=None, validate_args: bool = False, name=None) -> Tensor:
    """The rank of each innermost matrix: the number of singular values above ``tol``
    (default ``eps * max(rows, cols) * max(singular values)``), as int32. No gradient.

    >>> import gradtape as gt
    >>> gt.linalg.matrix_rank(gt.constant([[1.0, 2.0], [2.0, 4.0]])).numpy()
    np.int32(1)
    """
    x = _tensor(a, np.float32)
    if x.dtype.kind != "f":
        raise TypeError(f"matrix_rank: a must be a float tensor, got dtype {x.dtype.name}")
    if x.ndim < 2:
        raise ValueError(f"matrix_rank: a must have rank >= 2 (a matrix or a batch of matrices), got "
                         f"shape {x.shape}")
    v = x.numpy()
    if min(v.shape[-2:]) == 0:
        return Tensor(np.zeros(v.shape[:-2], np.int32))
    s = np.linalg.svd(v, compute_uv=False)
    if tol is None:
        tol = np.finfo(v.dtype).eps * max(v.shape[-2:]) * np.max(s, axis=-1, keepdims=True)
    else:
        tol = np.asarray(tol.numpy() if isinstance(tol, Tensor) else tol)
    return Tensor(np.sum(s > tol, axis=-1).astype(np.int32))


def normalize(tensor, ord="euclidean", axis=None, name=None) -> tuple[Tensor, Tensor]:  # noqa: A002
    """``(tensor / norm, norm)``, with ``norm = gt.linalg.norm(tensor, ord, axis, keepdims=True)``
    (cast to ``tensor``'s dtype), as ``tf.linalg.normalize``.

    >>> import gradtape as gt
    >>> normalized, n = gt.linalg.normalize(gt.constant([3.0, 4.0]))
    >>> normalized.numpy(), n.numpy()
    (array([0.6, 0.8], dtype=float32), array([5.], dtype=float32))
    """
    from .math import cast
    x = _tensor(tensor)
    if x.dtype.kind not in "fc":
        raise TypeError(f"normalize: tensor must be a float or complex tensor, got dtype {x.dtype.name}")
    n = norm(x, ord=ord, axis=axis, keepdims=True)
    if n.dtype != x.dtype:
        n = cast(n, x.dtype)
    return x / n, n


def tensor_diag(diagonal, name=None) -> Tensor:
    """The rank-``2k`` tensor with ``diagonal`` (rank ``k``) on its diagonal:
    ``out[i1, ..., ik, i1, ..., ik] = diagonal[i1, ..., ik]``, zeros elsewhere (``tf.linalg.tensor_diag``).

    >>> import gradtape as gt
    >>> gt.linalg.tensor_diag(gt.constant([1.0, 2.0])).numpy()
    array([[1., 0.],
           [0., 2.]], dtype=float32)
    """
    from .array import reshape
    x = _tensor(diagonal)
    if x.ndim < 1:
        raise ValueError(f"tensor_diag: diagonal must have rank >= 1, got shape {x.shape}; use "
                         "gt.reshape(diagonal, [1]) for a scalar")
    shape = tuple(x.shape)
    flat = reshape(x, (math.prod(shape),))
    return reshape(diag(flat), shape + shape)


def tensor_diag_part(input, name=None) -> Tensor:  # noqa: A002 - TensorFlow's name
    """The diagonal of a rank-``2k`` tensor of shape ``[D1, ..., Dk, D1, ..., Dk]``: the rank-``k``
    tensor ``out[i1, ..., ik] = input[i1, ..., ik, i1, ..., ik]`` (``tf.linalg.tensor_diag_part``).

    >>> import gradtape as gt
    >>> gt.linalg.tensor_diag_part(gt.constant([[1.0, 5.0], [6.0, 2.0]])).numpy()
    array([1., 2.], dtype=float32)
    """
    from .array import reshape
    x = _tensor(input)
    r = x.ndim
    k = r // 2
    if r == 0 or r % 2 or tuple(x.shape[:k]) != tuple(x.shape[k:]):
        raise ValueError(f"tensor_diag_part: input must have an even, nonzero rank and a shape "
                         f"[D1, ..., Dk, D1, ..., Dk], got shape {x.shape}")
    n = math.prod(x.shape[:k])
    return reshape(diag_part(reshape(x, (n, n))), tuple(x.shape[:k]))


__all__ = ["cross", "matrix_rank", "normalize", "tridiagonal_solve", "tridiagonal_matmul", "tensor_diag",
           "tensor_diag_part", "banded_triangular_solve"]
