"""Confusion-matrix metrics: true/false positives/negatives, precision and recall at thresholds.

A prediction is positive when it is strictly greater than the threshold (0.5 by default); a
label is positive when it is non-zero. With a list of thresholds, the result holds one value
per threshold. ``top_k`` keeps only each row's ``k`` highest scores; ``class_id`` looks at one
column of ``(batch, classes)`` data.

>>> import gradtape as gt
>>> m = gt.metrics.Precision()
>>> round(float(m([0, 1, 1, 1], [1, 0, 1, 1])), 4)
0.6667
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .._engine.tensor import Tensor, Variable
from .base import EPSILON, Metric, _np, _result, _same_rank

__all__ = ["TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives", "Precision", "Recall"]

NEG_INF = -1e10
_KINDS = ("tp", "fp", "tn", "fn")


def _parse_thresholds(thresholds, default: float) -> list:
    if thresholds is not None:
        values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
        bad = [t for t in values if t is None or t < 0 or t > 1]
        if bad:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {bad}")
        return values
    return [default]


def _evenly_spaced(thresholds) -> bool:
    n = len(thresholds)
    if n < 3:
        return False
    return bool(np.allclose(thresholds, np.arange(n, dtype=np.float32) / (n - 1), atol=EPSILON))


def _filter_top_k(x: np.ndarray, k: int) -> np.ndarray:
    """Keep each row's ``k`` largest scores (the lowest index first among ties), the rest -1e10."""
    idx = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    mask = np.zeros(x.shape, dtype=x.dtype)
    np.put_along_axis(mask, idx, 1, axis=-1)
    return x * mask + np.float32(NEG_INF) * (1 - mask)


def _segment_sum(values: np.ndarray, ids: np.ndarray, n: int) -> np.ndarray:
    keep = (ids >= 0) & (ids < n)
    return np.bincount(ids[keep], weights=values[keep], minlength=n)[:n]


def _suffix_sum(x: np.ndarray) -> np.ndarray:
    return np.flip(np.cumsum(np.flip(x, 0), axis=0), 0)


def _update_confusion(variables: dict[str, Variable], y_true: Any, y_pred: Any, thresholds: Sequence[float],
                     top_k: int | None = None, class_id: int | None = None, sample_weight: Any = None,
                     multi_label: bool = False, label_weights: Any = None, evenly: bool = False) -> None:
    """Add the (weighted) counts of this batch to ``variables`` (keys ``"tp"``, ``"fp"``, ``"tn"``,
    ``"fn"``), one per threshold, as Keras's ``update_confusion_matrix_variables``: the evenly
    spaced case bins the scores (clipped to [0, 1]) instead of comparing with each threshold."""
    p = _np(y_pred).astype(np.float32)
    t = _np(y_true).astype(np.float32)
    p, t = _same_rank(p, t)
    w = None
    if sample_weight is not None:
        w = _np(sample_weight).astype(np.float32)[..., None]
        _, w = _same_rank(t, w, expand_rank_1=False)
    if top_k is not None:
        p = _filter_top_k(p, int(top_k))
    if class_id is not None:
        if p.ndim == 1:
            raise ValueError("When class_id is provided, y_pred must be a 2D array with shape "
                             f"(num_samples, num_classes), found shape: {p.shape}")
        t, p = t[..., class_id, None], p[..., class_id, None]
    if t.size != p.size:
        raise ValueError(f"y_true of shape {t.shape} does not match y_pred of shape {p.shape}")
    t = t.reshape(p.shape)
    if w is not None:
        try:
            w = np.broadcast_to(w, p.shape)
        except ValueError:
            raise ValueError(f"sample_weight of shape {_np(sample_weight).shape} does not broadcast to "
                             f"y_pred's shape {p.shape}") from None
    lw = None
    if label_weights is not None and not multi_label:
        lw = np.broadcast_to(np.asarray(label_weights, dtype=np.float32)[None], p.shape)
    thr = np.asarray(thresholds, dtype=np.float32)
    if not multi_label:
        t, p = t.reshape(-1), p.reshape(-1)
        w = None if w is None else w.reshape(-1)
        lw = None if lw is None else lw.reshape(-1)
    weights = np.ones(p.shape, dtype=np.float64)
    for extra in (w, lw):
        if extra is not None:
            weights = weights * extra
    label = t != 0
    if evenly:
        n = thr.shape[0]
        with_eps = bool(thresholds[0] < 0.0 or thresholds[-1] > 1.0)
        bucket = np.ceil(np.clip(p, 0.0, 1.0).astype(np.float32) * np.float32(n - 1)) - 1
        if with_eps:
            bucket = np.maximum(bucket, 0)
        bucket = bucket.astype(np.int64)
        pos_w, neg_w = np.where(label, weights, 0.0), np.where(label, 0.0, weights)
        if multi_label:
            cols = range(p.shape[-1])
            tp = np.stack([_suffix_sum(_segment_sum(pos_w[:, j], bucket[:, j], n)) for j in cols], axis=1)
            fp = np.stack([_suffix_sum(_segment_sum(neg_w[:, j], bucket[:, j], n)) for j in cols], axis=1)
        else:
            tp = _suffix_sum(_segment_sum(pos_w, bucket, n))
            fp = _suffix_sum(_segment_sum(neg_w, bucket, n))
        counts = {"tp": tp, "fp": fp, "tn": np.sum(neg_w, axis=0) - fp, "fn": np.sum(pos_w, axis=0) - tp}
    else:
        shape = (-1,) + (1,) * p.ndim
        pred_pos = p[None] > thr.reshape(shape)
        lab, wt = label[None], weights[None]
        counts = {"tp": np.sum(np.where(lab & pred_pos, wt, 0.0), axis=1),
                  "fp": np.sum(np.where(~lab & pred_pos, wt, 0.0), axis=1),
                  "tn": np.sum(np.where(~lab & ~pred_pos, wt, 0.0), axis=1),
                  "fn": np.sum(np.where(lab & ~pred_pos, wt, 0.0), axis=1)}
    for kind, var in variables.items():
        var.assign_add(np.asarray(counts[kind], dtype=var.dtype).reshape(var.shape))


class _ConfusionCount(Metric):
    _kind = "tp"

    def __init__(self, thresholds: float | Sequence[float] | None = None, name: str | None = None,
                 dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = _parse_thresholds(thresholds, 0.5)
        self._evenly = _evenly_spaced(self.thresholds)
        self.accumulator = self.add_weight("accumulator", shape=(len(self.thresholds),))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add this batch's (weighted) count at each threshold."""
        _update_confusion({self._kind: self.accumulator}, y_true, y_pred, self.thresholds,
                         sample_weight=sample_weight, evenly=self._evenly)

    def result(self) -> Tensor:
        acc = self.accumulator.numpy()
        return _result(acc[0] if len(self.thresholds) == 1 else acc, self.dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionCount):
    """The (weighted) number of positive labels predicted positive (score > threshold).

    >>> import gradtape as gt
    >>> float(gt.metrics.TruePositives()([0, 1, 1, 1], [1, 0, 1, 1]))
    2.0
    """

    _kind = "tp"


class FalsePositives(_ConfusionCount):
    """The (weighted) number of negative labels predicted positive (score > threshold).

    >>> import gradtape as gt
    >>> gt.metrics.FalsePositives(thresholds=[0.3, 0.8])([0, 0, 1], [0.5, 0.9, 0.9]).numpy()
    array([2., 1.], dtype=float32)
    """

    _kind = "fp"


class TrueNegatives(_ConfusionCount):
    """The (weighted) number of negative labels predicted negative (score <= threshold).

    >>> import gradtape as gt
    >>> float(gt.metrics.TrueNegatives()([0, 1, 0, 0], [1, 1, 0, 0]))
    2.0
    """

    _kind = "tn"


class FalseNegatives(_ConfusionCount):
    """The (weighted) number of positive labels predicted negative (score <= threshold).

    >>> import gradtape as gt
    >>> float(gt.metrics.FalseNegatives()([0, 1, 1, 1], [0, 1, 0, 0], sample_weight=[0, 0, 0.5, 1]))
    1.5
    """

    _kind = "fn"


class _PrecisionRecall(Metric):
    _other = "fp"

    def __init__(self, thresholds: float | Sequence[float] | None = None, top_k: int | None = None,
                 class_id: int | None = None, name: str | None = None, dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        self.thresholds = _parse_thresholds(thresholds, 0.5 if top_k is None else NEG_INF)
        self._evenly = _evenly_spaced(self.thresholds)
        n = len(self.thresholds)
        self.true_positives = self.add_weight("true_positives", shape=(n,))
        other = "false_positives" if self._other == "fp" else "false_negatives"
        setattr(self, other, self.add_weight(other, shape=(n,)))
        self._other_var = getattr(self, other)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add this batch's (weighted) counts at each threshold."""
        _update_confusion({"tp": self.true_positives, self._other: self._other_var}, y_true, y_pred,
                         self.thresholds, top_k=self.top_k, class_id=self.class_id,
                         sample_weight=sample_weight, evenly=self._evenly)

    def result(self) -> Tensor:
        tp, other = self.true_positives.numpy(), self._other_var.numpy()
        denom = tp + other
        value = np.divide(tp, denom, out=np.zeros_like(tp), where=denom != 0)
        return _result(value[0] if len(self.thresholds) == 1 else value, self.dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_PrecisionRecall):
    """``TP / (TP + FP)``: how many of the predicted positives are positive (0 when nothing was
    predicted positive).

    >>> import gradtape as gt
    >>> m = gt.metrics.Precision(top_k=1, class_id=1)
    >>> float(m([[0, 1, 0], [0, 1, 0]], [[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]]))
    1.0
    """

    _other = "fp"


class Recall(_PrecisionRecall):
    """``TP / (TP + FN)``: how many of the positives were predicted positive (0 without
    positives).

    >>> import gradtape as gt
    >>> round(float(gt.metrics.Recall()([0, 1, 1, 1], [1, 0, 1, 1])), 4)
    0.6667
    """

    _other = "fn"
