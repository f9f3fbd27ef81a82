"""Sparse tensors, segments and lookups: ``tf.sparse``'s segment reductions of gathered rows
(``segment_sum``, ``segment_mean``, ``segment_sqrt_n``) and ``tf.nn``'s sparse embedding lookups
(``embedding_lookup_sparse``, ``safe_embedding_lookup_sparse``).

Ids and segment ids are integer constants worked on with NumPy; the rows are gathered and summed
with differentiable ops (``gather``, ``unsorted_segment_sum``), so gradients of any order reach
the data, the embeddings and the weights' values.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.tensor import Tensor
from ..sparse_tensor import SparseTensor, _new
from .array import concat as _dense_concat, reshape as _dense_reshape
from .array import where as _where
from .clip import clip_by_norm
from .creation import constant
from .indexing import gather
from .math import cast, divide_no_nan, sqrt
from .scan import unsorted_segment_sum
from .sparse_layout import _dense, _shape, _sp, fill_empty_rows, reshape, retain


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


__all__ = ["segment_sum", "segment_mean", "segment_sqrt_n", "embedding_lookup_sparse",
           "safe_embedding_lookup_sparse"]
