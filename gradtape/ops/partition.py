"""Splitting a tensor by partition ids and merging pieces back: ``dynamic_partition`` and
``dynamic_stitch``, as in TensorFlow.

Both are compositions of recorded indexing ops, so they are differentiable with respect to
``data`` to every order: ``dynamic_partition`` is a ``boolean_mask`` per partition (its
gradient scatters back), ``dynamic_stitch`` a ``tensor_scatter_nd_update`` of the flattened
pieces into zeros. The integer ids never get gradients.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.tensor import Tensor, wrap
from ._args import integers


_ints = integers


def dynamic_partition(data: Any, partitions: Any, num_partitions: int, name: str | None = None) -> list:
    """Split ``data`` into ``num_partitions`` tensors by the partition id of each slice, as
    ``tf.dynamic_partition``: ``outputs[i] = data[partitions == i]``.

    ``partitions`` (int32, values in ``[0, num_partitions)``) has a shape that is a prefix of
    ``data``'s; output ``i`` holds, in row-major order, the slices of ``data`` whose id is
    ``i``, with shape ``[count_i] + data.shape[partitions.ndim:]``. Differentiable with
    respect to ``data``.

    >>> import gradtape as gt
    >>> parts = gt.dynamic_partition(gt.constant([10.0, 20.0, 30.0, 40.0, 50.0]),
    ...                              [0, 0, 1, 1, 0], 2)
    >>> [p.numpy().tolist() for p in parts]
    [[10.0, 20.0, 50.0], [30.0, 40.0]]
    """
    op = "dynamic_partition"
    x = data if isinstance(data, Tensor) else Tensor(data)
    p = _ints(partitions, op, "partitions")
    n = num_partitions._value if isinstance(num_partitions, Tensor) else num_partitions
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer, np.ndarray)) or np.ndim(n) \
            or int(n) < 1:
        raise ValueError(f"{op}: num_partitions must be an int >= 1, got {num_partitions!r}")
    n = int(n)
    if tuple(x.shape[:p.ndim]) != p.shape:
        raise ValueError(f"{op}: partitions has shape {p.shape}, which must be a prefix of data's shape "
                         f"{tuple(x.shape)}; give one partition id per leading slice of data")
    bad = (p < 0) | (p >= n)
    if bad.any():
        raise ValueError(f"{op}: partitions must be in [0, num_partitions) = [0, {n}), got "
                         f"{int(p[bad].reshape(-1)[0])}")
    from .array import reshape
    from .indexing import gather
    flat = reshape(x, (p.size,) + tuple(x.shape[p.ndim:]))
    ids = p.reshape(-1)
    return [gather(flat, np.nonzero(ids == i)[0]) for i in range(n)]


def dynamic_stitch(indices: Any, data: Any, name: str | None = None) -> Tensor:
    """Interleave the ``data`` tensors into one tensor, as ``tf.dynamic_stitch``:
    ``merged[indices[m][i, ..., j], ...] = data[m][i, ..., j, ...]``.

    Each ``data[m].shape`` is ``indices[m].shape + constant``; the result has shape
    ``[max(indices) + 1] + constant``. Values are merged in order: when an index appears
    several times, the last ``(m, i)`` wins. Rows no index names are zero. Differentiable with
    respect to ``data``; as in TensorFlow, the gradient of each ``data[m]`` is the cotangent
    gathered at ``indices[m]``, so an overwritten value gets a gradient too.

    >>> import gradtape as gt
    >>> gt.dynamic_stitch([[0, 2], [1, 2]], [gt.constant([1.0, 2.0]), gt.constant([3.0, 4.0])]).numpy()
    array([1., 3., 4.], dtype=float32)
    """
    op = "dynamic_stitch"
    if not isinstance(indices, (list, tuple)) or not isinstance(data, (list, tuple)):
        raise TypeError(f"{op}: indices and data must be lists of tensors (one index tensor per data "
                        f"tensor), got {type(indices).__name__} and {type(data).__name__}")
    if len(indices) != len(data) or not indices:
        raise ValueError(f"{op}: indices and data must be non-empty lists of the same length, got "
                         f"{len(indices)} and {len(data)}")
    idx = [_ints(i, op, f"indices[{k}]") for k, i in enumerate(indices)]
    xs = [d if isinstance(d, Tensor) else Tensor(d) for d in data]
    constant = None
    for k, (i, x) in enumerate(zip(idx, xs)):
        if tuple(x.shape[:i.ndim]) != i.shape:
            raise ValueError(f"{op}: data[{k}] has shape {tuple(x.shape)}, which must start with the "
                             f"shape of indices[{k}], {i.shape}")
        rest = tuple(x.shape[i.ndim:])
        if constant is None:
            constant = rest
        elif rest != constant:
            raise ValueError(f"{op}: data[{k}].shape[indices[{k}].ndim:] = {rest} differs from "
                             f"{constant} for data[0]; the trailing shapes must all be equal")
    dtypes = {x.dtype for x in xs}
    if len(dtypes) > 1:
        raise TypeError(f"{op}: all data tensors must have the same dtype, got "
                        f"{sorted(d.name for d in dtypes)}; cast them first")
    flat_idx = np.concatenate([i.reshape(-1) for i in idx]).astype(np.int64)
    if flat_idx.size and flat_idx.min() < 0:
        raise ValueError(f"{op}: indices must be non-negative, got {int(flat_idx.min())}")
    rows = int(flat_idx.max()) + 1 if flat_idx.size else 0
    zeros = wrap(np.zeros((rows,) + constant, xs[0].dtype))
    if not flat_idx.size:
        return zeros
    from .._engine.primitive import bind
    from .array import concat, reshape
    from .indexing import _nd_index
    from .scatter import _tensor_scatter_update
    pieces = [reshape(x, (i.size,) + constant) for i, x in zip(idx, xs) if i.size]
    values = pieces[0] if len(pieces) == 1 else concat(pieces, axis=0)
    index = _nd_index(flat_idx[:, None], tuple(zeros.shape), 0, op, "the result")
    # keep=None: every data element gets the cotangent at its index, overwritten or not
    # (TensorFlow's gradient is a gather of the cotangent for each indices[m])
    return bind(_tensor_scatter_update, zeros, values, index=index, keep=None)


__all__ = ["dynamic_partition", "dynamic_stitch"]
