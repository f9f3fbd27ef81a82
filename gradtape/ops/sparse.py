"""Sparse tensors: TensorFlow's ``tf.sparse`` ops on :class:`~gradtape.sparse_tensor.SparseTensor`,
and ``tf.nn``'s sparse embedding lookups.

Indices are integer constants worked on with NumPy; values stay gradtape tensors and every new
value is computed with differentiable ops (``gather``, ``gather_nd``, ``unsorted_segment_sum``,
``tensor_scatter_nd_update``, ...), so gradients of any order reach the values and the dense
operands. Ops that produce sparse results keep TensorFlow's order of the entries; ``reorder``,
``transpose``, ``concat`` and ``add`` give canonical row-major order.
"""

from __future__ import annotations

import builtins
from typing import Any, Callable, Sequence

import numpy as np

from .._engine.tensor import Tensor, as_dtype, float32, wrap
from ..sparse_tensor import SparseTensor, _new
from .array import broadcast_to, concat as _dense_concat, reshape as _dense_reshape, transpose as _dense_transpose
from .array import where as _where
from .clip import clip_by_norm
from .creation import constant
from .indexing import gather, gather_nd, tensor_scatter_nd_add, tensor_scatter_nd_update
from .math import cast, conj, divide_no_nan, exp, sqrt
from .scan import unsorted_segment_sum
from .segment import unsorted_segment_max

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


def _check_order(st: SparseTensor, op: str) -> None:
    lin = _linear(st._indices, _shape(st))
    if lin.size > 1:
        d = np.diff(lin)
        if np.any(d <= 0):
            k = int(np.argmax(d <= 0)) + 1
            what = "repeated" if d[k - 1] == 0 else "out of order"
            raise ValueError(f"{op}: indices[{k}] = {st._indices[k].tolist()} is {what}; the indices "
                             "must be in canonical row-major order without repeats: sort them with "
                             "gt.sparse.reorder (or pass validate_indices=False)")


# -- conversions ---------------------------------------------------------------------------------
def to_dense(sp_input: SparseTensor, default_value: Any = None, validate_indices: bool = True,
             name: str | None = None) -> Tensor:
    """The dense tensor of ``sp_input``: its values at its indices and ``default_value``
    (default 0) elsewhere, as ``tf.sparse.to_dense``.

    With ``validate_indices`` (the default) the indices must be in row-major order without
    repeats; otherwise a repeated index takes its last value. Gradients flow to the values and
    to a tensor ``default_value`` (the sum of the gradient over the positions it fills).

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> st = gsp.SparseTensor([[0, 1], [1, 0]], [5.0, 6.0], [2, 3])
    >>> gsp.to_dense(st).numpy()
    array([[0., 5., 0.],
           [6., 0., 0.]], dtype=float32)
    >>> gsp.to_dense(st, default_value=-1.0).numpy()
    array([[-1.,  5., -1.],
           [ 6., -1., -1.]], dtype=float32)
    """
    op = "to_dense"
    st = _sp(sp_input, op)
    if validate_indices:
        _check_order(st, op)
    default = _scalar_like(0 if default_value is None else default_value, st, op, "default_value")
    base = broadcast_to(default, _shape(st))
    if st._indices.shape[0] == 0:
        return base
    return tensor_scatter_nd_update(base, st._indices, st._values)


def from_dense(tensor: Any, name: str | None = None) -> SparseTensor:
    """The sparse tensor of the non-zero elements of ``tensor``, in row-major order, as
    ``tf.sparse.from_dense``. The values are gathered from ``tensor``, so gradients flow back to
    it (at the non-zero positions).

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> st = gsp.from_dense(gt.constant([[0.0, 3.0], [4.0, 0.0]]))
    >>> st.indices.numpy().tolist(), st.values.numpy().tolist()
    ([[0, 1], [1, 0]], [3.0, 4.0])
    """
    t = _dense(tensor)
    if t.ndim == 0:
        raise ValueError("from_dense: tensor must have rank >= 1 (rank-0 sparse tensors are not "
                         "supported); reshape it to [1] first")
    idx = np.argwhere(np.asarray(t._value) != 0).astype(np.int64)
    return _new(idx, gather_nd(t, idx), t.shape)


# -- products and sums ---------------------------------------------------------------------------
def _spmm(rows: np.ndarray, cols: np.ndarray, vals: Tensor, d: Tensor, n_rows: int) -> Tensor:
    """``out[i] = sum of vals[k] * d[cols[k]]`` over ``rows[k] == i``: a sparse matrix
    (coordinates ``rows``, ``cols``) times the dense matrix ``d``."""
    picked = gather(d, cols) * _dense_reshape(vals, (-1, 1))
    return unsorted_segment_sum(picked, rows, n_rows)


def sparse_dense_matmul(sp_a: Any, b: Any, adjoint_a: bool = False, adjoint_b: bool = False,
                        name: str | None = None) -> Tensor:
    """The matrix product ``op(sp_a) @ op(b)`` of a rank-2 sparse tensor and a dense matrix
    (``op`` takes the adjoint when ``adjoint_a`` / ``adjoint_b`` is set), as
    ``tf.sparse.sparse_dense_matmul``; either operand may be the sparse one. Repeated indices
    add up. Gradients flow to the sparse values and the dense matrix.

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> a = gsp.SparseTensor([[0, 1], [1, 0]], [2.0, 3.0], [2, 2])
    >>> gsp.sparse_dense_matmul(a, gt.constant([[1.0, 2.0], [3.0, 4.0]])).numpy()
    array([[6., 8.],
           [3., 6.]], dtype=float32)
    """
    op = "sparse_dense_matmul"
    a_sparse, b_sparse = isinstance(sp_a, SparseTensor), isinstance(b, SparseTensor)
    if a_sparse == b_sparse:
        raise TypeError(f"{op}: exactly one of sp_a and b must be a gt.SparseTensor, got "
                        f"{type(sp_a).__name__} and {type(b).__name__}; use gt.matmul for two dense "
                        "matrices or gt.sparse.to_dense on one sparse operand")
    st = sp_a if a_sparse else b
    d = _dense(b if a_sparse else sp_a, dtype=st.dtype)
    which = "sp_a" if a_sparse else "b"
    if st.ndim != 2 or d.ndim != 2:
        raise ValueError(f"{op}: both operands must be matrices (rank 2), got a sparse tensor of rank "
                         f"{st.ndim} and a dense tensor of rank {d.ndim}")
    if d.dtype != st.dtype:
        raise TypeError(f"{op}: the dense operand has dtype {d.dtype.name} but the sparse values have "
                        f"dtype {st.dtype.name}; cast one of them")
    r, c = st._indices[:, 0], st._indices[:, 1]
    n, m = _shape(st)
    cplx = st.dtype.kind == "c"
    if a_sparse:
        rows, cols, vals, out_rows = (c, r, conj(st.values) if cplx else st.values, m) if adjoint_a \
            else (r, c, st.values, n)
        dd = _dense_transpose(d, conjugate=cplx) if adjoint_b else d
        inner = m if not adjoint_a else n
    else:  # (op(a) @ op(b))^T = op(b)^T @ op(a)^T, with b sparse
        rows, cols, vals, out_rows = (r, c, conj(st.values) if cplx else st.values, n) if adjoint_b \
            else (c, r, st.values, m)
        dd = (conj(d) if cplx else d) if adjoint_a else _dense_transpose(d)
        inner = n if not adjoint_b else m
    if dd.shape[0] != inner:
        raise ValueError(f"{op}: the inner dimensions do not match: {which} is the sparse operand of "
                         f"shape {_shape(st)} and the dense operand has shape {tuple(d.shape)} "
                         f"(adjoint_a={adjoint_a}, adjoint_b={adjoint_b})")
    out = _spmm(rows, cols, vals, dd, out_rows)
    return out if a_sparse else _dense_transpose(out)


matmul = sparse_dense_matmul


def add(a: Any, b: Any, threshold: Any = 0, name: str | None = None) -> Any:
    """``a + b`` where at least one operand is sparse, as ``tf.sparse.add``.

    Two sparse tensors give a sparse tensor over the union of their indices in row-major order,
    dropping sums whose magnitude is below ``threshold`` (with the default 0 every entry is kept,
    zeros included). A sparse and a dense tensor of the same shape give a dense tensor
    (``threshold`` is unused). Gradients flow to the values and to the dense operand.

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> a = gsp.SparseTensor([[0, 0], [1, 1]], [1.0, 2.0], [2, 2])
    >>> b = gsp.SparseTensor([[0, 0], [0, 1]], [-1.0, 5.0], [2, 2])
    >>> c = gsp.add(a, b)
    >>> c.indices.numpy().tolist(), c.values.numpy().tolist()
    ([[0, 0], [0, 1], [1, 1]], [0.0, 5.0, 2.0])
    >>> gsp.add(a, b, threshold=0.5).indices.numpy().tolist()
    [[0, 1], [1, 1]]
    >>> gsp.add(a, gt.ones((2, 2))).numpy()
    array([[2., 1.],
           [1., 3.]], dtype=float32)
    """
    op = "add"
    a_sparse, b_sparse = isinstance(a, SparseTensor), isinstance(b, SparseTensor)
    if not (a_sparse or b_sparse):
        raise TypeError(f"{op}: at least one of a and b must be a gt.SparseTensor, got "
                        f"{type(a).__name__} and {type(b).__name__}; use gt.add for dense tensors")
    if a_sparse and b_sparse:
        if _shape(a) != _shape(b):
            raise ValueError(f"{op}: the sparse operands must have the same dense_shape, got "
                             f"{list(_shape(a))} and {list(_shape(b))}")
        if a.dtype != b.dtype:
            raise TypeError(f"{op}: the sparse operands' values have dtypes {a.dtype.name} and "
                            f"{b.dtype.name}; cast one of them")
        shape = _shape(a)
        lin = np.concatenate([_linear(a._indices, shape), _linear(b._indices, shape)])
        uniq, inv = np.unique(lin, return_inverse=True)
        summed = unsorted_segment_sum(_dense_concat([a.values, b.values], axis=0), inv.reshape(-1),
                                      uniq.size)
        thr = float(np.asarray(threshold._value if isinstance(threshold, Tensor) else threshold))
        if thr > 0:
            keep = np.flatnonzero(np.abs(np.asarray(summed._value)) >= thr)
            summed, uniq = _take(summed, keep), uniq[keep]
        return _new(_unravel(uniq, shape), summed, shape)
    st, d = (a, b) if a_sparse else (b, a)
    d = _dense(d, dtype=st.dtype)
    if tuple(d.shape) != _shape(st):
        raise ValueError(f"{op}: the dense operand has shape {tuple(d.shape)} but the sparse one has "
                         f"dense_shape {list(_shape(st))}; they must be equal (no broadcasting)")
    if d.dtype != st.dtype:
        raise TypeError(f"{op}: the dense operand has dtype {d.dtype.name} but the sparse values have "
                        f"dtype {st.dtype.name}; cast one of them")
    if st._indices.shape[0] == 0:
        return d
    return tensor_scatter_nd_add(d, st._indices, st.values)


# -- reductions ----------------------------------------------------------------------------------
def _reduction(op: str, st: SparseTensor, axis: Any, keepdims: Any):
    """The output position of every entry: (segment ids over the kept dimensions, the kept
    dimensions' sizes, the output shape, the kept dimensions)."""
    shape = _shape(st)
    rank = len(shape)
    axes = list(range(rank)) if axis is None else [_axis(a, rank, op) for a in _int_vector(axis, op, "axis")]
    kept = [d for d in range(rank) if d not in axes]
    kept_shape = [shape[d] for d in kept]
    seg = _linear(st._indices[:, kept], kept_shape)
    out_shape = tuple(1 if d in axes else shape[d] for d in range(rank)) if keepdims else tuple(kept_shape)
    return seg, kept_shape, out_shape, kept, axes


def _sparse_result(st, seg, kept_shape, kept, axes, keepdims, reduce_fn, op):
    rank = st.ndim
    if not keepdims and not kept:
        raise ValueError(f"{op}: reducing every dimension with output_is_sparse=True would give a "
                         "rank-0 sparse tensor, which is not supported; pass keepdims=True or "
                         "output_is_sparse=False")
    uniq, inv = np.unique(seg, return_inverse=True)
    vals = reduce_fn(st.values, inv.reshape(-1), uniq.size)
    idx = _unravel(uniq, kept_shape)
    if keepdims:
        full = np.zeros((uniq.size, rank), np.int64)
        full[:, kept] = idx
        return _new(full, vals, [1 if d in axes else st._dense_shape[d] for d in range(rank)])
    return _new(idx, vals, kept_shape)


def reduce_sum(sp_input: SparseTensor, axis: Any = None, keepdims: bool | None = None,
               output_is_sparse: bool = False, name: str | None = None) -> Any:
    """The sum of ``sp_input``'s elements over ``axis`` (all axes when None), as
    ``tf.sparse.reduce_sum``: a dense tensor, or with ``output_is_sparse`` a sparse tensor
    holding the positions that receive at least one entry (in row-major order). Gradients flow
    to the values.

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> st = gsp.SparseTensor([[0, 0], [0, 2], [1, 1]], [1.0, 2.0, 3.0], [2, 3])
    >>> gsp.reduce_sum(st, axis=1).numpy()
    array([3., 3.], dtype=float32)
    >>> float(gsp.reduce_sum(st))
    6.0
    >>> gsp.reduce_sum(st, axis=0, output_is_sparse=True).indices.numpy().tolist()
    [[0], [1], [2]]
    """
    op = "reduce_sum"
    st = _sp(sp_input, op)
    seg, kept_shape, out_shape, kept, axes = _reduction(op, st, axis, keepdims)
    if output_is_sparse:
        return _sparse_result(st, seg, kept_shape, kept, axes, keepdims, unsorted_segment_sum, op)
    total = int(np.prod(kept_shape, dtype=np.int64))
    return _dense_reshape(unsorted_segment_sum(st.values, seg, total), out_shape)


def _segment_max_or_zero(values: Tensor, seg: np.ndarray, n: int) -> Tensor:
    m = unsorted_segment_max(values, seg, n)
    filled = np.bincount(seg, minlength=n) > 0
    if filled.all():
        return m
    return _where(filled, m, constant(np.zeros((), values.dtype)))


def reduce_max(sp_input: SparseTensor, axis: Any = None, keepdims: bool | None = None,
               output_is_sparse: bool = False, name: str | None = None) -> Any:
    """The maximum of ``sp_input``'s explicit entries over ``axis`` (all axes when None), as
    ``tf.sparse.reduce_max``: implicit zeros are ignored and positions with no entry give 0.
    The result is dense, or with ``output_is_sparse`` sparse (positions that have entries).
    The gradient goes to the entries equal to the maximum, split equally among ties
    (TensorFlow gives none).

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> st = gsp.SparseTensor([[0, 1], [1, 0], [1, 2]], [-5.0, 2.0, 3.0], [3, 3])
    >>> gsp.reduce_max(st, axis=1).numpy()
    array([-5.,  3.,  0.], dtype=float32)
    """
    op = "reduce_max"
    st = _sp(sp_input, op)
    if st.dtype.kind not in "iuf":
        raise TypeError(f"{op}: the values must be real numbers, got dtype {st.dtype.name}")
    seg, kept_shape, out_shape, kept, axes = _reduction(op, st, axis, keepdims)
    if output_is_sparse:
        return _sparse_result(st, seg, kept_shape, kept, axes, keepdims, unsorted_segment_max, op)
    total = int(np.prod(kept_shape, dtype=np.int64))
    return _dense_reshape(_segment_max_or_zero(st.values, seg, total), out_shape)


def softmax(sp_input: SparseTensor, name: str | None = None) -> SparseTensor:
    """The softmax of the explicit entries of each row (all leading coordinates equal) over
    the last dimension, as ``tf.sparse.softmax``; implicit zeros take no part. The result has
    the same indices. Gradients flow to the values.

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> st = gsp.SparseTensor([[0, 0], [0, 2], [2, 1]], [1.0, 2.0, 3.0], [3, 3])
    >>> gsp.softmax(st).values.numpy()
    array([0.2689414, 0.7310586, 1.       ], dtype=float32)
    """
    op = "softmax"
    st = _sp(sp_input, op)
    if st.ndim < 2:
        raise ValueError(f"{op}: sp_input must have rank >= 2 (rows over the leading dimensions), got "
                         f"rank {st.ndim}")
    if st.dtype.kind != "f":
        raise TypeError(f"{op}: the values must be floating point, got dtype {st.dtype.name}; cast "
                        "them with gt.cast")
    shape = _shape(st)
    rows = _linear(st._indices[:, :-1], shape[:-1])
    n = int(np.prod(shape[:-1], dtype=np.int64))
    v = np.asarray(st.values._value)
    top = np.full(n, -np.inf, v.dtype)
    np.maximum.at(top, rows, v)
    shift = np.where(np.isfinite(top), top, 0)[rows]  # softmax does not change under a shift
    e = exp(st.values - shift)
    return _new(st._indices, e / gather(unsorted_segment_sum(e, rows, n), rows), shape)


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


# -- segment reductions of gathered rows ---------------------------------------------------------
def _sparse_segment(op: str, data, indices, segment_ids, num_segments):
    x = _dense(data)
    if x.ndim < 1:
        raise ValueError(f"{op}: data must have rank >= 1 (rows to gather), got a scalar")
    idx = np.asarray(indices._value if isinstance(indices, Tensor) else indices)
    ids = np.asarray(segment_ids._value if isinstance(segment_ids, Tensor) else segment_ids)
    for what, a in (("indices", idx), ("segment_ids", ids)):
        if a.size == 0 and a.dtype.kind == "f":
            a = a.astype(np.int64)
        if a.dtype.kind not in "iu" or a.ndim != 1:
            raise TypeError(f"{op}: {what} must be a 1-D vector of integers, got shape {a.shape} and "
                            f"dtype {a.dtype.name}")
    idx, ids = idx.astype(np.int64), ids.astype(np.int64)
    if idx.shape != ids.shape:
        raise ValueError(f"{op}: indices and segment_ids must have the same length, got {idx.size} and "
                         f"{ids.size}")
    if idx.size and (idx.min() < 0 or idx.max() >= x.shape[0]):
        raise ValueError(f"{op}: indices must be in [0, {x.shape[0]}) (the rows of data), got values "
                         f"from {idx.min()} to {idx.max()}")
    if ids.size and (ids[0] < 0 or np.any(np.diff(ids) < 0)):
        raise ValueError(f"{op}: segment_ids must be sorted and non-negative, got {ids.tolist()}; sort "
                         "indices and segment_ids together")
    if num_segments is None:
        n = int(ids[-1]) + 1 if ids.size else 0
    else:
        n = int(np.asarray(num_segments._value if isinstance(num_segments, Tensor) else num_segments))
        if ids.size and ids[-1] >= n:
            raise ValueError(f"{op}: segment id {ids[-1]} is out of range for num_segments={n}; raise "
                             "num_segments")
    total = unsorted_segment_sum(gather(x, idx), ids, n)
    counts = np.maximum(np.bincount(ids, minlength=n)[:n], 1).reshape((n,) + (1,) * (x.ndim - 1))
    return x, total, counts


def segment_sum(data: Any, indices: Any, segment_ids: Any, num_segments: Any = None,
                name: str | None = None, sparse_gradient: bool = False) -> Tensor:
    """Sum of the rows ``data[indices[i]]`` within segments given by sorted, non-negative
    ``segment_ids``, as ``tf.sparse.segment_sum``: ``num_segments`` rows (default
    ``segment_ids[-1] + 1``), empty segments 0. Gradients flow to ``data``.

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> data = gt.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> gsp.segment_sum(data, [0, 2, 1], [0, 0, 2]).numpy()
    array([[6., 8.],
           [0., 0.],
           [3., 4.]], dtype=float32)
    """
    return _sparse_segment("segment_sum", data, indices, segment_ids, num_segments)[1]


def _floating(op: str, x: Tensor) -> None:
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: data must be floating point, got dtype {x.dtype.name}; cast it with "
                        "gt.cast")


def segment_mean(data: Any, indices: Any, segment_ids: Any, num_segments: Any = None,
                 name: str | None = None, sparse_gradient: bool = False) -> Tensor:
    """Mean of the rows ``data[indices[i]]`` within segments given by sorted, non-negative
    ``segment_ids``, as ``tf.sparse.segment_mean`` (empty segments give 0). Gradients flow to
    ``data``.

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> gsp.segment_mean(gt.constant([1.0, 2.0, 6.0]), [0, 2, 1], [0, 0, 1]).numpy()
    array([3.5, 2. ], dtype=float32)
    """
    op = "segment_mean"
    x, total, counts = _sparse_segment(op, data, indices, segment_ids, num_segments)
    _floating(op, x)
    return total / counts.astype(x.dtype)


def segment_sqrt_n(data: Any, indices: Any, segment_ids: Any, num_segments: Any = None,
                   name: str | None = None, sparse_gradient: bool = False) -> Tensor:
    """Sum of the rows ``data[indices[i]]`` within segments given by sorted, non-negative
    ``segment_ids``, divided by the square root of their count, as
    ``tf.sparse.segment_sqrt_n`` (empty segments give 0). Gradients flow to ``data``.

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> gsp.segment_sqrt_n(gt.constant([1.0, 3.0]), [0, 1, 1, 1], [0, 0, 0, 0]).numpy()
    array([5.], dtype=float32)
    """
    op = "segment_sqrt_n"
    x, total, counts = _sparse_segment(op, data, indices, segment_ids, num_segments)
    _floating(op, x)
    return total / np.sqrt(counts.astype(x.dtype))


# -- values ----------------------------------------------------------------------------------------
def map_values(op: Callable, *args: Any, **kwargs: Any) -> SparseTensor:
    """``op`` applied to the values of the sparse arguments (other arguments are passed as they
    are), as ``tf.sparse.map_values``; the sparse arguments must share indices and dense shape,
    which the result keeps. Gradients are those of ``op``.

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> st = gsp.SparseTensor([[0, 1], [1, 0]], [1.0, 2.0], [2, 2])
    >>> gsp.map_values(gt.multiply, st, 10.0).values.numpy()
    array([10., 20.], dtype=float32)
    """
    sps = [a for a in list(args) + list(kwargs.values()) if isinstance(a, SparseTensor)]
    if not sps:
        raise ValueError("map_values: at least one argument must be a gt.SparseTensor")
    first = sps[0]
    for s in sps[1:]:
        if _shape(s) != _shape(first) or not np.array_equal(s._indices, first._indices):
            raise ValueError("map_values: every sparse argument must have the same indices and "
                             "dense_shape")

    def unwrap(a):
        return a.values if isinstance(a, SparseTensor) else a

    out = op(*[unwrap(a) for a in args], **{k: unwrap(v) for k, v in kwargs.items()})
    out = _dense(out)
    if tuple(out.shape) != (first._indices.shape[0],):
        raise ValueError(f"map_values: op must return one value per entry (shape "
                         f"({first._indices.shape[0]},)), got shape {tuple(out.shape)}")
    return _new(first._indices, out, first._dense_shape)


# -- tf.nn's sparse embedding lookups ------------------------------------------------------------
def _params(params: Any, op: str) -> Tensor:
    if isinstance(params, (list, tuple)):
        if not params:
            raise ValueError(f"{op}: params must hold at least one tensor")
        ts = [_dense(p) for p in params]
        # TensorFlow's "div" partition: the shards are consecutive blocks of rows.
        return ts[0] if len(ts) == 1 else _dense_concat(ts, axis=0)
    return _dense(params)


def _lookup(op: str, table: Tensor, sp_ids: SparseTensor, sp_weights: Any, combiner: str,
            max_norm: Any) -> Tensor:
    if combiner not in ("mean", "sqrtn", "sum"):
        raise ValueError(f"{op}: combiner must be one of 'mean', 'sqrtn' or 'sum', got {combiner!r}")
    ids = np.asarray(sp_ids.values._value)
    if ids.dtype.kind not in "iu":
        raise TypeError(f"{op}: the ids (sp_ids.values) must be integers, got dtype {ids.dtype.name}")
    if ids.size and (ids.min() < 0 or ids.max() >= table.shape[0]):
        raise ValueError(f"{op}: ids must be in [0, {table.shape[0]}) (the rows of params), got values "
                         f"from {ids.min()} to {ids.max()}")
    seg = sp_ids._indices[:, 0]
    if seg.size and np.any(np.diff(seg) < 0):
        raise ValueError(f"{op}: the rows of sp_ids must be in order; sort it with gt.sparse.reorder")
    n = int(seg[-1]) + 1 if seg.size else 0  # TensorFlow's segment_sum: trailing empty rows dropped
    emb = gather(table, ids)
    if max_norm is not None:
        emb = clip_by_norm(emb, max_norm, axes=list(range(1, emb.ndim)) or None)
    if sp_weights is None:
        total = unsorted_segment_sum(emb, seg, n)
        counts = np.bincount(seg, minlength=n)[:n].reshape((n,) + (1,) * (emb.ndim - 1)).astype(emb.dtype)
        if combiner == "sum":
            return total
        return divide_no_nan(total, counts if combiner == "mean" else np.sqrt(counts))
    w = _sp(sp_weights, op, "sp_weights")
    if w._indices.shape != sp_ids._indices.shape:
        raise ValueError(f"{op}: sp_weights must have one weight per id: indices of shape "
                         f"{list(w._indices.shape)} and {list(sp_ids._indices.shape)}")
    wv = w.values if w.dtype == emb.dtype else cast(w.values, emb.dtype)
    wv = _dense_reshape(wv, (-1,) + (1,) * (emb.ndim - 1))
    total = unsorted_segment_sum(emb * wv, seg, n)
    if combiner == "sum":
        return total
    if combiner == "mean":
        return divide_no_nan(total, unsorted_segment_sum(wv, seg, n))
    has = (np.bincount(seg, minlength=n)[:n] > 0).reshape((n,) + (1,) * (emb.ndim - 1))
    sq = unsorted_segment_sum(wv * wv, seg, n)
    zero = constant(np.zeros((), sq.dtype))
    # rows without entries: a constant 0 under the root (a finite derivative), as divide_no_nan
    return divide_no_nan(total, _where(has, sqrt(_where(has, sq, zero + 1)), zero))


def embedding_lookup_sparse(params: Any, sp_ids: SparseTensor, sp_weights: SparseTensor | None,
                            combiner: str = "mean", max_norm: Any = None,
                            allow_fast_lookup: bool = False, name: str | None = None) -> Tensor:
    """The embeddings ``params[id]`` of each row of the sparse ids ``sp_ids`` combined per row
    (``combiner`` "sum", "mean" or "sqrtn", weighted by ``sp_weights`` when given), as TF2's
    ``tf.nn.embedding_lookup_sparse``.

    Row ``r`` of the result combines the entries ``[r, ...]`` of ``sp_ids`` (whose rows must be
    in order); the result has ``last row with an id + 1`` rows, as TensorFlow. With weights,
    "mean" divides by the sum of the weights and "sqrtn" by the root of the sum of their
    squares (0 where that is 0). ``max_norm`` clips each embedding to that L2 norm. ``params``
    may be a list of shards (consecutive blocks of rows, TensorFlow's "div" partition).
    Gradients flow to ``params`` and the weights' values.

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> from gradtape.ops.sparse import embedding_lookup_sparse
    >>> params = gt.constant([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]])
    >>> ids = gsp.SparseTensor([[0, 0], [0, 1], [1, 0]], gt.constant([0, 2, 1], gt.int64), [2, 2])
    >>> embedding_lookup_sparse(params, ids, None).numpy()
    array([[1.5, 1. ],
           [0. , 1. ]], dtype=float32)
    """
    op = "embedding_lookup_sparse"
    st = _sp(sp_ids, op, "sp_ids")
    return _lookup(op, _params(params, op), st, sp_weights, combiner, max_norm)


def safe_embedding_lookup_sparse(embedding_weights: Any, sparse_ids: SparseTensor,
                                 sparse_weights: SparseTensor | None = None, combiner: str = "mean",
                                 default_id: int | None = None, max_norm: Any = None,
                                 name: str | None = None, allow_fast_lookup: bool = False) -> Tensor:
    """``embedding_lookup_sparse`` made safe for invalid ids and empty rows, as TF2's
    ``tf.nn.safe_embedding_lookup_sparse``.

    ``sparse_ids`` of rank ``R >= 2`` give a result of shape ``dense_shape[:-1] + emb_dims``:
    negative ids are dropped (and, unless ``combiner == "sum"``, entries whose weight is not
    positive), empty rows give the embedding of ``default_id`` or zeros when it is None.
    Gradients flow to the embeddings and the weights' values.

    >>> import gradtape as gt
    >>> from gradtape import sparse as gsp
    >>> from gradtape.ops.sparse import safe_embedding_lookup_sparse
    >>> params = gt.constant([[1.0, 0.0], [0.0, 1.0]])
    >>> ids = gsp.SparseTensor([[0, 0], [0, 1], [2, 0]], gt.constant([0, 1, -1], gt.int64), [3, 2])
    >>> safe_embedding_lookup_sparse(params, ids).numpy()
    array([[0.5, 0.5],
           [0. , 0. ],
           [0. , 0. ]], dtype=float32)
    """
    op = "safe_embedding_lookup_sparse"
    if embedding_weights is None:
        raise ValueError(f"{op}: embedding_weights must be given (a tensor or a list of shards)")
    table = _params(embedding_weights, op)
    st = _sp(sparse_ids, op, "sparse_ids")
    if st.ndim < 2:
        raise ValueError(f"{op}: sparse_ids must have rank >= 2 (batch dimensions and ids), got "
                         f"rank {st.ndim}")
    shape = _shape(st)
    batch = int(np.prod(shape[:-1], dtype=np.int64))
    ids2 = reshape(st, [batch, shape[-1]])
    if sparse_weights is not None:
        w = _sp(sparse_weights, op, "sparse_weights")
        if w._indices.shape != st._indices.shape:
            raise ValueError(f"{op}: sparse_weights must have one weight per id")
        w2 = _new(ids2._indices, w.values, ids2._dense_shape)
    else:
        w2 = None
    keep = np.asarray(ids2.values._value) >= 0
    if w2 is not None and combiner != "sum":
        keep &= np.asarray(w2.values._value) > 0
    ids2 = retain(ids2, keep)
    ids2, empty = fill_empty_rows(ids2, 0 if default_id is None else int(default_id))
    if w2 is not None:
        w2, _ = fill_empty_rows(retain(w2, keep), 1.0)
    out = _lookup(op, table, ids2, w2, combiner, max_norm)
    if default_id is None and batch:
        zero = constant(np.zeros((), out.dtype))
        out = _where(empty.numpy().reshape((-1,) + (1,) * (out.ndim - 1)), zero, out)
    return _dense_reshape(out, tuple(shape[:-1]) + tuple(out.shape[1:]))


__all__ = ["SparseTensor", "to_dense", "from_dense", "sparse_dense_matmul", "matmul", "add", "reduce_sum",
           "reduce_max", "softmax", "reorder", "reshape", "transpose", "concat", "slice", "retain",
           "fill_empty_rows", "expand_dims", "eye", "to_indicator", "segment_sum", "segment_mean",
           "segment_sqrt_n", "map_values"]
