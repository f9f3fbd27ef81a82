"""Keras's Functional API: ``gt.keras.Model(inputs, outputs)`` over a graph of layer calls.

Calling layers on the KerasTensors of ``gt.keras.Input`` records the calls
(:mod:`gradtape.keras.keras_tensor`); ``Model(inputs, outputs)`` (a :class:`Functional`) finds
the calls between them and replays them, in order, on real tensors. The model is a layer: it
tracks the variables of its layers, passes ``training`` on, and can itself be called on
KerasTensors inside another model. A layer called several times (a shared layer) keeps one set
of weights.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable

import numpy as np

from .. import nest
from .._engine.tensor import Tensor
from ..ops.array import expand_dims, squeeze
from ..ops.math import cast
from . import _symbolic_masks as _masks
from .keras_tensor import Input, InputLayer, KerasTensor, Node, Operation
from .model import Model
from .summary import format_shape, param_text, print_summary

__all__ = ["Functional", "Input", "InputLayer", "KerasTensor"]


def _node_of(x: KerasTensor) -> Node:
    history = x._keras_history
    if history is None:
        raise ValueError(f"{x!r} was not made by a layer call or gt.keras.Input; the inputs and "
                         "outputs of a functional model must be")
    return history.operation._inbound_nodes[history.node_index]


def _topological_nodes(inputs: list, outputs: list) -> tuple[list, dict]:
    """The nodes between ``inputs`` and ``outputs``, each after the nodes it needs (a
    depth-first walk from the outputs, without recursion), and each layer's first position in
    the walk, as Keras's ``_build_map``."""
    input_ids = {id(x) for x in inputs}
    finished: set = set()
    ordered: list = []
    first_seen: dict = {}

    def enter(x: KerasTensor) -> Node | None:
        node = _node_of(x)
        if node in finished:
            return None
        if not node.is_input and id(x) in input_ids:
            finished.add(node)  # an intermediate tensor given as an input: the walk stops
            return None
        first_seen.setdefault(node.layer, len(first_seen))
        return node

    for out in outputs:
        root = enter(out)
        if root is None:
            continue
        stack = [(root, iter(() if root.is_input else root.inputs))]
        while stack:
            node, pending = stack[-1]
            for x in pending:
                child = enter(x)
                if child is not None:
                    stack.append((child, iter(() if child.is_input else child.inputs)))
                    break
            else:
                stack.pop()
                if node not in finished:
                    finished.add(node)
                    ordered.append(node)
    return ordered, first_seen


def _map_graph(name: str, inputs: list, outputs: list) -> tuple[list, list, dict]:
    """Keras's ``map_graph``: the nodes to run (inputs first), the operations ordered by depth
    (as ``model.layers`` lists them) and the nodes grouped by depth; ValueError when an output
    needs a value the inputs do not give."""
    ordered, first_seen = _topological_nodes(inputs, outputs)
    in_graph = set(ordered)
    node_depth: dict = {}
    layer_depth: dict = {}
    for node in reversed(ordered):
        depth = max(node_depth.setdefault(node, 0), layer_depth.get(node.layer, 0))
        layer_depth[node.layer] = node_depth[node] = depth
        if not node.is_input:
            for parent in node.parent_nodes:
                if parent in in_graph:
                    node_depth[parent] = max(depth + 1, node_depth.get(parent, 0))
    for x in inputs:  # inputs that no output needs still belong to the model
        node = _node_of(x)
        if node.is_input and node.layer not in layer_depth:
            layer_depth[node.layer], first_seen[node.layer], node_depth[node] = 0, -1, 0
    by_depth: dict = defaultdict(list)
    for node, depth in node_depth.items():
        by_depth[depth].append(node)
    layers_by_depth: dict = defaultdict(list)
    for layer, depth in layer_depth.items():
        layers_by_depth[depth].append(layer)
    operations = [layer for depth in sorted(layers_by_depth, reverse=True)
                  for layer in sorted(layers_by_depth[depth], key=first_seen.__getitem__)]
    known = {id(x) for x in inputs}
    run, done = [], []
    for depth in sorted(by_depth, reverse=True):
        for node in by_depth[depth]:
            if node.is_input and id(node.flat_outputs[0]) not in known:
                missing = node.flat_outputs[0]
                raise ValueError(
                    f'Graph disconnected: cannot obtain value for tensor {missing!r} at layer '
                    f'"{node.layer.name}": it is not one of the inputs of model "{name}" '
                    f'{[x.name for x in inputs]}; add it to `inputs`. The following previous '
                    f'layers were accessed without issue: {done}')
            for x in node.inputs:
                if id(x) not in known:
                    raise ValueError(f"Graph disconnected: cannot find parent for tensor {x!r} "
                                     f'at layer "{node.layer.name}"')
            known.update(id(x) for x in node.flat_outputs + node.output_masks)
            done.append(node.layer.name)
            if not node.is_input:
                run.append(node)
    names = [op.name for op in operations]
    for n in names:
        if names.count(n) > 1:
            raise ValueError(f'The name "{n}" is used {names.count(n)} times in the model. All '
                             "operation names should be unique.")
    return run, operations, by_depth


class Functional(Model):
    """A model defined by a graph of layer calls from ``gt.keras.Input`` tensors to outputs, as
    Keras's Functional API; ``gt.keras.Model(inputs, outputs)`` makes one.

    ``inputs`` and ``outputs`` are a KerasTensor, a list or a dict of them; the model is called
    on the same structure (a dict or list also matches a list by the inputs' names or order)
    and returns the outputs' structure.

    >>> import gradtape as gt
    >>> inputs = gt.keras.Input(shape=(4,), name="x")
    >>> hidden = gt.keras.layers.Dense(8, activation="relu")(inputs)
    >>> outputs = gt.keras.layers.Dense(2)(hidden)
    >>> model = gt.keras.Model(inputs=inputs, outputs=outputs)
    >>> model(gt.ones((3, 4))).shape
    (3, 2)
    >>> [layer.name for layer in model.layers][0], model.count_params()
    ('x', 58)
    """

    def __init__(self, inputs: Any, outputs: Any, name: str | None = None,
                 trainable: bool = True):
        Model.__init__(self, name=name, trainable=trainable)
        flat_inputs, flat_outputs = nest.flatten(inputs), nest.flatten(outputs)
        for what, flat, given in (("inputs", flat_inputs, inputs), ("outputs", flat_outputs, outputs)):
            if not flat:
                raise ValueError(f"`{what}` argument cannot be empty. Received: {what}={given}")
            for x in flat:
                if not isinstance(x, KerasTensor):
                    raise ValueError(f"All `{what}` values must be KerasTensors. Received: "
                                     f"{what}={given} including invalid value {x!r} of type "
                                     f"{type(x).__name__}")
        run, operations, by_depth = _map_graph(self.name, flat_inputs, flat_outputs)
        self.__dict__["layers"] = [op for op in operations if not isinstance(op, Operation)]
        self._operations = operations
        self._nodes = run
        self._nodes_by_depth = dict(by_depth)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self._inputs = flat_inputs
        self._outputs = flat_outputs
        self.output_names = [x._keras_history.operation.name for x in flat_outputs]
        # The nodes whose symbolic masks a later call uses (see _symbolic_masks.py).
        self._recompute_masks = _masks.removes_masks(self.layers)
        used = {id(x) for node in run for x in node.flat_args + flat_outputs
                if getattr(x, "_is_keras_mask", False)}
        self._mask_nodes = {id(node) for node in run if node.output_masks and (
            self._recompute_masks or any(id(m) in used for m in node.output_masks))}
        self.built = True

    # -- graph -----------------------------------------------------------------------------
    @property
    def layers(self) -> list:
        """The layers of the graph, inputs first, ordered by depth as Keras lists them
        (operator nodes such as ``x + 1`` are left out)."""
        return list(self.__dict__["layers"])

    @property
    def inputs(self) -> list:
        """The model's input KerasTensors, as a flat list (dict inputs in sorted key order)."""
        return list(self._inputs)

    @property
    def outputs(self) -> list:
        """The model's output KerasTensors, as a flat list."""
        return list(self._outputs)

    @property
    def input(self) -> Any:
        """The inputs in the structure given to the constructor."""
        return self._inputs_struct

    @property
    def output(self) -> Any:
        """The outputs in the structure given to the constructor."""
        return self._outputs_struct

    def get_layer(self, name: str | None = None, index: int | None = None):
        """A layer of the model by name or by position in :attr:`layers`.

        >>> import gradtape as gt
        >>> x = gt.keras.Input(shape=(2,), name="x")
        >>> model = gt.keras.Model(x, gt.keras.layers.Dense(1, name="out")(x))
        >>> model.get_layer("out").units, model.get_layer(index=0).name
        (1, 'x')
        """
        layers = self.layers
        if index is not None and name is not None:
            raise ValueError(f"Provide only a layer name or a layer index. Received: "
                             f"index={index}, name={name}.")
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only "
                                 f"has {len(layers)} layers.")
            return layers[index]
        if name is not None:
            for layer in layers:
                if layer.name == name:
                    return layer
            raise ValueError(f"No such layer: {name}. Existing layers are: "
                             f"{[layer.name for layer in layers]}.")
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    # -- config ----------------------------------------------------------------------------
    def get_config(self) -> dict:
        """Keras's Functional config: every layer with its ``inbound_nodes``, then
        ``input_layers`` and ``output_layers``; :meth:`from_config` rebuilds the graph (with
        new weights). A subclass whose constructor is not ``(inputs, outputs, ...)`` gets
        :class:`~gradtape.keras.Model`'s config instead, as in Keras.

        >>> import gradtape as gt
        >>> x = gt.keras.Input(shape=(2,), name="x")
        >>> model = gt.keras.Model(x, gt.keras.layers.Dense(1, name="out")(x))
        >>> config = model.get_config()
        >>> config["input_layers"], config["output_layers"]
        (['x', 0, 0], ['out', 0, 0])
        >>> gt.keras.Model.from_config(config).get_layer("out").units
        1
        """
        from .saving.model_config import functional_config
        if not _functional_like(type(self)):
            return Model.get_config(self)
        return functional_config(self)

    # -- calling ---------------------------------------------------------------------------
    def _cast(self, x):
        return x  # each input is converted to its Input's dtype in call

    def _flat_call_inputs(self, inputs: Any) -> list:
        struct, refs = self._inputs_struct, self._inputs
        names = [x.name for x in refs]
        if isinstance(inputs, dict) and not isinstance(struct, dict):
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(f'Layer "{self.name}" expects inputs named {names}, but the '
                                 f"given dict has keys {sorted(inputs)}; missing: {missing}")
            return [inputs[n] for n in names]
        if isinstance(struct, dict) and isinstance(inputs, dict):
            missing = [k for k in struct if k not in inputs]
            if missing:
                raise ValueError(f'Layer "{self.name}" expects {len(struct)} named input(s) '
                                 f"with keys {sorted(struct)}, but the given dict misses "
                                 f"{missing}")
            return nest.flatten({k: inputs[k] for k in struct})
        if isinstance(struct, dict) and list(struct) != sorted(struct):
            raise ValueError(f'Layer "{self.name}" expects a dict of inputs with keys '
                             f"{list(struct)}; pass a dict (a list is matched to the keys in "
                             "sorted order only when the model's dict lists them sorted)")
        given = list(inputs) if isinstance(inputs, (list, tuple)) and (
            len(refs) > 1 or any(isinstance(v, (Tensor, np.ndarray)) for v in inputs)) else [inputs]
        if len(given) != len(refs):
            keys = (f" named input(s) with keys {sorted(struct)}" if isinstance(struct, dict)
                    else " input(s)")
            raise ValueError(f'Layer "{self.name}" expects {len(refs)}{keys}, but it received '
                             f"{len(given)} input tensors.")
        return given

    def _standardize(self, i: int, x: Any, ref: KerasTensor) -> Tensor:
        x = x if isinstance(x, Tensor) else Tensor(np.asarray(x, dtype=ref.dtype))
        mask = x._keras_mask  # Keras keeps an input's mask through the conversions below
        if x.dtype != ref.dtype:
            x = cast(x, ref.dtype)
        rank, want = x.ndim, len(ref.shape)
        if rank == want + 1 and x.shape[-1] == 1:  # Keras's rank adjustment
            x = squeeze(x, axis=-1)
        elif rank == want - 1 and ref.shape[-1] == 1:
            x = expand_dims(x, -1)
        if x.ndim != want or any(d is not None and d != s for d, s in zip(ref.shape, x.shape)):
            raise ValueError(f"Input {i} with name '{ref.name}' of layer '{self.name}' is "
                             f"incompatible with the layer: expected shape={tuple(ref.shape)}, "
                             f"found shape={tuple(x.shape)}")
        if mask is not None and x._keras_mask is None:
            x._keras_mask = mask
        return x

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        """Run the graph's layer calls in order on ``inputs``; ``training`` reaches the layers
        that take it (a value fixed in a layer call when building wins when ``training`` is
        None). ``mask`` (one per input, or None; by default the inputs' own masks) is
        attached to the inputs, and the masks travel through the layers as Keras's do."""
        if isinstance(training, (list, tuple, dict)) or getattr(training, "ndim", 0):
            raise TypeError(f"{self.name}: a functional model takes its inputs as one argument; "
                            "pass several inputs as a list or dict, e.g. model([x1, x2])")
        values = {id(ref): self._standardize(i, x, ref) for i, (x, ref) in
                  enumerate(zip(self._flat_call_inputs(inputs), self._inputs))}
        if mask is not None:  # Keras: the given masks go on the inputs
            for ref, m in zip(self._inputs, nest.flatten(mask)):
                if m is not None:
                    values[id(ref)]._keras_mask = m if isinstance(m, Tensor) else Tensor(np.asarray(m))
        for node in self._nodes:
            outputs = node.replay(values, training)
            for x, value in zip(node.flat_outputs, outputs):
                values[id(x)] = value
            if id(node) in self._mask_nodes:
                _masks.replay_masks(node, outputs, values, self._recompute_masks, KerasTensor)
        out = nest.pack_sequence_as(self._outputs_struct, [values[id(x)] for x in self._outputs])
        return out[0] if isinstance(out, (list, tuple)) and len(out) == 1 else out  # as Keras 3

    # -- summary ---------------------------------------------------------------------------
    def _sequential_like(self) -> bool:
        nodes = []
        for depth in sorted(self._nodes_by_depth, reverse=True):
            level = self._nodes_by_depth[depth]
            if len(level) > 1 or (len(level) == 1 and len(level[0].inputs) > 1):
                return False
            nodes += level
        return all(sum(n in nodes for n in layer.__dict__.get("_inbound_nodes", ())) <= 1
                   for layer in self.layers)

    def summary(self, print_fn: Callable[[str], None] | None = None,
                line_length: int | None = None, positions: list | None = None) -> None:
        """Print the layers with their output shapes and parameter counts, as Keras 3 lays
        them out (with a "Connected to" column when the graph is not a chain); ``print_fn``
        gets one line at a time.

        >>> import gradtape as gt
        >>> x = gt.keras.Input(shape=(3,), name="x")
        >>> model = gt.keras.Model(x, gt.keras.layers.Dense(2, name="out")(x), name="tiny")
        >>> model.summary(line_length=60)
        Model: "tiny"
        ┏━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┓
        ┃ Layer (type)             ┃ Output Shape      ┃   Param # ┃
        ┡━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━┩
        │ x (InputLayer)           │ (None, 3)         │         0 │
        ├──────────────────────────┼───────────────────┼───────────┤
        │ out (Dense)              │ (None, 2)         │         8 │
        └──────────────────────────┴───────────────────┴───────────┘
         Total params: 8 (32.00 B)
         Trainable params: 8 (32.00 B)
         Non-trainable params: 0 (0.00 B)
        """
        sequential = self._sequential_like()
        relevant = {n for level in self._nodes_by_depth.values() for n in level}
        rows = []
        for op in self._operations:
            nodes = op.__dict__.get("_inbound_nodes", [])
            row = [f"{op.name} ({type(op).__name__})",
                   format_shape(nodes[-1].outputs) if nodes else "?", param_text(op)]
            if not sequential:
                links = [f"{x._keras_history.operation.name}[{x._keras_history.node_index}]"
                         f"[{x._keras_history.tensor_index}]"
                         for n in nodes if n in relevant for x in n.inputs
                         if not getattr(x, "_is_keras_mask", False)]
                row.append(", ".join(links) or "-")
            rows.append(row)
        print_summary(self, rows, sequential, print_fn, line_length, positions)



def _functional_like(cls: type) -> bool:
    """Whether ``cls`` is built as ``cls(inputs, outputs, ...)`` (Keras's
    ``functional_like_constructor``)."""
    import inspect
    init = inspect.signature(cls.__init__).parameters
    names = [n for n in init if n != "self"]
    return cls is Functional or names[:2] == ["inputs", "outputs"]
