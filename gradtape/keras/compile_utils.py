"""What ``Model.compile`` keeps: the loss (one, or one per output) and the metrics, resolved
from strings as Keras resolves them once the first batch shows the shapes of ``y`` and
``y_pred`` (``"accuracy"`` becomes binary, sparse categorical or categorical accuracy, and
``"crossentropy"`` the matching loss)."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import losses as losses_module
from .. import metrics as metrics_module
from .._engine.tensor import Tensor
from ..ops import math as _math

__all__ = ["CompileLoss", "CompileMetrics"]


def _shape(a) -> tuple:
    return tuple(a.shape) if hasattr(a, "shape") else np.shape(a)


def _binary_or_sparse(y_true, y_pred) -> tuple[bool, bool]:
    t, p = _shape(y_true), _shape(y_pred)
    is_binary = bool(p) and p[-1] == 1
    is_sparse = len(t) < len(p) or (bool(t) and t[-1] == 1 and bool(p) and p[-1] > 1)
    return is_binary, is_sparse


def _name_of(obj) -> str:
    name = getattr(obj, "name", None) or getattr(obj, "__name__", None) or type(obj).__name__
    return str(name)


class _FunctionLoss(losses_module.Loss):
    """A loss function ``fn(y_true, y_pred) -> per-sample losses`` with Keras's reduction."""

    def __init__(self, fn: Callable, name: str | None = None) -> None:
        super().__init__(name=name or _name_of(fn))
        self.fn = fn

    def call(self, y_true, y_pred):
        if hasattr(y_true, "shape") and hasattr(y_pred, "shape"):
            y_true, y_pred = losses_module._same_rank(y_true, y_pred)  # as Keras's wrapper
        return self.fn(y_true, y_pred)


def _resolve_loss(identifier, y_true, y_pred):
    if identifier is None:
        return None
    if isinstance(identifier, str) and identifier.lower() in ("crossentropy", "ce"):
        is_binary, is_sparse = _binary_or_sparse(y_true, y_pred)
        identifier = ("binary_crossentropy" if is_binary else "sparse_categorical_crossentropy"
                      if is_sparse else "categorical_crossentropy")
    loss = losses_module.get(identifier)
    return loss if isinstance(loss, losses_module.Loss) else _FunctionLoss(loss)


def _structure_keys(y_pred) -> list:
    if isinstance(y_pred, dict):
        return list(y_pred)
    if isinstance(y_pred, (list, tuple)):
        return list(range(len(y_pred)))
    return [None]


def _per_output(spec, y_pred, what: str) -> list:
    """``spec`` (one value, a list, or a dict by output name) as one entry per output."""
    keys = _structure_keys(y_pred)
    if keys == [None]:
        if isinstance(spec, (list, tuple)) and what == "loss":
            if len(spec) != 1:
                raise ValueError(f"compile: {what} has {len(spec)} entries but the model has one output")
            return [spec[0]]
        if isinstance(spec, dict) and what == "loss":
            if len(spec) != 1:
                raise ValueError(f"compile: {what} has {len(spec)} entries but the model has one output")
            return list(spec.values())
        return [spec]
    if isinstance(spec, dict):
        unknown = [k for k in spec if k not in keys]
        if unknown:
            raise ValueError(f"compile: {what} names outputs {unknown} that the model does not "
                             f"have; its outputs are {keys}")
        return [spec.get(k) for k in keys]
    if isinstance(spec, (list, tuple)):
        if what == "metrics" and not any(isinstance(m, (list, tuple, dict)) for m in spec):
            return [list(spec)] * len(keys)  # one flat list: every output gets it
        if len(spec) != len(keys):
            raise ValueError(f"compile: {what} has {len(spec)} entries but the model has "
                             f"{len(keys)} outputs; give one per output")
        return list(spec)
    return [spec] * len(keys)


def _flat_outputs(structure) -> list:
    keys = _structure_keys(structure)
    return [structure] if keys == [None] else [structure[k] for k in keys]


class CompileLoss:
    """The compiled loss: ``loss(y_true, y_pred, sample_weight)`` is the weighted sum of each
    output's loss (``loss_weights``), each reduced as its ``Loss`` reduces it.

    >>> import gradtape as gt
    >>> from gradtape.keras.compile_utils import CompileLoss
    >>> float(CompileLoss("mse")(gt.zeros((2, 1)), gt.ones((2, 1))))
    1.0
    """

    def __init__(self, loss, loss_weights=None) -> None:
        self._spec, self._weights_spec = loss, loss_weights
        self._losses: list | None = None

    def _build(self, y_true, y_pred) -> None:
        specs = _per_output(self._spec, y_pred, "loss")
        trues, preds = _flat_outputs(y_true), _flat_outputs(y_pred)
        if len(trues) != len(preds):
            raise ValueError(f"The model has {len(preds)} outputs but y has {len(trues)} "
                             "entries; give one target per output")
        self._losses = [_resolve_loss(s, t, p) for s, t, p in zip(specs, trues, preds)]
        if all(loss is None for loss in self._losses):
            raise ValueError("compile: no loss for any output; pass loss=... to compile()")
        weights = (self._weights_spec if self._weights_spec is not None
                   else [1.0] * len(self._losses))
        self._weights = [1.0 if w is None else float(w)
                         for w in _per_output(weights, y_pred, "loss")]

    def __call__(self, y_true, y_pred, sample_weight=None):
        if self._losses is None:
            self._build(y_true, y_pred)
        total = None
        sws = _flat_outputs(sample_weight) if isinstance(sample_weight, (list, tuple, dict)) else None
        for i, (loss, w, t, p) in enumerate(zip(self._losses, self._weights, _flat_outputs(y_true),
                                                _flat_outputs(y_pred))):
            if loss is None:
                continue
            sw = sws[i] if sws is not None else sample_weight
            value = loss(t, p, sample_weight=sw)
            if w != 1.0:
                value = value * w
            total = value if total is None else total + value
        return total


class CompileMetrics:
    """The compiled metrics: ``metrics`` see no sample weights, ``weighted_metrics`` do (as in
    Keras); names follow Keras (a string's own name, ``weighted_`` for a clash, and the output's
    name first for models with several outputs).

    >>> import gradtape as gt
    >>> from gradtape.keras.compile_utils import CompileMetrics
    >>> m = CompileMetrics(["accuracy"], None)
    >>> m.update_state(gt.constant([1, 0]), gt.constant([[0.1, 0.9], [0.2, 0.8]]))
    >>> {k: float(v) for k, v in m.result().items()}
    {'accuracy': 0.5}
    """

    def __init__(self, metrics, weighted_metrics, output_names: list | None = None) -> None:
        self._spec, self._weighted_spec = metrics, weighted_metrics
        self._output_names = output_names
        self.name = "compile_metrics"  # Keras 3's name: custom train steps test ``metric.name``
        self.metrics: list = []
        self._built = False

    def _resolve(self, identifier, y_true, y_pred):
        if identifier is None:
            raise ValueError("compile: a metric is None; remove it from metrics=[...]")
        if isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc"):
            is_binary, is_sparse = _binary_or_sparse(y_true, y_pred)
            cls = (metrics_module.BinaryAccuracy if is_binary else
                   metrics_module.SparseCategoricalAccuracy if is_sparse else
                   metrics_module.CategoricalAccuracy)
            metric = cls(name=identifier)
        else:
            metric = _get_metric(identifier)
        if not isinstance(metric, metrics_module.Metric):
            metric = metrics_module.MeanMetricWrapper(metric, name=_name_of(metric))
        return metric, (identifier if isinstance(identifier, str) else metric.name)

    def _build(self, y_true, y_pred) -> None:
        trues, preds = _flat_outputs(y_true), _flat_outputs(y_pred)
        keys = _structure_keys(y_pred)
        names = self._output_names or [None if k is None else
                                       (k if isinstance(k, str) else f"output_{k + 1}") for k in keys]
        self._lists = []  # (output index, metric, weighted, logged name, the metric's own name)
        used: dict = {}
        for weighted, spec in ((False, self._spec), (True, self._weighted_spec)):
            if spec is None:
                continue
            if keys == [None] and not isinstance(spec, (list, tuple, dict)):
                spec = [spec]
            per = ([list(spec)] if keys == [None] and isinstance(spec, (list, tuple))
                   else _per_output(spec, y_pred, "metrics"))
            for i, items in enumerate(per):
                if items is None:
                    continue
                for ident in (items if isinstance(items, (list, tuple)) else [items]):
                    metric, base = self._resolve(ident, trues[i], preds[i])
                    name = base if keys == [None] or names[i] is None else f"{names[i]}_{base}"
                    if name in used and weighted:
                        name = f"weighted_{base}" if names[i] is None else f"{names[i]}_weighted_{base}"
                    if name in used:
                        used[name] += 1
                        name = f"{name}_{used[name] - 1}"
                    used.setdefault(name, 1)
                    self._lists.append((i, metric, weighted, name, base))
        self.metrics = [m for _, m, _, _, _ in self._lists]
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        if not self._built:
            self._build(y_true, y_pred)
        trues, preds = _flat_outputs(y_true), _flat_outputs(y_pred)
        sws = _flat_outputs(sample_weight) if isinstance(sample_weight, (list, tuple, dict)) else None
        for i, metric, weighted, _, _ in self._lists:
            sw = (sws[i] if sws is not None else sample_weight) if weighted else None
            metric.update_state(trues[i], preds[i], sample_weight=sw)

    def result(self) -> dict:
        return {name: metric.result() for _, metric, _, name, _ in getattr(self, "_lists", [])}

    def named(self) -> list:
        """``(logged name, metric)`` pairs, once built."""
        return [(name, metric) for _, metric, _, name, _ in getattr(self, "_lists", [])]

    def own_names(self) -> list:
        """Each metric's own name (the string it was given by, without the output's name or
        ``weighted_``): the names Keras orders ``evaluate``'s list by."""
        return [base for _, _, _, _, base in getattr(self, "_lists", [])]

    def reset_state(self) -> None:
        for metric in self.metrics:
            metric.reset_state()


def _get_metric(identifier) -> Any:
    get = getattr(metrics_module, "get", None)
    if get is not None:
        return get(identifier)
    if isinstance(identifier, str):  # pragma: no cover - until metrics.get exists
        raise ValueError(f"Unknown metric {identifier!r}")
    return identifier


def as_float(value) -> float:
    """A Python float from a scalar Tensor or array."""
    if isinstance(value, Tensor):
        value = value.numpy()
    return float(np.asarray(value))


def sum_losses(values: list):
    """The sum of a list of scalar losses (Tensors), or None for an empty list."""
    total = None
    for v in values:
        v = v if isinstance(v, Tensor) else _math.add(v, 0.0)
        total = v if total is None else total + v
    return total
