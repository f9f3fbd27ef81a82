"""The masks of the merge layers (merge.py), as Keras 3 computes them."""

from __future__ import annotations

from typing import Callable

import numpy as np

import gradtape as gt
from ._masking import as_bool_mask, get_keras_mask

__all__ = ["step_mask", "merge_or_masked", "multiply_masked", "or_mask", "concat_mask"]


def _check_masks(inputs, mask) -> None:
    if not isinstance(mask, (tuple, list)):
        raise ValueError(f"`mask` should be a list. Received: mask={mask}")
    if not isinstance(inputs, (tuple, list)):
        raise ValueError(f"`inputs` should be a list. Received: inputs={inputs}")
    if len(mask) != len(inputs):
        raise ValueError(f"The lists `inputs` and `mask` should have the same length. Received: "
                         f"{len(inputs)} inputs and {len(mask)} masks")


def step_mask(x) -> np.ndarray | None:
    """``x``'s mask broadcast to ``x``'s shape (one value per time step, repeated over the
    features), or None."""
    mask = get_keras_mask(x)
    if mask is None:
        return None
    return np.broadcast_to(as_bool_mask(mask)[..., None], tuple(x.shape))


def merge_or_masked(xs: list, op: Callable):
    """Keras's Maximum/Minimum with masks: a masked entry takes the other operand's value, and
    the output is masked where all inputs are (when every input has a mask)."""
    output = output_mask = None
    for x in xs:
        mask = step_mask(x)
        if output is None:
            output, output_mask = x, mask
            continue
        if mask is not None:
            x = gt.where(mask, x, output)
        if output_mask is not None:
            output = gt.where(output_mask, output, x)
        output_mask = output_mask | mask if mask is not None and output_mask is not None else None
        output = op(output, x)
    if output_mask is not None:
        output._keras_mask = gt.Tensor(output_mask.any(axis=-1))
    return output


def multiply_masked(xs: list, masks: list):
    """Keras's Multiply with masks: masked entries count as 1; when every input has a mask,
    the output is 0 (and masked) where all inputs are masked."""
    full = all(m is not None for m in masks)
    out = out_mask = None
    for x, m in zip(xs, masks):
        if m is not None:
            x = gt.where(m, x, gt.ones_like(x))
            if full:
                out_mask = m if out_mask is None else out_mask | m
        out = x if out is None else out * x
    if full:
        out = gt.where(out_mask, out, gt.zeros_like(out))
        out._keras_mask = gt.Tensor(out_mask.any(axis=-1))
    return out


def or_mask(inputs, mask):
    """The logical or of the inputs' masks, or None unless every input has one."""
    if mask is None:
        return None
    _check_masks(inputs, mask)
    if any(m is None for m in mask):
        return None
    out = as_bool_mask(mask[0])
    for m in mask[1:]:
        out = out | as_bool_mask(m)
    return gt.Tensor(out)


def concat_mask(inputs, mask, axis: int):
    """Concatenate's: the masks (all true for an unmasked input, broadcast over the features)
    concatenated along ``axis``, then any over the last axis; None when no input has one."""
    if mask is None:
        return None
    _check_masks(inputs, mask)
    if all(m is None for m in mask):
        return None
    masks = []
    for x, m in zip(inputs, mask):
        shape = tuple(x.shape)
        if m is None:
            masks.append(np.ones(shape, dtype=bool))
        else:
            m = as_bool_mask(m)
            masks.append(np.logical_or(m[..., None], np.zeros(shape, dtype=bool)) if m.ndim < len(shape) else m)
    return gt.Tensor(np.concatenate(masks, axis=axis).any(axis=-1))
