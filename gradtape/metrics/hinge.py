"""Hinge metrics: hinge, squared hinge and categorical hinge.

For :func:`hinge` and :func:`squared_hinge`, 0/1 labels are mapped to -1/1 when every label
of the batch is 0 or 1 (as Keras); other labels are used as given.

>>> import gradtape as gt
>>> gt.metrics.hinge([[0.0, 1.0]], [[-0.5, 0.5]]).numpy()
array([0.5], dtype=float32)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.tensor import Tensor, wrap
from .base import _f32, _KerasWrapper, _np

__all__ = ["Hinge", "SquaredHinge", "CategoricalHinge", "hinge", "squared_hinge", "categorical_hinge"]


def _margins(y_true: Any, y_pred: Any):
    p = _f32(y_pred)
    t = _np(y_true).astype(p.dtype)
    if np.all((t == 0) | (t == 1)):
        t = 2 * t - 1
    return np.maximum(1 - t * p, 0), p


def hinge(y_true: Any, y_pred: Any) -> Tensor:
    """``mean(max(1 - y_true * y_pred, 0), axis=-1)`` for -1/1 (or 0/1) labels.

    >>> import gradtape as gt
    >>> gt.metrics.hinge([[1.0, -1.0]], [[0.5, -2.0]]).numpy()
    array([0.25], dtype=float32)
    """
    m, p = _margins(y_true, y_pred)
    return wrap(np.asarray(np.mean(m, axis=-1), dtype=p.dtype))


def squared_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """``mean(max(1 - y_true * y_pred, 0)**2, axis=-1)`` for -1/1 (or 0/1) labels.

    >>> import gradtape as gt
    >>> gt.metrics.squared_hinge([[1.0, -1.0]], [[0.5, -2.0]]).numpy()
    array([0.125], dtype=float32)
    """
    m, p = _margins(y_true, y_pred)
    return wrap(np.asarray(np.mean(np.square(m), axis=-1), dtype=p.dtype))


def categorical_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """``max(max((1 - y) * p) - sum(y * p) + 1, 0)`` for one-hot labels ``y``.

    >>> import gradtape as gt
    >>> gt.metrics.categorical_hinge([[0.0, 1.0]], [[0.3, 0.8]]).numpy()
    array([0.5], dtype=float32)
    """
    p = _f32(y_pred)
    t = _np(y_true).astype(p.dtype)
    pos = np.sum(t * p, axis=-1)
    neg = np.max((1 - t) * p, axis=-1)
    return wrap(np.asarray(np.maximum(neg - pos + 1, 0), dtype=p.dtype))


class Hinge(_KerasWrapper):
    """The mean of :func:`hinge` over every sample.

    >>> import gradtape as gt
    >>> float(gt.metrics.Hinge()([[1.0], [-1.0]], [[0.5], [0.5]]))
    1.0
    """

    def __init__(self, name: str = "hinge", dtype: Any = None):
        super().__init__(hinge, name=name, dtype=dtype)


class SquaredHinge(_KerasWrapper):
    """The mean of :func:`squared_hinge` over every sample.

    >>> import gradtape as gt
    >>> float(gt.metrics.SquaredHinge()([[1.0], [-1.0]], [[0.5], [0.5]]))
    1.25
    """

    def __init__(self, name: str = "squared_hinge", dtype: Any = None):
        super().__init__(squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(_KerasWrapper):
    """The mean of :func:`categorical_hinge` over every sample.

    >>> import gradtape as gt
    >>> float(gt.metrics.CategoricalHinge()([[0.0, 1.0], [1.0, 0.0]], [[0.3, 0.8], [0.3, 0.8]]))
    1.0
    """

    def __init__(self, name: str = "categorical_hinge", dtype: Any = None):
        super().__init__(categorical_hinge, name=name, dtype=dtype)
