"""Special functions of ``tf.math``: the inverse error functions ``erfinv``, ``ndtri`` and
``erfcinv``; the modified Bessel functions ``bessel_i0``, ``bessel_i0e``, ``bessel_i1`` and
``bessel_i1e``; the regularized incomplete gamma functions ``igamma`` and ``igammac``; the
regularized incomplete beta function ``betainc``; the Hurwitz zeta function ``zeta``; and
``nextafter``.

Values and gradients follow TensorFlow:

* The inverse error functions' derivatives are written with their outputs, e.g.
  ``erfinv'(x) = sqrt(pi) / 2 * exp(erfinv(x) ** 2)``, so they are differentiable to any order.
  ``erfcinv(x)`` is ``-ndtri(x / 2) / sqrt(2)``, as TensorFlow computes it.
* The Bessel functions' derivatives are TensorFlow's: ``i0' = i1``, ``i0e' = i1e - sign(x) i0e``,
  ``i1' = i0 - i1 / x`` and ``i1e' = i0e - i1e (sign(x) + 1 / x)``, both 0.5 at ``x = 0`` (their
  limits; TensorFlow puts 1 for ``i1'(0)``, which is not the derivative: ``I1(x) = x / 2 + ...``).
* ``igamma`` and ``igammac`` have gradients for ``a`` and ``x``. As TensorFlow's
  ``igamma_grad_a`` kernel, the derivatives for ``a`` differentiate the series and continued
  fraction that compute the value (here in Taylor arithmetic, so any order is available); the
  gradient for ``x`` is ``exp(-x + (a - 1) log(x) - lgamma(a))``, with ``0 log(0) = 0`` (so 1 at
  ``a = 1, x = 0``, where TensorFlow's formula gives NaN).
* ``betainc`` has a gradient for ``x`` only and ``zeta`` for ``q`` only (``-x zeta(x + 1, q)``):
  as in TensorFlow, ``a``, ``b`` and zeta's ``x`` get none. ``nextafter`` has no gradient.
* Arguments outside a function's domain give NaN (``erfinv(2)``, ``igamma(-1, x)``,
  ``betainc(a, b, 1.5)``, ``zeta(0.5, q)``), and its poles +-inf, as in TensorFlow.

The values come from SciPy when it is importable (imported on first use); otherwise from float64
fallbacks on NumPy: rational approximations refined by Halley's method (inverse error
functions), power series and asymptotic expansions (Bessel functions), Cephes' series and
continued fractions (incomplete gamma and beta functions) and Euler-Maclaurin summation (zeta).
float16 and float32 inputs are computed in float64 and cast back.
"""

from __future__ import annotations

import math as _pymath
from typing import Any

import numpy as np

from .._engine.primitive import bind, bind1, bind2, primitive
from .._engine.tensor import Tensor, to_array, wrap
from ._declare import unary
from .math import _erf_np, _erfc_np, _lgamma_np, _polygamma_np, _scipy_special  # SciPy when importable

_EPS = np.finfo(np.float64).eps / 2  # Cephes' MACHEP: 1 - MACHEP == 1
_SQRT2 = _pymath.sqrt(2.0)
_SQRT_HALF = _pymath.sqrt(0.5)
_SQRT_2PI = _pymath.sqrt(2 * _pymath.pi)
_LOG_SQRT_2PI = 0.5 * _pymath.log(2 * _pymath.pi)
_SQRT_PI_OVER_2 = _pymath.sqrt(_pymath.pi) / 2
_TWO_OVER_SQRT_PI = 2 / _pymath.sqrt(_pymath.pi)
_LOG_MAX = _pymath.log(np.finfo(np.float64).max)


def _out_dtype(*xs) -> np.dtype:
    dt = np.result_type(*xs)
    return dt if dt.kind == "f" else np.dtype(np.float64)


def _f64(*xs) -> list:
    """The arguments as float64 arrays broadcast to one shape (writable copies)."""
    return [np.array(v, np.float64) for v in np.broadcast_arrays(*[np.asarray(x, np.float64) for x in xs])]


def _gammaln(x):
    sp = _scipy_special()
    return sp.gammaln(x) if sp is not None else _lgamma_np(x)


def _psi(n: int, x):
    sp = _scipy_special()
    return sp.polygamma(n, x) if sp is not None else _polygamma_np(n, x)


# -- inverse error functions: NumPy fallbacks ---------------------------------------------------
# Acklam's rational approximation of the normal quantile (relative error below 1.2e-9), the
# starting point of two Halley steps (each one triples the number of correct digits).
_ACK_A = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
          1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
_ACK_B = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
          6.680131188771972e+01, -1.328068155288572e+01, 1.0)
_ACK_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
          -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
_ACK_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
          3.754408661907416e+00, 1.0)


def _horner(coeffs, t):
    r = np.full(np.shape(t), coeffs[0])
    for c in coeffs[1:]:
        r = r * t + c
    return r


def _ndtri_guess_central(q):
    """Acklam's approximation of ndtri(0.5 + q) for |q| <= 0.476 (a function of q itself, so
    relatively accurate for tiny q)."""
    r = q * q
    return q * _horner(_ACK_A, r) / _horner(_ACK_B, r)


def _ndtri_lower(p):
    """ndtri(p) for 0 <= p <= 0.25: Halley's method on ``erfc(-x / sqrt(2)) / 2 = p``."""
    with np.errstate(all="ignore"):
        t = np.sqrt(-2 * np.log(p))
        x = np.where(p < 0.02425, _horner(_ACK_C, t) / _horner(_ACK_D, t), _ndtri_guess_central(p - 0.5))
        for _ in range(2):
            cdf = 0.5 * _erfc_np(-x / _SQRT2)
            # (cdf - p) / pdf(x), with p / pdf(x) taken in logarithms: no overflow in the far tail
            u = (cdf / p - 1) * np.exp(np.log(p) + 0.5 * x * x + _LOG_SQRT_2PI)
            x = x - u / (1 + 0.5 * x * u)
        return np.where(p == 0, -np.inf, x)


def _erfinv_central(y):
    """erfinv(y) for |y| <= 0.5: Halley's method on ``erf(x) = y``."""
    x = _ndtri_guess_central(0.5 * y) / _SQRT2
    for _ in range(2):
        u = (_erf_np(x) - y) / (_TWO_OVER_SQRT_PI * np.exp(-x * x))
        x = x - u / (1 + x * u)
    return x


def _ndtri_np(p):
    """The standard normal quantile on float64, without SciPy (NaN outside [0, 1])."""
    p = np.asarray(p, np.float64)
    out = np.full(p.shape, np.nan)
    lo, hi = (p >= 0) & (p < 0.25), (p > 0.75) & (p <= 1)
    mid = (p >= 0.25) & (p <= 0.75)
    out[lo] = _ndtri_lower(p[lo])
    out[hi] = -_ndtri_lower(1 - p[hi])  # 1 - p is exact for p >= 0.5
    out[mid] = _SQRT2 * _erfinv_central(2 * p[mid] - 1)  # 2 p - 1 is exact there
    return out


def _erfinv_np(y):
    """The inverse error function on float64, without SciPy (NaN outside [-1, 1])."""
    y = np.asarray(y, np.float64)
    out = np.full(y.shape, np.nan)
    ay = np.abs(y)
    mid, tail = ay <= 0.5, (ay > 0.5) & (ay <= 1)
    out[mid] = _erfinv_central(y[mid])
    out[tail] = -np.sign(y[tail]) * _ndtri_lower(0.5 * (1 - ay[tail])) / _SQRT2  # 1 - |y| is exact
    return out


# -- modified Bessel functions: NumPy fallbacks -------------------------------------------------
_BESSEL_SPLIT = 25.0  # power series below, asymptotic expansion above


def _bessel_np(nu: int, x, scaled: bool):
    """I_nu(x) for nu in (0, 1), times exp(-|x|) when ``scaled``, on float64 without SciPy."""
    x = np.asarray(x, np.float64)
    ax = np.abs(x)
    out = np.full(x.shape, np.nan)
    small = ax < _BESSEL_SPLIT
    large = (ax >= _BESSEL_SPLIT) & np.isfinite(ax)
    with np.errstate(all="ignore"):
        # sum_k (x^2 / 4)^k / (k! (k + nu)!) * (x / 2)^nu: positive terms, no cancellation
        xs = ax[small]
        q, term, s, k = xs * xs / 4, np.ones_like(xs), np.ones_like(xs), 0
        while True:
            k += 1
            term = term * q / (k * (k + nu))
            s = s + term
            if not np.any(term > _EPS * s):
                break
        val = s * (xs / 2) ** nu
        out[small] = val * np.exp(-xs) if scaled else val
        # I_nu(x) ~ exp(x) / sqrt(2 pi x) sum_k t_k, t_k = t_{k-1} ((2k - 1)^2 - 4 nu^2) / (8 k x):
        # the terms fall while k < 2 x, to below 1e-16 by k = 25 for x >= 25
        xl = ax[large]
        t, s = np.ones_like(xl), np.ones_like(xl)
        for k in range(1, 31):
            t = t * ((2 * k - 1) ** 2 - 4 * nu * nu) / (8 * k * xl)
            s = s + t
        scaled_val = s / np.sqrt(2 * np.pi * xl)
        if scaled:
            out[large] = scaled_val
        else:  # exp(x) rounds better than exp(x + log(front)); the latter to 714 before overflow
            out[large] = np.where(xl < 709, np.exp(xl) * scaled_val, s * np.exp(xl - 0.5 * np.log(2 * np.pi * xl)))
    out[np.isinf(x)] = 0.0 if scaled else np.inf
    return np.copysign(out, x) if nu == 1 else out


# -- incomplete gamma function: NumPy kernel in Taylor arithmetic -------------------------------
# A Taylor polynomial in ``a`` is an array (K + 1, n): coefficient k times k! is the k-th
# derivative. Order 0 is the plain value, so the same code gives the fallback for igamma and
# igammac and the derivatives for a (what TensorFlow's igamma_grad_a kernel computes).
def _tmul(A, B):
    return np.stack([sum(A[j] * B[k - j] for j in range(k + 1)) for k in range(A.shape[0])])


def _tdiv(A, B):
    C = np.empty_like(A)
    for k in range(A.shape[0]):
        C[k] = (A[k] - sum((B[j] * C[k - j] for j in range(1, k + 1)), np.zeros_like(A[0]))) / B[0]
    return C


def _texp(A):
    E = np.empty_like(A)
    E[0] = np.exp(A[0])
    for k in range(1, A.shape[0]):
        E[k] = sum(j * A[j] * E[k - j] for j in range(1, k + 1)) / k
    return E


def _log_front(a, x, K: int, shift: int):
    """Taylor coefficients in a of ``a log(x) - x - lgamma(a + shift)``."""
    L = np.empty((K + 1,) + a.shape)
    L[0] = a * np.log(x) - x - _gammaln(a + shift)
    for k in range(1, K + 1):
        L[k] = -_psi(k - 1, a + shift) / _pymath.factorial(k)
    if K >= 1:
        L[1] += np.log(x)
    return L


_IGAMMA_ITERATIONS = 2000


class _Active:
    """The elements of a vectorized iteration that have not converged yet: converged ones are
    stored and dropped (iterating on after convergence only adds rounding errors)."""

    def __init__(self, n: int, K: int):
        self.idx = np.arange(n)
        self.out = np.empty((K + 1, n))

    def retire(self, conv, value, state: list) -> list:
        self.out[:, self.idx[conv]] = value[:, conv]
        keep = ~conv
        self.idx = self.idx[keep]
        return [v[..., keep] for v in state]


def _igamma_series(a, x, K: int):
    """Taylor coefficients of igamma(a, x) for x <= max(1, a): Cephes' power series
    ``x^a e^-x / Gamma(a + 1) sum_n x^n / ((a + 1) ... (a + n))``."""
    act = _Active(a.size, K)
    S = np.zeros((K + 1,) + a.shape)
    S[0] = 1
    c, r, xx = S.copy(), a.copy(), x
    powers = np.arange(1, K + 2)[:, None]
    sign = (-1.0) ** (powers - 1)
    for _ in range(_IGAMMA_ITERATIONS):
        r = r + 1
        c = _tmul(c, sign * xx / r ** powers)  # x / (r + t) = x sum_k (-t)^k / r^(k + 1)
        S = S + c
        conv = np.all(np.abs(c) <= _EPS * np.abs(S), axis=0)
        if conv.any():
            S, c, r, xx = act.retire(conv, S, [S, c, r, xx])
            if not act.idx.size:
                break
    act.out[:, act.idx] = S
    return _tmul(_texp(_log_front(a, x, K, 1)), act.out)


def _igammac_cf(a, x, K: int):
    """Taylor coefficients of igammac(a, x) for x > max(1, a): Cephes' continued fraction,
    times ``x^a e^-x / Gamma(a)``."""
    act = _Active(a.size, K)
    zero = np.zeros((K + 1,) + a.shape)
    y0, c = 1 - a, 0.0
    z0 = x + y0 + 1
    pkm2, qkm2, pkm1, qkm1 = zero.copy(), zero.copy(), zero.copy(), zero.copy()
    pkm2[0], qkm2[0], pkm1[0], qkm1[0] = 1, x, x + 1, z0 * x
    if K >= 1:
        qkm1[1] = -x  # z = z0 - t
    ans = _tdiv(pkm1, qkm1)
    for _ in range(_IGAMMA_ITERATIONS):
        c += 1
        y0 = y0 + 1
        z0 = z0 + 2
        yc0 = y0 * c  # y c = yc0 - c t, z = z0 - t
        pk, qk = pkm1 * z0 - pkm2 * yc0, qkm1 * z0 - qkm2 * yc0
        pk[1:] += pkm2[:-1] * c - pkm1[:-1]
        qk[1:] += qkm2[:-1] * c - qkm1[:-1]
        new = _tdiv(pk, qk)
        conv = np.all((np.abs(new - ans) <= _EPS * np.abs(new)) | (new == ans), axis=0)
        ans = new
        scale = 1 / np.abs(qk[0])  # a common factor leaves p / q alone and keeps both finite
        pkm2, pkm1, qkm2, qkm1 = pkm1 * scale, pk * scale, qkm1 * scale, qk * scale
        if conv.any():
            ans, y0, z0, pkm2, pkm1, qkm2, qkm1 = act.retire(conv, ans, [ans, y0, z0, pkm2, pkm1, qkm2, qkm1])
            if not act.idx.size:
                break
    act.out[:, act.idx] = ans
    return _tmul(_texp(_log_front(a, x, K, 0)), act.out)


def _igamma_np(a, x, order: int = 0, upper: bool = False):
    """igamma(a, x) (igammac when ``upper``) or its ``order``-th derivative in ``a``, on float64
    without SciPy, with TensorFlow's values outside the domain."""
    a, x = _f64(a, x)
    out = np.full(a.shape, np.nan)
    with np.errstate(all="ignore"):
        ok = (a > 0) & (x >= 0)
        # the limits: x = 0 (igamma and the derivatives are 0 there for any a, as in TensorFlow),
        # x = inf and a = inf (where TensorFlow's prefactor vanishes)
        if upper and order == 0:
            out[ok & (x == 0)] = 1.0
        else:
            out[x == 0] = 0.0
        out[ok & np.isposinf(x) & np.isfinite(a)] = float(not upper) if order == 0 else 0.0
        out[ok & np.isposinf(a) & np.isfinite(x) & (x > 0)] = float(upper) if order == 0 else 0.0
        run = ok & (x > 0) & np.isfinite(x) & np.isfinite(a)
        cf = run & (x > 1) & (x > a)
        for sel, is_cf in ((run & ~cf, False), (cf, True)):
            if not sel.any():
                continue
            aa, xx = a[sel], x[sel]
            # where the prefactor underflows the value is 0 (or 1), as are the derivatives
            lf = aa * np.log(xx) - xx - _gammaln(aa + (0 if is_cf else 1))
            live = lf >= -_LOG_MAX
            res = np.zeros(aa.shape)
            if live.any():
                kern = _igammac_cf if is_cf else _igamma_series
                res[live] = kern(aa[live], xx[live], order)[order] * _pymath.factorial(order)
            # res is the lower function (series) or the upper one (continued fraction)
            if order == 0:
                res = 1 - res if is_cf != upper else res
            elif is_cf != upper:
                res = -res
            out[sel] = res
    return out


# -- incomplete beta function: NumPy fallback (Cephes' incbet) ----------------------------------
def _incbps(a, b, x):
    """Power series for betainc, for b x <= 1 and x <= 0.95."""
    ai = 1 / a
    u = (1 - b) * x
    v = u / (a + 1)
    t1, t, n, s = v, u, 2.0, np.zeros_like(a)
    z = _EPS * ai
    active = np.abs(v) > z
    for _ in range(10000):
        if not active.any():
            break
        u = (n - b) * x / n
        t = t * u
        v = t / (a + n)
        s = np.where(active, s + v, s)
        active &= np.abs(v) > z
        n += 1
    s = s + t1 + ai
    return np.exp(_gammaln(a + b) - _gammaln(a) - _gammaln(b) + a * np.log(x) + np.log(s))


_BIG, _BIGINV = 1 / np.finfo(np.float64).eps, np.finfo(np.float64).eps


def _incbcf(a, b, x, small):
    """Cephes' continued fractions for betainc: expansion 1 where ``small``, 2 elsewhere."""
    one = np.ones_like(a)
    k1, k3, k4, k5, k8 = a, a, a + 1, one, a + 2
    k2 = np.where(small, a + b, b - 1)
    k6 = np.where(small, b - 1, a + b)
    k7 = a + 1
    upd = np.where(small, 1.0, -1.0)
    x = np.where(small, x, x / (1 - x))
    pkm2, qkm2, pkm1, qkm1 = np.zeros_like(a), one, one, one
    ans, res = one, np.full(a.shape, np.nan)
    done = np.zeros(a.shape, bool)
    for _ in range(300):
        xk = -(x * k1 * k2) / (k3 * k4)
        pk, qk = pkm1 + pkm2 * xk, qkm1 + qkm2 * xk
        pkm2, pkm1, qkm2, qkm1 = pkm1, pk, qkm1, qk
        xk = (x * k5 * k6) / (k7 * k8)
        pk, qk = pkm1 + pkm2 * xk, qkm1 + qkm2 * xk
        pkm2, pkm1, qkm2, qkm1 = pkm1, pk, qkm1, qk
        r = np.where(qk != 0, pk / np.where(qk != 0, qk, 1), ans)
        conv = ~done & (qk != 0) & (np.abs(ans - r) < np.abs(r) * 3 * _EPS)
        res = np.where(conv, r, res)
        done |= conv
        if done.all():
            break
        ans = r
        k1, k2, k3, k4 = k1 + 1, k2 + upd, k3 + 2, k4 + 2
        k5, k6, k7, k8 = k5 + 1, k6 - upd, k7 + 2, k8 + 2
        big = np.abs(qk) + np.abs(pk) > _BIG
        f = np.where(big, _BIGINV, 1.0) * np.where((np.abs(qk) < _BIGINV) | (np.abs(pk) < _BIGINV), _BIG, 1.0)
        pkm2, pkm1, qkm2, qkm1 = pkm2 * f, pkm1 * f, qkm2 * f, qkm1 * f
    return np.where(done, res, ans)


def _betainc_np(a, b, x):
    """The regularized incomplete beta function on float64 without SciPy (Cephes' incbet):
    NaN for a <= 0, b <= 0 or x outside [0, 1]."""
    a, b, x = _f64(a, b, x)
    out = np.full(a.shape, np.nan)
    ok = (a > 0) & (b > 0)
    out[ok & (x == 0)] = 0.0
    out[ok & (x == 1)] = 1.0
    run = ok & (x > 0) & (x < 1) & np.isfinite(a) & np.isfinite(b)
    with np.errstate(all="ignore"):
        ps = run & (b * x <= 1) & (x <= 0.95)
        out[ps] = _incbps(a[ps], b[ps], x[ps])
        rest = run & ~ps
        aa, bb, xx = a[rest], b[rest], x[rest]
        flip = xx > aa / (aa + bb)  # x above the mean: 1 - betainc(b, a, 1 - x)
        a1, b1 = np.where(flip, bb, aa), np.where(flip, aa, bb)
        x1, xc = np.where(flip, 1 - xx, xx), np.where(flip, xx, 1 - xx)
        res = np.empty(aa.shape)
        ps1 = flip & (b1 * x1 <= 1) & (x1 <= 0.95)
        res[ps1] = _incbps(a1[ps1], b1[ps1], x1[ps1])
        cf = ~ps1
        a2, b2, x2, xc2 = a1[cf], b1[cf], x1[cf], xc[cf]
        small = x2 * (a2 + b2 - 2) - (a2 - 1) < 0
        w = _incbcf(a2, b2, x2, small)
        w = np.where(small, w, w / xc2)
        res[cf] = np.exp(a2 * np.log(x2) + b2 * np.log(xc2) + _gammaln(a2 + b2) - _gammaln(a2)
                         - _gammaln(b2) + np.log(w / a2))
        out[rest] = np.where(flip, 1 - res, res)
    return out


# -- Hurwitz zeta function: NumPy fallback (Euler-Maclaurin, as Cephes) --------------------------
_BERNOULLI_2K = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
                 43867 / 798, -174611 / 330, 854513 / 138, -236364091 / 2730)  # B_2 ... B_24
_ZETA_A = tuple(_pymath.factorial(2 * k + 2) / b for k, b in enumerate(_BERNOULLI_2K))


def _zeta_np(x, q):
    """zeta(x, q) = sum_k (k + q)^-x on float64 without SciPy, with TensorFlow's domain: inf at
    x = 1, NaN for x < 1; for q <= 0 an integer q gives inf (x an even integer) or NaN, and a
    non-integer q needs an integer x."""
    x, q = _f64(x, q)
    out = np.full(x.shape, np.nan)
    with np.errstate(all="ignore"):
        xint = x == np.floor(x)
        qpole = (q <= 0) & (q == np.floor(q))
        out[x == 1] = np.inf
        out[(x > 1) & qpole & xint & (np.fmod(x, 2) == 0)] = np.inf
        out[(x > 1) & np.isposinf(q)] = 0.0
        run = (x > 1) & ~qpole & ((q > 0) | xint) & np.isfinite(q)
        xs, qs = x[run], q[run]
        s = qs ** -xs
        a, b = qs.copy(), np.zeros_like(qs)
        done = np.zeros(qs.shape, bool)
        i = 0
        while True:  # sum the first terms until q + n > 9 (and at least 9 of them)
            act = ~done & ((i < 9) | (a <= 9))
            if not act.any():
                break
            i += 1
            a = np.where(act, a + 1, a)
            bn = a ** -xs
            b = np.where(act, bn, b)
            s = np.where(act, s + bn, s)
            done |= act & (np.abs(bn / s) < _EPS)
        live = ~done & (b != 0)
        w = a
        s = np.where(live, s + b * w / (xs - 1) - 0.5 * b, s)
        fac, k = np.ones_like(qs), 0.0
        for A in _ZETA_A:  # the Bernoulli terms of the Euler-Maclaurin formula
            fac = fac * (xs + k)
            b = b / w
            t = fac * b / A
            s = np.where(live, s + t, s)
            live &= ~(np.abs(t / s) < _EPS)
            k += 1
            fac = fac * (xs + k)
            b = b / w
            k += 1
        out[run] = s
    return out


# -- forwards ---------------------------------------------------------------------------------
def _unary_forward(scipy_fn, fallback):
    def forward(x):
        dt = _out_dtype(x)
        x64 = np.asarray(x, np.float64)
        sp = _scipy_special()
        with np.errstate(all="ignore"):
            out = scipy_fn(sp, x64) if sp is not None else fallback(x64)
        return np.asarray(out).astype(dt, copy=False)
    return forward


def _igamma_domain(a, x, out, upper: bool):
    """TensorFlow's values outside the domain: NaN for a <= 0 or x < 0, except igamma(a, 0) = 0."""
    out = np.where((a <= 0) | (x < 0), np.nan, out)
    return out if upper else np.where(x == 0, 0.0, out)


def _igamma_forward(upper: bool):
    def forward(a, x):
        dt = _out_dtype(a, x)
        a64, x64 = _f64(a, x)
        sp = _scipy_special()
        with np.errstate(all="ignore"):
            if sp is not None:
                out = _igamma_domain(a64, x64, (sp.gammaincc if upper else sp.gammainc)(a64, x64), upper)
            else:
                out = _igamma_np(a64, x64, 0, upper)
        return np.asarray(out).astype(dt, copy=False)
    return forward


def _igamma_grad_a_fwd(a, x, order=1):
    dt = _out_dtype(a, x)
    return np.asarray(_igamma_np(a, x, order)).astype(dt, copy=False)


def _betainc_fwd(a, b, x):
    dt = _out_dtype(a, b, x)
    a64, b64, x64 = _f64(a, b, x)
    sp = _scipy_special()
    with np.errstate(all="ignore"):
        if sp is not None:
            out = sp.betainc(a64, b64, x64)
            out = np.where((a64 <= 0) | (b64 <= 0) | (x64 < 0) | (x64 > 1), np.nan, out)
        else:
            out = _betainc_np(a64, b64, x64)
    return np.asarray(out).astype(dt, copy=False)


def _zeta_fwd(x, q):
    dt = _out_dtype(x, q)
    x64, q64 = _f64(x, q)
    sp = _scipy_special()
    if sp is None:
        return _zeta_np(x64, q64).astype(dt, copy=False)
    with np.errstate(all="ignore"):
        out = sp.zeta(x64, q64)
        # TensorFlow's domain where SciPy's differs: poles at q = 0, -1, ... and q < 0
        xint = x64 == np.floor(x64)
        qpole = (q64 <= 0) & (q64 == np.floor(q64))
        out = np.where((x64 > 1) & qpole, np.where(xint & (np.fmod(x64, 2) == 0), np.inf, np.nan), out)
        out = np.where((q64 < 0) & ~qpole & ~xint, np.nan, out)
        out = np.where(x64 < 1, np.nan, np.where(x64 == 1, np.inf, out))
    return out.astype(dt, copy=False)


# -- derivative rules -------------------------------------------------------------------------
def _dpdx(m, a, x, k: int):
    """The k-th derivative in ``a`` of ``d igamma(a, x) / dx = exp((a - 1) log(x) - x - lgamma(a))``:
    with ``h`` the exponent, ``D_n = sum_j C(n - 1, j) h^(j + 1) D_(n - 1 - j)``."""
    d = [m.exp(m.xlogy(a - 1, x) - x - m.lgamma(a))]
    if k == 0:
        return d[0]
    h = [None, m.log(x) - m.digamma(a)] + [-m.polygamma(j - 1, a) for j in range(2, k + 1)]
    for n in range(1, k + 1):
        d.append(sum(_pymath.comb(n - 1, j) * h[j + 1] * d[n - 1 - j] for j in range(n)))
    return d[k]


def _i1_deriv(m, y, x):
    zero = m.equal(x, 0)
    safe = m.where(zero, 1, x)  # no 0 / 0 in the branch that is not taken (nor in its gradient)
    # at 0, the Taylor series of I1'(x) = 1/2 + 3 x^2 / 16 + ...: derivatives exact to order 7
    x2 = x * x
    near0 = 0.5 + x2 * (3 / 16 + x2 * (5 / 384 + x2 * (7 / 18432)))
    return m.where(zero, near0, m.bessel_i0(x) - y / safe)


def _i1e_deriv(m, y, x):
    zero = m.equal(x, 0)
    safe = m.where(zero, 1, x)
    return m.where(zero, 0.5, m.bessel_i0e(x) - y * (m.sign(x) + 1 / safe))


def _betainc_dx(m, a, b, x):
    return m.exp(m.xlogy(a - 1, x) + m.xlogy(b - 1, 1 - x) + m.lgamma(a + b) - m.lgamma(a) - m.lgamma(b))


def _da(m, a, x, order):
    return m.igamma_grad_a(a, x, order=order)


_erfinv = unary("erfinv", _unary_forward(lambda sp, x: sp.erfinv(x), _erfinv_np),
                lambda m, y, x: _SQRT_PI_OVER_2 * m.exp(y * y), uses="y").primitive
_ndtri = unary("ndtri", _unary_forward(lambda sp, x: sp.ndtri(x), _ndtri_np),
               lambda m, y, x: _SQRT_2PI * m.exp(0.5 * y * y), uses="y").primitive
_erfcinv = unary("erfcinv", _unary_forward(lambda sp, x: -sp.ndtri(0.5 * x) * _SQRT_HALF,
                                           lambda x: -_ndtri_np(0.5 * x) * _SQRT_HALF),
                 lambda m, y, x: -_SQRT_PI_OVER_2 * m.exp(y * y), uses="y").primitive
def _at_inf(value, odd=False):
    """SciPy's unscaled I0 and I1 are NaN at +-inf: give the limits instead."""
    return lambda x, v: np.where(np.isinf(x), np.copysign(value, x) if odd else value, v)


_bessel_i0 = unary("bessel_i0", _unary_forward(lambda sp, x: _at_inf(np.inf)(x, sp.i0(x)),
                                               lambda x: _bessel_np(0, x, False)),
                   lambda m, y, x: m.bessel_i1(x)).primitive
_bessel_i0e = unary("bessel_i0e", _unary_forward(lambda sp, x: sp.i0e(x), lambda x: _bessel_np(0, x, True)),
                    lambda m, y, x: m.bessel_i1e(x) - m.sign(x) * y, uses="xy").primitive
_bessel_i1 = unary("bessel_i1", _unary_forward(lambda sp, x: _at_inf(np.inf, odd=True)(x, sp.i1(x)),
                                               lambda x: _bessel_np(1, x, False)),
                   _i1_deriv, uses="xy").primitive
_bessel_i1e = unary("bessel_i1e", _unary_forward(lambda sp, x: sp.i1e(x), lambda x: _bessel_np(1, x, True)),
                    _i1e_deriv, uses="xy").primitive

_igamma = primitive("igamma", _igamma_forward(False),
                    vjp=(lambda m, g, ans, a, x: g * _da(m, a, x, 1),
                         lambda m, g, ans, a, x: g * _dpdx(m, a, x, 0)),
                    jvp=(lambda m, t, ans, a, x: t * _da(m, a, x, 1),
                         lambda m, t, ans, a, x: t * _dpdx(m, a, x, 0)),
                    save_out=False)
_igammac = primitive("igammac", _igamma_forward(True),
                     vjp=(lambda m, g, ans, a, x: -g * _da(m, a, x, 1),
                          lambda m, g, ans, a, x: -g * _dpdx(m, a, x, 0)),
                     jvp=(lambda m, t, ans, a, x: -t * _da(m, a, x, 1),
                          lambda m, t, ans, a, x: -t * _dpdx(m, a, x, 0)),
                     save_out=False)
# The order-th derivative of igamma in a (TensorFlow's igamma_grad_a for order 1); its own
# derivatives are the next order in a and, in x, the order-th a-derivative of d igamma / dx.
_igamma_grad_a = primitive("igamma_grad_a", _igamma_grad_a_fwd,
                           vjp=(lambda m, g, ans, a, x, order: g * _da(m, a, x, order + 1),
                                lambda m, g, ans, a, x, order: g * _dpdx(m, a, x, order)),
                           jvp=(lambda m, t, ans, a, x, order: t * _da(m, a, x, order + 1),
                                lambda m, t, ans, a, x, order: t * _dpdx(m, a, x, order)),
                           save_out=False)
_betainc = primitive("betainc", _betainc_fwd,
                     vjp=(None, None, lambda m, g, ans, a, b, x: g * _betainc_dx(m, a, b, x)),
                     jvp=(None, None, lambda m, t, ans, a, b, x: t * _betainc_dx(m, a, b, x)),
                     save_out=False)
_zeta = primitive("zeta", _zeta_fwd,
                  vjp=(None, lambda m, g, ans, x, q: g * (-x * m.zeta(x + 1, q))),
                  jvp=(None, lambda m, t, ans, x, q: t * (-x * m.zeta(x + 1, q))),
                  save_out=False)
# TensorFlow's NextAfter gradient: the step is treated as the identity in x1 and constant in x2.
_nextafter = primitive("nextafter", lambda x1, x2: np.nextafter(x1, x2),
                       vjp=(lambda m, g, ans, x1, x2: g, lambda m, g, ans, x1, x2: m.zeros_like(g)),
                       jvp=(lambda m, t, ans, x1, x2: t, lambda m, t, ans, x1, x2: m.zeros_like(t)))


# -- argument checks --------------------------------------------------------------------------
def _floats(op: str, names: tuple, args: tuple) -> list:
    """The arguments as tensors of one floating-point dtype, or a clear error. Python numbers and
    lists (and NumPy scalars) beside a tensor take its dtype, as in TensorFlow."""
    ref = next((a for a in args if isinstance(a, Tensor) and a.dtype.kind == "f"), None)
    ts = []
    for a in args:
        if isinstance(a, Tensor):
            ts.append(a)
            continue
        arr = np.asarray(a) if isinstance(a, np.generic) else to_array(a)
        if ref is not None and (isinstance(a, np.generic) or not isinstance(a, np.ndarray)) \
                and arr.dtype.kind in "iuf":
            arr = np.asarray(arr, ref.dtype)
        ts.append(wrap(np.asarray(arr)))
    for n, t in zip(names, ts):
        if t.dtype.kind != "f":
            raise TypeError(f"{op}: {n} must be a floating-point tensor (float16, float32 or float64), got "
                            f"dtype {t.dtype.name}; cast it first, e.g. gt.cast({n}, gt.float32)")
    if len({t.dtype for t in ts}) > 1:
        got = ", ".join(f"{n} {t.dtype.name}" for n, t in zip(names, ts))
        raise TypeError(f"{op}: {', '.join(names)} must have the same dtype, got {got}; cast them to one "
                        "dtype with gt.cast")
    if len(ts) > 1:
        try:
            np.broadcast_shapes(*(tuple(t.shape) for t in ts))
        except ValueError:
            got = ", ".join(f"{n} {tuple(t.shape)}" for n, t in zip(names, ts))
            raise ValueError(f"{op}: the shapes of {', '.join(names)} must broadcast to one shape, got {got}; "
                             "reshape them (e.g. gt.reshape or gt.expand_dims)") from None
    return ts


# -- public functions ---------------------------------------------------------------------------
def erfinv(x: Any, name: str | None = None) -> Tensor:
    """Elementwise inverse error function: ``erf(erfinv(x)) = x`` for ``x`` in ``[-1, 1]``.

    ``erfinv(+-1)`` is ``+-inf`` and ``|x| > 1`` gives NaN, as in TensorFlow. The derivative is
    ``sqrt(pi) / 2 * exp(erfinv(x) ** 2)``, differentiable to any order.

    >>> import gradtape as gt
    >>> y = gt.math.erfinv(gt.constant([0.0, 0.5, 1.0, 2.0]))
    >>> [round(float(v), 4) for v in y.numpy()]
    [0.0, 0.4769, inf, nan]
    """
    (x,) = _floats("erfinv", ("x",), (x,))
    return bind1(_erfinv, x)


def ndtri(x: Any, name: str | None = None) -> Tensor:
    """Elementwise quantile of the standard normal distribution (the inverse of its CDF).

    ``ndtri(0)`` is ``-inf``, ``ndtri(1)`` is ``inf`` and ``x`` outside ``[0, 1]`` gives NaN, as
    in TensorFlow. The derivative is ``sqrt(2 pi) * exp(ndtri(x) ** 2 / 2)``, differentiable to
    any order.

    >>> import gradtape as gt
    >>> y = gt.math.ndtri(gt.constant([0.5, 0.975, 0.0]))
    >>> [round(float(v), 4) for v in y.numpy()]
    [0.0, 1.96, -inf]
    """
    (x,) = _floats("ndtri", ("x",), (x,))
    return bind1(_ndtri, x)


def erfcinv(x: Any, name: str | None = None) -> Tensor:
    """Elementwise inverse complementary error function: ``erfc(erfcinv(x)) = x`` on ``[0, 2]``.

    Computed as TensorFlow does, ``-ndtri(x / 2) / sqrt(2)``: ``erfcinv(0)`` is ``inf``,
    ``erfcinv(2)`` is ``-inf`` and ``x`` outside ``[0, 2]`` gives NaN. The derivative is
    ``-sqrt(pi) / 2 * exp(erfcinv(x) ** 2)``, differentiable to any order.

    >>> import gradtape as gt
    >>> y = gt.math.erfcinv(gt.constant([0.0, 0.2, 1.5, 2.0]))
    >>> [round(float(v), 4) for v in y.numpy()]
    [inf, 0.9062, -0.4769, -inf]
    """
    (x,) = _floats("erfcinv", ("x",), (x,))
    return bind1(_erfcinv, x)


def bessel_i0(x: Any, name: str | None = None) -> Tensor:
    """Elementwise modified Bessel function of the first kind of order 0, ``I0(x)``.

    Its derivative is ``bessel_i1(x)``, as in TensorFlow.

    >>> import gradtape as gt
    >>> y = gt.math.bessel_i0(gt.constant([0.0, 1.0, -2.0]))
    >>> [round(float(v), 4) for v in y.numpy()]
    [1.0, 1.2661, 2.2796]
    """
    (x,) = _floats("bessel_i0", ("x",), (x,))
    return bind1(_bessel_i0, x)


def bessel_i0e(x: Any, name: str | None = None) -> Tensor:
    """Elementwise exponentially scaled modified Bessel function of order 0, ``exp(-|x|) I0(x)``.

    Finite for large ``|x|`` where ``bessel_i0`` overflows. Its derivative is TensorFlow's,
    ``bessel_i1e(x) - sign(x) bessel_i0e(x)`` (0 at ``x = 0``).

    >>> import gradtape as gt
    >>> y = gt.math.bessel_i0e(gt.constant([0.0, 1.0, 1000.0]))
    >>> [round(float(v), 4) for v in y.numpy()]
    [1.0, 0.4658, 0.0126]
    """
    (x,) = _floats("bessel_i0e", ("x",), (x,))
    return bind1(_bessel_i0e, x)


def bessel_i1(x: Any, name: str | None = None) -> Tensor:
    """Elementwise modified Bessel function of the first kind of order 1, ``I1(x)`` (odd in ``x``).

    Its derivative is TensorFlow's, ``bessel_i0(x) - bessel_i1(x) / x``, and its limit 0.5 at
    ``x = 0`` (where TensorFlow puts 1, which is not the derivative).

    >>> import gradtape as gt
    >>> y = gt.math.bessel_i1(gt.constant([0.0, 1.0, -2.0]))
    >>> [round(float(v), 4) for v in y.numpy()]
    [0.0, 0.5652, -1.5906]
    """
    (x,) = _floats("bessel_i1", ("x",), (x,))
    return bind1(_bessel_i1, x)


def bessel_i1e(x: Any, name: str | None = None) -> Tensor:
    """Elementwise exponentially scaled modified Bessel function of order 1, ``exp(-|x|) I1(x)``.

    Its derivative is TensorFlow's, ``bessel_i0e(x) - bessel_i1e(x) (sign(x) + 1 / x)``, and 0.5
    at ``x = 0``.

    >>> import gradtape as gt
    >>> y = gt.math.bessel_i1e(gt.constant([0.0, 1.0, -1000.0]))
    >>> [round(float(v), 4) for v in y.numpy()]
    [0.0, 0.2079, -0.0126]
    """
    (x,) = _floats("bessel_i1e", ("x",), (x,))
    return bind1(_bessel_i1e, x)


def igamma(a: Any, x: Any, name: str | None = None) -> Tensor:
    """Elementwise regularized lower incomplete gamma function
    ``P(a, x) = 1 / Gamma(a) * integral_0^x t^(a - 1) exp(-t) dt`` (with broadcasting).

    ``igamma(a, 0)`` is 0, ``igamma(a, inf)`` is 1, and ``a <= 0`` or ``x < 0`` give NaN, as in
    TensorFlow. Both arguments have gradients: for ``x`` it is
    ``exp(-x + (a - 1) log(x) - lgamma(a))`` (the gamma density); for ``a`` it comes, as TensorFlow's
    ``igamma_grad_a``, from differentiating the series or continued fraction of the value
    (with the NumPy kernel even when SciPy is present), and has derivatives of any order.

    >>> import gradtape as gt
    >>> y = gt.math.igamma(gt.constant([1.0, 2.0, 0.5]), gt.constant([1.0, 3.0, 0.0]))
    >>> [round(float(v), 4) for v in y.numpy()]  # 1 - exp(-1), 1 - 4 exp(-3), 0
    [0.6321, 0.8009, 0.0]
    """
    a, x = _floats("igamma", ("a", "x"), (a, x))
    return bind2(_igamma, a, x)


def igammac(a: Any, x: Any, name: str | None = None) -> Tensor:
    """Elementwise regularized upper incomplete gamma function ``Q(a, x) = 1 - igamma(a, x)``,
    computed directly where it is small (with broadcasting).

    ``igammac(a, 0)`` is 1, and ``a <= 0`` or ``x < 0`` give NaN, as in TensorFlow. The gradients
    are those of ``igamma``, negated.

    >>> import gradtape as gt
    >>> y = gt.math.igammac(gt.constant([1.0, 2.0]), gt.constant([1.0, 30.0]))
    >>> [f"{float(v):.4e}" for v in y.numpy()]  # exp(-1), 31 exp(-30)
    ['3.6788e-01', '2.9009e-12']
    """
    a, x = _floats("igammac", ("a", "x"), (a, x))
    return bind2(_igammac, a, x)


def betainc(a: Any, b: Any, x: Any, name: str | None = None) -> Tensor:
    """Elementwise regularized incomplete beta function
    ``I_x(a, b) = integral_0^x t^(a - 1) (1 - t)^(b - 1) dt / B(a, b)`` (with broadcasting).

    ``a <= 0``, ``b <= 0`` or ``x`` outside ``[0, 1]`` give NaN. As in TensorFlow, only ``x``
    has a gradient, ``x^(a - 1) (1 - x)^(b - 1) / B(a, b)``; ``a`` and ``b`` get none.

    >>> import gradtape as gt
    >>> y = gt.math.betainc(2.0, 3.0, gt.constant([0.0, 0.5, 1.0]))
    >>> [round(float(v), 4) for v in y.numpy()]  # 11 / 16 at 0.5
    [0.0, 0.6875, 1.0]
    """
    a, b, x = _floats("betainc", ("a", "b", "x"), (a, b, x))
    return bind(_betainc, a, b, x)


def zeta(x: Any, q: Any, name: str | None = None) -> Tensor:
    """Elementwise Hurwitz zeta function ``zeta(x, q) = sum_(n >= 0) (q + n) ** -x`` (with
    broadcasting).

    ``x = 1`` gives ``inf`` and ``x < 1`` NaN; for ``q <= 0`` see TensorFlow's rules (poles at
    the integers ``q`` give ``inf`` for an even integer ``x``, NaN otherwise; a non-integer
    ``q < 0`` needs an integer ``x``). As in TensorFlow, only ``q`` has a gradient,
    ``-x * zeta(x + 1, q)``; ``x`` gets none.

    >>> import gradtape as gt
    >>> y = gt.math.zeta(gt.constant([2.0, 4.0]), 1.0)
    >>> [round(float(v), 4) for v in y.numpy()]  # pi**2 / 6, pi**4 / 90
    [1.6449, 1.0823]
    """
    x, q = _floats("zeta", ("x", "q"), (x, q))
    return bind2(_zeta, x, q)


def nextafter(x1: Any, x2: Any, name: str | None = None) -> Tensor:
    """Elementwise next representable value of ``x1`` (in its dtype) in the direction of ``x2``,
    as C's ``nextafter`` (subnormal results included). The gradient is TensorFlow's: ones for
    ``x1`` (the step is treated as the identity) and zeros for ``x2``.

    >>> import gradtape as gt
    >>> y = gt.math.nextafter(gt.constant([1.0, 1.0]), gt.constant([2.0, 0.0]))
    >>> [float(v) - 1 for v in y.numpy()]  # float32 steps: 2**-23 up, 2**-24 down
    [1.1920928955078125e-07, -5.960464477539063e-08]
    """
    x1, x2 = _floats("nextafter", ("x1", "x2"), (x1, x2))
    return bind2(_nextafter, x1, x2)


__all__ = ["erfinv", "ndtri", "erfcinv", "bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e", "igamma",
           "igammac", "betainc", "zeta", "nextafter"]
