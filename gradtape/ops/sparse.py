"""Sparse tensors: TensorFlow's ``tf.sparse`` ops on :class:`~gradtape.sparse_tensor.SparseTensor`,
and ``tf.nn``'s sparse embedding lookups.

This module holds the conversions (``to_dense``, ``from_dense``), the products and sums
(``sparse_dense_matmul``, ``add``), the reductions, ``softmax`` and ``map_values``, and gathers
the whole ``gt.sparse`` namespace: the layout ops come from :mod:`gradtape.ops.sparse_layout`,
the segment reductions and embedding lookups from :mod:`gradtape.ops.sparse_segments`.

Indices are integer constants worked on with NumPy; values stay gradtape tensors and every new
value is computed with differentiable ops (``gather``, ``gather_nd``, ``unsorted_segment_sum``,
``tensor_scatter_nd_update``, ...), so gradients of any order reach the values and the dense
operands. Ops that produce sparse results keep TensorFlow's order of the entries; ``reorder``,
``transpose``, ``concat`` and ``add`` give canonical row-major order.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .._engine.tensor import Tensor
from ..sparse_tensor import SparseTensor, _new
from .array import broadcast_to, concat as _dense_concat, reshape as _dense_reshape, transpose as _dense_transpose
from .array import where as _where
from .creation import constant
from .indexing import gather, gather_nd, tensor_scatter_nd_add, tensor_scatter_nd_update
from .math import conj, exp
from .scan import unsorted_segment_sum
from .segment import unsorted_segment_max
from .sparse_layout import (
    _axis, _dense, _int_vector, _linear, _scalar_like, _shape, _sp, _take, _unravel, concat, expand_dims, eye,
    fill_empty_rows, reorder, reshape, retain, slice, to_indicator, transpose,
)
from .sparse_segments import embedding_lookup_sparse, safe_embedding_lookup_sparse  # noqa: F401
from .sparse_segments import segment_mean, segment_sqrt_n, segment_sum


# -- helpers ------------------------------------------------------------------------------------
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


__all__ = ["SparseTensor", "to_dense", "from_dense", "sparse_dense_matmul", "matmul", "add", "reduce_sum",
           "reduce_max", "softmax", "reorder", "reshape", "transpose", "concat", "slice", "retain",
           "fill_empty_rows", "expand_dims", "eye", "to_indicator", "segment_sum", "segment_mean",
           "segment_sqrt_n", "map_values"]
