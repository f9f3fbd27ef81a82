"""``Masking``: mark the time steps whose features all equal a padding value, as Keras 3."""

from __future__ import annotations

from typing import Any

import numpy as np

import gradtape as gt
from .base import Layer

__all__ = ["Masking"]


class Masking(Layer):
    """Mask the time steps of ``(batch, time, features)`` inputs whose features all equal
    ``mask_value``, as ``keras.layers.Masking``.

    The output is the input with those steps set to zero, and carries the mask
    ``any(inputs != mask_value, axis=-1)`` (its ``_keras_mask``) for the layers downstream:
    recurrent layers skip the masked steps, ``GlobalAveragePooling1D`` leaves them out of the
    mean, the compiled loss gives them no weight.

    >>> import gradtape as gt
    >>> x = gt.constant([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]])
    >>> y = gt.layers.Masking(mask_value=0.0)(x)
    >>> y._keras_mask.numpy()
    array([[ True, False,  True]])
    >>> gt.layers.LSTM(2)(y).shape  # the masked step keeps the previous state
    (1, 2)
    """

    _supports_masking = True

    def __init__(self, mask_value: float = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.built = True

    def _keep(self, inputs) -> np.ndarray:
        x = inputs._value if isinstance(inputs, gt.Tensor) else np.asarray(inputs)
        return np.any(np.not_equal(x, self.mask_value), axis=-1)

    def compute_mask(self, inputs, mask=None):
        """``any(inputs != mask_value, axis=-1)``.

        >>> import gradtape as gt
        >>> gt.layers.Masking(-1.0).compute_mask(gt.constant([[[-1.0], [2.0]]])).numpy()
        array([[False,  True]])
        """
        return gt.Tensor(self._keep(inputs))

    def call(self, inputs):
        keep = self._keep(inputs)
        outputs = gt.where(keep[..., None], inputs, gt.zeros_like(inputs))
        outputs._keras_mask = gt.Tensor(keep)
        return outputs

