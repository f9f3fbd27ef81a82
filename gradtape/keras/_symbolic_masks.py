"""Masks in the Functional API, as Keras 3 records and replays them.

A layer called on KerasTensors gives its symbolic outputs a symbolic mask (a bool KerasTensor
in their ``_keras_mask``) when its run on zeros gives the output a mask. When Keras would keep
the mask it passes to ``call`` in the recorded call (``call`` takes ``mask``, the layer is
called on one KerasTensor with no other argument), the node keeps ``mask=<symbolic mask>``,
and the replay passes that mask's value. The value is the mask the producing layer computed
(models whose layers never remove masks), or, when a layer such as MultiHeadAttention removes
the masks of its inputs during the eager replay, the mask recomputed with ``compute_mask``
from the symbolic masks, so that those layers see the masks Keras's graph gives them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import nest
from .._engine.tensor import Tensor

__all__ = ["probe_mask", "symbolic_masks", "record_mask", "removes_masks", "replay_masks"]


def probe_mask(x: Any, value: Tensor, concrete) -> None:
    """Give the zeros standing for the KerasTensor ``x`` in a shape run a mask of ones when
    ``x`` has a symbolic mask (``concrete`` turns a symbolic shape into sizes)."""
    mask = getattr(x, "_keras_mask", None)
    if mask is not None:
        value._keras_mask = Tensor(np.ones(concrete(mask.shape), dtype=bool))


def symbolic_masks(layer: Any, first: list, second: list | None, probe_inputs: list,
                   symbolic_output) -> list:
    """The symbolic mask of each flat output (None for none) from the two shape runs."""
    own = {id(v) for v in probe_inputs}
    out = []
    for i, value in enumerate(first):
        mask = getattr(value, "_keras_mask", None)
        if mask is None or (id(value) in own and not layer.supports_masking):
            out.append(None)  # an input passed through by a layer that drops masks
            continue
        other = getattr(second[i], "_keras_mask", None) if second is not None else None
        kt = symbolic_output(mask, other)
        kt._is_keras_mask = True
        out.append(kt)
    return out


def record_mask(layer: Any, inputs: Any, args: tuple, kwargs: dict, keras_tensor: type) -> bool:
    """Whether Keras keeps the mask it passes to this call in the recorded call: ``call``
    takes ``mask``, the call has one KerasTensor argument and nothing else, and the input
    needs no conversion."""
    if args or kwargs or not layer._call_mask_arg or type(inputs) is not keras_tensor:
        return False
    if inputs._keras_mask is None:
        return False
    from ..layers.base import Layer
    converts = type(layer)._cast is Layer._cast
    return not converts or inputs.dtype == layer.dtype


def removes_masks(layers: list) -> bool:
    """Whether a layer (or a sublayer) removes the masks of its inputs when called, so that
    the eager masks can differ from the recorded ones."""
    for layer in layers:
        for m in (layer,) + tuple(getattr(layer, "submodules", ())):
            if getattr(m, "_removes_input_masks", False):
                return True
    return False


def _symbolic_prev(node: Any, values: dict, keras_tensor: type) -> Any:
    recorded = node.call_args[2].get("mask")
    if isinstance(recorded, keras_tensor):
        return values.get(id(recorded))

    def mask_of(x):
        m = getattr(x, "_keras_mask", None) if isinstance(x, keras_tensor) else None
        return None if m is None else values.get(id(m))
    first = node.call_args[0]
    if isinstance(first, (list, tuple)):
        return [mask_of(x) for x in first]
    return mask_of(first)


def replay_masks(node: Any, outputs: list, values: dict, recompute: bool,
                 keras_tensor: type) -> None:
    """Store the values of the node's symbolic output masks in ``values``: the masks on the
    computed outputs, or (``recompute``) ``compute_mask`` of the symbolic masks."""
    flat_outputs = node.flat_outputs
    if not recompute:
        for kt, value in zip(flat_outputs, outputs):
            m = kt._keras_mask
            if m is not None:
                values[id(m)] = getattr(value, "_keras_mask", None)
        return
    layer = node.layer
    masks: list = [None] * len(flat_outputs)
    if layer.supports_masking:
        flat = [values[id(x)] if isinstance(x, keras_tensor) else x for x in node.flat_args]
        inputs = nest.pack_sequence_as(node.call_args, flat)[0]
        computed = layer.compute_mask(inputs, _symbolic_prev(node, values, keras_tensor))
        if computed is not None:
            masks = (nest.flatten(computed) + masks)[:len(flat_outputs)]
    for kt, m in zip(flat_outputs, masks):
        if kt._keras_mask is not None:
            values[id(kt._keras_mask)] = m
