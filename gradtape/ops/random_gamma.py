"""Gamma samples of ``tf.random``: ``gamma`` and ``stateless_gamma``, and the float64
incomplete-gamma functions they are drawn and differentiated with.

Seeding is :mod:`gradtape.ops.random`'s: a stateful op takes its generator from the global seed
and its op seed exactly as ``normal`` or ``uniform`` do (so :func:`~gradtape.random.set_seed`
replays these ops with the others, and two calls with one op seed continue one stream), and a
stateless op is a pure function of ``seed=[a, b]``. Values are drawn with NumPy's Philox
generator: reproducible across runs and machines, but not TensorFlow's numbers.

Gamma samples are the inverse of the gamma CDF at uniform draws, ``x = P^-1(alpha, u)`` with
``P`` the regularized lower incomplete gamma function, computed in float64 by a safeguarded
Newton iteration on ``log P`` (or ``log Q`` in the upper tail). As in TensorFlow, the samples get
gradients: with respect to ``beta`` because the unit-rate sample is divided by ``beta`` with
recorded ops, and with respect to ``alpha`` through the implicit reparameterization gradient
``dx/dalpha = -(dP/dalpha) / (dP/dx)`` (TensorFlow's ``_RandomGammaGrad``). ``dP/dx`` is the
gamma density; ``dP/dalpha`` is computed by differentiating, term by term, the series (for
``x < alpha + 1``) or the continued fraction (otherwise) that give ``P`` and ``Q``, in float64
(about 1e-12 relative). Since the sample is an inverse CDF, that gradient is also exactly the
derivative of the sample with respect to ``alpha`` with the uniform draws held fixed. There
is no second derivative with respect to ``alpha`` (as in TensorFlow): an outer tape that asks
for one gets a ``LookupError``.
"""

from __future__ import annotations

import math as _pymath

import numpy as np

from .._engine.primitive import bind, primitive
from .._engine.state import state
from .._engine.tensor import Tensor, wrap
from .math import maximum
from .random import _float_dtype, _stateful_rng, _stateless_rng
from .random_distributions import _broadcast, _check_suffix, _out_shape

_EPS = np.finfo(np.float64).eps
_FPMIN = 1e-300


# -- argument checks ---------------------------------------------------------------------------
def _float_param(v, dt: np.dtype, op: str, arg: str):
    """``(tensor or None, float64 array)`` for a distribution parameter of dtype ``dt``: a tensor
    must have that dtype (as in TensorFlow), Python and NumPy values are converted to it."""
    if isinstance(v, Tensor):
        if v.dtype != dt:
            raise TypeError(f"{op}: {arg} has dtype {v.dtype.name} but the samples are {dt.name}; pass "
                            f"dtype=gt.{v.dtype.name} or cast {arg} with gt.cast({arg}, gt.{dt.name})")
        return v, np.asarray(v._value, np.float64)
    try:
        arr = np.asarray(v, dtype=dt)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{op}: {arg} must be a number or a tensor of numbers, got {v!r:.60}") from e
    return None, arr.astype(np.float64)


# -- special functions (float64, NumPy only) ---------------------------------------------------
_lgamma_ufunc = np.frompyfunc(_pymath.lgamma, 1, 1)


def _lgamma(a: np.ndarray) -> np.ndarray:
    """``log(Gamma(a))`` for positive ``a``."""
    a = np.asarray(a, np.float64)
    return np.asarray(_lgamma_ufunc(a), np.float64).reshape(a.shape) if a.size else np.zeros(a.shape)


def _digamma(a: np.ndarray) -> np.ndarray:
    """``digamma(a)`` for positive ``a``: the recurrence up to 10, then the asymptotic series."""
    z = np.array(a, np.float64, copy=True)
    acc = np.zeros_like(z)
    small = z < 10
    while small.any():
        acc[small] -= 1.0 / z[small]
        z[small] += 1.0
        small = z < 10
    inv2 = 1.0 / (z * z)
    tail = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (
        1 / 132 - inv2 * (691 / 32760 - inv2 / 12))))))
    return acc + np.log(z) - 0.5 / z - tail


def _gamma_series(a: np.ndarray, x: np.ndarray, deriv: bool, max_iter: int = 200000) -> tuple:
    """``S`` and ``dS/da`` of ``P(a, x) = x**a e**-x S / Gamma(a + 1)``,
    ``S = sum_n x**n / ((a + 1) ... (a + n))`` (meant for ``x < a + 1``)."""
    n = a.size
    S_out, dS_out = np.ones(n), np.zeros(n)
    idx = np.arange(n)
    ap, xx = a.astype(np.float64, copy=True), x.astype(np.float64, copy=False)
    t, dt, S, dS = np.ones(n), np.zeros(n), np.ones(n), np.zeros(n)
    for _ in range(max_iter):
        if idx.size == 0:
            break
        ap = ap + 1.0
        r = xx / ap
        if deriv:
            dt = (dt - t / ap) * r
            dS = dS + dt
        t = t * r
        S = S + t
        done = t <= _EPS * S
        if deriv:
            done &= np.abs(dt) <= _EPS * np.abs(dS)
        if done.any():
            S_out[idx[done]], dS_out[idx[done]] = S[done], dS[done]
            keep = ~done
            idx, ap, xx, t, dt, S, dS = idx[keep], ap[keep], xx[keep], t[keep], dt[keep], S[keep], dS[keep]
    if idx.size:  # not converged (an enormous alpha): the partial sums
        S_out[idx], dS_out[idx] = S, dS
    return S_out, dS_out


def _gamma_cf(a: np.ndarray, x: np.ndarray, deriv: bool, max_iter: int = 200000) -> tuple:
    """``H`` and ``dH/da`` of ``Q(a, x) = x**a e**-x H / Gamma(a)``: the continued fraction
    evaluated by the modified Lentz method, differentiated step by step (meant for
    ``x >= a + 1``)."""
    n = a.size
    H_out, dH_out = np.ones(n), np.zeros(n)
    idx = np.arange(n)
    aa = a.astype(np.float64, copy=True)
    b = x + 1.0 - aa
    c, dc = np.full(n, 1.0 / _FPMIN), np.zeros(n)
    d = 1.0 / b
    dd = d * d  # d/da (1 / b) with db/da = -1
    h, dh = d.copy(), dd.copy()
    for i in range(1, max_iter + 1):
        if idx.size == 0:
            break
        an = -i * (i - aa)
        b = b + 2.0
        D = an * d + b
        C = b + an / c
        if deriv:
            dD = i * d + an * dd - 1.0
            dC = -1.0 + i / c - an * dc / c / c
        D = np.where(np.abs(D) < _FPMIN, _FPMIN, D)
        C = np.where(np.abs(C) < _FPMIN, _FPMIN, C)
        d = 1.0 / D
        c = C
        delta = d * c
        if deriv:
            dd = -dD * d * d
            dc = dC
            ddelta = dd * c + d * dc
            dh = dh * delta + h * ddelta
        h = h * delta
        done = np.abs(delta - 1.0) <= _EPS
        if deriv:
            done &= np.abs(h * ddelta) <= _EPS * np.abs(dh)
        if done.any():
            H_out[idx[done]], dH_out[idx[done]] = h[done], dh[done]
            keep = ~done
            idx, aa, b, c, d, h = idx[keep], aa[keep], b[keep], c[keep], d[keep], h[keep]
            dc, dd, dh = dc[keep], dd[keep], dh[keep]
    if idx.size:
        H_out[idx], dH_out[idx] = h, dh
    return H_out, dH_out


def _gamma_log_pq(a, y, lga, lga1) -> tuple:
    """``log P(a, e**y)`` and ``log Q(a, e**y)`` (the smaller one to full relative precision)."""
    x = np.exp(y)
    ser = x < a + 1.0
    logp, logq = np.empty(a.shape), np.empty(a.shape)
    if ser.any():
        S, _ = _gamma_series(a[ser], x[ser], False)
        lp = a[ser] * y[ser] - x[ser] - lga1[ser] + np.log(S)
        logp[ser], logq[ser] = lp, np.log1p(-np.exp(lp))
    cf = ~ser
    if cf.any():
        H, _ = _gamma_cf(a[cf], x[cf], False)
        lq = a[cf] * y[cf] - x[cf] - lga[cf] + np.log(H)
        logq[cf], logp[cf] = lq, np.log1p(-np.exp(lq))
    return logp, logq


def _gamma_quantile(a: np.ndarray, u: np.ndarray) -> tuple:
    """``x = P^-1(a, u)`` (flat float64 arrays, ``a > 0``, ``0 <= u < 1``) and ``log x``.

    Newton's method on ``log P = log u`` (``log Q = log(1 - u)`` for ``u > 1/2``) in ``y = log x``,
    kept inside a bracket (bisection when a step leaves it): ``y >= (log u + lgamma(a + 1)) / a``
    because ``P(a, x) <= x**a / Gamma(a + 1)``, and ``Q(a, a + 40 sqrt(a) + 50) < 2**-53``."""
    x, y = np.zeros(a.shape), np.full(a.shape, -np.inf)
    live = u > 0
    if not live.any():
        return x, y
    idx = np.nonzero(live)[0]
    a, u = a[idx], u[idx]
    lga, lga1 = _lgamma(a), _lgamma(a + 1.0)
    upper = u > 0.5
    target = np.where(upper, np.log1p(-u), np.log(u))
    lo = (np.log(u) + lga1) / a
    hi = np.log(a + 40.0 * np.sqrt(a) + 50.0)
    lo = np.minimum(lo, hi)
    # the first guess: Wilson-Hilferty for a > 1, the small-x or exponential form otherwise
    pp = np.minimum(u, 1.0 - u)
    t = np.sqrt(-2.0 * np.log(pp))
    z = t - (2.30753 + 0.27061 * t) / (1.0 + t * (0.99229 + t * 0.04481))
    z = np.where(upper, z, -z)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        wh = a * (1.0 - 1.0 / (9.0 * a) + z / (3.0 * np.sqrt(a))) ** 3
        tt = 1.0 - a * (0.253 + a * 0.12)
        small = np.where(u < tt, np.log(u / tt) / a, np.log(1.0 - np.log1p(-(u - tt) / (1.0 - tt))))
        y0 = np.where(a > 1.0, np.log(np.maximum(wh, 1e-3)), small)
    y0 = np.where(np.isfinite(y0), y0, 0.5 * (lo + hi))
    yv = np.clip(y0, lo, hi)
    out = np.empty(a.shape)
    act = np.arange(a.size)
    for _ in range(200):
        if act.size == 0:
            break
        aa, yy = a[act], yv[act]
        logp, logq = _gamma_log_pq(aa, yy, lga[act], lga1[act])
        up = upper[act]
        with np.errstate(over="ignore", invalid="ignore"):
            h = np.where(up, logq, logp) - target[act]
            # d/dy log P = x f(x) / P and d/dy log Q = -x f(x) / Q, with x f(x) = x**a e**-x / Gamma(a)
            xf = aa * yy - np.exp(yy) - lga[act]
            dh = np.where(up, -np.exp(xf - logq), np.exp(xf - logp))
            step = h / dh
        # keep the bracket: log P increases with y, log Q decreases
        above = np.where(up, h < 0, h > 0)
        hi[act] = np.where(above, yy, hi[act])
        lo[act] = np.where(above, lo[act], yy)
        new = yy - step
        bad = ~np.isfinite(new) | (new <= lo[act]) | (new >= hi[act])
        new = np.where(bad, 0.5 * (lo[act] + hi[act]), new)
        done = ((np.abs(new - yy) <= 4 * _EPS * np.maximum(1.0, np.abs(yy))) | (h == 0)) & ~bad
        done |= (hi[act] - lo[act]) <= 4 * _EPS * np.maximum(1.0, np.abs(yy))
        yv[act] = new
        out[act[done]] = new[done]
        act = act[~done]
    out[act] = yv[act]
    y[idx] = out
    x[idx] = np.exp(out)
    return x, y


def _gamma_dx_dalpha(a: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``dx/da = -(dP/da) / f(x)`` at ``x = P^-1(a, u)`` (flat float64 arrays; ``y = log x``).

    With the series ``P = x**a e**-x S / Gamma(a + 1)`` this is
    ``-(x / a) ((log x - digamma(a + 1)) S + dS/da)``; with the continued fraction
    ``Q = x**a e**-x H / Gamma(a)`` it is ``x ((log x - digamma(a)) H + dH/da)``: the density's
    exponentials cancel, so the result is accurate even where ``x`` underflows the density."""
    out = np.zeros(a.shape)
    live = x > 0
    ser = live & (x < a + 1.0)
    if ser.any():
        S, dS = _gamma_series(a[ser], x[ser], True)
        out[ser] = -(x[ser] / a[ser]) * ((y[ser] - _digamma(a[ser] + 1.0)) * S + dS)
    cf = live & ~ser
    if cf.any():
        H, dH = _gamma_cf(a[cf], x[cf], True)
        out[cf] = x[cf] * ((y[cf] - _digamma(a[cf])) * H + dH)
    return out


# -- gamma ---------------------------------------------------------------------------------------
def _gamma_sample_fwd(alpha, sample, dsample):
    return sample


def _no_second_order(*args, **kwargs):
    raise LookupError("random gamma: the gradient with respect to alpha has no derivative of its "
                      "own (TensorFlow has none either); differentiate the samples with respect to "
                      "alpha only once")


# g * dsample, kept as an op of alpha so that an outer tape asking for the second derivative
# with respect to alpha gets an error instead of a silent zero
_gamma_grad = primitive(
    "random_gamma_grad", lambda g, alpha, dsample: g * dsample,
    vjp=(lambda m, g2, ans, g, alpha, dsample: g2 * dsample, _no_second_order, None),
    jvp=(lambda m, t, ans, g, alpha, dsample: t * dsample, _no_second_order, None),
    save_args=(2,), save_out=False)

_gamma_sample = primitive(
    "random_gamma_sample", _gamma_sample_fwd,
    vjp=(lambda m, g, ans, alpha, sample, dsample: m.random_gamma_grad(g, alpha, dsample), None, None),
    jvp=(lambda m, t, ans, alpha, sample, dsample: m.random_gamma_grad(t, alpha, dsample), None, None),
    save_args=(0, 2), save_out=False)


def _gamma(gen_fn, op: str, shape: tuple, stateless: bool, alpha, beta, dtype) -> Tensor:
    dt = _float_dtype(dtype, op)
    a_t, a = _float_param(alpha, dt, op, "alpha")
    b_t, b = _float_param(1 if beta is None else beta, dt, op, "beta")
    bshape = _broadcast(op, alpha=a, beta=b)
    if stateless:
        _check_suffix(op, shape, bshape, "alpha and beta")
        out_shape = shape
    else:  # the sample shape comes first
        out_shape = shape + bshape
    if not ((a > 0) & (a < np.inf)).all():
        raise ValueError(f"{op}: alpha (the concentration) must be positive and finite, got "
                         f"{a[~((a > 0) & (a < np.inf))].ravel()[:3]}")
    if not ((b > 0) & (b < np.inf)).all():
        raise ValueError(f"{op}: beta (the rate) must be positive and finite, got "
                         f"{b[~((b > 0) & (b < np.inf))].ravel()[:3]}")
    u = gen_fn().random(out_shape)
    a_full = np.broadcast_to(np.broadcast_to(a, bshape), out_shape).ravel()
    if a_t is not None and not state.stack:
        a_t = None  # nothing records: the gradient is not needed
    with np.errstate(all="ignore"):  # underflow to 0 in the far lower tail is expected
        x, y = _gamma_quantile(a_full, u.ravel())
        ds = _gamma_dx_dalpha(a_full, x, y).reshape(out_shape).astype(dt) if a_t is not None else None
    unit = x.reshape(out_shape).astype(dt)
    tiny = float(np.finfo(dt).tiny)
    if a_t is None and b_t is None:
        with np.errstate(over="ignore", under="ignore"):
            return wrap(np.maximum(np.asarray(tiny, dt), unit / np.asarray(b, dt)).astype(dt, copy=False))
    if a_t is not None:
        s = bind(_gamma_sample, a_t, unit, ds)
    else:
        s = wrap(unit)
    if beta is not None:
        s = s / (b_t if b_t is not None else wrap(np.asarray(b, dt)))
    return maximum(tiny, s)


def gamma(shape, alpha, beta=None, dtype=np.float32, seed: int | None = None, name: str | None = None) -> Tensor:
    """Samples from gamma distributions with concentration ``alpha`` and rate ``beta`` (default
    1), of shape ``shape + broadcast(alpha, beta).shape``.

    Differentiable with respect to ``alpha`` (implicit reparameterization) and ``beta``, as in
    TensorFlow; zeros are replaced by the dtype's smallest normal number, as in TensorFlow.

    >>> import gradtape as gt
    >>> x = gt.random.gamma([10], alpha=[0.5, 1.5], seed=1)
    >>> x.shape, x.dtype
    ((10, 2), dtype('float32'))
    >>> alpha = gt.constant([2.0, 3.0])
    >>> with gt.GradientTape() as tape:
    ...     tape.watch(alpha)
    ...     total = gt.reduce_sum(gt.random.gamma([100], alpha, beta=2.0, seed=1))
    >>> tape.gradient(total, alpha).shape
    (2,)
    """
    shape = _out_shape(shape, "gamma")
    return _gamma(lambda: _stateful_rng(seed), "gamma", shape, False, alpha, beta, dtype)


def stateless_gamma(shape, seed, alpha, beta=None, dtype=np.float32, name: str | None = None) -> Tensor:
    """Gamma samples (concentration ``alpha``, rate ``beta``), a pure function of ``seed``.

    ``shape`` is the whole output shape and must end with ``broadcast(alpha, beta).shape``.
    Differentiable with respect to ``alpha`` and ``beta``, as :func:`gamma`.

    >>> import gradtape as gt
    >>> a = gt.random.stateless_gamma([7, 2], seed=[12, 34], alpha=[0.5, 1.5])
    >>> b = gt.random.stateless_gamma([7, 2], seed=[12, 34], alpha=[0.5, 1.5])
    >>> a.shape, bool((a.numpy() == b.numpy()).all()), bool((a.numpy() > 0).all())
    ((7, 2), True, True)
    """
    shape = _out_shape(shape, "stateless_gamma")
    return _gamma(lambda: _stateless_rng(seed), "stateless_gamma", shape, True, alpha, beta, dtype)


__all__ = ["gamma", "stateless_gamma"]
