"""Declaring ops: a primitive plus its public function, with a runnable docstring example."""

from __future__ import annotations

from typing import Callable

import numpy as np

from .._engine.primitive import bind, bind1, primitive, raw
from ._rules import conj


def is_complex(x) -> bool:
    dt = getattr(x, "dtype", None)
    return dt.kind == "c" if dt is not None else type(x) is complex


def _doc(name: str, summary: str, example: str) -> str:
    return f"""{summary}

    >>> import gradtape as gt
    >>> {example}
    """


def unary(name: str, forward: Callable, deriv: Callable | None, *, uses: str = "x",
          summary: str = "", example: str | None = None, domain=None) -> Callable:
    """Declare an elementwise op ``y = f(x)`` from its derivative ``deriv(m, y, x) = f'(x)``.

    The VJP is ``g * conj(f'(x))`` (TensorFlow's convention for complex inputs) and the JVP
    ``t * f'(x)``. ``uses`` says what ``deriv`` reads: ``"x"``, ``"y"`` or ``"xy"``, so the tape
    keeps only that.
    """
    if deriv is None:
        p = primitive(name, forward, vjp=(None,), jvp=(None,))
    else:
        def vjp(m, g, ans, x):
            d = deriv(m, ans, x)
            return g * (m.conj(d) if is_complex(d) else d)

        def jvp(m, t, ans, x):
            return t * deriv(m, ans, x)

        def vjp_inplace(g, ans, x):
            d = deriv(raw, ans, x)
            dt = getattr(d, "dtype", None)  # is_complex(d), inline
            if (dt.kind == "c" if dt is not None else type(d) is complex) or g.dtype.kind != "f":
                return vjp(raw, g, ans, x)
            return np.multiply(g, d, out=g)

        p = primitive(name, forward, vjp=(vjp,), jvp=(jvp,), vjp_inplace=vjp_inplace,
                      save_args=(0,) if "x" in uses else (), save_out="y" in uses, elementwise=True)

    def op(x, name=None):
        return bind1(p, x)

    op.__name__ = op.__qualname__ = name
    example = example or f"y = gt.math.{name}(gt.constant([0.25, 0.5]))"
    op.__doc__ = _doc(name, summary or f"Elementwise ``{name}``.", example)
    op.primitive = p
    if domain is not None:
        op.domain = domain
    return op


def public(name: str, prim, summary: str, example: str, signature: Callable | None = None):
    """Give a primitive a public function that binds its positional arguments."""
    def op(*args, name=None):
        return bind(prim, *args)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = _doc(name, summary, example)
    op.primitive = prim
    return op


__all__ = ["unary", "public", "is_complex", "conj"]
