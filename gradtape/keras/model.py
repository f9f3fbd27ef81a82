"""``gt.keras.Model``: a layer that owns its sublayers, with Keras's training loop (trainer.py)."""

from __future__ import annotations

from typing import Callable

from ..layers.base import Layer
from .trainer import Trainer

__all__ = ["Model"]


class Model(Trainer, Layer):
    """``tf.keras.Model`` for the subclassing API: create layers in ``__init__``, compute in
    ``call(inputs, training=...)``; variables of the layers set as attributes are tracked
    (``trainable_variables``), and ``model(x, training=True)`` passes ``training`` on.

    >>> import gradtape as gt
    >>> class Residual(gt.keras.Model):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.inner = gt.keras.layers.Dense(3, activation="relu")
    ...         self.out = gt.keras.layers.Dense(3)
    ...     def call(self, x, training=False):
    ...         return x + self.out(self.inner(x))
    >>> model = Residual()
    >>> model(gt.ones((2, 3)), training=True).shape
    (2, 3)
    >>> [tuple(v.shape) for v in model.trainable_variables]
    [(3, 3), (3,), (3, 3), (3,)]

    ``Model(inputs, outputs)`` builds a Functional model instead (``gt.keras.Input``), and the
    training loop (``compile``, ``fit``, ...) comes from ``trainer.Trainer``.
    """

    def __new__(cls, *args, **kwargs):
        # Model(inputs, outputs) builds a graph of layer calls (the Functional API).
        if cls is Model and _functional_arguments(args, kwargs):
            from .functional import Functional
            return super().__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        if _functional_arguments(args, kwargs):
            # super().__init__(inputs, outputs) in a subclass: the subclass becomes a
            # Functional model (Keras 3 swaps Model for Functional in the class's bases too).
            from .functional import Functional
            cls = type(self)
            if not isinstance(self, Functional):
                _make_functional(cls, Functional)
            Functional.__init__(self, *args, **kwargs)
        else:
            super().__init__(*args, **kwargs)

    def summary(self, print_fn: Callable[[str], None] | None = None) -> None:
        """Print the model's layers (name, type, parameters) and its parameter counts, built
        layers only. A subclassed model's calls are not traced, so there are no output shapes;
        ``Sequential`` and Functional models print Keras's full table."""
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


def _make_functional(cls: type, functional: type) -> None:
    """Put ``functional`` in place of ``Model`` among the bases of ``cls`` (or of the first
    class above it that derives from ``Model`` directly)."""
    for klass in cls.__mro__:
        if Model in klass.__bases__:
            klass.__bases__ = tuple(functional if b is Model else b for b in klass.__bases__)
            return


def _functional_arguments(args: tuple, kwargs: dict) -> bool:
    """Keras's test for ``Model(inputs, outputs)`` (positionally or by keyword)."""
    return (len(args) == 2 or (len(args) == 1 and "outputs" in kwargs)
            or ("inputs" in kwargs and "outputs" in kwargs))
