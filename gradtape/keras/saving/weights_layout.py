"""Where each variable goes in a ``.keras`` file, as Keras 3 lays out ``model.weights.h5``.

Every saveable object (the model, each layer, each sublayer Keras tracks, the optimizer) has a
path; its own variables are stored as ``<path>/vars/0``, ``<path>/vars/1``, ... A Sequential or
Functional model's layers live under ``layers/<snake_case class name>`` (``dense``,
``dense_1``, ...: numbered by class, not by layer name); recurrent layers keep their weights in
``cell``, ``Bidirectional`` in ``forward_layer``/``backward_layer``, ``TimeDistributed`` in
``layer``, ``MultiHeadAttention`` in ``query_dense``/``key_dense``/``value_dense``/
``output_dense``; other layers and subclassed models hold their own variables and their
sublayer attributes in name order (private ones last), as Keras walks them. The optimizer
stores ``iterations``, the learning rate (unless it is a schedule) and the slots, in Keras's
order (Adam's ``m``/``v`` per variable, then ``vhat``; other optimizers one slot kind after the
other).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

__all__ = ["saveables", "optimizer_variables", "load_optimizer_variables"]

_RNN = ("SimpleRNN", "LSTM", "GRU")
# attributes of gradtape's models and layers that are not sublayers Keras would save
_INTERNAL = frozenset({"optimizer", "_compile_metrics", "_compile_loss", "_loss_tracker", "layers",
                       "_graph", "_inbound_nodes", "_operations", "_nodes", "_inputs", "_outputs",
                       "_inputs_struct", "_outputs_struct", "_nodes_by_depth", "history"})


def _snake(name: str) -> str:
    """Keras's ``naming.to_snake_case``."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def _own_variables(layer: Any) -> list:
    """A layer's own variables as Keras orders them: trainable ones, then the others, each in
    order of creation."""
    flags = layer._trainable_flags
    own = {id(v): v for v in layer._own_variables()}
    ordered = [own[i] for i in flags if i in own]
    return [v for v in ordered if flags[id(v)]] + [v for v in ordered if not flags[id(v)]]


def _is_builtin(obj: Any) -> bool:
    return type(obj).__module__.startswith("gradtape.")


def saveables(model: Any) -> list[tuple[str, str, list]]:
    """``(path, name, variables)`` for every saveable object of ``model``, Keras's layout."""
    out: list = []
    _visit(model, "", out, set())
    return [entry[:3] for entry in out]


def vocabulary_assets(model: Any) -> list[tuple[str, Any]]:
    """``(asset folder, layer)`` for each lookup or text vectorization layer of ``model``: Keras
    writes their vocabularies as ``assets/<path>/vocabulary.txt`` (a text vectorization layer's
    lookup sublayer under ``<path>/_lookup_layer`` too)."""
    out: list = []
    _visit(model, "", out, set())
    found = []
    for entry in out:
        layer = entry[3] if len(entry) > 3 else None
        if layer is not None and hasattr(layer, "get_vocabulary") and hasattr(layer, "set_vocabulary"):
            found.append((entry[0], layer))
            if hasattr(layer, "_lookup_layer"):
                found.append((_join(entry[0], "_lookup_layer"), layer._lookup_layer))
    return found


def _container(items: list, path: str, out: list, seen: set) -> None:
    from ...layers.base import Layer
    used: dict = {}
    for item in items:
        if isinstance(item, Layer):
            base = _snake(_keras_class(item))
            if base in used:
                used[base] += 1
                name = f"{base}_{used[base]}"
            else:
                used[base] = 0
                name = base
            _visit(item, _join(path, name), out, seen)
        elif isinstance(item, (list, tuple, dict)):
            base = "container"
            used[base] = used.get(base, -1) + 1
            name = base if used[base] == 0 else f"{base}_{used[base]}"
            _container(list(item.values()) if isinstance(item, dict) else list(item),
                       _join(path, name), out, seen)


def _keras_class(layer: Any) -> str:
    from ...layers._config import keras_name
    return keras_name(type(layer)) if _is_builtin(layer) else type(layer).__name__


def _visit(obj: Any, path: str, out: list, seen: set) -> None:
    from ...layers.base import Layer
    from ..functional import Functional
    from ..sequential import Sequential
    if id(obj) in seen:
        return
    seen.add(id(obj))
    kind = _keras_class(obj)
    if isinstance(obj, (Functional, Sequential)):
        out.append((path, obj.name, _own_variables(obj)))
        layers = [op for op in obj.layers if isinstance(op, Layer)]
        _container(layers, _join(path, "layers"), out, seen)
        return
    if _is_builtin(obj) and kind in _RNN:
        out.append((path, obj.name, []))
        out.append((_join(path, "cell"), f"{_snake(kind)}_cell", list(obj.weights)))
        return
    if _is_builtin(obj) and kind == "Bidirectional":
        out.append((path, obj.name, []))
        _visit(obj.backward_layer, _join(path, "backward_layer"), out, seen)
        _visit(obj.forward_layer, _join(path, "forward_layer"), out, seen)
        return
    if _is_builtin(obj) and kind == "TimeDistributed":
        out.append((path, obj.name, []))
        _visit(obj.layer, _join(path, "layer"), out, seen)
        return
    if _is_builtin(obj) and kind == "MultiHeadAttention":
        out.append((path, obj.name, []))
        weights = list(obj.weights)
        per = 2 if obj.use_bias else 1
        for i, (attr, name) in enumerate((("query_dense", "query"), ("key_dense", "key"),
                                          ("value_dense", "value"), ("output_dense", "attention_output"))):
            out.append((_join(path, attr), name, weights[i * per:(i + 1) * per]))
        return
    if _is_builtin(obj) and type(obj).__module__.startswith("gradtape.layers"):
        out.append((path, obj.name, list(obj.weights), obj))  # the layer: for its assets
        return
    # a layer or model defined outside gradtape: its own variables, then its sublayers by
    # attribute name (private attributes last), as Keras's _walk_saveable
    out.append((path, obj.name, _own_variables(obj)))
    for attr in sorted(vars(obj), key=lambda n: f"~{n}" if n.startswith("_") else n):
        if attr in _INTERNAL or attr.startswith("__"):
            continue
        value = vars(obj)[attr]
        if isinstance(value, Layer):
            _visit(value, _join(path, attr), out, seen)
        elif isinstance(value, (list, tuple, dict)) and _holds_layer(value):
            _container(list(value.values()) if isinstance(value, dict) else list(value),
                       _join(path, attr), out, seen)


def _holds_layer(value: Any) -> bool:
    from ...layers.base import Layer
    items = value.values() if isinstance(value, dict) else value
    return any(isinstance(v, Layer) or (isinstance(v, (list, tuple, dict)) and _holds_layer(v))
               for v in items)


# -- the optimizer ---------------------------------------------------------------------------
def _slot_groups(optimizer: Any) -> list[tuple]:
    names = tuple(optimizer._slot_names)
    if "m" in names and "v" in names:  # Adam, AdamW: (momentum, velocity) per variable, then vhat
        return [("m", "v")] + [(n,) for n in names if n not in ("m", "v")]
    return [(n,) for n in names]


def _learning_rate_is_variable(optimizer: Any) -> bool:
    from ...optimizers import schedules
    return not isinstance(optimizer.learning_rate, schedules.LearningRateSchedule)


def optimizer_variables(model: Any) -> list:
    """The optimizer's state as Keras stores it: ``iterations``, the learning rate, then the
    slots of the model's trainable variables (arrays; the slots only once they exist)."""
    opt = model.optimizer
    out = [np.asarray(opt.iterations.numpy(), dtype=np.int64)]
    if _learning_rate_is_variable(opt):
        out.append(np.asarray(opt.learning_rate, dtype=np.float32))
    variables = list(model.trainable_variables)
    if not variables or any(id(v) not in opt._slots for v in variables):
        return out
    for group in _slot_groups(opt):
        for v in variables:
            out.extend(opt._slots[id(v)][n].numpy() for n in group)
    return out


def load_optimizer_variables(model: Any, arrays: list) -> None:
    """Assign :func:`optimizer_variables`'s arrays to the model's optimizer (slots created)."""
    opt = model.optimizer
    arrays = list(arrays)
    head = 2 if _learning_rate_is_variable(opt) else 1
    if len(arrays) < head:
        raise ValueError(f"The saved optimizer state has {len(arrays)} variables; expected at least {head}")
    variables = list(model.trainable_variables)
    slots_wanted = sum(len(g) for g in _slot_groups(opt)) * len(variables)
    if len(arrays) not in (head, head + slots_wanted):
        raise ValueError(f"Optimizer '{opt.name}' expected {head + slots_wanted} variables, but "
                         f"received {len(arrays)} variables during loading.")
    pending = []
    if len(arrays) > head:
        opt.build(variables)
        it = iter(arrays[head:])
        for group in _slot_groups(opt):
            for v in variables:
                for n in group:
                    slot, value = opt._slots[id(v)][n], np.asarray(next(it))
                    if tuple(value.shape) != tuple(slot.shape):
                        raise ValueError(f"Optimizer slot {n!r} of {v.name} has shape {tuple(slot.shape)}"
                                         f" but the saved value has shape {value.shape}")
                    pending.append((slot, value))
    opt.iterations.assign(np.asarray(arrays[0]).astype(np.int64))
    if head == 2 and np.float32(opt.learning_rate) != np.asarray(arrays[1], np.float32):
        # stored as float32 (Keras's variable): the config's exact value wins when they agree
        opt.learning_rate = float(np.asarray(arrays[1]))
    for slot, value in pending:
        slot.assign(value.astype(slot.dtype, copy=False))
