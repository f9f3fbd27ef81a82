"""``gt.constraints``: projections applied to weights after each optimizer update (Keras 3).

A constraint maps a weight to its projected value. Layers take them as ``kernel_constraint`` and
``bias_constraint`` (they are stored as the variable's ``constraint``); the optimizers'
``apply_gradients`` assigns ``constraint(variable)`` to every variable it updated.

>>> import gradtape as gt
>>> w = gt.Variable([1.0, -1.0], constraint=gt.constraints.NonNeg())
>>> _ = gt.optimizers.SGD(0.5).apply_gradients([(gt.constant([1.0, 1.0]), w)])
>>> w.numpy()
array([0.5, 0. ], dtype=float32)
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Any, Callable

import numpy as np

import gradtape as gt
from . import _identifiers
from ._engine.tensor import Tensor

__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "max_norm", "min_max_norm",
           "non_neg", "unit_norm", "get", "serialize", "deserialize"]

_EPSILON = 1e-7  # Keras's backend.epsilon()


def _tensor(w: Any) -> Tensor:
    return w if isinstance(w, Tensor) else gt.convert_to_tensor(w)


def _axis(axis: Any, owner: str) -> int | list:
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
        return int(axis)
    if isinstance(axis, (list, tuple)) and axis and all(
            isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axis):
        return [int(a) for a in axis]
    raise ValueError(f"{owner}: axis must be an int or a list of ints, got axis={axis!r}; for a Conv2D "
                     "kernel use for example axis=[0, 1, 2]")


def _number(value: Any, name: str, owner: str) -> float:
    ok = isinstance(value, (numbers.Real, np.floating, np.integer)) and not isinstance(value, bool)
    if ok:
        ok = math.isfinite(float(value)) and float(value) >= 0
    if not ok:
        raise ValueError(f"{owner}: {name} must be a non-negative finite number, got {name}={value!r}")
    return value


def _norms(w: Tensor, axis) -> Tensor:
    return gt.sqrt(gt.reduce_sum(gt.square(w), axis=axis, keepdims=True))


class Constraint:
    """Base class of the constraints: ``constraint(w)`` returns the projected weight (the base
    class returns ``w`` unchanged). Any function of one tensor may also serve as a constraint.

    >>> import gradtape as gt
    >>> class Clip(gt.constraints.Constraint):
    ...     def __call__(self, w):
    ...         return gt.clip_by_value(w, -1.0, 1.0)
    >>> Clip()(gt.constant([-3.0, 0.5])).numpy()
    array([-1. ,  0.5], dtype=float32)
    """

    def __call__(self, w: Any) -> Tensor:
        """The projection of ``w``."""
        return _tensor(w)

    def get_config(self) -> dict:
        """The constructor arguments, so ``cls.from_config(c.get_config())`` rebuilds ``c``."""
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Constraint":
        """Rebuild a constraint from :meth:`get_config`'s dict.

        >>> import gradtape as gt
        >>> gt.constraints.MaxNorm.from_config({"max_value": 3, "axis": 1}).max_value
        3
        """
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class MaxNorm(Constraint):
    """Rescale the slices whose L2 norm along ``axis`` exceeds ``max_value`` (default 2) to that norm.

    ``axis=0`` (the default) constrains each column of a Dense kernel ``(input_dim, units)``;
    use ``axis=[0, 1, 2]`` for each filter of a Conv2D kernel. As Keras, the result is
    ``w * clip(norm, 0, max_value) / (1e-7 + norm)``.

    >>> import gradtape as gt
    >>> gt.constraints.MaxNorm(1.0)(gt.constant([[3.0, 0.3], [4.0, 0.4]])).numpy().round(4)
    array([[0.6, 0.3],
           [0.8, 0.4]], dtype=float32)
    """

    def __init__(self, max_value: float = 2, axis: int | list = 0):
        self.max_value = _number(max_value, "max_value", "MaxNorm")
        self.axis = _axis(axis, "MaxNorm")

    def __call__(self, w: Any) -> Tensor:
        w = _tensor(w)
        norms = _norms(w, self.axis)
        desired = gt.clip_by_value(norms, 0.0, float(self.max_value))
        return w * (desired / (_EPSILON + norms))

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Move each slice's L2 norm along ``axis`` into ``[min_value, max_value]``.

    The new norm is ``rate * clip(norm, min_value, max_value) + (1 - rate) * norm``: ``rate=1``
    (the default) enforces the bounds strictly, a smaller rate moves towards them gradually.

    >>> import gradtape as gt
    >>> c = gt.constraints.MinMaxNorm(min_value=1.0, max_value=2.0)
    >>> c(gt.constant([[0.3, 3.0], [0.4, 4.0]])).numpy().round(4)
    array([[0.6, 1.2],
           [0.8, 1.6]], dtype=float32)
    """

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0,
                 axis: int | list = 0):
        self.min_value = _number(min_value, "min_value", "MinMaxNorm")
        self.max_value = _number(max_value, "max_value", "MinMaxNorm")
        if float(min_value) > float(max_value):
            raise ValueError(f"MinMaxNorm: min_value must not exceed max_value, got min_value={min_value} "
                             f"and max_value={max_value}")
        if not 0.0 <= _number(rate, "rate", "MinMaxNorm") <= 1.0:
            raise ValueError(f"MinMaxNorm: rate must be in [0, 1], got rate={rate}")
        self.rate = rate
        self.axis = _axis(axis, "MinMaxNorm")

    def __call__(self, w: Any) -> Tensor:
        w = _tensor(w)
        norms = _norms(w, self.axis)
        rate = float(self.rate)
        desired = (rate * gt.clip_by_value(norms, float(self.min_value), float(self.max_value))
                   + (1.0 - rate) * norms)
        return w * (desired / (_EPSILON + norms))

    def get_config(self) -> dict:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


class NonNeg(Constraint):
    """Replace negative weights with zero.

    >>> import gradtape as gt
    >>> gt.constraints.NonNeg()(gt.constant([-1.0, 2.0])).numpy()
    array([0., 2.], dtype=float32)
    """

    def __call__(self, w: Any) -> Tensor:
        w = _tensor(w)
        return gt.maximum(w, gt.zeros((), dtype=w.dtype))


class UnitNorm(Constraint):
    """Scale each slice to unit L2 norm along ``axis`` (default 0): ``w / (1e-7 + norm)``.

    >>> import gradtape as gt
    >>> gt.constraints.UnitNorm()(gt.constant([[3.0], [4.0]])).numpy().round(4)
    array([[0.6],
           [0.8]], dtype=float32)
    """

    def __init__(self, axis: int | list = 0):
        self.axis = _axis(axis, "UnitNorm")

    def __call__(self, w: Any) -> Tensor:
        w = _tensor(w)
        return w / (_EPSILON + _norms(w, self.axis))

    def get_config(self) -> dict:
        return {"axis": self.axis}


# Keras's lowercase aliases (the classes themselves, as in Keras 3).
max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm


def _snake(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


_CLASSES = (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)
_BY_NAME: dict[str, type] = {c.__name__: c for c in _CLASSES}
_BY_NAME.update({_snake(c.__name__): c for c in _CLASSES})


def serialize(constraint: Constraint) -> dict:
    """``{"class_name": ..., "config": ...}``, which :func:`get` and :func:`deserialize` accept.

    >>> import gradtape as gt
    >>> gt.constraints.serialize(gt.constraints.UnitNorm(axis=1))
    {'class_name': 'UnitNorm', 'config': {'axis': 1}}
    """
    return _identifiers.serialize(constraint, Constraint, "gt.constraints.Constraint")


def deserialize(config: dict, custom_objects: dict | None = None) -> Constraint:
    """A constraint from :func:`serialize`'s dict (``custom_objects`` maps extra class names).

    >>> import gradtape as gt
    >>> gt.constraints.deserialize({"class_name": "MaxNorm", "config": {"max_value": 3}})
    MaxNorm(max_value=3, axis=0)
    """
    return _identifiers.deserialize(config, _BY_NAME, "constraint", custom_objects)


def get(identifier: Any) -> Constraint | Callable | None:
    """A constraint from None, a name (``"max_norm"``, ``"non_neg"``, ``"unit_norm"``,
    ``"min_max_norm"`` or a class name), a :func:`serialize` dict, a class, an instance or any callable.

    >>> import gradtape as gt
    >>> gt.constraints.get("max_norm")
    MaxNorm(max_value=2, axis=0)
    >>> gt.constraints.get(None) is None
    True
    """
    return _identifiers.get(identifier, Constraint, _BY_NAME, "constraint", "max_norm")
