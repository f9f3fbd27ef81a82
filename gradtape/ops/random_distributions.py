"""More of ``tf.random``: Poisson samples, the stateless binomial, Poisson and parameterized
truncated normal samples, and seed ``split`` and ``fold_in``; also the argument checks that
:mod:`gradtape.ops.random_gamma` (the gamma samples) shares. The candidate samplers are in
:mod:`gradtape.ops.candidate_sampling`.

Seeding is :mod:`gradtape.ops.random`'s: a stateful op takes its generator from the global seed
and its op seed exactly as ``normal`` or ``uniform`` do (so :func:`~gradtape.random.set_seed`
replays these ops with the others, and two calls with one op seed continue one stream), and a
stateless op is a pure function of ``seed=[a, b]``. Values are drawn with NumPy's Philox
generator: reproducible across runs and machines, but not TensorFlow's numbers.
"""

from __future__ import annotations

import numpy as np

from .._engine.tensor import Tensor, as_dtype, to_array, wrap
from .random import _scalar, _shape, _stateful_rng, _stateless_rng
from .random import stateless_uniform

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


__all__ = ["poisson", "stateless_poisson", "stateless_binomial", "stateless_parameterized_truncated_normal",
           "split", "fold_in"]
