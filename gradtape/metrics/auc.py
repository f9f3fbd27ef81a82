"""``AUC``: the area under the ROC or precision-recall curve, from counts at fixed thresholds.

>>> import gradtape as gt
>>> m = gt.metrics.AUC(num_thresholds=3)
>>> float(m([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9]))
0.75
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .._engine.tensor import Tensor
from .base import EPSILON, Metric, _np, _result
from .confusion import _evenly_spaced, _update_confusion

__all__ = ["AUC"]

_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


def _div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a / b``, 0 where ``b`` is 0 (Keras's ``divide_no_nan``)."""
    a, b = np.broadcast_arrays(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))
    return np.divide(a, b, out=np.zeros(a.shape), where=b != 0)


class AUC(Metric):
    """The area under the ROC (``curve="ROC"``, the default) or precision-recall (``"PR"``)
    curve, approximated from the confusion counts at ``num_thresholds`` evenly spaced
    thresholds (or the given ``thresholds``, to which -1e-7 and 1 + 1e-7 are added).

    ``summation_method`` is ``"interpolation"`` (trapezoids for ROC; for PR, the interpolation
    of Davis & Goadrich 2006), ``"minoring"`` or ``"majoring"``. ``from_logits=True`` applies a
    sigmoid to the scores first. With ``multi_label=True``, ``(batch, labels)`` data gives one
    curve per label and the result is their mean (weighted by ``label_weights``); otherwise every
    element is one (label, score) pair, weighted by ``label_weights`` per column.

    >>> import gradtape as gt
    >>> m = gt.metrics.AUC(curve="PR", num_thresholds=3)
    >>> round(float(m([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9])), 4)
    0.8207
    """

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC", summation_method: str = "interpolation",
                 name: str | None = None, dtype: Any = None, thresholds: Sequence[float] | None = None,
                 multi_label: bool = False, num_labels: int | None = None, label_weights: Any = None,
                 from_logits: bool = False):
        key = curve.lower() if isinstance(curve, str) else curve
        if key not in _CURVES:
            raise ValueError(f'Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC", "PRGAIN"]')
        if summation_method not in _SUMMATIONS + ("Interpolation", "Majoring", "Minoring"):
            raise ValueError(f'Invalid AUC summation method value: "{summation_method}". Expected values are '
                             '["interpolation", "majoring", "minoring"]')
        super().__init__(name=name, dtype=dtype)
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            inner = sorted(float(t) for t in thresholds)
            self._evenly = _evenly_spaced(np.array([0.0] + inner + [1.0]))
        else:
            if num_thresholds <= 1:
                raise ValueError(f"Argument `num_thresholds` must be an integer > 1. Received: "
                                 f"num_thresholds={num_thresholds}")
            self.num_thresholds = int(num_thresholds)
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        self._thresholds = np.array([0.0 - EPSILON] + inner + [1.0 + EPSILON])
        self.curve = _CURVES[key]
        self.summation_method = summation_method.lower()
        self.multi_label = bool(multi_label)
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else np.asarray(label_weights, dtype=np.float32)
        self._from_logits = bool(from_logits)
        self._built = False
        if self.multi_label:
            if num_labels:
                self._build((None, num_labels))
        elif num_labels:
            raise ValueError("`num_labels` is needed only when `multi_label` is True.")
        else:
            self._build(None)

    @property
    def thresholds(self) -> list:
        """Every threshold, including the added ``-1e-7`` and ``1 + 1e-7``."""
        return list(self._thresholds)

    def _build(self, shape) -> None:
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(f"`y_pred` must have rank 2 when `multi_label=True`. Found rank {len(shape)}. "
                                 f"Full shape received for `y_pred`: {shape}")
            self._num_labels = int(shape[1])
            var_shape: tuple = (self.num_thresholds, self._num_labels)
        else:
            var_shape = (self.num_thresholds,)
        self.true_positives = self.add_weight("true_positives", shape=var_shape)
        self.false_positives = self.add_weight("false_positives", shape=var_shape)
        self.true_negatives = self.add_weight("true_negatives", shape=var_shape)
        self.false_negatives = self.add_weight("false_negatives", shape=var_shape)
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add this batch's (weighted) confusion counts at every threshold."""
        p = _np(y_pred).astype(np.float32)
        if not self._built:
            self._build(p.shape)
        if self._from_logits:
            p = (1.0 / (1.0 + np.exp(-p.astype(np.float64)))).astype(np.float32)
        _update_confusion({"tp": self.true_positives, "tn": self.true_negatives, "fp": self.false_positives,
                          "fn": self.false_negatives}, y_true, p, self._thresholds, sample_weight=sample_weight,
                         multi_label=self.multi_label, label_weights=None if self.multi_label else self.label_weights,
                         evenly=self._evenly)

    def _by_label(self, areas: np.ndarray) -> float:
        if not self.multi_label:
            return float(np.sum(areas))
        per_label = np.sum(areas, axis=0)
        if self.label_weights is None:
            return float(np.mean(per_label))
        lw = self.label_weights.astype(np.float64)
        return float(_div(np.sum(per_label * lw), np.sum(lw)))

    def _interpolate_pr_auc(self, tp, fp, fn) -> float:
        n = self.num_thresholds
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        slope = _div(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[: n - 1] > 0) & (p[1:] > 0)
        ratio = np.where(both, _div(p[: n - 1], np.maximum(p[1:], 0)), 1.0)
        with np.errstate(divide="ignore"):
            log_ratio = np.log(ratio)
        increment = _div(slope * (dtp + intercept * log_ratio), np.maximum(tp[1:] + fn[1:], 0))
        return self._by_label(increment)

    def result(self) -> Tensor:
        if not self._built:
            return _result(0.0, self.dtype)
        tp, fp = self.true_positives.numpy(), self.false_positives.numpy()
        tn, fn = self.true_negatives.numpy(), self.false_negatives.numpy()
        n = self.num_thresholds
        if self.curve == "PR" and self.summation_method == "interpolation":
            return _result(self._interpolate_pr_auc(tp, fp, fn), self.dtype)
        recall = _div(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _div(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, _div(tp, tp + fp)
        else:
            scale = _div(tp + fn, tn + fp)
            recall_gain = np.where(tp == 0, 0.0, 1.0 - scale * _div(fn, tp))
            precision_gain = np.where(tp == 0, 1.0, 1.0 - scale * _div(fp, tp))
            x, y = np.maximum(recall_gain, 0.0), precision_gain
        if self.summation_method == "interpolation":
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[: n - 1], y[1:])
        else:
            heights = np.maximum(y[: n - 1], y[1:])
        return _result(self._by_label((x[: n - 1] - x[1:]) * heights), self.dtype)

    def reset_state(self) -> None:
        if self._built:
            super().reset_state()

    def get_config(self) -> dict:
        lw = None if self.label_weights is None else self.label_weights.tolist()
        cfg = {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
               "summation_method": self.summation_method, "multi_label": self.multi_label,
               "num_labels": self.num_labels, "label_weights": lw, "from_logits": self._from_logits}
        if self._init_from_thresholds:
            cfg["thresholds"] = self.thresholds[1:-1]
        return cfg
