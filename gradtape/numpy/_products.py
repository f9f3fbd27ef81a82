"""Products: dot, vdot, inner, outer, tensordot, einsum, kron, cross.

``tensordot`` (and so ``dot`` and ``inner``) is a transpose, a reshape and one ``matmul``.
``einsum`` contracts its operands left to right with broadcasting multiplies and sums (after
taking diagonals for repeated subscripts), so it handles every NumPy subscript form, including
``...`` and implicit output, but does not search for the cheapest contraction order.
"""

from __future__ import annotations

import string

import numpy as np

from ..ops import array as _arr
from ..ops import linalg as _la
from ..ops import math as _m
from ..ops import reduce as _red
from ._shape import ravel, reshape
from ._support import MAIN, asarray, cast, no_out, norm_axis, operands, unsupported_arg


def _axes_list(axes, nd):
    axes = [axes] if isinstance(axes, (int, np.integer)) else list(axes)
    return [norm_axis(a, nd) for a in axes]


@MAIN
def tensordot(a, b, axes=2):
    """Sum products over the given axes: the last ``axes`` of ``a`` with the first ``axes`` of
    ``b``, or the pairs ``axes=(axes_a, axes_b)``.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.tensordot(gtnp.ones((2, 3, 4)), gtnp.ones((3, 4, 5))).shape
    (2, 5)
    """
    x, y = asarray(a), asarray(b)
    try:
        n = int(axes)
    except TypeError:
        ax_a, ax_b = axes
        ax_a, ax_b = _axes_list(ax_a, x.ndim), _axes_list(ax_b, y.ndim)
    else:
        if n < 0 or n > x.ndim or n > y.ndim:
            raise ValueError("shape-mismatch for sum")
        ax_a, ax_b = list(range(x.ndim - n, x.ndim)), list(range(n))
    if len(ax_a) != len(ax_b) or any(x.shape[i] != y.shape[j] for i, j in zip(ax_a, ax_b)):
        raise ValueError("shape-mismatch for sum")
    return _arr.tensordot(x, y, [ax_a, ax_b])


@MAIN
def dot(a, b, out=None):
    """NumPy's ``dot``: a product for scalars, a matrix product for 2-D, and a sum over the last
    axis of ``a`` and the second-to-last of ``b`` otherwise.

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.dot(gtnp.asarray([1.0, 2.0]), gtnp.asarray([3.0, 4.0])))
    11.0
    """
    no_out(out, "dot")
    x, y = operands(a, b)
    x, y = asarray(x), asarray(y)
    if x.ndim == 0 or y.ndim == 0:
        return _m.multiply(x, y)
    if y.ndim == 1:
        return tensordot(x, y, ([-1], [0]))
    if x.ndim <= 2 and y.ndim <= 2:
        return _la.matmul(x, y)
    return tensordot(x, y, ([-1], [-2]))


@MAIN
def vdot(a, b, /):
    """Dot product of the flattened inputs, conjugating the first.

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.vdot(gtnp.asarray([[1.0, 2.0]]), gtnp.asarray([3.0, 4.0])))
    11.0
    """
    x, y = ravel(a), ravel(b)
    if x.shape != y.shape:
        raise ValueError("vectors have different lengths")
    return _red.reduce_sum(_m.conj(x) * y)


@MAIN
def inner(a, b, /):
    """Sum of products over the last axes of ``a`` and ``b``.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.inner(gtnp.ones((2, 3)), gtnp.ones((4, 3))).shape
    (2, 4)
    """
    x, y = asarray(a), asarray(b)
    if x.ndim == 0 or y.ndim == 0:
        return _m.multiply(x, y)
    return tensordot(x, y, ([-1], [-1]))


@MAIN
def outer(a, b, out=None):
    """Outer product of the flattened inputs.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.outer(gtnp.ones(2), gtnp.ones(3)).shape
    (2, 3)
    """
    no_out(out, "outer")
    return reshape(ravel(a), (-1, 1)) * reshape(ravel(b), (1, -1))


@MAIN
def kron(a, b):
    """Kronecker product.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.kron(gtnp.eye(2), gtnp.ones((2, 2))).shape
    (4, 4)
    """
    x, y = asarray(a), asarray(b)
    nd = max(x.ndim, y.ndim)
    sa = (1,) * (nd - x.ndim) + tuple(x.shape)
    sb = (1,) * (nd - y.ndim) + tuple(y.shape)
    xa = _arr.reshape(x, tuple(v for s in sa for v in (s, 1)))
    yb = _arr.reshape(y, tuple(v for s in sb for v in (1, s)))
    return _arr.reshape(xa * yb, tuple(p * q for p, q in zip(sa, sb)))


@MAIN
def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 3-vectors (2-vectors are taken with a zero third component; two
    2-vectors give the scalar z component).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.cross(gtnp.asarray([1.0, 0.0, 0.0]), gtnp.asarray([0.0, 1.0, 0.0])).numpy()
    array([0., 0., 1.])
    """
    if axis is not None:
        axisa = axisb = axisc = axis
    x, y = asarray(a), asarray(b)
    x = _move_last(x, axisa)
    y = _move_last(y, axisb)
    na, nb = x.shape[-1], y.shape[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n(dimension must be 2 or 3)")
    a0, a1 = x[..., 0], x[..., 1]
    b0, b1 = y[..., 0], y[..., 1]
    if na == 2 and nb == 2:
        return a0 * b1 - a1 * b0
    a2 = x[..., 2] if na == 3 else None
    b2 = y[..., 2] if nb == 3 else None
    if a2 is None:
        c = [a1 * b2, -(a0 * b2), a0 * b1 - a1 * b0]
    elif b2 is None:
        c = [-(a2 * b1), a2 * b0, a0 * b1 - a1 * b0]
    else:
        c = [a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0]
    shape = np.broadcast_shapes(*[tuple(t.shape) for t in c])
    c = [t if tuple(t.shape) == shape else _arr.broadcast_to(t, shape) for t in c]
    r = _arr.stack(c, axis=-1)
    return _move_from_last(r, axisc)


def _move_last(x, axis):
    ax = norm_axis(axis, x.ndim)
    if ax == x.ndim - 1:
        return x
    return _arr.transpose(x, tuple(d for d in range(x.ndim) if d != ax) + (ax,))


def _move_from_last(x, axis):
    ax = norm_axis(axis, x.ndim)
    if ax == x.ndim - 1:
        return x
    perm = list(range(x.ndim - 1))
    perm.insert(ax, x.ndim - 1)
    return _arr.transpose(x, tuple(perm))


# -- 1-D convolution and polynomials ----------------------------------------------------------------
@MAIN
def convolve(a, v, mode="full"):
    """Discrete linear convolution of two 1-D sequences (``mode`` ``"full"``, ``"same"`` or
    ``"valid"``): a gather of sliding windows and one matrix-vector product.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.convolve(gtnp.asarray([1.0, 2.0, 3.0]), [0.0, 1.0, 0.5]).numpy()
    array([0. , 1. , 2.5, 4. , 1.5])
    """
    x, w = asarray(a), asarray(v)
    if x.ndim != 1 or w.ndim != 1:
        raise ValueError("object too deep for desired array")
    if x.shape[0] == 0:
        raise ValueError("a cannot be empty")
    if w.shape[0] == 0:
        raise ValueError("v cannot be empty")
    if w.shape[0] > x.shape[0]:
        x, w = w, x
    n, m = x.shape[0], w.shape[0]
    if mode not in ("full", "same", "valid"):
        raise ValueError(f"mode must be one of 'full', 'same', or 'valid' (got {mode!r})")
    padded = _arr.pad(x, [[m - 1, m - 1]]) if m > 1 else x
    windows = padded[np.arange(n + m - 1)[:, None] + np.arange(m)[None, :]]
    full = _la.matmul(windows, w[::-1])
    if mode == "full":
        return full
    start = (m - 1) // 2 if mode == "same" else m - 1
    return full[start:start + (n if mode == "same" else n - m + 1)]


@MAIN
def correlate(a, v, mode="valid"):
    """Cross-correlation of two 1-D sequences: ``convolve(a, conj(v[::-1]), mode)``.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.correlate(gtnp.asarray([1.0, 2.0, 3.0]), [0.0, 1.0, 0.5]).numpy()
    array([3.5])
    """
    w = asarray(v)
    return convolve(a, _m.conj(w[::-1]) if w.ndim == 1 else w, mode)


@MAIN
def polyval(p, x):
    """Evaluate the polynomial with coefficients ``p`` (highest power first) at ``x`` (Horner's
    rule, as NumPy); differentiable in both.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.polyval([1.0, 0.0, -2.0], gtnp.asarray([2.0, 3.0])).numpy()
    array([2., 7.])
    """
    xt = asarray(x)
    pt = asarray(p)
    y = asarray(np.zeros_like(xt._value))
    for i in range(pt.shape[0] if pt.ndim else 1):
        y = y * xt + (pt[i] if pt.ndim else pt)
    return y


# -- einsum ----------------------------------------------------------------------------------------
def _sublist_subscripts(args):
    """Convert einsum's interleaved form ``(op0, sub0, op1, sub1, ..., [out])`` to a string."""
    letters = string.ascii_letters

    def sub(lst):
        return "".join("..." if s is Ellipsis else letters[int(s)] for s in lst)

    ops, subs = list(args[0::2]), list(args[1::2])
    out = None
    if len(ops) > len(subs):
        out = ops.pop()  # the output sublist comes last, in an operand position
    spec = ",".join(sub(s) for s in subs)
    if out is not None:
        spec += "->" + sub(out)
    return spec, ops


@MAIN
def einsum(*operands, out=None, optimize=False, dtype=None, casting="safe", order="K"):
    """Einstein summation with NumPy's subscripts (``"ij,jk->ik"``, ``"ii"``, ``"...i,i"``, implicit
    output, or the interleaved operand/sublist form).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.einsum("ij,j->i", gtnp.ones((2, 3)), gtnp.asarray([1.0, 2.0, 3.0])).numpy()
    array([6., 6.])
    """
    no_out(out, "einsum")
    if casting != "safe" and dtype is None:
        unsupported_arg("einsum", f"casting={casting!r}")
    if isinstance(operands[0], str):
        spec, ops = operands[0], list(operands[1:])
    else:
        spec, ops = _sublist_subscripts(operands)
    xs = [asarray(o) for o in ops]
    if dtype is not None:
        xs = [cast(x, dtype) for x in xs]
    return _arr.einsum(spec, *xs)


__all__: list = []
