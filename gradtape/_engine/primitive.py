"""Declaring a primitive (forward, VJP, JVP in one place) and dispatching it to the tapes.

A primitive's rules are pure functions ``rule(m, g, ans, *inputs, **attrs)``. ``m`` is the
array namespace the rule must use for anything beyond Python operators:

* :data:`raw` holds every primitive's plain NumPy forward: first-order gradients run on
  ndarrays with no Tensor wrapping;
* :data:`diff` holds every primitive's differentiable version: when an outer tape or
  accumulator is recording, the same rule runs on Tensors and is itself recorded, which is
  what makes gradients of gradients work.

A VJP is either one function per input (``vjp=(rule_x, rule_y)``, ``None`` for an input with
no gradient) or one function returning a tuple (``vjp_all=``). A JVP is one function per input
(summed by the engine), ``jvp_all=`` taking a tuple of tangents (``None`` where zero), or
``jvp="linear"`` for ops linear in their differentiable inputs (the JVP is the op itself
applied to the tangents). Rules must accept a leading batch axis on ``g`` (they see trailing
axes only) unless the primitive says ``batched=False``; the engine then loops.

A one-input primitive may also give ``vjp_inplace(g, ans, x, **attrs)``: the same VJP on raw
arrays, free to overwrite ``g``. First-order sweeps use it when nothing but the sweep holds
``g`` (checked by reference count), which saves an allocation and a pass over memory.
And ``vjp_deferred(g, ans, x, **attrs)`` acts on a gradient that another op's rule left in a
cheaper form (a ``DeferredGrad``): a relu whose output was max-pooled masks the pooled
gradient instead of the full-size one. It returns None to have the sweep make ``g`` dense.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

from .state import state
from .tensor import Tensor, _next_id, _new_tensor, to_array


class Meta:
    """Shape and dtype of an input whose value a rule declared it does not need."""

    __slots__ = ("shape", "dtype")

    def __init__(self, v):
        self.shape = v.shape
        self.dtype = v.dtype

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)


_METAS: dict = {}


def meta(v) -> Meta:
    """The :class:`Meta` of ``v``'s shape and dtype, shared: Metas are never changed, so one per
    shape serves every record (a tape of an LSTM otherwise makes a thousand per step, each an
    object the cycle collector follows)."""
    key = (v.shape, v.dtype)
    m = _METAS.get(key)
    if m is None:
        if len(_METAS) >= 4096:  # many shapes (varying batch sizes): start again
            _METAS.clear()
        m = _METAS[key] = Meta(v)
    return m


class Namespace:
    """Attribute bag of functions: :data:`raw` or :data:`diff`."""

    def __init__(self, name: str, is_raw: bool):
        self._name = name
        self.is_raw = is_raw

    def __repr__(self) -> str:
        return f"<gradtape rule namespace {self._name}>"


raw = Namespace("raw", True)
diff = Namespace("diff", False)

PRIMITIVES: dict[str, "Primitive"] = {}
TABLE: list = []  # declared primitives by index (see Primitive.ref)


class Primitive:
    """One differentiable operation: its forward on arrays and its derivative rules."""

    __slots__ = ("name", "forward", "vjp", "vjp_all", "jvp", "jvp_all", "save_args", "save_out",
                 "n_out", "batched", "diff_args", "elementwise", "single", "drops", "vjp_inplace",
                 "vjp_deferred", "ref", "__weakref__")

    def __init__(self, name: str, forward: Callable, *, vjp: Sequence | None = None,
                 vjp_all: Callable | None = None, jvp: Any = None, jvp_all: Callable | None = None,
                 save_args: Sequence[int] | None = None, save_out: bool = True,
                 n_out: int | None = None, batched: bool = True,
                 diff_args: Sequence[int] | None = None, elementwise: bool = False,
                 vjp_inplace: Callable | None = None, vjp_deferred: Callable | None = None):
        self.name = name
        self.forward = forward
        self.vjp = tuple(vjp) if vjp is not None else None
        self.vjp_all = vjp_all
        self.jvp = jvp if (jvp is None or jvp == "linear") else tuple(jvp)
        self.jvp_all = jvp_all
        self.save_args = None if save_args is None else frozenset(save_args)
        self.save_out = save_out
        self.n_out = n_out
        self.batched = batched
        if diff_args is None and self.vjp is not None:
            diff_args = [i for i, r in enumerate(self.vjp) if r is not None]
        self.diff_args = None if diff_args is None else tuple(diff_args)
        # elementwise: no input is larger than the output (inputs broadcast to it), so the
        # tape checks only the output's size before deciding what to keep.
        self.elementwise = elementwise
        # single: one output and a gradient for some input (the tape's short path)
        self.single = n_out is None and (self.diff_args is None or len(self.diff_args) > 0)
        self.drops = self.save_args is not None or not save_out  # the tape may keep shapes only
        # vjp_inplace(g, ans, *inputs, **attrs): the first input's VJP on raw arrays, allowed
        # to write its result into ``g``; the sweep calls it when no one else holds ``g``.
        self.vjp_inplace = vjp_inplace
        # vjp_deferred(g, ans, *inputs, **attrs): the first input's VJP when ``g`` is a
        # DeferredGrad (see indexed_slices), returning a gradient or None for "make g dense".
        self.vjp_deferred = vjp_deferred
        # What a tape record names it by: an index into TABLE for declared primitives (records
        # of ints, tuples and arrays leave the cycle collector's lists), itself for the
        # primitives that custom_gradient makes on the fly.
        self.ref = self

    def __repr__(self) -> str:
        return f"<gradtape primitive {self.name}>"

    def __call__(self, *args, **attrs):
        return bind(self, *args, **attrs)


def primitive(name: str, forward: Callable, **rules) -> Primitive:
    """Declare a primitive and add it to both rule namespaces under ``name``.

    >>> import numpy as np
    >>> from gradtape.extend import primitive
    >>> cube = primitive("my_cube", lambda x: x ** 3,
    ...                  vjp=(lambda m, g, ans, x: g * 3 * x * x,),
    ...                  jvp=(lambda m, t, ans, x: t * 3 * x * x,))
    """
    old = PRIMITIVES.get(name)
    if old is not None and getattr(old.forward, "__module__", None) != getattr(forward, "__module__", 0):
        raise ValueError(f"primitive {name!r} is already declared (by {old.forward.__module__})")
    p = Primitive(name, forward, **rules)
    PRIMITIVES[name] = p
    if old is not None:  # declared again (a module reloaded): takes the old one's place
        p.ref = old.ref
        TABLE[p.ref] = p
    else:
        p.ref = len(TABLE)
        TABLE.append(p)
    setattr(raw, name, forward)

    def differentiable(*args, **attrs):
        return bind(p, *args, **attrs)

    differentiable.__name__ = name
    setattr(diff, name, differentiable)
    return p


def helper(name: str, raw_fn: Callable, diff_fn: Callable) -> None:
    """Add a non-primitive function to the rule namespaces (e.g. a composite of primitives)."""
    setattr(raw, name, raw_fn)
    setattr(diff, name, diff_fn)


def _convert_args(args) -> list:
    """Slow path of :func:`bind`: some argument is neither a Tensor nor a NumPy value."""
    ref = next((a for a in args if isinstance(a, Tensor)), None)
    has_array = ref is not None or any(isinstance(a, (np.ndarray, np.generic)) for a in args)
    vals = []
    for a in args:
        if isinstance(a, Tensor):
            vals.append(a._value)
        elif isinstance(a, (np.ndarray, np.generic)):
            vals.append(a)
        elif has_array and isinstance(a, (bool, int, float, complex)):
            vals.append(a)  # weak Python scalar: takes the dtype of the tensor operand
        else:
            arr = to_array(a)
            if ref is not None and arr.dtype.kind in "iuf" and ref.dtype.kind in "fc":
                arr = arr.astype(ref.dtype)
            vals.append(arr)
    return vals


def _weak_numpy_scalars(args, vals) -> list:
    """NumPy scalars next to a tensor are weak, like Python scalars, as in TensorFlow:
    ``float32_tensor * np.sqrt(2.0)`` stays float32 (NumPy 2 alone would give float64)."""
    if not any(isinstance(a, Tensor) for a in args):
        return vals
    return [a.item() if isinstance(a, np.generic) else v for a, v in zip(args, vals)]


def _op_error(prim, vals, e):
    """Re-raise a NumPy error from an op's forward with the op's name and its input shapes.

    Errors that already name their op (``"inv: the matrix is singular"``) pass unchanged."""
    msg = str(e)
    first = msg.split(" ", 1)[0]
    if first.endswith(":") and first[:-1].replace("_", "").replace(".", "").isalnum():
        return e
    shapes = ", ".join(f"{getattr(v.dtype, 'name', v.dtype)}{tuple(v.shape)}" if hasattr(v, "shape")
                       else type(v).__name__ for v in vals)
    text = f"{prim.name}: {msg} (inputs: {shapes}); check the shapes and dtypes of the arguments"
    try:
        return type(e)(text)
    except Exception:  # exception types with other constructors
        for kind in (IndexError, TypeError, ValueError):
            if isinstance(e, kind):
                return kind(text)
        return e


# bind1 and bind2 repeat _finish's one-output case inline on purpose: a call there would cost
# about 5% of an op recorded on a tape.
def bind1(prim: Primitive, x):
    """:func:`bind` for a one-argument primitive without attributes (the hot path of unary ops)."""
    if not isinstance(x, Tensor):
        return bind(prim, x)
    xv = x._value
    try:
        out = prim.forward(xv)
    except (ValueError, TypeError, IndexError) as e:
        raise _op_error(prim, [xv], e) from None
    if prim.n_out is not None or type(out) is not np.ndarray:
        return _finish(prim, (x,), (xv,), out, {})
    t = _new_tensor(Tensor)
    t._value = out
    t._id = _next_id()
    stack = state.stack
    if stack:
        for r in stack:
            r.record1(prim, x, xv, t)
    return t


def bind2(prim: Primitive, x, y):
    """:func:`bind` for a two-argument primitive without attributes (binary ops, ``@``):
    tensors and Python scalars take the short path, anything else the general one."""
    if isinstance(x, Tensor):
        xv = x._value
        if isinstance(y, Tensor):
            yv = y._value
        elif type(y) is float or type(y) is int:
            yv = y  # a weak Python scalar: takes the tensor's dtype
        else:
            return bind(prim, x, y)
    elif (type(x) is float or type(x) is int) and isinstance(y, Tensor):
        xv = x
        yv = y._value
    else:
        return bind(prim, x, y)
    try:
        out = prim.forward(xv, yv)
    except (ValueError, TypeError, IndexError) as e:
        raise _op_error(prim, [xv, yv], e) from None
    if prim.n_out is not None or type(out) is not np.ndarray:
        return _finish(prim, (x, y), (xv, yv), out, {})
    t = _new_tensor(Tensor)
    t._value = out
    t._id = _next_id()
    stack = state.stack
    if stack:
        for r in stack:
            r.record2(prim, x, y, xv, yv, t)
    return t


_NO_ATTRS: dict = {}


def bind(prim: Primitive, *args, **attrs):
    """Run a primitive on its arguments and offer it to every active recorder."""
    vals = []
    seen = False
    scalars = False
    for a in args:
        if isinstance(a, Tensor):
            vals.append(a._value)
            seen = True
        elif type(a) is float or type(a) is int:
            vals.append(a)
        elif type(a) is np.ndarray:
            vals.append(a)
            seen = True
        elif isinstance(a, np.generic):
            vals.append(a)
            seen = scalars = True
        else:
            seen = False
            break
    if not seen:
        vals = _convert_args(args)
    elif scalars:
        vals = _weak_numpy_scalars(args, vals)
    try:
        out = prim.forward(*vals, **attrs)
    except (ValueError, TypeError, IndexError) as e:
        raise _op_error(prim, vals, e) from None
    return _finish(prim, args, vals, out, attrs)


def _finish(prim: Primitive, args, vals, out, attrs):
    """Wrap a forward's result in new tensors and offer the op to every active recorder."""
    stack = state.stack
    if prim.n_out is None:
        if type(out) is not np.ndarray and not isinstance(out, np.generic):
            out = np.asarray(out)
        t = _new_tensor(Tensor)
        t._value = out
        t._id = _next_id()
        if stack:
            n = len(args)
            if n == 2 and not attrs:  # the short paths (scalar results of bind1/bind2 land here)
                for r in stack:
                    r.record2(prim, args[0], args[1], vals[0], vals[1], t)
            elif n == 1 and not attrs:
                for r in stack:
                    r.record1(prim, args[0], vals[0], t)
            else:
                outs = (t,)
                for r in stack:
                    r.record(prim, args, vals, outs, attrs)
        return t
    outs = []
    for o in out:
        t = _new_tensor(Tensor)
        t._value = o if isinstance(o, (np.ndarray, np.generic)) else np.asarray(o)
        t._id = _next_id()
        outs.append(t)
    outs = tuple(outs)
    if stack:
        for r in stack:
            r.record(prim, args, vals, outs, attrs)
    return outs
