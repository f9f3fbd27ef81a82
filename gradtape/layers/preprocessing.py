"""Preprocessing layers: Rescaling, and Normalization with ``adapt(data)``, as Keras 3's."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

import gradtape as gt
from .._engine.tensor import Tensor
from .base import InputSpecError, Layer

__all__ = ["Rescaling", "Normalization"]


class Rescaling(Layer):
    """``inputs * scale + offset`` (for example ``scale=1/255`` to map pixels to ``[0, 1]``).

    ``scale`` and ``offset`` are numbers or arrays broadcast against the inputs; integer inputs
    are cast to the layer's dtype (float32 by default) first, as Keras does.

    >>> import gradtape as gt
    >>> gt.layers.Rescaling(1.0 / 127.5, offset=-1)(gt.constant([[0, 255]], dtype=gt.uint8)).numpy()
    array([[-1.,  1.]], dtype=float32)
    """

    _supports_masking = True  # passes the input's mask on, as in Keras

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        for name, v in (("scale", scale), ("offset", offset)):
            a = np.asarray(v.numpy() if isinstance(v, Tensor) else v)
            if a.dtype.kind not in "iuf":
                raise TypeError(f"Rescaling: `{name}` must be a number or an array of numbers, got {name}={v!r}")
        self.scale, self.offset = scale, offset

    def call(self, inputs):
        dt = inputs.dtype
        scale = gt.constant(np.asarray(self.scale.numpy() if isinstance(self.scale, Tensor) else self.scale), dt)
        offset = gt.constant(np.asarray(self.offset.numpy() if isinstance(self.offset, Tensor) else self.offset), dt)
        return inputs * scale + offset


def _first(batch):
    return batch[0] if isinstance(batch, tuple) else batch


class Normalization(Layer):
    """Standardize features: ``(x - mean) / max(sqrt(variance), 1e-7)``, as ``keras.layers.Normalization``.

    ``axis`` (the last by default; an int, a tuple, or None for one scalar mean) lists the axes
    that keep their own statistics; the others are averaged over. The statistics are either
    given (``mean`` and ``variance``) or computed by :meth:`adapt` from data. ``invert=True``
    maps standardized values back: ``mean + x * max(sqrt(variance), 1e-7)``.

    Without given statistics the layer has Keras's three non-trainable weights ``mean``,
    ``variance`` and ``count`` (so ``set_weights(keras_layer.get_weights())`` loads them).

    >>> import gradtape as gt
    >>> norm = gt.layers.Normalization()
    >>> norm.adapt(gt.constant([[0.0, 10.0], [2.0, 30.0]]))
    >>> norm(gt.constant([[1.0, 20.0]])).numpy()
    array([[0., 0.]], dtype=float32)
    >>> norm.mean.numpy()
    array([ 1., 20.], dtype=float32)
    """

    _supports_masking = True  # passes the input's mask on, as in Keras

    def __init__(self, axis: Any = -1, mean: Any = None, variance: Any = None, invert: bool = False,
                 **kwargs: Any):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int) and not isinstance(axis, bool):
            axis = (axis,)
        elif isinstance(axis, (list, tuple)) and all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
            axis = tuple(axis)
        else:
            raise TypeError(f"Normalization: `axis` must be an int, a tuple of ints or None, got axis={axis!r}")
        self.axis = axis
        self.invert = bool(invert)
        if (mean is None) != (variance is None):
            raise ValueError(f"Normalization: when setting values directly, both `mean` and `variance` must be "
                             f"set, got mean={mean!r} and variance={variance!r}")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(f"Normalization: `mean` and `variance` must have the same shape, got "
                                 f"{np.shape(mean)} and {np.shape(variance)}")
            if np.ndim(mean) > len(self.axis):
                raise ValueError(f"Normalization: the rank of `mean` ({np.ndim(mean)}) must be at most the "
                                 f"number of axes in axis={self.axis}")
        self.input_mean, self.input_variance = mean, variance

    def build(self, input_shape) -> None:
        nd = len(input_shape)
        if any(not -nd <= a < nd for a in self.axis):
            raise InputSpecError(f"{self.name}: every `axis` value must be in [-{nd}, {nd}) for inputs of shape "
                                 f"{tuple(input_shape)}, got axis={self.axis}")
        self._input_shape = tuple(input_shape)
        self._keep = tuple(sorted(a % nd for a in self.axis))
        self._reduce = tuple(d for d in range(nd) if d not in self._keep)
        self._bshape = tuple(int(input_shape[d]) if d in self._keep else 1 for d in range(nd))
        self._stat_shape = tuple(int(input_shape[d]) for d in self._keep)
        if self.input_mean is None:
            self.mean = self.add_weight("mean", self._stat_shape, "zeros", trainable=False)
            self.variance = self.add_weight("variance", self._stat_shape, "ones", trainable=False)
            self.count = self.add_weight("count", (), "zeros", trainable=False, dtype=np.int64)
        else:
            shape = [1] * nd
            mean, var = np.asarray(self.input_mean), np.asarray(self.input_variance)
            for i in range(1, mean.ndim + 1):
                shape[self._keep[-i]] = mean.shape[-i]
            dt = self.dtype or np.dtype(np.float32)
            self._fixed = (np.broadcast_to(mean.reshape(shape), self._bshape).astype(dt),
                           np.broadcast_to(var.reshape(shape), self._bshape).astype(dt))

    def _stats(self, dtype):
        if self.input_mean is not None:
            return gt.constant(self._fixed[0], dtype), gt.constant(self._fixed[1], dtype)
        mean, var = gt.reshape(self.mean, self._bshape), gt.reshape(self.variance, self._bshape)
        if mean.dtype != dtype:
            mean, var = gt.cast(mean, dtype), gt.cast(var, dtype)
        return mean, var

    def adapt(self, data: Any) -> None:
        """Compute the mean and variance of ``data`` over the axes not in ``axis``.

        ``data`` is an array, a tensor, a ``gt.data.Dataset`` or an iterable of batches (a
        tuple batch contributes its first element); batches are merged exactly, as Keras does.
        A dataset of single examples of rank 1 is batched by 128 first.
        """
        if isinstance(data, (np.ndarray, Tensor)):
            batches: Any = [data]
            first = data
        else:
            spec = getattr(data, "element_spec", None)
            if spec is not None and hasattr(data, "batch"):
                spec = _first(spec)
                if len(spec.shape) == 1:
                    data = data.batch(128)
            if not hasattr(data, "__iter__"):
                raise TypeError(f"{self.name}.adapt: expected an array, a tensor, a dataset or an iterable of "
                                f"batches, got {type(data).__name__}")
            it = iter(data)
            first = next(it, None)
            if first is None:
                raise ValueError(f"{self.name}.adapt: received no data (an empty iterable)")
            first = _first(first)
            batches = itertools.chain([first], (_first(b) for b in it))
        shape = tuple(np.shape(first))
        if self._layer_dtype is None:
            kind = np.dtype(getattr(first, "dtype", np.float32)).kind
            self._layer_dtype = np.dtype(first.dtype) if kind == "f" else np.dtype(np.float32)
        if not self.built:
            self.build(shape)
        if self.input_mean is not None:
            raise ValueError(f"{self.name}.adapt: the layer was given `mean` and `variance`; adapt cannot change them")
        total_mean = np.zeros(self._stat_shape)
        total_var = np.zeros(self._stat_shape)
        total = 0
        for batch in batches:
            b = np.asarray(batch.numpy() if isinstance(batch, Tensor) else batch, dtype=np.float64)
            if b.ndim != len(self._input_shape) or any(b.shape[d] != self._input_shape[d] for d in self._keep):
                raise InputSpecError(f"{self.name}.adapt: the layer was built for inputs of shape "
                                     f"{self._input_shape}, got a batch of shape {b.shape}")
            n = int(np.prod([b.shape[d] for d in self._reduce])) if self._reduce else 1
            bm, bv = b.mean(axis=self._reduce), b.var(axis=self._reduce)
            total += n
            w = n / total
            new_mean = total_mean * (1 - w) + bm * w
            total_var = ((total_var + (total_mean - new_mean) ** 2) * (1 - w)
                         + (bv + (bm - new_mean) ** 2) * w)
            total_mean = new_mean
        self.mean.assign(total_mean.astype(self.mean.dtype))
        self.variance.assign(total_var.astype(self.variance.dtype))

    def call(self, inputs):
        nd = len(self._bshape)
        if inputs.ndim != nd or any(inputs.shape[d] != self._bshape[d] for d in self._keep):
            raise InputSpecError(f"{self.name}: built for inputs of shape {self._input_shape} (axis {self.axis} "
                                 f"kept), got shape {tuple(inputs.shape)}")
        mean, var = self._stats(inputs.dtype)
        std = gt.maximum(gt.sqrt(var), gt.cast(1e-7, inputs.dtype))
        if self.invert:
            return mean + inputs * std
        return (inputs - mean) / std
