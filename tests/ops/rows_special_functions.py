"""Table rows: inverse error functions, Bessel functions, incomplete gamma and beta functions and
the Hurwitz zeta function (gradtape/ops/special_functions.py).

As in TensorFlow, ``betainc`` has a gradient for ``x`` only and ``zeta`` for ``q`` only: their
rows close over the other arguments, and the ``*_all_arguments`` rows check forward values only.
"""

import numpy as np
import scipy.special as sp

import gradtape as gt

from .table import BINARY_SHAPES, Row, away_from

F64 = gt.float64
PAIRS = [((3,), (3,)), ((2, 3), (3,)), ((), (2,))]


def const(v):
    return gt.constant(v, F64)


def tails(lo, hi):
    """Both tails of (0, 1): uniform in [lo, hi] or in [1 - hi, 1 - lo]."""
    return lambda rng, s: np.where(rng.random(s) < 0.5, rng.uniform(lo, hi, s), rng.uniform(1 - hi, 1 - lo, s))


ZEROS = lambda rng, s: np.zeros(s)

ROWS = [
    # inverse error functions
    Row("erfinv", gt.math.erfinv, sp.erfinv, domain=(-0.9, 0.9)),
    Row("erfinv_near_one", gt.math.erfinv, sp.erfinv, [((4,),)], domain=lambda rng, s: 2 * tails(0.003, 0.03)(rng, s) - 1),
    Row("ndtri", gt.math.ndtri, sp.ndtri, domain=(0.05, 0.95)),
    Row("ndtri_tails", gt.math.ndtri, sp.ndtri, [((4,),)], domain=tails(0.002, 0.02)),
    Row("erfcinv", gt.math.erfcinv, sp.erfcinv, domain=(0.1, 1.9)),
    # modified Bessel functions
    Row("bessel_i0", gt.math.bessel_i0, sp.i0, domain=(-3.0, 3.0)),
    Row("bessel_i0_large", gt.math.bessel_i0, sp.i0, [((4,),)], domain=(10.0, 30.0)),
    Row("bessel_i0e", gt.math.bessel_i0e, sp.i0e, domain=away_from([0], -3, 3)),
    Row("bessel_i0e_large", gt.math.bessel_i0e, sp.i0e, [((4,),)], domain=(20.0, 60.0)),
    Row("bessel_i1", gt.math.bessel_i1, sp.i1, domain=(-3.0, 3.0)),
    Row("bessel_i1_at_zero", gt.math.bessel_i1, sp.i1, [((3,),)], domain=ZEROS),
    Row("bessel_i1e", gt.math.bessel_i1e, sp.i1e, domain=away_from([0], -3, 3)),
    Row("bessel_i1e_at_zero", gt.math.bessel_i1e, sp.i1e, [((3,),)], domain=ZEROS),
    Row("bessel_i1e_large", gt.math.bessel_i1e, sp.i1e, [((4,),)],
        domain=lambda rng, s: rng.choice([-1, 1], s) * rng.uniform(20, 60, s)),
    # incomplete gamma functions: gradients for a and x (the series and continued fraction regions)
    Row("igamma", gt.math.igamma, sp.gammainc, BINARY_SHAPES, domain=(0.5, 3.0)),
    Row("igamma_series", lambda a, x: gt.math.igamma(4.0 * a, x), lambda a, x: sp.gammainc(4 * a, x), PAIRS,
        domain=(0.5, 2.0)),
    Row("igamma_continued_fraction", lambda a, x: gt.math.igamma(a, 4.0 * x), lambda a, x: sp.gammainc(a, 4 * x),
        PAIRS, domain=(0.5, 2.0)),
    Row("igammac", gt.math.igammac, sp.gammaincc, BINARY_SHAPES, domain=(0.5, 3.0)),
    Row("igammac_continued_fraction", lambda a, x: gt.math.igammac(a, 6.0 * x), lambda a, x: sp.gammaincc(a, 6 * x),
        PAIRS, domain=(0.5, 2.0)),
    # betainc: gradient for x only
    Row("betainc", lambda x: gt.math.betainc(const(2.5), const(1.5), x), lambda x: sp.betainc(2.5, 1.5, x),
        domain=(0.05, 0.95)),
    Row("betainc_small_parameters", lambda x: gt.math.betainc(const(0.5), const(0.7), x),
        lambda x: sp.betainc(0.5, 0.7, x), domain=(0.2, 0.8)),
    Row("betainc_broadcast_parameters", lambda x: gt.math.betainc(const([0.8, 2.0, 5.0]), const([[3.0], [1.2]]), x),
        lambda x: sp.betainc([0.8, 2.0, 5.0], [[3.0], [1.2]], x), [((3,),), ((2, 3),), ((),)], domain=(0.1, 0.9)),
    Row("betainc_all_arguments", gt.math.betainc, sp.betainc, [((3,), (3,), (3,)), ((2, 3), (3,), ()), ((0,), (), ())],
        domain=(0.2, 0.9), modes=(), order=1),
    # zeta: gradient for q only
    Row("zeta", lambda q: gt.math.zeta(const(2.5), q), lambda q: sp.zeta(2.5, q), domain=(0.5, 3.0)),
    Row("zeta_broadcast_x", lambda q: gt.math.zeta(const([1.5, 3.0, 6.0]), q), lambda q: sp.zeta([1.5, 3.0, 6.0], q),
        [((3,),), ((2, 3),), ((),)], domain=(0.3, 4.0)),
    Row("zeta_all_arguments", gt.math.zeta, sp.zeta, PAIRS, domain=(1.2, 4.0), modes=(), order=1),
    # TensorFlow's gradient: ones for x1, zeros for x2 (the step to the next float is ignored)
    Row("nextafter", gt.math.nextafter, np.nextafter, [((3,), (3,)), ((2, 2), ())]),
]
