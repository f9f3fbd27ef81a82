"""The op table's row type and the shapes every row is swept over.

Each family of ops has a module ``rows_<family>.py`` beside this file that defines ``ROWS``, a
list of :class:`Row`. ``test_op_table.py`` runs every row: forward values against NumPy or
SciPy, then reverse mode, forward mode and second order against float64 central differences
with :func:`gradtape.test.check_gradients`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

# Shapes: scalars, empty arrays, vectors, matrices.
UNARY_SHAPES = [((),), ((0,),), ((4,),), ((2, 3),)]
# Broadcasting pairs.
BINARY_SHAPES = [((), ()), ((3,), ()), ((), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((0, 3), (3,)),
                 ((2, 3), (2, 3))]


@dataclass
class Row:
    """One op in the table.

    ``fn(*tensors)`` calls the op (close over non-differentiable arguments such as indices);
    ``ref(*arrays)`` is the NumPy/SciPy reference for the forward value (None: no reference);
    ``domain`` is ``(low, high)`` for uniform inputs or ``callable(rng, shape) -> array``.
    """

    name: str
    fn: Callable
    ref: Callable | None
    shapes: Sequence = field(default_factory=lambda: UNARY_SHAPES)
    domain: object = (-2.0, 2.0)
    order: int = 2
    modes: tuple = ("rev", "fwd")
    rtol: float = 1e-5
    atol: float = 1e-6
    complex: bool = False

    def inputs(self, rng, shapes):
        out = []
        for s in shapes:
            if callable(self.domain):
                a = np.asarray(self.domain(rng, s), dtype=np.float64)
            else:
                lo, hi = self.domain
                a = rng.uniform(lo, hi, s)
            if self.complex:
                a = a + 1j * rng.uniform(-1, 1, s)
            out.append(a)
        return out

    def cases(self):
        return [(self, s) for s in self.shapes]


def away_from(points, lo, hi, gap=0.1):
    """A domain sampler that avoids kinks (e.g. 0 for abs): uniform in [lo, hi], resampled
    while closer than ``gap`` to any of ``points``."""
    def sample(rng, shape):
        a = rng.uniform(lo, hi, shape)
        for _ in range(100):
            bad = np.zeros(np.shape(a), bool)
            for p in points:
                bad |= np.abs(a - p) < gap
            if not bad.any():
                break
            a = np.where(bad, rng.uniform(lo, hi, shape), a)
        return a
    return sample
