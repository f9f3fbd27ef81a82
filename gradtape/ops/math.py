"""Elementwise math: arithmetic, powers, exponentials, trigonometry, activations, special
functions, complex parts, comparisons, casts.

Each op is declared once: its NumPy forward, its VJP and its JVP side by side. Binary ops
broadcast; the engine reduces their gradients back to each input's shape. Kinks follow
TensorFlow: ``abs`` and ``sign`` have gradient 0 at 0; ``maximum`` sends a tie's gradient to
``x`` (``x >= y``) and ``minimum`` to ``x`` too (``x <= y``); ``divide_no_nan``, ``xdivy`` and
``xlogy`` are 0, with gradient 0, where TensorFlow's are. ``softplus`` and ``log_sigmoid`` are
finite with finite gradients for any finite input. ``erf``, ``erfc``, ``lgamma``, ``digamma``
and ``polygamma`` use SciPy when it is importable and NumPy fallbacks otherwise.
"""

from __future__ import annotations

import functools
import math as _pymath

import numpy as np

from .._engine.primitive import bind, bind1, bind2, primitive, raw
from .._engine.tensor import Tensor, as_dtype, to_array, wrap
from ._declare import is_complex, unary


def _c(m, x):
    dt = getattr(x, "dtype", None)  # is_complex inlined for arrays: this runs in every product's VJP
    return m.conj(x) if (dt.kind == "c" if dt is not None else is_complex(x)) else x


# -- arithmetic ------------------------------------------------------------------------------
_add = primitive("add", np.add, vjp=(lambda m, g, a, x, y: g, lambda m, g, a, x, y: g),
                 jvp="linear", save_args=(), save_out=False, elementwise=True)
_subtract = primitive("subtract", np.subtract,
                      vjp=(lambda m, g, a, x, y: g, lambda m, g, a, x, y: -g),
                      jvp="linear", save_args=(), save_out=False, elementwise=True)
_multiply = primitive("multiply", np.multiply,
                      vjp=(lambda m, g, a, x, y: g * _c(m, y), lambda m, g, a, x, y: _c(m, x) * g),
                      jvp=(lambda m, t, a, x, y: t * y, lambda m, t, a, x, y: x * t),
                      save_out=False)
_divide = primitive("divide", np.true_divide,
                    vjp=(lambda m, g, a, x, y: g / _c(m, y),
                         lambda m, g, a, x, y: -g * _c(m, a) / _c(m, y)),
                    jvp=(lambda m, t, a, x, y: t / y, lambda m, t, a, x, y: -t * a / y))
_negative = primitive("negative", np.negative, vjp=(lambda m, g, a, x: -g,), jvp="linear",
                      save_args=(), save_out=False, elementwise=True)


def _pow_fwd(x, y):
    if (type(y) is int or type(y) is float) and y == 2 and type(x) is np.ndarray and x.dtype.kind == "f":
        return np.square(x)  # the same correctly rounded x * x, without the general power loop
    return np.power(x, y)


def _pow_dx(m, g, z, x, y):
    if (m.is_raw and (type(y) is int or type(y) is float) and y == 2 and type(x) is np.ndarray
            and x.dtype.kind == "f" and type(g) is np.ndarray and g.dtype == x.dtype):
        d = g * x  # 2 x g: two passes instead of three
        return np.add(d, d, out=d) if type(d) is np.ndarray else d + d
    return g * _c(m, y * x ** (y - 1))


def _pow_dy(m, g, z, x, y):
    # TensorFlow's rule: log(x) is taken as 0 where x <= 0 (real inputs). The tape does not
    # keep the output (x ** 2 is common and its output is rarely needed), so recompute it.
    z = x ** y
    if is_complex(x):
        return g * _c(m, z * m.log(m.where(x != 0, x, 1)))
    safe = m.where(x > 0, x, 1)
    return g * z * m.where(x > 0, m.log(safe), 0)


_pow = primitive("pow", _pow_fwd, vjp=(_pow_dx, _pow_dy),
                 jvp=(lambda m, t, z, x, y: t * y * x ** (y - 1),
                      lambda m, t, z, x, y: t * z * m.log(m.where(x > 0, x, 1)) * (x > 0)
                      if not is_complex(x) else t * z * m.log(x)),
                 save_out=False)


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
    return bind2(_add, x, y)


def subtract(x, y, name=None):
    """Elementwise ``x - y`` with broadcasting.

    >>> import gradtape as gt
    >>> gt.subtract(gt.constant([1.0, 2.0]), 1.0).numpy()
    array([0., 1.], dtype=float32)
    """
    return bind2(_subtract, x, y)


def multiply(x, y, name=None):
    """Elementwise ``x * y`` with broadcasting.

    >>> import gradtape as gt
    >>> gt.multiply(gt.constant([1.0, 2.0]), 3.0).numpy()
    array([3., 6.], dtype=float32)
    """
    return bind2(_multiply, x, y)


def divide(x, y, name=None):
    """Elementwise true division ``x / y`` (integers give floats, as in TensorFlow).

    >>> import gradtape as gt
    >>> gt.divide(gt.constant([1.0, 2.0]), 2.0).numpy()
    array([0.5, 1. ], dtype=float32)
    """
    return bind2(_divide, x, y)


truediv = divide


def negative(x, name=None):
    """Elementwise ``-x``.

    >>> import gradtape as gt
    >>> gt.negative(gt.constant([1.0])).numpy()
    array([-1.], dtype=float32)
    """
    return bind1(_negative, x)


def pow(x, y, name=None):  # noqa: A001 - TensorFlow's name
    """Elementwise ``x ** y``. The gradient for ``y`` treats ``log(x)`` as 0 where ``x <= 0``.

    >>> import gradtape as gt
    >>> gt.pow(gt.constant([2.0, 3.0]), 2.0).numpy()
    array([4., 9.], dtype=float32)
    """
    return bind2(_pow, x, y)


def floordiv(x, y, name=None):
    """Elementwise floor division (no gradient, as in TensorFlow).

    >>> import gradtape as gt
    >>> gt.math.floordiv(gt.constant([7.0]), 2.0).numpy()
    array([3.], dtype=float32)
    """
    return bind2(_floordiv, x, y)


def floormod(x, y, name=None):
    """Elementwise remainder of floor division, with the sign of ``y``.

    >>> import gradtape as gt
    >>> gt.math.floormod(gt.constant([7.0, -7.0]), 3.0).numpy()
    array([1., 2.], dtype=float32)
    """
    return bind2(_floormod, x, y)


mod = floormod


def maximum(x, y, name=None):
    """Elementwise maximum. A tie sends the gradient to ``x``, as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.maximum(gt.constant([1.0, 5.0]), 2.0).numpy()
    array([2., 5.], dtype=float32)
    """
    return bind2(_maximum, x, y)


def minimum(x, y, name=None):
    """Elementwise minimum. A tie sends the gradient to ``x``, as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.minimum(gt.constant([1.0, 5.0]), 2.0).numpy()
    array([1., 2.], dtype=float32)
    """
    return bind2(_minimum, x, y)


# -- unary -----------------------------------------------------------------------------------
_EXP_LIMIT = {np.dtype(np.float16): -11.0, np.dtype(np.float32): -88.0, np.dtype(np.float64): -708.0}


def _sigmoid_fwd(x):
    lim = _EXP_LIMIT.get(x.dtype) if type(x) is np.ndarray and x.ndim else None
    if lim is not None:
        # 1 / (1 + exp(-x)) in one buffer; x is clamped where exp(-x) would overflow (there the
        # result is below the smallest normal number anyway), so no warning and no NaN.
        t = np.empty(x.shape, x.dtype)  # NumPy vectorizes maximum against an array only
        t.fill(lim)
        np.maximum(x, t, out=t)
        np.negative(t, out=t)
        np.exp(t, out=t)
        t += 1
        return np.reciprocal(t, out=t)
    if np.result_type(x).kind == "c":
        return 1 / (1 + np.exp(np.negative(x)))  # complex: TensorFlow's 1 / (1 + exp(-x))
    # Scalars and other dtypes: stable for large |x| in both directions.
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
    return bind1(_abs, x)


def _guarded(name, forward, deriv, singular, summary):
    """An elementwise op ``y = f(x)`` whose derivative ``deriv(m, y)`` is infinite where
    ``singular(y)`` (x = 0). As TensorFlow's SqrtGrad, RsqrtGrad and ReciprocalGrad kernels, its
    VJP and JVP are 0 where the incoming cotangent (tangent) is 0, not ``0 * inf = NaN``, so that
    a branch masked off by ``where`` gets no NaN. The mask costs a pass only when ``y`` has such
    points."""
    def rule(m, g, ans, x, vjp):
        if not singular(ans._value if isinstance(ans, Tensor) else ans):
            d = deriv(m, ans)
            return g * (m.conj(d) if vjp and is_complex(d) else d)
        with np.errstate(divide="ignore", invalid="ignore"):  # the inf and 0 * inf are masked below
            d = deriv(m, ans)
            out = g * (m.conj(d) if vjp and is_complex(d) else d)
            return m.where(g == 0, m.zeros_like(out), out)

    def vjp(m, g, ans, x):
        return rule(m, g, ans, x, True)

    def jvp(m, t, ans, x):
        return rule(m, t, ans, x, False)

    def vjp_inplace(g, ans, x):
        if ans.dtype.kind != "f" or g.dtype.kind != "f" or singular(ans):
            return vjp(raw, g, ans, x)
        return np.multiply(g, deriv(raw, ans), out=g)

    p = primitive(name, forward, vjp=(vjp,), jvp=(jvp,), vjp_inplace=vjp_inplace, save_args=(),
                  save_out=True, elementwise=True)

    def op(x, name=None):
        return bind1(p, x)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"""{summary}

    >>> import gradtape as gt
    >>> y = gt.math.{name}(gt.constant([0.25, 0.5]))
    """
    op.primitive = p
    return op


def _has_zero(y):
    return not np.all(y)


def _has_inf(y):
    return bool(np.isinf(y).any())


square = unary("square", np.square, lambda m, y, x: 2 * x, summary="Elementwise ``x * x``.")
sqrt = _guarded("sqrt", np.sqrt, lambda m, y: 0.5 / y, _has_zero,
                "Elementwise square root. At 0 the gradient is ``inf``, and 0 where the incoming "
                "gradient is 0, as in TensorFlow.")
rsqrt = _guarded("rsqrt", lambda x: 1 / np.sqrt(x), lambda m, y: -0.5 * y * y * y, _has_inf,
                 "Elementwise ``1 / sqrt(x)``. At 0 the gradient is ``-inf``, and 0 where the "
                 "incoming gradient is 0, as in TensorFlow.")
reciprocal = _guarded("reciprocal", np.reciprocal, lambda m, y: -y * y, _has_inf,
                      "Elementwise ``1 / x``. At 0 the gradient is ``-inf``, and 0 where the "
                      "incoming gradient is 0, as in TensorFlow.")
exp = unary("exp", np.exp, lambda m, y, x: y, uses="y", summary="Elementwise ``e ** x``.")
expm1 = unary("expm1", np.expm1, lambda m, y, x: y + 1, uses="y",
              summary="Elementwise ``exp(x) - 1``, accurate near 0.")
log = unary("log", np.log, lambda m, y, x: 1 / x, summary="Elementwise natural logarithm.")
log1p = unary("log1p", np.log1p, lambda m, y, x: 1 / (1 + x),
              summary="Elementwise ``log(1 + x)``, accurate near 0.")
sin = unary("sin", np.sin, lambda m, y, x: m.cos(x), summary="Elementwise sine.")
cos = unary("cos", np.cos, lambda m, y, x: -m.sin(x), summary="Elementwise cosine.")
tan = unary("tan", np.tan, lambda m, y, x: 1 + y * y, uses="y", summary="Elementwise tangent.")
asin = unary("asin", np.arcsin, lambda m, y, x: m.rsqrt(1 - x * x), summary="Elementwise arcsine.")
acos = unary("acos", np.arccos, lambda m, y, x: -m.rsqrt(1 - x * x), summary="Elementwise arccosine.")
atan = unary("atan", np.arctan, lambda m, y, x: 1 / (1 + x * x), summary="Elementwise arctangent.")
sinh = unary("sinh", np.sinh, lambda m, y, x: m.cosh(x), summary="Elementwise hyperbolic sine.")
cosh = unary("cosh", np.cosh, lambda m, y, x: m.sinh(x), summary="Elementwise hyperbolic cosine.")
tanh = unary("tanh", np.tanh, lambda m, y, x: 1 - y * y, uses="y", summary="Elementwise hyperbolic tangent.")
asinh = unary("asinh", np.arcsinh, lambda m, y, x: m.rsqrt(x * x + 1),
              summary="Elementwise inverse hyperbolic sine.")
acosh = unary("acosh", np.arccosh, lambda m, y, x: m.rsqrt(x * x - 1),
              summary="Elementwise inverse hyperbolic cosine.")
atanh = unary("atanh", np.arctanh, lambda m, y, x: 1 / (1 - x * x),
              summary="Elementwise inverse hyperbolic tangent.")
sigmoid = unary("sigmoid", _sigmoid_fwd, lambda m, y, x: y * (1 - y), uses="y",
                summary="Elementwise logistic function ``1 / (1 + exp(-x))``, stable for large ``|x|``.")
_sign = unary("sign", np.sign, lambda m, y, x: m.zeros_like(y), uses="y",
              summary="Elementwise sign.")


def sign(x, name=None):
    """Elementwise sign: -1, 0 or 1 (NaN for NaN). Its gradient is 0 everywhere, as in
    TensorFlow. For complex ``x`` it is ``x / |x|`` (0 at 0), differentiable as that quotient,
    as TensorFlow computes it.

    >>> import gradtape as gt
    >>> gt.sign(gt.constant([-2.0, 0.0, 3.0])).numpy()
    array([-1.,  0.,  1.], dtype=float32)
    >>> gt.sign(gt.constant([3 + 4j, 0j])).numpy()
    array([0.6+0.8j, 0. +0.j ])
    """
    if isinstance(x, Tensor) and x.dtype.kind == "c":
        return divide_no_nan(x, cast(abs(x), x.dtype))
    return _sign(x)


sign.primitive = _sign.primitive
floor = unary("floor", np.floor, None, summary="Elementwise floor (no gradient, as in TensorFlow).")
ceil = unary("ceil", np.ceil, None, summary="Elementwise ceiling (no gradient, as in TensorFlow).")
round = unary("round", np.round, None,  # noqa: A001 - TensorFlow's name
              summary="Elementwise rounding half to even (no gradient, as in TensorFlow).")

# -- add_n and more binary ops -----------------------------------------------------------------
_add_n = primitive("add_n", lambda *xs: functools.reduce(np.add, xs),
                   vjp_all=lambda m, g, ans, *xs: [g] * len(xs), jvp="linear", save_args=(),
                   save_out=False)


def add_n(inputs, name=None):
    """Elementwise sum of a list of tensors of the same shape and dtype (no broadcasting).

    >>> import gradtape as gt
    >>> gt.add_n([gt.constant([1.0, 2.0]), gt.constant([3.0, 4.0])]).numpy()
    array([4., 6.], dtype=float32)
    """
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise ValueError("add_n: inputs must be a non-empty list of tensors of the same shape")
    xs = [x if isinstance(x, Tensor) else wrap(to_array(x)) for x in inputs]
    if len({x.shape for x in xs}) > 1 or len({x.dtype for x in xs}) > 1:
        raise ValueError("add_n: all inputs must have the same shape and dtype, got "
                         + ", ".join(f"{x.dtype.name}{list(x.shape)}" for x in xs))
    return bind(_add_n, *xs)


def _sqdiff_dx(m, g, a, x, y):
    return g * (2 * (x - y))


def _sqdiff_fwd(x, y):
    d = np.subtract(x, y)
    return d * np.conj(d) if d.dtype.kind == "c" else np.square(d)  # |x - y|**2, as TensorFlow


_squared_difference = primitive(
    "squared_difference", _sqdiff_fwd,
    vjp=(_sqdiff_dx, lambda m, g, a, x, y: -_sqdiff_dx(m, g, a, x, y)),
    jvp=(_sqdiff_dx, lambda m, t, a, x, y: -_sqdiff_dx(m, t, a, x, y)), save_out=False)


def squared_difference(x, y, name=None):
    """Elementwise ``(x - y) ** 2`` with broadcasting; ``(x - y) * conj(x - y)`` for complex
    inputs, as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.math.squared_difference(gt.constant([1.0, 4.0]), 2.0).numpy()
    array([1., 4.], dtype=float32)
    """
    return bind2(_squared_difference, x, y)


def _atan2_dy(m, g, a, y, x):
    return g * x / (x * x + y * y)


def _atan2_dx(m, g, a, y, x):
    return -g * y / (x * x + y * y)


_atan2 = primitive("atan2", np.arctan2, vjp=(_atan2_dy, _atan2_dx), jvp=(_atan2_dy, _atan2_dx),
                   save_out=False)


def atan2(y, x, name=None):
    """Elementwise angle of the point ``(x, y)``, in ``[-pi, pi]`` (note the argument order).

    The gradient is ``(x, -y) / (x**2 + y**2)``: NaN at the origin, as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.math.atan2(gt.constant([1.0]), gt.constant([1.0])).numpy()
    array([0.7853981], dtype=float32)
    """
    return bind2(_atan2, y, x)


# -- safe division and x*log(y) ----------------------------------------------------------------
# The derivatives are TensorFlow's: they are 0 exactly where the value is the special 0.
def _nonzero(m, x, dtype):
    return m.cast(m.not_equal(x, 0), dtype=dtype)


def _xlogy_fwd(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):  # log of a weak Python float: x's dtype
        return np.where(np.equal(x, 0), 0, np.multiply(x, np.log(np.asarray(y, np.result_type(x, y)))))


def _xdivy_fwd(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.equal(x, 0), 0, np.true_divide(x, y))


def _div_no_nan_fwd(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.equal(y, 0), 0, np.true_divide(x, y))


def _xlogy_dx(m, g, a, x, y):
    return g * m.xlogy(_nonzero(m, x, a.dtype), y)


def _xlogy_dy(m, g, a, x, y):
    return g * m.xdivy(x, y)


def _xdivy_dx(m, g, a, x, y):
    return g * m.xdivy(_nonzero(m, x, a.dtype), y)


def _xdivy_dy(m, g, a, x, y):
    return g * m.xdivy(-x, y * y)


def _dnn_dy(m, g, a, x, y):
    return g * _c(m, m.divide_no_nan(m.divide_no_nan(-x, y), y))


_xlogy = primitive("xlogy", _xlogy_fwd, vjp=(_xlogy_dx, _xlogy_dy), jvp=(_xlogy_dx, _xlogy_dy),
                   save_out=False)
_xdivy = primitive("xdivy", _xdivy_fwd, vjp=(_xdivy_dx, _xdivy_dy), jvp=(_xdivy_dx, _xdivy_dy),
                   save_out=False)
_divide_no_nan = primitive(
    "divide_no_nan", _div_no_nan_fwd,
    vjp=(lambda m, g, a, x, y: m.divide_no_nan(g, _c(m, y)), _dnn_dy),
    jvp=(lambda m, t, a, x, y: m.divide_no_nan(t, y),
         lambda m, t, a, x, y: t * m.divide_no_nan(m.divide_no_nan(-x, y), y)), save_out=False)


def xlogy(x, y, name=None):
    """Elementwise ``x * log(y)``, and 0 wherever ``x == 0`` (even for ``y <= 0`` or NaN).

    As in TensorFlow, the gradient for ``x`` is ``log(y)`` and for ``y`` is ``x / y``, both
    taken as 0 where ``x == 0``, so ``xlogy(0, 0)`` has finite gradients.

    >>> import gradtape as gt
    >>> gt.math.xlogy(gt.constant([0.0, 2.0]), gt.constant([0.0, 1.0])).numpy()
    array([0., 0.], dtype=float32)
    """
    return bind2(_xlogy, x, y)


def xdivy(x, y, name=None):
    """Elementwise ``x / y``, and 0 wherever ``x == 0`` (gradients too, as in TensorFlow).

    >>> import gradtape as gt
    >>> gt.math.xdivy(gt.constant([0.0, 2.0]), gt.constant([0.0, 4.0])).numpy()
    array([0. , 0.5], dtype=float32)
    """
    return bind2(_xdivy, x, y)


def divide_no_nan(x, y, name=None):
    """Elementwise ``x / y``, and 0 wherever ``y == 0``.

    As in TensorFlow, both gradients are 0 where ``y == 0``.

    >>> import gradtape as gt
    >>> gt.math.divide_no_nan(gt.constant([1.0, 2.0]), gt.constant([0.0, 4.0])).numpy()
    array([0. , 0.5], dtype=float32)
    """
    return bind2(_divide_no_nan, x, y)


# -- activations ---------------------------------------------------------------------------------
softplus = unary("softplus", lambda x: np.logaddexp(0, x), lambda m, y, x: m.sigmoid(x),
                 summary="Elementwise ``log(1 + exp(x))``, finite with finite gradients for any "
                         "finite ``x``.",
                 example="gt.math.softplus(gt.constant([-1000.0, 0.0, 1000.0])).numpy()\n"
                         "    array([   0.       ,    0.6931472, 1000.       ], dtype=float32)")
log_sigmoid = unary("log_sigmoid", lambda x: -np.logaddexp(0, np.negative(x)),
                    lambda m, y, x: m.sigmoid(-x),
                    summary="Elementwise ``log(sigmoid(x)) = -softplus(-x)``, finite with finite "
                            "gradients for any finite ``x``.",
                    example="gt.math.log_sigmoid(gt.constant([-1000.0, 1000.0])).numpy()\n"
                            "    array([-1000.,    -0.], dtype=float32)")
softsign = unary("softsign", lambda x: x / (1 + np.abs(x)),
                 lambda m, y, x: 1 / m.square(1 + m.abs(x)),
                 summary="Elementwise ``x / (1 + |x|)``.")


# -- special functions ---------------------------------------------------------------------------
# SciPy's kernels when SciPy is importable (imported on first use); otherwise float64 fallbacks on
# NumPy and the standard library, accurate to a few ulps away from poles.
_SCIPY: list = []
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
              43867 / 798, -174611 / 330)  # B_2 ... B_20


def _scipy_special():
    if not _SCIPY:
        try:
            import scipy.special as sp
        except ImportError:
            sp = None
        _SCIPY.append(sp)
    return _SCIPY[0]


def _float_dtype(x) -> np.dtype:
    dt = np.result_type(x)
    return dt if dt.kind == "f" else np.dtype(np.float64)


def _vectorize(fn):
    vec = np.frompyfunc(fn, 1, 1)
    return lambda x: np.asarray(vec(np.asarray(x, np.float64)), np.float64)


def _lgamma_scalar(v: float) -> float:
    try:
        return _pymath.lgamma(v)
    except ValueError:  # a pole: 0, -1, -2, ...
        return _pymath.inf


_erf_np = _vectorize(_pymath.erf)
_erfc_np = _vectorize(_pymath.erfc)
_lgamma_np = _vectorize(_lgamma_scalar)


def _polygamma_large(n: int, z):
    """Asymptotic series of polygamma(n, z) for z >= 10 + n."""
    inv2 = 1 / (z * z)
    if n == 0:
        s, p = np.log(z) - 0.5 / z, inv2
        for k, b in enumerate(_BERNOULLI, 1):
            s, p = s - b / (2 * k) * p, p * inv2
        return s
    zn = z ** -float(n)
    s, p = _pymath.factorial(n - 1) * zn + 0.5 * _pymath.factorial(n) * zn / z, zn * inv2
    for k, b in enumerate(_BERNOULLI, 1):
        s, p = s + b * _pymath.factorial(2 * k + n - 1) / _pymath.factorial(2 * k) * p, p * inv2
    return s if n % 2 else -s


def _polygamma_np(n: int, x):
    """polygamma(n, x) (digamma for n = 0) on float64, without SciPy: reflection below 0.5 for
    n <= 1, the recurrence ``psi_n(x) = psi_n(x + 1) - (-1)**n n! / x**(n+1)`` up to 10 + n,
    then the asymptotic series (so for n >= 2 a negative x takes about -x steps). Poles give
    SciPy's values."""
    x = np.asarray(x, np.float64)
    pole = (x <= 0) & (x == np.floor(x))
    refl = (x < 0.5) & ~pole if n <= 1 else np.zeros(x.shape, bool)
    z = np.where(pole | ~np.isfinite(x), 20.0 + n, np.where(refl, 1 - x, x))
    acc = np.zeros_like(z)
    c = (-1.0) ** (n + 1) * _pymath.factorial(n)
    with np.errstate(all="ignore"):
        small = z < 10 + n
        while small.any():
            acc = acc + np.where(small, c / z ** (n + 1), 0.0)
            z = np.where(small, z + 1, z)
            small = z < 10 + n
        val = _polygamma_large(n, z) + acc
        if n == 0:
            val = np.where(refl, val - np.pi / np.tan(np.pi * x), val)
        elif n == 1:
            val = np.where(refl, (np.pi / np.sin(np.pi * x)) ** 2 - val, val)
        val = np.where(np.isfinite(x), val, np.where(x > 0, 0.0 if n else np.inf, np.nan))
    if n == 0:
        return np.where(pole, np.where(x == 0, -np.inf, np.nan), val)
    return np.where(pole, np.inf if n % 2 else -np.inf, val)


def _special(scipy_name: str, fallback):
    def forward(x):
        sp = _scipy_special()
        out = getattr(sp, scipy_name)(x) if sp is not None else fallback(x)
        return np.asarray(out).astype(_float_dtype(x), copy=False)
    return forward


def _polygamma_fwd(a, x):
    dt = _float_dtype(np.result_type(a, x))
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    out = np.full(x.shape, np.nan)
    sp = _scipy_special()
    for n in np.unique(a[np.isfinite(a) & (a >= 0) & (a == np.floor(a))]):
        sel = a == n
        out[sel] = sp.polygamma(int(n), x[sel]) if sp is not None else _polygamma_np(int(n), x[sel])
    return out.astype(dt)


_TWO_OVER_SQRT_PI = 2 / _pymath.sqrt(_pymath.pi)
erf = unary("erf", _special("erf", _erf_np), lambda m, y, x: _TWO_OVER_SQRT_PI * m.exp(-x * x),
            summary="Elementwise Gauss error function.",
            example="gt.math.erf(gt.constant([0.0, 10.0])).numpy()\n"
                    "    array([0., 1.], dtype=float32)")
erfc = unary("erfc", _special("erfc", _erfc_np), lambda m, y, x: -_TWO_OVER_SQRT_PI * m.exp(-x * x),
             summary="Elementwise complementary error function ``1 - erf(x)``, accurate for "
                     "large ``x``.")
lgamma = unary("lgamma", _special("gammaln", _lgamma_np), lambda m, y, x: m.digamma(x),
               summary="Elementwise ``log(|Gamma(x)|)`` (``inf`` at the poles 0, -1, -2, ...). "
                       "Its derivative is ``digamma``.",
               example="gt.math.lgamma(gt.constant([1.0, 3.0])).numpy()\n"
                       "    array([0.       , 0.6931472], dtype=float32)")
_psi = _special("psi", lambda x: _polygamma_np(0, x))


def _digamma_fwd(x):
    out = _psi(x)
    return np.where(np.equal(x, 0), np.nan, out).astype(out.dtype, copy=False)  # a pole: NaN, as TF


digamma = unary("digamma", _digamma_fwd,
                lambda m, y, x: m.polygamma(1, x),
                summary="Elementwise digamma function, the derivative of ``lgamma`` (NaN at the "
                        "poles 0, -1, -2, ..., as in TensorFlow). Its derivative is "
                        "``polygamma(1, x)``.")
_polygamma = primitive("polygamma", _polygamma_fwd,
                       vjp=(None, lambda m, g, ans, a, x: g * m.polygamma(a + 1, x)),
                       jvp=(None, lambda m, t, ans, a, x: t * m.polygamma(a + 1, x)), save_out=False)


def polygamma(a, x, name=None):
    """Elementwise ``a``-th derivative of ``digamma`` (``a`` a non-negative integer value; NaN
    otherwise). Differentiable in ``x`` to any order; ``a`` gets no gradient, as in TensorFlow.

    >>> import gradtape as gt
    >>> y = gt.math.polygamma(1.0, gt.constant([1.0]))
    >>> print(f"{float(y[0]):.4f}")  # pi**2 / 6
    1.6449
    """
    return bind2(_polygamma, a, x)


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
    return bind1(_real, x)


def imag(x, name=None):
    """Imaginary part of a complex tensor (zeros, not connected to ``x``, for a real tensor,
    as in TensorFlow).

    >>> import gradtape as gt
    >>> gt.math.imag(gt.constant([1 + 2j])).numpy()
    array([2.])
    """
    if isinstance(x, Tensor) and x.dtype.kind != "c":
        return wrap(np.zeros(x.shape, x.dtype))
    return bind1(_imag, x)


def conj(x, name=None):
    """Complex conjugate (a real tensor is returned unchanged).

    >>> import gradtape as gt
    >>> gt.math.conj(gt.constant([1 + 2j])).numpy()
    array([1.-2.j])
    """
    if not is_complex(x if isinstance(x, Tensor) else np.asarray(x)):
        return x if isinstance(x, Tensor) else wrap(np.asarray(x))
    return bind1(_conj, x)


def complex(real, imag, name=None):  # noqa: A001 - TensorFlow's name
    """Build a complex tensor from real and imaginary parts.

    >>> import gradtape as gt
    >>> gt.complex(gt.constant([1.0]), gt.constant([2.0])).numpy()
    array([1.+2.j], dtype=complex64)
    """
    return bind2(_complex, real, imag)


def _angle_fwd(x):
    if np.iscomplexobj(x):
        return np.angle(x)
    return np.where(np.less(x, 0), np.pi, 0.0).astype(_float_dtype(x))


def _angle_vjp(m, g, ans, x):
    if not is_complex(x):
        return None  # piecewise constant: no gradient, as in TensorFlow
    return -m.complex(g, m.zeros_like(g)) / m.complex(m.imag(x), m.real(x))


def _angle_jvp(m, t, ans, x):
    if not is_complex(x):
        return None
    return m.imag(m.conj(x) * t) / m.real(m.conj(x) * x)


_angle = primitive("angle", _angle_fwd, vjp=(_angle_vjp,), jvp=(_angle_jvp,), save_out=False)


def angle(input, name=None):  # noqa: A002 - TensorFlow's name
    """Elementwise argument of a complex number, in ``[-pi, pi]``; for real input ``pi`` where
    ``x < 0`` and 0 elsewhere (with no gradient), as in TensorFlow. The gradient at 0 is not
    finite, as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.math.angle(gt.constant([1j, -1 + 0j])).numpy()
    array([1.57079633, 3.14159265])
    """
    return bind1(_angle, input)


def _cast_fwd(x, dtype):
    if np.result_type(x).kind == "c" and dtype.kind != "c":
        x = np.real(x)
    return np.asarray(x).astype(dtype) if not isinstance(x, np.generic) else dtype.type(x)


def _cast_vjp(m, g, a, x, dtype):
    return g  # the engine casts the gradient back to the input's dtype


_cast = primitive("cast", _cast_fwd, vjp=(_cast_vjp,), jvp="linear", save_args=(), save_out=False,
                  elementwise=True)


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
            return bind2(p, x, y)
    else:
        def op(x, name=None):
            return bind1(p, x)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"""{summary}

    >>> import gradtape as gt
    >>> {example}
    """
    op.primitive = p
    return op


equal = _nodiff("equal", np.equal, "Elementwise ``x == y`` (a bool tensor).",
                "b = gt.equal(gt.constant([1, 2]), 2)")
not_equal = _nodiff("not_equal", np.not_equal, "Elementwise ``x != y``.",
                    "b = gt.not_equal(gt.constant([1, 2]), 2)")
less = _nodiff("less", np.less, "Elementwise ``x < y``.", "b = gt.less(gt.constant([1, 2]), 2)")
less_equal = _nodiff("less_equal", np.less_equal, "Elementwise ``x <= y``.",
                     "b = gt.less_equal(gt.constant([1, 2]), 2)")
greater = _nodiff("greater", np.greater, "Elementwise ``x > y``.", "b = gt.greater(gt.constant([1, 2]), 2)")
greater_equal = _nodiff("greater_equal", np.greater_equal, "Elementwise ``x >= y``.",
                        "b = gt.greater_equal(gt.constant([1, 2]), 2)")
logical_and = _nodiff("logical_and", np.logical_and, "Elementwise logical and.",
                      "b = gt.logical_and(gt.constant([True]), gt.constant([False]))")
logical_or = _nodiff("logical_or", np.logical_or, "Elementwise logical or.",
                     "b = gt.logical_or(gt.constant([True]), gt.constant([False]))")
logical_xor = _nodiff("logical_xor", np.logical_xor, "Elementwise logical exclusive or.",
                      "b = gt.math.logical_xor(gt.constant([True]), gt.constant([False]))")
logical_not = _nodiff("logical_not", np.logical_not, "Elementwise logical not.",
                      "b = gt.logical_not(gt.constant([True]))", nargs=1)
is_nan = _nodiff("is_nan", np.isnan, "Elementwise test for NaN.",
                 "b = gt.math.is_nan(gt.constant([1.0]))", nargs=1)
is_inf = _nodiff("is_inf", np.isinf, "Elementwise test for +-inf.",
                 "b = gt.math.is_inf(gt.constant([1.0]))", nargs=1)
is_finite = _nodiff("is_finite", np.isfinite, "Elementwise test for finite values.",
                    "b = gt.math.is_finite(gt.constant([1.0]))", nargs=1)

__all__ = [
    "add", "subtract", "multiply", "divide", "truediv", "negative", "pow", "floordiv", "floormod",
    "mod", "maximum", "minimum", "abs", "square", "sqrt", "rsqrt", "reciprocal", "exp", "expm1",
    "log", "log1p", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh",
    "acosh", "atanh", "sigmoid", "sign", "floor", "ceil", "round", "real", "imag", "conj",
    "complex", "cast", "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_xor", "logical_not", "is_nan", "is_inf", "is_finite",
    "add_n", "squared_difference", "atan2", "xlogy", "xdivy", "divide_no_nan", "softplus",
    "log_sigmoid", "softsign", "erf", "erfc", "lgamma", "digamma", "polygamma", "angle",
]
