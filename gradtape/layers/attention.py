"""``MultiHeadAttention``: scaled dot-product attention over several heads, as in Keras."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import gradtape as gt
from ..initializers import draw_seed
from ._masking import as_bool_mask, get_keras_mask, set_keras_mask
from .base import InputSpecError, Layer

__all__ = ["MultiHeadAttention"]


def _shape(x) -> tuple:
    return tuple(x.shape) if hasattr(x, "shape") else tuple(np.shape(x))


class MultiHeadAttention(Layer):
    """Multi-head attention, as ``tf.keras.layers.MultiHeadAttention`` (inputs ``(batch, time, dim)``).

    ``layer(query, value, key=None, attention_mask=None, return_attention_scores=False,
    training=None, use_causal_mask=False)``. The query, key and value projections have kernels
    ``(dim, num_heads, key_dim)`` (``value_dim`` for the value), the output projection
    ``(num_heads, value_dim, output_dim)``, each with a bias when ``use_bias``; ``weights``
    (and ``get_weights``/``set_weights``) list them in Keras's order: query kernel and bias, key,
    value, then the output projection. Scores are
    ``softmax(q k^T / sqrt(key_dim))`` over the keys; positions where the boolean
    ``attention_mask`` (``(batch, query_time, key_time)``) is false are set to ``-1e9`` first,
    as in Keras (a query whose keys are all masked attends uniformly, as Keras's default fused
    path does; with ``return_attention_scores`` or ``dropout``, as Keras's other path, its
    weights are zero instead). ``dropout`` applies to the attention probabilities in training.
    With ``return_attention_scores=True`` the call returns ``(output, scores)``, scores shaped
    ``(batch, num_heads, query_time, key_time)``.

    Masks, as Keras 3: the query's mask (``(batch, query_time)``, e.g. from
    ``Embedding(mask_zero=True)``) masks the rows, the value's and key's the columns (each
    taken from the tensor's ``_keras_mask`` unless ``value_mask``/``key_mask`` are given); they
    are combined by logical and with ``attention_mask`` and the causal mask. The output carries
    the query's mask, and the call removes the masks of its query, value and key tensors, as
    Keras's does.

    >>> import gradtape as gt
    >>> mha = gt.layers.MultiHeadAttention(num_heads=2, key_dim=4)
    >>> q, v = gt.ones((3, 5, 8)), gt.ones((3, 7, 6))
    >>> out, scores = mha(q, v, return_attention_scores=True)
    >>> out.shape, scores.shape
    ((3, 5, 8), (3, 2, 5, 7))
    """

    _supports_masking = True
    _removes_input_masks = True  # call() takes the masks off its inputs, as Keras's does

    def __init__(self, num_heads: int, key_dim: int, value_dim: int | None = None, dropout: float = 0.0,
                 use_bias: bool = True, output_shape: int | None = None,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 seed: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if int(num_heads) <= 0 or int(key_dim) <= 0:
            raise ValueError(f"MultiHeadAttention: num_heads and key_dim must be positive, got "
                             f"{num_heads} and {key_dim}")
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"MultiHeadAttention: dropout must be in [0, 1), got {dropout}")
        self.num_heads, self.key_dim = int(num_heads), int(key_dim)
        self.value_dim = int(value_dim) if value_dim is not None else self.key_dim
        self.dropout = float(dropout)
        self.use_bias = bool(use_bias)
        if isinstance(output_shape, (tuple, list)):
            if len(output_shape) != 1:
                raise NotImplementedError("MultiHeadAttention: output_shape must be one dimension")
            output_shape = output_shape[0]
        self._output_dim = None if output_shape is None else int(output_shape)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self._rng = np.random.default_rng(draw_seed() if seed is None else seed)

    def __call__(self, query=None, value=None, key=None, **kwargs: Any):
        if query is None or value is None:
            raise TypeError(f"{self.name}: call it as layer(query, value, key=None, ...)")
        return super().__call__(query, value, key=key, **kwargs)

    def _build_shape(self, inputs, args, kwargs):
        value = args[0] if args else kwargs.get("value")
        if value is None:
            raise TypeError(f"{self.name}: call it as layer(query, value, key=None, ...)")
        key = args[1] if len(args) > 1 else kwargs.get("key")
        return [_shape(inputs), _shape(value), _shape(key if key is not None else value)]

    def build(self, input_shape) -> None:
        qs, vs, ks = input_shape
        for nm, s in (("query", qs), ("value", vs), ("key", ks)):
            if len(s) != 3:
                raise InputSpecError(f"{self.name}: {nm} must have shape (batch, time, dim), got {s}")
        h, kd, vd = self.num_heads, self.key_dim, self.value_dim
        out = self._output_dim or qs[-1]
        w = self.add_weight
        kinit, binit = self.kernel_initializer, self.bias_initializer
        bias = self.use_bias
        # Keras's weight order: each projection's kernel, then its bias.
        self.query_kernel = w("query/kernel", (qs[-1], h, kd), kinit)
        if bias:
            self.query_bias = w("query/bias", (h, kd), binit)
        self.key_kernel = w("key/kernel", (ks[-1], h, kd), kinit)
        if bias:
            self.key_bias = w("key/bias", (h, kd), binit)
        self.value_kernel = w("value/kernel", (vs[-1], h, vd), kinit)
        if bias:
            self.value_bias = w("value/bias", (h, vd), binit)
        self.output_kernel = w("attention_output/kernel", (h, vd, out), kinit)
        if bias:
            self.output_bias = w("attention_output/bias", (out,), binit)

    def _project(self, x, kernel, bias):
        """``(b, t, d) -> (b, heads, t, dim)`` with one 2-D matrix product."""
        b, t, d = x.shape
        _, h, k = kernel.shape
        y = gt.matmul(gt.reshape(x, (b * t, d)), gt.reshape(kernel, (d, h * k)))
        if bias is not None:
            y = y + gt.reshape(bias, (h * k,))
        return gt.transpose(gt.reshape(y, (b, t, h, k)), (0, 2, 1, 3))

    def _attention_mask(self, b: int, tq: int, tk: int, query_mask, value_mask, key_mask,
                        attention_mask, use_causal_mask: bool) -> np.ndarray | None:
        """Keras's ``_compute_attention_mask`` with the heads axis inserted: an array that
        broadcasts to ``(batch, 1, query_time, key_time)``, or None."""
        auto = None
        if query_mask is not None:
            auto = as_bool_mask(query_mask)[:, :, None]
        for m in (value_mask, key_mask):
            if m is not None:
                m = as_bool_mask(m)[:, None, :]
                auto = m if auto is None else auto & m
        if use_causal_mask:
            causal = np.tril(np.ones((tq, tk), dtype=bool))[None]
            auto = causal if auto is None else auto & causal
        mask = None
        if attention_mask is not None:
            mask = as_bool_mask(attention_mask)
        if auto is not None:
            mask = auto if mask is None else mask & auto
        if mask is None:
            return None
        while mask.ndim < 4:  # Keras inserts the heads axis (and any missing leading ones)
            mask = np.expand_dims(mask, -3)
        try:
            np.broadcast_shapes(mask.shape, (b, 1, tq, tk))
        except ValueError:
            raise ValueError(f"{self.name}: attention_mask of shape {mask.shape} does not "
                             f"broadcast to (batch, query_time, key_time) = {(b, tq, tk)}") from None
        return mask

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        query_mask = get_keras_mask(query)  # Keras: the query's own mask, whatever is passed
        for x in (query, value, key):  # the masks are used here, not passed on (Keras)
            set_keras_mask(x, None)
        key = value if key is None else key
        for nm, x, kern in (("query", query, self.query_kernel), ("key", key, self.key_kernel),
                            ("value", value, self.value_kernel)):
            if x.ndim != 3 or x.shape[-1] != kern.shape[0]:
                raise InputSpecError(f"{self.name}: {nm} must have shape (batch, time, {kern.shape[0]}), "
                                     f"got {tuple(x.shape)}")
        bias = self.use_bias
        q = self._project(query, self.query_kernel, self.query_bias if bias else None)
        k = self._project(key, self.key_kernel, self.key_bias if bias else None)
        v = self._project(value, self.value_kernel, self.value_bias if bias else None)
        q = q * (1.0 / math.sqrt(self.key_dim))
        scores = gt.matmul(q, k, transpose_b=True)  # (b, h, tq, tk)
        b, tq, tk = query.shape[0], query.shape[1], key.shape[1]
        mask = self._attention_mask(b, tq, tk, query_mask, value_mask, key_mask, attention_mask,
                                    use_causal_mask)
        keep = None
        if mask is not None:
            # Masked scores are replaced (not shifted), so no gradient reaches them, as in Keras.
            keep = np.broadcast_to(mask, tuple(scores.shape))
            scores = gt.where(keep, scores, gt.constant(-1e9, dtype=scores.dtype))
        probs = gt.nn.softmax(scores, axis=-1)
        if keep is not None and (return_attention_scores or self.dropout > 0):
            probs = gt.where(keep, probs, gt.zeros_like(probs))  # Keras's masked Softmax path
            probs._keras_mask = gt.Tensor(mask)  # set by that Softmax layer
        att = probs
        if training and self.dropout > 0:
            keep = self._rng.random(tuple(probs.shape)) >= self.dropout
            att = probs * (keep.astype(probs.dtype) * np.asarray(1 / (1 - self.dropout), probs.dtype))
        o = gt.matmul(att, v)  # (b, h, tq, vd)
        h, vd, out = self.output_kernel.shape
        o = gt.reshape(gt.transpose(o, (0, 2, 1, 3)), (b * tq, h * vd))
        y = gt.matmul(o, gt.reshape(self.output_kernel, (h * vd, out)))
        if bias:
            y = y + self.output_bias
        y = gt.reshape(y, (b, tq, out))
        if query_mask is not None:
            y._keras_mask = query_mask
        if return_attention_scores:
            return y, probs
        return y
