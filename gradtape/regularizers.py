"""``gt.regularizers``: weight and activity penalties, as ``tf.keras.regularizers`` (Keras 3).

A regularizer maps a tensor to a scalar penalty. Layers take them as ``kernel_regularizer``,
``bias_regularizer`` and ``activity_regularizer``; :attr:`gradtape.layers.Layer.losses` lists
the penalties, computed when read, so they are differentiable on an active tape.

>>> import gradtape as gt
>>> layer = gt.layers.Dense(2, kernel_initializer="ones", kernel_regularizer=gt.regularizers.L2(0.1))
>>> _ = layer(gt.ones((1, 3)))
>>> [round(float(loss), 4) for loss in layer.losses]
[0.6]
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

__all__ = ["Regularizer", "L1", "L2", "L1L2", "OrthogonalRegularizer", "l1", "l2", "l1_l2",
           "orthogonal_regularizer", "get", "serialize", "deserialize"]

_EPSILON = 1e-7  # Keras's backend.epsilon()


def validate_float_arg(value: Any, name: str, owner: str) -> float:
    """``value`` as a float, or a ValueError naming ``name`` when it is not a non-negative finite number."""
    ok = isinstance(value, (numbers.Real, np.floating, np.integer)) and not isinstance(value, bool)
    if ok:
        value = float(value)
        ok = math.isfinite(value) and value >= 0
    if not ok:
        raise ValueError(f"{owner}: {name} must be a non-negative finite number, got {name}={value!r}; "
                         f"pass for example {name}=0.01")
    return value


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else gt.convert_to_tensor(x)


class Regularizer:
    """Base class of the regularizers: ``regularizer(weight)`` is a scalar penalty tensor.

    Subclasses override ``__call__`` and ``get_config``; any function of one tensor returning a
    scalar may also be used where a regularizer is expected.

    >>> import gradtape as gt
    >>> class Sum(gt.regularizers.Regularizer):
    ...     def __call__(self, x):
    ...         return gt.reduce_sum(x)
    ...     def get_config(self):
    ...         return {}
    >>> float(Sum()(gt.constant([1.0, 2.0])))
    3.0
    """

    def __call__(self, x: Any) -> Tensor:
        """The penalty of ``x`` (the base class's is zero)."""
        x = _tensor(x)
        return gt.zeros((), dtype=x.dtype if x.dtype.kind == "f" else np.float32)

    def get_config(self) -> dict:
        """The constructor arguments, so ``cls.from_config(r.get_config())`` rebuilds ``r``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config(); define "
                                  "it to return the constructor arguments as a dict")

    @classmethod
    def from_config(cls, config: dict) -> "Regularizer":
        """Rebuild a regularizer from :meth:`get_config`'s dict.

        >>> import gradtape as gt
        >>> gt.regularizers.L2.from_config({"l2": 0.5}).l2
        0.5
        """
        return cls(**config)

    def __repr__(self) -> str:
        try:
            args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        except NotImplementedError:
            args = ""
        return f"{type(self).__name__}({args})"


class L1L2(Regularizer):
    """``l1 * sum(abs(x)) + l2 * sum(square(x))`` (both factors default to 0, as in Keras).

    The string ``"l1_l2"`` gives ``L1L2(l1=0.01, l2=0.01)``.

    >>> import gradtape as gt
    >>> float(gt.regularizers.L1L2(l1=0.5, l2=0.25)(gt.constant([1.0, -2.0])))
    2.75
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self.l1 = validate_float_arg(0.0 if l1 is None else l1, "l1", "L1L2")
        self.l2 = validate_float_arg(0.0 if l2 is None else l2, "l2", "L1L2")

    def __call__(self, x: Any) -> Tensor:
        x = _tensor(x)
        out = gt.zeros((), dtype=x.dtype)
        if self.l1:
            out = out + self.l1 * gt.reduce_sum(gt.abs(x))
        if self.l2:
            out = out + self.l2 * gt.reduce_sum(gt.square(x))
        return out

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """``l1 * sum(abs(x))`` (default ``l1=0.01``).

    >>> import gradtape as gt
    >>> float(gt.regularizers.L1(0.5)(gt.constant([1.0, -2.0])))
    1.5
    """

    def __init__(self, l1: float = 0.01):
        self.l1 = validate_float_arg(0.01 if l1 is None else l1, "l1", "L1")

    def __call__(self, x: Any) -> Tensor:
        return self.l1 * gt.reduce_sum(gt.abs(_tensor(x)))

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(square(x))`` (default ``l2=0.01``; no factor 1/2, as in Keras).

    >>> import gradtape as gt
    >>> float(gt.regularizers.L2(2.0)(gt.ones((5, 5))))
    50.0
    """

    def __init__(self, l2: float = 0.01):
        self.l2 = validate_float_arg(0.01 if l2 is None else l2, "l2", "L2")

    def __call__(self, x: Any) -> Tensor:
        return self.l2 * gt.reduce_sum(gt.square(_tensor(x)))

    def get_config(self) -> dict:
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Push the rows (``mode="rows"``) or columns (``mode="columns"``) of a matrix to be orthogonal.

    The penalty is ``factor * 0.5 * sum(|P - diag(P)|) / (n * (n - 1) / 2)``, with ``P`` the
    products of the L2-normalized rows (columns) and ``n`` their number: ``factor`` times the
    mean absolute cosine over the pairs. Inputs must be 2-D. A matrix with a single row
    (column) has no pairs and a zero penalty (Keras divides by zero there).

    >>> import gradtape as gt
    >>> reg = gt.regularizers.OrthogonalRegularizer(factor=1.0)
    >>> float(reg(gt.constant([[1.0, 0.0], [0.0, 2.0]])))
    0.0
    >>> round(float(reg(gt.constant([[1.0, 1.0], [2.0, 2.0]]))), 4)
    1.0
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows"):
        self.factor = validate_float_arg(factor, "factor", "OrthogonalRegularizer")
        if mode not in ("rows", "columns"):
            raise ValueError(f"OrthogonalRegularizer: mode must be 'rows' or 'columns', got mode={mode!r}")
        self.mode = mode

    def __call__(self, x: Any) -> Tensor:
        x = _tensor(x)
        if x.ndim != 2:
            raise ValueError(f"OrthogonalRegularizer: inputs must have rank 2, got shape "
                             f"{tuple(x.shape)}; reshape the weight to a matrix first")
        axis = 1 if self.mode == "rows" else 0
        # x / max(norm, eps), written so the gradient stays finite for a zero row
        sq = gt.reduce_sum(gt.square(x), axis=axis, keepdims=True)
        unit = x * gt.math.rsqrt(gt.maximum(sq, _EPSILON * _EPSILON))
        if self.mode == "rows":
            product = gt.matmul(unit, unit, transpose_b=True)
        else:
            product = gt.matmul(unit, unit, transpose_a=True)
        n = int(product.shape[0])
        if n < 2:
            return gt.zeros((), dtype=x.dtype)
        off_diagonal = product * (1.0 - gt.eye(n, dtype=x.dtype))
        pairs = n * (n - 1) / 2.0
        return (self.factor * 0.5 / pairs) * gt.reduce_sum(gt.abs(off_diagonal))

    def get_config(self) -> dict:
        return {"factor": self.factor, "mode": self.mode}


# Keras's lowercase aliases (the classes themselves, as in Keras 3).
l1, l2, l1_l2, orthogonal_regularizer = L1, L2, L1L2, OrthogonalRegularizer


def _snake(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


_CLASSES = (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)
_BY_NAME: dict[str, type] = {c.__name__: c for c in _CLASSES}
_BY_NAME.update({_snake(c.__name__): c for c in _CLASSES})
_BY_NAME.update({"l1l2": L1L2, "l1": L1, "l2": L2})


def serialize(regularizer: Regularizer) -> dict:
    """``{"class_name": ..., "config": ...}``, which :func:`get` and :func:`deserialize` accept.

    >>> import gradtape as gt
    >>> gt.regularizers.serialize(gt.regularizers.L1(0.5))
    {'class_name': 'L1', 'config': {'l1': 0.5}}
    """
    return _identifiers.serialize(regularizer, Regularizer, "gt.regularizers.Regularizer")


def deserialize(config: dict, custom_objects: dict | None = None) -> Regularizer:
    """A regularizer from :func:`serialize`'s dict (``custom_objects`` maps extra class names).

    >>> import gradtape as gt
    >>> gt.regularizers.deserialize({"class_name": "L2", "config": {"l2": 0.5}})
    L2(l2=0.5)
    """
    return _identifiers.deserialize(config, _BY_NAME, "regularizer", custom_objects)


def get(identifier: Any) -> Regularizer | Callable | None:
    """A regularizer from None, a name (``"l1"``, ``"l2"``, ``"l1_l2"``, ``"orthogonal_regularizer"``,
    or a class name), a :func:`serialize` dict, a class, an instance or any callable.

    >>> import gradtape as gt
    >>> gt.regularizers.get("l2")
    L2(l2=0.01)
    >>> gt.regularizers.get("l1_l2")
    L1L2(l1=0.01, l2=0.01)
    >>> gt.regularizers.get(None) is None
    True
    """
    # "l1_l2" gives tf.keras's l1_l2() defaults, as Keras documents for the string
    return _identifiers.get(identifier, Regularizer, _BY_NAME, "regularizer", "l2",
                            special={"l1_l2": lambda: L1L2(l1=0.01, l2=0.01)})
