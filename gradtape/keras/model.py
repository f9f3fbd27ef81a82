"""``gt.keras.Model``: a layer that owns its sublayers, with Keras's prediction loop."""

from __future__ import annotations

from typing import Callable

from ..layers.base import Layer
from ..ops.array import concat

__all__ = ["Model"]


class Model(Layer):
    """``tf.keras.Model`` for the subclassing API: create layers in ``__init__``, compute in
    ``call(inputs, training=...)``; variables of the layers set as attributes are tracked
    (``trainable_variables``), and ``model(x, training=True)`` passes ``training`` on.

    >>> import gradtape as gt
    >>> class Linear(gt.keras.Model):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.dense = gt.keras.layers.Dense(1, kernel_initializer="ones")
    ...     def call(self, x):
    ...         return self.dense(x)
    >>> Linear().predict(gt.ones((5, 2)), batch_size=2).shape
    (5, 1)
    """

    def predict(self, x, batch_size: int | None = 32, verbose=0, steps=None, callbacks=None):
        """The model's outputs on ``x`` with ``training=False``, computed ``batch_size`` rows at a
        time and returned as a NumPy array, as Keras's ``predict``."""
        n = int(x.shape[0])
        step = n if not batch_size else int(batch_size)
        if step < 1:
            raise ValueError(f"Model.predict: batch_size must be a positive integer, got {batch_size}")
        parts = [self._predict_batch(x[i:i + step]) for i in range(0, n, step)]
        if not parts:
            raise ValueError("Model.predict: x has no rows")
        return concat(parts, axis=0).numpy() if len(parts) > 1 else parts[0].numpy()

    def _predict_batch(self, xb):
        return self(xb, training=False) if self._accepts_training() else self(xb)

    def summary(self, print_fn: Callable[[str], None] | None = None) -> None:
        """Print the model's layers (name, type, parameters) and its parameter counts, built
        layers only. (Keras also prints output shapes; gradtape does not trace them.)"""
        out = print_fn or print
        rows = [(layer.name, type(layer).__name__, layer.count_params() if layer.built else 0)
                for layer in self._direct_layers()]
        width = max([len(r[0]) + len(r[1]) + 3 for r in rows] + [20])
        out(f'Model: "{self.name}"')
        out("-" * (width + 12))
        out(f"{'Layer (type)':<{width}}  {'Param #':>9}")
        out("=" * (width + 12))
        for name, kind, params in rows:
            out(f"{name + ' (' + kind + ')':<{width}}  {params:>9,}")
        out("=" * (width + 12))
        total = int(sum(v.size for v in self.variables))
        trainable = int(sum(v.size for v in self.trainable_variables))
        out(f"Total params: {total:,}")
        out(f"Trainable params: {trainable:,}")
        out(f"Non-trainable params: {total - trainable:,}")

    def _direct_layers(self) -> list:
        found = []
        for value in vars(self).values():
            items = value if isinstance(value, (list, tuple)) else [value]
            found.extend(v for v in items if isinstance(v, Layer) and v not in found)
        return found

    @property
    def layers(self) -> list:
        """The layers set as attributes of the model (in the order they were set); a
        ``Sequential`` model's own list of layers."""
        own = self.__dict__.get("layers")
        return own if own is not None else self._direct_layers()

    @layers.setter
    def layers(self, value: list) -> None:
        self.__dict__["layers"] = value  # the name checkpoints use, as gt.layers.Sequential

