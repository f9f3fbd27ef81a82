"""Table rows: TensorFlow's indexing ops (gradtape/ops/indexing.py, scatter.py).

Index arguments are closed over (integer indices get no gradient). Repeated indices are
included where the op accumulates, so the gradient checks cover the scatter-add.
"""

import numpy as np

import gradtape as gt

from .table import Row


def _gather_nd_ref(x, idx, batch_dims=0):
    idx = np.asarray(idx)
    if batch_dims:
        return np.stack([_gather_nd_ref(x[b], idx[b]) for b in range(x.shape[0])])
    if not idx.shape[-1]:
        return np.broadcast_to(x, idx.shape[:-1] + x.shape)
    return x[tuple(np.moveaxis(idx, -1, 0))]


def _scatter_nd_ref(idx, u, shape):
    out = np.zeros(shape, u.dtype)
    np.add.at(out, tuple(np.moveaxis(np.asarray(idx), -1, 0)), u)
    return out


def _update_ref(t, idx, u):
    out = t.copy()
    for k, i in enumerate(np.asarray(idx).reshape(-1, np.shape(idx)[-1])):
        out[tuple(i)] = u.reshape((-1,) + u.shape[np.ndim(idx) - 1:])[k]
    return out


_T3 = [[[0, 1], [2, 0]], [[2, 2], [1, 0]]]  # (2, 2, 2): batch of coordinate pairs

ROWS = [
    Row("slice", lambda x: gt.slice(x, [1, 0], [2, -1]), lambda x: x[1:3, 0:], [((3, 4),)]),
    Row("slice_empty", lambda x: gt.slice(x, [2], [0]), lambda x: x[2:2], [((4,),)]),
    Row("slice_scalar", lambda x: gt.slice(x, [], []), lambda x: x, [((),)]),
    Row("strided_slice_basic", lambda x: gt.strided_slice(x, [1, 0], [3, 4], [1, 2]),
        lambda x: x[1:3, 0:4:2], [((3, 4),)]),
    Row("strided_slice_negative_stride", lambda x: gt.strided_slice(x, [1, -1, 0], [2, -3, 3], [1, -1, 1]),
        lambda x: x[1:2, -1:-3:-1, 0:3], [((3, 2, 3),)]),
    Row("strided_slice_masks", lambda x: gt.strided_slice(
        x, [1, 2, 0, 0, 0, 0], [2, 4, 0, 0, -3, 0], [1, 1, 1, 1, -1, 1],
        begin_mask=48, end_mask=32, ellipsis_mask=8, new_axis_mask=4, shrink_axis_mask=1),
        lambda x: x[1, 2:4, None, ..., :-3:-1, :], [((2, 5, 2, 4, 3),)]),
    Row("strided_slice_shrink_negative", lambda x: gt.strided_slice(x, [-1], [0], shrink_axis_mask=1),
        lambda x: x[-1], [((3,),), ((3, 2),)]),
    Row("strided_slice_empty", lambda x: gt.strided_slice(x, [3], [1]), lambda x: x[3:1], [((4,),)]),
    Row("gather_nd_elements", lambda x: gt.gather_nd(x, [[1, 0], [2, 3], [1, 0]]),
        lambda x: _gather_nd_ref(x, [[1, 0], [2, 3], [1, 0]]), [((3, 4),)]),
    Row("gather_nd_slices", lambda x: gt.gather_nd(x, [[2], [0], [2]]),
        lambda x: _gather_nd_ref(x, [[2], [0], [2]]), [((3, 4),), ((3,),)]),
    Row("gather_nd_nested", lambda x: gt.gather_nd(x, _T3), lambda x: _gather_nd_ref(x, _T3), [((3, 3, 2),)]),
    Row("gather_nd_batch_dims", lambda x: gt.gather_nd(x, [[[1], [0]], [[2], [2]]], batch_dims=1),
        lambda x: _gather_nd_ref(x, [[[1], [0]], [[2], [2]]], 1), [((2, 3, 4),), ((2, 3),)]),
    Row("gather_nd_empty_indices", lambda x: gt.gather_nd(x, np.zeros((0, 2), np.int32)),
        lambda x: np.zeros((0,)), [((3, 4),)]),
    Row("gather_nd_zero_coordinates", lambda x: gt.gather_nd(x, np.zeros((2, 0), np.int32)),
        lambda x: np.stack([x, x]), [((3,),), ((),)]),
    Row("scatter_nd", lambda u: gt.scatter_nd([[1], [3], [1]], u, [5]),
        lambda u: _scatter_nd_ref([[1], [3], [1]], u, (5,)), [((3,),)]),
    Row("scatter_nd_slices", lambda u: gt.scatter_nd([[0], [2], [0]], u, [4, 2]),
        lambda u: _scatter_nd_ref([[0], [2], [0]], u, (4, 2)), [((3, 2),)]),
    Row("scatter_nd_nested", lambda u: gt.scatter_nd(_T3, u, [3, 3]),
        lambda u: _scatter_nd_ref(_T3, u, (3, 3)), [((2, 2),)]),
    Row("scatter_nd_empty", lambda u: gt.scatter_nd(np.zeros((0, 1), np.int32), u, [4]),
        lambda u: np.zeros(4), [((0,),)]),
    Row("scatter_nd_zero_coordinates", lambda u: gt.scatter_nd(np.zeros((2, 0), np.int32), u, [3]),
        lambda u: u.sum(0), [((2, 3),)]),
    Row("tensor_scatter_nd_update", lambda t, u: gt.tensor_scatter_nd_update(t, [[0], [2]], u),
        lambda t, u: _update_ref(t, [[0], [2]], u), [((4, 3), (2, 3))]),
    Row("tensor_scatter_nd_update_elements", lambda t, u: gt.tensor_scatter_nd_update(t, [[0, 1], [2, 3]], u),
        lambda t, u: _update_ref(t, [[0, 1], [2, 3]], u), [((3, 4), (2,))]),
    Row("tensor_scatter_nd_update_repeats", lambda t, u: gt.tensor_scatter_nd_update(t, [[1], [0], [1]], u),
        lambda t, u: _update_ref(t, [[1], [0], [1]], u), [((3,), (3,))]),
    Row("tensor_scatter_nd_add", lambda t, u: gt.tensor_scatter_nd_add(t, [[0], [2], [0]], u),
        lambda t, u: t + _scatter_nd_ref([[0], [2], [0]], u, t.shape), [((4, 3), (3, 3))]),
    Row("tensor_scatter_nd_add_nested", lambda t, u: gt.tensor_scatter_nd_add(t, _T3, u),
        lambda t, u: t + _scatter_nd_ref(_T3, u, t.shape), [((3, 3), (2, 2)), ((3, 3, 2), (2, 2, 2))]),
    Row("boolean_mask", lambda x: gt.boolean_mask(x, [True, False, True]),
        lambda x: x[np.array([True, False, True])], [((3,),), ((3, 2),)]),
    Row("boolean_mask_2d", lambda x: gt.boolean_mask(x, [[True, False, True], [False, False, True]]),
        lambda x: x[np.array([[True, False, True], [False, False, True]])], [((2, 3),), ((2, 3, 2),)]),
    Row("boolean_mask_axis", lambda x: gt.boolean_mask(x, [False, True, True], axis=1),
        lambda x: x[:, np.array([False, True, True])], [((2, 3),), ((2, 3, 2),)]),
    Row("boolean_mask_none", lambda x: gt.boolean_mask(x, [False, False]), lambda x: x[:0], [((2, 3),)]),
    Row("one_hot_times_x", lambda x: gt.one_hot([0, 2, 5], 3, axis=0) * x,
        lambda x: np.eye(3)[:, [0, 2, 0]] * np.array([1, 1, 0]) * x, [((3,),), ((3, 3),)]),
]
