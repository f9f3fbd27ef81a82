"""Losses over a sampled subset of classes, as ``tf.nn``: ``nce_loss`` and
``sampled_softmax_loss``; their helper ``compute_accidental_hits``; the older
``batch_norm_with_global_normalization``; and the candidate samplers of ``tf.nn``.

Both losses follow TensorFlow's ``_compute_sampled_logits`` step by step: the true and the
sampled classes are looked up together with one ``embedding_lookup`` of ``weights`` and of
``biases`` (so the gradients for them are sparse ``IndexedSlices`` on the first-order path),
the true logits are row-wise dot products, the sampled logits a matrix product, accidental hits
(a sampled class equal to a true class of the example) get ``-FLT_MAX`` added, and the log of
each class's expected count is subtracted. Everything recorded is a differentiable gradtape op,
so the losses have gradients of every order with respect to ``weights``, ``biases`` and
``inputs``; the labels and the sampled candidates get none.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.tensor import Tensor, to_array, wrap
from .candidate_sampling import (
    _true_classes, all_candidate_sampler, fixed_unigram_candidate_sampler, learned_unigram_candidate_sampler,
    log_uniform_candidate_sampler, uniform_candidate_sampler,
)

_FLT_MAX = float(np.finfo(np.float32).max)


def _hits(true: np.ndarray, sampled: np.ndarray) -> tuple:
    """TensorFlow's kernel: for each example ``i`` and true class ``j`` (in that order) that
    is among the sampled candidates, ``(i, last position of it in sampled)``."""
    pos = {int(c): k for k, c in enumerate(sampled.tolist())}
    indices, ids = [], []
    for i, row in enumerate(true.tolist()):
        for c in row:
            k = pos.get(int(c))
            if k is not None:
                indices.append(i)
                ids.append(k)
    return np.asarray(indices, np.int32), np.asarray(ids, np.int64)


def _sampled_1d(v, op: str) -> np.ndarray:
    a = np.asarray(v._value if isinstance(v, Tensor) else to_array(v))
    if a.dtype.kind not in "iu":
        raise TypeError(f"{op}: sampled_candidates must be integers (int64), got dtype {a.dtype.name}")
    if a.ndim != 1:
        raise ValueError(f"{op}: sampled_candidates must be 1-D (typically the first output of a "
                         f"candidate sampler), got shape {a.shape}")
    return a.astype(np.int64)


def compute_accidental_hits(true_classes: Any, sampled_candidates: Any, num_true: int, seed: int | None = None,
                            name: str | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """The positions where a sampled candidate equals one of an example's true classes, as
    ``tf.nn.compute_accidental_hits``: ``(indices, ids, weights)``.

    For each example ``i`` and each of its ``num_true`` classes (in that order) found among
    ``sampled_candidates``, ``indices`` (int32) gets ``i``, ``ids`` (int64) the position of the
    class in ``sampled_candidates`` (the last one if it occurs more than once) and ``weights``
    (float32) ``-FLT_MAX``: adding them to sampled logits removes the hits. ``seed`` is
    accepted and unused (nothing is random), as in TensorFlow. No gradient.

    >>> import gradtape as gt
    >>> indices, ids, weights = gt.nn.compute_accidental_hits([[1], [3], [5]], [3, 4, 1], 1)
    >>> indices.numpy().tolist(), ids.numpy().tolist(), weights.shape
    ([0, 1], [2, 0], (2,))
    """
    op = "compute_accidental_hits"
    true = _true_classes(true_classes, num_true, op)
    sampled = _sampled_1d(sampled_candidates, op)
    indices, ids = _hits(true, sampled)
    return wrap(indices), wrap(ids), wrap(np.full(indices.shape, -_FLT_MAX, np.float32))


def _float_input(v, op: str, arg: str) -> Tensor:
    x = v if isinstance(v, Tensor) else Tensor(v)
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: {arg} must be a float tensor, got dtype {x.dtype.name}")
    return x


def _compute_sampled_logits(op, weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                            sampled_values, subtract_log_q, remove_accidental_hits, seed):
    """TensorFlow's ``_compute_sampled_logits``: ``(logits, labels)`` of shape
    ``[batch_size, num_true + num_sampled]``, the true classes first."""
    from .array import concat, reshape
    from .linalg import matmul
    from .math import cast
    from .nn import embedding_lookup
    from .reduce import reduce_sum
    x = _float_input(inputs, op, "inputs")
    if x.ndim != 2:
        raise ValueError(f"{op}: inputs must have shape [batch_size, dim], got {tuple(x.shape)}")
    true = _true_classes(labels, num_true, op)
    num_true = true.shape[1]
    if true.shape[0] != x.shape[0]:
        raise ValueError(f"{op}: labels has {true.shape[0]} rows but inputs has {x.shape[0]}; both need "
                         "one row per example")
    num_classes = int(num_classes)
    bad = (true < 0) | (true >= num_classes)
    if bad.any():
        raise ValueError(f"{op}: labels must be in [0, num_classes) = [0, {num_classes}), got "
                         f"{int(true[bad][0])}")
    if sampled_values is None:
        sampled_values = log_uniform_candidate_sampler(true, num_true, num_sampled, True, num_classes,
                                                       seed=seed)
    if not isinstance(sampled_values, (tuple, list)) or len(sampled_values) != 3:
        raise ValueError(f"{op}: sampled_values must be the tuple (sampled_candidates, true_expected_count, "
                         "sampled_expected_count) returned by a candidate sampler")
    sampled = _sampled_1d(sampled_values[0], op)
    if sampled.size != int(num_sampled):
        raise ValueError(f"{op}: sampled_values holds {sampled.size} sampled candidates but num_sampled is "
                         f"{int(num_sampled)}; they must agree")
    if sampled.size and (sampled.min() < 0 or sampled.max() >= num_classes):
        raise ValueError(f"{op}: the sampled candidates must be in [0, num_classes) = [0, {num_classes})")
    # the counts keep their dtype (the samplers' float32, or float64 for float64 models): TensorFlow
    # takes log(count) in it
    true_count, sampled_count = (np.asarray(to_array(c)) for c in sampled_values[1:])
    true_count, sampled_count = (c if c.dtype.kind == "f" else c.astype(np.float32)
                                 for c in (true_count, sampled_count))
    if true_count.size != true.size or sampled_count.shape != (sampled.size,):
        raise ValueError(f"{op}: the expected counts in sampled_values must have shapes "
                         f"{list(true.shape)} and [{sampled.size}], got {list(true_count.shape)} and "
                         f"{list(sampled_count.shape)}")
    n_true = true.size
    all_ids = np.concatenate([true.reshape(-1), sampled])
    all_w = embedding_lookup(weights, all_ids)
    if all_w.dtype != x.dtype:
        all_w = cast(all_w, x.dtype)
    if all_w.ndim != 2 or all_w.shape[1] != x.shape[1]:
        raise ValueError(f"{op}: weights must have shape [num_classes, dim] = [*, {x.shape[1]}] to match "
                         f"inputs {tuple(x.shape)}, got rows of shape {tuple(all_w.shape[1:])}")
    dim = x.shape[1]
    true_w, sampled_w = all_w[:n_true], all_w[n_true:]
    sampled_logits = matmul(x, sampled_w, transpose_b=True)
    all_b = embedding_lookup(biases, all_ids)
    if all_b.dtype != x.dtype:
        all_b = cast(all_b, x.dtype)
    if all_b.ndim != 1:
        raise ValueError(f"{op}: biases must have shape [num_classes], got rows of shape "
                         f"{tuple(all_b.shape[1:])}")
    true_b, sampled_b = all_b[:n_true], all_b[n_true:]
    rows = reshape(x, (x.shape[0], 1, dim)) * reshape(true_w, (-1, num_true, dim))
    true_logits = reduce_sum(rows, axis=-1) + reshape(true_b, (-1, num_true))
    sampled_logits = sampled_logits + sampled_b
    dt = x.dtype
    if remove_accidental_hits:
        indices, ids = _hits(true, sampled)
        if indices.size:
            dense = np.zeros((true.shape[0], sampled.size), dt)
            dense[indices, ids] = -_FLT_MAX
            sampled_logits = sampled_logits + wrap(dense)
    if subtract_log_q:
        with np.errstate(divide="ignore"):
            true_logits = true_logits - wrap(np.log(true_count).astype(dt).reshape(true.shape))
            sampled_logits = sampled_logits - wrap(np.log(sampled_count).astype(dt))
    logits = concat([true_logits, sampled_logits], axis=1)
    out_labels = np.concatenate([np.full(true.shape, 1.0 / num_true, dt),
                                 np.zeros((true.shape[0], sampled.size), dt)], axis=1)
    return logits, wrap(out_labels.astype(dt))


def nce_loss(weights: Any, biases: Any, labels: Any, inputs: Any, num_sampled: int, num_classes: int,
             num_true: int = 1, sampled_values: Any = None, remove_accidental_hits: bool = False,
             name: str = "nce_loss") -> Tensor:
    """The noise-contrastive estimation loss of each example, as TensorFlow 2's
    ``tf.nn.nce_loss``: the sum over the true and the sampled classes of the sigmoid cross
    entropy of the sampled logits (true classes: label ``1 / num_true``; sampled: 0).

    ``weights`` (``[num_classes, dim]``, or a list of shards split by TensorFlow's ``"div"``
    strategy) and ``biases`` (``[num_classes]``) are the class embeddings; ``labels`` are the
    int ``[batch_size, num_true]`` true classes; ``inputs`` the ``[batch_size, dim]``
    activations. Without ``sampled_values`` the ``num_sampled`` negative classes come from
    ``gt.random.log_uniform_candidate_sampler`` with ``unique=True`` (seeded by the global
    seed). Returns a ``[batch_size]`` tensor, differentiable with respect to ``weights``,
    ``biases`` and ``inputs``.

    >>> import gradtape as gt
    >>> sampled = (gt.constant([2, 3], gt.int64), gt.constant([[1.0]]), gt.constant([1.0, 1.0]))
    >>> loss = gt.nn.nce_loss(gt.zeros((4, 2)), gt.zeros((4,)), [[0]], gt.ones((1, 2)), 2, 4,
    ...                       sampled_values=sampled)
    >>> round(float(loss[0]), 5)  # three logits of 0: 3 * log(2)
    2.07944
    """
    op = "nce_loss"
    from .nn import sigmoid_cross_entropy_with_logits
    from .reduce import reduce_sum
    logits, labels = _compute_sampled_logits(op, weights, biases, labels, inputs, num_sampled, num_classes,
                                             num_true, sampled_values, True, remove_accidental_hits, None)
    return reduce_sum(sigmoid_cross_entropy_with_logits(labels=labels, logits=logits), axis=1)


def sampled_softmax_loss(weights: Any, biases: Any, labels: Any, inputs: Any, num_sampled: int,
                         num_classes: int, num_true: int = 1, sampled_values: Any = None,
                         remove_accidental_hits: bool = True, seed: int | None = None,
                         name: str = "sampled_softmax_loss") -> Tensor:
    """The sampled softmax cross entropy of each example, as TensorFlow 2's
    ``tf.nn.sampled_softmax_loss``: softmax cross entropy over the true and the sampled
    classes' logits (each true class has label ``1 / num_true``), with accidental hits
    removed by default.

    Arguments are those of :func:`nce_loss`; ``seed`` seeds the default
    ``log_uniform_candidate_sampler`` (``unique=True``). Returns a ``[batch_size]`` tensor,
    differentiable with respect to ``weights``, ``biases`` and ``inputs``.

    >>> import gradtape as gt
    >>> sampled = (gt.constant([2, 3], gt.int64), gt.constant([[1.0]]), gt.constant([1.0, 1.0]))
    >>> loss = gt.nn.sampled_softmax_loss(gt.zeros((4, 2)), gt.zeros((4,)), [[0]], gt.ones((1, 2)),
    ...                                   2, 4, sampled_values=sampled)
    >>> round(float(loss[0]), 5)  # three equal logits: log(3)
    1.09861
    """
    op = "sampled_softmax_loss"
    from .array import stop_gradient
    from .nn import softmax_cross_entropy_with_logits
    logits, labels = _compute_sampled_logits(op, weights, biases, labels, inputs, num_sampled, num_classes,
                                             num_true, sampled_values, True, remove_accidental_hits, seed)
    return softmax_cross_entropy_with_logits(labels=stop_gradient(labels), logits=logits)


def batch_norm_with_global_normalization(t: Any = None, m: Any = None, v: Any = None, beta: Any = None,
                                         gamma: Any = None, variance_epsilon: float | None = None,
                                         scale_after_normalization: bool | None = None,
                                         name: str | None = None, input: Any = None,  # noqa: A002
                                         mean: Any = None, variance: Any = None) -> Tensor:
    """Batch normalization with given statistics, as ``tf.nn.batch_norm_with_global_normalization``:
    ``(t - m) / sqrt(v + variance_epsilon)``, times ``gamma`` when
    ``scale_after_normalization``, plus ``beta``.

    ``input``, ``mean`` and ``variance`` are TensorFlow 2's names for ``t``, ``m`` and ``v``
    (give one of each pair). It is :func:`gt.nn.batch_normalization
    <gradtape.nn.batch_normalization>`, so it is differentiable with respect to every tensor.

    >>> import gradtape as gt
    >>> y = gt.nn.batch_norm_with_global_normalization(
    ...     gt.constant([1.0, 3.0]), 2.0, 1.0, 0.5, 2.0, 0.0, True)
    >>> y.numpy()
    array([-1.5,  2.5], dtype=float32)
    """
    op = "batch_norm_with_global_normalization"
    from .nn import batch_normalization

    def pick(new, new_name, old, old_name):
        if new is not None and old is not None:
            raise ValueError(f"{op}: give only one of {new_name} and {old_name} (the same argument)")
        v_ = new if new is not None else old
        if v_ is None:
            raise ValueError(f"{op}: {new_name} (or {old_name}) is required")
        return v_

    t = pick(input, "input", t, "t")
    m = pick(mean, "mean", m, "m")
    v = pick(variance, "variance", v, "v")
    if beta is None or gamma is None or variance_epsilon is None or scale_after_normalization is None:
        raise ValueError(f"{op}: beta, gamma, variance_epsilon and scale_after_normalization are required")
    return batch_normalization(t, m, v, beta, gamma if scale_after_normalization else None,
                               variance_epsilon)


__all__ = ["nce_loss", "sampled_softmax_loss", "compute_accidental_hits", "batch_norm_with_global_normalization",
           "uniform_candidate_sampler", "log_uniform_candidate_sampler", "fixed_unigram_candidate_sampler",
           "learned_unigram_candidate_sampler", "all_candidate_sampler"]
