"""Shape and layout ops: reshape, transpose, broadcast, concat, stack, where, identity.

These are linear, so their JVP is the op itself applied to the tangent; their VJPs move the
cotangent back (with any leading batch axes left alone).
"""

from __future__ import annotations

import numpy as np

from .._engine.primitive import bind, helper, primitive
from .._engine.tensor import Tensor, to_array, wrap
from ._rules import batch_ndim, normalize_axis


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
    return bind(_identity, input)


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
    return bind(_stop_gradient, input)


# -- reshape, transpose, broadcast -----------------------------------------------------------
def _reshape_vjp(m, g, ans, x, shape):
    nb = batch_ndim(g, ans)
    return m.reshape(g, shape=tuple(g.shape[:nb]) + tuple(x.shape))


_reshape = primitive("reshape", lambda x, shape: np.reshape(x, shape), vjp=(_reshape_vjp,),
                     jvp="linear", save_args=(), save_out=False)


def reshape(tensor, shape, name=None):
    """A tensor with the same elements in a new shape (one dimension may be -1).

    >>> import gradtape as gt
    >>> gt.reshape(gt.range(6), (2, 3)).shape
    (2, 3)
    """
    x = tensor if isinstance(tensor, Tensor) else wrap(to_array(tensor))
    shape = tuple(int(s) for s in (shape.numpy() if isinstance(shape, Tensor) else np.atleast_1d(shape)))
    if shape.count(-1) > 1:
        raise ValueError(f"reshape: shape {shape} has more than one -1")
    known = int(np.prod([s for s in shape if s != -1]))
    if -1 in shape:
        if known == 0 or x.size % known:
            raise ValueError(f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) "
                             f"into shape {shape}")
        shape = tuple(x.size // known if s == -1 else s for s in shape)
    elif known != x.size:
        raise ValueError(f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) "
                         f"into shape {shape} ({known} elements)")
    if shape == x.shape:
        return bind(_identity, x)
    return bind(_reshape, x, shape=shape)


def _transpose_vjp(m, g, ans, x, perm):
    nb = batch_ndim(g, ans)
    inv = np.argsort(perm)
    return m.transpose(g, perm=tuple(range(nb)) + tuple(int(p) + nb for p in inv))


_transpose = primitive("transpose", lambda x, perm: np.transpose(x, perm), vjp=(_transpose_vjp,),
                       jvp="linear", save_args=(), save_out=False)


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


_broadcast_to = primitive("broadcast_to", lambda x, shape: np.broadcast_to(x, shape),
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


def _zeros_like_diff(x):
    return wrap(np.zeros(x.shape, dtype=x.dtype))


helper("zeros_like", np.zeros_like, _zeros_like_diff)

__all__ = ["identity", "stop_gradient", "reshape", "transpose", "broadcast_to", "expand_dims",
           "squeeze", "concat", "stack", "where"]
