"""Guarded products and special functions: ``multiply_no_nan``, ``reciprocal_no_nan``,
``xlog1py``, ``lbeta`` and ``polyval``, as in ``tf.math``.

``multiply_no_nan`` is a primitive because its gradients are TensorFlow's: for ``x`` it is
``multiply_no_nan(g, y)`` (0 where ``y == 0``) and for ``y`` it is ``multiply_no_nan(x, g)``
(still ``x * g`` where ``y == 0``), which no composite of ``where`` reproduces. The rules are
written with ``multiply_no_nan`` itself, so every order of derivative follows TensorFlow's.
The other functions are composites of differentiable ops: ``reciprocal_no_nan`` is
``divide_no_nan(1, x)`` as in TensorFlow, ``xlog1py`` masks ``y`` where ``x == 0`` before
``log1p`` (so ``xlog1py(0, -1)`` is 0 with gradients 0, as TensorFlow's), ``lbeta`` sums
``lgamma`` over the last axis and ``polyval`` runs Horner's rule.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.primitive import bind2, primitive
from .._engine.tensor import Tensor, to_array, wrap
from .array import where
from .math import divide_no_nan, lgamma, log1p
from .reduce import reduce_sum


def _tensor(x) -> Tensor:
    return x if isinstance(x, Tensor) else wrap(to_array(x))


def _is_scalar(x) -> bool:
    return type(x) in (bool, int, float, complex)


def _pair(x, y) -> tuple:
    """Two tensors; a Python value (a number or a list) beside a tensor takes its dtype."""
    if isinstance(x, Tensor) and not isinstance(y, (Tensor, np.ndarray, np.generic)):
        y = wrap(np.asarray(y, x.dtype))
    elif isinstance(y, Tensor) and not isinstance(x, (Tensor, np.ndarray, np.generic)):
        x = wrap(np.asarray(x, y.dtype))
    return _tensor(x), _tensor(y)


def _inexact(op: str, arg: str, x: Tensor) -> None:
    if x.dtype.kind not in "fc":
        raise TypeError(f"{op}: {arg} must be a floating-point or complex tensor, got dtype "
                        f"{x.dtype.name}; cast it first, e.g. gt.cast({arg}, gt.float32)")


def _same_dtype(op: str, x, y) -> None:
    if isinstance(x, Tensor) and isinstance(y, Tensor) and x.dtype != y.dtype:
        raise TypeError(f"{op}: x and y must have the same dtype, got {x.dtype.name} and "
                        f"{y.dtype.name}; cast one of them with gt.cast")


def _inexact_pair(op: str, x, y) -> tuple:
    """``x`` and ``y`` as tensors of one floating-point or complex dtype, or a clear error."""
    x, y = _pair(x, y)
    _same_dtype(op, x, y)
    _inexact(op, "x", x)
    _inexact(op, "y", y)
    return x, y


# -- multiply_no_nan -----------------------------------------------------------------------------
def _multiply_no_nan_fwd(x, y):
    with np.errstate(invalid="ignore", over="ignore"):
        p = np.multiply(x, y)
    return np.where(np.equal(y, 0), np.zeros((), np.result_type(p)), p)


_multiply_no_nan = primitive(
    "multiply_no_nan", _multiply_no_nan_fwd,
    vjp=(lambda m, g, ans, x, y: m.multiply_no_nan(g, y),
         lambda m, g, ans, x, y: m.multiply_no_nan(x, g)),
    jvp=(lambda m, t, ans, x, y: m.multiply_no_nan(t, y),
         lambda m, t, ans, x, y: m.multiply_no_nan(x, t)),
    save_out=False)


def multiply_no_nan(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Elementwise ``x * y``, and 0 wherever ``y == 0`` even if ``x`` is inf or NaN.

    The gradients are TensorFlow's: ``multiply_no_nan(g, y)`` for ``x`` and
    ``multiply_no_nan(x, g)`` for ``y`` (no conjugates for complex inputs, as in TensorFlow).
    ``x`` and ``y`` must have one floating-point or complex dtype.

    >>> import gradtape as gt
    >>> gt.math.multiply_no_nan(gt.constant([float("inf"), 2.0]), gt.constant([0.0, 3.0])).numpy()
    array([0., 6.], dtype=float32)
    """
    op = "multiply_no_nan"
    x, y = _inexact_pair(op, x, y)
    return bind2(_multiply_no_nan, x, y)


# -- composites ----------------------------------------------------------------------------------
def reciprocal_no_nan(x: Any, name: str | None = None) -> Tensor:
    """Elementwise ``1 / x``, and 0 wherever ``x == 0``.

    As TensorFlow's, it is ``divide_no_nan(1, x)``: the gradient is ``-1 / x**2`` and 0 where
    ``x == 0``.

    >>> import gradtape as gt
    >>> gt.math.reciprocal_no_nan(gt.constant([2.0, 0.0])).numpy()
    array([0.5, 0. ], dtype=float32)
    """
    x = _tensor(x)
    _inexact("reciprocal_no_nan", "x", x)
    return divide_no_nan(1, x)


def xlog1py(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Elementwise ``x * log1p(y)``, and 0 wherever ``x == 0`` (even for ``y <= -1`` or NaN).

    The gradients are TensorFlow's: ``log1p(y)`` for ``x`` and ``x / (1 + y)`` for ``y``, both
    0 where ``x == 0``, so ``xlog1py(0, -1)`` has finite gradients.

    >>> import gradtape as gt
    >>> gt.math.xlog1py(gt.constant([0.0, 2.0]), gt.constant([-1.0, 0.0])).numpy()
    array([0., 0.], dtype=float32)
    """
    op = "xlog1py"
    x, y = _inexact_pair(op, x, y)
    zero = np.equal(x._value, 0)
    safe_y = where(zero, 0, y)  # log1p never sees the masked y: no inf or NaN in its gradient
    return where(zero, 0, x * log1p(safe_y))


def lbeta(x: Any, name: str | None = None) -> Tensor:
    """Log of the multivariate beta function over the last axis:
    ``sum(lgamma(x), -1) - lgamma(sum(x, -1))``.

    An empty last axis gives ``-inf``, as in TensorFlow. The gradient is
    ``digamma(x) - digamma(sum(x, -1))``.

    >>> import gradtape as gt
    >>> y = gt.math.lbeta(gt.constant([[1.0, 2.0], [3.0, 4.0]]))
    >>> print(y.numpy().round(4))  # log B(1, 2) = log(1/2), log B(3, 4) = log(1/60)
    [-0.6931 -4.0943]
    """
    x = _tensor(x)
    if x.ndim == 0:
        raise ValueError("lbeta: x must have rank >= 1 (the last axis holds the beta function's "
                         "arguments), got a scalar; use gt.reshape(x, [1]) for one argument")
    if x.dtype.kind != "f":
        raise TypeError(f"lbeta: x must be a floating-point tensor, got dtype {x.dtype.name}; "
                        "cast it first, e.g. gt.cast(x, gt.float32)")
    return reduce_sum(lgamma(x), axis=-1) - lgamma(reduce_sum(x, axis=-1))


def polyval(coeffs: list, x: Any, name: str | None = None) -> Tensor:
    """The polynomial ``coeffs[0] * x**(n-1) + ... + coeffs[n-1]`` at ``x`` (elementwise),
    by Horner's rule: ``p = coeffs[0]``, then ``p = c + p * x`` for each next ``c``.

    ``coeffs`` is a list of tensors (they broadcast with ``x``). An empty list gives
    ``zeros_like(x)`` and a single coefficient is returned as is, as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.math.polyval([2.0, 0.0, 1.0], gt.constant([1.0, 3.0])).numpy()  # 2 x**2 + 1
    array([ 3., 19.], dtype=float32)
    """
    if not isinstance(coeffs, list):
        raise ValueError(f"polyval: coeffs must be a list of tensors, got {type(coeffs).__name__}; "
                         "for a tensor of coefficients c use gt.unstack(c)")
    x = _tensor(x)
    if not coeffs:
        return wrap(np.zeros_like(x._value))
    cs = [c if _is_scalar(c) else _tensor(c) for c in coeffs]
    p = cs[0] if len(cs) > 1 else _tensor(cs[0])
    for c in cs[1:]:
        p = c + p * x
    return p


__all__ = ["multiply_no_nan", "reciprocal_no_nan", "xlog1py", "lbeta", "polyval"]
