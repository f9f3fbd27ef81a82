"""Keras 3's masks: how a layer call finds, passes on and attaches them.

A mask travels with a tensor as its ``_keras_mask`` attribute (a boolean tensor, typically
``(batch, time)``; ``None`` for none). Only layer calls read and set it, never ops. Around
``call``, :class:`gradtape.layers.Layer` does what Keras 3's ``Layer.__call__`` does:

* when ``call`` takes a ``mask`` argument, the call has one tensor argument and no mask was
  given, it passes that argument's mask (a list of masks for a list of tensors); with several
  tensor arguments it fills each ``<name>_mask`` argument that ``call`` takes instead;
* after the call, a layer that ``supports_masking`` sets the masks that
  ``compute_mask(inputs, previous_mask)`` returns on the outputs that have none; a layer that
  does not, given a masked input, warns that it drops the mask.
"""

from __future__ import annotations

import inspect
import warnings
from typing import Any

import numpy as np

from .. import nest
from .._engine.tensor import Tensor

__all__ = ["get_keras_mask", "set_keras_mask", "mask_structure", "any_mask", "populate_masks",
           "masked_call", "finish_masks", "mask_params", "as_bool_mask"]


def get_keras_mask(x: Any) -> Any:
    """The mask attached to ``x`` (None for none, and for anything that is not a tensor).

    >>> import gradtape as gt
    >>> x = gt.layers.Embedding(5, 2, mask_zero=True)(gt.constant([[3, 0]]))
    >>> get_keras_mask(x).numpy()
    array([[ True, False]])
    >>> get_keras_mask(gt.ones((2,))) is None
    True
    """
    return getattr(x, "_keras_mask", None)


def set_keras_mask(x: Any, mask: Any) -> None:
    """Attach ``mask`` to the tensor ``x`` (None removes it); anything else is left alone.

    >>> import gradtape as gt
    >>> x = gt.ones((1, 2))
    >>> set_keras_mask(x, gt.constant([[True, False]]))
    >>> x._keras_mask.numpy()
    array([[ True, False]])
    """
    try:
        x._keras_mask = mask
    except AttributeError:
        pass


def mask_structure(x: Any) -> Any:
    """The masks of ``x`` in its structure: a tensor's mask, or a list (tuple, dict) of them."""
    if isinstance(x, (list, tuple)):
        return [mask_structure(e) for e in x]
    if isinstance(x, dict):
        return {k: mask_structure(v) for k, v in x.items()}
    return getattr(x, "_keras_mask", None)


def any_mask(masks: Any) -> bool:
    """Whether a structure of masks holds at least one mask."""
    if masks is None:
        return False
    if isinstance(masks, (list, tuple, dict)):
        return any(m is not None for m in nest.flatten(masks))
    return True


def as_bool_mask(mask: Any) -> np.ndarray:
    """A mask (tensor, array or nested list) as a boolean NumPy array."""
    m = mask._value if isinstance(mask, Tensor) else np.asarray(mask)
    return m if m.dtype == np.bool_ else m.astype(bool)


def mask_params(cls: type) -> tuple[bool, tuple[str, ...]]:
    """Whether ``cls.call`` takes ``mask``, and the ``<name>_mask`` arguments it takes."""
    try:
        params = list(inspect.signature(cls.call).parameters)
    except (TypeError, ValueError):  # pragma: no cover - a call without a signature
        return False, ()
    named = tuple(p for p in params if p.endswith("_mask") and p[:-len("_mask")] in params)
    return "mask" in params, named


def _is_tensor_argument(v: Any) -> bool:
    """A tensor, or a non-empty list (tuple, dict) of tensors and Nones: Keras's tensor
    arguments, whose masks a call can receive."""
    if isinstance(v, Tensor):
        return True
    if isinstance(v, (list, tuple, dict)) and v:
        flat = nest.flatten(v)
        return all(e is None or isinstance(e, Tensor) for e in flat) and any(
            isinstance(e, Tensor) for e in flat)
    return False


def populate_masks(layer: Any, inputs: Any, args: tuple, kwargs: dict, prev: Any) -> None:
    """Fill ``kwargs`` with the masks Keras passes to ``call`` (``prev``: the masks of
    ``inputs``)."""
    takes_mask = layer._call_mask_arg
    if takes_mask and not args and kwargs.get("mask") is None and not any(
            _is_tensor_argument(v) for v in kwargs.values()):
        if _is_tensor_argument(inputs):  # the one tensor argument: its mask
            kwargs["mask"] = prev
        return
    try:
        bound = inspect.signature(layer.call).bind(inputs, *args, **kwargs)
    except TypeError:
        return  # the call itself reports the wrong arguments
    arguments = bound.arguments
    tensors = [(k, v) for k, v in arguments.items() if _is_tensor_argument(v)]
    if len(tensors) == 1:
        if takes_mask and arguments.get("mask") is None:
            kwargs["mask"] = mask_structure(tensors[0][1])
    elif len(tensors) > 1:
        for name, value in tensors:
            key = f"{name}_mask"
            if key in layer._call_named_masks and arguments.get(key) is None:
                kwargs[key] = mask_structure(value)


def masked_call(layer: Any, inputs: Any, args: tuple, kwargs: dict, prev: Any) -> Any:
    """``Layer.__call__``'s end for layers whose call takes masks or that compute their own:
    pass the masks, call, attach the outputs' masks."""
    if layer._call_named_masks or (layer._call_mask_arg and (prev is not None or args or kwargs)):
        # (a call on one unmasked tensor gets mask=None: nothing to fill in)
        populate_masks(layer, inputs, args, kwargs, prev)
    given = kwargs.get("mask")
    if given is not None:
        prev = given
    outputs = layer._tracked_call(inputs, args, kwargs)
    if prev is None and not layer._custom_compute_mask:
        return outputs
    return finish_masks(layer, inputs, outputs, prev, stacklevel=4)


def finish_masks(layer: Any, inputs: Any, outputs: Any, previous: Any, stacklevel: int = 3) -> Any:
    """After the call: attach ``compute_mask``'s masks to the outputs that have none (layers
    that support masking), or warn that a given mask is dropped (layers that do not)."""
    if layer.supports_masking:
        flat = nest.flatten(outputs)
        if flat and all(getattr(x, "_keras_mask", None) is not None for x in flat):
            return outputs  # the call set them
        masks = layer.compute_mask(inputs, previous)
        if masks is None:
            return outputs
        for x, m in zip(flat, nest.flatten(masks)):
            if m is not None and isinstance(x, Tensor) and x._keras_mask is None:
                x._keras_mask = m
    elif any_mask(previous):
        warnings.warn(
            f"Layer '{layer.name}' (of type {type(layer).__name__}) was passed an input with a "
            "mask attached to it. However, this layer does not support masking and will "
            "therefore destroy the mask information. Downstream layers will not see the mask.",
            stacklevel=stacklevel)
    return outputs
