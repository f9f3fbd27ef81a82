"""Elementwise math: arithmetic, powers, exponentials, trigonometry, comparisons, casts.

Each op is declared once: its NumPy forward, its VJP and its JVP side by side. Binary ops
broadcast; the engine reduces their gradients back to each input's shape. Kinks follow
TensorFlow: ``abs`` and ``sign`` have gradient 0 at 0; ``maximum`` sends a tie's gradient to
``x`` (``x >= y``) and ``minimum`` to ``x`` too (``x <= y``).
"""

from __future__ import annotations

import numpy as np

from .._engine.primitive import bind, primitive
from .._engine.tensor import Tensor, as_dtype, wrap
from ._declare import is_complex, unary


def _c(m, x):
    return m.conj(x) if is_complex(x) else x


# -- arithmetic ------------------------------------------------------------------------------
_add = primitive("add", np.add, vjp=(lambda m, g, a, x, y: g, lambda m, g, a, x, y: g),
                 jvp="linear", save_args=(), save_out=False)
_subtract = primitive("subtract", np.subtract,
                      vjp=(lambda m, g, a, x, y: g, lambda m, g, a, x, y: -g),
                      jvp="linear", save_args=(), save_out=False)
_multiply = primitive("multiply", np.multiply,
                      vjp=(lambda m, g, a, x, y: g * _c(m, y), lambda m, g, a, x, y: _c(m, x) * g),
                      jvp=(lambda m, t, a, x, y: t * y, lambda m, t, a, x, y: x * t),
                      save_out=False)
_divide = primitive("divide", np.true_divide,
                    vjp=(lambda m, g, a, x, y: g / _c(m, y),
                         lambda m, g, a, x, y: -g * _c(m, a) / _c(m, y)),
                    jvp=(lambda m, t, a, x, y: t / y, lambda m, t, a, x, y: -t * a / y))
_negative = primitive("negative", np.negative, vjp=(lambda m, g, a, x: -g,), jvp="linear",
                      save_args=(), save_out=False)


def _pow_dx(m, g, z, x, y):
    return g * _c(m, y * x ** (y - 1))


def _pow_dy(m, g, z, x, y):
    # TensorFlow's rule: log(x) is taken as 0 where x <= 0 (real inputs).
    if is_complex(x):
        return g * _c(m, z * m.log(m.where(x != 0, x, 1)))
    safe = m.where(x > 0, x, 1)
    return g * z * m.where(x > 0, m.log(safe), 0)


_pow = primitive("pow", np.power, vjp=(_pow_dx, _pow_dy),
                 jvp=(lambda m, t, z, x, y: t * y * x ** (y - 1),
                      lambda m, t, z, x, y: t * z * m.log(m.where(x > 0, x, 1)) * (x > 0)
                      if not is_complex(x) else t * z * m.log(x)))


def _floormod_dy(m, g, a, x, y):
    return -g * m.floor(x / y)


_floordiv = primitive("floordiv", np.floor_divide, vjp=(None, None), jvp=(None, None))
_floormod = primitive("floormod", np.mod, vjp=(lambda m, g, a, x, y: g, _floormod_dy),
                      jvp=(lambda m, t, a, x, y: t, lambda m, t, a, x, y: -t * m.floor(x / y)),
                      save_out=False)


def _max_dx(m, g, a, x, y):
    return m.where(x >= y, g, 0)


def _max_dy(m, g, a, x, y):
    return m.where(x >= y, 0, g)


def _min_dx(m, g, a, x, y):
    return m.where(x <= y, g, 0)


def _min_dy(m, g, a, x, y):
    return m.where(x <= y, 0, g)


_maximum = primitive("maximum", np.maximum, vjp=(_max_dx, _max_dy), jvp=(_max_dx, _max_dy),
                     save_out=False)
_minimum = primitive("minimum", np.minimum, vjp=(_min_dx, _min_dy), jvp=(_min_dx, _min_dy),
                     save_out=False)


def add(x, y, name=None):
    """Elementwise ``x + y`` with broadcasting.

    >>> import gradtape as gt
    >>> gt.add(gt.constant([1.0, 2.0]), 1.0).numpy()
    array([2., 3.], dtype=float32)
    """
    return bind(_add, x, y)


def subtract(x, y, name=None):
    """Elementwise ``x - y`` with broadcasting.

    >>> import gradtape as gt
    >>> gt.subtract(gt.constant([1.0, 2.0]), 1.0).numpy()
    array([0., 1.], dtype=float32)
    """
    return bind(_subtract, x, y)


def multiply(x, y, name=None):
    """Elementwise ``x * y`` with broadcasting.

    >>> import gradtape as gt
    >>> gt.multiply(gt.constant([1.0, 2.0]), 3.0).numpy()
    array([3., 6.], dtype=float32)
    """
    return bind(_multiply, x, y)


def divide(x, y, name=None):
    """Elementwise true division ``x / y`` (integers give floats, as in TensorFlow).

    >>> import gradtape as gt
    >>> gt.divide(gt.constant([1.0, 2.0]), 2.0).numpy()
    array([0.5, 1. ], dtype=float32)
    """
    return bind(_divide, x, y)


truediv = divide


def negative(x, name=None):
    """Elementwise ``-x``.

    >>> import gradtape as gt
    >>> gt.negative(gt.constant([1.0])).numpy()
    array([-1.], dtype=float32)
    """
    return bind(_negative, x)


def pow(x, y, name=None):  # noqa: A001 - TensorFlow's name
    """Elementwise ``x ** y``. The gradient for ``y`` treats ``log(x)`` as 0 where ``x <= 0``.

    >>> import gradtape as gt
    >>> gt.pow(gt.constant([2.0, 3.0]), 2.0).numpy()
    array([4., 9.], dtype=float32)
    """
    return bind(_pow, x, y)


def floordiv(x, y, name=None):
    """Elementwise floor division (no gradient, as in TensorFlow).

    >>> import gradtape as gt
    >>> gt.math.floordiv(gt.constant([7.0]), 2.0).numpy()
    array([3.], dtype=float32)
    """
    return bind(_floordiv, x, y)


def floormod(x, y, name=None):
    """Elementwise remainder of floor division, with the sign of ``y``.

    >>> import gradtape as gt
    >>> gt.math.floormod(gt.constant([7.0, -7.0]), 3.0).numpy()
    array([1., 2.], dtype=float32)
    """
    return bind(_floormod, x, y)


mod = floormod


def maximum(x, y, name=None):
    """Elementwise maximum. A tie sends the gradient to ``x``, as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.maximum(gt.constant([1.0, 5.0]), 2.0).numpy()
    array([2., 5.], dtype=float32)
    """
    return bind(_maximum, x, y)


def minimum(x, y, name=None):
    """Elementwise minimum. A tie sends the gradient to ``x``, as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.minimum(gt.constant([1.0, 5.0]), 2.0).numpy()
    array([1., 2.], dtype=float32)
    """
    return bind(_minimum, x, y)


# -- unary -----------------------------------------------------------------------------------
def _sigmoid_fwd(x):
    # Stable for large |x| in both directions.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(np.result_type(x), copy=False)


def _abs_deriv(m, y, x):
    return m.sign(x)


def _abs_vjp(m, g, ans, x):
    if is_complex(x):
        return g * x / m.cast(m.where(ans != 0, ans, 1), dtype=x.dtype)
    return g * m.sign(x)


def _abs_jvp(m, t, ans, x):
    if is_complex(x):
        return m.real(m.conj(x) * t) / m.where(ans != 0, ans, 1)
    return t * m.sign(x)


_abs = primitive("abs", np.abs, vjp=(_abs_vjp,), jvp=(_abs_jvp,))


def abs(x, name=None):  # noqa: A001 - TensorFlow's name
    """Elementwise absolute value (modulus for complex). The gradient at 0 is 0.

    >>> import gradtape as gt
    >>> gt.abs(gt.constant([-1.0, 2.0])).numpy()
    array([1., 2.], dtype=float32)
    """
    return bind(_abs, x)


square = unary("square", np.square, lambda m, y, x: 2 * x, summary="Elementwise ``x * x``.")
sqrt = unary("sqrt", np.sqrt, lambda m, y, x: 0.5 / y, uses="y", summary="Elementwise square root.")
rsqrt = unary("rsqrt", lambda x: 1 / np.sqrt(x), lambda m, y, x: -0.5 * y * y * y, uses="y",
              summary="Elementwise ``1 / sqrt(x)``.")
reciprocal = unary("reciprocal", np.reciprocal, lambda m, y, x: -y * y, uses="y",
                   summary="Elementwise ``1 / x``.")
exp = unary("exp", np.exp, lambda m, y, x: y, uses="y", summary="Elementwise ``e ** x``.")
expm1 = unary("expm1", np.expm1, lambda m, y, x: y + 1, uses="y", summary="Elementwise ``exp(x) - 1``, accurate near 0.")
log = unary("log", np.log, lambda m, y, x: 1 / x, summary="Elementwise natural logarithm.")
log1p = unary("log1p", np.log1p, lambda m, y, x: 1 / (1 + x), summary="Elementwise ``log(1 + x)``, accurate near 0.")
sin = unary("sin", np.sin, lambda m, y, x: m.cos(x), summary="Elementwise sine.")
cos = unary("cos", np.cos, lambda m, y, x: -m.sin(x), summary="Elementwise cosine.")
tan = unary("tan", np.tan, lambda m, y, x: 1 + y * y, uses="y", summary="Elementwise tangent.")
asin = unary("asin", np.arcsin, lambda m, y, x: m.rsqrt(1 - x * x), summary="Elementwise arcsine.")
acos = unary("acos", np.arccos, lambda m, y, x: -m.rsqrt(1 - x * x), summary="Elementwise arccosine.")
atan = unary("atan", np.arctan, lambda m, y, x: 1 / (1 + x * x), summary="Elementwise arctangent.")
sinh = unary("sinh", np.sinh, lambda m, y, x: m.cosh(x), summary="Elementwise hyperbolic sine.")
cosh = unary("cosh", np.cosh, lambda m, y, x: m.sinh(x), summary="Elementwise hyperbolic cosine.")
tanh = unary("tanh", np.tanh, lambda m, y, x: 1 - y * y, uses="y", summary="Elementwise hyperbolic tangent.")
asinh = unary("asinh", np.arcsinh, lambda m, y, x: m.rsqrt(x * x + 1), summary="Elementwise inverse hyperbolic sine.")
acosh = unary("acosh", np.arccosh, lambda m, y, x: m.rsqrt(x * x - 1), summary="Elementwise inverse hyperbolic cosine.")
atanh = unary("atanh", np.arctanh, lambda m, y, x: 1 / (1 - x * x), summary="Elementwise inverse hyperbolic tangent.")
sigmoid = unary("sigmoid", _sigmoid_fwd, lambda m, y, x: y * (1 - y), uses="y",
                summary="Elementwise logistic function ``1 / (1 + exp(-x))``, stable for large ``|x|``.")
sign = unary("sign", np.sign, lambda m, y, x: y * 0, uses="y",
             summary="Elementwise sign (-1, 0 or 1). Its gradient is 0 everywhere, as in TensorFlow.")
floor = unary("floor", np.floor, None, summary="Elementwise floor (no gradient, as in TensorFlow).")
ceil = unary("ceil", np.ceil, None, summary="Elementwise ceiling (no gradient, as in TensorFlow).")
round = unary("round", np.round, None,  # noqa: A001 - TensorFlow's name
              summary="Elementwise rounding half to even (no gradient, as in TensorFlow).")

# -- complex parts and casts -----------------------------------------------------------------
_real = primitive("real", np.real, vjp=(lambda m, g, a, x: g,), jvp="linear", save_args=(), save_out=False)
_imag = primitive("imag", np.imag,
                  vjp=(lambda m, g, a, x: m.complex(m.zeros_like(g), g),),
                  jvp="linear", save_args=(), save_out=False)
_conj = primitive("conj", np.conj, vjp=(lambda m, g, a, x: m.conj(g),), jvp="linear",
                  save_args=(), save_out=False)
def _complex_fwd(re, im):
    dt = np.complex128 if np.result_type(re, im) == np.float64 else np.complex64
    return (np.asarray(re) + 1j * np.asarray(im)).astype(dt)


_complex = primitive("complex", _complex_fwd,
                     vjp=(lambda m, g, a, re, im: m.real(g), lambda m, g, a, re, im: m.imag(g)),
                     jvp="linear", save_args=(), save_out=False)


def real(x, name=None):
    """Real part of a complex tensor (a real tensor is returned as is).

    >>> import gradtape as gt
    >>> gt.math.real(gt.constant([1 + 2j])).numpy()
    array([1.])
    """
    return bind(_real, x)


def imag(x, name=None):
    """Imaginary part of a complex tensor (zeros for a real tensor).

    >>> import gradtape as gt
    >>> gt.math.imag(gt.constant([1 + 2j])).numpy()
    array([2.])
    """
    return bind(_imag, x)


def conj(x, name=None):
    """Complex conjugate (a real tensor is returned unchanged).

    >>> import gradtape as gt
    >>> gt.math.conj(gt.constant([1 + 2j])).numpy()
    array([1.-2.j])
    """
    if not is_complex(x if isinstance(x, Tensor) else np.asarray(x)):
        return x if isinstance(x, Tensor) else wrap(np.asarray(x))
    return bind(_conj, x)


def complex(real, imag, name=None):  # noqa: A001 - TensorFlow's name
    """Build a complex tensor from real and imaginary parts.

    >>> import gradtape as gt
    >>> gt.complex(gt.constant([1.0]), gt.constant([2.0])).numpy()
    array([1.+2.j], dtype=complex64)
    """
    return bind(_complex, real, imag)


def _cast_fwd(x, dtype):
    if np.result_type(x).kind == "c" and dtype.kind != "c":
        x = np.real(x)
    return np.asarray(x).astype(dtype) if not isinstance(x, np.generic) else dtype.type(x)


def _cast_vjp(m, g, a, x, dtype):
    return g  # the engine casts the gradient back to the input's dtype


_cast = primitive("cast", _cast_fwd, vjp=(_cast_vjp,), jvp="linear", save_args=(), save_out=False)


def cast(x, dtype, name=None):
    """Cast to ``dtype``. Casting to an integer type stops the gradient, as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.cast(gt.constant([1.7]), gt.int32).numpy()
    array([1], dtype=int32)
    """
    dtype = as_dtype(dtype)
    if isinstance(x, Tensor) and x.dtype == dtype:
        return x
    return bind(_cast, x, dtype=dtype)


# -- comparisons and logic (no gradient) -----------------------------------------------------
def _nodiff(name, fn, summary, example, nargs=2):
    p = primitive(name, fn, vjp=(None,) * nargs, jvp=(None,) * nargs)
    if nargs == 2:
        def op(x, y, name=None):
            return bind(p, x, y)
    else:
        def op(x, name=None):
            return bind(p, x)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"""{summary}

    >>> import gradtape as gt
    >>> {example}
    """
    op.primitive = p
    return op


equal = _nodiff("equal", np.equal, "Elementwise ``x == y`` (a bool tensor).", "b = gt.equal(gt.constant([1, 2]), 2)")
not_equal = _nodiff("not_equal", np.not_equal, "Elementwise ``x != y``.", "b = gt.not_equal(gt.constant([1, 2]), 2)")
less = _nodiff("less", np.less, "Elementwise ``x < y``.", "b = gt.less(gt.constant([1, 2]), 2)")
less_equal = _nodiff("less_equal", np.less_equal, "Elementwise ``x <= y``.", "b = gt.less_equal(gt.constant([1, 2]), 2)")
greater = _nodiff("greater", np.greater, "Elementwise ``x > y``.", "b = gt.greater(gt.constant([1, 2]), 2)")
greater_equal = _nodiff("greater_equal", np.greater_equal, "Elementwise ``x >= y``.", "b = gt.greater_equal(gt.constant([1, 2]), 2)")
logical_and = _nodiff("logical_and", np.logical_and, "Elementwise logical and.", "b = gt.logical_and(gt.constant([True]), gt.constant([False]))")
logical_or = _nodiff("logical_or", np.logical_or, "Elementwise logical or.", "b = gt.logical_or(gt.constant([True]), gt.constant([False]))")
logical_xor = _nodiff("logical_xor", np.logical_xor, "Elementwise logical exclusive or.", "b = gt.math.logical_xor(gt.constant([True]), gt.constant([False]))")
logical_not = _nodiff("logical_not", np.logical_not, "Elementwise logical not.", "b = gt.logical_not(gt.constant([True]))", nargs=1)
is_nan = _nodiff("is_nan", np.isnan, "Elementwise test for NaN.", "b = gt.math.is_nan(gt.constant([1.0]))", nargs=1)
is_inf = _nodiff("is_inf", np.isinf, "Elementwise test for +-inf.", "b = gt.math.is_inf(gt.constant([1.0]))", nargs=1)
is_finite = _nodiff("is_finite", np.isfinite, "Elementwise test for finite values.", "b = gt.math.is_finite(gt.constant([1.0]))", nargs=1)

__all__ = [
    "add", "subtract", "multiply", "divide", "truediv", "negative", "pow", "floordiv", "floormod",
    "mod", "maximum", "minimum", "abs", "square", "sqrt", "rsqrt", "reciprocal", "exp", "expm1",
    "log", "log1p", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh",
    "acosh", "atanh", "sigmoid", "sign", "floor", "ceil", "round", "real", "imag", "conj",
    "complex", "cast", "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_xor", "logical_not", "is_nan", "is_inf", "is_finite",
]
