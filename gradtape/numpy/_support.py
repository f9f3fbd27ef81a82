"""The table behind :mod:`gradtape.numpy` and the NumPy protocols, and shared helpers.

Every NumPy-named function is declared once, with :func:`exporter`'s decorator, in
``gradtape/numpy/__init__.py`` or ``gradtape/numpy/linalg.py``. The decorator records it in
:data:`TABLE` under the NumPy object of the same name (``np.sum``, ``np.linalg.inv``, the ufunc
``np.sin``), which is what :mod:`gradtape.interop` dispatches on. A function whose gradtape ops
are missing (``needs=``) is left out of both the namespace and the table, so NumPy then reports
it as unsupported instead of failing half-way.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Callable

import numpy as np

from .._engine.tensor import Tensor, as_dtype, wrap

#: NumPy object (function or ufunc) -> the gradtape.numpy implementation.
TABLE: dict = {}
#: ufunc -> implementation of ``ufunc.reduce`` / ``ufunc.accumulate`` (NumPy signatures).
REDUCE: dict = {}
ACCUMULATE: dict = {}
#: ``"gradtape.numpy.linalg.inv"`` -> the gradtape ops it needs that are not there.
MISSING: dict = {}


class UnsupportedArgument(TypeError):
    """A NumPy argument or mode that gradtape.numpy does not implement (e.g. ``where=``)."""


def unsupported_arg(fn: str, what: str):
    raise UnsupportedArgument(f"gradtape.numpy.{fn}: {what} is not supported")


def no_out(out, fn: str) -> None:
    """Refuse NumPy's ``out=``: tensors are immutable."""
    if out is None or (isinstance(out, tuple) and all(o is None for o in out)):
        return
    raise TypeError(f"{fn}(..., out=...): tensors are immutable, so out= is not supported; "
                    "assign the result instead (y = np.{fn}(...))")


# -- finding gradtape ops by their TensorFlow names ----------------------------------------------
_MODULES: list | None = None
_FIRST = ("math", "reduce", "scan", "array", "indexing", "clip", "nn", "creation")


def _op_modules() -> list:
    global _MODULES
    if _MODULES is None:
        from .. import ops
        names = [i.name for i in pkgutil.iter_modules(ops.__path__)
                 if not i.name.startswith("_") and i.name != "operators"]
        names.sort(key=lambda n: (_FIRST.index(n) if n in _FIRST else len(_FIRST), n))
        mods = []
        for n in names:
            try:
                mods.append(importlib.import_module(f"gradtape.ops.{n}"))
            except ImportError:  # a module that cannot be imported simply provides nothing
                continue
        _MODULES = mods
    return _MODULES


_FOUND: dict = {}


def find_op(spec: str) -> Callable | None:
    """The public gradtape op named ``spec``: ``"cumsum"`` (any family) or ``"linalg.inv"``
    (modules whose name starts with ``linalg``). None when no module exports it."""
    if spec in _FOUND:
        return _FOUND[spec]
    family, _, name = spec.rpartition(".")
    found = None
    for mod in _op_modules():
        short = mod.__name__.rsplit(".", 1)[-1]
        if family and not short.startswith(family):
            continue
        exported = getattr(mod, "__all__", None)
        if exported is not None and name not in exported:
            continue
        fn = getattr(mod, name, None)
        if callable(fn):
            found = fn
            break
    _FOUND[spec] = found
    return found


def op(spec: str) -> Callable:
    """Like :func:`find_op`, but raise when the op is missing (functions check ``needs``)."""
    fn = find_op(spec)
    if fn is None:
        raise NotImplementedError(f"gradtape has no op '{spec}'")
    return fn


# -- declaring NumPy-named functions ---------------------------------------------------------------
class Registry:
    """The NumPy-named functions of one namespace (``gradtape.numpy`` or its ``linalg``).

    Use an instance as a decorator: ``@export`` declares the function under its own name,
    ``@export(names=("max", "amax"))`` under several, ``needs=("linalg.inv",)`` names the gradtape
    ops it calls (it is left out when one is missing). The function itself is returned
    unchanged.
    """

    def __init__(self, npmod, modname: str):
        self.npmod = npmod
        self.modname = modname
        self.names: dict = {}

    def __call__(self, fn=None, *, names=None, needs=()):
        def deco(f):
            missing = [n for n in needs if find_op(n) is None]
            for name in names or (f.__name__,):
                if missing:
                    MISSING[f"{self.modname}.{name}"] = missing
                    continue
                self.names[name] = f
                target = getattr(self.npmod, name, None)
                if callable(target) and target not in TABLE:
                    TABLE[target] = f
            return f
        return deco(fn) if fn is not None else deco


MAIN = Registry(np, "gradtape.numpy")
LINALG = Registry(np.linalg, "gradtape.numpy.linalg")


# -- argument conversion ---------------------------------------------------------------------------
_SCALARS = (bool, int, float, complex)


def is_tensor(x) -> bool:
    return isinstance(x, Tensor)


def value(x):
    """The NumPy value of a tensor, array, list or scalar (no copy for tensors and arrays)."""
    if isinstance(x, Tensor):
        return x._value
    if isinstance(x, (list, tuple)) and any(_holds_tensor(v) for v in x):
        return np.asarray([value(v) for v in x])
    return np.asarray(x)


def _holds_tensor(x) -> bool:
    if isinstance(x, Tensor):
        return True
    if isinstance(x, (list, tuple)):
        return any(_holds_tensor(v) for v in x)
    return False


def asarray(x, dtype=None) -> Tensor:
    """Any array-like as a Tensor, with NumPy's dtype inference (Python floats are float64).

    Tensors pass through (cast when ``dtype`` differs); nested lists holding tensors are
    stacked, so the result stays connected to them on the tape.
    """
    if isinstance(x, Tensor):
        t = x
    elif isinstance(x, (list, tuple)) and _holds_tensor(x):
        from ..ops.array import stack
        parts = [asarray(v) for v in x]
        dt = np.result_type(*[p._value for p in parts])
        t = stack([p if p.dtype == dt else cast(p, dt) for p in parts], axis=0)
    else:
        t = wrap(np.asarray(x))
    return cast(t, dtype) if dtype is not None else t


def operands(*xs):
    """Operands of an elementwise op with NumPy's promotion: Python scalars stay weak next to an
    array or tensor; on their own (or with other scalars only) they become NumPy arrays."""
    if any(not isinstance(x, _SCALARS) for x in xs):
        return [x if isinstance(x, (_SCALARS, Tensor, np.ndarray, np.generic)) else asarray(x)
                for x in xs]
    return [np.asarray(x) for x in xs]


def cast(x, dtype):
    from ..ops.math import cast as _cast
    dtype = as_dtype(dtype)
    if isinstance(x, Tensor):
        return x if x.dtype == dtype else _cast(x, dtype)
    return wrap(np.asarray(x).astype(dtype))


def nograd(fn: Callable, *args, **kwargs):
    """Run NumPy on the values and return array results as (constant) tensors.

    For functions whose result has no gradient (integer indices, booleans).
    """
    out = fn(*[_plain(a) for a in args], **{k: _plain(v) for k, v in kwargs.items()})
    return _wrap_out(out)


def _wrap_out(out):
    if isinstance(out, tuple):
        return type(out)(*[_wrap_out(o) for o in out]) if hasattr(out, "_fields") else tuple(
            _wrap_out(o) for o in out)
    if isinstance(out, list):
        return [_wrap_out(o) for o in out]
    if isinstance(out, (np.ndarray, np.generic)):
        return wrap(out)
    return out


def _plain(x):
    if isinstance(x, Tensor):
        return x._value
    if isinstance(x, list):
        return [_plain(v) for v in x]
    if isinstance(x, tuple):
        return tuple(_plain(v) for v in x)
    return x


plain = _plain


def norm_axis(axis, ndim: int) -> int:
    """One axis as a non-negative int, with NumPy's error for an out-of-range axis."""
    a = int(axis)
    if not -ndim <= a < ndim:
        raise np.exceptions.AxisError(a, ndim)
    return a % ndim


def norm_axes(axis, ndim: int) -> tuple | None:
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = tuple(norm_axis(a, ndim) for a in axes)
    if len(set(out)) != len(out):
        raise ValueError("duplicate value in 'axis'")
    return out
