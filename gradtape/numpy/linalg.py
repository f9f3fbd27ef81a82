"""``numpy.linalg`` on tensors: ``gtnp.linalg.inv``, ``det``, ``solve``, ``norm``, ...

Decompositions and solvers run gradtape's ``gt.linalg`` ops with NumPy's signatures and
return conventions (``svd`` returns ``U, S, Vh``; ``solve`` treats ``b`` as a vector only when it
is 1-D; results of ``slogdet``, ``qr``, ``eigh`` and ``svd`` are named tuples with NumPy's field
names). ``norm`` and ``matrix_power`` are composites. A function whose gradtape op is missing is
left out (see ``gradtape.numpy._support.MISSING``).

Gradients of ``eigh``/``eigvalsh``/``cholesky`` treat the input as symmetric (Hermitian), as
TensorFlow does: differentiate a function of a symmetric matrix (``(a + a.T) / 2``) when
comparing with finite differences.

>>> import gradtape as gt
>>> import gradtape.numpy as gtnp
>>> a = gt.constant([[3.0, 1.0], [1.0, 2.0]], gt.float64)
>>> with gt.GradientTape() as tape:
...     tape.watch(a)
...     n = gtnp.linalg.norm(a)
>>> round(float(n) ** 2, 6)
15.0
"""

from __future__ import annotations

import builtins as _b
import functools
from collections import namedtuple

import numpy as np

from .._engine.tensor import Tensor
from ..ops import math as _m
from ..ops import reduce as _red
from . import _products, _select, _shape, _ufuncs
from ._reductions import sum as _sum
from ._support import LINALG, MISSING, asarray, cast, find_op, no_out, nograd, norm_axes, op, unsupported_arg

LinAlgError = np.linalg.LinAlgError

SlogdetResult = namedtuple("SlogdetResult", ["sign", "logabsdet"])
QRResult = namedtuple("QRResult", ["Q", "R"])
EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])
LstsqResult = namedtuple("LstsqResult", ["x", "residuals", "rank", "singular_values"])


def _float(a) -> Tensor:
    x = asarray(a)
    return x if x.dtype.kind in "fc" else cast(x, np.float64)


def _square(x, fn):
    if x.ndim < 2:
        raise LinAlgError(f"{x.ndim}-dimensional array given. Array must be at least two-dimensional")
    if x.shape[-1] != x.shape[-2]:
        raise LinAlgError("Last 2 dimensions of the array must be square")


def _mH(x):
    return _m.conj(_shape.matrix_transpose(x))


@LINALG(needs=("linalg.inv",))
def inv(a):
    """Matrix inverse (of the last two axes).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.linalg.inv(gtnp.asarray([[2.0, 0.0], [0.0, 4.0]])).numpy()
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    x = _float(a)
    _square(x, "inv")
    return op("linalg.inv")(x)


@LINALG(needs=("linalg.det",))
def det(a):
    """Determinant (of the last two axes).

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.linalg.det(gtnp.asarray([[2.0, 1.0], [1.0, 3.0]])))
    5.0
    """
    x = _float(a)
    _square(x, "det")
    return op("linalg.det")(x)


@LINALG(needs=("linalg.slogdet",))
def slogdet(a):
    """Sign and log of the absolute value of the determinant, as ``(sign, logabsdet)``.

    >>> import gradtape.numpy as gtnp
    >>> sign, logabsdet = gtnp.linalg.slogdet(gtnp.asarray([[-2.0, 0.0], [0.0, 1.0]]))
    >>> float(sign), round(float(logabsdet), 6)
    (-1.0, 0.693147)
    """
    x = _float(a)
    _square(x, "slogdet")
    sign, logabs = op("linalg.slogdet")(x)
    return SlogdetResult(sign, logabs)


@LINALG(needs=("linalg.solve",))
def solve(a, b):
    """Solve ``a @ x = b``; ``b`` is a vector when it is 1-D, else a (stack of) matrices.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.linalg.solve(gtnp.asarray([[2.0, 0.0], [0.0, 4.0]]), gtnp.asarray([1.0, 1.0])).numpy()
    array([0.5 , 0.25])
    """
    x, y = _float(a), _float(b)
    _square(x, "solve")
    dt = np.result_type(x.dtype, y.dtype)
    x, y = cast(x, dt), cast(y, dt)
    if y.ndim == 1:
        r = op("linalg.solve")(x, _shape.reshape(y, (-1, 1)) if x.ndim == 2 else
                               _shape.broadcast_to(_shape.reshape(y, (-1, 1)), tuple(x.shape[:-1]) + (1,)))
        return r[..., 0]
    if tuple(x.shape[:-2]) != tuple(y.shape[:-2]):
        batch = np.broadcast_shapes(tuple(x.shape[:-2]), tuple(y.shape[:-2]))
        x = _shape.broadcast_to(x, batch + tuple(x.shape[-2:]))
        y = _shape.broadcast_to(y, batch + tuple(y.shape[-2:]))
    return op("linalg.solve")(x, y)


@LINALG(needs=("linalg.cholesky",))
def cholesky(a, /, *, upper=False):
    """Cholesky factor: lower ``L`` with ``a = L @ L^H`` (upper ``L^H`` when ``upper``).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.linalg.cholesky(gtnp.asarray([[4.0, 2.0], [2.0, 2.0]])).numpy()
    array([[2., 0.],
           [1., 1.]])
    """
    x = _float(a)
    _square(x, "cholesky")
    low = op("linalg.cholesky")(x)
    return _mH(low) if upper else low


@LINALG(needs=("linalg.qr",))
def qr(a, mode="reduced"):
    """QR decomposition: ``mode`` is ``"reduced"``, ``"complete"`` or ``"r"``.

    >>> import gradtape.numpy as gtnp
    >>> q, r = gtnp.linalg.qr(gtnp.asarray([[3.0, 0.0], [4.0, 1.0]]))
    >>> gtnp.allclose(q @ r, [[3.0, 0.0], [4.0, 1.0]])
    True
    """
    if mode not in ("reduced", "complete", "r"):
        unsupported_arg("linalg.qr", f"mode={mode!r}")
    x = _float(a)
    q, r = op("linalg.qr")(x, full_matrices=(mode == "complete"))
    return r if mode == "r" else QRResult(q, r)


def _uplo(x, UPLO):
    if UPLO not in ("L", "U"):
        raise ValueError("UPLO argument must be 'L' or 'U'")
    return _mH(x) if UPLO == "U" else x


@LINALG(needs=("linalg.eigh",))
def eigh(a, UPLO="L"):
    """Eigenvalues (ascending) and eigenvectors of a symmetric/Hermitian matrix.

    >>> import gradtape.numpy as gtnp
    >>> w, v = gtnp.linalg.eigh(gtnp.asarray([[2.0, 0.0], [0.0, 1.0]]))
    >>> w.numpy()
    array([1., 2.])
    """
    x = _float(a)
    _square(x, "eigh")
    w, v = op("linalg.eigh")(_uplo(x, UPLO))
    return EighResult(w, v)


@LINALG(needs=("linalg.eigh",))
def eigvalsh(a, UPLO="L"):
    """Eigenvalues (ascending) of a symmetric/Hermitian matrix.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.linalg.eigvalsh(gtnp.asarray([[2.0, 0.0], [0.0, 1.0]])).numpy()
    array([1., 2.])
    """
    x = _float(a)
    _square(x, "eigvalsh")
    fn = find_op("linalg.eigvalsh")
    if fn is not None:
        return fn(_uplo(x, UPLO))
    return op("linalg.eigh")(_uplo(x, UPLO))[0]


@LINALG(needs=("linalg.svd",))
def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """Singular value decomposition ``a = U @ diag(S) @ Vh`` (NumPy's order and ``Vh``).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.linalg.svd(gtnp.asarray([[3.0, 0.0], [0.0, 4.0]]), compute_uv=False).numpy()
    array([4., 3.])
    """
    x = _float(a)
    if x.ndim < 2:
        raise LinAlgError(f"{x.ndim}-dimensional array given. Array must be at least two-dimensional")
    if not compute_uv:
        return op("linalg.svd")(x, compute_uv=False)
    s, u, v = op("linalg.svd")(x, full_matrices=bool(full_matrices), compute_uv=True)
    return SVDResult(u, s, _mH(v))


@LINALG(needs=("linalg.svd",))
def svdvals(x, /):
    """Singular values, in descending order.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.linalg.svdvals(gtnp.asarray([[3.0, 0.0], [0.0, 4.0]])).numpy()
    array([4., 3.])
    """
    return svd(x, compute_uv=False)


def _abs2(x):
    return _m.real(x * _m.conj(x)) if x.dtype.kind == "c" else x * x


def _l2(x, axes, keepdims):
    """Euclidean norm over ``axes``; for real input its gradient at 0 is 0 (a subgradient)."""
    if x.dtype.kind == "c":
        return _m.sqrt(_red.reduce_sum(_abs2(x), axis=axes, keepdims=bool(keepdims)))
    return _red.reduce_euclidean_norm(x, axis=axes, keepdims=bool(keepdims))


def _vector_norm(x, ord, axes, keepdims):
    kd = bool(keepdims)
    if ord is None or ord == 2:
        return _l2(x, axes, kd)
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    ax = _m.abs(x)
    if ord == np.inf:
        return _red.reduce_max(ax, axis=axes, keepdims=kd)
    if ord == -np.inf:
        return _red.reduce_min(ax, axis=axes, keepdims=kd)
    if ord == 0:
        return nograd(lambda v: np.sum(v != 0, axis=axes, keepdims=kd).astype(ax.dtype), x)
    if ord == 1:
        return _red.reduce_sum(ax, axis=axes, keepdims=kd)
    return _m.pow(_red.reduce_sum(_m.pow(ax, float(ord)), axis=axes, keepdims=kd), 1.0 / ord)


def _svals_over(x, r, c):
    if find_op("linalg.svd") is None:
        unsupported_arg("linalg.norm", "ord=2, -2 or 'nuc' (gradtape has no svd)")
    return svdvals(_shape.moveaxis(x, (r, c), (-2, -1)))


def _matrix_norm(x, ord, r, c, keepdims):
    if ord in (None, "fro", "f"):
        res = _l2(x, (r, c), False)
    elif ord == "nuc":
        res = _red.reduce_sum(_svals_over(x, r, c), axis=-1)
    elif ord in (2, -2):
        s = _svals_over(x, r, c)
        res = _red.reduce_max(s, axis=-1) if ord == 2 else _red.reduce_min(s, axis=-1)
    elif ord in (1, -1, np.inf, -np.inf):
        red = _red.reduce_max if ord > 0 else _red.reduce_min
        if ord in (1, -1):
            inner_ax, outer_ax = r, c - (1 if c > r else 0)
        else:
            inner_ax, outer_ax = c, r - (1 if r > c else 0)
        res = red(_red.reduce_sum(_m.abs(x), axis=inner_ax), axis=outer_ax)
    else:
        raise ValueError("Invalid norm order for matrices.")
    if keepdims:
        res = _shape.reshape(res, tuple(1 if d in (r, c) else s for d, s in enumerate(x.shape)))
    return res


@LINALG
def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm, with NumPy's ``ord`` and ``axis`` rules (``ord=None``: 2-norm of
    the flattened input, or Frobenius for a matrix). The 2-norm of a real input has gradient 0
    at 0 (where the square root has none), as ``gt.math.reduce_euclidean_norm``.

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.linalg.norm(gtnp.asarray([3.0, 4.0])))
    5.0
    """
    t = _float(x)
    nd = t.ndim
    if axis is None:
        if ord is None:
            return _l2(t, None, keepdims)
        if nd == 1:
            axis = (0,)
        elif nd == 2:
            axis = (0, 1)
        else:
            raise ValueError("Improper number of dimensions to norm.")
    axes = norm_axes(axis, nd)
    if len(axes) == 1:
        return _vector_norm(t, ord, axes, keepdims)
    if len(axes) == 2:
        return _matrix_norm(t, ord, axes[0], axes[1], keepdims)
    raise ValueError("Improper number of dimensions to norm.")


@LINALG
def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """Vector norm over ``axis`` (all axes, flattened, when None; several axes are flattened).

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.linalg.vector_norm(gtnp.ones((2, 2)), ord=1))
    4.0
    """
    t = _float(x)
    nd = t.ndim
    axes = tuple(range(nd)) if axis is None else norm_axes(axis, nd)
    if len(axes) <= 1:
        return _vector_norm(t, ord, axes, keepdims)
    rest = [d for d in range(nd) if d not in axes]
    y = _shape.reshape(_shape.transpose(t, rest + list(axes)), tuple(t.shape[d] for d in rest) + (-1,))
    r = _vector_norm(y, ord, (-1,), False)
    if keepdims:
        r = _shape.reshape(r, tuple(1 if d in axes else s for d, s in enumerate(t.shape)))
    return r


@LINALG
def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """Matrix norm of the last two axes.

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.linalg.matrix_norm(gtnp.asarray([[3.0, 0.0], [0.0, 4.0]])))
    5.0
    """
    t = _float(x)
    return _matrix_norm(t, ord, t.ndim - 2, t.ndim - 1, keepdims)


@LINALG(needs=("linalg.pinv",))
def pinv(a, rcond=None, hermitian=False, *, rtol=None):
    """Moore-Penrose pseudo-inverse; singular values below ``rcond`` times the largest are
    dropped (``1e-15`` by default, as in NumPy).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.linalg.pinv(gtnp.asarray([[2.0, 0.0], [0.0, 0.0]])).numpy()
    array([[0.5, 0. ],
           [0. , 0. ]])
    """
    x = _float(a)
    if rcond is None:
        rcond = rtol if rtol is not None else 1e-15
    return op("linalg.pinv")(x, rcond=rcond)


@LINALG
def matrix_power(a, n):
    """``a`` to the integer power ``n`` by repeated squaring (``n < 0`` inverts first).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.linalg.matrix_power(gtnp.asarray([[1.0, 1.0], [0.0, 1.0]]), 3).numpy()
    array([[1., 3.],
           [0., 1.]])
    """
    x = asarray(a)
    _square(x, "matrix_power")
    n = int(n)
    if n == 0:
        return _shape.broadcast_to(asarray(np.eye(x.shape[-1], dtype=x.dtype)), tuple(x.shape))
    if n < 0:
        if "inv" not in LINALG.names:
            unsupported_arg("linalg.matrix_power", "a negative power (gradtape has no inverse)")
        x, n = LINALG.names["inv"](x), -n
    result = None
    z = x
    while True:
        if n & 1:
            result = z if result is None else _ufuncs.MAIN.names["matmul"](result, z)
        n >>= 1
        if not n:
            return result
        z = _ufuncs.MAIN.names["matmul"](z, z)


@LINALG
def matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    """Numerical rank (no gradient: an integer).

    >>> import gradtape.numpy as gtnp
    >>> int(gtnp.linalg.matrix_rank(gtnp.eye(3)))
    3
    """
    kw = {} if rtol is None else {"rtol": rtol}
    return nograd(np.linalg.matrix_rank, A, tol, hermitian, **kw)


@LINALG(needs=("linalg.pinv", "linalg.svd"))
def lstsq(a, b, rcond=None):
    """Least-squares solution of ``a @ x = b``: ``(x, residuals, rank, singular_values)``.

    >>> import gradtape.numpy as gtnp
    >>> x, res, rank, s = gtnp.linalg.lstsq(gtnp.asarray([[1.0], [1.0]]), gtnp.asarray([1.0, 3.0]))
    >>> x.numpy()
    array([2.])
    """
    x, y = _float(a), _float(b)
    m, n = x.shape[-2], x.shape[-1]
    if rcond is None:
        rcond = np.finfo(x.dtype).eps * _b.max(m, n)
    sol = _products.dot(pinv(x, rcond=rcond), y)
    rank = nograd(np.linalg.matrix_rank, x, tol=None)
    if int(rank) == n and m > n:
        resid = y - _products.dot(x, sol)
        residuals = _sum(_abs2(resid), axis=0)
        if y.ndim == 1:
            residuals = _shape.reshape(residuals, (1,))
    else:
        residuals = asarray(np.empty((0,), x.dtype))
    return LstsqResult(sol, residuals, int(rank), svdvals(x))


@LINALG
def multi_dot(arrays, *, out=None):
    """The chained product ``arrays[0] @ arrays[1] @ ...`` (1-D ends as in ``dot``).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.linalg.multi_dot([gtnp.ones((2, 3)), gtnp.ones((3, 4)), gtnp.ones(4)]).numpy()
    array([12., 12.])
    """
    no_out(out, "linalg.multi_dot")
    if len(arrays) < 2:
        raise ValueError("Expecting at least two arrays.")
    return functools.reduce(_products.dot, [asarray(a) for a in arrays])


@LINALG(needs=("linalg.svd", "linalg.inv"))
def cond(x, p=None):
    """Condition number in the norm ``p`` (the ratio of extreme singular values by default).

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.linalg.cond(gtnp.asarray([[2.0, 0.0], [0.0, 1.0]])))
    2.0
    """
    t = _float(x)
    if p in (None, 2, -2):
        s = svdvals(t)
        hi, lo = _red.reduce_max(s, axis=-1), _red.reduce_min(s, axis=-1)
        return hi / lo if p != -2 else lo / hi
    return norm(t, p, axis=(-2, -1)) * norm(inv(t), p, axis=(-2, -1))


@LINALG
def trace(x, /, *, offset=0, dtype=None):
    """Sum along the diagonals of the last two axes.

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.linalg.trace(gtnp.eye(3)))
    3.0
    """
    return _select.trace(x, offset, -2, -1, dtype)


@LINALG
def diagonal(x, /, *, offset=0):
    """The diagonals of the last two axes.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.linalg.diagonal(gtnp.eye(2)).numpy()
    array([1., 1.])
    """
    return _select.diagonal(x, offset, -2, -1)


@LINALG
def outer(x1, x2, /):
    """Outer product of two vectors.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.linalg.outer(gtnp.ones(2), gtnp.ones(3)).shape
    (2, 3)
    """
    a, b = asarray(x1), asarray(x2)
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError(f"Input arrays must be one-dimensional, but they are "
                         f"x1.ndim={a.ndim} and x2.ndim={b.ndim}.")
    return _products.outer(a, b)


@LINALG
def cross(x1, x2, /, *, axis=-1):
    """Cross product of 3-vectors along ``axis``.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.linalg.cross(gtnp.asarray([0.0, 1.0, 0.0]), gtnp.asarray([0.0, 0.0, 1.0])).numpy()
    array([1., 0., 0.])
    """
    a, b = asarray(x1), asarray(x2)
    if a.shape[axis] != 3 or b.shape[axis] != 3:
        raise ValueError("Both input arrays must be (arrays of) 3-dimensional vectors")
    return _products.cross(a, b, axis=axis)


@LINALG
def tensordot(x1, x2, /, *, axes=2):
    """``np.tensordot`` with keyword ``axes``.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.linalg.tensordot(gtnp.ones((2, 3)), gtnp.ones((3, 2)), axes=1).shape
    (2, 2)
    """
    return _products.tensordot(x1, x2, axes)


@LINALG
def matmul(x1, x2, /):
    """Matrix product (``np.matmul``).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.linalg.matmul(gtnp.ones((2, 3)), gtnp.ones((3, 2))).shape
    (2, 2)
    """
    return _ufuncs.MAIN.names["matmul"](x1, x2)


@LINALG
def vecdot(x1, x2, /, *, axis=-1):
    """Vector dot product over ``axis`` (conjugating ``x1``).

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.linalg.vecdot(gtnp.ones(3), gtnp.ones(3)))
    3.0
    """
    return _ufuncs.vecdot(x1, x2, axis=axis)


@LINALG
def matrix_transpose(x, /):
    """Swap the last two axes.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.linalg.matrix_transpose(gtnp.ones((2, 3))).shape
    (3, 2)
    """
    return _shape.matrix_transpose(x)


# Leave out the functions whose gradtape ops are missing.
for _name in [k.rsplit(".", 1)[1] for k in MISSING if k.startswith(__name__ + ".")]:
    globals().pop(_name, None)

__all__ = list(LINALG.names) + ["LinAlgError"]
