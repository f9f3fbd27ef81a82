"""The base classes: :class:`Metric`, :class:`Mean`, :class:`Sum` and :class:`MeanMetricWrapper`.

A metric is a :class:`gradtape.Module` whose state lives in non-trainable variables (so a
checkpoint can hold it), updated from NumPy values: updating never records on a tape.

>>> import gradtape as gt
>>> m = gt.metrics.Mean()
>>> float(m([1.0, 3.0]))
2.0
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from typing import Any, Callable

import numpy as np

from .. import _loss_masks
from .._engine.tensor import Tensor, Variable, as_dtype, to_array, wrap
from ..module import Module

__all__ = ["Metric", "Mean", "Sum", "MeanMetricWrapper"]

EPSILON = 1e-7  # Keras's backend.epsilon()

_name_counters: dict[str, Any] = defaultdict(itertools.count)


def _snake(name: str) -> str:
    """Keras's ``to_snake_case``: ``"MeanIoU"`` -> ``"mean_io_u"``, ``"AUC"`` -> ``"auc"``."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _auto_name(cls_name: str) -> str:
    """The snake_case class name, then ``name_1``, ``name_2``... as Keras names metrics created
    without ``name=``."""
    base = _snake(cls_name)
    n = next(_name_counters[base])
    return base if n == 0 else f"{base}_{n}"


def _np(x) -> np.ndarray:
    """``x`` as an array, with TensorFlow's inference for Python numbers (floats -> float32)."""
    return np.asarray(to_array(x))


def _f32(x) -> np.ndarray:
    """``x`` as a float32 array (Keras's ``floatx``); float64 input is kept as float64."""
    a = _np(x)
    return a if a.dtype in (np.float32, np.float64) else a.astype(np.float32)


def _same_rank(t: np.ndarray, p: np.ndarray, expand_rank_1: bool = True):
    """Keras's ``squeeze_or_expand_to_same_rank``: when the ranks differ by one and the larger
    has a trailing axis of size 1, squeeze it (or, for a rank-1 partner, expand the partner)."""
    if t.ndim == p.ndim + 1 and t.shape[-1] == 1:
        return (t, p[..., None]) if p.ndim == 1 and expand_rank_1 else (t.reshape(t.shape[:-1]), p)
    if p.ndim == t.ndim + 1 and p.shape[-1] == 1:
        return (t[..., None], p) if t.ndim == 1 and expand_rank_1 else (t, p.reshape(p.shape[:-1]))
    return t, p


def _result(value, dtype: np.dtype) -> Tensor:
    return wrap(np.asarray(value, dtype=dtype))


class Metric(Module):
    """Base class: subclasses implement ``update_state``, ``result`` and (optionally) ``reset_state``.

    :meth:`add_weight` creates non-trainable float64 state variables, zeroed by the default
    :meth:`reset_state`. Without ``name=``, a metric is named after its class in snake_case,
    made unique with ``_1``, ``_2``... as in Keras.

    >>> import gradtape as gt
    >>> class Largest(gt.metrics.Metric):
    ...     def __init__(self):
    ...         super().__init__(name="largest")
    ...         self.best = self.add_weight("best")
    ...     def update_state(self, values):
    ...         self.best.assign(max(float(self.best), float(gt.reduce_max(values))))
    ...     def result(self):
    ...         return gt.constant(float(self.best))
    >>> m = Largest()
    >>> float(m([1.0, 5.0, 2.0]))
    5.0
    >>> m.get_config()
    {'name': 'largest', 'dtype': 'float32'}
    """

    def __init__(self, name: str | None = None, dtype: Any = None):
        super().__init__(name=name if name is not None else _auto_name(type(self).__name__))
        self._dtype = as_dtype(dtype) if dtype is not None else np.dtype(np.float32)

    @property
    def dtype(self) -> np.dtype:
        """The dtype of :meth:`result`."""
        return self._dtype

    def add_weight(self, name: str, shape=(), initializer: str = "zeros", dtype: Any = None) -> Variable:
        """A non-trainable state variable named ``<metric name>/<name>``, zeros by default."""
        dt = as_dtype(dtype) if dtype is not None else np.dtype(np.float64)
        if initializer not in ("zeros", None):
            raise ValueError("Metric.add_weight: only the 'zeros' initializer is supported")
        return Variable(np.zeros(tuple(shape), dtype=dt), trainable=False, name=f"{self.name}/{name}")

    def add_variable(self, shape=(), initializer: str = "zeros", dtype: Any = None, aggregation: str = "sum",
                     name: str | None = None) -> Variable:
        """Keras 3's spelling of :meth:`add_weight` (``shape`` first; ``aggregation`` is ignored)."""
        return self.add_weight(name or "variable", shape=shape, initializer=initializer, dtype=dtype)

    def update_state(self, *args: Any, **kwargs: Any) -> None:  # pragma: no cover - abstract
        """Accumulate statistics from a batch."""
        raise NotImplementedError

    def result(self) -> Tensor:  # pragma: no cover - abstract
        """The metric's value from the accumulated statistics."""
        raise NotImplementedError

    def reset_state(self) -> None:
        """Zero every state variable."""
        for v in self.variables:
            v.assign(np.zeros(v.shape, dtype=v.dtype))

    reset_states = reset_state

    def get_config(self) -> dict:
        """The constructor arguments, as Keras's ``get_config`` (``dtype`` as a string)."""
        return {"name": self.name, "dtype": self.dtype.name}

    @classmethod
    def from_config(cls, config: dict) -> "Metric":
        """Rebuild a metric from :meth:`get_config`'s dict."""
        return cls(**config)

    def __call__(self, *args: Any, **kwargs: Any) -> Tensor:
        self.update_state(*args, **kwargs)
        return self.result()


class _Reduce(Metric):
    def __init__(self, name: str | None = None, dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_weight("total")
        self.count = self.add_weight("count")

    def _accumulate(self, values, sample_weight: Any = None, reduce=np.mean) -> None:
        """Keras's per-sample reduction: every axis after the first is reduced with ``reduce``
        (after weighting), so each row of the batch counts once (``sample_weight`` times).
        With ``sample_weight``, a mask on ``values`` also weighs them (Keras)."""
        mask = getattr(values, "_keras_mask", None)
        if (mask is None and type(values) is Tensor and not values.shape and values.dtype.kind in "fiub"
                and (sample_weight is None or type(sample_weight) in (int, float))):
            # a scalar, such as the loss that fit's loss tracker gets at every step, weighted by
            # the batch's size: the general path's result, without its array steps
            w = 1.0 if sample_weight is None else float(sample_weight)
            self.total.assign_add(np.float64(float(values._value) * w))
            self.count.assign_add(np.float64(w))
            return
        if mask is not None and sample_weight is not None:
            sample_weight = _loss_masks.apply_mask(_np(sample_weight), mask, self.dtype, mean=False)
        v = _np(values).astype(np.float64)
        w = None
        if sample_weight is not None:
            w = _np(sample_weight).astype(np.float64)
            # A trailing axis of size 1 on one side only is squeezed (or added), as in Keras.
            v, w = _same_rank(v, w)
            if v.ndim > w.ndim:
                v = reduce(v, axis=tuple(range(w.ndim, v.ndim)))
            try:
                w = np.broadcast_to(w, v.shape)
            except ValueError:
                raise ValueError(f"{self.name}: sample_weight of shape {_np(sample_weight).shape} does "
                                 f"not broadcast to the values' shape {_np(values).shape}") from None
            v = v * w
            if w.ndim > 1:
                w = reduce(w, axis=tuple(range(1, w.ndim)))
        if v.ndim > 1:
            v = reduce(v, axis=tuple(range(1, v.ndim)))
        total = float(np.sum(v))
        if w is not None:
            count = float(np.sum(w))
        else:
            count = float(v.shape[0]) if v.ndim >= 1 else 1.0
        self.total.assign_add(np.float64(total))
        self.count.assign_add(np.float64(count))


class Mean(_Reduce):
    """The (weighted) mean of every value seen since the last reset.

    As in Keras, the mean is over samples: values of rank > 1 are first averaged over every
    axis but the first, so each row of a batch counts once (``sample_weight`` times), however
    many elements it has.

    >>> import gradtape as gt
    >>> m = gt.metrics.Mean()
    >>> m.update_state([1.0, 2.0])
    >>> m.update_state(6.0)
    >>> float(m.result())
    3.0
    >>> m.reset_state()
    >>> m.update_state([[1.0, 1.0, 1.0]])
    >>> m.update_state([[0.0, 0.0, 0.0, 0.0, 0.0]])
    >>> float(m.result())
    0.5
    >>> m.reset_state()
    >>> float(m.result())
    0.0
    """

    def __init__(self, name: str = "mean", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        """Add ``values`` (any shape; each sample, a row along the first axis, counts once, or
        ``sample_weight`` times; a scalar counts as one sample)."""
        self._accumulate(values, sample_weight)

    def result(self) -> Tensor:
        c = float(self.count.numpy())
        return _result(float(self.total.numpy()) / c if c else 0.0, self.dtype)


class Sum(_Reduce):
    """The (weighted) sum of every value seen since the last reset.

    >>> import gradtape as gt
    >>> s = gt.metrics.Sum()
    >>> float(s([1.0, 2.0]))
    3.0
    """

    def __init__(self, name: str = "sum", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        """Add ``values`` (times ``sample_weight`` when given)."""
        self._accumulate(values, sample_weight, reduce=np.sum)

    def result(self) -> Tensor:
        return _result(float(self.total.numpy()), self.dtype)


class MeanMetricWrapper(Mean):
    """The running mean of ``fn(y_true, y_pred, **kwargs)``.

    Without ``name=``, the metric is named after ``fn``.

    >>> import gradtape as gt
    >>> m = gt.metrics.MeanMetricWrapper(gt.losses.mean_absolute_error, name="mae")
    >>> float(m([[0.0, 0.0]], [[1.0, 3.0]]))
    2.0
    """

    def __init__(self, fn: Callable, name: str | None = None, dtype: Any = None, **kwargs: Any):
        super().__init__(name=name or getattr(fn, "__name__", "mean_metric_wrapper"), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add the per-example values of ``fn`` for this batch (a mask on ``y_pred`` weighs
        them, as Keras 3: masked entries do not count)."""
        mask = getattr(y_pred, "_keras_mask", None)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        if mask is not None:
            sample_weight = _loss_masks.apply_mask(
                None if sample_weight is None else _np(sample_weight), mask,
                self.dtype, mean=False)
        self._accumulate(values, sample_weight)

    def get_config(self) -> dict:
        """``name``, ``dtype``, ``fn`` (by name when it has one) and ``fn``'s keyword arguments."""
        fn = getattr(self._fn, "__name__", self._fn)
        return {**super().get_config(), "fn": fn, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict) -> "MeanMetricWrapper":
        """Rebuild the wrapper; a string ``fn`` is looked up among ``gt.metrics``'s functions."""
        config = dict(config)
        if isinstance(config.get("fn"), str):
            from . import _FUNCTIONS
            config["fn"] = _FUNCTIONS[config["fn"]]
        return cls(**config)


class _KerasWrapper(MeanMetricWrapper):
    """A :class:`MeanMetricWrapper` whose config is ``name``, ``dtype`` and the listed kwargs."""

    _config_keys: tuple = ()

    def get_config(self) -> dict:
        cfg = Metric.get_config(self)
        cfg.update({k: self._fn_kwargs[k] for k in self._config_keys})
        return cfg

    @classmethod
    def from_config(cls, config: dict) -> "MeanMetricWrapper":
        return cls(**config)
