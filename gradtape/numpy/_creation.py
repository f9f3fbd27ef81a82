"""Creating tensors with NumPy's names and dtype rules (Python floats give float64).

``array``/``asarray`` keep tensors connected: a tensor passes through (``array`` records a copy)
and a list holding tensors is stacked. ``full``, ``full_like``, ``linspace`` and ``logspace`` are
differentiable in their tensor arguments; the rest make constants.
"""

from __future__ import annotations

import numpy as np

from .._engine.tensor import Tensor, as_dtype, wrap
from ..ops import array as _arr
from ..ops import math as _m
from ._shape import broadcast_arrays, moveaxis, reshape
from ._support import MAIN, _holds_tensor, asarray as _asarray, cast, value


def _ndmin(t, ndmin):
    return reshape(t, (1,) * (ndmin - t.ndim) + tuple(t.shape)) if t.ndim < ndmin else t


@MAIN
def array(object, dtype=None, *, copy=True, order="K", subok=False, ndmin=0, ndmax=0, like=None):  # noqa: A002
    """A tensor from an array-like, with NumPy's dtype inference (Python floats are float64).

    A tensor gives a recorded copy and a list holding tensors is stacked, so gradients flow.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.array([1.0, 2.0]).dtype
    dtype('float64')
    """
    if isinstance(object, Tensor):
        t = _arr.identity(object)
    elif isinstance(object, (list, tuple)) and _holds_tensor(object):
        t = _asarray(object)
    else:
        t = wrap(np.array(object, copy=True, **({"ndmax": ndmax} if ndmax else {})))
    if dtype is not None:
        t = cast(t, dtype)
    return _ndmin(t, ndmin)


@MAIN(names=("asarray", "asanyarray", "ascontiguousarray"))
def asarray(a, dtype=None, order=None, *, device=None, copy=None, like=None):
    """A tensor from an array-like; a tensor of the right dtype is returned as it is.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.asarray([1, 2]).dtype
    dtype('int64')
    """
    if isinstance(a, Tensor) or (isinstance(a, (list, tuple)) and _holds_tensor(a)):
        return _asarray(a, dtype)
    return wrap(np.array(a, dtype=as_dtype(dtype), copy=True))


@MAIN
def asarray_chkfinite(a, dtype=None, order=None):
    """Like :func:`asarray`, but raise ValueError for infinities or NaN.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.asarray_chkfinite([1.0]).numpy()
    array([1.])
    """
    t = asarray(a, dtype)
    if t.dtype.kind in "fc" and not np.isfinite(t._value).all():
        raise ValueError("array must not contain infs or NaNs")
    return t


@MAIN
def astype(x, dtype, /, *, copy=True, device=None):
    """Cast to ``dtype`` (recorded: a cast to a float type keeps the gradient).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.astype(gtnp.asarray([1.5]), gtnp.float32).dtype
    dtype('float32')
    """
    return cast(_asarray(x), dtype)


@MAIN
def copy(a, order="K", subok=False):
    """A copy (recorded, so the gradient flows through it).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.copy(gtnp.asarray([1.0])).numpy()
    array([1.])
    """
    return _arr.identity(_asarray(a))


def _const(fn, name, example):
    def f(*args, **kwargs):
        kwargs.pop("like", None)
        kwargs.pop("device", None)
        return wrap(fn(*[value(a) if isinstance(a, Tensor) else a for a in args],
                       **{k: value(v) if isinstance(v, Tensor) else v for k, v in kwargs.items()}))
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"""NumPy's ``np.{name}`` as a constant tensor (NumPy's default dtypes).

    >>> import gradtape.numpy as gtnp
    >>> {example}
    """
    MAIN(f, names=(name,))
    return f


for _name, _example in [
    ("zeros", "gtnp.zeros((2, 3)).dtype\n    dtype('float64')"),
    ("ones", "gtnp.ones(2).numpy()\n    array([1., 1.])"),
    ("empty", "gtnp.empty((2, 3)).shape\n    (2, 3)"),
    ("zeros_like", "gtnp.zeros_like(gtnp.ones(2)).numpy()\n    array([0., 0.])"),
    ("ones_like", "gtnp.ones_like(gtnp.zeros(2)).numpy()\n    array([1., 1.])"),
    ("empty_like", "gtnp.empty_like(gtnp.zeros(2)).shape\n    (2,)"),
    ("eye", "gtnp.eye(2).numpy()\n    array([[1., 0.],\n           [0., 1.]])"),
    ("identity", "gtnp.identity(2).shape\n    (2, 2)"),
    ("arange", "gtnp.arange(3).numpy()\n    array([0, 1, 2])"),
    ("tri", "gtnp.tri(2).numpy()\n    array([[1., 0.],\n           [1., 1.]])"),
]:
    _const({"empty": np.zeros, "empty_like": np.zeros_like}.get(_name, getattr(np, _name)), _name, _example)


@MAIN
def full(shape, fill_value, dtype=None, order="C", *, device=None, like=None):
    """A tensor of ``shape`` filled with ``fill_value`` (differentiable in a tensor fill value).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.full(2, 7.0).numpy()
    array([7., 7.])
    """
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    if isinstance(fill_value, Tensor):
        f = cast(fill_value, dtype) if dtype is not None else fill_value
        return _arr.broadcast_to(f, shape)
    return wrap(np.full(shape, fill_value, dtype=dtype))


@MAIN
def full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
    """Like :func:`full`, with the shape and dtype of ``a`` unless given.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.full_like(gtnp.zeros(2), 3.0).numpy()
    array([3., 3.])
    """
    ref = np.asarray(value(a))
    shape = ref.shape if shape is None else shape
    dt = ref.dtype if dtype is None else as_dtype(dtype)
    if isinstance(fill_value, Tensor):
        return full(shape, fill_value, dt)
    return wrap(np.full(shape, fill_value, dtype=dt))


@MAIN
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *, device=None):
    """``num`` evenly spaced values from ``start`` to ``stop``; differentiable in tensor
    ``start``/``stop`` (which may be arrays: the samples go along ``axis``).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.linspace(0.0, 1.0, 3).numpy()
    array([0. , 0.5, 1. ])
    """
    num = int(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    if not (isinstance(start, Tensor) or isinstance(stop, Tensor)):
        return _wrap_out(np.linspace(value(start), value(stop), num, endpoint, retstep, dtype, axis))
    s, e = _asarray(start), _asarray(stop)
    dt = np.result_type(s._value, e._value, float(num))
    if dt.kind not in "fc":
        dt = np.dtype(np.float64)
    s, e = cast(s, dt), cast(e, dt)
    div = (num - 1) if endpoint else num
    delta = e - s
    shape = np.broadcast_shapes(tuple(s.shape), tuple(e.shape))
    ramp = np.arange(num, dtype=dt).reshape((-1,) + (1,) * len(shape))
    if div > 0:
        step = delta / div
        y = _m.add(_m.multiply(ramp, step), s)
        if endpoint and num > 1:
            tail = _arr.reshape(_arr.broadcast_to(e, shape), (1,) + shape)
            y = _arr.concat([y[:-1], tail], axis=0)
    else:
        step = delta * np.nan
        y = _m.add(_m.multiply(ramp, delta), s)
    if tuple(y.shape) != (num,) + shape:
        y = _arr.broadcast_to(y, (num,) + shape)
    if axis != 0:
        y = moveaxis(y, 0, axis)
    if dtype is not None:
        y = cast(y, dtype)
    return (y, step) if retstep else y


@MAIN
def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """``base ** linspace(start, stop, num)``; differentiable in tensor arguments.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.logspace(0.0, 2.0, 3).numpy()
    array([  1.,  10., 100.])
    """
    y = linspace(start, stop, num, endpoint, axis=axis)
    if isinstance(base, Tensor):
        base = reshape(base, tuple(base.shape))
    r = _m.pow(base, y)
    return cast(r, dtype) if dtype is not None else r


@MAIN
def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate tensors from coordinate vectors (a tuple; ``indexing="xy"`` or ``"ij"``).

    >>> import gradtape.numpy as gtnp
    >>> [t.shape for t in gtnp.meshgrid(gtnp.ones(2), gtnp.ones(3))]
    [(3, 2), (3, 2)]
    """
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    if not sparse and len(xi) > 1:
        return tuple(_arr.meshgrid(*[_asarray(x) for x in xi], indexing=indexing))
    nd = len(xi)
    s0 = (1,) * nd
    out = [reshape(_asarray(x), s0[:i] + (-1,) + s0[i + 1:]) for i, x in enumerate(xi)]
    if indexing == "xy" and nd > 1:
        out[0] = reshape(out[0], (1, -1) + s0[2:])
        out[1] = reshape(out[1], (-1, 1) + s0[2:])
    if not sparse:
        out = list(broadcast_arrays(*out))
    return tuple(out)


def _wrap_out(out):
    if isinstance(out, tuple):
        return (wrap(out[0]), out[1])
    return wrap(out)


__all__: list = []
