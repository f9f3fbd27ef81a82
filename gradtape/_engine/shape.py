"""``TensorShape``: a tensor's shape, a tuple with TensorFlow's ``TensorShape`` methods.

It is a tuple (it prints, compares, hashes and unpacks as one), so NumPy and plain Python take
it as they take ``ndarray.shape``; ``as_list()``, ``rank``, ``num_elements()`` and the rest let
TensorFlow code that reads shapes run unchanged. A shape built by hand may hold ``None`` for
an unknown dimension (``gt.TensorShape([None, 3])``); a tensor's shape is always fully known.
"""

from __future__ import annotations

import math
from typing import Iterable


class TensorShape(tuple):
    """A shape: a tuple of ints (or ``None`` for unknown sizes) with TensorFlow's methods.

    >>> import gradtape as gt
    >>> s = gt.zeros((2, 3)).shape
    >>> s, s.as_list(), s.rank, s.num_elements(), s == [2, 3]
    ((2, 3), [2, 3], 2, 6, True)
    >>> gt.TensorShape([None, 3]).is_compatible_with(s)
    True
    """

    __slots__ = ()

    def __new__(cls, dims: Iterable | None = ()):
        if dims is None:
            raise ValueError("TensorShape: a shape of unknown rank is not supported; give the "
                             "dimensions (None for an unknown size)")
        return super().__new__(cls, (None if d is None else int(d) for d in dims))

    def as_list(self) -> list:
        """The dimensions as a list."""
        return list(self)

    @property
    def rank(self) -> int:
        """The number of dimensions."""
        return len(self)

    @property
    def ndims(self) -> int:
        """The number of dimensions (TensorFlow's older name for ``rank``)."""
        return len(self)

    @property
    def dims(self) -> list:
        """The dimensions as a list (ints, or ``None`` where unknown)."""
        return list(self)

    def num_elements(self) -> int | None:
        """The number of elements, or None if a dimension is unknown."""
        return None if None in self else math.prod(self)

    def is_fully_defined(self) -> bool:
        """Whether every dimension is known."""
        return None not in self

    def is_compatible_with(self, other) -> bool:
        """Whether the two shapes have one rank and agree wherever both sizes are known."""
        other = tuple(other)
        return len(other) == len(self) and all(
            a is None or b is None or a == b for a, b in zip(self, other))

    def concatenate(self, other) -> TensorShape:
        """This shape followed by ``other``'s dimensions."""
        return TensorShape(tuple(self) + tuple(other))

    def __getitem__(self, key):
        item = tuple.__getitem__(self, key)
        return TensorShape(item) if isinstance(key, slice) else item

    def __eq__(self, other) -> bool:
        if isinstance(other, list):
            other = tuple(other)
        return tuple.__eq__(self, other)

    def __ne__(self, other) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = tuple.__hash__
