"""Batches for ``Model.fit``/``evaluate``/``predict``: arrays (or nested lists and dicts of
them) sliced into batches, or the elements of a ``gt.data.Dataset`` or a Python iterator.

Keras's rules: ``batch_size`` defaults to 32 for arrays and must not be given for a dataset;
``validation_split`` takes the last fraction of the arrays, before any shuffling;
``shuffle=True`` reshuffles the arrays every epoch (``"batch"`` shuffles batch-sized chunks);
``class_weight`` turns the labels into sample weights and excludes ``sample_weight``.
"""

from __future__ import annotations

import math
from typing import Any, Iterator

import numpy as np

from .. import nest
from .._engine.tensor import Tensor
from ..data import Dataset
from ..ops import random as _random

__all__ = ["unpack_x_y_sample_weight", "pack_x_y_sample_weight", "train_validation_split",
           "EpochIterator"]


def unpack_x_y_sample_weight(data) -> tuple:
    """``(x, y, sample_weight)`` from a batch: a tuple of one to three items, or ``x`` alone.

    >>> from gradtape.keras.data_adapter import unpack_x_y_sample_weight
    >>> unpack_x_y_sample_weight((1, 2))
    (1, 2, None)
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError("Data is expected to be in format `x`, `(x,)`, `(x, y)`, or "
                     f"`(x, y, sample_weight)`, found a tuple of {len(data)} items")


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The inverse of :func:`unpack_x_y_sample_weight`.

    >>> from gradtape.keras.data_adapter import pack_x_y_sample_weight
    >>> pack_x_y_sample_weight(1, 2)
    (1, 2)
    """
    if y is None:
        return x if not isinstance(x, (list, tuple)) else (x,)
    return (x, y) if sample_weight is None else (x, y, sample_weight)


def _array(a):
    if a is None:
        return None
    if isinstance(a, Tensor):
        return a.numpy()
    return np.asarray(a)


def _is_arrays(data) -> bool:
    leaves = nest.flatten(data)
    return all(leaf is None or isinstance(leaf, (np.ndarray, Tensor, np.generic, int, float, bool))
               for leaf in leaves) and not isinstance(data, Dataset)


def _rows(structure) -> int:
    counts = {int(np.shape(leaf)[0]) for leaf in nest.flatten(structure)
              if leaf is not None and np.ndim(leaf) > 0}
    if len(counts) > 1:
        raise ValueError(f"Data cardinality is ambiguous: the arrays have different numbers of rows "
                         f"{sorted(counts)}; make sure x, y and sample_weight have the same length")
    if not counts:
        raise ValueError("Expected arrays with a first (batch) dimension, got scalars")
    return counts.pop()


def train_validation_split(arrays, validation_split: float):
    """``(train, validation)``: the last ``validation_split`` of the rows become validation data.

    >>> import numpy as np
    >>> from gradtape.keras.data_adapter import train_validation_split
    >>> t, v = train_validation_split((np.arange(10),), 0.2)
    >>> t[0].tolist(), v[0].tolist()
    ([0, 1, 2, 3, 4, 5, 6, 7], [8, 9])
    """
    if not _is_arrays(arrays):
        raise ValueError("Argument `validation_split` is only supported for tensors or NumPy arrays; "
                         "for a dataset, pass validation_data")
    n = _rows(arrays)
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(f"Training data contains {n} samples, which is not sufficient to split it "
                         f"into a validation and training set as specified by "
                         f"`validation_split={validation_split}`. Either provide more data, or a "
                         "different value for the `validation_split` argument.")
    take = lambda a, s: None if a is None else _array(a)[s]  # noqa: E731
    return (nest.map_structure(lambda a: take(a, slice(0, split_at)), arrays),
            nest.map_structure(lambda a: take(a, slice(split_at, None)), arrays))


def _class_weights(y, class_weight: dict) -> np.ndarray:
    y = _array(nest.flatten(y)[0])
    ids = np.argmax(y, axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(len(y))
    ids = np.rint(ids).astype(np.int64)
    missing = sorted(set(np.unique(ids).tolist()) - set(int(k) for k in class_weight))
    if missing:
        raise ValueError(f"class_weight has no weight for the classes {missing}; give every class "
                         "present in y a weight")
    lookup = {int(k): float(v) for k, v in class_weight.items()}
    return np.array([lookup[int(i)] for i in ids], np.float32)


class EpochIterator:
    """The batches of one epoch, epoch after epoch: ``for step, batch in it.epoch():``.
    ``steps`` is the number of batches per epoch when known (arrays, or ``steps_per_epoch``).

    >>> import numpy as np
    >>> from gradtape.keras.data_adapter import EpochIterator
    >>> it = EpochIterator(np.arange(5), np.arange(5), batch_size=2, shuffle=False)
    >>> [len(b[0]) for _, b in it.epoch()]
    [2, 2, 1]
    """

    def __init__(self, x, y=None, sample_weight=None, batch_size: int | None = None,
                 steps_per_epoch: int | None = None, shuffle: bool | str = False,
                 class_weight: dict | None = None, what: str = "fit") -> None:
        if steps_per_epoch is not None and (not isinstance(steps_per_epoch, (int, np.integer))
                                            or steps_per_epoch < 1):
            raise ValueError(f"{what}: steps must be a positive integer, got {steps_per_epoch!r}")
        self._steps_per_epoch = steps_per_epoch
        self._iterator = None
        if isinstance(x, Dataset) or not _is_arrays(x):
            if y is not None or sample_weight is not None:
                raise ValueError(f"{what}: when x is a dataset or a generator, y and sample_weight "
                                 "must not be given; the dataset's elements carry them")
            if batch_size is not None:
                raise ValueError(f"{what}: do not give batch_size when x is a dataset or a "
                                 "generator; batch the dataset itself (dataset.batch(n))")
            if class_weight is not None:
                raise ValueError(f"{what}: class_weight is supported for array data only")
            self._source = x
            self._arrays = None
            self.steps = steps_per_epoch
            return
        if batch_size is None:
            batch_size = 32
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"{what}: batch_size must be a positive integer, got {batch_size!r}")
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError(f"{what}: you cannot give class_weight and sample_weight at the "
                                 "same time")
            if y is None:
                raise ValueError(f"{what}: class_weight needs y")
            sample_weight = _class_weights(y, class_weight)
        self._arrays = nest.map_structure(_array, (x, y, sample_weight))
        self._n = _rows(self._arrays)
        self._batch_size, self._shuffle = int(batch_size), shuffle
        batches = -(-self._n // self._batch_size)
        self.steps = batches if steps_per_epoch is None else min(steps_per_epoch, batches)

    def _order(self) -> np.ndarray:
        n, b = self._n, self._batch_size
        if self._shuffle == "batch":
            chunks = np.arange(-(-n // b))
            chunks = _random.shuffle(chunks).numpy()
            return np.concatenate([np.arange(c * b, min((c + 1) * b, n)) for c in chunks])
        if self._shuffle:
            return _random.shuffle(np.arange(n)).numpy()
        return None

    def epoch(self) -> Iterator[tuple[int, Any]]:
        """``(step, batch)`` pairs of one epoch; a batch is ``(x, y, sample_weight)`` packed as
        Keras packs it (``(x,)`` alone when there is no ``y``)."""
        if self._arrays is not None:
            order, b = self._order(), self._batch_size
            for step in range(self.steps):
                rows = slice(step * b, (step + 1) * b) if order is None else order[step * b:(step + 1) * b]
                x, y, sw = nest.map_structure(lambda a, r=rows: None if a is None else a[r], self._arrays)
                yield step, pack_x_y_sample_weight(x, y, sw)
            return
        if self._steps_per_epoch is None:
            it = iter(self._source)
        else:  # a fixed number of batches per epoch: one iterator across epochs, as Keras
            if self._iterator is None:
                self._iterator = iter(self._source)
            it = self._iterator
        step = 0
        while self._steps_per_epoch is None or step < self._steps_per_epoch:
            try:
                batch = next(it)
            except StopIteration:
                self._iterator = None
                if self.steps is None:
                    self.steps = step
                return
            yield step, batch
            step += 1
