"""``Embedding``: rows of a trainable table looked up by integer ids."""

from __future__ import annotations

from typing import Any

import numpy as np

import gradtape as gt
from ._regularization import set_weight_options, weight_options
from .base import Layer

__all__ = ["Embedding"]


class Embedding(Layer):
    """Map integer ids in ``[0, input_dim)`` to rows of an ``(input_dim, output_dim)`` table.

    The lookup is a ``gt.gather``, so the table's gradient is a :class:`gradtape.IndexedSlices`
    holding only the rows that were used; the optimizers update only those rows.
    ``embeddings_regularizer`` penalizes the whole table (in ``losses``) and
    ``embeddings_constraint`` projects it after each optimizer update.

    >>> import gradtape as gt
    >>> emb = gt.layers.Embedding(10, 3)
    >>> emb(gt.constant([[1, 2], [3, 4]])).shape
    (2, 2, 3)
    >>> x = gt.constant([[1, 1]])
    >>> with gt.GradientTape() as tape:
    ...     y = gt.reduce_sum(emb(x))
    >>> type(tape.gradient(y, emb.embeddings)).__name__
    'IndexedSlices'

    With ``mask_zero=True`` id 0 is padding: the output carries the mask ``ids != 0`` (its
    ``_keras_mask``), which masking layers downstream (recurrent layers, attention, pooling,
    the compiled loss) use, as in Keras; ``input_dim`` then counts id 0 too.

    >>> out = gt.layers.Embedding(10, 3, mask_zero=True)(gt.constant([[4, 2, 0]]))
    >>> out._keras_mask.numpy()
    array([[ True,  True, False]])
    """

    _cast_integer_inputs = False

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer: Any = "uniform",
                 embeddings_regularizer: Any = None, embeddings_constraint: Any = None,
                 mask_zero: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        if int(input_dim) <= 0 or int(output_dim) <= 0:
            raise ValueError(f"Embedding: input_dim and output_dim must be positive, got "
                             f"{input_dim} and {output_dim}")
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = embeddings_initializer
        set_weight_options(self, embeddings_regularizer=embeddings_regularizer,
                           embeddings_constraint=embeddings_constraint)

    def __call__(self, inputs, *args, **kwargs):
        if self._layer_dtype is None:
            self._layer_dtype = np.dtype(np.float32)  # the ids' dtype says nothing about the table's
        return super().__call__(inputs, *args, **kwargs)

    def build(self, input_shape) -> None:
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          self.embeddings_initializer, **weight_options(self, "embeddings"))

    def compute_mask(self, inputs, mask=None):
        """``inputs != 0`` with ``mask_zero``, else None.

        >>> import gradtape as gt
        >>> gt.layers.Embedding(5, 2, mask_zero=True).compute_mask(gt.constant([[1, 0]])).numpy()
        array([[ True, False]])
        """
        if not self.mask_zero:
            return None
        ids = inputs._value if isinstance(inputs, gt.Tensor) else np.asarray(inputs)
        return gt.Tensor(np.not_equal(ids, 0))

    def call(self, inputs):
        ids = inputs.numpy() if isinstance(inputs, gt.Tensor) else np.asarray(inputs)
        if ids.dtype.kind not in "iu":
            if ids.dtype.kind == "f" and np.all(ids == np.round(ids)):
                ids = ids.astype(np.int64)
            else:
                raise TypeError(f"{self.name}: ids must be integers, got dtype {ids.dtype.name}")
        if ids.size and (ids.min() < 0 or ids.max() >= self.input_dim):
            raise IndexError(f"{self.name}: ids must be in [0, {self.input_dim}), got values from "
                             f"{ids.min()} to {ids.max()}")
        return gt.gather(self.embeddings, ids)
