"""Random numbers with TensorFlow's seeding rules (``gt.random``). The results are constants.

Seeding follows ``tf.random``: with neither a global seed (:func:`set_seed`) nor an op
``seed``, draws are nondeterministic. Once a global seed is set, the sequence of random ops
that follows is reproducible: an op without a seed takes the next op seed from a counter that
:func:`set_seed` resets, and an op with a seed draws the next values of a stream kept per
``(global seed, op seed)`` pair (so two calls with the same op seed give different values,
and calling :func:`set_seed` again replays them). An op seed with no global seed uses a fixed
default global seed. The stateless ops are pure functions of ``seed=[a, b]``, and a
:class:`Generator` carries its own state. Values are drawn with NumPy's Philox generator, so
they are reproducible across runs and machines but are not TensorFlow's numbers.

When ``mean``/``stddev`` (or ``minval``/``maxval``) are tensors, the sample is scaled and
shifted with recorded ops, so, as in TensorFlow, they get gradients; the draws themselves
never do.
"""

from __future__ import annotations

import threading

import numpy as np

from .._engine.tensor import Tensor, as_dtype, to_array, wrap

_DEFAULT_GLOBAL_SEED = 87654321
_MASK64 = (1 << 64) - 1


class _SeedState(threading.local):
    def __init__(self) -> None:
        self.global_seed: int | None = None
        self.counter = 0
        self.streams: dict = {}


_state = _SeedState()


def set_seed(seed) -> None:
    """Set the global random seed: the random ops that follow are reproducible.

    >>> import gradtape as gt
    >>> gt.random.set_seed(7)
    >>> a = gt.random.uniform([2])
    >>> gt.random.set_seed(7)
    >>> bool((gt.random.uniform([2]).numpy() == a.numpy()).all())
    True
    """
    _state.global_seed = None if seed is None else int(_scalar(seed))
    _state.counter = 0
    _state.streams = {}


def _scalar(v):
    return v._value if isinstance(v, Tensor) else v


def _philox(*words) -> np.random.Generator:
    key = np.random.SeedSequence([int(w) & _MASK64 for w in words]).generate_state(2, np.uint64)
    return np.random.Generator(np.random.Philox(key=key))


def _stateful_rng(seed) -> np.random.Generator:
    """The generator a stateful op with op seed ``seed`` draws from (TensorFlow's rules)."""
    g = _state.global_seed
    if g is None and seed is None:
        return np.random.default_rng()
    if seed is None:
        _state.counter += 1
        return _philox(g, _state.counter, 1)
    key = (_DEFAULT_GLOBAL_SEED if g is None else g, int(_scalar(seed)))
    rng = _state.streams.get(key)
    if rng is None:
        rng = _state.streams[key] = _philox(key[0], key[1], 2)
    return rng


def _stateless_rng(seed) -> np.random.Generator:
    s = np.asarray(_scalar(seed)).reshape(-1)
    if s.shape != (2,) or s.dtype.kind not in "iu":
        raise ValueError(f"stateless random ops: seed must be a shape [2] integer tensor, got "
                         f"{np.asarray(_scalar(seed))!r}")
    return _philox(int(s[0]), int(s[1]), 3)


def _shape(shape) -> tuple:
    shape = _scalar(shape)
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in np.asarray(shape).reshape(-1).tolist())


def _float_dtype(dtype, op):
    dt = as_dtype(dtype)
    if dt.kind != "f":
        raise ValueError(f"{op}: dtype must be a floating point type, got {dt.name}")
    return dt


def _affine(z, scale, shift, dtype):
    """``z * scale + shift``, recorded when ``scale`` or ``shift`` is a tensor (TensorFlow's
    gradients for mean/stddev); a plain constant otherwise."""
    if isinstance(scale, Tensor) or isinstance(shift, Tensor):
        s = scale if isinstance(scale, Tensor) else wrap(to_array(scale, dtype))
        b = shift if isinstance(shift, Tensor) else wrap(to_array(shift, dtype))
        return wrap(z.astype(dtype)) * s + b
    out = z * np.asarray(scale, np.float64) + np.asarray(shift, np.float64)
    return wrap(np.asarray(out).astype(dtype))


def _truncated(rng, shape) -> np.ndarray:
    z = rng.standard_normal(shape)
    bad = np.abs(z) > 2
    while bad.any():
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > 2
    return z


def _normal(rng, shape, mean, stddev, dtype, op):
    dt = _float_dtype(dtype, op)
    return _affine(rng.standard_normal(_shape(shape)), stddev, mean, dt)


def _truncated_normal(rng, shape, mean, stddev, dtype, op):
    dt = _float_dtype(dtype, op)
    return _affine(_truncated(rng, _shape(shape)), stddev, mean, dt)


def _uniform(rng, shape, minval, maxval, dtype, op, full_range_ints=False):
    dt = as_dtype(dtype)
    shape = _shape(shape)
    if dt.kind in "iu":
        if full_range_ints and minval is None and maxval is None:
            info = np.iinfo(dt)
            return wrap(rng.integers(info.min, info.max, shape, dtype=dt, endpoint=True))
        if maxval is None or minval is None:
            raise ValueError(f"{op}: Must specify maxval for integer dtype {dt.name}")
        lo, hi = int(_scalar(minval)), int(_scalar(maxval))
        if hi <= lo:
            raise ValueError(f"{op}: Need minval < maxval, got {lo} >= {hi}")
        return wrap(rng.integers(lo, hi, shape, dtype=dt))
    if dt.kind != "f":
        raise ValueError(f"{op}: dtype must be floating point or integer, got {dt.name}")
    minval = 0.0 if minval is None else minval
    maxval = 1.0 if maxval is None else maxval
    u = rng.random(shape)
    if isinstance(minval, Tensor) or isinstance(maxval, Tensor):
        lo = minval if isinstance(minval, Tensor) else wrap(to_array(minval, dt))
        hi = maxval if isinstance(maxval, Tensor) else wrap(to_array(maxval, dt))
        return wrap(u.astype(dt)) * (hi - lo) + lo
    lo, hi = np.asarray(minval, np.float64), np.asarray(maxval, np.float64)
    out = (u * (hi - lo) + lo).astype(dt)
    # rounding to a narrower dtype must not reach maxval: the interval is half-open
    return wrap(np.where(out >= hi.astype(dt), np.nextafter(hi.astype(dt), lo.astype(dt)), out)
                if out.size else out)


def _categorical(rng, logits, num_samples, dtype, op):
    lg = np.asarray(_scalar(logits), dtype=np.float64)
    if lg.ndim != 2:
        raise ValueError(f"{op}: logits must be 2-D [batch_size, num_classes], got shape {lg.shape}")
    dt = np.dtype(np.int64) if dtype is None else as_dtype(dtype)
    n = int(_scalar(num_samples))
    batch, k = lg.shape
    if k == 0 and n > 0:
        raise ValueError(f"{op}: logits must have at least one class")
    # Gumbel-max: argmax(logits + Gumbel noise) is a draw from softmax(logits).
    gumbel = -np.log(-np.log(rng.random((batch, n, k)) + 1e-300) + 1e-300) if k else np.zeros((batch, n, 0))
    z = np.where(np.isneginf(lg)[:, None, :], -np.inf, lg[:, None, :] + gumbel)
    return wrap(np.argmax(z, axis=-1).astype(dt) if k else np.zeros((batch, n), dt))


# -- stateful ops ------------------------------------------------------------------------------
def normal(shape, mean=0.0, stddev=1.0, dtype=np.float32, seed=None, name=None) -> Tensor:
    """Samples from a normal distribution.

    >>> import gradtape as gt
    >>> gt.random.normal([2, 3], seed=1).shape
    (2, 3)
    """
    return _normal(_stateful_rng(seed), shape, mean, stddev, dtype, "normal")


def uniform(shape, minval=0, maxval=None, dtype=np.float32, seed=None, name=None) -> Tensor:
    """Samples uniform in ``[minval, maxval)`` (``maxval`` defaults to 1 for floats and is
    required for integer dtypes).

    >>> import gradtape as gt
    >>> x = gt.random.uniform([4], 0, 10, dtype=gt.int32, seed=3)
    >>> bool(((x.numpy() >= 0) & (x.numpy() < 10)).all())
    True
    """
    return _uniform(_stateful_rng(seed), shape, minval, maxval, dtype, "uniform")


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=np.float32, seed=None, name=None) -> Tensor:
    """Normal samples with values more than 2 standard deviations from the mean redrawn.

    >>> import gradtape as gt
    >>> x = gt.random.truncated_normal([1000], seed=2)
    >>> bool((abs(x.numpy()) <= 2).all())
    True
    """
    return _truncated_normal(_stateful_rng(seed), shape, mean, stddev, dtype, "truncated_normal")


def categorical(logits, num_samples, dtype=None, seed=None, name=None) -> Tensor:
    """Draw ``num_samples`` class indices per row of 2-D ``logits`` (int64 by default).

    >>> import gradtape as gt
    >>> gt.random.categorical(gt.constant([[0.0, -1e9]]), 3, seed=1).numpy()
    array([[0, 0, 0]])
    """
    return _categorical(_stateful_rng(seed), logits, num_samples, dtype, "categorical")


def shuffle(value, seed=None, name=None) -> Tensor:
    """Shuffle a tensor along its first dimension.

    >>> import gradtape as gt
    >>> sorted(gt.random.shuffle(gt.constant([1, 2, 3]), seed=4).numpy().tolist())
    [1, 2, 3]
    """
    v = to_array(value)
    if np.ndim(v) == 0:
        raise ValueError("shuffle: value must have rank >= 1")
    return wrap(np.asarray(v)[_stateful_rng(seed).permutation(np.shape(v)[0])])


# -- stateless ops -----------------------------------------------------------------------------
def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype=np.float32, name=None,
                     alg="auto_select") -> Tensor:
    """Normal samples, a pure function of ``seed`` (a pair of ints).

    >>> import gradtape as gt
    >>> a = gt.random.stateless_normal([3], seed=[1, 2])
    >>> bool((a.numpy() == gt.random.stateless_normal([3], seed=[1, 2]).numpy()).all())
    True
    """
    return _normal(_stateless_rng(seed), shape, mean, stddev, dtype, "stateless_normal")


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype=np.float32, name=None,
                      alg="auto_select") -> Tensor:
    """Uniform samples, a pure function of ``seed``. For integer dtypes give ``maxval``, or
    ``minval=None, maxval=None`` for the dtype's full range.

    >>> import gradtape as gt
    >>> gt.random.stateless_uniform([2], seed=[3, 4]).shape
    (2,)
    """
    if minval is None and maxval is None and as_dtype(dtype).kind in "iu":
        return _uniform(_stateless_rng(seed), shape, None, None, dtype, "stateless_uniform", True)
    return _uniform(_stateless_rng(seed), shape, 0 if minval is None else minval, maxval, dtype,
                    "stateless_uniform")


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=np.float32, name=None,
                               alg="auto_select") -> Tensor:
    """Truncated normal samples (within 2 standard deviations), a pure function of ``seed``.

    >>> import gradtape as gt
    >>> gt.random.stateless_truncated_normal([2, 2], seed=[5, 6]).shape
    (2, 2)
    """
    return _truncated_normal(_stateless_rng(seed), shape, mean, stddev, dtype,
                             "stateless_truncated_normal")


def stateless_categorical(logits, num_samples, seed, dtype=np.int64, name=None) -> Tensor:
    """Class indices drawn from 2-D ``logits``, a pure function of ``seed``.

    >>> import gradtape as gt
    >>> gt.random.stateless_categorical(gt.constant([[0.0, 0.0]]), 4, seed=[7, 8]).shape
    (1, 4)
    """
    return _categorical(_stateless_rng(seed), logits, num_samples, dtype, "stateless_categorical")


# -- Generator ---------------------------------------------------------------------------------
class Generator:
    """A random number generator with its own state, as ``tf.random.Generator``.

    >>> import gradtape as gt
    >>> g = gt.random.Generator.from_seed(1234)
    >>> a = g.normal([2])
    >>> b = gt.random.Generator.from_seed(1234).normal([2])
    >>> bool((a.numpy() == b.numpy()).all())
    True
    """

    def __init__(self, seed: int | None = None, _rng: np.random.Generator | None = None):
        self._seed = seed
        self._rng = _rng if _rng is not None else (
            _philox(int(seed), 4) if seed is not None else np.random.default_rng())

    @classmethod
    def from_seed(cls, seed, alg=None) -> "Generator":
        """A generator whose draws are determined by ``seed``.

        >>> import gradtape as gt
        >>> g = gt.random.Generator.from_seed(7)
        """
        return cls(int(_scalar(seed)))

    @classmethod
    def from_non_deterministic_state(cls, alg=None) -> "Generator":
        """A generator seeded from the operating system's entropy.

        >>> import gradtape as gt
        >>> g = gt.random.Generator.from_non_deterministic_state()
        """
        return cls(None)

    def reset_from_seed(self, seed) -> None:
        """Restart the stream as if freshly created by ``from_seed(seed)``.

        >>> import gradtape as gt
        >>> g = gt.random.Generator.from_seed(1)
        >>> a = g.normal([2])
        >>> g.reset_from_seed(1)
        >>> bool((g.normal([2]).numpy() == a.numpy()).all())
        True
        """
        self._seed = int(_scalar(seed))
        self._rng = _philox(self._seed, 4)

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=np.float32, name=None) -> Tensor:
        """Normal samples.

        >>> import gradtape as gt
        >>> gt.random.Generator.from_seed(1).normal([2, 2], dtype=gt.float64).dtype
        dtype('float64')
        """
        return _normal(self._rng, shape, mean, stddev, dtype, "Generator.normal")

    def uniform(self, shape, minval=0, maxval=None, dtype=np.float32, name=None) -> Tensor:
        """Uniform samples in ``[minval, maxval)``; integer dtypes need ``maxval``.

        >>> import gradtape as gt
        >>> gt.random.Generator.from_seed(1).uniform([3], 0, 5, dtype=gt.int32).shape
        (3,)
        """
        return _uniform(self._rng, shape, minval, maxval, dtype, "Generator.uniform")

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=np.float32, name=None) -> Tensor:
        """Normal samples within 2 standard deviations of the mean.

        >>> import gradtape as gt
        >>> x = gt.random.Generator.from_seed(1).truncated_normal([100])
        >>> bool((abs(x.numpy()) <= 2).all())
        True
        """
        return _truncated_normal(self._rng, shape, mean, stddev, dtype, "Generator.truncated_normal")

    def make_seeds(self, count: int = 1) -> Tensor:
        """``[2, count]`` int64 seeds for the stateless ops.

        >>> import gradtape as gt
        >>> s = gt.random.Generator.from_seed(1).make_seeds(2)
        >>> gt.random.stateless_normal([3], seed=s[:, 0]).shape
        (3,)
        """
        return wrap(self._rng.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, (2, int(count)),
                                       dtype=np.int64, endpoint=True))

    def split(self, count: int = 1) -> list:
        """``count`` new independent generators (this one's state advances).

        >>> import gradtape as gt
        >>> a, b = gt.random.Generator.from_seed(1).split(2)
        """
        return [Generator(_rng=np.random.Generator(np.random.Philox(
            key=self._rng.integers(0, 2 ** 63, 2, dtype=np.uint64)))) for _ in range(int(count))]


_global_generator: list = []


def get_global_generator() -> Generator:
    """The process-wide :class:`Generator` (created from nondeterministic state on first use).

    >>> import gradtape as gt
    >>> x = gt.random.get_global_generator().normal([2])
    """
    if not _global_generator:
        _global_generator.append(Generator.from_non_deterministic_state())
    return _global_generator[0]


def set_global_generator(generator: Generator) -> None:
    """Replace the process-wide :class:`Generator`.

    >>> import gradtape as gt
    >>> gt.random.set_global_generator(gt.random.Generator.from_seed(3))
    """
    if not isinstance(generator, Generator):
        raise TypeError("set_global_generator: expected a gt.random.Generator, got "
                        f"{type(generator).__name__}")
    _global_generator[:] = [generator]


__all__ = ["set_seed", "get_global_generator", "set_global_generator", "normal", "uniform",
           "truncated_normal", "categorical", "shuffle", "stateless_normal", "stateless_uniform",
           "stateless_truncated_normal", "stateless_categorical", "Generator"]
