"""Ragged tensors, as ``tf.RaggedTensor`` and ``tf.ragged``: rows of different lengths.

A RaggedTensor is its ``values`` (a Tensor, or a RaggedTensor for more ragged dimensions) cut
into rows by ``row_splits`` (row ``i`` is ``values[row_splits[i]:row_splits[i + 1]]``). Its
values are an ordinary tensor, so the ops on them record on a tape: gradients flow through
``to_tensor``, the reductions, ``map_flat_values`` and the operators, to the values.

>>> import gradtape as gt
>>> rt = gt.ragged.constant([[1.0, 2.0], [], [3.0]])
>>> rt
<gt.RaggedTensor [[1.0, 2.0], [], [3.0]]>
>>> rt.to_tensor().numpy()
array([[1., 2.],
       [0., 0.],
       [3., 0.]], dtype=float32)
>>> gt.reduce_sum(rt, axis=1).numpy()
array([3., 0., 3.], dtype=float32)
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ._engine.shape import TensorShape
from ._engine.tensor import Tensor, to_array, wrap

__all__ = ["RaggedTensor", "RaggedTensorSpec", "constant", "map_flat_values", "row_splits_to_segment_ids",
           "segment_ids_to_row_splits"]


def _index_array(v: Any, what: str, who: str) -> np.ndarray:
    a = np.asarray(v._value if isinstance(v, Tensor) else v)
    if a.ndim != 1 or (a.size and a.dtype.kind not in "iu"):
        raise ValueError(f"{who}: {what} must be a 1-D integer vector, got shape {a.shape} dtype {a.dtype}")
    return a.astype(np.int64)


def _nvals(values) -> int:
    return values.nrows() if isinstance(values, RaggedTensor) else int(values.shape[0])


class RaggedTensor:
    """Rows of different lengths over a flat tensor of values (see the module docstring).

    Build one with :func:`constant` or the ``from_*`` class methods.

    >>> import gradtape as gt
    >>> rt = gt.RaggedTensor.from_row_lengths(gt.constant([1, 2, 3]), [2, 1])
    >>> rt.row_splits.numpy(), rt.shape
    (array([0, 2, 3]), (2, None))
    """

    __slots__ = ("_values", "_row_splits")

    def __init__(self, values, row_splits, _checked: bool = False):
        if not _checked:
            raise TypeError("RaggedTensor: build one with gt.ragged.constant or RaggedTensor.from_row_splits "
                            "(from_row_lengths, from_value_rowids, from_tensor)")
        self._values = values
        self._row_splits = row_splits

    # -- construction --------------------------------------------------------------------------
    @classmethod
    def from_row_splits(cls, values, row_splits, name=None, validate: bool = True) -> RaggedTensor:
        """Row ``i`` is ``values[row_splits[i]:row_splits[i + 1]]``; ``row_splits`` starts at 0,
        never decreases and ends at the number of values.

        >>> import gradtape as gt
        >>> gt.RaggedTensor.from_row_splits([1, 2, 3], [0, 2, 2, 3]).to_list()
        [[1, 2], [], [3]]
        """
        if not isinstance(values, RaggedTensor):
            values = values if isinstance(values, Tensor) else wrap(to_array(values))
            if len(values.shape) == 0:
                raise ValueError("RaggedTensor.from_row_splits: values must have at least one dimension")
        splits = _index_array(row_splits, "row_splits", "RaggedTensor.from_row_splits")
        if validate:
            n = _nvals(values)
            if splits.size == 0 or splits[0] != 0 or splits[-1] != n or np.any(np.diff(splits) < 0):
                raise ValueError(f"RaggedTensor.from_row_splits: row_splits must start at 0, never decrease and "
                                 f"end at the number of values ({n}); got {splits.tolist()[:10]}")
        return cls(values, splits, _checked=True)

    @classmethod
    def from_row_lengths(cls, values, row_lengths, name=None, validate: bool = True) -> RaggedTensor:
        """Rows of the given lengths, in order (they must add up to the number of values).

        >>> import gradtape as gt
        >>> gt.RaggedTensor.from_row_lengths([1, 2, 3], [1, 2]).to_list()
        [[1], [2, 3]]
        """
        lengths = _index_array(row_lengths, "row_lengths", "RaggedTensor.from_row_lengths")
        if validate and np.any(lengths < 0):
            raise ValueError(f"RaggedTensor.from_row_lengths: row_lengths must not be negative, got {lengths.tolist()[:10]}")
        return cls.from_row_splits(values, np.concatenate([[0], np.cumsum(lengths)]), validate=validate)

    @classmethod
    def from_row_starts(cls, values, row_starts, name=None, validate: bool = True) -> RaggedTensor:
        starts = _index_array(row_starts, "row_starts", "RaggedTensor.from_row_starts")
        return cls.from_row_splits(values, np.concatenate([starts, [_nvals_of(values)]]), validate=validate)

    @classmethod
    def from_row_limits(cls, values, row_limits, name=None, validate: bool = True) -> RaggedTensor:
        limits = _index_array(row_limits, "row_limits", "RaggedTensor.from_row_limits")
        return cls.from_row_splits(values, np.concatenate([[0], limits]), validate=validate)

    @classmethod
    def from_value_rowids(cls, values, value_rowids, nrows=None, name=None, validate: bool = True) -> RaggedTensor:
        """Value ``j`` belongs to row ``value_rowids[j]`` (sorted); ``nrows`` adds empty rows at the end.

        >>> import gradtape as gt
        >>> gt.RaggedTensor.from_value_rowids([1, 2, 3], [0, 0, 2], nrows=4).to_list()
        [[1, 2], [], [3], []]
        """
        ids = _index_array(value_rowids, "value_rowids", "RaggedTensor.from_value_rowids")
        if validate and (np.any(np.diff(ids) < 0) or (ids.size and ids[0] < 0)):
            raise ValueError("RaggedTensor.from_value_rowids: value_rowids must be sorted and not negative")
        n = int(nrows) if nrows is not None else (int(ids[-1]) + 1 if ids.size else 0)
        if ids.size and ids[-1] >= n:
            raise ValueError(f"RaggedTensor.from_value_rowids: nrows ({n}) must exceed the largest row id ({ids[-1]})")
        return cls.from_row_lengths(values, np.bincount(ids, minlength=n), validate=validate)

    @classmethod
    def from_uniform_row_length(cls, values, uniform_row_length, nrows=None, name=None,
                                validate: bool = True) -> RaggedTensor:
        k = int(uniform_row_length)
        n = _nvals_of(values)
        rows = int(nrows) if nrows is not None else (n // k if k else 0)
        return cls.from_row_splits(values, np.arange(rows + 1, dtype=np.int64) * k, validate=validate)

    @classmethod
    def from_nested_row_splits(cls, flat_values, nested_row_splits, name=None, validate: bool = True) -> RaggedTensor:
        """One ragged dimension per row-splits vector, outermost first."""
        out = flat_values
        for splits in reversed(list(nested_row_splits)):
            out = cls.from_row_splits(out, splits, validate=validate)
        return out

    @classmethod
    def from_nested_row_lengths(cls, flat_values, nested_row_lengths, name=None, validate: bool = True) -> RaggedTensor:
        """One ragged dimension per list of row lengths, outermost first.

        >>> import gradtape as gt
        >>> gt.RaggedTensor.from_nested_row_lengths([1, 2, 3], [[2, 0], [1, 2]]).to_list()
        [[[1], [2, 3]], []]
        """
        splits = [np.concatenate([[0], np.cumsum(_index_array(lengths, "row_lengths", "RaggedTensor"))])
                  for lengths in nested_row_lengths]
        return cls.from_nested_row_splits(flat_values, splits, validate=validate)

    @classmethod
    def from_tensor(cls, tensor, lengths=None, padding=None, ragged_rank: int = 1, name=None) -> RaggedTensor:
        """The rows of a dense tensor (axis 1 becomes ragged), cut at ``lengths`` or before a
        trailing run of ``padding`` values; both None: every row whole.

        >>> import gradtape as gt
        >>> gt.RaggedTensor.from_tensor([[1, 2, 0], [3, 0, 0]], padding=0).to_list()
        [[1, 2], [3]]
        """
        t = tensor if isinstance(tensor, Tensor) else wrap(to_array(tensor))
        if len(t.shape) < 2:
            raise ValueError(f"RaggedTensor.from_tensor: the tensor must have rank 2 or more, got shape {t.shape}")
        if int(ragged_rank) != 1:
            raise NotImplementedError("RaggedTensor.from_tensor: only ragged_rank=1 is supported")
        n, width = int(t.shape[0]), int(t.shape[1])
        if lengths is not None and padding is not None:
            raise ValueError("RaggedTensor.from_tensor: give lengths or padding, not both")
        if lengths is not None:
            lens = np.minimum(_index_array(lengths, "lengths", "RaggedTensor.from_tensor"), width)
        elif padding is not None:
            pad = np.asarray(t._value == to_array(padding))
            pad = pad.reshape(n, width, -1).all(axis=2)
            keep = ~pad[:, ::-1]
            lens = np.where(keep.any(axis=1), width - np.argmax(keep, axis=1), 0)
        else:
            lens = np.full(n, width)
        from .ops.indexing import gather
        from .ops.array import reshape
        flat = reshape(t, (n * width,) + tuple(t.shape[2:]))
        idx = (np.arange(n)[:, None] * width + np.arange(width)[None, :])[np.arange(width)[None, :] < lens[:, None]]
        return cls.from_row_lengths(gather(flat, idx), lens)

    # -- structure -----------------------------------------------------------------------------
    @property
    def values(self):
        """The concatenated rows (a Tensor, or a RaggedTensor for more ragged dimensions)."""
        return self._values

    @property
    def row_splits(self) -> Tensor:
        return wrap(self._row_splits)

    @property
    def flat_values(self) -> Tensor:
        v = self._values
        while isinstance(v, RaggedTensor):
            v = v._values
        return v

    @property
    def nested_row_splits(self) -> tuple:
        out, v = [self.row_splits], self._values
        while isinstance(v, RaggedTensor):
            out.append(v.row_splits)
            v = v._values
        return tuple(out)

    @property
    def ragged_rank(self) -> int:
        return 1 + (self._values.ragged_rank if isinstance(self._values, RaggedTensor) else 0)

    @property
    def dtype(self):
        return self.flat_values.dtype

    @property
    def shape(self) -> TensorShape:
        inner = self._values.shape
        return TensorShape([self.nrows(), None] + list(inner)[1:])

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def nrows(self, out_type=None, name=None) -> int:
        return len(self._row_splits) - 1

    def row_lengths(self, axis: int = 1, name=None) -> Tensor:
        if axis != 1:
            raise NotImplementedError("RaggedTensor.row_lengths: only axis=1 is supported")
        return wrap(np.diff(self._row_splits))

    def row_starts(self, name=None) -> Tensor:
        return wrap(self._row_splits[:-1])

    def row_limits(self, name=None) -> Tensor:
        return wrap(self._row_splits[1:])

    def value_rowids(self, name=None) -> Tensor:
        return wrap(np.repeat(np.arange(self.nrows(), dtype=np.int64), np.diff(self._row_splits)))

    def with_values(self, new_values) -> RaggedTensor:
        return RaggedTensor.from_row_splits(new_values, self._row_splits)

    def with_flat_values(self, new_values) -> RaggedTensor:
        if isinstance(self._values, RaggedTensor):
            return self.with_values(self._values.with_flat_values(new_values))
        return self.with_values(new_values)

    # -- conversion ----------------------------------------------------------------------------
    def to_tensor(self, default_value=None, name=None, shape=None) -> Tensor:
        """A dense tensor: each row padded with ``default_value`` (0, or "" for strings) to
        the longest row, or cut and padded to ``shape`` (None entries: the natural size).
        Differentiable with respect to the values.

        >>> import gradtape as gt
        >>> gt.ragged.constant([[1, 2], [3]]).to_tensor(default_value=-1).numpy()
        array([[ 1,  2],
               [ 3, -1]], dtype=int32)
        """
        from .ops.array import reshape
        from .ops.scatter import scatter_nd
        inner = self._values.to_tensor(default_value) if isinstance(self._values, RaggedTensor) else self._values
        lengths = np.diff(self._row_splits)
        n = self.nrows()
        width = int(lengths.max()) if lengths.size else 0
        rest = tuple(inner.shape[1:])
        if shape is not None:
            dims = list(TensorShape(shape)) if not isinstance(shape, TensorShape) else list(shape)
            if len(dims) != 1 + 1 + len(rest):
                raise ValueError(f"RaggedTensor.to_tensor: shape must have rank {2 + len(rest)}, got {dims}")
            n = n if dims[0] is None else int(dims[0])
            width = width if dims[1] is None else int(dims[1])
            if any(d is not None and int(d) != r for d, r in zip(dims[2:], rest)):
                raise NotImplementedError("RaggedTensor.to_tensor: only the first two dimensions can be resized")
        rows = np.repeat(np.arange(self.nrows()), lengths)
        cols = np.arange(len(rows)) - np.repeat(self._row_splits[:-1], lengths)
        keep = (rows < n) & (cols < width)
        is_str = inner.dtype.kind in "OSU"
        if is_str:
            out = np.full((n, width) + rest, "" if default_value is None else default_value, dtype=object)
            vals = np.asarray(inner._value)
            out[rows[keep], cols[keep]] = vals[keep]
            return wrap(out)
        vals = inner if keep.all() else _gather_rows(inner, np.nonzero(keep)[0])
        dense = scatter_nd(np.stack([rows[keep], cols[keep]], axis=1), vals, (n, width) + rest)
        if default_value is not None and np.any(np.asarray(to_array(default_value)) != 0):
            filled = np.zeros((n, width), dtype=bool)
            filled[rows[keep], cols[keep]] = True
            pad = np.where(filled.reshape((n, width) + (1,) * len(rest)), 0,
                           np.asarray(to_array(default_value), dtype=dense.dtype))
            dense = dense + wrap(np.broadcast_to(pad, (n, width) + rest).astype(dense.dtype))
        return reshape(dense, (n, width) + rest)

    def to_list(self) -> list:
        """The rows as nested Python lists.

        >>> import gradtape as gt
        >>> gt.ragged.constant([["a"], []]).to_list()
        [['a'], []]
        """
        v = self._values
        inner = v.to_list() if isinstance(v, RaggedTensor) else np.asarray(v._value).tolist()
        s = self._row_splits
        return [inner[s[i]:s[i + 1]] for i in range(self.nrows())]

    def numpy(self) -> np.ndarray:
        """An object array of the rows (each a NumPy array, or nested for more ragged dimensions)."""
        out = np.empty(self.nrows(), dtype=object)
        for i in range(self.nrows()):
            row = self[i]
            out[i] = row.numpy() if isinstance(row, (Tensor, RaggedTensor)) else row
        return out

    # -- indexing ------------------------------------------------------------------------------
    def __getitem__(self, key):
        if isinstance(key, tuple):
            if not key:
                return self
            head, rest = key[0], key[1:]
            if isinstance(head, slice) and head == slice(None) and rest:
                raise NotImplementedError("RaggedTensor: indexing inside every row is not supported")
            out = self[head]
            return out[rest] if rest else out
        if isinstance(key, (int, np.integer)):
            n = self.nrows()
            i = int(key) + (n if key < 0 else 0)
            if not 0 <= i < n:
                raise IndexError(f"RaggedTensor: row {key} is out of range for {n} rows")
            lo, hi = int(self._row_splits[i]), int(self._row_splits[i + 1])
            return _rows_of(self._values, lo, hi)
        if isinstance(key, slice):
            idx = range(self.nrows())[key]
            if idx.step == 1:
                lo, hi = int(self._row_splits[idx.start]), int(self._row_splits[idx.stop])
                splits = self._row_splits[idx.start:idx.stop + 1] - lo
                return RaggedTensor.from_row_splits(_rows_of(self._values, lo, hi), splits)
            rows = [self[i] for i in idx]
            return _stack_rows(rows, self)
        raise TypeError(f"RaggedTensor: indices must be ints or slices, got {type(key).__name__}")

    # -- operators -----------------------------------------------------------------------------
    def _binary(self, other, fn, reverse=False):
        if isinstance(other, RaggedTensor):
            if not np.array_equal(other.nested_row_splits[0].numpy(), self._row_splits) or \
                    other.ragged_rank != self.ragged_rank:
                raise ValueError("RaggedTensor: an elementwise op needs two ragged tensors with the same row splits")
            b = other.flat_values
        else:
            b = other if isinstance(other, Tensor) else wrap(to_array(other))
            if len(b.shape) >= len(self.flat_values.shape):
                raise NotImplementedError("RaggedTensor: elementwise ops broadcast scalars, inner dimensions "
                                          "and ragged tensors of the same rows, not dense tensors over rows")
        a = self.flat_values
        return self.with_flat_values(fn(b, a) if reverse else fn(a, b))

    def __add__(self, other):
        return self._binary(other, lambda a, b: a + b)

    def __radd__(self, other):
        return self._binary(other, lambda a, b: a + b, reverse=True)

    def __sub__(self, other):
        return self._binary(other, lambda a, b: a - b)

    def __rsub__(self, other):
        return self._binary(other, lambda a, b: a - b, reverse=True)

    def __mul__(self, other):
        return self._binary(other, lambda a, b: a * b)

    def __rmul__(self, other):
        return self._binary(other, lambda a, b: a * b, reverse=True)

    def __truediv__(self, other):
        return self._binary(other, lambda a, b: a / b)

    def __rtruediv__(self, other):
        return self._binary(other, lambda a, b: a / b, reverse=True)

    def __pow__(self, other):
        return self._binary(other, lambda a, b: a ** b)

    def __neg__(self):
        return self.with_flat_values(-self.flat_values)

    def __repr__(self) -> str:
        return f"<gt.RaggedTensor {self.to_list()!r}>"

    def __str__(self) -> str:
        return f"<gt.RaggedTensor {self.to_list()!r}>"


def _nvals_of(values) -> int:
    return _nvals(values if isinstance(values, RaggedTensor) else
                  (values if isinstance(values, Tensor) else wrap(to_array(values))))


def _gather_rows(t: Tensor, idx: np.ndarray) -> Tensor:
    from .ops.indexing import gather
    return gather(t, idx)


def _rows_of(values, lo: int, hi: int):
    """``values[lo:hi]`` (a Tensor slice on the tape, or a RaggedTensor's rows)."""
    if isinstance(values, RaggedTensor):
        return values[lo:hi]
    return values[lo:hi]


def _stack_rows(rows: list, like: RaggedTensor) -> RaggedTensor:
    from .ops.array import concat
    lengths = [_nvals(r) if isinstance(r, RaggedTensor) else int(r.shape[0]) for r in rows]
    if rows and isinstance(rows[0], RaggedTensor):
        flat = concat([r.flat_values for r in rows], axis=0)
        inner = RaggedTensor.from_nested_row_lengths(
            flat, [np.concatenate([np.diff(r.nested_row_splits[k].numpy()) for r in rows])
                   for k in range(rows[0].ragged_rank)])
        return RaggedTensor.from_row_lengths(inner, lengths)
    values = concat(rows, axis=0) if rows else like.flat_values[:0]
    return RaggedTensor.from_row_lengths(values, lengths)


class RaggedTensorSpec:
    """The type of a RaggedTensor, as ``tf.RaggedTensorSpec``: shape (``None`` where it varies),
    dtype, ragged rank and the dtype of the row splits (int64).

    >>> import gradtape as gt
    >>> gt.RaggedTensorSpec.from_value(gt.ragged.constant([[1], [2, 3]]))
    RaggedTensorSpec(TensorShape([2, None]), gt.int32, 1, gt.int64)
    """

    def __init__(self, shape=None, dtype=np.float32, ragged_rank: int | None = None,
                 row_splits_dtype=np.int64, flat_values_spec=None):
        from ._engine.tensor import as_dtype
        self.shape = TensorShape(shape) if shape is not None else None
        self.dtype = as_dtype(dtype)
        rank = len(self.shape) if self.shape is not None else None
        self.ragged_rank = int(ragged_rank) if ragged_rank is not None else (rank - 1 if rank else 0)
        self.row_splits_dtype = np.dtype(row_splits_dtype)

    @classmethod
    def from_value(cls, value: RaggedTensor) -> RaggedTensorSpec:
        return cls(value.shape, value.dtype, value.ragged_rank)

    def is_compatible_with(self, value) -> bool:
        if not isinstance(value, RaggedTensor) or value.dtype != self.dtype:
            return False
        return self.shape is None or self.shape.is_compatible_with(value.shape)

    def __eq__(self, other) -> bool:
        return (isinstance(other, RaggedTensorSpec) and (self.shape, self.dtype, self.ragged_rank)
                == (other.shape, other.dtype, other.ragged_rank))

    def __hash__(self) -> int:
        return hash((tuple(self.shape) if self.shape is not None else None, self.dtype, self.ragged_rank))

    def __repr__(self) -> str:
        from ._engine.tensor import _dtype_name
        shape = "None" if self.shape is None else f"TensorShape({list(self.shape)})"
        return (f"RaggedTensorSpec({shape}, gt.{_dtype_name(self.dtype)}, {self.ragged_rank}, "
                f"gt.{self.row_splits_dtype.name})")


def take_rows(rt: RaggedTensor, idx) -> RaggedTensor:
    """The rows ``idx`` of ``rt`` (in that order) as a RaggedTensor."""
    return _stack_rows([rt[int(i)] for i in np.asarray(idx).reshape(-1)], rt)


def stack_rows(rows: list) -> RaggedTensor:
    """Rows (Tensors or arrays of any first size, or RaggedTensors) stacked into a RaggedTensor
    one ragged dimension deeper."""
    rows = [r if isinstance(r, (Tensor, RaggedTensor)) else wrap(np.asarray(r)) for r in rows]
    if any(isinstance(r, RaggedTensor) for r in rows) and not all(isinstance(r, RaggedTensor) for r in rows):
        raise ValueError("batch: a component mixes RaggedTensors and dense tensors; make the dataset's "
                         "function return the same kind for every element")
    if rows and not isinstance(rows[0], RaggedTensor) and any(len(r.shape) == 0 for r in rows):
        raise ValueError("ragged_batch: the elements must have at least one dimension")
    return _stack_rows(rows, rows[0] if rows else None)


# -- tf.ragged -----------------------------------------------------------------------------------
def constant(pylist, dtype=None, ragged_rank=None, inner_shape=None, name=None, row_splits_dtype=None):
    """A RaggedTensor from nested Python lists; every level but the innermost is ragged
    (``ragged_rank`` = depth - 1), or as ``ragged_rank`` says (the inner levels then need
    rows of equal length).

    >>> import gradtape as gt
    >>> gt.ragged.constant([[1, 2], [3]]).row_lengths().numpy()
    array([2, 1])
    """
    depth = _depth(pylist)
    rank = depth - 1 if ragged_rank is None else int(ragged_rank)
    if rank < 1 or rank >= depth:
        raise ValueError(f"ragged.constant: ragged_rank must be between 1 and {depth - 1} for lists {depth} deep, "
                         f"got {rank}")

    def build(rows, level):
        if level == rank:
            return rows
        lengths = [len(r) for r in rows]
        flat = [e for r in rows for e in r]
        return lengths, build(flat, level + 1)

    levels = []
    node = build(list(pylist), 0)
    while isinstance(node, tuple):
        levels.append(node[0])
        node = node[1]
    try:
        values = wrap(to_array(node, dtype) if node else np.zeros((0,), dtype=dtype or np.float32))
    except ValueError:
        raise ValueError("ragged.constant: the levels inside ragged_rank must have rows of equal length") from None
    return RaggedTensor.from_nested_row_lengths(values, levels)


def _depth(v) -> int:
    if isinstance(v, (list, tuple)):
        inner = [_depth(e) for e in v]
        return 1 + (max(inner) if inner else 0)
    return 0


def map_flat_values(op: Callable, *args, **kwargs):
    """``op`` applied to the flat values of the ragged arguments (which share their row
    splits), the result given the same rows.

    >>> import gradtape as gt
    >>> gt.ragged.map_flat_values(gt.square, gt.ragged.constant([[1.0], [2.0, 3.0]]))
    <gt.RaggedTensor [[1.0], [4.0, 9.0]]>
    """
    first = None
    for a in list(args) + list(kwargs.values()):
        if isinstance(a, RaggedTensor):
            if first is None:
                first = a
            elif not all(np.array_equal(x.numpy(), y.numpy()) for x, y in
                         zip(a.nested_row_splits, first.nested_row_splits)):
                raise ValueError("ragged.map_flat_values: the ragged arguments must have the same row splits")
    if first is None:
        return op(*args, **kwargs)
    unwrap = lambda a: a.flat_values if isinstance(a, RaggedTensor) else a  # noqa: E731
    out = op(*[unwrap(a) for a in args], **{k: unwrap(v) for k, v in kwargs.items()})
    return first.with_flat_values(out)


def row_splits_to_segment_ids(splits, name=None, out_type=None) -> Tensor:
    """The row of each value, from row splits.

    >>> import gradtape as gt
    >>> gt.ragged.row_splits_to_segment_ids([0, 2, 2, 3]).numpy()
    array([0, 0, 2])
    """
    s = _index_array(splits, "splits", "ragged.row_splits_to_segment_ids")
    return wrap(np.repeat(np.arange(len(s) - 1, dtype=np.int64), np.diff(s)))


def segment_ids_to_row_splits(segment_ids, num_segments=None, out_type=None, name=None) -> Tensor:
    """Row splits from the (sorted) row of each value.

    >>> import gradtape as gt
    >>> gt.ragged.segment_ids_to_row_splits([0, 0, 2]).numpy()
    array([0, 2, 2, 3])
    """
    ids = _index_array(segment_ids, "segment_ids", "ragged.segment_ids_to_row_splits")
    n = int(num_segments) if num_segments is not None else (int(ids.max()) + 1 if ids.size else 0)
    return wrap(np.concatenate([[0], np.cumsum(np.bincount(ids, minlength=n))]).astype(np.int64))


# -- reductions (gt.reduce_* dispatch here for a RaggedTensor) ----------------------------------
def reduce(kind: str, rt: RaggedTensor, axis, keepdims: bool):
    """``gt.reduce_sum``/``mean``/``max``/``min``/``prod`` over a RaggedTensor of ragged rank 1."""
    from .ops import reduce as R
    from .ops.scan import unsorted_segment_sum
    from .ops.segment import unsorted_segment_max, unsorted_segment_min, unsorted_segment_prod
    if rt.ragged_rank != 1:
        raise NotImplementedError(f"{kind}: only RaggedTensors of ragged rank 1 are supported")
    values = rt.values
    dense = {"reduce_sum": R.reduce_sum, "reduce_mean": R.reduce_mean, "reduce_max": R.reduce_max,
             "reduce_min": R.reduce_min, "reduce_prod": R.reduce_prod}[kind]
    rank = len(rt.shape)
    axes = [axis] if isinstance(axis, (int, np.integer)) else (None if axis is None else list(axis))
    if axes is None:
        return dense(values, axis=None, keepdims=keepdims)
    axes = sorted({int(a) + rank if a < 0 else int(a) for a in axes})
    if axes == [0, 1]:
        return dense(values, axis=0, keepdims=keepdims)
    if axes not in ([0], [1]) or keepdims:
        raise NotImplementedError(f"{kind}: on a RaggedTensor, axis must be None, 0, 1 or (0, 1), keepdims False")
    lengths = np.diff(rt._row_splits)
    if axes == [1]:  # one segment per row
        seg, n = rt.value_rowids()._value, rt.nrows()
    else:  # one segment per column: each value's position in its row
        seg = np.arange(int(rt._row_splits[-1])) - np.repeat(rt._row_splits[:-1], lengths)
        n = int(lengths.max()) if lengths.size else 0
    segment = {"reduce_sum": unsorted_segment_sum, "reduce_mean": unsorted_segment_sum,
               "reduce_max": unsorted_segment_max, "reduce_min": unsorted_segment_min,
               "reduce_prod": unsorted_segment_prod}[kind]
    out = segment(values, seg, n)
    if kind == "reduce_mean":
        counts = np.bincount(seg, minlength=n).astype(values.dtype)
        shape = (n,) + (1,) * (len(values.shape) - 1)
        out = out / wrap(np.maximum(counts, 1).reshape(shape))
    return out
