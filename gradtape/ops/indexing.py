"""Indexing: NumPy-style ``x[...]`` and TensorFlow's ``gather``.

``getitem`` and ``index_add`` (scatter-add into zeros) are each other's transposes, so the
gradient of an indexing op is itself differentiable. The gradient of ``gather`` on axis 0 is
an :class:`~gradtape.IndexedSlices` on the first-order path, as in TensorFlow.
"""

from __future__ import annotations

import numpy as np

from .._engine.indexed_slices import IndexedSlices
from .._engine.primitive import bind, primitive
from .._engine.tensor import Tensor, wrap
from ._rules import batch_ndim


def _has_advanced(index: tuple) -> bool:
    return any(isinstance(i, np.ndarray) for i in index)


def _index_add_fwd(g, index, shape):
    nb = g.ndim - _indexed_ndim(shape, index)
    out = np.zeros(tuple(g.shape[:nb]) + tuple(shape), dtype=g.dtype)
    if nb and _has_advanced(index):
        for b in range(out.shape[0]):
            out[b] = _index_add_fwd(g[b], index, shape)
        return out
    full = (slice(None),) * nb + index
    if _has_advanced(index):
        np.add.at(out, full, g)
    else:
        out[full] = g
    return out


def _indexed_ndim(shape, index) -> int:
    """Rank of ``x[index]`` for ``x`` of ``shape`` (a zero-strided dummy, no allocation)."""
    return np.broadcast_to(np.zeros((), np.bool_), shape)[index].ndim


def _getitem_batched(m, g, index, nb):
    if not nb:
        return m.getitem(g, index=index)
    if _has_advanced(index):
        return m.stack([_getitem_batched(m, g[b], index, nb - 1) for b in range(g.shape[0])], axis=0)
    return m.getitem(g, index=(slice(None),) * nb + index)


_index_add = primitive(
    "index_add", _index_add_fwd,
    vjp=(lambda m, g, ans, x, index, shape: _getitem_batched(m, g, index, batch_ndim(g, ans)),),
    jvp="linear", save_args=(), save_out=False)


def _getitem_vjp(m, g, ans, x, index):
    return m.index_add(g, index=index, shape=tuple(x.shape))


def _getitem_raw(x, index):
    return x[index]


_getitem = primitive("getitem", _getitem_raw, vjp=(_getitem_vjp,), jvp="linear",
                     save_args=(), save_out=False)


def _normalize_index(index) -> tuple:
    if not isinstance(index, tuple):
        index = (index,)
    out = []
    for i in index:
        if isinstance(i, Tensor):
            i = np.asarray(i._value)
        elif isinstance(i, list):
            i = np.asarray(i)
        if isinstance(i, np.ndarray):
            if i.dtype == np.bool_:
                out.extend(np.nonzero(i))
                continue
            if i.dtype.kind not in "iu":
                raise TypeError(f"indexing: index arrays must be integer or bool, got {i.dtype.name}")
            if i.ndim == 0:
                i = int(i)
        elif isinstance(i, np.integer):
            i = int(i)
        elif isinstance(i, slice):
            i = slice(*(int(v) if isinstance(v, (Tensor, np.integer)) else v
                        for v in (i.start, i.stop, i.step)))
        elif not (i is None or i is Ellipsis or isinstance(i, (int, slice))):
            raise TypeError(f"indexing: unsupported index of type {type(i).__name__}; use ints, "
                            "slices, None, ..., integer arrays or bool masks")
        out.append(i)
    return tuple(out)


def getitem(x, index):
    """``x[index]`` with NumPy's semantics: ints, slices, None, ``...``, int arrays, bool masks.

    >>> import gradtape as gt
    >>> gt.constant([[1.0, 2.0], [3.0, 4.0]])[:, 1].numpy()
    array([2., 4.], dtype=float32)
    """
    index = _normalize_index(index)
    try:
        return bind(_getitem, x, index=index)
    except IndexError as e:
        raise IndexError(f"indexing a tensor of shape {tuple(x.shape)}: {e}") from None


# -- gather ------------------------------------------------------------------------------------
def _gather_fwd(params, indices, axis, batch_dims):
    if batch_dims == 0:
        return np.take(params, indices, axis=axis)
    # Loop over the batch dimensions (they lead both params and indices).
    bshape = params.shape[:batch_dims]
    flat_p = params.reshape((-1,) + params.shape[batch_dims:])
    flat_i = np.asarray(indices).reshape((-1,) + np.shape(indices)[batch_dims:])
    outs = [np.take(p, i, axis=axis - batch_dims) for p, i in zip(flat_p, flat_i)]
    out = np.stack(outs) if outs else np.zeros((0,), params.dtype)
    return out.reshape(bshape + out.shape[1:])


def _gather_scatter_fwd(g, indices, shape, axis, batch_dims):
    out = np.zeros(shape, dtype=g.dtype)
    if batch_dims == 0:
        idx = (slice(None),) * axis + (indices,)
        np.add.at(out, idx, g)
        return out
    bshape = shape[:batch_dims]
    flat_o = out.reshape((-1,) + tuple(shape[batch_dims:]))
    flat_i = np.asarray(indices).reshape((-1,) + np.shape(indices)[batch_dims:])
    flat_g = g.reshape((-1,) + g.shape[batch_dims:])
    for o, i, gg in zip(flat_o, flat_i, flat_g):
        np.add.at(o, (slice(None),) * (axis - batch_dims) + (i,), gg)
    return flat_o.reshape(tuple(bshape) + tuple(shape[batch_dims:]))


def _gather_vjp(m, g, ans, params, indices, axis, batch_dims):
    if m.is_raw and axis == 0 and batch_dims == 0 and batch_ndim(g, ans) == 0:
        idx = np.asarray(indices).reshape(-1)
        vals = np.reshape(g, (idx.size,) + tuple(params.shape[1:]))
        return IndexedSlices(wrap(vals), wrap(idx), tuple(params.shape))
    return m.gather_scatter(g, indices, shape=tuple(params.shape), axis=axis, batch_dims=batch_dims)


_gather = primitive("gather", _gather_fwd, vjp=(_gather_vjp, None), jvp="linear",
                    save_args=(1,), save_out=False, batched=False)
_gather_scatter = primitive(
    "gather_scatter", _gather_scatter_fwd,
    vjp=(lambda m, g, ans, gg, indices, shape, axis, batch_dims:
         m.gather(g, indices, axis=axis, batch_dims=batch_dims), None),
    jvp="linear", save_args=(1,), save_out=False, batched=False)


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Gather slices of ``params`` along ``axis`` at ``indices``, as ``tf.gather``.

    >>> import gradtape as gt
    >>> gt.gather(gt.constant([[1.0, 2.0], [3.0, 4.0]]), [1, 1]).numpy()
    array([[3., 4.],
           [3., 4.]], dtype=float32)
    """
    p = params if isinstance(params, Tensor) else Tensor(params)
    idx = np.asarray(indices._value if isinstance(indices, Tensor) else indices)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"gather: indices must be integers, got dtype {idx.dtype.name}")
    batch_dims = int(batch_dims)
    if batch_dims < 0:
        batch_dims += idx.ndim
    axis = batch_dims if axis is None else int(axis)
    if axis < 0:
        axis += p.ndim
    if not batch_dims <= axis < p.ndim:
        raise ValueError(f"gather: axis {axis} is out of range for params of rank {p.ndim} "
                         f"with batch_dims={batch_dims}")
    if idx.size and (idx.min() < -p.shape[axis] or idx.max() >= p.shape[axis]):
        raise IndexError(f"gather: indices must be in [0, {p.shape[axis]}) for axis {axis} of "
                         f"params with shape {p.shape}; got values from {idx.min()} to {idx.max()}")
    return bind(_gather, p, idx, axis=axis, batch_dims=batch_dims)


__all__ = ["gather"]
