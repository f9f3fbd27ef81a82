"""``gt.losses``: Keras's loss functions and classes.

The functions return one loss per example (the mean or sum over the last axis, as Keras);
the classes reduce that to a scalar (by default the mean over every remaining element,
Keras's ``"sum_over_batch_size"``) and take ``from_logits`` and ``sample_weight``. Labels are
cast to the predictions' dtype; probabilities are clipped to ``[1e-7, 1 - 1e-7]`` before
logarithms, as in Keras, so nothing is infinite.

>>> import gradtape as gt
>>> gt.losses.mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]]).numpy()
array([0.5], dtype=float32)
>>> loss = gt.losses.SparseCategoricalCrossentropy(from_logits=True)
>>> round(float(loss([1, 0], [[0.0, 0.0], [0.0, 0.0]])), 4)
0.6931
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

import gradtape as gt
from . import _loss_masks
from ._engine.tensor import Tensor

__all__ = [
    "mean_squared_error", "mean_absolute_error", "huber", "binary_crossentropy",
    "categorical_crossentropy", "sparse_categorical_crossentropy", "kl_divergence",
    "mse", "mae", "kld", "MSE", "MAE", "KLD",
    "Loss", "MeanSquaredError", "MeanAbsoluteError", "Huber", "BinaryCrossentropy",
    "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "KLDivergence", "get",
]

EPSILON = 1e-7


def _pred(y_pred) -> Tensor:
    return y_pred if isinstance(y_pred, Tensor) else gt.constant(y_pred)


def _true(y_true, like: Tensor) -> Tensor:
    if isinstance(y_true, Tensor):
        return y_true if y_true.dtype == like.dtype else gt.cast(y_true, like.dtype)
    return gt.constant(np.asarray(y_true), dtype=like.dtype)


def _check_shapes(y_true, y_pred, fn: str) -> None:
    try:
        np.broadcast_shapes(tuple(y_true.shape), tuple(y_pred.shape))
    except ValueError:
        raise ValueError(f"{fn}: y_true of shape {tuple(y_true.shape)} and y_pred of shape "
                         f"{tuple(y_pred.shape)} are incompatible") from None


def _same_rank(y_true, y_pred):
    """Keras's ``squeeze_or_expand_to_same_rank``: when the ranks differ by one and the longer
    one ends in a size-1 axis, a rank-1 tensor gains that axis and otherwise the longer loses
    it, so labels ``(batch,)`` meet predictions ``(batch, 1)`` row by row (not broadcast to
    ``(batch, batch)``).

    >>> import gradtape as gt
    >>> t, p = gt.losses._same_rank(gt.zeros((4,)), gt.zeros((4, 1)))
    >>> t.shape, p.shape
    ((4, 1), (4, 1))
    """
    r1, r2 = len(y_true.shape), len(y_pred.shape)
    if r1 == r2 + 1 and y_true.shape[-1] == 1:
        if r2 == 1:
            y_pred = gt.expand_dims(y_pred, -1)
        else:
            y_true = gt.squeeze(y_true, -1)
    elif r2 == r1 + 1 and y_pred.shape[-1] == 1:
        if r1 == 1:
            y_true = gt.expand_dims(y_true, -1)
        else:
            y_pred = gt.squeeze(y_pred, -1)
    return y_true, y_pred


def _prep(y_true, y_pred, fn: str):
    p = _pred(y_pred)
    if p.dtype.kind != "f":
        p = gt.cast(p, gt.float32)
    t, p = _same_rank(_true(y_true, p), p)
    _check_shapes(t, p, fn)
    return t, p


def mean_squared_error(y_true, y_pred) -> Tensor:
    """``mean((y_pred - y_true)**2, axis=-1)``.

    >>> import gradtape as gt
    >>> gt.losses.mean_squared_error([1.0, 2.0], [1.0, 4.0]).numpy()
    np.float32(2.0)
    """
    t, p = _prep(y_true, y_pred, "mean_squared_error")
    return gt.reduce_mean(gt.square(p - t), axis=-1)


def mean_absolute_error(y_true, y_pred) -> Tensor:
    """``mean(|y_pred - y_true|, axis=-1)``.

    >>> import gradtape as gt
    >>> gt.losses.mean_absolute_error([[1.0, 2.0]], [[2.0, 0.0]]).numpy()
    array([1.5], dtype=float32)
    """
    t, p = _prep(y_true, y_pred, "mean_absolute_error")
    return gt.reduce_mean(gt.abs(p - t), axis=-1)


def huber(y_true, y_pred, delta: float = 1.0) -> Tensor:
    """Mean over the last axis of ``0.5 * e**2`` where ``|e| <= delta``, else ``delta * (|e| - 0.5 * delta)``.

    >>> import gradtape as gt
    >>> gt.losses.huber([[0.0, 0.0]], [[0.5, 3.0]]).numpy()
    array([1.3125], dtype=float32)
    """
    t, p = _prep(y_true, y_pred, "huber")
    err = p - t
    a = gt.abs(err)
    delta = float(delta)
    quad = 0.5 * gt.square(err)
    lin = delta * a - 0.5 * delta * delta
    return gt.reduce_mean(gt.where(a <= delta, quad, lin), axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits: bool = False, label_smoothing: float = 0.0,
                        axis: int = -1) -> Tensor:
    """Mean binary cross entropy over ``axis`` (the last) for probabilities or logits.

    Probabilities are clipped to ``[1e-7, 1 - 1e-7]`` and their logarithms taken directly, as
    in Keras: a prediction of exactly 0 for a label 1 costs ``-log(1e-7)`` (about 16.12).

    >>> import gradtape as gt
    >>> round(float(gt.losses.binary_crossentropy([1.0, 0.0], [0.5, 0.5])), 4)
    0.6931
    >>> round(float(gt.losses.binary_crossentropy([1.0], [0.0], from_logits=True)), 4)
    0.6931
    """
    t, p = _prep(y_true, y_pred, "binary_crossentropy")
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        per = gt.nn.sigmoid_cross_entropy_with_logits(labels=t, logits=p)
    else:
        q = gt.clip_by_value(p, EPSILON, 1.0 - EPSILON)
        per = -(t * gt.log(q) + (1.0 - t) * gt.log(1.0 - q))
    return gt.reduce_mean(per, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits: bool = False, label_smoothing: float = 0.0,
                             axis: int = -1) -> Tensor:
    """Cross entropy ``-sum(y_true * log(p), axis)`` for one-hot (or soft) labels.

    Probabilities are renormalized to sum to one along ``axis`` and clipped, as in Keras.
    ``label_smoothing`` spreads its mass over the classes along ``axis`` (Keras divides by the
    size of the last axis even when ``axis`` is another one).

    >>> import gradtape as gt
    >>> round(float(gt.losses.categorical_crossentropy([0.0, 1.0], [0.5, 0.5])), 4)
    0.6931
    """
    t, p = _prep(y_true, y_pred, "categorical_crossentropy")
    if label_smoothing:
        n = p.shape[axis]
        t = t * (1.0 - label_smoothing) + label_smoothing / n
    if from_logits:
        return -gt.reduce_sum(t * gt.nn.log_softmax(p, axis=axis), axis=axis)
    q = p / gt.reduce_sum(p, axis=axis, keepdims=True)
    q = gt.clip_by_value(q, EPSILON, 1.0 - EPSILON)
    return -gt.reduce_sum(t * gt.log(q), axis=axis)


def _int_labels(y_true, logits_shape, fn: str) -> np.ndarray:
    lab = np.asarray(y_true.numpy() if isinstance(y_true, Tensor) else y_true)
    if lab.dtype.kind == "f":
        if not np.all(lab == np.round(lab)):
            raise ValueError(f"{fn}: labels must be integer class ids, got non-integer values")
        lab = lab.astype(np.int64)
    elif lab.dtype.kind not in "iu":
        raise TypeError(f"{fn}: labels must be integer class ids, got dtype {lab.dtype.name}")
    want = tuple(logits_shape[:-1])
    if lab.shape != want:
        if lab.ndim == len(logits_shape) and lab.shape[-1] == 1 and lab.shape[:-1] == want:
            lab = lab.reshape(want)
        elif lab.size == int(np.prod(want)):
            lab = lab.reshape(want)
        else:
            raise ValueError(f"{fn}: labels of shape {lab.shape} do not match predictions of shape "
                             f"{tuple(logits_shape)} (expected {want})")
    return lab


def sparse_categorical_crossentropy(y_true, y_pred, from_logits: bool = False, axis: int = -1) -> Tensor:
    """Cross entropy for integer class ids ``y_true`` against class scores on the last axis.

    Labels of shape ``(batch,)`` or ``(batch, 1)`` are accepted.

    >>> import gradtape as gt
    >>> round(float(gt.losses.sparse_categorical_crossentropy([1], [[0.5, 0.5]])[0]), 4)
    0.6931
    """
    p = _pred(y_pred)
    if p.dtype.kind != "f":
        p = gt.cast(p, gt.float32)
    if axis not in (-1, p.ndim - 1):
        nd = p.ndim
        perm = [i for i in range(nd) if i != axis % nd] + [axis % nd]
        p = gt.transpose(p, perm)
    lab = _int_labels(y_true, p.shape, "sparse_categorical_crossentropy")
    n = p.shape[-1]
    if lab.size and (lab.min() < 0 or lab.max() >= n):
        raise ValueError(f"sparse_categorical_crossentropy: labels must be in [0, {n}), got values "
                         f"from {lab.min()} to {lab.max()}")
    logits = p if from_logits else gt.log(gt.clip_by_value(p, EPSILON, 1.0 - EPSILON))
    return gt.nn.sparse_softmax_cross_entropy_with_logits(labels=lab, logits=logits)


def kl_divergence(y_true, y_pred) -> Tensor:
    """``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to ``[1e-7, 1]``.

    >>> import gradtape as gt
    >>> round(float(gt.losses.kl_divergence([0.5, 0.5], [0.25, 0.75])), 4)
    0.1438
    """
    t, p = _prep(y_true, y_pred, "kl_divergence")
    t = gt.clip_by_value(t, EPSILON, 1.0)
    p = gt.clip_by_value(p, EPSILON, 1.0)
    return gt.reduce_sum(t * gt.log(t / p), axis=-1)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
kld = KLD = kl_divergence


# -- classes ---------------------------------------------------------------------------------
_REDUCTIONS = ("sum_over_batch_size", "sum", "none", "auto", None)


class Loss:
    """Base class: wraps a per-example loss function and reduces it, as ``tf.keras.losses.Loss``.

    ``reduction`` is ``"sum_over_batch_size"`` (the default: sum of the weighted losses
    divided by their number), ``"sum"`` or ``"none"``. A mask on ``y_pred`` (its
    ``_keras_mask``, from masking layers) weighs the losses as Keras 3 does: with the default
    reduction the result is the mean over the unmasked entries.

    >>> import gradtape as gt
    >>> class Cubic(gt.losses.Loss):
    ...     def call(self, y_true, y_pred):
    ...         return gt.reduce_mean((y_pred - y_true) ** 3, axis=-1)
    >>> float(Cubic()([[0.0]], [[2.0]]))
    8.0
    """

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str | None = None):
        if reduction not in _REDUCTIONS:
            raise ValueError(f"{type(self).__name__}: reduction must be one of "
                             f"'sum_over_batch_size', 'sum', 'none', got {reduction!r}")
        self.reduction = "sum_over_batch_size" if reduction in ("auto", None) else reduction
        self.name = name or _snake(type(self).__name__)

    def call(self, y_true, y_pred) -> Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, y_true, y_pred, sample_weight=None) -> Tensor:
        in_mask = getattr(y_pred, "_keras_mask", None)
        y_pred = _pred(y_pred)
        y_true = y_true if isinstance(y_true, Tensor) else gt.constant(np.asarray(y_true))
        losses = self.call(y_true, y_pred)
        mask = _loss_masks.combine_masks(in_mask, getattr(losses, "_keras_mask", None))
        if mask is not None:  # Keras: the mask of y_pred weighs the losses (see _loss_masks)
            sample_weight = _loss_masks.apply_mask(sample_weight, mask, losses.dtype,
                                                   self.reduction == "sum_over_batch_size")
        if sample_weight is not None:
            sw = sample_weight if isinstance(sample_weight, Tensor) else gt.constant(
                np.asarray(sample_weight), dtype=losses.dtype)
            if sw.dtype != losses.dtype:
                sw = gt.cast(sw, losses.dtype)
            if sw.ndim > losses.ndim and sw.shape[-1] == 1:
                sw = gt.reshape(sw, tuple(sw.shape[:-1]))
            while sw.ndim < losses.ndim:
                sw = gt.expand_dims(sw, -1)
            losses = losses * sw
        if self.reduction == "none":
            return losses
        total = gt.reduce_sum(losses)
        if self.reduction == "sum":
            return total
        n = max(int(np.prod(losses.shape)), 1)
        return total / float(n)

    def get_config(self) -> dict:
        """The constructor arguments."""
        return {"reduction": self.reduction, "name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> "Loss":
        """Rebuild a loss from :meth:`get_config`'s dict."""
        return cls(**config)


def _snake(name: str) -> str:
    import re
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


class _FnLoss(Loss):
    _fn: Callable = staticmethod(mean_squared_error)

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str | None = None,
                 **fn_kwargs: Any):
        super().__init__(reduction=reduction, name=name)
        self._fn_kwargs = fn_kwargs

    def call(self, y_true, y_pred) -> Tensor:
        return type(self)._fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        return {**super().get_config(), **self._fn_kwargs}


class MeanSquaredError(_FnLoss):
    """Mean of :func:`mean_squared_error` over the batch.

    >>> import gradtape as gt
    >>> float(gt.losses.MeanSquaredError()([[0.0], [0.0]], [[1.0], [3.0]]))
    5.0
    """

    _fn = staticmethod(mean_squared_error)

    def __init__(self, reduction: str | None = "sum_over_batch_size",
                 name: str | None = "mean_squared_error"):
        super().__init__(reduction=reduction, name=name)


class MeanAbsoluteError(_FnLoss):
    """Mean of :func:`mean_absolute_error` over the batch.

    >>> import gradtape as gt
    >>> float(gt.losses.MeanAbsoluteError()([[0.0], [0.0]], [[1.0], [-3.0]]))
    2.0
    """

    _fn = staticmethod(mean_absolute_error)

    def __init__(self, reduction: str | None = "sum_over_batch_size",
                 name: str | None = "mean_absolute_error"):
        super().__init__(reduction=reduction, name=name)


class Huber(_FnLoss):
    """Mean of :func:`huber` over the batch.

    >>> import gradtape as gt
    >>> float(gt.losses.Huber(delta=1.0)([[0.0]], [[3.0]]))
    2.5
    """

    _fn = staticmethod(huber)

    def __init__(self, delta: float = 1.0, reduction: str | None = "sum_over_batch_size",
                 name: str | None = "huber_loss"):
        super().__init__(reduction=reduction, name=name, delta=float(delta))


class BinaryCrossentropy(_FnLoss):
    """Mean of :func:`binary_crossentropy` over the batch (``from_logits`` for raw scores).

    >>> import gradtape as gt
    >>> bce = gt.losses.BinaryCrossentropy(from_logits=True)
    >>> round(float(bce([[1.0], [0.0]], [[0.0], [0.0]])), 4)
    0.6931
    """

    _fn = staticmethod(binary_crossentropy)

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: str | None = "sum_over_batch_size", name: str | None = "binary_crossentropy"):
        super().__init__(reduction=reduction, name=name, from_logits=bool(from_logits),
                         label_smoothing=float(label_smoothing), axis=axis)


class CategoricalCrossentropy(_FnLoss):
    """Mean of :func:`categorical_crossentropy` over the batch (one-hot labels).

    >>> import gradtape as gt
    >>> cce = gt.losses.CategoricalCrossentropy(from_logits=True)
    >>> round(float(cce([[1.0, 0.0]], [[0.0, 0.0]])), 4)
    0.6931
    """

    _fn = staticmethod(categorical_crossentropy)

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: str | None = "sum_over_batch_size",
                 name: str | None = "categorical_crossentropy"):
        super().__init__(reduction=reduction, name=name, from_logits=bool(from_logits),
                         label_smoothing=float(label_smoothing), axis=axis)


class SparseCategoricalCrossentropy(_FnLoss):
    """Mean of :func:`sparse_categorical_crossentropy` over the batch (integer labels).

    >>> import gradtape as gt
    >>> scce = gt.losses.SparseCategoricalCrossentropy()
    >>> round(float(scce([0, 1], [[0.5, 0.5], [0.5, 0.5]])), 4)
    0.6931
    """

    _fn = staticmethod(sparse_categorical_crossentropy)

    def __init__(self, from_logits: bool = False, axis: int = -1,
                 reduction: str | None = "sum_over_batch_size",
                 name: str | None = "sparse_categorical_crossentropy"):
        super().__init__(reduction=reduction, name=name, from_logits=bool(from_logits), axis=axis)


class KLDivergence(_FnLoss):
    """Mean of :func:`kl_divergence` over the batch.

    >>> import gradtape as gt
    >>> round(float(gt.losses.KLDivergence()([[0.5, 0.5]], [[0.25, 0.75]])), 4)
    0.1438
    """

    _fn = staticmethod(kl_divergence)

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str | None = "kl_divergence"):
        super().__init__(reduction=reduction, name=name)


_BY_NAME = {
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error, "huber": huber,
    "binary_crossentropy": binary_crossentropy, "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "kl_divergence": kl_divergence, "kld": kl_divergence,
}
_CLASSES = {c.__name__: c for c in (MeanSquaredError, MeanAbsoluteError, Huber, BinaryCrossentropy,
                                    CategoricalCrossentropy, SparseCategoricalCrossentropy, KLDivergence)}


def get(identifier: Any) -> Callable:
    """A loss from a function name (``"mse"``), a class name (``"Huber"``), or a callable.

    >>> import gradtape as gt
    >>> gt.losses.get("mse").__name__
    'mean_squared_error'
    """
    if isinstance(identifier, str):
        if identifier in _CLASSES:
            return _CLASSES[identifier]()
        fn = _BY_NAME.get(identifier.lower())
        if fn is None:
            known = ", ".join(sorted(_BY_NAME) + sorted(_CLASSES))
            raise ValueError(f"Unknown loss {identifier!r}; known: {known}")
        return fn
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret loss identifier: {identifier!r}")
