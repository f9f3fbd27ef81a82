"""``Sequential``: a plain stack of layers, each feeding the next."""

from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np

from .._engine.tensor import Tensor
from .base import Layer, call_layer

__all__ = ["Sequential"]


def _with_mask(inputs, mask):
    """``inputs`` carrying ``mask`` (Keras sets a mask given to a model on its input)."""
    if mask is None:
        return inputs
    if isinstance(inputs, np.ndarray):
        inputs = Tensor(inputs)
    if isinstance(inputs, Tensor) and inputs._keras_mask is None:
        inputs._keras_mask = mask if isinstance(mask, Tensor) else Tensor(np.asarray(mask))
    return inputs


class Sequential(Layer):
    """A linear stack of layers, as ``tf.keras.Sequential``; ``training`` reaches the layers that take it.

    >>> import gradtape as gt
    >>> model = gt.layers.Sequential([gt.layers.Dense(4, activation="relu"), gt.layers.Dense(2)])
    >>> model(gt.ones((3, 5))).shape
    (3, 2)
    >>> [v.shape for v in model.trainable_variables]
    [(5, 4), (4,), (4, 2), (2,)]
    """

    def __init__(self, layers: Iterable[Callable] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.layers: list = []
        for layer in layers or ():
            self.add(layer)

    def add(self, layer: Callable) -> None:
        """Append a layer (any callable; Layers get ``training`` passed on).

        >>> import gradtape as gt
        >>> model = gt.layers.Sequential()
        >>> model.add(gt.layers.Dense(1))
        >>> len(model.layers)
        1
        """
        if not callable(layer):
            raise TypeError(f"Sequential.add: expected a layer (a callable), got {type(layer).__name__}")
        self.layers.append(layer)

    def pop(self) -> Callable:
        """Remove and return the last layer.

        >>> import gradtape as gt
        >>> model = gt.layers.Sequential([gt.layers.Dense(1)])
        >>> model.pop().units
        1
        """
        if not self.layers:
            raise TypeError("Sequential.pop: there are no layers to remove")
        return self.layers.pop()

    def build(self, input_shape) -> None:
        pass  # each layer builds itself on its first call

    def call(self, inputs, training=None, mask=None):
        x = _with_mask(inputs, mask)
        for layer in self.layers:
            x = call_layer(layer, x, training)
        return x

    def _cast(self, x):
        return x  # each layer casts its own inputs

    def summary(self, print_fn: Callable = print) -> None:
        """Print each layer's name, class and parameter count (layers built so far).

        >>> import gradtape as gt
        >>> model = gt.layers.Sequential([gt.layers.Dense(2, name="out")], name="net")
        >>> _ = model(gt.ones((1, 3)))
        >>> model.summary()
        Model: net
          out (Dense): 8 parameters
        Total parameters: 8
        """
        print_fn(f"Model: {self.name}")
        for layer in self.layers:
            n = layer.count_params() if isinstance(layer, Layer) else 0
            name = getattr(layer, "name", getattr(layer, "__name__", repr(layer)))
            print_fn(f"  {name} ({type(layer).__name__}): {n} parameters")
        print_fn(f"Total parameters: {self.count_params()}")
