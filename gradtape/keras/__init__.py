"""``gt.keras``: the Keras names that GradientTape training loops use.

``tf.keras.layers.Dense``, ``tf.keras.optimizers.Adam``, ``tf.keras.losses...``,
``tf.keras.metrics...``, ``tf.keras.initializers...``, ``tf.keras.callbacks...``,
``tf.keras.Sequential`` and subclasses of ``tf.keras.Model`` port by changing the import: each
name is gradtape's own (``gt.layers``, ``gt.optimizers``, ...). ``Model.compile``/``fit``/
``evaluate``/``predict`` follow Keras 3 (gradtape/keras/trainer.py), with a ``GradientTape``
step that subclasses may override (``train_step``), as with TensorFlow.

>>> import gradtape as gt
>>> class TwoLayers(gt.keras.Model):
...     def __init__(self):
...         super().__init__()
...         self.d1 = gt.keras.layers.Dense(8, activation="relu")
...         self.d2 = gt.keras.layers.Dense(2)
...     def call(self, x, training=False):
...         return self.d2(self.d1(x))
>>> model = TwoLayers()
>>> model(gt.ones((3, 4))).shape
(3, 2)
>>> len(model.trainable_variables)
4
"""

from __future__ import annotations

from .. import initializers, layers, losses, metrics, optimizers
from .. import constraints, regularizers
from ..layers import activations
from . import backend, callbacks, datasets, models, ops, random, saving, utils
from .model import Model
from .keras_tensor import Input, InputLayer, KerasTensor
from .sequential import Sequential

__all__ = ["Input", "InputLayer", "KerasTensor", "Model", "Sequential", "activations", "constraints",
           "regularizers", "backend", "callbacks", "datasets", "models", "ops", "random",
           "saving", "utils", "initializers", "layers", "losses", "metrics", "optimizers"]
