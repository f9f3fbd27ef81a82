"""F-scores: ``FBetaScore`` and ``F1Score`` for ``(batch, classes)`` one-hot or multi-label data.

>>> import gradtape as gt
>>> m = gt.metrics.F1Score(average="micro", threshold=0.5)
>>> round(float(m([[1, 0], [0, 1]], [[0.7, 0.2], [0.6, 0.1]])), 4)
0.5
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.tensor import Tensor
from .base import EPSILON, Metric, _np, _result

__all__ = ["FBetaScore", "F1Score"]


class FBetaScore(Metric):
    """``(1 + beta**2) * P * R / (beta**2 * P + R)`` per class, from weighted counts.

    A score is a positive prediction when it is ``> threshold``; without ``threshold``, each
    row's largest (non-zero) score is the one positive. ``average`` is ``None`` (one score per
    class), ``"micro"`` (pooled counts), ``"macro"`` (mean over classes) or ``"weighted"``
    (mean weighted by each class's number of true labels).

    >>> import gradtape as gt
    >>> m = gt.metrics.FBetaScore(beta=2.0)
    >>> m([[1, 0], [0, 1]], [[0.7, 0.2], [0.6, 0.1]]).numpy().round(4)
    array([0.8333, 0.    ], dtype=float32)
    """

    def __init__(self, average: str | None = None, beta: float = 1.0, threshold: float | None = None,
                 name: str = "fbeta_score", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError("Invalid `average` argument value. Expected one of: {None, 'micro', 'macro', "
                             f"'weighted'}}. Received: average={average}")
        if beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}")
        if threshold is not None and (threshold > 1.0 or threshold <= 0.0):
            raise ValueError("Invalid `threshold` argument value. It should verify 0 < threshold <= 1. "
                             f"Received: threshold={threshold}")
        self.average = average
        self.beta = float(beta)
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, n: int) -> None:
        shape = () if self.average == "micro" else (n,)
        self.true_positives = self.add_weight("true_positives", shape=shape)
        self.false_positives = self.add_weight("false_positives", shape=shape)
        self.false_negatives = self.add_weight("false_negatives", shape=shape)
        self.intermediate_weights = self.add_weight("intermediate_weights", shape=shape)
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add this ``(batch, classes)`` batch's weighted counts."""
        t, p = _np(y_true).astype(np.float32), _np(y_pred).astype(np.float32)
        if t.ndim != 2 or p.ndim != 2:
            raise ValueError(f"FBetaScore expects 2D inputs with shape (batch_size, output_dim). Received input "
                             f"shapes: y_pred.shape={p.shape} and y_true.shape={t.shape}.")
        if not self._built:
            self._build(p.shape[-1])
        if self.threshold is None:
            pred = (p >= np.max(p, axis=-1, keepdims=True)) & (np.abs(p) > 1e-9)
        else:
            pred = p > self.threshold
        pred = pred.astype(np.float64)
        t = t.astype(np.float64)
        w = None if sample_weight is None else _np(sample_weight).astype(np.float64)[:, None]

        def total(v):
            return np.sum(v if w is None else v * w, axis=self.axis)

        self.true_positives.assign_add(total(pred * t))
        self.false_positives.assign_add(total(pred * (1 - t)))
        self.false_negatives.assign_add(total((1 - pred) * t))
        self.intermediate_weights.assign_add(total(t))

    def result(self) -> Tensor:
        if not self._built:
            return _result(0.0, self.dtype)
        tp, fp, fn = self.true_positives.numpy(), self.false_positives.numpy(), self.false_negatives.numpy()
        precision = tp / (tp + fp + EPSILON)
        recall = tp / (tp + fn + EPSILON)
        b2 = self.beta ** 2
        f = precision * recall / (b2 * precision + recall + EPSILON) * (1 + b2)
        if self.average == "weighted":
            iw = self.intermediate_weights.numpy()
            f = np.sum(f * iw / (np.sum(iw) + EPSILON))
        elif self.average is not None:
            f = np.mean(f)
        return _result(f, self.dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """:class:`FBetaScore` with ``beta=1``: the harmonic mean of precision and recall.

    >>> import gradtape as gt
    >>> m = gt.metrics.F1Score(average="macro")
    >>> round(float(m([[1, 0], [0, 1]], [[0.7, 0.2], [0.6, 0.1]])), 4)
    0.3333
    """

    def __init__(self, average: str | None = None, threshold: float | None = None, name: str = "f1_score",
                 dtype: Any = None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> dict:
        cfg = super().get_config()
        del cfg["beta"]
        return cfg
