"""Learning-rate schedules (``gt.optimizers.schedules``), with Keras's formulas.

A schedule is called with the optimizer's step (``optimizer.iterations`` before the update,
so the first update uses step 0) and returns a Python float. Pass one as ``learning_rate``.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

__all__ = ["LearningRateSchedule", "ExponentialDecay", "CosineDecay", "PiecewiseConstantDecay",
           "InverseTimeDecay", "serialize", "deserialize"]


def _step(step: Any) -> float:
    if hasattr(step, "numpy"):
        step = step.numpy()
    return float(step)


class LearningRateSchedule:
    """Base class: subclasses implement ``__call__(step) -> float`` and ``get_config()``.

    >>> import gradtape as gt
    >>> class Halving(gt.optimizers.schedules.LearningRateSchedule):
    ...     def __call__(self, step):
    ...         return 1.0 / 2 ** int(step)
    >>> Halving()(3)
    0.125
    """

    def __call__(self, step: Any) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_config(self) -> dict:
        """The constructor arguments."""
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "LearningRateSchedule":
        """Rebuild a schedule from :meth:`get_config`'s dict."""
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``, the exponent floored if ``staircase``.

    >>> import gradtape as gt
    >>> s = gt.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    >>> round(s(10), 6), round(s(5), 6)
    (0.05, 0.070711)
    >>> gt.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True)(19)
    0.05
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False, name: str | None = None):
        if decay_steps <= 0:
            raise ValueError(f"ExponentialDecay: decay_steps must be positive, got {decay_steps}")
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.decay_rate = float(decay_rate)
        self.staircase = bool(staircase)
        self.name = name

    def __call__(self, step: Any) -> float:
        p = _step(step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate * self.decay_rate ** p

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)`` (floored when ``staircase``).

    >>> import gradtape as gt
    >>> gt.optimizers.schedules.InverseTimeDecay(1.0, 1, 0.5)(2)
    0.5
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False, name: str | None = None):
        if decay_steps <= 0:
            raise ValueError(f"InverseTimeDecay: decay_steps must be positive, got {decay_steps}")
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps, self.decay_rate = decay_steps, float(decay_rate)
        self.staircase, self.name = bool(staircase), name

    def __call__(self, step: Any) -> float:
        p = _step(step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate / (1.0 + self.decay_rate * p)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay from ``initial_learning_rate`` to ``alpha * initial_learning_rate`` over ``decay_steps``.

    ``lr * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) / decay_steps)) + alpha)``.
    With ``warmup_target`` and ``warmup_steps`` (Keras 2.13+), the rate first rises linearly
    from ``initial_learning_rate`` to ``warmup_target``, then decays from ``warmup_target``.

    >>> import gradtape as gt
    >>> s = gt.optimizers.schedules.CosineDecay(1.0, decay_steps=100, alpha=0.1)
    >>> s(0), round(s(50), 6), round(s(100), 6), round(s(1000), 6)
    (1.0, 0.55, 0.1, 0.1)
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, alpha: float = 0.0,
                 name: str | None = None, warmup_target: float | None = None, warmup_steps: int = 0):
        if decay_steps <= 0:
            raise ValueError(f"CosineDecay: decay_steps must be positive, got {decay_steps}")
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps, self.alpha, self.name = decay_steps, float(alpha), name
        self.warmup_target = None if warmup_target is None else float(warmup_target)
        self.warmup_steps = int(warmup_steps)

    def __call__(self, step: Any) -> float:
        step = _step(step)
        start = self.initial_learning_rate
        if self.warmup_target is not None and self.warmup_steps > 0:
            if step < self.warmup_steps:
                return start + (self.warmup_target - start) * step / self.warmup_steps
            start = self.warmup_target
            step -= self.warmup_steps
        step = min(step, self.decay_steps)
        cosine = 0.5 * (1.0 + math.cos(math.pi * step / self.decay_steps))
        return start * ((1.0 - self.alpha) * cosine + self.alpha)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` up to ``boundaries[0]`` (included), ``values[1]`` up to ``boundaries[1]``, and so on.

    >>> import gradtape as gt
    >>> s = gt.optimizers.schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    >>> s(10), s(11), s(20), s(21)
    (1.0, 0.5, 0.5, 0.1)
    """

    def __init__(self, boundaries: Sequence, values: Sequence, name: str | None = None):
        boundaries, values = list(boundaries), list(values)
        if len(values) != len(boundaries) + 1:
            raise ValueError(f"PiecewiseConstantDecay: values needs one more entry than boundaries "
                             f"(got {len(values)} values for {len(boundaries)} boundaries)")
        if any(b2 < b1 for b1, b2 in zip(boundaries, boundaries[1:])):
            raise ValueError(f"PiecewiseConstantDecay: boundaries must be increasing, got {boundaries}")
        self.boundaries = boundaries
        self.values = [float(v) for v in values]
        self.name = name

    def __call__(self, step: Any) -> float:
        step = _step(step)
        for b, v in zip(self.boundaries, self.values):
            if step <= b:
                return v
        return self.values[-1]

    def get_config(self) -> dict:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


_BY_NAME = {c.__name__: c for c in (ExponentialDecay, CosineDecay, PiecewiseConstantDecay,
                                    InverseTimeDecay)}


def serialize(schedule: LearningRateSchedule) -> dict:
    """``{"class_name": ..., "config": ...}`` for a built-in schedule.

    >>> import gradtape as gt
    >>> gt.optimizers.schedules.serialize(gt.optimizers.schedules.ExponentialDecay(1.0, 10, 0.5))
    {'class_name': 'ExponentialDecay', 'config': {'initial_learning_rate': 1.0, 'decay_steps': 10,
     'decay_rate': 0.5, 'staircase': False, 'name': None}}
    """
    return {"class_name": type(schedule).__name__, "config": schedule.get_config()}


def deserialize(config: dict) -> LearningRateSchedule:
    """The inverse of :func:`serialize`.

    >>> import gradtape as gt
    >>> sch = gt.optimizers.schedules
    >>> sch.deserialize(sch.serialize(sch.CosineDecay(1.0, 10)))(10)
    0.0
    """
    cls = _BY_NAME.get(config.get("class_name"))
    if cls is None:
        raise ValueError(f"Unknown learning rate schedule {config.get('class_name')!r}")
    return cls.from_config(config.get("config", {}))
