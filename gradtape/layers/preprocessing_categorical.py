"""Categorical preprocessing layers: CategoryEncoding, Hashing, HashedCrossing and Discretization,
as Keras 3's (TensorFlow backend).

Hashing uses TensorFlow's string hashes (FarmHash Fingerprint64, or SipHash-2-4 with a ``salt``;
numbers are hashed as their decimal strings) and HashedCrossing ``tf.sparse.cross_hashed``'s
chaining, so the bins equal Keras's. Discretization's ``adapt`` is Keras's approximate quantile
summary, step for step, so the learned boundaries equal Keras's too.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.tensor import Tensor, as_dtype, wrap
from ..ops.strings import _fingerprint64
from . import _preprocessing_utils as U
from .base import Layer

__all__ = ["CategoryEncoding", "Hashing", "HashedCrossing", "Discretization"]

_ENCODINGS = ("int", "one_hot", "multi_hot", "count")


def _no_sparse(sparse: bool, who: str) -> None:
    if sparse:
        raise NotImplementedError(f"{who}: `sparse=True` is not supported; gradtape returns dense tensors")


def _positive(value: Any, name: str, who: str, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{who}: `{name}` must be an integer >= {low}, got {name}={value!r}")
    return int(value)


class CategoryEncoding(Layer):
    """Encode integer ids as one-hot, multi-hot or count vectors of length ``num_tokens``, as
    ``keras.layers.CategoryEncoding``.

    ``"one_hot"`` encodes every element (a last axis of size 1 is replaced); ``"multi_hot"`` and
    ``"count"`` (optionally weighted by ``count_weights``) encode each sample: a vector is one
    sample, a matrix one sample per row. Ids of ``num_tokens`` or more are ignored and negative
    ids are an error, as with TensorFlow. The output is float32 (or the layer's ``dtype``).

    >>> import gradtape as gt
    >>> gt.layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")([3, 0]).numpy()
    array([[0., 0., 0., 1.],
           [1., 0., 0., 0.]], dtype=float32)
    >>> gt.layers.CategoryEncoding(num_tokens=4, output_mode="count")([[0, 1, 1], [3, 3, 2]]).numpy()
    array([[1., 2., 0., 0.],
           [0., 0., 1., 2.]], dtype=float32)
    """

    def __init__(self, num_tokens: int | None = None, output_mode: str = "multi_hot", sparse: bool = False,
                 **kwargs: Any):
        who = "CategoryEncoding"
        output_mode = "multi_hot" if output_mode == "binary" else output_mode
        U.check_choice(output_mode, ("count", "one_hot", "multi_hot"), "output_mode", who)
        if num_tokens is None:
            raise ValueError(f"{who}: `num_tokens` must be set; when the number of tokens is not known beforehand, "
                             "use IntegerLookup instead")
        self.num_tokens = _positive(num_tokens, "num_tokens", who)
        _no_sparse(sparse, who)
        kwargs["dtype"] = kwargs.get("dtype") or "float32"
        super().__init__(**kwargs)
        self.output_mode, self.sparse = output_mode, False

    def _cast(self, x):
        return x

    def call(self, inputs, count_weights=None):
        ids = U.int_array(inputs, self.name)
        weights = None
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(f"{self.name}: `count_weights` is only used when `output_mode` is 'count', got "
                                 f"output_mode={self.output_mode!r}")
            weights = np.asarray(count_weights.numpy() if isinstance(count_weights, Tensor) else count_weights,
                                 dtype=self.dtype)
        if self.output_mode != "one_hot" and ids.ndim <= 2 and (ids < 0).any():
            raise ValueError(f"{self.name}: the inputs must be non-negative ids below num_tokens={self.num_tokens}, "
                             f"got {int(ids.min())}")
        return wrap(U.encode(ids, self.output_mode, self.num_tokens, self.dtype, weights))


class Hashing(Layer):
    """Hash strings or integers into ``num_bins`` bins, as ``keras.layers.Hashing``.

    Values are hashed as TensorFlow does: strings by their UTF-8 bytes, integers (and floats,
    truncated to integers) by their decimal strings, with FarmHash Fingerprint64
    (``tf.strings.to_hash_bucket_fast``), or with SipHash-2-4 keyed by ``salt`` (an integer or a
    pair; ``tf.strings.to_hash_bucket_strong``). With a ``mask_value`` that value goes to bin 0
    and the others to bins ``1 .. num_bins - 1``. ``output_mode`` "one_hot", "multi_hot" and
    "count" encode the bins as :class:`CategoryEncoding` does (float32); "int" gives int64 bins.

    >>> import gradtape as gt
    >>> gt.layers.Hashing(num_bins=3)([["A"], ["B"], ["C"], ["D"], ["E"]]).numpy().ravel()
    array([1, 0, 1, 1, 2])
    >>> gt.layers.Hashing(num_bins=3, salt=133)([["A"], ["B"], ["C"]]).numpy().ravel()
    array([0, 0, 2])
    """

    def __init__(self, num_bins: int, mask_value: Any = None, salt: Any = None, output_mode: str = "int",
                 sparse: bool = False, **kwargs: Any):
        who = "Hashing"
        if num_bins is None or isinstance(num_bins, bool) or not isinstance(num_bins, (int, np.integer)) or num_bins <= 0:
            raise ValueError(f"{who}: `num_bins` must be a positive integer, got num_bins={num_bins!r}")
        U.check_choice(output_mode, _ENCODINGS, "output_mode", who)
        _no_sparse(sparse, who)
        dtype = kwargs.pop("dtype", None) or ("int64" if output_mode == "int" else "float32")
        if output_mode == "int" and as_dtype(dtype) not in (np.dtype(np.int32), np.dtype(np.int64)):
            raise ValueError(f"{who}: when output_mode='int', `dtype` must be 'int32' or 'int64', got dtype={dtype!r}")
        super().__init__(dtype=dtype, **kwargs)
        self.num_bins, self.mask_value, self.output_mode, self.sparse = int(num_bins), mask_value, output_mode, False
        self.salt = U.salt_pair(salt, who)
        self.strong_hash = self.salt is not None

    def _cast(self, x):
        return x

    def _bins(self, inputs: Any) -> np.ndarray:
        if U.is_string_input(inputs):
            raw = text = U.string_array(inputs, self.name)
        else:
            raw = np.asarray(inputs.numpy() if isinstance(inputs, Tensor) else inputs)
            text = U.ints_as_strings(U.int_array(raw, self.name))
        bins, mask = self.num_bins, None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask = raw == self.mask_value
        out = U.hash_strings(text, bins, self.salt)
        if mask is not None:
            out = np.where(mask, 0, out + 1)
        return out

    def call(self, inputs):
        bins = self._bins(inputs)
        if self.output_mode == "int":
            return wrap(bins.astype(self.dtype))
        if self.output_mode == "one_hot" and bins.ndim and bins.shape[-1] == 1:
            bins = bins[..., 0]
        return wrap(U.encode(bins, self.output_mode, self.num_bins, self.dtype))


class HashedCrossing(Layer):
    """Cross features with the hashing trick, as ``keras.layers.HashedCrossing``: each row's values
    of two or more inputs (integers or strings, all of shape ``()``, ``(batch,)`` or
    ``(batch, 1)``) are hashed together into ``num_bins`` bins, as ``tf.sparse.cross_hashed``.

    >>> import gradtape as gt
    >>> gt.layers.HashedCrossing(num_bins=5)(([1, 2, 3], ["A", "B", "C"])).numpy()
    array([2, 3, 3])
    """

    _KEY = 0xDECAFCAFFE  # tf.sparse.cross_hashed's default hash key

    def __init__(self, num_bins: int, output_mode: str = "int", sparse: bool = False, name: str | None = None,
                 dtype: Any = None, **kwargs: Any):
        who = "HashedCrossing"
        self.num_bins = _positive(num_bins, "num_bins", who)
        U.check_choice(output_mode, ("int", "one_hot"), "output_mode", who)
        _no_sparse(sparse, who)
        dtype = dtype or ("int64" if output_mode == "int" else "float32")
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.output_mode, self.sparse = output_mode, False

    def _cast(self, x):
        return x

    def _build_shape(self, inputs, args, kwargs):
        return None

    def _feature_hashes(self, x: Any) -> list:
        if U.is_string_input(x):
            values = U.string_array(x, self.name)
            return [_fingerprint64(v.encode("utf-8")) for v in values.reshape(-1)]
        raw = np.asarray(x.numpy() if isinstance(x, Tensor) else x)
        if raw.dtype.kind not in "iu":
            raise ValueError(f"{self.name}: every input must have an integer or string dtype, got {raw.dtype.name}")
        return [int(v) & ((1 << 64) - 1) for v in raw.reshape(-1)]

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"{self.name}: call the layer on a list or tuple of inputs, got {type(inputs).__name__}")
        if len(inputs) < 2:
            raise ValueError(f"{self.name}: call the layer on at least two inputs, got {len(inputs)}")
        shapes = [tuple(np.shape(x.numpy() if isinstance(x, Tensor) else x)) for x in inputs]
        shape = shapes[0]
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1):
            raise ValueError(f"{self.name}: every input must have shape (), (batch,) or (batch, 1), got {shape}")
        if any(s != shape for s in shapes[1:]):
            raise ValueError(f"{self.name}: all inputs must have the same shape, got {shapes}")
        columns = [self._feature_hashes(x) for x in inputs]
        out = []
        for row in zip(*columns):
            h = self._KEY
            for f in row:
                h = U.fingerprint_cat64(h, f)
            out.append(h % self.num_bins)
        bins = np.asarray(out, dtype=np.int64).reshape(shape)
        if self.output_mode == "int":
            return wrap(bins.astype(self.dtype))
        return wrap(U.encode(bins, "one_hot", self.num_bins, self.dtype))


# -- Discretization: Keras's quantile summaries ----------------------------------------------------
def _summarize(values: np.ndarray, epsilon: float) -> np.ndarray:
    values = np.sort(np.reshape(values, [-1]))
    step = max(np.size(values) / (1.0 / epsilon), 1)
    boundaries = values[int(step - 1)::int(step)]
    return np.stack([boundaries, np.ones_like(boundaries) * step])


def _compress(summary: np.ndarray, epsilon: float) -> np.ndarray:
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum_weights = summary[1].cumsum()
    cum_percents = cum_weights / cum_weights[-1]
    new_bins = np.interp(percents, cum_percents, summary[0])
    cum_weights = np.interp(percents, cum_percents, cum_weights)
    new_weights = cum_weights - np.concatenate((np.array([0]), cum_weights[:-1]))
    return np.stack((new_bins, new_weights)).astype("float32")


def _merge(prev: np.ndarray, nxt: np.ndarray, epsilon: float) -> np.ndarray:
    merged = np.concatenate((prev, nxt), axis=1)
    return _compress(np.take(merged, np.argsort(merged[0]), axis=1), epsilon)


class Discretization(Layer):
    """Bucket numbers by ranges, as ``keras.layers.Discretization``.

    The boundaries are given (``bin_boundaries``: a value ``x`` goes to bucket ``i`` when
    ``b[i-1] <= x < b[i]``) or learned by :meth:`adapt` as ``num_bins`` approximate quantiles
    (Keras's summary algorithm with tolerance ``epsilon``; a list given to ``adapt`` is a sequence
    of batches, as in Keras). ``output_mode`` "int" gives int32 buckets (as Keras's); "one_hot",
    "multi_hot" and "count" encode them as float32.

    >>> import gradtape as gt
    >>> gt.layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])([[-1.5, 1.0, 3.4, 0.5]]).numpy()
    array([[0, 2, 3, 1]], dtype=int32)
    >>> layer = gt.layers.Discretization(num_bins=4)
    >>> layer.adapt(gt.range(100.0))
    >>> [round(b, 3) for b in layer.bin_boundaries]
    [24.0, 49.0, 74.0]
    """

    def __init__(self, bin_boundaries: Any = None, num_bins: int | None = None, epsilon: float = 0.01,
                 output_mode: str = "int", sparse: bool = False, dtype: Any = None, name: str | None = None):
        who = "Discretization"
        _no_sparse(sparse, who)
        U.check_choice(output_mode, _ENCODINGS, "output_mode", who)
        if num_bins is not None and (isinstance(num_bins, bool) or not isinstance(num_bins, (int, np.integer))
                                     or num_bins < 0):
            raise ValueError(f"{who}: `num_bins` must be an integer >= 0, got num_bins={num_bins!r}")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(f"{who}: set only one of `num_bins` and `bin_boundaries`, got num_bins={num_bins} and "
                             f"bin_boundaries={bin_boundaries}")
        if num_bins is None and bin_boundaries is None:
            raise ValueError(f"{who}: set either `num_bins` or `bin_boundaries`")
        if not isinstance(epsilon, (int, float)) or isinstance(epsilon, bool) or not 0 < epsilon <= 1:
            raise ValueError(f"{who}: `epsilon` must be a number in (0, 1], got epsilon={epsilon!r}")
        if bin_boundaries is not None:
            b = np.asarray(bin_boundaries.numpy() if isinstance(bin_boundaries, Tensor) else bin_boundaries)
            if b.ndim != 1 or b.dtype.kind not in "iuf" or (np.diff(b) < 0).any():
                raise ValueError(f"{who}: `bin_boundaries` must be a sorted 1-D list of numbers, got "
                                 f"bin_boundaries={bin_boundaries!r}")
            bin_boundaries = [float(v) for v in b]
        super().__init__(name=name, dtype=dtype or "float32")
        self.bin_boundaries, self.num_bins, self.epsilon = bin_boundaries, num_bins, float(epsilon)
        self.output_mode, self.sparse = output_mode, False
        self.summary = None if bin_boundaries else np.array([[], []], dtype="float32")

    def _cast(self, x):
        return x

    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learn ``num_bins - 1`` boundaries (approximate quantiles) from ``data``: an array or
        tensor, or a dataset or iterable (a list too) of batches."""
        if self.num_bins is None:
            raise ValueError(f"{self.name}: a Discretization layer created with `bin_boundaries` cannot adapt; "
                             "create it with `num_bins`")
        self.reset_state()
        for batch in U.adapt_batches(data, steps, self.name, sequences_are_batches=False):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        """Merge one batch into the quantile summary."""
        values = np.array(data.numpy() if isinstance(data, Tensor) else data).astype("float32")
        self.summary = _merge(_summarize(values, self.epsilon), self.summary, self.epsilon)

    def finalize_state(self) -> None:
        """Set ``bin_boundaries`` from the summary."""
        if self.num_bins is not None:
            self.bin_boundaries = _compress(self.summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def reset_state(self) -> None:
        """Forget the summary."""
        if self.num_bins is not None:
            self.summary = np.array([[], []], dtype="float32")

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(f"{self.name}: pass `bin_boundaries` or call `adapt` before using the layer")
        x = np.asarray(inputs.numpy() if isinstance(inputs, Tensor) else inputs)
        if x.dtype.kind not in "iufb":
            raise TypeError(f"{self.name}: expected numeric inputs, got dtype {x.dtype.name}")
        x = x.astype(np.float32)
        bounds = np.asarray(self.bin_boundaries, dtype=np.float32)
        ids = np.searchsorted(bounds, x, side="right").astype(np.int32)
        if self.output_mode == "int":
            return wrap(ids)
        return wrap(U.encode(ids, self.output_mode, len(self.bin_boundaries) + 1, self.dtype))
