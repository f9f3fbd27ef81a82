"""Creating tensors: constants, conversions, filled tensors, ranges. None of these record,
except ``linspace`` between tensors (differentiable, as TensorFlow's)."""

from __future__ import annotations

import numpy as np

from .._engine.indexed_slices import IndexedSlices
from .._engine.tensor import Tensor, as_dtype, to_array, wrap


def constant(value, dtype=None, shape=None, name=None) -> Tensor:
    """A tensor from a Python or NumPy value. Python floats give float32, ints int32.

    >>> import gradtape as gt
    >>> gt.constant([1, 2]).dtype
    dtype('int32')
    >>> gt.constant(0.0, shape=(2,)).numpy()
    array([0., 0.], dtype=float32)
    """
    if isinstance(value, IndexedSlices):
        value = value.to_dense_array()
    arr = to_array(value, dtype)
    arr = np.array(arr, copy=True) if isinstance(value, np.ndarray) or isinstance(value, Tensor) else arr
    if shape is not None:
        shape = tuple(int(s) for s in shape)
        if arr.size == 1:
            arr = np.full(shape, np.asarray(arr).reshape(()), dtype=arr.dtype)
        elif int(np.prod(shape)) == arr.size:
            arr = np.reshape(arr, shape)
        else:
            raise TypeError(f"constant: cannot make a tensor of shape {shape} from a value with "
                            f"{arr.size} elements")
    return wrap(arr)


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None) -> Tensor:
    """Return ``value`` as a Tensor: tensors (and variables) pass through unchanged.

    >>> import gradtape as gt
    >>> gt.convert_to_tensor([1.0, 2.0]).shape
    (2,)
    """
    if isinstance(value, Tensor):
        if dtype is not None and value.dtype != as_dtype(dtype):
            raise ValueError(f"convert_to_tensor: tensor has dtype {value.dtype.name}, requested "
                             f"{as_dtype(dtype).name}; use gt.cast to change it")
        return value
    if isinstance(value, IndexedSlices):
        return wrap(value.to_dense_array())
    if dtype is None and dtype_hint is not None and not isinstance(value, (np.ndarray, np.generic)):
        # The hint is a preference, taken only where it loses nothing (as TensorFlow: 1 with
        # a float32 hint gives float32, 1.5 with an int32 hint stays float32).
        arr = to_array(value)
        hint = as_dtype(dtype_hint)
        if _KIND_RANK.get(hint.kind, -1) >= _KIND_RANK.get(arr.dtype.kind, 9):
            try:
                return wrap(to_array(value, hint))
            except (TypeError, ValueError, OverflowError):
                pass
        return wrap(arr)
    return wrap(to_array(value, dtype))


_KIND_RANK = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def zeros(shape, dtype=np.float32, name=None) -> Tensor:
    """A tensor of zeros (float32 by default).

    >>> import gradtape as gt
    >>> gt.zeros((2, 3)).shape
    (2, 3)
    """
    return wrap(np.zeros(_shape(shape), dtype=as_dtype(dtype)))


def ones(shape, dtype=np.float32, name=None) -> Tensor:
    """A tensor of ones (float32 by default).

    >>> import gradtape as gt
    >>> gt.ones((2,)).numpy()
    array([1., 1.], dtype=float32)
    """
    return wrap(np.ones(_shape(shape), dtype=as_dtype(dtype)))


def fill(dims, value, name=None) -> Tensor:
    """A tensor of shape ``dims`` filled with ``value``.

    >>> import gradtape as gt
    >>> gt.fill((2,), 7.0).numpy()
    array([7., 7.], dtype=float32)
    """
    v = to_array(value)
    return wrap(np.full(_shape(dims), v, dtype=v.dtype))


def zeros_like(input, dtype=None, name=None) -> Tensor:  # noqa: A002 - TensorFlow's name
    """Zeros with the shape (and dtype, unless given) of ``input``.

    >>> import gradtape as gt
    >>> gt.zeros_like(gt.constant([1, 2])).numpy()
    array([0, 0], dtype=int32)
    """
    v = _array(input)
    return wrap(np.zeros(np.shape(v), dtype=as_dtype(dtype) or v.dtype))


def ones_like(input, dtype=None, name=None) -> Tensor:  # noqa: A002 - TensorFlow's name
    """Ones with the shape (and dtype, unless given) of ``input``.

    >>> import gradtape as gt
    >>> gt.ones_like(gt.constant([1.0, 2.0])).numpy()
    array([1., 1.], dtype=float32)
    """
    v = _array(input)
    return wrap(np.ones(np.shape(v), dtype=as_dtype(dtype) or v.dtype))


def range(start, limit=None, delta=1, dtype=None, name=None) -> Tensor:  # noqa: A001
    """Numbers from ``start`` up to (not including) ``limit`` in steps of ``delta``.

    >>> import gradtape as gt
    >>> gt.range(3).numpy()
    array([0, 1, 2], dtype=int32)
    """
    if limit is None:
        start, limit = 0, start
    vals = [_value(v) for v in (start, limit, delta)]
    if dtype is None:
        # the widest of the arguments' dtypes (Python ints int32, floats float32), as TensorFlow
        dts = [np.dtype(np.float32) if type(v) is float else np.dtype(np.int32)
               if type(v) is int or type(v) is bool else np.asarray(v).dtype for v in vals]
        dtype = max(dts, key=lambda d: _RANGE_ORDER.get(d, 0))
    return wrap(np.arange(*[np.asarray(v).item() for v in vals]).astype(as_dtype(dtype)))


_RANGE_ORDER = {np.dtype(d): i for i, d in enumerate(
    (np.int32, np.int64, np.float16, np.float32, np.float64))}


def eye(num_rows, num_columns=None, batch_shape=None, dtype=np.float32, name=None) -> Tensor:
    """An identity matrix (or a batch of them).

    >>> import gradtape as gt
    >>> gt.eye(2).numpy()
    array([[1., 0.],
           [0., 1.]], dtype=float32)
    """
    e = np.eye(int(num_rows), None if num_columns is None else int(num_columns), dtype=as_dtype(dtype))
    if batch_shape is not None:
        e = np.broadcast_to(e, tuple(batch_shape) + e.shape).copy()
    return wrap(e)


def linspace(start, stop, num, name=None, axis=0) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive (integers give
    float64, as in TensorFlow). ``start`` and ``stop`` broadcast; the new axis is ``axis``.
    When either is a tensor the result is differentiable in both, as TensorFlow's.

    >>> import gradtape as gt
    >>> gt.linspace(0.0, 1.0, 3).numpy()
    array([0. , 0.5, 1. ], dtype=float32)
    """
    s, e = to_array(_value(start)), to_array(_value(stop))
    dt = np.result_type(s, e)
    if dt.kind != "f":
        dt = np.dtype(np.float64)
    if isinstance(start, Tensor) or isinstance(stop, Tensor):
        return _linspace_tensors(start, stop, int(num), axis, dt)
    return wrap(np.linspace(s, e, int(num), axis=axis).astype(dt))


def _linspace_tensors(start, stop, num, axis, dt):
    """TensorFlow's linspace on tensors: ``start + delta * i`` between the exact end points."""
    from .array import broadcast_to, concat, expand_dims, reshape
    from .indexing import slice as slice_
    from .math import cast

    start, stop = cast(start, dt), cast(stop, dt)
    shape = np.broadcast_shapes(tuple(start.shape), tuple(stop.shape))
    nd = len(shape) + 1
    if not -nd <= axis < nd:
        raise ValueError(f"linspace: axis {axis} is out of range for a result of rank {nd}")
    axis %= nd
    first = expand_dims(broadcast_to(start, shape), axis)
    last = expand_dims(broadcast_to(stop, shape), axis)
    steps = max(num - 1, 1)
    delta = (last - first) / np.asarray(steps, dt)
    inner = np.arange(1, steps, dtype=dt).reshape([-1 if i == axis else 1 for i in range(nd)])
    out = concat([first, first + delta * inner, last], axis)
    size = [num if i == axis else -1 for i in range(nd)]
    return reshape(slice_(out, [0] * nd, size), [num if i == axis else d for i, d in
                                                 enumerate(shape[:axis] + (0,) + shape[axis:])])


def _array(x):
    """``x``'s value as an array (a Python list or number converted as a tensor would be)."""
    v = _value(x)
    return v if isinstance(v, (np.ndarray, np.generic)) else to_array(v)


def _value(x):
    return x._value if isinstance(x, Tensor) else x


def _shape(shape) -> tuple:
    if isinstance(shape, Tensor):
        shape = shape.numpy().tolist()
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(s) for s in shape)


def shape(input, out_type=np.int32, name=None) -> Tensor:  # noqa: A002 - TensorFlow's name
    """The shape of ``input`` as a 1-D int32 tensor.

    >>> import gradtape as gt
    >>> gt.shape(gt.zeros((2, 3))).numpy()
    array([2, 3], dtype=int32)
    """
    return wrap(np.asarray(np.shape(_value(input)), dtype=as_dtype(out_type)))


def size(input, out_type=np.int32, name=None) -> Tensor:  # noqa: A002 - TensorFlow's name
    """The number of elements of ``input`` as a scalar int32 tensor.

    >>> import gradtape as gt
    >>> int(gt.size(gt.zeros((2, 3))))
    6
    """
    return wrap(np.asarray(np.size(_value(input)), dtype=as_dtype(out_type)))


def rank(input, name=None) -> Tensor:  # noqa: A002 - TensorFlow's name
    """The number of dimensions of ``input`` as a scalar int32 tensor.

    >>> import gradtape as gt
    >>> int(gt.rank(gt.zeros((2, 3))))
    2
    """
    return wrap(np.asarray(np.ndim(_value(input)), dtype=np.int32))


__all__ = ["constant", "convert_to_tensor", "zeros", "ones", "fill", "zeros_like", "ones_like",
           "range", "eye", "linspace", "shape", "size", "rank"]
