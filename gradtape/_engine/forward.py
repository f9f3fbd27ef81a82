"""ForwardAccumulator: forward-mode derivatives (JVPs), as ``tf.autodiff.ForwardAccumulator``.

The accumulator keeps a tangent per tracked tensor id. Every op that runs while it is active
and has an input with a tangent gets an output tangent from the primitive's JVP rule. The rule
runs with only the recorders outside this accumulator active, so outer accumulators and tapes
see the tangent computation (nested forward mode, reverse-over-forward); a tape inside the
accumulator that computes a gradient is seen by it (forward-over-reverse Hessian-vector
products).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from . import structure
from .backprop import GradientRuleError
from .primitive import diff, raw
from .state import only_outer, state
from .tensor import Tensor, is_differentiable_dtype, to_array, wrap
from .tape import UnconnectedGradients, _unconnected


def _zeros_for(v):
    if isinstance(v, (bool, int, float, complex)):
        return 0.0
    return np.zeros(v.shape, dtype=v.dtype)


class ForwardAccumulator:
    """Compute Jacobian-vector products with forward-mode autodiff.

    >>> import gradtape as gt
    >>> x = gt.constant([1.0, 2.0])
    >>> with gt.autodiff.ForwardAccumulator(x, gt.constant([1.0, 0.0])) as acc:
    ...     y = x * x
    >>> acc.jvp(y).numpy()
    array([2., 0.], dtype=float32)
    """

    def __init__(self, primals: Any, tangents: Any):
        flat_p = structure.flatten(primals)
        flat_t = structure.flatten(tangents)
        if len(flat_p) != len(flat_t):
            raise ValueError(
                f"ForwardAccumulator: got {len(flat_p)} primals but {len(flat_t)} tangents; give "
                "one tangent per primal, in the same structure")
        self._tangents: dict = {}
        self._recording = False
        seen: set = set()
        for p, t in zip(flat_p, flat_t):
            if not isinstance(p, Tensor):
                raise ValueError(
                    f"ForwardAccumulator: primals must be gt.Tensor or gt.Variable, got "
                    f"{type(p).__name__}; convert it with gt.constant first")
            if p._id in seen:
                raise ValueError(
                    "ForwardAccumulator: a tensor was given as a primal more than once; give it "
                    "once, with the sum of its tangents")
            seen.add(p._id)
            if not is_differentiable_dtype(p.dtype):
                warnings.warn(
                    f"ForwardAccumulator: the primal has dtype {p.dtype.name}; only floating and "
                    "complex dtypes (e.g. gt.float32) get tangents", stacklevel=2)
                continue
            if isinstance(t, Tensor) and t.dtype != p.dtype:
                raise ValueError(
                    f"ForwardAccumulator: a tangent of dtype {t.dtype.name} for a primal of dtype "
                    f"{p.dtype.name}; they must match")
            tv = to_array(t, p.dtype)
            if tuple(tv.shape) != tuple(p.shape):
                raise ValueError(
                    f"ForwardAccumulator: tangent shape {tuple(tv.shape)} does not match its "
                    f"primal's shape {tuple(p.shape)}")
            self._tangents[p._id] = tv

    def __enter__(self) -> "ForwardAccumulator":
        if self._recording:
            raise ValueError("ForwardAccumulator: this accumulator is already active")
        state.stack = state.stack + [self]
        self._recording = True
        return self

    def __exit__(self, typ, value, tb) -> None:
        if self._recording:
            state.stack = [r for r in state.stack if r is not self]
            self._recording = False

    def record1(self, prim, x, xv, o) -> None:
        """``bind1``'s call: a one-argument op without attributes."""
        self.record(prim, (x,), (xv,), (o,), {})

    def record2(self, prim, x, y, xv, yv, o) -> None:
        """``bind2``'s call: a two-argument op without attributes."""
        self.record(prim, (x, y), (xv, yv), (o,), {})

    def record(self, prim, args, vals, outs, attrs) -> None:
        tans = self._tangents
        ts = None
        for k, a in enumerate(args):
            if isinstance(a, Tensor):
                t = tans.get(a._id)
                if t is not None:
                    if ts is None:
                        ts = [None] * len(args)
                    ts[k] = t
        if ts is None:
            return
        if not any(o._value.dtype.kind in "fc" for o in outs):
            return
        if prim.jvp is None and prim.jvp_all is None:
            if prim.diff_args == ():
                return
            raise NotImplementedError(f"op '{prim.name}' has no forward-mode (JVP) rule")
        with only_outer(self):
            diffmode = bool(state.stack)
            if diffmode:
                m = diff
                xs = list(args)
                ts = [t if (t is None or isinstance(t, Tensor)) else wrap(t) for t in ts]
                ans = outs if prim.n_out is not None else outs[0]
            else:
                m = raw
                xs = vals
                ts = [t._value if isinstance(t, Tensor) else t for t in ts]
                ans = tuple(o._value for o in outs) if prim.n_out is not None else outs[0]._value
            res = self._jvp(prim, m, ts, ans, xs, attrs)
            res = res if prim.n_out is not None else (res,)
            for o, r in zip(outs, res):
                if r is None or not is_differentiable_dtype(o.dtype):
                    continue
                if tuple(r.shape) != tuple(o.shape):
                    try:
                        r = m.broadcast_to(r, shape=tuple(o.shape))
                    except ValueError as e:
                        raise GradientRuleError(
                            f"the JVP rule of op '{prim.name}' returned shape {tuple(r.shape)} for an "
                            f"output of shape {tuple(o.shape)}") from e
                if r.dtype != o.dtype:
                    r = m.cast(r, dtype=o.dtype)
                tans[o._id] = r

    @staticmethod
    def _jvp(prim, m, ts, ans, xs, attrs):
        if prim.jvp == "linear":
            da = prim.diff_args if prim.diff_args is not None else range(len(xs))
            args = list(xs)
            for k in da:
                t = ts[k]
                args[k] = t if t is not None else _zeros_for(xs[k])
            if m.is_raw:
                return prim.forward(*args, **attrs)
            from .primitive import bind
            return bind(prim, *args, **attrs)
        if prim.jvp_all is not None:
            return prim.jvp_all(m, ts, ans, *xs, **attrs)
        total = None
        for k, t in enumerate(ts):
            if t is None:
                continue
            rule = prim.jvp[k]
            if rule is None:
                continue
            c = rule(m, t, ans, *xs, **attrs)
            if total is None:
                total = c
            elif prim.n_out is not None:  # several outputs: add per output
                total = tuple(a if b is None else (b if a is None else a + b) for a, b in zip(total, c))
            else:
                total = total + c
        return total

    def jvp(self, primals: Any, unconnected_gradients=UnconnectedGradients.NONE):
        """The tangent of each tensor in ``primals`` (same structure).

        >>> import gradtape as gt
        >>> x = gt.constant(2.0)
        >>> with gt.autodiff.ForwardAccumulator(x, gt.constant(1.0)) as acc:
        ...     y = x ** 3
        >>> float(acc.jvp(y))
        12.0
        """
        unconnected = _unconnected(unconnected_gradients)
        flat = structure.flatten(primals)
        out = []
        for p in flat:
            if not isinstance(p, Tensor):
                raise ValueError(f"ForwardAccumulator.jvp: expected gt.Tensor, got {type(p).__name__}")
            t = self._tangents.get(p._id)
            if t is None:
                if unconnected is UnconnectedGradients.ZERO:  # any dtype, as TensorFlow
                    t = np.zeros(p.shape, dtype=p.dtype)
                else:
                    out.append(None)
                    continue
            out.append(t if isinstance(t, Tensor) else wrap(np.asarray(t) if not isinstance(
                t, (np.ndarray, np.generic)) else t))
        return structure.pack_sequence_as(primals, out)
