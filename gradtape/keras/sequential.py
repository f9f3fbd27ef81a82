"""``gt.keras.Sequential``: ``gt.layers.Sequential`` with the methods of ``gt.keras.Model``.

As in Keras 3, a model that starts with ``gt.keras.Input(shape)`` (or an ``InputLayer``), whose
first layer was given ``input_shape=``, or on which ``build(input_shape)`` was called, is built
at once: its layers are called on KerasTensors, so ``summary()`` shows the output shapes,
``count_params()`` counts the weights and ``inputs``/``outputs`` are defined before any call.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from ..layers.base import Layer, call_layer
from ..layers.sequential import Sequential as _LayerStack, _with_mask
from .keras_tensor import Input, InputLayer, KerasTensor
from .model import Model
from .summary import format_shape, param_text, print_summary

__all__ = ["Sequential"]


class Sequential(Model, _LayerStack):
    """A linear stack of layers, as ``tf.keras.Sequential``: ``gt.layers.Sequential`` with
    ``gt.keras.Model``'s methods.

    >>> import gradtape as gt
    >>> model = gt.keras.Sequential([gt.keras.layers.Dense(4, activation="relu"),
    ...                              gt.keras.layers.Dense(2)])
    >>> model(gt.ones((3, 5))).shape
    (3, 2)
    >>> built = gt.keras.Sequential([gt.keras.Input(shape=(5,)), gt.keras.layers.Dense(2)])
    >>> built.count_params(), built.outputs[0].shape
    (12, (None, 2))
    """

    def __init__(self, layers: Iterable[Callable] | None = None, trainable: bool = True,
                 name: str | None = None, **kwargs: Any):
        self._graph: list | None = None  # [input, output of layer 1, ...] once built
        self._seen_shapes: list | None = None  # output shapes of the first call, for summary()
        super().__init__(layers, trainable=trainable, name=name, **kwargs)

    def add(self, layer: Any) -> None:
        """Append a layer; ``gt.keras.Input(...)`` or an ``InputLayer`` may come first, and
        then each added layer is built at once.

        >>> import gradtape as gt
        >>> model = gt.keras.Sequential()
        >>> model.add(gt.keras.Input(shape=(3,)))
        >>> model.add(gt.keras.layers.Dense(2))
        >>> model.count_params()
        8
        """
        if isinstance(layer, KerasTensor):
            origin = layer._keras_history.operation if layer._keras_history else None
            if not isinstance(origin, InputLayer):
                raise ValueError("Sequential.add: a KerasTensor may only be added when it comes "
                                 "from gt.keras.Input(...)")
            layer = origin
        if isinstance(layer, InputLayer):
            if self.layers or self._graph is not None:
                raise ValueError(f"Sequential model '{self.name}': an Input or InputLayer must "
                                 "be the first layer")
            self._graph = [layer.output]
            return
        _LayerStack.add(self, layer)
        self._seen_shapes = None
        shape = getattr(layer, "_batch_input_shape", None)
        if shape is None and len(self.layers) == 1:
            shape = _model_input_shape(layer)
        if self._graph is None and len(self.layers) == 1 and shape is not None:
            self._graph = [Input(batch_shape=shape)]
        if self._graph is not None:
            try:
                self._graph.append(layer(self._graph[-1]))
            except Exception:
                self.layers.pop()  # a layer that does not fit the model's shapes is not added
                raise

    def get_config(self) -> dict:
        """Keras's Sequential config: ``name``, ``trainable``, ``dtype``, the ``layers`` (an
        ``InputLayer`` first when the model has an input) and ``build_input_shape``.

        >>> import gradtape as gt
        >>> model = gt.keras.Sequential([gt.keras.Input((3,)), gt.keras.layers.Dense(2)])
        >>> config = model.get_config()
        >>> [layer["class_name"] for layer in config["layers"]], config["build_input_shape"]
        (['InputLayer', 'Dense'], [None, 3])
        >>> gt.keras.Sequential.from_config(config).count_params()
        8
        """
        from .saving.model_config import sequential_config
        return sequential_config(self)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Sequential":
        """A new model (fresh weights) from :meth:`get_config`'s dict or Keras's."""
        from .saving.model_config import sequential_from_config
        from .saving.object_registration import CustomObjectScope
        with CustomObjectScope(custom_objects):
            return sequential_from_config(cls, config)

    def pop(self) -> Callable:
        """Remove and return the last layer."""
        layer = _LayerStack.pop(self)
        self._seen_shapes = None
        if self._graph is not None and len(self._graph) > 1:
            self._graph.pop()
        return layer

    def build(self, input_shape: Any = None) -> None:
        """Build the model for inputs of ``input_shape`` (batch axis included, ``None`` for an
        unknown size) by calling its layers on a KerasTensor, as Keras's ``build``.

        >>> import gradtape as gt
        >>> model = gt.keras.Sequential([gt.keras.layers.Dense(2)])
        >>> model.build((None, 3))
        >>> model.count_params()
        8
        """
        if self._graph is not None:
            return
        if input_shape is None:
            raise ValueError(f"Sequential model '{self.name}': build needs an `input_shape`")
        self._graph = [Input(batch_shape=tuple(input_shape))]
        for layer in self.layers:
            self._graph.append(layer(self._graph[-1]))

    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        self.built = True  # its layers build themselves; only build(shape) makes the graph
        return super().__call__(inputs, *args, **kwargs)

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        if self._graph is not None or self._seen_shapes is not None:
            return _LayerStack.call(self, inputs, training, mask)
        x, shapes = _with_mask(inputs, mask), []
        for layer in self.layers:
            x = call_layer(layer, x, training)
            shapes.append(format_shape(x, free_batch=True))
        self._seen_shapes = shapes
        return x

    def _symbolic(self, what: str) -> list:
        if self._graph is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined {what} yet.")
        return [self._graph[0] if what == "inputs" else self._graph[-1]]

    @property
    def inputs(self) -> list:
        """The input KerasTensor, in a list, once the model is built."""
        return self._symbolic("inputs")

    @property
    def outputs(self) -> list:
        """The output KerasTensor, in a list, once the model is built."""
        return self._symbolic("outputs")

    @property
    def input_shape(self) -> tuple:
        """The input shape, batch axis included, once the model is built."""
        return tuple(self._symbolic("inputs")[0].shape)

    @property
    def output_shape(self) -> tuple:
        """The output shape, batch axis included, once the model is built."""
        return tuple(self._symbolic("outputs")[0].shape)

    def summary(self, print_fn: Callable[[str], None] | None = None,
                line_length: int | None = None, positions: list | None = None) -> None:
        """Print each layer's name, type, output shape and parameter count as Keras 3 lays
        them out (``?`` and ``0 (unbuilt)`` before the model is built or called).

        >>> import gradtape as gt
        >>> model = gt.keras.Sequential([gt.keras.layers.Dense(2, input_shape=(3,), name="out")],
        ...                             name="net")
        >>> model.summary(line_length=50)
        Model: "net"
        ┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━━━┓
        ┃ Layer (type)        ┃ Output Shape   ┃ Param # ┃
        ┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━━━┩
        │ out (Dense)         │ (None, 2)      │       8 │
        └─────────────────────┴────────────────┴─────────┘
         Total params: 8 (32.00 B)
         Trainable params: 8 (32.00 B)
         Non-trainable params: 0 (0.00 B)
        """
        rows = []
        for i, layer in enumerate(self.layers):
            if self._graph is not None and i + 1 < len(self._graph):
                shape = format_shape(self._graph[i + 1])
            else:
                shape = self._seen_shapes[i] if self._seen_shapes else "?"
            name = getattr(layer, "name", None) or getattr(layer, "__name__", repr(layer))
            rows.append([f"{name} ({type(layer).__name__})", shape,
                         param_text(layer) if isinstance(layer, Layer) else "0"])
        print_summary(self, rows, True, print_fn, line_length, positions)


def _model_input_shape(layer: Any) -> tuple | None:
    """The batch input shape of a built model with one input (a model as a Sequential's first
    layer gives the Sequential its input, as in Keras), else None."""
    from .model import Model
    if not isinstance(layer, Model):
        return None
    try:
        inputs = layer.inputs
    except (AttributeError, ValueError):
        return None
    if not isinstance(inputs, (list, tuple)) or len(inputs) != 1 or not isinstance(inputs[0], KerasTensor):
        return None
    return tuple(inputs[0].shape)
