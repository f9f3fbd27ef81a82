"""Linear algebra: matrix products and friends.

``matmul`` follows NumPy's rules for 1-D operands and batch broadcasting. For complex inputs
the VJP uses adjoints (conjugate transposes), TensorFlow's convention.
"""

from __future__ import annotations

import numpy as np

from .._engine.primitive import bind, primitive
from .._engine.tensor import Tensor, wrap
from ._rules import conj


def _mT(m, x):
    nd = len(x.shape)
    return m.transpose(x, perm=tuple(range(nd - 2)) + (nd - 1, nd - 2))


def _mH(m, x):
    return conj(m, _mT(m, x))


def _expand_last(m, x, where):
    s = tuple(x.shape)
    return m.reshape(x, shape=s + (1,) if where == -1 else s[:-1] + (1, s[-1]))


def _matmul_da(m, g, ans, a, b):
    if len(b.shape) == 1:
        # a @ b with b a vector: ans (..., m); da = g[..., :, None] * conj(b)
        return _expand_last(m, g, -1) * conj(m, b)
    if len(a.shape) == 1:
        # ans (..., n); da = (g[..., None, :] @ b^H)[..., 0, :]
        r = m.matmul(_expand_last(m, g, -2), _mH(m, b))
        return m.reshape(r, shape=tuple(r.shape[:-2]) + (r.shape[-1],))
    return m.matmul(g, _mH(m, b))


def _matmul_db(m, g, ans, a, b):
    if len(a.shape) == 1 and len(b.shape) == 1:
        return _expand_last(m, g, -1) * conj(m, a)
    if len(b.shape) == 1:
        # ans (..., m) = a (..., m, k) @ b (k,); db = (g[..., None, :] @ conj(a))[..., 0, :]
        r = m.matmul(_expand_last(m, g, -2), conj(m, a))
        return m.reshape(r, shape=tuple(r.shape[:-2]) + (r.shape[-1],))
    if len(a.shape) == 1:
        # ans (..., n) = a (k,) @ b (..., k, n); db = conj(a)[:, None] * g[..., None, :]
        return m.reshape(conj(m, a), shape=(a.shape[0], 1)) * _expand_last(m, g, -2)
    return m.matmul(_mH(m, a), g)


_matmul = primitive("matmul", np.matmul, vjp=(_matmul_da, _matmul_db),
                    jvp=(lambda m, t, ans, a, b: m.matmul(t, b), lambda m, t, ans, a, b: m.matmul(a, t)),
                    save_out=False)


def _as_tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


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
    _check_matmul(a, b, "matmul")
    return bind(_matmul, a, b)


def _check_matmul(a, b, op):
    sa, sb = np.shape(a) if not isinstance(a, Tensor) else a.shape, np.shape(b) if not isinstance(b, Tensor) else b.shape
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
        return bind(_matmul, a, b)
    from .array import reshape
    bb = reshape(b, tuple(b.shape) + (1,))
    _check_matmul(a, bb, "matvec")
    r = bind(_matmul, a, bb)
    return reshape(r, tuple(r.shape[:-1]))


del wrap

__all__ = ["matmul", "matvec"]
