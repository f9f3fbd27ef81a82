"""Correlation metrics: Pearson's and Lin's concordance correlation along an axis.

>>> import gradtape as gt
>>> gt.metrics.pearson_correlation([[1.0, 2.0, 3.0]], [[2.0, 4.0, 7.0]]).numpy().round(4)
array([0.9934], dtype=float32)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.tensor import Tensor, wrap
from .base import EPSILON, _f32, _KerasWrapper, _np, _same_rank

__all__ = ["PearsonCorrelation", "ConcordanceCorrelation", "pearson_correlation", "concordance_correlation"]


def _prep(y_true: Any, y_pred: Any):
    p = _f32(y_pred)
    return _same_rank(_np(y_true).astype(p.dtype), p)


def pearson_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> Tensor:
    """Pearson's correlation coefficient of ``y_true`` and ``y_pred`` along ``axis``.

    >>> import gradtape as gt
    >>> gt.metrics.pearson_correlation([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]],
    ...                                [[3.0, 2.0, 1.0], [2.0, 4.0, 6.0]]).numpy().round(4)
    array([-1.,  1.], dtype=float32)
    """
    t, p = _prep(y_true, y_pred)
    tn = t - np.mean(t, axis=axis, keepdims=True)
    pn = p - np.mean(p, axis=axis, keepdims=True)
    tn = tn / np.std(tn, axis=axis, keepdims=True)
    pn = pn / np.std(pn, axis=axis, keepdims=True)
    return wrap(np.asarray(np.mean(tn * pn, axis=axis), dtype=p.dtype))


def concordance_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> Tensor:
    """Lin's concordance correlation along ``axis``, computed as Keras 3 does:
    ``mean(2 (y_true - mean(y_pred)) (y_pred - mean(y_pred)) / (var(y_true) + var(y_pred)
    + (mean(y_true) - mean(y_pred))**2 + 1e-7))``.

    >>> import gradtape as gt
    >>> gt.metrics.concordance_correlation([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]]).numpy().round(4)
    array([1.], dtype=float32)
    """
    t, p = _prep(y_true, y_pred)
    tm = np.mean(t, axis=axis, keepdims=True)
    pm = np.mean(p, axis=axis, keepdims=True)
    norm = np.var(t - tm, axis=axis, keepdims=True) + np.var(p - pm, axis=axis, keepdims=True) + np.square(tm - pm)
    value = np.mean(2 * (t - pm) * (p - pm) / (norm + p.dtype.type(EPSILON)), axis=axis)
    return wrap(np.asarray(value, dtype=p.dtype))


class PearsonCorrelation(_KerasWrapper):
    """The mean of :func:`pearson_correlation` over every sample.

    >>> import gradtape as gt
    >>> m = gt.metrics.PearsonCorrelation()
    >>> round(float(m([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]], [[3.0, 2.0, 1.0], [2.0, 4.0, 7.0]])), 4)
    -0.0033
    """

    _config_keys = ("axis",)

    def __init__(self, name: str = "pearson_correlation", dtype: Any = None, axis: int = -1):
        super().__init__(pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class ConcordanceCorrelation(_KerasWrapper):
    """The mean of :func:`concordance_correlation` over every sample.

    >>> import gradtape as gt
    >>> m = gt.metrics.ConcordanceCorrelation()
    >>> round(float(m([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]])), 4)
    1.0
    """

    _config_keys = ("axis",)

    def __init__(self, name: str = "concordance_correlation", dtype: Any = None, axis: int = -1):
        super().__init__(concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
