"""``gt.data``: a ``tf.data``-style input pipeline over NumPy arrays.

``Dataset.from_tensor_slices((x, y)).shuffle(buffer, seed=...).batch(n)`` yields batches
as :class:`gradtape.Tensor` structures (``as_numpy_iterator()`` yields NumPy arrays).
Pipelines of slices, shuffles and batches are computed on indices and gathered with one
fancy index per array and batch, so they cost little more than the arrays' copy.

Elements are single tensors, tuples, dicts or namedtuples of them (nested), as in
``tf.data``; Python ints become int32 and Python floats float32 (int64 for ints too large).

Shuffling follows ``tf.data``: an element is drawn uniformly from a buffer of
``buffer_size`` elements that is refilled from the input (a buffer at least as large as the
dataset gives a uniform permutation). With ``reshuffle_each_iteration`` (the default) each
pass over the dataset uses a new order; the sequence of orders is a function of ``seed``
alone, so two datasets built with the same seed give the same batches in every epoch. Without
a seed the seed comes from ``gt.random`` (reproducible after ``gt.random.set_seed``).
The exact orders differ from TensorFlow's.

The transformations live in :mod:`gradtape.data_ops`; the file datasets ``TFRecordDataset``
and ``TextLineDataset`` in :mod:`gradtape.data_tfrecord`. Not provided: ``list_files``, ``sample_from_datasets``,
``group_by_window``, ``bucket_by_sequence_length``, ``rebatch``, ``snapshot`` and ``options``.

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

from ._engine.tensor import Tensor, to_array, wrap
from .ragged import RaggedTensor, RaggedTensorSpec
from .sparse_tensor import SparseTensor, SparseTensorSpec
from .utilities import TensorSpec

__all__ = ["AUTOTUNE", "Dataset", "DatasetSpec", "INFINITE_CARDINALITY", "TFRecordDataset", "TextLineDataset",
           "UNKNOWN_CARDINALITY", "experimental"]

INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2
AUTOTUNE = -1


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


class RaggedRow(np.ndarray):
    """A dense row of a RaggedTensor inside a pipeline (from ``from_tensor_slices`` or
    ``unbatch``): it batches into a RaggedTensor again, as TensorFlow's ragged rows do. Users
    get plain tensors."""


def _leaf_array(x):
    """A leaf as stored inside a pipeline: a NumPy array (TensorFlow's dtype rules), a Dataset,
    a RaggedTensor or a SparseTensor."""
    if isinstance(x, (Dataset, RaggedTensor, SparseTensor)):
        return x
    return np.asarray(to_array(x))


def _normalize(s):
    """A function's result as an element: a top-level list becomes a tuple, leaves become arrays."""
    if isinstance(s, list):
        s = tuple(s)
    return _pack(s, [_leaf_array(a) for a in _flatten(s)])


def _to_tensors(s):
    return _pack(s, [a if isinstance(a, (Dataset, RaggedTensor, SparseTensor)) else wrap(np.asarray(a))
                     for a in _flatten(s)])


def _to_numpy(s):
    flat = _flatten(s)
    if any(isinstance(a, Dataset) for a in flat):
        raise TypeError("as_numpy_iterator: the elements contain datasets (from window); use "
                        "flat_map(lambda w: w.batch(size)) to turn each window into a tensor first")
    return _pack(s, [_numpy_leaf(a) for a in flat])


def _numpy_leaf(a):
    """As TensorFlow's ``as_numpy_iterator``: a ragged tensor's rows, a sparse tensor dense."""
    if isinstance(a, RaggedTensor):
        return a.numpy()
    if isinstance(a, SparseTensor):
        from .ops.sparse import to_dense
        return to_dense(a).numpy()
    return np.asarray(a)[()]


def _call(fn: Callable, element):
    if isinstance(element, tuple) and not _is_nt(element):
        return fn(*element)
    return fn(element)


def _spec_of(element):
    def leaf(a):
        if isinstance(a, Dataset):
            return DatasetSpec(a.element_spec)
        if isinstance(a, RaggedTensor):
            return RaggedTensorSpec([None] + list(a.shape)[1:], a.dtype, a.ragged_rank)
        if isinstance(a, SparseTensor):
            return SparseTensorSpec(list(a.shape), a.dtype)
        if isinstance(a, RaggedRow):
            return RaggedTensorSpec([None] + list(a.shape)[1:], a.dtype, 0)
        return TensorSpec(np.shape(a), np.asarray(a).dtype)
    return _pack(element, [leaf(a) for a in _flatten(element)])


class DatasetSpec:
    """The type of a dataset that is an element of another (as the windows of
    :meth:`Dataset.window`), as ``tf.data.DatasetSpec``.

    >>> import gradtape as gt
    >>> gt.data.Dataset.range(3).window(2).element_spec
    DatasetSpec(TensorSpec(shape=(), dtype=gt.int64, name=None), TensorShape([]))
    """

    def __init__(self, element_spec, dataset_shape=()):
        self.element_spec = element_spec
        self.shape = tuple(dataset_shape)

    def __eq__(self, other) -> bool:
        return isinstance(other, DatasetSpec) and (self.element_spec, self.shape) == (other.element_spec, other.shape)

    def __hash__(self) -> int:
        return hash(repr(self))

    def __repr__(self) -> str:
        return f"DatasetSpec({self.element_spec!r}, TensorShape({list(self.shape)}))"


class Dataset:
    """An iterable input pipeline, as ``tf.data.Dataset``.

    Build one with :meth:`from_tensor_slices`, :meth:`from_tensors`, :meth:`range`,
    :meth:`zip` or :meth:`from_generator`, then chain transformations (:meth:`shuffle`,
    :meth:`batch`, :meth:`map`, ...). Each method returns a new dataset; iterating with
    ``for`` yields Tensors (``as_numpy_iterator`` yields NumPy values); ``len()`` gives the
    number of elements when it is known.

    >>> import gradtape as gt
    >>> [int(x) for x in gt.data.Dataset.range(5).filter(lambda x: x % 2 == 0)]
    [0, 2, 4]
    """

    _parents: tuple = ()

    def __init__(self) -> None:
        self._passes = 0  # how many iterations started (each reshuffles)
        self._spec_cache = None

    # -- constructors ------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors: Any, name: str | None = None) -> "Dataset":
        """One element per index along the first axis of every array in ``tensors``.

        ``tensors`` is an array (or list, converted to one array, or Tensor), or a tuple / dict
        / namedtuple of them (nested), all with the same first dimension.

        >>> import gradtape as gt
        >>> ds = gt.data.Dataset.from_tensor_slices({"a": [1, 2], "b": [[1.0, 2.0], [3.0, 4.0]]})
        >>> [e["b"].numpy().tolist() for e in ds]
        [[1.0, 2.0], [3.0, 4.0]]
        >>> ds.element_spec["a"]
        TensorSpec(shape=(), dtype=gt.int32, name=None)
        """
        return _Slices(tensors, "from_tensor_slices")

    @staticmethod
    def from_tensors(tensors: Any, name: str | None = None) -> "Dataset":
        """A dataset of one element: ``tensors`` itself (a tensor or nested structure).

        >>> import gradtape as gt
        >>> [x.numpy().tolist() for x in gt.data.Dataset.from_tensors([1, 2])]
        [[1, 2]]
        """
        return _Slices(tensors, "from_tensors", whole=True)

    @staticmethod
    def range(*args: int, output_type=np.int64, name: str | None = None) -> "Dataset":
        """``Dataset.range(stop)`` / ``range(start, stop[, step])``: scalars of ``output_type``
        (int64 by default), computed lazily.

        >>> import gradtape as gt
        >>> list(gt.data.Dataset.range(3).as_numpy_iterator())
        [np.int64(0), np.int64(1), np.int64(2)]
        >>> list(gt.data.Dataset.range(5, 0, -2, output_type=gt.int32).as_numpy_iterator())
        [np.int32(5), np.int32(3), np.int32(1)]
        """
        return _Range(args, output_type)

    @staticmethod
    def counter(start: int = 0, step: int = 1, dtype=np.int64, name: str | None = None) -> "Dataset":
        """The infinite sequence ``start, start + step, ...``.

        >>> import gradtape as gt
        >>> list(gt.data.Dataset.counter(3, 2).take(3).as_numpy_iterator())
        [np.int64(3), np.int64(5), np.int64(7)]
        """
        return _Counter(start, step, dtype)

    @staticmethod
    def zip(*args: Any, datasets: Any = None, name: str | None = None) -> "Dataset":
        """Combine datasets element-wise: ``zip(a, b)`` or ``zip((a, b))`` gives tuples,
        ``zip({"x": a, "y": b})`` dicts (any nesting); stops at the shortest.

        >>> import gradtape as gt
        >>> ds = gt.data.Dataset.zip(gt.data.Dataset.range(3), gt.data.Dataset.range(10, 12))
        >>> [(int(a), int(b)) for a, b in ds]
        [(0, 10), (1, 11)]
        """
        if datasets is not None and args:
            raise TypeError("zip: give the datasets either as positional arguments or as `datasets`, not both")
        if datasets is None:
            if not args:
                raise TypeError("zip: give at least one dataset, e.g. Dataset.zip(a, b)")
            datasets = args[0] if len(args) == 1 else tuple(args)
        return _Zip(datasets)

    @staticmethod
    def from_generator(generator: Callable, output_types=None, output_shapes=None, args=None,
                       output_signature=None, name: str | None = None) -> "Dataset":
        """Elements yielded by ``generator(*args)`` (called again for every pass), converted to
        ``output_signature`` (a structure of ``gt.TensorSpec``; or the older ``output_types`` /
        ``output_shapes``). A value of the wrong shape or structure raises InvalidArgumentError.

        >>> import gradtape as gt
        >>> def gen():
        ...     yield 1, [1.0, 2.0]
        ...     yield 2, [3.0]
        >>> sig = (gt.TensorSpec((), gt.int32), gt.TensorSpec((None,), gt.float32))
        >>> [(int(a), b.numpy().tolist()) for a, b in gt.data.Dataset.from_generator(gen, output_signature=sig)]
        [(1, [1.0, 2.0]), (2, [3.0])]
        """
        return _Generator(generator, output_types, output_shapes, args, output_signature)

    # -- transformations -----------------------------------------------------------------------
    def shuffle(self, buffer_size: int, seed: int | None = None,
                reshuffle_each_iteration: bool = True, name: str | None = None) -> "Dataset":
        """Randomly shuffle with a buffer of ``buffer_size`` elements, reproducibly from ``seed``.

        >>> import gradtape as gt
        >>> a = [int(x) for x in gt.data.Dataset.range(6).shuffle(6, seed=1)]
        >>> b = [int(x) for x in gt.data.Dataset.range(6).shuffle(6, seed=1)]
        >>> a == b and sorted(a) == list(range(6))
        True
        """
        return _Shuffle(self, buffer_size, seed, reshuffle_each_iteration)

    def batch(self, batch_size: int, drop_remainder: bool = False, num_parallel_calls: Any = None,
              deterministic: Any = None, name: str | None = None) -> "Dataset":
        """Stack ``batch_size`` consecutive elements (the last batch may be smaller unless dropped).

        >>> import gradtape as gt
        >>> [b.numpy().tolist() for b in gt.data.Dataset.range(5).batch(2)]
        [[0, 1], [2, 3], [4]]
        >>> gt.data.Dataset.range(5).batch(2).element_spec
        TensorSpec(shape=(None,), dtype=gt.int64, name=None)
        """
        return _Batch(self, batch_size, drop_remainder)

    def padded_batch(self, batch_size: int, padded_shapes: Any = None, padding_values: Any = None,
                     drop_remainder: bool = False, name: str | None = None) -> "Dataset":
        """Batch elements of different shapes, padding each component to ``padded_shapes``
        (a shape per component; ``None`` or -1 for a dimension pads to the longest in the
        batch, and ``padded_shapes=None`` pads every dimension so) with ``padding_values``
        (0 by default; one value for all components or one per component).

        >>> import gradtape as gt
        >>> ds = gt.data.Dataset.range(1, 4).map(lambda x: gt.fill([x], x))
        >>> [b.numpy().tolist() for b in ds.padded_batch(2)]
        [[[1, 0], [2, 2]], [[3, 3, 3]]]
        >>> [b.numpy().tolist() for b in ds.padded_batch(2, padded_shapes=[4], padding_values=-1)]
        [[[1, -1, -1, -1], [2, 2, -1, -1]], [[3, 3, 3, -1]]]
        """
        return _PaddedBatch(self, batch_size, padded_shapes, padding_values, drop_remainder)

    def ragged_batch(self, batch_size: int, drop_remainder: bool = False,
                     row_splits_dtype: Any = None, name: str | None = None) -> "Dataset":
        """Batch elements whose first dimension varies into RaggedTensors (ragged elements
        gain a ragged dimension), as ``tf.data.Dataset.ragged_batch``.

        >>> import gradtape as gt
        >>> ds = gt.data.Dataset.range(4).map(lambda n: gt.range(n))
        >>> [b.to_list() for b in ds.ragged_batch(3)]
        [[[], [0], [0, 1]], [[0, 1, 2]]]
        """
        return _RaggedBatch(self, batch_size, drop_remainder)

    def unbatch(self, name: str | None = None) -> "Dataset":
        """Split each element along its first axis (the inverse of :meth:`batch`).

        >>> import gradtape as gt
        >>> [int(x) for x in gt.data.Dataset.range(5).batch(2).unbatch()]
        [0, 1, 2, 3, 4]
        """
        return _Unbatch(self)

    def map(self, map_func: Callable, num_parallel_calls: Any = None,
            deterministic: Any = None, name: str | None = None) -> "Dataset":
        """Apply ``map_func`` to each element (a tuple element is unpacked into arguments; a
        returned list becomes a tuple). ``num_parallel_calls`` is accepted; calls run in order.

        >>> import gradtape as gt
        >>> [int(x) for x in gt.data.Dataset.range(3).map(lambda x: x * 10)]
        [0, 10, 20]
        >>> ds = gt.data.Dataset.zip(gt.data.Dataset.range(2), gt.data.Dataset.range(2))
        >>> [int(s) for s in ds.map(lambda a, b: a + b, num_parallel_calls=gt.data.AUTOTUNE)]
        [0, 2]
        """
        return _Map(self, map_func)

    def filter(self, predicate: Callable, name: str | None = None) -> "Dataset":
        """Keep the elements for which ``predicate`` (returning a scalar bool) is true.

        >>> import gradtape as gt
        >>> [int(x) for x in gt.data.Dataset.range(4).filter(lambda x: x > 1)]
        [2, 3]
        """
        return _Filter(self, predicate)

    def take_while(self, predicate: Callable, name: str | None = None) -> "Dataset":
        """The elements before the first one for which ``predicate`` is false.

        >>> import gradtape as gt
        >>> [int(x) for x in gt.data.Dataset.range(10).take_while(lambda x: x < 3)]
        [0, 1, 2]
        """
        return _Filter(self, predicate, stop=True)

    def flat_map(self, map_func: Callable, name: str | None = None) -> "Dataset":
        """Map each element to a dataset and chain those datasets.

        >>> import gradtape as gt
        >>> [int(x) for x in gt.data.Dataset.range(3).flat_map(lambda x: gt.data.Dataset.range(x))]
        [0, 0, 1]
        """
        return _Interleave(self, map_func, 1, 1, "flat_map")

    def interleave(self, map_func: Callable, cycle_length: int | None = None, block_length: int = 1,
                   num_parallel_calls: Any = None, deterministic: Any = None,
                   name: str | None = None) -> "Dataset":
        """Map each element to a dataset and interleave ``cycle_length`` of them at a time,
        ``block_length`` consecutive elements from each (TensorFlow's order). ``cycle_length``
        None or AUTOTUNE uses the number of CPU cores, as TensorFlow does.

        >>> import gradtape as gt
        >>> ds = gt.data.Dataset.range(1, 4).interleave(
        ...     lambda x: gt.data.Dataset.from_tensors(x).repeat(3), cycle_length=2, block_length=2)
        >>> [int(x) for x in ds]
        [1, 1, 2, 2, 1, 2, 3, 3, 3]
        """
        return _Interleave(self, map_func, cycle_length, block_length, "interleave")

    def repeat(self, count: int | None = None, name: str | None = None) -> "Dataset":
        """Repeat the dataset ``count`` times (forever when None or -1); each pass reshuffles.

        >>> import gradtape as gt
        >>> [int(x) for x in gt.data.Dataset.range(2).repeat(2)]
        [0, 1, 0, 1]
        """
        return _Repeat(self, count)

    def take(self, count: int, name: str | None = None) -> "Dataset":
        """At most the first ``count`` elements (all of them when ``count`` is -1).

        >>> import gradtape as gt
        >>> [int(x) for x in gt.data.Dataset.range(10).repeat().take(3)]
        [0, 1, 2]
        """
        return _Take(self, count)

    def skip(self, count: int, name: str | None = None) -> "Dataset":
        """All but the first ``count`` elements (none when ``count`` is -1).

        >>> import gradtape as gt
        >>> [int(x) for x in gt.data.Dataset.range(5).skip(3)]
        [3, 4]
        """
        return _Skip(self, count)

    def shard(self, num_shards: int, index: int, name: str | None = None) -> "Dataset":
        """Every ``num_shards``-th element starting at ``index``.

        >>> import gradtape as gt
        >>> [int(x) for x in gt.data.Dataset.range(10).shard(3, 1)]
        [1, 4, 7]
        """
        return _Shard(self, num_shards, index)

    def concatenate(self, dataset: "Dataset", name: str | None = None) -> "Dataset":
        """This dataset's elements followed by ``dataset``'s (same structure and dtypes).

        >>> import gradtape as gt
        >>> [int(x) for x in gt.data.Dataset.range(2).concatenate(gt.data.Dataset.range(5, 7))]
        [0, 1, 5, 6]
        """
        return _Concatenate(self, dataset)

    def enumerate(self, start: int = 0, name: str | None = None) -> "Dataset":
        """Pairs ``(index, element)`` with an int64 index counting from ``start``.

        >>> import gradtape as gt
        >>> [(int(i), int(x)) for i, x in gt.data.Dataset.range(10, 12).enumerate(start=5)]
        [(5, 10), (6, 11)]
        """
        return _Enumerate(self, start)

    def window(self, size: int, shift: int | None = None, stride: int = 1, drop_remainder: bool = False,
               name: str | None = None) -> "Dataset":
        """Windows of ``size`` elements (every ``stride``-th), starting every ``shift`` elements
        (``size`` by default). Each window is a dataset (a structure of datasets, one per
        component, for structured elements); the last windows may be shorter unless dropped.

        >>> import gradtape as gt
        >>> ds = gt.data.Dataset.range(7).window(3, shift=2)
        >>> [[int(x) for x in w] for w in ds]
        [[0, 1, 2], [2, 3, 4], [4, 5, 6], [6]]
        >>> ds = gt.data.Dataset.range(5).window(3, shift=1, drop_remainder=True)
        >>> [b.numpy().tolist() for b in ds.flat_map(lambda w: w.batch(3))]
        [[0, 1, 2], [1, 2, 3], [2, 3, 4]]
        """
        return _Window(self, size, shift, stride, drop_remainder)

    def scan(self, initial_state: Any, scan_func: Callable, name: str | None = None) -> "Dataset":
        """Carry a state: ``scan_func(state, element)`` returns ``(new_state, output)`` and the
        dataset yields the outputs. The state keeps its structure and dtypes.

        >>> import numpy as np
        >>> import gradtape as gt
        >>> ds = gt.data.Dataset.range(5).scan(np.int64(0), lambda s, x: (s + x, s + x))
        >>> [int(x) for x in ds]
        [0, 1, 3, 6, 10]
        """
        return _Scan(self, initial_state, scan_func)

    def unique(self, name: str | None = None) -> "Dataset":
        """The elements (a single integer or string component) without repeats, in first-seen order.

        >>> import gradtape as gt
        >>> [int(x) for x in gt.data.Dataset.from_tensor_slices([1, 3, 1, 2, 3]).unique()]
        [1, 3, 2]
        """
        return _Unique(self)

    def apply(self, transformation_func: Callable[["Dataset"], "Dataset"]) -> "Dataset":
        """``transformation_func(self)``, for chaining a function of a dataset.

        >>> import gradtape as gt
        >>> [int(x) for x in gt.data.Dataset.range(3).apply(lambda ds: ds.skip(1))]
        [1, 2]
        """
        out = transformation_func(self)
        if not isinstance(out, Dataset):
            raise TypeError(f"apply: transformation_func must return a Dataset, got {type(out).__name__}")
        return out

    def prefetch(self, buffer_size: Any = None, name: str | None = None) -> "Dataset":
        """Accepted for ``tf.data`` compatibility (elements are computed on demand); returns the
        same pipeline.

        >>> import gradtape as gt
        >>> len(gt.data.Dataset.range(3).prefetch(gt.data.AUTOTUNE))
        3
        """
        return self

    def cache(self, filename: str = "", name: str | None = None) -> "Dataset":
        """Remember the elements of the first complete pass (in memory, also when ``filename``
        is given) and replay them afterwards, so e.g. a shuffle before ``cache`` runs once.

        >>> import gradtape as gt
        >>> ds = gt.data.Dataset.range(5).shuffle(5, seed=0).cache()
        >>> [int(x) for x in ds] == [int(x) for x in ds]
        True
        """
        return _Cache(self)

    # -- results ---------------------------------------------------------------------------------
    def reduce(self, initial_state: Any, reduce_func: Callable) -> Any:
        """Fold the dataset: ``state = reduce_func(state, element)`` for every element; returns
        the final state (as Tensors). The state keeps its structure and dtypes.

        >>> import numpy as np
        >>> import gradtape as gt
        >>> int(gt.data.Dataset.range(5).reduce(np.int64(0), lambda s, x: s + x))
        10
        """
        from .data_ops import fold
        return _to_tensors(fold(self, initial_state, reduce_func))

    def get_single_element(self, name: str | None = None) -> Any:
        """The only element of the dataset (InvalidArgumentError when it has none or several).

        >>> import gradtape as gt
        >>> gt.data.Dataset.from_tensors(7).get_single_element()
        <gt.Tensor: shape=(), dtype=int32, numpy=7>
        """
        from .errors import InvalidArgumentError
        it = iter(self._elements())
        first = next(it, _END)
        if first is _END:
            raise InvalidArgumentError("get_single_element: the dataset was empty; it must have exactly one element")
        if next(it, _END) is not _END:
            raise InvalidArgumentError("get_single_element: the dataset had more than one element; "
                                       "use take(1) first to keep only the first")
        return _to_tensors(first)

    @property
    def element_spec(self) -> Any:
        """The structure of ``gt.TensorSpec`` (shape, dtype) of the elements. Where TensorFlow
        would trace a function (``map``, ``flat_map``, ...), it is read from the first element.

        >>> import gradtape as gt
        >>> gt.data.Dataset.range(3).enumerate().element_spec
        (TensorSpec(shape=(), dtype=gt.int64, name=None), TensorSpec(shape=(), dtype=gt.int64, name=None))
        """
        if self._spec_cache is None:
            self._spec_cache = self._spec()
        return self._spec_cache

    # -- iteration -------------------------------------------------------------------------------
    def _elements(self) -> Iterator:  # pragma: no cover - abstract
        raise NotImplementedError

    def _spec(self):
        from .data_ops import peek
        first = peek(self)
        if first is _END:
            raise ValueError(f"element_spec: the {type(self).__name__.strip('_')} dataset is empty, so the "
                             "structure of its elements cannot be read from the first one")
        return _spec_of(first)

    def __iter__(self) -> Iterator:
        for e in self._elements():
            yield _to_tensors(e)

    def as_numpy_iterator(self) -> Iterator:
        """Iterate with NumPy arrays (scalars as NumPy scalars) instead of Tensors.

        >>> import gradtape as gt
        >>> next(gt.data.Dataset.range(4).batch(2).as_numpy_iterator())
        array([0, 1])
        """
        for e in self._elements():
            yield _to_numpy(e)

    def cardinality(self) -> Tensor:
        """The number of elements as an int64 scalar Tensor, ``INFINITE_CARDINALITY`` (-1) or
        ``UNKNOWN_CARDINALITY`` (-2, e.g. after ``filter``).

        >>> import gradtape as gt
        >>> gt.data.Dataset.range(10).batch(3).cardinality()
        <gt.Tensor: shape=(), dtype=int64, numpy=4>
        >>> int(gt.data.Dataset.range(3).repeat().cardinality()) == gt.data.INFINITE_CARDINALITY
        True
        """
        return wrap(np.array(self._card(), np.int64))

    def _card(self) -> int:
        return UNKNOWN_CARDINALITY

    def __len__(self) -> int:
        n = self._card()
        if n == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return n

    def _index_capable(self) -> bool:
        return False


_END = object()


class experimental:  # noqa: N801 - the name of the tf.data.experimental namespace
    """``tf.data.experimental``: constants and the older apply-style forms of some methods.

    >>> import gradtape as gt
    >>> gt.data.experimental.AUTOTUNE, gt.data.experimental.INFINITE_CARDINALITY
    (-1, -1)
    """

    AUTOTUNE = AUTOTUNE
    INFINITE_CARDINALITY = INFINITE_CARDINALITY
    UNKNOWN_CARDINALITY = UNKNOWN_CARDINALITY

    @staticmethod
    def cardinality(dataset: Dataset) -> Tensor:
        """``dataset.cardinality()``.

        >>> import gradtape as gt
        >>> int(gt.data.experimental.cardinality(gt.data.Dataset.range(4)))
        4
        """
        return dataset.cardinality()

    @staticmethod
    def get_single_element(dataset: Dataset) -> Any:
        """``dataset.get_single_element()``.

        >>> import gradtape as gt
        >>> int(gt.data.experimental.get_single_element(gt.data.Dataset.range(1)))
        0
        """
        return dataset.get_single_element()

    @staticmethod
    def scan(initial_state: Any, scan_func: Callable) -> Callable[[Dataset], Dataset]:
        """A transformation for ``Dataset.apply``: ``ds.scan(initial_state, scan_func)``.

        >>> import numpy as np
        >>> import gradtape as gt
        >>> ds = gt.data.Dataset.range(4).apply(gt.data.experimental.scan(np.int64(0), lambda s, x: (s + x, s)))
        >>> [int(x) for x in ds]
        [0, 0, 1, 3]
        """
        return lambda ds: ds.scan(initial_state, scan_func)

    @staticmethod
    def enumerate_dataset(start: int = 0) -> Callable[[Dataset], Dataset]:
        """A transformation for ``Dataset.apply``: ``ds.enumerate(start)``.

        >>> import gradtape as gt
        >>> [int(i) for i, x in gt.data.Dataset.range(2).apply(gt.data.experimental.enumerate_dataset(1))]
        [1, 2]
        """
        return lambda ds: ds.enumerate(start)

    @staticmethod
    def unique() -> Callable[[Dataset], Dataset]:
        """A transformation for ``Dataset.apply``: ``ds.unique()``.

        >>> import gradtape as gt
        >>> ds = gt.data.Dataset.from_tensor_slices([2, 2, 1]).apply(gt.data.experimental.unique())
        >>> [int(x) for x in ds]
        [2, 1]
        """
        return lambda ds: ds.unique()

    @staticmethod
    def take_while(predicate: Callable) -> Callable[[Dataset], Dataset]:
        """A transformation for ``Dataset.apply``: ``ds.take_while(predicate)``.

        >>> import gradtape as gt
        >>> ds = gt.data.Dataset.range(5).apply(gt.data.experimental.take_while(lambda x: x < 2))
        >>> [int(x) for x in ds]
        [0, 1]
        """
        return lambda ds: ds.take_while(predicate)


from .data_ops import (  # noqa: E402 - the implementations subclass Dataset, defined above
    _Batch, _Cache, _Concatenate, _Counter, _Enumerate, _Filter, _Generator, _Interleave, _Map, _PaddedBatch,
    _RaggedBatch, _Range, _Repeat, _Scan, _Shard, _Shuffle, _Skip, _Slices, _Take, _Unbatch, _Unique, _Window,
    _Zip,
)
from .data_tfrecord import TFRecordDataset, TextLineDataset  # noqa: E402 - they subclass Dataset
