"""Symbolic tensors of Keras's Functional API: ``KerasTensor``, ``Input`` and ``InputLayer``.

A layer called on a :class:`KerasTensor` does not compute: it builds itself for the input's
shape, finds the shape and dtype of its output and returns new KerasTensors that remember the
call (a :class:`Node`). ``gt.keras.Model(inputs, outputs)`` then replays those calls on real
tensors. The output shape is found by running the layer once on zeros of the input shapes
outside any tape, with ``training=False``: batch size 2, and when an input has other unknown
sizes, a second run (batch 3, other sizes doubled) tells which output sizes vary.

Python operators (``+ - * / // % ** @``, unary ``-``, ``abs``, ``< <= > >=``) and indexing on
KerasTensors record operation nodes, as in Keras. ``gt.*`` functions need real values: a
KerasTensor passed to one raises a TypeError that says to wrap the computation in
``gt.keras.layers.Lambda`` (or a custom layer).
"""

from __future__ import annotations

import operator
from typing import Any, Callable, NamedTuple

import numpy as np

from .. import nest
from . import _symbolic_masks as _masks
from .._engine.shape import TensorShape
from .._engine.state import paused
from .._engine.tensor import Tensor, Variable, as_dtype
from ..layers import base as _base
from ..layers.base import Layer, unique_name

__all__ = ["KerasTensor", "Input", "InputLayer"]

_SYMBOLIC_HINT = (
    "A KerasTensor is a symbolic input or output of a functional model: it has a shape and a "
    "dtype but no value, so gt.* functions and NumPy cannot compute on it. Python operators "
    "(+, -, *, /, @, [...]) work on KerasTensors; for anything else wrap the computation in a "
    "layer, e.g. gt.keras.layers.Lambda(lambda x: gt.reduce_sum(x, axis=-1))(keras_tensor)")


class KerasHistory(NamedTuple):
    """Where a KerasTensor comes from: the layer, which of its calls, which of that call's
    outputs."""

    operation: Any
    node_index: int
    tensor_index: int


class KerasTensor:
    """A symbolic tensor: the shape (``None`` for the batch axis and other unknown sizes),
    dtype and name of a value in a functional model's graph, as ``keras.KerasTensor``.

    >>> import gradtape as gt
    >>> x = gt.keras.Input(shape=(3,), name="x")
    >>> x
    <KerasTensor shape=(None, 3), dtype=float32, sparse=False, ragged=False, name=x>
    >>> (x[:, :2] * 2.0).shape
    (None, 2)
    """

    __array_ufunc__ = None  # NumPy operators defer to the reflected methods below

    def __init__(self, shape: Any, dtype: Any = "float32", name: str | None = None,
                 sparse: bool = False, ragged: bool = False):
        self.shape = TensorShape(shape)
        self.dtype = as_dtype(dtype)
        self.name = name if name is not None else unique_name("keras_tensor")
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self._keras_history: KerasHistory | None = None
        self._keras_mask: KerasTensor | None = None  # the symbolic mask, as Keras's

    @property
    def ndim(self) -> int:
        """The number of dimensions, batch axis included."""
        return len(self.shape)

    def __repr__(self) -> str:
        return (f"<KerasTensor shape={tuple(self.shape)}, dtype={self.dtype.name}, "
                f"sparse={self.sparse}, ragged={self.ragged}, name={self.name}>")

    def __array__(self, dtype=None, copy=None):
        raise TypeError(_SYMBOLIC_HINT)

    def numpy(self):
        raise TypeError(_SYMBOLIC_HINT)

    def __bool__(self) -> bool:
        raise TypeError("A symbolic KerasTensor cannot be used as a boolean (it has no value)")

    def __iter__(self):
        raise TypeError("Iterating over a symbolic KerasTensor is not supported; index it instead "
                        "(x[:, 0])")

    def __getitem__(self, key: Any) -> "KerasTensor":
        return _operation("get_item", lambda x: x[key])(self)


def _binary(name: str, fn: Callable, reflected: bool = False) -> Callable:
    if reflected:
        def method(self, other):
            return _operation(name, fn)(other, self)
    else:
        def method(self, other):
            return _operation(name, fn)(self, other)
    return method


for _name, _fn, _dunder in [
        ("add", operator.add, "add"), ("subtract", operator.sub, "sub"),
        ("multiply", operator.mul, "mul"), ("true_divide", operator.truediv, "truediv"),
        ("floor_divide", operator.floordiv, "floordiv"), ("mod", operator.mod, "mod"),
        ("power", operator.pow, "pow"), ("matmul", operator.matmul, "matmul")]:
    setattr(KerasTensor, f"__{_dunder}__", _binary(_name, _fn))
    setattr(KerasTensor, f"__r{_dunder}__", _binary(_name, _fn, reflected=True))
for _name, _fn, _dunder in [("less", operator.lt, "lt"), ("less_equal", operator.le, "le"),
                            ("greater", operator.gt, "gt"), ("greater_equal", operator.ge, "ge")]:
    setattr(KerasTensor, f"__{_dunder}__", _binary(_name, _fn))
KerasTensor.__neg__ = lambda self: _operation("negative", operator.neg)(self)
KerasTensor.__abs__ = lambda self: _operation("absolute", operator.abs)(self)
KerasTensor.__pos__ = lambda self: self


class Operation(Layer):
    """A weightless node of a functional graph made by an operator on KerasTensors (``x + 1``,
    ``x[:, 0]``); ``model.layers`` leaves them out and ``summary()`` lists them, as Keras."""

    def __init__(self, fn: Callable, name: str):
        super().__init__(name=unique_name(name))
        self.fn = fn
        self.built = True

    _supports_masking = True  # Keras's operations neither use, pass on nor warn about masks

    def compute_mask(self, inputs, previous_mask):
        """None: an operation's output has no mask.

        >>> import gradtape as gt
        >>> _operation("add", lambda a, b: a + b).compute_mask(None, gt.constant([True])) is None
        True
        """
        return None

    def call(self, *args):
        return self.fn(*args)

    def get_config(self) -> dict:
        """``{"name": ...}``, as Keras's operations (the operator is the class)."""
        return {"name": self.name}

    def get_build_config(self) -> None:
        return None

    def _cast(self, x):
        return x  # operators follow gradtape's own dtype rules


_OPERATION_CLASSES: dict[str, type] = {}


def _operation(name: str, fn: Callable) -> Operation:
    cls = _OPERATION_CLASSES.get(name)
    if cls is None:  # one class per operator, named as Keras's (Add, GetItem, ...) for summary()
        title = "".join(part.capitalize() for part in name.split("_"))
        cls = _OPERATION_CLASSES[name] = type(title, (Operation,), {"__module__": __name__})
    return cls(fn, name)


class Node:
    """One call of a layer on KerasTensors: the call's arguments (KerasTensors among them) and
    its outputs, which record this node in their ``_keras_history``."""

    def __init__(self, layer: Layer, call_args: tuple, outputs: Any):
        self.layer = layer
        self.call_args = call_args  # (inputs, args, kwargs)
        self.flat_args = nest.flatten(call_args)
        self.inputs = [x for x in self.flat_args if isinstance(x, KerasTensor)]
        self.outputs = outputs
        self.flat_outputs = [x for x in nest.flatten(outputs) if isinstance(x, KerasTensor)]
        self.output_masks = [x._keras_mask for x in self.flat_outputs if x._keras_mask is not None]
        self.is_input = isinstance(layer, InputLayer)
        nodes = layer.__dict__.setdefault("_inbound_nodes", [])
        index = len(nodes)
        nodes.append(self)
        for i, x in enumerate(self.flat_outputs):
            x._keras_history = KerasHistory(layer, index, i)
            if x._keras_mask is not None:  # computed by the same call
                x._keras_mask._keras_history = KerasHistory(layer, index, i)

    @property
    def parent_nodes(self) -> list:
        """The nodes that produced this node's input KerasTensors."""
        return [x._keras_history.operation._inbound_nodes[x._keras_history.node_index]
                for x in self.inputs]

    def replay(self, values: dict, training: Any) -> list:
        """Call the layer with each KerasTensor replaced by ``values[id(tensor)]``; the flat
        outputs."""
        flat = [values[id(x)] if isinstance(x, KerasTensor) else x for x in self.flat_args]
        inputs, args, kwargs = nest.pack_sequence_as(self.call_args, flat)
        if training is not None:
            kwargs["training"] = training  # Layer.__call__ drops it where call takes none
        out = self.layer(inputs, *args, **kwargs)
        return [o for o, s in zip(nest.flatten(out), nest.flatten(self.outputs))
                if isinstance(s, KerasTensor)]


def _holds_keras_tensor(x: Any) -> bool:
    kind = type(x)
    if kind is KerasTensor:
        return True
    if kind in _PLAIN:  # the common arguments, decided without isinstance (a hot path)
        return False
    if kind is dict or isinstance(x, dict):
        items = x.values()
    elif isinstance(x, (list, tuple)):
        items = x
    else:
        return isinstance(x, KerasTensor)
    for e in items:
        kind = type(e)
        if kind is KerasTensor or (kind not in _PLAIN and _holds_keras_tensor(e)):
            return True
    return False


_PLAIN = frozenset({Tensor, Variable, np.ndarray, bool, int, float, str, type(None)})


def _probe(layer: Layer, call_args: tuple, batch: int, size: int, probe_inputs: list) -> Any:
    """The outputs of ``layer`` run on zeros in place of the KerasTensors (``batch`` for an
    unknown batch size, ``size`` for other unknown sizes; masked KerasTensors get masks of
    ones), the zeros appended to ``probe_inputs``."""
    def concrete(shape):
        return [batch if d is None and i == 0 else size if d is None else d for i, d in enumerate(shape)]

    def zeros(x):
        if not isinstance(x, KerasTensor):
            return x
        if x.dtype.kind == "O":  # strings: empty ones
            value = Tensor(np.full(concrete(x.shape), "", dtype=object))
        else:
            fill = np.ones if getattr(x, "_is_keras_mask", False) else np.zeros
            value = Tensor(fill(concrete(x.shape), dtype=x.dtype))
        _masks.probe_mask(x, value, concrete)
        probe_inputs.append(value)
        return value
    inputs, args, kwargs = nest.map_structure(zeros, call_args)
    if layer._accepts_training():
        kwargs["training"] = False  # shapes only: no moving statistics, no random draws
    with paused(), np.errstate(all="ignore"):  # zeros may divide by zero: not the model's values
        out = layer(inputs, *args, **kwargs)
    if hasattr(layer, "_clear_losses"):
        layer._clear_losses()  # losses added on zeros are not the model's
    return out


def _symbolic_call(layer: Layer, inputs: Any, args: tuple, kwargs: dict) -> Any:
    """``Layer.__call__``'s hook: on KerasTensors, record a node and return symbolic outputs;
    otherwise ``NotImplemented`` (the layer computes)."""
    if not (_holds_keras_tensor(inputs) or (args and _holds_keras_tensor(args))
            or (kwargs and _holds_keras_tensor(kwargs))):
        return NotImplemented
    call_args = (inputs, tuple(args), dict(kwargs))
    symbolic = [x for x in nest.flatten(call_args) if isinstance(x, KerasTensor)]
    varying = any(None in x.shape[1:] for x in symbolic)
    free_batch = any(x.ndim and x.shape[0] is None for x in symbolic)
    probe_inputs: list = []
    try:
        first = _probe(layer, call_args, 2, 32, probe_inputs)
        second = nest.flatten(_probe(layer, call_args, 3, 64, probe_inputs)) if varying else None
    except Exception as e:
        if hasattr(e, "add_note"):  # Python 3.11+
            e.add_note(f"(while calling layer {layer.name!r} on KerasTensors of shapes "
                       f"{[tuple(x.shape) for x in symbolic]}, run on zeros with batch size 2)")
        raise

    def symbolic_output(value, other=None):
        shape = list(value.shape)
        if other is not None:
            if len(other.shape) != len(shape):
                raise ValueError(f"{layer.name}: the rank of the output depends on the input's "
                                 "unknown sizes; give the input a fully known shape")
            shape = [d if d == e else None for d, e in zip(shape, other.shape)]
        elif free_batch and shape and shape[0] == 2:
            shape[0] = None
        return KerasTensor(shape, value.dtype)

    flat = nest.flatten(first)
    leaves = [symbolic_output(v, second[i] if second is not None else None)
              if isinstance(v, (Tensor, np.ndarray)) else v for i, v in enumerate(flat)]
    for leaf, mask in zip(leaves, _masks.symbolic_masks(layer, flat, second, probe_inputs, symbolic_output)):
        if isinstance(leaf, KerasTensor):
            leaf._keras_mask = mask
    if _masks.record_mask(layer, inputs, args, kwargs, KerasTensor):
        call_args[2]["mask"] = inputs._keras_mask  # kept in the recorded call, as Keras
    outputs = nest.pack_sequence_as(first, leaves)
    Node(layer, call_args, outputs)
    return outputs


class InputLayer(Layer):
    """The layer at the start of a functional model: it holds the model input's KerasTensor
    (``output``) and passes values through, as ``keras.layers.InputLayer``.

    >>> import gradtape as gt
    >>> layer = gt.keras.InputLayer(shape=(4,), name="features")
    >>> layer.output
    <KerasTensor shape=(None, 4), dtype=float32, sparse=False, ragged=False, name=features>
    >>> layer.batch_shape
    (None, 4)
    """

    def __init__(self, shape: Any = None, batch_size: int | None = None, dtype: Any = None,
                 sparse: bool | None = None, batch_shape: Any = None,
                 input_tensor: KerasTensor | None = None, name: str | None = None,
                 ragged: bool | None = None, **kwargs: Any):
        shape = kwargs.pop("input_shape", shape)
        batch_shape = kwargs.pop("batch_input_shape", batch_shape)
        if sparse or ragged:
            raise NotImplementedError("InputLayer: sparse and ragged inputs are not supported")
        if input_tensor is not None:
            if not isinstance(input_tensor, KerasTensor):
                raise ValueError(f"InputLayer: input_tensor must be a KerasTensor, got "
                                 f"{type(input_tensor).__name__}")
            batch_shape, dtype = tuple(input_tensor.shape), dtype or input_tensor.dtype
        elif shape is not None and batch_shape is not None:
            raise ValueError("InputLayer: you cannot pass both `shape` and `batch_shape` at the "
                             "same time.")
        elif batch_shape is None:
            if shape is None:
                raise ValueError("InputLayer: you must pass a `shape` argument.")
            if isinstance(shape, int) or not hasattr(shape, "__iter__"):
                raise TypeError(f"InputLayer: shape must be a tuple such as (784,), got {shape!r}")
            batch_shape = (batch_size,) + tuple(shape)
        dtype = as_dtype(dtype) if dtype is not None else np.dtype(np.float32)
        given = name
        super().__init__(name=name if name is not None else unique_name("input_layer"),
                         dtype=dtype, **kwargs)
        self.batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        self.sparse = False
        self.output = input_tensor if input_tensor is not None else KerasTensor(
            self.batch_shape, dtype, name=given)
        self.built = True
        Node(self, ((), (), {}), self.output)

    def call(self, inputs):
        return inputs

    def _cast(self, x):
        return x

    def get_config(self) -> dict:
        """Keras's InputLayer config (``batch_shape``, ``dtype``, ``name``, ...)."""
        from .saving.model_config import input_layer_config
        return input_layer_config(self)

    @classmethod
    def from_config(cls, config: dict) -> "InputLayer":
        """An InputLayer from :meth:`get_config`'s dict (or Keras's)."""
        config = {k: v for k, v in config.items() if k not in ("optional", "trainable")}
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name")
        return cls(**config)

    def get_build_config(self) -> None:
        return None


def Input(shape: Any = None, batch_size: int | None = None, name: str | None = None,
          dtype: Any = None, sparse: bool | None = None, batch_shape: Any = None,
          tensor: KerasTensor | None = None, ragged: bool | None = None) -> KerasTensor:
    """A symbolic input of a functional model, as ``keras.Input``: ``shape`` leaves out the
    batch axis (``batch_shape`` includes it); the dtype is float32 unless given.

    >>> import gradtape as gt
    >>> inputs = gt.keras.Input(shape=(784,), name="digits")
    >>> outputs = gt.keras.layers.Dense(10)(inputs)
    >>> outputs.shape
    (None, 10)
    >>> model = gt.keras.Model(inputs, outputs)
    >>> model(gt.ones((2, 784))).shape
    (2, 10)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       batch_shape=batch_shape, input_tensor=tensor, name=name, ragged=ragged)
    return layer.output


_base._symbolic_call_hook = _symbolic_call
