"""Indexing: NumPy-style ``x[...]`` and TensorFlow's ``gather``, ``gather_nd``, ``slice``,
``strided_slice``, ``boolean_mask`` and ``one_hot``; the scatters live in :mod:`.scatter`.

``getitem`` and ``index_add`` (scatter-add into zeros) are each other's transposes, so the
gradient of an indexing op is itself differentiable. Every op here that picks elements is a
``getitem`` with a NumPy index built from TensorFlow's arguments. The gradient of ``gather`` on
axis 0 is an :class:`~gradtape.IndexedSlices` on the first-order path, as in TensorFlow.
Integer index inputs never get gradients.
"""

from __future__ import annotations

import builtins

import numpy as np

from .._engine.indexed_slices import IndexedSlices, SliceGrad
from .._engine.primitive import bind, primitive
from .._engine.tensor import Tensor, as_dtype, to_array, wrap
from ._rules import batch_ndim

_slice = builtins.slice  # this module defines TensorFlow's slice()
_PLAIN = (int, type(None))  # slice bounds kept as they are


def _has_advanced(index: tuple) -> bool:
    for i in index:
        if isinstance(i, np.ndarray):
            return True
    return False


def _prefix_safe(index: tuple) -> bool:
    """Whether ``x[(slice(None),) * nb + index]`` equals stacking ``x[b][index]`` over ``b``.

    True unless the advanced entries (int arrays, and ints when arrays are present) are split by
    a slice, None or ``...``: NumPy then moves the broadcast dimensions to the front.
    """
    pos = [k for k, i in enumerate(index) if isinstance(i, (np.ndarray, int))]
    return not pos or not _has_advanced(index) or pos[-1] - pos[0] == len(pos) - 1


def _index_add_fwd(g, index, shape):
    nb = g.ndim - _indexed_ndim(shape, index)
    out = np.zeros(tuple(g.shape[:nb]) + tuple(shape), dtype=g.dtype)
    if nb and _has_advanced(index) and not _prefix_safe(index):
        for b in range(out.shape[0]):
            out[b] = _index_add_fwd(g[b], index, shape)
        return out
    full = (_slice(None),) * nb + index
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
    if _has_advanced(index) and not _prefix_safe(index):
        return m.stack([_getitem_batched(m, g[b], index, nb - 1) for b in range(g.shape[0])], axis=0)
    return m.getitem(g, index=(_slice(None),) * nb + index)


_index_add = primitive(
    "index_add", _index_add_fwd,
    vjp=(lambda m, g, ans, x, index, shape: _getitem_batched(m, g, index, batch_ndim(g, ans)),),
    jvp="linear", save_args=(), save_out=False)


def _getitem_vjp(m, g, ans, x, index):
    if m.is_raw and g.dtype == x.dtype and len(g.shape) == len(ans.shape) and not _has_advanced(index):
        return SliceGrad(index, g, tuple(x.shape), x.dtype)  # the sweep adds slices in place
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
        t = type(i)
        if (t is int or i is None or i is Ellipsis
                or (t is _slice and type(i.start) in _PLAIN and type(i.stop) in _PLAIN
                    and type(i.step) in _PLAIN)):
            out.append(i)  # the common entries, kept as they are
            continue
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
        elif isinstance(i, _slice):
            i = _slice(*(int(v) if isinstance(v, (Tensor, np.integer)) else v
                        for v in (i.start, i.stop, i.step)))
        elif not (i is None or i is Ellipsis or isinstance(i, (int, _slice))):
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
        idx = (_slice(None),) * axis + (indices,)
        np.add.at(out, idx, g)
        return out
    bshape = shape[:batch_dims]
    flat_o = out.reshape((-1,) + tuple(shape[batch_dims:]))
    flat_i = np.asarray(indices).reshape((-1,) + np.shape(indices)[batch_dims:])
    flat_g = g.reshape((-1,) + g.shape[batch_dims:])
    for o, i, gg in zip(flat_o, flat_i, flat_g):
        np.add.at(o, (_slice(None),) * (axis - batch_dims) + (i,), gg)
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


# -- helpers for TensorFlow-style arguments -----------------------------------------------------
def _as_tensor(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _int_array(v, op: str, arg: str) -> np.ndarray:
    """An integer index argument as an ndarray (a Tensor, a list or an array)."""
    a = np.asarray(v._value if isinstance(v, Tensor) else v)
    if a.size == 0 and a.dtype.kind == "f":
        a = a.astype(np.int64)  # an empty Python list
    if a.dtype.kind not in "iu":
        raise TypeError(f"{op}: {arg} must be integers, got dtype {a.dtype.name}")
    return a


def _int_list(v, op: str, arg: str) -> list:
    a = _int_array(v, op, arg)
    if a.ndim > 1:
        raise ValueError(f"{op}: {arg} must be a 1-D list of integers, got shape {a.shape}")
    return [int(b) for b in a.reshape(-1)]


def _nd_index(idx: np.ndarray, shape: tuple, batch_dims: int, op: str, what: str) -> tuple:
    """The NumPy index for ``gather_nd``-style ``indices`` (last axis: coordinates) into
    ``shape``, whose first ``batch_dims`` dimensions are batch dimensions of ``indices`` too.
    Checks every coordinate is in ``[0, dim)``."""
    if idx.ndim < 1:
        raise ValueError(f"{op}: indices must have rank >= 1 (the last axis holds coordinates), "
                         f"got a scalar")
    q = idx.shape[-1]
    lead = idx.shape[:-1]
    if q > len(shape) - batch_dims:
        raise ValueError(f"{op}: indices.shape[-1] = {q} is larger than the rank of {what} "
                         f"{tuple(shape)} minus batch_dims={batch_dims}")
    if tuple(lead[:batch_dims]) != tuple(shape[:batch_dims]):
        raise ValueError(f"{op}: the first batch_dims={batch_dims} dimensions of indices "
                         f"{idx.shape} and {what} {tuple(shape)} must be equal")
    if idx.size:
        dims = np.asarray(shape[batch_dims:batch_dims + q])
        bad = np.any((idx < 0) | (idx >= dims), axis=-1)
        if bad.any():
            at = tuple(int(k) for k in np.argwhere(bad)[0])
            raise IndexError(
                f"{op}: indices{list(at)} = {idx[at].tolist()} does not index into {what} of "
                f"shape {tuple(shape)}; each coordinate must be in [0, dim) (negative indices "
                "are not allowed)")
    arrays = []
    for j in range(batch_dims):
        a = np.arange(shape[j]).reshape((1,) * j + (shape[j],) + (1,) * (len(lead) - j - 1))
        arrays.append(np.broadcast_to(a, lead))
    arrays.extend(idx[..., k] for k in range(q))
    return tuple(arrays)


# -- gather_nd -------------------------------------------------------------------------------------
def gather_nd(params, indices, batch_dims=0, name=None):
    """Gather slices of ``params`` at the coordinates in ``indices`` (last axis: one coordinate
    per leading dimension of ``params``), as ``tf.gather_nd``.

    The result has shape ``indices.shape[:-1] + params.shape[batch_dims + indices.shape[-1]:]``.
    With ``batch_dims=b`` the first ``b`` dimensions of ``params`` and ``indices`` are a batch.
    The gradient for ``params`` scatter-adds (repeated coordinates accumulate).

    >>> import gradtape as gt
    >>> gt.gather_nd(gt.constant([[1.0, 2.0], [3.0, 4.0]]), [[1, 0], [0, 1]]).numpy()
    array([3., 2.], dtype=float32)
    """
    p = _as_tensor(params)
    idx = _int_array(indices, "gather_nd", "indices")
    batch_dims = int(batch_dims)
    if batch_dims < 0:
        batch_dims += max(idx.ndim - 1, 0)
    if not 0 <= batch_dims < max(idx.ndim, 1) or batch_dims > p.ndim:
        raise ValueError(f"gather_nd: batch_dims={batch_dims} must be less than the rank of indices "
                         f"({idx.ndim}) and at most the rank of params ({p.ndim})")
    index = _nd_index(idx, p.shape, batch_dims, "gather_nd", "params")
    if not index:  # no batch dims and empty coordinates: every index picks all of params
        from .array import broadcast_to, reshape
        lead = idx.shape[:-1]
        return broadcast_to(reshape(p, (1,) * len(lead) + p.shape), lead + p.shape)
    return bind(_getitem, p, index=index)


# -- slice and strided_slice -----------------------------------------------------------------
def slice(input_, begin, size, name=None):  # noqa: A001 - TensorFlow's name
    """The block of ``input_`` starting at ``begin`` with extent ``size`` (-1: to the end), as
    ``tf.slice``.

    >>> import gradtape as gt
    >>> gt.slice(gt.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), [0, 1], [2, -1]).numpy()
    array([[2., 3.],
           [5., 6.]], dtype=float32)
    """
    x = _as_tensor(input_)
    begin, size = _int_list(begin, "slice", "begin"), _int_list(size, "slice", "size")
    if len(begin) != x.ndim or len(size) != x.ndim:
        raise ValueError(f"slice: begin and size must have one entry per dimension of the input "
                         f"(rank {x.ndim}), got {len(begin)} and {len(size)}")
    index = []
    for d, (b, n, dim) in enumerate(zip(begin, size, x.shape)):
        if n == -1:
            n = dim - b
        if b < 0 or n < 0 or b + n > dim:
            raise ValueError(f"slice: begin[{d}]={b} with size[{d}]={size[d]} is out of range for "
                             f"dimension {d} of size {dim}; need 0 <= begin <= begin + size <= dim "
                             "(size -1 means to the end)")
        index.append(_slice(b, b + n))
    return bind(_getitem, x, index=tuple(index))


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """Python-style slicing spelled out as ``tf.strided_slice``.

    Entry ``i`` of ``begin``/``end``/``strides`` is ``begin[i]:end[i]:strides[i]``, except where
    bit ``i`` of a mask is set: ``begin_mask``/``end_mask`` drop the start/stop (the full
    range), ``ellipsis_mask`` makes the entry ``...``, ``new_axis_mask`` makes it ``None`` (a new
    dimension of size 1) and ``shrink_axis_mask`` makes it the integer index ``begin[i]``.
    Dimensions not covered are taken whole.

    >>> import gradtape as gt
    >>> t = gt.reshape(gt.range(12.0), (3, 4))
    >>> gt.strided_slice(t, [0, 3], [3, 0], [2, -1], end_mask=2).numpy()  # t[0:3:2, 3::-1]
    array([[ 3.,  2.,  1.,  0.],
           [11., 10.,  9.,  8.]], dtype=float32)
    """
    op = "strided_slice"
    x = _as_tensor(input_)
    begin, end = _int_list(begin, op, "begin"), _int_list(end, op, "end")
    strides = [1] * len(begin) if strides is None else _int_list(strides, op, "strides")
    if not len(begin) == len(end) == len(strides):
        raise ValueError(f"{op}: begin, end and strides must have the same length, got "
                         f"{len(begin)}, {len(end)} and {len(strides)}")
    masks = [int(v) for v in (begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask)]
    begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask = masks
    if ellipsis_mask & (ellipsis_mask - 1):
        raise ValueError(f"{op}: ellipsis_mask={ellipsis_mask} has more than one bit set; at most "
                         "one entry can be an ellipsis")
    n = len(begin)
    kinds = []
    for i in range(n):
        bit = 1 << i
        kinds.append("..." if ellipsis_mask & bit else "new" if new_axis_mask & bit
                     else "int" if shrink_axis_mask & bit else "slice")
    consuming = [k for k in kinds if k in ("int", "slice")]
    if len(consuming) > x.ndim:
        raise ValueError(f"{op}: {len(consuming)} entries of begin index dimensions, but the input "
                         f"has rank {x.ndim}")
    ell = kinds.index("...") if "..." in kinds else n
    n_after = sum(1 for k in kinds[ell + 1:] if k in ("int", "slice"))
    dim = 0
    index = []
    for i, kind in enumerate(kinds):
        if kind == "...":
            index.append(Ellipsis)
            dim = x.ndim - n_after
            continue
        if kind == "new":
            index.append(None)
            continue
        size = x.shape[dim]
        if kind == "int":
            b = begin[i]
            if not -size <= b < size:
                raise IndexError(f"{op}: begin[{i}]={b} (a shrink_axis_mask entry) is out of range "
                                 f"for dimension {dim} of size {size}")
            if strides[i] <= 0:
                raise ValueError(f"{op}: strides[{i}]={strides[i]}: only stride 1 is allowed on a "
                                 "shrink_axis_mask entry (non-range indexing)")
            index.append(b)
        else:
            if strides[i] == 0:
                raise ValueError(f"{op}: strides[{i}] must be non-zero")
            index.append(_slice(None if begin_mask & (1 << i) else begin[i],
                                        None if end_mask & (1 << i) else end[i], strides[i]))
        dim += 1
    return bind(_getitem, x, index=tuple(index))


# -- boolean_mask ----------------------------------------------------------------------------
def boolean_mask(tensor, mask, axis=None, name=None):
    """The elements (or slices) of ``tensor`` where the K-D bool ``mask`` is true, as
    ``tf.boolean_mask``: ``mask`` covers dimensions ``axis .. axis + K - 1`` of ``tensor``, which
    are flattened into one dimension of the result.

    >>> import gradtape as gt
    >>> x = gt.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> gt.boolean_mask(x, [True, False, True]).numpy()
    array([[1., 2.],
           [5., 6.]], dtype=float32)
    >>> gt.boolean_mask(x, [False, True], axis=1).numpy()
    array([[2.],
           [4.],
           [6.]], dtype=float32)
    """
    x = _as_tensor(tensor)
    mk = np.asarray(mask._value if isinstance(mask, Tensor) else mask)
    if mk.dtype != np.bool_:
        raise TypeError(f"boolean_mask: mask must be bool, got dtype {mk.dtype.name}")
    if mk.ndim == 0:
        raise ValueError("boolean_mask: mask cannot be a scalar; give a K-D bool mask with K >= 1")
    axis = 0 if axis is None else int(axis._value if isinstance(axis, Tensor) else axis)
    if axis < 0:
        axis += x.ndim
    if axis < 0 or axis + mk.ndim > x.ndim:
        raise ValueError(f"boolean_mask: a mask of rank {mk.ndim} at axis={axis} does not fit a "
                         f"tensor of rank {x.ndim}; need 0 <= axis and axis + mask rank <= rank")
    if tuple(x.shape[axis:axis + mk.ndim]) != mk.shape:
        raise ValueError(f"boolean_mask: mask shape {mk.shape} must match the tensor's dimensions "
                         f"{tuple(x.shape[axis:axis + mk.ndim])} at axis {axis} (tensor shape "
                         f"{x.shape})")
    index = (_slice(None),) * axis + tuple(np.nonzero(mk))
    return bind(_getitem, x, index=index)


# -- one_hot ---------------------------------------------------------------------------------
def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """One-hot encoding of integer ``indices``, as ``tf.one_hot``: a new dimension of size
    ``depth`` at ``axis`` (default last) holds ``on_value`` (default 1) at the index and
    ``off_value`` (default 0) elsewhere. Indices outside ``[0, depth)`` give all ``off_value``.
    The dtype is ``dtype``, else that of ``on_value``/``off_value``, else float32. No gradient.

    >>> import gradtape as gt
    >>> gt.one_hot([0, 2, -1], 3).numpy()
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 0., 0.]], dtype=float32)
    """
    idx = _int_array(indices, "one_hot", "indices")
    depth = int(depth)
    if depth < 0:
        raise ValueError(f"one_hot: depth must be non-negative, got {depth}")
    given = [v for v in (on_value, off_value) if v is not None]
    vals = [to_array(v) for v in given]
    if dtype is not None:
        dt = as_dtype(dtype)
        for v, a in zip(given, vals):
            if isinstance(v, (Tensor, np.ndarray)) and a.dtype != dt:
                raise TypeError(f"one_hot: on_value/off_value has dtype {a.dtype.name} but dtype is "
                                f"{dt.name}; they must agree")
    elif vals:
        if len({a.dtype for a in vals}) > 1:
            raise TypeError(f"one_hot: on_value and off_value must have the same dtype, got "
                            f"{vals[0].dtype.name} and {vals[1].dtype.name}")
        dt = vals[0].dtype
    else:
        dt = np.dtype(np.float32)
    for v in vals:
        if v.ndim:
            raise ValueError(f"one_hot: on_value and off_value must be scalars, got shape {v.shape}")
    on = np.asarray(1 if on_value is None else to_array(on_value)).astype(dt)
    off = np.asarray(0 if off_value is None else to_array(off_value)).astype(dt)
    axis = -1 if axis is None else int(axis)
    if not -1 <= axis <= idx.ndim:
        raise ValueError(f"one_hot: axis={axis} must be -1 or in [0, {idx.ndim}] for indices of "
                         f"rank {idx.ndim}")
    hot = idx[..., None] == np.arange(depth)
    if axis != -1:
        hot = np.moveaxis(hot, -1, axis)
    return wrap(np.where(hot, on, off).astype(dt))


from .scatter import (  # noqa: E402
    scatter_nd, tensor_scatter_nd_add, tensor_scatter_nd_max, tensor_scatter_nd_min, tensor_scatter_nd_sub,
    tensor_scatter_nd_update,
)

__all__ = ["gather", "gather_nd", "slice", "strided_slice", "boolean_mask", "one_hot",
           "scatter_nd", "tensor_scatter_nd_update", "tensor_scatter_nd_add", "tensor_scatter_nd_sub",
           "tensor_scatter_nd_max", "tensor_scatter_nd_min"]
