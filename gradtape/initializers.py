"""``gt.initializers``: weight initializers with Keras's names and formulas.

An initializer is called as ``init(shape, dtype=None)`` and returns a :class:`gradtape.Tensor`
(float32 unless ``dtype`` says otherwise). A seeded initializer is stateless: it returns the
same values on every call with the same shape, as Keras 2's seeded initializers do. An
unseeded one draws its seed from ``gt.random`` (TensorFlow's seeding rules), so
``gt.random.set_seed(s)`` before building a model makes the whole model reproducible.

Fans follow Keras: for a kernel of shape ``(..., fan_in_channels, fan_out_channels)`` the
receptive field (the product of the leading dimensions) multiplies both fans.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._engine.tensor import Tensor, as_dtype

__all__ = [
    "Initializer", "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform", "TruncatedNormal",
    "VarianceScaling", "GlorotUniform", "GlorotNormal", "HeNormal", "HeUniform", "LecunNormal",
    "LecunUniform", "Orthogonal", "Identity", "get", "serialize", "compute_fans", "draw_seed",
    "zeros", "ones", "constant", "random_normal", "random_uniform", "truncated_normal",
    "variance_scaling", "glorot_uniform", "glorot_normal", "he_normal", "he_uniform",
    "lecun_normal", "lecun_uniform", "orthogonal", "identity",
]

# Standard deviation of a unit normal truncated to [-2, 2] (Keras's correction factor).
_TRUNC_STD = 0.87962566103423978


def _shape(shape) -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(s) for s in shape)


def _float_dtype(dtype, who: str) -> np.dtype:
    dt = as_dtype(dtype) if dtype is not None else np.dtype(np.float32)
    if dt.kind != "f":
        raise TypeError(f"{who}: expected a floating dtype, got {dt.name}")
    return dt


def compute_fans(shape) -> tuple[float, float]:
    """``(fan_in, fan_out)`` of a weight shape, as Keras computes them.

    >>> from gradtape.initializers import compute_fans
    >>> compute_fans((3, 3, 8, 16))
    (72.0, 144.0)
    """
    shape = _shape(shape)
    if len(shape) < 1:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    if len(shape) == 2:
        return float(shape[0]), float(shape[1])
    receptive = float(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


def draw_seed() -> int:
    """A fresh seed from ``gt.random``'s stream (reproducible after ``gt.random.set_seed``).

    >>> import gradtape as gt
    >>> gt.random.set_seed(1)
    >>> a = gt.initializers.draw_seed()
    >>> gt.random.set_seed(1)
    >>> a == gt.initializers.draw_seed()
    True
    """
    try:
        from .ops import random as _random
    except ImportError:  # pragma: no cover - gt.random not available
        return int(np.random.randint(0, 2**31 - 1))
    return int(_random.uniform((), 0, 2**31 - 1, dtype=np.int64).numpy())


class Initializer:
    """Base class: subclasses implement ``__call__(shape, dtype=None)`` and ``get_config``.

    >>> import gradtape as gt
    >>> class Twos(gt.initializers.Initializer):
    ...     def __call__(self, shape, dtype=None):
    ...         return gt.fill(shape, 2.0)
    >>> Twos()((2,)).numpy()
    array([2., 2.], dtype=float32)
    """

    def __call__(self, shape, dtype=None) -> Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_config(self) -> dict:
        """The constructor arguments, so ``type(init)(**init.get_config())`` rebuilds it."""
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Initializer":
        """Rebuild an initializer from :meth:`get_config`'s dict."""
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class _Seeded(Initializer):
    def __init__(self, seed: int | None = None):
        if seed is not None and not isinstance(seed, (int, np.integer)):
            raise TypeError(f"{type(self).__name__}: seed must be an int or None, got {seed!r}")
        self.seed = None if seed is None else int(seed)

    def _rng(self) -> np.random.Generator:
        return np.random.default_rng(draw_seed() if self.seed is None else self.seed)

    def get_config(self) -> dict:
        return {"seed": self.seed}


class Zeros(Initializer):
    """All zeros.

    >>> import gradtape as gt
    >>> gt.initializers.Zeros()((2,)).numpy()
    array([0., 0.], dtype=float32)
    """

    def __call__(self, shape, dtype=None) -> Tensor:
        dt = as_dtype(dtype) if dtype is not None else np.dtype(np.float32)
        return Tensor(np.zeros(_shape(shape), dtype=dt))


class Ones(Initializer):
    """All ones.

    >>> import gradtape as gt
    >>> gt.initializers.Ones()((2,)).numpy()
    array([1., 1.], dtype=float32)
    """

    def __call__(self, shape, dtype=None) -> Tensor:
        dt = as_dtype(dtype) if dtype is not None else np.dtype(np.float32)
        return Tensor(np.ones(_shape(shape), dtype=dt))


class Constant(Initializer):
    """Every element equal to ``value`` (a scalar, or an array broadcast to the shape).

    >>> import gradtape as gt
    >>> gt.initializers.Constant(0.5)((2,)).numpy()
    array([0.5, 0.5], dtype=float32)
    """

    def __init__(self, value: Any = 0):
        self.value = value

    def __call__(self, shape, dtype=None) -> Tensor:
        dt = as_dtype(dtype) if dtype is not None else np.dtype(np.float32)
        return Tensor(np.array(np.broadcast_to(np.asarray(self.value, dtype=dt), _shape(shape))))

    def get_config(self) -> dict:
        return {"value": self.value}


class RandomNormal(_Seeded):
    """Normal samples with ``mean`` and ``stddev`` (Keras defaults 0 and 0.05).

    >>> import gradtape as gt
    >>> w = gt.initializers.RandomNormal(stddev=1.0, seed=0)((3, 4))
    >>> w.shape, w.dtype.name
    ((3, 4), 'float32')
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.mean, self.stddev = float(mean), float(stddev)

    def __call__(self, shape, dtype=None) -> Tensor:
        dt = _float_dtype(dtype, "RandomNormal")
        return Tensor(self._rng().normal(self.mean, self.stddev, _shape(shape)).astype(dt))

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(_Seeded):
    """Uniform samples in ``[minval, maxval)`` (Keras defaults -0.05 and 0.05).

    >>> import gradtape as gt
    >>> w = gt.initializers.RandomUniform(-1.0, 1.0, seed=0)((100,))
    >>> bool(abs(w.numpy()).max() < 1)
    True
    """

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.minval, self.maxval = float(minval), float(maxval)

    def __call__(self, shape, dtype=None) -> Tensor:
        dt = _float_dtype(dtype, "RandomUniform")
        return Tensor(self._rng().uniform(self.minval, self.maxval, _shape(shape)).astype(dt))

    def get_config(self) -> dict:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


def _truncated_normal(rng: np.random.Generator, shape, stddev: float, mean: float = 0.0) -> np.ndarray:
    """Normal samples redrawn until they fall within two standard deviations."""
    out = rng.standard_normal(shape)
    bad = np.abs(out) > 2
    while bad.any():
        out[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2
    return mean + stddev * out


class TruncatedNormal(_Seeded):
    """Normal samples redrawn when more than two standard deviations from the mean.

    >>> import gradtape as gt
    >>> w = gt.initializers.TruncatedNormal(stddev=1.0, seed=0)((1000,))
    >>> bool(abs(w.numpy()).max() <= 2)
    True
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.mean, self.stddev = float(mean), float(stddev)

    def __call__(self, shape, dtype=None) -> Tensor:
        dt = _float_dtype(dtype, "TruncatedNormal")
        return Tensor(_truncated_normal(self._rng(), _shape(shape), self.stddev, self.mean).astype(dt))

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class VarianceScaling(_Seeded):
    """Samples scaled to the weight's fans, as ``tf.keras.initializers.VarianceScaling``.

    ``mode`` is ``"fan_in"``, ``"fan_out"`` or ``"fan_avg"``; ``distribution`` is
    ``"truncated_normal"``, ``"untruncated_normal"`` or ``"uniform"``. The variance is
    ``scale / n`` with ``n`` the chosen fan.

    >>> import gradtape as gt
    >>> init = gt.initializers.VarianceScaling(scale=2.0, mode="fan_in", seed=1)
    >>> init((4, 3)).shape
    (4, 3)
    """

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal",
                 seed: int | None = None):
        super().__init__(seed)
        if scale <= 0:
            raise ValueError(f"VarianceScaling: scale must be positive, got {scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"VarianceScaling: mode must be 'fan_in', 'fan_out' or 'fan_avg', got {mode!r}")
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError("VarianceScaling: distribution must be 'truncated_normal', "
                             f"'untruncated_normal' or 'uniform', got {distribution!r}")
        self.scale, self.mode, self.distribution = float(scale), mode, distribution

    def __call__(self, shape, dtype=None) -> Tensor:
        dt = _float_dtype(dtype, type(self).__name__)
        shape = _shape(shape)
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        var = self.scale / max(1.0, n)
        rng = self._rng()
        if self.distribution == "truncated_normal":
            out = _truncated_normal(rng, shape, math.sqrt(var) / _TRUNC_STD)
        elif self.distribution == "untruncated_normal":
            out = rng.normal(0.0, math.sqrt(var), shape)
        else:
            limit = math.sqrt(3.0 * var)
            out = rng.uniform(-limit, limit, shape)
        return Tensor(out.astype(dt))

    def get_config(self) -> dict:
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed}


class GlorotUniform(VarianceScaling):
    """Uniform in ``[-limit, limit]``, ``limit = sqrt(6 / (fan_in + fan_out))`` (Keras's default).

    >>> import gradtape as gt
    >>> w = gt.initializers.GlorotUniform(seed=0)((2, 3))
    >>> bool((abs(w.numpy()) <= (6 / 5) ** 0.5).all())
    True
    """

    def __init__(self, seed: int | None = None):
        super().__init__(1.0, "fan_avg", "uniform", seed)

    def get_config(self) -> dict:
        return {"seed": self.seed}


class GlorotNormal(VarianceScaling):
    """Truncated normal with ``stddev = sqrt(2 / (fan_in + fan_out))``.

    >>> import gradtape as gt
    >>> gt.initializers.GlorotNormal(seed=0)((2, 3)).shape
    (2, 3)
    """

    def __init__(self, seed: int | None = None):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed)

    def get_config(self) -> dict:
        return {"seed": self.seed}


class HeNormal(VarianceScaling):
    """Truncated normal with ``stddev = sqrt(2 / fan_in)`` (for ReLU networks).

    >>> import gradtape as gt
    >>> gt.initializers.HeNormal(seed=0)((3, 3, 1, 8)).shape
    (3, 3, 1, 8)
    """

    def __init__(self, seed: int | None = None):
        super().__init__(2.0, "fan_in", "truncated_normal", seed)

    def get_config(self) -> dict:
        return {"seed": self.seed}


class HeUniform(VarianceScaling):
    """Uniform in ``[-limit, limit]``, ``limit = sqrt(6 / fan_in)``.

    >>> import gradtape as gt
    >>> gt.initializers.HeUniform(seed=0)((4, 2)).shape
    (4, 2)
    """

    def __init__(self, seed: int | None = None):
        super().__init__(2.0, "fan_in", "uniform", seed)

    def get_config(self) -> dict:
        return {"seed": self.seed}


class LecunNormal(VarianceScaling):
    """Truncated normal with ``stddev = sqrt(1 / fan_in)``.

    >>> import gradtape as gt
    >>> gt.initializers.LecunNormal(seed=0)((4, 2)).shape
    (4, 2)
    """

    def __init__(self, seed: int | None = None):
        super().__init__(1.0, "fan_in", "truncated_normal", seed)

    def get_config(self) -> dict:
        return {"seed": self.seed}


class LecunUniform(VarianceScaling):
    """Uniform in ``[-limit, limit]``, ``limit = sqrt(3 / fan_in)``.

    >>> import gradtape as gt
    >>> gt.initializers.LecunUniform(seed=0)((4, 2)).shape
    (4, 2)
    """

    def __init__(self, seed: int | None = None):
        super().__init__(1.0, "fan_in", "uniform", seed)

    def get_config(self) -> dict:
        return {"seed": self.seed}


class Orthogonal(_Seeded):
    """A (semi-)orthogonal matrix times ``gain``, from the QR decomposition of normal samples.

    Shapes of rank > 2 are treated as ``(prod(shape[:-1]), shape[-1])`` matrices, as in Keras.

    >>> import gradtape as gt
    >>> import numpy as np
    >>> q = gt.initializers.Orthogonal(seed=0)((3, 3), dtype=gt.float64).numpy()
    >>> bool(np.allclose(q.T @ q, np.eye(3)))
    True
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None):
        super().__init__(seed)
        self.gain = float(gain)

    def __call__(self, shape, dtype=None) -> Tensor:
        dt = _float_dtype(dtype, "Orthogonal")
        shape = _shape(shape)
        if len(shape) < 2:
            raise ValueError(f"Orthogonal: the shape must have rank >= 2, got {shape}")
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        a = self._rng().standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))  # make the decomposition unique
        if rows < cols:
            q = q.T
        return Tensor((self.gain * q).reshape(shape).astype(dt))

    def get_config(self) -> dict:
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only).

    >>> import gradtape as gt
    >>> gt.initializers.Identity()((2, 2)).numpy()
    array([[1., 0.],
           [0., 1.]], dtype=float32)
    """

    def __init__(self, gain: float = 1.0):
        self.gain = float(gain)

    def __call__(self, shape, dtype=None) -> Tensor:
        dt = _float_dtype(dtype, "Identity")
        shape = _shape(shape)
        if len(shape) != 2:
            raise ValueError(f"Identity: the shape must be 2-D, got {shape}")
        return Tensor((self.gain * np.eye(*shape)).astype(dt))

    def get_config(self) -> dict:
        return {"gain": self.gain}


# Keras's lowercase aliases (``tf.keras.initializers.glorot_uniform`` is the class).
zeros, ones, constant = Zeros, Ones, Constant
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling, glorot_uniform, glorot_normal = VarianceScaling, GlorotUniform, GlorotNormal
he_normal, he_uniform, lecun_normal, lecun_uniform = HeNormal, HeUniform, LecunNormal, LecunUniform
orthogonal, identity = Orthogonal, Identity

_BY_NAME = {
    "zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
    "random_uniform": RandomUniform, "uniform": RandomUniform, "normal": RandomNormal,
    "truncated_normal": TruncatedNormal, "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "he_normal": HeNormal,
    "he_uniform": HeUniform, "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform,
    "orthogonal": Orthogonal, "identity": Identity,
}


def get(identifier: Any) -> Initializer | Any:
    """An initializer from a name (``"glorot_uniform"``, ``"GlorotUniform"``), an instance or a callable.

    >>> import gradtape as gt
    >>> gt.initializers.get("he_normal")
    HeNormal(seed=None)
    """
    if identifier is None:
        return None
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str):
        key = identifier if identifier in _BY_NAME else _snake(identifier)
        if key not in _BY_NAME:
            raise ValueError(f"Unknown initializer {identifier!r}; known: {', '.join(sorted(_BY_NAME))}")
        return _BY_NAME[key]()
    if isinstance(identifier, dict) and "class_name" in identifier:
        cls = _BY_NAME.get(_snake(identifier["class_name"]))
        if cls is None:
            raise ValueError(f"Unknown initializer class {identifier['class_name']!r}")
        return cls.from_config(identifier.get("config", {}))
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret initializer identifier: {identifier!r}")


def serialize(initializer: Initializer) -> dict:
    """``{"class_name": ..., "config": ...}``, the inverse of :func:`get` on a dict.

    >>> import gradtape as gt
    >>> gt.initializers.serialize(gt.initializers.GlorotUniform(seed=3))
    {'class_name': 'GlorotUniform', 'config': {'seed': 3}}
    """
    return {"class_name": type(initializer).__name__, "config": initializer.get_config()}


def _snake(name: str) -> str:
    import re
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()
