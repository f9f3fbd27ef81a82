"""Shape and layout ops: reshape, transpose, broadcast, concat/stack and their inverses
split/unstack, tile, repeat, pad, reverse, roll, meshgrid, where, identity; and the tensor
contractions einsum and tensordot.

All but einsum are linear, so their JVP is the op itself applied to the tangent; their VJPs
move the cotangent back (with any leading batch axes left alone). Some are compositions of
other primitives (tile and repeat of broadcast_to and reshape; REFLECT/SYMMETRIC pads of
getitem), so they need no rules of their own.
"""

from __future__ import annotations

import math

import numpy as np

from .._engine.primitive import bind, bind1, helper, primitive
from .._engine.tensor import Tensor, to_array, wrap
from ._rules import batch_ndim, conj, normalize_axis


def _shape_of(x):
    return tuple(x.shape) if hasattr(x, "shape") else np.shape(x)


# -- identity and stop_gradient ----------------------------------------------------------
def _copy(x):
    return x


_identity = primitive("identity", _copy, vjp=(lambda m, g, a, x: g,), jvp="linear",
                      save_args=(), save_out=False)
_stop_gradient = primitive("stop_gradient", _copy, vjp=(None,), jvp=(None,))


def identity(input, name=None):  # noqa: A002 - TensorFlow's name
    """A tensor with the same value (recorded: gradients flow through it).

    >>> import gradtape as gt
    >>> gt.identity(gt.constant([1.0])).numpy()
    array([1.], dtype=float32)
    """
    return bind1(_identity, input)


def stop_gradient(input, name=None):  # noqa: A002 - TensorFlow's name
    """The same value, with no gradient flowing back through it.

    >>> import gradtape as gt
    >>> x = gt.constant(3.0)
    >>> with gt.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = x * gt.stop_gradient(x)
    >>> float(tape.gradient(y, x))
    3.0
    """
    return bind1(_stop_gradient, input)


# -- reshape, transpose, broadcast -----------------------------------------------------------
def _reshape_vjp(m, g, ans, x, shape):
    nb = batch_ndim(g, ans)
    return m.reshape(g, shape=tuple(g.shape[:nb]) + tuple(x.shape))


def _reshape_fwd(x, shape):
    # the method, not np.reshape: three Python calls fewer on a path taken several times a step
    return x.reshape(shape) if type(x) is np.ndarray else np.reshape(x, shape)


_reshape = primitive("reshape", _reshape_fwd, vjp=(_reshape_vjp,), jvp="linear", save_args=(),
                     save_out=False)


def reshape(tensor, shape, name=None):
    """A tensor with the same elements in a new shape (one dimension may be -1).

    >>> import gradtape as gt
    >>> gt.reshape(gt.range(6), (2, 3)).shape
    (2, 3)
    """
    x = tensor if isinstance(tensor, Tensor) else wrap(to_array(tensor))
    if type(shape) is not tuple or not all(type(s) is int for s in shape):
        shape = tuple(int(s) for s in (shape.numpy() if isinstance(shape, Tensor) else np.atleast_1d(shape)))
    if shape.count(-1) > 1:
        raise ValueError(f"reshape: shape {shape} has more than one -1")
    known = math.prod([s for s in shape if s != -1])
    if -1 in shape:
        if known == 0 or x.size % known:
            raise ValueError(f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) "
                             f"into shape {shape}")
        shape = tuple(x.size // known if s == -1 else s for s in shape)
    elif known != x.size:
        raise ValueError(f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) "
                         f"into shape {shape} ({known} elements)")
    if shape == x.shape:
        return bind1(_identity, x)
    return bind(_reshape, x, shape=shape)


def _transpose_vjp(m, g, ans, x, perm):
    nb = batch_ndim(g, ans)
    inv = [0] * len(perm)  # the inverse permutation (np.argsort costs more on a few axes)
    for i, p in enumerate(perm):
        inv[p] = i + nb
    return m.transpose(g, perm=tuple(range(nb)) + tuple(inv))


def _transpose_fwd(x, perm):
    return x.transpose(perm) if type(x) is np.ndarray else np.transpose(x, perm)


_transpose = primitive("transpose", _transpose_fwd, vjp=(_transpose_vjp,), jvp="linear",
                       save_args=(), save_out=False)


def transpose(a, perm=None, conjugate=False, name=None):
    """Permute the dimensions (reverse them when ``perm`` is None).

    >>> import gradtape as gt
    >>> gt.transpose(gt.zeros((2, 3))).shape
    (3, 2)
    """
    x = a if isinstance(a, Tensor) else wrap(to_array(a))
    nd = x.ndim
    perm = tuple(range(nd - 1, -1, -1)) if perm is None else tuple(int(p) % max(nd, 1) for p in (
        perm.numpy() if isinstance(perm, Tensor) else perm))
    if sorted(perm) != list(range(nd)):
        raise ValueError(f"transpose: perm {perm} is not a permutation of the {nd} dimensions")
    y = bind(_transpose, x, perm=perm)
    if conjugate and x.dtype.kind == "c":
        from .math import conj
        y = conj(y)
    return y


def _broadcast_vjp(m, g, ans, x, shape):
    return g  # the engine sums the broadcast axes back to the input's shape


def _broadcast_fwd(x, shape):
    if np.ndim(x) == 0:
        return np.full(shape, x)  # faster than a broadcast view, and no reference cycle
    return np.broadcast_to(x, shape)


_broadcast_to = primitive("broadcast_to", _broadcast_fwd,
                          vjp=(_broadcast_vjp,), jvp="linear", save_args=(), save_out=False)


def broadcast_to(input, shape, name=None):  # noqa: A002 - TensorFlow's name
    """Broadcast to ``shape`` by NumPy's rules.

    >>> import gradtape as gt
    >>> gt.broadcast_to(gt.constant([1.0, 2.0]), (3, 2)).shape
    (3, 2)
    """
    shape = tuple(int(s) for s in (shape.numpy() if isinstance(shape, Tensor) else shape))
    try:
        np.broadcast_shapes(_shape_of(input), shape)
    except ValueError:
        raise ValueError(f"broadcast_to: cannot broadcast shape {_shape_of(input)} to {shape}") from None
    return bind(_broadcast_to, input, shape=shape)


def expand_dims(input, axis, name=None):  # noqa: A002 - TensorFlow's name
    """Insert a dimension of size 1 at ``axis``.

    >>> import gradtape as gt
    >>> gt.expand_dims(gt.constant([1.0, 2.0]), 0).shape
    (1, 2)
    """
    x = input if isinstance(input, Tensor) else wrap(to_array(input))
    axis = normalize_axis(axis, x.ndim + 1, "expand_dims")
    shape = list(x.shape)
    shape.insert(x.ndim + 1 + axis, 1)
    return bind(_reshape, x, shape=tuple(shape))


def squeeze(input, axis=None, name=None):  # noqa: A002 - TensorFlow's name
    """Remove dimensions of size 1 (only those in ``axis`` when given).

    >>> import gradtape as gt
    >>> gt.squeeze(gt.zeros((1, 2, 1))).shape
    (2,)
    """
    x = input if isinstance(input, Tensor) else wrap(to_array(input))
    if axis is None:
        shape = tuple(s for s in x.shape if s != 1)
    else:
        axes = [axis] if isinstance(axis, int) else list(axis)
        axes = {normalize_axis(a, x.ndim, "squeeze") + x.ndim for a in axes}
        for a in axes:
            if x.shape[a] != 1:
                raise ValueError(f"squeeze: cannot squeeze axis {a} of shape {x.shape}: its size is not 1")
        shape = tuple(s for i, s in enumerate(x.shape) if i not in axes)
    return bind(_reshape, x, shape=shape)


# -- concat and stack ------------------------------------------------------------------------
def _concat_vjp(m, g, ans, *xs, axis):
    out, start = [], 0
    trail = (slice(None),) * (-axis - 1)
    for x in xs:
        n = x.shape[axis]
        out.append(m.getitem(g, index=(Ellipsis, slice(start, start + n)) + trail))
        start += n
    return out


_concat = primitive("concat", lambda *xs, axis: np.concatenate(xs, axis=axis),
                    vjp_all=_concat_vjp, jvp="linear", save_args=(), save_out=False)


def concat(values, axis, name=None):
    """Join tensors along an existing axis.

    >>> import gradtape as gt
    >>> gt.concat([gt.zeros((2, 1)), gt.ones((2, 2))], axis=1).shape
    (2, 3)
    """
    values = list(values)
    if not values:
        raise ValueError("concat: values must be a non-empty list of tensors")
    nd = max(np.ndim(v) if not isinstance(v, Tensor) else v.ndim for v in values)
    if nd == 0:
        raise ValueError("concat: cannot concatenate scalars; use gt.stack")
    axis = normalize_axis(axis, nd, "concat")
    if len(values) == 1:
        return identity(values[0])
    return bind(_concat, *values, axis=axis)


def _stack_vjp(m, g, ans, *xs, axis):
    trail = (slice(None),) * (-axis - 1)
    return [m.getitem(g, index=(Ellipsis, k) + trail) for k in range(len(xs))]


_stack = primitive("stack", lambda *xs, axis: np.stack(xs, axis=axis), vjp_all=_stack_vjp,
                   jvp="linear", save_args=(), save_out=False)
helper("stack", lambda xs, axis=0: np.stack(xs, axis=axis),
       lambda xs, axis=0: bind(_stack, *xs, axis=normalize_axis(axis, xs[0].ndim + 1, "stack")))


def stack(values, axis=0, name=None):
    """Join tensors of the same shape along a new axis.

    >>> import gradtape as gt
    >>> gt.stack([gt.zeros((2,)), gt.ones((2,))], axis=0).shape
    (2, 2)
    """
    values = list(values)
    if not values:
        raise ValueError("stack: values must be a non-empty list of tensors")
    shapes = {tuple(v.shape) if isinstance(v, Tensor) else np.shape(v) for v in values}
    if len(shapes) > 1:
        raise ValueError(f"stack: all values must have the same shape, got {sorted(shapes)}")
    nd = len(next(iter(shapes))) + 1
    if any(type(v) is float or type(v) is int for v in values):
        # Python numbers next to a tensor take its dtype, as in TensorFlow (np.stack would
        # widen float32 to float64)
        ref = next((v for v in values if isinstance(v, Tensor)), None)
        if ref is not None:
            values = [wrap(to_array(v, ref.dtype)) if type(v) is float or type(v) is int else v
                      for v in values]
    return bind(_stack, *values, axis=normalize_axis(axis, nd, "stack"))


# -- where -----------------------------------------------------------------------------------
_where = primitive("where", np.where,
                   vjp=(None, lambda m, g, a, c, x, y: m.where(c, g, 0),
                        lambda m, g, a, c, x, y: m.where(c, 0, g)),
                   jvp="linear", save_args=(0,), save_out=False)


def where(condition, x=None, y=None, name=None):
    """Pick from ``x`` where ``condition`` holds, else from ``y`` (with broadcasting).

    With one argument, return the coordinates of the true elements (int64, no gradient).

    >>> import gradtape as gt
    >>> gt.where(gt.constant([True, False]), 1.0, 2.0).numpy()
    array([1., 2.], dtype=float32)
    """
    if x is None and y is None:
        c = condition._value if isinstance(condition, Tensor) else np.asarray(condition)
        return wrap(np.argwhere(c).astype(np.int64))
    if x is None or y is None:
        raise ValueError("where: give both x and y, or neither")
    c = condition._value if isinstance(condition, Tensor) else np.asarray(condition)
    if c.dtype != np.bool_:
        raise TypeError(f"where: condition must be a bool tensor, got dtype {c.dtype.name}")
    if not isinstance(x, (Tensor, np.ndarray)) and not isinstance(y, (Tensor, np.ndarray)):
        x = to_array(x)  # two Python scalars: TensorFlow's dtype inference (float32)
    return bind(_where, c, x, y)


# -- unstack and split (multi-output) --------------------------------------------------------
def _as_tuple(v):
    # A multi-output op with a single output gets a bare value from the engine.
    return v if isinstance(v, tuple) else (v,)


def _unstack_fwd(x, axis):
    trail = (slice(None),) * (-axis - 1)
    return tuple(x[(Ellipsis, k) + trail] for k in range(x.shape[axis]))


def _unstack_vjp(m, g, ans, x, axis):
    return m.stack(list(_as_tuple(g)), axis=axis)


_unstack = primitive("unstack", _unstack_fwd, vjp=(_unstack_vjp,), jvp="linear", n_out=-1,
                     save_args=(), save_out=False)


def unstack(value, num=None, axis=0, name=None):
    """Split ``value`` along ``axis`` into a list of tensors of one less rank, as ``tf.unstack``.

    >>> import gradtape as gt
    >>> a, b = gt.unstack(gt.constant([[1.0, 2.0], [3.0, 4.0]]), axis=1)
    >>> b.numpy()
    array([2., 4.], dtype=float32)
    """
    x = value if isinstance(value, Tensor) else Tensor(value)
    if x.ndim == 0:
        raise ValueError("unstack: cannot unstack a scalar (rank 0) tensor")
    axis = normalize_axis(axis, x.ndim, "unstack")
    n = x.shape[axis]
    if num is not None and int(num) != n:
        raise ValueError(f"unstack: num={num} does not match dimension {x.ndim + axis} of shape "
                         f"{x.shape} (size {n})")
    if n == 0:
        return []
    if n == 1:
        from .indexing import getitem
        return [getitem(x, (Ellipsis, 0) + (slice(None),) * (-axis - 1))]
    return list(bind(_unstack, x, axis=axis))


def _split_fwd(x, sizes, axis):
    return tuple(np.split(x, np.cumsum(sizes)[:-1], axis=axis))


def _split_vjp(m, g, ans, x, sizes, axis):
    return m.concat(*_as_tuple(g), axis=axis)


_split = primitive("split", _split_fwd, vjp=(_split_vjp,), jvp="linear", n_out=-1,
                   save_args=(), save_out=False)


def split(value, num_or_size_splits, axis=0, num=None, name=None):
    """Split ``value`` along ``axis`` into ``num_or_size_splits`` equal pieces, or into pieces
    of the given sizes (one size may be -1: the rest), as ``tf.split``.

    >>> import gradtape as gt
    >>> [t.shape for t in gt.split(gt.zeros((5, 2)), [2, -1])]
    [(2, 2), (3, 2)]
    >>> [t.shape for t in gt.split(gt.zeros((2, 6)), 3, axis=1)]
    [(2, 2), (2, 2), (2, 2)]
    """
    x = value if isinstance(value, Tensor) else Tensor(value)
    if x.ndim == 0:
        raise ValueError("split: cannot split a scalar (rank 0) tensor")
    axis = normalize_axis(axis, x.ndim, "split")
    n = x.shape[axis]
    s = num_or_size_splits
    s = s._value if isinstance(s, Tensor) else s
    if np.ndim(s) == 0:
        k = int(s)
        if k <= 0 or n % k:
            raise ValueError(f"split: num_or_size_splits={k} must be a positive divisor of the size "
                             f"{n} of dimension {x.ndim + axis} (shape {x.shape}); give a list "
                             "of sizes for uneven pieces")
        sizes = (n // k,) * k
    else:
        sizes = [int(v) for v in np.asarray(s).reshape(-1)]
        if num is not None and int(num) != len(sizes):
            raise ValueError(f"split: num={num} does not match the {len(sizes)} sizes given")
        if sizes.count(-1) > 1 or any(v < -1 for v in sizes):
            raise ValueError(f"split: size_splits {sizes} must be non-negative, with at most one -1")
        if -1 in sizes:
            rest = n - sum(v for v in sizes if v != -1)
            if rest < 0:
                raise ValueError(f"split: size_splits {sizes} add up to more than the size {n} of "
                                 f"dimension {x.ndim + axis}")
            sizes[sizes.index(-1)] = rest
        if sum(sizes) != n:
            raise ValueError(f"split: size_splits {sizes} add up to {sum(sizes)} but dimension "
                             f"{x.ndim + axis} of shape {x.shape} has size {n}")
        sizes = tuple(sizes)
    if len(sizes) == 1:
        return [identity(x)]
    return list(bind(_split, x, sizes=sizes, axis=axis))


# -- tile and repeat (compositions of reshape and broadcast_to) ------------------------------
def tile(input, multiples, name=None):  # noqa: A002 - TensorFlow's name
    """Repeat the whole tensor ``multiples[i]`` times along each dimension ``i``, as ``tf.tile``.

    >>> import gradtape as gt
    >>> gt.tile(gt.constant([[1.0, 2.0]]), [2, 2]).numpy()
    array([[1., 2., 1., 2.],
           [1., 2., 1., 2.]], dtype=float32)
    """
    x = input if isinstance(input, Tensor) else Tensor(input)
    mult = [int(v) for v in np.asarray(multiples._value if isinstance(multiples, Tensor)
                                       else multiples).reshape(-1)]
    if len(mult) != x.ndim:
        raise ValueError(f"tile: multiples must have one entry per dimension of the input (rank "
                         f"{x.ndim}), got {len(mult)}")
    if any(v < 0 for v in mult):
        raise ValueError(f"tile: multiples {mult} must be non-negative")
    if all(v == 1 for v in mult):
        return identity(x)
    inter = tuple(v for pair in zip((1,) * x.ndim, x.shape) for v in pair)
    big = tuple(v for pair in zip(mult, x.shape) for v in pair)
    y = bind(_reshape, x, shape=inter)
    y = bind(_broadcast_to, y, shape=big)
    return bind(_reshape, y, shape=tuple(a * b for a, b in zip(mult, x.shape)))


def repeat(input, repeats, axis=None, name=None):  # noqa: A002 - TensorFlow's name
    """Repeat each element (or slice along ``axis``) ``repeats`` times, as ``tf.repeat``.

    ``repeats`` is an int or one count per slice; with ``axis=None`` the input is flattened
    first.

    >>> import gradtape as gt
    >>> gt.repeat(gt.constant([1.0, 2.0]), [1, 3], axis=0).numpy()
    array([1., 2., 2., 2.], dtype=float32)
    >>> gt.repeat(gt.constant([[1.0, 2.0]]), 2, axis=1).numpy()
    array([[1., 1., 2., 2.]], dtype=float32)
    """
    x = input if isinstance(input, Tensor) else Tensor(input)
    if axis is None:
        x = bind(_reshape, x, shape=(x.size,))
        axis = 0
    if x.ndim == 0:
        raise ValueError("repeat: the input is a scalar; give axis=None to repeat it as a vector")
    axis = normalize_axis(axis, x.ndim, "repeat") + x.ndim
    r = np.asarray(repeats._value if isinstance(repeats, Tensor) else repeats)
    if r.dtype.kind not in "iu":
        raise TypeError(f"repeat: repeats must be integers, got dtype {r.dtype.name}")
    if (r < 0).any():
        raise ValueError(f"repeat: repeats must be non-negative, got {r.tolist()}")
    n = x.shape[axis]
    if r.ndim == 1 and r.size == 1:
        r = r.reshape(())
    if r.ndim == 0:
        k = int(r)
        shape = x.shape[:axis + 1] + (1,) + x.shape[axis + 1:]
        big = x.shape[:axis + 1] + (k,) + x.shape[axis + 1:]
        y = bind(_broadcast_to, bind(_reshape, x, shape=shape), shape=big)
        return bind(_reshape, y, shape=x.shape[:axis] + (n * k,) + x.shape[axis + 1:])
    if r.shape != (n,):
        raise ValueError(f"repeat: repeats must be an int or have one count per slice along axis "
                         f"{axis} (size {n}), got shape {r.shape}")
    from .indexing import _getitem
    idx = np.repeat(np.arange(n), r)
    return bind(_getitem, x, index=(slice(None),) * axis + (idx,))


# -- pad ---------------------------------------------------------------------------------------
def _pad_fwd(x, paddings, constant_values):
    return np.pad(x, paddings, mode="constant", constant_values=constant_values)


def _pad_vjp(m, g, ans, x, paddings, constant_values):
    index = (Ellipsis,) + tuple(slice(lo, lo + n) for (lo, _), n in zip(paddings, x.shape))
    return m.getitem(g, index=index)


def _pad_jvp(m, t, ans, x, paddings, constant_values):
    return m.pad(t, paddings=paddings, constant_values=0)


_pad = primitive("pad", _pad_fwd, vjp=(_pad_vjp,), jvp=(_pad_jvp,), save_args=(), save_out=False)


def _mirror_index(n: int, lo: int, hi: int, symmetric: bool) -> np.ndarray:
    """Source positions of a REFLECT (edge not repeated) or SYMMETRIC (edge repeated) pad."""
    s = 0 if symmetric else 1
    left = np.arange(lo - 1 + s, s - 1, -1) if lo else np.zeros(0, int)
    right = np.arange(n - 1 - s, n - 1 - s - hi, -1) if hi else np.zeros(0, int)
    return np.concatenate([left, np.arange(n), right]).astype(np.intp)


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """Pad ``tensor``: ``paddings[i] = [before, after]`` for dimension ``i``, as ``tf.pad``.

    ``mode`` is ``"CONSTANT"`` (fill with ``constant_values``), ``"REFLECT"`` (mirror without
    the edge; ``before, after < dim``) or ``"SYMMETRIC"`` (mirror with the edge;
    ``before, after <= dim``), in any case. ``constant_values`` gets no gradient.

    >>> import gradtape as gt
    >>> x = gt.constant([1.0, 2.0, 3.0])
    >>> gt.pad(x, [[2, 1]]).numpy()
    array([0., 0., 1., 2., 3., 0.], dtype=float32)
    >>> gt.pad(x, [[2, 1]], "REFLECT").numpy()
    array([3., 2., 1., 2., 3., 2.], dtype=float32)
    >>> gt.pad(x, [[2, 1]], "SYMMETRIC").numpy()
    array([2., 1., 1., 2., 3., 3.], dtype=float32)
    """
    x = tensor if isinstance(tensor, Tensor) else Tensor(tensor)
    p = np.asarray(paddings._value if isinstance(paddings, Tensor) else paddings)
    if p.size == 0:
        p = p.reshape(0, 2).astype(np.int64)
    if p.dtype.kind not in "iu":
        raise TypeError(f"pad: paddings must be integers, got dtype {p.dtype.name}")
    if p.shape != (x.ndim, 2):
        raise ValueError(f"pad: paddings must have shape [rank, 2] = [{x.ndim}, 2] for a tensor of "
                         f"shape {x.shape}, got shape {list(p.shape)}")
    if (p < 0).any():
        raise ValueError(f"pad: paddings must be non-negative, got {p.tolist()}")
    pads = tuple((int(a), int(b)) for a, b in p)
    kind = str(mode).upper()
    if kind == "CONSTANT":
        c = constant_values._value if isinstance(constant_values, Tensor) else constant_values
        if np.ndim(c) != 0:
            raise ValueError(f"pad: constant_values must be a scalar, got shape {np.shape(c)}")
        c = np.asarray(c).item()
        if all(a == b == 0 for a, b in pads):
            return identity(x)
        return bind(_pad, x, paddings=pads, constant_values=c)
    if kind not in ("REFLECT", "SYMMETRIC"):
        raise ValueError(f"pad: mode must be 'CONSTANT', 'REFLECT' or 'SYMMETRIC', got {mode!r}")
    sym = kind == "SYMMETRIC"
    from .indexing import _getitem
    y = x
    for d, ((lo, hi), n) in enumerate(zip(pads, x.shape)):
        limit = n if sym else n - 1
        if lo > limit or hi > limit:
            raise ValueError(f"pad: paddings[{d}] = [{lo}, {hi}] is too large for {kind} mode on "
                             f"dimension {d} of size {n}; each must be "
                             f"{'<=' if sym else '<'} {n}")
        if lo or hi:
            y = bind(_getitem, y, index=(slice(None),) * d + (_mirror_index(n, lo, hi, sym),))
    return y if y is not x else identity(x)


# -- reverse and roll --------------------------------------------------------------------------
_reverse = primitive("reverse", lambda x, axis: np.flip(x, axis),
                     vjp=(lambda m, g, ans, x, axis: m.reverse(g, axis=axis),), jvp="linear",
                     save_args=(), save_out=False)


def reverse(tensor, axis, name=None):
    """Reverse the order of elements along each dimension in ``axis``, as ``tf.reverse``.

    >>> import gradtape as gt
    >>> gt.reverse(gt.constant([[1.0, 2.0], [3.0, 4.0]]), [1]).numpy()
    array([[2., 1.],
           [4., 3.]], dtype=float32)
    """
    x = tensor if isinstance(tensor, Tensor) else Tensor(tensor)
    a = np.asarray(axis._value if isinstance(axis, Tensor) else axis)
    axes = [normalize_axis(int(v), x.ndim, "reverse") for v in a.reshape(-1)]
    if len(set(axes)) != len(axes):
        raise ValueError(f"reverse: axis {a.tolist()} names a dimension more than once")
    if not axes:
        return identity(x)
    return bind(_reverse, x, axis=tuple(sorted(axes)))


_roll = primitive("roll", lambda x, shift, axis: np.roll(x, shift, axis),
                  vjp=(lambda m, g, ans, x, shift, axis:
                       m.roll(g, shift=tuple(-s for s in shift), axis=axis),),
                  jvp="linear", save_args=(), save_out=False)


def roll(input, shift, axis, name=None):  # noqa: A002 - TensorFlow's name
    """Shift elements cyclically by ``shift`` along ``axis`` (ints or equal-length lists; a
    repeated axis adds its shifts), as ``tf.roll``.

    >>> import gradtape as gt
    >>> gt.roll(gt.constant([1.0, 2.0, 3.0, 4.0]), 1, 0).numpy()
    array([4., 1., 2., 3.], dtype=float32)
    """
    x = input if isinstance(input, Tensor) else Tensor(input)
    sh = np.asarray(shift._value if isinstance(shift, Tensor) else shift)
    ax = np.asarray(axis._value if isinstance(axis, Tensor) else axis)
    if sh.dtype.kind not in "iu" or ax.dtype.kind not in "iu":
        raise TypeError("roll: shift and axis must be integers")
    if sh.ndim > 1 or ax.ndim > 1 or sh.shape != ax.shape:
        raise ValueError(f"roll: shift and axis must be ints or 1-D lists of the same length, got "
                         f"shapes {sh.shape} and {ax.shape}")
    axes = tuple(normalize_axis(int(a), x.ndim, "roll") for a in ax.reshape(-1))
    shifts = tuple(int(s) for s in sh.reshape(-1))
    if not axes:
        return identity(x)
    return bind(_roll, x, shift=shifts, axis=axes)


# -- meshgrid ------------------------------------------------------------------------------------
def meshgrid(*args, **kwargs):
    """Coordinate grids from 1-D tensors, as ``tf.meshgrid``: with ``indexing='xy'`` (default)
    the first two output dimensions are swapped (Cartesian), with ``'ij'`` they are not
    (matrix indexing).

    >>> import gradtape as gt
    >>> X, Y = gt.meshgrid(gt.constant([1.0, 2.0, 3.0]), gt.constant([4.0, 5.0]))
    >>> X.numpy()
    array([[1., 2., 3.],
           [1., 2., 3.]], dtype=float32)
    >>> Y.shape
    (2, 3)
    """
    indexing = kwargs.pop("indexing", "xy")
    kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"meshgrid: unexpected keyword arguments {sorted(kwargs)}; only indexing "
                        "and name are accepted")
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    xs = [a if isinstance(a, Tensor) else Tensor(a) for a in args]
    xs = [x if x.ndim == 1 else reshape(x, (-1,)) for x in xs]
    n = len(xs)
    sizes = [x.shape[0] for x in xs]
    if indexing == "xy" and n > 1:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    if n == 1:
        return [identity(xs[0])]
    out = []
    for i, x in enumerate(xs):
        pos = 1 - i if indexing == "xy" and i < 2 else i
        shape = [1] * n
        shape[pos] = x.shape[0]
        out.append(bind(_broadcast_to, bind(_reshape, x, shape=tuple(shape)), shape=tuple(sizes)))
    return out


# -- einsum and tensordot ------------------------------------------------------------------------
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _einsum_fwd(*xs, equation):
    big = len(xs) > 2 or sum(np.size(x) for x in xs) > 4096
    return np.einsum(equation, *xs, optimize=big)


def _fresh(used: set, k: int) -> list:
    free = [c for c in _LETTERS if c not in used]
    if len(free) < k:
        raise ValueError("einsum: the equation uses too many distinct subscripts (at most 52 "
                         "letters including those needed for the gradient)")
    used.update(free[:k])
    return free[:k]


def _einsum_vjp_all(m, g, ans, *xs, equation):
    """Operand k's gradient: an einsum of the cotangent with the other operands (conjugated)
    whose output subscripts are operand k's. A subscript repeated in operand k (a diagonal)
    gets fresh letters tied to the first by identity matrices; a subscript found nowhere else
    (summed out of operand k alone) is brought back by a vector of ones."""
    ins, out = equation.split("->")
    ins = ins.split(",")
    nb = len(g.shape) - len(ans.shape)
    used = set(equation)
    batch = "".join(_fresh(used, nb))
    grads = []
    for k, x in enumerate(xs):
        subs = ins[k]
        target, ops, specs = [], [g] + [conj(m, xs[j]) for j in range(len(xs)) if j != k], \
            [batch + out] + [ins[j] for j in range(len(xs)) if j != k]
        seen = {}
        for pos, c in enumerate(subs):
            if c in seen:
                (f,) = _fresh(used, 1)
                n = x.shape[pos]
                ops.append(np.eye(n, dtype=x.dtype) if x.dtype.kind in "fc" else np.eye(n))
                specs.append(c + f)
                target.append(f)
            else:
                seen[c] = pos
                target.append(c)
        have = set("".join(specs))
        for c, pos in seen.items():
            if c not in have:
                ops.append(np.ones(x.shape[pos], dtype=x.dtype if x.dtype.kind in "fc" else None))
                specs.append(c)
        eq = ",".join(specs) + "->" + batch + "".join(target)
        grads.append(m.einsum(*ops, equation=eq))
    return grads


def _einsum_jvp_all(m, ts, ans, *xs, equation):
    total = None
    for k, t in enumerate(ts):
        if t is None:
            continue
        args = list(xs)
        args[k] = t
        term = m.einsum(*args, equation=equation)
        total = term if total is None else total + term
    return total


_einsum = primitive("einsum", _einsum_fwd, vjp_all=_einsum_vjp_all, jvp_all=_einsum_jvp_all,
                    save_out=False)


def _einsum_explicit(equation: str, shapes: list) -> str:
    """Rewrite an einsum equation with an explicit output and no ellipsis (the ellipsis
    dimensions get letters of their own, aligned from the right)."""
    eq = equation.replace(" ", "")
    if "->" in eq:
        lhs, out = eq.split("->", 1)
        if "->" in out:
            raise ValueError(f"einsum: equation {equation!r} has more than one '->'")
    else:
        lhs, out = eq, None
    ins = lhs.split(",")
    if len(ins) != len(shapes):
        raise ValueError(f"einsum: equation {equation!r} has {len(ins)} input subscripts but "
                         f"{len(shapes)} operands were given")
    for part in ins + ([out] if out is not None else []):
        bad = set(part.replace("...", "")) - set(_LETTERS)
        if bad or part.count("...") > 1:
            raise ValueError(f"einsum: invalid subscripts {part!r} in {equation!r}: use letters "
                             "a-z, A-Z and at most one '...' per operand")
    if out is None:
        letters = "".join(s.replace("...", "") for s in ins)
        out = ("..." if any("..." in s for s in ins) else "") + "".join(
            sorted(c for c in set(letters) if letters.count(c) == 1))
    ell = []
    for s, shp in zip(ins, shapes):
        named = len(s.replace("...", ""))
        if ("..." not in s and named != len(shp)) or named > len(shp):
            raise ValueError(f"einsum: subscripts {s!r} do not match an operand of rank {len(shp)} "
                             f"(shape {tuple(shp)})")
        ell.append(len(shp) - named if "..." in s else 0)
    n_ell = max(ell, default=0)
    if "..." in out and not any("..." in s for s in ins):
        raise ValueError(f"einsum: output {out!r} has '...' but no input does")
    for c in out.replace("...", ""):
        if c not in lhs:
            raise ValueError(f"einsum: output subscript {c!r} does not appear in any input of "
                             f"{equation!r}")
    if len(set(out.replace("...", ""))) != len(out.replace("...", "")):
        raise ValueError(f"einsum: output subscripts {out!r} repeat a letter")
    used = set(eq)
    dims = _fresh(used, n_ell)
    ins = [s.replace("...", "".join(dims[n_ell - e:])) for s, e in zip(ins, ell)]
    out = out.replace("...", "".join(dims))
    return ",".join(ins) + "->" + out


def einsum(equation, *inputs, **kwargs):
    """Tensor contraction in Einstein notation, as ``tf.einsum`` (NumPy's rules: implicit
    output in alphabetical order, ``...`` broadcasting, repeated subscripts for diagonals and
    traces).

    >>> import gradtape as gt
    >>> a, b = gt.ones((2, 3)), gt.ones((3, 4))
    >>> gt.einsum("ij,jk->ik", a, b).shape
    (2, 4)
    >>> float(gt.einsum("ii", gt.eye(3)))
    3.0
    """
    kwargs.pop("name", None)
    kwargs.pop("optimize", None)
    if kwargs:
        raise TypeError(f"einsum: unexpected keyword arguments {sorted(kwargs)}")
    if not isinstance(equation, str):
        raise TypeError(f"einsum: the first argument must be the equation string, got "
                        f"{type(equation).__name__}")
    if not inputs:
        raise ValueError("einsum: give at least one operand")
    xs = [x if isinstance(x, Tensor) else Tensor(x) for x in inputs]
    eq = _einsum_explicit(equation, [x.shape for x in xs])
    sizes: dict = {}
    for s, x in zip(eq.split("->")[0].split(","), xs):
        for c, n in zip(s, x.shape):
            if n != 1 and sizes.setdefault(c, n) != n:
                raise ValueError(f"einsum: subscript {c!r} has size {sizes[c]} in one place and {n} "
                                 f"in another in {equation!r} (operand shapes "
                                 f"{[x.shape for x in xs]}); sizes must match or be 1")
    return bind(_einsum, *xs, equation=eq)


def tensordot(a, b, axes, name=None):
    """Sum of products over ``axes``, as ``tf.tensordot``: an int ``N`` contracts the last N
    dimensions of ``a`` with the first N of ``b``; a pair ``[a_axes, b_axes]`` names them.

    >>> import gradtape as gt
    >>> gt.tensordot(gt.ones((2, 3)), gt.ones((3, 4)), 1).shape
    (2, 4)
    >>> gt.tensordot(gt.ones((2, 3)), gt.ones((3, 2)), [[0, 1], [1, 0]]).numpy()
    np.float32(6.0)
    """
    a = a if isinstance(a, Tensor) else Tensor(a)
    b = b if isinstance(b, Tensor) else Tensor(b)
    ax = axes._value if isinstance(axes, Tensor) else axes
    if np.ndim(ax) == 0:
        n = int(ax)
        if not 0 <= n <= min(a.ndim, b.ndim):
            raise ValueError(f"tensordot: axes={n} must be in [0, {min(a.ndim, b.ndim)}] for shapes "
                             f"{a.shape} and {b.shape}")
        a_axes, b_axes = list(range(a.ndim - n, a.ndim)), list(range(n))
    else:
        if len(ax) != 2:
            raise ValueError("tensordot: axes must be an int or a pair [a_axes, b_axes]")
        a_axes = [int(v) for v in np.asarray(ax[0]).reshape(-1)]
        b_axes = [int(v) for v in np.asarray(ax[1]).reshape(-1)]
        if len(a_axes) != len(b_axes):
            raise ValueError(f"tensordot: a_axes {a_axes} and b_axes {b_axes} must have the same "
                             "length")
        a_axes = [normalize_axis(v, a.ndim, "tensordot", "axes[0]") + a.ndim for v in a_axes]
        b_axes = [normalize_axis(v, b.ndim, "tensordot", "axes[1]") + b.ndim for v in b_axes]
        if len(set(a_axes)) != len(a_axes) or len(set(b_axes)) != len(b_axes):
            raise ValueError(f"tensordot: axes {ax} repeat a dimension")
    for i, j in zip(a_axes, b_axes):
        if a.shape[i] != b.shape[j]:
            raise ValueError(f"tensordot: dimension {i} of a (shape {a.shape}) and dimension {j} of "
                             f"b (shape {b.shape}) must have the same size to be contracted")
    la = list(_LETTERS[:a.ndim])
    lb = list(_LETTERS[a.ndim:a.ndim + b.ndim])
    for i, j in zip(a_axes, b_axes):
        lb[j] = la[i]
    out = [c for k, c in enumerate(la) if k not in a_axes] + [c for k, c in enumerate(lb)
                                                               if k not in b_axes]
    return bind(_einsum, a, b, equation="".join(la) + "," + "".join(lb) + "->" + "".join(out))


def _zeros_like_diff(x):
    return wrap(np.zeros(x.shape, dtype=x.dtype))


helper("zeros_like", np.zeros_like, _zeros_like_diff)

__all__ = ["identity", "stop_gradient", "reshape", "transpose", "broadcast_to", "expand_dims",
           "squeeze", "concat", "stack", "where", "unstack", "split", "tile", "repeat", "pad",
           "reverse", "roll", "meshgrid", "einsum", "tensordot"]
