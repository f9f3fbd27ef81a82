"""``gt.metrics``: running metrics with Keras's ``update_state`` / ``result`` / ``reset_state``.

A metric is a :class:`gradtape.Module` whose state lives in non-trainable variables (so a
checkpoint can hold it), updated with ``assign_add`` from NumPy values: updating never records
on a tape. ``result()`` returns a float32 scalar tensor; calling the metric updates it and
returns the result.

>>> import gradtape as gt
>>> acc = gt.metrics.SparseCategoricalAccuracy()
>>> acc.update_state([0, 1], [[0.9, 0.1], [0.8, 0.2]])
>>> float(acc.result())
0.5
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ._engine.tensor import Tensor, Variable, as_dtype, wrap
from .module import Module

__all__ = ["Metric", "Mean", "Sum", "MeanMetricWrapper", "Accuracy", "BinaryAccuracy",
           "CategoricalAccuracy", "SparseCategoricalAccuracy", "accuracy", "binary_accuracy",
           "categorical_accuracy", "sparse_categorical_accuracy"]


def _np(x) -> np.ndarray:
    if isinstance(x, Tensor):
        return np.asarray(x._value)
    return np.asarray(x)


def _same_rank(t: np.ndarray, p: np.ndarray):
    """Squeeze (or, for rank 1, add) a trailing axis of size 1 when the ranks differ by one, as
    Keras does before comparing labels and predictions."""
    if t.ndim == p.ndim + 1 and t.shape[-1] == 1:
        return (t, p[..., None]) if p.ndim == 1 else (t.reshape(t.shape[:-1]), p)
    if p.ndim == t.ndim + 1 and p.shape[-1] == 1:
        return (t[..., None], p) if t.ndim == 1 else (t, p.reshape(p.shape[:-1]))
    return t, p


def accuracy(y_true, y_pred) -> Tensor:
    """1.0 where ``y_true == y_pred``, else 0.0 (float32, elementwise).

    >>> import gradtape as gt
    >>> gt.metrics.accuracy([1, 2], [1, 3]).numpy()
    array([1., 0.], dtype=float32)
    """
    t, p = _same_rank(_np(y_true), _np(y_pred))
    return wrap((t == p).astype(np.float32))


def binary_accuracy(y_true, y_pred, threshold: float = 0.5) -> Tensor:
    """1.0 where ``(y_pred > threshold) == y_true``, else 0.0 (float32, elementwise, as Keras 3;
    :class:`BinaryAccuracy` averages each sample's values).

    >>> import gradtape as gt
    >>> gt.metrics.binary_accuracy([[1.0, 0.0]], [[0.7, 0.6]]).numpy()
    array([[1., 0.]], dtype=float32)
    """
    t, p = _same_rank(_np(y_true), _np(y_pred))
    return wrap(((p > threshold).astype(np.float32) == t.astype(np.float32)).astype(np.float32))


def categorical_accuracy(y_true, y_pred) -> Tensor:
    """1.0 where ``argmax(y_true) == argmax(y_pred)`` on the last axis.

    >>> import gradtape as gt
    >>> gt.metrics.categorical_accuracy([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]]).numpy()
    array([1., 0.], dtype=float32)
    """
    t, p = _np(y_true), _np(y_pred)
    return wrap((np.argmax(t, axis=-1) == np.argmax(p, axis=-1)).astype(np.float32))


def sparse_categorical_accuracy(y_true, y_pred) -> Tensor:
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


class Metric(Module):
    """Base class: subclasses implement ``update_state``, ``result`` and (optionally) ``reset_state``.

    :meth:`add_weight` creates non-trainable float64 state variables, zeroed by the default
    :meth:`reset_state`.

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
    """

    def __init__(self, name: str | None = None, dtype: Any = None):
        super().__init__(name=name)
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

    def __call__(self, *args: Any, **kwargs: Any) -> Tensor:
        self.update_state(*args, **kwargs)
        return self.result()


class _Reduce(Metric):
    def __init__(self, name: str | None = None, dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_weight("total")
        self.count = self.add_weight("count")

    def _accumulate(self, values, sample_weight=None, reduce=np.mean) -> None:
        """Keras's per-sample reduction: every axis after the first is reduced with ``reduce``
        (after weighting), so each row of the batch counts once (``sample_weight`` times)."""
        v = _np(values).astype(np.float64)
        w = None
        if sample_weight is not None:
            w = _np(sample_weight).astype(np.float64)
            # A trailing axis of size 1 on one side only is squeezed (or added), as in Keras.
            if v.ndim == w.ndim + 1 and v.shape[-1] == 1:
                if w.ndim == 1:
                    w = w[:, None]
                else:
                    v = v.reshape(v.shape[:-1])
            elif w.ndim == v.ndim + 1 and w.shape[-1] == 1:
                if v.ndim == 1:
                    v = v[:, None]
                else:
                    w = w.reshape(w.shape[:-1])
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

    def update_state(self, values, sample_weight=None) -> None:
        """Add ``values`` (any shape; each sample, a row along the first axis, counts once, or
        ``sample_weight`` times; a scalar counts as one sample)."""
        self._accumulate(values, sample_weight)

    def result(self) -> Tensor:
        c = float(self.count.numpy())
        return wrap(np.asarray(float(self.total.numpy()) / c if c else 0.0, dtype=self.dtype))


class Sum(_Reduce):
    """The (weighted) sum of every value seen since the last reset.

    >>> import gradtape as gt
    >>> s = gt.metrics.Sum()
    >>> float(s([1.0, 2.0]))
    3.0
    """

    def __init__(self, name: str = "sum", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, values, sample_weight=None) -> None:
        """Add ``values`` (times ``sample_weight`` when given)."""
        self._accumulate(values, sample_weight, reduce=np.sum)

    def result(self) -> Tensor:
        return wrap(np.asarray(float(self.total.numpy()), dtype=self.dtype))


class MeanMetricWrapper(Mean):
    """The running mean of ``fn(y_true, y_pred)``.

    >>> import gradtape as gt
    >>> m = gt.metrics.MeanMetricWrapper(gt.losses.mean_absolute_error, name="mae")
    >>> float(m([[0.0, 0.0]], [[1.0, 3.0]]))
    2.0
    """

    def __init__(self, fn: Callable, name: str | None = None, dtype: Any = None, **kwargs: Any):
        super().__init__(name=name or getattr(fn, "__name__", "mean_metric_wrapper"), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        """Add the per-example values of ``fn`` for this batch."""
        self._accumulate(self._fn(y_true, y_pred, **self._fn_kwargs), sample_weight)


class Accuracy(MeanMetricWrapper):
    """How often ``y_pred`` equals ``y_true`` exactly (for class ids, not scores).

    >>> import gradtape as gt
    >>> m = gt.metrics.Accuracy()
    >>> float(m([1, 2, 3, 4], [0, 2, 3, 4]))
    0.75
    """

    def __init__(self, name: str = "accuracy", dtype: Any = None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` matches the 0/1 label.

    >>> import gradtape as gt
    >>> float(gt.metrics.BinaryAccuracy()([[1.0], [0.0]], [[0.9], [0.7]]))
    0.5
    """

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=float(threshold))


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class (argmax) equals the one-hot label's class.

    >>> import gradtape as gt
    >>> float(gt.metrics.CategoricalAccuracy()([[0, 1]], [[0.3, 0.7]]))
    1.0
    """

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class (argmax of the scores) equals the integer label.

    >>> import gradtape as gt
    >>> m = gt.metrics.SparseCategoricalAccuracy()
    >>> float(m([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]]))
    0.5
    """

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)
