"""IndexedSlices: a sparse gradient (rows of a dense tensor), as TensorFlow's gather gives."""

from __future__ import annotations

import numpy as np

from .parallel import product as _product
from .tensor import Tensor, wrap


class IndexedSlices:
    """A sparse representation of a dense tensor: ``dense[indices[i]] += values[i]``.

    The gradient of :func:`gradtape.gather` with respect to its ``params`` is an
    IndexedSlices, as in TensorFlow. Convert it to a dense tensor with
    ``gt.convert_to_tensor`` or ``np.asarray``; adding it to a tensor gives a dense tensor.

    >>> import gradtape as gt
    >>> s = gt.IndexedSlices(gt.constant([[1.0, 1.0]]), gt.constant([1]), (3, 2))
    >>> gt.convert_to_tensor(s).numpy()
    array([[0., 0.],
           [1., 1.],
           [0., 0.]], dtype=float32)
    """

    __array_priority__ = 200.0

    def __init__(self, values, indices, dense_shape):
        self.values = values if isinstance(values, Tensor) else wrap(np.asarray(values))
        self.indices = indices if isinstance(indices, Tensor) else wrap(np.asarray(indices))
        self.dense_shape = tuple(int(d) for d in np.asarray(dense_shape).reshape(-1))

    @property
    def dtype(self):
        return self.values.dtype

    @property
    def shape(self):
        return self.dense_shape

    def to_dense_array(self) -> np.ndarray:
        out = np.zeros(self.dense_shape, dtype=self.values.dtype)
        np.add.at(out, np.asarray(self.indices._value), self.values._value)
        return out

    def __array__(self, dtype=None, copy=None):
        a = self.to_dense_array()
        return a if dtype is None else a.astype(dtype)

    def __add__(self, other):
        from ..ops.math import add
        return add(wrap(self.to_dense_array()), other)

    __radd__ = __add__

    def __repr__(self) -> str:
        return (f"IndexedSlices(indices={self.indices.numpy()!r}, values=<shape {self.values.shape}>, "
                f"dense_shape={self.dense_shape})")


def accumulate_sparse(a, b):
    """Sum of two gradients where at least one is an IndexedSlices (raw mode)."""
    if isinstance(a, IndexedSlices) and isinstance(b, IndexedSlices):
        return IndexedSlices(
            wrap(np.concatenate([a.values._value, b.values._value])),
            wrap(np.concatenate([a.indices._value, b.indices._value])), a.dense_shape)
    if isinstance(a, IndexedSlices):
        a, b = b, a
    return a + b.to_dense_array()


class SliceGrad:
    """The gradient of a basic slice ``x[index]``: ``g`` placed at ``index`` in zeros of ``shape``.

    Returned by the first-order rule of ``getitem`` so that the reverse sweep can add several
    slices of one tensor into one array in place (an LSTM's gates are four slices of one
    product) instead of materializing a full-size zero array per slice. Never seen by users.
    """

    __slots__ = ("index", "g", "shape", "dtype")

    def __init__(self, index, g, shape, dtype):
        self.index, self.g, self.shape, self.dtype = index, g, shape, dtype

    def dense(self) -> np.ndarray:
        out = np.zeros(self.shape, dtype=self.dtype)
        out[self.index] = self.g
        return out


DEFERRED_TYPES: set = set()  # DeferredGrad's subclasses


class DeferredGrad:
    """A gradient kept in a cheaper form until something needs it as an array.

    The first-order rule of an op may return one for an input (a max pool's input gradient
    before it is scattered to each window's maximum, say). The sweep keeps it as the input's
    gradient only while it is the one term; the op that produced that input may then act on it
    directly (``Primitive.vjp_deferred``), and anything else gets :meth:`dense`. Never seen by
    users or by rules that do not ask for it. Subclasses set ``shape`` and ``dtype``.
    """

    __slots__ = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        DEFERRED_TYPES.add(cls)  # the sweep tests ``type(g) in DEFERRED_TYPES``: one set lookup

    def dense(self) -> np.ndarray:
        raise NotImplementedError

    def __add__(self, other):
        return self.dense() + other

    def __radd__(self, other):
        return other + self.dense()


def dense_grad(g):
    """``g`` as an array if it is a :class:`DeferredGrad` (or a tuple holding some)."""
    if type(g) in DEFERRED_TYPES:
        return g.dense()
    if type(g) is tuple:
        return tuple(x.dense() if type(x) in DEFERRED_TYPES else x for x in g)
    return g


class ProductGrad:
    """The gradient ``a.T @ g`` of a matrix product's right operand, not yet multiplied.

    Returned by the first-order rule of ``matmul`` for small 2-D products. When one tensor
    gets several such terms (a recurrent network's weights get one per time step), the
    reverse sweep stacks them and takes one large product, which BLAS runs several times
    faster than many small ones. Never seen by users.
    """

    __slots__ = ("a", "g")

    def __init__(self, a, g):
        self.a, self.g = a, g

    def dense(self) -> np.ndarray:
        return _product(self.a.T, self.g)

    @staticmethod
    def gather(terms: list) -> np.ndarray:
        """``sum(t.a.T @ t.g for t in terms)`` as one product of stacked rows."""
        if len(terms) == 1:
            return terms[0].dense()
        return _product(np.concatenate([t.a for t in terms]).T, np.concatenate([t.g for t in terms]))
