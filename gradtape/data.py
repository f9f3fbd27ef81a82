"""``gt.data``: a small ``tf.data``-style input pipeline over NumPy arrays.

``Dataset.from_tensor_slices((x, y)).shuffle(buffer, seed=...).batch(n)`` yields batches
as :class:`gradtape.Tensor` structures (``as_numpy_iterator()`` yields NumPy arrays).
Pipelines of slices, shuffles and batches are computed on indices and gathered with one
fancy index per array and batch, so they cost little more than the arrays' copy.

Shuffling follows ``tf.data``: an element is drawn uniformly from a buffer of
``buffer_size`` elements that is refilled from the input (a buffer at least as large as the
dataset gives a uniform permutation). With ``reshuffle_each_iteration`` (the default) each
pass over the dataset uses a new order; the sequence of orders is a function of ``seed``
alone, so two datasets built with the same seed give the same batches in every epoch. Without
a seed the seed comes from ``gt.random`` (reproducible after ``gt.random.set_seed``).

>>> import numpy as np
>>> import gradtape as gt
>>> ds = gt.data.Dataset.from_tensor_slices((np.arange(10.0), np.arange(10)))
>>> ds = ds.shuffle(10, seed=0).batch(4, drop_remainder=True)
>>> [tuple(x.shape) for x, y in ds]
[(4,), (4,)]
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import numpy as np

from ._engine.structure import first_dimension
from ._engine.tensor import Tensor, wrap

__all__ = ["Dataset", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY"]

INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


# -- structures (tuples, dicts and namedtuples nest; anything else is a leaf) -----------------
def _is_nt(x) -> bool:
    return isinstance(x, tuple) and hasattr(x, "_fields")


def _flatten(s) -> list:
    if isinstance(s, tuple):
        return [leaf for e in s for leaf in _flatten(e)]
    if isinstance(s, dict):
        return [leaf for k in sorted(s) for leaf in _flatten(s[k])]
    return [s]


def _pack(s, flat: list):
    it = iter(flat)

    def build(x):
        if _is_nt(x):
            return type(x)(*[build(e) for e in x])
        if isinstance(x, tuple):
            return tuple(build(e) for e in x)
        if isinstance(x, dict):
            built = {k: build(x[k]) for k in sorted(x)}
            return {k: built[k] for k in x}
        return next(it)

    return build(s)


def _as_array(x) -> np.ndarray:
    if isinstance(x, Tensor):
        return np.asarray(x._value)
    arr = np.asarray(x)
    if arr.dtype.kind == "f" and not isinstance(x, (np.ndarray, np.generic)):
        arr = arr.astype(np.float32)  # Python floats become float32, as in TensorFlow
    return arr


def _to_tensors(s):
    return _pack(s, [wrap(np.asarray(a)) for a in _flatten(s)])


def _to_numpy(s):
    return _pack(s, [np.asarray(a._value if isinstance(a, Tensor) else a)[()] for a in _flatten(s)])


def _call(fn: Callable, element):
    if isinstance(element, tuple) and not _is_nt(element):
        return fn(*element)
    return fn(element)


class Dataset:
    """An iterable input pipeline, as ``tf.data.Dataset`` (the subset used for training).

    Build one with :meth:`from_tensor_slices` or :meth:`range`, then chain :meth:`shuffle`,
    :meth:`batch`, :meth:`map`, :meth:`repeat`, :meth:`take`, :meth:`filter`,
    :meth:`prefetch`. Each method returns a new dataset; iterating yields Tensors.

    >>> import gradtape as gt
    >>> [int(x) for x in gt.data.Dataset.range(5).filter(lambda x: x % 2 == 0)]
    [0, 2, 4]
    """

    def __init__(self) -> None:
        self._passes = 0  # how many iterations started (each reshuffles)

    # -- constructors ------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors: Any) -> "Dataset":
        """One element per index along the first axis of every array in ``tensors``.

        ``tensors`` is an array (or list, converted to one array, or Tensor), or a tuple / dict
        / namedtuple of them (nested), all with the same first dimension.

        >>> import gradtape as gt
        >>> ds = gt.data.Dataset.from_tensor_slices({"a": [1, 2], "b": [[1.0, 2.0], [3.0, 4.0]]})
        >>> [e["b"].numpy().tolist() for e in ds]
        [[1.0, 2.0], [3.0, 4.0]]
        """
        return _Slices(tensors)

    @staticmethod
    def range(*args: int) -> "Dataset":
        """``Dataset.range(stop)`` / ``range(start, stop[, step])``: int64 scalars.

        >>> import gradtape as gt
        >>> list(gt.data.Dataset.range(3).as_numpy_iterator())
        [np.int64(0), np.int64(1), np.int64(2)]
        """
        return _Slices(np.arange(*args, dtype=np.int64))

    # -- transformations -----------------------------------------------------------------------
    def shuffle(self, buffer_size: int, seed: int | None = None,
                reshuffle_each_iteration: bool = True) -> "Dataset":
        """Randomly shuffle with a buffer of ``buffer_size`` elements, reproducibly from ``seed``.

        >>> import gradtape as gt
        >>> a = [int(x) for x in gt.data.Dataset.range(6).shuffle(6, seed=1)]
        >>> b = [int(x) for x in gt.data.Dataset.range(6).shuffle(6, seed=1)]
        >>> a == b and sorted(a) == list(range(6))
        True
        """
        return _Shuffle(self, buffer_size, seed, reshuffle_each_iteration)

    def batch(self, batch_size: int, drop_remainder: bool = False) -> "Dataset":
        """Stack ``batch_size`` consecutive elements (the last batch may be smaller unless dropped).

        >>> import gradtape as gt
        >>> [b.numpy().tolist() for b in gt.data.Dataset.range(5).batch(2)]
        [[0, 1], [2, 3], [4]]
        """
        return _Batch(self, batch_size, drop_remainder)

    def map(self, map_func: Callable, num_parallel_calls: Any = None,
            deterministic: Any = None) -> "Dataset":
        """Apply ``map_func`` to each element (a tuple element is unpacked into arguments).

        >>> import gradtape as gt
        >>> [int(x) for x in gt.data.Dataset.range(3).map(lambda x: x * 10)]
        [0, 10, 20]
        """
        return _Map(self, map_func)

    def filter(self, predicate: Callable) -> "Dataset":
        """Keep the elements for which ``predicate`` is true.

        >>> import gradtape as gt
        >>> [int(x) for x in gt.data.Dataset.range(4).filter(lambda x: x > 1)]
        [2, 3]
        """
        return _Filter(self, predicate)

    def repeat(self, count: int | None = None) -> "Dataset":
        """Repeat the dataset ``count`` times (forever when None); each pass reshuffles.

        >>> import gradtape as gt
        >>> [int(x) for x in gt.data.Dataset.range(2).repeat(2)]
        [0, 1, 0, 1]
        """
        return _Repeat(self, count)

    def take(self, count: int) -> "Dataset":
        """At most the first ``count`` elements (all of them when ``count`` is -1).

        >>> import gradtape as gt
        >>> [int(x) for x in gt.data.Dataset.range(10).repeat().take(3)]
        [0, 1, 2]
        """
        return _Take(self, count)

    def prefetch(self, buffer_size: Any = None) -> "Dataset":
        """Accepted for ``tf.data`` compatibility; returns the same pipeline.

        >>> import gradtape as gt
        >>> len(gt.data.Dataset.range(3).prefetch(1))
        3
        """
        return self

    cache = prefetch

    # -- iteration -------------------------------------------------------------------------------
    def _elements(self) -> Iterator:  # pragma: no cover - abstract
        raise NotImplementedError

    def __iter__(self) -> Iterator:
        for e in self._elements():
            yield _to_tensors(e)

    def as_numpy_iterator(self) -> Iterator:
        """Iterate with NumPy arrays instead of Tensors.

        >>> import gradtape as gt
        >>> next(gt.data.Dataset.range(4).batch(2).as_numpy_iterator())
        array([0, 1])
        """
        for e in self._elements():
            yield _to_numpy(e)

    def cardinality(self) -> int:
        """The number of elements, ``INFINITE_CARDINALITY`` (-1) or ``UNKNOWN_CARDINALITY`` (-2).

        >>> import gradtape as gt
        >>> gt.data.Dataset.range(10).batch(3).cardinality()
        4
        """
        return UNKNOWN_CARDINALITY

    def __len__(self) -> int:
        n = self.cardinality()
        if n == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return n

    def _index_capable(self) -> bool:
        return False


class _Slices(Dataset):
    def __init__(self, tensors: Any):
        super().__init__()
        self._structure = tensors
        flat = [_as_array(x) for x in _flatten(tensors)]
        self._n = first_dimension(flat, "from_tensor_slices")
        self._arrays = flat

    def cardinality(self) -> int:
        return self._n

    def _index_capable(self) -> bool:
        return True

    def _indices(self) -> np.ndarray:
        return np.arange(self._n)

    def _gather(self, idx) -> Any:
        if np.ndim(idx) == 0:  # one element: copy the row (a[i] would be a view of the input)
            return _pack(self._structure, [np.array(a[idx]) for a in self._arrays])
        return _pack(self._structure, [a[idx] for a in self._arrays])

    def _elements(self) -> Iterator:
        for i in range(self._n):
            yield self._gather(i)


class _Shuffle(Dataset):
    def __init__(self, parent: Dataset, buffer_size: int, seed, reshuffle: bool):
        super().__init__()
        buffer_size = int(buffer_size)
        if buffer_size <= 0:
            raise ValueError(f"shuffle: buffer_size must be positive, got {buffer_size}")
        if seed is None:
            from .initializers import draw_seed
            seed = draw_seed()
        self._parent, self._buffer = parent, buffer_size
        self._seed, self._reshuffle = int(seed), bool(reshuffle)

    def cardinality(self) -> int:
        return self._parent.cardinality()

    def _rng(self) -> np.random.Generator:
        k = self._passes if self._reshuffle else 0
        self._passes += 1
        return np.random.default_rng([self._seed, k])

    def _shuffled(self, items, rng: np.random.Generator, n: int | None) -> Iterator:
        if n is not None and self._buffer >= n:
            seq = list(items) if not isinstance(items, np.ndarray) else items
            for i in rng.permutation(len(seq)):
                yield seq[i]
            return
        buf: list = []
        for x in items:
            if len(buf) < self._buffer:
                buf.append(x)
                continue
            j = int(rng.integers(len(buf)))
            yield buf[j]
            buf[j] = x
        while buf:
            j = int(rng.integers(len(buf)))
            buf[j], buf[-1] = buf[-1], buf[j]
            yield buf.pop()

    def _index_capable(self) -> bool:
        return self._parent._index_capable()

    def _indices(self) -> np.ndarray:
        idx = self._parent._indices()
        rng = self._rng()
        if self._buffer >= idx.size:
            return idx[rng.permutation(idx.size)]
        return np.fromiter(self._shuffled(idx.tolist(), rng, None), dtype=np.int64, count=idx.size)

    def _gather(self, idx) -> Any:
        return self._parent._gather(idx)

    def _elements(self) -> Iterator:
        if self._index_capable():
            for i in self._indices():
                yield self._gather(i)
            return
        n = self._parent.cardinality()
        yield from self._shuffled(self._parent._elements(), self._rng(), n if n >= 0 else None)


class _Batch(Dataset):
    def __init__(self, parent: Dataset, batch_size: int, drop_remainder: bool):
        super().__init__()
        batch_size = int(batch_size)
        if batch_size <= 0:
            raise ValueError(f"batch: batch_size must be positive, got {batch_size}")
        self._parent, self._size, self._drop = parent, batch_size, bool(drop_remainder)

    def cardinality(self) -> int:
        n = self._parent.cardinality()
        if n < 0:
            return n
        return n // self._size if self._drop else -(-n // self._size)

    def _elements(self) -> Iterator:
        b = self._size
        if self._parent._index_capable():
            idx = self._parent._indices()
            stop = (idx.size // b) * b if self._drop else idx.size
            for s in range(0, stop, b):
                yield self._parent._gather(idx[s:s + b])
            return
        buf: list = []
        for e in self._parent._elements():
            buf.append(e)
            if len(buf) == b:
                yield self._stack(buf)
                buf = []
        if buf and not self._drop:
            yield self._stack(buf)

    @staticmethod
    def _stack(elements: list):
        flats = [_flatten(e) for e in elements]
        cols = [np.stack([np.asarray(f[k]) for f in flats]) for k in range(len(flats[0]))]
        return _pack(elements[0], cols)


class _Map(Dataset):
    def __init__(self, parent: Dataset, fn: Callable):
        super().__init__()
        self._parent, self._fn = parent, fn

    def cardinality(self) -> int:
        return self._parent.cardinality()

    def _elements(self) -> Iterator:
        for e in self._parent._elements():
            yield _call(self._fn, _to_tensors(e))


class _Filter(Dataset):
    def __init__(self, parent: Dataset, predicate: Callable):
        super().__init__()
        self._parent, self._pred = parent, predicate

    def _elements(self) -> Iterator:
        for e in self._parent._elements():
            if bool(_call(self._pred, _to_tensors(e))):
                yield e


class _Repeat(Dataset):
    def __init__(self, parent: Dataset, count: int | None):
        super().__init__()
        self._parent = parent
        self._count = None if count is None or int(count) < 0 else int(count)

    def cardinality(self) -> int:
        n = self._parent.cardinality()
        if self._count is None:
            return INFINITE_CARDINALITY if n != 0 else 0
        return n * self._count if n >= 0 else n

    def _elements(self) -> Iterator:
        k = 0
        while self._count is None or k < self._count:
            empty = True
            for e in self._parent._elements():
                empty = False
                yield e
            if empty:
                return
            k += 1


class _Take(Dataset):
    def __init__(self, parent: Dataset, count: int):
        super().__init__()
        self._parent, self._count = parent, int(count)

    def cardinality(self) -> int:
        n = self._parent.cardinality()
        if self._count < 0:
            return n
        if n == INFINITE_CARDINALITY:
            return self._count
        return min(n, self._count) if n >= 0 else n

    def _elements(self) -> Iterator:
        if self._count < 0:
            yield from self._parent._elements()
            return
        if self._count == 0:
            return
        for i, e in enumerate(self._parent._elements()):
            yield e
            if i + 1 >= self._count:
                return
