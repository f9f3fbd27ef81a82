"""Gradient checking against float64 central differences (``gt.test``).

``check_gradients(f, args, order=2, modes=("rev", "fwd"))`` compares, in random directions,
reverse mode (``u . J v`` from ``tape.gradient``) and forward mode (``u . J v`` from a
``ForwardAccumulator``) with a central difference of ``f``; for ``order=2`` it repeats the
check on the function ``x -> d/dx (u . f(x))`` computed with a tape, so second derivatives are
checked through both modes as well.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from ._engine import structure
from ._engine.forward import ForwardAccumulator
from ._engine.tape import GradientTape
from ._engine.tensor import Tensor, wrap


class GradientCheckError(AssertionError):
    """A derivative disagrees with the central difference."""


def _flat_out(f, xs):
    out = f(*xs)
    return [o for o in structure.flatten(out)]


def _as64(a):
    a = np.asarray(a._value if isinstance(a, Tensor) else a)
    return a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)


def _real_dot(a, b) -> float:
    return float(np.sum(np.real(np.conj(a) * b))) if np.iscomplexobj(a) or np.iscomplexobj(b) else float(np.sum(a * b))


def _rand_like(rng, a):
    if a.dtype.kind == "c":
        return rng.standard_normal(a.shape) + 1j * rng.standard_normal(a.shape)
    return rng.standard_normal(a.shape)


def _numeric_directional(f, xs, vs, eps):
    plus = [wrap(x + eps * v) for x, v in zip(xs, vs)]
    minus = [wrap(x - eps * v) for x, v in zip(xs, vs)]
    fp = [_as64(o) for o in _flat_out(f, plus)]
    fm = [_as64(o) for o in _flat_out(f, minus)]
    return [(a - b) / (2 * eps) for a, b in zip(fp, fm)]


def _check_first(f, xs, modes, rng, eps, rtol, atol, label):
    xt = [wrap(x) for x in xs]
    vs = [_rand_like(rng, x) for x in xs]
    numeric = _numeric_directional(f, xs, vs, eps)
    outs0 = [_as64(o) for o in _flat_out(f, xt)]
    us = [_rand_like(rng, o) for o in outs0]
    expect = sum(_real_dot(u, d) for u, d in zip(us, numeric))
    scale = max(1.0, abs(expect))
    if "rev" in modes:
        xt = [wrap(x) for x in xs]
        with GradientTape() as tape:
            tape.watch(xt)
            outs = _flat_out(f, xt)
        diff_outs = [o for o in outs if o.dtype.kind in "fc"]
        ogs = [wrap(u.astype(o.dtype)) for u, o in zip(us, outs) if o.dtype.kind in "fc"]
        grads = tape.gradient(diff_outs, xt, output_gradients=ogs,
                              unconnected_gradients="zero") if diff_outs else [None] * len(xt)
        got = sum(_real_dot(_as64(g), v) for g, v in zip(grads, vs) if g is not None)
        if not abs(got - expect) <= atol + rtol * scale:
            raise GradientCheckError(
                f"{label}reverse mode: u.J.v = {got!r} but central differences give {expect!r}")
    if "fwd" in modes:
        xt = [wrap(x) for x in xs]
        with ForwardAccumulator(xt, [wrap(v.astype(x.dtype)) for v, x in zip(vs, xs)]) as acc:
            outs = _flat_out(f, xt)
        tans = [acc.jvp(o, unconnected_gradients="zero") for o in outs]
        got = sum(_real_dot(u, _as64(t)) for u, t in zip(us, tans) if t is not None)
        if not abs(got - expect) <= atol + rtol * scale:
            raise GradientCheckError(
                f"{label}forward mode: u.J.v = {got!r} but central differences give {expect!r}")


def check_gradients(f: Callable, args: Sequence, order: int = 2, modes=("rev", "fwd"),
                    eps: float = 1e-6, rtol: float = 1e-5, atol: float = 1e-6, seed: int = 0) -> None:
    """Check ``f``'s derivatives up to ``order`` against float64 central differences.

    ``args`` are converted to float64 (complex128 for complex values). Raises
    :class:`GradientCheckError` on a mismatch.

    >>> import gradtape as gt
    >>> gt.test.check_gradients(lambda x: gt.sin(x) * x, [[0.5, 1.0]])
    """
    rng = np.random.default_rng(seed)
    xs = [_as64(a) for a in args]
    _check_first(f, xs, modes, rng, eps, rtol, atol, "")
    fn = f
    for k in range(2, order + 1):
        fn = _gradient_of(fn, xs, rng)
        _check_first(fn, xs, modes, rng, eps, rtol * 10, atol * 10, f"order {k}: ")


def _gradient_of(f, xs, rng):
    """``x -> gradient of sum(u * f(x))`` for a fixed random ``u`` (computed with a tape)."""
    outs0 = [_as64(o) for o in _flat_out(f, [wrap(x) for x in xs])]
    us = [_rand_like(rng, o) for o in outs0]

    def grad_fn(*xt):
        with GradientTape() as tape:
            tape.watch(list(xt))
            outs = _flat_out(f, list(xt))
        diff_outs = [o for o in outs if o.dtype.kind in "fc"]
        ogs = [wrap(u.astype(o.dtype)) for u, o in zip(us, outs) if o.dtype.kind in "fc"]
        return tape.gradient(diff_outs, list(xt), output_gradients=ogs, unconnected_gradients="zero")

    return grad_fn


def compute_gradient(f: Callable, x: Sequence, delta: float | None = None):
    """Theoretical and numerical Jacobians of ``f`` at ``x``, as ``tf.test.compute_gradient``.

    Returns ``(theoretical, numerical)``: two lists with one 2-D array per argument, of shape
    ``(y.size, x_i.size)``.

    >>> import gradtape as gt
    >>> theo, num = gt.test.compute_gradient(lambda x: x * x, [gt.constant([1.0, 2.0], gt.float64)])
    >>> theo[0]
    array([[2., 0.],
           [0., 4.]])
    """
    xs = [np.asarray(a._value if isinstance(a, Tensor) else a) for a in x]
    delta = delta if delta is not None else (1e-3 if all(a.dtype == np.float32 for a in xs) else 1e-6)
    xt = [wrap(a) for a in xs]
    with GradientTape(persistent=True) as tape:
        tape.watch(xt)
        y = f(*xt)
    theoretical = []
    for xi in xt:
        j = tape.jacobian(y, xi, unconnected_gradients="zero")
        theoretical.append(np.asarray(j.numpy(), dtype=np.float64).reshape(y.numpy().size, xi.numpy().size))
    numerical = []
    for i, a in enumerate(xs):
        cols = []
        flat = a.reshape(-1)
        for k in range(flat.size):
            e = np.zeros_like(flat)
            e[k] = delta
            plus = [wrap(b) if j != i else wrap((flat + e).reshape(a.shape)) for j, b in enumerate(xs)]
            minus = [wrap(b) if j != i else wrap((flat - e).reshape(a.shape)) for j, b in enumerate(xs)]
            d = (np.asarray(f(*plus).numpy(), np.float64) - np.asarray(f(*minus).numpy(), np.float64)) / (2 * delta)
            cols.append(d.reshape(-1))
        numerical.append(np.stack(cols, axis=1) if cols else np.zeros((np.size(y.numpy()), 0)))
    return theoretical, numerical


__all__ = ["check_gradients", "compute_gradient", "GradientCheckError"]
