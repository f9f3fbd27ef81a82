"""``gt.metrics``: running metrics with Keras's ``update_state`` / ``result`` / ``reset_state``.

A metric is a :class:`gradtape.Module` whose state lives in non-trainable variables (so a
checkpoint can hold it), updated with ``assign_add`` from NumPy values: updating never records
on a tape. ``result()`` returns a float32 tensor (a scalar, or one value per threshold or
class); calling the metric updates it and returns the result. :func:`get` turns the strings of
Keras's ``model.compile(metrics=[...])`` into metrics.

>>> import gradtape as gt
>>> acc = gt.metrics.SparseCategoricalAccuracy()
>>> acc.update_state([0, 1], [[0.9, 0.1], [0.8, 0.2]])
>>> float(acc.result())
0.5
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

from .accuracy import (Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
                       SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy, accuracy, binary_accuracy,
                       categorical_accuracy, sparse_categorical_accuracy, sparse_top_k_categorical_accuracy,
                       top_k_categorical_accuracy)
from .at_threshold import PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity
from .auc import AUC
from .base import Mean, MeanMetricWrapper, Metric, Sum, _snake
from .correlation import ConcordanceCorrelation, PearsonCorrelation, concordance_correlation, pearson_correlation
from .confusion import FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives, TruePositives
from .fscore import F1Score, FBetaScore
from .hinge import CategoricalHinge, Hinge, SquaredHinge, categorical_hinge, hinge, squared_hinge
from .iou import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from .probabilistic import (BinaryCrossentropy, CategoricalCrossentropy, KLDivergence, Poisson,
                            SparseCategoricalCrossentropy, binary_crossentropy, binary_focal_crossentropy,
                            categorical_crossentropy, categorical_focal_crossentropy, kl_divergence, poisson,
                            sparse_categorical_crossentropy)
from .regression import (CosineSimilarity, LogCoshError, MeanAbsoluteError, MeanAbsolutePercentageError,
                         MeanSquaredError, MeanSquaredLogarithmicError, R2Score, RootMeanSquaredError,
                         cosine_similarity, huber, log_cosh, mean_absolute_error, mean_absolute_percentage_error,
                         mean_squared_error, mean_squared_logarithmic_error)

# The short names of ``tf.keras.metrics`` (functions, as there).
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh

_CLASSES = (
    Metric, Mean, Sum, MeanMetricWrapper,
    MeanSquaredError, RootMeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, CosineSimilarity, LogCoshError, R2Score,
    AUC, FalseNegatives, FalsePositives, Precision, PrecisionAtRecall, Recall, RecallAtPrecision,
    SensitivityAtSpecificity, SpecificityAtSensitivity, TrueNegatives, TruePositives,
    ConcordanceCorrelation, PearsonCorrelation,
    Hinge, SquaredHinge, CategoricalHinge,
    KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    F1Score, FBetaScore,
    IoU, BinaryIoU, MeanIoU, OneHotIoU, OneHotMeanIoU,
)

# Keras 3's table for ``get``: class names, their snake_case forms and a few short names, all
# mapping to classes (so every string gives a metric instance, as in Keras 3).
_OBJECTS: dict[str, type] = {c.__name__: c for c in _CLASSES}
_OBJECTS.update({_snake(c.__name__): c for c in _CLASSES})
_OBJECTS.update({"bce": BinaryCrossentropy, "BCE": BinaryCrossentropy, "mse": MeanSquaredError,
                 "MSE": MeanSquaredError, "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
                 "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
                 "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError})

_FUNCTIONS: dict[str, Callable] = {f.__name__: f for f in (
    accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, top_k_categorical_accuracy,
    sparse_top_k_categorical_accuracy, mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, log_cosh, huber, cosine_similarity, binary_crossentropy,
    categorical_crossentropy, sparse_categorical_crossentropy, kl_divergence, poisson, hinge, squared_hinge,
    categorical_hinge, pearson_correlation, concordance_correlation, binary_focal_crossentropy,
    categorical_focal_crossentropy)}


def serialize(metric: Metric | Callable) -> dict:
    """A metric's config in Keras's layout (``class_name`` and ``config``), or a function's name.

    >>> import gradtape as gt
    >>> gt.metrics.serialize(gt.metrics.Poisson())["config"]
    {'name': 'poisson', 'dtype': 'float32'}
    """
    if isinstance(metric, Metric):
        return {"module": "gradtape.metrics", "class_name": type(metric).__name__, "config": metric.get_config(),
                "registered_name": None}
    return {"module": "builtins", "class_name": "function", "config": metric.__name__, "registered_name": "function"}


def deserialize(config: dict, custom_objects: dict | None = None) -> Metric | Callable:
    """The metric (or function) described by a :func:`serialize` (or Keras) config dict.

    >>> import gradtape as gt
    >>> gt.metrics.deserialize({"class_name": "AUC", "config": {"curve": "PR"}}).curve
    'PR'
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret metric config: {config!r}")
    objects = {**_OBJECTS, **(custom_objects or {})}
    name, inner = config["class_name"], config.get("config", {})
    if name == "function":
        fns = {**_FUNCTIONS, **(custom_objects or {})}
        if inner not in fns:
            raise ValueError(f"Unknown metric function {inner!r}")
        return fns[inner]
    if name not in objects:
        raise ValueError(f"Unknown metric class {name!r}; valid names: {', '.join(sorted(objects))}")
    inner = dict(inner or {})
    if isinstance(inner.get("dtype"), dict):  # a Keras DTypePolicy config
        inner["dtype"] = inner["dtype"].get("config", {}).get("name")
    cls = objects[name]
    return cls.from_config(inner) if hasattr(cls, "from_config") else cls(**inner)


def get(identifier: Any) -> Metric | Callable | None:
    """A metric from a string, a config dict, a :class:`Metric` or a function, as Keras 3's
    ``keras.metrics.get``.

    A string is a class name (``"AUC"``), its snake_case form (``"auc"``, ``"kl_divergence"``,
    ``"sparse_top_k_categorical_accuracy"``) or a short name (``"mse"``, ``"mae"``, ``"mape"``,
    ``"msle"``, ``"bce"``), and always gives a new instance of the class with its default
    arguments; a dict is passed to :func:`deserialize`; a metric or function is returned as is;
    ``None`` gives ``None``.

    >>> import gradtape as gt
    >>> gt.metrics.get("mse").name
    'mean_squared_error'
    >>> type(gt.metrics.get("accuracy")).__name__
    'Accuracy'
    >>> gt.metrics.get(gt.metrics.hinge) is gt.metrics.hinge
    True
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = _OBJECTS.get(identifier)
        if obj is None:
            raise ValueError(f"Could not interpret metric identifier: {identifier!r}; valid names are: "
                             f"{', '.join(sorted(_OBJECTS))}")
    else:
        obj = identifier
    if callable(obj):
        return obj() if inspect.isclass(obj) else obj
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}")


__all__ = sorted([c.__name__ for c in _CLASSES] + list(_FUNCTIONS) + [
    "mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "kld", "KLD", "kullback_leibler_divergence",
    "logcosh", "get", "serialize", "deserialize"])
