"""Sparse tensors, layout: ``tf.sparse``'s ops that reorder, reshape, join, cut, filter or
extend a :class:`~gradtape.sparse_tensor.SparseTensor` (``reorder``, ``reshape``, ``transpose``,
``concat``, ``slice``, ``retain``, ``fill_empty_rows``, ``expand_dims``), the sparse ``eye`` and
``to_indicator``; and the helpers the other sparse modules share.

Indices are integer constants worked on with NumPy; the values are moved with differentiable ops
(``gather``, ``concat``), so gradients of any order reach them. ``reorder``, ``transpose`` and
``concat`` give canonical row-major order.
"""

from __future__ import annotations

import builtins
from typing import Any, Sequence

import numpy as np

from .._engine.tensor import Tensor, as_dtype, float32, wrap
from ..sparse_tensor import SparseTensor, _new
from .array import broadcast_to, concat as _dense_concat
from .creation import constant
from .indexing import gather

_slice = builtins.slice


# -- helpers ------------------------------------------------------------------------------------
def _sp(x: Any, op: str, arg: str = "sp_input") -> SparseTensor:
    if not isinstance(x, SparseTensor):
        raise TypeError(f"{op}: {arg} must be a gt.SparseTensor, got {type(x).__name__}; convert a "
                        "dense tensor with gt.sparse.from_dense")
    return x


def _dense(x: Any, dtype=None) -> Tensor:
    return x if isinstance(x, Tensor) else constant(x, dtype=dtype)


def _shape(st: SparseTensor) -> tuple:
    return tuple(int(s) for s in st._dense_shape)


def _linear(idx: np.ndarray, shape: Sequence[int]) -> np.ndarray:
    """Row-major linear positions of the coordinates ``idx`` (``[N, len(shape)]``)."""
    strides = np.ones(len(shape), np.int64)
    for d in range(len(shape) - 2, -1, -1):
        strides[d] = strides[d + 1] * max(int(shape[d + 1]), 1)
    return idx.reshape(-1, len(shape)) @ strides if len(shape) else np.zeros(len(idx), np.int64)


def _unravel(lin: np.ndarray, shape: Sequence[int]) -> np.ndarray:
    out = np.zeros((lin.size, len(shape)), np.int64)
    rest = np.asarray(lin, np.int64).copy()
    for d in range(len(shape) - 1, -1, -1):
        s = max(int(shape[d]), 1)
        out[:, d] = rest % s
        rest //= s
    return out


def _int_vector(v: Any, op: str, arg: str) -> list:
    a = np.asarray(v._value if isinstance(v, Tensor) else v)
    if a.size == 0 and a.dtype.kind == "f":
        a = a.astype(np.int64)
    if a.dtype.kind not in "iu" or a.ndim > 1:
        raise TypeError(f"{op}: {arg} must be an integer scalar or 1-D list of integers, got "
                        f"{a.tolist()!r} of dtype {a.dtype.name}")
    return [int(x) for x in a.reshape(-1)]


def _axis(a: int, rank: int, op: str, arg: str = "axis") -> int:
    if not -rank <= a < rank:
        raise ValueError(f"{op}: {arg}={a} is out of range for a sparse tensor of rank {rank}; give "
                         f"a value in [{-rank}, {rank})")
    return a % rank


def _scalar_like(v: Any, st: SparseTensor, op: str, arg: str) -> Tensor:
    t = v if isinstance(v, Tensor) else constant(np.asarray(v).astype(st.dtype))
    if t.ndim != 0:
        raise ValueError(f"{op}: {arg} must be a scalar, got shape {tuple(t.shape)}")
    if t.dtype != st.dtype:
        raise TypeError(f"{op}: {arg} has dtype {t.dtype.name} but the values have dtype "
                        f"{st.dtype.name}; cast it with gt.cast")
    return t


def _take(values: Tensor, positions: np.ndarray) -> Tensor:
    """``values[positions]``, returning ``values`` itself when ``positions`` is every position
    in order."""
    positions = np.asarray(positions, np.int64)
    if positions.size == values.shape[0] and np.array_equal(positions, np.arange(positions.size)):
        return values
    return gather(values, positions)


# -- reordering and reshaping --------------------------------------------------------------------
def reorder(sp_input: SparseTensor, name: str | None = None) -> SparseTensor:
    """The same sparse tensor with its entries in canonical row-major order, as
    ``tf.sparse.reorder`` (a stable sort: repeated indices keep their order). Gradients flow to
    the values.

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> st = gsp.reorder(gsp.SparseTensor([[1, 0], [0, 1]], [1.0, 2.0], [2, 2]))
    >>> st.indices.numpy().tolist(), st.values.numpy().tolist()
    ([[0, 1], [1, 0]], [2.0, 1.0])
    """
    st = _sp(sp_input, "reorder")
    order = np.argsort(_linear(st._indices, _shape(st)), kind="stable")
    return _new(st._indices[order], _take(st.values, order), st._dense_shape)


def reshape(sp_input: SparseTensor, shape: Any, name: str | None = None) -> SparseTensor:
    """The sparse tensor with a new dense shape of the same size (one entry may be -1, to be
    inferred), as ``tf.sparse.reshape``: each entry keeps its row-major position. The values
    are unchanged.

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> st = gsp.SparseTensor([[0, 1], [1, 2]], [1.0, 2.0], [2, 3])
    >>> gsp.reshape(st, [3, -1]).indices.numpy().tolist()
    [[0, 1], [2, 1]]
    """
    op = "reshape"
    st = _sp(sp_input, op)
    new = _int_vector(shape, op, "shape")
    old = _shape(st)
    size = int(np.prod(old, dtype=np.int64))
    if not new or new.count(-1) > 1 or any(s < -1 for s in new):
        raise ValueError(f"{op}: shape {new} must be a non-empty list of sizes with at most one -1")
    if -1 in new:
        known = int(np.prod([s for s in new if s != -1], dtype=np.int64))
        if known == 0 or size % known:
            raise ValueError(f"{op}: cannot infer the -1 in shape {new} for a dense shape {list(old)} of "
                             f"{size} elements")
        new[new.index(-1)] = size // known
    if int(np.prod(new, dtype=np.int64)) != size:
        raise ValueError(f"{op}: shape {new} has {int(np.prod(new, dtype=np.int64))} elements but the "
                         f"dense shape {list(old)} has {size}; the sizes must match")
    return _new(_unravel(_linear(st._indices, old), new), st.values, new)


def transpose(sp_input: SparseTensor, perm: Any = None, name: str | None = None) -> SparseTensor:
    """The sparse tensor with its dimensions permuted by ``perm`` (reversed when None), in
    row-major order, as ``tf.sparse.transpose``. Gradients flow to the values.

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> st = gsp.transpose(gsp.SparseTensor([[0, 1], [1, 0], [1, 2]], [1.0, 2.0, 3.0], [2, 3]))
    >>> st.indices.numpy().tolist(), st.values.numpy().tolist(), st.shape
    ([[0, 1], [1, 0], [2, 1]], [2.0, 1.0, 3.0], (3, 2))
    """
    op = "transpose"
    st = _sp(sp_input, op)
    rank = st.ndim
    p = list(range(rank))[::-1] if perm is None else _int_vector(perm, op, "perm")
    if sorted(p) != list(range(rank)):
        raise ValueError(f"{op}: perm {p} must be a permutation of [0, ..., {rank - 1}] for a sparse "
                         f"tensor of rank {rank}")
    return reorder(_new(st._indices[:, p], st.values, st._dense_shape[p]))


def concat(axis: Any, sp_inputs: Sequence[SparseTensor], expand_nonconcat_dims: bool = False,
           name: str | None = None) -> SparseTensor:
    """The sparse tensors ``sp_inputs`` joined along ``axis``, in row-major order, as
    ``tf.sparse.concat``. The other dimensions must agree, unless ``expand_nonconcat_dims``
    (then each is the largest of the inputs'). Gradients flow to the values (TensorFlow gives
    none).

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> a = gsp.SparseTensor([[0, 1]], [1.0], [2, 2])
    >>> b = gsp.SparseTensor([[0, 0], [1, 0]], [2.0, 3.0], [2, 1])
    >>> c = gsp.concat(1, [a, b])
    >>> c.indices.numpy().tolist(), c.values.numpy().tolist(), c.shape
    ([[0, 1], [0, 2], [1, 2]], [1.0, 2.0, 3.0], (2, 3))
    """
    op = "concat"
    sps = [_sp(s, op, f"sp_inputs[{k}]") for k, s in enumerate(sp_inputs)]
    if not sps:
        raise ValueError(f"{op}: sp_inputs must hold at least one sparse tensor")
    rank = sps[0].ndim
    if any(s.ndim != rank for s in sps):
        raise ValueError(f"{op}: every input must have the same rank, got ranks {[s.ndim for s in sps]}")
    if any(s.dtype != sps[0].dtype for s in sps):
        raise TypeError(f"{op}: every input must have the same dtype, got {[s.dtype.name for s in sps]}")
    ax = _axis(int(np.asarray(axis._value if isinstance(axis, Tensor) else axis)), rank, op)
    shapes = np.array([_shape(s) for s in sps], np.int64).reshape(len(sps), rank)
    others = [d for d in range(rank) if d != ax]
    if not expand_nonconcat_dims and np.any(shapes[:, others] != shapes[0, others]):
        raise ValueError(f"{op}: the inputs' dense shapes {shapes.tolist()} differ outside axis {ax}; "
                         "make them equal or pass expand_nonconcat_dims=True")
    out_shape = shapes.max(axis=0)
    out_shape[ax] = shapes[:, ax].sum()
    offsets = np.concatenate([[0], np.cumsum(shapes[:, ax])[:-1]])
    idx = []
    for s, off in zip(sps, offsets):
        i = s._indices.copy()
        i[:, ax] += off
        idx.append(i)
    idx = np.concatenate(idx) if idx else np.zeros((0, rank), np.int64)
    vals = sps[0].values if len(sps) == 1 else _dense_concat([s.values for s in sps], axis=0)
    return reorder(_new(idx, vals, out_shape))


def slice(sp_input: SparseTensor, start: Any, size: Any, name: str | None = None) -> SparseTensor:  # noqa: A001
    """The block of ``sp_input`` starting at ``start`` with extent ``size`` (clipped to the
    dense shape), as ``tf.sparse.slice``; entries keep their order. Gradients flow to the
    values.

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> st = gsp.SparseTensor([[0, 1], [1, 0], [1, 2]], [1.0, 2.0, 3.0], [3, 3])
    >>> s = gsp.slice(st, [1, 1], [5, 5])
    >>> s.indices.numpy().tolist(), s.values.numpy().tolist(), s.shape
    ([[0, 1]], [3.0], (2, 2))
    """
    op = "slice"
    st = _sp(sp_input, op)
    b, n = _int_vector(start, op, "start"), _int_vector(size, op, "size")
    shape = np.asarray(_shape(st), np.int64)
    if len(b) != st.ndim or len(n) != st.ndim:
        raise ValueError(f"{op}: start and size need one entry per dimension (rank {st.ndim}), got "
                         f"{len(b)} and {len(n)}")
    if any(x < 0 for x in b + n):
        raise ValueError(f"{op}: start {b} and size {n} must be non-negative")
    b_arr, end = np.asarray(b, np.int64), np.minimum(np.asarray(b, np.int64) + n, shape)
    keep = np.flatnonzero(np.all((st._indices >= b_arr) & (st._indices < end), axis=1))
    return _new(st._indices[keep] - b_arr, _take(st.values, keep), np.maximum(end - b_arr, 0))


def retain(sp_input: SparseTensor, to_retain: Any) -> SparseTensor:
    """The entries of ``sp_input`` where the bool vector ``to_retain`` is true, as
    ``tf.sparse.retain``. Gradients flow to the kept values.

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> st = gsp.SparseTensor([[0, 1], [1, 0], [1, 2]], [1.0, 2.0, 3.0], [3, 3])
    >>> gsp.retain(st, [True, False, True]).values.numpy()
    array([1., 3.], dtype=float32)
    """
    op = "retain"
    st = _sp(sp_input, op)
    mask = np.asarray(to_retain._value if isinstance(to_retain, Tensor) else to_retain)
    if mask.dtype != np.bool_ or mask.shape != (st._indices.shape[0],):
        raise ValueError(f"{op}: to_retain must be a bool vector with one entry per value "
                         f"({st._indices.shape[0]}), got shape {mask.shape} and dtype {mask.dtype.name}")
    keep = np.flatnonzero(mask)
    return _new(st._indices[keep], _take(st.values, keep), st._dense_shape)


def fill_empty_rows(sp_input: SparseTensor, default_value: Any, name: str | None = None):
    """``sp_input`` with an entry ``default_value`` at ``[row, 0, ..., 0]`` for each empty row
    (first coordinate with no entry), and the bool vector of the rows that were empty, as
    ``tf.sparse.fill_empty_rows``. Entries are grouped by row, keeping their order within a
    row. Gradients flow to the values and to a tensor ``default_value``.

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> st = gsp.SparseTensor([[0, 1], [2, 0]], [1.0, 2.0], [4, 2])
    >>> out, empty = gsp.fill_empty_rows(st, -1.0)
    >>> out.indices.numpy().tolist(), out.values.numpy().tolist(), empty.numpy().tolist()
    ([[0, 1], [1, 0], [2, 0], [3, 0]], [1.0, -1.0, 2.0, -1.0], [False, True, False, True])
    """
    op = "fill_empty_rows"
    st = _sp(sp_input, op)
    default = _scalar_like(default_value, st, op, "default_value")
    shape = _shape(st)
    rows = st._indices[:, 0]
    empty = np.bincount(rows, minlength=shape[0])[:shape[0]] == 0
    new_rows = np.flatnonzero(empty)
    idx = np.concatenate([st._indices, np.zeros((new_rows.size, st.ndim), np.int64)])
    idx[rows.size:, 0] = new_rows
    if new_rows.size:
        vals = _dense_concat([st.values, broadcast_to(default, (new_rows.size,))], axis=0)
    else:
        vals = st.values
    order = np.argsort(idx[:, 0], kind="stable")
    return _new(idx[order], _take(vals, order), shape), wrap(empty)


def expand_dims(sp_input: SparseTensor, axis: Any = None, name: str | None = None) -> SparseTensor:
    """``sp_input`` with a new dimension of size 1 at ``axis`` (default -1, the end), as
    ``tf.sparse.expand_dims``. The values are unchanged.

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> st = gsp.expand_dims(gsp.SparseTensor([[1]], [5.0], [3]), 0)
    >>> st.indices.numpy().tolist(), st.shape
    ([[0, 1]], (1, 3))
    """
    op = "expand_dims"
    st = _sp(sp_input, op)
    rank = st.ndim
    a = -1 if axis is None else int(np.asarray(axis._value if isinstance(axis, Tensor) else axis))
    if not -rank - 1 <= a <= rank:
        raise ValueError(f"{op}: axis={a} is out of range for a sparse tensor of rank {rank}; give a "
                         f"value in [{-rank - 1}, {rank}]")
    a = a % (rank + 1)
    idx = np.insert(st._indices, a, 0, axis=1)
    return _new(idx, st.values, np.insert(st._dense_shape, a, 1))


def eye(num_rows: int, num_columns: int | None = None, dtype: Any = float32,
        name: str | None = None) -> SparseTensor:
    """The sparse identity matrix of shape ``[num_rows, num_columns]`` (square by default), as
    ``tf.sparse.eye``.

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> e = gsp.eye(2, 3)
    >>> e.indices.numpy().tolist(), e.values.numpy().tolist(), e.shape
    ([[0, 0], [1, 1]], [1.0, 1.0], (2, 3))
    """
    n = int(num_rows)
    m = n if num_columns is None else int(num_columns)
    if n < 0 or m < 0:
        raise ValueError(f"eye: num_rows and num_columns must be non-negative, got {n} and {m}")
    k = np.arange(min(n, m), dtype=np.int64)
    return _new(np.stack([k, k], axis=1), wrap(np.ones(k.size, as_dtype(dtype))), [n, m])


def to_indicator(sp_input: SparseTensor, vocab_size: int, name: str | None = None) -> Tensor:
    """The dense bool tensor of shape ``dense_shape[:-1] + [vocab_size]`` that is true at
    ``[*index[:-1], value]`` for each entry of the integer sparse tensor ``sp_input``, as
    ``tf.sparse.to_indicator``. No gradient (bool output).

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> st = gsp.SparseTensor([[0, 0], [0, 1], [2, 0]], gt.constant([1, 3, 0], gt.int64), [3, 2])
    >>> gsp.to_indicator(st, 4).numpy().astype(int)
    array([[0, 1, 0, 1],
           [0, 0, 0, 0],
           [1, 0, 0, 0]])
    """
    op = "to_indicator"
    st = _sp(sp_input, op)
    v = np.asarray(st.values._value)
    if v.dtype.kind not in "iu":
        raise TypeError(f"{op}: the values must be integer ids, got dtype {v.dtype.name}")
    vocab = int(vocab_size)
    if v.size and (v.min() < 0 or v.max() >= vocab):
        raise ValueError(f"{op}: the values must be in [0, vocab_size={vocab}), got values from "
                         f"{v.min()} to {v.max()}; raise vocab_size or drop the ids with "
                         "gt.sparse.retain")
    out = np.zeros(_shape(st)[:-1] + (vocab,), np.bool_)
    out[tuple(st._indices[:, :-1].T) + (v,)] = True
    return wrap(out)


__all__ = ["reorder", "reshape", "transpose", "concat", "slice", "retain", "fill_empty_rows", "expand_dims",
           "eye", "to_indicator"]
