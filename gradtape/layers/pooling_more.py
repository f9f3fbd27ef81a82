"""1-D and 3-D pooling layers and the 1-D and 3-D global pools, as Keras 3's (with their aliases)."""

from __future__ import annotations

from typing import Any

import gradtape as gt
from ._layer_args import check_rank, data_format as _data_format, from_last, int_tuple, padding_mode, to_last
from ._masking import as_bool_mask
from .base import Layer

__all__ = ["MaxPooling1D", "AveragePooling1D", "MaxPool1D", "AvgPool1D", "MaxPooling3D", "AveragePooling3D",
           "MaxPool3D", "AvgPool3D", "GlobalAveragePooling1D", "GlobalMaxPooling1D", "GlobalAvgPool1D",
           "GlobalMaxPool1D", "GlobalAveragePooling3D", "GlobalMaxPooling3D", "GlobalAvgPool3D",
           "GlobalMaxPool3D"]

_SHAPES = {1: "steps", 3: "dim1, dim2, dim3"}


def _shape_text(rank: int, fmt: str) -> str:
    if fmt == "channels_first":
        return f"(batch, channels, {_SHAPES[rank]})"
    return f"(batch, {_SHAPES[rank]}, channels)"


class _Pool(Layer):
    _rank = 1
    _op = "max_pool1d"

    def __init__(self, pool_size, strides=None, padding: str = "valid", data_format: str | None = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        who, n = type(self).__name__, self._rank
        self.pool_size = int_tuple(pool_size, n, "pool_size", who)
        self.strides = self.pool_size if strides is None else int_tuple(strides, n, "strides", who)
        self.padding = padding_mode(padding, who)
        self.data_format = _data_format(data_format, who)

    def call(self, inputs):
        check_rank(self, inputs, self._rank + 2, _shape_text(self._rank, self.data_format))
        x = to_last(inputs, self.data_format)
        y = getattr(gt.nn, self._op)(x, [1, *self.pool_size, 1], [1, *self.strides, 1], self.padding.upper())
        return from_last(y, self.data_format)


class MaxPooling1D(_Pool):
    """Maximum over windows of ``pool_size`` steps (strides default to the pool size), as Keras.

    >>> import gradtape as gt
    >>> gt.layers.MaxPooling1D()(gt.constant([[[1.0], [3.0], [2.0], [0.0]]])).numpy()[0, :, 0]
    array([3., 2.], dtype=float32)
    """

    def __init__(self, pool_size: int = 2, strides: int | None = None, padding: str = "valid",
                 data_format: str | None = None, **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling1D(_Pool):
    """Mean over windows of ``pool_size`` steps; with ``"same"`` padding border windows average
    only real inputs. ``pool_size`` has no default, as in Keras.

    >>> import gradtape as gt
    >>> gt.layers.AveragePooling1D(2, strides=1, padding="same")(gt.constant([[[1.0], [3.0]]])).numpy()[0, :, 0]
    array([2., 3.], dtype=float32)
    """

    _op = "avg_pool1d"

    def __init__(self, pool_size: int, strides: int | None = None, padding: str = "valid",
                 data_format: str | None = None, **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling3D(_Pool):
    """Maximum over ``pool_size`` windows of ``(batch, d1, d2, d3, channels)`` volumes, as Keras.

    >>> import gradtape as gt
    >>> gt.layers.MaxPooling3D()(gt.ones((1, 4, 4, 4, 2))).shape
    (1, 2, 2, 2, 2)
    """

    _rank = 3
    _op = "max_pool3d"

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding: str = "valid",
                 data_format: str | None = None, **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling3D(_Pool):
    """Mean over ``pool_size`` windows of ``(batch, d1, d2, d3, channels)`` volumes (``pool_size``
    has no default, as in Keras).

    >>> import gradtape as gt
    >>> gt.layers.AveragePooling3D(pool_size=2)(gt.ones((1, 2, 2, 2, 1))).numpy().ravel()
    array([1.], dtype=float32)
    """

    _rank = 3
    _op = "avg_pool3d"

    def __init__(self, pool_size, strides=None, padding: str = "valid", data_format: str | None = None,
                 **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


MaxPool1D, AvgPool1D, MaxPool3D, AvgPool3D = MaxPooling1D, AveragePooling1D, MaxPooling3D, AveragePooling3D


class _GlobalPool(Layer):
    _rank = 1
    _max = False

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = _data_format(data_format, type(self).__name__)
        self.keepdims = bool(keepdims)

    def _axes(self) -> tuple:
        first = self.data_format == "channels_first"
        return tuple(range(2, self._rank + 2)) if first else tuple(range(1, self._rank + 1))

    def call(self, inputs):
        check_rank(self, inputs, self._rank + 2, _shape_text(self._rank, self.data_format))
        if self._max:
            return gt.reduce_max(inputs, axis=self._axes(), keepdims=self.keepdims)
        return gt.reduce_mean(inputs, axis=self._axes(), keepdims=self.keepdims)


class GlobalAveragePooling1D(_GlobalPool):
    """Mean over the time axis: ``(b, steps, c) -> (b, c)`` (``(b, 1, c)`` with ``keepdims``).

    With a mask of shape ``(b, steps)`` (the input's, e.g. from ``Embedding(mask_zero=True)``,
    or ``mask=`` in the call) only the unmasked steps are averaged, as Keras does; the output
    has no mask.

    >>> import gradtape as gt
    >>> x = gt.constant([[[1.0], [3.0], [8.0]]])
    >>> gt.layers.GlobalAveragePooling1D()(x).numpy()
    array([[4.]], dtype=float32)
    >>> gt.layers.GlobalAveragePooling1D()(x, mask=[[True, True, False]]).numpy()
    array([[2.]], dtype=float32)
    """

    _supports_masking = True

    def compute_mask(self, inputs, mask=None):
        """None: the time axis is gone.

        >>> import gradtape as gt
        >>> gt.layers.GlobalAveragePooling1D().compute_mask(None, gt.constant([[True]])) is None
        True
        """
        return None

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        check_rank(self, inputs, 3, _shape_text(1, self.data_format))
        axes = self._axes()
        m = gt.constant(as_bool_mask(mask))
        m = gt.expand_dims(m, 1 if self.data_format == "channels_first" else 2)
        total = gt.reduce_sum(gt.where(m, inputs, gt.zeros_like(inputs)), axis=axes, keepdims=self.keepdims)
        return total / gt.reduce_sum(gt.cast(m, inputs.dtype), axis=axes, keepdims=self.keepdims)


class GlobalMaxPooling1D(_GlobalPool):
    """Maximum over the time axis: ``(b, steps, c) -> (b, c)``.

    >>> import gradtape as gt
    >>> gt.layers.GlobalMaxPooling1D()(gt.constant([[[1.0], [3.0], [2.0]]])).numpy()
    array([[3.]], dtype=float32)
    """

    _max = True


class GlobalAveragePooling3D(_GlobalPool):
    """Mean over the three spatial axes: ``(b, d1, d2, d3, c) -> (b, c)``.

    >>> import gradtape as gt
    >>> gt.layers.GlobalAveragePooling3D()(gt.ones((2, 3, 3, 3, 4))).shape
    (2, 4)
    """

    _rank = 3


class GlobalMaxPooling3D(_GlobalPool):
    """Maximum over the three spatial axes: ``(b, d1, d2, d3, c) -> (b, c)``.

    >>> import gradtape as gt
    >>> gt.layers.GlobalMaxPooling3D(keepdims=True)(gt.ones((2, 3, 3, 3, 4))).shape
    (2, 1, 1, 1, 4)
    """

    _rank = 3
    _max = True


GlobalAvgPool1D, GlobalMaxPool1D = GlobalAveragePooling1D, GlobalMaxPooling1D
GlobalAvgPool3D, GlobalMaxPool3D = GlobalAveragePooling3D, GlobalMaxPooling3D
