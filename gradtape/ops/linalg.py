"""Linear algebra: matrix products, inverses, determinants, solvers, norms and matrix structure.

Every op works on the last two axes and broadcasts (or loops) over the leading ones, with
TensorFlow's names, arguments and defaults (``tf.linalg``). The decompositions (``qr``,
``svd``, ``eigh``) and ``expm`` live in :mod:`gradtape.ops.linalg_decomp`.

``matmul`` follows NumPy's rules for 1-D operands and batch broadcasting. For complex inputs
the VJPs use adjoints (conjugate transposes): the gradient of a real loss with respect to a
complex ``z`` is ``conj(dL/dz)``, TensorFlow's convention.

The rules are the standard matrix-calculus results, written with primitives only so that they
differentiate again:

* ``inv``: ``dX = -X dA X``; ``det``: ``d det = det tr(A^-1 dA)``;
* ``solve``/``triangular_solve``: ``dX = A^-1 (dB - dA X)``;
* ``cholesky``: Murray (2016) / TensorFlow's rule; the gradient is symmetrized, as in
  TensorFlow (the forward reads the lower triangle only);
* ``pinv``: Golub and Pereyra's derivative, valid where the rank does not change.
"""

from __future__ import annotations

import math

import numpy as np

from .._engine import parallel as _parallel
from .._engine.indexed_slices import ProductGrad
from .._engine.primitive import bind, bind1, bind2, primitive
from .._engine.tensor import Tensor
from ._rules import conj, normalize_axis

LinAlgError = np.linalg.LinAlgError


# -- helpers shared by the rules (they work in both rule namespaces) -------------------------
def _mT(m, x):
    if m.is_raw:
        return x.swapaxes(-1, -2)  # a view, as np.transpose would give, without building a perm
    nd = len(x.shape)
    return m.transpose(x, perm=tuple(range(nd - 2)) + (nd - 1, nd - 2))


def _mH(m, x):
    return conj(m, _mT(m, x))


def _expand_last(m, x, where):
    s = tuple(x.shape)
    return m.reshape(x, shape=s + (1,) if where == -1 else s[:-1] + (1, s[-1]))


def _expand(m, x, axis: int):
    """Insert a size-1 axis at the negative position ``axis`` (-1: last, -2: before last)."""
    s = tuple(x.shape)
    k = len(s) + axis + 1
    return m.reshape(x, shape=s[:k] + (1,) + s[k:])


def _real_dtype(dtype) -> np.dtype:
    return np.empty((), dtype).real.dtype


def _embed_diag(m, v):
    """``(..., k) -> (..., k, k)`` with ``v`` on the diagonal."""
    k = v.shape[-1]
    return _expand(m, v, -2) * np.eye(k, dtype=_real_dtype(v.dtype))


def _diag(m, x):
    """``(..., n, n) -> (..., n)``: the main diagonal."""
    return m.matrix_diag_part(x, k=0)


def _real(m, x):
    return m.real(x) if x.dtype.kind == "c" else x


def _imag_diag_part(m, x):
    """A diagonal matrix holding ``i * Im(diag(x))`` (zero for real ``x``)."""
    return (x - m.cast(m.real(x), dtype=x.dtype)) * np.eye(x.shape[-1], dtype=_real_dtype(x.dtype))


def _i_times(m, x):
    """``1j * x`` for a real ``x`` (as a complex array even when ``x`` is a NumPy scalar)."""
    return m.complex(m.zeros_like(x), x)


def _safe_recip_diffs(m, w, squared: bool = False):
    """``F[..., i, j] = 1 / (w_j - w_i)`` (of the squares when ``squared``), 0 where equal."""
    if squared:
        w = w * w
    d = _expand(m, w, -2) - _expand(m, w, -1)
    mask = m.logical_or(m.equal(d, 0.0), np.eye(w.shape[-1], dtype=bool))
    return m.where(mask, 0.0, 1.0 / m.where(mask, 1.0, d))


def _safe_recip(m, s):
    """``1 / s``, with 0 where ``s == 0``."""
    zero = m.equal(s, 0.0)
    return m.where(zero, 0.0, 1.0 / m.where(zero, 1.0, s))


def _np_adj(x):
    return np.conj(np.swapaxes(x, -1, -2))


def _tri_mask(n: int, lower: bool, dtype, k: int = 0) -> np.ndarray:
    ones = np.ones((n, n), dtype=_real_dtype(dtype))
    return np.tril(ones, k) if lower else np.triu(ones, -k)


# -- argument checks -------------------------------------------------------------------------
def _as_tensor(x, dtype=None):
    if isinstance(x, Tensor):
        return x
    return Tensor(x, dtype) if dtype is not None else Tensor(x)


_LINALG_DTYPES = ("float32", "float64", "complex64", "complex128")


def _matrix(x, op: str, arg: str = "matrix", square: bool = False, dtype=None) -> Tensor:
    """Check (and convert) a matrix argument: float/complex dtype, rank >= 2, square if asked."""
    x = _as_tensor(x, dtype if not isinstance(x, Tensor) else None)
    if x.dtype.name not in _LINALG_DTYPES:
        raise TypeError(f"{op}: {arg} must be a float32, float64, complex64 or complex128 tensor, "
                        f"got dtype {x.dtype.name}")
    if x.ndim < 2:
        raise ValueError(f"{op}: {arg} must have rank >= 2 (a matrix or a batch of matrices), got "
                         f"shape {x.shape}")
    if square and x.shape[-1] != x.shape[-2]:
        raise ValueError(f"{op}: {arg} must be square in its last two dimensions, got shape {x.shape}")
    return x


def _rhs(rhs, a: Tensor, op: str, arg: str = "rhs") -> Tensor:
    """Check a right-hand side ``[..., M, K]`` against the matrix ``a`` ``[..., M, N]``."""
    b = _matrix(rhs, op, arg, dtype=a.dtype)
    if b.dtype != a.dtype:
        raise TypeError(f"{op}: {arg} has dtype {b.dtype.name} but the matrix has dtype "
                        f"{a.dtype.name}; cast one of them")
    if b.shape[-2] != a.shape[-2]:
        raise ValueError(f"{op}: {arg} must have as many rows as the matrix: got shapes {a.shape} "
                         f"and {b.shape} ({b.shape[-2]} != {a.shape[-2]})")
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise ValueError(f"{op}: the batch dimensions of the matrix {a.shape} and {arg} {b.shape} "
                         "do not broadcast") from None
    return b


def _int_arg(v, op: str, arg: str) -> int:
    if isinstance(v, Tensor):
        v = v.numpy()
    try:
        return int(v)
    except (TypeError, ValueError):
        raise TypeError(f"{op}: {arg} must be an integer, got {v!r}") from None


# -- matmul ----------------------------------------------------------------------------------
_GATHER_ROWS = 512  # right-operand gradients of products with fewer rows are gathered


def _matmul_da(m, g, ans, a, b):
    if len(b.shape) == 1:
        # a @ b with b a vector: ans (..., m); da = g[..., :, None] * conj(b)
        return _expand_last(m, g, -1) * conj(m, b)
    if len(a.shape) == 1:
        # ans (..., n); da = g @ b^H (one matrix product when b is a matrix)
        if len(b.shape) == 2:
            return m.matmul(g, _mH(m, b))
        r = m.matmul(_expand_last(m, g, -2), _mH(m, b))
        return m.reshape(r, shape=tuple(r.shape[:-2]) + (r.shape[-1],))
    return m.matmul(g, _mH(m, b))


def _matmul_db(m, g, ans, a, b):
    if len(b.shape) == 2 and len(a.shape) > 2:
        # b is shared by a stack of rows: db = rows(a)^H @ rows(g), one product (with any
        # leading batch of cotangents kept), instead of a stack of products summed afterwards.
        rows = math.prod(a.shape[:-1])
        nb = len(g.shape) - len(ans.shape)
        a2 = m.reshape(a, shape=(rows, a.shape[-1]))
        g2 = m.reshape(g, shape=tuple(g.shape[:nb]) + (rows, g.shape[-1]))
        return m.matmul(_mH(m, a2), g2)
    if len(a.shape) == 1 and len(b.shape) == 1:
        return _expand_last(m, g, -1) * conj(m, a)
    if len(b.shape) == 1:
        # ans (..., m) = a (..., m, k) @ b (k,); db = g @ conj(a) (one matrix product when a
        # is a matrix, whatever the batch of cotangents)
        if len(a.shape) == 2:
            return m.matmul(g, conj(m, a))
        r = m.matmul(_expand_last(m, g, -2), conj(m, a))
        return m.reshape(r, shape=tuple(r.shape[:-2]) + (r.shape[-1],))
    if len(a.shape) == 1:
        # ans (..., n) = a (k,) @ b (..., k, n); db = conj(a)[:, None] * g[..., None, :]
        return m.reshape(conj(m, a), shape=(a.shape[0], 1)) * _expand_last(m, g, -2)
    if (m.is_raw and len(a.shape) == 2 and len(g.shape) == 2 and a.shape[0] < _GATHER_ROWS
            and a.dtype == g.dtype == b.dtype and a.dtype.kind == "f"):
        return ProductGrad(a, g)  # the sweep stacks several such terms into one product
    return m.matmul(_mH(m, a), g)


def _matmul_fwd(a, b):
    if b.ndim == 2 and a.ndim > 2:
        # A stack of rows times one matrix is one large product: NumPy would loop over the
        # stack with one small product per matrix.
        try:
            out = _parallel.product(a.reshape(-1, a.shape[-1]), b)
        except ValueError:
            _check_matmul(a, b, "matmul")
            raise
        return out.reshape(a.shape[:-1] + (b.shape[-1],))
    if (b.ndim > 2 and a.ndim > 2 and b.strides[-2] == b.itemsize and b.shape[-2] * b.shape[-1] <= 1024
            and b.dtype.kind == "f"):
        # A stack of small transposed right operands (attention's k^T, and v^T in its gradient):
        # BLAS runs each small product twice as slowly, so a contiguous copy first (the
        # Transformer step 1.5-2.5% faster; larger matrices lose, see docs/performance.md).
        b = np.ascontiguousarray(b)
    elif (b.ndim == 2 and a.ndim == 2 and b.shape[0] <= 16 and b.strides[0] == b.itemsize
          and b.shape[1] > 1 and a.shape[0] >= 64 and b.dtype.kind == "f"):
        # A transposed right operand with few rows: the gradient g @ w^T of a classifier's last
        # layer (w 512x10). BLAS runs this product three to eight times as slowly as with a
        # contiguous copy, which costs 2 us (see docs/performance.md).
        b = np.ascontiguousarray(b)
    try:
        return _parallel.product(a, b)
    except ValueError:
        _check_matmul(a, b, "matmul")  # a clear message; shapes are checked only on failure
        raise


_matmul = primitive("matmul", _matmul_fwd, vjp=(_matmul_da, _matmul_db),
                    jvp=(lambda m, t, ans, a, b: m.matmul(t, b), lambda m, t, ans, a, b: m.matmul(a, t)),
                    save_out=False)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None):
    """Matrix product ``a @ b`` over the last two axes, broadcasting the leading ones.

    >>> import gradtape as gt
    >>> gt.matmul(gt.ones((2, 3)), gt.ones((3, 4))).shape
    (2, 4)
    """
    if transpose_a or adjoint_a or transpose_b or adjoint_b:
        from .array import transpose
        from .math import conj as _conj
        a, b = _as_tensor(a), _as_tensor(b)
        if transpose_a or adjoint_a:
            a = transpose(a, tuple(range(a.ndim - 2)) + (a.ndim - 1, a.ndim - 2))
            a = _conj(a) if adjoint_a else a
        if transpose_b or adjoint_b:
            b = transpose(b, tuple(range(b.ndim - 2)) + (b.ndim - 1, b.ndim - 2))
            b = _conj(b) if adjoint_b else b
    return bind2(_matmul, a, b)


def _check_matmul(a, b, op):
    sa = a.shape if isinstance(a, Tensor) else np.shape(a)
    sb = b.shape if isinstance(b, Tensor) else np.shape(b)
    if len(sa) == 0 or len(sb) == 0:
        raise ValueError(f"{op}: operands must have rank >= 1, got shapes {sa} and {sb}")
    ka = sa[-1]
    kb = sb[0] if len(sb) == 1 else sb[-2]
    if ka != kb:
        raise ValueError(f"{op}: inner dimensions do not match: a has shape {sa} and b has shape "
                         f"{sb} ({ka} != {kb})")


def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False, name=None):
    """Matrix-vector product ``a @ b`` for ``a`` of shape ``[..., m, n]`` and ``b`` of ``[..., n]``.

    >>> import gradtape as gt
    >>> gt.linalg.matvec(gt.ones((2, 3)), gt.ones((3,))).numpy()
    array([3., 3.], dtype=float32)
    """
    a = _as_tensor(a)
    if transpose_a or adjoint_a:
        from .array import transpose
        from .math import conj as _conj
        a = transpose(a, tuple(range(a.ndim - 2)) + (a.ndim - 1, a.ndim - 2))
        a = _conj(a) if adjoint_a else a
    b = _as_tensor(b)
    if b.ndim == 1:
        _check_matmul(a, b, "matvec")
        return bind2(_matmul, a, b)
    from .array import reshape
    bb = reshape(b, tuple(b.shape) + (1,))
    _check_matmul(a, bb, "matvec")
    r = bind2(_matmul, a, bb)
    return reshape(r, tuple(r.shape[:-1]))


# -- transposes ------------------------------------------------------------------------------
def matrix_transpose(a, name="matrix_transpose", conjugate: bool = False) -> Tensor:
    """Swap the last two axes (and conjugate when ``conjugate``), as ``tf.linalg.matrix_transpose``.

    >>> import gradtape as gt
    >>> gt.linalg.matrix_transpose(gt.zeros((5, 2, 3))).shape
    (5, 3, 2)
    """
    from .array import transpose
    x = _as_tensor(a)
    if x.ndim < 2:
        raise ValueError(f"matrix_transpose: a must have rank >= 2, got shape {x.shape}")
    y = transpose(x, tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2))
    if conjugate and x.dtype.kind == "c":
        from .math import conj as _conj
        y = _conj(y)
    return y


def adjoint(matrix, name=None) -> Tensor:
    """The conjugate transpose of the last two axes.

    >>> import gradtape as gt
    >>> gt.linalg.adjoint(gt.constant([[1 + 1j, 2j]])).numpy()
    array([[1.-1.j],
           [0.-2.j]])
    """
    x = _as_tensor(matrix)
    if x.ndim < 2:
        raise ValueError(f"adjoint: matrix must have rank >= 2, got shape {x.shape}")
    return matrix_transpose(x, conjugate=True)


# -- diagonals and bands ---------------------------------------------------------------------
def _diag_part_fwd(x, k):
    return np.diagonal(x, offset=k, axis1=-2, axis2=-1).copy()


def _matrix_diag_fwd(v, k, num_rows, num_cols):
    n = v.shape[-1]
    out = np.zeros(v.shape[:-1] + (num_rows, num_cols), dtype=v.dtype)
    i = np.arange(n)
    out[..., i + max(-k, 0), i + max(k, 0)] = v
    return out


_diag_part = primitive(
    "matrix_diag_part", _diag_part_fwd,
    vjp=(lambda m, g, ans, x, k: m.matrix_diag(g, k=k, num_rows=x.shape[-2], num_cols=x.shape[-1]),),
    jvp="linear", save_args=(), save_out=False)
_matrix_diag = primitive(
    "matrix_diag", _matrix_diag_fwd,
    vjp=(lambda m, g, ans, v, k, num_rows, num_cols: m.matrix_diag_part(g, k=k),),
    jvp="linear", save_args=(), save_out=False)


def _diag_len(rows: int, cols: int, k: int) -> int:
    return max(0, min(rows + min(k, 0), cols - max(k, 0)))


def _single_k(k, op: str) -> int:
    if isinstance(k, Tensor):
        k = k.numpy()
    if np.ndim(k) != 0:
        raise NotImplementedError(f"{op}: only a single diagonal offset k (an int) is supported, got {k!r}")
    return _int_arg(k, op, "k")


def diag_part(input, name="diag_part", k=0, padding_value=0, align="RIGHT_LEFT") -> Tensor:  # noqa: A002
    """The ``k``-th diagonal of the innermost matrices (``k > 0``: above the main diagonal).

    >>> import gradtape as gt
    >>> gt.linalg.diag_part(gt.constant([[1.0, 2.0], [3.0, 4.0]])).numpy()
    array([1., 4.], dtype=float32)
    """
    x = _as_tensor(input)
    if x.ndim < 2:
        raise ValueError(f"diag_part: input must have rank >= 2, got shape {x.shape}")
    k = _single_k(k, "diag_part")
    if _diag_len(x.shape[-2], x.shape[-1], k) == 0 and k != 0:
        raise ValueError(f"diag_part: diagonal k={k} is outside a matrix of shape {x.shape[-2:]}")
    return bind(_diag_part, x, k=k)


def diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0,
         align="RIGHT_LEFT") -> Tensor:
    """A (batch of) matrices with ``diagonal`` on the ``k``-th diagonal, as ``tf.linalg.diag``.

    Without ``num_rows``/``num_cols`` the result is square, of size ``len + |k|``; other
    entries are ``padding_value``.

    >>> import gradtape as gt
    >>> gt.linalg.diag(gt.constant([1.0, 2.0])).numpy()
    array([[1., 0.],
           [0., 2.]], dtype=float32)
    """
    v = _as_tensor(diagonal)
    if v.ndim < 1:
        raise ValueError(f"diag: diagonal must have rank >= 1, got shape {v.shape}")
    k = _single_k(k, "diag")
    n = v.shape[-1]
    rows, cols = _int_arg(num_rows, "diag", "num_rows"), _int_arg(num_cols, "diag", "num_cols")
    rows = n + abs(k) if rows < 0 else rows
    cols = n + abs(k) if cols < 0 else cols
    if _diag_len(rows, cols, k) != n:
        raise ValueError(f"diag: a diagonal of length {n} does not fit diagonal k={k} of a "
                         f"{rows}x{cols} matrix")
    out = bind(_matrix_diag, v, k=k, num_rows=rows, num_cols=cols)
    pad = padding_value.numpy() if isinstance(padding_value, Tensor) else padding_value
    if np.any(np.asarray(pad) != 0):
        off = 1 - _diag_mask(rows, cols, k, v.dtype)
        out = out + np.asarray(pad * off, dtype=v.dtype)
    return out


def _diag_mask(rows, cols, k, dtype):
    return np.eye(rows, cols, k, dtype=dtype)


def set_diag(input, diagonal, name="set_diag", k=0, align="RIGHT_LEFT") -> Tensor:  # noqa: A002
    """Replace the ``k``-th diagonal of the innermost matrices with ``diagonal``.

    >>> import gradtape as gt
    >>> gt.linalg.set_diag(gt.ones((2, 2)), gt.constant([5.0, 6.0])).numpy()
    array([[5., 1.],
           [1., 6.]], dtype=float32)
    """
    x = _as_tensor(input)
    if x.ndim < 2:
        raise ValueError(f"set_diag: input must have rank >= 2, got shape {x.shape}")
    k = _single_k(k, "set_diag")
    rows, cols = x.shape[-2:]
    v = _as_tensor(diagonal, x.dtype)
    n = _diag_len(rows, cols, k)
    if v.ndim < 1 or v.shape[-1] != n:
        raise ValueError(f"set_diag: diagonal must have shape [..., {n}] for input of shape "
                         f"{x.shape} and k={k}, got {v.shape}")
    keep = 1 - _diag_mask(rows, cols, k, x.dtype)
    return x * keep + bind(_matrix_diag, v, k=k, num_rows=rows, num_cols=cols)


def trace(x, name=None) -> Tensor:
    """Sum of the main diagonal of the innermost matrices.

    >>> import gradtape as gt
    >>> float(gt.linalg.trace(gt.constant([[1.0, 2.0], [3.0, 4.0]])))
    5.0
    """
    from .reduce import reduce_sum
    x = _as_tensor(x)
    if x.ndim < 2:
        raise ValueError(f"trace: x must have rank >= 2, got shape {x.shape}")
    return reduce_sum(bind(_diag_part, x, k=0), axis=-1)


def band_part(input, num_lower, num_upper, name=None) -> Tensor:  # noqa: A002
    """Keep a band of each innermost matrix: ``num_lower`` subdiagonals and ``num_upper``
    superdiagonals (a negative number keeps the whole triangle); zero the rest.

    >>> import gradtape as gt
    >>> gt.linalg.band_part(gt.ones((3, 3)), 0, -1).numpy()
    array([[1., 1., 1.],
           [0., 1., 1.],
           [0., 0., 1.]], dtype=float32)
    """
    x = _as_tensor(input)
    if x.ndim < 2:
        raise ValueError(f"band_part: input must have rank >= 2, got shape {x.shape}")
    lo = _int_arg(num_lower, "band_part", "num_lower")
    up = _int_arg(num_upper, "band_part", "num_upper")
    rows, cols = x.shape[-2:]
    i = np.arange(rows)[:, None]
    j = np.arange(cols)[None, :]
    keep = np.ones((rows, cols), dtype=bool)
    if lo >= 0:
        keep &= (i - j) <= lo
    if up >= 0:
        keep &= (j - i) <= up
    return x * keep.astype(x.dtype)


# -- inverse and determinants ----------------------------------------------------------------
def _inv_fwd(x, adjoint):
    try:
        return np.linalg.inv(_np_adj(x) if adjoint else x)
    except LinAlgError:
        raise LinAlgError("inv: the matrix is singular (not invertible)") from None


def _inv_vjp(m, g, ans, x, adjoint):
    xh = _mH(m, ans)
    r = -m.matmul(m.matmul(xh, g), xh)
    return _mH(m, r) if adjoint else r


def _inv_jvp(m, t, ans, x, adjoint):
    t = _mH(m, t) if adjoint else t
    return -m.matmul(m.matmul(ans, t), ans)


_inv = primitive("matrix_inverse", _inv_fwd, vjp=(_inv_vjp,), jvp=(_inv_jvp,),
                 save_args=(), save_out=True)


def inv(input, adjoint: bool = False, name=None) -> Tensor:  # noqa: A002 - TensorFlow's name
    """The inverse of each innermost square matrix (of its adjoint when ``adjoint``).

    Raises ``LinAlgError`` (a ``ValueError``) for an exactly singular matrix.

    >>> import gradtape as gt
    >>> gt.linalg.inv(gt.constant([[2.0, 0.0], [0.0, 4.0]])).numpy()
    array([[0.5 , 0.  ],
           [0.  , 0.25]], dtype=float32)
    """
    x = _matrix(input, "inv", "input", square=True)
    return bind(_inv, x, adjoint=bool(adjoint))


def _det_vjp(m, g, ans, x):
    c = g * conj(m, ans)
    return _expand(m, _expand(m, c, -1), -1) * m.matrix_inverse(x, adjoint=True)


def _trace_inv_times(m, x, t):
    """``tr(x^-1 t)`` over the last two axes."""
    return m.reduce_sum(_mT(m, m.matrix_inverse(x, adjoint=False)) * t, axis=(-2, -1), keepdims=False)


_det = primitive("matrix_determinant", np.linalg.det, vjp=(_det_vjp,),
                 jvp=(lambda m, t, ans, x: ans * _trace_inv_times(m, x, t),))


def det(input, name=None) -> Tensor:  # noqa: A002 - TensorFlow's name
    """The determinant of each innermost square matrix.

    Its gradient ``conj(det(A)) * inv(A)^H`` (``det(A) * inv(A)^T`` for real matrices) needs an
    invertible matrix. For complex matrices it follows the convention of the module notes;
    TensorFlow's own complex ``det`` and ``slogdet`` gradients leave out a conjugate, so they
    differ from it (and from finite differences).

    >>> import gradtape as gt
    >>> float(gt.linalg.det(gt.constant([[2.0, 1.0], [1.0, 3.0]])))
    5.0
    """
    x = _matrix(input, "det", "input", square=True)
    return bind1(_det, x)


def _slogdet_fwd(x):
    sign, logabs = np.linalg.slogdet(x)
    return sign, logabs


def _slogdet_vjp(m, g, ans, x):
    g_sign, g_log = g
    coef = g_log
    if x.dtype.kind == "c":
        # d sign = sign * i * Im(tr(A^-1 dA)); d log|det| = Re(tr(A^-1 dA)).
        # Re(conj(g_sign) * sign * i * Im(t)) = -Im(conj(g_sign) * sign) * Im(t).
        coef = g_log - _i_times(m, m.imag(m.conj(g_sign) * ans[0]))
    return _expand(m, _expand(m, coef, -1), -1) * m.matrix_inverse(x, adjoint=True)


def _slogdet_jvp(m, t, ans, x):
    tr = _trace_inv_times(m, x, t)
    if x.dtype.kind == "c":
        return ans[0] * _i_times(m, m.imag(tr)), m.real(tr)
    return None, tr


_slogdet = primitive("log_matrix_determinant", _slogdet_fwd, vjp=(_slogdet_vjp,), jvp=(_slogdet_jvp,),
                     n_out=2, save_args=(0,), save_out=True)


def slogdet(input, name=None):  # noqa: A002 - TensorFlow's name
    """``(sign, log_abs_determinant)`` of each innermost square matrix, as ``tf.linalg.slogdet``.

    ``sign`` is -1, 0 or 1 for real matrices (a unit complex number for complex ones) and
    ``log_abs_determinant`` is real (for complex matrices TensorFlow returns it in the complex
    dtype, with a zero imaginary part). The gradient flows through both (``sign`` of a real matrix
    is locally constant) and needs an invertible matrix.

    >>> import gradtape as gt
    >>> sign, logabsdet = gt.linalg.slogdet(gt.constant([[0.0, 2.0], [1.0, 0.0]]))
    >>> float(sign), round(float(logabsdet), 4)
    (-1.0, 0.6931)
    """
    x = _matrix(input, "slogdet", "input", square=True)
    return bind1(_slogdet, x)


def logdet(matrix, name=None) -> Tensor:
    """``log(det(matrix))`` of Hermitian positive definite matrices, through their Cholesky
    factor (as ``tf.linalg.logdet``; raises for a matrix that is not positive definite).

    >>> import gradtape as gt
    >>> round(float(gt.linalg.logdet(gt.constant([[2.0, 0.0], [0.0, 3.0]]))), 4)
    1.7918
    """
    from .math import log
    from .reduce import reduce_sum
    x = _matrix(matrix, "logdet", "matrix", square=True)
    c = cholesky(x)
    d = bind(_diag_part, c, k=0)
    if d.dtype.kind == "c":
        from .math import real
        d = real(d)
    return 2.0 * reduce_sum(log(d), axis=-1)


# -- solvers ---------------------------------------------------------------------------------
def _solve_fwd(a, b, adjoint):
    try:
        return np.linalg.solve(_np_adj(a) if adjoint else a, b)
    except LinAlgError:
        raise LinAlgError("solve: the matrix is singular (not invertible)") from None


def _solve_vjp(m, g, ans, a, b, adjoint):
    gb = m.matrix_solve(a, g, adjoint=not adjoint)
    ga = -m.matmul(ans, _mH(m, gb)) if adjoint else -m.matmul(gb, _mH(m, ans))
    return [ga, gb]


def _solve_jvp_a(m, t, ans, a, b, adjoint):
    t = _mH(m, t) if adjoint else t
    return -m.matrix_solve(a, m.matmul(t, ans), adjoint=adjoint)


_solve = primitive("matrix_solve", _solve_fwd, vjp_all=_solve_vjp,
                   jvp=(_solve_jvp_a, lambda m, t, ans, a, b, adjoint: m.matrix_solve(a, t, adjoint=adjoint)),
                   save_args=(0,), save_out=True)


def solve(matrix, rhs, adjoint: bool = False, name=None) -> Tensor:
    """Solve ``matrix @ x = rhs`` (``adjoint(matrix) @ x = rhs`` when ``adjoint``).

    ``matrix`` is ``[..., M, M]`` and ``rhs`` is ``[..., M, K]``; the leading axes broadcast.

    >>> import gradtape as gt
    >>> gt.linalg.solve(gt.constant([[2.0, 0.0], [0.0, 4.0]]), gt.constant([[1.0], [1.0]])).numpy()
    array([[0.5 ],
           [0.25]], dtype=float32)
    """
    a = _matrix(matrix, "solve", "matrix", square=True)
    b = _rhs(rhs, a, "solve")
    return bind(_solve, a, b, adjoint=bool(adjoint))


def _trisolve_fwd(a, b, lower, adjoint):
    t = np.tril(a) if lower else np.triu(a)
    try:
        return np.linalg.solve(_np_adj(t) if adjoint else t, b)
    except LinAlgError:
        raise LinAlgError("triangular_solve: the matrix is singular (a zero on its diagonal)") from None


def _trisolve_vjp(m, g, ans, a, b, lower, adjoint):
    gb = m.matrix_triangular_solve(a, g, lower=lower, adjoint=not adjoint)
    ga = -m.matmul(ans, _mH(m, gb)) if adjoint else -m.matmul(gb, _mH(m, ans))
    return [ga * _tri_mask(a.shape[-1], lower, a.dtype), gb]


def _trisolve_jvp_a(m, t, ans, a, b, lower, adjoint):
    t = t * _tri_mask(a.shape[-1], lower, a.dtype)
    t = _mH(m, t) if adjoint else t
    return -m.matrix_triangular_solve(a, m.matmul(t, ans), lower=lower, adjoint=adjoint)


_trisolve = primitive(
    "matrix_triangular_solve", _trisolve_fwd, vjp_all=_trisolve_vjp,
    jvp=(_trisolve_jvp_a, lambda m, t, ans, a, b, lower, adjoint: m.matrix_triangular_solve(
        a, t, lower=lower, adjoint=adjoint)),
    save_args=(0,), save_out=True)


def triangular_solve(matrix, rhs, lower: bool = True, adjoint: bool = False, name=None) -> Tensor:
    """Solve ``matrix @ x = rhs`` for a triangular ``matrix`` (only its ``lower`` or upper
    triangle is read; ``adjoint`` solves with its conjugate transpose instead).

    >>> import gradtape as gt
    >>> a = gt.constant([[2.0, 0.0], [1.0, 1.0]])
    >>> gt.linalg.triangular_solve(a, gt.constant([[2.0], [3.0]])).numpy()
    array([[1.],
           [2.]], dtype=float32)
    """
    a = _matrix(matrix, "triangular_solve", "matrix", square=True)
    b = _rhs(rhs, a, "triangular_solve")
    return bind(_trisolve, a, b, lower=bool(lower), adjoint=bool(adjoint))


# -- Cholesky --------------------------------------------------------------------------------
def _chol_fwd(x):
    try:
        return np.linalg.cholesky(x)
    except LinAlgError:
        raise LinAlgError("cholesky: the matrix is not positive definite") from None


def _phi_mask(n, dtype):
    """Lower triangle with the diagonal halved."""
    return _tri_mask(n, True, dtype) - 0.5 * np.eye(n, dtype=_real_dtype(dtype))


def _chol_vjp(m, g, ans, x):
    # TensorFlow's rule: S = L^-H Phi(L^H G) L^-1, grad = (S + S^H) / 2.
    l = ans
    mid = m.matmul(_mH(m, l), g) * _phi_mask(l.shape[-1], l.dtype)
    y = m.matrix_triangular_solve(l, mid, lower=True, adjoint=True)
    s = _mH(m, m.matrix_triangular_solve(l, _mH(m, y), lower=True, adjoint=True))
    return (s + _mH(m, s)) * 0.5


def _chol_jvp(m, t, ans, x):
    # dL = L Phi(L^-1 dA L^-H), with dA symmetrized (the gradient above is symmetric).
    l = ans
    s = (t + _mH(m, t)) * 0.5
    tmp = m.matrix_triangular_solve(l, s, lower=True, adjoint=False)
    mid = m.matrix_triangular_solve(l, _mH(m, tmp), lower=True, adjoint=False)
    return m.matmul(l, mid * _phi_mask(l.shape[-1], l.dtype))


_cholesky = primitive("cholesky", _chol_fwd, vjp=(_chol_vjp,), jvp=(_chol_jvp,),
                      save_args=(), save_out=True)


def cholesky(input, name=None) -> Tensor:  # noqa: A002 - TensorFlow's name
    """The lower Cholesky factor ``L`` of Hermitian positive definite matrices (``A = L L^H``).

    Only the lower triangle of ``input`` is read. As in TensorFlow the gradient is the
    symmetric (Hermitian) one, i.e. the derivative along symmetric perturbations.

    >>> import gradtape as gt
    >>> gt.linalg.cholesky(gt.constant([[4.0, 2.0], [2.0, 5.0]])).numpy()
    array([[2., 0.],
           [1., 2.]], dtype=float32)
    """
    x = _matrix(input, "cholesky", "input", square=True)
    return bind1(_cholesky, x)


def cholesky_solve(chol, rhs, name=None) -> Tensor:
    """Solve ``A x = rhs`` given the Cholesky factor ``chol`` of ``A`` (as from ``cholesky``).

    >>> import gradtape as gt
    >>> c = gt.linalg.cholesky(gt.constant([[4.0, 2.0], [2.0, 5.0]]))
    >>> gt.linalg.cholesky_solve(c, gt.constant([[6.0], [7.0]])).numpy()
    array([[1.],
           [1.]], dtype=float32)
    """
    c = _matrix(chol, "cholesky_solve", "chol", square=True)
    b = _rhs(rhs, c, "cholesky_solve")
    y = bind(_trisolve, c, b, lower=True, adjoint=False)
    return bind(_trisolve, c, y, lower=True, adjoint=True)


# -- pseudo-inverse and least squares --------------------------------------------------------
def _pinv_fwd(x, rcond):
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    if s.shape[-1] == 0:
        return np.zeros(x.shape[:-2] + (x.shape[-1], x.shape[-2]), dtype=x.dtype)
    keep = s > rcond * np.max(s, axis=-1, keepdims=True)
    sinv = np.where(keep, 1 / np.where(keep, s, 1), 0).astype(s.dtype)
    return np.matmul(_np_adj(vh) * sinv[..., None, :], _np_adj(u))


def _pinv_vjp(m, g, ans, a, rcond):
    x, xh, gh = ans, _mH(m, ans), _mH(m, g)
    t1 = -m.matmul(m.matmul(xh, g), xh)
    t2 = m.matmul(gh - m.matmul(a, m.matmul(x, gh)), m.matmul(x, xh))
    t3 = m.matmul(m.matmul(xh, x), gh - m.matmul(m.matmul(gh, x), a))
    return t1 + t2 + t3


def _pinv_jvp(m, t, ans, a, rcond):
    # dX = -X dA X + X X^H dA^H (I - A X) + (I - X A) dA^H X^H X  (Golub & Pereyra 1973)
    x, xh, th = ans, _mH(m, ans), _mH(m, t)
    j1 = -m.matmul(m.matmul(x, t), x)
    j2 = m.matmul(m.matmul(x, xh), th - m.matmul(m.matmul(th, a), x))
    j3 = m.matmul(th - m.matmul(x, m.matmul(a, th)), m.matmul(xh, x))
    return j1 + j2 + j3


_pinv = primitive("matrix_pinv", _pinv_fwd, vjp=(_pinv_vjp,), jvp=(_pinv_jvp,),
                  save_args=(0,), save_out=True)


def pinv(a, rcond=None, validate_args=False, name=None) -> Tensor:
    """The Moore-Penrose pseudo-inverse of the innermost matrices, from their SVD.

    Singular values at or below ``rcond * max(singular values)`` are treated as zero;
    ``rcond`` defaults to ``10 * max(rows, cols) * eps``, as in TensorFlow. The gradient
    (Golub and Pereyra) holds where the rank does not change.

    >>> import gradtape as gt
    >>> gt.linalg.pinv(gt.constant([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]])).numpy()
    array([[1. , 0. , 0. ],
           [0. , 0.5, 0. ]], dtype=float32)
    """
    x = _matrix(a, "pinv", "a")
    if rcond is None:
        rcond = 10.0 * max(x.shape[-2:]) * float(np.finfo(x.dtype).eps)
    else:
        rcond = float(rcond.numpy() if isinstance(rcond, Tensor) else rcond)
    return bind(_pinv, x, rcond=rcond)


def lstsq(matrix, rhs, l2_regularizer=0.0, fast: bool = True, name=None) -> Tensor:
    """Least-squares solution of ``matrix @ x = rhs``, as ``tf.linalg.lstsq``.

    With ``fast=True`` (the default) this solves the regularized normal equations with a
    Cholesky factorization: ``(A^H A + l2 I)^-1 A^H B`` when ``M >= N``, else
    ``A^H (A A^H + l2 I)^-1 B`` (minimum norm); the matrix must then have full rank unless
    ``l2_regularizer > 0``. With ``fast=False`` it uses the pseudo-inverse, which handles
    rank-deficient matrices (``l2_regularizer`` must then be 0).

    >>> import gradtape as gt
    >>> a = gt.constant([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    >>> gt.linalg.lstsq(a, gt.constant([[1.0], [2.0], [3.0]])).numpy()
    array([[1.],
           [2.]], dtype=float32)
    """
    a = _matrix(matrix, "lstsq", "matrix")
    b = _rhs(rhs, a, "lstsq")
    rows, cols = a.shape[-2:]
    l2 = l2_regularizer
    l2_value = l2.numpy() if isinstance(l2, Tensor) else np.asarray(l2)
    if np.ndim(l2_value) != 0:
        raise ValueError(f"lstsq: l2_regularizer must be a scalar, got shape {np.shape(l2_value)}")
    if not fast:
        if l2_value != 0:
            raise ValueError("lstsq: l2_regularizer must be 0 with fast=False")
        return matmul(pinv(a), b)
    ah = adjoint(a)
    n = min(rows, cols)
    if rows >= cols:
        gram = matmul(ah, a)
    else:
        gram = matmul(a, ah)
    if isinstance(l2, Tensor) or l2_value != 0:
        gram = gram + l2 * np.eye(n, dtype=a.dtype)
    c = cholesky(gram)
    if rows >= cols:
        return cholesky_solve(c, matmul(ah, b))
    return matmul(ah, cholesky_solve(c, b))


# -- norms -----------------------------------------------------------------------------------
_MATRIX_ORDS = ("euclidean", "fro", 1, 2, np.inf)


def _is_ord(ord, value) -> bool:  # noqa: A002
    """``ord == value`` without comparing strings with numbers."""
    return isinstance(ord, str) == isinstance(value, str) and ord == value


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None) -> Tensor:  # noqa: A002
    """Vector and matrix norms, as ``tf.norm`` / ``tf.linalg.norm``.

    With ``axis=None`` the whole tensor is one vector; an int ``axis`` gives vector norms
    along it and a pair of axes gives matrix norms. ``ord`` is ``'euclidean'`` (the default:
    the 2-norm of vectors, the Frobenius norm of matrices), ``'fro'`` (matrices only), ``1``,
    ``2``, ``np.inf`` or, for vectors, any ``p > 0``. The matrix 2-norm is the largest singular
    value. The result is real for complex inputs (TensorFlow returns it in the input's complex
    dtype, with a zero imaginary part).

    >>> import gradtape as gt
    >>> float(gt.linalg.norm(gt.constant([3.0, 4.0])))
    5.0
    >>> float(gt.linalg.norm(gt.constant([[1.0, -2.0], [3.0, 4.0]]), ord=1, axis=(0, 1)))
    6.0
    """
    from .array import reshape, transpose
    from .math import abs as _abs, conj as _conj, pow as _pow, real, sqrt
    from .reduce import reduce_max, reduce_sum
    from ._rules import keepdims_shape
    x = _as_tensor(tensor)
    if x.dtype.kind not in "fc":
        raise TypeError(f"norm: tensor must be a float or complex tensor, got dtype {x.dtype.name}")
    keepdims = bool(keepdims)
    is_matrix = isinstance(axis, (tuple, list)) and len(axis) == 2
    if is_matrix:
        axes = tuple(normalize_axis(a, x.ndim, "norm") for a in axis)
        if axes[0] == axes[1]:
            raise ValueError(f"norm: the two axes of a matrix norm must differ, got axis={tuple(axis)}")
        if not any(_is_ord(ord, o) for o in _MATRIX_ORDS):
            raise ValueError(f"norm: ord={ord!r} is not a supported matrix norm; use one of "
                             "'euclidean', 'fro', 1, 2, np.inf")
    else:
        if isinstance(axis, (tuple, list)) and len(axis) == 1:
            axis = axis[0]
        if axis is not None and not isinstance(axis, (int, np.integer)):
            raise ValueError(f"norm: axis must be None, an int or a pair of ints, got {axis!r}")
        if isinstance(ord, str):
            if ord != "euclidean":
                raise ValueError(f"norm: ord={ord!r} is only supported for matrix norms (give a pair "
                                 "of axes); use 'euclidean' for vectors")
        elif not np.isreal(ord) or not ord > 0:
            raise ValueError(f"norm: ord={ord!r} must be 'euclidean', 1, 2, np.inf or a positive number")
        axes = None if axis is None else (normalize_axis(int(axis), x.ndim, "norm"),)
    out_axes = None if axes is None else tuple(sorted(axes))

    def finish(r):
        if keepdims:
            return r
        shape = tuple(s for i, s in enumerate(r.shape)
                      if out_axes is not None and (i - r.ndim) not in out_axes)
        return reshape(r, shape)

    if is_matrix and _is_ord(ord, 2):
        from .linalg_decomp import svd
        rest = [i for i in range(x.ndim) if i - x.ndim not in axes]
        perm = tuple(rest) + tuple(a + x.ndim for a in axes)
        s = svd(transpose(x, perm), compute_uv=False)
        r = reduce_max(s, axis=-1)
        return reshape(r, keepdims_shape(x.shape, out_axes)) if keepdims else r
    if _is_ord(ord, "euclidean") or _is_ord(ord, "fro") or _is_ord(ord, 2):
        sq = real(x * _conj(x)) if x.dtype.kind == "c" else x * x
        return finish(sqrt(reduce_sum(sq, axis=out_axes, keepdims=True)))
    ax = _abs(x)
    if is_matrix and (_is_ord(ord, 1) or _is_ord(ord, np.inf)):
        # 1: the largest column sum; inf: the largest row sum
        sum_axis, max_axis = axes if _is_ord(ord, 1) else axes[::-1]
        return finish(reduce_max(reduce_sum(ax, axis=sum_axis, keepdims=True), axis=max_axis, keepdims=True))
    if _is_ord(ord, 1):
        return finish(reduce_sum(ax, axis=out_axes, keepdims=True))
    if _is_ord(ord, np.inf):
        return finish(reduce_max(ax, axis=out_axes, keepdims=True))
    p = float(ord)
    return finish(_pow(reduce_sum(_pow(ax, p), axis=out_axes, keepdims=True), 1.0 / p))



__all__ = ["matmul", "matvec", "matrix_transpose", "adjoint", "diag_part", "diag", "set_diag", "trace",
           "band_part", "inv", "det", "slogdet", "logdet", "solve", "triangular_solve", "cholesky",
           "cholesky_solve", "pinv", "lstsq", "norm"]
