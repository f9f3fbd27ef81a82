"""Accuracy metrics: exact match, binary, categorical, sparse categorical and top-k.

The functions return one float32 value per example (1.0 for a hit); the classes average them
over every sample seen, with optional ``sample_weight``.

>>> import gradtape as gt
>>> gt.metrics.top_k_categorical_accuracy([[0, 0, 1]], [[0.5, 0.3, 0.2]], k=2).numpy()
array([0.], dtype=float32)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.tensor import Tensor, wrap
from .base import _KerasWrapper, _np, _same_rank

__all__ = ["Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
           "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "accuracy", "binary_accuracy",
           "categorical_accuracy", "sparse_categorical_accuracy", "top_k_categorical_accuracy",
           "sparse_top_k_categorical_accuracy"]


def accuracy(y_true: Any, y_pred: Any) -> Tensor:
    """1.0 where ``y_true == y_pred``, else 0.0 (float32, elementwise).

    >>> import gradtape as gt
    >>> gt.metrics.accuracy([1, 2], [1, 3]).numpy()
    array([1., 0.], dtype=float32)
    """
    t, p = _same_rank(_np(y_true), _np(y_pred))
    return wrap((t == p).astype(np.float32))


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> Tensor:
    """1.0 where ``(y_pred > threshold) == y_true``, else 0.0 (float32, elementwise, as Keras 3;
    :class:`BinaryAccuracy` averages each sample's values).

    >>> import gradtape as gt
    >>> gt.metrics.binary_accuracy([[1.0, 0.0]], [[0.7, 0.6]]).numpy()
    array([[1., 0.]], dtype=float32)
    """
    t, p = _same_rank(_np(y_true), _np(y_pred))
    return wrap(((p > threshold).astype(np.float32) == t.astype(np.float32)).astype(np.float32))


def categorical_accuracy(y_true: Any, y_pred: Any) -> Tensor:
    """1.0 where ``argmax(y_true) == argmax(y_pred)`` on the last axis.

    >>> import gradtape as gt
    >>> gt.metrics.categorical_accuracy([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]]).numpy()
    array([1., 0.], dtype=float32)
    """
    t, p = _np(y_true), _np(y_pred)
    return wrap((np.argmax(t, axis=-1) == np.argmax(p, axis=-1)).astype(np.float32))


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> Tensor:
    """1.0 where the integer label equals ``argmax(y_pred)`` on the last axis.

    Labels of shape ``(batch,)`` or ``(batch, 1)`` are accepted.

    >>> import gradtape as gt
    >>> gt.metrics.sparse_categorical_accuracy([1, 0], [[0.2, 0.8], [0.3, 0.7]]).numpy()
    array([1., 0.], dtype=float32)
    """
    t, p = _np(y_true), _np(y_pred)
    want = p.shape[:-1]
    if t.shape != want and t.size == int(np.prod(want)):
        t = t.reshape(want)
    if t.shape != want:
        raise ValueError(f"sparse_categorical_accuracy: labels of shape {t.shape} do not match "
                         f"predictions of shape {p.shape}")
    return wrap((np.argmax(p, axis=-1) == t.astype(np.int64)).astype(np.float32))


def _in_top_k(targets: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
    """TensorFlow's ``in_top_k``: the target's score is among the ``k`` largest of its row, ties
    at the boundary counting as in; an out-of-range target or a non-finite score is a miss."""
    n, c = scores.shape
    valid = (targets >= 0) & (targets < c)
    safe = np.where(valid, targets, 0).astype(np.int64)
    target_score = scores[np.arange(n), safe]
    larger = np.sum(scores > target_score[:, None], axis=-1)
    finite = np.all(np.isfinite(scores), axis=-1)
    return valid & finite & (larger < k)


def _top_k_matches(labels: np.ndarray, scores: np.ndarray, k: int, from_sorted_ids: bool = False) -> Tensor:
    shape = labels.shape
    if scores.ndim > 2:
        scores = scores.reshape(-1, scores.shape[-1])
    labels = labels.reshape(-1) if labels.ndim > 1 else labels
    if scores.ndim == 1:
        scores = scores[None, :]
    if from_sorted_ids:
        hits = np.any(labels[:, None] == scores[:, :k], axis=1)
    else:
        hits = _in_top_k(labels.astype(np.int64), scores, int(k))
    return wrap(hits.astype(np.float32).reshape(shape))


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> Tensor:
    """1.0 where the one-hot label's class is among the ``k`` highest scores (ties at the
    boundary count as hits, as TensorFlow's ``in_top_k``).

    >>> import gradtape as gt
    >>> gt.metrics.top_k_categorical_accuracy([[0, 1, 0], [1, 0, 0]],
    ...                                       [[0.1, 0.5, 0.4], [0.1, 0.5, 0.4]], k=2).numpy()
    array([1., 0.], dtype=float32)
    """
    p = _np(y_pred).astype(np.float32) if _np(y_pred).dtype.kind != "f" else _np(y_pred)
    return _top_k_matches(np.argmax(_np(y_true), axis=-1), p, k)


def sparse_top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5, from_sorted_ids: bool = False) -> Tensor:
    """1.0 where the integer label is among the ``k`` highest scores; with
    ``from_sorted_ids=True``, ``y_pred`` holds class ids sorted by score and the label must be
    among its first ``k`` columns.

    >>> import gradtape as gt
    >>> gt.metrics.sparse_top_k_categorical_accuracy([1, 0], [[0.1, 0.5, 0.4], [0.1, 0.5, 0.4]],
    ...                                              k=2).numpy()
    array([1., 0.], dtype=float32)
    """
    p = _np(y_pred)
    if p.dtype.kind not in "fi":
        p = p.astype(np.float32)
    t = _np(y_true)
    t = t.astype(p.dtype) if from_sorted_ids else t.astype(np.int64)
    return _top_k_matches(t, p, k, from_sorted_ids=from_sorted_ids)


class Accuracy(_KerasWrapper):
    """How often ``y_pred`` equals ``y_true`` exactly (for class ids, not scores).

    >>> import gradtape as gt
    >>> m = gt.metrics.Accuracy()
    >>> float(m([1, 2, 3, 4], [0, 2, 3, 4]))
    0.75
    """

    def __init__(self, name: str = "accuracy", dtype: Any = None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(_KerasWrapper):
    """How often ``y_pred > threshold`` matches the 0/1 label.

    >>> import gradtape as gt
    >>> float(gt.metrics.BinaryAccuracy()([[1.0], [0.0]], [[0.9], [0.7]]))
    0.5
    """

    _config_keys = ("threshold",)

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=float(threshold))
        self.threshold = float(threshold)


class CategoricalAccuracy(_KerasWrapper):
    """How often the predicted class (argmax) equals the one-hot label's class.

    >>> import gradtape as gt
    >>> float(gt.metrics.CategoricalAccuracy()([[0, 1]], [[0.3, 0.7]]))
    1.0
    """

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(_KerasWrapper):
    """How often the predicted class (argmax of the scores) equals the integer label.

    >>> import gradtape as gt
    >>> m = gt.metrics.SparseCategoricalAccuracy()
    >>> float(m([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]]))
    0.5
    """

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(_KerasWrapper):
    """How often the one-hot label's class is among the ``k`` highest scores.

    >>> import gradtape as gt
    >>> m = gt.metrics.TopKCategoricalAccuracy(k=1)
    >>> float(m([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]]))
    0.5
    """

    _config_keys = ("k",)

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=int(k))
        self.k = int(k)


class SparseTopKCategoricalAccuracy(_KerasWrapper):
    """How often the integer label is among the ``k`` highest scores (or, with
    ``from_sorted_ids=True``, among the first ``k`` ids of ``y_pred``).

    >>> import gradtape as gt
    >>> m = gt.metrics.SparseTopKCategoricalAccuracy(k=1)
    >>> float(m([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]]))
    0.5
    """

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype: Any = None,
                 from_sorted_ids: bool = False):
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=int(k),
                         from_sorted_ids=bool(from_sorted_ids))
        self.k = int(k)
        self.from_sorted_ids = bool(from_sorted_ids)

    def get_config(self) -> dict:
        cfg = {**super().get_config(), "k": self.k}
        if self.from_sorted_ids:
            cfg["from_sorted_ids"] = True
        return cfg
