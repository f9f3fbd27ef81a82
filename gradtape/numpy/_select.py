"""Selecting and rearranging elements: take, sort, where, clip, diagonals, interpolation, and the
index-valued functions (argmax, nonzero, ...), which have no gradient and run on the values.
"""

from __future__ import annotations

import builtins as _b
import math as _pymath

import numpy as np

from .._engine.tensor import Tensor
from ..ops import array as _arr
from ..ops import indexing as _ix
from ..ops import linalg as _la
from ..ops import math as _m
from ..ops import scan as _scan
from ._shape import along, ravel
from ._support import (
    MAIN, asarray, cast, no_out, nograd, norm_axis, op, operands, unsupported_arg, value,
)


def _idx(indices) -> np.ndarray:
    idx = np.asarray(value(indices))
    if idx.dtype.kind not in "iu":
        if idx.size == 0:
            return idx.astype(np.intp)
        raise IndexError("arrays used as indices must be of integer (or boolean) type")
    return idx


# -- gathering --------------------------------------------------------------------------------------
@MAIN
def take(a, indices, axis=None, out=None, mode="raise"):
    """Elements of ``a`` at ``indices`` along ``axis`` (of the flattened array when None).

    ``mode`` is ``"raise"``, ``"wrap"`` or ``"clip"`` as in NumPy.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.take(gtnp.asarray([1.0, 2.0, 3.0]), [2, 0]).numpy()
    array([3., 1.])
    """
    no_out(out, "take")
    x = asarray(a)
    idx = _idx(indices)
    if axis is None:
        x, axis = ravel(x), 0
    axis = norm_axis(axis, x.ndim)
    n = x.shape[axis]
    if mode == "raise":
        if idx.size and (idx.min() < -n or idx.max() >= n):
            bad = idx.max() if idx.max() >= n else idx.min()
            raise IndexError(f"index {bad} is out of bounds for axis {axis} with size {n}")
    elif mode == "wrap":
        idx = idx % n
    elif mode == "clip":
        idx = np.clip(idx, 0, n - 1)
    else:
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    return along(x, axis, idx)


@MAIN
def take_along_axis(arr, indices, axis=-1):
    """Pick values along ``axis`` with an index array of the same rank (e.g. from argsort).

    >>> import gradtape.numpy as gtnp
    >>> x = gtnp.asarray([[3.0, 1.0], [2.0, 5.0]])
    >>> gtnp.take_along_axis(x, gtnp.argsort(x, axis=1), axis=1).numpy()
    array([[1., 3.],
           [2., 5.]])
    """
    x = asarray(arr)
    idx = _idx(indices)
    if axis is None:
        if idx.ndim != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
        x, axis = ravel(x), 0
    if idx.ndim != x.ndim:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    axis = norm_axis(axis, x.ndim)
    fancy = []
    for d in range(x.ndim):
        if d == axis:
            fancy.append(idx)
        else:
            shape = [1] * x.ndim
            shape[d] = x.shape[d]
            fancy.append(np.arange(x.shape[d]).reshape(shape))
    return _ix.getitem(x, tuple(fancy))


@MAIN
def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """Sorted copy along ``axis`` (the flattened array when None). The gradient goes back to the
    element that landed in each place (ties keep their original order).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.sort(gtnp.asarray([3.0, 1.0, 2.0])).numpy()
    array([1., 2., 3.])
    """
    if order is not None:
        unsupported_arg("sort", "order=")
    x = asarray(a)
    if axis is None:
        x, axis = ravel(x), 0
    return _scan.sort(x, axis=norm_axis(axis, x.ndim))


def _nograd_fn(name, fn, doc):
    def f(*args, **kwargs):
        no_out(kwargs.pop("out", None), name)
        return nograd(fn, *args, **kwargs)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    MAIN(f, names=(name,))
    return f


_NOGRAD_DOC = """{summary} Runs NumPy on the values: the result carries no gradient (it is {what}).

    >>> import gradtape.numpy as gtnp
    >>> {example}
    """

for _name, _what, _example in [
    ("argsort", "indices", "gtnp.argsort(gtnp.asarray([3.0, 1.0])).numpy()\n    array([1, 0])"),
    ("argmax", "indices", "int(gtnp.argmax(gtnp.asarray([1.0, 3.0, 2.0])))\n    1"),
    ("argmin", "indices", "int(gtnp.argmin(gtnp.asarray([1.0, 3.0, 2.0])))\n    0"),
    ("nonzero", "indices", "gtnp.nonzero(gtnp.asarray([0.0, 2.0]))[0].numpy()\n    array([1])"),
    ("argwhere", "indices", "gtnp.argwhere(gtnp.asarray([0.0, 2.0])).numpy()\n    array([[1]])"),
    ("flatnonzero", "indices", "gtnp.flatnonzero(gtnp.asarray([0.0, 2.0])).numpy()\n    array([1])"),
    ("searchsorted", "indices", "gtnp.searchsorted(gtnp.asarray([1.0, 2.0]), 1.5).numpy()\n    array(1)"),
    ("count_nonzero", "a count", "gtnp.count_nonzero(gtnp.asarray([0.0, 2.0]))\n    1"),
    ("isclose", "boolean", "gtnp.isclose(gtnp.asarray([1.0]), 1.0).numpy()\n    array([ True])"),
    ("iscomplex", "boolean", "gtnp.iscomplex(gtnp.asarray([1.0])).numpy()\n    array([False])"),
    ("isreal", "boolean", "gtnp.isreal(gtnp.asarray([1.0])).numpy()\n    array([ True])"),
    ("isneginf", "boolean", "gtnp.isneginf(gtnp.asarray([-gtnp.inf])).numpy()\n    array([ True])"),
    ("isposinf", "boolean", "gtnp.isposinf(gtnp.asarray([1.0])).numpy()\n    array([False])"),
    ("all", "boolean", "bool(gtnp.all(gtnp.asarray([1.0, 2.0]) > 0))\n    True"),
    ("any", "boolean", "bool(gtnp.any(gtnp.asarray([1.0, 2.0]) > 1))\n    True"),
    ("digitize", "indices", "gtnp.digitize(gtnp.asarray([0.5, 1.5]), [1.0]).numpy()\n    array([0, 1])"),
    ("isin", "boolean", "gtnp.isin(gtnp.asarray([1.0, 2.0]), [2.0]).numpy()\n    array([False,  True])"),
    ("ix_", "indices", "[t.shape for t in gtnp.ix_([0, 1], [2])]\n    [(2, 1), (1, 1)]"),
    ("unravel_index", "indices", "[int(i) for i in gtnp.unravel_index(5, (2, 3))]\n    [1, 2]"),
    ("ravel_multi_index", "indices", "int(gtnp.ravel_multi_index(([1], [2]), (2, 3))[0])\n    5"),
]:
    _nograd_fn(_name, getattr(np, _name), _NOGRAD_DOC.format(
        summary=f"NumPy's ``np.{_name}``.", what=_what, example=_example))


def _value_fn(name, fn, example):
    def f(*args, **kwargs):
        return fn(*[value(a) if isinstance(a, Tensor) else a for a in args],
                  **{k: value(v) if isinstance(v, Tensor) else v for k, v in kwargs.items()})
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"""NumPy's ``np.{name}`` on the values (a plain Python or NumPy result).

    >>> import gradtape.numpy as gtnp
    >>> {example}
    """
    MAIN(f, names=(name,))
    return f


for _name, _example in [
    ("shape", "gtnp.shape(gtnp.ones((2, 3)))\n    (2, 3)"),
    ("ndim", "gtnp.ndim(gtnp.ones((2, 3)))\n    2"),
    ("size", "gtnp.size(gtnp.ones((2, 3)))\n    6"),
    ("allclose", "gtnp.allclose(gtnp.ones(2), [1.0, 1.0])\n    True"),
    ("array_equal", "gtnp.array_equal(gtnp.ones(2), [1.0, 1.0])\n    True"),
    ("array_equiv", "gtnp.array_equiv(gtnp.ones(2), 1.0)\n    True"),
    ("result_type", "gtnp.result_type(gtnp.ones(2, dtype=gtnp.float32), 1.0)\n    dtype('float32')"),
    ("iscomplexobj", "gtnp.iscomplexobj(gtnp.ones(2))\n    False"),
    ("isrealobj", "gtnp.isrealobj(gtnp.ones(2))\n    True"),
    ("can_cast", "gtnp.can_cast(gtnp.ones(2, dtype=gtnp.float32), gtnp.float64)\n    True"),
    ("min_scalar_type", "gtnp.min_scalar_type(gtnp.asarray(3))\n    dtype('uint8')"),
    ("common_type", "gtnp.common_type(gtnp.ones(2, dtype=gtnp.float32))\n    <class 'numpy.float32'>"),
    ("shares_memory", "gtnp.shares_memory(gtnp.ones(2), gtnp.ones(2))\n    False"),
    ("may_share_memory", "gtnp.may_share_memory(gtnp.ones(2), gtnp.ones(2))\n    False"),
    ("array2string", "gtnp.array2string(gtnp.asarray([1.0, 2.0]))\n    '[1. 2.]'"),
    ("array_repr", "gtnp.array_repr(gtnp.asarray([1.0]))\n    'array([1.])'"),
    ("array_str", "gtnp.array_str(gtnp.asarray([1.0]))\n    '[1.]'"),
    ("save", "import io; gtnp.save(io.BytesIO(), gtnp.ones(2))"),
    ("savez", "import io; gtnp.savez(io.BytesIO(), w=gtnp.ones(2))"),
    ("savez_compressed", "import io; gtnp.savez_compressed(io.BytesIO(), gtnp.ones(2))"),
    ("savetxt", "import io; gtnp.savetxt(io.StringIO(), gtnp.ones((2, 2)))"),
]:
    _value_fn(_name, getattr(np, _name), _example)


# -- conditions and clipping ----------------------------------------------------------------------
@MAIN
def where(condition, x=None, y=None):
    """``x`` where ``condition`` holds, else ``y`` (broadcast); with one argument, ``nonzero``.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.where(gtnp.asarray([True, False]), gtnp.ones(2), 0.0).numpy()
    array([1., 0.])
    """
    if x is None and y is None:
        return nograd(np.nonzero, condition)
    if x is None or y is None:
        raise ValueError("either both or neither of x and y should be given")
    c = np.asarray(value(condition)).astype(np.bool_, copy=False)
    x, y = operands(x, y)
    return _arr.where(c, x, y)


@MAIN
def select(condlist, choicelist, default=0):
    """The element of the first choice whose condition holds, else ``default``.

    >>> import gradtape.numpy as gtnp
    >>> x = gtnp.asarray([-1.0, 0.5, 2.0])
    >>> gtnp.select([x < 0, x > 1], [-x, x * 10], default=x).numpy()
    array([ 1. ,  0.5, 20. ])
    """
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if not choicelist:
        raise ValueError("select with an empty condition list is not possible")
    choices = [asarray(c) for c in choicelist]
    dt = np.result_type(*[c._value for c in choices])
    out = default if isinstance(default, Tensor) else np.asarray(default, dt)
    shape = np.broadcast_shapes(*[np.shape(value(c)) for c in condlist],
                                *[tuple(c.shape) for c in choices], np.shape(value(out)))
    for cond, choice in reversed(list(zip(condlist, choices))):
        out = _arr.where(np.asarray(value(cond)).astype(np.bool_), choice, out)
    out = asarray(out)
    if tuple(out.shape) != shape:
        out = _arr.broadcast_to(out, shape)
    return cast(out, dt) if out.dtype != dt else out


_NOVALUE = getattr(np, "_NoValue", None)


@MAIN
def clip(a, a_min=_NOVALUE, a_max=_NOVALUE, out=None, *, min=_NOVALUE, max=_NOVALUE, **kwargs):  # noqa: A002
    """Limit values to ``[a_min, a_max]`` (either may be None). As in TensorFlow, the gradient
    passes where ``a`` is inside the interval, ends included.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.clip(gtnp.asarray([-2.0, 0.5, 3.0]), -1.0, 1.0).numpy()
    array([-1. ,  0.5,  1. ])
    """
    no_out(out, "clip")
    for k, v in kwargs.items():
        if not (k == "where" and v is True) and not (k == "casting" and v == "same_kind"):
            unsupported_arg("clip", f"{k}={v!r}")
    lo = a_min if a_min is not _NOVALUE else min
    hi = a_max if a_max is not _NOVALUE else max
    lo = None if lo is _NOVALUE else lo
    hi = None if hi is _NOVALUE else hi
    r = asarray(a)
    if lo is not None:
        r = _m.maximum(*operands(r, lo))
    if hi is not None:
        r = _m.minimum(*operands(r, hi))
    return r if (lo is not None or hi is not None) else _arr.identity(r)


@MAIN
def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """Replace NaN by ``nan`` and infinities by ``posinf``/``neginf`` (the largest finite values
    by default); the gradient passes at the finite elements.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.nan_to_num(gtnp.asarray([gtnp.nan, 1.0])).numpy()
    array([0., 1.])
    """
    t = asarray(x)
    if t.dtype.kind != "f":
        if t.dtype.kind == "c":
            unsupported_arg("nan_to_num", "a complex input")
        return t
    v = t._value
    fi = np.finfo(t.dtype)
    posinf = float(fi.max) if posinf is None else posinf
    neginf = float(fi.min) if neginf is None else neginf
    r = _arr.where(np.isnan(v), np.asarray(nan, t.dtype), t)
    r = _arr.where(np.isposinf(v), np.asarray(posinf, t.dtype), r)
    return _arr.where(np.isneginf(v), np.asarray(neginf, t.dtype), r)


@MAIN(names=("round", "around"))
def round(a, decimals=0, out=None):  # noqa: A001 - NumPy's name
    """Round half to even to ``decimals`` places (no gradient, as rounding is piecewise constant).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.round(gtnp.asarray([0.5, 1.26]), 1).numpy()
    array([0.5, 1.3])
    """
    no_out(out, "round")
    x = asarray(a)
    if x.dtype.kind not in "fc":
        return nograd(np.round, x, decimals)
    if decimals == 0:
        return _m.round(x)
    if decimals > 0:
        s = 10.0 ** decimals
        return _m.round(x * s) / s
    s = 10.0 ** -decimals
    return _m.round(x / s) * s


@MAIN
def fix(x, out=None):
    """Round towards zero.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.fix(gtnp.asarray([-1.5, 1.5])).numpy()
    array([-1.,  1.])
    """
    no_out(out, "fix")
    t = asarray(x)
    return _arr.where(t._value < 0, _m.ceil(t), _m.floor(t))


@MAIN
def sinc(x):
    """Normalized sinc ``sin(pi x) / (pi x)``, 1 at 0 (gradient 0 there).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.sinc(gtnp.asarray([0.0, 0.5])).numpy()
    array([1.        , 0.63661977])
    """
    t = asarray(x)
    if t.dtype.kind not in "fc":
        t = cast(t, np.float64)
    zero = t._value == 0
    safe = _arr.where(zero, np.ones((), t.dtype), t) * _pymath.pi
    return _arr.where(zero, np.ones((), t.dtype), _m.sin(safe) / safe)


@MAIN
def real(val):
    """The real part (a real input is returned as it is).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.real(gtnp.asarray([1 + 2j])).numpy()
    array([1.])
    """
    t = asarray(val)
    return _m.real(t) if t.dtype.kind == "c" else t


@MAIN
def imag(val):
    """The imaginary part (zeros for a real input).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.imag(gtnp.asarray([1 + 2j])).numpy()
    array([2.])
    """
    return _m.imag(asarray(val))


@MAIN(needs=("angle",))
def angle(z, deg=False):
    """The argument of complex numbers, in radians (degrees when ``deg``).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.angle(gtnp.asarray([1j])).numpy()
    array([1.57079633])
    """
    t = asarray(z)
    if t.dtype.kind not in "fc":
        t = cast(t, np.float64)
    r = op("angle")(t)
    return r * (180.0 / _pymath.pi) if deg else r


# -- diagonals and triangles ----------------------------------------------------------------------------
@MAIN
def diagonal(a, offset=0, axis1=0, axis2=1):
    """The diagonal (with ``offset``) of the 2-D slices over ``axis1``/``axis2``, as the last axis.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.diagonal(gtnp.asarray([[1.0, 2.0], [3.0, 4.0]])).numpy()
    array([1., 4.])
    """
    x = asarray(a)
    if x.ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    i, j = norm_axis(axis1, x.ndim), norm_axis(axis2, x.ndim)
    if i == j:
        raise ValueError("axis1 and axis2 cannot be the same")
    perm = [d for d in range(x.ndim) if d not in (i, j)] + [i, j]
    if perm != list(range(x.ndim)):
        x = _arr.transpose(x, tuple(perm))
    n1, n2 = x.shape[-2], x.shape[-1]
    r0, c0 = (0, offset) if offset >= 0 else (-offset, 0)
    n = _b.max(0, _b.min(n1 - r0, n2 - c0))
    k = np.arange(n)
    return _ix.getitem(x, (Ellipsis, k + r0, k + c0))


@MAIN
def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """Sum along a diagonal.

    >>> import gradtape.numpy as gtnp
    >>> float(gtnp.trace(gtnp.asarray([[1.0, 2.0], [3.0, 4.0]])))
    5.0
    """
    from ._reductions import sum as _sum
    no_out(out, "trace")
    return _sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)


@MAIN
def diag(v, k=0):
    """The ``k``-th diagonal of a matrix, or a matrix with the vector ``v`` on it.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.diag(gtnp.asarray([1.0, 2.0])).numpy()
    array([[1., 0.],
           [0., 2.]])
    """
    x = asarray(v)
    if x.ndim == 2:
        return diagonal(x, k)
    if x.ndim != 1:
        raise ValueError("Input must be 1- or 2-d.")
    if x.shape[0] == 0:
        m = _b.abs(k)
        return asarray(np.zeros((m, m), x.dtype))
    return _la.diag(x, k=int(k))


@MAIN
def diagflat(v, k=0):
    """A matrix with the flattened input on the ``k``-th diagonal.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.diagflat(gtnp.asarray([[1.0, 2.0]])).shape
    (2, 2)
    """
    return diag(ravel(v), k)


@MAIN
def tril(m, k=0):
    """Zero the elements above the ``k``-th diagonal (of the last two axes).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.tril(gtnp.ones((2, 2))).numpy()
    array([[1., 0.],
           [1., 1.]])
    """
    x = asarray(m)
    mask = np.tri(*x.shape[-2:], k=k, dtype=np.bool_)
    return _arr.where(mask, x, np.zeros((), x.dtype))


@MAIN
def triu(m, k=0):
    """Zero the elements below the ``k``-th diagonal (of the last two axes).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.triu(gtnp.ones((2, 2))).numpy()
    array([[1., 1.],
           [0., 1.]])
    """
    x = asarray(m)
    mask = np.tri(*x.shape[-2:], k=k - 1, dtype=np.bool_)
    return _arr.where(mask, np.zeros((), x.dtype), x)


# -- interpolation ---------------------------------------------------------------------------------
@MAIN
def interp(x, xp, fp, left=None, right=None, period=None):
    """Piecewise-linear interpolation of ``(xp, fp)`` at ``x``; differentiable in ``x``, ``xp``
    and ``fp``.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.interp(gtnp.asarray([0.5]), [0.0, 1.0], gtnp.asarray([0.0, 2.0])).numpy()
    array([1.])
    """
    if period is not None:
        unsupported_arg("interp", "period=")
    xt, xpt, fpt = asarray(x), asarray(xp), asarray(fp)
    if xpt.ndim != 1 or fpt.ndim != 1 or xpt.shape[0] != fpt.shape[0]:
        raise ValueError("fp and xp are not of the same length.")
    n = xpt.shape[0]
    if n == 0:
        raise ValueError("array of sample points is empty")
    dt = np.complex128 if fpt.dtype.kind == "c" else np.float64
    xt, xpt, fpt = cast(xt, np.float64), cast(xpt, np.float64), cast(fpt, dt)
    xv, xpv = xt._value, xpt._value
    if n == 1:
        f = _arr.broadcast_to(fpt[0], tuple(xt.shape))
    else:
        j = np.clip(np.searchsorted(xpv, xv, side="right") - 1, 0, n - 2)
        x0, x1, f0, f1 = xpt[j], xpt[j + 1], fpt[j], fpt[j + 1]
        f = f0 + (xt - x0) / (x1 - x0) * (f1 - f0)
    lo = fpt[0] if left is None else asarray(left, dt)
    hi = fpt[n - 1] if right is None else asarray(right, dt)
    f = _arr.where(xv < xpv[0], lo, f)
    f = _arr.where(xv > xpv[-1], hi, f)
    return f if tuple(f.shape) == tuple(xt.shape) else _arr.broadcast_to(f, tuple(xt.shape))


__all__: list = []
