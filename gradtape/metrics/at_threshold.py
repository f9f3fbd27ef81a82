"""One rate at the best threshold under a constraint on another: ``SensitivityAtSpecificity``,
``SpecificityAtSensitivity``, ``PrecisionAtRecall`` and ``RecallAtPrecision``.

The confusion counts are kept at ``num_thresholds`` evenly spaced thresholds in [0, 1] (0.5
alone when ``num_thresholds=1``); the result is the largest value of the one rate among the
thresholds where the other is at least the requested value (0 if there is none).

>>> import gradtape as gt
>>> m = gt.metrics.RecallAtPrecision(0.8)
>>> float(m([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9]))
0.5
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.tensor import Tensor
from .base import Metric, _result
from .confusion import _update_confusion

__all__ = ["SensitivityAtSpecificity", "SpecificityAtSensitivity", "PrecisionAtRecall", "RecallAtPrecision"]


def _rate(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, a + b, out=np.zeros_like(a), where=(a + b) != 0)


class _AtThreshold(Metric):
    _arg = "value"

    def __init__(self, value: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        if value < 0 or value > 1:
            raise ValueError(f"Argument `{self._arg}` must be in the range [0, 1]. Received: {self._arg}={value}")
        if num_thresholds <= 0:
            raise ValueError(f"Argument `num_thresholds` must be an integer > 0. Received: "
                             f"num_thresholds={num_thresholds}")
        super().__init__(name=name, dtype=dtype)
        self.value = value
        setattr(self, self._arg, value)
        self.num_thresholds = int(num_thresholds)
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds, self._evenly = [0.5], False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds, self._evenly = [0.0] + inner + [1.0], True
        n = len(self.thresholds)
        self.true_positives = self.add_weight("true_positives", shape=(n,))
        self.false_positives = self.add_weight("false_positives", shape=(n,))
        self.true_negatives = self.add_weight("true_negatives", shape=(n,))
        self.false_negatives = self.add_weight("false_negatives", shape=(n,))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add this batch's (weighted) confusion counts at every threshold."""
        _update_confusion({"tp": self.true_positives, "tn": self.true_negatives, "fp": self.false_positives,
                          "fn": self.false_negatives}, y_true, y_pred, self.thresholds, class_id=self.class_id,
                         sample_weight=sample_weight, evenly=self._evenly)

    def _rates(self) -> dict:
        tp, fp = self.true_positives.numpy(), self.false_positives.numpy()
        tn, fn = self.true_negatives.numpy(), self.false_negatives.numpy()
        return {"sensitivity": _rate(tp, fn), "specificity": _rate(tn, fp), "precision": _rate(tp, fp)}

    def _best(self, constrained: str, dependent: str) -> Tensor:
        rates = self._rates()
        feasible = rates[constrained] >= self.value
        return _result(max(0.0, float(np.max(np.where(feasible, rates[dependent], 0.0), initial=0.0))), self.dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "class_id": self.class_id, "num_thresholds": self.num_thresholds,
                self._arg: self.value}


class SensitivityAtSpecificity(_AtThreshold):
    """The best recall (sensitivity) at a specificity ``>= specificity``.

    >>> import gradtape as gt
    >>> m = gt.metrics.SensitivityAtSpecificity(0.5)
    >>> float(m([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9]))
    1.0
    """

    _arg = "specificity"

    def __init__(self, specificity: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(specificity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self) -> Tensor:
        return self._best("specificity", "sensitivity")


class SpecificityAtSensitivity(_AtThreshold):
    """The best specificity at a recall (sensitivity) ``>= sensitivity``.

    >>> import gradtape as gt
    >>> m = gt.metrics.SpecificityAtSensitivity(1.0)
    >>> float(m([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9]))
    0.5
    """

    _arg = "sensitivity"

    def __init__(self, sensitivity: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(sensitivity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self) -> Tensor:
        return self._best("sensitivity", "specificity")


class PrecisionAtRecall(_AtThreshold):
    """The best precision at a recall ``>= recall``.

    >>> import gradtape as gt
    >>> m = gt.metrics.PrecisionAtRecall(1.0)
    >>> round(float(m([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9])), 4)
    0.6667
    """

    _arg = "recall"

    def __init__(self, recall: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(recall, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self) -> Tensor:
        return self._best("sensitivity", "precision")


class RecallAtPrecision(_AtThreshold):
    """The best recall at a precision ``>= precision``.

    >>> import gradtape as gt
    >>> m = gt.metrics.RecallAtPrecision(1.0)
    >>> float(m([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9]))
    0.5
    """

    _arg = "precision"

    def __init__(self, precision: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(precision, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self) -> Tensor:
        return self._best("precision", "sensitivity")
