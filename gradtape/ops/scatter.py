"""Scatters: ``scatter_nd``, ``tensor_scatter_nd_update``, ``tensor_scatter_nd_add``,
``tensor_scatter_nd_sub``, ``tensor_scatter_nd_max`` and ``tensor_scatter_nd_min``.

``indices`` have TensorFlow's ``gather_nd`` layout: the last axis holds one coordinate per
leading dimension of the target. ``scatter_nd`` is the ``index_add`` primitive of
:mod:`.indexing` (its transpose is ``getitem``), so repeated coordinates accumulate and every
derivative is itself differentiable. These names are exported through :mod:`.indexing`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.primitive import bind, primitive
from .._engine.tensor import Tensor, to_array
from ._rules import batch_ndim
from .indexing import _as_tensor, _getitem_batched, _index_add, _int_array, _nd_index


def _shape_tuple(shape, op: str) -> tuple:
    a = _int_array(shape, op, "shape")
    if a.ndim > 1:
        raise ValueError(f"{op}: shape must be a 1-D list of sizes, got an array of shape {a.shape}")
    out = tuple(int(s) for s in a.reshape(-1))
    if any(s < 0 for s in out):
        raise ValueError(f"{op}: shape {out} has a negative size")
    return out


def _check_updates(op: str, idx: np.ndarray, u, shape: tuple) -> None:
    q = idx.shape[-1]
    want = tuple(idx.shape[:-1]) + tuple(shape[q:])
    if tuple(u.shape) != want:
        raise ValueError(
            f"{op}: updates has shape {tuple(u.shape)} but must have shape indices.shape[:-1] + "
            f"shape[indices.shape[-1]:] = {want} (indices {idx.shape}, shape {tuple(shape)})")


def scatter_nd(indices, updates, shape, name=None):
    """A zero tensor of ``shape`` with ``updates`` added at the coordinates in ``indices``, as
    ``tf.scatter_nd``. Repeated coordinates accumulate. The gradient for ``updates`` is
    ``gather_nd`` of the cotangent.

    >>> import gradtape as gt
    >>> gt.scatter_nd([[1], [3], [1]], gt.constant([1.0, 2.0, 3.0]), [5]).numpy()
    array([0., 4., 0., 2., 0.], dtype=float32)
    """
    op = "scatter_nd"
    shape = _shape_tuple(shape, op)
    idx = _int_array(indices, op, "indices")
    if idx.ndim < 1:
        raise ValueError(f"{op}: indices must have rank >= 1 (the last axis holds coordinates)")
    u = _as_tensor(updates)
    _check_updates(op, idx, u, shape)
    index = _nd_index(idx, shape, 0, op, "the output shape")
    if not index:  # empty coordinates: every update covers the whole output
        from .reduce import reduce_sum
        lead = tuple(range(idx.ndim - 1))
        if not lead:
            from .array import identity
            return identity(u)
        return reduce_sum(u, axis=lead)
    return bind(_index_add, u, index=index, shape=shape)


def _last_writer(index: tuple, shape: tuple) -> np.ndarray | None:
    """For ``out[index] = updates`` with repeated coordinates: a bool array over the index
    positions, true where that position's write is the one that stays (NumPy: the last one).
    None when there are no repeats."""
    lin = np.ravel_multi_index(np.broadcast_arrays(*index), shape[:len(index)]).reshape(-1)
    if lin.size == 0:
        return None
    _, first_in_reversed = np.unique(lin[::-1], return_index=True)
    if first_in_reversed.size == lin.size:
        return None
    keep = np.zeros(lin.size, bool)
    keep[lin.size - 1 - first_in_reversed] = True
    return keep.reshape(np.broadcast_shapes(*(np.shape(i) for i in index)))


def _update_fwd(tensor, updates, index, keep):
    out = np.array(tensor, copy=True)
    out[index] = updates
    return out


def _update_vjp_tensor(m, g, ans, tensor, updates, index, keep):
    mask = np.ones(tensor.shape, bool)
    mask[index] = False
    return m.where(mask, g, 0)


def _update_vjp_updates(m, g, ans, tensor, updates, index, keep):
    r = _getitem_batched(m, g, index, batch_ndim(g, ans))
    if keep is not None:
        trail = len(updates.shape) - keep.ndim
        r = m.where(keep.reshape(keep.shape + (1,) * trail), r, 0)
    return r


_tensor_scatter_update = primitive(
    "tensor_scatter_nd_update", _update_fwd, vjp=(_update_vjp_tensor, _update_vjp_updates),
    jvp="linear", save_args=(), save_out=False)


def _scatter_args(op, tensor, indices, updates):
    t = _as_tensor(tensor)
    idx = _int_array(indices, op, "indices")
    if isinstance(updates, Tensor):
        u = updates
        if u.dtype != t.dtype:
            raise TypeError(f"{op}: updates has dtype {u.dtype.name} but tensor has dtype "
                            f"{t.dtype.name}; cast one of them")
    else:
        u = Tensor(to_array(updates, t.dtype))
    if idx.ndim < 1:
        raise ValueError(f"{op}: indices must have rank >= 1 (the last axis holds coordinates)")
    _check_updates(op, idx, u, t.shape)
    return t, idx, u


def tensor_scatter_nd_update(tensor, indices, updates, name=None):
    """A copy of ``tensor`` with the elements (or slices) at ``indices`` replaced by
    ``updates``, as ``tf.tensor_scatter_nd_update``.

    With repeated coordinates the last update wins (TensorFlow leaves the order unspecified);
    the gradients follow that: only the winning update gets a gradient. The gradient for
    ``tensor`` is zero at the replaced positions.

    >>> import gradtape as gt
    >>> gt.tensor_scatter_nd_update(gt.zeros((4,)), [[0], [2]], [5.0, 6.0]).numpy()
    array([5., 0., 6., 0.], dtype=float32)
    """
    op = "tensor_scatter_nd_update"
    t, idx, u = _scatter_args(op, tensor, indices, updates)
    if idx.shape[-1] == 0:
        raise ValueError(f"{op}: indices.shape[-1] must be >= 1 (each index needs a coordinate)")
    index = _nd_index(idx, t.shape, 0, op, "tensor")
    return bind(_tensor_scatter_update, t, u, index=index, keep=_last_writer(index, t.shape))


def tensor_scatter_nd_add(tensor, indices, updates, name=None):
    """``tensor`` with ``updates`` added at ``indices`` (repeated coordinates accumulate), as
    ``tf.tensor_scatter_nd_add``.

    >>> import gradtape as gt
    >>> gt.tensor_scatter_nd_add(gt.ones((4,)), [[0], [2], [0]], [5.0, 6.0, 7.0]).numpy()
    array([13.,  1.,  7.,  1.], dtype=float32)
    """
    op = "tensor_scatter_nd_add"
    t, idx, u = _scatter_args(op, tensor, indices, updates)
    from .math import add
    return add(t, scatter_nd(idx, u, t.shape))


def tensor_scatter_nd_sub(tensor: Any, indices: Any, updates: Any, name: str | None = None) -> Tensor:
    """``tensor`` with ``updates`` subtracted at ``indices`` (repeated coordinates accumulate),
    as ``tf.tensor_scatter_nd_sub``.

    >>> import gradtape as gt
    >>> t = gt.constant([1, 2, 3, 4, 5, 6, 7, 8])
    >>> gt.tensor_scatter_nd_sub(t, [[4], [3], [1], [7]], [9, 10, 11, 12]).numpy()
    array([  1,  -9,   3,  -6,  -4,   6,   7,  -4], dtype=int32)
    """
    op = "tensor_scatter_nd_sub"
    t, idx, u = _scatter_args(op, tensor, indices, updates)
    from .math import subtract
    return subtract(t, scatter_nd(idx, u, t.shape))


def _minmax_fwd(tensor, updates, index, kind):
    out = np.array(tensor, copy=True)
    (np.maximum if kind == "max" else np.minimum).at(out, index, updates)
    return out


def _minmax_weights(m, ans, tensor, updates, index):
    """TensorFlow's ``_TensorScatterMinOrMaxGrad`` indicators: where the tensor and each update
    equal the output, and how many of them do at each position (at least 1)."""
    dt = ans.dtype
    x_ind = m.cast(m.equal(tensor, ans), dtype=dt)
    y_ind = m.cast(m.equal(updates, m.getitem(ans, index=index)), dtype=dt)
    return x_ind, y_ind, x_ind + m.index_add(y_ind, index=index, shape=tuple(tensor.shape))


def _minmax_vjp_tensor(m, g, ans, tensor, updates, index, kind):
    x_ind, _, count = _minmax_weights(m, ans, tensor, updates, index)
    return g * x_ind / count


def _minmax_vjp_updates(m, g, ans, tensor, updates, index, kind):
    _, y_ind, count = _minmax_weights(m, ans, tensor, updates, index)
    return _getitem_batched(m, g / count, index, batch_ndim(g, ans)) * y_ind


def _minmax_jvp_tensor(m, t, ans, tensor, updates, index, kind):
    x_ind, _, count = _minmax_weights(m, ans, tensor, updates, index)
    return t * x_ind / count


def _minmax_jvp_updates(m, t, ans, tensor, updates, index, kind):
    _, y_ind, count = _minmax_weights(m, ans, tensor, updates, index)
    return m.index_add(t * y_ind, index=index, shape=tuple(tensor.shape)) / count


_tensor_scatter_minmax = primitive(
    "tensor_scatter_nd_minmax", _minmax_fwd, vjp=(_minmax_vjp_tensor, _minmax_vjp_updates),
    jvp=(_minmax_jvp_tensor, _minmax_jvp_updates), save_args=(0, 1), save_out=True)


def _scatter_minmax(op: str, kind: str, tensor, indices, updates) -> Tensor:
    t, idx, u = _scatter_args(op, tensor, indices, updates)
    if t.dtype.kind not in "iuf":
        raise TypeError(f"{op}: tensor must be a real (integer or float) tensor, got dtype {t.dtype.name}")
    if idx.shape[-1] == 0:
        raise ValueError(f"{op}: indices.shape[-1] must be >= 1 (each index needs a coordinate)")
    index = _nd_index(idx, t.shape, 0, op, "tensor")
    return bind(_tensor_scatter_minmax, t, u, index=index, kind=kind)


def tensor_scatter_nd_max(tensor: Any, indices: Any, updates: Any, name: str | None = None) -> Tensor:
    """``tensor`` with each element (or slice) at ``indices`` replaced by its maximum with the
    updates there (repeated coordinates take the maximum of all), as
    ``tf.tensor_scatter_nd_max``.

    Gradients are TensorFlow's: at each position the gradient goes to whichever of the tensor
    and the updates equal the result, split equally when several of them tie.

    >>> import gradtape as gt
    >>> t = gt.constant([0, 0, 0, 0, 0, 0, 0, 0])
    >>> gt.tensor_scatter_nd_max(t, [[4], [3], [1], [7]], [9, 10, 11, 12]).numpy()
    array([ 0, 11,  0, 10,  9,  0,  0, 12], dtype=int32)
    """
    return _scatter_minmax("tensor_scatter_nd_max", "max", tensor, indices, updates)


def tensor_scatter_nd_min(tensor: Any, indices: Any, updates: Any, name: str | None = None) -> Tensor:
    """``tensor`` with each element (or slice) at ``indices`` replaced by its minimum with the
    updates there (repeated coordinates take the minimum of all), as
    ``tf.tensor_scatter_nd_min``.

    Gradients are TensorFlow's: at each position the gradient goes to whichever of the tensor
    and the updates equal the result, split equally when several of them tie.

    >>> import gradtape as gt
    >>> t = gt.constant([0, 0, 0, 0, 0, 0, 0, 0])
    >>> gt.tensor_scatter_nd_min(t, [[4], [3], [1], [7]], [-9, -10, -11, -12]).numpy()
    array([  0, -11,   0, -10,  -9,   0,   0, -12], dtype=int32)
    """
    return _scatter_minmax("tensor_scatter_nd_min", "min", tensor, indices, updates)


__all__ = ["scatter_nd", "tensor_scatter_nd_update", "tensor_scatter_nd_add", "tensor_scatter_nd_sub",
           "tensor_scatter_nd_max", "tensor_scatter_nd_min"]
