"""Moving blocks of spatial positions into the batch axis and back: ``space_to_batch``,
``space_to_batch_nd``, ``batch_to_space`` and ``required_space_to_batch_paddings``, as in
TensorFlow 2.

``space_to_batch_nd`` is a zero pad, a reshape, a transpose and a reshape; ``batch_to_space``
a reshape, a transpose, a reshape and a crop. All are recorded ops, so both are
differentiable to every order (each one's gradient is essentially the other).
``required_space_to_batch_paddings`` computes integer paddings and has no gradient.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._engine.tensor import Tensor, wrap
from ._args import integers


def _int_array(v, op: str, arg: str) -> np.ndarray:
    return integers(v, op, arg, np.int64).astype(np.int64)


def _block_args(op: str, x: Tensor, block_shape, pairs, pairs_arg: str) -> tuple:
    """``(block, pairs)`` as int lists, checked against the input's rank."""
    b = _int_array(block_shape, op, "block_shape")
    if b.ndim != 1 or b.size < 1:
        raise ValueError(f"{op}: block_shape must be a 1-D list of at least one block size, got shape "
                         f"{b.shape}")
    if (b < 1).any():
        raise ValueError(f"{op}: block_shape must be positive, got {b.tolist()}")
    m = b.size
    p = _int_array(pairs, op, pairs_arg)
    if p.shape != (m, 2):
        raise ValueError(f"{op}: {pairs_arg} must have shape [M, 2] = [{m}, 2] (one [start, end] pair "
                         f"per block dimension), got shape {list(p.shape)}")
    if (p < 0).any():
        raise ValueError(f"{op}: {pairs_arg} must be non-negative, got {p.tolist()}")
    if x.ndim < 1 + m:
        raise ValueError(f"{op}: input must have rank >= 1 + len(block_shape) = {1 + m} (a batch "
                         f"dimension, then {m} spatial dimensions), got shape {tuple(x.shape)}")
    return [int(v) for v in b], [(int(lo), int(hi)) for lo, hi in p]


def space_to_batch_nd(input: Any, block_shape: Any, paddings: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """Zero-pad the ``M`` spatial dimensions after the batch by ``paddings`` and move each
    ``block_shape`` block of positions into the batch dimension, as ``tf.space_to_batch_nd``.

    ``input`` has shape ``[batch] + spatial_shape + remaining_shape``; the result has shape
    ``[batch * prod(block_shape)] + [(spatial_shape[i] + paddings[i][0] + paddings[i][1]) /
    block_shape[i]] + remaining_shape``. Output batch ``(offsets, b)`` (the block offsets,
    row-major, then the input batch) holds the positions at those offsets.

    >>> import gradtape as gt
    >>> x = gt.reshape(gt.range(1.0, 5.0), (1, 2, 2, 1))
    >>> gt.space_to_batch_nd(x, [2, 2], [[0, 0], [0, 0]]).numpy().ravel()
    array([1., 2., 3., 4.], dtype=float32)
    """
    op = "space_to_batch_nd"
    x = input if isinstance(input, Tensor) else Tensor(input)
    block, pads = _block_args(op, x, block_shape, paddings, "paddings")
    m = len(block)
    padded = [s + lo + hi for s, (lo, hi) in zip(x.shape[1:1 + m], pads)]
    for i, (s, b) in enumerate(zip(padded, block)):
        if s % b:
            raise ValueError(f"{op}: padded spatial dimension {i + 1} has size {s} (input shape "
                             f"{tuple(x.shape)}, paddings {[list(q) for q in pads]}), which is not "
                             f"divisible by block_shape[{i}] = {b}; adjust paddings (see "
                             "gt.required_space_to_batch_paddings)")
    from .array import pad, reshape, transpose
    rest = tuple(x.shape[1 + m:])
    y = pad(x, [(0, 0)] + pads + [(0, 0)] * len(rest)) if any(lo or hi for lo, hi in pads) else x
    n = x.shape[0]
    y = reshape(y, (n,) + tuple(v for s, b in zip(padded, block) for v in (s // b, b)) + rest)
    perm = (tuple(2 + 2 * i for i in range(m)) + (0,) + tuple(1 + 2 * i for i in range(m))
            + tuple(range(1 + 2 * m, 1 + 2 * m + len(rest))))
    y = transpose(y, perm)
    return reshape(y, (n * math.prod(block),) + tuple(s // b for s, b in zip(padded, block)) + rest)


def space_to_batch(input: Any, block_shape: Any, paddings: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """TensorFlow 2's ``tf.space_to_batch``: the same as :func:`space_to_batch_nd`.

    >>> import gradtape as gt
    >>> x = gt.reshape(gt.range(1.0, 5.0), (1, 2, 2, 1))
    >>> gt.space_to_batch(x, [2, 2], [[0, 0], [0, 0]]).shape
    (4, 1, 1, 1)
    """
    return space_to_batch_nd(input, block_shape, paddings, name)


def batch_to_space(input: Any, block_shape: Any, crops: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """Move blocks of the batch dimension back into the ``M`` spatial dimensions and crop
    them by ``crops``, as TensorFlow 2's ``tf.batch_to_space`` (the inverse of
    :func:`space_to_batch_nd`). An int ``block_shape`` means ``[block_shape, block_shape]``.

    ``input`` has shape ``[batch] + spatial_shape + remaining_shape`` with ``batch``
    divisible by ``prod(block_shape)``; the result has shape ``[batch / prod(block_shape)] +
    [spatial_shape[i] * block_shape[i] - crops[i][0] - crops[i][1]] + remaining_shape``.

    >>> import gradtape as gt
    >>> x = gt.reshape(gt.range(1.0, 5.0), (4, 1, 1, 1))
    >>> gt.batch_to_space(x, [2, 2], [[0, 0], [0, 0]]).numpy()[0, :, :, 0]
    array([[1., 2.],
           [3., 4.]], dtype=float32)
    """
    op = "batch_to_space"
    x = input if isinstance(input, Tensor) else Tensor(input)
    if isinstance(block_shape, (int, np.integer)) and not isinstance(block_shape, bool):
        block_shape = [int(block_shape)] * 2
    block, cr = _block_args(op, x, block_shape, crops, "crops")
    m = len(block)
    k = math.prod(block)
    n = x.shape[0]
    if n % k:
        raise ValueError(f"{op}: the batch dimension ({n}, input shape {tuple(x.shape)}) must be "
                         f"divisible by prod(block_shape) = {k}")
    spatial = tuple(x.shape[1:1 + m])
    rest = tuple(x.shape[1 + m:])
    for i, (s, b, (lo, hi)) in enumerate(zip(spatial, block, cr)):
        if lo + hi > s * b:
            raise ValueError(f"{op}: crops[{i}] = [{lo}, {hi}] removes more than the {s * b} positions "
                             f"of spatial dimension {i + 1} after un-blocking (size {s} * block "
                             f"{b}); lower the crops")
    from .array import reshape, transpose
    from .indexing import getitem
    y = reshape(x, tuple(block) + (n // k,) + spatial + rest)
    perm = ((m,) + tuple(v for i in range(m) for v in (m + 1 + i, i))
            + tuple(range(2 * m + 1, 2 * m + 1 + len(rest))))
    y = transpose(y, perm)
    y = reshape(y, (n // k,) + tuple(s * b for s, b in zip(spatial, block)) + rest)
    if any(lo or hi for lo, hi in cr):
        y = getitem(y, (slice(None),) + tuple(slice(lo, s * b - hi) for s, b, (lo, hi) in
                                              zip(spatial, block, cr)))
    return y


def required_space_to_batch_paddings(input_shape: Any, block_shape: Any, base_paddings: Any = None,
                                     name: str | None = None) -> tuple[Tensor, Tensor]:
    """The ``(paddings, crops)`` that make ``input_shape`` divisible by ``block_shape`` for
    :func:`space_to_batch_nd` and undo it in :func:`batch_to_space`, as
    ``tf.required_space_to_batch_paddings``.

    ``paddings[i] = [base_paddings[i][0], base_paddings[i][1] + extra[i]]`` with the smallest
    ``extra[i] >= 0`` making ``input_shape[i] + paddings[i][0] + paddings[i][1]`` divisible by
    ``block_shape[i]``, and ``crops[i] = [0, extra[i]]``. Both are int32 of shape ``[M, 2]``.
    No gradient.

    >>> import gradtape as gt
    >>> paddings, crops = gt.required_space_to_batch_paddings([5, 7], [2, 3], [[1, 0], [0, 0]])
    >>> paddings.numpy().tolist(), crops.numpy().tolist()
    ([[1, 0], [0, 2]], [[0, 0], [0, 2]])
    """
    op = "required_space_to_batch_paddings"
    shape = _int_array(input_shape, op, "input_shape")
    block = _int_array(block_shape, op, "block_shape")
    if block.ndim != 1 or shape.shape != block.shape:
        raise ValueError(f"{op}: input_shape and block_shape must be 1-D of the same length (one entry "
                         f"per block dimension), got shapes {shape.shape} and {block.shape}")
    if (block < 1).any():
        raise ValueError(f"{op}: block_shape must be positive, got {block.tolist()}")
    m = block.size
    base = np.zeros((m, 2), np.int64) if base_paddings is None else _int_array(base_paddings, op,
                                                                                "base_paddings")
    if base.shape != (m, 2):
        raise ValueError(f"{op}: base_paddings must have shape [M, 2] = [{m}, 2], got shape "
                         f"{list(base.shape)}")
    full = shape + base[:, 0] + base[:, 1]
    extra = (block - full % block) % block
    paddings = np.stack([base[:, 0], base[:, 1] + extra], axis=1).astype(np.int32)
    crops = np.stack([np.zeros_like(extra), extra], axis=1).astype(np.int32)
    return wrap(paddings.reshape(m, 2)), wrap(crops.reshape(m, 2))


__all__ = ["space_to_batch", "space_to_batch_nd", "batch_to_space", "required_space_to_batch_paddings"]
