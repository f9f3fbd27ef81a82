"""Special functions (gradtape/ops/special_functions.py): the NumPy fallbacks against SciPy,
special points and TensorFlow's values outside the domains, gradients through the fallback path,
TensorFlow's gradient semantics and the error messages."""

import math

import numpy as np
import pytest
import scipy.special as sp

import gradtape as gt
from gradtape.ops import math as gmath
from gradtape.ops import special_functions as sf

F64 = gt.float64
INF, NAN = np.inf, np.nan


@pytest.fixture
def no_scipy(monkeypatch):
    """Force the NumPy fallbacks (here and in gradtape/ops/math.py, whose lgamma the rules use)."""
    monkeypatch.setattr(gmath, "_SCIPY", [None])


@pytest.fixture(params=["scipy", "numpy"])
def backend(request, monkeypatch):
    if request.param == "numpy":
        monkeypatch.setattr(gmath, "_SCIPY", [None])
    return request.param


def assert_rel(got, want, rtol, floor=1e-300):
    """Relative error below rtol wherever the reference is finite and above ``floor``; the same
    NaNs and infinities elsewhere."""
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    big = np.isinf(want)
    np.testing.assert_array_equal(got[big], want[big])
    sel = np.isfinite(want) & (np.abs(want) > floor)
    err = np.abs(got[sel] - want[sel]) / np.abs(want[sel])
    assert err.max(initial=0) < rtol, f"max relative error {err.max():.3g} at {np.argmax(err)}"


def values(f, *args):
    return f(*[gt.constant(np.asarray(a, np.float64)) for a in args]).numpy()


# -- the fallbacks against SciPy on wide grids -----------------------------------------------------
RNG = np.random.default_rng(0)


def loguniform(lo, hi, n):
    return np.exp(RNG.uniform(np.log(lo), np.log(hi), n))


def test_inverse_error_function_fallbacks_match_scipy():
    y = np.concatenate([RNG.uniform(-1, 1, 5000), 1 - np.logspace(-16, -1, 100), -1 + np.logspace(-16, -1, 100),
                        np.logspace(-300, -1, 100), -np.logspace(-300, -1, 100), [0.0, 0.5, -0.5, 1.0, -1.0]])
    assert_rel(sf._erfinv_np(y), sp.erfinv(y), 1e-14)
    p = np.concatenate([RNG.uniform(0, 1, 5000), np.logspace(-300, -1, 200), 1 - np.logspace(-16, -1, 100),
                        0.5 + np.logspace(-17, -2, 50), 0.5 - np.logspace(-17, -2, 50), [0.0, 0.25, 0.75, 1.0]])
    assert_rel(sf._ndtri_np(p), sp.ndtri(p), 1e-14)


def test_bessel_fallbacks_match_scipy():
    x = np.concatenate([RNG.uniform(-40, 40, 5000), loguniform(1e-10, 700, 300), -loguniform(1e-10, 700, 300),
                        [0.0, 24.999, 25.0, 25.001, 1e5, -1e5]])
    for nu, scaled, ref in [(0, False, sp.i0), (0, True, sp.i0e), (1, False, sp.i1), (1, True, sp.i1e)]:
        assert_rel(sf._bessel_np(nu, x, scaled), ref(x), 1e-14)


def test_incomplete_gamma_fallbacks_match_scipy():
    a = np.concatenate([loguniform(0.05, 50, 3000), [0.5, 1.0, 2.0, 10.0]])
    x = np.concatenate([loguniform(1e-3, 100, 3000), [1e-300, 1.0, 2.0, 10.0]])
    assert_rel(sf._igamma_np(a, x), sp.gammainc(a, x), 1e-12)
    assert_rel(sf._igamma_np(a, x, upper=True), sp.gammaincc(a, x), 1e-12)


def richardson(f, a, x, h):
    """d f / da by two central differences combined to fourth order."""
    d1 = (f(a + h, x) - f(a - h, x)) / (2 * h)
    d2 = (f(a + h / 2, x) - f(a - h / 2, x)) / h
    return (4 * d2 - d1) / 3


def test_incomplete_gamma_derivatives_in_a_match_finite_differences():
    a, x = loguniform(0.2, 30, 300), loguniform(0.01, 60, 300)
    p = sp.gammainc(a, x)
    h = 1e-4 * a
    # differences of whichever of P and Q is not close to 1 (dQ/da = -dP/da)
    want = np.where(p < 0.5, richardson(sp.gammainc, a, x, h), -richardson(sp.gammaincc, a, x, h))
    assert_rel(sf._igamma_np(a, x, order=1), want, 1e-8, floor=1e-250)
    want2 = richardson(lambda a, x: sf._igamma_np(a, x, order=1), a, x, h)
    assert_rel(sf._igamma_np(a, x, order=2), want2, 1e-7, floor=1e-250)


def test_incomplete_beta_fallback_matches_scipy():
    n = 4000
    a, b = loguniform(0.05, 50, n), loguniform(0.05, 50, n)
    x = np.concatenate([RNG.uniform(0, 1, n // 2), loguniform(1e-6, 1, n // 2)])
    assert_rel(sf._betainc_np(a, b, x), sp.betainc(a, b, x), 1e-12, floor=1e-280)


def test_zeta_fallback_matches_scipy():
    x, q = loguniform(1.001, 60, 4000), loguniform(1e-3, 1e4, 4000)
    assert_rel(sf._zeta_np(x, q), sp.zeta(x, q), 1e-13)
    x, q = RNG.integers(2, 8, 200).astype(float), RNG.uniform(-20, 0, 200)  # negative q: integer x only
    q = q[np.abs(q - np.round(q)) > 1e-3]
    x = x[: q.size]
    assert_rel(sf._zeta_np(x, q), sp.zeta(x, q), 1e-13)


# -- special points and TensorFlow's values outside the domains (SciPy and the fallbacks) -----------
def test_inverse_error_functions_special_points(backend):
    np.testing.assert_array_equal(values(gt.math.erfinv, [0.0, 1.0, -1.0, 1.5, -2.0, NAN]), [0, INF, -INF, NAN, NAN, NAN])
    np.testing.assert_array_equal(values(gt.math.ndtri, [0.5, 0.0, 1.0, -0.1, 1.1, NAN]), [0, -INF, INF, NAN, NAN, NAN])
    y = values(gt.math.erfcinv, [1.0, 0.0, 2.0, -0.1, 2.1])
    np.testing.assert_array_equal(y, [0, INF, -INF, NAN, NAN])
    assert np.signbit(y[0])  # -ndtri(0.5) / sqrt(2) = -0, as TensorFlow prints it
    assert_rel(values(gt.math.erfinv, [math.erf(0.3), -math.erf(2.0), math.erf(1e-8)]), [0.3, -2.0, 1e-8], 1e-14)
    p = np.array([0.975, 1e-300, 1 - 2.0 ** -40])
    assert_rel(0.5 * sp.erfc(-values(gt.math.ndtri, p) / np.sqrt(2)), p, 1e-13)
    assert_rel(values(gt.math.erfcinv, [math.erfc(5.0), math.erfc(-1.0)]), [5.0, -1.0], 1e-13)


def test_bessel_special_points(backend):
    x = [0.0, 1.0, -1.0, 50.0, -50.0, INF, -INF, NAN]
    np.testing.assert_allclose(values(gt.math.bessel_i0, x[:5]), sp.i0(x[:5]), rtol=1e-14)
    np.testing.assert_allclose(values(gt.math.bessel_i1, x[:5]), sp.i1(x[:5]), rtol=1e-14)
    np.testing.assert_allclose(values(gt.math.bessel_i0e, x), sp.i0e(x), rtol=1e-14)
    np.testing.assert_allclose(values(gt.math.bessel_i1e, x), sp.i1e(x), rtol=1e-14)
    # the limits at +-inf (SciPy's unscaled functions give NaN there)
    np.testing.assert_array_equal(values(gt.math.bessel_i0, [INF, -INF, NAN]), [INF, INF, NAN])
    np.testing.assert_array_equal(values(gt.math.bessel_i1, [INF, -INF, NAN]), [INF, -INF, NAN])
    assert values(gt.math.bessel_i0, [1.0])[0] == pytest.approx(1.2660658777520082, rel=1e-15)


def test_incomplete_gamma_special_points(backend):
    a = [1.0, 2.0, 0.5, -1.0, 0.0, 1.0, 1.0, 2.0, 3.0]
    x = [0.0, 0.0, INF, 1.0, 1.0, -1.0, NAN, 1e-300, 1e4]
    np.testing.assert_array_equal(values(gt.math.igamma, a, x)[:7], [0, 0, 1, NAN, NAN, NAN, NAN])
    np.testing.assert_array_equal(values(gt.math.igammac, a, x)[:7], [1, 1, 0, NAN, NAN, NAN, NAN])
    assert values(gt.math.igamma, [-1.0], [0.0])[0] == 0  # TensorFlow: x = 0 gives 0 for any a
    assert np.isnan(values(gt.math.igammac, [-1.0], [0.0])[0])
    xs = np.array([0.1, 1.0, 3.0, 30.0])
    assert_rel(values(gt.math.igammac, np.ones(4), xs), np.exp(-xs), 1e-14)  # Q(1, x) = exp(-x), tail included
    assert_rel(values(gt.math.igamma, np.full(4, 0.5), xs), sp.erf(np.sqrt(xs)), 1e-13)
    assert_rel(values(gt.math.igammac, [3.0], [1e4]), [0.0], 1e-12)  # underflows to 0


def test_incomplete_beta_special_points(backend):
    x = np.array([0.0, 0.3, 0.9, 1.0])
    assert_rel(values(gt.math.betainc, np.ones(4), np.ones(4), x), x, 1e-14)
    assert_rel(values(gt.math.betainc, np.full(4, 2.5), np.ones(4), x), x ** 2.5, 1e-13)
    assert_rel(values(gt.math.betainc, np.ones(4), np.full(4, 3.0), x), 1 - (1 - x) ** 3, 1e-13)
    got = values(gt.math.betainc, [-1.0, 1.0, 0.0, 2.0, 2.0, 2.0], [1.0, 0.0, 1.0, 3.0, 3.0, NAN],
                 [0.5, 0.5, 0.5, -0.1, 1.5, 0.5])
    np.testing.assert_array_equal(got, [NAN] * 6)


def test_zeta_special_points(backend):
    got = values(gt.math.zeta, [2.0, 4.0, 1.0, 0.5, 2.0, 3.0, 2.5, 3.0, 2.0],
                 [1.0, 1.0, 1.0, 1.0, 0.0, -2.0, -1.5, -1.5, INF])
    assert_rel(got[:2], [np.pi ** 2 / 6, np.pi ** 4 / 90], 1e-14)
    # TensorFlow's domain: inf at x = 1, NaN for x < 1; poles q = 0, -1, ...: inf for an even integer
    # x, NaN otherwise; a non-integer q < 0 needs an integer x (the sum then skips no term)
    np.testing.assert_array_equal(got[2:7], [INF, NAN, INF, NAN, NAN])
    assert_rel(got[7:8], sp.zeta([3.0], [-1.5]), 1e-13)
    assert got[8] == 0


def test_float32_and_float16_compute_in_float64(backend):
    for f, args in [(gt.math.erfinv, (0.5,)), (gt.math.bessel_i1e, (3.0,)), (gt.math.igamma, (2.0, 1.5)),
                    (gt.math.betainc, (2.0, 3.0, 0.4)), (gt.math.zeta, (3.0, 2.0))]:
        for dt in (gt.float32, gt.float16):
            xs = [gt.constant([v], dt) for v in args]
            y = f(*xs)
            assert y.dtype == dt
            want = f(*[gt.cast(x, F64) for x in xs]).numpy().astype(dt)
            np.testing.assert_array_equal(y.numpy(), want)


# -- gradients ------------------------------------------------------------------------------------
def test_gradients_through_the_fallbacks(no_scipy):
    check = gt.test.check_gradients
    check(gt.math.erfinv, [[0.3, -0.97]], order=3)
    check(gt.math.ndtri, [[0.01, 0.6]], order=3)
    check(gt.math.erfcinv, [[0.05, 1.4]], order=3)
    for f in (gt.math.bessel_i0, gt.math.bessel_i0e, gt.math.bessel_i1, gt.math.bessel_i1e):
        check(f, [[0.4, -2.0, 30.0]], order=2)
    check(gt.math.igamma, [[0.7, 3.5, 2.0], [1.3, 0.4, 6.0]], order=2)
    check(gt.math.igammac, [[0.7, 3.5], [1.3, 0.4]], order=2)
    check(lambda x: gt.math.betainc(gt.constant([0.6, 3.0], F64), gt.constant(2.0, F64), x), [[0.3, 0.8]], order=2)
    check(lambda q: gt.math.zeta(gt.constant(3.0, F64), q), [[0.4, 12.0]], order=2)


def test_inverse_error_functions_are_differentiable_to_any_order():
    for f in (gt.math.erfinv, gt.math.ndtri, gt.math.erfcinv):
        gt.test.check_gradients(f, [[0.3, 0.7]], order=4)


def test_igamma_has_derivatives_of_any_order_in_a():
    gt.test.check_gradients(gt.math.igamma, [[0.7, 2.5], [1.3, 0.4]], order=3)
    a = gt.constant([0.7, 2.5], F64)
    with gt.GradientTape() as t2:
        t2.watch(a)
        with gt.GradientTape() as t1:
            t1.watch(a)
            y = gt.math.igammac(a, 2.0)
        g = t1.gradient(y, a)
    h = t2.gradient(g, a).numpy()
    want = richardson(lambda a, x: -sf._igamma_np(a, x, order=1), a.numpy(), 2.0, 1e-4)
    np.testing.assert_allclose(h, want, rtol=1e-8)


def grads(f, *args):
    ts = [gt.constant(a, F64) for a in args]
    with gt.GradientTape() as tape:
        tape.watch(ts)
        y = f(*ts)
    return tape.gradient(y, ts)


def test_bessel_derivatives_at_zero():
    # i0e' = i1e - sign(x) i0e is 0 at 0; i1' and i1e' have the limit 0.5 there (TensorFlow puts
    # 1 for i1, which is not its derivative: I1(x) = x / 2 + x^3 / 16 + ...)
    for f, want in [(gt.math.bessel_i0, 0.0), (gt.math.bessel_i0e, 0.0), (gt.math.bessel_i1, 0.5),
                    (gt.math.bessel_i1e, 0.5)]:
        (g,) = grads(f, [0.0])
        assert g.numpy().tolist() == [want], f.__name__


def test_tensorflow_gradient_semantics():
    # betainc: x only; zeta: q only; nextafter: x1 (as the identity) and zeros for x2
    ga, gb, gx = grads(gt.math.betainc, [2.0], [3.0], [0.4])
    assert ga is None and gb is None
    assert gx.numpy()[0] == pytest.approx(0.4 * 0.6 ** 2 * 12)  # x^(a-1) (1-x)^(b-1) / B(2, 3)
    gx, gq = grads(gt.math.zeta, [2.0], [1.0])
    assert gx is None
    assert gq.numpy()[0] == pytest.approx(-2 * sp.zeta(3.0, 1.0), rel=1e-14)
    # nextafter: TensorFlow's values for x1 = [1, 2], x2 = [[3], [0]]: ones (summed over the
    # broadcast) for x1 and zeros for x2
    g1, g2 = grads(gt.math.nextafter, [1.0, 2.0], [[3.0], [0.0]])
    assert g1.numpy().tolist() == [2.0, 2.0] and g2.numpy().tolist() == [[0.0], [0.0]]
    # igamma's gradient for x is the gamma density; igammac's its negative
    ga, gx = grads(gt.math.igamma, [2.0], [3.0])
    assert gx.numpy()[0] == pytest.approx(3.0 * math.exp(-3.0), rel=1e-14)
    ga_c, gx_c = grads(gt.math.igammac, [2.0], [3.0])
    assert (ga_c.numpy(), gx_c.numpy()) == (-ga.numpy(), -gx.numpy())
    # with x = 0 and a = 1 the density is 1 (TensorFlow's (a - 1) log(x) gives NaN there)
    _, gx = grads(gt.math.igamma, [1.0], [0.0])
    assert gx.numpy().tolist() == [1.0]


def test_broadcasting_and_python_numbers():
    a = gt.constant([[1.0], [2.0]])
    y = gt.math.igamma(a, [0.5, 1.0, 2.0])
    assert y.shape == (2, 3) and y.dtype == gt.float32
    assert gt.math.zeta(2.0, 1.0).dtype == gt.float32  # Python numbers: float32, as TensorFlow
    assert gt.math.betainc(2, 3, gt.constant(0.5, F64)).dtype == F64  # numbers take the tensor's dtype
    _, gx = grads(lambda a, x: gt.math.igamma(a, x), [[1.0], [2.0]], [0.5, 1.0, 2.0])
    assert gx.shape == (3,)


def test_nextafter():
    y = gt.math.nextafter(gt.constant([1.0, 1.0, 0.0, 2.0], gt.float32), gt.constant([2.0, 0.0, 1.0, 2.0], gt.float32))
    assert y.dtype == gt.float32
    np.testing.assert_array_equal(y.numpy(), np.nextafter(np.float32([1, 1, 0, 2]), np.float32([2, 0, 1, 2])))
    assert y.numpy()[2] == np.finfo(np.float32).smallest_subnormal
    z = gt.math.nextafter(gt.constant([1.0], F64), 0.0)
    assert z.dtype == F64 and z.numpy()[0] == 1 - 2.0 ** -53


# -- errors ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("call, err, match", [
    (lambda: gt.math.erfinv(gt.constant([1, 2])), TypeError, r"erfinv: x must be a floating-point tensor.*int32.*gt\.cast"),
    (lambda: gt.math.bessel_i0(gt.constant([1 + 2j])), TypeError, r"bessel_i0: x must be a floating-point.*complex"),
    (lambda: gt.math.igamma(gt.constant([1.0]), gt.constant([1.0], F64)), TypeError,
     r"igamma: a, x must have the same dtype, got a float32, x float64"),
    (lambda: gt.math.zeta(gt.constant([True]), 1.0), TypeError, r"zeta: x must be a floating-point tensor.*bool"),
    (lambda: gt.math.betainc(gt.constant([1.0, 2.0]), 1.0, gt.constant([0.1, 0.2, 0.3])), ValueError,
     r"betainc: the shapes of a, b, x must broadcast to one shape, got a \(2,\), b \(\), x \(3,\)"),
    (lambda: gt.math.nextafter(gt.constant([1], gt.int32), 2.0), TypeError, r"nextafter: x1 must be a floating-point"),
    (lambda: gt.math.igammac(np.float64(1.0), gt.constant([1], gt.int32)), TypeError, r"igammac: x must be a floating"),
])
def test_bad_input_gets_a_clear_error(call, err, match):
    with pytest.raises(err, match=match):
        call()
