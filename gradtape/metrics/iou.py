"""Intersection-over-union metrics for segmentation and classification: ``IoU``, ``MeanIoU``,
``BinaryIoU``, ``OneHotIoU`` and ``OneHotMeanIoU``.

A confusion matrix (rows: true class, columns: predicted class) accumulates over batches; the
IoU of a class is ``TP / (TP + FP + FN)``, and the result is the mean over the target classes
that occurred. As in Keras, the state is integer by default, so a fractional
``sample_weight`` is truncated; pass ``dtype="float32"`` for fractional weights.

>>> import gradtape as gt
>>> m = gt.metrics.MeanIoU(num_classes=2)
>>> round(float(m([0, 0, 1, 1], [0, 1, 0, 1])), 4)
0.3333
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .._engine.tensor import Tensor, wrap
from .base import EPSILON, Metric, _np

__all__ = ["IoU", "MeanIoU", "BinaryIoU", "OneHotIoU", "OneHotMeanIoU"]


class _IoUBase(Metric):
    def __init__(self, num_classes: int, name: str | None = None, dtype: Any = None,
                 ignore_class: int | None = None, sparse_y_true: bool = True, sparse_y_pred: bool = True,
                 axis: int = -1):
        super().__init__(name=name, dtype=dtype or "int64")
        self.num_classes = int(num_classes)
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_weight("total_confusion_matrix", shape=(self.num_classes,) * 2, dtype=self.dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add this batch to the confusion matrix (out-of-range classes are skipped)."""
        t, p = _np(y_true), _np(y_pred)
        if not self.sparse_y_true:
            t = np.argmax(t, axis=self.axis)
        if not self.sparse_y_pred:
            p = np.argmax(p, axis=self.axis)
        t = t.astype(self.dtype).reshape(-1)
        p = p.astype(self.dtype).reshape(-1)
        w = np.asarray(1 if sample_weight is None else _np(sample_weight)).astype(self.dtype)
        w = np.broadcast_to(w.reshape(-1) if w.ndim > 1 else w, t.shape)
        keep = (t >= 0) & (t < self.num_classes) & (p >= 0) & (p < self.num_classes)
        if self.ignore_class is not None:
            keep &= t != self.ignore_class
        cm = np.zeros((self.num_classes,) * 2, dtype=self.dtype)
        np.add.at(cm, (t[keep].astype(np.int64), p[keep].astype(np.int64)), w[keep])
        self.total_cm.assign_add(cm)


class IoU(_IoUBase):
    """The mean IoU over ``target_class_ids`` (classes that never occurred are left out).

    ``sparse_y_true``/``sparse_y_pred=False`` take the argmax of one-hot labels or scores along
    ``axis``; labels equal to ``ignore_class`` are skipped.

    >>> import gradtape as gt
    >>> m = gt.metrics.IoU(num_classes=2, target_class_ids=[0])
    >>> round(float(m([0, 0, 1, 1], [0, 1, 0, 1])), 4)
    0.3333
    """

    def __init__(self, num_classes: int, target_class_ids: Sequence[int], name: str | None = None, dtype: Any = None,
                 ignore_class: int | None = None, sparse_y_true: bool = True, sparse_y_pred: bool = True,
                 axis: int = -1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)
        if max(target_class_ids) >= num_classes:
            raise ValueError(f"Target class id {max(target_class_ids)} is out of range, which is [0, {num_classes}).")
        self.target_class_ids = list(target_class_ids)

    def result(self) -> Tensor:
        cm = self.total_cm.numpy().astype(np.float32)
        tp = np.diag(cm)
        denom = (cm.sum(axis=0) + cm.sum(axis=1) - tp)[self.target_class_ids]
        tp = tp[self.target_class_ids]
        valid = denom > 1e-9
        iou = np.where(valid, tp / (denom + np.float32(EPSILON)), np.float32(0))
        value = np.sum(iou, dtype=np.float32) / (np.float32(np.sum(valid)) + np.float32(EPSILON))
        return wrap(np.asarray(value, dtype=np.float32))

    def get_config(self) -> dict:
        return {**super().get_config(), "num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class BinaryIoU(IoU):
    """IoU for 0/1 labels and scores: a score ``>= threshold`` predicts class 1.

    >>> import gradtape as gt
    >>> m = gt.metrics.BinaryIoU(target_class_ids=[1])
    >>> round(float(m([0, 1, 1], [0.6, 0.7, 0.2])), 4)
    0.3333
    """

    def __init__(self, target_class_ids: Sequence[int] = (0, 1), threshold: float = 0.5, name: str | None = None,
                 dtype: Any = None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Threshold the scores, then add this batch to the confusion matrix."""
        p = (_np(y_pred).astype(np.float32) >= self.threshold).astype(self.dtype)
        super().update_state(_np(y_true).astype(self.dtype), p, sample_weight)

    def get_config(self) -> dict:
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold, "name": self.name,
                "dtype": self.dtype.name}


class MeanIoU(IoU):
    """The mean IoU over every class that occurred.

    >>> import gradtape as gt
    >>> m = gt.metrics.MeanIoU(num_classes=3)
    >>> round(float(m([0, 1, 2, 2], [0, 1, 2, 1])), 4)
    0.6667
    """

    def __init__(self, num_classes: int, name: str | None = None, dtype: Any = None, ignore_class: int | None = None,
                 sparse_y_true: bool = True, sparse_y_pred: bool = True, axis: int = -1):
        super().__init__(num_classes, list(range(num_classes)), name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict:
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype.name,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotIoU(IoU):
    """:class:`IoU` for one-hot labels and (by default) per-class scores.

    >>> import gradtape as gt
    >>> m = gt.metrics.OneHotIoU(num_classes=2, target_class_ids=[1])
    >>> round(float(m([[1, 0], [0, 1]], [[0.2, 0.8], [0.1, 0.9]])), 4)
    0.5
    """

    def __init__(self, num_classes: int, target_class_ids: Sequence[int], name: str | None = None, dtype: Any = None,
                 ignore_class: int | None = None, sparse_y_pred: bool = False, axis: int = -1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict:
        cfg = super().get_config()
        del cfg["sparse_y_true"]
        return cfg


class OneHotMeanIoU(MeanIoU):
    """:class:`MeanIoU` for one-hot labels and (by default) per-class scores.

    >>> import gradtape as gt
    >>> m = gt.metrics.OneHotMeanIoU(num_classes=2)
    >>> float(m([[1, 0], [0, 1]], [[0.2, 0.8], [0.1, 0.9]]))
    0.25
    """

    def __init__(self, num_classes: int, name: str | None = None, dtype: Any = None, ignore_class: int | None = None,
                 sparse_y_pred: bool = False, axis: int = -1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict:
        cfg = super().get_config()
        del cfg["sparse_y_true"]
        return cfg
