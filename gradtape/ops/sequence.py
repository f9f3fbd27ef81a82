"""Variable-length sequences: ``sequence_mask`` and ``reverse_sequence``, as in TensorFlow.

``reverse_sequence`` is a ``getitem`` with index arrays built from the lengths (a permutation of
the elements), so its gradient is the transposed scatter and every derivative is exact and
itself differentiable. ``sequence_mask`` returns a mask (no gradient). Lengths never get
gradients.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.primitive import bind
from .._engine.tensor import Tensor, as_dtype, bool_, to_array, wrap
from ._args import integers
from .indexing import _getitem


def sequence_mask(lengths: Any, maxlen: Any = None, dtype: Any = bool_, name: str | None = None) -> Tensor:
    """A mask of shape ``lengths.shape + (maxlen,)`` that is true at ``[..., j]`` where
    ``j < lengths[...]``, as ``tf.sequence_mask``.

    ``maxlen`` defaults to the largest length (0 for empty ``lengths``); the lengths are cast
    to the dtype of ``maxlen`` before comparing, as in TensorFlow. The result is cast to
    ``dtype``. No gradient.

    >>> import gradtape as gt
    >>> gt.sequence_mask([1, 3, 2], 5).numpy()
    array([[ True, False, False, False, False],
           [ True,  True,  True, False, False],
           [ True,  True, False, False, False]])
    >>> gt.sequence_mask([[1, 3], [2, 0]], dtype=gt.float32).numpy()
    array([[[1., 0., 0.],
            [1., 1., 1.]],
    <BLANKLINE>
           [[1., 1., 0.],
            [0., 0., 0.]]], dtype=float32)
    """
    op = "sequence_mask"
    dt = as_dtype(dtype)
    n = np.asarray(lengths._value if isinstance(lengths, Tensor) else to_array(lengths))
    if n.size == 0 and n.dtype.kind == "f" and not isinstance(lengths, (Tensor, np.ndarray)):
        n = n.astype(np.int32)  # an empty Python list
    if n.dtype.kind not in "iuf":
        raise TypeError(f"{op}: lengths must be integers, got dtype {n.dtype.name}")
    if maxlen is None:
        m = np.asarray(n.max() if n.size else 0, n.dtype)
        m = np.maximum(m, np.zeros((), n.dtype))
    else:
        m = np.asarray(maxlen._value if isinstance(maxlen, Tensor) else to_array(maxlen))
        if m.ndim != 0:
            raise ValueError(f"{op}: maxlen must be a scalar, got shape {m.shape}")
        if m.dtype.kind not in "iuf":
            raise TypeError(f"{op}: maxlen must be an integer, got dtype {m.dtype.name}")
        if m < 0:
            raise ValueError(f"{op}: maxlen must be non-negative, got {m}")
    row = np.arange(0, m, 1, dtype=m.dtype)
    mask = row < n[..., None].astype(m.dtype)
    return wrap(mask if dt == np.bool_ else mask.astype(dt))


def _axis(v, op: str, arg: str, rank: int) -> int:
    if isinstance(v, Tensor):
        v = v._value
    if isinstance(v, bool) or np.ndim(v) or np.asarray(v).dtype.kind not in "iu":
        raise TypeError(f"{op}: {arg} must be an int, got {v!r}")
    a = int(v)
    if not 0 <= a < rank:
        raise ValueError(f"{op}: {arg}={a} is out of range for an input of rank {rank}; it must be "
                         f"in [0, {rank}) (negative axes are not accepted, as in TensorFlow)")
    return a


def reverse_sequence(input: Any, seq_lengths: Any, seq_axis: int | None = None,  # noqa: A002 - TensorFlow's name
                     batch_axis: int | None = None, name: str | None = None) -> Tensor:
    """Reverse the first ``seq_lengths[i]`` elements along ``seq_axis`` of each slice ``i``
    along ``batch_axis``, leaving the rest in place, as ``tf.reverse_sequence``.

    ``seq_axis`` is required; ``batch_axis`` defaults to 0 (TensorFlow 2's defaults).
    ``seq_lengths`` is a 1-D integer vector of length ``input.shape[batch_axis]`` with every
    value in ``[0, input.shape[seq_axis]]``. The gradient moves back through the same
    permutation; ``seq_lengths`` gets none.

    >>> import gradtape as gt
    >>> x = gt.constant([[1, 2, 3, 4, 5, 0, 0, 0], [1, 2, 0, 0, 0, 0, 0, 0],
    ...                  [1, 2, 3, 4, 0, 0, 0, 0], [1, 2, 3, 4, 5, 6, 7, 8]])
    >>> gt.reverse_sequence(x, [7, 2, 3, 5], seq_axis=1, batch_axis=0).numpy()
    array([[0, 0, 5, 4, 3, 2, 1, 0],
           [2, 1, 0, 0, 0, 0, 0, 0],
           [3, 2, 1, 4, 0, 0, 0, 0],
           [5, 4, 3, 2, 1, 6, 7, 8]], dtype=int32)
    """
    op = "reverse_sequence"
    x = input if isinstance(input, Tensor) else Tensor(input)
    if seq_axis is None:
        raise TypeError(f"{op}: seq_axis is required (the dimension to reverse); give it, e.g. "
                        "seq_axis=1 for inputs of shape [batch, time, ...]")
    rank = x.ndim
    s = _axis(seq_axis, op, "seq_axis", rank)
    b = 0 if batch_axis is None else _axis(batch_axis, op, "batch_axis", rank)
    if s == b:
        raise ValueError(f"{op}: seq_axis and batch_axis must differ, both are {s}")
    n = integers(seq_lengths, op, "seq_lengths")
    if n.ndim != 1:
        raise ValueError(f"{op}: seq_lengths must be 1-D, got shape {n.shape}")
    nb, ns = x.shape[b], x.shape[s]
    if n.size != nb:
        raise ValueError(f"{op}: seq_lengths has {n.size} entries but input.shape[batch_axis={b}] is "
                         f"{nb} (input shape {x.shape}); give one length per batch entry")
    bad = np.flatnonzero((n < 0) | (n > ns))
    if bad.size:
        k = int(bad[0])
        raise ValueError(f"{op}: seq_lengths[{k}] = {n[k]} is out of range; every length must be in "
                         f"[0, {ns}] (input.shape[seq_axis={s}] is {ns}, input shape {x.shape})")
    if x.size == 0 or not (n > 1).any():
        from .array import identity
        return identity(x)
    # Source position along seq_axis of output position j in batch row i.
    j = np.arange(ns)
    lens = n.astype(np.int64)[:, None]
    src = np.where(j < lens, lens - 1 - j, j)  # (nb, ns)
    index = []
    for d in range(rank):
        shape = [1] * rank
        if d == s:
            shape[b], shape[s] = nb, ns
            index.append(src.reshape(shape) if b < s else src.T.reshape(shape))
        else:
            shape[d] = x.shape[d]
            index.append(np.arange(x.shape[d]).reshape(shape))
    return bind(_getitem, x, index=tuple(index))


__all__ = ["sequence_mask", "reverse_sequence"]
