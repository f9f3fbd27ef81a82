"""``SparseTensor``: TensorFlow's coordinate-list sparse tensor over gradtape tensors.

A sparse tensor is three tensors: ``indices`` (int64 ``[N, rank]``, the coordinates of the
explicit entries), ``values`` (length ``N``, any dtype) and ``dense_shape`` (int64 ``[rank]``).
The values stay a :class:`~gradtape.Tensor` (possibly recorded on a tape), so the ops of
:mod:`gradtape.sparse` that compute new values from them are ordinary differentiable ops and
gradients reach the values. Indices and the dense shape are integer constants: they never get
gradients. As in TensorFlow, a ``SparseTensor`` is not a ``Tensor``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._engine.shape import TensorShape
from ._engine.tensor import Tensor, wrap


def _int64(value: Any, what: str) -> np.ndarray:
    a = np.asarray(value._value if isinstance(value, Tensor) else value)
    if a.size == 0 and a.dtype.kind == "f":
        a = a.astype(np.int64)  # an empty Python list
    if a.dtype.kind not in "iu":
        raise TypeError(f"SparseTensor: {what} must be integers, got dtype {a.dtype.name}; give int "
                        "(int64) coordinates and sizes")
    return a.astype(np.int64)


class SparseTensor:
    """A sparse tensor of shape ``dense_shape`` holding ``values`` at ``indices``, as
    ``tf.SparseTensor``; every other element is zero.

    ``indices`` is an int64 ``[N, rank]`` array of coordinates, ``values`` a 1-D tensor of
    length ``N`` (a tensor on a tape keeps its gradient path) and ``dense_shape`` an int64
    ``[rank]`` vector. Many ops expect the indices in canonical row-major order; use
    ``gt.sparse.reorder`` to sort them. Coordinates are checked to lie inside ``dense_shape``.

    >>> import gradtape as gt
    >>> from gradtape.sparse_tensor import SparseTensor
    >>> st = SparseTensor(indices=[[0, 0], [1, 2]], values=[1.0, 2.0], dense_shape=[3, 4])
    >>> st.shape, st.dtype.name
    ((3, 4), 'float32')
    >>> st.values.numpy()
    array([1., 2.], dtype=float32)
    """

    __slots__ = ("_indices", "_values", "_dense_shape", "_ind_t", "_shape_t")

    def __init__(self, indices: Any, values: Any, dense_shape: Any):
        shape = _int64(dense_shape, "dense_shape")
        if shape.ndim != 1:
            raise ValueError(f"SparseTensor: dense_shape must be a 1-D vector of sizes, got shape "
                             f"{shape.shape}")
        if shape.size == 0:
            raise ValueError("SparseTensor: dense_shape must have at least one dimension (rank-0 "
                             "sparse tensors are not supported); use a dense scalar instead")
        if np.any(shape < 0):
            raise ValueError(f"SparseTensor: dense_shape {shape.tolist()} has a negative size")
        idx = _int64(indices, "indices")
        if idx.size == 0 and idx.ndim < 2:
            idx = idx.reshape(0, shape.size)
        if idx.ndim != 2 or idx.shape[1] != shape.size:
            raise ValueError(f"SparseTensor: indices must have shape [N, rank] = [N, {shape.size}] "
                             f"(one coordinate per dimension of dense_shape {shape.tolist()}), got "
                             f"shape {list(idx.shape)}")
        if isinstance(values, Tensor):
            vals = values
        else:
            from .ops.creation import constant
            vals = constant(values) if np.size(values) else constant(np.asarray(values, np.float32))
        if vals.ndim != 1 or vals.shape[0] != idx.shape[0]:
            raise ValueError(f"SparseTensor: values must be a 1-D tensor with one value per index "
                             f"(length {idx.shape[0]}), got shape {tuple(vals.shape)}")
        if idx.size:
            bad = np.any((idx < 0) | (idx >= shape), axis=1)
            if bad.any():
                k = int(np.argmax(bad))
                raise ValueError(f"SparseTensor: indices[{k}] = {idx[k].tolist()} is out of bounds for "
                                 f"dense_shape {shape.tolist()}; each coordinate must be in [0, size)")
        idx.flags.writeable = False
        shape.flags.writeable = False
        self._indices = idx
        self._values = vals
        self._dense_shape = shape
        self._ind_t = wrap(idx)
        self._shape_t = wrap(shape)

    # -- attributes ----------------------------------------------------------------------------
    @property
    def indices(self) -> Tensor:
        """The int64 ``[N, rank]`` coordinates of the explicit entries."""
        return self._ind_t

    @property
    def values(self) -> Tensor:
        """The 1-D tensor of the explicit entries' values (differentiable)."""
        return self._values

    @property
    def dense_shape(self) -> Tensor:
        """The int64 ``[rank]`` shape of the dense tensor this represents."""
        return self._shape_t

    @property
    def dtype(self) -> np.dtype:
        """The dtype of the values."""
        return self._values.dtype

    @property
    def shape(self) -> TensorShape:
        """The dense shape as a :class:`~gradtape.TensorShape`."""
        return TensorShape(int(s) for s in self._dense_shape)

    def get_shape(self) -> TensorShape:
        """The dense shape, as ``shape``."""
        return self.shape

    @property
    def ndim(self) -> int:
        """The rank of the dense tensor."""
        return int(self._dense_shape.size)

    def with_values(self, new_values: Any) -> SparseTensor:
        """A sparse tensor with the same indices and dense shape and ``new_values`` (as many
        values as there are indices).

        >>> import gradtape as gt
        >>> from gradtape.sparse_tensor import SparseTensor
        >>> st = SparseTensor([[0, 1]], [2.0], [2, 2])
        >>> st.with_values(st.values * 3.0).values.numpy()
        array([6.], dtype=float32)
        """
        return SparseTensor(self._indices, new_values, self._dense_shape)

    @classmethod
    def from_value(cls, sparse_tensor_value: Any) -> SparseTensor:
        """A ``SparseTensor`` from another one (returned as it is) or from any object with
        ``indices``, ``values`` and ``dense_shape`` attributes (such as TensorFlow's
        ``SparseTensorValue``).

        >>> import gradtape as gt
        >>> from gradtape.sparse_tensor import SparseTensor
        >>> from collections import namedtuple
        >>> Value = namedtuple("Value", "indices values dense_shape")
        >>> SparseTensor.from_value(Value([[1]], [5.0], [3])).shape
        (3,)
        """
        if isinstance(sparse_tensor_value, SparseTensor):
            return sparse_tensor_value
        try:
            parts = (sparse_tensor_value.indices, sparse_tensor_value.values,
                     sparse_tensor_value.dense_shape)
        except AttributeError:
            raise TypeError(f"SparseTensor.from_value: expected a SparseTensor or an object with "
                            f"indices, values and dense_shape, got {type(sparse_tensor_value).__name__}"
                            ) from None
        return cls(*parts)

    # -- elementwise products with dense tensors ----------------------------------------------------
    def _cwise(self, other: Any, op: str) -> SparseTensor:
        if isinstance(other, SparseTensor):
            raise TypeError(f"SparseTensor.__{op}__: the other operand must be dense; for two sparse "
                            "tensors use gt.sparse.add or convert one with gt.sparse.to_dense")
        from .ops.array import broadcast_to
        from .ops.creation import constant
        from .ops.indexing import gather_nd
        from .ops.math import divide, multiply
        d = other if isinstance(other, Tensor) else constant(other, dtype=self.dtype)
        shape = tuple(int(s) for s in self._dense_shape)
        try:
            np.broadcast_shapes(tuple(d.shape), shape)
            if len(d.shape) > len(shape) or np.broadcast_shapes(tuple(d.shape), shape) != shape:
                raise ValueError
        except ValueError:
            raise ValueError(f"SparseTensor.__{op}__: the dense operand of shape {tuple(d.shape)} must "
                             f"broadcast to the sparse tensor's shape {shape} (only the dense side is "
                             "broadcast)") from None
        picked = gather_nd(broadcast_to(d, shape), self._indices)
        fn = multiply if op == "mul" else divide
        return SparseTensor(self._indices, fn(self._values, picked), self._dense_shape)

    def __mul__(self, other: Any) -> SparseTensor:
        """The sparse tensor times a dense tensor broadcast to its shape (only the explicit
        entries are kept), as ``tf.SparseTensor.__mul__``."""
        return self._cwise(other, "mul")

    def __truediv__(self, other: Any) -> SparseTensor:
        """The sparse tensor divided by a dense tensor broadcast to its shape (only the explicit
        entries are kept), as ``tf.SparseTensor.__truediv__``."""
        return self._cwise(other, "truediv")

    def __repr__(self) -> str:
        return (f"SparseTensor(indices={self._ind_t!r}, values={self._values!r}, "
                f"dense_shape={self._shape_t!r})")



def _new(indices: np.ndarray, values: Tensor, dense_shape: Any) -> SparseTensor:
    """A ``SparseTensor`` from already checked parts (int64 ``[N, rank]`` indices inside the
    shape, a 1-D values tensor of length N): the ops' fast path, without the checks."""
    st = object.__new__(SparseTensor)
    idx = np.ascontiguousarray(indices, dtype=np.int64).reshape(-1, len(dense_shape))
    shape = np.asarray(dense_shape, dtype=np.int64).reshape(-1)
    idx.flags.writeable = False
    shape.flags.writeable = False
    st._indices, st._values, st._dense_shape = idx, values, shape
    st._ind_t, st._shape_t = wrap(idx), wrap(shape)
    return st


class SparseTensorSpec:
    """The type of a SparseTensor, as ``tf.SparseTensorSpec``: its dense shape (``None`` where
    it varies) and dtype.

    >>> import gradtape as gt
    >>> gt.SparseTensorSpec([None, 3], gt.int32)
    SparseTensorSpec(TensorShape([None, 3]), gt.int32)
    """

    def __init__(self, shape=None, dtype=np.float32):
        from ._engine.tensor import as_dtype
        self.shape = TensorShape(shape) if shape is not None else None
        self.dtype = as_dtype(dtype)

    @classmethod
    def from_value(cls, value: SparseTensor) -> SparseTensorSpec:
        return cls(list(value.shape), value.dtype)

    def is_compatible_with(self, value) -> bool:
        return (isinstance(value, SparseTensor) and value.dtype == self.dtype
                and (self.shape is None or self.shape.is_compatible_with(value.shape)))

    def __eq__(self, other) -> bool:
        return isinstance(other, SparseTensorSpec) and (self.shape, self.dtype) == (other.shape, other.dtype)

    def __hash__(self) -> int:
        return hash((tuple(self.shape) if self.shape is not None else None, self.dtype))

    def __repr__(self) -> str:
        shape = "None" if self.shape is None else f"TensorShape({list(self.shape)})"
        return f"SparseTensorSpec({shape}, gt.{self.dtype.name})"


def stack_sparse(items: list) -> SparseTensor:
    """SparseTensors of one rank stacked along a new first axis (each dimension as large as
    the largest), as ``tf.data``'s ``batch`` does."""
    from .ops.array import concat
    if not all(isinstance(st, SparseTensor) for st in items):
        raise ValueError("batch: a component mixes SparseTensors and dense tensors; make the dataset's "
                         "function return the same kind for every element (gt.sparse.from_dense or to_dense)")
    ranks = {len(st.shape) for st in items}
    if len(ranks) != 1:
        raise ValueError(f"batch: cannot batch SparseTensors of different ranks {sorted(ranks)}; reshape them "
                         "to one rank (gt.sparse.reshape) first")
    shape = [len(items)] + [int(max(st._dense_shape[d] for st in items)) for d in range(ranks.pop())]
    idx = np.concatenate([np.concatenate([np.full((len(st._indices), 1), b, np.int64), st._indices], axis=1)
                          for b, st in enumerate(items)])
    return _new(idx, concat([st.values for st in items], axis=0), shape)


def sparse_rows(st: SparseTensor) -> list:
    """The rows of ``st`` along its first axis, each a SparseTensor of one rank less."""
    if len(st.shape) < 2:
        raise ValueError("unbatch: a SparseTensor needs two or more dimensions to be split into rows; "
                         "unbatch only batched sparse components")
    rows = []
    for i in range(int(st._dense_shape[0])):
        pick = np.nonzero(st._indices[:, 0] == i)[0]
        rows.append(_new(st._indices[pick, 1:], st.values[pick] if len(pick) != len(st._indices)
                         else st.values, st._dense_shape[1:]))
    return rows


__all__ = ["SparseTensor", "SparseTensorSpec"]
