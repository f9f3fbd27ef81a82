"""``gt.keras.Model``: a layer that owns its sublayers, with Keras's training loop (trainer.py)."""

from __future__ import annotations

from typing import Any, Callable

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
            return super().__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

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

    # -- configs and saving ----------------------------------------------------------------
    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Model":
        """A model from a config: a Functional config rebuilds the graph, any other is passed
        to the constructor (``cls(**config)``), as Keras's ``Model.from_config``."""
        from .saving import model_config
        from .saving.object_registration import CustomObjectScope
        keys = ("name", "layers", "input_layers", "output_layers")
        with CustomObjectScope(custom_objects):
            if all(k in config for k in keys):
                from .functional import Functional, _functional_like
                if cls in (Model, Functional) or _functional_like(cls):
                    return model_config.functional_from_config(Functional if cls is Model else cls, config)
            try:
                return cls(**config)
            except TypeError as e:
                raise TypeError(
                    "Unable to revive model from config. When overriding the `get_config()` "
                    "method, make sure that the returned config contains all items used as "
                    f"arguments in the constructor to {cls}, which is the default behavior. You "
                    "can override this default behavior by defining a `from_config(cls, config)` "
                    f"class method to specify how to create an instance of {cls.__name__} from "
                    f"its config.\n\nReceived config={config}\n\nError encountered during "
                    f"deserialization: {e}") from e

    def get_compile_config(self) -> dict | None:
        """The arguments ``compile`` was given, serialized (``{}`` before ``compile``)."""
        from .saving.serialization import serialize_keras_object
        given = getattr(self, "_compile_config", None) if self.compiled else None
        return serialize_keras_object(given.args) if given is not None else {}

    def compile_from_config(self, config: dict) -> None:
        """``compile`` with :meth:`get_compile_config`'s arguments; the optimizer's slots are
        created at once so that a saved optimizer state can be assigned."""
        from .saving.serialization import deserialize_keras_object
        self.compile(**deserialize_keras_object(config))
        if self.built and self.trainable_variables:
            self.optimizer.build(self.trainable_variables)

    def save(self, filepath: Any, overwrite: bool = True, zipped: bool | None = None,
             **kwargs: Any) -> None:
        """Write the model to a Keras 3 ``.keras`` file (config, weights and optimizer state);
        ``gt.keras.models.load_model`` reads it back. See ``gradtape/keras/saving/saving_lib.py``
        for the weights' format (HDF5 when h5py is installed, else NumPy ``.npz``).

        >>> import os, tempfile, numpy as np, gradtape as gt
        >>> model = gt.keras.Sequential([gt.keras.Input((3,)), gt.keras.layers.Dense(2)])
        >>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
        >>> model.save(path)
        >>> again = gt.keras.models.load_model(path)
        >>> x = np.ones((1, 3), "float32")
        >>> bool(np.allclose(again(x).numpy(), model(x).numpy()))
        True
        """
        from .saving.saving_lib import save_model
        save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def to_json(self, **kwargs: Any) -> str:
        """The model's serialized config as a JSON string (no weights); ``kwargs`` go to
        ``json.dumps``. ``gt.keras.models.model_from_json`` rebuilds the model.

        >>> import gradtape as gt
        >>> model = gt.keras.Sequential([gt.keras.layers.Dense(2)])
        >>> gt.keras.models.model_from_json(model.to_json()).layers[0].units
        2
        """
        import json
        from .saving.serialization import serialize_keras_object
        return json.dumps(serialize_keras_object(self), **kwargs)

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
