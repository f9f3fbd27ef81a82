"""Table rows: shape, layout and indexing ops (gradtape/ops/array.py, indexing.py)."""

import numpy as np

import gradtape as gt

from .table import Row

ROWS = [
    Row("reshape", lambda x: gt.reshape(x, (3, -1)), lambda x: np.reshape(x, (3, -1)), [((2, 3),), ((6,),)]),
    Row("transpose", gt.transpose, np.transpose, [((2, 3),), ((2, 3, 4),)]),
    Row("transpose_perm", lambda x: gt.transpose(x, (1, 2, 0)), lambda x: np.transpose(x, (1, 2, 0)), [((2, 3, 4),)]),
    Row("broadcast_to", lambda x: gt.broadcast_to(x, (2, 3)), lambda x: np.broadcast_to(x, (2, 3)),
        [((3,),), ((),), ((2, 1),)]),
    Row("expand_dims", lambda x: gt.expand_dims(x, 1), lambda x: np.expand_dims(x, 1), [((2, 3),)]),
    Row("squeeze", gt.squeeze, np.squeeze, [((1, 3, 1),)]),
    Row("concat", lambda a, b: gt.concat([a, b], axis=1), lambda a, b: np.concatenate([a, b], axis=1),
        [((2, 3), (2, 1))]),
    Row("concat_axis0", lambda a, b: gt.concat([a, b], axis=0), lambda a, b: np.concatenate([a, b], axis=0),
        [((2,), (3,)), ((0, 2), (1, 2))]),
    Row("stack", lambda a, b: gt.stack([a, b], axis=1), lambda a, b: np.stack([a, b], axis=1),
        [((2, 3), (2, 3))]),
    Row("stack_scalars", lambda a, b: gt.stack([a, b]), lambda a, b: np.stack([a, b]), [((), ())]),
    Row("where", lambda a, b: gt.where(gt.constant([True, False, True]), a, b),
        lambda a, b: np.where([True, False, True], a, b), [((3,), (3,)), ((2, 3), ())]),
    Row("getitem_slice", lambda x: x[1:, ::2], lambda x: x[1:, ::2], [((3, 4),)]),
    Row("getitem_int_none_ellipsis", lambda x: x[..., 1, None], lambda x: x[..., 1, None], [((3, 4),), ((2, 3, 4),)]),
    Row("getitem_int_array_repeats", lambda x: x[[0, 2, 0]], lambda x: x[[0, 2, 0]], [((3,),), ((3, 2),)]),
    Row("getitem_bool_mask", lambda x: x[gt.constant([True, False, True])], lambda x: x[[True, False, True]],
        [((3,),), ((3, 2),)]),
    Row("gather", lambda x: gt.gather(x, [2, 0, 2]), lambda x: np.take(x, [2, 0, 2], axis=0), [((3,),), ((3, 2),)]),
    Row("gather_axis1", lambda x: gt.gather(x, [[1, 0], [0, 0]], axis=1),
        lambda x: np.take(x, [[1, 0], [0, 0]], axis=1), [((3, 2),)]),
    Row("gather_batch_dims", lambda x: gt.gather(x, [[1, 0], [2, 2]], axis=1, batch_dims=1),
        lambda x: np.stack([x[0, [1, 0]], x[1, [2, 2]]]), [((2, 3),)]),
    Row("clip_by_value", lambda x: gt.clip_by_value(x, -1.0, 1.0), lambda x: np.clip(x, -1, 1),
        domain=lambda rng, s: rng.choice([-1.5, -0.5, 0.3, 0.8, 1.7], s) + rng.uniform(-0.05, 0.05, s)),
    Row("clip_by_norm", lambda x: gt.clip_by_norm(x, 1.0),
        lambda x: x * 1.0 / max(np.sqrt(np.sum(x * x)), 1.0), [((3,),), ((2, 3),)]),
    Row("clip_by_norm_axes", lambda x: gt.clip_by_norm(x, 1.0, axes=[1]),
        lambda x: x / np.maximum(np.sqrt(np.sum(x * x, axis=1, keepdims=True)), 1.0), [((2, 3),)]),
]
