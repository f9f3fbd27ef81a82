"""Probabilistic metrics: cross-entropies, KL divergence and Poisson.

The functions return one float32 value per example, with Keras's numerics: probabilities are
clipped to ``[1e-7, 1 - 1e-7]`` before logarithms; the classes average them over every sample
seen, with optional ``sample_weight``.

>>> import gradtape as gt
>>> m = gt.metrics.SparseCategoricalCrossentropy(from_logits=True)
>>> round(float(m([1, 0], [[0.0, 0.0], [0.0, 0.0]])), 4)
0.6931
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.tensor import Tensor, wrap
from .._loss_masks import apply_mask
from .base import EPSILON, _f32, _KerasWrapper, _np, _same_rank

__all__ = ["BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
           "KLDivergence", "Poisson", "binary_crossentropy", "categorical_crossentropy",
           "sparse_categorical_crossentropy", "kl_divergence", "poisson", "binary_focal_crossentropy",
           "categorical_focal_crossentropy"]


def _out(values: np.ndarray, like: np.ndarray) -> Tensor:
    return wrap(np.asarray(values, dtype=like.dtype))


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    return np.squeeze(m, axis) + np.log(np.sum(np.exp(x - m), axis=axis))


def binary_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0,
                        axis: int = -1) -> Tensor:
    """Mean over ``axis`` of ``-(y log p + (1 - y) log(1 - p))``; labels are smoothed towards 0.5
    by ``label_smoothing``. A ``(batch,)`` label lines up with ``(batch, 1)`` predictions.

    >>> import gradtape as gt
    >>> gt.metrics.binary_crossentropy([[1.0, 0.0]], [[0.5, 0.5]]).numpy().round(4)
    array([0.6931], dtype=float32)
    """
    p = _f32(y_pred)
    t, p = _same_rank(_np(y_true).astype(p.dtype), p)
    if t.shape != p.shape:
        raise ValueError(f"binary_crossentropy: y_true of shape {t.shape} and y_pred of shape {p.shape} "
                         "must have the same shape")
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        bce = np.maximum(p, 0) - p * t + np.log1p(np.exp(-np.abs(p)))
    else:
        q = np.clip(p, EPSILON, 1.0 - EPSILON).astype(p.dtype)
        bce = -(t * np.log(q) + (1 - t) * np.log(1 - q))
    return _out(np.mean(bce, axis=axis), p)


def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0,
                             axis: int = -1) -> Tensor:
    """``-sum(y * log(p), axis)`` for one-hot (or soft) labels; probabilities are first
    rescaled to sum to 1 along ``axis``. Labels are smoothed by ``label_smoothing``.

    >>> import gradtape as gt
    >>> gt.metrics.categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]]).numpy().round(4)
    array([0.6931], dtype=float32)
    """
    p = _f32(y_pred)
    t = _np(y_true).astype(p.dtype)
    if t.shape != p.shape:
        raise ValueError(f"categorical_crossentropy: y_true of shape {t.shape} and y_pred of shape "
                         f"{p.shape} must have the same shape")
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + label_smoothing / t.shape[axis]
    if from_logits:
        logp = p - np.expand_dims(_logsumexp(p, axis), axis)
    else:
        q = p / np.sum(p, axis=axis, keepdims=True)
        logp = np.log(np.clip(q, EPSILON, 1.0 - EPSILON).astype(p.dtype))
    return _out(-np.sum(t * logp, axis=axis), p)


def binary_focal_crossentropy(y_true: Any, y_pred: Any, apply_class_balancing: bool = False, alpha: float = 0.25,
                              gamma: float = 2.0, from_logits: bool = False, label_smoothing: float = 0.0,
                              axis: int = -1) -> Tensor:
    """:func:`binary_crossentropy` scaled by ``(1 - p_t)**gamma`` (``p_t`` the probability of the
    true label), and with ``apply_class_balancing`` by ``alpha`` for positives, ``1 - alpha`` for
    negatives; the mean over ``axis``.

    >>> import gradtape as gt
    >>> gt.metrics.binary_focal_crossentropy([[1.0, 0.0]], [[0.5, 0.5]]).numpy().round(4)
    array([0.1733], dtype=float32)
    """
    p = _f32(y_pred)
    t, p = _same_rank(_np(y_true).astype(p.dtype), p)
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        p = (1.0 / (1.0 + np.exp(-p))).astype(p.dtype)
    q = np.clip(p, EPSILON, 1.0 - EPSILON).astype(p.dtype)
    bce = -(t * np.log(q) + (1 - t) * np.log(1 - q))
    p_t = t * p + (1 - t) * (1 - p)
    focal = np.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal = (t * alpha + (1 - t) * (1 - alpha)) * focal
    return _out(np.mean(focal, axis=axis), p)


def categorical_focal_crossentropy(y_true: Any, y_pred: Any, alpha: float = 0.25, gamma: float = 2.0,
                                   from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1) -> Tensor:
    """``sum(alpha * (1 - p)**gamma * -y log(p), axis)``: :func:`categorical_crossentropy` with
    each class's term down-weighted where it is already well predicted.

    >>> import gradtape as gt
    >>> gt.metrics.categorical_focal_crossentropy([[0.0, 1.0]], [[0.5, 0.5]]).numpy().round(4)
    array([0.0433], dtype=float32)
    """
    p = _f32(y_pred)
    t = _np(y_true).astype(p.dtype)
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + label_smoothing / t.shape[-1]
    if from_logits:
        p = np.exp(p - np.expand_dims(_logsumexp(p, axis), axis)).astype(p.dtype)
    q = np.clip(p / np.sum(p, axis=axis, keepdims=True), EPSILON, 1.0 - EPSILON).astype(p.dtype)
    return _out(np.sum(np.power(1.0 - q, gamma) * alpha * (-t * np.log(q)), axis=axis), p)


def _scce(y_true: Any, y_pred: Any, from_logits: bool, ignore_class: int | None, axis: int):
    """Sparse cross-entropy values and the mask of labels not equal to ``ignore_class``."""
    p = _f32(y_pred)
    t = _np(y_true)
    if axis not in (-1, p.ndim - 1):
        raise ValueError(f"sparse_categorical_crossentropy: only axis=-1 is supported, got {axis}")
    if t.ndim == p.ndim and t.shape[-1] == 1:
        t = t.reshape(t.shape[:-1])
    if t.shape != p.shape[:-1]:
        raise ValueError(f"sparse_categorical_crossentropy: labels of shape {t.shape} do not match "
                         f"predictions of shape {p.shape}")
    valid = None
    if ignore_class is not None:
        valid = t != ignore_class
        t = np.where(valid, t, 0)
        p = np.where(valid[..., None], p, p.dtype.type(0))
    t = t.astype(np.int64)
    if np.any((t < 0) | (t >= p.shape[-1])):
        raise ValueError(f"sparse_categorical_crossentropy: labels must be in [0, {p.shape[-1]}), got "
                         f"{np.unique(t[(t < 0) | (t >= p.shape[-1])]).tolist()}")
    logits = p if from_logits else np.log(np.clip(p, EPSILON, 1.0 - EPSILON).astype(p.dtype))
    picked = np.take_along_axis(logits, t[..., None], axis=-1)[..., 0]
    res = (_logsumexp(logits, -1) - picked).astype(p.dtype)
    if valid is not None:
        res = np.where(valid, res, p.dtype.type(0))
    return res, valid


def sparse_categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, ignore_class: int | None = None,
                                    axis: int = -1) -> Tensor:
    """``-log softmax(log p)[label]`` (``-log p[label]`` for normalised probabilities) for integer
    labels of shape ``(batch,)`` or ``(batch, 1)``; labels equal to ``ignore_class`` give 0.

    >>> import gradtape as gt
    >>> gt.metrics.sparse_categorical_crossentropy([1], [[0.5, 0.5]]).numpy().round(4)
    array([0.6931], dtype=float32)
    """
    res, _ = _scce(y_true, y_pred, from_logits, ignore_class, axis)
    return wrap(res)


def kl_divergence(y_true: Any, y_pred: Any) -> Tensor:
    """``sum(y * log(y / p), axis=-1)`` with both clipped to ``[1e-7, 1]``.

    >>> import gradtape as gt
    >>> gt.metrics.kl_divergence([[0.5, 0.5]], [[0.25, 0.75]]).numpy().round(4)
    array([0.1438], dtype=float32)
    """
    p = _f32(y_pred)
    t = np.clip(_np(y_true).astype(p.dtype), EPSILON, 1).astype(p.dtype)
    p = np.clip(p, EPSILON, 1).astype(p.dtype)
    return _out(np.sum(t * np.log(t / p), axis=-1), p)


def poisson(y_true: Any, y_pred: Any) -> Tensor:
    """``mean(y_pred - y_true * log(y_pred + 1e-7), axis=-1)``.

    >>> import gradtape as gt
    >>> gt.metrics.poisson([[1.0, 0.0]], [[1.0, 2.0]]).numpy()
    array([1.5], dtype=float32)
    """
    p = _f32(y_pred)
    t = _np(y_true).astype(p.dtype)
    return _out(np.mean(p - t * np.log(p + p.dtype.type(EPSILON)), axis=-1), p)


class BinaryCrossentropy(_KerasWrapper):
    """The mean of :func:`binary_crossentropy` over every sample.

    >>> import gradtape as gt
    >>> m = gt.metrics.BinaryCrossentropy(from_logits=True)
    >>> round(float(m([[1.0], [0.0]], [[0.0], [0.0]])), 4)
    0.6931
    """

    _config_keys = ("from_logits", "label_smoothing")

    def __init__(self, name: str = "binary_crossentropy", dtype: Any = None, from_logits: bool = False,
                 label_smoothing: float = 0):
        super().__init__(binary_crossentropy, name=name, dtype=dtype, from_logits=bool(from_logits),
                         label_smoothing=label_smoothing)
        self.from_logits = bool(from_logits)
        self.label_smoothing = label_smoothing


class CategoricalCrossentropy(_KerasWrapper):
    """The mean of :func:`categorical_crossentropy` over every sample (one-hot labels).

    >>> import gradtape as gt
    >>> m = gt.metrics.CategoricalCrossentropy(from_logits=True)
    >>> round(float(m([[1.0, 0.0]], [[0.0, 0.0]])), 4)
    0.6931
    """

    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(self, name: str = "categorical_crossentropy", dtype: Any = None, from_logits: bool = False,
                 label_smoothing: float = 0, axis: int = -1):
        super().__init__(categorical_crossentropy, name=name, dtype=dtype, from_logits=bool(from_logits),
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits = bool(from_logits)
        self.label_smoothing = label_smoothing
        self.axis = axis


class SparseCategoricalCrossentropy(_KerasWrapper):
    """The mean of :func:`sparse_categorical_crossentropy` over every sample (integer labels).

    As in Keras, a label equal to ``ignore_class`` contributes a 0 that still counts as a
    sample when no ``sample_weight`` is given, and is left out (weight 0) when one is.

    >>> import gradtape as gt
    >>> m = gt.metrics.SparseCategoricalCrossentropy()
    >>> round(float(m([0, 1], [[0.5, 0.5], [0.5, 0.5]])), 4)
    0.6931
    """

    _config_keys = ("from_logits", "ignore_class", "axis")

    def __init__(self, name: str = "sparse_categorical_crossentropy", dtype: Any = None,
                 from_logits: bool = False, ignore_class: int | None = None, axis: int = -1):
        super().__init__(sparse_categorical_crossentropy, name=name, dtype=dtype, from_logits=bool(from_logits),
                         ignore_class=ignore_class, axis=axis)
        self.from_logits = bool(from_logits)
        self.ignore_class = ignore_class
        self.axis = axis

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add this batch's cross-entropies (a mask on ``y_pred`` weighs them, as Keras 3)."""
        mask = getattr(y_pred, "_keras_mask", None)
        values, valid = _scce(y_true, y_pred, self.from_logits, self.ignore_class, self.axis)
        if mask is not None:
            sample_weight = apply_mask(None if sample_weight is None else _np(sample_weight), mask,
                                       self.dtype, mean=False)
        if valid is not None and sample_weight is not None:
            mask, w = _same_rank(valid.astype(np.float64), _np(sample_weight).astype(np.float64))
            sample_weight = w * mask
        self._accumulate(values, sample_weight)


class KLDivergence(_KerasWrapper):
    """The mean of :func:`kl_divergence` over every sample.

    >>> import gradtape as gt
    >>> round(float(gt.metrics.KLDivergence()([[0.5, 0.5]], [[0.25, 0.75]])), 4)
    0.1438
    """

    def __init__(self, name: str = "kl_divergence", dtype: Any = None):
        super().__init__(kl_divergence, name=name, dtype=dtype)


class Poisson(_KerasWrapper):
    """The mean of :func:`poisson` over every sample.

    >>> import gradtape as gt
    >>> float(gt.metrics.Poisson()([[1.0], [0.0]], [[1.0], [2.0]]))
    1.5
    """

    def __init__(self, name: str = "poisson", dtype: Any = None):
        super().__init__(poisson, name=name, dtype=dtype)

