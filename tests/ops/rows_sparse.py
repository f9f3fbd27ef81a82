"""Table rows: sparse tensors (gradtape/ops/sparse.py). Each ``fn`` takes the values (and any
dense operand) and closes over fixed indices and dense shapes."""

import numpy as np

import gradtape as gt
from gradtape import sparse as gsp
from gradtape.ops.sparse import embedding_lookup_sparse, safe_embedding_lookup_sparse

from .rows_reduce import DISTINCT
from .table import Row

SP = gsp.SparseTensor
IDX = np.array([[0, 1], [0, 3], [1, 0], [2, 2], [2, 3]])  # row-major, row 3 empty; shape (4, 4)
SHAPE = (4, 4)
IDX_A = np.array([[0, 1], [0, 3], [1, 0], [2, 2], [2, 3]])  # a (3, 4) matrix, row-major
A_SHAPE = (3, 4)
REPEATED = np.array([[0, 1], [2, 3], [0, 1], [1, 0]])  # unordered, with a repeat
IDX3 = np.array([[0, 0, 1], [0, 1, 0], [0, 1, 2], [1, 0, 0], [1, 1, 1], [1, 1, 2]])  # (2, 2, 3)
SHAPE3 = (2, 2, 3)
UNORDERED = np.array([[2, 3], [0, 1], [1, 0], [0, 3], [2, 2]])
IDX_B = np.array([[0, 1], [1, 1], [3, 0]])  # overlaps IDX at [0, 1]
EMPTY = np.zeros((0, 2), np.int64)
SEG_IDX, SEG_IDS = np.array([0, 2, 1, 2, 3]), np.array([0, 0, 1, 3, 3])  # segment 2 empty
EMB_IDX = np.array([[0, 0], [0, 1], [2, 0], [2, 1], [2, 2]])  # rows 1 and 3 empty
EMB_IDS = np.array([1, 4, 0, 2, 2])


def dense(idx, shape, sum_repeats=True):
    """NumPy reference of ``to_dense``: the values at ``idx``."""
    def ref(v, default=0.0):
        at = tuple(np.asarray(idx).T)
        out = np.zeros(shape, dtype=np.result_type(v, default))
        if sum_repeats:
            np.add.at(out, at, v)
        else:
            out[at] = v
        filled = np.zeros(shape, bool)
        filled[at] = True
        return np.where(filled, out, default)
    return ref


def np_sparse_add(va, vb):
    out = dense(IDX, SHAPE)(va) + dense(IDX_B, SHAPE)(vb)
    union = sorted({tuple(i) for i in IDX} | {tuple(i) for i in IDX_B})
    return out[tuple(np.array(union).T)]


def np_softmax_rows(idx, shape):
    def ref(v):
        rows = np.ravel_multi_index(tuple(np.asarray(idx)[:, :-1].T), shape[:-1])
        out = np.empty_like(v)
        for r in np.unique(rows):
            e = np.exp(v[rows == r] - v[rows == r].max())
            out[rows == r] = e / e.sum()
        return out
    return ref


def np_reduce_max(idx, shape, axis):
    def ref(v):
        full = np.full(shape, -np.inf)
        full[tuple(np.asarray(idx).T)] = v
        m = full.max(axis=axis)
        return np.where(np.isinf(m), 0.0, m)
    return ref


def np_segment(reduce):
    def ref(x):
        rows = x[SEG_IDX]
        out = np.zeros((4,) + x.shape[1:])
        for j in range(4):
            sel = rows[SEG_IDS == j]
            if len(sel):
                out[j] = reduce(sel)
        return out
    return ref


def np_embedding(combiner, weighted):
    def ref(params, w=None):
        w = np.ones(len(EMB_IDS)) if w is None else w
        out = np.zeros((3, params.shape[1]))
        for r in range(3):
            sel = EMB_IDX[:, 0] == r
            if not sel.any():
                continue
            s = (params[EMB_IDS[sel]] * w[sel, None]).sum(axis=0)
            norm = {"sum": 1.0, "mean": w[sel].sum(), "sqrtn": np.sqrt((w[sel] ** 2).sum())}[combiner]
            out[r] = s / norm
        return out
    return ref


MATMUL_B = [((5,), (4, 2))]
POSITIVE = (0.5, 2.0)

ROWS = [
    # conversions
    Row("to_dense", lambda v: gsp.to_dense(SP(IDX, v, SHAPE)), dense(IDX, SHAPE), [((5,),)]),
    Row("to_dense_default", lambda v, d: gsp.to_dense(SP(IDX, v, SHAPE), default_value=d),
        dense(IDX, SHAPE), [((5,), ())]),
    Row("to_dense_empty", lambda v: gsp.to_dense(SP(EMPTY, v, (2, 3))), dense(EMPTY, (2, 3)), [((0,),)]),
    Row("to_dense_unvalidated_repeats",
        lambda v: gsp.to_dense(SP(REPEATED, v, SHAPE), validate_indices=False),
        dense(REPEATED, SHAPE, sum_repeats=False), [((4,),)]),
    Row("from_dense", lambda x: gsp.from_dense(x * np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])).values,
        lambda x: x[np.array([[1, 0, 1], [0, 1, 1]], bool)], [((2, 3),)]),
    # products
    Row("sparse_dense_matmul", lambda v, b: gsp.sparse_dense_matmul(SP(IDX_A, v, A_SHAPE), b),
        lambda v, b: dense(IDX_A, A_SHAPE)(v) @ b, MATMUL_B),
    Row("sparse_dense_matmul_adjoint_a",
        lambda v, b: gsp.sparse_dense_matmul(SP(IDX_A, v, A_SHAPE), b, adjoint_a=True),
        lambda v, b: dense(IDX_A, A_SHAPE)(v).T @ b, [((5,), (3, 2))]),
    Row("sparse_dense_matmul_adjoint_b",
        lambda v, b: gsp.sparse_dense_matmul(SP(IDX_A, v, A_SHAPE), b, adjoint_b=True),
        lambda v, b: dense(IDX_A, A_SHAPE)(v) @ b.T, [((5,), (2, 4))]),
    Row("sparse_dense_matmul_adjoint_both",
        lambda v, b: gsp.sparse_dense_matmul(SP(IDX_A, v, A_SHAPE), b, adjoint_a=True, adjoint_b=True),
        lambda v, b: dense(IDX_A, A_SHAPE)(v).T @ b.T, [((5,), (2, 3))]),
    Row("sparse_dense_matmul_dense_first",
        lambda v, b: gsp.sparse_dense_matmul(b, SP(IDX_A, v, A_SHAPE)),
        lambda v, b: b @ dense(IDX_A, A_SHAPE)(v), [((5,), (2, 3))]),
    Row("sparse_dense_matmul_dense_first_adjoints",
        lambda v, b: gsp.sparse_dense_matmul(b, SP(IDX_A, v, A_SHAPE), adjoint_a=True, adjoint_b=True),
        lambda v, b: b.T @ dense(IDX_A, A_SHAPE)(v).T, [((5,), (4, 2))]),
    Row("sparse_dense_matmul_repeated", lambda v, b: gsp.sparse_dense_matmul(SP(REPEATED, v, SHAPE), b),
        lambda v, b: dense(REPEATED, SHAPE)(v) @ b, [((4,), (4, 3))]),
    Row("sparse_dense_matmul_complex",
        lambda v, b: gt.math.real(gsp.sparse_dense_matmul(SP(IDX_A, v, A_SHAPE), b, adjoint_a=True,
                                                          adjoint_b=True) * (1 + 2j)),
        lambda v, b: np.real(np.conj(dense(IDX_A, A_SHAPE)(v)).T @ np.conj(b).T * (1 + 2j)),
        [((5,), (2, 3))], complex=True),
    Row("sparse_dense_matmul_dense_first_complex",
        lambda v, b: gt.math.real(gsp.sparse_dense_matmul(b, SP(IDX_A, v, A_SHAPE), adjoint_b=True) * (1 - 1j)),
        lambda v, b: np.real(b @ np.conj(dense(IDX_A, A_SHAPE)(v)).T * (1 - 1j)), [((5,), (2, 4))],
        complex=True),
    # sums
    Row("add_sparse", lambda va, vb: gsp.add(SP(IDX, va, SHAPE), SP(IDX_B, vb, SHAPE)).values, np_sparse_add,
        [((5,), (3,))]),
    Row("add_dense", lambda v, d: gsp.add(SP(IDX, v, SHAPE), d), lambda v, d: dense(IDX, SHAPE)(v) + d,
        [((5,), (4, 4))]),
    Row("add_dense_first_repeated", lambda v, d: gsp.add(d, SP(REPEATED, v, SHAPE)),
        lambda v, d: dense(REPEATED, SHAPE)(v) + d, [((4,), (4, 4))]),
    # reductions
    Row("reduce_sum_sparse_all", lambda v: gsp.reduce_sum(SP(IDX, v, SHAPE)), lambda v: v.sum(), [((5,),)]),
    Row("reduce_sum_sparse_axis0", lambda v: gsp.reduce_sum(SP(IDX, v, SHAPE), axis=0),
        lambda v: dense(IDX, SHAPE)(v).sum(axis=0), [((5,),)]),
    Row("reduce_sum_sparse_keepdims", lambda v: gsp.reduce_sum(SP(IDX3, v, SHAPE3), axis=[0, -1], keepdims=True),
        lambda v: dense(IDX3, SHAPE3)(v).sum(axis=(0, 2), keepdims=True), [((6,),)]),
    Row("reduce_sum_sparse_output",
        lambda v: gsp.reduce_sum(SP(IDX3, v, SHAPE3), axis=1, output_is_sparse=True).values,
        lambda v: dense(IDX3, SHAPE3)(v).sum(axis=1).reshape(-1), [((6,),)]),
    Row("reduce_max_sparse_axis1", lambda v: gsp.reduce_max(SP(IDX, v, SHAPE), axis=1), np_reduce_max(IDX, SHAPE, 1),
        [((5,),)], domain=DISTINCT),
    Row("reduce_max_sparse_all", lambda v: gsp.reduce_max(SP(IDX3, v, SHAPE3)), np_reduce_max(IDX3, SHAPE3, None),
        [((6,),)], domain=DISTINCT),
    Row("reduce_max_sparse_output",
        lambda v: gsp.reduce_max(SP(IDX, v, SHAPE), axis=1, output_is_sparse=True).values,
        lambda v: np_reduce_max(IDX, SHAPE, 1)(v)[:3], [((5,),)], domain=DISTINCT),
    Row("reduce_max_sparse_ties",  # values 0 and 1 tie in row 0: the gradient is split between them
        lambda v: gsp.reduce_max(SP(IDX, gt.concat([v[:1], v], axis=0), (4, 4)), axis=1),
        lambda v: np_reduce_max(IDX, SHAPE, 1)(np.concatenate([v[:1], v])), [((4,),)],
        domain=DISTINCT),
    Row("softmax_sparse", lambda v: gsp.softmax(SP(IDX, v, SHAPE)).values, np_softmax_rows(IDX, SHAPE), [((5,),)]),
    Row("softmax_sparse_rank3", lambda v: gsp.softmax(SP(IDX3, v, SHAPE3)).values, np_softmax_rows(IDX3, SHAPE3),
        [((6,),)]),
    # reordering and reshaping
    Row("reorder", lambda v: gsp.reorder(SP(UNORDERED, v, SHAPE)).values, lambda v: v[[1, 3, 2, 4, 0]],
        [((5,),)]),
    Row("reshape_sparse", lambda v: gsp.to_dense(gsp.reshape(SP(IDX, v, SHAPE), [2, -1])),
        lambda v: dense(IDX, SHAPE)(v).reshape(2, 8), [((5,),)]),
    Row("transpose_sparse_perm", lambda v: gsp.transpose(SP(IDX3, v, SHAPE3), [2, 0, 1]).values,
        lambda v: dense(IDX3, SHAPE3)(v).transpose(2, 0, 1)[dense(IDX3, SHAPE3)(np.ones(6)).transpose(2, 0, 1) > 0],
        [((6,),)], domain=POSITIVE),
    Row("concat_sparse_axis1", lambda va, vb: gsp.to_dense(gsp.concat(1, [SP(IDX, va, SHAPE), SP(IDX_B, vb, (4, 2))])),
        lambda va, vb: np.concatenate([dense(IDX, SHAPE)(va), dense(IDX_B, (4, 2))(vb)], axis=1),
        [((5,), (3,))]),
    Row("concat_expand_nonconcat_dims",
        lambda va, vb: gsp.to_dense(gsp.concat(0, [SP(IDX, va, SHAPE), SP(IDX_B, vb, (4, 2))],
                                               expand_nonconcat_dims=True)),
        lambda va, vb: np.concatenate([dense(IDX, SHAPE)(va), dense(IDX_B, (4, 4))(vb)], axis=0),
        [((5,), (3,))]),
    Row("slice_sparse", lambda v: gsp.to_dense(gsp.slice(SP(IDX, v, SHAPE), [0, 1], [2, 9])),
        lambda v: dense(IDX, SHAPE)(v)[0:2, 1:], [((5,),)]),
    Row("retain", lambda v: gsp.retain(SP(IDX, v, SHAPE), [True, False, True, True, False]).values,
        lambda v: v[[0, 2, 3]], [((5,),)]),
    Row("fill_empty_rows", lambda v, d: gsp.to_dense(gsp.fill_empty_rows(SP(IDX, v, SHAPE), d)[0]),
        lambda v, d: dense(np.concatenate([IDX, [[3, 0]]]), SHAPE)(np.concatenate([v, [d]])),
        [((5,), ())]),
    Row("expand_dims_sparse", lambda v: gsp.to_dense(gsp.expand_dims(SP(IDX, v, SHAPE), 1)),
        lambda v: dense(IDX, SHAPE)(v)[:, None], [((5,),)]),
    Row("map_values", lambda v, w: gsp.map_values(gt.multiply, SP(IDX, v, SHAPE), SP(IDX, w, SHAPE)).values,
        lambda v, w: v * w, [((5,), (5,))]),
    # segment reductions of gathered rows
    Row("segment_sum_gathered", lambda x: gsp.segment_sum(x, SEG_IDX, SEG_IDS), np_segment(lambda r: r.sum(0)),
        [((4,),), ((4, 3),)]),
    Row("segment_mean_gathered", lambda x: gsp.segment_mean(x, SEG_IDX, SEG_IDS), np_segment(lambda r: r.mean(0)),
        [((4,),), ((4, 3),)]),
    Row("segment_sqrt_n_gathered", lambda x: gsp.segment_sqrt_n(x, SEG_IDX, SEG_IDS),
        np_segment(lambda r: r.sum(0) / np.sqrt(len(r))), [((4,),), ((4, 3),)]),
    Row("segment_sum_gathered_num_segments", lambda x: gsp.segment_sum(x, SEG_IDX, SEG_IDS, num_segments=6),
        lambda x: np.concatenate([np_segment(lambda r: r.sum(0))(x), np.zeros((2,) + x.shape[1:])]),
        [((4, 2),)]),
    # tf.nn's sparse embedding lookups
    Row("embedding_lookup_sparse_mean",
        lambda p: embedding_lookup_sparse(p, SP(EMB_IDX, EMB_IDS, (4, 3)), None),
        np_embedding("mean", False), [((5, 2),)]),
    Row("embedding_lookup_sparse_weighted_sqrtn",
        lambda p, w: embedding_lookup_sparse(p, SP(EMB_IDX, EMB_IDS, (4, 3)), SP(EMB_IDX, w, (4, 3)),
                                             combiner="sqrtn"),
        np_embedding("sqrtn", True), [((5, 2), (5,))], domain=POSITIVE),
    Row("embedding_lookup_sparse_weighted_mean",
        lambda p, w: embedding_lookup_sparse(p, SP(EMB_IDX, EMB_IDS, (4, 3)), SP(EMB_IDX, w, (4, 3))),
        np_embedding("mean", True), [((5, 2), (5,))], domain=POSITIVE),
    Row("embedding_lookup_sparse_sum_sharded",
        lambda p, q: embedding_lookup_sparse([p, q], SP(EMB_IDX, EMB_IDS, (4, 3)), None, combiner="sum"),
        lambda p, q: np_embedding("sum", False)(np.concatenate([p, q])), [((3, 2), (2, 2))]),
    Row("safe_embedding_lookup_sparse",
        lambda p, w: safe_embedding_lookup_sparse(p, SP(EMB_IDX, EMB_IDS, (4, 3)), SP(EMB_IDX, w, (4, 3)),
                                                  combiner="sum"),
        lambda p, w: np.concatenate([np_embedding("sum", True)(p, w), np.zeros((1, 2))]),
        [((5, 2), (5,))], domain=POSITIVE),
]
