"""User-defined gradients: ``custom_gradient`` and ``recompute_grad``.

Both record one op on every active tape whose VJP calls user code (``grad_fn``) or recomputes
the forward pass. That op's rule runs on Tensors, so it works under outer tapes too.
"""

from __future__ import annotations

import functools
from typing import Callable

import numpy as np

from ._engine import structure
from ._engine.primitive import Primitive, bind
from ._engine.state import paused, state
from ._engine.tensor import Tensor, Variable, wrap


class _VariableWatcher:
    """A recorder that only notes the trainable variables read by ops while it is active."""

    def __init__(self):
        self.variables: dict = {}

    def record1(self, prim, x, xv, o) -> None:
        """``bind1``'s call: a one-argument op without attributes."""
        self.record(prim, (x,), (xv,), (o,), {})

    def record2(self, prim, x, y, xv, yv, o) -> None:
        """``bind2``'s call: a two-argument op without attributes."""
        self.record(prim, (x, y), (xv, yv), (o,), {})

    def record(self, prim, args, vals, outs, attrs) -> None:
        for a in args:
            if type(a) is Variable and a.trainable:
                self.variables.setdefault(a._id, a)


def _watching(fn, *args, **kwargs):
    w = _VariableWatcher()
    saved = state.stack
    state.stack = saved + [w]
    try:
        out = fn(*args, **kwargs)
    finally:
        state.stack = saved
    return out, list(w.variables.values())


def _to_value(x, like):
    if x is None:
        return None
    if isinstance(x, Tensor):
        return x
    return wrap(np.asarray(x, dtype=like.dtype))


def _ensure_tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def _record_custom(name, inputs, outputs, vjp_all, jvp_all=None):
    """Record one op ``inputs -> copies of outputs`` on every active recorder.

    The op keeps the inputs' values only (the rules never read the outputs), and nothing in
    it refers to the tensors themselves, so the tape frees each value as soon as it can."""
    n_in, n_out = len(inputs), len(outputs)
    forward = (lambda *vals: vals[n_in:]) if n_out > 1 else (lambda *vals: vals[-1])
    prim = Primitive(name, forward, vjp_all=vjp_all, jvp_all=jvp_all, n_out=n_out if n_out > 1 else None,
                     batched=False, diff_args=tuple(range(n_in)), save_args=tuple(range(n_in)),
                     save_out=False)
    return bind(prim, *inputs, *outputs)


def custom_gradient(f: Callable | None = None):
    """Decorate ``f(*x) -> (y, grad_fn)`` so that its gradient is ``grad_fn``, as in TensorFlow.

    ``grad_fn(*dy)`` returns one gradient per input (a single value when ``f`` takes one
    input). If ``f`` reads trainable variables, ``grad_fn`` must accept ``variables=`` and
    return ``(input_grads, variable_grads)``. Forward-mode accumulators differentiate ``f``'s
    own computation.

    >>> import gradtape as gt
    >>> @gt.custom_gradient
    ... def clip_grad(x):
    ...     def grad(dy):
    ...         return gt.clip_by_value(dy, -1.0, 1.0)
    ...     return gt.identity(x), grad
    >>> x = gt.constant(2.0)
    >>> with gt.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = clip_grad(x * 10.0)
    >>> float(tape.gradient(y, x))
    10.0
    """
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        args = tuple(_ensure_tensor(a) for a in args)
        (result, grad_fn), variables = _watching(f, *args, **kwargs)
        flat = structure.flatten(result)
        ys = [_ensure_tensor(y) for y in flat]
        if not state.stack:
            return result
        n_in, n_out = len(args), len(ys)
        out_specs = [(y.shape, y.dtype) for y in ys]  # closures keep shapes, not the outputs
        fname = getattr(f, "__name__", "custom_gradient")

        def vjp_all(m, g, ans, *xs):
            dys = g if isinstance(g, tuple) else (g,)
            dys = [d if isinstance(d, Tensor) else wrap(np.asarray(d)) for d in dys]
            if variables:
                try:
                    res = grad_fn(*dys, variables=variables)
                except TypeError as e:
                    if "variables" not in str(e):
                        raise
                    raise TypeError(
                        f"custom_gradient '{fname}': the function reads variables "
                        f"{[v.name for v in variables]}, so its grad_fn must accept a "
                        "'variables' keyword argument and return (input_grads, variable_grads)") from e
                if not (isinstance(res, (tuple, list)) and len(res) == 2):
                    raise ValueError(
                        f"custom_gradient '{fname}': with variables, grad_fn must return "
                        "(input_grads, variable_grads)")
                in_g, var_g = res
                in_g = list(in_g) if isinstance(in_g, (list, tuple)) else [in_g]
                var_g = list(var_g) if isinstance(var_g, (list, tuple)) else [var_g]
                if len(var_g) != len(variables):
                    raise ValueError(
                        f"custom_gradient '{fname}': grad_fn returned {len(var_g)} variable "
                        f"gradients for {len(variables)} variables")
            else:
                res = grad_fn(*dys)
                in_g = list(res) if isinstance(res, (list, tuple)) else [res]
                var_g = []
            if len(in_g) != n_in:
                raise ValueError(
                    f"custom_gradient '{fname}': grad_fn returned {len(in_g)} gradients for "
                    f"{n_in} inputs; return exactly one per input (None for no gradient)")
            grads = [_to_value(gi, x) for gi, x in zip(in_g + var_g, xs)]
            grads = [None if gi is None else (gi._value if m.is_raw else gi) for gi in grads]
            return grads + [None] * n_out

        def jvp_all(m, ts, ans, *xs):
            outs = ts[n_in + len(variables):]
            outs = [t if t is not None else (np.zeros(shape, dtype) if m.is_raw else wrap(np.zeros(shape, dtype)))
                    for t, (shape, dtype) in zip(outs, out_specs)]
            return tuple(outs) if len(outs) > 1 else outs[0]

        inputs = list(args) + list(variables)
        rec = _record_custom(fname, inputs, ys, vjp_all, jvp_all)
        rec = rec if isinstance(rec, tuple) else (rec,)
        return structure.pack_sequence_as(result, list(rec))

    return wrapper


def recompute_grad(f: Callable) -> Callable:
    """Keep none of ``f``'s intermediates on the tape; recompute them in the backward pass.

    Same gradients as ``f`` itself, for less memory and one more forward pass.

    >>> import gradtape as gt
    >>> block = gt.recompute_grad(lambda x: gt.tanh(x) * x)
    >>> x = gt.constant([1.0, 2.0])
    >>> with gt.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = gt.reduce_sum(block(x))
    >>> g = tape.gradient(y, x)
    """
    from ._engine.forward import ForwardAccumulator
    from ._engine.tape import GradientTape, UnconnectedGradients

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        args = tuple(_ensure_tensor(a) for a in args)
        if not state.stack:
            return f(*args, **kwargs)
        with paused():
            result, variables = _watching(f, *args, **kwargs)
        flat = [_ensure_tensor(y) for y in structure.flatten(result)]
        inputs = list(args) + list(variables)
        n_in, n_args, n_out = len(inputs), len(args), len(flat)

        def vjp_all(m, g, ans, *xs):
            dys = g if isinstance(g, tuple) else (g,)
            dys = [d if isinstance(d, Tensor) else wrap(np.asarray(d)) for d in dys]
            xs_t = [x if isinstance(x, Tensor) else wrap(x) for x in xs[:n_args]]
            with GradientTape() as tape:
                tape.watch(xs_t)
                tape.watch(list(variables))
                out = structure.flatten(f(*xs_t, **kwargs))
            seeds = tape._seeds(out, dys)
            del out  # the recomputed outputs are freed as soon as the sweep has used them
            sources = xs_t + list(variables)
            # Inputs and variables the outputs do not depend on get zeros, as in TensorFlow.
            grads = tape._sweep(seeds, sources, sources, UnconnectedGradients.ZERO)
            grads = [None if gi is None else (gi._value if m.is_raw else gi) for gi in grads]
            return grads + [None] * n_out

        def jvp_all(m, ts, ans, *xs):
            xs_t = [x if isinstance(x, Tensor) else wrap(x) for x in xs[:n_in]]
            tans = [t if t is not None else np.zeros(x.shape, x.dtype) for t, x in zip(ts[:n_in], xs_t)]
            with ForwardAccumulator(xs_t, tans) as acc:
                out = structure.flatten(f(*xs_t[:n_args], **kwargs))
            res = [acc.jvp(o, unconnected_gradients="zero") for o in out]
            res = [r._value if m.is_raw else r for r in res]
            return tuple(res) if len(res) > 1 else res[0]

        rec = _record_custom(getattr(f, "__name__", "recompute_grad"), inputs, flat, vjp_all, jvp_all)
        rec = rec if isinstance(rec, tuple) else (rec,)
        return structure.pack_sequence_as(result, list(rec))

    return wrapper


__all__ = ["custom_gradient", "recompute_grad"]
