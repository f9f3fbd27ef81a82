"""``gt.keras.Sequential``: ``gt.layers.Sequential`` with the methods of ``gt.keras.Model``."""

from __future__ import annotations

from ..layers.sequential import Sequential as _LayerStack
from .model import Model

__all__ = ["Sequential"]


class Sequential(Model, _LayerStack):
    """A linear stack of layers, as ``tf.keras.Sequential``: ``gt.layers.Sequential`` with
    ``gt.keras.Model``'s methods.

    >>> import gradtape as gt
    >>> model = gt.keras.Sequential([gt.keras.layers.Dense(4, activation="relu"),
    ...                              gt.keras.layers.Dense(2)])
    >>> model(gt.ones((3, 5))).shape
    (3, 2)
    """

    summary = _LayerStack.summary
