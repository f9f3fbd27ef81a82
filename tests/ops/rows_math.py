"""Table rows: elementwise math (gradtape/ops/math.py)."""

import numpy as np

import gradtape as gt

from .table import BINARY_SHAPES, Row, away_from

ROWS = [
    Row("add", gt.add, np.add, BINARY_SHAPES),
    Row("subtract", gt.subtract, np.subtract, BINARY_SHAPES),
    Row("multiply", gt.multiply, np.multiply, BINARY_SHAPES),
    Row("divide", gt.divide, np.divide, BINARY_SHAPES, domain=away_from([0], -2, 2, 0.3)),
    Row("negative", gt.negative, np.negative),
    Row("pow", gt.pow, np.power, BINARY_SHAPES, domain=(0.5, 2.0)),
    Row("pow_scalar_exponent", lambda x: x ** 3.0, lambda x: x ** 3.0),
    Row("maximum", gt.maximum, np.maximum, BINARY_SHAPES),
    Row("minimum", gt.minimum, np.minimum, BINARY_SHAPES),
    Row("floormod", gt.math.floormod, np.mod, [((3,), ())], domain=away_from([-2, -1, 0, 1, 2], -2.5, 2.5, 0.05)),
    Row("abs", gt.abs, np.abs, domain=away_from([0], -2, 2)),
    Row("square", gt.square, np.square),
    Row("sqrt", gt.sqrt, np.sqrt, domain=(0.5, 3.0)),
    Row("rsqrt", gt.math.rsqrt, lambda x: 1 / np.sqrt(x), domain=(0.5, 3.0)),
    Row("reciprocal", gt.math.reciprocal, np.reciprocal, domain=(0.5, 3.0)),
    Row("exp", gt.exp, np.exp),
    Row("expm1", gt.math.expm1, np.expm1),
    Row("log", gt.log, np.log, domain=(0.5, 3.0)),
    Row("log1p", gt.math.log1p, np.log1p, domain=(-0.5, 2.0)),
    Row("sin", gt.sin, np.sin),
    Row("cos", gt.cos, np.cos),
    Row("tan", gt.math.tan, np.tan, domain=(-1.2, 1.2)),
    Row("asin", gt.math.asin, np.arcsin, domain=(-0.9, 0.9)),
    Row("acos", gt.math.acos, np.arccos, domain=(-0.9, 0.9)),
    Row("atan", gt.math.atan, np.arctan),
    Row("sinh", gt.math.sinh, np.sinh),
    Row("cosh", gt.math.cosh, np.cosh),
    Row("tanh", gt.tanh, np.tanh),
    Row("asinh", gt.math.asinh, np.arcsinh),
    Row("acosh", gt.math.acosh, np.arccosh, domain=(1.2, 3.0)),
    Row("atanh", gt.math.atanh, np.arctanh, domain=(-0.9, 0.9)),
    Row("sigmoid", gt.sigmoid, lambda x: 1 / (1 + np.exp(-x))),
    Row("sign_has_zero_gradient", lambda x: gt.sign(x) * x, lambda x: np.sign(x) * x, domain=away_from([0], -2, 2)),
    Row("cast_to_complex_and_back", lambda x: gt.cast(gt.cast(x, gt.complex128) * (1 + 2j), gt.float64),
        lambda x: x * 1.0),
    # complex numbers: TensorFlow's convention (the gradient is the conjugate of dL/dz)
    Row("complex_multiply", lambda x: gt.math.real(x * gt.math.conj(x) * x), lambda x: np.real(x * np.conj(x) * x),
        complex=True),
    Row("complex_exp", lambda x: gt.math.imag(gt.exp(x)), lambda x: np.imag(np.exp(x)), complex=True),
    Row("complex_abs", gt.abs, np.abs, domain=(0.5, 2.0), complex=True),
]
