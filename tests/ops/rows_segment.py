"""Table rows: segment reductions (gradtape/ops/segment.py), and the weights of ``bincount``
and ``confusion_matrix`` (gradtape/ops/counting.py), which are segment sums of them."""

import numpy as np

import gradtape as gt

from .rows_reduce import DISTINCT, NONZERO, with_zeros
from .table import Row

SORTED = [0, 0, 1, 3]  # segment 2 is empty
IDS = np.array([2, 0, 2, -1, 3])  # segments 1 and 4 are empty, one id is dropped
IDS_2D = [[1, 0, 1], [-1, 2, 0]]
EMPTY = np.zeros(0, np.int64)


def np_segment(ids, n, reduce, empty):
    """NumPy reference: ``reduce`` over the rows of each segment (``empty`` where there are
    none); negative ids are dropped."""
    ids = np.asarray(ids)

    def ref(x):
        rows = x.reshape((-1,) + x.shape[ids.ndim:])
        flat = ids.reshape(-1)
        out = [reduce(rows[flat == j]) if np.any(flat == j) else np.full(rows.shape[1:], empty)
               for j in range(n)]
        return np.array(out).reshape((n,) + x.shape[ids.ndim:])
    return ref


def mean(r):
    return r.mean(axis=0)


def sqrt_n(r):
    return r.sum(axis=0) / np.sqrt(len(r))


def vmax(r):
    return r.max(axis=0)


def vmin(r):
    return r.min(axis=0)


def prod(r):
    return r.prod(axis=0)


LOW, HIGH = np.finfo(np.float64).min, np.finfo(np.float64).max


def tied(x, extra=-1.0):
    """Each row of ``x`` twice and then lowered by 1, interleaved: segments of two tied
    extrema and one smaller element (larger for ``extra=+1``)."""
    return gt.reshape(gt.stack([x, x, x + extra], axis=1), (-1,) + tuple(x.shape[1:]))


def zeros_at(*where):
    """A sampler of non-zero values with exact zeros at the positions ``where``."""
    def sample(rng, s):
        a = rng.uniform(0.5, 1.5, s) * rng.choice([-1.0, 1.0], s)
        a[list(where)] = 0.0
        return a
    return sample


IDS_PROD = np.array([0, 0, 1, 0, 1, 2, 2, 3])
SORTED_PROD = np.sort(IDS_PROD)  # [0, 0, 0, 1, 1, 2, 2, 3]
ARR = np.array([3, 0, 1, 3, 7, 1])  # bincount with maxlength=5 skips the 7
LABELS, PREDICTIONS = np.array([0, 2, 1, 2, 2, 3]), np.array([0, 2, 2, 2, 1, 3])


def np_bincount(arr, length):
    def ref(w):
        out = np.zeros(length)
        keep = arr.reshape(-1) < length
        np.add.at(out, arr.reshape(-1)[keep], w.reshape(-1)[keep])
        return out
    return ref


def np_confusion(w):
    out = np.zeros((4, 4))
    np.add.at(out, (LABELS, PREDICTIONS), w)
    return out


ROWS = [
    # means and sqrt_n
    Row("segment_mean", lambda x: gt.math.segment_mean(x, SORTED), np_segment(SORTED, 4, mean, 0.0),
        [((4,),), ((4, 3),)]),
    Row("segment_mean_empty", lambda x: gt.math.segment_mean(x, EMPTY), np_segment(EMPTY, 0, mean, 0.0),
        [((0,),), ((0, 2),)]),
    Row("unsorted_segment_mean", lambda x: gt.math.unsorted_segment_mean(x, IDS, 5),
        np_segment(IDS, 5, mean, 0.0), [((5,),), ((5, 2),)]),
    Row("unsorted_segment_mean_2d_ids", lambda x: gt.math.unsorted_segment_mean(x, IDS_2D, 4),
        np_segment(IDS_2D, 4, mean, 0.0), [((2, 3),), ((2, 3, 2),)]),
    Row("unsorted_segment_mean_complex", lambda x: gt.math.real(gt.math.unsorted_segment_mean(x, IDS, 5) * (1 + 2j)),
        lambda x: np.real(np_segment(IDS, 5, mean, 0.0)(x) * (1 + 2j)), [((5,),)], complex=True),
    Row("unsorted_segment_sqrt_n", lambda x: gt.math.unsorted_segment_sqrt_n(x, IDS, 5),
        np_segment(IDS, 5, sqrt_n, 0.0), [((5,),), ((5, 2),)]),
    Row("unsorted_segment_sqrt_n_2d_ids", lambda x: gt.math.unsorted_segment_sqrt_n(x, IDS_2D, 3),
        np_segment(IDS_2D, 3, sqrt_n, 0.0), [((2, 3),), ((2, 3, 2),)]),
    # extrema (distinct values away from ties; ties below, with the tied values equal by construction)
    Row("segment_max", lambda x: gt.math.segment_max(x, SORTED), np_segment(SORTED, 4, vmax, 0.0),
        [((4,),), ((4, 3),)], domain=DISTINCT),
    Row("segment_min", lambda x: gt.math.segment_min(x, SORTED), np_segment(SORTED, 4, vmin, 0.0),
        [((4,),), ((4, 3),)], domain=DISTINCT),
    Row("unsorted_segment_max", lambda x: gt.math.unsorted_segment_max(x, IDS, 5),
        np_segment(IDS, 5, vmax, LOW), [((5,),), ((5, 2),)], domain=DISTINCT),
    Row("unsorted_segment_min", lambda x: gt.math.unsorted_segment_min(x, IDS, 5),
        np_segment(IDS, 5, vmin, HIGH), [((5,),), ((5, 2),)], domain=DISTINCT),
    Row("unsorted_segment_max_2d_ids", lambda x: gt.math.unsorted_segment_max(x, IDS_2D, 4),
        np_segment(IDS_2D, 4, vmax, LOW), [((2, 3),), ((2, 3, 2),)], domain=DISTINCT),
    Row("unsorted_segment_min_empty", lambda x: gt.math.unsorted_segment_min(x, EMPTY, 2),
        np_segment(EMPTY, 2, vmin, HIGH), [((0,),), ((0, 3),)]),
    Row("segment_max_ties", lambda x: gt.math.segment_max(tied(x), np.repeat(np.arange(4), 3)),
        lambda x: x, [((4,),), ((4, 2),)], domain=DISTINCT),
    Row("segment_min_ties", lambda x: gt.math.segment_min(tied(x, 1.0), np.repeat(np.arange(4), 3)),
        lambda x: x, [((4,),), ((4, 2),)], domain=DISTINCT),
    Row("unsorted_segment_max_ties",
        lambda x: gt.math.unsorted_segment_max(tied(x), np.repeat([2, 0, 3, 1], 3), 5),
        lambda x: np.concatenate([x[[1, 3, 0, 2]], np.full((1,) + x.shape[1:], LOW)]), [((4,),), ((4, 2),)],
        domain=DISTINCT),
    Row("unsorted_segment_min_ties",
        lambda x: gt.math.unsorted_segment_min(tied(x, 1.0), np.repeat([1, 1, 0, -1], 3), 2),
        lambda x: np.stack([x[2], np.minimum(x[0], x[1])]), [((4,),), ((4, 2),)], domain=DISTINCT),
    # products
    Row("segment_prod", lambda x: gt.math.segment_prod(x, SORTED), np_segment(SORTED, 4, prod, 1.0),
        [((4,),), ((4, 3),)], domain=NONZERO),
    Row("unsorted_segment_prod", lambda x: gt.math.unsorted_segment_prod(x, IDS, 5),
        np_segment(IDS, 5, prod, 1.0), [((5,),), ((5, 2),)], domain=NONZERO),
    Row("unsorted_segment_prod_2d_ids", lambda x: gt.math.unsorted_segment_prod(x, IDS_2D, 3),
        np_segment(IDS_2D, 3, prod, 1.0), [((2, 3),), ((2, 3, 2),)], domain=NONZERO),
    # one zero in segments 0, 1 and 2: TensorFlow's gradient is exact there, to second order
    Row("unsorted_segment_prod_one_zero", lambda x: gt.math.unsorted_segment_prod(x, IDS_PROD, 5),
        np_segment(IDS_PROD, 5, prod, 1.0), [((8,),)], domain=zeros_at(0, 2, 5)),
    Row("segment_prod_one_zero", lambda x: gt.math.segment_prod(x, SORTED_PROD),
        np_segment(SORTED_PROD, 4, prod, 1.0), [((8,),)], domain=zeros_at(1, 3, 6)),
    # any number of zeros: first order only (with two zeros TensorFlow's gradient is 0, which
    # is the first derivative, but its derivative is 0 too where the true one is not)
    Row("unsorted_segment_prod_with_zeros", lambda x: gt.math.unsorted_segment_prod(x, IDS_PROD, 5),
        np_segment(IDS_PROD, 5, prod, 1.0), [((8,),), ((8, 3),)], domain=with_zeros, order=1),
    # weights of the counting ops
    Row("bincount_weights", lambda w: gt.math.bincount(ARR, weights=w, maxlength=5), np_bincount(ARR, 5),
        [((6,),)]),
    Row("bincount_weights_2d", lambda w: gt.math.bincount(ARR.reshape(2, 3), weights=w, minlength=9),
        np_bincount(ARR, 9), [((2, 3),)]),
    Row("confusion_matrix_weights",
        lambda w: gt.math.confusion_matrix(LABELS, PREDICTIONS, num_classes=4, weights=w, dtype=gt.float64),
        np_confusion, [((6,),)]),
]
