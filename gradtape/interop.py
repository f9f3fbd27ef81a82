"""NumPy interop: ``np.sin(tensor)`` runs gradtape's ``sin`` and records on the tape.

:class:`~gradtape.Tensor` (and so :class:`~gradtape.Variable`) implements NumPy's two override
protocols, ``__array_ufunc__`` and ``__array_function__``. Both look the NumPy object up in one
table, the one that defines :mod:`gradtape.numpy`: :data:`UFUNCS` and :data:`FUNCTIONS` map
NumPy's ufuncs and functions to the NumPy-named implementations there, so ``np.sum(t, axis=0,
keepdims=True)``, ``np.linalg.solve(a, b)`` or ``x_ndarray * t`` give tensors, with NumPy's
argument names, semantics and dtype rules, recorded on every active tape and accumulator.

>>> import numpy as np
>>> import gradtape as gt
>>> x = gt.Variable([1.0, 2.0])
>>> with gt.GradientTape() as tape:
...     y = np.sum(np.sin(x) * np.array([1.0, 1.0], np.float32))
>>> tape.gradient(y, x).numpy()
array([ 0.5403023, -0.4161468], dtype=float32)

Rules:

* A supported function always returns tensors (never an ndarray), inside or outside a tape.
* Ufunc methods map to reductions and scans: ``np.add.reduce`` is ``sum`` over axis 0 by
  default, ``np.multiply.reduce`` ``prod``, ``np.maximum.reduce`` ``max``,
  ``np.add.accumulate`` ``cumsum``, ``np.multiply.accumulate`` ``cumprod``; ``ufunc.outer``
  works for every supported binary ufunc. ``reduceat`` is unsupported.
* A NumPy function with no gradtape counterpart (``np.fft.fft``, ``np.unique``,
  ``np.histogram``, ...) raises a ``TypeError`` naming the function while a tape or accumulator
  is active, because its ndarray result would silently lose the gradient. Outside any tape it
  returns NumPy's answer (an ndarray), computed on read-only views of the tensors' values. So
  does a supported function called with an argument gradtape.numpy does not implement.
* ``out=`` is refused, and so are ``np.add.at`` and augmented assignment into an ndarray
  (``arr += t``): tensors are immutable, so assign the result instead.
* Conversions made before NumPy dispatches are not recorded: ``np.asarray(t)`` and
  ``np.array(t)`` give ndarrays, and a Python list of tensors (``np.sum([t1, t2])``,
  ``np.array([t1, t2])``) is converted element by element. Use ``np.stack([t1, t2])`` or
  ``gtnp.array([t1, t2])``.

Unlike TensorFlow, where NumPy calls inside a tape silently return ndarrays and the gradient
is lost (``y = np.mean(x2, axis=0)`` in TensorFlow's autodiff guide), here they record.
"""

from __future__ import annotations

import numpy as np

from . import numpy as _gtnp  # noqa: F401  (fills the table)
from ._engine.state import state
from ._engine.tensor import Tensor
from .numpy import _support
from .numpy._support import UnsupportedArgument

#: NumPy ufunc -> gradtape.numpy implementation (``np.sin`` -> ``gtnp.sin``).
UFUNCS: dict = {k: v for k, v in _support.TABLE.items() if isinstance(k, np.ufunc)}
#: NumPy function -> gradtape.numpy implementation (``np.sum`` -> ``gtnp.sum``).
FUNCTIONS: dict = {k: v for k, v in _support.TABLE.items() if not isinstance(k, np.ufunc)}
#: ufunc -> implementation of ``ufunc.reduce`` / ``ufunc.accumulate``.
REDUCE: dict = _support.REDUCE
ACCUMULATE: dict = _support.ACCUMULATE


def _recording() -> bool:
    return bool(state.stack)


def _unsupported(name: str):
    raise TypeError(
        f"NumPy function '{name}' has no gradtape counterpart, so its result would lose the "
        "gradient while a tape is recording; use a gradtape op instead (see gradtape.numpy), or "
        "call it on t.numpy() outside the tape if you do not need its gradient")


def _np_name(func) -> str:
    mod = getattr(func, "__module__", None) or "numpy"
    if mod.startswith("numpy"):
        mod = "np" + mod[len("numpy"):]
        if mod.startswith("np._core") or mod.startswith("np.core"):
            mod = "np"
    return f"{mod}.{func.__name__}"


def _readonly(v):
    if isinstance(v, np.ndarray):
        v = v.view()
        v.flags.writeable = False
    return v


def _plain(x):
    """Tensors replaced by read-only views of their values, inside lists, tuples and dicts."""
    if isinstance(x, Tensor):
        return _readonly(x._value)
    if isinstance(x, list):
        return [_plain(v) for v in x]
    if isinstance(x, tuple):
        return tuple(_plain(v) for v in x)
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    return x


def _refuse_out(name: str, out) -> None:
    if out is None:
        return
    outs = out if isinstance(out, tuple) else (out,)
    if all(o is None for o in outs):
        return
    raise TypeError(f"{name}(..., out=...): tensors are immutable, so out= is not supported "
                    "(this includes augmented assignment into a NumPy array, arr += tensor); "
                    "assign the result instead")


def _foreign(objs) -> bool:
    """True if an argument belongs to another library that overrides this ufunc."""
    for x in objs:
        t = type(x)
        if issubclass(t, (Tensor, np.ndarray, np.generic)):
            continue
        if getattr(t, "__array_ufunc__", False) is None:
            return True
        override = getattr(t, "__array_ufunc__", None)
        if override is not None and override is not np.ndarray.__array_ufunc__:
            return True
    return False


def _ufunc_outer(ufunc):
    fn = UFUNCS.get(ufunc)
    if fn is None or ufunc.nin != 2:
        return None
    from .numpy._ufuncs import outer_method
    return outer_method(fn)


def array_ufunc(self, ufunc, method, *inputs, **kwargs):
    """``Tensor.__array_ufunc__``: run the gradtape.numpy implementation of ``ufunc.method``."""
    out = kwargs.pop("out", None)
    if _foreign(inputs + (out if isinstance(out, tuple) else (out,))):
        return NotImplemented
    name = "np." + ufunc.__name__ + ("" if method == "__call__" else "." + method)
    _refuse_out(name, out)
    if method == "at":
        raise TypeError(f"{name} works in place, but tensors are immutable; build the result "
                        "with gtnp or gradtape ops instead")
    if method == "__call__":
        fn = UFUNCS.get(ufunc)
    elif method == "reduce":
        fn = REDUCE.get(ufunc)
    elif method == "accumulate":
        fn = ACCUMULATE.get(ufunc)
    elif method == "outer":
        fn = _ufunc_outer(ufunc)
    else:
        fn = None
    return _dispatch(name, fn, getattr(ufunc, method), inputs, kwargs)


def array_function(self, func, types, args, kwargs):
    """``Tensor.__array_function__``: run the gradtape.numpy implementation of ``func``."""
    if not all(issubclass(t, (Tensor, np.ndarray)) for t in types):
        return NotImplemented
    name = _np_name(func)
    _refuse_out(name, kwargs.get("out"))
    return _dispatch(name, FUNCTIONS.get(func), func, args, kwargs)


def _dispatch(name, fn, numpy_fn, args, kwargs):
    """Run gradtape's ``fn``; where there is none (or it refuses an argument), NumPy's own
    ``numpy_fn`` on plain arrays, unless a tape or accumulator could lose the gradient."""
    if fn is not None:
        try:
            return fn(*args, **kwargs)
        except UnsupportedArgument as e:
            if _recording():
                raise TypeError(f"{name}: {e}, so its result would lose the gradient while a tape "
                                "is recording") from None
    elif _recording():
        _unsupported(name)
    return numpy_fn(*_plain(args), **_plain(kwargs))


Tensor.__array_ufunc__ = array_ufunc
Tensor.__array_function__ = array_function

__all__ = ["UFUNCS", "FUNCTIONS", "REDUCE", "ACCUMULATE", "array_ufunc", "array_function"]
