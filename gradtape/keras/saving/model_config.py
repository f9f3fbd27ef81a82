"""The configs of Sequential and Functional models (and of ``InputLayer``) in Keras 3's layout.

A Functional config lists every layer (and operator node) with its ``inbound_nodes``: the
arguments of each call, KerasTensors written as ``__keras_tensor__`` with their
``keras_history`` (layer name, call index within the model, output index), then
``input_layers``/``output_layers`` in the structure of the model's inputs and outputs.
Reading one deserializes the layers and replays the calls, in Keras's order, on new
KerasTensors.
"""

from __future__ import annotations

from typing import Any

from ... import nest
from ..._engine.tensor import _dtype_name
from .serialization import deserialize_keras_object, serialize_keras_object

__all__ = ["functional_config", "functional_from_config", "sequential_config", "sequential_from_config",
           "input_layer_config"]


def input_layer_config(layer: Any) -> dict:
    """Keras's ``InputLayer.get_config()``."""
    return {"batch_shape": list(layer.batch_shape), "dtype": _dtype_name(layer.dtype), "sparse": False,
            "ragged": False, "name": layer.name, "optional": False}


def _base(model: Any) -> dict:
    from ...layers._config import dtype_policy
    return {"name": model.name, "trainable": model.trainable, "dtype": dtype_policy(model)}


def sequential_config(model: Any) -> dict:
    """Keras's ``Sequential.get_config()``: the layers (the InputLayer first when the model has
    one) and the input shape it was built for."""
    config = _base(model)
    layers = []
    graph = model._graph
    if graph is not None:
        origin = graph[0]._keras_history.operation
        layers.append(serialize_keras_object(origin))
    for layer in model.layers:
        layers.append(serialize_keras_object(layer))
    config["layers"] = layers
    if graph is not None:
        config["build_input_shape"] = list(graph[0].shape)
    return config


def sequential_from_config(cls: type, config: dict) -> Any:
    """A Sequential model from :func:`sequential_config`'s dict (or Keras's)."""
    config = dict(config)
    layers = [deserialize_keras_object(c) for c in config.pop("layers", [])]
    shape = config.pop("build_input_shape", None)
    dtype = config.pop("dtype", None)
    del dtype  # each layer keeps its own
    model = cls(name=config.get("name"), trainable=config.get("trainable", True))
    for layer in layers:
        model.add(layer)
    if shape is not None and model._graph is None and model.layers:
        model.build(tuple(shape))
    return model


# -- Functional ------------------------------------------------------------------------------
def _is_functional(op: Any) -> bool:
    from ..functional import Functional
    return isinstance(op, Functional)


def functional_config(model: Any) -> dict:
    """Keras's ``Functional.get_config()``."""
    from ..keras_tensor import KerasTensor
    own = set(model._nodes)
    for x in model._inputs:
        own.add(x._keras_history.operation._inbound_nodes[x._keras_history.node_index])
    reindex: dict = {}
    for op in model._operations:
        kept = 1 if _is_functional(op) else 0  # Keras counts a Functional model's own node 0
        for i, node in enumerate(op.__dict__.get("_inbound_nodes", [])):
            if node in own:
                reindex[(id(op), i)] = kept
                kept += 1

    def history(x: KerasTensor) -> list:
        op, index, tensor_index = x._keras_history
        key = (id(op), index)
        if key not in reindex:
            raise RuntimeError(f"Internal error: could not find the node of {x!r}")
        return [op.name, reindex[key], tensor_index]

    def arg(value: Any) -> Any:
        if isinstance(value, KerasTensor):
            return {"class_name": "__keras_tensor__", "config": {
                "shape": list(value.shape), "dtype": _dtype_name(value.dtype), "keras_history": history(value)}}
        if isinstance(value, (list, tuple)):
            return [arg(v) for v in value]
        if isinstance(value, dict):
            return {k: arg(v) for k, v in value.items()}
        return serialize_keras_object(value)

    layers = []
    for op in model._operations:
        nodes = []
        for node in op.__dict__.get("_inbound_nodes", []):
            if node in own and not node.is_input:
                inputs, args, kwargs = node.call_args
                nodes.append({"args": [arg(inputs)] + [arg(a) for a in args],
                              "kwargs": {k: arg(v) for k, v in kwargs.items()}})
        entry = serialize_keras_object(op)
        entry["name"] = op.name
        entry["inbound_nodes"] = nodes
        layers.append(entry)
    config = {"name": model.name, "trainable": model.trainable, "layers": layers}
    config["input_layers"] = nest.map_structure(history, model._inputs_struct)
    config["output_layers"] = nest.map_structure(history, model._outputs_struct)
    return config


class _NotReady(Exception):
    """A node's input comes from a call not replayed yet."""


def _tensor(created: dict, ref: list) -> Any:
    name, index, tensor_index = ref
    layer = created[name]
    if _is_functional(layer):
        index -= 1
    nodes = layer.__dict__.get("_inbound_nodes", [])
    if index >= len(nodes):
        raise _NotReady
    return nodes[index].flat_outputs[tensor_index]


def _is_ref(value: Any) -> bool:
    return (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
            and isinstance(value[1], int) and isinstance(value[2], int))


def _arg(created: dict, value: Any) -> Any:
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            return _tensor(created, value["config"]["keras_history"])
        if "class_name" in value and "config" in value:
            return deserialize_keras_object(value)
        return {k: _arg(created, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_arg(created, v) for v in value]
    return value


def _structure(created: dict, refs: Any) -> Any:
    if _is_ref(refs):
        return _tensor(created, refs)
    if isinstance(refs, dict):
        return {k: _structure(created, v) for k, v in refs.items()}
    return [_structure(created, r) for r in refs]


def functional_from_config(cls: type, config: dict) -> Any:
    """A Functional model (of class ``cls``) from :func:`functional_config`'s dict or Keras's."""
    created: dict = {}
    pending: dict = {}
    order = []
    for entry in config["layers"]:
        layer = deserialize_keras_object(entry)
        name = entry.get("name") or entry["config"].get("name")
        created[name] = layer
        order.append(name)
        nodes = entry.get("inbound_nodes") or []
        if nodes:
            pending[name] = list(nodes)
    while pending:
        progressed = False
        for name in order:
            queue = pending.get(name)
            while queue:
                node = queue[0]
                if isinstance(node, list):  # Keras 2's node layout
                    raise ValueError("Loading Keras 2 (legacy) functional configs is not supported")
                try:
                    args = [_arg(created, a) for a in node.get("args", [])]
                    kwargs = {k: _arg(created, v) for k, v in node.get("kwargs", {}).items()}
                except _NotReady:
                    break
                created[name](*args, **kwargs)
                queue.pop(0)
                progressed = True
            if name in pending and not pending[name]:
                del pending[name]
        if not progressed and pending:
            raise ValueError(f"Could not rebuild the functional model: the calls of {sorted(pending)} "
                             "need outputs that no other call produces")
    inputs = _structure(created, config["input_layers"])
    outputs = _structure(created, config["output_layers"])
    if isinstance(inputs, list) and len(inputs) == 1:  # as Keras's functional_from_config
        inputs = inputs[0]
    if isinstance(outputs, list) and len(outputs) == 1:
        outputs = outputs[0]
    return cls(inputs=inputs, outputs=outputs, name=config.get("name"),
               trainable=config.get("trainable", True))
