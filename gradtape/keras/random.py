"""``gt.keras.random``: Keras 3's random ops on ``gt.random``, with Keras's argument names.

``seed`` may be None (the global generator, which ``keras.utils.set_random_seed`` seeds), an
int, or a :class:`SeedGenerator` (each call draws a new seed from it, so repeated calls
differ and a re-created generator repeats them).

>>> import gradtape as gt
>>> from gradtape.keras import random
>>> gen = random.SeedGenerator(3)
>>> a = random.normal((2,), seed=gen)
>>> b = random.normal((2,), seed=gen)
>>> bool((a.numpy() != b.numpy()).all())
True
>>> bool((random.normal((2,), seed=random.SeedGenerator(3)).numpy() == a.numpy()).all())
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ops import random as _random

_gt = __import__("gradtape")

__all__ = ["SeedGenerator", "normal", "uniform", "truncated_normal", "randint", "dropout",
           "shuffle", "categorical", "gamma", "binomial", "beta"]


class SeedGenerator:
    """A stream of seeds: each random op given it draws the next one (``keras.random.SeedGenerator``).

    >>> from gradtape.keras import random
    >>> random.SeedGenerator(0).next() != random.SeedGenerator(1).next()
    True
    """

    def __init__(self, seed: int | None = None, name: str | None = None, **kwargs: Any) -> None:
        self._rng = np.random.default_rng(seed)
        self.name = name or "seed_generator"

    def next(self, ordered: bool = True) -> int:
        return int(self._rng.integers(0, 2**31 - 1))


def _seed(seed: Any) -> int | None:
    """An int for a stateless draw (a SeedGenerator's next seed, or the int given, so that an
    int seed repeats its values as in Keras), or None for the global generator."""
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if seed is None or isinstance(seed, (int, np.integer)):
        return None if seed is None else int(seed)
    raise TypeError(f"seed must be None, an int or a gt.keras.random.SeedGenerator, got {type(seed).__name__}")


def normal(shape, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None):
    """Normal samples of ``shape`` (float32 unless ``dtype``)."""
    s, dt = _seed(seed), dtype or _gt.float32
    if s is None:
        return _random.normal(shape, mean=mean, stddev=stddev, dtype=dt)
    return _gt.random.stateless_normal(shape, seed=[s, 0], mean=mean, stddev=stddev, dtype=dt)


def uniform(shape, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None, seed: Any = None):
    """Uniform samples in ``[minval, maxval)`` of ``shape``."""
    s, dt = _seed(seed), dtype or _gt.float32
    if s is None:
        return _random.uniform(shape, minval=minval, maxval=maxval, dtype=dt)
    return _gt.random.stateless_uniform(shape, seed=[s, 0], minval=minval, maxval=maxval, dtype=dt)


def truncated_normal(shape, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None):
    """Normal samples redrawn beyond two standard deviations."""
    s, dt = _seed(seed), dtype or _gt.float32
    if s is None:
        return _random.truncated_normal(shape, mean=mean, stddev=stddev, dtype=dt)
    return _gt.random.stateless_truncated_normal(shape, seed=[s, 0], mean=mean, stddev=stddev, dtype=dt)


def randint(shape, minval: int, maxval: int, dtype: Any = "int32", seed: Any = None):
    """Integers in ``[minval, maxval)``."""
    return uniform(shape, minval=minval, maxval=maxval, dtype=dtype, seed=seed)


def dropout(inputs: Any, rate: float, noise_shape=None, seed: Any = None):
    """Zero entries with probability ``rate`` and scale the rest by ``1 / (1 - rate)``."""
    return _gt.nn.dropout(inputs, rate=rate, noise_shape=noise_shape, seed=_seed(seed))


def shuffle(x: Any, axis: int = 0, seed: Any = None):
    """``x`` with its slices along ``axis`` in random order."""
    if axis == 0:
        return _random.shuffle(x, seed=_seed(seed))
    perm = list(range(len(_gt.convert_to_tensor(x).shape)))
    perm[0], perm[axis] = perm[axis], perm[0]
    return _gt.transpose(_random.shuffle(_gt.transpose(x, perm), seed=_seed(seed)), perm)


def categorical(logits: Any, num_samples: int, dtype: Any = "int32", seed: Any = None):
    """Class ids drawn from the rows of ``logits``."""
    return _gt.cast(_random.categorical(logits, num_samples, seed=_seed(seed)), dtype)


def gamma(shape, alpha: float, dtype: Any = None, seed: Any = None):
    return _gt.random.gamma(shape, alpha, dtype=dtype or _gt.float32, seed=_seed(seed))


def binomial(shape, counts, probabilities, dtype: Any = None, seed: Any = None):
    rng = np.random.default_rng(_seed(seed))
    return _gt.constant(rng.binomial(counts, probabilities, size=shape).astype(dtype or np.float32))


def beta(shape, alpha, beta, dtype: Any = None, seed: Any = None):  # noqa: A002
    rng = np.random.default_rng(_seed(seed))
    return _gt.constant(rng.beta(alpha, beta, size=shape).astype(dtype or np.float32))
