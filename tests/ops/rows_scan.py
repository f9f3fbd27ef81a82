"""Table rows: scans, sorting and segment sums (gradtape/ops/scan.py)."""

import numpy as np

import gradtape as gt

from .rows_reduce import DISTINCT, NONZERO, with_zeros
from .table import Row

VECS = [((4,),), ((0,),), ((2, 3),), ((0, 3),), ((2, 3, 4),)]


def np_scan(fn, fill, axis=0, exclusive=False, reverse=False):
    """NumPy reference for TensorFlow's cumsum/cumprod with exclusive and reverse."""
    def ref(x):
        x = np.flip(x, axis) if reverse else x
        y = fn(x, axis=axis)
        if exclusive:
            pad = [(0, 0)] * x.ndim
            pad[axis] = (1, 0)
            y = np.delete(np.pad(y, pad, constant_values=fill), -1, axis=axis) if x.shape[axis] else y
        return np.flip(y, axis) if reverse else y
    return ref


def np_top_k(x, k):
    idx = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, idx, -1), idx


def np_segment_sum(ids, n):
    def ref(x):
        out = np.zeros((n,) + x.shape[np.ndim(ids):])
        keep = np.asarray(ids) >= 0
        np.add.at(out, np.asarray(ids)[keep], x[keep])
        return out
    return ref


def scan_rows(name, op, fn, fill, domain):
    rows = []
    for exclusive in (False, True):
        for reverse in (False, True):
            tag = f"{name}{'_exclusive' * exclusive}{'_reverse' * reverse}"
            rows.append(Row(tag, lambda x, e=exclusive, r=reverse: op(x, axis=0, exclusive=e, reverse=r),
                            np_scan(fn, fill, 0, exclusive, reverse), VECS, domain=domain))
            rows.append(Row(tag + "_last_axis", lambda x, e=exclusive, r=reverse: op(x, -1, e, r),
                            np_scan(fn, fill, -1, exclusive, reverse), VECS[2:], domain=domain))
    return rows


IDS = np.array([2, 0, 2, -1, 3])

ROWS = scan_rows("cumsum", gt.cumsum, np.cumsum, 0, (-2.0, 2.0)) + scan_rows(
    "cumprod", gt.math.cumprod, np.cumprod, 1, NONZERO) + [
    Row("cumprod_with_zeros", lambda x: gt.math.cumprod(x, axis=1), lambda x: np.cumprod(x, axis=1),
        [((3, 4),)], domain=with_zeros),
    Row("cumprod_with_zeros_exclusive_reverse",
        lambda x: gt.math.cumprod(x, axis=0, exclusive=True, reverse=True),
        np_scan(np.cumprod, 1, 0, True, True), [((5,),), ((4, 2),)], domain=with_zeros),
    Row("sort", gt.sort, lambda x: np.sort(x, axis=-1), VECS, domain=DISTINCT),
    Row("sort_axis0_descending", lambda x: gt.sort(x, axis=0, direction="DESCENDING"),
        lambda x: -np.sort(-x, axis=0), VECS, domain=DISTINCT),
    Row("argsort", lambda x: gt.argsort(x, axis=0), lambda x: np.argsort(x, axis=0), VECS,
        domain=DISTINCT, modes=(), order=1),
    Row("top_k", lambda x: gt.math.top_k(x, k=2), lambda x: np_top_k(x, 2), [((4,),), ((2, 3),)],
        domain=DISTINCT),
    Row("top_k_all", lambda x: gt.math.top_k(x, k=x.shape[-1]).values,
        lambda x: np_top_k(x, x.shape[-1])[0], [((0,),), ((2, 5),)], domain=DISTINCT),
    Row("segment_sum", lambda x: gt.math.segment_sum(x, [0, 0, 1, 3]), np_segment_sum([0, 0, 1, 3], 4),
        [((4,),), ((4, 3),)]),
    Row("unsorted_segment_sum", lambda x: gt.math.unsorted_segment_sum(x, IDS, 5), np_segment_sum(IDS, 5),
        [((5,),), ((5, 2),)]),
    Row("unsorted_segment_sum_2d_ids",
        lambda x: gt.math.unsorted_segment_sum(x, [[1, 0, 1], [-1, 2, 0]], 3),
        np_segment_sum([[1, 0, 1], [-1, 2, 0]], 3), [((2, 3),), ((2, 3, 2),)]),
]
