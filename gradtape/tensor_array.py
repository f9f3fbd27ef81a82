"""``gt.TensorArray``: TensorFlow's list of same-shaped tensors written in a loop, then stacked.

Eagerly, as in TensorFlow, a TensorArray holds the tensors written to it: ``write`` and
``unstack`` return the array itself (so ``ta = ta.write(i, x)`` works as in graph code), and
``stack``, ``gather`` and ``concat`` are recorded ops, so gradients reach every written value.
"""

from __future__ import annotations

import numpy as np

from ._engine.tensor import Tensor, to_array, wrap
from .ops.array import concat, stack, unstack
from .ops.creation import zeros

__all__ = ["TensorArray"]


class TensorArray:
    """A list of tensors of one dtype (and, with ``infer_shape``, one shape) indexed by
    position, as ``tf.TensorArray``.

    >>> import gradtape as gt
    >>> ta = gt.TensorArray(gt.float32, size=3)
    >>> for i in range(3):
    ...     ta = ta.write(i, gt.constant(float(i)) * 2.0)
    >>> ta.stack().numpy()
    array([0., 2., 4.], dtype=float32)
    """

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape: bool = True,
                 element_shape=None, colocate_with_first_write_call: bool = True, name=None):
        self._dtype = np.dtype(dtype)
        n = 0 if size is None else int(size)
        if n < 0:
            raise ValueError(f"TensorArray: size must be at least 0, got {n}")
        self._dynamic = bool(dynamic_size) if dynamic_size is not None else size is None
        self._values: list = [None] * n
        self._infer_shape = infer_shape
        self._element_shape = None if element_shape is None else tuple(int(d) for d in element_shape)

    @property
    def dtype(self) -> np.dtype:
        """The dtype of every element."""
        return self._dtype

    @property
    def dynamic_size(self) -> bool:
        """Whether writing past the end grows the array."""
        return self._dynamic

    @property
    def element_shape(self) -> tuple | None:
        """The shape of every element, when known (given, or taken from the first write)."""
        return self._element_shape

    def size(self, name=None) -> Tensor:
        """The number of elements, as an int32 scalar tensor."""
        return wrap(np.asarray(len(self._values), np.int32))

    def _index(self, index, op: str) -> int:
        i = int(index)
        if i < 0:
            raise IndexError(f"TensorArray.{op}: index {i} is negative")
        return i

    def write(self, index, value, name=None) -> TensorArray:
        """Store ``value`` at ``index``; returns this array."""
        i = self._index(index, "write")
        if i >= len(self._values):
            if not self._dynamic:
                raise IndexError(f"TensorArray.write: index {i} is past the end of an array of size "
                                 f"{len(self._values)}; create it with dynamic_size=True to grow it")
            self._values.extend([None] * (i + 1 - len(self._values)))
        if self._values[i] is not None:
            raise ValueError(f"TensorArray.write: index {i} has already been written to; a "
                             "TensorArray element is written once")
        self._values[i] = self._check(value, "write")
        return self

    def _check(self, value, op: str) -> Tensor:
        t = value if isinstance(value, Tensor) else wrap(to_array(value, self._dtype))
        if t.dtype != self._dtype:
            raise TypeError(f"TensorArray.{op}: the array holds {self._dtype.name} but the value is "
                            f"{t.dtype.name}; cast it first")
        if self._infer_shape:
            if self._element_shape is None:
                self._element_shape = tuple(t.shape)
            elif tuple(t.shape) != self._element_shape:
                raise ValueError(f"TensorArray.{op}: the elements have shape {self._element_shape} "
                                 f"but the value has shape {tuple(t.shape)}")
        return t

    def read(self, index, name=None) -> Tensor:
        """The element at ``index`` (zeros of the element shape if it was never written)."""
        i = self._index(index, "read")
        if i >= len(self._values):
            raise IndexError(f"TensorArray.read: index {i} is past the end of an array of size "
                             f"{len(self._values)}")
        return self._element(i, "read")

    def _element(self, i: int, op: str) -> Tensor:
        v = self._values[i]
        if v is not None:
            return v
        if self._element_shape is None:
            raise ValueError(f"TensorArray.{op}: element {i} was never written and the element "
                             "shape is unknown; write it first or give element_shape")
        return zeros(self._element_shape, dtype=self._dtype)

    def stack(self, name=None) -> Tensor:
        """Every element stacked along a new first axis."""
        if not self._values:
            return zeros((0,) + (self._element_shape or ()), dtype=self._dtype)
        return stack([self._element(i, "stack") for i in range(len(self._values))])

    def gather(self, indices, name=None) -> Tensor:
        """The elements at ``indices``, stacked."""
        idx = [int(i) for i in np.asarray(indices.numpy() if isinstance(indices, Tensor) else indices).reshape(-1)]
        for i in idx:
            if not 0 <= i < len(self._values):
                raise IndexError(f"TensorArray.gather: index {i} is outside an array of size "
                                 f"{len(self._values)}")
        if not idx:
            return zeros((0,) + (self._element_shape or ()), dtype=self._dtype)
        return stack([self._element(i, "gather") for i in idx])

    def concat(self, name=None) -> Tensor:
        """Every element joined along its first axis."""
        if not self._values:
            return zeros((0,) + (self._element_shape or ())[1:], dtype=self._dtype)
        return concat([self._element(i, "concat") for i in range(len(self._values))], axis=0)

    def unstack(self, value, name=None) -> TensorArray:
        """Write the rows of ``value`` (along its first axis) to indices 0, 1, ...; returns this
        array."""
        rows = unstack(value if isinstance(value, Tensor) else wrap(to_array(value, self._dtype)))
        for i, r in enumerate(rows):
            self.write(i, r)
        return self

    def scatter(self, indices, value, name=None) -> TensorArray:
        """Write the rows of ``value`` to ``indices``; returns this array."""
        rows = unstack(value if isinstance(value, Tensor) else wrap(to_array(value, self._dtype)))
        idx = np.asarray(indices.numpy() if isinstance(indices, Tensor) else indices).reshape(-1)
        if len(idx) != len(rows):
            raise ValueError(f"TensorArray.scatter: {len(idx)} indices for {len(rows)} rows of value")
        for i, r in zip(idx, rows):
            self.write(int(i), r)
        return self

    def identity(self) -> TensorArray:
        """This array (eagerly there is nothing to sequence)."""
        return self

    def close(self, name=None) -> None:
        """Drop every element."""
        self._values = []
