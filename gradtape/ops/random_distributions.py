"""More of ``tf.random``: gamma and Poisson samples, the stateless binomial, Poisson, gamma and
parameterized truncated normal samples, seed ``split`` and ``fold_in``, and the candidate samplers.

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
import os

import numpy as np

from .._engine.primitive import bind, primitive
from .._engine.state import state
from .._engine.tensor import Tensor, as_dtype, to_array, wrap
from .math import maximum
from .random import _DEFAULT_GLOBAL_SEED, _float_dtype, _scalar, _shape, _state, _stateful_rng, _stateless_rng
from .random import stateless_uniform

_EPS = np.finfo(np.float64).eps
_FPMIN = 1e-300
_SAMPLE_DTYPES = ("float16", "float32", "float64", "int32", "int64")
_ALGS = {"philox": 1, "threefry": 2, "auto_select": 3}


# -- argument checks ---------------------------------------------------------------------------
def _out_shape(shape, op: str) -> tuple:
    try:
        out = _shape(shape)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{op}: shape must be a 1-D list of non-negative ints, got {shape!r}") from e
    if any(d < 0 for d in out):
        raise ValueError(f"{op}: shape must have non-negative dimensions, got {list(out)}")
    return out


def _sample_dtype(dtype, op: str, arg: str = "dtype") -> np.dtype:
    dt = as_dtype(dtype)
    if dt.name not in _SAMPLE_DTYPES:
        raise ValueError(f"{op}: {arg} must be one of {', '.join(_SAMPLE_DTYPES)}, got {dt.name}")
    return dt


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


def _values(v, op: str, arg: str) -> np.ndarray:
    """A parameter's values as float64 (no gradient is taken through it)."""
    arr = np.asarray(to_array(v))
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{op}: {arg} must be a real number or a real tensor, got dtype {arr.dtype.name}")
    return arr.astype(np.float64)


def _broadcast(op: str, **params) -> tuple:
    shapes = {k: np.shape(v) for k, v in params.items()}
    try:
        return tuple(np.broadcast_shapes(*shapes.values()))
    except ValueError:
        text = ", ".join(f"{k} {list(s)}" for k, s in shapes.items())
        raise ValueError(f"{op}: the shapes of {text} do not broadcast together; give them "
                         "shapes that broadcast (equal, or 1, in each trailing dimension)") from None


def _check_suffix(op: str, shape: tuple, bshape: tuple, what: str) -> None:
    """TensorFlow's rule for the stateless samplers: ``shape`` ends with the parameters' shape."""
    if len(bshape) > len(shape) or tuple(shape[len(shape) - len(bshape):]) != bshape:
        raise ValueError(f"{op}: shape {list(shape)} must end with the (broadcast) shape of {what}, "
                         f"{list(bshape)}; pass a shape ending in it, such as {[10] + list(bshape)}")


def _check_alg(alg, op: str) -> None:
    if alg is None or (isinstance(alg, str) and alg.lower() in _ALGS) or (
            isinstance(alg, (int, np.integer)) and not isinstance(alg, bool) and int(alg) in _ALGS.values()):
        return
    raise ValueError(f"{op}: alg must be 'philox', 'threefry' or 'auto_select' (or 1, 2, 3), got {alg!r}")


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


# -- Poisson and binomial ----------------------------------------------------------------------
def _poisson(gen_fn, op: str, shape: tuple, lam, dtype, stateless: bool) -> Tensor:
    dt = _sample_dtype(dtype, op)
    lv = _values(lam, op, "lam")
    if not np.isfinite(lv).all():
        raise ValueError(f"{op}: lam (the rate) must be finite, got {lv[~np.isfinite(lv)].ravel()[:3]}")
    if (lv > 1e18).any():
        raise ValueError(f"{op}: lam (the rate) must be at most 1e18, got {lv.max():g}")
    if stateless:
        _check_suffix(op, shape, lv.shape, "lam")
        out_shape = shape
    else:
        out_shape = shape + lv.shape
    gen = gen_fn()
    k = gen.poisson(np.broadcast_to(np.maximum(lv, 0.0), out_shape), out_shape)  # lam <= 0 gives 0
    return wrap(np.asarray(k).astype(dt))


def poisson(shape, lam, dtype=np.float32, seed: int | None = None, name: str | None = None) -> Tensor:
    """Samples from Poisson distributions with rates ``lam``, of shape ``shape + lam.shape``
    (``dtype`` float16/32/64 or int32/64; a rate ``<= 0`` gives 0, as in TensorFlow). No gradient.

    >>> import gradtape as gt
    >>> x = gt.random.poisson([10], lam=[0.5, 1.5], seed=1)
    >>> x.shape, x.dtype
    ((10, 2), dtype('float32'))
    """
    shape = _out_shape(shape, "poisson")
    return _poisson(lambda: _stateful_rng(seed), "poisson", shape, lam, dtype, False)


def stateless_poisson(shape, seed, lam, dtype=np.int32, name: str | None = None) -> Tensor:
    """Poisson samples with rates ``lam``, a pure function of ``seed``. ``shape`` is the whole
    output shape and must end with ``lam.shape``. No gradient.

    >>> import gradtape as gt
    >>> x = gt.random.stateless_poisson([10, 2], seed=[12, 34], lam=[5, 15])
    >>> x.shape, x.dtype, bool((x.numpy() >= 0).all())
    ((10, 2), dtype('int32'), True)
    """
    shape = _out_shape(shape, "stateless_poisson")
    return _poisson(lambda: _stateless_rng(seed), "stateless_poisson", shape, lam, dtype, True)


def stateless_binomial(shape, seed, counts, probs, output_dtype=np.int32, name: str | None = None) -> Tensor:
    """Binomial samples (``counts`` trials with success probability ``probs``), a pure function
    of ``seed``. ``shape`` is the whole output shape and must end with
    ``broadcast(counts, probs).shape``. As in TensorFlow a count ``<= 0`` or a probability
    ``<= 0`` gives 0 and a probability ``>= 1`` gives the count; a NaN probability gives NaN
    (float ``output_dtype``) or an error (integer ``output_dtype``). No gradient.

    >>> import gradtape as gt
    >>> x = gt.random.stateless_binomial([5, 2], seed=[1, 2], counts=[10.0, 20.0], probs=0.5)
    >>> x.shape, x.dtype, bool((x.numpy()[:, 0] <= 10).all())
    ((5, 2), dtype('int32'), True)
    """
    op = "stateless_binomial"
    shape = _out_shape(shape, op)
    dt = _sample_dtype(output_dtype, op, "output_dtype")
    n, p = _values(counts, op, "counts"), _values(probs, op, "probs")
    if not np.isfinite(n).all():
        raise ValueError(f"{op}: counts must be finite, got {n[~np.isfinite(n)].ravel()[:3]}")
    bshape = _broadcast(op, counts=n, probs=p)
    _check_suffix(op, shape, bshape, "counts and probs")
    nan = np.isnan(p)
    if nan.any() and dt.kind != "f":
        raise ValueError(f"{op}: probs contains NaN, which has no {dt.name} sample; give probabilities "
                         "in [0, 1] (or a floating-point output_dtype to get NaN samples)")
    gen = _stateless_rng(seed)
    n, p = np.broadcast_to(n, shape), np.broadcast_to(p, shape)
    zero = (n <= 0) | (p <= 0)
    full = ~zero & (p >= 1)
    inner = ~(zero | full | nan)
    draws = gen.binomial(np.where(inner, np.floor(n), 0).astype(np.int64), np.where(inner, p, 0.5), shape)
    out = np.where(inner, draws, np.where(full, n, 0.0))
    out = np.where(np.broadcast_to(nan, shape), np.nan, out) if nan.any() else out
    return wrap(np.asarray(out, np.float64).astype(dt))


# -- parameterized truncated normal ------------------------------------------------------------
def _truncated_standard(gen, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Standard normal samples truncated to ``[lo, hi]`` (flat arrays), with TensorFlow's three
    rejection samplers: normal proposals when the interval holds much of the mass, uniform
    proposals on a short interval, and shifted exponential proposals (Robert, 1995) in a tail."""
    flip = np.isneginf(lo) | (hi < 0)  # make the lower bound finite, or both bounds >= 0
    a = np.where(flip, -hi, lo)
    b = np.where(flip, -lo, hi)
    with np.errstate(over="ignore", invalid="ignore"):
        sq = np.sqrt(a * a + 4.0)
        cutoff = 2.0 * np.exp(0.5 + a * (a - sq) / 4.0) / (a + sq)
        alpha = (a + sq) / 2.0
    use_normal = ((a < -1.3) & (b >= 0)) | ((b > 1.3) & (a <= 0))
    use_uniform = ~use_normal & (b - a < cutoff)
    plus = np.where(a < 0, 0.0, a * a)
    z = np.empty(a.shape)
    act = np.arange(a.size)
    for _ in range(100000):
        if act.size == 0:
            break
        n = act.size
        zn = gen.standard_normal(n)
        u1, u2 = gen.random(n), gen.random(n)
        aa, bb = a[act], b[act]
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            zu = aa + u1 * (bb - aa)
            ze = -np.log(u1) / alpha[act] + aa
            cand = np.where(use_normal[act], zn, np.where(use_uniform[act], zu, ze))
            ok_n = (zn >= aa) & (zn <= bb)
            ok_u = u2 <= np.exp((plus[act] - zu * zu) / 2.0)
            ok_e = (u2 <= np.exp(-(ze - alpha[act]) ** 2 / 2.0)) & (ze < bb)
        ok = np.where(use_normal[act], ok_n, np.where(use_uniform[act], ok_u, ok_e))
        z[act[ok]] = cand[ok]
        act = act[~ok]
    if act.size:
        raise RuntimeError("stateless_parameterized_truncated_normal: the rejection sampler did not accept "
                           "a sample; check minvals, maxvals and stddevs")
    return np.where(flip, -z, z)


def stateless_parameterized_truncated_normal(shape, seed, means=0.0, stddevs=1.0, minvals=-2.0, maxvals=2.0,
                                             name: str | None = None) -> Tensor:
    """Normal samples (``means``, ``stddevs``) truncated to ``[minvals, maxvals]``, a pure
    function of ``seed``. The parameters broadcast together and ``shape`` (the output shape)
    must end with their broadcast shape. ``stddevs > 0``, ``minvals < maxvals`` and at least
    one bound finite, as in TensorFlow. The dtype is that of the tensor (or NumPy) parameters,
    float32 for Python numbers. No gradient.

    >>> import gradtape as gt
    >>> x = gt.random.stateless_parameterized_truncated_normal(
    ...     [1000, 2], seed=[7, 17], means=[0.0, 5.0], minvals=[-1.0, 4.5], maxvals=[1.0, 1e9])
    >>> x.shape, x.dtype
    ((1000, 2), dtype('float32'))
    >>> bool((abs(x.numpy()[:, 0]) <= 1).all() and (x.numpy()[:, 1] >= 4.5).all())
    True
    """
    op = "stateless_parameterized_truncated_normal"
    shape = _out_shape(shape, op)
    params = {"means": means, "stddevs": stddevs, "minvals": minvals, "maxvals": maxvals}
    typed = {k: np.asarray(to_array(v)).dtype for k, v in params.items()
             if isinstance(v, (Tensor, np.ndarray, np.generic))}
    kinds = set(typed.values())
    if any(d.kind != "f" for d in kinds) or len(kinds) > 1:
        text = ", ".join(f"{k} {d.name}" for k, d in typed.items())
        raise TypeError(f"{op}: means, stddevs, minvals and maxvals must share one floating-point dtype, "
                        f"got {text}; cast them with gt.cast")
    dt = kinds.pop() if kinds else np.dtype(np.float32)
    if dt.name not in ("float16", "float32", "float64"):
        raise TypeError(f"{op}: the parameters must be float16, float32 or float64, got {dt.name}")
    vals = {k: np.asarray(to_array(v), dt).astype(np.float64) for k, v in params.items()}
    bshape = _broadcast(op, **vals)
    _check_suffix(op, shape, bshape, "means, stddevs, minvals and maxvals")
    mu, sd, lo, hi = (np.broadcast_to(vals[k], bshape) for k in params)
    if np.isnan(mu).any() or not (sd > 0).all() or not (lo < hi).all() or not (
            np.isfinite(lo) | np.isfinite(hi)).all():
        raise ValueError(f"{op}: invalid parameters: need stddevs > 0, minvals < maxvals and at least one "
                         "finite bound in every distribution (and means not NaN)")
    gen = _stateless_rng(seed)
    mu, sd, lo, hi = (np.broadcast_to(v, shape).ravel() for v in (mu, sd, lo, hi))
    with np.errstate(over="ignore", invalid="ignore"):
        z = _truncated_standard(gen, (lo - mu) / sd, (hi - mu) / sd)
        x = np.clip(mu + sd * z, lo, hi)
    return wrap(x.reshape(shape).astype(dt))


# -- seeds ---------------------------------------------------------------------------------------
def _seed_array(seed, op: str) -> np.ndarray:
    s = np.asarray(to_array(seed))
    if s.shape != (2,) or s.dtype.kind not in "iu":
        raise ValueError(f"{op}: seed must be a shape [2] int32 or int64 tensor, got {s!r}")
    return s


def split(seed, num: int = 2, alg: str | int = "auto_select") -> Tensor:
    """``num`` new stateless seeds, shape ``[num, 2]``, a deterministic function of ``seed`` (of
    ``seed``'s dtype: int32 for a Python list, as in TensorFlow).

    >>> import gradtape as gt
    >>> s = gt.random.split([1, 2], num=3)
    >>> s.shape, s.dtype, bool((s.numpy() == gt.random.split([1, 2], num=3).numpy()).all())
    ((3, 2), dtype('int32'), True)
    >>> gt.random.stateless_normal([2], seed=s[0]).shape
    (2,)
    """
    s = _seed_array(seed, "split")
    _check_alg(alg, "split")
    n = _scalar(num)
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or int(n) < 0:
        raise ValueError(f"split: num must be a non-negative int, got {num!r}")
    return stateless_uniform([int(n), 2], seed=s, minval=None, maxval=None, dtype=s.dtype)


def fold_in(seed, data, alg: str | int = "auto_select") -> Tensor:
    """A new stateless seed ``[f(seed), data]`` folding the integer ``data`` into ``seed``, a
    deterministic function of both (of ``data``'s dtype: int32 for a Python int, as in TensorFlow).

    >>> import gradtape as gt
    >>> s = gt.random.fold_in([1, 2], 3)
    >>> s.shape, s.dtype, int(s[1])
    ((2,), dtype('int32'), 3)
    """
    s = _seed_array(seed, "fold_in")
    _check_alg(alg, "fold_in")
    d = np.asarray(to_array(data))
    if d.shape != () or d.dtype.name not in ("int32", "int64"):
        raise ValueError(f"fold_in: data must be an int32 or int64 scalar, got {d!r}")
    first = stateless_uniform([], seed=s, minval=None, maxval=None, dtype=d.dtype).numpy()
    return wrap(np.stack([first, d]).astype(d.dtype))


# -- candidate samplers ----------------------------------------------------------------------------
def _count(v, op: str, arg: str, low: int = 1) -> int:
    v = _scalar(v)
    if isinstance(v, np.ndarray) and v.shape == ():
        v = v.item()
    if not isinstance(v, (int, np.integer)) or isinstance(v, (bool, np.bool_)) or int(v) < low:
        raise ValueError(f"{op}: {arg} must be an int >= {low}, got {v!r}")
    return int(v)


def _true_classes(true_classes, num_true, op: str) -> np.ndarray:
    num_true = _count(num_true, op, "num_true")
    t = np.asarray(to_array(true_classes))
    if t.dtype.kind not in "iu":
        raise TypeError(f"{op}: true_classes must be an integer tensor (int64 in TensorFlow), got dtype "
                        f"{t.dtype.name}")
    if t.ndim != 2 or t.shape[1] != num_true:
        raise ValueError(f"{op}: true_classes must have shape [batch_size, num_true] = [*, {num_true}], "
                         f"got {list(t.shape)}; reshape it, e.g. gt.reshape(labels, [-1, {num_true}])")
    return t.astype(np.int64)


def _check_range(op: str, true: np.ndarray, range_max: int) -> None:
    bad = (true < 0) | (true >= range_max)
    if bad.any():
        raise ValueError(f"{op}: true_classes must lie in [0, {range_max}), got {true[bad][0]}")


def _draw_unique(draw, n: int, op: str, max_tries: int = 10 ** 8) -> tuple:
    """The first ``n`` distinct values of a stream of draws and how many draws that took."""
    picked, seen, tries = [], np.empty(0, np.int64), 0
    chunk = max(2 * n, 16)
    while True:
        v = draw(chunk)
        uniq, first = np.unique(v, return_index=True)
        pos = np.sort(first[~np.isin(uniq, seen)])  # where new values first appear, in draw order
        need = n - seen.size
        if pos.size >= need:
            pos = pos[:need]
            picked.append(v[pos])
            return np.concatenate(picked), tries + int(pos[-1]) + 1
        picked.append(v[pos])
        seen = np.union1d(seen, v[pos])
        tries += chunk
        if tries > max_tries:
            raise RuntimeError(f"{op}: found only {seen.size} of num_sampled={n} distinct classes in "
                               f"{tries} draws; some classes are too unlikely: lower num_sampled or pass "
                               "unique=False")
        chunk = min(2 * chunk, 1 << 20)


def _expected(p, num_sampled: int, tries: int) -> np.ndarray:
    """TensorFlow's expected count of a class of probability ``p`` in the sampled set."""
    p = np.asarray(p, np.float32).astype(np.float64)
    if tries == num_sampled:  # always so when unique=False
        return (p * num_sampled).astype(np.float32)
    with np.errstate(divide="ignore"):
        return (-np.expm1(tries * np.log1p(-p))).astype(np.float32)  # 1 - (1 - p)**tries


def _candidates(op, gen, true, num_sampled, unique, range_max, draw, prob, n_possible) -> tuple:
    if unique and num_sampled > n_possible:
        raise ValueError(f"{op}: with unique=True num_sampled ({num_sampled}) must be at most the number "
                         f"of classes that can be sampled ({n_possible}); lower num_sampled or pass "
                         "unique=False")
    if unique:
        sampled, tries = _draw_unique(lambda k: draw(gen, k), num_sampled, op)
    else:
        sampled, tries = draw(gen, num_sampled), num_sampled
    sampled = np.asarray(sampled, np.int64)
    return (wrap(sampled), wrap(_expected(prob(true), num_sampled, tries)),
            wrap(_expected(prob(sampled), num_sampled, tries)))


def _sampler_args(op, true_classes, num_true, num_sampled, unique, range_max) -> tuple:
    true = _true_classes(true_classes, num_true, op)
    num_sampled = _count(num_sampled, op, "num_sampled")
    range_max = _count(range_max, op, "range_max")
    _check_range(op, true, range_max)
    return true, num_sampled, bool(_scalar(unique)), range_max


def _weighted(weights: np.ndarray):
    """A draw function sampling index ``i`` with probability ``weights[i] / sum(weights)``."""
    cdf = np.cumsum(weights, dtype=np.float64)
    cdf /= cdf[-1]
    last = int(np.nonzero(weights > 0)[0][-1])

    def draw(gen, k):
        return np.minimum(np.searchsorted(cdf, gen.random(k), side="right"), last).astype(np.int64)
    return draw


def uniform_candidate_sampler(true_classes, num_true: int, num_sampled: int, unique: bool, range_max: int,
                              seed: int | None = None, name: str | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """Sample ``num_sampled`` classes uniformly from ``[0, range_max)`` (distinct if ``unique``):
    ``(sampled_candidates, true_expected_count, sampled_expected_count)`` as in TensorFlow.

    The expected counts are ``p * num_sampled`` (``p = 1 / range_max``), or, when ``unique``
    needed ``num_tries > num_sampled`` draws, ``1 - (1 - p)**num_tries``.

    >>> import gradtape as gt
    >>> s, t, e = gt.random.uniform_candidate_sampler([[1], [7]], 1, 4, False, 10, seed=1)
    >>> s.shape, s.dtype, t.numpy().ravel().tolist()
    ((4,), dtype('int64'), [0.4000000059604645, 0.4000000059604645])
    """
    op = "uniform_candidate_sampler"
    true, num_sampled, unique, range_max = _sampler_args(op, true_classes, num_true, num_sampled, unique,
                                                         range_max)
    return _candidates(op, _stateful_rng(seed), true, num_sampled, unique, range_max,
                       lambda gen, k: gen.integers(0, range_max, k, dtype=np.int64),
                       lambda v: np.full(np.shape(v), 1.0 / range_max), range_max)


def log_uniform_candidate_sampler(true_classes, num_true: int, num_sampled: int, unique: bool, range_max: int,
                                  seed: int | None = None, name: str | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """Sample classes from the log-uniform (Zipfian) distribution
    ``P(c) = log((c + 2) / (c + 1)) / log(range_max + 1)`` on ``[0, range_max)``:
    ``(sampled_candidates, true_expected_count, sampled_expected_count)`` as in TensorFlow.

    >>> import gradtape as gt
    >>> s, t, e = gt.random.log_uniform_candidate_sampler([[0]], 1, 5, True, 100, seed=1)
    >>> s.shape, len(set(s.numpy().tolist())), t.shape
    ((5,), 5, (1, 1))
    """
    op = "log_uniform_candidate_sampler"
    true, num_sampled, unique, range_max = _sampler_args(op, true_classes, num_true, num_sampled, unique,
                                                         range_max)
    log_range = np.log1p(float(range_max))

    def draw(gen, k):
        return (np.exp(gen.random(k) * log_range).astype(np.int64) - 1) % range_max

    return _candidates(op, _stateful_rng(seed), true, num_sampled, unique, range_max, draw,
                       lambda v: np.log((np.asarray(v) + 2.0) / (np.asarray(v) + 1.0)) / log_range, range_max)


def _read_vocab(vocab_file: str, op: str) -> list:
    if not os.path.isfile(vocab_file):
        raise ValueError(f"{op}: vocab_file {vocab_file!r} does not exist; give the path of a CSV-like "
                         "file whose lines end with a weight, or pass unigrams=[...] instead")
    weights = []
    with open(vocab_file, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            try:
                weights.append(float(line.split(",")[-1]))
            except ValueError:
                raise ValueError(f"{op}: wrong vocabulary format at line {line!r} of {vocab_file!r}: the "
                                 "last comma-separated field must be a number") from None
    return weights


def fixed_unigram_candidate_sampler(true_classes, num_true: int, num_sampled: int, unique: bool, range_max: int,
                                    vocab_file: str = "", distortion: float = 1.0, num_reserved_ids: int = 0,
                                    num_shards: int = 1, shard: int = 0, unigrams=(), seed: int | None = None,
                                    name: str | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """Sample classes from the fixed distribution ``unigrams`` (or the last field of each line of
    ``vocab_file``), each weight raised to ``distortion``: ``(sampled_candidates,
    true_expected_count, sampled_expected_count)`` as in TensorFlow.

    Ids ``[0, num_reserved_ids)`` come first with weight 0; with ``num_shards > 1`` only the ids
    ``i`` with ``i % num_shards == shard`` are kept. ``range_max`` must equal the number of
    weights kept.

    >>> import gradtape as gt
    >>> s, t, e = gt.random.fixed_unigram_candidate_sampler(
    ...     [[0], [2]], 1, 3, False, 4, unigrams=[1.0, 0.0, 2.0, 1.0], seed=1)
    >>> t.numpy().ravel().tolist(), 1 in s.numpy().tolist()
    ([0.75, 1.5], False)
    """
    op = "fixed_unigram_candidate_sampler"
    true, num_sampled, unique, range_max = _sampler_args(op, true_classes, num_true, num_sampled, unique,
                                                         range_max)
    num_shards = _count(num_shards, op, "num_shards")
    shard = _count(shard, op, "shard", 0)
    num_reserved_ids = _count(num_reserved_ids, op, "num_reserved_ids", 0)
    if shard >= num_shards:
        raise ValueError(f"{op}: shard must be in [0, num_shards) = [0, {num_shards}), got {shard}")
    uni = np.asarray(_scalar(unigrams), np.float64).ravel()
    has_file, has_list = bool(vocab_file), uni.size > 0
    if has_file == has_list:
        raise ValueError(f"{op}: pass exactly one of vocab_file and unigrams (got "
                         f"{'both' if has_file else 'neither'})")
    raw = np.asarray(_read_vocab(vocab_file, op) if has_file else uni, np.float32)
    if not np.isfinite(raw).all() or (raw < 0).any():
        raise ValueError(f"{op}: the unigram weights must be finite and non-negative")
    w = [0.0] * sum(1 for i in range(num_reserved_ids) if i % num_shards == shard)
    start = len(w)  # TensorFlow numbers the unigrams from the count of reserved ids kept
    with np.errstate(divide="ignore"):
        w += [float(np.power(v, np.float32(distortion))) for i, v in enumerate(raw, start)
              if i % num_shards == shard]
    weights = np.asarray(w, np.float64)
    if weights.size != range_max:
        raise ValueError(f"{op}: range_max is {range_max} but there are {weights.size} weights (reserved "
                         "ids plus unigrams of this shard); they must be equal")
    total = weights.sum()
    if not total > 0:
        raise ValueError(f"{op}: the unigram weights must have a positive sum")
    probs = (weights / total).astype(np.float32)

    def prob(v):
        v = np.asarray(v)
        return np.where((v >= 0) & (v < range_max), probs[np.clip(v, 0, range_max - 1)], 0.0)

    return _candidates(op, _stateful_rng(seed), true, num_sampled, unique, range_max, _weighted(weights),
                       prob, int((weights > 0).sum()))


def learned_unigram_candidate_sampler(true_classes, num_true: int, num_sampled: int, unique: bool, range_max: int,
                                      seed: int | None = None, name: str | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """Sample classes from a unigram distribution learned from the true classes seen so far:
    ``(sampled_candidates, true_expected_count, sampled_expected_count)`` as in TensorFlow.

    Every class starts with weight 1 and gains 1 each time it appears in ``true_classes`` (after
    the call has sampled). The weights live with the op's random stream, as a TensorFlow op's
    kernel does in eager mode: calls with the same ``seed`` (and the same ``num_true``,
    ``num_sampled``, ``unique`` and ``range_max``) keep learning one distribution, as do calls
    with no seed at all while no global seed is set; a call without ``seed`` under a global seed
    starts from the uniform weights. :func:`~gradtape.random.set_seed` resets them all.

    >>> import gradtape as gt
    >>> s, t, e = gt.random.learned_unigram_candidate_sampler([[3]], 1, 2, False, 4, seed=5)
    >>> t.numpy().tolist()  # the first call samples from the uniform weights
    [[0.5]]
    >>> s, t, e = gt.random.learned_unigram_candidate_sampler([[3]], 1, 2, False, 4, seed=5)
    >>> t.numpy().tolist()  # class 3 now has weight 2 of 5
    [[0.800000011920929]]
    """
    op = "learned_unigram_candidate_sampler"
    true, num_sampled, unique, range_max = _sampler_args(op, true_classes, num_true, num_sampled, unique,
                                                         range_max)
    if range_max >= 2 ** 31 - 1:
        raise ValueError(f"{op}: range_max must be less than 2**31 - 1, got {range_max}")
    g = _state.global_seed
    gen = _stateful_rng(seed)
    weights = None
    if seed is not None or g is None:
        key = ("learned_unigram", _DEFAULT_GLOBAL_SEED if g is None and seed is not None else g,
               None if seed is None else int(_scalar(seed)), int(true.shape[1]), num_sampled, unique, range_max)
        weights = _state.streams.get(key)
        if weights is None:
            weights = _state.streams[key] = np.ones(range_max, np.float64)
    if weights is None:
        weights = np.ones(range_max, np.float64)
    total = weights.sum()
    out = _candidates(op, gen, true, num_sampled, unique, range_max, _weighted(weights),
                      lambda v: (weights[np.asarray(v)] / total).astype(np.float32), range_max)
    np.add.at(weights, true.ravel(), 1.0)
    return out


def all_candidate_sampler(true_classes, num_true: int, num_sampled: int, unique: bool, seed: int | None = None,
                          name: str | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """All classes ``[0, num_sampled)`` with expected counts 1, as TensorFlow's
    ``all_candidate_sampler`` (for testing: the full softmax). ``unique`` is ignored.

    >>> import gradtape as gt
    >>> s, t, e = gt.random.all_candidate_sampler([[0, 2]], 2, 3, True)
    >>> s.numpy().tolist(), t.numpy().tolist(), e.numpy().tolist()
    ([0, 1, 2], [[1.0, 1.0]], [1.0, 1.0, 1.0])
    """
    op = "all_candidate_sampler"
    true = _true_classes(true_classes, num_true, op)
    num_sampled = _count(num_sampled, op, "num_sampled")
    _check_range(op, true, num_sampled)
    _stateful_rng(seed)  # takes an op seed like any random op, so the ops after it keep their seeds
    return (wrap(np.arange(num_sampled, dtype=np.int64)), wrap(np.ones(true.shape, np.float32)),
            wrap(np.ones(num_sampled, np.float32)))


__all__ = ["gamma", "poisson", "stateless_gamma", "stateless_poisson", "stateless_binomial",
           "stateless_parameterized_truncated_normal", "split", "fold_in", "uniform_candidate_sampler",
           "log_uniform_candidate_sampler", "fixed_unigram_candidate_sampler",
           "learned_unigram_candidate_sampler", "all_candidate_sampler"]
