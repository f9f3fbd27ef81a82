"""Shapes and joining: reshape, transpose, concatenate, stack, split, tile, pad, flip, roll, ...

All are compositions of gradtape's reshape, transpose, broadcast_to, concat, stack and
indexing primitives, so gradients (of any order) move the cotangent back where it came from.
"""

from __future__ import annotations

import builtins as _b
import operator

import numpy as np

from .._engine.tensor import Tensor
from ..ops import array as _arr
from ..ops import indexing as _ix
from ._support import MAIN, asarray, cast, no_out, norm_axes, norm_axis, unsupported_arg, value


def _ints(shape) -> tuple:
    if isinstance(shape, Tensor):
        shape = shape.numpy().tolist()
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(operator.index(s) for s in shape)


def along(x, axis: int, idx):
    """``x`` indexed with ``idx`` (an int array, slice or int) along ``axis`` (non-negative)."""
    return _ix.getitem(x, (slice(None),) * axis + (idx,))


def _perm(x, perm) -> Tensor:
    perm = tuple(perm)
    return x if perm == tuple(range(x.ndim)) else _arr.transpose(x, perm)


# -- shape ------------------------------------------------------------------------------------------
@MAIN
def reshape(a, /, shape=None, order="C", *, newshape=None, copy=None):
    """Give ``a`` a new shape (one dimension may be -1); ``order="F"`` reads column-major.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.reshape(gtnp.arange(6.0), (2, 3)).shape
    (2, 3)
    """
    if shape is None:
        shape = newshape
    if shape is None:
        raise TypeError("reshape() missing required argument 'shape'")
    x = asarray(a)
    shape = _ints(shape)
    if order in ("C", "A"):
        return _arr.reshape(x, shape)
    if order == "F":
        y = _arr.reshape(_arr.transpose(x), shape[::-1])
        return _arr.transpose(y)
    raise ValueError("order must be one of 'C', 'F', 'A'")


@MAIN
def ravel(a, order="C"):
    """The elements of ``a`` as a 1-D tensor.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.ravel(gtnp.ones((2, 3))).shape
    (6,)
    """
    return reshape(a, (-1,), order=order)


@MAIN(names=("transpose", "permute_dims"))
def transpose(a, axes=None):
    """Permute the axes (reverse them when ``axes`` is None).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.transpose(gtnp.ones((2, 3))).shape
    (3, 2)
    """
    x = asarray(a)
    if axes is not None:
        axes = tuple(norm_axis(p, x.ndim) for p in axes)
        if len(axes) != x.ndim:
            raise ValueError("axes don't match array")
    return _arr.transpose(x, axes)


@MAIN
def matrix_transpose(x, /):
    """Swap the last two axes (``np.matrix_transpose``).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.matrix_transpose(gtnp.ones((4, 2, 3))).shape
    (4, 3, 2)
    """
    x = asarray(x)
    if x.ndim < 2:
        raise ValueError(f"Input array must be at least 2-dimensional, but it is {x.ndim}")
    return swapaxes(x, -1, -2)


@MAIN
def swapaxes(a, axis1, axis2):
    """Interchange two axes.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.swapaxes(gtnp.ones((2, 3, 4)), 0, 2).shape
    (4, 3, 2)
    """
    x = asarray(a)
    i, j = norm_axis(axis1, x.ndim), norm_axis(axis2, x.ndim)
    perm = list(range(x.ndim))
    perm[i], perm[j] = perm[j], perm[i]
    return _perm(x, perm)


@MAIN
def moveaxis(a, source, destination):
    """Move axes to new positions; the others keep their order.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.moveaxis(gtnp.ones((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    """
    x = asarray(a)
    src = norm_axes(source, x.ndim)
    dst = norm_axes(destination, x.ndim)
    if len(src) != len(dst):
        raise ValueError("`source` and `destination` arguments must have the same number of elements")
    order = [n for n in range(x.ndim) if n not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return _perm(x, order)


@MAIN
def expand_dims(a, axis):
    """Insert axes of length 1 at the positions ``axis`` (an int or a tuple).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.expand_dims(gtnp.ones((2, 3)), (0, -1)).shape
    (1, 2, 3, 1)
    """
    x = asarray(a)
    nd = x.ndim + (1 if isinstance(axis, (int, np.integer)) else len(axis))
    axes = norm_axes(axis, nd)
    it = iter(x.shape)
    return _arr.reshape(x, tuple(1 if i in axes else next(it) for i in range(nd)))


@MAIN
def squeeze(a, axis=None):
    """Remove axes of length 1 (only those in ``axis`` when given).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.squeeze(gtnp.ones((1, 3, 1))).shape
    (3,)
    """
    x = asarray(a)
    if axis is not None:
        axes = norm_axes(axis, x.ndim)
        for i in axes:
            if x.shape[i] != 1:
                raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
        return _arr.reshape(x, tuple(s for i, s in enumerate(x.shape) if i not in axes))
    return _arr.reshape(x, tuple(s for s in x.shape if s != 1))


def _one_or_tuple(res):
    return res[0] if len(res) == 1 else tuple(res)


@MAIN
def atleast_1d(*arys):
    """Each input with at least one dimension.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.atleast_1d(3.0).shape
    (1,)
    """
    return _one_or_tuple([_arr.reshape(x, (1,)) if x.ndim == 0 else x for x in map(asarray, arys)])


@MAIN
def atleast_2d(*arys):
    """Each input with at least two dimensions (a vector becomes a row).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.atleast_2d(gtnp.ones(3)).shape
    (1, 3)
    """
    out = []
    for x in map(asarray, arys):
        out.append(_arr.reshape(x, (1,) * (2 - x.ndim) + tuple(x.shape)) if x.ndim < 2 else x)
    return _one_or_tuple(out)


@MAIN
def atleast_3d(*arys):
    """Each input with at least three dimensions: ``(N,)`` becomes ``(1, N, 1)``, ``(M, N)``
    becomes ``(M, N, 1)``.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.atleast_3d(gtnp.ones((2, 3))).shape
    (2, 3, 1)
    """
    out = []
    for x in map(asarray, arys):
        shape = {0: (1, 1, 1), 1: (1,) + tuple(x.shape) + (1,), 2: tuple(x.shape) + (1,)}.get(x.ndim)
        out.append(_arr.reshape(x, shape) if shape is not None else x)
    return _one_or_tuple(out)


@MAIN
def broadcast_to(array, shape, subok=False):
    """Broadcast to ``shape`` by NumPy's rules.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.broadcast_to(gtnp.ones(3), (2, 3)).shape
    (2, 3)
    """
    x = asarray(array)
    shape = _ints(shape)
    return x if tuple(x.shape) == shape else _arr.broadcast_to(x, shape)


@MAIN
def broadcast_arrays(*args, subok=False):
    """Broadcast the inputs against each other (a tuple).

    >>> import gradtape.numpy as gtnp
    >>> [t.shape for t in gtnp.broadcast_arrays(gtnp.ones((2, 1)), gtnp.ones(3))]
    [(2, 3), (2, 3)]
    """
    xs = [asarray(a) for a in args]
    shape = np.broadcast_shapes(*[tuple(x.shape) for x in xs])
    return tuple(broadcast_to(x, shape) for x in xs)


# -- joining and splitting -----------------------------------------------------------------------------
def _join_args(arrays, dtype, casting, fn):
    if casting != "same_kind":
        unsupported_arg(fn, f"casting={casting!r}")
    if isinstance(arrays, Tensor):
        arrays = list(arrays)
    xs = [asarray(a) for a in arrays]
    if dtype is not None:
        xs = [cast(x, dtype) for x in xs]
    return xs


@MAIN(names=("concatenate", "concat"))
def concatenate(arrays, /, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """Join arrays along an existing axis (``axis=None`` flattens them first).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.concatenate([gtnp.ones((2, 1)), gtnp.zeros((2, 2))], axis=1).shape
    (2, 3)
    """
    no_out(out, "concatenate")
    xs = _join_args(arrays, dtype, casting, "concatenate")
    if not xs:
        raise ValueError("need at least one array to concatenate")
    if axis is None:
        xs, axis = [ravel(x) for x in xs], 0
    if any(x.ndim == 0 for x in xs):
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    return _arr.concat(xs, norm_axis(axis, xs[0].ndim))


@MAIN
def stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """Join arrays of the same shape along a new axis.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.stack([gtnp.ones(3), gtnp.zeros(3)], axis=1).shape
    (3, 2)
    """
    no_out(out, "stack")
    xs = _join_args(arrays, dtype, casting, "stack")
    if not xs:
        raise ValueError("need at least one array to stack")
    if len({tuple(x.shape) for x in xs}) > 1:
        raise ValueError("all input arrays must have the same shape")
    return _arr.stack(xs, axis=norm_axis(axis, xs[0].ndim + 1))


@MAIN
def vstack(tup, *, dtype=None, casting="same_kind"):
    """Stack arrays row-wise (vectors become rows).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.vstack([gtnp.ones(3), gtnp.zeros(3)]).shape
    (2, 3)
    """
    xs = _join_args(tup, dtype, casting, "vstack")
    return concatenate([atleast_2d(x) for x in xs], axis=0)


@MAIN
def hstack(tup, *, dtype=None, casting="same_kind"):
    """Stack arrays column-wise (along axis 1, or axis 0 for vectors).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.hstack([gtnp.ones(3), gtnp.zeros(2)]).shape
    (5,)
    """
    xs = [atleast_1d(x) for x in _join_args(tup, dtype, casting, "hstack")]
    return concatenate(xs, axis=0 if xs and xs[0].ndim == 1 else 1)


@MAIN
def dstack(tup):
    """Stack arrays depth-wise (along a third axis).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.dstack([gtnp.ones((2, 3)), gtnp.zeros((2, 3))]).shape
    (2, 3, 2)
    """
    return concatenate([atleast_3d(x) for x in _join_args(tup, None, "same_kind", "dstack")], axis=2)


@MAIN
def column_stack(tup):
    """Stack vectors as the columns of a matrix (matrices are joined along axis 1).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.column_stack([gtnp.ones(3), gtnp.zeros(3)]).shape
    (3, 2)
    """
    xs = []
    for x in _join_args(tup, None, "same_kind", "column_stack"):
        xs.append(_arr.reshape(x, (-1, 1)) if x.ndim < 2 else x)
    return concatenate(xs, axis=1)


@MAIN
def array_split(ary, indices_or_sections, axis=0):
    """Split into sections of nearly equal size, or at the given indices (a list).

    >>> import gradtape.numpy as gtnp
    >>> [t.shape for t in gtnp.array_split(gtnp.ones(5), 2)]
    [(3,), (2,)]
    """
    x = asarray(ary)
    axis = norm_axis(axis, x.ndim)
    n = x.shape[axis]
    try:
        sections = operator.index(indices_or_sections)
    except TypeError:
        points = [0] + [int(i) for i in value(indices_or_sections)] + [n]
    else:
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.")
        each, extra = divmod(n, sections)
        sizes = [0] + extra * [each + 1] + (sections - extra) * [each]
        points = np.cumsum(sizes).tolist()
    if len(points) > 2 and all(0 <= p <= q <= n for p, q in zip(points[:-1], points[1:])):
        return _arr.split(x, [q - p for p, q in zip(points[:-1], points[1:])], axis=axis)
    return [along(x, axis, slice(s, e)) for s, e in zip(points[:-1], points[1:])]


@MAIN
def split(ary, indices_or_sections, axis=0):
    """Split into equal sections (an error if they are not equal) or at the given indices.

    >>> import gradtape.numpy as gtnp
    >>> [t.shape for t in gtnp.split(gtnp.ones((4, 2)), 2)]
    [(2, 2), (2, 2)]
    """
    x = asarray(ary)
    if isinstance(indices_or_sections, (int, np.integer)):
        if x.shape[norm_axis(axis, x.ndim)] % int(indices_or_sections):
            raise ValueError("array split does not result in an equal division")
    return array_split(x, indices_or_sections, axis)


@MAIN
def hsplit(ary, indices_or_sections):
    """Split along axis 1 (axis 0 for vectors).

    >>> import gradtape.numpy as gtnp
    >>> [t.shape for t in gtnp.hsplit(gtnp.ones((2, 4)), 2)]
    [(2, 2), (2, 2)]
    """
    x = asarray(ary)
    if x.ndim == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(x, indices_or_sections, 1 if x.ndim > 1 else 0)


@MAIN
def vsplit(ary, indices_or_sections):
    """Split along axis 0 (arrays of 2 or more dimensions).

    >>> import gradtape.numpy as gtnp
    >>> [t.shape for t in gtnp.vsplit(gtnp.ones((4, 2)), 2)]
    [(2, 2), (2, 2)]
    """
    x = asarray(ary)
    if x.ndim < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(x, indices_or_sections, 0)


@MAIN
def dsplit(ary, indices_or_sections):
    """Split along axis 2 (arrays of 3 or more dimensions).

    >>> import gradtape.numpy as gtnp
    >>> [t.shape for t in gtnp.dsplit(gtnp.ones((1, 1, 4)), 2)]
    [(1, 1, 2), (1, 1, 2)]
    """
    x = asarray(ary)
    if x.ndim < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(x, indices_or_sections, 2)


@MAIN
def unstack(x, /, *, axis=0):
    """The slices of ``x`` along ``axis``, as a tuple.

    >>> import gradtape.numpy as gtnp
    >>> len(gtnp.unstack(gtnp.ones((3, 2))))
    3
    """
    x = asarray(x)
    if x.ndim == 0:
        raise ValueError("Input array must be at least 1-d.")
    return tuple(_arr.unstack(x, axis=norm_axis(axis, x.ndim)))


def _block_depth(a, where="arrays") -> int:
    if isinstance(a, tuple):
        raise TypeError(f"{where} is a tuple. Only lists can be used to arrange blocks, and np.block "
                        "does not allow implicit conversion from tuple to ndarray.")
    if not isinstance(a, list):
        return 0
    if not a:
        raise ValueError(f"List at {where} cannot be empty")
    depths = {_block_depth(v, f"{where}[{i}]") for i, v in enumerate(a)}
    if len(depths) != 1:
        raise ValueError("List depths are mismatched.")
    return 1 + depths.pop()


def _block_ndim(a) -> int:
    return _b.max(_block_ndim(v) for v in a) if isinstance(a, list) else asarray(a).ndim


@MAIN
def block(arrays):
    """Assemble a tensor from nested lists of blocks: the innermost lists are joined along the
    last axis, the next along the second-to-last, and so on.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.block([[gtnp.eye(2), gtnp.zeros((2, 1))], [gtnp.ones((1, 2)), gtnp.ones((1, 1))]]).shape
    (3, 3)
    """
    depth = _block_depth(arrays)
    nd = _b.max(depth, _block_ndim(arrays))

    def build(a, level):
        if isinstance(a, list):
            return _arr.concat([build(v, level + 1) for v in a], axis=-(depth - level))
        t = asarray(a)
        return _arr.reshape(t, (1,) * (nd - t.ndim) + tuple(t.shape)) if t.ndim < nd else t

    out = build(arrays, 0)
    return _arr.identity(out) if depth == 0 else out


@MAIN
def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    """Apply ``func1d`` to each 1-D slice along ``axis`` and stack the results (which may have
    any shape); ``func1d`` may use NumPy calls on the tensor slice, which are recorded.

    >>> import numpy as np
    >>> import gradtape.numpy as gtnp
    >>> gtnp.apply_along_axis(lambda r: np.sum(r * r), 1, gtnp.ones((2, 3))).numpy()
    array([3., 3.])
    """
    x = asarray(arr)
    axis = norm_axis(axis, x.ndim)
    y = moveaxis(x, axis, -1)
    outer = tuple(y.shape[:-1])
    if 0 in outer:
        raise ValueError("Cannot apply_along_axis when any iteration dimensions are 0")
    results = [asarray(func1d(y[idx], *args, **kwargs)) for idx in np.ndindex(*outer)]
    res_shape = tuple(results[0].shape)
    buff = _arr.reshape(_arr.stack(results, axis=0), outer + res_shape)
    nb, nr = len(outer), len(res_shape)
    perm = list(range(axis)) + list(range(nb, nb + nr)) + list(range(axis, nb))
    return _perm(buff, perm)


@MAIN
def append(arr, values, axis=None):
    """``arr`` with ``values`` joined at the end (both flattened when ``axis`` is None).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.append(gtnp.asarray([1.0, 2.0]), [[3.0]]).numpy()
    array([1., 2., 3.])
    """
    x, v = asarray(arr), asarray(values)
    if axis is None:
        x = ravel(x) if x.ndim != 1 else x
        v, axis = ravel(v), x.ndim - 1
    return concatenate((x, v), axis=axis)


def _axis_or_flat(arr, axis):
    x = asarray(arr)
    if axis is None:
        return ravel(x), 0
    return x, norm_axis(axis, x.ndim)


@MAIN
def delete(arr, obj, axis=None):
    """``arr`` without the entries ``obj`` (an int, slice, int array or bool mask) along ``axis``.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.delete(gtnp.asarray([1.0, 2.0, 3.0]), 1).numpy()
    array([1., 3.])
    """
    x, axis = _axis_or_flat(arr, axis)
    n = x.shape[axis]
    keep = np.ones(n, dtype=np.bool_)
    o = obj if isinstance(obj, slice) else np.asarray(value(obj))
    if not isinstance(o, slice) and o.dtype == np.bool_:
        if o.shape != (n,):
            raise ValueError(f"boolean array argument obj to delete must be one dimensional and match "
                             f"the axis length of {n}")
        keep = ~o
    else:
        if not isinstance(o, slice) and o.size and (o.min() < -n or o.max() >= n):
            raise IndexError(f"index {o.max() if o.max() >= n else o.min()} is out of bounds for "
                             f"axis {axis} with size {n}")
        keep[o] = False
    return along(x, axis, np.flatnonzero(keep))


@MAIN
def insert(arr, obj, values, axis=None):
    """``arr`` with ``values`` inserted before index ``obj`` (an int) along ``axis``; ``values``
    are cast to ``arr``'s dtype and broadcast, as in NumPy. Several indices are not supported.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.insert(gtnp.asarray([1.0, 3.0]), 1, 2.0).numpy()
    array([1., 2., 3.])
    """
    x, axis = _axis_or_flat(arr, axis)
    o = np.asarray(value(obj))
    if o.size != 1 or o.dtype.kind not in "iu":
        unsupported_arg("insert", "obj other than a single integer index")
    n, i = x.shape[axis], int(o.reshape(()))
    if not -n <= i <= n:
        raise IndexError(f"index {i} is out of bounds for axis {axis} with size {n}")
    i = i + n if i < 0 else i
    v = cast(asarray(values), x.dtype)
    v = _arr.reshape(v, (1,) * (x.ndim - v.ndim) + tuple(v.shape)) if v.ndim < x.ndim else v
    if o.ndim == 0:
        v = moveaxis(v, 0, axis)
    slot = tuple(v.shape[axis] if d == axis else s for d, s in enumerate(x.shape))
    v = broadcast_to(v, slot)
    return _arr.concat([along(x, axis, slice(0, i)), v, along(x, axis, slice(i, None))], axis=axis)


# -- repeating, reversing, rolling, padding -----------------------------------------------------------
@MAIN
def tile(A, reps):
    """Repeat ``A`` ``reps`` times along each axis.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.tile(gtnp.asarray([1.0, 2.0]), 2).numpy()
    array([1., 2., 1., 2.])
    """
    x = asarray(A)
    reps = _ints(reps)
    if len(reps) < x.ndim:
        reps = (1,) * (x.ndim - len(reps)) + reps
    if len(reps) > x.ndim:
        x = _arr.reshape(x, (1,) * (len(reps) - x.ndim) + tuple(x.shape))
    return _arr.tile(x, list(reps))


@MAIN
def repeat(a, repeats, axis=None):
    """Repeat each element ``repeats`` times (along ``axis``; the flattened array when None).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.repeat(gtnp.asarray([1.0, 2.0]), 2).numpy()
    array([1., 1., 2., 2.])
    """
    x = asarray(a)
    if axis is None:
        x, axis = ravel(x), 0
    r = np.asarray(value(repeats))
    if r.ndim == 1 and r.size == 1:
        r = r.reshape(())
    if r.ndim == 1 and r.shape[0] != x.shape[norm_axis(axis, x.ndim)]:
        raise ValueError(f"operands could not be broadcast together with shape "
                         f"({x.shape[norm_axis(axis, x.ndim)]},) ({r.shape[0]},)")
    return _arr.repeat(x, r, axis=norm_axis(axis, x.ndim))


@MAIN
def flip(m, axis=None):
    """Reverse the order of elements along ``axis`` (all axes when None).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.flip(gtnp.asarray([1.0, 2.0, 3.0])).numpy()
    array([3., 2., 1.])
    """
    x = asarray(m)
    axes = tuple(range(x.ndim)) if axis is None else norm_axes(axis, x.ndim)
    return _arr.reverse(x, list(axes)) if axes else _arr.identity(x)


@MAIN
def fliplr(m):
    """Reverse the columns (axis 1).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.fliplr(gtnp.asarray([[1.0, 2.0]])).numpy()
    array([[2., 1.]])
    """
    x = asarray(m)
    if x.ndim < 2:
        raise ValueError("Input must be >= 2-d.")
    return flip(x, 1)


@MAIN
def flipud(m):
    """Reverse the rows (axis 0).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.flipud(gtnp.asarray([1.0, 2.0])).numpy()
    array([2., 1.])
    """
    x = asarray(m)
    if x.ndim < 1:
        raise ValueError("Input must be >= 1-d.")
    return flip(x, 0)


@MAIN
def roll(a, shift, axis=None):
    """Shift elements cyclically along ``axis`` (the flattened array when None).

    >>> import gradtape.numpy as gtnp
    >>> gtnp.roll(gtnp.asarray([1.0, 2.0, 3.0]), 1).numpy()
    array([3., 1., 2.])
    """
    x = asarray(a)
    if axis is None:
        return reshape(roll(ravel(x), shift, 0), tuple(x.shape))
    pairs = list(np.broadcast(np.asarray(value(shift)), np.asarray(axis)))
    return _arr.roll(x, [int(sh) for sh, _ in pairs], [norm_axis(ax, x.ndim) for _, ax in pairs])


@MAIN
def rot90(m, k=1, axes=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``axes``.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.rot90(gtnp.asarray([[1.0, 2.0], [3.0, 4.0]])).numpy()
    array([[2., 4.],
           [1., 3.]])
    """
    x = asarray(m)
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    if axes[0] == axes[1] or _b.abs(axes[0] - axes[1]) == x.ndim:
        raise ValueError("Axes must be different.")
    k %= 4
    if k == 0:
        return _arr.identity(x)
    if k == 2:
        return flip(flip(x, axes[0]), axes[1])
    perm = list(range(x.ndim))
    a0, a1 = norm_axis(axes[0], x.ndim), norm_axis(axes[1], x.ndim)
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return _perm(flip(x, axes[1]), perm)
    return flip(_perm(x, perm), axes[1])


_INDEX_MODES = ("edge", "reflect", "symmetric", "wrap")


@MAIN
def pad(array, pad_width, mode="constant", **kwargs):
    """Pad with a constant (``mode="constant"``, ``constant_values``) or by index modes
    ``"edge"``, ``"reflect"``, ``"symmetric"``, ``"wrap"``; other modes are not supported.

    >>> import gradtape.numpy as gtnp
    >>> gtnp.pad(gtnp.asarray([1.0, 2.0]), 1).numpy()
    array([0., 1., 2., 0.])
    """
    x = asarray(array)
    nd = x.ndim
    pw = np.asarray(value(pad_width))
    if pw.dtype.kind not in "iu":
        raise TypeError("`pad_width` must be of integral type.")
    pw = np.broadcast_to(pw, (nd, 2))
    if (pw < 0).any():
        raise ValueError("index can't contain negative values")
    if mode in ("constant", "empty"):
        cv = kwargs.get("constant_values", 0) if mode == "constant" else 0
        if not isinstance(cv, Tensor) and np.ndim(cv) == 0:
            return _arr.pad(x, pw.tolist(), "CONSTANT", np.asarray(cv, x.dtype).item())
        cvs = None if isinstance(cv, Tensor) else np.broadcast_to(np.asarray(cv), (nd, 2))
        for ax in range(nd):
            before, after = (int(v) for v in pw[ax])
            if not (before or after):
                continue
            parts = []
            for k, n in ((0, before), (1, after)):
                if n:
                    shape = x.shape[:ax] + (n,) + x.shape[ax + 1:]
                    if cvs is None:
                        parts.append(_arr.broadcast_to(cast(cv, x.dtype), shape))
                    else:
                        parts.append(np.full(shape, cvs[ax, k], dtype=x.dtype))
                if k == 0:
                    parts.append(x)
            x = _arr.concat(parts, axis=ax)
        return x
    if mode in _INDEX_MODES:
        opts = {}
        if mode in ("reflect", "symmetric"):
            if kwargs.get("reflect_type", "even") != "even":
                unsupported_arg("pad", "reflect_type='odd'")
            limit = 0 if mode == "symmetric" else 1
            if all(int(v) <= n - limit for (b, a), n in zip(pw, x.shape) for v in (b, a)):
                return _arr.pad(x, pw.tolist(), mode.upper())
            opts["reflect_type"] = "even"
        for ax in range(nd):
            before, after = (int(v) for v in pw[ax])
            if before or after:
                x = along(x, ax, np.pad(np.arange(x.shape[ax]), (before, after), mode=mode, **opts))
        return x
    unsupported_arg("pad", f"mode={mode!r}")


__all__: list = []
