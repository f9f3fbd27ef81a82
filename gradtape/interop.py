"""NumPy interop: ``np.sin(tensor)`` runs gradtape's ``sin`` and records on the tape.

``Tensor.__array_ufunc__`` and ``Tensor.__array_function__`` look NumPy functions up in one
table (:data:`UFUNCS`, :data:`FUNCTIONS`), the same table that backs :mod:`gradtape.numpy`.
A NumPy function without a gradtape counterpart raises while a tape or accumulator could be
watching its input (the gradient would silently be lost); otherwise NumPy's own answer is
returned as an ndarray.
"""

from __future__ import annotations

import numpy as np

from ._engine.state import state
from ._engine.tensor import Tensor
from .ops import array, linalg, math, nn, reduce  # noqa: F401

UFUNCS: dict = {
    np.add: math.add, np.subtract: math.subtract, np.multiply: math.multiply,
    np.true_divide: math.divide, np.floor_divide: math.floordiv, np.remainder: math.floormod,
    np.power: math.pow, np.negative: math.negative, np.positive: lambda x: x,
    np.absolute: math.abs, np.square: math.square, np.sqrt: math.sqrt, np.reciprocal: math.reciprocal,
    np.exp: math.exp, np.expm1: math.expm1, np.log: math.log, np.log1p: math.log1p,
    np.sin: math.sin, np.cos: math.cos, np.tan: math.tan, np.arcsin: math.asin,
    np.arccos: math.acos, np.arctan: math.atan, np.sinh: math.sinh, np.cosh: math.cosh,
    np.tanh: math.tanh, np.arcsinh: math.asinh, np.arccosh: math.acosh, np.arctanh: math.atanh,
    np.maximum: math.maximum, np.minimum: math.minimum, np.sign: math.sign,
    np.floor: math.floor, np.ceil: math.ceil, np.conjugate: math.conj,
    np.equal: math.equal, np.not_equal: math.not_equal, np.less: math.less,
    np.less_equal: math.less_equal, np.greater: math.greater, np.greater_equal: math.greater_equal,
    np.logical_and: math.logical_and, np.logical_or: math.logical_or,
    np.logical_xor: math.logical_xor, np.logical_not: math.logical_not,
    np.isnan: math.is_nan, np.isinf: math.is_inf, np.isfinite: math.is_finite,
    np.matmul: linalg.matmul,
}

FUNCTIONS: dict = {}


def _recording() -> bool:
    return bool(state.stack)


def _unsupported(name: str):
    raise TypeError(
        f"NumPy function '{name}' has no gradtape counterpart, so its result would lose the "
        "gradient while a tape is recording; use a gradtape op instead (see gradtape.numpy), or "
        "call it on t.numpy() outside the tape if you do not need its gradient")


def _plain(x):
    if isinstance(x, Tensor):
        return np.asarray(x._value)
    if isinstance(x, (list, tuple)):
        return type(x)(_plain(v) for v in x)
    return x


def array_ufunc(self, ufunc, method, *inputs, **kwargs):
    fn = UFUNCS.get(ufunc) if method == "__call__" else None
    if fn is not None and not kwargs:
        return fn(*inputs)
    if fn is not None and set(kwargs) <= {"dtype"}:
        from .ops.math import cast
        return cast(fn(*inputs), kwargs["dtype"])
    if _recording() or kwargs.get("out") is not None:
        name = ufunc.__name__ + ("" if method == "__call__" else "." + method)
        if kwargs.get("out") is not None:
            raise TypeError(f"NumPy function '{name}' with out=: tensors are immutable; assign the "
                            "result instead")
        _unsupported(name)
    return getattr(ufunc, method)(*_plain(inputs), **{k: _plain(v) for k, v in kwargs.items()})


def array_function(self, func, types, args, kwargs):
    fn = FUNCTIONS.get(func)
    if fn is not None:
        return fn(*args, **kwargs)
    if _recording():
        _unsupported(func.__name__)
    return func(*_plain(args), **{k: _plain(v) for k, v in kwargs.items()})


Tensor.__array_ufunc__ = array_ufunc
Tensor.__array_function__ = array_function
