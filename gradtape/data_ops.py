"""The datasets behind :class:`gradtape.data.Dataset`'s methods (one class per transformation).

Elements flow through a pipeline as structures of NumPy arrays (datasets for windows) and
are wrapped as Tensors only when handed to user functions or yielded. Each class defines
``_elements`` (an iterator), ``_card`` (the cardinality) and, when it is known without running
the pipeline, ``_spec`` (the element spec). Slices, ranges, shuffles and batches of them also
work on index arrays (``_index_capable``), so a shuffled batch is one fancy index per array.

>>> import gradtape as gt
>>> ds = gt.data.Dataset.range(6).window(2).flat_map(lambda w: w.batch(2))
>>> [b.numpy().tolist() for b in ds]
[[0, 1], [2, 3], [4, 5]]
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterator

import numpy as np

from ._engine.structure import first_dimension
from ._engine.tensor import Tensor, as_dtype, to_array
from .data import (
    _END, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset, DatasetSpec, _call, _flatten, _normalize,
    RaggedRow, _pack, _spec_of, _to_tensors,
)
from .errors import InvalidArgumentError
from .ragged import RaggedTensor, RaggedTensorSpec, stack_rows
from .sparse_tensor import SparseTensor, SparseTensorSpec, sparse_rows, stack_sparse
from .utilities import TensorSpec

__all__ = ["fold", "peek"]

_INDEX_LIMIT = 10_000_000  # ranges up to this length also take the index path


def _positive(value, method: str, arg: str) -> int:
    v = int(value)
    if v <= 0:
        raise InvalidArgumentError(f"{method}: {arg} must be a positive integer, got {v}")
    return v


def _map_spec(spec, fn: Callable):
    """Apply ``fn`` to every TensorSpec of a spec structure."""
    return _pack(spec, [fn(s) for s in _flatten(spec)])


def _with_shape(spec: TensorSpec, shape) -> TensorSpec:
    if isinstance(spec, SparseTensorSpec):
        return SparseTensorSpec(shape, spec.dtype)
    if isinstance(spec, RaggedTensorSpec):  # batch adds a dimension before the ragged ones
        rank = spec.ragged_rank + (len(shape) - len(spec.shape))
        if rank < 0:
            return TensorSpec(shape, spec.dtype)
        return RaggedTensorSpec(shape, spec.dtype, rank)  # rank 0: rows of a ragged tensor
    return TensorSpec(shape, spec.dtype)


def peek(ds: Dataset) -> Any:
    """The first element of ``ds`` (``_END`` when it is empty), leaving no trace: the pass
    counters that drive reshuffling are restored afterwards.

    >>> import gradtape as gt
    >>> int(peek(gt.data.Dataset.range(3).shuffle(3, seed=0).map(lambda x: x + 10))) >= 10
    True
    """
    saved, todo = [], [ds]
    while todo:
        d = todo.pop()
        saved.append((d, d._passes))
        todo.extend(d._parents)
    try:
        return next(iter(ds._elements()), _END)
    finally:
        for d, n in saved:
            d._passes = n


def _as_bool(value, method: str) -> bool:
    arr = np.asarray(to_array(value))
    if arr.dtype != np.bool_ or arr.shape != ():
        raise ValueError(f"{method}: predicate must return a scalar bool, got dtype {arr.dtype} and shape "
                         f"{arr.shape}; return a comparison such as `x > 0`")
    return bool(arr)


def _check_state(new, old, method: str):
    new = _normalize(new)
    nf, of = _flatten(new), _flatten(old)
    if len(nf) != len(of):
        raise TypeError(f"{method}: the new state has {len(nf)} components but the initial state has {len(of)}; "
                        "return a state with the initial state's structure")
    for n, o in zip(nf, of):
        if n.dtype != o.dtype:
            raise TypeError(f"{method}: the new state has dtype {n.dtype} where the initial state has {o.dtype}; "
                            "give the initial state that dtype (e.g. np.int64(0)) or cast the new state")
    return _pack(old, nf)


def fold(ds: Dataset, initial_state: Any, reduce_func: Callable, method: str = "reduce") -> Any:
    """``Dataset.reduce``: the final state as a structure of arrays.

    >>> import numpy as np
    >>> import gradtape as gt
    >>> fold(gt.data.Dataset.range(4), np.int64(1), lambda s, x: s + x)
    array(7)
    """
    state = _normalize(initial_state)
    for e in ds._elements():
        state = _check_state(reduce_func(_to_tensors(state), _to_tensors(e)), state, method)
    return state


# -- sources ------------------------------------------------------------------------------------
class _Slices(Dataset):
    def __init__(self, tensors: Any, method: str, whole: bool = False):
        super().__init__()
        if isinstance(tensors, Dataset) or any(isinstance(a, Dataset) for a in _flatten(tensors)):
            raise TypeError(f"{method}: got a Dataset; use Dataset.zip to combine datasets")
        self._structure = tensors
        leaves = _flatten(tensors)
        self._rows = None  # for ragged components: each element's leaves, ready
        if any(isinstance(x, (RaggedTensor, SparseTensor)) for x in leaves):
            self._rows = _ragged_slices(leaves, method, whole)
            self._n, self._arrays = len(self._rows), []
            return
        flat = [np.asarray(to_array(x)) for x in leaves]
        if whole:
            flat = [a.copy()[None] for a in flat]
        self._n = first_dimension(flat, method)
        self._arrays = flat

    def _card(self) -> int:
        return self._n

    def _spec(self):
        if self._rows is not None:
            if not self._rows:
                raise ValueError("element_spec: the dataset of ragged slices is empty")
            return _spec_of(_pack(self._structure, self._rows[0]))
        return _pack(self._structure, [TensorSpec(a.shape[1:], a.dtype) for a in self._arrays])

    def _index_capable(self) -> bool:
        return self._rows is None

    def _indices(self) -> np.ndarray:
        return np.arange(self._n)

    def _gather(self, idx) -> Any:
        if np.ndim(idx) == 0:  # one element: copy the row (a[i] would be a view of the input)
            return _pack(self._structure, [np.array(a[idx]) for a in self._arrays])
        return _pack(self._structure, [a[idx] for a in self._arrays])

    def _elements(self) -> Iterator:
        if self._rows is not None:
            for row in self._rows:
                yield _pack(self._structure, row)
            return
        for i in range(self._n):
            yield self._gather(i)


def _leaf(v):
    """A row of a RaggedTensor as a pipeline leaf: a RaggedTensor, or a RaggedRow."""
    return v if isinstance(v, RaggedTensor) else np.asarray(v._value).view(RaggedRow)


def _rows(a) -> list:
    """The rows of a RaggedTensor or SparseTensor component as pipeline leaves."""
    if isinstance(a, SparseTensor):
        return sparse_rows(a)
    return [_leaf(a[i]) for i in range(a.nrows())]


def _ragged_slices(leaves: list, method: str, whole: bool) -> list:
    """Each element's leaves when some components are RaggedTensors or SparseTensors (slices
    are their rows)."""
    cols = []
    for x in leaves:
        if whole:
            cols.append([x if isinstance(x, (RaggedTensor, SparseTensor)) else np.asarray(to_array(x))])
        elif isinstance(x, (RaggedTensor, SparseTensor)):
            cols.append(_rows(x))
        else:
            a = np.asarray(to_array(x))
            if a.ndim == 0:
                raise ValueError(f"{method}: a scalar component has no first dimension to slice")
            cols.append(list(a))
    sizes = {len(c) for c in cols}
    if len(sizes) != 1:
        raise ValueError(f"{method}: the components have different first dimensions {sorted(sizes)}")
    return [list(row) for row in zip(*cols)]


class _Elements(Dataset):
    """A finite list of ready elements (the windows of ``window``)."""

    def __init__(self, elements: list):
        super().__init__()
        self._items = elements

    def _card(self) -> int:
        return len(self._items)

    def _elements(self) -> Iterator:
        yield from self._items


class _Range(Dataset):
    def __init__(self, args: tuple, dtype):
        super().__init__()
        if not 1 <= len(args) <= 3:
            raise ValueError(f"range: give stop, or start, stop[, step] (1 to 3 arguments), got {len(args)}")
        start, stop, step = (0, int(args[0]), 1) if len(args) == 1 else (int(args[0]), int(args[1]),
                                                                          int(args[2]) if len(args) == 3 else 1)
        if step == 0:
            raise InvalidArgumentError("range: step must be a non-zero integer, got 0")
        self._r, self._dtype = range(start, stop, step), as_dtype(dtype)

    def _card(self) -> int:
        return len(self._r)

    def _spec(self):
        return TensorSpec((), self._dtype)

    def _index_capable(self) -> bool:
        return len(self._r) <= _INDEX_LIMIT

    def _indices(self) -> np.ndarray:
        return np.arange(len(self._r))

    def _gather(self, idx) -> Any:
        return np.asarray(self._r.start + np.asarray(idx) * self._r.step).astype(self._dtype)

    def _elements(self) -> Iterator:
        for v in self._r:
            yield np.array(v, self._dtype)


class _Counter(Dataset):
    def __init__(self, start: int, step: int, dtype):
        super().__init__()
        self._start, self._step, self._dtype = start, step, as_dtype(dtype)

    def _card(self) -> int:
        return INFINITE_CARDINALITY

    def _spec(self):
        return TensorSpec((), self._dtype)

    def _elements(self) -> Iterator:
        v = self._start
        while True:
            yield np.array(v, self._dtype)
            v += self._step


class _Generator(Dataset):
    def __init__(self, generator, output_types, output_shapes, args, output_signature):
        super().__init__()
        if not callable(generator):
            raise TypeError("from_generator: generator must be a callable that returns an iterator, e.g. a "
                            "generator function (not a generator object)")
        if output_signature is None:
            if output_types is None:
                raise TypeError("from_generator: give output_signature (a structure of gt.TensorSpec) or "
                                "output_types")
            shapes = output_shapes
            if shapes is None:
                shapes = _pack(output_types, [None] * len(_flatten(output_types)))
            flat_shapes = _flatten_up_to(output_types, shapes, "from_generator", "output_shapes")
            output_signature = _pack(output_types, [TensorSpec(s, t) for s, t in
                                                    zip(flat_shapes, _flatten(output_types))])
        for s in _flatten(output_signature):
            if not isinstance(s, TensorSpec):
                raise TypeError(f"from_generator: output_signature must be a structure of gt.TensorSpec, got "
                                f"{type(s).__name__}")
        self._gen, self._sig = generator, output_signature
        self._args = tuple(np.asarray(to_array(a)) for a in (args or ()))

    def _spec(self):
        return self._sig

    def _elements(self) -> Iterator:
        specs = _flatten(self._sig)
        for value in self._gen(*self._args):
            try:
                flat = _flatten_up_to(self._sig, value, "from_generator", "the yielded element (a tuple for a tuple "
                                      "signature)", lists=False)
            except (TypeError, ValueError) as e:
                raise InvalidArgumentError(f"from_generator: the generator yielded an element that does not match "
                                           f"the structure of output_signature ({e})") from None
            out = []
            for v, s in zip(flat, specs):
                a = np.asarray(v._value if isinstance(v, Tensor) else v, dtype=s.dtype)
                if s.shape is not None and (len(s.shape) != a.ndim or
                                            any(d is not None and d != n for d, n in zip(s.shape, a.shape))):
                    raise InvalidArgumentError(f"from_generator: the generator yielded an element of shape "
                                               f"{a.shape} where output_signature expects {tuple(s.shape)}")
                out.append(a)
            yield _pack(self._sig, out)


def _flatten_up_to(structure, value, method: str, what: str, lists: bool = True) -> list:
    """The parts of ``value`` at the leaves of ``structure`` (lists count as tuples if ``lists``)."""
    if isinstance(structure, tuple):
        if not isinstance(value, (tuple, list) if lists else tuple) or len(value) != len(structure):
            raise ValueError(f"{method}: {what} must be a sequence of {len(structure)} entries to match the "
                             f"elements, got {value!r:.80}")
        return [x for s, v in zip(structure, value) for x in _flatten_up_to(s, v, method, what, lists)]
    if isinstance(structure, dict):
        if not isinstance(value, dict) or set(value) != set(structure):
            raise ValueError(f"{method}: {what} must be a dict with keys {sorted(structure)} to match the "
                             f"elements, got {value!r:.80}")
        return [x for k in sorted(structure) for x in _flatten_up_to(structure[k], value[k], method, what, lists)]
    return [value]


class _Zip(Dataset):
    def __init__(self, datasets: Any):
        super().__init__()
        if isinstance(datasets, list):
            raise TypeError("zip: the datasets must be a tuple or dict (nested) of Datasets, not a list; "
                            "use a tuple")
        flat = _flatten(datasets)
        for d in flat:
            if not isinstance(d, Dataset):
                raise TypeError(f"zip: every input must be a Dataset, got {type(d).__name__}; wrap tensors with "
                                "Dataset.from_tensor_slices")
        self._structure, self._parents = datasets, tuple(flat)

    def _card(self) -> int:
        cards = [d._card() for d in self._parents]
        if UNKNOWN_CARDINALITY in cards:
            return UNKNOWN_CARDINALITY
        finite = [n for n in cards if n >= 0]
        return min(finite) if finite else INFINITE_CARDINALITY

    def _spec(self):
        return _pack(self._structure, [d.element_spec for d in self._parents])

    def _elements(self) -> Iterator:
        for parts in zip(*[d._elements() for d in self._parents]):
            yield _pack(self._structure, list(parts))


# -- one-input transformations --------------------------------------------------------------------
class _Unary(Dataset):
    """A transformation of one dataset; by default it keeps the cardinality and the spec."""

    def __init__(self, parent: Dataset):
        super().__init__()
        if not isinstance(parent, Dataset):
            raise TypeError(f"expected a Dataset, got {type(parent).__name__}")
        self._parent, self._parents = parent, (parent,)

    def _card(self) -> int:
        return self._parent._card()

    def _spec(self):
        return self._parent.element_spec


class _Shuffle(_Unary):
    def __init__(self, parent: Dataset, buffer_size: int, seed, reshuffle: bool):
        super().__init__(parent)
        self._buffer = _positive(buffer_size, "shuffle", "buffer_size")
        if seed is None:
            from .initializers import draw_seed
            seed = draw_seed()
        self._seed, self._reshuffle = int(seed), bool(reshuffle)

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
        n = self._parent._card()
        yield from self._shuffled(self._parent._elements(), self._rng(), n if n >= 0 else None)


class _Batch(_Unary):
    def __init__(self, parent: Dataset, batch_size: int, drop_remainder: bool):
        super().__init__(parent)
        self._size, self._drop = _positive(batch_size, "batch", "batch_size"), bool(drop_remainder)

    def _card(self) -> int:
        n = self._parent._card()
        if n < 0:
            return n
        return n // self._size if self._drop else -(-n // self._size)

    def _spec(self):
        lead = self._size if self._drop else None
        return _map_spec(self._parent.element_spec,
                         lambda s: _with_shape(s, None if s.shape is None else (lead, *s.shape)))

    def _groups(self) -> Iterator[list]:
        buf: list = []
        for e in self._parent._elements():
            buf.append(e)
            if len(buf) == self._size:
                yield buf
                buf = []
        if buf and not self._drop:
            yield buf

    def _elements(self) -> Iterator:
        b = self._size
        if self._parent._index_capable():
            idx = self._parent._indices()
            stop = (idx.size // b) * b if self._drop else idx.size
            for s in range(0, stop, b):
                yield self._parent._gather(idx[s:s + b])
            return
        for group in self._groups():
            yield self._stack(group)

    @staticmethod
    def _stack(elements: list, ragged: bool = False):
        """``ragged``: every component becomes a RaggedTensor (else only ragged components:
        RaggedTensors and the rows of one)."""
        flats = [_flatten(e) for e in elements]
        cols = []
        for k in range(len(flats[0])):
            col = [f[k] for f in flats]
            if any(isinstance(a, Dataset) for a in col):
                raise TypeError("batch: cannot batch elements that are datasets (from window); use "
                                "flat_map(lambda w: w.batch(size)) instead")
            if any(isinstance(a, SparseTensor) for a in col):
                cols.append(stack_sparse(col))
                continue
            if ragged or any(isinstance(a, (RaggedTensor, RaggedRow)) for a in col):
                cols.append(stack_rows(col))  # rows of any length: a RaggedTensor
                continue
            for i, a in enumerate(col):
                if a.shape != col[0].shape:
                    raise InvalidArgumentError(
                        f"batch: cannot batch tensors of different shapes in component {k}: the first element "
                        f"has shape {col[0].shape} and element {i} has shape {a.shape}; use padded_batch")
            cols.append(np.stack(col))
        return _pack(elements[0], cols)


class _RaggedBatch(_Batch):
    def _index_capable(self) -> bool:
        return False

    def _spec(self):
        lead = self._size if self._drop else None

        def batched(spec):
            if isinstance(spec, SparseTensorSpec):
                return SparseTensorSpec((lead, *spec.shape), spec.dtype)
            if isinstance(spec, RaggedTensorSpec):
                return RaggedTensorSpec((lead, *spec.shape), spec.dtype, spec.ragged_rank + 1)
            if not spec.shape:
                raise ValueError("ragged_batch: the elements must have at least one dimension")
            return RaggedTensorSpec((lead, None, *spec.shape[1:]), spec.dtype, 1)
        return _map_spec(self._parent.element_spec, batched)

    def _elements(self) -> Iterator:
        for group in self._groups():
            yield self._stack(group, ragged=True)


class _PaddedBatch(_Batch):
    def __init__(self, parent: Dataset, batch_size, padded_shapes, padding_values, drop_remainder):
        super().__init__(parent, batch_size, drop_remainder)
        self._shapes, self._values = padded_shapes, padding_values

    def _index_capable(self) -> bool:
        return False

    def _targets(self, structure, ranks: list) -> list:
        if self._shapes is None:
            return [(None,) * r for r in ranks]
        flat = _flatten_up_to(structure, self._shapes, "padded_batch", "padded_shapes")
        out = []
        for k, (shape, r) in enumerate(zip(flat, ranks)):
            dims = tuple(None if d is None or int(d) == -1 else int(d) for d in shape)
            if len(dims) != r:
                raise ValueError(f"padded_batch: padded_shapes gives {len(dims)} dimensions for component {k}, "
                                 f"which has rank {r}; give one size (or None) per dimension")
            out.append(dims)
        return out

    def _pads(self, structure, dtypes: list) -> list:
        if self._values is None:
            return [np.zeros((), d) for d in dtypes]
        if isinstance(self._values, (tuple, dict, list)):
            flat = _flatten_up_to(structure, self._values, "padded_batch", "padding_values")
        else:
            flat = [self._values] * len(dtypes)
        out = []
        for k, (v, d) in enumerate(zip(flat, dtypes)):
            typed = isinstance(v, (Tensor, np.ndarray, np.generic))
            a = np.asarray(to_array(v))
            if a.shape != ():
                raise ValueError(f"padded_batch: padding_values for component {k} must be a scalar, got shape "
                                 f"{a.shape}")
            if typed and a.dtype != d:
                raise TypeError(f"padded_batch: padding_values for component {k} has dtype {a.dtype} but the "
                                f"component has dtype {d}; give a value of dtype {d} (or a Python number)")
            out.append(a.astype(d))
        return out

    def _spec(self):
        spec = self._parent.element_spec
        flat = _flatten(spec)
        targets = self._targets(spec, [len(s.shape) for s in flat])
        lead = self._size if self._drop else None
        return _pack(spec, [_with_shape(s, (lead, *t)) for s, t in zip(flat, targets)])

    def _elements(self) -> Iterator:
        for group in self._groups():
            flats = [_flatten(e) for e in group]
            first = flats[0]
            targets = self._targets(group[0], [a.ndim for a in first])
            pads = self._pads(group[0], [a.dtype for a in first])
            cols = []
            for k, (dims, pad) in enumerate(zip(targets, pads)):
                col = [f[k] for f in flats]
                if any(a.ndim != len(dims) for a in col):
                    raise InvalidArgumentError(f"padded_batch: the elements of component {k} have different ranks "
                                               f"{sorted({a.ndim for a in col})}")
                size = tuple(max(a.shape[j] for a in col) if d is None else d for j, d in enumerate(dims))
                for a in col:
                    if any(n > s for n, s in zip(a.shape, size)):
                        raise InvalidArgumentError(
                            f"padded_batch: component {k} has shape {a.shape}, larger than its padded shape {size}; "
                            "give larger padded_shapes (or None to pad to the longest element)")
                out = np.full((len(col), *size), pad, dtype=first[k].dtype)
                for i, a in enumerate(col):
                    out[(i, *[slice(0, n) for n in a.shape])] = a
                cols.append(out)
            yield _pack(group[0], cols)


class _Unbatch(_Unary):
    def _card(self) -> int:
        n = self._parent._card()
        if n < 0:
            return n
        leads = {s.shape[0] if s.shape else None for s in _flatten(self._parent.element_spec)}
        return n * leads.pop() if len(leads) == 1 and None not in leads else UNKNOWN_CARDINALITY

    def _spec(self):
        return _map_spec(self._parent.element_spec, lambda s: _with_shape(s, s.shape[1:]))

    def _elements(self) -> Iterator:
        for e in self._parent._elements():
            flat = _flatten(e)
            if any(not isinstance(a, (RaggedTensor, SparseTensor)) and a.ndim == 0 for a in flat):
                raise ValueError("unbatch: cannot unbatch an element with scalar components; every component "
                                 "needs a first dimension")
            if any(isinstance(a, (RaggedTensor, SparseTensor)) for a in flat):
                flat = [_rows(a) if isinstance(a, (RaggedTensor, SparseTensor)) else a for a in flat]
                sizes = {len(a) for a in flat}
                if len(sizes) != 1:
                    raise ValueError(f"unbatch: the components have different first dimensions {sorted(sizes)}")
                n = sizes.pop()
            else:
                n = first_dimension(flat, "unbatch")
            for i in range(n):
                yield _pack(e, [a[i] for a in flat])


class _Map(_Unary):
    def __init__(self, parent: Dataset, fn: Callable):
        super().__init__(parent)
        if not callable(fn):
            raise TypeError(f"map: map_func must be callable, got {type(fn).__name__}")
        self._fn = fn

    def _spec(self):
        # read from the first element, as TensorFlow's trace would be, except that a batch axis
        # the parent leaves unknown (a last partial batch) stays unknown in the result
        spec = Dataset._spec(self)
        parent = [s.shape for s in _flatten(self._parent.element_spec)]
        if not parent or any(not shape or shape[0] is not None for shape in parent):
            return spec
        first = peek(self._parent)
        leads = {a.shape[0] for a in _flatten(first) if np.ndim(a)} if first is not _END else set()
        if len(leads) != 1:
            return spec
        lead = leads.pop()
        return _map_spec(spec, lambda s: _with_shape(s, (None, *s.shape[1:])) if s.shape and s.shape[0] == lead
                         else s)

    def _elements(self) -> Iterator:
        for e in self._parent._elements():
            yield _normalize(_call(self._fn, _to_tensors(e)))


class _Filter(_Unary):
    def __init__(self, parent: Dataset, predicate: Callable, stop: bool = False):
        super().__init__(parent)
        self._method = "take_while" if stop else "filter"
        if not callable(predicate):
            raise TypeError(f"{self._method}: predicate must be callable, got {type(predicate).__name__}")
        self._pred, self._stop = predicate, stop

    def _card(self) -> int:
        return UNKNOWN_CARDINALITY

    def _elements(self) -> Iterator:
        for e in self._parent._elements():
            if _as_bool(_call(self._pred, _to_tensors(e)), self._method):
                yield e
            elif self._stop:
                return


class _Repeat(_Unary):
    def __init__(self, parent: Dataset, count: int | None):
        super().__init__(parent)
        self._count = None if count is None or int(count) < 0 else int(count)

    def _card(self) -> int:
        n = self._parent._card()
        if self._count is None:
            return INFINITE_CARDINALITY if n != 0 else 0
        if self._count == 0:
            return 0
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


class _Take(_Unary):
    def __init__(self, parent: Dataset, count: int):
        super().__init__(parent)
        self._count = int(count)

    def _card(self) -> int:
        n = self._parent._card()
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


class _Skip(_Unary):
    def __init__(self, parent: Dataset, count: int):
        super().__init__(parent)
        self._count = int(count)

    def _card(self) -> int:
        n = self._parent._card()
        if n < 0:
            return n
        return 0 if self._count < 0 else max(0, n - self._count)

    def _elements(self) -> Iterator:
        if self._count < 0:
            return
        for i, e in enumerate(self._parent._elements()):
            if i >= self._count:
                yield e


class _Shard(_Unary):
    def __init__(self, parent: Dataset, num_shards: int, index: int):
        super().__init__(parent)
        self._num, self._index = int(num_shards), int(index)
        if self._num <= 0:
            raise InvalidArgumentError(f"shard: num_shards must be positive, got {self._num}")
        if not 0 <= self._index < self._num:
            raise InvalidArgumentError(f"shard: index must be between 0 and {self._num - 1} (num_shards - 1), "
                                       f"got {self._index}")

    def _card(self) -> int:
        n = self._parent._card()
        if n < 0:
            return n
        return n // self._num + (1 if self._index < n % self._num else 0)

    def _elements(self) -> Iterator:
        for i, e in enumerate(self._parent._elements()):
            if i % self._num == self._index:
                yield e


class _Enumerate(_Unary):
    def __init__(self, parent: Dataset, start: int):
        super().__init__(parent)
        self._start = int(start)

    def _spec(self):
        return TensorSpec((), np.int64), self._parent.element_spec

    def _elements(self) -> Iterator:
        for i, e in enumerate(self._parent._elements(), self._start):
            yield np.array(i, np.int64), e


class _Cache(_Unary):
    def __init__(self, parent: Dataset):
        super().__init__(parent)
        self._cached: list | None = None

    def _elements(self) -> Iterator:
        if self._cached is not None:
            yield from self._cached
            return
        seen = []
        for e in self._parent._elements():
            seen.append(e)
            yield e
        self._cached = seen  # only a complete pass is kept


class _Scan(_Unary):
    def __init__(self, parent: Dataset, initial_state: Any, fn: Callable):
        super().__init__(parent)
        self._init, self._fn = _normalize(initial_state), fn

    def _spec(self):
        return Dataset._spec(self)

    def _elements(self) -> Iterator:
        state = self._init
        for e in self._parent._elements():
            out = self._fn(_to_tensors(state), _to_tensors(e))
            if not isinstance(out, (tuple, list)) or len(out) != 2:
                raise TypeError("scan: scan_func must return a pair (new_state, output_element)")
            state = _check_state(out[0], state, "scan")
            yield _normalize(out[1])


class _Unique(_Unary):
    def _card(self) -> int:
        return UNKNOWN_CARDINALITY

    def _elements(self) -> Iterator:
        seen = set()
        for e in self._parent._elements():
            flat = _flatten(e)
            if len(flat) != 1 or isinstance(flat[0], Dataset) or flat[0].dtype.kind not in "iuSU":
                raise TypeError("unique: the elements must be a single integer or string tensor, got "
                                f"{type(e).__name__} with dtypes {[getattr(a, 'dtype', None) for a in flat]}")
            key = (flat[0].dtype.str, flat[0].shape, flat[0].tobytes())
            if key not in seen:
                seen.add(key)
                yield e


class _Window(_Unary):
    def __init__(self, parent: Dataset, size, shift, stride, drop_remainder):
        super().__init__(parent)
        self._size = _positive(size, "window", "size")
        self._shift = self._size if shift is None else _positive(shift, "window", "shift")
        self._stride = _positive(stride, "window", "stride")
        self._drop = bool(drop_remainder)

    def _card(self) -> int:
        n = self._parent._card()
        if n < 0:
            return n
        if not self._drop:
            return -(-n // self._shift)
        span = (self._size - 1) * self._stride + 1
        return 0 if n < span else (n - span) // self._shift + 1

    def _spec(self):
        return _map_spec(self._parent.element_spec, DatasetSpec)

    def _make(self, elements: list):
        flats = [_flatten(e) for e in elements]
        parts = [_Elements([f[k] for f in flats]) for k in range(len(flats[0]))]
        return _pack(elements[0], parts)

    def _elements(self) -> Iterator:
        span = (self._size - 1) * self._stride + 1
        buf: list = []  # elements from index `base` on
        base, start = 0, 0
        for i, e in enumerate(self._parent._elements()):
            buf.append(e)
            while i == start + span - 1:  # the window starting at `start` is complete
                yield self._make(buf[start - base:start - base + span:self._stride])
                start += self._shift
                if start > base:
                    del buf[:start - base]
                    base = start
        if self._drop:
            return
        n = base + len(buf)
        while start < n:
            yield self._make(buf[start - base::self._stride][:self._size])
            start += self._shift


class _Interleave(_Unary):
    def __init__(self, parent: Dataset, fn: Callable, cycle_length, block_length, method: str):
        super().__init__(parent)
        if not callable(fn):
            raise TypeError(f"{method}: map_func must be callable, got {type(fn).__name__}")
        if cycle_length is None or int(cycle_length) == -1:
            cycle_length = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        self._fn, self._method = fn, method
        self._cycle = _positive(cycle_length, method, "cycle_length")
        self._block = _positive(block_length, method, "block_length")

    def _card(self) -> int:
        return UNKNOWN_CARDINALITY

    def _spec(self):
        return Dataset._spec(self)

    def _open(self, e) -> Iterator:
        ds = _call(self._fn, _to_tensors(e))
        if not isinstance(ds, Dataset):
            raise TypeError(f"{self._method}: map_func must return a Dataset, got {type(ds).__name__}; "
                            "wrap values with Dataset.from_tensors or from_tensor_slices")
        return ds._elements()

    def _elements(self) -> Iterator:
        inputs = self._parent._elements()
        slots: list = [None] * self._cycle
        k, block, open_, done = 0, 0, 0, False
        while not done or open_:
            if slots[k] is not None:
                e = next(slots[k], _END)
                if e is not _END:
                    yield e
                    block += 1
                    if block == self._block:
                        k, block = (k + 1) % self._cycle, 0
                    continue
                slots[k], open_ = None, open_ - 1
                k, block = (k + 1) % self._cycle, 0
            elif not done:
                e = next(inputs, _END)
                if e is _END:
                    done = True
                else:
                    slots[k], open_ = self._open(e), open_ + 1
            else:
                k, block = (k + 1) % self._cycle, 0


class _Concatenate(_Unary):
    def __init__(self, parent: Dataset, other: Dataset):
        super().__init__(parent)
        if not isinstance(other, Dataset):
            raise TypeError(f"concatenate: dataset must be a Dataset, got {type(other).__name__}")
        self._other, self._parents = other, (parent, other)
        a, b = _try_spec(parent), _try_spec(other)
        if a is not None and b is not None:
            _merge_specs(a, b)

    def _card(self) -> int:
        a, b = self._parent._card(), self._other._card()
        if UNKNOWN_CARDINALITY in (a, b):
            return UNKNOWN_CARDINALITY
        if INFINITE_CARDINALITY in (a, b):
            return INFINITE_CARDINALITY
        return a + b

    def _spec(self):
        a, b = _try_spec(self._parent), _try_spec(self._other)
        if a is None or b is None:
            return self._other.element_spec if a is None else a
        return _merge_specs(a, b)

    def _elements(self) -> Iterator:
        yield from self._parent._elements()
        yield from self._other._elements()


def _try_spec(ds: Dataset):
    try:
        return ds.element_spec
    except ValueError:
        return None


def _merge_specs(a, b):
    """The most specific spec of both (sizes that differ become None); TypeError if incompatible."""
    fa, fb = _flatten(a), _flatten(b)
    same_structure = len(fa) == len(fb) and _pack(a, list(range(len(fa)))) == _pack(b, list(range(len(fb))))
    if not same_structure or any(type(x) is not type(y) for x, y in zip(fa, fb)):
        raise TypeError(f"concatenate: incompatible dataset elements: {a} and {b}; both datasets need the same "
                        "structure")
    out = []
    for x, y in zip(fa, fb):
        if isinstance(x, DatasetSpec):
            out.append(x)
            continue
        if x.dtype != y.dtype:
            raise TypeError(f"concatenate: incompatible dataset elements: dtype {x.dtype} and {y.dtype}; cast one "
                            "dataset with map")
        if x.shape is None or y.shape is None or len(x.shape) != len(y.shape):
            out.append(TensorSpec(None, x.dtype))
        else:
            out.append(TensorSpec([p if p == q else None for p, q in zip(x.shape, y.shape)], x.dtype))
    return _pack(a, out)

