"""Regression metrics: squared, absolute, percentage, logarithmic and log-cosh errors, cosine
similarity and R².

The functions return one float32 value per example (the mean over the last axis, as Keras);
the classes average them over every sample seen, with optional ``sample_weight``.

>>> import gradtape as gt
>>> gt.metrics.mean_absolute_percentage_error([[2.0, 4.0]], [[1.0, 5.0]]).numpy()
array([37.5], dtype=float32)
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .._engine.tensor import Tensor, wrap
from .base import EPSILON, Mean, Metric, _f32, _KerasWrapper, _np, _result, _same_rank

__all__ = ["MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
           "MeanSquaredLogarithmicError", "RootMeanSquaredError", "CosineSimilarity", "LogCoshError",
           "R2Score", "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
           "mean_squared_logarithmic_error", "log_cosh", "huber", "cosine_similarity"]


def _prep(y_true: Any, y_pred: Any):
    """Keras's preamble: labels cast to the predictions' float dtype, ranks lined up."""
    p = _f32(y_pred)
    return _same_rank(_np(y_true).astype(p.dtype), p)


def _out(values: np.ndarray, like: np.ndarray) -> Tensor:
    return wrap(np.asarray(values, dtype=like.dtype))


def mean_squared_error(y_true: Any, y_pred: Any) -> Tensor:
    """``mean((y_true - y_pred)**2, axis=-1)``.

    >>> import gradtape as gt
    >>> gt.metrics.mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]]).numpy()
    array([0.5], dtype=float32)
    """
    t, p = _prep(y_true, y_pred)
    return _out(np.mean(np.square(t - p), axis=-1), p)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Tensor:
    """``mean(|y_true - y_pred|, axis=-1)``.

    >>> import gradtape as gt
    >>> gt.metrics.mean_absolute_error([[0.0, 1.0]], [[2.0, 1.0]]).numpy()
    array([1.], dtype=float32)
    """
    t, p = _prep(y_true, y_pred)
    return _out(np.mean(np.abs(t - p), axis=-1), p)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Tensor:
    """``100 * mean(|(y_true - y_pred) / max(|y_true|, 1e-7)|, axis=-1)``.

    >>> import gradtape as gt
    >>> gt.metrics.mean_absolute_percentage_error([[1.0, 2.0]], [[1.5, 2.0]]).numpy()
    array([25.], dtype=float32)
    """
    t, p = _prep(y_true, y_pred)
    diff = np.abs((t - p) / np.maximum(np.abs(t), p.dtype.type(EPSILON)))
    return _out(p.dtype.type(100.0) * np.mean(diff, axis=-1), p)


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Tensor:
    """``mean((log(max(y_pred, 1e-7) + 1) - log(max(y_true, 1e-7) + 1))**2, axis=-1)``.

    >>> import gradtape as gt
    >>> round(float(gt.metrics.mean_squared_logarithmic_error([[0.0]], [[1.0]])[0]), 4)
    0.4805
    """
    t, p = _prep(y_true, y_pred)
    eps = p.dtype.type(EPSILON)
    d = np.log(np.maximum(p, eps) + 1) - np.log(np.maximum(t, eps) + 1)
    return _out(np.mean(np.square(d), axis=-1), p)


def log_cosh(y_true: Any, y_pred: Any) -> Tensor:
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed without overflow.

    >>> import gradtape as gt
    >>> round(float(gt.metrics.log_cosh([[0.0]], [[1.0]])[0]), 4)
    0.4338
    """
    t, p = _prep(y_true, y_pred)
    x = p - t
    return _out(np.mean(x + np.logaddexp(0, -2 * x) - np.log(p.dtype.type(2.0)), axis=-1), p)


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Tensor:
    """``mean(0.5 * e**2 if |e| <= delta else delta * |e| - 0.5 * delta**2, axis=-1)``.

    >>> import gradtape as gt
    >>> gt.metrics.huber([[0.0, 0.0]], [[0.5, 3.0]]).numpy()
    array([1.3125], dtype=float32)
    """
    t, p = _prep(y_true, y_pred)
    e = p - t
    a = np.abs(e)
    d = p.dtype.type(delta)
    return _out(np.mean(np.where(a <= d, 0.5 * np.square(e), d * a - 0.5 * d * d), axis=-1), p)


def _l2_normalize(x: np.ndarray, axis: int) -> np.ndarray:
    """Keras's ``normalize``: ``x * min(rsqrt(sum(x**2)), 1 / epsilon)``."""
    with np.errstate(divide="ignore"):
        inv = 1.0 / np.sqrt(np.sum(np.square(x), axis=axis, keepdims=True))
    return x * np.minimum(inv, x.dtype.type(1.0 / EPSILON))


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Tensor:
    """The cosine of the angle between ``y_true`` and ``y_pred`` along ``axis`` (1 for the same
    direction; a zero vector gives 0). Unlike ``gt.losses``'s, not negated.

    >>> import gradtape as gt
    >>> gt.metrics.cosine_similarity([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [2.0, 2.0]]).numpy().round(4)
    array([0., 1.], dtype=float32)
    """
    t, p = _prep(y_true, y_pred)
    return _out(np.sum(_l2_normalize(t, axis) * _l2_normalize(p, axis), axis=axis), p)


class MeanSquaredError(_KerasWrapper):
    """The mean of :func:`mean_squared_error` over every sample.

    >>> import gradtape as gt
    >>> float(gt.metrics.MeanSquaredError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]))
    0.5
    """

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None):
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(_KerasWrapper):
    """The mean of :func:`mean_absolute_error` over every sample.

    >>> import gradtape as gt
    >>> float(gt.metrics.MeanAbsoluteError()([[0.0], [0.0]], [[1.0], [-3.0]]))
    2.0
    """

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None):
        super().__init__(mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(_KerasWrapper):
    """The mean of :func:`mean_absolute_percentage_error` over every sample.

    >>> import gradtape as gt
    >>> float(gt.metrics.MeanAbsolutePercentageError()([[1.0], [2.0]], [[1.5], [2.0]]))
    25.0
    """

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None):
        super().__init__(mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_KerasWrapper):
    """The mean of :func:`mean_squared_logarithmic_error` over every sample.

    >>> import gradtape as gt
    >>> round(float(gt.metrics.MeanSquaredLogarithmicError()([[0.0], [1.0]], [[1.0], [1.0]])), 4)
    0.2402
    """

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None):
        super().__init__(mean_squared_logarithmic_error, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """The square root of the mean squared error over every element seen (weighted per sample).

    >>> import gradtape as gt
    >>> round(float(gt.metrics.RootMeanSquaredError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]])), 4)
    0.7071
    """

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add the squared errors of this batch."""
        t, p = _same_rank(_np(y_true).astype(np.float32), _np(y_pred).astype(np.float32))
        self._accumulate(np.square(p - t), sample_weight)

    def result(self) -> Tensor:
        return _result(np.sqrt(float(super().result().numpy())), self.dtype)


class CosineSimilarity(_KerasWrapper):
    """The mean of :func:`cosine_similarity` over every sample.

    >>> import gradtape as gt
    >>> round(float(gt.metrics.CosineSimilarity()([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [2.0, 2.0]])), 4)
    0.5
    """

    _config_keys = ("axis",)

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)


class LogCoshError(_KerasWrapper):
    """The mean of :func:`log_cosh` over every sample (named ``"logcosh"``, as in Keras).

    >>> import gradtape as gt
    >>> round(float(gt.metrics.LogCoshError()([[0.0], [0.0]], [[1.0], [-1.0]])), 4)
    0.4338
    """

    def __init__(self, name: str = "logcosh", dtype: Any = None):
        super().__init__(log_cosh, name=name, dtype=dtype)


class R2Score(Metric):
    """The coefficient of determination, ``1 - SS_res / SS_tot`` per output column of 2-D
    ``(batch, outputs)`` data, averaged with ``class_aggregation`` (``"uniform_average"``,
    ``"variance_weighted_average"`` or ``None`` for one score per column); ``num_regressors``
    adjusts it for the number of predictors.

    >>> import gradtape as gt
    >>> float(gt.metrics.R2Score()([[1.0], [2.0], [3.0]], [[1.0], [2.0], [4.0]]))
    0.5
    """

    def __init__(self, class_aggregation: str | None = "uniform_average", num_regressors: int = 0,
                 name: str = "r2_score", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in (None, "uniform_average", "variance_weighted_average"):
            raise ValueError("R2Score: class_aggregation must be None, 'uniform_average' or "
                             f"'variance_weighted_average', got {class_aggregation!r}")
        if num_regressors < 0:
            raise ValueError(f"R2Score: num_regressors must be >= 0, got {num_regressors}")
        self.class_aggregation = class_aggregation
        self.num_regressors = int(num_regressors)
        self.num_samples = self.add_weight("num_samples")
        self._built = False

    def _build(self, n: int) -> None:
        self.squared_sum = self.add_weight("squared_sum", shape=(n,))
        self.sum = self.add_weight("sum", shape=(n,))
        self.total_mse = self.add_weight("residual", shape=(n,))
        self.count_ = self.add_weight("count", shape=(n,))
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add the sums of this ``(batch, outputs)`` batch."""
        t, p = _same_rank(_np(y_true).astype(np.float64), _np(y_pred).astype(np.float64))
        if t.ndim != 2 or p.ndim != 2:
            raise ValueError(f"R2Score expects 2-D inputs of shape (batch_size, output_dim); got y_true "
                             f"{t.shape} and y_pred {p.shape}")
        if not self._built:
            self._build(p.shape[-1])
        w = np.asarray(1.0 if sample_weight is None else _np(sample_weight), dtype=np.float64)
        if w.ndim == 1:
            w = w[:, None]
        w = np.broadcast_to(w, t.shape)
        self.sum.assign_add(np.sum(t * w, axis=0))
        self.squared_sum.assign_add(np.sum(t * t * w, axis=0))
        self.total_mse.assign_add(np.sum((t - p) ** 2 * w, axis=0))
        self.count_.assign_add(np.sum(w, axis=0))
        self.num_samples.assign_add(np.float64(t.size))

    def result(self) -> Tensor:
        if not self._built:
            return _result(np.nan, self.dtype)
        s, c = self.sum.numpy(), self.count_.numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            total = self.squared_sum.numpy() - s * (s / c)
            raw = 1 - self.total_mse.numpy() / total
        raw = np.where(np.isinf(raw), 0.0, raw)
        if self.class_aggregation == "uniform_average":
            r2 = np.mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            r2 = np.sum(total * raw) / np.sum(total)
        else:
            r2 = raw
        n, k = float(self.num_samples.numpy()), self.num_regressors
        if k != 0:
            if k > n - 1:
                warnings.warn("More independent predictors than datapoints in adjusted R2 score. Falling back "
                              "to standard R2 score.", stacklevel=2)
            elif k == n - 1:
                warnings.warn("Division by zero in Adjusted R2 score. Falling back to standard R2 score.",
                              stacklevel=2)
            else:
                r2 = 1 - (1 - r2) * (n - 1) / (n - k - 1)
        return _result(r2, self.dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
