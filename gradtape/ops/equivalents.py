"""TensorFlow names that gradtape computes with ops it already has: ``accumulate_n``,
``approx_max_k``/``approx_min_k`` (exact), ``parallel_stack``, ``identity_n``, ``shape_n``,
``broadcast_static_shape``, ``broadcast_dynamic_shape``, ``no_op`` and ``group``. Gradients
are those of the ops they call."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.shape import TensorShape
from .._engine.tensor import Tensor, int32, to_array, wrap
from .array import identity, stack, transpose
from .creation import shape
from .math import add_n, negative
from .scan import top_k

__all__ = ["accumulate_n", "approx_max_k", "approx_min_k", "broadcast_dynamic_shape",
           "broadcast_static_shape", "group", "identity_n", "no_op", "parallel_stack", "shape_n"]


def _tensor(x) -> Tensor:
    return x if isinstance(x, Tensor) else wrap(to_array(x))


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None) -> Tensor:
    """Elementwise sum of a list of tensors, as ``add_n``; ``shape`` and ``tensor_dtype``, when
    given, must match the inputs'.

    >>> import gradtape as gt
    >>> gt.math.accumulate_n([gt.constant([1.0, 2.0]), gt.constant([3.0, 4.0])]).numpy()
    array([4., 6.], dtype=float32)
    """
    out = add_n(inputs)
    if shape is not None and tuple(out.shape) != tuple(int(d) for d in shape):
        raise ValueError(f"accumulate_n: the inputs have shape {tuple(out.shape)} but shape="
                         f"{tuple(shape)} was given")
    if tensor_dtype is not None and out.dtype != np.dtype(tensor_dtype):
        raise TypeError(f"accumulate_n: the inputs have dtype {out.dtype.name} but tensor_dtype="
                        f"{np.dtype(tensor_dtype).name} was given")
    return out


def _along(op: str, operand, k, reduction_dimension: int, largest: bool):
    x = _tensor(operand)
    if x.ndim == 0:
        raise ValueError(f"{op}: operand must have rank >= 1, got a scalar")
    axis = int(reduction_dimension)
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"{op}: reduction_dimension={axis} is out of range for rank {x.ndim}")
    axis %= x.ndim
    perm = [i for i in range(x.ndim) if i != axis] + [axis]
    moved = x if axis == x.ndim - 1 else transpose(x, perm)
    values, indices = top_k(moved if largest else negative(moved), k=k)
    if not largest:
        values = negative(values)
    if axis != x.ndim - 1:
        back = list(np.argsort(perm))
        values, indices = transpose(values, back), transpose(indices, back)
    return values, indices


def approx_max_k(operand, k, reduction_dimension: int = -1, recall_target: float = 0.95,
                 reduction_input_size_override: int = -1, aggregate_to_topk: bool = True,
                 name=None) -> tuple:
    """The ``k`` largest values along ``reduction_dimension`` and their indices. gradtape
    computes them exactly (a recall of 1, above any ``recall_target``).

    >>> import gradtape as gt
    >>> values, indices = gt.math.approx_max_k(gt.constant([[1.0, 4.0], [3.0, 2.0]]), 1, 0)
    >>> values.numpy(), indices.numpy()
    (array([[3., 4.]], dtype=float32), array([[1, 0]], dtype=int32))
    """
    return _along("approx_max_k", operand, k, reduction_dimension, True)


def approx_min_k(operand, k, reduction_dimension: int = -1, recall_target: float = 0.95,
                 reduction_input_size_override: int = -1, aggregate_to_topk: bool = True,
                 name=None) -> tuple:
    """The ``k`` smallest values along ``reduction_dimension`` and their indices, exactly.

    >>> import gradtape as gt
    >>> gt.math.approx_min_k(gt.constant([3.0, 1.0, 2.0]), 2)[0].numpy()
    array([1., 2.], dtype=float32)
    """
    return _along("approx_min_k", operand, k, reduction_dimension, False)


def parallel_stack(values, name=None) -> Tensor:
    """The tensors of ``values`` (one shape) stacked along a new first axis, as ``stack``.

    >>> import gradtape as gt
    >>> gt.parallel_stack([gt.constant([1, 2]), gt.constant([3, 4])]).numpy()
    array([[1, 2],
           [3, 4]], dtype=int32)
    """
    return stack(values, axis=0)


def identity_n(input, name=None) -> list:  # noqa: A002 - TensorFlow's name
    """A list of identities of the tensors in ``input`` (gradients pass through).

    >>> import gradtape as gt
    >>> [t.numpy() for t in gt.identity_n([gt.constant(1.0), gt.constant(2)])]
    [np.float32(1.0), np.int32(2)]
    """
    return [identity(_tensor(x)) for x in input]


def shape_n(input, out_type=int32, name=None) -> list:  # noqa: A002 - TensorFlow's name
    """The shape of each tensor in ``input``, as 1-D integer tensors.

    >>> import gradtape as gt
    >>> [s.numpy() for s in gt.shape_n([gt.zeros((2, 3)), gt.zeros(4)])]
    [array([2, 3], dtype=int32), array([4], dtype=int32)]
    """
    return [shape(x, out_type=out_type) for x in input]


def _dims(s, op: str, arg: str) -> tuple:
    v = s._value if isinstance(s, Tensor) else s
    try:
        return tuple(int(d) for d in np.asarray(v).reshape(-1))
    except (TypeError, ValueError):
        raise TypeError(f"{op}: {arg} must be a shape (a list of ints), got {s!r}") from None


def broadcast_static_shape(shape_x, shape_y) -> TensorShape:
    """The shape that ``shape_x`` and ``shape_y`` broadcast to (``None`` sizes stay unknown
    where the other size is 1 or unknown).

    >>> import gradtape as gt
    >>> gt.broadcast_static_shape(gt.TensorShape([2, 1]), gt.TensorShape([3]))
    (2, 3)
    """
    x, y = TensorShape(shape_x), TensorShape(shape_y)
    n = max(len(x), len(y))
    x, y = (1,) * (n - len(x)) + tuple(x), (1,) * (n - len(y)) + tuple(y)
    out = []
    for a, b in zip(x, y):
        if a == 1:
            out.append(b)
        elif b == 1:
            out.append(a)
        elif a is None or b is None:
            out.append(a if b is None else b)
        elif a == b:
            out.append(a)
        else:
            raise ValueError(f"broadcast_static_shape: incompatible shapes {TensorShape(shape_x)} "
                             f"and {TensorShape(shape_y)}")
    return TensorShape(out)


def broadcast_dynamic_shape(shape_x, shape_y) -> Tensor:
    """The shape that the shapes ``shape_x`` and ``shape_y`` broadcast to, as a 1-D tensor.

    >>> import gradtape as gt
    >>> gt.broadcast_dynamic_shape(gt.constant([2, 1]), gt.constant([3])).numpy()
    array([2, 3], dtype=int32)
    """
    op = "broadcast_dynamic_shape"
    x, y = _dims(shape_x, op, "shape_x"), _dims(shape_y, op, "shape_y")
    try:
        out = np.broadcast_shapes(x, y)
    except ValueError:
        raise ValueError(f"broadcast_dynamic_shape: incompatible shapes {x} and {y}") from None
    dtype = shape_x.dtype if isinstance(shape_x, Tensor) else np.dtype(np.int32)
    return wrap(np.asarray(out, dtype=dtype))


def no_op(name=None) -> None:
    """Nothing (eagerly, TensorFlow's ``no_op`` does nothing either).

    >>> import gradtape as gt
    >>> gt.no_op()
    """
    return None


def group(*inputs: Any, **kwargs: Any) -> None:
    """Nothing: eagerly, every op in ``inputs`` has already run (TensorFlow returns None too).

    >>> import gradtape as gt
    >>> gt.group(gt.constant(1.0))
    """
    return None
