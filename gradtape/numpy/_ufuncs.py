"""NumPy's ufuncs as functions on tensors: one line per ufunc, built by :func:`ufunc`.

Each line names the ufunc, its number of inputs and the gradtape ops that compute it. Ops that
gradtape lacks as primitives (``fmod``, ``hypot``, ``logaddexp``, ...) are composed from
primitives, so they are differentiable to any order; their result is cast to the dtype NumPy
would give.
"""

from __future__ import annotations

import math as _pymath

import numpy as np

from .._engine.tensor import Tensor
from ..ops import array as _arr
from ..ops import linalg as _la
from ..ops import math as _m
from ..ops import reduce as _red
from ._support import _SCALARS, MAIN, asarray, cast, no_out, nograd, op, operands, unsupported_arg, value

_KW_DEFAULTS = {"where": True, "casting": "same_kind", "order": "K", "subok": True,
                "signature": None, "axes": None, "axis": None, "keepdims": False}


def _is_default(k, v) -> bool:
    d = _KW_DEFAULTS[k]
    return v is d if isinstance(d, bool) or d is None else (isinstance(v, str) and v == d)


def ufunc(name: str, nin: int, impl, *, aliases=(), needs=()):
    """Declare the NumPy ufunc ``np.<name>`` (and ``aliases``) as ``impl`` on tensors.

    The wrapper takes NumPy's ufunc keywords: ``dtype=`` casts the inputs, ``out=`` is refused
    (tensors are immutable), and other non-default keywords (``where=``, ``casting=``, ...) raise
    :class:`~gradtape.numpy._support.UnsupportedArgument`.
    """
    def f(*args, out=None, dtype=None, **kwargs):
        if len(args) != nin:
            raise TypeError(f"{name}() takes {nin} positional argument{'s' if nin > 1 else ''} "
                            f"but {len(args)} were given")
        no_out(out, name)
        for k, v in kwargs.items():
            if k not in _KW_DEFAULTS:
                raise TypeError(f"{name}() got an unexpected keyword argument '{k}'")
            if not _is_default(k, v):
                unsupported_arg(name, f"{k}={v!r}")
        xs = operands(*args)
        if dtype is not None:
            xs = [np.asarray(x, dtype) if isinstance(x, _SCALARS) else cast(x, dtype) for x in xs]
        return impl(*xs)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"NumPy's ``np.{name}`` on tensors, recorded on the tape (see the example in the "
                 "module docstring).")
    f.ufunc_impl = impl
    MAIN(f, names=(name,) + tuple(aliases), needs=needs)
    return f


def _np_dtype(uf, *xs):
    """The dtype NumPy's ufunc ``uf`` gives for these operands (Python scalars stay weak)."""
    args = [x if isinstance(x, _SCALARS) else np.empty(0, value(x).dtype) for x in xs]
    out = uf(*args)
    return (out[0] if isinstance(out, tuple) else out).dtype


def _as(uf, *xs):
    """Cast a composite's result to ``uf``'s NumPy dtype."""
    dt = _np_dtype(uf, *xs)

    def fix(y):
        return cast(y, dt) if y.dtype != dt else y
    return fix


def _c(x):
    """A constant mask or value as a NumPy array."""
    return np.asarray(value(x))


# -- unary ---------------------------------------------------------------------------------------
def _positive(x):
    return x if isinstance(x, Tensor) else asarray(x)


def _cbrt(x):
    return _as(np.cbrt, x)(_m.sign(x) * _m.pow(_m.abs(x), 1.0 / 3.0))


def _trunc(x):
    return _arr.where(_c(x) < 0, _m.ceil(x), _m.floor(x))


def _invert(x):
    if _c(x).dtype == np.bool_:
        return _m.logical_not(x)
    return nograd(np.invert, x)


_LN2, _LN10 = _pymath.log(2.0), _pymath.log(10.0)

ufunc("negative", 1, _m.negative)
ufunc("positive", 1, _positive)
ufunc("absolute", 1, _m.abs, aliases=("abs",))
ufunc("fabs", 1, _m.abs)
ufunc("square", 1, _m.square)
ufunc("sqrt", 1, _m.sqrt)
ufunc("cbrt", 1, _cbrt)
ufunc("reciprocal", 1, _m.reciprocal)
ufunc("exp", 1, _m.exp)
ufunc("exp2", 1, lambda x: _as(np.exp2, x)(_m.pow(2.0, x)))
ufunc("expm1", 1, _m.expm1)
ufunc("log", 1, _m.log)
ufunc("log2", 1, lambda x: _m.log(x) / _LN2)
ufunc("log10", 1, lambda x: _m.log(x) / _LN10)
ufunc("log1p", 1, _m.log1p)
ufunc("sin", 1, _m.sin)
ufunc("cos", 1, _m.cos)
ufunc("tan", 1, _m.tan)
ufunc("arcsin", 1, _m.asin, aliases=("asin",))
ufunc("arccos", 1, _m.acos, aliases=("acos",))
ufunc("arctan", 1, _m.atan, aliases=("atan",))
ufunc("sinh", 1, _m.sinh)
ufunc("cosh", 1, _m.cosh)
ufunc("tanh", 1, _m.tanh)
ufunc("arcsinh", 1, _m.asinh, aliases=("asinh",))
ufunc("arccosh", 1, _m.acosh, aliases=("acosh",))
ufunc("arctanh", 1, _m.atanh, aliases=("atanh",))
ufunc("deg2rad", 1, lambda x: x * (_pymath.pi / 180.0), aliases=("radians",))
ufunc("rad2deg", 1, lambda x: x * (180.0 / _pymath.pi), aliases=("degrees",))
ufunc("sign", 1, _m.sign)
ufunc("floor", 1, _m.floor)
ufunc("ceil", 1, _m.ceil)
ufunc("trunc", 1, _trunc)
ufunc("rint", 1, _m.round)
ufunc("conjugate", 1, _m.conj, aliases=("conj",))
ufunc("logical_not", 1, _m.logical_not)
ufunc("isnan", 1, _m.is_nan)
ufunc("isinf", 1, _m.is_inf)
ufunc("isfinite", 1, _m.is_finite)
ufunc("signbit", 1, lambda x: nograd(np.signbit, x))
ufunc("invert", 1, _invert, aliases=("bitwise_not", "bitwise_invert"))


def _modf(x):
    t = _trunc(x)
    return x - t, t


def _frexp(x):
    mant, ex = np.frexp(_c(x))
    scale = np.ldexp(np.ones((), mant.dtype), -ex)
    return _m.multiply(cast(x, mant.dtype), scale), nograd(lambda e: e, ex)


ufunc("modf", 1, _modf)
ufunc("frexp", 1, _frexp)


# -- binary --------------------------------------------------------------------------------------
def _fmod(x, y):
    r = _m.floormod(x, y)
    rv, xv = _c(r), _c(x)
    fix = (rv != 0) & ((rv < 0) != (xv < 0))
    return _as(np.fmod, x, y)(_arr.where(fix, r - y, r) if fix.any() else r)


def _float_power(x, y):
    def up(v):
        kind = "c" if _c(v).dtype.kind == "c" or isinstance(v, complex) else "f"
        dt = np.complex128 if kind == "c" else np.float64
        return np.asarray(v, dt) if isinstance(v, _SCALARS) else cast(v, dt)
    return _m.pow(up(x), up(y))


def _fmax(x, y):
    r = _arr.where(np.isnan(_c(x)), y, _m.maximum(x, y))
    return _as(np.fmax, x, y)(_arr.where(np.isnan(_c(y)), x, r))


def _fmin(x, y):
    r = _arr.where(np.isnan(_c(x)), y, _m.minimum(x, y))
    return _as(np.fmin, x, y)(_arr.where(np.isnan(_c(y)), x, r))


def _hypot(x, y):
    return _as(np.hypot, x, y)(_m.sqrt(x * x + y * y))


def _logaddexp(x, y):
    mv = np.maximum(_c(x), _c(y))
    mv = np.where(np.isfinite(mv), mv, 0)
    return _as(np.logaddexp, x, y)(_m.log(_m.exp(x - mv) + _m.exp(y - mv)) + mv)


def _logaddexp2(x, y):
    return _as(np.logaddexp2, x, y)(_logaddexp(x * _LN2, y * _LN2) / _LN2)


def _copysign(x, y):
    dt = _np_dtype(np.copysign, x, y)
    s = np.where(np.signbit(_c(y)), -1, 1).astype(dt)
    return _as(np.copysign, x, y)(_m.abs(x) * s)


def _heaviside(x1, x2):
    xv = _c(x1)
    dt = _np_dtype(np.heaviside, x1, x2)
    inner = _arr.where(xv > 0, np.ones((), dt), x2 if not isinstance(x2, _SCALARS) else np.asarray(x2, dt))
    return _as(np.heaviside, x1, x2)(_arr.where(xv < 0, np.zeros((), dt), inner))


def _ldexp(x1, x2):
    dt = _np_dtype(np.ldexp, x1, x2)
    scale = np.ldexp(np.ones((), dt), _c(x2))
    return _m.multiply(x1 if isinstance(x1, _SCALARS) else cast(x1, dt), scale)


def _bitwise(logical, uf):
    def f(x, y):
        if _c(x).dtype == np.bool_ and _c(y).dtype == np.bool_:
            return logical(x, y)
        return nograd(uf, x, y)
    return f


def _matmul(x, y):
    return _la.matmul(x, y)


def _atan2(y, x):
    return op("atan2")(y, x)


ufunc("add", 2, _m.add)
ufunc("subtract", 2, _m.subtract)
ufunc("multiply", 2, _m.multiply)
ufunc("divide", 2, _m.divide, aliases=("true_divide",))
ufunc("floor_divide", 2, _m.floordiv)
ufunc("remainder", 2, _m.floormod, aliases=("mod",))
ufunc("fmod", 2, _fmod)
ufunc("divmod", 2, lambda x, y: (_m.floordiv(x, y), _m.floormod(x, y)))
ufunc("power", 2, _m.pow, aliases=("pow",))
ufunc("float_power", 2, _float_power)
ufunc("maximum", 2, _m.maximum)
ufunc("minimum", 2, _m.minimum)
ufunc("fmax", 2, _fmax)
ufunc("fmin", 2, _fmin)
ufunc("arctan2", 2, _atan2, aliases=("atan2",), needs=("atan2",))
ufunc("hypot", 2, _hypot)
ufunc("logaddexp", 2, _logaddexp)
ufunc("logaddexp2", 2, _logaddexp2)
ufunc("copysign", 2, _copysign)
ufunc("heaviside", 2, _heaviside)
ufunc("ldexp", 2, _ldexp)
ufunc("equal", 2, _m.equal)
ufunc("not_equal", 2, _m.not_equal)
ufunc("less", 2, _m.less)
ufunc("less_equal", 2, _m.less_equal)
ufunc("greater", 2, _m.greater)
ufunc("greater_equal", 2, _m.greater_equal)
ufunc("logical_and", 2, _m.logical_and)
ufunc("logical_or", 2, _m.logical_or)
ufunc("logical_xor", 2, _m.logical_xor)
ufunc("bitwise_and", 2, _bitwise(_m.logical_and, np.bitwise_and))
ufunc("bitwise_or", 2, _bitwise(_m.logical_or, np.bitwise_or))
ufunc("bitwise_xor", 2, _bitwise(_m.logical_xor, np.bitwise_xor))
ufunc("left_shift", 2, lambda x, y: nograd(np.left_shift, x, y), aliases=("bitwise_left_shift",))
ufunc("right_shift", 2, lambda x, y: nograd(np.right_shift, x, y), aliases=("bitwise_right_shift",))
ufunc("gcd", 2, lambda x, y: nograd(np.gcd, x, y))
ufunc("lcm", 2, lambda x, y: nograd(np.lcm, x, y))
ufunc("matmul", 2, _matmul)


def _matvec(a, v):
    a, v = asarray(a), asarray(v)
    r = _la.matmul(a, _arr.reshape(v, tuple(v.shape) + (1,)))
    return r[..., 0]


def _vecmat(v, a):
    v, a = asarray(v), asarray(a)
    r = _la.matmul(_arr.reshape(_m.conj(v), tuple(v.shape[:-1]) + (1, v.shape[-1])), a)
    return r[..., 0, :]


ufunc("matvec", 2, _matvec)
ufunc("vecmat", 2, _vecmat)


@MAIN
def vecdot(x1, x2, /, *, axis=-1, out=None, dtype=None, **kwargs):
    """Vector dot product over ``axis``: ``sum(conj(x1) * x2, axis)`` (NumPy's ``np.vecdot``).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.vecdot(gtnp.asarray([[1., 2.], [3., 4.]]), gtnp.asarray([1., 1.])).numpy()
    array([3., 7.])
    """
    no_out(out, "vecdot")
    for k, v in kwargs.items():
        if k not in _KW_DEFAULTS or not _is_default(k, v):
            unsupported_arg("vecdot", f"{k}={v!r}")
    x1, x2 = operands(x1, x2)
    if dtype is not None:
        x1, x2 = cast(x1, dtype), cast(x2, dtype)
    return _red.reduce_sum(_m.conj(x1) * x2, axis=axis)


# -- ufunc methods (np.add.reduce, np.multiply.accumulate, ...) -----------------------------------
def reduce_method(fn, uf):
    """``uf.reduce`` from a NumPy reduction ``fn`` (its ``axis`` defaults to 0, not None)."""
    def reduce(array, axis=0, dtype=None, out=None, keepdims=False, initial=None, where=True):
        no_out(out, f"{uf.__name__}.reduce")
        kw = {"keepdims": keepdims}
        if dtype is not None:
            kw["dtype"] = dtype
        if initial is not None and initial is not np._NoValue:
            kw["initial"] = initial
        if where is not True:
            kw["where"] = where
        return fn(array, axis=axis, **kw)
    reduce.__name__ = f"{uf.__name__}.reduce"
    return reduce


def accumulate_method(fn, uf):
    """``uf.accumulate`` from a NumPy scan ``fn`` (``axis`` defaults to 0)."""
    def accumulate(array, axis=0, dtype=None, out=None):
        no_out(out, f"{uf.__name__}.accumulate")
        return fn(array, axis=axis, dtype=dtype)
    accumulate.__name__ = f"{uf.__name__}.accumulate"
    return accumulate


def outer_method(f):
    """``uf.outer(a, b)``: ``f(a[..., None, ...], b)`` for a binary ufunc implementation ``f``."""
    def outer(a, b, **kwargs):
        a, b = asarray(a), asarray(b)
        a = _arr.reshape(a, tuple(a.shape) + (1,) * b.ndim)
        return f(a, b, **kwargs)
    return outer


__all__: list = []
