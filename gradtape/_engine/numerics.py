"""Checking for NaN and Inf as ops run and as gradients flow (off by default, free when off).

When enabled, every primitive's forward is wrapped with a check, tapes remember where in user
code each recorded op was created, and the reverse sweep checks every gradient it computes.
Disabling restores the original forwards, so nothing is paid when the feature is off.
"""

from __future__ import annotations

import os
import sys

import numpy as np

enabled = False
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_originals: dict = {}


class NumericsError(FloatingPointError):
    """An op produced, or a gradient flowing through it contained, a NaN or an Inf."""


def user_site() -> str:
    """``file:line in function`` of the innermost caller outside the gradtape package."""
    f = sys._getframe(1)
    while f is not None:
        fn = os.path.abspath(f.f_code.co_filename)
        if not fn.startswith(_PACKAGE_DIR + os.sep) and "contextlib" not in fn:
            return f"{f.f_code.co_filename}:{f.f_lineno} in {f.f_code.co_name}"
        f = f.f_back
    return "<unknown>"


def _bad(v) -> str | None:
    a = np.asarray(v)
    if a.dtype.kind not in "fc" or a.size == 0:
        return None
    if np.isfinite(a).all():
        return None
    return "NaN" if np.isnan(a).any() else "Inf"


def _describe_inputs(vals) -> str:
    parts = []
    for v in vals:
        if hasattr(v, "shape") and hasattr(v, "dtype"):
            parts.append(f"{getattr(v.dtype, 'name', v.dtype)}{tuple(v.shape)}")
        else:
            parts.append(type(v).__name__)
    return ", ".join(parts)


def _checked(prim, forward):
    def forward_checked(*vals, **attrs):
        out = forward(*vals, **attrs)
        outs = out if prim.n_out is not None else (out,)
        for o in outs:
            kind = _bad(o)
            if kind is not None:
                raise NumericsError(
                    f"op '{prim.name}' produced {kind} in its output; inputs: "
                    f"({_describe_inputs(vals)}); created at {user_site()}")
        return out
    return forward_checked


def enable() -> None:
    global enabled
    if enabled:
        return
    from .primitive import PRIMITIVES
    for prim in PRIMITIVES.values():
        _originals[prim] = prim.forward
        prim.forward = _checked(prim, prim.forward)
    enabled = True


def disable() -> None:
    global enabled
    for prim, fwd in _originals.items():
        prim.forward = fwd
    _originals.clear()
    enabled = False


def check_gradient(prim, gi, arg: int, saved_in, out_ids, sites) -> None:
    kind = _bad(gi._value if hasattr(gi, "_value") else gi)
    if kind is None:
        return
    site = sites.get(out_ids[0], "<unknown: enable check numerics before recording>") if sites else "<unknown>"
    raise NumericsError(
        f"the gradient for input {arg} of op '{prim.name}' contains {kind}; op inputs: "
        f"({_describe_inputs(saved_in)}); op created at {site}")
