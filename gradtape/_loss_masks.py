"""Keras 3's masks in losses and metrics: a mask on the predictions becomes sample weights.

``gt.losses.Loss`` (and so the compiled loss of ``fit``/``evaluate``) and the mean metrics
read the mask of ``y_pred`` (its ``_keras_mask``, set by masking layers such as
``Embedding(mask_zero=True)``) as Keras's ``apply_mask`` does: for a loss reduced with
``"sum_over_batch_size"`` the unmasked entries weigh ``total / valid`` and the masked ones 0,
so the mean is over the unmasked entries only; for metrics (and ``"sum"``) the weights are the
mask itself. The weights multiply any given ``sample_weight``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._engine.tensor import Tensor

__all__ = ["combine_masks", "mask_weights", "apply_mask", "same_rank"]


def _bool(mask: Any) -> np.ndarray:
    m = mask._value if isinstance(mask, Tensor) else np.asarray(mask)
    return m if m.dtype == np.bool_ else m.astype(bool)


def combine_masks(a: Any, b: Any) -> Any:
    """The logical and of two masks (either may be None)."""
    if a is None or b is None:
        return a if b is None else b
    return _bool(a) & _bool(b)


def mask_weights(mask: Any, dtype: Any, mean: bool) -> np.ndarray:
    """Keras's weights for a mask: ``total / valid`` where unmasked (0 where masked) for a
    mean reduction, else the mask as numbers.

    >>> mask_weights([[True, True, False, False]], "float32", mean=True)
    array([[2., 2., 0., 0.]], dtype=float32)
    >>> mask_weights([[True, False]], "float32", mean=False)
    array([[1., 0.]], dtype=float32)
    """
    m = _bool(mask)
    dtype = np.dtype(dtype)
    if not mean:
        return m.astype(dtype)
    total, valid = dtype.type(m.size), np.sum(m, dtype=dtype)
    weight = total / valid if valid else dtype.type(0)
    return np.where(m, weight, dtype.type(0)).astype(dtype)


def _squeeze(x: Any) -> Any:
    if isinstance(x, Tensor):
        from .ops.array import reshape
        return reshape(x, tuple(x.shape[:-1]))
    return x.reshape(x.shape[:-1])


def _expand(x: Any) -> Any:
    if isinstance(x, Tensor):
        from .ops.array import expand_dims
        return expand_dims(x, -1)
    return x[..., None]


def same_rank(x1: Any, x2: Any, expand_rank_1: bool = True) -> tuple:
    """Keras's ``squeeze_or_expand_to_same_rank`` for arrays or tensors: when the ranks differ
    by one and the larger has a trailing axis of size 1, squeeze it (or, for a rank-1 partner,
    expand the partner)."""
    r1, r2 = np.ndim(x1), np.ndim(x2)
    if r1 == r2 + 1 and np.shape(x1)[-1] == 1:
        return (x1, _expand(x2)) if r2 == 1 and expand_rank_1 else (_squeeze(x1), x2)
    if r2 == r1 + 1 and np.shape(x2)[-1] == 1:
        return (_expand(x1), x2) if r1 == 1 and expand_rank_1 else (x1, _squeeze(x2))
    return x1, x2


def apply_mask(sample_weight: Any, mask: Any, dtype: Any, mean: bool) -> Any:
    """Keras's ``apply_mask``: ``sample_weight`` times the mask's weights (the weights alone
    without ``sample_weight``; ``sample_weight`` unchanged without a mask)."""
    if mask is None:
        return sample_weight
    weights = mask_weights(mask, dtype, mean)
    if sample_weight is None:
        return weights
    if not isinstance(sample_weight, Tensor):
        sample_weight = np.asarray(sample_weight).astype(weights.dtype)
    weights, sample_weight = same_rank(weights, sample_weight)
    if isinstance(sample_weight, Tensor):
        from .ops.math import cast
        return cast(sample_weight, weights.dtype) * weights
    return sample_weight * weights
